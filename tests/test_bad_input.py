"""Bad input, across every public function and estimator of skcorr.

Each problem (wrong shape, mismatched lengths, NaN/inf, empty input, a single
model or class, constant predictions, unknown names, a pattern for another image
size, too many examples asked of a class, labels unseen at fit time) must end in
an error that names it, or in a documented warning: nothing is silently dropped.
Label types (int, float, str) and containers (numpy, pandas) must give the same
numbers. doc/user_guide/bad_input.rst is the table of what these tests assert.
"""

import warnings

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression, Ridge, SGDClassifier
from sklearn.tree import DecisionTreeClassifier, DecisionTreeRegressor
from sklearn.utils._param_validation import InvalidParameterError

from skcorr import datasets, difficulty, ensemble, influence, metrics, spurious
from skcorr.exceptions import UndefinedCorrelationWarning
from skcorr.spurious import run_spurious_study

pd = pytest.importorskip("pandas")

rng = np.random.RandomState(0)
N = 30
X = rng.rand(N, 4)
y = np.arange(N) % 2
Y = np.column_stack([y, 1 - y, y]) ^ (rng.rand(N, 3) < 0.3)
X_NAN = np.where(X > 0.9, np.nan, X)
X_INF = np.where(X > 0.9, np.inf, X)
STRINGS = np.array(["cat", "dog"])

IMAGES = rng.rand(40, 16)  # 4x4 images, flat
IMAGE_LABELS = np.arange(40) % 2
PATTERN = spurious.make_pattern("S1", (4, 4))
WRONG_SIZE = rng.rand(40, 25)  # 5x5 images
LOGISTIC_ON_IMAGES = LogisticRegression().fit(IMAGES, IMAGE_LABELS)
LOGISTIC = LogisticRegression().fit(X, y)
SGD = SGDClassifier(loss="log_loss")
PROBA = rng.dirichlet(np.ones(2), N)
DYNAMICS = rng.dirichlet(np.ones(2), (N, 4))
SCORES = rng.rand(N, 4)


def _tree_ensemble(**params):
    return ensemble.SeedEnsembleClassifier(
        DecisionTreeClassifier(max_depth=3), n_seeds=2, random_state=0, **params
    )


def _tree_regressor(**params):
    return ensemble.SeedEnsembleRegressor(
        DecisionTreeRegressor(max_depth=3), n_seeds=2, random_state=0, **params
    )


def _committee(**params):
    return ensemble.CommitteeClassifier(
        [("tree", DecisionTreeClassifier(max_depth=3)),
         ("logistic", LogisticRegression())],
        random_state=0, **params,
    )


def _difficulty(**params):
    defaults = dict(scores=["loss", "forgetting_events"], n_seeds=2, max_epochs=2,
                    random_state=0)
    return difficulty.ExampleDifficulty(SGD, **{**defaults, **params})


def _fitted_difficulty():
    return difficulty.ExampleDifficulty(SGD, scores=["loss"], n_seeds=2,
                                        max_epochs=1, random_state=0).fit(X, y)


def _linear_influence():
    return influence.LinearInfluence(LOGISTIC).fit(X, y)


def _study(**params):
    defaults = dict(dataset=(IMAGES, IMAGE_LABELS, (4, 4)), patterns=("S1",),
                    n_examples=(0, 1), n_seeds=1, models=("logistic",))
    return run_spurious_study(**{**defaults, **params})


# ----------------------------------------------------------------- metrics
# Every (y_true, Y_pred) metric shares one validation: one row of the table.
Y_PRED_METRICS = {
    "pairwise_error_correlation": metrics.pairwise_error_correlation,
    "correlation_score": metrics.correlation_score,
    "error_correlation_significance": metrics.error_correlation_significance,
    "joint_failure_rate": metrics.joint_failure_rate,
    "aggregated_risk": metrics.aggregated_risk,
    "error_indicators": metrics.error_indicators,
    "residuals": metrics.residuals,
    "ensemble_accuracy": difficulty.ensemble_accuracy,
    "ensemble_agreement": difficulty.ensemble_agreement,
}
Y_PRED_PROBLEMS = {
    "1-d predictions": (lambda: (y, y), "must be two-dimensional"),
    "3-d predictions": (lambda: (y, Y[:, :, None]), "must be two-dimensional"),
    "mismatched lengths": (lambda: (y[:20], Y), "inconsistent numbers of samples"),
    "NaN predictions": (
        lambda: (y.astype(float), np.where(Y == 0, np.nan, 1.0)),
        "Y_pred contains .* NaN or infinite",
    ),
    "inf in y_true": (
        lambda: (np.r_[np.inf, y[1:]], Y), "y_true contains 1 NaN or infinite"
    ),
    "empty": (lambda: (y[:0], Y[:0]), "empty predictions"),
    "no models": (lambda: (y, Y[:, :0]), "0 models"),
}


@pytest.mark.parametrize("problem", list(Y_PRED_PROBLEMS))
@pytest.mark.parametrize("name", list(Y_PRED_METRICS))
def test_prediction_metrics_name_the_problem(name, problem):
    make_input, match = Y_PRED_PROBLEMS[problem]
    with pytest.raises(ValueError, match=match):
        Y_PRED_METRICS[name](*make_input())


