"""Inflow against outflow of influence, one point per individual."""

import numpy as np

from ._base import axes_or_new


def _column(flows, key):
    try:
        values = flows[key]
    except (KeyError, TypeError, IndexError) as exc:
        raise ValueError(
            f"flows must hold {key!r} (the result of "
            "skcorr.influence.influence_flows, as a Bunch or a DataFrame)."
        ) from exc
    return np.asarray(values, dtype=float)


class FlowDisplay:
    """Inflow against outflow of influence, one point per individual.

    Sundararajan and Krichene (2022) call a model reciprocal when what each
    individual gets from the others' data (inflow) matches what its own data
    gives to the others (outflow): the points then lie on the line
    ``inflow = outflow``. The reciprocity score
    (:func:`~skcorr.influence.reciprocity_score`) is written in a corner.

    Create it with :meth:`from_flows` or from arrays; its :meth:`plot` draws
    it.

    Parameters
    ----------
    inflow, outflow : array-like of shape (n_individuals,)
        Influence each individual receives and gives.
    individuals : array-like of shape (n_individuals,), default=None
        Label of each individual, for :meth:`plot` with ``annotate=True``.
    reciprocity : float, default=None
        Reciprocity score to write on the plot; nothing written when None.
    method : str, default="spearman"
        Name of the reciprocity measure, for the annotation.

    Attributes
    ----------
    scatter_ : matplotlib PathCollection
        One point per individual at ``(outflow, inflow)``.
    line_ : matplotlib Line2D
        The line ``inflow = outflow``.
    text_ : matplotlib Text or None
        The reciprocity annotation.
    labels_ : list of matplotlib Text
        Labels of the individuals (empty unless ``annotate=True``).
    ax_ : matplotlib Axes
    figure_ : matplotlib Figure

    References
    ----------
    Sundararajan, Krichene (2022), "Inflow, Outflow, and Reciprocity in
    Machine Learning", arXiv:2202.09480.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from skcorr.plotting import FlowDisplay
    >>> display = FlowDisplay([1.0, 2.0, 3.0], [1.5, 1.8, 3.2],
    ...                       reciprocity=1.0).plot()
    >>> display.text_.get_text()
    'spearman = 1.00'
    >>> display.scatter_.get_offsets().shape
    (3, 2)
    """

    def __init__(
        self,
        inflow,
        outflow,
        *,
        individuals=None,
        reciprocity=None,
        method="spearman",
    ):
        self.inflow = np.asarray(inflow, dtype=float)
        self.outflow = np.asarray(outflow, dtype=float)
        if self.inflow.ndim != 1 or self.inflow.shape != self.outflow.shape:
            raise ValueError(
                "inflow and outflow must be 1-D with one value per individual; "
                f"got shapes {self.inflow.shape} and {self.outflow.shape}."
            )
        if individuals is not None:
            individuals = np.asarray(individuals)
            if individuals.shape != self.inflow.shape:
                raise ValueError(
                    f"{individuals.shape[0] if individuals.ndim else 0} "
                    f"individuals for {self.inflow.shape[0]} flows."
                )
        self.individuals = individuals
        self.reciprocity = reciprocity
        self.method = method

    def plot(self, *, ax=None, annotate=False, values_format=".2f"):
        """Draw the flows and the line ``inflow = outflow``.

        Parameters
        ----------
        ax : matplotlib Axes, default=None
            Where to draw; a new figure when None.
        annotate : bool, default=False
            Label each point with its individual.
        values_format : str, default=".2f"
            Format of the reciprocity score.

        Returns
        -------
        display : FlowDisplay
        """
        ax, figure = axes_or_new(ax, f"{type(self).__name__}.plot")
        self.scatter_ = ax.scatter(
            self.outflow, self.inflow, s=20, label="individuals", zorder=3
        )
        finite = np.concatenate([self.inflow, self.outflow])
        finite = finite[np.isfinite(finite)]
        low, high = (finite.min(), finite.max()) if finite.size else (0.0, 1.0)
        (self.line_,) = ax.plot(
            [low, high], [low, high], "--", color="gray", label="inflow = outflow"
        )
        self.labels_ = []
        if annotate:
            names = (
                np.arange(self.inflow.size)
                if self.individuals is None
                else self.individuals
            )
            for name, x, y in zip(names, self.outflow, self.inflow, strict=True):
                self.labels_.append(ax.annotate(str(name), (x, y), fontsize=7))
        self.text_ = None
        if self.reciprocity is not None:
            self.text_ = ax.text(
                0.03,
                0.97,
                f"{self.method} = {format(self.reciprocity, values_format)}",
                transform=ax.transAxes,
                ha="left",
                va="top",
            )
        # Influence is a change of the loss (first-order, as influence
        # functions and TracIn estimate it), summed over the other
        # individuals' rows: its unit is the loss's.
        ax.set_xlabel("outflow: influence given to others\n(loss change, summed "
                      "over their rows)")
        ax.set_ylabel("inflow: influence received\n(loss change, summed over "
                      "own rows)")
        ax.set_title("Reciprocity of influence")
        ax.legend(loc="lower right")
        self.ax_, self.figure_ = ax, figure
        return self

    @classmethod
    def from_flows(cls, flows, *, method="spearman", ax=None, **plot_kwargs):
        """Plot the result of :func:`~skcorr.influence.influence_flows`.

        Parameters
        ----------
        flows : Bunch or DataFrame
            With ``inflow`` and ``outflow`` (and ``individuals``, or a
            DataFrame's index, naming each individual).
        method : {"spearman", "pearson", "gap", "ratio"}, default="spearman"
            Reciprocity measure written on the plot; see
            :func:`~skcorr.influence.reciprocity_score`.
        ax : matplotlib Axes, default=None
        **plot_kwargs
            Passed to :meth:`plot`.

        Returns
        -------
        display : FlowDisplay
        """
        inflow, outflow = _column(flows, "inflow"), _column(flows, "outflow")
        if hasattr(flows, "columns"):
            individuals = np.asarray(flows.index)
        elif "individuals" in flows:
            individuals = np.asarray(flows["individuals"])
        else:
            individuals = None
        from ..influence import reciprocity_score

        reciprocity = reciprocity_score(
            {"inflow": inflow, "outflow": outflow}, method=method
        )
        display = cls(
            inflow,
            outflow,
            individuals=individuals,
            reciprocity=reciprocity,
            method=method,
        )
        return display.plot(ax=ax, **plot_kwargs)
