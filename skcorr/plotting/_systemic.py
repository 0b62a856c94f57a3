"""Number of models failing on each sample, observed and if independent."""

import numpy as np

from ..metrics import systemic_failure, systemic_failure_from_failures
from ..utils.validation import task_of_estimator
from ._base import axes_or_new, member_predictions


class SystemicFailureDisplay:
    """Distribution of the number of models failing on a sample, observed
    (bars) and if the models failed independently (Poisson-binomial, markers).

    Create it with :meth:`from_predictions`, :meth:`from_failures` or
    :meth:`from_estimator`; its :meth:`plot` draws it. Bars above the markers
    at both ends (all fail, none fails) are the homogeneous outcomes of
    Toups et al. (2023); see :func:`~skcorr.metrics.systemic_failure`.

    Parameters
    ----------
    n_failing : array-like of int
        ``0..n_models``.
    observed : array-like of float
        Share of the samples on which exactly ``k`` models fail.
    independent : array-like of float
        The same share if the models failed independently.
    homogenization : float, default=None
        Observed over expected systemic failure rate, shown in the title.
    name : str, default=None
        Name of the set of models, for the legend.

    Attributes
    ----------
    bars_ : matplotlib BarContainer
        The observed distribution.
    line_ : matplotlib Line2D
        The independent baseline.
    ax_ : matplotlib Axes
    figure_ : matplotlib Figure

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from skcorr.datasets import load_corr_ml_errors
    >>> from skcorr.plotting import SystemicFailureDisplay
    >>> errors = load_corr_ml_errors("mnist").errors
    >>> display = SystemicFailureDisplay.from_failures(errors, name="MNIST")
    >>> len(display.bars_)
    9
    """

    def __init__(self, n_failing, observed, independent, *, homogenization=None,
                 name=None):
        self.n_failing = np.asarray(n_failing)
        self.observed = np.asarray(observed, dtype=float)
        self.independent = np.asarray(independent, dtype=float)
        if not (self.n_failing.shape == self.observed.shape == self.independent.shape):
            raise ValueError(
                "n_failing, observed and independent must have the same length."
            )
        self.homogenization = homogenization
        self.name = name

    def plot(self, *, ax=None, log_scale=False):
        """Draw the observed bars and the independent baseline.

        Parameters
        ----------
        ax : matplotlib Axes, default=None
            Where to draw; a new figure when None.
        log_scale : bool, default=False
            Log scale for the shares, where the tails show.

        Returns
        -------
        display : SystemicFailureDisplay
        """
        ax, figure = axes_or_new(ax, f"{type(self).__name__}.plot")
        prefix = f"{self.name}: " if self.name else ""
        self.bars_ = ax.bar(
            self.n_failing, self.observed, alpha=0.6, label=f"{prefix}observed"
        )
        (self.line_,) = ax.plot(
            self.n_failing, self.independent, "ko--", label=f"{prefix}if independent"
        )
        if log_scale:
            ax.set_yscale("log")
        ax.set_xticks(self.n_failing)
        ax.set_xlabel("number of models failing on the sample")
        ax.set_ylabel("share of samples")
        title = "Systemic failure"
        if self.homogenization is not None:
            title += f" (homogenization {self.homogenization:.3g})"
        ax.set_title(title)
        ax.legend()
        self.ax_, self.figure_ = ax, figure
        return self

    @classmethod
    def _from_result(cls, result, name, ax, log_scale):
        display = cls(
            result.n_failing,
            result.observed,
            result.independent,
            homogenization=result.homogenization,
            name=name,
        )
        return display.plot(ax=ax, log_scale=log_scale)

    @classmethod
    def from_failures(cls, failures, *, sample_weight=None, name=None, ax=None,
                      log_scale=False):
        """Plot from a 0/1 failure matrix ``(n_samples, n_models)``; see
        :func:`~skcorr.metrics.systemic_failure_from_failures`."""
        result = systemic_failure_from_failures(failures, sample_weight=sample_weight)
        return cls._from_result(result, name, ax, log_scale)

    @classmethod
    def from_predictions(
        cls,
        y_true,
        Y_pred,
        *,
        task="auto",
        tolerance=None,
        sample_weight=None,
        name=None,
        ax=None,
        log_scale=False,
    ):
        """Plot from predictions ``(n_samples, n_models)``; see
        :func:`~skcorr.metrics.systemic_failure`."""
        result = systemic_failure(
            y_true, Y_pred, task=task, tolerance=tolerance, sample_weight=sample_weight
        )
        return cls._from_result(result, name, ax, log_scale)

    @classmethod
    def from_estimator(
        cls,
        estimator,
        X,
        y,
        *,
        task="auto",
        tolerance=None,
        sample_weight=None,
        name=None,
        ax=None,
        log_scale=False,
    ):
        """Plot for the members of a fitted ensemble (``predict_all``).

        The ensemble may sit inside ``estimator`` (a Pipeline, a fitted search,
        a TransformedTargetRegressor). ``name`` defaults to the class name of
        ``estimator``.

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
            sample_weight=sample_weight,
            name=name,
            ax=ax,
            log_scale=log_scale,
        )
