"""Bad input to the ensembles (issue 12): duplicates, numbers that would be
truncated or passed on, members of the wrong kind, and their siblings.

Each case asserts the exception type and its message; where a valid input is
accepted, the result is compared with an independent fit by hand.
"""

import threading

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.cluster import KMeans
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.tree import DecisionTreeClassifier, DecisionTreeRegressor
from sklearn.utils._param_validation import InvalidParameterError

from skcorr.ensemble import (
    CommitteeClassifier,
    CommitteeRegressor,
    MLPBackbone,
    SeedEnsembleClassifier,
    SeedEnsembleRegressor,
    evaluate_batch,
    run_scenario,
)
from skcorr.utils.seeding import MAX_SEED

pytest.importorskip("pandas")

rng = np.random.RandomState(0)
N = 30
X = rng.rand(N, 4)
y = np.arange(N) % 2
y_reg = X @ np.array([1.0, -2.0, 0.5, 3.0])
TREE = DecisionTreeClassifier(max_depth=2)


def _batch(estimators=None, **params):
    params = {"seeds": 1, "cv": 2, **params}
    return evaluate_batch(
        {"t": TREE} if estimators is None else estimators, X, y, **params
    )


# ------------------------------------------------------------ 1. duplicates
@pytest.mark.parametrize(
    "estimators, error, match",
    [
        ([("t", TREE), ("t", LogisticRegression())], ValueError,
         r"names of the estimators must be unique; \['t'\] given more than once"),
        ((("a", TREE), ("b", TREE), ("a", TREE)), ValueError,
         r"must be unique; \['a'\].*Give each estimator its own name"),
        ({1: TREE, "1": TREE}, TypeError,
         r"names of the estimators must be strings.*got 1 \(int\).*str\(name\)"),
        ([(np.str_("a"), TREE), (2, TREE)], TypeError, r"got 2 \(int\)"),
        ([("t", TREE, "extra")], TypeError, "got the entry"),
        ([("t", "tree")], TypeError, "The estimator 't' must have fit and predict"),
        ((pair for pair in [("t", TREE)]), TypeError,
         r"got generator \(an iterator.*pass list\(estimators\)\)"),
    ],
    ids=["pairs", "tuple of pairs", "dict 1 vs '1'", "int name", "triple",
         "not an estimator", "generator"],
)
def test_batch_refuses_duplicate_or_unusable_names(estimators, error, match):
    with pytest.raises(error, match=match):
        _batch(estimators)


@pytest.mark.parametrize(
    "seeds, match",
    [
        ([0, 0], "seeds holds 0 more than once"),
        ([3, np.int64(3), 4], "seeds holds 3 more than once"),
        (np.array([5, 1, 5, 1]), r"seeds holds 1, 5 more than once.*dict.fromkeys"),
    ],
)
def test_batch_refuses_repeated_seeds(seeds, match):
    with pytest.raises(ValueError, match=match):
        _batch(seeds=seeds)


def test_batch_has_one_prediction_column_per_row_group():
    """Oracle: estimators x seeds x folds rows, estimators x seeds columns."""
    results = _batch({"t": TREE, "lr": LogisticRegression()}, seeds=[7, 2, 9], cv=3)
    assert len(results) == 2 * 3 * 3
    for fold, frame in enumerate(results.attrs["predictions"]):
        assert frame.shape[1] == 2 * 3
        rows = results[results.fold == fold]
        assert sorted(frame.columns) == sorted(
            f"{name}/seed={seed}"
            for name, seed in zip(rows.estimator, rows.seed, strict=True)
        )


def test_committee_names_must_be_unique_strings():
    with pytest.raises(ValueError, match="Names provided are not unique"):
        CommitteeClassifier([("a", TREE), ("a", LogisticRegression())]).fit(X, y)
    with pytest.raises(TypeError, match=r"must be strings.*got \[1\].*str\(name\)"):
        CommitteeClassifier([(1, TREE), ("1", LogisticRegression())]).fit(X, y)
    with pytest.raises(InvalidParameterError, match="'estimators' parameter"):
        CommitteeClassifier(iter([("a", TREE)])).fit(X, y)


