"""Aggregated risk: how often several models fail on the same sample, against
what independent failures would give."""

import warnings
from numbers import Integral, Real

import numpy as np
from sklearn.utils import Bunch

from ..exceptions import UndefinedCorrelationWarning
from ..utils.fixes import Interval, validate_params
from ..utils.parameters import check_not_bool
from ..utils.validation import check_errors, check_same_index, check_weights
from ._dask import (
    any_dask,
    risk_parts_of_dask_failures,
    risk_parts_of_dask_predictions,
)
from ._errors import TASK_OPTIONS, compute_errors
from ._moments import column_means, is_binary, row_blocks


def failure_indicators(
    y_true, Y_pred, *, task="auto", tolerance=None, indicator_dtype=np.float64
):
    """0/1 failures per sample and model (in ``indicator_dtype``), with the
    model names.

    A classifier fails where its label is wrong; a regressor fails where its
    absolute residual exceeds ``tolerance``.
    """
    errors, model_names, task = compute_errors(
        y_true, Y_pred, task=task, indicator_dtype=indicator_dtype
    )
    if task == "regression":
        if tolerance is None:
            raise ValueError(
                "For regression a failure is |y - y_hat| > tolerance: pass tolerance."
            )
        failed = np.abs(errors) > tolerance
        if np.dtype(indicator_dtype).itemsize == 1:
            return failed.view(indicator_dtype), model_names
        return failed.astype(indicator_dtype), model_names
    if tolerance is not None:
        raise ValueError(
            "tolerance applies to regression only; these are classification labels."
        )
    return errors, model_names


def poisson_binomial_tail(probabilities):
    """``P(S >= k)`` for ``k = 0..m`` where ``S`` is a sum of independent
    Bernoulli variables with the given ``probabilities``.

    Examples
    --------
    >>> from skcorr.metrics._risk import poisson_binomial_tail
    >>> poisson_binomial_tail([0.5, 0.5])
    array([1.  , 0.75, 0.25])
    """
    pmf = np.ones(1)
    for p in np.asarray(probabilities, dtype=float):
        pmf = np.convolve(pmf, [1.0 - p, p])
    return np.clip(np.cumsum(pmf[::-1])[::-1], 0.0, 1.0)


def _observed_tail(failures, weights):
    """``P(at least k models fail)`` for ``k = 0..m`` over the samples."""
    n_samples, n_models = failures.shape
    mass = np.zeros(n_models + 1)
    for rows in row_blocks(failures):
        counts = np.asarray(failures[rows]).sum(axis=1, dtype=np.int64)
        block_weights = None if weights is None else weights[rows]
        mass += np.bincount(counts, weights=block_weights, minlength=n_models + 1)
    if weights is None:
        mass = mass / n_samples
    return _tail(mass)


def _tail(mass):
    """``P(at least k)`` from the mass ``P(exactly k)``."""
    return np.clip(np.cumsum(mass[::-1])[::-1], 0.0, 1.0)


_RISK_PARAMETERS = {
    "y_true": ["array-like"],
    "Y_pred": ["array-like"],
    "task": [TASK_OPTIONS],
    "tolerance": [Interval(Real, 0, None, closed="left"), None],
    "sample_weight": ["array-like", None],
}


