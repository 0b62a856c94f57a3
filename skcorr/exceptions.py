"""Warnings and errors raised by skcorr."""


class UndefinedCorrelationWarning(UserWarning):
    """A correlation is undefined, for example with a model whose errors are
    constant (always right or always wrong); its value is set to NaN.

    Also raised where a related statistic is undefined: the aggregated-risk
    ratio observed / independent when both are 0 (fewer than ``k`` models ever
    fail), and analytic confidence intervals on fewer than 4 samples.
    """


class SharedInitialWeightsWarning(UserWarning):
    """A skorch net was given its module as an instance, not a class.

    skorch does not re-initialise a module instance, so every seed starts from
    the same initial weights and only the batch order (and dropout) follows the
    seed; without shuffling the "independent" runs are the same model. Pass
    the module class, with its arguments as ``module__*`` parameters, for
    seed-dependent initial weights; keep the instance only when shared initial
    weights (fine-tuning from one checkpoint) are meant.
    """