@pytest.mark.parametrize("name", [
    "pairwise_error_correlation", "correlation_score", "joint_failure_rate",
    "aggregated_risk", "error_indicators", "ensemble_accuracy",
])
def test_string_labels_against_integer_predictions_are_refused(name):
    with pytest.raises(ValueError, match="labels of different types"):
        Y_PRED_METRICS[name](STRINGS[y], Y)
    with pytest.raises(ValueError, match="labels of different types"):
        Y_PRED_METRICS[name](pd.Series(y), pd.DataFrame(Y.astype(str)))


@pytest.mark.parametrize("name", [
    "pairwise_error_correlation", "correlation_score",
    "error_correlation_significance",
])
def test_correlation_needs_two_models(name):
    with pytest.raises(ValueError, match="at least 2 models"):
        Y_PRED_METRICS[name](y, Y[:, :1])


@pytest.mark.parametrize("name", [
    "pairwise_error_correlation", "correlation_score",
    "error_correlation_significance",
])
def test_constant_errors_warn_and_name_the_model(name):
    always_right = np.column_stack([y, Y[:, 1:]])
    with pytest.warns(UndefinedCorrelationWarning, match="model 0 made the same error"):
        Y_PRED_METRICS[name](y, always_right)


def test_regression_refuses_string_targets():
    with pytest.raises(ValueError, match="Regression needs numeric y_true"):
        metrics.residuals(STRINGS[y], STRINGS[Y])


@pytest.mark.parametrize("call, error, match", [
    pytest.param(lambda: metrics.pairwise_error_correlation(y, Y, method="pearsn"),
                 InvalidParameterError, "'method' parameter", id="unknown method"),
    pytest.param(lambda: metrics.correlation_score(y, Y, aggregate="avg"),
                 InvalidParameterError, "'aggregate' parameter",
                 id="unknown aggregate"),
    pytest.param(lambda: metrics.error_correlation_significance(y, Y, test="boot"),
                 InvalidParameterError, "'test' parameter", id="unknown test"),
    pytest.param(lambda: metrics.pairwise_error_correlation(y, Y, task="clf"),
                 InvalidParameterError, "'task' parameter", id="unknown task"),
    pytest.param(lambda: metrics.make_correlation_scorer("phy"),
                 InvalidParameterError, "'method' parameter", id="scorer method"),
    pytest.param(lambda: metrics.joint_failure_rate(y, Y, k=5),
                 ValueError, r"k=5 is larger than the number of models \(3\)",
                 id="k above models"),
    pytest.param(lambda: metrics.pairwise_error_correlation(y, Y, sample_weight=[1.0]),
                 ValueError, "sample_weight", id="weights of wrong length"),
    pytest.param(lambda: metrics.pairwise_error_correlation(y, Y, sample_weight=-y),
                 ValueError, "Negative values", id="negative weights"),
    pytest.param(lambda: metrics.pairwise_error_correlation(y, Y, sample_weight=0 * y),
                 ValueError, "non-zero", id="zero weights"),
    pytest.param(lambda: metrics.correlation_from_errors(Y[:, 0]),
                 ValueError, "two-dimensional", id="errors 1-d"),
    pytest.param(lambda: metrics.correlation_from_errors(np.where(Y, np.nan, 0)),
                 ValueError, "errors contains .* NaN", id="errors NaN"),
    pytest.param(lambda: metrics.correlation_from_errors(Y.astype(str)),
                 ValueError, "errors must be numeric", id="errors strings"),
    pytest.param(lambda: metrics.correlation_from_errors(Y[:0]),
                 ValueError, "empty", id="errors empty"),
    pytest.param(lambda: metrics.aggregated_risk_from_failures(2 * Y),
                 ValueError, "only 0 .* and 1", id="failures not binary"),
    pytest.param(lambda: metrics.aggregated_risk_from_failures(Y[:, 0]),
                 ValueError, "two-dimensional", id="failures 1-d"),
])
def test_metric_arguments_name_the_problem(call, error, match):
    with pytest.raises(error, match=match):
        call()


def test_metrics_agree_across_label_types_and_containers():
    expected = metrics.pairwise_error_correlation(y, Y)
    for y_true, Y_pred in [
        (y.astype(float), Y.astype(float)),
        (STRINGS[y], STRINGS[Y]),
        (list(y), Y.tolist()),
        (pd.Series(y), pd.DataFrame(Y)),
    ]:
        result = metrics.pairwise_error_correlation(y_true, Y_pred)
        np.testing.assert_array_equal(np.asarray(result), expected)
    named = metrics.pairwise_error_correlation(
        pd.Series(y), pd.DataFrame(Y, columns=["a", "b", "c"])
    )
    assert list(named.columns) == ["a", "b", "c"]


