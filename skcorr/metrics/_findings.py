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
        samples an interval of that half-width needs).

    Returns
    -------
    findings : list of :class:`~skcorr.utils.findings.Finding`
        The joint-failure finding (with an aggregated risk), the
        correlation finding and, with ``uncertainty``, the samples finding.

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
    return findings