@validate_params(
    {**_RISK_PARAMETERS, "k": [Interval(Integral, 1, None, closed="left")]},
    prefer_skip_nested_validation=True,
)
def joint_failure_rate(
    y_true, Y_pred, *, k=1, task="auto", tolerance=None, sample_weight=None
):
    """Fraction of samples on which at least ``k`` of the models fail together.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        True targets or labels.
    Y_pred : array-like, DataFrame or dask array of shape (n_samples, n_models)
        Predictions of each model, one column per model. A dask array (with
        ``y_true`` a dask or numpy array, and ``task`` given) is computed block
        by block and never gathered, for the methods built on Gram matrices
        (all but spearman and kendall); see :ref:`scaling-dask-metrics`.
    k : int, default=1
        How many models must fail on a sample; at most ``n_models``.
        ``k=n_models`` is the rate at which all fail at once.
    task : {"auto", "classification", "regression"}, default="auto"
        See :func:`pairwise_error_correlation`.
    tolerance : float, default=None
        Regression only (and required there): a regressor fails on a sample
        where ``|y - y_hat| > tolerance``.
    sample_weight : array-like of shape (n_samples,), default=None
        Weights of the samples.

    Returns
    -------
    rate : float

    Raises
    ------
    ValueError
        For ``k`` above the number of models, and for the bad input of
        :func:`pairwise_error_correlation` (including an ambiguous task).
    InvalidParameterError
        For ``k`` or ``tolerance`` given as a bool.

    Examples
    --------
    >>> from skcorr.metrics import joint_failure_rate
    >>> y = [0, 1, 1, 0]
    >>> Y_pred = [[1, 1, 0], [1, 0, 1], [0, 0, 0], [0, 0, 0]]
    >>> joint_failure_rate(y, Y_pred, k=2)
    0.5
    """
    check_not_bool("joint_failure_rate", k=k, tolerance=tolerance)
    if any_dask(y_true, Y_pred, sample_weight):
        _, mass, _ = risk_parts_of_dask_predictions(
            y_true, Y_pred, task, tolerance, sample_weight
        )
        if k > mass.shape[0] - 1:
            raise ValueError(
                f"k={k} is larger than the number of models ({mass.shape[0] - 1})."
            )
        return float(_tail(mass)[k])
    check_same_index(y_true=y_true, Y_pred=Y_pred, sample_weight=sample_weight)
    failures, _ = failure_indicators(
        y_true, Y_pred, task=task, tolerance=tolerance, indicator_dtype=np.uint8
    )
    n_models = failures.shape[1]
    if k > n_models:
        raise ValueError(f"k={k} is larger than the number of models ({n_models}).")
    weights = check_weights(sample_weight, failures.shape[0])
    return float(_observed_tail(failures, weights)[k])


@validate_params(_RISK_PARAMETERS, prefer_skip_nested_validation=True)
def aggregated_risk(y_true, Y_pred, *, task="auto", tolerance=None, sample_weight=None):
    """Observed joint failures of many models against independent failures.

    For each ``k = 1..n_models``, the observed rate at which at least ``k`` models
    fail on the same sample, beside the rate expected if the models failed
    independently with the same error rates (a Poisson-binomial tail), and their
    ratio. A ratio above one at large ``k`` is the aggregated risk of deploying
    correlated models (Li et al. 2025): simultaneous failures are more common than
    independent errors would suggest.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        True targets or labels.
    Y_pred : array-like, DataFrame or dask array of shape (n_samples, n_models)
        Predictions of each model, one column per model. A dask array (with
        ``y_true`` a dask or numpy array, and ``task`` given) is computed block
        by block and never gathered, for the methods built on Gram matrices
        (all but spearman and kendall); see :ref:`scaling-dask-metrics`.
    task : {"auto", "classification", "regression"}, default="auto"
        See :func:`pairwise_error_correlation`.
    tolerance : float, default=None
        Regression only (and required there): a regressor fails on a sample
        where ``|y - y_hat| > tolerance``.
    sample_weight : array-like of shape (n_samples,), default=None
        Weights of the samples.

    Returns
    -------
    risk : Bunch
        - ``k``: ndarray ``1..n_models``;
        - ``observed``: rate of samples with at least ``k`` failures;
        - ``independent``: the same rate under independent failures;
        - ``ratio``: ``observed / independent`` (NaN where both are 0, inf where
          only the expected rate is 0);
        - ``error_rates``: each model's failure rate;
        - ``model_names``: the column names of ``Y_pred`` or None.

    Raises
    ------
    ValueError
        With fewer than 2 samples (the error rates of one sample are 0 or 1, so
        the independence baseline equals what is observed and says nothing),
        and for the bad input of :func:`pairwise_error_correlation`.

    Warns
    -----
    UndefinedCorrelationWarning
        When the ratio is undefined (0/0) for some ``k``: fewer than ``k``
        models ever fail, so neither the observed nor the independent rate is
        positive; the ratio is NaN there.

    References
    ----------
    Li, Sarna, Lin (2025), "Quantifying Correlations of Machine Learning Models",
    arXiv:2502.03937.

    Examples
    --------
    >>> from skcorr.metrics import aggregated_risk
    >>> y = [0, 0, 0, 0]
    >>> Y_pred = [[1, 1], [0, 0], [0, 0], [0, 0]]
    >>> risk = aggregated_risk(y, Y_pred)
    >>> risk.observed, risk.independent, risk.ratio
    (array([0.25, 0.25]), array([0.4375, 0.0625]), array([0.571..., 4. ]))
    """
    check_not_bool("aggregated_risk", tolerance=tolerance)
    if any_dask(y_true, Y_pred, sample_weight):
        rates, mass, n_samples = risk_parts_of_dask_predictions(
            y_true, Y_pred, task, tolerance, sample_weight
        )
        return _dask_risk(rates, mass, n_samples, "aggregated_risk")
    check_same_index(y_true=y_true, Y_pred=Y_pred, sample_weight=sample_weight)
    failures, model_names = failure_indicators(
        y_true, Y_pred, task=task, tolerance=tolerance, indicator_dtype=np.uint8
    )
    _check_enough_samples(failures, "aggregated_risk")
    weights = check_weights(sample_weight, failures.shape[0])
    risk = risk_from_failures(failures, weights, model_names)
    _warn_undefined_ratio(risk)
    return risk


