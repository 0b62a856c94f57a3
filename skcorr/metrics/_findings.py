"""Findings of the error-correlation study, computed from its results."""

import numpy as np

from ..utils.findings import Finding, format_number

ALPHA = 0.05


def _percent(rate):
    return f"{format_number(100 * rate)}%"


def error_findings(results):
    """Do the models fail together? Sentences from the error study's numbers.

    Parameters
    ----------
    results : dict
        What ``skcorr errors`` computes: ``models``, ``matrix`` (pairwise
        error correlation), ``method``, ``mean_correlation``, optionally
        ``aggregated_risk`` (``k``, ``observed``, ``independent``: the rate
        of samples on which at least k models fail, observed and if the
        models failed independently) and ``significance`` (the result of
        :func:`error_correlation_significance`, whose ``pvalue`` matrix
        says which pairs are significantly correlated) and ``uncertainty``
        (``score_low``, ``score_high``, ``confidence_level``,
        ``n_resamples``, ``samples_for_half_width``, ``target_half_width``,
        ``n_samples``: the bootstrap interval of the mean and the test
        samples an interval of that half-width needs). Optionally the
        measures of the members' outputs, each as
        :func:`~skcorr.ensemble.run_error_study` returns it:
        ``error_agreement`` (:func:`pairwise_error_agreement` with its mean
        over pairs), ``capa`` (:func:`pairwise_capa` with its mean, min and
        max), ``ambiguity`` (:func:`ambiguity_decomposition`),
        ``bias_variance_diversity``
        (:func:`bias_variance_diversity_decomposition`) and
        ``label_free_error`` (``runs``: per model, the
        :func:`disagreement_rate` of its seeded runs as ``estimate``, their
        mean ``error``, ``cace``, whether the gap is ``within_bound``, and
        ``identical_runs`` and ``seed_ignored``).

    Returns
    -------
    findings : list of :class:`~skcorr.utils.findings.Finding`
        The joint-failure finding (with an aggregated risk), the
        correlation finding and, with ``uncertainty``, the samples finding;
        then one finding per measure of the members' outputs given.

    Raises
    ------
    ValueError
        When ``models``, ``matrix`` or ``mean_correlation`` is missing.

    Examples
    --------
    >>> from skcorr.metrics import error_findings
    >>> results = {"models": ["a", "b"], "matrix": [[1, 0.5], [0.5, 1]],
    ...            "method": "phi", "mean_correlation": 0.5,
    ...            "aggregated_risk": {"k": [1, 2], "observed": [0.2, 0.1],
    ...                                "independent": [0.19, 0.01]}}
    >>> for finding in error_findings(results):  # doctest: +NORMALIZE_WHITESPACE
    ...     print(finding.text)
    All 2 models fail together on 10% of the test samples, 10x the 1% expected if
    they failed independently.
    The mean phi error correlation over the 1 pair(s) is 0.5 (no p-values computed).
    """
    missing = [key for key in ("models", "matrix", "mean_correlation")
               if key not in results]
    if missing:
        raise ValueError(f"results lack {missing}; pass what the error study "
                         "returns.")
    models = list(results["models"])
    n_models = len(models)
    findings = []
    risk = results.get("aggregated_risk")
    if risk is not None:
        observed = float(np.asarray(risk["observed"], dtype=float)[-1])
        independent = float(np.asarray(risk["independent"], dtype=float)[-1])
        evidence = {"k": int(np.asarray(risk["k"])[-1]), "observed": observed,
                    "independent": independent}
        if independent > 0:
            ratio = observed / independent
            evidence["ratio"] = ratio
            holds = ratio > 1
            comparison = (f"{format_number(ratio)}x the" if holds
                          else "no more than the")
        else:
            holds = observed > 0
            comparison = "against the"
        text = (f"All {n_models} models fail together on {_percent(observed)} of "
                f"the test samples, {comparison} {_percent(independent)} "
                "expected if they failed independently.")
        findings.append(Finding("errors", text, holds, evidence))
    matrix = np.asarray(results["matrix"], dtype=float)
    upper = np.triu_indices(n_models, 1)
    n_pairs = len(upper[0])
    mean = float(results["mean_correlation"])
    method = results.get("method", "")
    defined = matrix[upper][~np.isnan(matrix[upper])]
    evidence = {"mean_correlation": mean, "n_pairs": n_pairs,
                "largest": float(defined.max()) if defined.size else None}
    text = (f"The mean {method} error correlation over the {n_pairs} pair(s) is "
            f"{format_number(mean)}")
    uncertainty = results.get("uncertainty")
    if uncertainty is not None:
        low, high = uncertainty["score_low"], uncertainty["score_high"]
        level = format_number(100 * uncertainty["confidence_level"])
        text += (f" ({level}% bootstrap interval {format_number(low)} to "
                 f"{format_number(high)}, {uncertainty['n_resamples']} resamples)")
        evidence.update(interval_low=low, interval_high=high)
    significance = results.get("significance")
    if significance is None:
        text += " (no p-values computed)."
        holds = mean > 0
    else:
        pvalue = np.asarray(significance["pvalue"], dtype=float)[upper]
        n_significant = int(np.sum(pvalue < ALPHA))
        evidence["n_significant"] = n_significant
        holds = n_significant > 0
        if holds:
            text += (f"; {n_significant} of the {n_pairs} pair(s) are "
                     f"significantly correlated (p < {ALPHA}).")
        else:
            text += (f"; no pair is significantly correlated (all p >= "
                     f"{ALPHA}).")
    findings.append(Finding("errors", text, holds, evidence))
    if uncertainty is not None:
        needed = uncertainty["samples_for_half_width"]
        width = format_number(uncertainty["target_half_width"])
        enough = uncertainty.get("n_samples") is None or (
            needed <= uncertainty["n_samples"])
        text = (f"An interval of +/-{width} on that mean needs about "
                f"{format_number(needed)} test samples")
        if uncertainty.get("n_samples") is not None:
            text += f" (this test set has {uncertainty['n_samples']})"
        findings.append(Finding(
            "errors", text + ".", bool(enough),
            {"samples_for_half_width": needed,
             "target_half_width": uncertainty["target_half_width"],
             "n_samples": uncertainty.get("n_samples")},
        ))
    for key, finding in _MEMBER_FINDINGS.items():
        if results.get(key) is not None:
            findings.append(finding(results[key], models))
    return findings


