"""Display classes in scikit-learn's style (``from_estimator``,
``from_predictions``, ``plot(ax=...)``, ``figure_``, ``ax_``).

matplotlib (the ``plot`` extra) is imported only when something is drawn.
"""

from ._error_correlation import ErrorCorrelationDisplay
from ._risk import AggregatedRiskDisplay

__all__ = ["AggregatedRiskDisplay", "ErrorCorrelationDisplay"]
