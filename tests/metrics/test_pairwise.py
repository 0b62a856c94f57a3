"""pairwise_error_correlation and correlation_from_errors against scipy,
scikit-learn, the phik package and per-pair loops worked from the definitions."""

import itertools
import warnings

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from sklearn.metrics import cohen_kappa_score, matthews_corrcoef
from sklearn.utils._param_validation import InvalidParameterError

from skcorr.datasets import CORR_ML_DATASETS, load_corr_ml_errors
from skcorr.exceptions import UndefinedCorrelationWarning
from skcorr.metrics import (
    METHODS,
    correlation_from_errors,
    pairwise_error_correlation,
)


def _correlated_labels(n_samples=400, n_models=5, n_classes=3, seed=0):
    """Labels of models that share a fraction of their mistakes."""
    rng = np.random.RandomState(seed)
    y = rng.randint(n_classes, size=n_samples)
    shared_hard = rng.rand(n_samples) < 0.25
    Y_pred = np.tile(y[:, None], (1, n_models))
    for j in range(n_models):
        wrong = (shared_hard & (rng.rand(n_samples) < 0.3 + 0.1 * j)) | (
            rng.rand(n_samples) < 0.1
        )
        Y_pred[wrong, j] = (y[wrong] + 1 + rng.randint(n_classes - 1)) % n_classes
    return y, Y_pred


def _correlated_targets(n_samples=300, n_models=4, seed=0):
    rng = np.random.RandomState(seed)
    y = rng.normal(size=n_samples)
    shared = rng.normal(size=n_samples)
    noise = rng.normal(size=(n_samples, n_models))
    weights = np.linspace(0.2, 1.5, n_models)
    # round so that Spearman and Kendall meet tied values
    return y, np.round(y[:, None] - shared[:, None] * weights - noise, 1)


def _pair_counts(e1, e2):
    """Fractions (N11 both right, N00 both wrong, N10, N01) of two 0/1 columns."""
    n = len(e1)
    both_wrong = np.sum((e1 == 1) & (e2 == 1)) / n
    both_right = np.sum((e1 == 0) & (e2 == 0)) / n
    first_wrong = np.sum((e1 == 1) & (e2 == 0)) / n
    second_wrong = np.sum((e1 == 0) & (e2 == 1)) / n
    return both_right, both_wrong, first_wrong, second_wrong


def _loop_reference(errors, method):
    """The DESlib-style per-pair loop, from the definitions in Kuncheva & Whitaker."""
    n_models = errors.shape[1]
    out = np.ones((n_models, n_models))
    for i, j in itertools.product(range(n_models), repeat=2):
        n11, n00, n10, n01 = _pair_counts(errors[:, i], errors[:, j])
        if method == "yule_q":
            value = (n11 * n00 - n01 * n10) / (n11 * n00 + n01 * n10)
        elif method == "disagreement":
            value = n10 + n01
        else:
            value = n00
        out[i, j] = value if (i != j or method != "yule_q") else 1.0
    return out


@pytest.mark.parametrize("method", ["pearson", "spearman", "kendall"])
def test_continuous_methods_match_scipy_pair_by_pair(method):
    y, Y_pred = _correlated_targets()
    residuals = y[:, None] - Y_pred
    matrix = pairwise_error_correlation(y, Y_pred, method=method)
    oracle = {
        "pearson": lambda a, b: stats.pearsonr(a, b).statistic,
        "spearman": lambda a, b: stats.spearmanr(a, b).statistic,
        "kendall": lambda a, b: stats.kendalltau(a, b, variant="b").statistic,
    }[method]
    for i, j in itertools.combinations(range(Y_pred.shape[1]), 2):
        expected = oracle(residuals[:, i], residuals[:, j])
        assert matrix[i, j] == pytest.approx(expected, abs=1e-12)
        assert matrix[j, i] == pytest.approx(expected, abs=1e-12)
    np.testing.assert_array_equal(np.diag(matrix), 1.0)


