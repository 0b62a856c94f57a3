"""The Gram-based error metrics of dask arrays, block by block.

A dask array of errors (or of predictions, with the true targets) is never
gathered. Each block of rows, with every model, becomes a few small matrices:
its column sums, its Gram matrix, its columns' smallest and largest values,
and what validation needs (whether it holds only 0 and 1; how many entries are
NaN or infinite; whether float labels have fractions). dask reduces them, in a
tree, on the scheduler in use (the local threads, or a ``distributed`` cluster
when a ``Client`` is active), and the reduced matrices are finished in numpy
as for an in-memory matrix. The work per block is that of
:func:`~skcorr.metrics._moments.indicator_moments`: a 0/1 block is multiplied
in float32, exactly. dask is imported only when a dask array is given.
"""

import sys

import numpy as np

from .._registry import BINARY_METHODS, CONTINUOUS_METHODS
from ..utils.validation import check_weights
from ._measures import RATE_METHODS, indicator_measure
from ._moments import block_is_binary, indicator_totals, means_are_small

# Columns of the flags row of a block's summary.
_NOT_BINARY, _NONFINITE, _NONFINITE_Y, _NONFINITE_PRED, _FRACTIONAL_Y = range(5)
_FRACTIONAL_PRED, _RESIDUAL_OVERFLOW = 5, 6
_N_FLAGS = 8


def is_dask_array(value):
    """Whether ``value`` is a dask array (without importing dask)."""
    array = sys.modules.get("dask.array")
    return array is not None and isinstance(value, array.Array)


def any_dask(*values):
    """Whether any of ``values`` is a dask array."""
    return any(is_dask_array(value) for value in values)


def _dask():
    import dask
    import dask.array

    return dask, dask.array


# ---------------------------------------------------------------- validation


def _known_rows(array, name):
    if any(np.isnan(size) for size in array.chunks[0]):
        raise ValueError(
            f"{name} has blocks of unknown length (a dask DataFrame converted "
            "without lengths): call .compute_chunk_sizes() on it, or convert "
            "with .to_dask_array(lengths=True)."
        )
    return int(sum(array.chunks[0]))


def _as_dask_matrix(values, name, min_models, like=None, labels=False):
    """A 2-D dask array with all its columns in each block of rows."""
    _, da = _dask()
    if not is_dask_array(values):
        values = np.asarray(values)
        if values.ndim == 2 and like is not None:
            values = da.from_array(values, chunks=(like.chunks[0], -1))
        else:
            values = da.from_array(values)
    if values.ndim != 2:
        raise ValueError(
            f"{name} must be two-dimensional (n_samples, n_models); got shape "
            f"{values.shape}. For a single model use {name}.reshape(-1, 1)."
        )
    n_samples = _known_rows(values, name)
    if n_samples == 0:
        raise ValueError("Found empty predictions: need at least one sample.")
    if values.shape[1] < min_models:
        raise ValueError(
            f"Need {name} of at least {min_models} models to correlate their "
            f"errors; got {values.shape[1]}."
        )
    _check_dtype(values, name, labels)
    return values.rechunk({1: -1}) if len(values.chunks[1]) > 1 else values


def _check_dtype(values, name, labels=False):
    kind = values.dtype.kind
    allowed = "biufUS" if labels else "biuf"
    if kind not in allowed:
        what = "numbers or strings" if labels else "numbers"
        raise ValueError(
            f"{name} must hold {what}; got dtype {values.dtype}. With dask "
            "arrays, convert object columns first (e.g. .astype(float) or "
            ".astype(str))."
        )


def _as_dask_vector(values, name, chunks):
    _, da = _dask()
    if not is_dask_array(values):
        values = np.asarray(values)
        if values.ndim == 2 and values.shape[1] == 1:
            values = values.ravel()
        if values.ndim != 1:
            raise ValueError(
                f"{name} must be one-dimensional (n_samples,); got shape "
                f"{values.shape}."
            )
        if values.shape[0] != sum(chunks):
            _inconsistent(values.shape[0], sum(chunks))
        return da.from_array(values, chunks=(chunks,))
    if values.ndim == 2 and values.shape[1] == 1:
        values = values[:, 0]
    if values.ndim != 1:
        raise ValueError(
            f"{name} must be one-dimensional (n_samples,); got shape {values.shape}."
        )
    n_samples = _known_rows(values, name)
    if n_samples != sum(chunks):
        _inconsistent(n_samples, sum(chunks))
    return values.rechunk((chunks,))