# ---------------------------------------------------------------- ensemble
ESTIMATOR_CASES = [
    # (id, call, error, match)
    ("1-d X", lambda: _tree_ensemble().fit(X[:, 0], y), ValueError, "Expected 2D"),
    ("lengths", lambda: _tree_ensemble().fit(X[:20], y), ValueError,
     "inconsistent numbers of samples"),
    ("empty", lambda: _tree_ensemble().fit(X[:0], y[:0]), ValueError,
     "0 sample"),
    ("NaN y", lambda: _tree_regressor().fit(X, np.r_[np.nan, y[1:]]), ValueError,
     "y contains NaN"),
    ("inf X: member named", lambda: _tree_ensemble().fit(X_INF, y), ValueError,
     r"Member 'seed=\d+' \(seed=\d+\) failed to fit.*infinity"),
    ("NaN X, member without NaN support",
     lambda: _committee().fit(X_NAN, y), ValueError, "Input X contains NaN"),
    ("continuous y", lambda: _tree_ensemble().fit(X, X[:, 0]), ValueError,
     "Unknown label type: continuous"),
    ("2-d y", lambda: _tree_ensemble().fit(X, Y), ValueError, "1d array"),
    ("one class, member refuses", lambda: _committee().fit(X, 0 * y), ValueError,
     r"Member 'logistic/seed=\d+'.*one class"),
    ("features at predict", lambda: _tree_ensemble().fit(X, y).predict_all(X[:, :3]),
     ValueError, "X has 3 features, but SeedEnsembleClassifier is expecting 4"),
    ("column names at predict",
     lambda: _tree_ensemble().fit(pd.DataFrame(X, columns=list("abcd")), y)
     .predict_all(pd.DataFrame(X, columns=list("abce"))),
     ValueError, "Feature names unseen at fit time"),
    ("n_seeds=0", lambda: ensemble.SeedEnsembleClassifier(
        DecisionTreeClassifier(), n_seeds=0).fit(X, y),
     InvalidParameterError, "'n_seeds' parameter"),
    ("unknown voting", lambda: _tree_ensemble(voting="avg").fit(X, y),
     InvalidParameterError, "'voting' parameter"),
    ("unknown committee voting", lambda: _committee(voting="avg").fit(X, y),
     InvalidParameterError, "'voting' parameter"),
    ("max_samples above rows", lambda: _tree_ensemble(max_samples=100).fit(X, y),
     ValueError, "max_samples=100 is larger than the 30 available"),
    ("max_features above columns",
     lambda: _tree_ensemble(max_features=10).fit(X, y),
     ValueError, "max_features=10 is larger than the 4 available"),
    ("shared_fraction with max_samples",
     lambda: _tree_regressor(shared_fraction=0.5, max_samples=0.5).fit(X, y),
     ValueError, "leave max_samples=None"),
    ("not an estimator",
     lambda: ensemble.SeedEnsembleClassifier("tree").fit(X, y),
     InvalidParameterError, "'estimator' parameter"),
    ("empty committee", lambda: ensemble.CommitteeClassifier([]).fit(X, y),
     ValueError, "estimators is empty"),
    ("duplicate names", lambda: ensemble.CommitteeRegressor(
        [("a", Ridge()), ("a", Ridge())]).fit(X, y), ValueError, "not unique"),
    ("committee without names", lambda: ensemble.CommitteeClassifier(
        [DecisionTreeClassifier()]).fit(X, y), ValueError, r"\(name, estimator\)"),
    ("not fitted", lambda: _tree_ensemble().predict_all(X), Exception,
     "not fitted yet"),
    ("batch: empty", lambda: ensemble.evaluate_batch({}, X, y, seeds=1),
     ValueError, "estimators is empty"),
    ("batch: not a dict", lambda: ensemble.evaluate_batch(
        DecisionTreeClassifier(), X, y, seeds=1), TypeError,
     "dict or a list of \\(name, estimator\\) pairs; got DecisionTreeClassifier"),
    ("batch: unnamed", lambda: ensemble.evaluate_batch(
        [DecisionTreeClassifier()], X, y, seeds=1), TypeError, "got the entry"),
    ("batch: no seeds", lambda: ensemble.evaluate_batch(
        {"t": DecisionTreeClassifier()}, X, y, seeds=0), ValueError,
     "seeds=0 must be a positive"),
    ("batch: empty seed list", lambda: ensemble.evaluate_batch(
        {"t": DecisionTreeClassifier()}, X, y, seeds=[]), ValueError,
     "seeds is empty"),
    ("batch: lengths", lambda: ensemble.evaluate_batch(
        {"t": DecisionTreeClassifier()}, X, y[:10], seeds=1, cv=2), ValueError,
     "inconsistent numbers of samples"),
    ("batch: member NaN", lambda: ensemble.evaluate_batch(
        {"lr": LogisticRegression()}, X_NAN, y, seeds=1, cv=2), ValueError,
     r"Member 'lr/seed=0' \(seed=0\).*NaN"),
    ("batch: unknown scoring", lambda: ensemble.evaluate_batch(
        {"t": DecisionTreeClassifier()}, X, y, seeds=1, cv=2, scoring="acc"),
     InvalidParameterError, "'scoring' parameter"),
    ("unknown scenario", lambda: ensemble.run_scenario("sed"),
     InvalidParameterError, "'name' parameter"),
]


@pytest.mark.parametrize(
    "call, error, match",
    [pytest.param(call, error, match, id=case) for case, call, error, match
     in ESTIMATOR_CASES],
)
def test_ensembles_name_the_problem(call, error, match):
    with pytest.raises(error, match=match):
        call()


def test_ensembles_pass_nan_to_members_that_accept_it():
    """Trees take NaN natively (allow_nan): the ensemble does not drop rows."""
    fitted = _tree_ensemble().fit(X_NAN, y)
    assert fitted.predict_all(X_NAN).shape == (N, 2)