class _RepeatingState(np.random.RandomState):
    """A RandomState whose first ``randint`` call repeats a seed."""

    def __init__(self, seed, first):
        super().__init__(seed)
        self.first = first

    def randint(self, *args, **kwargs):
        if self.first is not None:
            first, self.first = self.first, None
            return np.array(first)
        return super().randint(*args, **kwargs)


@pytest.mark.parametrize("make", [
    lambda state: SeedEnsembleClassifier(TREE, n_seeds=3, random_state=state),
    lambda state: CommitteeClassifier(
        [("t", TREE), ("lr", LogisticRegression())], n_seeds=3, random_state=state
    ),
], ids=["seed ensemble", "committee"])
def test_a_repeated_seed_draw_is_drawn_again(make):
    fitted = make(_RepeatingState(0, [5, 5, 7])).fit(X, y)
    # Oracle: the repeat is replaced by the next draw of the same generator.
    next_draw = np.random.RandomState(0).randint(MAX_SEED, size=1)[0]
    assert list(fitted.seeds_[:3]) == [5, 7, next_draw]
    assert len(set(fitted.member_names_)) == len(fitted.member_names_)


def test_seeds_without_repeats_are_the_plain_draw():
    fitted = SeedEnsembleClassifier(TREE, n_seeds=4, random_state=3).fit(X, y)
    expected = np.random.RandomState(3).randint(MAX_SEED, size=4)
    np.testing.assert_array_equal(fitted.seeds_, expected)


# ------------------------------------------- 2. numbers truncated or passed on
@pytest.mark.parametrize(
    "seeds, match",
    [
        ([1.7], r"seeds must be integers.*got 1.7.*not rounded nor truncated"),
        ([2.0, 3.0], r"seeds must be integers.*got 2.0, 3.0"),
        (np.array([1.0]), r"seeds must be integers.*got np.float64\(1.0\)"),
        ([True], "seeds must be integers"),
        ([np.bool_(True)], "seeds must be integers"),
        ([-1], r"seeds must lie in \[0, 4294967295\].*got -1"),
        ([2**32], r"must lie in \[0, 4294967295\].*got 4294967296"),
        ([np.uint64(2**63)], r"must lie in \[0, 4294967295\]"),
        (2.0, r"a number of seeds.*got 2.0 \(float\)"),
        (True, r"a number of seeds.*got True \(bool\)"),
        ("12", r"got '12' \(str\)"),
        (np.float64(3), r"got np.float64\(3.0\) \(float64\)"),
        ({0: 1}, r"\(dict\)"),
        (None, r"got None \(NoneType\)"),
    ],
)
def test_batch_seeds_must_be_integers_in_range(seeds, match):
    with pytest.raises(InvalidParameterError, match=match):
        _batch(seeds=seeds)


def test_batch_number_of_seeds_below_one():
    for seeds in (0, -3, np.int64(0)):
        with pytest.raises(ValueError, match=r"must be a positive number of seeds"):
            _batch(seeds=seeds)


def test_batch_accepts_numpy_integer_seeds_as_the_same_seeds():
    expected = _batch(seeds=[3, 4])
    for seeds in (np.array([3, 4]), [np.int32(3), np.uint8(4)], (3, 4)):
        got = _batch(seeds=seeds)
        assert got.seed.tolist() == [3, 3, 4, 4]
        assert all(type(seed) is int for seed in got.seed.tolist())
        np.testing.assert_array_equal(got.test_score, expected.test_score)
    count = _batch(seeds=2)
    np.testing.assert_array_equal(_batch(seeds=np.int64(2)).test_score,
                                  count.test_score)
    np.testing.assert_array_equal(_batch(seeds=np.array(2)).test_score,
                                  count.test_score)


def test_batch_largest_seed_is_accepted():
    results = _batch(seeds=[2**32 - 1])
    model = clone(TREE).set_params(random_state=2**32 - 1)
    # Two folds: fold 0 trains on the rows that fold 1 tests, and tests its own.
    test_0, test_1 = results.attrs["test_indices"]
    model.fit(X[test_1], y[test_1])
    stored = results.attrs["predictions"][0]["t/seed=4294967295"]
    np.testing.assert_array_equal(stored.to_numpy(), model.predict(X[test_0]))


@pytest.mark.parametrize("n_jobs", [0, 1.5, True, "2"])
def test_batch_n_jobs(n_jobs):
    with pytest.raises(InvalidParameterError, match=r"'n_jobs' parameter of "
                       r"evaluate_batch.*got"):
        _batch(n_jobs=n_jobs)


