"""error_indicators and residuals."""

import numpy as np
import pandas as pd
import pytest

from skcorr.metrics import error_indicators, residuals


def test_indicators_mark_wrong_predictions():
    y = np.array([2, 0, 1])
    Y_pred = np.array([[2, 1], [1, 0], [1, 1]])
    np.testing.assert_array_equal(error_indicators(y, Y_pred), [[0, 1], [1, 0], [0, 0]])


def test_residuals_are_truth_minus_prediction():
    y = np.array([1.0, -2.0])
    Y_pred = np.array([[0.5, 3.0], [-1.0, -2.0]])
    np.testing.assert_allclose(residuals(y, Y_pred), y[:, None] - Y_pred)


def test_dataframes_keep_names_and_index():
    frame = pd.DataFrame({"lr": [0, 1, 1], "rf": [1, 1, 0]}, index=["a", "b", "c"])
    out = error_indicators(pd.Series([0, 1, 0], index=frame.index), frame)
    assert list(out.columns) == ["lr", "rf"] and list(out.index) == ["a", "b", "c"]
    assert out.loc["c", "lr"] == 1 and out.loc["a", "rf"] == 1


def test_residuals_refuse_labels():
    with pytest.raises(ValueError, match="numeric"):
        residuals(["a", "b"], [["a"], ["b"]])