def _names(items):
    items = list(items)
    if len(items) <= 2:
        return " and ".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _top_pair(matrix, models):
    """The pair ``i < j`` with the largest defined value."""
    matrix = np.asarray(matrix, dtype=float)
    upper = np.triu(np.ones(matrix.shape, dtype=bool), 1) & ~np.isnan(matrix)
    if not upper.any():
        return None
    values = np.where(upper, matrix, -np.inf)
    i, j = np.unravel_index(np.argmax(values), matrix.shape)
    return models[i], models[j], float(matrix[i, j])


def _agreement_finding(agreement, models):
    mean = agreement["mean_agreement"]
    evidence = {"mean_agreement": mean,
                "mean_class_chance": agreement["mean_class_chance"],
                "uniform_chance": agreement["uniform_chance"],
                "n_pairs": agreement["n_pairs"],
                "n_undefined": agreement["n_undefined"]}
    if mean is None:
        text = ("No two models are ever wrong together, so whether they agree "
                "when both are wrong is undefined.")
        return Finding("errors", text, False, evidence)
    if agreement["uniform_chance"] >= 1:
        text = ("With two classes, two models that are both wrong always give "
                "the same wrong label: their agreement on errors says nothing "
                "beyond their joint failures.")
        return Finding("errors", text, False, evidence)
    matrix = np.asarray(agreement["agreement"], dtype=float)
    values = matrix[np.triu_indices(len(matrix), 1)]
    low, high = float(np.nanmin(values)), float(np.nanmax(values))
    evidence.update(low=low, high=high)
    chance = agreement["mean_class_chance"]
    text = (f"When two models are both wrong, they give the same wrong label "
            f"{_percent(mean)} of the time (mean over {agreement['n_pairs']} "
            f"pair(s), {_percent(low)} to {_percent(high)}), against "
            f"{_percent(agreement['uniform_chance'])} for two wrong labels drawn "
            f"at random and {_percent(chance)} if each drew its wrong label from "
            "its own confusions of the true class (Kim et al. 2025).")
    if agreement["n_undefined"]:
        text = text[:-1] + (f"; {agreement['n_undefined']} pair(s) are never "
                            "wrong together.")
    return Finding("errors", text, bool(mean > chance), evidence)


