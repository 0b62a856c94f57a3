"""Observed joint failures against independent failures, by k."""

import numpy as np

from ..metrics import aggregated_risk, aggregated_risk_from_failures
from ..utils.validation import task_of_estimator
from ._base import axes_or_new, member_predictions


class AggregatedRiskDisplay:
    """Rate at which at least k models fail together, observed and if
    independent.

    Create it with :meth:`from_predictions`, :meth:`from_failures` or
    :meth:`from_estimator`; its :meth:`plot` draws it.

    Parameters
    ----------
    k : array-like of int
        Numbers of models.
    observed : array-like of float
        Observed rate of samples on which at least ``k`` models fail.
    independent : array-like of float
        The same rate if the models failed independently.
    name : str, default=None
        Name of the set of models, for the legend.

    Attributes
    ----------
    lines_ : dict of matplotlib Line2D
        ``"observed"`` and ``"independent"``.
    ax_ : matplotlib Axes
    figure_ : matplotlib Figure

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from skcorr.datasets import load_corr_ml_errors
    >>> from skcorr.plotting import AggregatedRiskDisplay
    >>> errors = load_corr_ml_errors("cifar10").errors
    >>> display = AggregatedRiskDisplay.from_failures(errors, name="CIFAR-10")
    >>> sorted(display.lines_)
    ['independent', 'observed']
    """

    def __init__(self, k, observed, independent, *, name=None):
        self.k = np.asarray(k)
        self.observed = np.asarray(observed, dtype=float)
        self.independent = np.asarray(independent, dtype=float)
        if not (self.k.shape == self.observed.shape == self.independent.shape):
            raise ValueError("k, observed and independent must have the same length.")
        self.name = name

    def plot(self, *, ax=None, log_scale=True):
        """Draw both curves.

        Parameters
        ----------
        ax : matplotlib Axes, default=None
            Where to draw; a new figure when None.
        log_scale : bool, default=True
            Log scale for the rates, where the gap at large k shows.

        Returns
        -------
        display : AggregatedRiskDisplay
        """
        ax, figure = axes_or_new(ax, f"{type(self).__name__}.plot")
        prefix = f"{self.name}: " if self.name else ""
        self.lines_ = {
            "observed": ax.plot(self.k, self.observed, "o-", label=f"{prefix}observed")[
                0
            ],
            "independent": ax.plot(
                self.k, self.independent, "s--", label=f"{prefix}if independent"
            )[0],
        }
        if log_scale:
            ax.set_yscale("log")
        ax.set_xticks(self.k)
        ax.set_xlabel("k (models failing on the same sample)")
        ax.set_ylabel("rate of samples with at least k failures")
        ax.set_title("Aggregated risk")
        ax.legend()
        self.ax_, self.figure_ = ax, figure
        return self

    @classmethod
    def _from_risk(cls, risk, name, ax, log_scale):
        display = cls(risk.k, risk.observed, risk.independent, name=name)
        return display.plot(ax=ax, log_scale=log_scale)

    @classmethod
    def from_failures(cls, failures, *, name=None, ax=None, log_scale=True):
        """Plot from a 0/1 failure matrix ``(n_samples, n_models)``."""
        risk = aggregated_risk_from_failures(failures)
        return cls._from_risk(risk, name, ax, log_scale)

    @classmethod
    def from_predictions(
        cls,
        y_true,
        Y_pred,
        *,
        task="auto",
        tolerance=None,
        name=None,
        ax=None,
        log_scale=True,
    ):
        """Plot from predictions ``(n_samples, n_models)``; see
        :func:`~skcorr.metrics.aggregated_risk`."""
        risk = aggregated_risk(y_true, Y_pred, task=task, tolerance=tolerance)
        return cls._from_risk(risk, name, ax, log_scale)

    @classmethod
    def from_estimator(
        cls,
        estimator,
        X,
        y,
        *,
        task="auto",
        tolerance=None,
        name=None,
        ax=None,
        log_scale=True,
    ):
        """Plot for the members of a fitted ensemble (``predict_all``).

        The ensemble may sit inside ``estimator``: the last step of a
        :class:`~sklearn.pipeline.Pipeline` (``X`` goes through the steps
        before it), the ``best_estimator_`` of a fitted search, the regressor
        of a :class:`~sklearn.compose.TransformedTargetRegressor`. ``name``
        defaults to the class name of ``estimator``.

        Raises
        ------
        TypeError
            When ``estimator`` holds no fitted skcorr ensemble; use
            :meth:`from_predictions` with the predictions of each model.
        """
        Y_pred, _, ensemble = member_predictions(estimator, X)
        task = task_of_estimator(ensemble, task)
        if name is None:
            name = type(estimator).__name__
        return cls.from_predictions(
            y,
            Y_pred,
            task=task,
            tolerance=tolerance,
            name=name,
            ax=ax,
            log_scale=log_scale,
        )