def test_ensembles_agree_across_label_types_and_containers():
    expected = _tree_ensemble().fit(X, y).predict_all(X)
    as_strings = _tree_ensemble().fit(X, STRINGS[y]).predict_all(X)
    np.testing.assert_array_equal(as_strings, STRINGS[expected])
    as_floats = _tree_ensemble().fit(X, y.astype(float)).predict_all(X)
    np.testing.assert_array_equal(as_floats, expected)
    frame = pd.DataFrame(X, columns=list("abcd"))
    from_pandas = _tree_ensemble().fit(frame, pd.Series(y)).predict_all(frame)
    np.testing.assert_array_equal(from_pandas, expected)


# ---------------------------------------------------------------- spurious
SPURIOUS_CASES = [
    ("unknown pattern", lambda: spurious.make_pattern("S9", (4, 4)), ValueError,
     "Unknown pattern 'S9'"),
    ("1-d image_shape for spatial", lambda: spurious.make_pattern("S1", (4,)),
     ValueError, "needs a 2-D or 3-D image_shape"),
    ("zero-size image", lambda: spurious.make_pattern("S1", (0, 4)), ValueError,
     "positive sizes"),
    ("no image_shape", lambda: spurious.make_pattern("S1"), ValueError,
     "needs image_shape"),
    ("value_range reversed",
     lambda: spurious.make_pattern("S1", (4, 4), value_range=(1, 0)), ValueError,
     "low < high"),
    ("unknown mode", lambda: spurious.make_pattern("S1", (4, 4), mode="replace"),
     ValueError, "mode must be 'overwrite' or 'add'"),
    ("apply: image size", lambda: PATTERN.apply(WRONG_SIZE), ValueError,
     r"images of shape \(4, 4\) \(16 features\); X has shape \(40, 25\)"),
    ("apply: one row 1-d", lambda: PATTERN.apply(IMAGES[0]), ValueError,
     "one sample per row"),
    ("norm: image size", lambda: PATTERN.norm(WRONG_SIZE), ValueError,
     r"images of shape \(4, 4\)"),
    ("injector: image size", lambda: spurious.SpuriousInjector(PATTERN, 2)
     .fit_resample(WRONG_SIZE, IMAGE_LABELS), ValueError,
     "16 features.* but X has 25"),
    ("injector: n_examples above class", lambda: spurious.SpuriousInjector(
        PATTERN, 25).fit_resample(IMAGES, IMAGE_LABELS), ValueError,
     "n_examples=25 exceeds the 20 examples of target_class=0"),
    ("injector: unseen target", lambda: spurious.SpuriousInjector(
        PATTERN, 2, target_class=5).fit_resample(IMAGES, IMAGE_LABELS),
     ValueError, r"target_class=5 is not among the labels of y \(\[0, 1\]\)"),
    ("injector: str target, int labels", lambda: spurious.SpuriousInjector(
        PATTERN, 2, target_class="0").fit_resample(IMAGES, IMAGE_LABELS),
     ValueError, "target_class='0' is not among the labels"),
    ("injector: int target, str labels", lambda: spurious.SpuriousInjector(
        PATTERN, 2, target_class=0).fit_resample(IMAGES, STRINGS[IMAGE_LABELS]),
     ValueError, "target_class=0 is not among the labels"),
    ("injector: negative n", lambda: spurious.SpuriousInjector(PATTERN, -1)
     .fit_resample(IMAGES, IMAGE_LABELS), InvalidParameterError,
     "'n_examples' parameter"),
    ("injector: NaN", lambda: spurious.SpuriousInjector(PATTERN, 2)
     .fit_resample(np.full_like(IMAGES, np.nan), IMAGE_LABELS), ValueError,
     "Input X contains NaN"),
    ("injector: empty", lambda: spurious.SpuriousInjector(PATTERN, 0)
     .fit_resample(IMAGES[:0], IMAGE_LABELS[:0]), ValueError, "0 sample"),
    ("injector: lengths", lambda: spurious.SpuriousInjector(PATTERN, 2)
     .fit_resample(IMAGES, IMAGE_LABELS[:10]), ValueError,
     "inconsistent numbers of samples"),
    ("injector: pattern name", lambda: spurious.SpuriousInjector("S1")
     .fit_resample(IMAGES, IMAGE_LABELS), InvalidParameterError,
     "'pattern' parameter"),
    ("classifier: image size", lambda: spurious.SpuriousInjectionClassifier(
        LogisticRegression(), PATTERN, 2).fit(WRONG_SIZE, IMAGE_LABELS),
     ValueError, "16 features.* but X has 25"),
    ("classifier: one class", lambda: spurious.SpuriousInjectionClassifier(
        LogisticRegression(), PATTERN, 2).fit(IMAGES, 0 * IMAGE_LABELS),
     ValueError, "only one class"),
    ("classifier: features at predict", lambda: spurious.SpuriousInjectionClassifier(
        LogisticRegression(), PATTERN, 2).fit(IMAGES, IMAGE_LABELS)
     .predict(WRONG_SIZE), ValueError, "X has 25 features"),
    ("transformer: image size", lambda: spurious.SpuriousPatternTransformer(
        PATTERN).fit_transform(WRONG_SIZE), ValueError, "16 features"),
    ("score: image size", lambda: spurious.spurious_score(
        LOGISTIC_ON_IMAGES, WRONG_SIZE, IMAGE_LABELS, pattern=PATTERN,
        target_class=0), ValueError, "16 features|X has 25 features"),
    ("score: unseen target", lambda: spurious.spurious_score(
        LOGISTIC_ON_IMAGES, IMAGES, IMAGE_LABELS, pattern=PATTERN, target_class=9),
     ValueError, "target_class=9 is not a class of the estimator"),
    ("score: lengths", lambda: spurious.spurious_score(
        LOGISTIC_ON_IMAGES, IMAGES, IMAGE_LABELS[:3], pattern=PATTERN,
        target_class=0), ValueError, "y has 3 rows but X has 40"),
    ("score: only target rows", lambda: spurious.spurious_score(
        LOGISTIC_ON_IMAGES, IMAGES[::2], IMAGE_LABELS[::2], pattern=PATTERN,
        target_class=0), ValueError, "No test row is left"),
    ("score: not fitted", lambda: spurious.spurious_score(
        LogisticRegression(), IMAGES, IMAGE_LABELS, pattern=PATTERN,
        target_class=0), ValueError, "has no classes_: fit it first"),
    ("significance: unseen target", lambda: spurious.spurious_significance(
        LOGISTIC_ON_IMAGES, LOGISTIC_ON_IMAGES, IMAGES, IMAGE_LABELS,
        pattern=PATTERN, target_class=9), ValueError, "not a class"),
    ("scorer: pattern name", lambda: spurious.make_spurious_scorer(
        pattern="S1", target_class=0), InvalidParameterError, "'pattern' parameter"),
    ("retraining: rows out of range", lambda: spurious.incremental_retraining(
        SGD, IMAGES, IMAGE_LABELS, remove=[100]), ValueError,
     "out of range for 40 rows"),
    ("retraining: boolean mask", lambda: spurious.influence_removal(
        LOGISTIC_ON_IMAGES, IMAGES, IMAGE_LABELS, remove=IMAGE_LABELS == 1),
     ValueError, "integer row indices.*np.flatnonzero"),
    ("retraining: float indices", lambda: spurious.influence_removal(
        LOGISTIC_ON_IMAGES, IMAGES, IMAGE_LABELS, remove=[0.5]),
     ValueError, "integer row indices"),
    ("removal: unknown method", lambda: spurious.influence_removal(
        LOGISTIC_ON_IMAGES, IMAGES, IMAGE_LABELS, remove=[0], method="zeroth"),
     InvalidParameterError, "'method' parameter"),
    ("study: unknown pattern", lambda: _study(patterns=("S9",)), ValueError,
     "Unknown pattern 'S9'"),
    ("study: unknown model", lambda: _study(models=("svm",)), ValueError,
     "Unknown model 'svm'"),
    ("study: unknown dataset", lambda: _study(dataset="cifar10"), ValueError,
     "Unknown dataset 'cifar10'"),
    ("study: image size", lambda: _study(dataset=(IMAGES, IMAGE_LABELS, (5, 5))),
     ValueError, "25 features.* but X has 16"),
    ("study: n above class", lambda: _study(n_examples=(0, 10000)), ValueError,
     "n_examples up to 10000 but the training split has only"),
    ("study: unseen target", lambda: _study(target_class=5), ValueError,
     "only 0 examples of target_class=5"),
    ("study: no seeds", lambda: _study(n_seeds=0), ValueError,
     "n_seeds must be a positive int"),
]


