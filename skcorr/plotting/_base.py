"""What the displays share: matplotlib on demand and members of an ensemble."""

from sklearn.utils._optional_dependencies import check_matplotlib_support


def axes_or_new(ax, caller):
    """Return ``(ax, figure)``, creating a figure when ``ax`` is None."""
    check_matplotlib_support(caller)
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots()
    return ax, ax.figure


def member_predictions(estimator, X):
    """``(Y_pred, names)`` of a fitted multi-model estimator (``predict_all``)."""
    if not hasattr(estimator, "predict_all"):
        raise TypeError(
            f"{type(estimator).__name__} has no predict_all method: pass an "
            "ensemble of skcorr.ensemble, or use from_predictions with the "
            "predictions of each model."
        )
    Y_pred = estimator.predict_all(X)
    names = getattr(estimator, "member_names_", None)
    return Y_pred, None if names is None else list(names)
