"""Findings of the spurious-pattern study, computed from its runs."""

from ..utils.findings import Finding, format_number

# A pattern is learnt at n when the one-sided Welch test is significant at
# this level in more than half of the seeds.
ALPHA = 0.05
_COLUMNS = ("model", "pattern", "n_examples", "seed", "score", "pvalue")


def spurious_findings(results):
    """One sentence per model: which patterns it learns, from how few examples.

    A pattern is *learnt at n* when the one-sided Welch p-value of the
    spurious score against the same model without the pattern is below 0.05
    in more than half of the seeds (``n = 0`` never counts).

    Parameters
    ----------
    results : DataFrame, dict of columns or list of dicts
        The runs of :func:`run_spurious_study`: columns ``model``,
        ``pattern``, ``n_examples``, ``seed``, ``score`` and ``pvalue``.

    Returns
    -------
    findings : list of :class:`~skcorr.utils.findings.Finding`
        One per model, in the order the models first appear.

    Raises
    ------
    ValueError
        When a column is missing, or there are no runs.

    Examples
    --------
    >>> from skcorr.spurious import spurious_findings
    >>> runs = {"model": ["mlp"] * 4, "pattern": ["S3"] * 4,
    ...         "n_examples": [0, 0, 20, 20], "seed": [0, 1, 0, 1],
    ...         "score": [0.0, 0.0, 0.3, 0.5], "pvalue": [1.0, 1.0, 0.01, 0.001]}
    >>> print(spurious_findings(runs)[0].text)  # doctest: +NORMALIZE_WHITESPACE
    mlp learns 1 of 1 pattern(s) (p < 0.05 in most seeds), the first from n = 20
    (S3); the largest mean spurious score is 0.4 (S3, n = 20).
    """
    import pandas as pd

    frame = pd.DataFrame(results)
    missing = [column for column in _COLUMNS if column not in frame.columns]
    if missing:
        raise ValueError(
            f"results lack the column(s) {missing}; pass the runs that "
            "run_spurious_study returns."
        )
    if len(frame) == 0:
        raise ValueError("results hold no runs; run the study with at least one.")
    findings = []
    for model, runs in frame.groupby("model", sort=False):
        cells = runs.groupby(["pattern", "n_examples"], sort=False).agg(
            score=("score", "mean"),
            learnt=("pvalue", lambda p: bool((p < ALPHA).mean() > 0.5)),
        ).reset_index()
        cells.loc[cells["n_examples"] == 0, "learnt"] = False
        patterns = list(dict.fromkeys(cells["pattern"]))
        learnt = cells[cells["learnt"]]
        top = cells.loc[cells["score"].idxmax()]
        largest = (f"the largest mean spurious score is "
                   f"{format_number(top['score'])} ({top['pattern']}, "
                   f"n = {int(top['n_examples'])})")
        evidence = {"model": model, "n_patterns": len(patterns),
                    "largest_score": float(top["score"]),
                    "largest_at": (top["pattern"], int(top["n_examples"]))}
        if len(learnt) == 0:
            text = (f"{model}: the spurious score is not significant "
                    f"(p < {ALPHA}) in most seeds at any n for any of the "
                    f"{len(patterns)} pattern(s); {largest}.")
            findings.append(Finding("spurious", text, False,
                                    {**evidence, "n_learnt": 0}))
            continue
        first = learnt.loc[learnt["n_examples"].idxmin()]
        n_learnt = learnt["pattern"].nunique()
        text = (f"{model} learns {n_learnt} of {len(patterns)} pattern(s) "
                f"(p < {ALPHA} in most seeds), the first from n = "
                f"{int(first['n_examples'])} ({first['pattern']}); {largest}.")
        findings.append(Finding("spurious", text, True, {
            **evidence, "n_learnt": int(n_learnt),
            "first_learnt": (first["pattern"], int(first["n_examples"]))}))
    return findings
