"""Findings of the difficulty study, computed from its results."""

import math

from ..utils.findings import Finding, format_number

ALPHA = 0.05


def _n_test_runs(results):
    """Runs in the fingerprint's held-out half (``train_test_split``'s
    ``ceil(0.5 * n)``), or None when the fitted runs are not in ``results``."""
    difficulty = results.get("difficulty")
    if difficulty:
        return math.ceil(0.5 * sum(fit.n_seeds for fit in difficulty.values()))
    if results.get("n_seeds") is not None:  # runs per architecture, each row
        return math.ceil(0.5 * results["n_seeds"] * len(results["consistency"]))
    return None


def _reliability_finding(table, n_runs):
    """Whether the mean of the runs reaches the target reliability, from the
    study's reliability table (architecture, score, split_half, icc,
    runs_for_<target>)."""
    runs_column = next(c for c in table.columns if c.startswith("runs_for_"))
    target = float(runs_column.removeprefix("runs_for_"))
    defined = table.dropna(subset=["split_half"])
    constant = len(table) - len(defined)
    left_out = (f"; {constant} constant score(s) have none" if constant else "")
    of_runs = f"the {n_runs} runs" if n_runs is not None else "the runs"
    if not len(defined):
        return Finding("difficulty", f"No score varies: the mean over {of_runs} "
                       f"has no reliability{left_out}.", False,
                       {"constant_scores": constant})
    pairs = defined["architecture"] + "/" + defined["score"]
    values = defined["split_half"].to_numpy()
    low, high = int(values.argmin()), int(values.argmax())
    reached = int((values >= target).sum())
    worst_runs = float(defined[runs_column].iloc[low])
    mean = float(values.mean())
    if worst_runs == math.inf:
        needs = "never reaches it: its runs disagree"
    else:
        needs = f"needs {format_number(int(worst_runs))} runs for it"
    text = (
        f"The mean score over {of_runs} has split-half reliability "
        f"{format_number(mean)} on average (Spearman-Brown; from "
        f"{format_number(values[low])}, {pairs.iloc[low]}, to "
        f"{format_number(values[high])}, {pairs.iloc[high]}; ICC(2,k) "
        f"{format_number(float(defined['icc'].mean()))}); {reached} of "
        f"{len(defined)} architecture/score pairs reach {format_number(target)}, "
        f"and the least reliable {needs}{left_out}."
    )
    return Finding("difficulty", text, reached == len(defined), {
        "mean_split_half": mean, "mean_icc": float(defined["icc"].mean()),
        "target": target, "reaching_target": reached, "pairs": len(defined),
        "lowest": (defined["architecture"].iloc[low], defined["score"].iloc[low],
                   float(values[low])),
        "runs_for_lowest": worst_runs, "constant_scores": constant,
    })


def difficulty_findings(results):
    """How consistent the scores are, and whether fingerprints beat chance.

    Parameters
    ----------
    results : Bunch or dict
        From :func:`run_difficulty_study`: ``consistency`` (DataFrame,
        architecture x score), ``fingerprint`` (DataFrame with ``score``,
        ``k``, ``selection``, ``accuracy``), ``chance`` and,
        optionally, ``difficulty`` (the fitted runs) or ``n_seeds`` (runs per
        architecture, one architecture per row of ``consistency``), for the
        binomial test of the fingerprint accuracy against chance.

    Returns
    -------
    findings : list of :class:`~skcorr.utils.findings.Finding`
        The consistency finding, then, when ``results`` hold a
        ``reliability`` table, the reliability finding (does the mean of the
        runs reach reliability 0.9?), then the fingerprint finding (all
        scores together, examples chosen by t-test, the best k).

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
    ...         "k": [10, 10], "selection": ["t_test", "aggregate"],
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
    if results.get("reliability") is not None and len(results["reliability"]):
        findings.append(_reliability_finding(results["reliability"],
                                             results.get("n_seeds")))
    table = results["fingerprint"]
    chance = float(results["chance"])
    together = table[table["score"] == "all"]
    chosen = together[together["selection"] == "t_test"]
    if len(chosen) == 0:
        return findings
    best = chosen.loc[chosen["accuracy"].idxmax()]
    k, accuracy = int(best["k"]), float(best["accuracy"])
    aggregate = together[(together["selection"] == "aggregate")
                         & (together["k"] == k)]["accuracy"]
    evidence = {"k": k, "accuracy": accuracy, "chance": chance}
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
