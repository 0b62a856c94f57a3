"""Systemic failure: how many models fail on each sample, against independent
failures (Bommasani et al. 2022; Toups et al. 2023)."""

import warnings
from numbers import Real

import numpy as np
from sklearn.utils import Bunch

from ..exceptions import UndefinedCorrelationWarning
from ..utils.fixes import Interval, validate_params
from ..utils.parameters import check_not_bool
from ..utils.validation import check_errors, check_same_index, check_weights
from ._errors import TASK_OPTIONS
from ._moments import column_means, is_binary, row_blocks
from ._risk import failure_indicators, poisson_binomial_tail


def poisson_binomial_pmf(probabilities):
    """``P(S = k)`` for ``k = 0..m``, ``S`` a sum of independent Bernoulli
    variables with the given ``probabilities`` (differences of
    :func:`~skcorr.metrics._risk.poisson_binomial_tail`)."""
    tail = poisson_binomial_tail(probabilities)
    return np.clip(tail - np.append(tail[1:], 0.0), 0.0, 1.0)


def _count_distribution(failures, weights):
    """Share of the samples (weighted) on which exactly ``k`` models fail."""
    n_samples, n_models = failures.shape
    counts = np.concatenate(
        [
            np.asarray(failures[rows]).sum(axis=1, dtype=np.int64)
            for rows in row_blocks(failures)
        ]
    )
    mass = np.bincount(counts, weights=weights, minlength=n_models + 1)
    return mass / n_samples if weights is None else mass


def _ratio(observed, expected):
    with np.errstate(divide="ignore", invalid="ignore"):
        return float(np.divide(observed, expected))


def systemic_from_failures(failures, weights=None, model_names=None):
    """:func:`systemic_failure` of a validated 0/1 failure matrix (weights
    summing to one, or None)."""
    n_models = failures.shape[1]
    rates = column_means(failures, weights)
    observed = _count_distribution(failures, weights)
    independent = poisson_binomial_pmf(rates)
    k = np.arange(n_models + 1)
    mean = float(rates.sum())
    observed_variance = float(observed @ (k - mean) ** 2)
    independent_variance = float(rates @ (1 - rates))
    result = Bunch(
        n_failing=k,
        observed=observed,
        independent=independent,
        systemic_failure_rate=float(observed[-1]),
        expected_systemic_failure_rate=float(independent[-1]),
        consistent_success_rate=float(observed[0]),
        expected_consistent_success_rate=float(independent[0]),
        homogenization=_ratio(observed[-1], independent[-1]),
        dispersion=_ratio(observed_variance, independent_variance),
        error_rates=rates,
        model_names=model_names,
    )
    if np.isnan(result.homogenization):
        warnings.warn(
            "The homogenization ratio is undefined (0/0): some model never fails, "
            "so no sample can fail for all of them, nor could it if they were "
            "independent; set to NaN.",
            UndefinedCorrelationWarning,
            stacklevel=4,
        )
    return result


def _check_enough_samples(failures, function_name):
    if failures.shape[0] < 2:
        raise ValueError(
            f"{function_name} needs at least 2 samples; got {failures.shape[0]}. "
            "On one sample each error rate is 0 or 1, so the independence "
            "baseline equals what is observed: compare on more samples."
        )