def _dask_risk(rates, mass, n_samples, function_name):
    _check_enough_samples(np.empty((n_samples, 0)), function_name)
    risk = _risk_from_tail(rates, _tail(mass)[1:], None)
    _warn_undefined_ratio(risk)
    return risk


def _check_enough_samples(failures, function_name):
    if failures.shape[0] < 2:
        raise ValueError(
            f"{function_name} needs at least 2 samples; got {failures.shape[0]}. "
            "On one sample each error rate is 0 or 1, so the independence "
            "baseline equals what is observed: compare on more samples."
        )


def _warn_undefined_ratio(risk):
    undefined = np.flatnonzero(np.isnan(risk.ratio))
    if undefined.size:
        ks = ", ".join(str(k) for k in risk.k[undefined])
        warnings.warn(
            f"The ratio observed / independent is undefined (0/0) for k = {ks}: "
            "fewer than k models ever fail, so neither rate is positive; set to "
            "NaN.",
            UndefinedCorrelationWarning,
            stacklevel=4,
        )


@validate_params(
    {"failures": ["array-like"], "sample_weight": ["array-like", None]},
    prefer_skip_nested_validation=True,
)
def aggregated_risk_from_failures(failures, *, sample_weight=None):
    """:func:`aggregated_risk` of a matrix of 0/1 failures (1 = the model failed).

    Use this when the failures are already at hand, such as the released error
    indicators of :func:`skcorr.datasets.load_corr_ml_errors`.

    Parameters
    ----------
    failures : array-like, DataFrame or dask array of shape (n_samples, n_models)
        0/1 failure indicators, one column per model. A dask array is computed
        block by block and never gathered.
    sample_weight : array-like of shape (n_samples,), default=None
        Weights of the samples.

    Returns
    -------
    risk : Bunch
        As :func:`aggregated_risk`.

    Raises
    ------
    ValueError
        For failures that are not 0/1, fewer than 2 samples, duplicated column
        names, or a ``sample_weight`` Series whose index differs from that of
        ``failures``.

    Warns
    -----
    UndefinedCorrelationWarning
        As :func:`aggregated_risk`, where the ratio is 0/0.

    Examples
    --------
    >>> from skcorr.metrics import aggregated_risk_from_failures
    >>> risk = aggregated_risk_from_failures([[1, 1], [0, 0], [0, 0], [0, 0]])
    >>> risk.observed, risk.independent
    (array([0.25, 0.25]), array([0.4375, 0.0625]))
    """
    if any_dask(failures, sample_weight):
        rates, mass, n_samples = risk_parts_of_dask_failures(failures, sample_weight)
        return _dask_risk(rates, mass, n_samples, "aggregated_risk_from_failures")
    check_same_index(failures=failures, sample_weight=sample_weight)
    matrix, model_names = check_errors(failures)
    if not is_binary(matrix):
        raise ValueError("failures must hold only 0 (right) and 1 (failed).")
    _check_enough_samples(matrix, "aggregated_risk_from_failures")
    weights = check_weights(sample_weight, matrix.shape[0])
    risk = risk_from_failures(matrix, weights, model_names)
    _warn_undefined_ratio(risk)
    return risk


def risk_from_failures(failures, weights=None, model_names=None):
    """:func:`aggregated_risk` of a validated 0/1 failure matrix (weights summing
    to one, or None)."""
    rates = column_means(failures, weights)
    observed = _observed_tail(failures, weights)[1:]
    return _risk_from_tail(rates, observed, model_names)


def _risk_from_tail(rates, observed, model_names):
    independent = poisson_binomial_tail(rates)[1:]
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = observed / independent
    return Bunch(
        k=np.arange(1, rates.shape[0] + 1),
        observed=observed,
        independent=independent,
        ratio=ratio,
        error_rates=rates,
        model_names=model_names,
    )
