"""correlation_score: an aggregate of the pairs of pairwise_error_correlation."""

import numpy as np
import pytest

from skcorr.exceptions import UndefinedCorrelationWarning
from skcorr.metrics import correlation_score, pairwise_error_correlation


def _predictions(seed=0):
    rng = np.random.RandomState(seed)
    y = rng.normal(size=200)
    shared = rng.normal(size=200)
    Y_pred = (
        y[:, None] - shared[:, None] * [0.3, 1.0, 2.0, 0.1] - rng.normal(size=(200, 4))
    )
    return y, Y_pred


@pytest.mark.parametrize(
    "aggregate, reduce",
    [("mean", np.mean), ("median", np.median), ("max", np.max), ("min", np.min)],
)
def test_aggregates_the_six_pairs_of_four_models(aggregate, reduce):
    y, Y_pred = _predictions()
    residuals = y[:, None] - Y_pred
    pairs = [
        np.corrcoef(residuals[:, i], residuals[:, j])[0, 1]
        for i in range(4)
        for j in range(i + 1, 4)
    ]
    assert correlation_score(y, Y_pred, aggregate=aggregate) == pytest.approx(
        reduce(pairs)
    )


def test_callable_aggregate_receives_each_pair_once():
    y, Y_pred = _predictions()
    seen = correlation_score(y, Y_pred, aggregate=lambda pairs: float(len(pairs)))
    assert seen == 6.0


def test_undefined_pairs_are_left_out_with_a_warning():
    rng = np.random.RandomState(0)
    y = rng.randint(2, size=100)
    Y_pred = np.column_stack([y, np.where(rng.rand(100) < 0.3, 1 - y, y), 1 - y])
    Y_pred[:10, 2] = y[:10]
    with pytest.warns(UndefinedCorrelationWarning, match="model 0"):
        score = correlation_score(y, Y_pred, method="phi")
    with pytest.warns(UndefinedCorrelationWarning):
        matrix = pairwise_error_correlation(y, Y_pred, method="phi")
    assert score == pytest.approx(matrix[1, 2])


def test_no_defined_pair_gives_nan():
    y = np.array([0, 1, 0, 1])
    with (
        pytest.warns(UndefinedCorrelationWarning, match="always right"),
        pytest.warns(UndefinedCorrelationWarning, match="score is NaN"),
    ):
        assert np.isnan(correlation_score(y, np.column_stack([y, y]), method="phi"))
