"""Heatmap of the pairwise error correlation of many models."""

import numpy as np

from ..metrics import correlation_from_errors, pairwise_error_correlation
from ..utils.validation import check_unique_names, task_of_estimator
from ._base import axes_or_new, member_predictions


def _names_and_values(matrix, model_names):
    names = list(getattr(matrix, "columns", [])) or model_names
    values = np.asarray(matrix, dtype=float)
    if values.ndim != 2 or values.shape[0] != values.shape[1]:
        raise ValueError(f"matrix must be square; got shape {values.shape}.")
    if names is None:
        names = [f"model {i}" for i in range(values.shape[0])]
    if len(names) != values.shape[0]:
        raise ValueError(
            f"{len(names)} model names for a matrix of {values.shape[0]} models."
        )
    names = [str(name) for name in names]
    check_unique_names(names, "model_names")
    return names, values


def cluster_order(matrix):
    """Leaf order of an average-linkage clustering on ``1 - |correlation|``.

    Undefined (NaN) correlations count as 0, so such models end up apart.
    """
    from scipy.cluster.hierarchy import leaves_list, linkage
    from scipy.spatial.distance import squareform

    if matrix.shape[0] < 3:
        return np.arange(matrix.shape[0])
    distance = 1.0 - np.abs(np.nan_to_num(matrix, nan=0.0))
    distance = (distance + distance.T) / 2.0
    np.fill_diagonal(distance, 0.0)
    return leaves_list(linkage(squareform(distance, checks=False), "average"))


class ErrorCorrelationDisplay:
    """Heatmap of the pairwise error correlation of many models.

    Create it with :meth:`from_predictions`, :meth:`from_errors` or
    :meth:`from_estimator`; its :meth:`plot` draws it.

    Parameters
    ----------
    matrix : array-like or DataFrame of shape (n_models, n_models)
        Pairwise error correlation, e.g. from
        :func:`~skcorr.metrics.pairwise_error_correlation`.
    model_names : list of str, default=None
        Names of the models; a DataFrame's columns are used when not given.
    method : str, default=None
        Name of the measure, for the colour bar.

    Attributes
    ----------
    im_ : matplotlib AxesImage
    text_ : ndarray of matplotlib Text or None
        Annotations, in plotted order.
    order_ : ndarray of int
        Order in which the models are plotted.
    ax_ : matplotlib Axes
    figure_ : matplotlib Figure

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from skcorr.datasets import load_corr_ml_errors
    >>> from skcorr.plotting import ErrorCorrelationDisplay
    >>> data = load_corr_ml_errors("mnist", as_frame=True)
    >>> display = ErrorCorrelationDisplay.from_errors(data.errors, method="phik")
    >>> [label.get_text() for label in display.ax_.get_xticklabels()][:2]
    ['resnet50', 'resnet101']
    """

    def __init__(self, matrix, *, model_names=None, method=None):
        self.model_names, self.matrix = _names_and_values(matrix, model_names)
        self.method = method

    def plot(
        self,
        *,
        ax=None,
        annotate=True,
        values_format=".2f",
        cluster=False,
        cmap="viridis",
        vmin=None,
        vmax=None,
        colorbar=True,
    ):
        """Draw the heatmap.

        Parameters
        ----------
        ax : matplotlib Axes, default=None
            Where to draw; a new figure when None.
        annotate : bool, default=True
            Write each value in its cell (NaN cells read "nan").
        values_format : str, default=".2f"
            Format of the annotations.
        cluster : bool, default=False
            Order the models by average-linkage clustering of
            ``1 - |correlation|``, so that correlated models sit together.
        cmap : str or Colormap, default="viridis"
        vmin, vmax : float, default=None
            Colour limits; by default -1..1 when a value is negative, else 0..1.
        colorbar : bool, default=True

        Returns
        -------
        display : ErrorCorrelationDisplay
        """
        ax, figure = axes_or_new(ax, f"{type(self).__name__}.plot")
        order = cluster_order(self.matrix) if cluster else np.arange(len(self.matrix))
        values = self.matrix[np.ix_(order, order)]
        names = [self.model_names[i] for i in order]
        if vmin is None:
            vmin = -1.0 if np.nanmin(values, initial=0.0) < 0 else 0.0
        if vmax is None:
            vmax = max(1.0, np.nanmax(values, initial=1.0))
        self.im_ = ax.imshow(values, cmap=cmap, vmin=vmin, vmax=vmax)
        ticks = np.arange(len(names))
        ax.set_xticks(ticks, names, rotation=45, ha="right")
        ax.set_yticks(ticks, names)
        self.text_ = None
        if annotate:
            self.text_ = np.empty(values.shape, dtype=object)
            middle = (vmin + vmax) / 2.0
            for i, j in np.ndindex(values.shape):
                value = values[i, j]
                color = "black" if np.isfinite(value) and value > middle else "white"
                label = "nan" if np.isnan(value) else format(value, values_format)
                self.text_[i, j] = ax.text(
                    j, i, label, ha="center", va="center", color=color, fontsize=8
                )
        if colorbar:
            figure.colorbar(self.im_, ax=ax, label=self.method or "error correlation")
        ax.set_title("Error correlation" + (f" ({self.method})" if self.method else ""))
        self.order_, self.ax_, self.figure_ = order, ax, figure
        return self

    @classmethod
    def from_errors(cls, errors, *, method="pearson", ax=None, **plot_kwargs):
        """Plot the correlation of an error matrix ``(n_samples, n_models)``.

        See :func:`~skcorr.metrics.correlation_from_errors` for ``method``;
        ``plot_kwargs`` go to :meth:`plot`.
        """
        matrix = correlation_from_errors(errors, method=method)
        return cls(matrix, method=method).plot(ax=ax, **plot_kwargs)

    @classmethod
    def from_predictions(
        cls,
        y_true,
        Y_pred,
        *,
        method="pearson",
        task="auto",
        model_names=None,
        ax=None,
        **plot_kwargs,
    ):
        """Plot the error correlation of predictions ``(n_samples, n_models)``.

        See :func:`~skcorr.metrics.pairwise_error_correlation`; ``plot_kwargs``
        go to :meth:`plot`.
        """
        matrix = pairwise_error_correlation(y_true, Y_pred, method=method, task=task)
        return cls(matrix, model_names=model_names, method=method).plot(
            ax=ax, **plot_kwargs
        )

    @classmethod
    def from_estimator(
        cls, estimator, X, y, *, method="pearson", task="auto", ax=None, **plot_kwargs
    ):
        """Plot the error correlation of the members of a fitted ensemble.

        ``estimator`` is an ensemble of :mod:`skcorr.ensemble` (it has
        ``predict_all``; its ``member_names_`` label the models), or holds one:
        the last step of a :class:`~sklearn.pipeline.Pipeline` (``X`` goes
        through the steps before it), the ``best_estimator_`` of a fitted
        search, the regressor of a
        :class:`~sklearn.compose.TransformedTargetRegressor`.

        Raises
        ------
        TypeError
            When ``estimator`` holds no fitted skcorr ensemble; use
            :meth:`from_predictions` with the predictions of each model.
        """
        Y_pred, names, ensemble = member_predictions(estimator, X)
        task = task_of_estimator(ensemble, task)
        return cls.from_predictions(
            y, Y_pred, method=method, task=task, model_names=names, ax=ax, **plot_kwargs
        )
