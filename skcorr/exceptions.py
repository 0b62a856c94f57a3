"""Warnings and errors raised by skcorr."""


class UndefinedCorrelationWarning(UserWarning):
    """A correlation is undefined, for example with a model whose errors are
    constant (always right or always wrong); its value is set to NaN."""