SEED_PARAMS = [
    ("n_seeds", True), ("n_seeds", 2.0), ("n_seeds", np.float64(2)),
    ("max_samples", True), ("max_samples", False), ("max_features", True),
    ("shared_fraction", True), ("shared_fraction", False),
    ("random_state", True), ("n_jobs", True), ("n_jobs", 0), ("n_jobs", 2.0),
]


@pytest.mark.parametrize("name, value", SEED_PARAMS)
@pytest.mark.parametrize("make", [
    lambda **p: SeedEnsembleClassifier(TREE, **p),
    lambda **p: SeedEnsembleRegressor(DecisionTreeRegressor(), **p),
], ids=["classifier", "regressor"])
def test_seed_ensemble_refuses_bools_and_floats_for_counts(make, name, value):
    target = y if "Classifier" in type(make()).__name__ else y_reg
    with pytest.raises(InvalidParameterError, match=f"'{name}' parameter.*Got"):
        make(**{name: value}).fit(X, target)


@pytest.mark.parametrize("name, value", [
    ("n_seeds", True), ("n_seeds", 1.0), ("random_state", False), ("n_jobs", 0),
])
def test_committee_refuses_bools_and_floats_for_counts(name, value):
    with pytest.raises(InvalidParameterError, match=f"'{name}' parameter.*Got"):
        CommitteeRegressor([("r", Ridge())], **{name: value}).fit(X, y_reg)


def test_fraction_that_rounds_to_no_rows():
    with pytest.raises(ValueError, match=r"max_samples=0.01 of 30 is 0.3.*rounds "
                       r"to 0.*at least 0.0333"):
        SeedEnsembleClassifier(TREE, n_seeds=2, max_samples=0.01).fit(X, y)
    with pytest.raises(ValueError, match=r"max_features=0.1 of 4 .*rounds to 0"):
        SeedEnsembleClassifier(TREE, n_seeds=2, max_features=0.1).fit(X, y)
    # The smallest fraction the message names is accepted: one row each.
    fitted = SeedEnsembleRegressor(DecisionTreeRegressor(), n_seeds=2,
                                   max_samples=1 / 30).fit(X, y_reg)
    assert [len(rows) for rows in fitted.estimators_samples_] == [1, 1]


@pytest.mark.parametrize("params, match", [
    (dict(max_epochs=True), "'max_epochs' parameter"),
    (dict(batch_size=True), "'batch_size' parameter"),
    (dict(lr=True), "'lr' parameter"),
    (dict(hidden_layer_sizes=True), "'hidden_layer_sizes' parameter"),
    (dict(random_state=True), "'random_state' parameter"),
])
def test_backbone_refuses_bools(params, match):
    """Checked before torch is imported, so this runs without torch too."""
    with pytest.raises(InvalidParameterError, match=match):
        MLPBackbone(**params).fit(X, y)


@pytest.mark.parametrize("params, match", [
    (dict(n_jobs=True), "'n_jobs' parameter"),
    (dict(n_jobs=0), "'n_jobs' parameter"),
    (dict(random_state=True), "'random_state' parameter"),
    (dict(n_seeds=2.0), "'n_seeds' parameter"),
])
def test_scenario_refuses_bools_and_floats(params, match):
    with pytest.raises(InvalidParameterError, match=match):
        run_scenario("seeds", **params)


class _FitRecorder(DecisionTreeClassifier):
    """A tree that records that it was fitted (no member may be)."""

    calls = []
    _lock = threading.Lock()

    def fit(self, X, y, sample_weight=None):
        with self._lock:
            self.calls.append(sample_weight)
        return super().fit(X, y, sample_weight=sample_weight)


