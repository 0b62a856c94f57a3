"""Agreement on errors (Kim et al. 2025) and CAPA (Goel et al. 2025)."""

import numpy as np
import pandas as pd
import pytest

from skcorr.exceptions import UndefinedCorrelationWarning
from skcorr.metrics import pairwise_capa, pairwise_error_agreement

# Float64 sums of at most a few hundred products of numbers in [0, 1]: the
# rounding of two ways of summing them stays below 1e-13 relative.
RTOL = 1e-12


def _proba(seed=0, n_samples=40, n_models=3, n_classes=4):
    rng = np.random.default_rng(seed)
    proba = rng.dirichlet(np.ones(n_classes) * 0.7, size=(n_samples, n_models))
    y = rng.integers(n_classes, size=n_samples)
    return y, proba


def _labels(seed=0, n_samples=60, n_models=3, n_classes=4):
    rng = np.random.default_rng(seed)
    y = rng.integers(n_classes, size=n_samples)
    wrong = rng.random((n_samples, n_models)) < 0.5
    shift = rng.integers(1, n_classes, size=(n_samples, n_models))
    return y, np.where(wrong, (y[:, None] + shift) % n_classes, y[:, None])


def _agreement_by_loops(y, Y):
    m = Y.shape[1]
    out = np.full((m, m), np.nan)
    for a in range(m):
        for b in range(m):
            both = (Y[:, a] != y) & (Y[:, b] != y)
            if both.any():
                out[a, b] = np.mean(Y[both, a] == Y[both, b])
    return out


def test_label_agreement_is_the_rate_of_equal_wrong_labels():
    y, Y = _labels()
    result = pairwise_error_agreement(y, Y)
    np.testing.assert_allclose(result.agreement, _agreement_by_loops(y, Y), rtol=RTOL)
    assert result.uniform_chance == pytest.approx(1 / 3)
    wrong = Y != y[:, None]
    np.testing.assert_allclose(result.both_wrong, wrong.T.astype(float) @ wrong / 60)


def test_class_chance_by_loops():
    y, Y = _labels(seed=1)
    result = pairwise_error_agreement(y, Y, labels=[0, 1, 2, 3])
    a, b = 0, 2
    numerator = denominator = 0.0
    for c in range(4):
        on_c = y == c
        qa = [np.mean(Y[on_c & (Y[:, a] != c), a] == k) for k in range(4)]
        qb = [np.mean(Y[on_c & (Y[:, b] != c), b] == k) for k in range(4)]
        joint = np.sum(on_c & (Y[:, a] != c) & (Y[:, b] != c))
        numerator += joint * np.dot(qa, qb)
        denominator += joint
    assert result.class_chance[a, b] == pytest.approx(numerator / denominator, rel=RTOL)


def test_probabilistic_agreement_by_loops_and_one_hot_equals_labels():
    y, proba = _proba()
    result = pairwise_error_agreement(y, proba)
    a, b = 0, 1
    same = sum(
        sum(proba[i, a, k] * proba[i, b, k] for k in range(4) if k != y[i])
        for i in range(40)
    )
    both = sum((1 - proba[i, a, y[i]]) * (1 - proba[i, b, y[i]]) for i in range(40))
    assert result.agreement[a, b] == pytest.approx(same / both, rel=RTOL)

    y, Y = _labels()
    one_hot = np.eye(4)[Y]
    from_proba = pairwise_error_agreement(y, one_hot)
    from_labels = pairwise_error_agreement(y, Y)
    for key in ("agreement", "class_chance", "both_wrong"):
        np.testing.assert_allclose(from_proba[key], from_labels[key], rtol=RTOL)


def test_agreement_with_string_labels_and_frames():
    y, Y = _labels()
    names = np.array(["cat", "dog", "fox", "owl"])
    frame = pd.DataFrame(names[Y], columns=["a", "b", "c"])
    result = pairwise_error_agreement(names[y], frame)
    assert list(result.agreement.columns) == ["a", "b", "c"]
    np.testing.assert_allclose(result.agreement.to_numpy(), _agreement_by_loops(y, Y))


def test_integer_weights_repeat_samples():
    y, Y = _labels()
    weights = np.arange(60) % 3
    repeated = np.repeat(np.arange(60), weights)
    weighted = pairwise_error_agreement(y, Y, sample_weight=weights)
    plain = pairwise_error_agreement(y[repeated], Y[repeated], labels=[0, 1, 2, 3])
    for key in ("agreement", "class_chance", "both_wrong"):
        np.testing.assert_allclose(weighted[key], plain[key], rtol=RTOL)
    np.testing.assert_allclose(
        pairwise_capa(y, Y, sample_weight=weights),
        pairwise_capa(y[repeated], Y[repeated], labels=[0, 1, 2, 3]),
        rtol=RTOL,
    )


