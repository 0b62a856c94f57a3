"""Spurious score against the number of patched training examples."""

import numpy as np

from ._base import axes_or_new

_SUMMARY_COLUMNS = ("model", "pattern", "n_examples", "score")
_LINESTYLES = ("-", "--", ":", "-.")
_MARKERS = ("o", "s", "^", "D")


def _as_2d(values, name, n_points):
    values = np.asarray(values, dtype=float)
    if values.ndim == 1:
        values = values[:, None]
    if values.ndim != 2 or values.shape[0] != n_points:
        raise ValueError(
            f"{name} must have shape (n_points,) or (n_points, n_curves) with "
            f"n_points={n_points} (one row per value of n_examples); got "
            f"{values.shape}."
        )
    return values


def _summary_frame(results):
    """A flat summary (model, pattern, n_examples, score, score_sem)."""
    import pandas as pd

    from ..spurious import summarize_spurious_study

    frame = pd.DataFrame(results)
    if "seed" in frame.columns:  # per-seed results of run_spurious_study
        frame = summarize_spurious_study(frame)
    if isinstance(frame.index, pd.MultiIndex) or frame.index.name is not None:
        frame = frame.reset_index()
    missing = [column for column in _SUMMARY_COLUMNS if column not in frame.columns]
    if missing:
        raise ValueError(
            f"results lack the column(s) {missing}: pass the DataFrame of "
            "run_spurious_study or the output of summarize_spurious_study."
        )
    if "score_sem" not in frame.columns:
        frame["score_sem"] = np.nan
    return frame


