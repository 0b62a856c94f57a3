"""Example difficulty: score distributions, consistency over runs, and the
cartography map."""

import numpy as np

from ..utils.members import find_members
from ._base import axes_or_new

KINDS = ("distribution", "consistency", "cartography")
# Line styles of the runs-needed curves, so that many stay apart in grey too.
_CURVE_STYLES = ("o-", "s--", "^:", "D-.")
_CARTOGRAPHY = ("confidence", "variability", "correctness")


def _check_quantile_range(quantile_range):
    if quantile_range is None:
        return None
    try:
        low, high = (float(q) for q in quantile_range)
    except (TypeError, ValueError):
        raise ValueError(
            "quantile_range must be two numbers (low, high) with 0 <= low < "
            f"high <= 1, e.g. (0.01, 0.99); got {quantile_range!r}."
        ) from None
    if not 0 <= low < high <= 1:
        raise ValueError(
            "quantile_range must be two numbers (low, high) with 0 <= low < "
            f"high <= 1, e.g. (0.01, 0.99); got {quantile_range!r}."
        )
    return low, high


def _check_scores(scores):
    """``{name: ndarray (n_samples, n_runs)}`` from a dict, Bunch or array."""
    if hasattr(scores, "columns"):  # DataFrame of per-example scores
        scores = {str(name): scores[name].to_numpy() for name in scores.columns}
    elif not isinstance(scores, dict):
        scores = {"score": scores}
    if not scores:
        raise ValueError("scores is empty: give at least one score.")
    checked, n_samples = {}, None
    for name, values in scores.items():
        values = np.asarray(values, dtype=float)
        if values.ndim == 1:
            values = values[:, None]
        if values.ndim != 2 or values.shape[0] == 0:
            raise ValueError(
                f"Score {name!r} must have shape (n_samples,) or (n_samples, "
                f"n_runs); got {values.shape}."
            )
        if n_samples is not None and values.shape[0] != n_samples:
            raise ValueError(
                f"Score {name!r} has {values.shape[0]} samples, the others {n_samples}."
            )
        if not np.isfinite(values).all():
            raise ValueError(f"Score {name!r} contains NaN or infinite values.")
        n_samples = values.shape[0]
        checked[str(name)] = values
    return checked


def _cartography_coordinates(scores):
    """Confidence, variability and correctness (higher = easier), per example.

    From ExampleDifficulty's ``cartography_*`` scores or the keys of
    :func:`~skcorr.difficulty.cartography`; both store confidence and
    correctness negated (higher = harder), which is undone here.
    """
    for prefix in ("cartography_", ""):
        names = [prefix + name for name in _CARTOGRAPHY]
        if all(name in scores for name in names):
            confidence, variability, correctness = (
                scores[name].mean(axis=1) for name in names
            )
            return -confidence, variability, -correctness
    raise ValueError(
        "The cartography map needs the scores 'cartography_confidence', "
        "'cartography_variability' and 'cartography_correctness' (fit "
        "ExampleDifficulty with them) or 'confidence', 'variability' and "
        f"'correctness' (skcorr.difficulty.cartography); got {list(scores)}."
    )


def _draw_runs_needed(ax, curves):
    """One line per curve (``n_runs`` against ``median_rank_error``); the
    one drawing of the runs-needed curve. Returns name -> Line2D."""
    lines, ticks = {}, set()
    for (name, curve), style in zip(
        curves.items(), _CURVE_STYLES * len(curves), strict=False
    ):
        n = np.asarray(curve["n_runs"])
        error = np.asarray(curve["median_rank_error"])
        lines[name] = ax.plot(n, error, style, label=name)[0]
        ticks.update(n.tolist())
    ax.set_xticks(sorted(ticks))
    ax.set_xlabel("runs averaged (n)")
    ax.set_ylabel("median rank error vs all runs")
    return lines


