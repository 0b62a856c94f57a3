"""The ambiguity and bias-variance-diversity decompositions hold exactly.

Tolerances: every term is a mean of a few hundred non-negative float64 numbers
of order 1 to 10; each is computed to a relative error of a few hundred eps
(4e-14), so the identities, which add three such terms, hold to 1e-12
relative, whatever the order of summation (another BLAS or CPU). The oracles
below compute each term from its definition, by loops.
"""

import numpy as np
import pandas as pd
import pytest
from scipy.special import rel_entr

from skcorr.metrics import (
    ambiguity_decomposition,
    bias_variance_diversity_decomposition,
)

RTOL = 1e-12


def _regression(seed=0, n_samples=50, n_models=4, n_trials=3):
    rng = np.random.default_rng(seed)
    y = rng.normal(size=n_samples)
    trials = [
        y[:, None] + rng.normal(0.3, 1.0, size=(n_samples, n_models))
        for _ in range(n_trials)
    ]
    return y, trials


def _probabilities(seed=0, n_samples=30, n_models=3, n_trials=4, n_classes=3):
    rng = np.random.default_rng(seed)
    y = rng.integers(n_classes, size=n_samples)
    trials = [
        rng.dirichlet(np.ones(n_classes), size=(n_samples, n_models))
        for _ in range(n_trials)
    ]
    return y, trials


def test_ambiguity_decomposition_by_definition():
    y, (Y, *_) = _regression()
    result = ambiguity_decomposition(y, Y)
    fbar = Y.mean(axis=1)
    assert result.ensemble_error == pytest.approx(np.mean((y - fbar) ** 2), rel=RTOL)
    assert result.average_error == pytest.approx(
        np.mean([np.mean((y - Y[:, j]) ** 2) for j in range(4)]), rel=RTOL
    )
    assert result.ambiguity == pytest.approx(
        np.mean([np.mean((Y[:, j] - fbar) ** 2) for j in range(4)]), rel=RTOL
    )
    assert result.ensemble_error == pytest.approx(
        result.average_error - result.ambiguity, rel=RTOL
    )


def test_ambiguity_with_model_and_sample_weights():
    y, (Y, *_) = _regression(seed=1)
    w = np.array([1.0, 2.0, 3.0, 4.0])
    sample_weight = np.arange(50) % 3
    result = ambiguity_decomposition(
        y, pd.DataFrame(Y), model_weights=w, sample_weight=sample_weight
    )
    repeated = np.repeat(np.arange(50), sample_weight)
    fbar = Y[repeated] @ (w / w.sum())
    assert result.ensemble_error == pytest.approx(
        np.mean((y[repeated] - fbar) ** 2), rel=RTOL
    )
    assert result.ensemble_error == pytest.approx(
        result.average_error - result.ambiguity, rel=RTOL
    )


def test_squared_bias_variance_diversity_by_definition():
    y, trials = _regression(seed=2)
    result = bias_variance_diversity_decomposition(y, trials)
    Q = np.stack(trials)  # (T, n, M)
    T, n, M = Q.shape
    risk = np.mean([(y - Q[t].mean(axis=1)) ** 2 for t in range(T)])
    centroid = Q.mean(axis=0)
    bias = [np.mean((y - centroid[:, i]) ** 2) for i in range(M)]
    variance = [np.mean((Q[:, :, i] - centroid[:, i]) ** 2) for i in range(M)]
    diversity = np.mean(
        [(Q[t] - Q[t].mean(axis=1, keepdims=True)) ** 2 for t in range(T)]
    )
    assert result.expected_risk == pytest.approx(risk, rel=RTOL)
    np.testing.assert_allclose(result.member_bias, bias, rtol=RTOL)
    np.testing.assert_allclose(result.member_variance, variance, rtol=RTOL)
    assert result.diversity == pytest.approx(diversity, rel=RTOL)
    assert result.n_trials == 3
    assert result.expected_risk == pytest.approx(
        result.average_bias + result.average_variance - result.diversity, rel=RTOL
    )


