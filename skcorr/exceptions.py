"""Warnings and errors raised by skcorr."""


class UndefinedCorrelationWarning(UserWarning):
    """A correlation is undefined, for example with a model whose errors are
    constant (always right or always wrong); its value is set to NaN.

    Also raised where a related statistic is undefined: the aggregated-risk
    ratio observed / independent when both are 0 (fewer than ``k`` models ever
    fail), and analytic confidence intervals on fewer than 4 samples.
    """
