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
        construction on one shared evaluation set), then, when ``results``
        holds an ``attribution_check`` table, the finding of
        :func:`attribution_finding`.

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
    if results.get("attribution_check") is not None:
        findings.append(attribution_finding(results["attribution_check"]))
    return findings


# A mean LDS counts as better than chance this many standard errors above 0.
LDS_STANDARD_ERRORS = 3


def attribution_finding(check):
    """How well each attribution predicts retraining, as one finding.

    Parameters
    ----------
    check : DataFrame
        One row per attribution with columns ``lds`` (mean linear
        datamodeling score, :func:`~skcorr.influence.linear_datamodeling_score`),
        ``lds_sd`` (its standard deviation over evaluation rows), ``n_eval``
        and ``n_subsets``, as ``run_reciprocity_study`` gives it.

    Returns
    -------
    finding : :class:`~skcorr.utils.findings.Finding`
        Holds when every attribution's mean LDS is more than
        ``LDS_STANDARD_ERRORS`` (3) standard errors (``lds_sd / sqrt(n_eval)``)
        above 0, the score of an attribution unrelated to retraining.

    Examples
    --------
    >>> import pandas as pd
    >>> from skcorr.influence._findings import attribution_finding
    >>> check = pd.DataFrame({"lds": [0.9, 0.05], "lds_sd": [0.2, 0.3],
    ...                       "n_eval": [100, 100], "n_subsets": [50, 50]},
    ...                      index=["influence", "tracin"])
    >>> finding = attribution_finding(check)
    >>> print(finding.text)  # doctest: +NORMALIZE_WHITESPACE
    Checked against retraining on 50 random halves of the training rows, the
    linear datamodeling score (1: the attribution ranks the halves as
    retraining does, 0: chance) is influence 0.9, tracin 0.05; tracin is not
    better than chance.
    >>> finding.holds
    False
    """
    scores = {name: float(value) for name, value in check["lds"].items()}
    errors = check["lds_sd"] / np.sqrt(check["n_eval"].clip(lower=1))
    above = check["lds"] > LDS_STANDARD_ERRORS * errors
    weak = [name for name, ok in above.items() if not ok]
    listing = ", ".join(f"{name} {format_number(value)}"
                        for name, value in scores.items())
    verdict = ("every one predicts retraining better than chance" if not weak
               else f"{', '.join(weak)} {'is' if len(weak) == 1 else 'are'} not "
               "better than chance")
    n_subsets = int(check["n_subsets"].max())
    text = (f"Checked against retraining on {n_subsets} random halves of the "
            "training rows, the linear datamodeling score (1: the attribution "
            "ranks the halves as retraining does, 0: chance) is "
            f"{listing}; {verdict}.")
    return Finding("reciprocity", text, not weak,
                   {"lds": scores, "n_subsets": n_subsets})
