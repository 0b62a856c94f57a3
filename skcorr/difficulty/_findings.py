"""Findings of the difficulty study, computed from its results."""

import math

from ..utils.findings import Finding, format_number

ALPHA = 0.05


def _n_test_runs(results):
    """Runs in the fingerprint's held-out half (``train_test_split``'s
    ``ceil(0.5 * n)``), or None when the fitted runs are not in ``results``."""
    difficulty = results.get("difficulty")
    if difficulty:
        return math.ceil(0.5 * sum(fit.n_runs for fit in difficulty.values()))
    if results.get("n_runs") is not None:  # runs per architecture, each row
        return math.ceil(0.5 * results["n_runs"] * len(results["consistency"]))
    return None


def difficulty_findings(results):
    """How consistent the scores are, and whether fingerprints beat chance.

    Parameters
    ----------
    results : Bunch or dict
        From :func:`run_difficulty_study`: ``consistency`` (DataFrame,
        architecture x score), ``fingerprint`` (DataFrame with ``score``,
        ``n_examples``, ``selection``, ``accuracy``), ``chance`` and,
        optionally, ``difficulty`` (the fitted runs) or ``n_runs`` (runs per
        architecture, one architecture per row of ``consistency``), for the
        binomial test of the fingerprint accuracy against chance.

    Returns
    -------
    findings : list of :class:`~skcorr.utils.findings.Finding`
        The consistency finding, then the fingerprint finding (all scores
        together, examples chosen by t-test, the best k).

    Raises
    ------
    ValueError
        When ``consistency``, ``fingerprint`` or ``chance`` is missing.

    Notes
    -----
    The fingerprint beats chance when the one-sided binomial test of its
    held-out accuracy against ``chance`` gives p < 0.05; without the number
    of runs, when its accuracy exceeds chance (the sentence says no test ran).

    Examples
    --------
    >>> import pandas as pd
    >>> from skcorr.difficulty import difficulty_findings
    >>> results = {"chance": 0.5,
    ...     "consistency": pd.DataFrame({"loss": [0.9, 0.7]}, index=["a", "b"]),
    ...     "fingerprint": pd.DataFrame({"score": ["all", "all"],
    ...         "n_examples": [10, 10], "selection": ["t_test", "aggregate"],
    ...         "accuracy": [0.9, 0.6]})}
    >>> for finding in difficulty_findings(results):  # doctest: +NORMALIZE_WHITESPACE
    ...     print(finding.text)
    One run's scores agree with the others' with a mean Spearman correlation of 0.8
    (from 0.7, b/loss, to 0.9, a/loss).
    With 10 examples chosen by t-test, a run's architecture is told with held-out
    accuracy 0.9, above chance 0.5 (no test: the fitted runs are not in the
    results); the mean over all examples gives 0.6.
    """
    missing = [key for key in ("consistency", "fingerprint", "chance")
               if key not in results]
    if missing:
        raise ValueError(f"results lack {missing}; pass what run_difficulty_study "
                         "returns.")
    findings = []
    consistency = results["consistency"]
    cells = consistency.stack()
    low, high = cells.idxmin(), cells.idxmax()
    mean = float(cells.mean())
    findings.append(Finding(
        "difficulty",
        f"One run's scores agree with the others' with a mean Spearman "
        f"correlation of {format_number(mean)} (from "
        f"{format_number(cells[low])}, {low[0]}/{low[1]}, to "
        f"{format_number(cells[high])}, {high[0]}/{high[1]}).",
        mean > 0,
        {"mean_spearman": mean, "lowest": (*low, float(cells[low])),
         "highest": (*high, float(cells[high]))},
    ))
    table = results["fingerprint"]
    chance = float(results["chance"])
    together = table[table["score"] == "all"]
    chosen = together[together["selection"] == "t_test"]
    if len(chosen) == 0:
        return findings
    best = chosen.loc[chosen["accuracy"].idxmax()]
    k, accuracy = int(best["n_examples"]), float(best["accuracy"])
    aggregate = together[(together["selection"] == "aggregate")
                         & (together["n_examples"] == k)]["accuracy"]
    evidence = {"n_examples": k, "accuracy": accuracy, "chance": chance}
    n_test = _n_test_runs(results)
    if n_test is not None:
        from scipy.stats import binomtest

        pvalue = binomtest(round(accuracy * n_test), n_test, chance,
                           alternative="greater").pvalue
        evidence.update(n_test_runs=n_test, pvalue=float(pvalue))
        beats = pvalue < ALPHA
        test = (f"binomial p = {format_number(pvalue)} over {n_test} held-out "
                "runs")
    else:
        beats = accuracy > chance
        test = "no test: the fitted runs are not in the results"
    verdict = "above" if beats else "not significantly above"
    if not beats and accuracy <= chance:
        verdict = "no better than"
    text = (f"With {k} examples chosen by t-test, a run's architecture is told "
            f"with held-out accuracy {format_number(accuracy)}, {verdict} chance "
            f"{format_number(chance)} ({test})")
    if len(aggregate):
        evidence["aggregate_accuracy"] = float(aggregate.iloc[0])
        text += (f"; the mean over all examples gives "
                 f"{format_number(float(aggregate.iloc[0]))}")
    findings.append(Finding("difficulty", text + ".", bool(beats), evidence))
    return findings
