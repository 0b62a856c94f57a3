"""Properties of the error-correlation metrics on random inputs (hypothesis):
symmetry, range, invariance to the order of samples and models, and agreement
with numpy and scikit-learn."""

import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from sklearn.metrics import matthews_corrcoef

from skcorr.exceptions import UndefinedCorrelationWarning
from skcorr.metrics import (
    METHODS,
    aggregated_risk_from_failures,
    correlation_from_errors,
)

BINARY_RANGE = {"phik": (0, 1), "disagreement": (0, 1), "double_fault": (0, 1)}

indicator_matrices = st.integers(5, 40).flatmap(
    lambda n: st.integers(2, 5).flatmap(
        lambda m: arrays(np.int8, (n, m), elements=st.integers(0, 1))
    )
)
residual_matrices = st.integers(5, 40).flatmap(
    lambda n: st.integers(2, 5).flatmap(
        lambda m: arrays(
            np.float64,
            (n, m),
            elements=st.floats(-1e3, 1e3, allow_nan=False, allow_subnormal=False),
        )
    )
)


def _quiet(function, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UndefinedCorrelationWarning)
        return function(*args, **kwargs)


@settings(max_examples=40, deadline=None)
@given(
    errors=indicator_matrices, method=st.sampled_from(METHODS), seed=st.integers(0, 99)
)
def test_binary_methods_are_symmetric_bounded_and_order_free(errors, method, seed):
    matrix = _quiet(correlation_from_errors, errors, method=method)
    np.testing.assert_allclose(matrix, matrix.T, atol=1e-12, equal_nan=True)
    low, high = BINARY_RANGE.get(method, (-1, 1))
    defined = matrix[~np.isnan(matrix)]
    assert np.all((defined >= low - 1e-12) & (defined <= high + 1e-12))

    rng = np.random.RandomState(seed)
    rows, models = rng.permutation(len(errors)), rng.permutation(errors.shape[1])
    shuffled = _quiet(correlation_from_errors, errors[rows][:, models], method=method)
    np.testing.assert_allclose(
        shuffled, matrix[np.ix_(models, models)], atol=1e-12, equal_nan=True
    )


@settings(max_examples=40, deadline=None)
@given(errors=indicator_matrices)
def test_phi_agrees_with_matthews_on_random_indicators(errors):
    matrix = _quiet(correlation_from_errors, errors, method="phi")
    for i in range(errors.shape[1]):
        for j in range(i + 1, errors.shape[1]):
            if np.ptp(errors[:, i]) and np.ptp(errors[:, j]):
                assert matrix[i, j] == pytest.approx(
                    matthews_corrcoef(errors[:, i], errors[:, j]), abs=1e-9
                )
            else:
                assert np.isnan(matrix[i, j])


@settings(max_examples=40, deadline=None)
@given(errors=residual_matrices, method=st.sampled_from(["pearson", "spearman"]))
def test_continuous_methods_agree_with_numpy(errors, method):
    matrix = _quiet(correlation_from_errors, errors, method=method)
    if method == "spearman":
        from scipy.stats import rankdata

        errors = rankdata(errors, axis=0)
    varying = np.ptp(errors, axis=0) > 0
    if varying.sum() >= 2 and np.all(errors[:, varying].std(axis=0) > 1e-6):
        expected = np.corrcoef(errors[:, varying], rowvar=False)
        np.testing.assert_allclose(
            matrix[np.ix_(varying, varying)], expected, atol=1e-7
        )
    assert np.isnan(matrix[~varying]).all()


@settings(max_examples=40, deadline=None)
@given(failures=indicator_matrices)
def test_aggregated_risk_is_a_decreasing_tail(failures):
    risk = aggregated_risk_from_failures(failures)
    assert np.all(np.diff(risk.observed) <= 1e-12)
    assert np.all(np.diff(risk.independent) <= 1e-12)
    assert risk.observed[0] == pytest.approx(np.mean(failures.any(axis=1)))
    assert risk.observed[-1] == pytest.approx(np.mean(failures.all(axis=1)))
