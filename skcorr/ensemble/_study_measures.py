"""What the error study measures from the members' own outputs, beyond their
0/1 errors: whether two models that are both wrong give the same wrong label
(Kim et al. 2025) and their chance-adjusted agreement, CAPA (Goel et al.
2025); the ambiguity and bias-variance-diversity decompositions of the
committee's loss (Krogh & Vedelsby 1995; Wood et al. 2023); and the label-free
estimate of the test error from the disagreement of seeded runs (Jiang et al.
2022).

Each measure is one call of its public function in :mod:`skcorr.metrics` on
the outputs the study holds (:class:`MemberOutputs`). A measure the outputs
cannot give is not guessed: :func:`member_measures` names it in
``not_computed`` with the reason.
"""

import warnings

import numpy as np
from sklearn.utils import Bunch

from ..exceptions import UndefinedCorrelationWarning
from ..metrics import (
    ambiguity_decomposition,
    bias_variance_diversity_decomposition,
    class_aggregated_calibration_error,
    disagreement_rate,
    mean_over_pairs,
    pairwise_capa,
    pairwise_error_agreement,
)

MEASURES = ("error_agreement", "capa", "ambiguity", "bias_variance_diversity",
            "label_free_error")

# Added to every probability before the cross-entropy decomposition, then
# renormalised, so that a member giving probability 0 to the true class (a
# k-nearest-neighbour vote, a forest's leaf) has a finite loss: the smoothing
# that bias_variance_diversity_decomposition's error message recommends.
PROBABILITY_SMOOTHING = 1e-6

_CLASSIFICATION_ONLY = "defined for classifiers' labels; this study has regressors"


def smoothed(proba, smoothing=PROBABILITY_SMOOTHING):
    """``(proba + smoothing) / (1 + n_classes * smoothing)``: probabilities
    with no zero, still summing to one."""
    return (proba + smoothing) / (1 + proba.shape[-1] * smoothing)


class MemberOutputs(Bunch):
    """The outputs of the study's models that its measures read.

    ``y_true`` and ``Y_pred`` (labels or predictions of the study's models,
    ``(n_samples, n_models)``; None when only errors are known); ``proba``
    (their class probabilities aligned on ``labels``, or None); ``trials``
    (the same members refitted with other seeds on the same test samples: a
    list of ``predict_all`` or ``predict_proba_all`` outputs, or None);
    ``seed_runs`` (dict of model name -> labels of its runs that differ only
    by seed, ``(n_samples, n_runs)``, or None) and ``seed_run_proba`` (their
    probabilities, ``(n_samples, n_runs, n_classes)``, or None);
    ``residuals`` (regression errors, for the ambiguity when only they are
    known); ``missing``: dict of measure -> why this source cannot give it.
    """

    def __init__(self, **values):
        defaults = dict(y_true=None, Y_pred=None, proba=None, labels=None,
                        trials=None, seed_runs=None, seed_run_proba=None,
                        residuals=None, missing={})
        super().__init__(**{**defaults, **values})


def _pair_mean(matrix):
    """:func:`~skcorr.metrics.mean_over_pairs` of the defined pairs, or None
    when no pair is defined."""
    mean, _ = mean_over_pairs(matrix)
    return float(mean) if np.isfinite(mean) else None


def _pair_summary(matrix):
    """Mean, min and max over the defined pairs ``i < j`` of a matrix."""
    upper = np.asarray(matrix, dtype=float)[np.triu_indices(len(matrix), 1)]
    defined = upper[~np.isnan(upper)]
    if defined.size == 0:
        return {"mean": None, "min": None, "max": None, "n_pairs": 0}
    return {"mean": _pair_mean(matrix), "min": float(defined.min()),
            "max": float(defined.max()), "n_pairs": int(defined.size)}


