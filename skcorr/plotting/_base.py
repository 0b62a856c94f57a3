"""What the displays share: matplotlib on demand and members of an ensemble."""

from ..utils.fixes import check_matplotlib_support
from ..utils.members import member_outputs


def axes_or_new(ax, caller):
    """Return ``(ax, figure)``, creating a figure when ``ax`` is None."""
    check_matplotlib_support(caller)
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots()
    return ax, ax.figure


def member_predictions(estimator, X):
    """``(Y_pred, names, ensemble)`` of a fitted skcorr ensemble, alone or
    inside a Pipeline, a fitted search or a TransformedTargetRegressor."""
    Y_pred, ensemble = member_outputs(estimator, X, "predict_all")
    names = getattr(ensemble, "member_names_", None)
    return Y_pred, None if names is None else list(names), ensemble