@pytest.mark.parametrize("few_values", [0, 10**6])
def test_kendall_blocks_match_scipy_when_split(monkeypatch, few_values):
    """Force one pair per block, by sorting or by contingency tables: same
    answer as scipy."""
    from skcorr.metrics import _kendall

    y, Y_pred = _correlated_targets(n_samples=97, n_models=3)
    monkeypatch.setattr(_kendall, "PAIR_BLOCK_ENTRIES", 50)
    monkeypatch.setattr(_kendall, "FEW_VALUES", few_values)
    matrix = pairwise_error_correlation(y, Y_pred, method="kendall")
    residuals = y[:, None] - Y_pred
    for i, j in itertools.combinations(range(3), 2):
        expected = stats.kendalltau(residuals[:, i], residuals[:, j]).statistic
        assert matrix[i, j] == pytest.approx(expected, abs=1e-12)


@pytest.mark.parametrize("method", ["pearson", "spearman", "kendall", "phi"])
def test_correlations_of_indicators_equal_matthews_phi(method):
    y, Y_pred = _correlated_labels()
    errors = (Y_pred != y[:, None]).astype(int)
    matrix = pairwise_error_correlation(y, Y_pred, method=method)
    for i, j in itertools.combinations(range(Y_pred.shape[1]), 2):
        assert matrix[i, j] == pytest.approx(
            matthews_corrcoef(errors[:, i], errors[:, j]), abs=1e-12
        )


def test_kappa_is_cohens_kappa_of_correctness():
    y, Y_pred = _correlated_labels()
    correct = (Y_pred == y[:, None]).astype(int)
    matrix = pairwise_error_correlation(y, Y_pred, method="kappa")
    for i, j in itertools.combinations(range(Y_pred.shape[1]), 2):
        assert matrix[i, j] == pytest.approx(
            cohen_kappa_score(correct[:, i], correct[:, j]), abs=1e-12
        )


@pytest.mark.parametrize("method", ["yule_q", "disagreement", "double_fault"])
def test_count_measures_match_per_pair_loop(method):
    y, Y_pred = _correlated_labels()
    errors = (Y_pred != y[:, None]).astype(int)
    np.testing.assert_allclose(
        pairwise_error_correlation(y, Y_pred, method=method),
        _loop_reference(errors, method),
        atol=1e-12,
    )


def test_string_labels_are_compared_as_labels():
    y = np.array(["cat", "dog", "dog", "cat", "bird"])
    Y_pred = np.array(
        [
            ["cat", "dog"],
            ["cat", "cat"],
            ["dog", "dog"],
            ["cat", "bird"],
            ["bird", "cat"],
        ]
    )
    expected = matthews_corrcoef([0, 1, 0, 0, 0], [1, 1, 0, 1, 1])
    assert pairwise_error_correlation(y, Y_pred, method="phi")[0, 1] == pytest.approx(
        expected
    )


@pytest.mark.parametrize("name", CORR_ML_DATASETS[1:])
def test_phik_reproduces_the_phik_package_on_every_corr_ml_pair(name):
    phik = pytest.importorskip("phik")  # noqa: F841  (registers DataFrame.phik_matrix)
    errors = load_corr_ml_errors(name).errors
    varying = errors.std(axis=0) > 0  # the package drops constant columns
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UndefinedCorrelationWarning)
        ours = correlation_from_errors(errors, method="phik")
    reference = (
        pd.DataFrame(errors[:, varying])
        .phik_matrix(interval_cols=[], verbose=False)
        .to_numpy()
    )
    np.testing.assert_allclose(ours[np.ix_(varying, varying)], reference, atol=1e-3)
    assert np.isnan(ours[~varying]).all()


def test_phik_edge_cases_follow_the_package():
    pytest.importorskip("phik")
    from phik.phik import phik_from_hist2d

    rng = np.random.RandomState(3)
    for n_samples in (5, 12, 60):
        for _ in range(20):
            errors = (rng.rand(n_samples, 2) < rng.uniform(0.1, 0.9, 2)).astype(int)
            if np.ptp(errors, axis=0).min() == 0:
                continue
            table = np.histogram2d(errors[:, 0], errors[:, 1], bins=2)[0]
            expected = phik_from_hist2d(table)
            ours = correlation_from_errors(errors, method="phik")[0, 1]
            assert ours == pytest.approx(expected, abs=1e-3)