def _capa_finding(capa, models):
    evidence = {key: capa[key] for key in ("mean", "min", "max", "n_pairs")}
    evidence["kind"] = capa["kind"]
    if capa["mean"] is None:
        return Finding("errors", "CAPA is undefined for every pair.", False,
                       evidence)
    top = _top_pair(capa["matrix"], models)
    evidence["top_pair"] = list(top)
    text = (f"The {capa['kind']} chance-adjusted agreement (CAPA, Goel et al. "
            f"2025; 0: what their accuracies alone give) of the pairs ranges "
            f"from {format_number(capa['min'])} to {format_number(capa['max'])} "
            f"(mean {format_number(capa['mean'])}); {top[0]} and {top[1]} are "
            "the most alike.")
    return Finding("errors", text, bool(capa["mean"] > 0), evidence)


_LOSS_NAMES = {"squared": "squared error", "brier": "Brier score",
               "cross_entropy": "cross-entropy"}


def _ambiguity_finding(ambiguity, models):
    loss = _LOSS_NAMES[ambiguity["loss"]]
    average, ensemble = ambiguity["average_error"], ambiguity["ensemble_error"]
    spread = ambiguity["ambiguity"]
    evidence = {"loss": ambiguity["loss"], "ensemble_error": ensemble,
                "average_error": average, "ambiguity": spread}
    text = (f"Averaging the {len(models)} models lowers the {loss} from "
            f"{format_number(average)} (mean model) to {format_number(ensemble)} "
            f"(their average): the ambiguity, their spread around the average, "
            f"is {format_number(spread)}")
    if average > 0:
        evidence["share"] = spread / average
        text += f", {_percent(spread / average)} of the mean model's loss"
    text += " (Krogh & Vedelsby 1995)."
    return Finding("errors", text, bool(spread > 0), evidence)


def _bias_variance_diversity_finding(terms, models):
    loss = _LOSS_NAMES[terms["loss"]]
    evidence = {key: terms[key] for key in (
        "loss", "n_trials", "expected_risk", "average_bias", "average_variance",
        "diversity", "smoothing")}
    text = (f"Over {terms['n_trials']} seeded fits, the committee's expected "
            f"{loss} {format_number(terms['expected_risk'])} = average bias "
            f"{format_number(terms['average_bias'])} + average variance "
            f"{format_number(terms['average_variance'])} - diversity "
            f"{format_number(terms['diversity'])} (Wood et al. 2023")
    if terms["smoothing"] is not None:
        text += f"; probabilities smoothed by {format_number(terms['smoothing'])}"
    text += ")."
    return Finding("errors", text, bool(terms["diversity"] > 0), evidence)


def _label_free_finding(label_free, models):
    runs = label_free["runs"]
    # a fit that ignores its seed: identical probabilities, or without them
    # identical labels
    ignored = [row.get("seed_ignored") is True or (
        row.get("seed_ignored") is None and row["identical_runs"]) for row in runs]
    informative = [row for row, out in zip(runs, ignored, strict=True) if not out]
    ignoring = [row["model"] for row, out in zip(runs, ignored, strict=True) if out]
    evidence = {"runs": [dict(row) for row in runs]}
    if informative:
        n_seeds = sorted({row["n_seeds"] for row in informative})
        estimates = "; ".join(
            f"{row['model']} {_percent(row['estimate'])} for a true "
            f"{_percent(row['error'])} (CACE {format_number(row['cace'])})"
            for row in informative)
        text = (f"Without labels, the disagreement of {_names(map(str, n_seeds))} "
                f"runs that differ only by seed estimates their test error "
                f"(Jiang et al. 2022; the calibration error CACE of their vote "
                f"bounds the gap): {estimates}")
        holds = all(row["within_bound"] for row in informative)
    else:
        text = "No model's runs differ, so no label-free estimate"
        holds = False
    if ignoring:
        verb = "ignores" if len(ignoring) == 1 else "ignore"
        text += (f"; {_names(ignoring)} {verb} the seed (identical runs) and "
                 "estimate nothing")
    return Finding("errors", text + ".", holds, evidence)


_MEMBER_FINDINGS = {
    "error_agreement": _agreement_finding,
    "capa": _capa_finding,
    "ambiguity": _ambiguity_finding,
    "bias_variance_diversity": _bias_variance_diversity_finding,
    "label_free_error": _label_free_finding,
}