def _inconsistent(first, second):
    raise ValueError(
        f"Found input variables with inconsistent numbers of samples: "
        f"[{first}, {second}]"
    )


def _dask_weights(sample_weight, chunks):
    """Weights summing to one, as a dask vector with the given row chunks."""
    if sample_weight is None:
        return None
    dask, da = _dask()
    if not is_dask_array(sample_weight):
        weights = check_weights(sample_weight, int(sum(chunks)))
        return _as_dask_vector(weights, "sample_weight", chunks)
    weights = _as_dask_vector(sample_weight, "sample_weight", chunks)
    if weights.dtype.kind not in "biuf":
        raise ValueError(
            f"sample_weight must be numeric; got dtype {weights.dtype}."
        )
    weights = weights.astype(np.float64)
    nonfinite, negative, largest = dask.compute(
        (~da.isfinite(weights)).sum(), (weights < 0).sum(), weights.max()
    )
    if nonfinite:
        raise ValueError(f"Input sample_weight contains {nonfinite} NaN or infinity.")
    if negative:
        raise ValueError("Negative values in data passed to `sample_weight`")
    if not largest > 0:
        raise ValueError("sample_weight sums to zero: at least one must be positive.")
    scaled = weights / largest  # in [0, 1]: the sum cannot overflow
    return scaled / scaled.sum()


def _raise_on_flags(flags, what="errors"):
    if flags[_NONFINITE_Y]:
        raise ValueError(
            f"y_true contains {int(flags[_NONFINITE_Y])} NaN or infinite value(s). "
            "Remove or impute them before measuring error correlation."
        )
    if flags[_NONFINITE_PRED]:
        raise ValueError(
            f"Y_pred contains {int(flags[_NONFINITE_PRED])} NaN or infinite "
            "value(s). Remove or impute them before measuring error correlation."
        )
    if flags[_NONFINITE]:
        raise ValueError(
            f"{what} contains {int(flags[_NONFINITE])} NaN or infinite value(s). "
            "Remove or impute them before measuring error correlation."
        )
    if flags[_FRACTIONAL_PRED] and not flags[_FRACTIONAL_Y]:
        raise ValueError(
            f"Y_pred holds {int(flags[_FRACTIONAL_PRED])} non-integer value(s), "
            "which are not labels of y_true (all integers): for classification "
            "pass the predicted labels, not probabilities or scores; for "
            "residuals use task='regression'."
        )
    if flags[_RESIDUAL_OVERFLOW]:
        raise ValueError(
            "The residuals y_true - Y_pred overflow float64. Rescale y_true and "
            "Y_pred together (e.g. divide both by 1e100): error correlations do "
            "not depend on the scale."
        )


def _check_task(task, y_true, name="y_true"):
    if task != "auto":
        return task
    if y_true.dtype.kind in "bUS":
        return "classification"
    raise ValueError(
        f"With dask arrays, pass task='classification' or task='regression': "
        f"telling them apart from numeric {name} ({y_true.dtype}) would take "
        "another pass over the data."
    )


# ------------------------------------------------------------ block summaries


def _flags_of_predictions(y, Y, task):
    """NaN and inf in ``y`` and ``Y``; for classification, fractional labels
    (probabilities given as labels, when ``y`` has none)."""
    flags = np.zeros(_N_FLAGS)
    labels = task == "classification"
    if y.dtype.kind == "f":
        flags[_NONFINITE_Y] = np.count_nonzero(~np.isfinite(y))
        if labels:
            flags[_FRACTIONAL_Y] = np.count_nonzero(np.mod(y, 1) != 0)
    if Y.dtype.kind == "f":
        flags[_NONFINITE_PRED] = np.count_nonzero(~np.isfinite(Y))
        if labels:
            flags[_FRACTIONAL_PRED] = np.count_nonzero(np.mod(Y, 1) != 0)
    return flags