ENSEMBLES = [
    lambda: SeedEnsembleClassifier(_FitRecorder(), n_seeds=2, random_state=0),
    lambda: CommitteeClassifier([("a", _FitRecorder()), ("b", TREE)],
                                random_state=0),
    lambda: SeedEnsembleRegressor(DecisionTreeRegressor(), n_seeds=2,
                                  max_samples=0.5, random_state=0),
    lambda: CommitteeRegressor([("r", Ridge())], random_state=0),
]
BAD_WEIGHTS = [
    (-np.ones(N), r"Invalid sample_weight: Negative values"),
    (np.r_[-1e-9, np.ones(N - 1)], "Negative values in data passed to `sample_weight`"),
    (np.r_[np.nan, np.ones(N - 1)], "Invalid sample_weight: Input sample_weight "
     "contains NaN"),
    (np.r_[np.inf, np.ones(N - 1)], "sample_weight contains infinity"),
    (np.ones(N - 1), r"sample_weight.shape == \(29,\), expected \(30,\)"),
    (np.ones((N, 1)), "Sample weights must be 1D"),
    (np.zeros(N), "at least one non-zero.*not all zero"),
    (-1.0, "Negative values"),
    (["a"] * N, "sample_weight"),
    # Strings that look like numbers are not parsed (they used to reach members).
    (["1"] * N, "sample_weight must be numeric.*does not parse strings"),
    (np.array([1.0, None] * (N // 2), dtype=object), "2? ?missing value"),
]


@pytest.mark.parametrize("make", ENSEMBLES,
                         ids=["seed clf", "committee clf", "seed reg", "committee reg"])
@pytest.mark.parametrize("weight, match", BAD_WEIGHTS)
def test_bad_sample_weight_is_refused_before_any_member_fits(make, weight, match):
    _FitRecorder.calls.clear()
    target = y if "Classifier" in type(make()).__name__ else y_reg
    with pytest.raises(ValueError, match=match) as info:
        make().fit(X, target, sample_weight=weight)
    assert "one finite, non-negative weight per row of X (30 rows)" in str(info.value)
    assert _FitRecorder.calls == []


def test_bad_sample_weight_is_refused_with_metadata_routing():
    from sklearn import config_context

    with config_context(enable_metadata_routing=True):
        tree = DecisionTreeClassifier().set_fit_request(sample_weight=True)
        with pytest.raises(ValueError, match="Invalid sample_weight: Negative"):
            SeedEnsembleClassifier(tree, n_seeds=2).fit(X, y, sample_weight=-np.ones(N))


def test_valid_sample_weight_reaches_members_unchanged():
    weight = np.r_[np.zeros(5), np.arange(1.0, N - 4)]
    fitted = SeedEnsembleClassifier(TREE, n_seeds=2, random_state=0).fit(
        X, y, sample_weight=weight
    )
    for member, seed in zip(fitted.estimators_, fitted.seeds_, strict=True):
        by_hand = clone(TREE).set_params(random_state=int(seed)).fit(
            X, y, sample_weight=weight
        )
        np.testing.assert_array_equal(member.predict_proba(X),
                                      by_hand.predict_proba(X))


# ------------------------------------------------------------ 3. mixed kinds
@pytest.mark.parametrize("estimators, match", [
    ({"t": TREE, "r": Ridge()}, r"one kind; got classifiers: 't'; regressors: 'r'"),
    ({"p": make_pipeline(StandardScaler(), Ridge()), "t": TREE},
     r"regressors: 'p'; classifiers: 't'"),
    ({"t": TREE, "k": KMeans(2, n_init=1)}, r"clusterers: 'k'"),
])
def test_batch_refuses_mixed_kinds(estimators, match):
    with pytest.raises(ValueError, match=match + r".*Call evaluate_batch once per"):
        _batch(estimators)


def test_batch_of_pipelines_ending_in_classifiers_runs():
    results = _batch({"p": make_pipeline(StandardScaler(), LogisticRegression()),
                      "t": TREE}, seeds=1, cv=3)
    assert set(results.estimator) == {"p", "t"}


@pytest.mark.parametrize("make, match", [
    (lambda: CommitteeClassifier([("t", TREE), ("r", Ridge())]),
     r"members of a CommitteeClassifier must be classifiers.*'r': Ridge \(a "
     r"regressor\).*use CommitteeRegressor"),
    (lambda: CommitteeClassifier([("p", make_pipeline(StandardScaler(), Ridge()))]),
     r"'p': Pipeline \(a regressor\)"),
    (lambda: CommitteeRegressor([("lr", LogisticRegression()), ("r", Ridge())]),
     r"members of a CommitteeRegressor must be regressors.*'lr': "
     r"LogisticRegression \(a classifier\).*use CommitteeClassifier"),
    (lambda: SeedEnsembleClassifier(Ridge()),
     r"SeedEnsembleClassifier must be classifiers.*got Ridge \(a regressor\).*"
     r"use SeedEnsembleRegressor"),
    (lambda: SeedEnsembleRegressor(LogisticRegression()),
     r"SeedEnsembleRegressor must be regressors.*LogisticRegression \(a "
     r"classifier\).*use SeedEnsembleClassifier"),
    (lambda: SeedEnsembleClassifier(KMeans(2)), r"KMeans \(a clusterer\)"),
    (lambda: SeedEnsembleRegressor(KMeans(2)), r"KMeans \(a clusterer\)"),
])
@pytest.mark.parametrize("error", [TypeError, ValueError])
def test_members_of_the_wrong_kind_are_refused(make, match, error):
    target = y_reg if "Regressor" in match.split("must")[0] else y
    with pytest.raises(error, match=match):
        make().fit(X, target)


def test_pipeline_ending_in_a_classifier_is_a_classifier_member():
    pipe = make_pipeline(StandardScaler(), LogisticRegression())
    fitted = CommitteeClassifier([("p", pipe), ("t", TREE)], random_state=0).fit(X, y)
    by_hand = clone(pipe).set_params(
        logisticregression__random_state=int(fitted.seeds_[0])
    ).fit(X, y)
    np.testing.assert_array_equal(fitted.predict_all(X)[:, 0], by_hand.predict(X))


def test_skorch_nets_of_the_wrong_kind_are_refused():
    torch = pytest.importorskip("torch")
    skorch = pytest.importorskip("skorch")
    regressor = skorch.NeuralNetRegressor(torch.nn.Linear(4, 1), max_epochs=1)
    classifier = skorch.NeuralNetClassifier(torch.nn.Linear(4, 2), max_epochs=1)
    with pytest.raises(TypeError, match=r"NeuralNetRegressor \(a regressor\)"):
        SeedEnsembleClassifier(regressor).fit(X, y)
    with pytest.raises(ValueError, match=r"'net': NeuralNetClassifier \(a "
                       r"classifier\)"):
        CommitteeRegressor([("net", classifier)]).fit(X, y_reg)


# ------------------------------------------------------------------ siblings
@pytest.mark.parametrize("cv, match", [
    ([(np.array([], dtype=int), np.arange(N))], "Fold 0 of cv has an empty "
     "training set: nothing to fit"),
    ([(np.arange(20), np.arange(20, N)), (np.arange(N), np.array([], dtype=int))],
     "Fold 1 of cv has an empty test set: nothing to score"),
    ([], "cv gave no"),
])
def test_batch_folds_need_training_and_test_rows(cv, match):
    with pytest.raises(ValueError, match=match):
        _batch(cv=cv)


@pytest.mark.parametrize("cv, match", [
    ([(np.arange(20), np.arange(20, N + 3))],
     r"Fold 0 of cv has test row indices outside \[0, 29\] \(X has 30 rows\): "
     r"30, 31, 32"),
    ([(np.arange(20), np.arange(-3, 0))], r"outside \[0, 29\].*-3, -2, -1"),
    ([(np.arange(N) < 20, np.arange(N) >= 20)],
     r"training rows as a 1-d bool array \(a boolean mask: pass "
     r"np.flatnonzero\(mask\)\)"),
    ([(np.arange(20.0), np.arange(20.0, N))], "1-d float64 array.*integer row"),
])
def test_batch_folds_must_be_integer_rows_of_x(cv, match):
    with pytest.raises(ValueError, match=match):
        _batch(cv=cv)


def test_batch_fold_that_tests_its_training_rows_warns():
    cv = [(np.arange(25), np.arange(20, N))]
    with pytest.warns(UserWarning, match=r"Fold 0 of cv tests 5 row\(s\) it also "
                      r"trains on \(e.g. 20, 21, 22 and 2 more\).*not held-out"):
        results = _batch(cv=cv)
    # Still computed as asked: the tree fitted on rows 0..24, scored on 20..29.
    model = clone(TREE).set_params(random_state=0).fit(X[:25], y[:25])
    assert results.test_score[0] == model.score(X[20:], y[20:])


def test_batch_cv_bool_and_missing_y():
    with pytest.raises(InvalidParameterError, match="cv=True is a bool"):
        _batch(cv=True)
    with pytest.raises(ValueError, match=r"y \(the targets\) is required"):
        evaluate_batch({"t": TREE}, X, None, seeds=1, cv=2)


@pytest.mark.parametrize("call", [
    lambda: SeedEnsembleClassifier(DecisionTreeClassifier).fit(X, y),
    lambda: CommitteeRegressor([("r", Ridge)]).fit(X, y_reg),
    lambda: _batch({"t": DecisionTreeClassifier}),
], ids=["seed ensemble", "committee", "batch"])
def test_estimator_classes_are_refused(call):
    with pytest.raises(TypeError, match=r"Got the class \w+ .*where an estimator "
                       r"instance is expected: pass \w+\(\)"):
        call()


def test_batch_scoring_with_repeated_names():
    with pytest.raises(ValueError, match="Duplicate elements"):
        _batch(scoring=["accuracy", "accuracy"])


def test_memory_warning_is_documented():
    def words(obj):
        return " ".join(obj.__doc__.split())

    for obj in (evaluate_batch, SeedEnsembleClassifier, CommitteeRegressor):
        assert "users you trust can write to" in words(obj)
    assert "unpickling runs code" in words(evaluate_batch)


def test_thread_limits_are_restored_after_parallel_members():
    threadpoolctl = pytest.importorskip("threadpoolctl")
    from joblib import parallel_config

    before = [info["num_threads"] for info in threadpoolctl.threadpool_info()]
    with parallel_config(backend="threading"):
        SeedEnsembleClassifier(TREE, n_seeds=4, random_state=0, n_jobs=2).fit(
            X, y).predict_all(X)
    after = [info["num_threads"] for info in threadpoolctl.threadpool_info()]
    assert after == before


# ------------------------------------------------ indexes and missing labels
def _frame_and_series(x_index, y_index):
    pd = pytest.importorskip("pandas")
    return pd.DataFrame(X, index=x_index), pd.Series(y, index=y_index)


@pytest.mark.parametrize("fit", [
    lambda Xf, ys: SeedEnsembleClassifier(TREE, n_seeds=2).fit(Xf, ys),
    lambda Xf, ys: CommitteeClassifier([("t", TREE)]).fit(Xf, ys),
    lambda Xf, ys: SeedEnsembleRegressor(DecisionTreeRegressor(), n_seeds=2).fit(
        Xf, ys.astype(float)),
    lambda Xf, ys: evaluate_batch({"t": TREE}, Xf, ys, seeds=1, cv=2),
], ids=["seed clf", "committee", "seed reg", "batch"])
def test_x_and_y_with_different_indexes_are_refused(fit):
    Xf, ys = _frame_and_series(range(100, 100 + N), range(200, 200 + N))
    with pytest.raises(ValueError, match=r"X and y carry different pandas indexes "
                                         r"\(first difference at position 0: 100 in X,"
                                         r" 200 in y\)"):
        fit(Xf, ys)
    # A default RangeIndex on one side carries no information: paired by position.
    Xf, ys = _frame_and_series(range(100, 100 + N), None)
    fit(Xf, ys)


def test_sample_weight_with_another_index_is_refused():
    pd = pytest.importorskip("pandas")
    Xf = pd.DataFrame(X, index=range(100, 100 + N))
    weight = pd.Series(np.ones(N), index=range(300, 300 + N))
    with pytest.raises(ValueError, match="X and sample_weight carry different"):
        SeedEnsembleClassifier(TREE, n_seeds=2).fit(Xf, y, sample_weight=weight)


@pytest.mark.parametrize("missing", [None, np.nan, "pd.NA"])
@pytest.mark.parametrize("fit", [
    lambda labels: SeedEnsembleClassifier(TREE, n_seeds=2).fit(X, labels),
    lambda labels: CommitteeClassifier([("t", TREE)]).fit(X, labels),
    lambda labels: evaluate_batch({"t": TREE}, X, labels, seeds=1, cv=2),
], ids=["seed clf", "committee", "batch"])
def test_missing_labels_are_named_not_an_unknown_label_type(fit, missing):
    pd = pytest.importorskip("pandas")
    labels = np.array(["a", "b"], dtype=object)[y]
    labels[7] = pd.NA if missing == "pd.NA" else missing
    with pytest.raises(ValueError, match=r"y contains 1 missing value.*rows \[7\]"):
        fit(labels)
