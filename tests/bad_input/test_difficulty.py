"""Bad input to the difficulty scores and estimators (issue 12).

Probability rows that do not sum to 1, correlations over too few samples,
tiny fingerprinting data, missing labels and pandas inputs whose indexes
disagree: each ends in an error naming the problem (type and message
asserted) or in a documented warning; accepted inputs are compared with an
independent computation.
"""

import math
import warnings

import numpy as np
import pytest
from scipy.special import softmax
from scipy.stats import rankdata, spearmanr
from sklearn.linear_model import SGDClassifier

from skcorr import difficulty
from skcorr.difficulty._validation import proba_sum_tolerance

pd = pytest.importorskip("pandas")

rng = np.random.RandomState(0)
N = 30
X = rng.rand(N, 4)
y = np.arange(N) % 2
y3 = np.arange(N) % 3
PROBA3 = rng.dirichlet(np.ones(3), N)
DYNAMICS3 = rng.dirichlet(np.ones(3), (N, 4))
SGD = SGDClassifier(loss="log_loss")

# Every function of (y, proba) or (y, dynamics); the label-free ones take proba.
WITH_LABELS = [difficulty.loss, difficulty.accuracy, difficulty.confidence,
               difficulty.margin, difficulty.el2n]
WITHOUT_LABELS = [difficulty.entropy, difficulty.max_confidence]
DYNAMICS_ONLY = [difficulty.forgetting_events, difficulty.first_learned,
                 difficulty.iteration_learned, difficulty.area_under_margin,
                 difficulty.cartography, difficulty.unforgettable]


def _call(function, proba, labels=y3):
    if function in WITHOUT_LABELS:
        return function(proba)
    return function(labels, proba)


# --------------------------------------------- 1. rows that do not sum to 1
@pytest.mark.parametrize("function", WITH_LABELS + WITHOUT_LABELS + DYNAMICS_ONLY,
                         ids=lambda f: f.__name__)
def test_unnormalised_rows_are_refused_by_every_score(function):
    proba = DYNAMICS3 if function in DYNAMICS_ONLY else PROBA3
    scaled = proba * 0.5  # in [0, 1] (not logits), but every row sums to 0.5
    with pytest.raises(ValueError, match=r"do not sum to 1.*apply a softmax"):
        _call(function, scaled)


def test_the_message_counts_the_rows_and_names_the_worst():
    proba = PROBA3.copy()
    proba[3] = [0.2, 0.3, 0.4]   # sums to 0.9
    proba[7] = [0.5, 0.5, 0.2]   # sums to 1.2: the worst
    proba[9] = [0.3, 0.3, 0.39]  # sums to 0.99
    with pytest.raises(ValueError, match=r"proba has 3 row\(s\) whose probabilities "
                       r"do not sum to 1 \(worst: sum 1\.2 at row 7"):
        difficulty.loss(y3, proba)
    dynamics = DYNAMICS3.copy()
    dynamics[2, 1] = [0.5, 0.5, 0.5]
    with pytest.raises(ValueError, match=r"dynamics has 1 \(sample, epoch\) row\(s\)"
                       r".*sum 1\.5 at \(sample, epoch\) row \(2, 1\)"):
        difficulty.forgetting_events(y3, dynamics)
    # sigmoid outputs of a multi-label head: each in [0, 1], rows do not sum to 1
    sigmoid = 1 / (1 + np.exp(-rng.normal(size=(N, 3))))
    with pytest.raises(ValueError, match="renormalise with proba / proba.sum"):
        difficulty.entropy(sigmoid)


def test_the_tolerance_is_the_float32_rounding_bound():
    # 16 (C + 2) eps32: 7.6e-6 for two classes, whatever the dtype up to float64
    eps32 = float(np.finfo(np.float32).eps)
    assert proba_sum_tolerance(np.float64, 2) == 16 * 4 * eps32
    assert proba_sum_tolerance(np.float32, 10) == 16 * 12 * eps32
    eps16 = float(np.finfo(np.float16).eps)
    assert proba_sum_tolerance(np.float16, 2) == 16 * 4 * eps16
    inside = np.array([[0.5, 0.5 + 5e-6], [0.25, 0.75]])
    outside = np.array([[0.5, 0.5 + 1e-5], [0.25, 0.75]])
    # oracle: -log p_y by hand (same float64 operation on the same numbers)
    np.testing.assert_array_equal(difficulty.loss([1, 0], inside),
                                  -np.log([0.5 + 5e-6, 0.25]))
    with pytest.raises(ValueError, match="1 row"):
        difficulty.loss([1, 0], outside)