def test_pair_never_wrong_together_is_nan_with_a_warning():
    y = np.array([0, 1, 2, 0])
    Y = np.array([[1, 0], [1, 2], [2, 0], [0, 0]])
    with pytest.warns(UndefinedCorrelationWarning, match="model 0, model 1"):
        result = pairwise_error_agreement(y, Y)
    assert np.isnan(result.agreement[0, 1]) and result.agreement[0, 0] == 1


def test_capa_equals_lm_sim_reference():
    metrics = pytest.importorskip(
        "lmsim.metrics", reason="lm-sim (the CAPA reference implementation) absent"
    )
    y, proba = _proba(seed=3, n_samples=50, n_models=3, n_classes=5)
    capa = pairwise_capa(y, proba)
    for a in range(3):
        for b in range(3):
            expected = metrics.CAPA().compute_k(list(proba[:, a]), list(proba[:, b]), y)
            assert capa[a, b] == pytest.approx(expected, rel=RTOL, abs=RTOL)
    y, Y = _labels(seed=2, n_classes=5)
    capa = pairwise_capa(y, Y, labels=np.arange(5))
    one_hot = np.eye(5)[Y]
    expected = metrics.CAPA(prob=False).compute_k(
        list(one_hot[:, 0]), list(one_hot[:, 1]), y
    )
    assert capa[0, 1] == pytest.approx(expected, rel=RTOL)


def test_capa_by_hand():
    # Model a always right and certain, model b right on half: c_obs = 1/2,
    # q_a = 1, q_b = 1/2, c_exp = 1/2 + 0 = 1/2, so CAPA(a, b) = 0.
    y = [0, 1, 0, 1]
    Y = [[0, 0], [1, 0], [0, 1], [1, 1]]
    with pytest.warns(UndefinedCorrelationWarning, match="model 0, model 0"):
        capa = pairwise_capa(y, Y)  # a with itself: c_exp = 1
    assert capa[0, 1] == pytest.approx(0.0, abs=1e-15)
    # b with itself: c_obs = 1, q = 1/2, c_exp = 1/4 + 1/4 = 1/2 -> 1.
    assert capa[1, 1] == pytest.approx(1.0)


def test_capa_undefined_for_two_certain_and_right_models():
    y = [0, 1, 1]
    with pytest.warns(UndefinedCorrelationWarning, match="chance agreement is 1"):
        capa = pairwise_capa(y, [[0, 0], [1, 1], [1, 1]])
    assert np.isnan(capa).all()


@pytest.mark.parametrize(
    "y, proba, labels, match",
    [
        ([0, 0, 1], np.full((3, 2, 3), 0.5), None, "do not sum to 1"),
        ([0, 0, 0], np.full((3, 2, 2), 0.5), None, "1 distinct labels but"),
        ([0, 0, 1], np.full((3, 2, 2), 0.5), [0, 1, 2], "names 3 classes"),
        ([0, 0, 1], np.full((3, 2, 2), 0.5), [5, 6], "not among labels"),
        ([0, 0, 1], np.full((3, 2, 2), 2.0), None, r"in \[0, 1\]"),
        ([0, 0, 1], np.full((3, 2), 0.5), None, "non-integer"),
    ],
)
def test_bad_probabilities_are_refused(y, proba, labels, match):
    with pytest.raises(ValueError, match=match):
        pairwise_capa(y, proba, labels=labels)


def test_capa_scorer_reads_the_members_of_a_pipeline():
    from sklearn.datasets import load_iris
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler
    from sklearn.tree import DecisionTreeClassifier

    from skcorr.ensemble import SeedEnsembleClassifier
    from skcorr.metrics import make_capa_scorer

    X, y = load_iris(return_X_y=True)
    ensemble = SeedEnsembleClassifier(
        DecisionTreeClassifier(max_depth=2, max_features=1),
        n_seeds=3,
        random_state=0,
    )
    pipe = make_pipeline(StandardScaler(), ensemble).fit(X[::2], y[::2])
    Xt = pipe[:-1].transform(X[1::2])
    proba = pipe[-1].predict_proba_all(Xt)
    expected = pairwise_capa(y[1::2], proba, labels=pipe[-1].classes_)
    upper = expected[np.triu_indices(3, 1)]
    assert make_capa_scorer()(pipe, X[1::2], y[1::2]) == pytest.approx(upper.mean())
    labels = pairwise_capa(y[1::2], pipe[-1].predict_all(Xt))
    assert make_capa_scorer(proba=False, aggregate="min", greater_is_better=False)(
        pipe, X[1::2], y[1::2]
    ) == pytest.approx(-labels[np.triu_indices(3, 1)].min())