class DifficultyDisplay:
    """Per-example difficulty scores over many runs, three ways.

    - ``kind="distribution"``: distribution of the per-example mean scores
      (a histogram for one score, a violin per score for several);
    - ``kind="consistency"``: median rank error of the mean of ``n`` runs
      against the mean of all runs (:func:`~skcorr.difficulty.runs_needed`),
      with the ``a / sqrt(n)`` curve fitted by least squares as reference;
    - ``kind="cartography"``: the dataset map of Swayamdipta et al. (2020),
      mean confidence ``p_y`` against its variability over epochs, coloured by
      the fraction of epochs classified correctly (averaged over runs).

    Scores follow :mod:`skcorr.difficulty`'s convention (higher = harder),
    except on the cartography map, which shows confidence and correctness as
    in the original paper (higher = easier).

    Create it with :meth:`from_estimator` or :meth:`from_scores`; its
    :meth:`plot` draws it.

    Parameters
    ----------
    scores : dict of str -> array-like of shape (n_samples, n_runs)
        Each score of every example in each run (``scores_`` of
        :class:`~skcorr.difficulty.ExampleDifficulty`); a 1-D array counts as
        one run.

    Attributes
    ----------
    kind_ : str
        The kind drawn last.
    hist_ : matplotlib BarContainer or None
        The histogram (``"distribution"`` of one score).
    violins_ : dict or None
        The parts of :meth:`matplotlib.axes.Axes.violinplot`
        (``"distribution"`` of several scores).
    runs_needed_ : Bunch or None
        The result of :func:`~skcorr.difficulty.runs_needed`
        (``"consistency"``).
    lines_ : dict of matplotlib Line2D
        ``"rank_error"`` and ``"reference"`` (``"consistency"``); empty for
        the other kinds.
    band_ : matplotlib PolyCollection or None
        One standard deviation over repeated draws of runs (``"consistency"``).
    scatter_ : matplotlib PathCollection or None
        The examples of the cartography map (``"cartography"``).
    ax_ : matplotlib Axes
    figure_ : matplotlib Figure

    References
    ----------
    Kwok, Anand, Frankle, Dziugaite, Rolnick (2024), "Dataset Difficulty and
    the Role of Inductive Bias", arXiv:2401.01867.

    Swayamdipta, Schwartz, Lourie, Wang, Hajishirzi, Smith, Choi (2020),
    "Dataset Cartography: Mapping and Diagnosing Datasets with Training
    Dynamics", EMNLP.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import numpy as np
    >>> from skcorr.plotting import DifficultyDisplay
    >>> rng = np.random.RandomState(0)
    >>> loss = rng.gamma(2.0, size=(100, 1)) + 0.3 * rng.normal(size=(100, 8))
    >>> display = DifficultyDisplay.from_scores(
    ...     {"loss": loss}, kind="consistency", random_state=0)
    >>> display.runs_needed_.n_runs
    array([1, 2, 3, 4, 5, 6, 7])
    >>> display.ax_.get_xlabel()
    'runs averaged (n)'
    """

    def __init__(self, scores):
        self.scores = _check_scores(scores)

    def _names(self, score, kind):
        if score is None:
            if kind == "consistency":
                return ["loss" if "loss" in self.scores else next(iter(self.scores))]
            return list(self.scores)
        names = [score] if isinstance(score, str) else list(score)
        unknown = [name for name in names if name not in self.scores]
        if unknown or not names:
            raise ValueError(
                f"Unknown score(s) {unknown}; the display holds {list(self.scores)}."
            )
        if kind == "consistency" and len(names) != 1:
            raise ValueError("kind='consistency' draws one score: name one.")
        return names

    def plot(
        self,
        *,
        kind="distribution",
        score=None,
        ax=None,
        standardize=None,
        bins=30,
        n_runs=None,
        n_repeats=30,
        random_state=None,
        cmap="coolwarm_r",
        quantile_range=None,
    ):
        """Draw one kind of difficulty plot.

        Parameters
        ----------
        kind : {"distribution", "consistency", "cartography"}, default="distribution"
        score : str or list of str, default=None
            Scores to draw: all of them for ``"distribution"``, ``"loss"`` (or
            else the first) for ``"consistency"``; unused for
            ``"cartography"``.
        ax : matplotlib Axes, default=None
            Where to draw; a new figure when None.
        standardize : bool, default=None
            ``"distribution"``: scale each score's means to zero mean and unit
            variance, so that scores of different units share one axis. None
            standardises when more than one score is drawn.
        bins : int, default=30
            Histogram bins (``"distribution"`` of one score).
        n_runs : array-like of int, default=None
            ``"consistency"``: numbers of runs to average; see
            :func:`~skcorr.difficulty.runs_needed`.
        n_repeats : int, default=30
            ``"consistency"``: random subsets of runs per ``n``.
        random_state : int, RandomState instance or None, default=None
            ``"consistency"``: draws the subsets of runs.
        cmap : str or Colormap, default="coolwarm_r"
            ``"cartography"``: colours of the correctness.
        quantile_range : tuple of two floats in [0, 1], default=None
            ``"distribution"`` of several scores: draw each violin from the
            examples between these quantiles of its score (e.g. ``(0.01,
            0.99)``), so that a few outliers do not flatten the violins into
            whiskers; the axis label says how many examples were left out.
            None draws every example.

        Raises
        ------
        ValueError
            For an unknown ``kind``, or a ``quantile_range`` that is not two
            numbers ``0 <= low < high <= 1``.

        Returns
        -------
        display : DifficultyDisplay
        """
        if kind not in KINDS:
            raise ValueError(f"kind must be one of {KINDS}; got {kind!r}.")
        quantile_range = _check_quantile_range(quantile_range)
        ax, figure = axes_or_new(ax, f"{type(self).__name__}.plot")
        self.hist_ = self.violins_ = self.runs_needed_ = None
        self.band_ = self.scatter_ = None
        self.lines_ = {}
        if kind == "distribution":
            self._plot_distribution(
                ax, self._names(score, kind), standardize, bins, quantile_range
            )
        elif kind == "consistency":
            self._plot_consistency(
                ax, self._names(score, kind)[0], n_runs, n_repeats, random_state
            )
        else:
            self._plot_cartography(ax, figure, cmap)
        self.kind_, self.ax_, self.figure_ = kind, ax, figure
        return self

    def _plot_distribution(self, ax, names, standardize, bins, quantile_range=None):
        means = [self.scores[name].mean(axis=1) for name in names]
        if standardize is None:
            standardize = len(names) > 1
        if standardize:
            means = [
                (m - m.mean()) / m.std() if m.std() > 0 else m - m.mean() for m in means
            ]
        what = "standardised mean score" if standardize else "mean score over runs"
        if len(names) == 1:
            _, _, self.hist_ = ax.hist(means[0], bins=bins)
            ax.set_xlabel(f"{names[0]} ({what})")
            ax.set_ylabel("examples")
        else:
            positions = np.arange(1, len(names) + 1)
            left_out = 0
            if quantile_range is not None:
                kept = []
                for m in means:
                    low, high = np.quantile(m, quantile_range)
                    inside = m[(m >= low) & (m <= high)]
                    left_out += m.size - inside.size
                    kept.append(inside)
                means = kept
            self.violins_ = ax.violinplot(means, positions, showmedians=True)
            ax.set_xticks(positions, names, rotation=45, ha="right")
            if quantile_range is not None:
                low, high = (format(100 * q, "g") for q in quantile_range)
                what += (f"\n({low}-{high}% quantiles; {left_out} values "
                         "outside not drawn)")
            ax.set_ylabel(what)
        ax.set_title("Difficulty scores (higher = harder)")

    def _plot_consistency(self, ax, name, n_runs, n_repeats, random_state):
        from ..difficulty import runs_needed

        result = runs_needed(
            self.scores[name],
            n_runs=n_runs,
            n_repeats=n_repeats,
            random_state=random_state,
        )
        n, error = result.n_runs, result.median_rank_error
        x = 1.0 / np.sqrt(n)
        slope = float(x @ error / (x @ x))
        self.lines_ = {
            "rank_error": _draw_runs_needed(ax, {"median rank error": result})[
                "median rank error"
            ],
            "reference": ax.plot(
                n, slope * x, "--", color="gray", label=f"{slope:.3g} / sqrt(n)"
            )[0],
        }
        self.band_ = ax.fill_between(
            n, error - result.std, error + result.std, alpha=0.3
        )
        ax.set_title(f"Consistency of {name}")
        ax.legend()
        self.runs_needed_ = result

    @classmethod
    def from_runs_needed(cls, curves, *, ax=None):
        """Draw runs-needed curves already computed, one line per name.

        The median rank error of the mean of ``n`` runs against the mean of
        all runs (:func:`~skcorr.difficulty.runs_needed`), for several
        architectures on one axis.

        Parameters
        ----------
        curves : dict of str -> Bunch, or DataFrame
            Results of :func:`~skcorr.difficulty.runs_needed` by name, or a
            table with columns ``architecture``, ``n_runs`` and
            ``median_rank_error`` (``runs_needed`` of
            :func:`~skcorr.difficulty.run_difficulty_study`).
        ax : matplotlib Axes, default=None
            Where to draw; a new figure when None.

        Returns
        -------
        display : DifficultyDisplay
            With ``lines_`` (name -> Line2D), ``kind_ = "consistency"``,
            ``ax_`` and ``figure_``.

        Examples
        --------
        >>> import matplotlib
        >>> matplotlib.use("Agg")
        >>> import pandas as pd
        >>> from skcorr.plotting import DifficultyDisplay
        >>> curves = pd.DataFrame({"architecture": ["a", "a", "b", "b"],
        ...                        "n_runs": [1, 2, 1, 2],
        ...                        "median_rank_error": [0.2, 0.1, 0.3, 0.2]})
        >>> sorted(DifficultyDisplay.from_runs_needed(curves).lines_)
        ['a', 'b']
        """
        if hasattr(curves, "columns"):
            curves = {
                name: rows for name, rows in curves.groupby("architecture", sort=False)
            }
        ax, figure = axes_or_new(ax, f"{cls.__name__}.from_runs_needed")
        display = cls.__new__(cls)
        display.scores = {}
        display.hist_ = display.violins_ = display.band_ = display.scatter_ = None
        display.runs_needed_ = curves
        display.lines_ = _draw_runs_needed(ax, curves)
        ax.legend(fontsize=8)
        display.kind_, display.ax_, display.figure_ = "consistency", ax, figure
        return display

    def _plot_cartography(self, ax, figure, cmap):
        confidence, variability, correctness = _cartography_coordinates(self.scores)
        self.scatter_ = ax.scatter(
            variability,
            confidence,
            c=correctness,
            cmap=cmap,
            vmin=0.0,
            vmax=1.0,
            s=12,
        )
        figure.colorbar(self.scatter_, ax=ax, label="correctness")
        ax.set_xlabel("variability (std of p_y over epochs)")
        ax.set_ylabel("confidence (mean p_y over epochs)")
        ax.set_title("Dataset cartography")

    @classmethod
    def from_scores(
        cls, scores, *, kind="distribution", score=None, ax=None, **plot_kwargs
    ):
        """Plot difficulty scores of every example in each run.

        Parameters
        ----------
        scores : dict of str -> array-like, DataFrame or array-like
            Per-run scores ``(n_samples, n_runs)`` by name, or one array; a
            DataFrame's columns (e.g. ``mean_scores_``) count as one run each
            score; the Bunch of :func:`~skcorr.difficulty.cartography` draws
            the cartography map.
        kind : {"distribution", "consistency", "cartography"}, default="distribution"
        score : str or list of str, default=None
            See :meth:`plot`.
        ax : matplotlib Axes, default=None
        **plot_kwargs
            Passed to :meth:`plot`.

        Returns
        -------
        display : DifficultyDisplay
        """
        return cls(scores).plot(kind=kind, score=score, ax=ax, **plot_kwargs)

    @classmethod
    def from_estimator(
        cls, estimator, *, kind="distribution", score=None, ax=None, **plot_kwargs
    ):
        """Plot the per-run scores of a fitted
        :class:`~skcorr.difficulty.ExampleDifficulty`.

        Parameters
        ----------
        estimator : ExampleDifficulty
            Fitted; its ``scores_`` are drawn. It may be the last step of a
            :class:`~sklearn.pipeline.Pipeline` or the ``best_estimator_`` of
            a fitted search.
        kind : {"distribution", "consistency", "cartography"}, default="distribution"
        score : str or list of str, default=None
            See :meth:`plot`.
        ax : matplotlib Axes, default=None
        **plot_kwargs
            Passed to :meth:`plot`.

        Returns
        -------
        display : DifficultyDisplay

        Raises
        ------
        TypeError
            When ``estimator`` holds no fitted ExampleDifficulty (no
            ``scores_``).
        """
        try:
            final, _ = find_members(estimator, "scores_", target_transform=False)
        except TypeError as error:
            raise TypeError(
                f"{error} Pass a fitted ExampleDifficulty (alone or as the last "
                "step of a Pipeline), or use from_scores with your scores."
            ) from None
        return cls.from_scores(
            final.scores_, kind=kind, score=score, ax=ax, **plot_kwargs
        )