@pytest.mark.parametrize(
    "call, error, match",
    [pytest.param(call, error, match, id=case) for case, call, error, match
     in SPURIOUS_CASES],
)
def test_spurious_names_the_problem(call, error, match):
    with pytest.raises(error, match=match):
        call()


def test_injection_agrees_across_label_types_and_containers():
    def rows(X_, y_, target):
        injector = spurious.SpuriousInjector(PATTERN, 3, target_class=target,
                                             random_state=0)
        X_res, _ = injector.fit_resample(X_, y_)
        return injector.spurious_indices_, X_res

    expected, patched = rows(IMAGES, IMAGE_LABELS, 1)
    for X_, y_, target in [
        (IMAGES, IMAGE_LABELS.astype(float), 1.0),
        (IMAGES, STRINGS[IMAGE_LABELS], "dog"),
        (pd.DataFrame(IMAGES), pd.Series(IMAGE_LABELS), 1),
    ]:
        indices, X_res = rows(X_, y_, target)
        np.testing.assert_array_equal(indices, expected)
        np.testing.assert_array_equal(X_res, patched)


# -------------------------------------------------------------- difficulty
DIFFICULTY_CASES = [
    ("unknown score", lambda: _difficulty(scores=["los"]).fit(X, y), ValueError,
     r"Unknown score name\(s\) \['los'\]"),
    ("one class", lambda: _difficulty().fit(X, 0 * y), ValueError,
     "at least two classes"),
    ("NaN X", lambda: _difficulty().fit(X_NAN, y), ValueError,
     "Input X contains NaN"),
    ("lengths", lambda: _difficulty().fit(X, y[:10]), ValueError,
     "inconsistent numbers of samples"),
    ("empty", lambda: _difficulty().fit(X[:0], y[:0]), ValueError, "0 sample"),
    ("continuous y", lambda: _difficulty().fit(X, X[:, 0]), ValueError,
     "Unknown label type: continuous"),
    ("no partial_fit", lambda: difficulty.ExampleDifficulty(
        LogisticRegression(), n_seeds=1, max_epochs=1).fit(X, y), ValueError,
     "has no partial_fit"),
    ("no predict_proba", lambda: difficulty.ExampleDifficulty(
        SGDClassifier()).fit(X, y), InvalidParameterError, "'estimator' parameter"),
    ("every above epochs", lambda: _difficulty(every=3).fit(X, y), ValueError,
     "every=3 exceeds max_epochs=2"),
    ("torch score without torch", lambda: _difficulty(scores=["grand"]).fit(X, y),
     ValueError, "need a torch model"),
    ("rank: score not computed", lambda: _difficulty().fit(X, y).rank("margin"),
     ValueError, "Score 'margin' was not computed"),
    ("proba 1-d", lambda: difficulty.loss(y, PROBA[:, 0]), ValueError,
     r"must have shape \(n_samples, n_classes\)"),
    ("proba lengths", lambda: difficulty.margin(y[:10], PROBA), ValueError,
     "y has 10 samples but the probabilities have 30"),
    ("proba NaN", lambda: difficulty.el2n(y, np.full_like(PROBA, np.nan)),
     ValueError, "proba contains 60 NaN"),
    ("proba empty", lambda: difficulty.confidence(y[:0], PROBA[:0]), ValueError,
     "at least one sample"),
    ("label above classes", lambda: difficulty.loss(y + 5, PROBA), ValueError,
     r"class indices in \[5, 6\] but the probabilities have 2 columns"),
    ("string labels", lambda: difficulty.loss(STRINGS[y], PROBA), ValueError,
     "integer class indices.*LabelEncoder"),
    ("fractional labels", lambda: difficulty.accuracy(y + 0.5, PROBA), ValueError,
     "non-integer values"),
    ("logits, not probabilities", lambda: difficulty.loss(y, 3 * PROBA),
     ValueError, "Apply a softmax"),
    ("entropy 1-d", lambda: difficulty.entropy(PROBA[:, 0]), ValueError,
     "must have shape"),
    ("dynamics 2-d", lambda: difficulty.forgetting_events(y, PROBA), ValueError,
     r"dynamics must have shape \(n_samples, n_epochs, n_classes\)"),
    ("dynamics NaN", lambda: difficulty.area_under_margin(
        y, np.full_like(DYNAMICS, np.nan)), ValueError, "dynamics contains"),
    ("dynamics lengths", lambda: difficulty.cartography(y[:10], DYNAMICS),
     ValueError, "y has 10 samples"),
    ("scores 1-d", lambda: difficulty.run_consistency(SCORES[:, 0]), ValueError,
     r"scores must have shape \(n_samples, n_runs\)"),
    ("one run", lambda: difficulty.runs_needed(SCORES[:, :1]), ValueError,
     "at least 2 runs"),
    ("scores NaN", lambda: difficulty.score_correlation(
        np.where(SCORES > 0.9, np.nan, SCORES)), ValueError, "scores contains"),
    ("scores empty", lambda: difficulty.difficulty_pca(SCORES[:0]), ValueError,
     "at least two samples"),
    ("unknown reference", lambda: difficulty.run_consistency(
        SCORES, reference="other"), InvalidParameterError, "'reference' parameter"),
    ("n_runs above runs", lambda: difficulty.runs_needed(SCORES, n_runs=[10]),
     ValueError, r"n_runs must lie in \[1, 4\]"),
    ("prototype: unknown method", lambda: difficulty.prototype_distance(
        X, y, method="sup"), InvalidParameterError, "'method' parameter"),
    ("prototype: NaN", lambda: difficulty.prototype_distance(X_NAN, y),
     ValueError, "Input X contains NaN"),
    ("prototype: lengths", lambda: difficulty.prototype_distance(X, y[:3]),
     ValueError, "inconsistent numbers of samples"),
    ("scorer: unknown score", lambda: difficulty.make_difficulty_scorer("los"),
     ValueError, "Score 'los' cannot be computed"),
    ("scorer: unknown aggregate", lambda: difficulty.make_difficulty_scorer(
        aggregate="avg"), InvalidParameterError, "'aggregate' parameter"),
    ("scorer: weighted consistency", lambda: difficulty.make_difficulty_scorer(
        aggregate="consistency")(_fitted_difficulty(), X, y,
                                 sample_weight=np.ones(N)),
     ValueError, "sample_weight has nothing to weight"),
    ("record: no partial_fit", lambda: difficulty.record_dynamics(
        LogisticRegression(), X, y, 2), ValueError, "has no partial_fit"),
    ("record: labels outside classes", lambda: difficulty.record_dynamics(
        SGD, X, y + 3, 2, classes=[0, 1]), ValueError,
     "y holds labels outside the classes"),
]


