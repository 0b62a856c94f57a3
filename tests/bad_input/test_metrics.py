"""Bad input to the metrics (issue 12): duplicated model names, a task that
cannot be told from the numbers, missing or mixed-type labels, overflow,
degenerate sample counts and parameters, pandas indexes that differ, and their
siblings (0-d, 2-column targets, complex, datetimes, ragged lists, memmaps).

Every function of ``(y_true, Y_pred)`` shares one validation, so each class is
asserted over all of them (and the scorer and the Displays that take
predictions).
"""

import warnings

import numpy as np
import pytest
from sklearn.utils._param_validation import InvalidParameterError

from skcorr import metrics
from skcorr.exceptions import UndefinedCorrelationWarning
from skcorr.utils.validation import (
    check_labels,
    check_same_index,
    check_unique_names,
    infer_task,
)

pd = pytest.importorskip("pandas")

rng = np.random.RandomState(0)
N = 30
y = np.arange(N) % 2
Y = np.column_stack([y, 1 - y, y]) ^ (rng.rand(N, 3) < 0.3)
STRINGS = np.array(["cat", "dog"])


class _Members:
    """A stand-in ensemble (not a scikit-learn estimator): ``predict_all``
    returns fixed predictions."""

    def __init__(self, Y_pred):
        self.Y_pred = Y_pred

    def predict_all(self, X, as_frame=False):
        return self.Y_pred


def _scorer(y_true, Y_pred, **kwargs):
    return metrics.make_correlation_scorer("pearson", **kwargs)(
        _Members(Y_pred), None, y_true
    )


# Every function of (y_true, Y_pred); those taking ``task`` are marked.
FUNCTIONS = {
    "pairwise_error_correlation": metrics.pairwise_error_correlation,
    "correlation_score": metrics.correlation_score,
    "error_correlation_significance": metrics.error_correlation_significance,
    "joint_failure_rate": metrics.joint_failure_rate,
    "aggregated_risk": metrics.aggregated_risk,
    "error_indicators": metrics.error_indicators,
    "residuals": metrics.residuals,
    "scorer": _scorer,
}
WITH_TASK = [
    "pairwise_error_correlation",
    "correlation_score",
    "error_correlation_significance",
    "joint_failure_rate",
    "aggregated_risk",
    "scorer",
]
WITH_WEIGHTS = {
    "pairwise_error_correlation": metrics.pairwise_error_correlation,
    "correlation_score": metrics.correlation_score,
    "joint_failure_rate": metrics.joint_failure_rate,
    "aggregated_risk": metrics.aggregated_risk,
}
LABEL_FUNCTIONS = [name for name in FUNCTIONS if name != "residuals"]


# ---------------------------------------------------------------- duplicates
@pytest.mark.parametrize("name", list(FUNCTIONS))
@pytest.mark.parametrize(
    "columns, duplicated",
    [(["a", "b", "a"], r"'a' \(columns \[0, 2\]\)"),
     ([1, "1", 2], r"'1' \(columns \[0, 1\]\)")],  # the same name as strings
)
def test_duplicate_model_names_are_refused(name, columns, duplicated):
    frame = pd.DataFrame(Y, columns=columns)
    match = f"duplicate model names: {duplicated}.*rename"
    with pytest.raises(ValueError, match=match):
        FUNCTIONS[name](y, frame)


@pytest.mark.parametrize("call", [
    lambda frame: metrics.correlation_from_errors(frame),
    lambda frame: metrics.aggregated_risk_from_failures(frame),
])
def test_duplicate_names_in_errors_are_refused(call):
    with pytest.raises(ValueError, match="errors has duplicate model names: 'x'"):
        call(pd.DataFrame(Y, columns=["x", "x", "z"]))