def test_paper_figures_california_pearson_and_cifar10_error_rates():
    models = ["linear_regression", "random_forest", "xgboost", "gam", "NN1", "NN2"]
    errors = load_corr_ml_errors("california", models=models).errors
    matrix = correlation_from_errors(errors, method="pearson")
    off_diagonal = matrix[np.triu_indices(len(models), k=1)]
    assert off_diagonal.mean() == pytest.approx(0.720, abs=5e-4)

    seven = [
        "logistic_regression",
        "random_forest",
        "xgb",
        "NN1",
        "NN2",
        "CNN1",
        "CNN2",
    ]
    cifar = load_corr_ml_errors("cifar10", models=seven).errors
    np.testing.assert_allclose(
        cifar.mean(axis=0), [0.706, 0.604, 0.590, 0.668, 0.656, 0.570, 0.580]
    )
    phik_matrix = correlation_from_errors(cifar, method="phik")
    assert phik_matrix.shape == (7, 7)
    assert np.all((phik_matrix >= 0) & (phik_matrix <= 1))


def test_dataframe_columns_label_the_result():
    y, Y_pred = _correlated_labels(n_models=3)
    frame = pd.DataFrame(Y_pred, columns=["lr", "rf", "knn"])
    result = pairwise_error_correlation(pd.Series(y), frame, method="phi")
    assert list(result.index) == ["lr", "rf", "knn"]
    assert list(result.columns) == ["lr", "rf", "knn"]
    np.testing.assert_allclose(
        result.to_numpy(), pairwise_error_correlation(y, Y_pred, method="phi")
    )


@pytest.mark.parametrize(
    "method", ["pearson", "phi", "kappa", "yule_q", "double_fault"]
)
def test_integer_sample_weight_equals_repeating_rows(method):
    y, Y_pred = _correlated_labels(n_samples=150)
    weights = np.random.RandomState(1).randint(0, 4, size=len(y))
    repeated = np.repeat(np.arange(len(y)), weights)
    np.testing.assert_allclose(
        pairwise_error_correlation(y, Y_pred, method=method, sample_weight=weights),
        pairwise_error_correlation(y[repeated], Y_pred[repeated], method=method),
        atol=1e-12,
    )


@pytest.mark.parametrize("method", ["spearman", "kendall", "phik"])
def test_methods_without_weights_refuse_sample_weight(method):
    y, Y_pred = _correlated_labels()
    with pytest.raises(ValueError, match="does not support sample_weight"):
        pairwise_error_correlation(
            y, Y_pred, method=method, sample_weight=np.ones(len(y))
        )


@pytest.mark.parametrize("method", METHODS)
def test_every_method_is_symmetric(method):
    y, Y_pred = _correlated_labels()
    matrix = pairwise_error_correlation(y, Y_pred, method=method)
    np.testing.assert_allclose(matrix, matrix.T, atol=1e-12)


@pytest.mark.parametrize("method", ["pearson", "phik", "kappa", "yule_q"])
def test_always_right_model_gives_nan_and_a_warning_naming_it(method):
    y, Y_pred = _correlated_labels(n_models=3)
    Y_pred[:, 1] = y
    frame = pd.DataFrame(Y_pred, columns=["a", "perfect", "c"])
    with pytest.warns(UndefinedCorrelationWarning, match="'perfect'"):
        matrix = pairwise_error_correlation(y, frame, method=method)
    assert matrix["perfect"].isna().all() and matrix.loc["perfect"].isna().all()
    assert not np.isnan(matrix.loc["a", "c"])


def test_rates_stay_defined_for_an_always_wrong_model():
    y, Y_pred = _correlated_labels(n_models=2, n_classes=2)
    Y_pred[:, 1] = 1 - y
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        double_fault = pairwise_error_correlation(y, Y_pred, method="double_fault")
    assert double_fault[0, 1] == pytest.approx(np.mean(Y_pred[:, 0] != y))
    assert double_fault[1, 1] == 1.0