@pytest.mark.parametrize(
    "call, error, match",
    [pytest.param(call, error, match, id=case) for case, call, error, match
     in DIFFICULTY_CASES],
)
def test_difficulty_names_the_problem(call, error, match):
    with pytest.raises(error, match=match):
        call()


@pytest.mark.parametrize("function, data", [
    (difficulty.run_consistency, np.ones((N, 4))),
    (difficulty.score_correlation, np.ones((N, 3))),
])
def test_constant_difficulty_scores_warn(function, data):
    with pytest.warns(UndefinedCorrelationWarning, match="constant"):
        function(data)


def test_difficulty_agrees_across_label_types_and_containers():
    expected = _difficulty().fit(X, y)
    for X_, y_ in [(X, STRINGS[y]), (X, y.astype(float)),
                   (pd.DataFrame(X), pd.Series(y)), (np.asfortranarray(X), y)]:
        fitted = _difficulty().fit(X_, y_)
        for name in expected.scores_:
            np.testing.assert_array_equal(fitted.scores_[name], expected.scores_[name])
    np.testing.assert_array_equal(fitted.classes_, [0, 1])


def test_fingerprinter_warns_when_asked_for_more_examples_than_it_has():
    runs = rng.rand(12, 6)
    with pytest.warns(UserWarning, match="k=100 is more than the 6"):
        fitted = difficulty.ArchitectureFingerprinter(k=100).fit(
            runs, np.arange(12) % 2
        )
    assert len(fitted.selected_examples_) == 6