def _quietly(function, *args, **kwargs):
    """``(result, [warning messages])``: pairs left undefined are NaN in the
    result, and their warnings are kept to be said with it."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", UndefinedCorrelationWarning)
        result = function(*args, **kwargs)
    return result, [str(w.message) for w in caught
                    if issubclass(w.category, UndefinedCorrelationWarning)]


def error_agreement(outputs):
    """:func:`~skcorr.metrics.pairwise_error_agreement` of the models'
    predicted labels, with its mean over the pairs ever wrong together."""
    result, notes = _quietly(pairwise_error_agreement, outputs.y_true,
                             outputs.Y_pred, labels=outputs.labels)
    agreement = np.asarray(result.agreement, dtype=float)
    class_chance = np.asarray(result.class_chance, dtype=float)
    upper = np.triu_indices(len(agreement), 1)
    defined = ~np.isnan(agreement[upper])
    return {
        "agreement": agreement, "class_chance": class_chance,
        "uniform_chance": float(result.uniform_chance),
        "both_wrong": np.asarray(result.both_wrong, dtype=float),
        "mean_agreement": _pair_mean(agreement),
        # over the same pairs: those ever wrong together
        "mean_class_chance": _pair_mean(class_chance),
        "n_pairs": int(defined.sum()), "n_undefined": int((~defined).sum()),
        "computed_from": "predicted labels", "notes": notes,
    }


def capa(outputs):
    """:func:`~skcorr.metrics.pairwise_capa` of the probabilities, or of the
    labels (the discrete CAPA) when only labels are known."""
    probabilistic = outputs.proba is not None
    matrix, notes = _quietly(
        pairwise_capa, outputs.y_true,
        outputs.proba if probabilistic else outputs.Y_pred, labels=outputs.labels,
    )
    return {"matrix": np.asarray(matrix, dtype=float),
            "kind": "probabilistic" if probabilistic else "discrete",
            "computed_from": "predicted probabilities" if probabilistic
            else "predicted labels (no probabilities known)",
            **_pair_summary(matrix), "notes": notes}


def _decomposition_terms(result):
    return {"ensemble_error": result.ensemble_error,
            "average_error": result.average_error, "ambiguity": result.ambiguity,
            "member_errors": np.asarray(result.member_errors, dtype=float)}


def brier_ambiguity(y_index, proba):
    """The ambiguity decomposition of the (multiclass) Brier score, ``sum_k
    (p_k - [y = k])**2``: :func:`~skcorr.metrics.ambiguity_decomposition` of
    each class's probabilities against its 0/1 indicator, summed over the
    classes in order (the committee's probability is the members' mean, as
    its ``predict_proba``)."""
    parts = [ambiguity_decomposition((y_index == k).astype(float), proba[:, :, k])
             for k in range(proba.shape[2])]
    return Bunch(
        ensemble_error=sum(part.ensemble_error for part in parts),
        average_error=sum(part.average_error for part in parts),
        ambiguity=sum(part.ambiguity for part in parts),
        member_errors=sum(part.member_errors for part in parts),
    )


def class_positions(y_true, labels):
    """Column of each true label among ``labels`` (sorted classes_)."""
    return np.searchsorted(labels, y_true)


def ambiguity(outputs, task):
    """Ensemble loss = mean member loss - ambiguity, for the committee that
    averages the study's models: squared error of the predictions
    (regression; from residuals alone when only they are known) or the Brier
    score of the probabilities (classification)."""
    if task == "regression":
        if outputs.Y_pred is not None:
            result = ambiguity_decomposition(outputs.y_true, outputs.Y_pred)
            source = "predictions"
        else:
            # (y - f_j) is all the decomposition reads: residuals against a
            # zero target give the same terms
            result = ambiguity_decomposition(np.zeros(outputs.residuals.shape[0]),
                                             -outputs.residuals)
            source = "residuals (y - f_j: the terms need nothing else)"
        loss = "squared"
    else:
        result = brier_ambiguity(class_positions(outputs.y_true, outputs.labels),
                                 outputs.proba)
        loss, source = "brier", "predicted probabilities"
    return {"loss": loss, "computed_from": source,
            **_decomposition_terms(result)}


def bias_variance_diversity(outputs, task):
    """:func:`~skcorr.metrics.bias_variance_diversity_decomposition` over the
    seeded refits of the committee (the trials): squared loss for
    regression, cross-entropy of smoothed probabilities for classification."""
    if task == "regression":
        result = bias_variance_diversity_decomposition(outputs.y_true,
                                                       outputs.trials)
        extra = {"loss": "squared", "smoothing": None}
    else:
        result = bias_variance_diversity_decomposition(
            outputs.y_true, [smoothed(trial) for trial in outputs.trials],
            loss="cross_entropy", labels=outputs.labels,
        )
        extra = {"loss": "cross_entropy", "smoothing": PROBABILITY_SMOOTHING}
    return {**extra, "n_trials": int(result.n_trials),
            "expected_risk": result.expected_risk,
            "average_bias": result.average_bias,
            "average_variance": result.average_variance,
            "diversity": result.diversity,
            "member_bias": np.asarray(result.member_bias, dtype=float),
            "member_variance": np.asarray(result.member_variance, dtype=float)}


def label_free_error(outputs):
    """For each model with runs that differ only by seed: the disagreement
    rate of the runs (:func:`~skcorr.metrics.disagreement_rate`, the
    estimate), their mean test error, and the calibration error of their vote
    (:func:`~skcorr.metrics.class_aggregated_calibration_error`), which bounds
    ``|error - (m - 1) / m * estimate|`` for ``m`` runs (Jiang et al. 2022,
    Theorem 4.2)."""
    rows = []
    y = np.asarray(outputs.y_true)
    for name, runs in outputs.seed_runs.items():
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", UserWarning)
            estimate = disagreement_rate(runs)
        identical = any("same label on every sample" in str(w.message)
                        for w in caught)
        error = float((runs != y[:, None]).mean(axis=0).mean())
        cace = class_aggregated_calibration_error(y, runs)
        n_runs = runs.shape[1]
        seed_ignored = None
        if outputs.seed_run_proba is not None:
            proba = outputs.seed_run_proba[name]
            seed_ignored = bool(all(np.array_equal(proba[:, 0], proba[:, r])
                                    for r in range(1, n_runs)))
        rows.append({
            "model": name, "n_seeds": n_runs, "estimate": estimate,
            "error": error, "gap": estimate - error, "cace": cace,
            "within_bound": bool(abs(error - (n_runs - 1) / n_runs * estimate)
                                 <= cace),
            "identical_runs": identical, "seed_ignored": seed_ignored,
        })
    return {"runs": rows,
            "note": "the estimate is the error of one run, read without labels "
                    "from the runs' disagreement; a fit that ignores its seed "
                    "(identical probabilities, or without them identical "
                    "labels) gives identical runs and estimates nothing"}


def _generic_reasons(outputs, task):
    """Why a measure is missing when the source said nothing more specific."""
    reasons = {}
    if task == "regression":
        for key in ("error_agreement", "capa", "label_free_error"):
            reasons[key] = _CLASSIFICATION_ONLY
        if outputs.Y_pred is None and outputs.residuals is None:
            reasons["ambiguity"] = "needs the models' predictions or residuals"
    else:
        if outputs.Y_pred is None:
            for key in ("error_agreement", "capa"):
                reasons[key] = ("needs the models' predicted labels; only their "
                                "0/1 errors are known")
        if outputs.proba is None:
            reasons["ambiguity"] = (
                "needs the models' class probabilities (the squared error of "
                "class labels is not a loss the committee averages); only "
                + ("their labels" if outputs.Y_pred is not None
                   else "their 0/1 errors") + " are known")
        if outputs.seed_runs is None:
            reasons["label_free_error"] = (
                "needs the labels of two or more runs of one model that differ "
                "only by seed (Jiang et al. 2022); these models are not known "
                "to be such runs")
    if outputs.trials is None:
        reasons["bias_variance_diversity"] = (
            "needs two or more trials: the same members refitted with other "
            "seeds (or training sets), predicting the same test samples; "
            "this source holds one fit")
    return reasons


def member_measures(outputs, task):
    """The measures of :data:`MEASURES` that ``outputs`` allow.

    Returns
    -------
    measures : dict
        One entry per measure computed (see :class:`ErrorStudy`), and
        ``not_computed``: dict of measure -> reason for each other one.
    """
    reasons = {**_generic_reasons(outputs, task), **outputs.missing}
    compute = {
        "error_agreement": lambda: error_agreement(outputs),
        "capa": lambda: capa(outputs),
        "ambiguity": lambda: ambiguity(outputs, task),
        "bias_variance_diversity": lambda: bias_variance_diversity(outputs, task),
        "label_free_error": lambda: label_free_error(outputs),
    }
    measures, not_computed = {}, {}
    for key in MEASURES:
        if key in reasons:
            not_computed[key] = reasons[key]
            continue
        try:
            measures[key] = compute[key]()
        except ValueError as exc:  # what the metric refuses in these outputs
            not_computed[key] = f"refused by the metric: {exc}"
    measures["not_computed"] = not_computed
    return measures


# -- the tables of these measures (header, rows), for ErrorStudy.tables ----------

_DECOMPOSITION_LOSSES = {"squared": "squared error", "brier": "Brier score",
                         "cross_entropy": "cross-entropy"}


def member_pairs_table(results):
    """One row per pair of models: when both are wrong, the rate of the same
    wrong label and its class chance, and CAPA; None without those measures."""
    agreement, capa_ = results.get("error_agreement"), results.get("capa")
    if agreement is None and capa_ is None:
        return None
    models = list(results["models"])
    header = ["model", "other model"]
    if agreement is not None:
        header += ["both wrong", "same wrong label", "class chance"]
    if capa_ is not None:
        header.append("CAPA")
    rows = []
    for i in range(len(models)):
        for j in range(i + 1, len(models)):
            row = [models[i], models[j]]
            if agreement is not None:
                row += [float(agreement[key][i][j])
                        for key in ("both_wrong", "agreement", "class_chance")]
            if capa_ is not None:
                row.append(float(capa_["matrix"][i][j]))
            rows.append(row)
    return header, rows


def decomposition_table(results):
    """One row per term of each decomposition: ``(decomposition, loss, term,
    value)``; None without decompositions."""
    rows = []
    ambiguity_ = results.get("ambiguity")
    if ambiguity_ is not None:
        loss = _DECOMPOSITION_LOSSES[ambiguity_["loss"]]
        rows += [["ambiguity", loss, term, float(ambiguity_[key])] for term, key in (
            ("ensemble loss", "ensemble_error"),
            ("mean member loss", "average_error"),
            ("ambiguity", "ambiguity"))]
    terms = results.get("bias_variance_diversity")
    if terms is not None:
        name = f"bias-variance-diversity ({terms['n_trials']} trials)"
        loss = _DECOMPOSITION_LOSSES[terms["loss"]]
        rows += [[name, loss, term, float(terms[key])] for term, key in (
            ("expected ensemble loss", "expected_risk"),
            ("average bias", "average_bias"),
            ("average variance", "average_variance"),
            ("diversity", "diversity"))]
    if not rows:
        return None
    return ["decomposition", "loss", "term", "value"], rows