class SpuriousCurveDisplay:
    """Spurious score against the number of patched training examples.

    One line per pattern (and model), each with its own colour, or past ten
    curves its own linestyle and marker, with error bars of one standard error
    over data seeds, as in Yang, Chou and Chaudhuri (2022). The x axis is
    symmetric-logarithmic, so ``n = 0`` (the model trained without the
    pattern, the baseline) sits at the origin and 1, 10, 100 are evenly
    spaced.

    Create it with :meth:`from_results` or from arrays; its :meth:`plot`
    draws it.

    Parameters
    ----------
    n_examples : array-like of int of shape (n_points,)
        Numbers of patched training examples.
    scores : array-like of shape (n_points,) or (n_points, n_curves)
        Mean spurious score of each curve at each ``n`` (NaN where missing).
    score_sem : array-like of the shape of ``scores``, default=None
        Standard error of each mean; no error bars when None (or NaN).
    labels : list of str, default=None
        Name of each curve, for the legend.

    Attributes
    ----------
    lines_ : list of matplotlib Line2D
        The data line of each curve.
    errorbars_ : list of matplotlib ErrorbarContainer
        The error bars of each curve.
    ax_ : matplotlib Axes
    figure_ : matplotlib Figure

    See Also
    --------
    skcorr.spurious.spurious_score : The score of one fitted model.

    References
    ----------
    Yang, Chou, Chaudhuri (2022), "Understanding Rare Spurious Correlations in
    Neural Networks", arXiv:2202.05189.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from skcorr.plotting import SpuriousCurveDisplay
    >>> display = SpuriousCurveDisplay(
    ...     [0, 1, 10, 100], [[0.0, 0.0], [0.1, 0.0], [0.6, 0.2], [0.9, 0.7]],
    ...     score_sem=[[0.0, 0.0], [0.05, 0.0], [0.1, 0.1], [0.02, 0.05]],
    ...     labels=["S3", "R1"]).plot()
    >>> [text.get_text() for text in display.ax_.get_legend().get_texts()]
    ['S3', 'R1']
    >>> display.ax_.get_xscale()
    'symlog'
    """

    def __init__(self, n_examples, scores, *, score_sem=None, labels=None):
        self.n_examples = np.asarray(n_examples)
        if self.n_examples.ndim != 1 or self.n_examples.size == 0:
            raise ValueError(
                "n_examples must be a non-empty 1-D array; got shape "
                f"{self.n_examples.shape}."
            )
        if np.any(self.n_examples < 0):
            raise ValueError("n_examples must be non-negative.")
        n_points = self.n_examples.size
        self.scores = _as_2d(scores, "scores", n_points)
        if score_sem is None:
            self.score_sem = np.full_like(self.scores, np.nan)
        else:
            self.score_sem = _as_2d(score_sem, "score_sem", n_points)
            if self.score_sem.shape != self.scores.shape:
                raise ValueError(
                    f"score_sem has shape {self.score_sem.shape} but scores has "
                    f"{self.scores.shape}."
                )
        n_curves = self.scores.shape[1]
        if labels is None:
            labels = [f"curve {i}" for i in range(n_curves)]
        labels = [str(label) for label in labels]
        if len(labels) != n_curves:
            raise ValueError(f"{len(labels)} labels for {n_curves} curves.")
        self.labels = labels

    def plot(self, *, ax=None, capsize=3.0, legend=True):
        """Draw one line with error bars per curve.

        Parameters
        ----------
        ax : matplotlib Axes, default=None
            Where to draw; a new figure when None.
        capsize : float, default=3.0
            Length of the error-bar caps, in points.
        legend : bool, default=True

        Returns
        -------
        display : SpuriousCurveDisplay
        """
        ax, figure = axes_or_new(ax, f"{type(self).__name__}.plot")
        self.lines_, self.errorbars_ = [], []
        for i, (scores, sem, label) in enumerate(
            zip(self.scores.T, self.score_sem.T, self.labels, strict=True)
        ):
            # Ten colours, then the next linestyle and marker: every curve of
            # up to 40 is told apart in the legend.
            container = ax.errorbar(
                self.n_examples,
                scores,
                yerr=np.nan_to_num(sem, nan=0.0),
                color=f"C{i % 10}",
                linestyle=_LINESTYLES[(i // 10) % len(_LINESTYLES)],
                marker=_MARKERS[(i // 10) % len(_MARKERS)],
                capsize=capsize,
                label=label,
            )
            self.errorbars_.append(container)
            self.lines_.append(container.lines[0])
        ax.set_xscale("symlog", linthresh=1.0)
        ticks = np.unique(self.n_examples)
        ax.set_xticks(ticks, [str(int(n)) for n in ticks])
        ax.set_xlabel("patched training examples (n)")
        ax.set_ylabel("spurious score")
        ax.set_title("Spurious score")
        if legend:
            ax.legend()
        self.ax_, self.figure_ = ax, figure
        return self

    @classmethod
    def from_results(
        cls, results, *, patterns=None, models=None, ax=None, **plot_kwargs
    ):
        """Plot the results of the spurious study, one line per pattern/model.

        Parameters
        ----------
        results : DataFrame or dict of lists
            The per-seed table of ``run_spurious_study`` (summarised here with
            ``summarize_spurious_study``: mean and standard error over seeds),
            or that summary itself.
        patterns, models : list of str, default=None
            Curves to keep; all by default. Curves are labelled by the pattern,
            the model, or both when several of each are shown.
        ax : matplotlib Axes, default=None
        **plot_kwargs
            Passed to :meth:`plot`.

        Returns
        -------
        display : SpuriousCurveDisplay
        """
        frame = _summary_frame(results)
        for column, keep in (("pattern", patterns), ("model", models)):
            if keep is not None:
                unknown = sorted(set(keep) - set(frame[column]))
                if unknown:
                    raise ValueError(
                        f"Unknown {column}(s) {unknown}; the results hold "
                        f"{list(frame[column].unique())}."
                    )
                frame = frame[frame[column].isin(keep)]
        pairs = list(zip(frame["model"], frame["pattern"], strict=True))
        curves = list(dict.fromkeys(pairs))
        n_models = len({model for model, _ in curves})
        n_patterns = len({pattern for _, pattern in curves})
        labels = []
        for model, pattern in curves:
            if n_models > 1 and n_patterns > 1 or n_models == n_patterns == 1:
                labels.append(f"{pattern} ({model})")
            else:
                labels.append(str(pattern) if n_patterns > 1 else str(model))
        code = {curve: i for i, curve in enumerate(curves)}
        frame = frame.assign(curve=[code[pair] for pair in pairs])
        n_examples = np.sort(frame["n_examples"].unique())
        wide = {
            column: frame.pivot(index="n_examples", columns="curve", values=column)
            .reindex(index=n_examples)
            .reindex(columns=range(len(curves)))
            .to_numpy(dtype=float)
            for column in ("score", "score_sem")
        }
        display = cls(
            n_examples, wide["score"], score_sem=wide["score_sem"], labels=labels
        )
        return display.plot(ax=ax, **plot_kwargs)