def test_unique_names_pass_and_label_the_result():
    result = metrics.pairwise_error_correlation(y, pd.DataFrame(Y, columns=[1, 2, 3]))
    assert list(result.columns) == ["1", "2", "3"]
    check_unique_names(None)
    with pytest.raises(ValueError, match="model_names has duplicate"):
        check_unique_names(["m", "m"], "model_names")


# -------------------------------------------------------------- task guessing
INT_TARGETS = rng.randint(100, 1000, 200)
INT_PREDICTIONS = INT_TARGETS[:, None] + rng.randint(-20, 21, (200, 3))


@pytest.mark.parametrize("name", WITH_TASK)
def test_integer_regression_targets_ask_for_the_task(name):
    with pytest.raises(ValueError, match="labels or counts.*task='regression'"):
        FUNCTIONS[name](INT_TARGETS, INT_PREDICTIONS)


def test_integer_regression_with_the_task_given_is_scored_as_residuals():
    residual = (INT_TARGETS[:, None] - INT_PREDICTIONS).astype(float)
    result = metrics.pairwise_error_correlation(
        INT_TARGETS, INT_PREDICTIONS, task="regression"
    )
    # same quantity, another summation order: a few float64 ulps
    np.testing.assert_allclose(result, np.corrcoef(residual, rowvar=False), atol=1e-12)


# two models, each right on some of the samples 0..9 and wrong on others
SHUFFLED = np.column_stack([np.r_[1, 0, 2:10], np.r_[0:8, 9, 8]])


@pytest.mark.parametrize("y_true, Y_pred, reason", [
    # predictions never seen among the labels
    (np.arange(40) % 4, (np.arange(120).reshape(40, 3) % 5), "never seen in y_true"),
    # every value distinct: counts or labels?
    (np.arange(10), SHUFFLED, "10 distinct values among 10"),
    # floats that are all integers count as integers
    (np.arange(10.0), SHUFFLED.astype(float), "distinct values"),
])
def test_ambiguous_integers_name_the_reason(y_true, Y_pred, reason):
    with pytest.raises(ValueError, match=reason):
        metrics.correlation_score(y_true, Y_pred)
    # the same input with the task given is accepted
    metrics.correlation_score(y_true, Y_pred, task="classification")


PROBABILITIES = rng.rand(N, 3)


@pytest.mark.parametrize("name", WITH_TASK)
def test_probabilities_against_binary_labels_are_refused(name):
    with pytest.raises(ValueError, match=r"probabilities.*\(proba > 0.5\)"):
        FUNCTIONS[name](y, PROBABILITIES)


@pytest.mark.parametrize("name", ["error_indicators", "pairwise_error_correlation"])
def test_probabilities_with_classification_are_refused(name):
    kwargs = {} if name == "error_indicators" else {"task": "classification"}
    with pytest.raises(ValueError, match="not labels of y_true.*predict"):
        FUNCTIONS[name](y, PROBABILITIES, **kwargs)


def test_probabilities_for_multiclass_labels_are_refused():
    with pytest.raises(ValueError, match=r"within \[0, 1\].*probabilities"):
        metrics.pairwise_error_correlation(np.arange(N) % 3, PROBABILITIES)


def test_residuals_of_probabilities_on_request():
    result = metrics.pairwise_error_correlation(y, PROBABILITIES, task="regression")
    expected = np.corrcoef(y[:, None] - PROBABILITIES, rowvar=False)
    np.testing.assert_allclose(result, expected, atol=1e-12)


@pytest.mark.parametrize("y_true, Y_pred, task", [
    (rng.rand(N), rng.rand(N, 2), "regression"),  # continuous floats
    (y, Y, "classification"),  # binary labels
    (y.astype(float), Y.astype(float), "classification"),  # labels as floats
    (np.arange(N) % 3, np.arange(2 * N).reshape(N, 2) % 3, "classification"),
    (STRINGS[y], STRINGS[Y], "classification"),
    (np.arange(N) % 5, np.arange(N)[:, None] % 5 + rng.rand(N, 2) * 3, "regression"),
])
def test_clear_cases_keep_their_task(y_true, Y_pred, task):
    assert infer_task(y_true, Y_pred) == task


