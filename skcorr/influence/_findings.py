"""Findings of the reciprocity study, computed from its results."""

import warnings

import numpy as np

from ..utils.findings import Finding, format_number

ALPHA = 0.05


def reciprocity_findings(results):
    """Whether individuals get back what they give, in the study's top setting.

    Parameters
    ----------
    results : dict
        From :func:`run_reciprocity_study`: ``scores`` (DataFrame, one row per
        setting, columns of :func:`reciprocity_score` methods), ``flows``
        (setting -> DataFrame with ``inflow`` and ``outflow``) and
        ``top_setting``.

    Returns
    -------
    findings : list of :class:`~skcorr.utils.findings.Finding`
        The top setting's finding (Spearman correlation of inflow and outflow
        with its p-value, and the gap score), then, when a ``*_shared``
        setting is present beside a ``*_separate`` one, its gap score (1 by
        construction on one shared evaluation set).

    Raises
    ------
    ValueError
        When ``scores``, ``flows`` or ``top_setting`` is missing.

    Notes
    -----
    Reciprocal means a Spearman correlation of inflow and outflow that is
    positive with p < 0.05 (:func:`scipy.stats.spearmanr`, two-sided).

    Examples
    --------
    >>> import pandas as pd
    >>> from skcorr.influence import reciprocity_findings
    >>> flows = pd.DataFrame({"inflow": [1.0, 2, 3, 4, 5, 6],
    ...                       "outflow": [1.5, 2, 3.5, 4, 5.5, 6]})
    >>> scores = pd.DataFrame({"spearman": [1.0], "gap": [0.9]},
    ...                       index=["tracin_separate"])
    >>> results = {"scores": scores, "flows": {"tracin_separate": flows},
    ...            "top_setting": "tracin_separate"}
    >>> print(reciprocity_findings(results)[0].text)  # doctest: +NORMALIZE_WHITESPACE
    In tracin_separate, what 6 individuals get follows what they give: Spearman
    correlation of inflow and outflow 1 (p = 0); gap score 0.9 (1 = perfectly
    reciprocal).
    """
    from scipy.stats import spearmanr

    missing = [key for key in ("scores", "flows", "top_setting")
               if key not in results]
    if missing:
        raise ValueError(f"results lack {missing}; pass what "
                         "run_reciprocity_study returns.")
    scores, top = results["scores"], results["top_setting"]
    flows = results["flows"][top]
    n = len(flows)
    gap = float(scores.loc[top, "gap"]) if "gap" in scores.columns else None
    gap_text = ("" if gap is None else
                f"; gap score {format_number(gap)} (1 = perfectly reciprocal)")
    if n < 3:
        text = (f"In {top}, {n} individual(s) are too few for a correlation of "
                f"inflow and outflow{gap_text}.")
        findings = [Finding("reciprocity", text, False,
                            {"setting": top, "n_individuals": n, "gap": gap})]
    else:
        with np.errstate(invalid="ignore"), warnings.catch_warnings():
            # constant flows: NaN, said in the sentence below
            warnings.simplefilter("ignore")
            rho, pvalue = spearmanr(flows["inflow"], flows["outflow"])
        rho, pvalue = float(rho), float(pvalue)
        holds = bool(rho > 0 and pvalue < ALPHA)
        verb = ("follows" if holds else
                "does not significantly follow")
        text = (f"In {top}, what {n} individuals get {verb} what they give: "
                f"Spearman correlation of inflow and outflow {format_number(rho)} "
                f"(p = {format_number(pvalue)}){gap_text}.")
        if not np.isfinite(rho):
            text = (f"In {top}, the Spearman correlation of inflow and outflow "
                    f"of {n} individuals is undefined (constant flows){gap_text}.")
        findings = [Finding("reciprocity", text, holds,
                            {"setting": top, "n_individuals": n, "spearman": rho,
                             "pvalue": pvalue, "gap": gap})]
    shared = top.replace("_separate", "_shared")
    if shared != top and shared in scores.index and "gap" in scores.columns:
        value = float(scores.loc[shared, "gap"])
        findings.append(Finding(
            "reciprocity",
            f"On one shared evaluation set ({shared}) influence is symmetric: "
            f"gap score {format_number(value)}, 1 by construction.",
            value > 0.99, {"setting": shared, "gap": value}))
    return findings
