"""Tests of fitting one member."""

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.datasets import make_regression
from sklearn.linear_model import Ridge
from sklearn.tree import DecisionTreeRegressor

from skcorr.ensemble import MemberFitError
from skcorr.ensemble._fitting import fit_member, member_failure

X, y = make_regression(n_samples=40, n_features=5, random_state=0)


def test_fit_member_equals_manual_fit_on_its_rows_and_columns():
    rows, features = np.array([0, 0, 3, 5, 7, 9, 20]), np.array([1, 3])
    weights = np.arange(1.0, 41.0)
    tree = DecisionTreeRegressor(max_features=1)
    fitted, seconds = fit_member(
        tree, 4, X, y, rows, features, {"sample_weight": weights}
    )
    manual = clone(tree).set_params(random_state=4).fit(
        X[rows][:, features], y[rows], sample_weight=weights[rows]
    )
    np.testing.assert_array_equal(
        fitted.predict(X[:, features]), manual.predict(X[:, features])
    )
    assert seconds >= 0
    assert tree.random_state is None  # the template is left untouched


def test_failure_keeps_the_type_and_names_the_member():
    with pytest.raises(ValueError, match=r"Member 'ridge/seed=3' \(seed=3\).*alpha"):
        fit_member(Ridge(alpha=-1.0), 3, X, y, member_name="ridge/seed=3")


def test_failure_of_an_exotic_exception_becomes_member_fit_error():
    class Odd(Exception):
        def __init__(self, code, detail):
            super().__init__(code, detail)

    failure = member_failure(Odd(1, "x"), "seed=1", 1)
    assert isinstance(failure, MemberFitError)
    assert "Member 'seed=1' (seed=1) failed to fit: Odd" in str(failure)