@pytest.mark.parametrize("dtype, n_classes", [(np.float32, 2), (np.float32, 1000),
                                              (np.float16, 10), (np.float64, 100)])
def test_softmax_outputs_in_their_own_dtype_pass(dtype, n_classes):
    logits = np.random.RandomState(1).normal(scale=3.0, size=(200, n_classes))
    proba = softmax(logits.astype(dtype), axis=1).astype(dtype)
    labels = np.arange(200) % n_classes
    # oracle: -log p_y computed directly from the same numbers, in float64
    expected = -np.log(np.clip(proba[np.arange(200), labels].astype(np.float64),
                               np.finfo(np.float64).eps, 1.0))
    np.testing.assert_array_equal(difficulty.loss(labels, proba), expected)
    if dtype == np.float32:  # cast to float64, as TrainingDynamics stores them
        difficulty.entropy(proba.astype(np.float64))


def test_one_hot_booleans_and_integers_are_probabilities():
    onehot = np.eye(3)[y3]
    for values in (onehot.astype(bool), onehot.astype(np.int64)):
        np.testing.assert_array_equal(difficulty.confidence(y3, values),
                                      -np.ones(N))


def test_nan_inf_and_logits_keep_their_messages():
    with pytest.raises(ValueError, match="contains 1 NaN or infinite"):
        difficulty.loss(y3, np.where(np.arange(N)[:, None] * [1, 0, 0] == 3,
                                     np.nan, PROBA3))
    with pytest.raises(ValueError, match=r"in \[0, 1\].*Apply a softmax"):
        difficulty.margin(y3, rng.normal(size=(N, 3)))
    # finite but huge values overflow the row sums: still the range message
    with pytest.raises(ValueError, match=r"in \[0, 1\]"):
        difficulty.loss([0, 1], np.array([[1e308, 1e308], [0.5, 0.5]]))


# --------------------------------------------------- 2. too few samples
FEW = {
    "run_consistency": lambda s: difficulty.run_consistency(s),
    "run_consistency all": lambda s: difficulty.run_consistency(s, reference="all"),
    "score_correlation": lambda s: difficulty.score_correlation(s),
    "runs_needed": lambda s: difficulty.runs_needed(s, n_repeats=2, random_state=0),
    "difficulty_pca": lambda s: difficulty.difficulty_pca(s),
}


@pytest.mark.parametrize("name", FEW)
def test_two_samples_are_refused(name):
    scores = np.array([[1.0, 2.0, 3.0], [2.0, 1.0, 5.0]])
    with pytest.raises(ValueError, match=r"at least 3 samples.*got 2.*always \+1 "
                       "or -1"):
        FEW[name](scores)


@pytest.mark.parametrize("name", FEW)
@pytest.mark.parametrize("n_samples", [3, 4])
def test_three_or_four_samples_warn(name, n_samples):
    scores = np.random.RandomState(n_samples).rand(n_samples, 3)
    with pytest.warns(UserWarning, match=rf"only {n_samples} samples.*significant "
                      r"at the 5% level.*2/\d! = "):
        FEW[name](scores)


@pytest.mark.parametrize("name", FEW)
def test_five_samples_do_not_warn(name):
    scores = np.random.RandomState(5).rand(5, 3)
    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)
        FEW[name](scores)


def test_consistency_over_four_samples_is_spearman():
    scores = np.array([[1.0, 2.0], [2.0, 1.0], [3.0, 4.0], [4.0, 3.0]])
    with pytest.warns(UserWarning, match="only 4 samples"):
        result = difficulty.run_consistency(scores)
    # oracle: each run against the other (the mean of the others), by scipy
    expected = spearmanr(scores[:, 0], scores[:, 1]).statistic
    np.testing.assert_allclose(result, [expected, expected], rtol=0, atol=1e-15)
    # the smallest two-sided p-value over 4 samples is 2/4! = 1/12 > 0.05
    assert 2 / math.factorial(4) > 0.05 > 2 / math.factorial(5)