def test_scorer_takes_the_task_from_the_estimator():
    from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin

    class Regressor(RegressorMixin, BaseEstimator, _Members):
        pass

    class Classifier(ClassifierMixin, BaseEstimator, _Members):
        pass

    scorer = metrics.make_correlation_scorer("pearson")
    residual = (INT_TARGETS[:, None] - INT_PREDICTIONS).astype(float)
    expected = np.corrcoef(residual, rowvar=False)[np.triu_indices(3, 1)].mean()
    score = scorer(Regressor(INT_PREDICTIONS), None, INT_TARGETS)
    assert score == pytest.approx(expected, abs=1e-12)
    # a classifier's ints are labels, even if few samples repeat them
    labels = np.arange(6)
    predicted = np.array([[0, 1], [1, 1], [2, 2], [0, 3], [0, 0], [5, 5]])
    indicators = (predicted != labels[:, None]).astype(float)
    assert scorer(Classifier(predicted), None, labels) == pytest.approx(
        np.corrcoef(indicators, rowvar=False)[0, 1]
    )


# --------------------------------------------------- missing and mixed labels
LABEL_Y_PRED = np.array([["a", "b", "a"]] * N)


@pytest.mark.parametrize("name", LABEL_FUNCTIONS)
@pytest.mark.parametrize("y_true", [
    pytest.param(np.array(["a", "b", None] * 10, dtype=object), id="None"),
    pytest.param(pd.Series(["a", "b", None] * 10, dtype="string"), id="pd.NA"),
    pytest.param(pd.Series(["a", "b", np.nan] * 10), id="NaN in object"),
    pytest.param(["a", "b", np.nan] * 10, id="NaN in a list"),
    pytest.param(pd.Categorical(["a", "b", None] * 10), id="categorical"),
])
def test_missing_labels_are_named(name, y_true):
    with pytest.raises(
        ValueError, match=r"y_true contains 10 missing value\(s\) .* rows \[2, 5, 8"
    ):
        FUNCTIONS[name](y_true, LABEL_Y_PRED)


@pytest.mark.parametrize("name", LABEL_FUNCTIONS)
@pytest.mark.parametrize("y_true", [
    pytest.param(np.array(["a", "b", np.nan] * 10), id="numpy made it 'nan'"),
    pytest.param(pd.Series(["a", "b", np.nan] * 10).astype(str), id="astype(str)"),
    pytest.param(pd.Series(["a", "b", None] * 10, dtype="string").astype(str),
                 id="pd.NA as '<NA>'"),
])
def test_missing_values_turned_into_text_are_named(name, y_true):
    # pandas 3 keeps NaN missing through astype(str); older pandas spells it
    match = r"10 (label\(s\) spelled|missing value\(s\)) .* rows \[2, 5"
    with pytest.raises(ValueError, match=match):
        FUNCTIONS[name](y_true, LABEL_Y_PRED)


def test_missing_booleans_are_named():
    nullable = pd.Series([True, False, None] * 10, dtype="boolean")
    with pytest.raises(ValueError, match=r"y_true contains 10 missing value"):
        metrics.error_indicators(nullable, Y)


@pytest.mark.parametrize("name", LABEL_FUNCTIONS)
def test_missing_numeric_labels_are_named(name):
    nullable = pd.Series(list(y[:-1]) + [None], dtype="Int64")
    with pytest.raises(ValueError, match=r"y_true contains 1 NaN .* missing .* \[29\]"):
        FUNCTIONS[name](nullable, Y)