def _errors_of(y, Y, task, flags):
    if task == "classification":
        return (Y != y[:, None]).view(np.uint8)
    with np.errstate(over="ignore", invalid="ignore"):
        residuals = y[:, None].astype(np.float64) - Y.astype(np.float64)
    if not flags[_NONFINITE_Y] and not flags[_NONFINITE_PRED]:
        flags[_RESIDUAL_OVERFLOW] = np.count_nonzero(~np.isfinite(residuals))
    return residuals


def _moment_summary(errors, weights, flags, width):
    """Gram, sums, column minima and maxima and flags of one block, packed in
    an array of shape ``(1, n_models + 4, width)``."""
    n_rows, n_models = errors.shape
    packed = np.zeros((1, n_models + 4, width))
    gram, sums, low, high = (
        packed[0, :n_models, :n_models],
        packed[0, n_models, :n_models],
        packed[0, n_models + 1, :n_models],
        packed[0, n_models + 2, :n_models],
    )
    totals = indicator_totals(errors, weights)  # in cache-sized blocks
    if totals is not None:
        gram[:], counts = totals
        sums[:] = np.diag(gram)  # on 0/1 entries, x * x == x
        low[:] = counts == n_rows  # the smallest entry is 1 only if all are 1
        high[:] = counts > 0
    else:
        flags[_NOT_BINARY] = 1
        block = errors.astype(np.float64, copy=False)
        with np.errstate(over="ignore", invalid="ignore"):
            if weights is None:
                sums[:] = np.ones(n_rows) @ block
                gram[:] = block.T @ block
            else:
                sums[:] = weights @ block
                gram[:] = (block * weights[:, None]).T @ block
        if not (np.isfinite(sums).all() and np.isfinite(gram).all()):
            flags[_NONFINITE] = np.count_nonzero(~np.isfinite(block))
        low[:] = block.min(axis=0)
        high[:] = block.max(axis=0)
    if n_rows == 0:
        low[:], high[:] = np.inf, -np.inf
    packed[0, n_models + 3, :_N_FLAGS] = flags
    return packed


def _width(n_models):
    return max(n_models + 1, _N_FLAGS)


def _summary_of_errors(errors, weights=None):
    return _moment_summary(
        errors, weights, np.zeros(_N_FLAGS), _width(errors.shape[1])
    )


def _summary_of_predictions(Y, y, weights=None, *, task):
    flags = _flags_of_predictions(y, Y, task)
    errors = _errors_of(y, Y, task, flags)
    return _moment_summary(errors, weights, flags, _width(Y.shape[1]))


def _shifted_gram(errors, weights=None, *, shift):
    block = errors.astype(np.float64) - shift
    if weights is None:
        return (block.T @ block)[None]
    return ((block * weights[:, None]).T @ block)[None]


def _shifted_gram_of_predictions(Y, y, weights=None, *, task, shift):
    flags = np.zeros(_N_FLAGS)
    return _shifted_gram(_errors_of(y, Y, task, flags), weights, shift=shift)


def _map_rows(function, arrays, n_rows_out, width, **kwargs):
    """Apply ``function`` to each block of rows of ``arrays`` (a matrix with
    all its columns in each block, then vectors with the same row blocks); one
    summary of shape ``(1, n_rows_out, width)`` per block."""
    _, da = _dask()
    matrix, *vectors = arrays
    pairs = [matrix, "ij"]
    for vector in vectors:
        pairs += [vector, "i"]
    return da.blockwise(
        function,
        "ijk",
        *pairs,
        new_axes={"k": width},
        adjust_chunks={"i": 1, "j": n_rows_out},
        dtype=np.float64,
        meta=np.empty((0, 0, 0)),
        **kwargs,
    )


def _reduce_moments(packed, n_models):
    dask, _ = _dask()
    m = n_models
    return dask.compute(
        packed[:, :m, :m].sum(axis=0),
        packed[:, m, :m].sum(axis=0),
        packed[:, m + 1, :m].min(axis=0),
        packed[:, m + 2, :m].max(axis=0),
        packed[:, m + 3, :].sum(axis=0),
    )


# --------------------------------------------------------------- public paths