# --------------------------------------------------------------- influence
INFLUENCE_CASES = [
    ("not fitted", lambda: influence.LinearInfluence(LogisticRegression()).fit(X, y),
     Exception, "not fitted yet"),
    ("unsupported model", lambda: influence.LinearInfluence(
        DecisionTreeClassifier().fit(X, y)), TypeError,
     "supports LinearRegression, Ridge and LogisticRegression"),
    ("features", lambda: influence.LinearInfluence(LOGISTIC).fit(X[:, :3], y),
     ValueError, "X has 3 features, but the estimator was fitted with 4"),
    ("lengths", lambda: influence.LinearInfluence(LOGISTIC).fit(X, y[:5]),
     ValueError, "X and y have different numbers of rows: 30 and 5"),
    ("NaN X", lambda: influence.LinearInfluence(LOGISTIC).fit(X_NAN, y),
     ValueError, "Input X contains NaN"),
    ("NaN y", lambda: influence.LinearInfluence(Ridge().fit(X, y)).fit(
        X, np.r_[np.nan, y[1:]]), ValueError, "y contains NaN"),
    ("empty", lambda: influence.LinearInfluence(LOGISTIC).fit(X[:0], y[:0]),
     ValueError, "0 sample"),
    ("labels unseen at fit", lambda: _linear_influence().influence(
        X[:3], y[:3] + 7, X, y), ValueError,
     r"y holds labels \[7, 8\] unseen by the estimator"),
    ("string labels, int model", lambda: influence.LinearInfluence(LOGISTIC).fit(
        X, STRINGS[y]), ValueError, "unseen by the estimator"),
    ("eval features", lambda: _linear_influence().influence(X[:3, :3], y[:3], X, y),
     ValueError, "X has 3 features"),
    ("top_k k=0", lambda: _linear_influence().top_k(X[:2], y[:2], X, y, k=0),
     ValueError, "k must be a positive integer"),
    ("flows: not an influence", lambda: influence.influence_flows(
        "tracin", X, y), TypeError, "influence must be a TracIn, LinearInfluence"),
    ("flows: lengths", lambda: influence.influence_flows(
        _linear_influence(), X, y[:5]), ValueError,
     "X and y have different numbers of rows: 30 and 5"),
    ("flows: groups length", lambda: influence.influence_flows(
        _linear_influence(), X, y, groups=np.arange(5)), ValueError,
     "groups must hold one label per row"),
    ("flows: NaN groups", lambda: influence.influence_flows(
        _linear_influence(), X, y, groups=np.r_[np.nan, np.arange(N - 1.0)]),
     ValueError, "groups contains NaN labels"),
    ("flows: X_eval without y_eval", lambda: influence.influence_flows(
        _linear_influence(), X, y, X_eval=X[:10]), ValueError,
     "X_eval needs y_eval"),
    ("flows: X_eval without groups", lambda: influence.influence_flows(
        _linear_influence(), X, y, X_eval=X[:10], y_eval=y[:10]), ValueError,
     "Pass groups and eval_groups"),
    ("flows: empty", lambda: influence.influence_flows(
        _linear_influence(), X[:0], y[:0]), ValueError, "0 sample"),
    ("reciprocity: one individual", lambda: influence.reciprocity_score(
        {"inflow": np.ones(1), "outflow": np.ones(1)}), ValueError,
     "at least two individuals"),
    ("reciprocity: not flows", lambda: influence.reciprocity_score(SCORES),
     ValueError, "must hold 'inflow' and 'outflow'"),
    ("reciprocity: NaN", lambda: influence.reciprocity_score(
        {"inflow": np.full(5, np.nan), "outflow": np.ones(5)}), ValueError,
     "NaN or infinite"),
    ("reciprocity: lengths", lambda: influence.reciprocity_score(
        {"inflow": np.ones(4), "outflow": np.ones(5)}), ValueError,
     r"got shapes \(4,\) and \(5,\)"),
    ("reciprocity: unknown method", lambda: influence.reciprocity_score(
        {"inflow": np.arange(5.0), "outflow": np.arange(5.0)}, method="spearmn"),
     ValueError, "method must be one of"),
    ("reciprocity scorer: unknown method", lambda: influence.make_reciprocity_scorer(
        method="x"), ValueError, "'method' parameter of make_reciprocity_scorer"),
    ("reciprocity scorer: one individual", lambda: influence.make_reciprocity_scorer(
        n_individuals=1), ValueError, "'n_individuals' parameter"),
    ("reciprocity scorer: bool individuals", lambda: influence.make_reciprocity_scorer(
        n_individuals=True), ValueError, "'n_individuals' parameter"),
    ("reciprocity scorer: influence_params", lambda: influence.make_reciprocity_scorer(
        influence_params=[1]), TypeError, "'influence_params' parameter"),
    ("reciprocity scorer: negative sample_weight",
     lambda: influence.make_reciprocity_scorer(n_individuals=3)(
         LOGISTIC, X, y, sample_weight=-np.ones(N)), ValueError,
     "sample_weight must be non-negative"),
    ("study: unknown individuals column", lambda: influence.run_reciprocity_study(
        individuals="height"), ValueError, "a column of the dataset"),
    ("study: individuals for ratings", lambda: influence.run_reciprocity_study(
        "ratings", individuals="rows"), ValueError, "the individuals are the users"),
    ("flows: sample_weight length", lambda: influence.influence_flows(
        _linear_influence(), X, y, sample_weight=np.ones(N - 1)), ValueError,
     r"sample_weight must hold one weight per row"),
    ("flows: NaN eval_sample_weight", lambda: influence.influence_flows(
        _linear_influence(), X, y, eval_sample_weight=np.full(N, np.nan)),
     ValueError, "eval_sample_weight contains NaN"),
    ("LinearInfluence: negative sample_weight", lambda: influence.LinearInfluence(
        LOGISTIC).fit(X, y, sample_weight=-np.ones(N)), ValueError,
     "Negative values in data passed to `sample_weight`"),
    ("LinearInfluence: sample_weight length", lambda: influence.LinearInfluence(
        LOGISTIC).fit(X, y, sample_weight=np.ones(N - 1)), ValueError,
     "sample_weight.shape =="),
]


