"""Display classes in scikit-learn's style (``from_estimator``,
``from_predictions``, ``plot(ax=...)``, ``figure_``, ``ax_``).

matplotlib (the ``plot`` extra) is imported only when something is drawn.
"""

from ._difficulty import DifficultyDisplay
from ._error_correlation import ErrorCorrelationDisplay
from ._flows import FlowDisplay
from ._risk import AggregatedRiskDisplay
from ._spurious import SpuriousCurveDisplay
from ._systemic import SystemicFailureDisplay

__all__ = [
    "AggregatedRiskDisplay",
    "DifficultyDisplay",
    "ErrorCorrelationDisplay",
    "FlowDisplay",
    "SpuriousCurveDisplay",
    "SystemicFailureDisplay",
]