def test_one_trial_is_the_ambiguity_decomposition():
    y, (Y, *_) = _regression(seed=3)
    bvd = bias_variance_diversity_decomposition(y, Y)
    ambiguity = ambiguity_decomposition(y, Y)
    assert bvd.n_trials == 1 and bvd.average_variance == 0
    assert bvd.expected_risk == pytest.approx(ambiguity.ensemble_error, rel=RTOL)
    assert bvd.average_bias == pytest.approx(ambiguity.average_error, rel=RTOL)
    assert bvd.diversity == pytest.approx(ambiguity.ambiguity, rel=RTOL)


def _geometric_mean(P, axis):
    g = np.exp(np.log(P).mean(axis=axis))
    return g / g.sum(axis=-1, keepdims=True)


def test_cross_entropy_bias_variance_diversity_by_definition():
    y, trials = _probabilities()
    result = bias_variance_diversity_decomposition(y, trials, loss="cross_entropy")
    P = np.stack(trials)  # (T, n, M, K)
    T, n, M, K = P.shape
    rows = np.arange(n)
    ensemble = _geometric_mean(P, axis=2)  # (T, n, K)
    risk = np.mean([-np.log(ensemble[t, rows, y]) for t in range(T)])
    centroid = _geometric_mean(P, axis=0)  # (n, M, K)
    bias = [np.mean(-np.log(centroid[rows, i, y])) for i in range(M)]
    variance = [
        np.mean([rel_entr(centroid[:, i], P[t, :, i]).sum(axis=1) for t in range(T)])
        for i in range(M)
    ]
    diversity = np.mean(
        [
            [rel_entr(ensemble[t], P[t, :, i]).sum(axis=1) for i in range(M)]
            for t in range(T)
        ]
    )
    assert result.expected_risk == pytest.approx(risk, rel=RTOL)
    np.testing.assert_allclose(result.member_bias, bias, rtol=RTOL)
    np.testing.assert_allclose(result.member_variance, variance, rtol=RTOL)
    assert result.diversity == pytest.approx(diversity, rel=RTOL)
    assert result.expected_risk == pytest.approx(
        result.average_bias + result.average_variance - result.diversity, rel=RTOL
    )


def test_cross_entropy_with_labels_weights_and_zero_wrong_class():
    y, trials = _probabilities(seed=1)
    trials[0][:, 0] = np.eye(3)[y] * 0.85 + 0.05
    names = np.array(["a", "b", "c"])
    weights = np.arange(30) % 3
    result = bias_variance_diversity_decomposition(
        names[y], trials, loss="cross_entropy", labels=names, sample_weight=weights
    )
    repeated = np.repeat(np.arange(30), weights)
    plain = bias_variance_diversity_decomposition(
        y[repeated], [t[repeated] for t in trials], loss="cross_entropy"
    )
    for key in ("expected_risk", "average_bias", "average_variance", "diversity"):
        assert result[key] == pytest.approx(plain[key], rel=RTOL)
    # A zero on a wrong class is finite: the identity still holds.
    trials[1][:, 1] = 0.5 * (np.eye(3)[y] + np.eye(3)[(y + 2) % 3])
    zero = bias_variance_diversity_decomposition(y, trials, loss="cross_entropy")
    assert np.isfinite(zero.diversity)
    assert zero.expected_risk == pytest.approx(
        zero.average_bias + zero.average_variance - zero.diversity, rel=RTOL
    )


def test_bad_input():
    y, trials = _probabilities()
    trials[0][3, 1] = np.eye(3)[(y[3] + 1) % 3]
    with pytest.raises(ValueError, match="probability 0 to the true class"):
        bias_variance_diversity_decomposition(y, trials, loss="cross_entropy")
    with pytest.raises(ValueError, match="3 dimensions"):
        bias_variance_diversity_decomposition(
            y, trials[1][:, :, 0], loss="cross_entropy"
        )
    with pytest.raises(ValueError, match="different shapes"):
        bias_variance_diversity_decomposition(y, [np.ones((30, 2)), np.ones((30, 3))])
    with pytest.raises(ValueError, match="labels applies"):
        bias_variance_diversity_decomposition(y, np.ones((30, 2)), labels=[0, 1])
    with pytest.raises(ValueError, match="finite"):
        bias_variance_diversity_decomposition([0.0, np.nan], [[1.0], [2.0]])
    with pytest.raises(ValueError, match="model_weights sums to zero"):
        ambiguity_decomposition(
            [0.0, 1.0], [[1.0, 2.0], [2.0, 3.0]], model_weights=[0, 0]
        )