def _inputs_of_predictions(y_true, Y_pred, sample_weight, task, min_models):
    _, da = _dask()
    if is_dask_array(Y_pred):
        Y = _as_dask_matrix(Y_pred, "Y_pred", min_models, labels=True)
        y = _as_dask_vector(y_true, "y_true", Y.chunks[0])
    else:
        y_dask = _as_dask_vector(y_true, "y_true", y_true.chunks[0])
        Y = _as_dask_matrix(
            Y_pred, "Y_pred", min_models, like=y_dask[:, None], labels=True
        )
        if Y.shape[0] != y_dask.shape[0]:
            _inconsistent(y_dask.shape[0], Y.shape[0])
        y = y_dask.rechunk((Y.chunks[0],))
    _check_dtype(y, "y_true", labels=True)
    _check_dtype(Y, "Y_pred", labels=True)
    task = _check_task(task, y)
    numeric = (y.dtype.kind in "biuf", Y.dtype.kind in "biuf")
    if task == "regression" and not all(numeric):
        raise ValueError(
            "Regression needs numeric y_true and Y_pred; got dtypes "
            f"{y.dtype} and {Y.dtype}."
        )
    if numeric[0] != numeric[1]:
        raise ValueError(
            "y_true and Y_pred hold labels of different types "
            f"({y.dtype} and {Y.dtype}); predictions must use the labels of y_true."
        )
    weights = _dask_weights(sample_weight, Y.chunks[0])
    return y, Y, weights, task


def _moments_of(arrays, function, n_models, weights, **kwargs):
    if weights is not None:
        arrays = (*arrays, weights)
    packed = _map_rows(function, arrays, n_models + 4, _width(n_models), **kwargs)
    return _reduce_moments(packed, n_models)


def _pearson_from_sums(sums, gram, n_samples, weights, recompute):
    means, products = (sums, gram) if weights is not None else (
        sums / n_samples, gram / n_samples
    )
    with np.errstate(over="ignore", invalid="ignore"):
        covariance = products - np.outer(means, means)
    if not np.all(np.isfinite(covariance)):
        raise ValueError(
            "The products of the errors overflow float64. Rescale y_true and "
            "Y_pred together (or the errors), e.g. divide them by 1e100: error "
            "correlations do not depend on the scale."
        )
    if not means_are_small(means, covariance):
        covariance = recompute(means)
        if weights is None:
            covariance = covariance / n_samples
    std = np.sqrt(np.diag(covariance))
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.clip(covariance / np.outer(std, std), -1.0, 1.0)


def dask_correlation(method, arrays, function, shifted, weights, n_samples, **kw):
    """The matrix of ``method`` and the constant columns, from blocks."""
    dask, _ = _dask()
    n_models = arrays[0].shape[1]
    gram, sums, low, high, flags = _moments_of(
        arrays, function, n_models, weights, **kw
    )
    _raise_on_flags(flags)
    constant = low == high
    binary = not flags[_NOT_BINARY]
    if not binary and method in BINARY_METHODS:
        raise ValueError(
            f"method={method!r} needs 0/1 error indicators (classification); "
            "these errors are continuous (regression residuals). Use one of "
            f"{list(CONTINUOUS_METHODS)}."
        )
    if binary:
        if weights is None:
            moments = (sums / n_samples, gram / n_samples, None)
        else:
            moments = (sums, gram, None)
        matrix = indicator_measure(moments, method, n_samples)
        if matrix is not None:
            return matrix, constant

    def recompute(means):
        inputs = arrays if weights is None else (*arrays, weights)
        parts = _map_rows(shifted, inputs, n_models, n_models, shift=means, **kw)
        return dask.compute(parts.sum(axis=0))[0]

    return _pearson_from_sums(sums, gram, n_samples, weights, recompute), constant


def check_dask_method(method):
    supported = ("pearson", "phi", "phik", "kappa", "yule_q") + RATE_METHODS
    if method not in supported:
        raise ValueError(
            f"method={method!r} needs every column in memory (ranks); with dask "
            f"arrays use one of {list(supported)}, or pass numpy arrays "
            "(e.g. errors.compute())."
        )


def correlation_of_dask_errors(errors, method, sample_weight):
    """``(matrix, constant)`` of :func:`correlation_from_errors` on a dask
    array of errors."""
    check_dask_method(method)
    errors = _as_dask_matrix(errors, "errors", 2)
    weights = _dask_weights(sample_weight, errors.chunks[0])
    return dask_correlation(
        method,
        (errors,),
        _summary_of_errors,
        _shifted_gram,
        weights,
        errors.shape[0],
    )


