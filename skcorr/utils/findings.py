"""Findings: sentences computed from a study's numbers, with those numbers."""

from dataclasses import dataclass, field

__all__ = ["Finding", "format_number"]


def format_number(value, digits=3):
    """``value`` with ``digits`` significant figures, the report's one format.

    Parameters
    ----------
    value : object
        A number (int, float, numpy scalar); anything else is returned as
        ``str(value)``. NaN and infinities print as ``nan``, ``inf``.
    digits : int, default=3
        Significant figures of a float.

    Returns
    -------
    text : str

    Examples
    --------
    >>> format_number(0.000686), format_number(0.0), format_number(12.345)
    ('0.000686', '0', '12.3')
    >>> format_number(108765.4), format_number(1.5e12)
    ('109000', '1.50e+12')
    >>> format_number(7), format_number(float("nan"))
    ('7', 'nan')
    """
    import math
    import numbers

    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        return str(value)
    if isinstance(value, numbers.Integral):
        return str(int(value))
    value = float(value)
    if value != value or value in (float("inf"), float("-inf")):
        return str(value)
    if value == 0:
        return "0"
    if 1e-4 <= abs(value) < 10**digits:
        return f"{value:.{digits}g}"
    if 10**digits <= abs(value) < 1e9:  # whole, rounded to significant figures
        exponent = math.floor(math.log10(abs(value)))
        return f"{round(value, digits - 1 - exponent):.0f}"
    return f"{value:.{digits - 1}e}"


@dataclass(frozen=True)
class Finding:
    """One sentence a study's numbers support, and those numbers.

    Parameters
    ----------
    study : str
        ``"errors"``, ``"spurious"``, ``"difficulty"`` or ``"reciprocity"``.
    text : str
        The sentence, numbers included.
    holds : bool
        Whether the effect the study looks for is there (False: the sentence
        says it is not).
    evidence : dict
        The numbers the sentence rests on, by name.

    Examples
    --------
    >>> Finding("errors", "Models fail together.", True, {"ratio": 7.0}).text
    'Models fail together.'
    """

    study: str
    text: str
    holds: bool
    evidence: dict = field(default_factory=dict)

    def to_dict(self):
        """The finding as plain values (for JSON)."""
        return {"study": self.study, "text": self.text, "holds": self.holds,
                "evidence": dict(self.evidence)}
