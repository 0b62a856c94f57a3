"""The Gram-based metrics on dask arrays: the numbers of the same data in numpy,
computed block by block on the scheduler in use (local threads, or a
distributed client), without ever holding more than one block of the data."""

import warnings

import numpy as np
import pytest

from skcorr.exceptions import UndefinedCorrelationWarning
from skcorr.metrics import (
    aggregated_risk,
    aggregated_risk_from_failures,
    correlation_from_errors,
    correlation_score,
    joint_failure_rate,
    pairwise_error_correlation,
)

da = pytest.importorskip("dask.array")

GRAM_METHODS = [
    "pearson",
    "phi",
    "phik",
    "kappa",
    "yule_q",
    "disagreement",
    "double_fault",
]
RISK_FIELDS = ("observed", "independent", "ratio", "error_rates")


def _labels(n_samples=3000, n_models=5, seed=0):
    rng = np.random.RandomState(seed)
    y = rng.randint(3, size=n_samples)
    hard = rng.rand(n_samples) < 0.2
    wrong = (hard[:, None] & (rng.rand(n_samples, n_models) < 0.6)) | (
        rng.rand(n_samples, n_models) < 0.1
    )
    return y, np.where(wrong, (y[:, None] + 1) % 3, y[:, None])


def _chunked(array, rows=700):
    return da.from_array(array, chunks=(rows,) + array.shape[1:])


@pytest.fixture
def largest_task_result():
    """The largest result (in bytes) of any task that dask computes meanwhile:
    a gathered array would be the whole array."""
    from dask.callbacks import Callback

    sizes = [0]

    def record(key, result, dsk, state, worker_id):
        sizes[0] = max(sizes[0], getattr(result, "nbytes", 0))

    with Callback(posttask=record):
        yield sizes


@pytest.mark.parametrize("method", GRAM_METHODS)
def test_predictions_and_errors_give_the_numpy_matrix(method, largest_task_result):
    y, Y_pred = _labels()
    errors = (Y_pred != y[:, None]).astype(np.uint8)
    expected = pairwise_error_correlation(y, Y_pred, method=method)
    from_predictions = pairwise_error_correlation(
        _chunked(y), _chunked(Y_pred), method=method, task="classification"
    )
    from_errors = correlation_from_errors(_chunked(errors), method=method)
    # 0/1 sums are exact integers in both: the same floats, up to the order
    # in which numpy and dask add the (exact) block counts.
    np.testing.assert_allclose(from_predictions, expected, atol=1e-15)
    np.testing.assert_allclose(from_errors, expected, atol=1e-15)
    # no task ever held more than one block of predictions (700 x 5 int64)
    assert largest_task_result[0] <= 700 * 5 * 8


@pytest.mark.parametrize("method", ["pearson", "yule_q"])
def test_sample_weight_numpy_or_dask(method):
    y, Y_pred = _labels(n_samples=1200)
    weights = np.random.RandomState(1).randint(0, 4, size=1200).astype(float)
    expected = pairwise_error_correlation(
        y, Y_pred, method=method, sample_weight=weights
    )
    for given in (weights, _chunked(weights, 500)):
        result = pairwise_error_correlation(
            _chunked(y),
            _chunked(Y_pred),
            method=method,
            task="classification",
            sample_weight=given,
        )
        # weighted float64 sums in another order: n * eps of the total weight
        np.testing.assert_allclose(result, expected, atol=1e-12)


def test_residuals_with_large_means_are_centred_in_a_second_pass():
    rng = np.random.RandomState(2)
    errors = rng.normal(size=(2000, 3)) + [5e6, 0.0, -1e5]
    np.testing.assert_allclose(
        correlation_from_errors(_chunked(errors)),
        np.corrcoef(errors, rowvar=False),
        atol=1e-9,  # as the in-memory test of the same data
    )
    y = rng.normal(size=2000)
    Y_pred = y[:, None] - errors
    np.testing.assert_allclose(
        pairwise_error_correlation(_chunked(y), _chunked(Y_pred), task="regression"),
        pairwise_error_correlation(y, Y_pred),
        atol=1e-9,
    )


def test_constant_model_is_named_and_nan_as_in_numpy():
    y, Y_pred = _labels(n_models=3)
    Y_pred[:, 1] = y
    with pytest.warns(UndefinedCorrelationWarning, match="model 1"):
        matrix = pairwise_error_correlation(
            _chunked(y), _chunked(Y_pred), method="phik", task="classification"
        )
    assert np.isnan(matrix[1]).all() and not np.isnan(matrix[0, 2])