@validate_params(
    {
        "y_true": ["array-like"],
        "Y_pred": ["array-like"],
        "task": [TASK_OPTIONS],
        "tolerance": [Interval(Real, 0, None, closed="left"), None],
        "sample_weight": ["array-like", None],
    },
    prefer_skip_nested_validation=True,
)
def systemic_failure(
    y_true, Y_pred, *, task="auto", tolerance=None, sample_weight=None
):
    """Distribution of the number of models failing on each sample, against
    independent failures.

    When many decision makers use models that fail on the same people, some
    people are failed by all of them: a systemic failure (Bommasani et al.
    2022). This counts, for each sample, how many of the ``m`` models fail, and
    compares the distribution of that count with the Poisson-binomial
    distribution it would have if the models failed independently with the same
    error rates. Deployed systems show too many samples failed by all and too
    many failed by none (homogeneous outcomes, Toups et al. 2023).
    :func:`aggregated_risk` gives the tail ``P(at least k fail)`` of the same
    two distributions.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        True targets or labels.
    Y_pred : array-like or DataFrame of shape (n_samples, n_models)
        Predictions of each model, one column per model.
    task : {"auto", "classification", "regression"}, default="auto"
        See :func:`pairwise_error_correlation`.
    tolerance : float, default=None
        Regression only (and required there): a regressor fails on a sample
        where ``|y - y_hat| > tolerance``.
    sample_weight : array-like of shape (n_samples,), default=None
        Weights of the samples.

    Returns
    -------
    systemic : Bunch
        - ``n_failing``: ndarray ``0..n_models``;
        - ``observed``: share of the samples on which exactly ``k`` models
          fail;
        - ``independent``: the same share if the models failed independently
          with their own error rates (the Poisson-binomial distribution);
        - ``systemic_failure_rate`` and ``expected_systemic_failure_rate``:
          the share on which every model fails, observed and if independent
          (the last entries of the two distributions);
        - ``consistent_success_rate`` and ``expected_consistent_success_rate``:
          the same for no model failing;
        - ``homogenization``: ``systemic_failure_rate /
          expected_systemic_failure_rate``, the outcome homogenization of
          Bommasani et al. (1 for independent models; inf where only the
          expected rate is 0; NaN, with a warning, where some model never
          fails);
        - ``dispersion``: the variance of the number of failing models over
          its variance if independent, ``1 + (m - 1) r`` for ``m`` models of
          equal error rate and pairwise correlation ``r`` of their failures:
          above 1 when outcomes pile up at both ends (homogeneous outcomes,
          Toups et al.), NaN when no model's error rate is strictly between
          0 and 1;
        - ``error_rates``: each model's failure rate;
        - ``model_names``: the column names or None.

    Raises
    ------
    ValueError
        With fewer than 2 samples, and for the bad input of
        :func:`pairwise_error_correlation`.

    Warns
    -----
    UndefinedCorrelationWarning
        When the homogenization ratio is 0/0.

    References
    ----------
    Bommasani, Creel, Kumar, Jurafsky, Liang (2022), "Picking on the Same
    Person: Does Algorithmic Monoculture lead to Outcome Homogenization?",
    NeurIPS 2022, arXiv:2211.13972.

    Toups, Bommasani, Creel, Bana, Jurafsky, Liang (2023), "Ecosystem-level
    Analysis of Deployed Machine Learning Reveals Homogeneous Outcomes",
    NeurIPS 2023, arXiv:2307.05862.

    Examples
    --------
    >>> from skcorr.metrics import systemic_failure
    >>> y = [0, 0, 0, 0]
    >>> Y_pred = [[1, 1], [0, 0], [0, 0], [0, 0]]
    >>> result = systemic_failure(y, Y_pred)
    >>> result.observed, result.independent
    (array([0.75, 0.  , 0.25]), array([0.5625, 0.375 , 0.0625]))
    >>> result.homogenization
    4.0
    """
    check_not_bool("systemic_failure", tolerance=tolerance)
    check_same_index(y_true=y_true, Y_pred=Y_pred, sample_weight=sample_weight)
    failures, model_names = failure_indicators(
        y_true, Y_pred, task=task, tolerance=tolerance
    )
    _check_enough_samples(failures, "systemic_failure")
    weights = check_weights(sample_weight, failures.shape[0])
    return systemic_from_failures(failures, weights, model_names)


@validate_params(
    {"failures": ["array-like"], "sample_weight": ["array-like", None]},
    prefer_skip_nested_validation=True,
)
def systemic_failure_from_failures(failures, *, sample_weight=None):
    """:func:`systemic_failure` of a matrix of 0/1 failures (1 = the model
    failed), such as the error indicators of
    :func:`skcorr.datasets.load_corr_ml_errors`.

    Parameters
    ----------
    failures : array-like or DataFrame of shape (n_samples, n_models)
        0/1 failure indicators, one column per model.
    sample_weight : array-like of shape (n_samples,), default=None
        Weights of the samples.

    Returns
    -------
    systemic : Bunch
        As :func:`systemic_failure`.

    Raises
    ------
    ValueError
        For failures that are not 0/1, fewer than 2 samples, duplicated column
        names, or a ``sample_weight`` Series whose index differs from that of
        ``failures``.

    Warns
    -----
    UndefinedCorrelationWarning
        When the homogenization ratio is 0/0.

    References
    ----------
    Bommasani et al. (2022), arXiv:2211.13972; Toups et al. (2023),
    arXiv:2307.05862.

    Examples
    --------
    >>> from skcorr.metrics import systemic_failure_from_failures
    >>> result = systemic_failure_from_failures([[1, 1], [0, 1], [0, 0], [0, 0]])
    >>> result.observed, result.independent
    (array([0.5 , 0.25, 0.25]), array([0.375, 0.5  , 0.125]))
    >>> result.homogenization, round(result.dispersion, 3)
    (2.0, 1.571)
    """
    check_same_index(failures=failures, sample_weight=sample_weight)
    matrix, model_names = check_errors(failures)
    if not is_binary(matrix):
        raise ValueError("failures must hold only 0 (right) and 1 (failed).")
    _check_enough_samples(matrix, "systemic_failure_from_failures")
    weights = check_weights(sample_weight, matrix.shape[0])
    return systemic_from_failures(matrix, weights, model_names)