def correlation_of_dask_predictions(y_true, Y_pred, method, task, sample_weight):
    """``(matrix, constant)`` of :func:`pairwise_error_correlation` on dask
    arrays."""
    check_dask_method(method)
    y, Y, weights, task = _inputs_of_predictions(
        y_true, Y_pred, sample_weight, task, 2
    )
    return dask_correlation(
        method,
        (Y, y),
        _summary_of_predictions,
        _shifted_gram_of_predictions,
        weights,
        Y.shape[0],
        task=task,
    )


# ---------------------------------------------------------- aggregated risk


def _risk_summary(failures, weights, flags, width):
    """Failure sums per model, the (weighted) histogram of failures per
    sample, and the flags, packed in ``(1, 3, width)``."""
    n_rows, n_models = failures.shape
    packed = np.zeros((1, 3, width))
    if not block_is_binary(failures):
        flags[_NOT_BINARY] = 1
    else:
        per_sample = failures.sum(axis=1, dtype=np.int64)
        if weights is None:
            packed[0, 0, :n_models] = failures.sum(axis=0, dtype=np.int64)
            packed[0, 1, : n_models + 1] = np.bincount(
                per_sample, minlength=n_models + 1
            )
        else:
            packed[0, 0, :n_models] = weights @ failures.astype(np.float64)
            packed[0, 1, : n_models + 1] = np.bincount(
                per_sample, weights=weights, minlength=n_models + 1
            )
    packed[0, 2, :_N_FLAGS] = flags
    return packed


def _risk_of_failures(failures, weights=None):
    flags = np.zeros(_N_FLAGS)
    if failures.dtype.kind == "f":
        flags[_NONFINITE] = np.count_nonzero(~np.isfinite(failures))
    return _risk_summary(failures, weights, flags, _width(failures.shape[1]))


def _risk_of_predictions(Y, y, weights=None, *, task, tolerance):
    flags = _flags_of_predictions(y, Y, task)
    errors = _errors_of(y, Y, task, flags)
    if task == "regression":
        errors = (np.abs(errors) > tolerance).view(np.uint8)
    return _risk_summary(errors, weights, flags, _width(Y.shape[1]))


def _risk_parts(arrays, function, weights, **kwargs):
    dask, _ = _dask()
    n_models = arrays[0].shape[1]
    if weights is not None:
        arrays = (*arrays, weights)
    packed = _map_rows(function, arrays, 3, _width(n_models), **kwargs)
    rates, histogram, flags = dask.compute(
        packed[:, 0, :n_models].sum(axis=0),
        packed[:, 1, : n_models + 1].sum(axis=0),
        packed[:, 2, :].sum(axis=0),
    )
    return rates, histogram, flags


def risk_parts_of_dask_failures(failures, sample_weight):
    """``(rates, mass of k failures, n_samples)`` of a dask 0/1 matrix."""
    failures = _as_dask_matrix(failures, "failures", 1)
    weights = _dask_weights(sample_weight, failures.chunks[0])
    rates, histogram, flags = _risk_parts((failures,), _risk_of_failures, weights)
    _raise_on_flags(flags, "failures")
    if flags[_NOT_BINARY]:
        raise ValueError("failures must hold only 0 (right) and 1 (failed).")
    return _normalised(rates, histogram, failures.shape[0], weights)


def risk_parts_of_dask_predictions(y_true, Y_pred, task, tolerance, sample_weight):
    """``(rates, mass of k failures, n_samples)`` of dask predictions."""
    y, Y, weights, task = _inputs_of_predictions(
        y_true, Y_pred, sample_weight, task, 1
    )
    if task == "regression" and tolerance is None:
        raise ValueError(
            "For regression a failure is |y - y_hat| > tolerance: pass tolerance."
        )
    if task == "classification" and tolerance is not None:
        raise ValueError(
            "tolerance applies to regression only; these are classification labels."
        )
    rates, histogram, flags = _risk_parts(
        (Y, y), _risk_of_predictions, weights, task=task, tolerance=tolerance
    )
    _raise_on_flags(flags)
    return _normalised(rates, histogram, Y.shape[0], weights)


def _normalised(rates, histogram, n_samples, weights):
    if weights is None:
        return rates / n_samples, histogram / n_samples, n_samples
    return rates, histogram, n_samples