def test_one_run_is_refused_for_both_references():
    for reference in ("others", "all"):
        with pytest.raises(ValueError, match=r"at least 2 runs \(columns\); got 1"):
            difficulty.run_consistency(rng.rand(10, 1), reference=reference)


def test_runs_needed_n_runs_must_be_integers():
    for n_runs in ([1.0, 2.0], [True], [1.5]):
        with pytest.raises(ValueError, match="n_runs must be a 1-D array of integers"):
            difficulty.runs_needed(rng.rand(10, 4), n_runs=n_runs)


def test_inf_and_strings_in_scores():
    bad = rng.rand(10, 3)
    bad[2, 1] = np.inf
    with pytest.raises(ValueError, match="contains 1 NaN or infinite"):
        difficulty.score_correlation(bad)
    with pytest.raises(ValueError, match="must be numeric; got dtype <U"):
        difficulty.run_consistency(rng.rand(10, 3).astype(str))


# ---------------------------------------------- fingerprinting, tiny inputs
def test_fingerprint_needs_two_runs_of_two_architectures():
    for runs, labels in ((rng.rand(2, 5), [0, 1]), (rng.rand(3, 5), ["a", "b", "b"])):
        with pytest.raises(ValueError, match=r"at least two runs of each of two "
                           r"architectures.*runs per architecture: \{"):
            difficulty.ArchitectureFingerprinter(k=2).fit(runs, labels)
    # the random baseline needs no t-test
    fitted = difficulty.ArchitectureFingerprinter(
        k=2, selection="random", random_state=0).fit(rng.rand(2, 5), [0, 1])
    assert fitted.selected_examples_.shape == (2,)


def test_fingerprint_warns_about_a_single_run_and_ignores_it():
    local = np.random.RandomState(3)
    runs = local.normal(size=(9, 12))
    labels = np.array(["a"] * 4 + ["b"] * 4 + ["c"])
    runs[labels == "b", 5] += 4.0
    runs[labels == "b", 2] += 2.0
    with pytest.warns(UserWarning, match=r"Architecture\(s\) \['c'\] have a single "
                      "run"):
        fitted = difficulty.ArchitectureFingerprinter(k=3).fit(runs, labels)
    # oracle: the pairs with 'c' add the same constant to every example, so the
    # order is that of the a-b t-test alone
    alone = difficulty.ArchitectureFingerprinter(k=3).fit(
        runs[:8], labels[:8])
    np.testing.assert_array_equal(fitted.selected_examples_,
                                  alone.selected_examples_)
    assert list(fitted.selected_examples_[:2]) == [5, 2]


# --------------------------------------------------- 3. labels and indexes
MISSING = [
    ("float NaN", np.r_[np.nan, y[1:]]),
    ("None", np.array([None, *y[1:]], dtype=object)),
    ("pd.NA in an object Series", pd.Series([pd.NA, *y[1:]], dtype=object)),
    ("nullable Int64", pd.array([pd.NA, *y[1:]], dtype="Int64")),
    ("strings with None", np.array([None] + ["a", "b"] * 14 + ["a"], dtype=object)),
]


@pytest.mark.parametrize("labels", [m[1] for m in MISSING], ids=[m[0] for m in MISSING])
def test_missing_labels_are_named(labels):
    pattern = r"y contains (NaN labels|1 missing value).*(row 0|rows \[0\])"
    with pytest.raises(ValueError, match=pattern):
        difficulty.ExampleDifficulty(SGD, scores=["loss"], n_seeds=1, max_epochs=1,
                                     random_state=0).fit(X, labels)
    with pytest.raises(ValueError, match=pattern):
        difficulty.record_dynamics(SGD, X, labels, max_epochs=1)


def test_missing_labels_in_the_score_functions():
    with pytest.raises(ValueError, match=r"y contains 1 missing value.*rows \[0\]"):
        difficulty.loss(np.array([None, *y3[1:]], dtype=object), PROBA3)
    with pytest.raises(ValueError, match="y contains NaN labels"):
        difficulty.margin(np.r_[np.nan, y3[1:]], PROBA3)
    with pytest.raises(ValueError, match="mixes labels of different types"):
        difficulty.loss(np.array([0, "1", *y3[2:]], dtype=object), PROBA3)
    with pytest.raises(ValueError, match="y_record contains NaN labels"):
        difficulty.record_dynamics(SGD, X, y, max_epochs=1, X_record=X[:3],
                                   y_record=[0.0, np.nan, 1.0])