@pytest.mark.parametrize("name", LABEL_FUNCTIONS)
def test_missing_predictions_are_named(name):
    frame = pd.DataFrame({"a": STRINGS[Y[:, 0]], "b": STRINGS[Y[:, 1]]}, dtype=object)
    frame.iloc[4, 1] = None
    with pytest.raises(ValueError, match=r"Y_pred contains 1 missing .*\[\(4, 1\)\]"):
        FUNCTIONS[name](STRINGS[y], frame)


@pytest.mark.parametrize("name", LABEL_FUNCTIONS)
@pytest.mark.parametrize("y_true", [
    pytest.param([1, "a"] * 15, id="list"),
    pytest.param(pd.Series([1, "1"] * 15), id="object Series"),
])
def test_mixed_type_labels_are_refused(name, y_true):
    with pytest.raises(ValueError, match=r"y_true mixes labels of different types"):
        FUNCTIONS[name](y_true, LABEL_Y_PRED)


def test_mixed_type_prediction_columns_are_refused():
    frame = pd.DataFrame({"a": y, "b": y.astype(str)})
    with pytest.raises(ValueError, match="Y_pred mixes labels of different types"):
        metrics.pairwise_error_correlation(y, frame)


def test_numbers_and_strings_are_never_coerced():
    with pytest.raises(ValueError, match="labels of different types"):
        metrics.pairwise_error_correlation(y, Y.astype(str))
    with pytest.raises(ValueError, match="labels of different types"):
        metrics.pairwise_error_correlation(y.astype(str), Y)


def test_object_arrays_of_numbers_are_numbers():
    targets = rng.rand(N)
    predictions = rng.rand(N, 3)
    expected = metrics.pairwise_error_correlation(targets, predictions)
    as_objects = metrics.pairwise_error_correlation(
        targets.astype(object), predictions.astype(object)
    )
    np.testing.assert_array_equal(as_objects, expected)  # the same floats


def test_check_labels_passes_clean_labels_through():
    labels = np.array(["a", "b"])
    assert check_labels(labels) is labels
    np.testing.assert_array_equal(check_labels(np.array([1, 2], dtype=object)), [1, 2])


# ----------------------------------------------------------------- overflow
@pytest.mark.parametrize("name", list(WITH_WEIGHTS))
def test_huge_weights_are_normalised_without_overflow(name):
    function = WITH_WEIGHTS[name]
    # the weights' sum overflows; their ratios are all one
    huge = function(y, Y, sample_weight=np.full(N, 1e308))
    ones = function(y, Y, sample_weight=np.ones(N))
    if name == "aggregated_risk":
        huge, ones = huge.observed, ones.observed
    np.testing.assert_array_equal(huge, ones)  # the same normalised weights


def test_weights_are_rescaled_not_distorted():
    weights = rng.rand(N) * 1e308
    result = metrics.joint_failure_rate(y, Y, k=2, sample_weight=weights)
    failed = (Y != y[:, None]).sum(axis=1) >= 2
    scaled = weights / weights.max()
    # one division and one sum of 30 terms: a few ulps
    assert result == pytest.approx(scaled[failed].sum() / scaled.sum(), rel=1e-13)