@pytest.mark.parametrize(
    "y, Y_pred, message",
    [
        ([0, 1, 1], [[0, 1], [1, 1]], "inconsistent numbers of samples"),
        ([0.5, 1.5, np.nan], [[0, 1], [1, 1], [1, 0]], "NaN or infinite"),
        ([0.5, 1.5, 2.5], [[0, 1], [1, np.inf], [1, 0]], "NaN or infinite"),
        ([0, 1, 1], [0, 1, 1], "two-dimensional"),
        ([0, 1, 1], [[0], [1], [1]], "at least 2 models"),
        ([0.5, 1.5, 2.5], [["a", "b"], ["a", "b"], ["a", "b"]], "numeric"),
        ([0, 1, 1], [["a", "b"], ["a", "b"], ["a", "b"]], "different types"),
        (np.zeros((3, 2)), [[0, 1], [1, 1], [1, 0]], "one-dimensional"),
        ([], np.empty((0, 2)), "empty"),
    ],
)
def test_bad_input_gets_a_clear_error(y, Y_pred, message):
    with pytest.raises(ValueError, match=message):
        pairwise_error_correlation(y, Y_pred)


def test_unknown_method_and_binary_method_on_residuals_are_refused():
    y, Y_pred = _correlated_targets()
    with pytest.raises(InvalidParameterError, match="method"):
        pairwise_error_correlation(y, Y_pred, method="pearsonr")
    with pytest.raises(ValueError, match="needs 0/1 error indicators"):
        pairwise_error_correlation(y, Y_pred, method="phik")


def test_task_is_inferred_from_targets_and_predictions():
    y = np.array([1.0, 2.0, 3.0, 4.0])
    regression = np.array([[1.5, 1.0], [2.1, 2.0], [2.5, 3.5], [4.2, 4.0]])
    classification = np.array([[1.0, 2.0], [2.0, 2.0], [3.0, 1.0], [1.0, 4.0]])
    assert pairwise_error_correlation(y, regression)[0, 1] == pytest.approx(
        np.corrcoef(y - regression[:, 0], y - regression[:, 1])[0, 1]
    )
    indicators = (classification != y[:, None]).astype(float)
    # four samples with four distinct integers: labels or counts? auto refuses
    with pytest.raises(ValueError, match="labels or counts"):
        pairwise_error_correlation(y, classification)
    assert pairwise_error_correlation(y, classification, task="classification")[
        0, 1
    ] == pytest.approx(np.corrcoef(indicators[:, 0], indicators[:, 1])[0, 1])
    repeated = np.r_[y, y]  # each label seen twice: labels
    assert pairwise_error_correlation(repeated, np.r_[classification, classification])[
        0, 1
    ] == pytest.approx(np.corrcoef(indicators[:, 0], indicators[:, 1])[0, 1])


def test_pearson_keeps_precision_when_means_dwarf_the_spread():
    rng = np.random.RandomState(0)
    errors = rng.normal(size=(500, 3)) + [1e6, 0.0, -3e5]
    expected = np.corrcoef(errors, rowvar=False)
    np.testing.assert_allclose(correlation_from_errors(errors), expected, atol=1e-10)


def test_huge_finite_values_are_not_mistaken_for_infinities():
    from skcorr.utils.validation import check_errors

    # the sum overflows but every entry is finite: accepted
    huge = np.array([[1.5e308, 1.0], [1.5e308, 2.0], [0.0, 0.0]])
    np.testing.assert_array_equal(check_errors(huge)[0], huge)
    with pytest.raises(ValueError, match="1 NaN or infinite"):
        check_errors(np.array([[1e308, 1.0], [np.inf, 2.0], [1.0, 3.0]]))


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("bad", [np.nan, np.inf])
def test_nan_and_inf_errors_are_named_for_every_method(method, bad):
    # the 0/1 check stands in for the finite check: it must not hide them
    errors = np.array([[0.0, 1.0], [1.0, 0.0], [bad, 1.0], [1.0, 1.0]])
    with pytest.raises(ValueError, match="1 NaN or infinite value"):
        correlation_from_errors(errors, method=method)