def test_pandas_indexes_must_agree():
    frame = pd.DataFrame(X, index=np.arange(N) + 100)
    shuffled = pd.Series(y, index=(np.arange(N) + 100)[::-1])
    with pytest.raises(ValueError, match="X and y carry different pandas indexes"):
        difficulty.ExampleDifficulty(SGD, scores=["loss"], n_seeds=1, max_epochs=1,
                                     random_state=0).fit(frame, shuffled)
    with pytest.raises(ValueError, match="X and y carry different pandas indexes"):
        difficulty.record_dynamics(SGD, frame, shuffled, max_epochs=1)
    # the same index (or a default one on either side) is fine, and gives the
    # numbers of the plain arrays
    aligned = pd.Series(y, index=frame.index)
    expected = difficulty.ExampleDifficulty(SGD, scores=["loss"], n_seeds=1,
                                            max_epochs=1, random_state=0).fit(X, y)
    for X_, y_ in ((frame, aligned), (X, shuffled)):
        fitted = difficulty.ExampleDifficulty(SGD, scores=["loss"], n_seeds=1,
                                              max_epochs=1, random_state=0).fit(X_, y_)
        np.testing.assert_array_equal(fitted.scores_["loss"], expected.scores_["loss"])


def test_training_dynamics_refuses_fractional_and_missing_labels():
    torch = pytest.importorskip("torch")
    skorch = pytest.importorskip("skorch")
    Xf = X.astype(np.float32)
    for labels, match in ((np.r_[0.5, y[1:]], "non-integer values"),
                          (np.r_[np.nan, y[1:]], "NaN labels")):
        for callback in (difficulty.TrainingDynamics(X=Xf, y=labels, record_loss=True),
                         difficulty.InputGradientVariance(X=Xf, y=labels)):
            net = skorch.NeuralNetClassifier(
                torch.nn.Linear(4, 2), criterion=torch.nn.CrossEntropyLoss,
                max_epochs=1, train_split=None, verbose=0, callbacks=[callback])
            with pytest.raises(ValueError, match=match):
                net.fit(Xf, y.astype(np.int64))


def test_six_samples_give_spearman_without_a_warning():
    scores = np.random.RandomState(7).rand(6, 3)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = difficulty.score_correlation(scores)
    # oracle: scipy's Spearman matrix (another implementation: a few ulps apart)
    np.testing.assert_allclose(result, spearmanr(scores).statistic, rtol=0,
                               atol=1e-14)
    assert rankdata(scores[:, 0]).tolist() != list(range(1, 7))  # not pre-sorted


# ------------------------------------------------ 2. callback order (skorch)
@pytest.mark.parametrize("name", ["TrainingDynamics", "InputGradientVariance"])
def test_an_early_stop_listed_first_does_not_drop_the_last_epoch(name):
    torch = pytest.importorskip("torch")
    skorch = pytest.importorskip("skorch")
    from skorch.callbacks import EarlyStopping

    Xf, yi = X.astype(np.float32), y.astype(np.int64)

    def fit(stop_first):
        recorder = getattr(difficulty, name)()
        # never "improves" by 10: stops at the end of epoch 2 (patience 1)
        stop = EarlyStopping(monitor="train_loss", patience=1, threshold=10.0,
                             threshold_mode="abs", sink=lambda *a: None)
        callbacks = [("stop", stop), ("rec", recorder)]
        torch.manual_seed(0)
        skorch.NeuralNetClassifier(
            torch.nn.Linear(4, 2), criterion=torch.nn.CrossEntropyLoss,
            max_epochs=5, train_split=None, verbose=0,
            callbacks=callbacks if stop_first else callbacks[::-1]).fit(Xf, yi)
        return recorder

    after = fit(stop_first=False)
    with pytest.warns(UserWarning, match="recorded at the end of training instead"):
        before = fit(stop_first=True)
    assert before.epochs_ == after.epochs_ == [1, 2]
    if name == "TrainingDynamics":  # same module state, same computation
        np.testing.assert_array_equal(before.dynamics_, after.dynamics_)
    else:
        np.testing.assert_array_equal(before.vog_, after.vog_)