def test_aggregated_risk_and_joint_failure_rate_give_the_numpy_numbers():
    y, Y_pred = _labels()
    errors = (Y_pred != y[:, None]).astype(np.uint8)
    expected = aggregated_risk(y, Y_pred)
    for risk in (
        aggregated_risk(_chunked(y), _chunked(Y_pred), task="classification"),
        aggregated_risk_from_failures(_chunked(errors)),
    ):
        for field in RISK_FIELDS:
            np.testing.assert_allclose(risk[field], expected[field], atol=1e-15)
    assert joint_failure_rate(
        _chunked(y), _chunked(Y_pred), k=3, task="classification"
    ) == joint_failure_rate(y, Y_pred, k=3)
    residual_y = np.round(np.linspace(0, 100, 900))  # integer targets
    predictions = residual_y[:, None] + np.random.RandomState(3).normal(size=(900, 4))
    regression = aggregated_risk(
        _chunked(residual_y),
        _chunked(predictions),
        task="regression",
        tolerance=1.0,
    )
    for field in RISK_FIELDS:
        np.testing.assert_allclose(
            regression[field],
            aggregated_risk(residual_y, predictions, tolerance=1.0)[field],
            atol=1e-15,
        )


def test_correlation_score_and_string_labels():
    labels = np.array(["cat", "dog", "bird"])
    y, Y_pred = _labels(n_samples=900)
    y, Y_pred = labels[y], labels[Y_pred]
    # string labels are labels: task="auto" needs no pass over them
    assert correlation_score(
        _chunked(y), _chunked(Y_pred), method="phi"
    ) == pytest.approx(correlation_score(y, Y_pred, method="phi"), abs=1e-15)


@pytest.mark.parametrize(
    "call, message",
    [
        (
            lambda y, Y, E, R: pairwise_error_correlation(y, Y, method="phi"),
            "pass task='classification' or task='regression'",
        ),
        (
            lambda y, Y, E, R: correlation_from_errors(E, method="spearman"),
            "needs every column in memory",
        ),
        (
            lambda y, Y, E, R: correlation_from_errors(R, method="phik"),
            "needs 0/1 error indicators",
        ),
        (
            lambda y, Y, E, R: correlation_from_errors(da.where(R > 2, np.nan, R)),
            "NaN or infinite",
        ),
        (
            lambda y, Y, E, R: aggregated_risk_from_failures(E + 1),
            "only 0 \\(right\\) and 1",
        ),
        (
            lambda y, Y, E, R: pairwise_error_correlation(
                y[:-1], Y, task="classification"
            ),
            "inconsistent numbers of samples",
        ),
        (
            lambda y, Y, E, R: pairwise_error_correlation(
                y, Y + 0.5, task="classification"
            ),
            "non-integer value",
        ),
        (
            lambda y, Y, E, R: correlation_from_errors(
                E, method="phik", sample_weight=np.ones(E.shape[0])
            ),
            "does not support sample_weight",
        ),
    ],
)
def test_bad_input_gets_the_numpy_error(call, message):
    y, Y_pred = _labels(n_samples=800)
    errors = (Y_pred != y[:, None]).astype(np.uint8)
    residuals = np.random.RandomState(0).normal(size=(800, 3))
    with pytest.raises(ValueError, match=message):
        call(_chunked(y), _chunked(Y_pred), _chunked(errors), _chunked(residuals))


def test_on_a_distributed_client_the_numbers_are_the_local_ones():
    distributed = pytest.importorskip("distributed")
    y, Y_pred = _labels(n_samples=1500)
    local = pairwise_error_correlation(
        _chunked(y), _chunked(Y_pred), method="phik", task="classification"
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        with distributed.Client(
            processes=False,
            n_workers=1,
            threads_per_worker=2,
            dashboard_address=None,
        ):
            on_client = pairwise_error_correlation(
                _chunked(y), _chunked(Y_pred), method="phik", task="classification"
            )
            risk = aggregated_risk(_chunked(y), _chunked(Y_pred), task="classification")
    np.testing.assert_array_equal(on_client, local)  # the same blocks, reduced alike
    np.testing.assert_allclose(
        risk.observed, aggregated_risk(y, Y_pred).observed, atol=1e-15
    )