@pytest.mark.parametrize("name", list(WITH_WEIGHTS))
@pytest.mark.parametrize("weights, match", [
    (np.r_[np.nan, np.ones(N - 1)], "sample_weight contains NaN"),
    (np.r_[np.inf, np.ones(N - 1)], "sample_weight contains infinity"),
    (np.r_[-1.0, np.ones(N - 1)], "Negative values"),
    # Numbers written as text are not parsed (they used to weigh as numbers).
    (["1"] * N, "sample_weight must be numeric.*does not parse strings"),
    (np.array([1.0, None] * (N // 2), dtype=object), "missing value"),
])
def test_bad_weights_are_refused(name, weights, match):
    with pytest.raises(ValueError, match=match):
        WITH_WEIGHTS[name](y, Y, sample_weight=weights)


@pytest.mark.parametrize("name", ["pairwise_error_correlation", "correlation_score",
                                  "error_correlation_significance", "residuals",
                                  "aggregated_risk"])
def test_residuals_that_overflow_are_refused(name):
    targets = np.r_[1e308, -1e308, np.zeros(N - 2)]
    predictions = -targets[:, None] + rng.rand(N, 3)
    kwargs = {"tolerance": 1.0} if name == "aggregated_risk" else {}
    with pytest.raises(ValueError, match="residuals y_true - Y_pred overflow.*Rescale"):
        FUNCTIONS[name](targets, predictions, **kwargs)


@pytest.mark.parametrize("method", ["pearson", "spearman", "kendall"])
def test_products_that_overflow_are_refused_or_exact(method):
    targets = rng.normal(size=N) * 1e200
    predictions = targets[:, None] * rng.rand(N, 3)
    if method == "pearson":
        with pytest.raises(ValueError, match="products of the errors overflow"):
            metrics.pairwise_error_correlation(targets, predictions, method=method)
        return
    # ranks and signs do not overflow: the same as on rescaled data
    result = metrics.pairwise_error_correlation(targets, predictions, method=method)
    rescaled = metrics.pairwise_error_correlation(
        targets / 1e200, predictions / 1e200, method=method
    )
    np.testing.assert_array_equal(result, rescaled)


def test_error_sums_that_overflow_are_refused():
    errors = np.full((N, 2), 1e308) * rng.choice([-1, 1], (N, 2))
    errors[0] = 1e308  # finite, but the column sums overflow
    with pytest.raises(ValueError, match="(sums|products) of the errors overflow"):
        metrics.correlation_from_errors(errors)


def test_huge_finite_values_that_fit_are_exact():
    targets = rng.normal(size=N) * 1e100
    predictions = targets[:, None] * rng.rand(N, 3)
    result = metrics.pairwise_error_correlation(targets, predictions)
    expected = metrics.pairwise_error_correlation(targets / 1e100, predictions / 1e100)
    # scaling by a power of ten is not exact in binary: a few ulps
    np.testing.assert_allclose(result, expected, atol=1e-12)


# ----------------------------------------------------- numbers of samples, k
def test_aggregated_risk_needs_two_samples():
    with pytest.raises(ValueError, match="needs at least 2 samples; got 1"):
        metrics.aggregated_risk(y[:1], Y[:1])
    with pytest.raises(ValueError, match="needs at least 2 samples; got 1"):
        metrics.aggregated_risk_from_failures(Y[:1])


def test_aggregated_risk_on_two_samples_warns_where_the_ratio_is_undefined():
    failures = np.array([[1, 0, 0], [0, 0, 0]])
    match = r"undefined \(0/0\) for k = 2, 3"
    with pytest.warns(UndefinedCorrelationWarning, match=match):
        risk = metrics.aggregated_risk_from_failures(failures)
    np.testing.assert_array_equal(risk.observed, [0.5, 0.0, 0.0])
    np.testing.assert_array_equal(risk.independent, [0.5, 0.0, 0.0])
    np.testing.assert_array_equal(risk.ratio, [1.0, np.nan, np.nan])


def test_joint_failure_rate_one_sample_oracle():
    failed = int((Y[0] != y[0]).sum() >= 1)
    assert metrics.joint_failure_rate(y[:1], Y[:1], k=1) == failed


def test_significance_on_few_samples_warns():
    targets = np.array([0.1, 1.3])
    predictions = np.array([[0.0, 0.5, 1.0], [1.0, 1.0, 2.3]])
    with pytest.warns(UndefinedCorrelationWarning, match="p-values are 1"):
        result = metrics.error_correlation_significance(targets, predictions)
    off = ~np.eye(3, dtype=bool)
    np.testing.assert_array_equal(result.pvalue[off], 1.0)  # as scipy's pearsonr
    assert np.isnan(result.low).all() and np.isnan(result.high).all()
    three = np.r_[targets, 2.2]
    with pytest.warns(UndefinedCorrelationWarning, match="needs at least 4"):
        metrics.error_correlation_significance(three, np.r_[predictions, [[2, 2.5, 2]]])


@pytest.mark.parametrize("call", [
    pytest.param(lambda: metrics.joint_failure_rate(y, Y, k=True), id="k=True"),
    pytest.param(lambda: metrics.joint_failure_rate(y, Y, k=2.0), id="k=2.0"),
    pytest.param(lambda: metrics.joint_failure_rate(y, Y, k=np.bool_(True)),
                 id="k=np.True_"),
    pytest.param(lambda: metrics.aggregated_risk(rng.rand(N), rng.rand(N, 2),
                                                 tolerance=True), id="tolerance=True"),
    pytest.param(lambda: metrics.error_correlation_significance(
        y, Y, test="bootstrap", n_resamples=True), id="n_resamples=True"),
    pytest.param(lambda: metrics.error_correlation_significance(
        y, Y, test="bootstrap", n_resamples=10.0), id="n_resamples=10.0"),
])
def test_numeric_parameters_refuse_bools_and_floats(call):
    with pytest.raises(InvalidParameterError, match="parameter of"):
        call()


def test_integer_parameters_of_numpy_type_are_accepted():
    rate = metrics.joint_failure_rate(y, Y, k=2)
    assert metrics.joint_failure_rate(y, Y, k=np.int64(2)) == rate


# ------------------------------------------------------------------- indexes
@pytest.mark.parametrize("name", list(FUNCTIONS))
def test_different_indexes_are_refused(name):
    y_series = pd.Series(y, index=np.arange(100, 100 + N))
    frame = pd.DataFrame(Y, index=np.arange(200, 200 + N))
    with pytest.raises(ValueError, match="y_true and Y_pred carry different pandas"):
        FUNCTIONS[name](y_series, frame)


def test_reordered_index_is_refused_and_names_the_position():
    index = np.arange(N)
    y_series = pd.Series(y, index=index[::-1])
    frame = pd.DataFrame(Y, index=index[::-1]).sort_index()
    match = r"position 0: 29 in y_true, 0 in Y_pred.*\.loc"
    with pytest.raises(ValueError, match=match):
        metrics.pairwise_error_correlation(y_series, frame)


@pytest.mark.parametrize("name", list(WITH_WEIGHTS))
def test_weights_with_another_index_are_refused(name):
    y_series = pd.Series(y, index=np.arange(100, 100 + N))
    weights = pd.Series(np.ones(N), index=np.arange(N)[::-1])
    with pytest.raises(ValueError, match="y_true and sample_weight carry different"):
        WITH_WEIGHTS[name](y_series, Y, sample_weight=weights)


def test_errors_and_weights_with_another_index_are_refused():
    errors = pd.DataFrame(Y, index=np.arange(5, 5 + N))
    weights = pd.Series(np.ones(N), index=np.arange(N) + 50)
    match = "(errors|failures) and sample_weight carry different"
    calls = (metrics.correlation_from_errors, metrics.aggregated_risk_from_failures)
    for call in calls:
        with pytest.raises(ValueError, match=match):
            call(errors, sample_weight=weights)


def test_matching_or_default_indexes_are_paired_by_position():
    expected = metrics.pairwise_error_correlation(y, Y)
    index = np.arange(100, 100 + N)
    for y_true, Y_pred in [
        (pd.Series(y, index=index), pd.DataFrame(Y, index=index)),  # equal
        (pd.Series(y, index=index), pd.DataFrame(Y)),  # default on one side
        (pd.Series(y), pd.DataFrame(Y, index=index)),
        (pd.Series(y, index=index), Y),  # numpy on one side
    ]:
        np.testing.assert_array_equal(
            np.asarray(metrics.pairwise_error_correlation(y_true, Y_pred)), expected
        )
    check_same_index(y_true=[0, 1], Y_pred=None)  # not pandas: nothing to compare


# ------------------------------------------------------------------ siblings
@pytest.mark.parametrize("name", list(FUNCTIONS))
@pytest.mark.parametrize("y_true, match", [
    pytest.param(np.array(1), r"one-dimensional .* got shape \(\)", id="0-d"),
    pytest.param(pd.DataFrame({"a": y, "b": y}), "holds 2 columns", id="2 columns"),
    pytest.param(y + 1j, "complex", id="complex"),
    pytest.param(np.asarray(y, dtype="datetime64[D]"), "datetime64", id="datetimes"),
])
def test_unusable_targets_are_named(name, y_true, match):
    with pytest.raises(ValueError, match=match):
        FUNCTIONS[name](y_true, Y)


@pytest.mark.parametrize("name", list(FUNCTIONS))
def test_ragged_predictions_are_named(name):
    with pytest.raises(ValueError, match=r"Y_pred is ragged.*\[2, 3\]"):
        FUNCTIONS[name]([0, 1, 1], [[0, 1, 0], [1, 1], [0, 1, 1]])


def test_zero_dimensional_predictions_are_named():
    with pytest.raises(ValueError, match=r"two-dimensional .* got shape \(\)"):
        metrics.pairwise_error_correlation(y, np.array(1))


def test_bool_labels_equal_int_labels():
    # True == 1 and False == 0, as in numpy and scikit-learn's accuracy_score
    np.testing.assert_array_equal(
        metrics.error_indicators(y.astype(bool), Y), metrics.error_indicators(y, Y)
    )


def test_bool_errors_equal_int_errors():
    for method in ("phi", "double_fault", "kappa"):
        np.testing.assert_array_equal(
            metrics.correlation_from_errors(Y.astype(bool), method=method),
            metrics.correlation_from_errors(Y.astype(int), method=method),
        )


def test_memmaps_give_the_same_numbers(tmp_path):
    path = tmp_path / "predictions.dat"
    stored = np.memmap(path, dtype=np.int64, mode="w+", shape=Y.shape)
    stored[:] = Y
    stored.flush()
    mapped = np.memmap(path, dtype=np.int64, mode="r", shape=Y.shape)
    np.testing.assert_array_equal(
        metrics.pairwise_error_correlation(y, mapped),
        metrics.pairwise_error_correlation(y, Y),
    )


def test_clean_input_raises_no_warning():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        metrics.pairwise_error_correlation(pd.Series(y), pd.DataFrame(Y))
        metrics.aggregated_risk(y, Y, sample_weight=np.ones(N))
        metrics.error_correlation_significance(rng.rand(N), rng.rand(N, 2))


# ------------------------------------------------------------------ displays
@pytest.fixture
def plotting():
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from skcorr import plotting

    yield plotting
    plt.close("all")


def test_displays_refuse_the_same_bad_input(plotting):
    duplicated = pd.DataFrame(Y, columns=["a", "a", "b"])
    for display in (plotting.ErrorCorrelationDisplay, plotting.AggregatedRiskDisplay):
        with pytest.raises(ValueError, match="duplicate model names"):
            display.from_predictions(y, duplicated)
        with pytest.raises(ValueError, match="labels or counts"):
            display.from_predictions(INT_TARGETS, INT_PREDICTIONS)
        with pytest.raises(ValueError, match="carry different pandas indexes"):
            display.from_predictions(
                pd.Series(y, index=np.arange(N) + 1),
                pd.DataFrame(Y, index=-np.arange(N)),
            )
    with pytest.raises(ValueError, match="model_names has duplicate model names"):
        plotting.ErrorCorrelationDisplay.from_predictions(y, Y, model_names=["m"] * 3)
    with pytest.raises(ValueError, match="at least 2 samples"):
        plotting.AggregatedRiskDisplay.from_predictions(y[:1], Y[:1])