@pytest.mark.parametrize(
    "call, error, match",
    [pytest.param(call, error, match, id=case) for case, call, error, match
     in INFLUENCE_CASES],
)
def test_influence_names_the_problem(call, error, match):
    with pytest.raises(error, match=match):
        call()


def test_constant_flows_warn():
    with pytest.warns(UndefinedCorrelationWarning, match="constant"):
        influence.reciprocity_score({"inflow": np.ones(5), "outflow": np.arange(5.0)})


def test_influence_agrees_across_label_types_and_containers():
    expected = _linear_influence().influence(X[:3], y[:3], X, y)
    as_strings = influence.LinearInfluence(LogisticRegression().fit(X, STRINGS[y]))
    np.testing.assert_allclose(
        as_strings.fit(X, STRINGS[y]).influence(X[:3], STRINGS[y[:3]], X, STRINGS[y]),
        expected,
    )
    from_pandas = _linear_influence().influence(
        pd.DataFrame(X[:3]), pd.Series(y[:3]), pd.DataFrame(X), pd.Series(y)
    )
    # A DataFrame reaches numpy in Fortran order and takes other BLAS kernels
    # (1 ulp seen). float64, 5 parameters, Hessian condition ~21: entries are
    # sums of ~25 products, so any two paths agree to ~25 * 21 * eps64 (~6e-14)
    # of the largest entry; rtol=1e-10 with an atol from that scale.
    np.testing.assert_allclose(
        from_pandas, expected, rtol=1e-10, atol=1e-10 * np.abs(expected).max()
    )


@pytest.fixture(scope="module")
def tracin():
    torch = pytest.importorskip("torch")
    module = torch.nn.Linear(4, 2)
    return influence.TracIn(module, [(module.state_dict(), 0.1)],
                            loss=torch.nn.CrossEntropyLoss())


class TestTracIn:
    """TracIn on a torch module: the checks skcorr does before torch runs."""

    @pytest.mark.parametrize("make_input, match", [
        pytest.param(lambda: (X[:2], y[:1]), "different numbers of rows",
                     id="lengths"),
        pytest.param(lambda: (np.full((3, 4), np.nan), y[:3]),
                     "NaN or infinite", id="NaN"),
        pytest.param(lambda: (X[:0], y[:0]), "X is empty", id="empty"),
    ])
    def test_names_the_problem(self, tracin, make_input, match):
        with pytest.raises(ValueError, match=match):
            tracin.self_influence(*make_input())

    @pytest.mark.parametrize("make_input, match", [
        pytest.param(lambda: (X[:, :3], y), "number of features", id="features"),
        pytest.param(
            lambda: (X, y + 5), "0..n_outputs-1", id="label above outputs"
        ),
        pytest.param(lambda: (X, STRINGS[y]), "must be numeric", id="string labels"),
    ])
    def test_torch_errors_are_explained(self, tracin, make_input, match):
        with pytest.raises(ValueError, match=match):
            tracin.self_influence(*make_input())


# ---------------------------------------------------------------- datasets
@pytest.mark.parametrize("call, error, match", [
    pytest.param(lambda: datasets.load_corr_ml_errors("imagenet"),
                 InvalidParameterError, "'name' parameter", id="unknown dataset"),
    pytest.param(lambda: datasets.load_corr_ml_errors("california", models=["nope"]),
                 ValueError, r"Unknown model\(s\) \['nope'\] in 'california'",
                 id="unknown model"),
    pytest.param(lambda: datasets.load_corr_ml_errors("california", models=[]),
                 ValueError, "models is empty", id="no models"),
    pytest.param(lambda: datasets.load_corr_ml_errors("california", models="gam"),
                 InvalidParameterError, "'models' parameter", id="models as str"),
])
def test_datasets_name_the_problem(call, error, match):
    with pytest.raises(error, match=match):
        call()


def test_no_warning_on_clean_input():
    """The warnings above are about the input, never noise on good data."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        metrics.pairwise_error_correlation(y, Y)
        metrics.aggregated_risk(y, Y)
        _tree_ensemble().fit(X, y).predict_all(X)
