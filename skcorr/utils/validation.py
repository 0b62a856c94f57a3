"""Input validation shared by the metrics: predictions of many models.

Besides the checks of the metrics (:func:`check_predictions`,
:func:`check_errors`, :func:`check_weights`), a few helpers are meant for every
subpackage: :func:`check_same_index` (pandas inputs paired by position must not
carry different indexes), :func:`check_unique_names` (no duplicated model
names), :func:`check_labels` and :func:`check_missing_labels` (no missing or
mixed-type labels) and :func:`as_numeric` (no strings parsed as numbers).
Checks of parameters (seeds, ``n_jobs``, bools given as counts) live in
:mod:`skcorr.utils.parameters`.
"""

import numbers
import sys
import warnings
from numbers import Number

import numpy as np
from sklearn.utils.multiclass import type_of_target
from sklearn.utils.validation import check_consistent_length

from .._registry import TASKS
from ..exceptions import UndefinedCorrelationWarning
from .fixes import _check_sample_weight


def _preview(values, limit=10):
    values = list(values)
    shown = ", ".join(str(v) for v in values[:limit])
    return f"[{shown}{', ...' if len(values) > limit else ''}]"


def check_unique_names(names, what="Y_pred"):
    """Refuse duplicated model names.

    Each column of a prediction (or error) matrix is one model, and results are
    labelled by the names: two columns with one name would be indistinguishable.

    Parameters
    ----------
    names : list of str or None
        The names (None: nothing to check).
    what : str, default="Y_pred"
        How to call the input in the message.

    Raises
    ------
    ValueError
        Naming the duplicated names and their columns.

    Examples
    --------
    >>> from skcorr.utils.validation import check_unique_names
    >>> check_unique_names(["a", "b"])
    >>> check_unique_names(["a", "b", "a"])
    Traceback (most recent call last):
    ...
    ValueError: Y_pred has duplicate model names: 'a' (columns [0, 2]). ...
    """
    if names is None:
        return
    positions = {}
    for i, name in enumerate(names):
        positions.setdefault(str(name), []).append(i)
    duplicated = {name: cols for name, cols in positions.items() if len(cols) > 1}
    if duplicated:
        listed = "; ".join(
            f"{name!r} (columns {cols})" for name, cols in duplicated.items()
        )
        raise ValueError(
            f"{what} has duplicate model names: {listed}. Each column is one model "
            "and results are labelled by these names (compared as strings): rename "
            f"the columns so that every name is unique, e.g. {what}.columns = "
            "[...]."
        )


def model_names_of(Y_pred, what="Y_pred"):
    """Return the column names of a DataFrame as strings, or None for arrays.

    Raises a ValueError when two columns share a name (as strings: ``1`` and
    ``"1"`` are the same name), see :func:`check_unique_names`.
    """
    columns = getattr(Y_pred, "columns", None)
    if columns is None:
        return None
    names = [str(name) for name in columns]
    check_unique_names(names, what)
    return names


def _plain(value):
    """A numpy scalar as the Python value it holds, for readable messages."""
    return value.item() if isinstance(value, np.generic) else value


def _pandas_index(value):
    pd = sys.modules.get("pandas")
    if pd is None or not isinstance(value, (pd.Series, pd.DataFrame)):
        return None
    index = value.index
    if isinstance(index, pd.RangeIndex) and index.start == 0 and index.step == 1:
        return None  # the default index carries no information
    return index


def check_same_index(**arrays):
    """Refuse pandas inputs whose row indexes differ.

    skcorr pairs the rows of its inputs by position, as scikit-learn does. When
    two inputs both carry a pandas index other than the default ``RangeIndex``
    (0, 1, ..., n - 1) and the two differ (other labels, or the same labels in
    another order), pairing by position would compare different samples: that
    is refused. Inputs that are not pandas objects, ``None`` and default indexes
    are not checked (an index of the integers 0, ..., n - 1 that is not a
    ``RangeIndex``, as left by ``sort_index``, is a real index and is compared).
    The cost is one comparison of the indexes, not of the data.

    Parameters
    ----------
    **arrays : array-like, Series, DataFrame or None
        The inputs, by the names to use in the message, in order
        (e.g. ``y_true=y_true, Y_pred=Y_pred, sample_weight=sample_weight``).

    Raises
    ------
    ValueError
        Naming the two inputs, the first position where their indexes differ
        and how to align them.

    Examples
    --------
    >>> import pandas as pd
    >>> from skcorr.utils.validation import check_same_index
    >>> y = pd.Series([0, 1, 1], index=[10, 11, 12])
    >>> check_same_index(y_true=y, Y_pred=pd.DataFrame({"a": [0, 1, 0]}))
    >>> Y_pred = pd.DataFrame({"a": [0, 1, 0]}, index=[12, 11, 10])
    >>> check_same_index(y_true=y, Y_pred=Y_pred)
    Traceback (most recent call last):
    ...
    ValueError: y_true and Y_pred carry different pandas indexes ...
    """
    indexed = [
        (name, index)
        for name, value in arrays.items()
        if (index := _pandas_index(value)) is not None
    ]
    if len(indexed) < 2:
        return
    first_name, first = indexed[0]
    for name, index in indexed[1:]:
        if first.equals(index):
            continue
        where = ""
        if len(first) == len(index):
            differs = np.flatnonzero(
                np.asarray(first, dtype=object) != np.asarray(index, dtype=object)
            )
            if differs.size:
                i = int(differs[0])
                where = (
                    f" (first difference at position {i}: {_plain(first[i])!r} "
                    f"in {first_name}, {_plain(index[i])!r} in {name})"
                )
        raise ValueError(
            f"{first_name} and {name} carry different pandas indexes{where}. "
            "skcorr pairs rows by position, as scikit-learn does, so different "
            "samples would be compared. Align them first (e.g. "
            f"{name} = {name}.loc[{first_name}.index]), or, if the rows already "
            "match by position, drop the indexes with .reset_index(drop=True)."
        )


def _asarray(values, name):
    try:
        return np.asarray(values)
    except ValueError as exc:
        if "inhomogeneous" not in str(exc) and "sequence" not in str(exc):
            raise
        lengths = sorted({len(row) for row in values if hasattr(row, "__len__")})
        raise ValueError(
            f"{name} is ragged: its rows have different lengths ({lengths}). Give "
            "one value per model on every row: shape (n_samples, n_models)."
        ) from None


def as_1d(values, name="y_true"):
    """``values`` as a 1-D array; a single column is flattened."""
    y = _asarray(values, name)
    if y.ndim == 2 and y.shape[1] == 1:
        y = y.ravel()
    if y.ndim != 1:
        hint = ""
        if y.ndim == 2:
            hint = (
                f" Pass one column (e.g. df['target']); {name} holds "
                f"{y.shape[1]} columns."
            )
        elif y.ndim == 0:
            hint = " Got a scalar: pass one value per sample."
        raise ValueError(
            f"{name} must be one-dimensional (n_samples,); got shape {y.shape}.{hint}"
        )
    return y


def _as_2d_predictions(Y_pred, name="Y_pred"):
    Y = _asarray(Y_pred, name)
    if Y.ndim != 2:
        what = "Predictions of many models" if name == "Y_pred" else name
        raise ValueError(
            f"{what} must be two-dimensional "
            f"(n_samples, n_models); got shape {Y.shape}. For a single model use "
            f"{name}.reshape(-1, 1)."
        )
    if Y.shape[0] == 0:
        raise ValueError("Found empty predictions: need at least one sample.")
    if Y.shape[1] == 0:
        raise ValueError("Found predictions of 0 models: need at least one model.")
    return Y


def _is_numeric(array):
    return array.dtype.kind in "biuf"


def _positions(mask, limit=10):
    """Where ``mask`` is True, as rows (1-D) or (row, column) pairs (2-D)."""
    found = np.argwhere(mask)[:limit]
    if mask.ndim == 1:
        cells = [int(i) for i in found[:, 0]]
    else:
        cells = [tuple(int(i) for i in cell) for cell in found]
    more = int(mask.sum()) - len(cells)
    where = "rows" if mask.ndim == 1 else "(row, column)"
    return f"{where} {cells}{f' and {more} more' if more > 0 else ''}"


def _missing_mask(array):
    pd = sys.modules.get("pandas")
    if pd is not None:
        return np.asarray(pd.isna(array), dtype=bool)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return np.asarray((array == None) | (array != array), dtype=bool)  # noqa: E711


def _type_name(value):
    return type(value).__name__


def as_numeric(values, what, *, allow_bool=False):
    """``values`` as a float64 array, refusing what would be coerced.

    Strings (``"1.5"``), booleans (unless ``allow_bool``), complex numbers,
    dates and objects that are not real numbers raise a ``ValueError``
    naming ``what``: ``np.asarray(values, dtype=float)`` would turn them into
    numbers silently. ``None`` and ``pd.NA`` in object arrays are reported as
    missing values; NaN and inf are left for the caller to refuse.

    Examples
    --------
    >>> from skcorr.utils.validation import as_numeric
    >>> as_numeric([1, 2.5], "flows")
    array([1. , 2.5])
    >>> as_numeric(["1", "2"], "flows")
    Traceback (most recent call last):
    ...
    ValueError: flows must be numeric; got dtype <U1: skcorr does not parse strings...
    """
    if hasattr(values, "to_numpy") and not isinstance(values, np.ndarray):
        values = values.to_numpy()
    array = np.asarray(values)
    kinds = "iuf" + ("b" if allow_bool else "")
    if array.dtype.kind == "O":
        flat = array.ravel()
        missing = [i for i, v in enumerate(flat) if is_missing_value(v)]
        if missing:
            raise ValueError(
                f"{what} contains {len(missing)} missing value(s) (None, NaN or "
                f"pd.NA), the first at flat position {missing[0]}: {what} must "
                "be numeric, with no missing values."
            )
        bad = [
            v for v in flat
            if isinstance(v, str | bytes)
            or not isinstance(v, numbers.Real)
            or (isinstance(v, bool | np.bool_) and not allow_bool)
        ]
        if bad:
            raise ValueError(
                f"{what} must be numeric; got {type(bad[0]).__name__} values "
                f"such as {bad[0]!r}. Convert them to numbers yourself (skcorr "
                "does not parse strings)."
            )
        return array.astype(np.float64)
    if array.dtype.kind not in kinds:
        hint = (
            "booleans are not taken for numbers here: convert them with "
            ".astype(float) if 0 and 1 are meant"
            if array.dtype.kind == "b"
            else "skcorr does not parse strings or other types: convert the "
            "values to numbers yourself"
        )
        raise ValueError(f"{what} must be numeric; got dtype {array.dtype}: {hint}.")
    return array.astype(np.float64, copy=False)


def is_missing_value(value):
    """Whether one value is missing: None, a float NaN, ``pd.NA`` or ``NaT``.

    Pandas is not imported.

    Examples
    --------
    >>> from skcorr.utils.validation import is_missing_value
    >>> is_missing_value(None), is_missing_value(float("nan")), is_missing_value(0)
    (True, True, False)
    """
    if value is None:
        return True
    if isinstance(value, float | np.floating) and value != value:
        return True
    return type(value).__name__ in ("NAType", "NaTType")


def check_missing_labels(labels, what):
    """``labels`` as an array, refusing missing values (None, NaN, ``pd.NA``,
    NaT) and labels of mixed types (``1`` and ``"1"``), never coercing them.

    Float NaN are reported here; the rest by :func:`check_labels`.

    Examples
    --------
    >>> import numpy as np
    >>> from skcorr.utils.validation import check_missing_labels
    >>> check_missing_labels([0, 1, 1], "y")
    array([0, 1, 1])
    >>> check_missing_labels(np.array([0.0, np.nan]), "y")
    Traceback (most recent call last):
    ...
    ValueError: y contains NaN labels (1 missing value(s), the first at row 1)...
    """
    original = labels if isinstance(labels, list | tuple) else None
    array = np.asarray(labels)
    if array.dtype.kind == "f" and np.isnan(array).any():
        missing = np.isnan(array)
        first = int(np.argwhere(missing)[0][0])
        raise ValueError(
            f"{what} contains NaN labels ({int(missing.sum())} missing value(s), "
            f"the first at row {first}): skcorr neither drops nor imputes "
            "labels; remove those rows or fill in their labels first."
        )
    return check_labels(array, what, original=original)


def check_labels(values, name="y_true", original=None):
    """Refuse missing values, mixed types and unsupported dtypes among targets.

    Numeric arrays pass through untouched (their NaN are reported by the finite
    check). Object arrays (pandas object columns, nullable dtypes with
    ``pd.NA``, categoricals) are read element by element: a missing value
    (``None``, ``NaN``, ``pd.NA``, ``NaT``) or a mix of strings and numbers is
    refused, never turned into a class; an object array of numbers only is
    returned as a numeric array. String labels spelled ``"nan"`` or ``"<NA>"``
    (what NaN and pd.NA become when converted to strings) are refused too. A
    list that numpy would turn into strings (``[1, "a"]`` becomes
    ``["1", "a"]``, ``["a", nan]`` becomes ``["a", "nan"]``) is read as given,
    so that nothing is coerced.

    Parameters
    ----------
    values : ndarray
        The array to check, already converted.
    name : str, default="y_true"
        How to call it in messages.
    original : object, default=None
        What the user passed, when it was a list (to see through numpy's
        conversion of mixed lists to strings).

    Returns
    -------
    values : ndarray
        ``values``, or a numeric array for an object array of numbers.

    Examples
    --------
    >>> import numpy as np
    >>> from skcorr.utils.validation import check_labels
    >>> check_labels(np.array(["cat", None], dtype=object))
    Traceback (most recent call last):
    ...
    ValueError: y_true contains 1 missing value(s) (None, NaN or pd.NA) at rows [1]...
    """
    kind = values.dtype.kind
    if kind == "c":
        raise ValueError(
            f"{name} holds complex numbers, which are not supported: pass real "
            "targets or labels."
        )
    if kind in "mM":
        raise ValueError(
            f"{name} holds {values.dtype} values, which are neither targets nor "
            "labels skcorr can compare: convert them to numbers (e.g. "
            ".astype('int64')) or to strings first."
        )
    if kind == "V":
        raise ValueError(f"{name} has an unsupported dtype {values.dtype}.")
    if kind in "US" and isinstance(original, (list, tuple)):
        if any(not isinstance(v, (str, bytes)) for v in _flat(original)):
            as_given = np.asarray(original, dtype=object).reshape(values.shape)
            return check_labels(as_given, name)
    if kind == "U":
        _check_missing_as_text(values, name)
    if kind != "O":
        return values
    missing = _missing_mask(values)
    if missing.any():
        raise ValueError(
            f"{name} contains {int(missing.sum())} missing value(s) (None, NaN or "
            f"pd.NA) at {_positions(missing)}. skcorr neither drops nor imputes "
            "labels: remove those samples (from every input) or fill them in first."
        )
    types = set(map(type, values.ravel().tolist()))
    strings = {t for t in types if issubclass(t, (str, bytes))}
    numbers = {t for t in types if issubclass(t, Number)}
    others = types - strings - numbers
    if others:
        raise ValueError(
            f"{name} holds values of unsupported type(s) "
            f"{sorted(t.__name__ for t in others)}: pass numbers or strings."
        )
    if strings and numbers:
        flat = values.ravel()
        example_str = next(v for v in flat if isinstance(v, (str, bytes)))
        example_num = next(v for v in flat if not isinstance(v, (str, bytes)))
        raise ValueError(
            f"{name} mixes labels of different types "
            f"({', '.join(sorted(t.__name__ for t in strings | numbers))}), e.g. "
            f"{example_num!r} and {example_str!r}. skcorr does not coerce them "
            "(1 and '1' are different labels): convert them to one type first, "
            f"e.g. {name}.astype(str)."
        )
    if numbers:
        return np.asarray(values.tolist())
    if not {t for t in strings if issubclass(t, bytes)}:
        _check_missing_as_text(values, name)
    return values


# What a missing value becomes when labels are turned into text: numpy's
# ``np.array(["a", np.nan])`` and pandas' ``astype(str)`` of NaN and of pd.NA.
MISSING_AS_TEXT = ("nan", "<NA>")


def _check_missing_as_text(values, name):
    missing = np.isin(values, MISSING_AS_TEXT)
    if missing.any():
        raise ValueError(
            f"{name} contains {int(missing.sum())} label(s) spelled "
            f"{sorted(set(values[missing].tolist()))} at {_positions(missing)}: "
            "that is what a missing value (NaN or pd.NA) becomes when labels are "
            "converted to strings (np.array(['a', np.nan]) or .astype(str)). "
            "Remove or fill in those samples before the conversion; if it is "
            "really a class name, rename it."
        )


def _flat(values):
    for value in values:
        if isinstance(value, (list, tuple)):
            yield from _flat(value)
        else:
            yield value


def _check_finite(array, what):
    if array.dtype.kind != "f":
        return
    # A finite sum proves every entry finite in one pass without a mask; only an
    # overflowing or non-finite sum needs the entry-by-entry check.
    with np.errstate(over="ignore", invalid="ignore"):
        if np.isfinite(np.sum(array)):
            return
    finite = np.isfinite(array)
    if not finite.all():
        n_bad = int(np.size(array) - finite.sum())
        nan = np.isnan(array)
        parts = []
        if nan.any():
            parts.append(
                f"{int(nan.sum())} missing (NaN, None or pd.NA) at {_positions(nan)}"
            )
        infinite = ~finite & ~nan
        if infinite.any():
            parts.append(f"{int(infinite.sum())} infinite at {_positions(infinite)}")
        raise ValueError(
            f"{what} contains {n_bad} NaN or infinite value(s): {'; '.join(parts)}. "
            "Remove or impute them before measuring error correlation."
        )


def _integer_valued(array):
    if array.dtype.kind in "biu":
        return True
    return bool(np.all(np.mod(array, 1) == 0))


_TASK_HINT = (
    "Pass task='classification' (an error is a wrong label) or task='regression' "
    "(errors are the residuals y_true - Y_pred)."
)


def _unseen_values(Y, labels):
    """Mask of the entries of ``Y`` not among the sorted integer ``labels``.

    With contiguous labels (0, 1, ..., k - 1, the usual case) a range check
    proves them all seen without the slower membership test.
    """
    low, high = labels[0], labels[-1]
    if Y.min() >= low and Y.max() <= high and labels.size == high - low + 1:
        return np.zeros(Y.shape, dtype=bool)
    return ~np.isin(Y, labels)


def _unique_integers(y):
    """``np.unique`` of a 1-d integer array; by counting (one O(n) pass, no
    sort) when its values span a range no wider than its length."""
    if y.size == 0:
        return np.unique(y)
    low, high = int(y.min()), int(y.max())
    if high - low > y.size:
        return np.unique(y)
    # offsets in [0, high - low]: exact in the unsigned dtype itself, and in
    # int64 for signed ones (an int8 difference could overflow int8)
    wide = y.dtype if y.dtype.kind == "u" else np.dtype(np.int64)
    offsets = np.subtract(y, y.dtype.type(low), dtype=wide)
    counts = np.bincount(offsets.astype(np.intp, copy=False), minlength=1)
    return np.flatnonzero(counts).astype(y.dtype) + y.dtype.type(low)


def _target_type_and_labels(y):
    """scikit-learn's ``type_of_target`` of ``y`` and, for numeric labels,
    their sorted distinct values (None otherwise). A 1-d integer array is
    "binary" (at most two values) or "multiclass" by its distinct values,
    as ``type_of_target`` decides, read once instead of sorted twice."""
    if y.ndim == 1 and y.dtype.kind in "iu" and y.size:
        labels = _unique_integers(y)
        return ("binary" if labels.size <= 2 else "multiclass"), labels
    with np.errstate(invalid="ignore", over="ignore"):  # huge floats cast to int
        target_type = type_of_target(y, input_name="y_true")
    return target_type, None


def infer_task(y_true, Y_pred=None, task="auto"):
    """Tell classification from regression, or refuse to guess.

    With ``task="auto"`` the rule is:

    - strings, booleans or other non-numeric labels: classification;
    - ``y_true`` continuous (floats that are not all integers): regression;
    - integer-valued ``y_true`` (ints, or floats that are all integers) with
      predictions that are not all integers: regression, unless the
      predictions look like probabilities (``y_true`` has two distinct values,
      or every prediction lies in [0, 1]), which is refused: pass predicted
      labels, or ``task="regression"`` if residuals of probabilities are wanted;
    - integer-valued ``y_true`` with integer-valued predictions: classification
      when ``y_true`` is binary, or when every predicted value is among the
      values of ``y_true`` and ``y_true`` repeats its values (at most
      ``n_samples // 2`` distinct ones). Otherwise the integers could be
      labels or counts (e.g. prices of 100 to 1000): the task is ambiguous and
      a ValueError asks for it.

    Parameters
    ----------
    y_true : ndarray of shape (n_samples,)
    Y_pred : ndarray of shape (n_samples, n_models), default=None
        Without it, integer targets are taken as labels.
    task : {"auto", "classification", "regression"}, default="auto"
        Returned as is unless ``"auto"``.

    Returns
    -------
    task : {"classification", "regression"}

    Raises
    ------
    ValueError
        When the task is ambiguous, asking for ``task=``.

    Examples
    --------
    >>> import numpy as np
    >>> from skcorr.utils.validation import infer_task
    >>> infer_task(np.array([0.5, 1.2, 3.3]), np.array([[0.4], [1.0], [3.0]]))
    'regression'
    >>> infer_task(np.array([0, 1, 1, 0]), np.array([[0], [1], [0], [0]]))
    'classification'
    """
    if task not in TASKS:
        raise ValueError(f"task must be one of {TASKS}; got {task!r}.")
    if task != "auto":
        return task
    y = np.asarray(y_true)
    target_type, labels = _target_type_and_labels(y)
    if target_type == "continuous":
        return "regression"
    if target_type not in ("binary", "multiclass"):
        raise ValueError(
            f"Cannot infer the task from y_true of type {target_type!r}; pass "
            "task='classification' or task='regression'."
        )
    if Y_pred is None or not _is_numeric(y) or y.dtype.kind == "b":
        return "classification"
    Y = np.asarray(Y_pred)
    if not _is_numeric(Y) or Y.dtype.kind == "b":
        return "classification"
    if labels is None:
        labels = np.unique(y)
    shown = _preview(labels.tolist(), 5)
    if not _integer_valued(Y):
        binary = target_type == "binary"
        if binary or (Y.min() >= 0 and Y.max() <= 1):
            within = "" if binary else ", all within [0, 1],"
            raise ValueError(
                f"task='auto' cannot tell the task: y_true holds integer labels "
                f"{shown} while Y_pred holds non-integer values{within} which look "
                "like predicted probabilities or scores rather than labels. To "
                "compare labels pass the predicted labels, e.g. "
                "(proba > 0.5).astype(int) or estimator.predict(X); if you do want "
                "the residuals y_true - Y_pred (a regression), pass task='regression'."
            )
        return "regression"
    if target_type == "binary":
        return "classification"
    n_samples = y.shape[0]
    reasons = []
    unseen = _unseen_values(Y, labels)
    if unseen.any():
        example = _plain(Y[unseen].flat[0])
        reasons.append(
            f"Y_pred holds {int(unseen.sum())} value(s) never seen in y_true "
            f"(e.g. {example!r})"
        )
    if labels.size > n_samples // 2:
        reasons.append(
            f"y_true has {labels.size} distinct values among {n_samples} samples"
        )
    if reasons:
        raise ValueError(
            "task='auto' cannot tell whether the integers of y_true "
            f"({shown}) are class labels or counts/amounts to regress: "
            f"{' and '.join(reasons)}. {_TASK_HINT}"
        )
    return "classification"


def _check_predicted_labels(y, Y):
    """Refuse non-integer float predictions that are not labels of ``y``
    (probabilities given where labels are needed)."""
    if Y.dtype.kind != "f" or not _is_numeric(y):
        return
    fractional = np.mod(Y, 1) != 0
    if not fractional.any():
        return
    values = Y[fractional]
    unseen = ~np.isin(values, y)
    if unseen.any():
        raise ValueError(
            f"Y_pred holds {int(unseen.sum())} non-integer value(s) that are not "
            f"labels of y_true (e.g. {_plain(values[unseen][0])!r}): for "
            "classification pass the predicted labels, e.g. "
            "(proba > 0.5).astype(int) or estimator.predict(X), not probabilities "
            "or scores; for residuals use task='regression' (or "
            "skcorr.metrics.residuals)."
        )


def task_of_estimator(estimator, task="auto"):
    """``task``, or for ``"auto"`` the task an estimator declares.

    A classifier's predictions are labels and a regressor's are targets
    (scikit-learn's ``is_classifier`` / ``is_regressor``), so the task needs no
    guess from the numbers; for anything else ``"auto"`` is returned, to be
    resolved by :func:`infer_task`.

    Examples
    --------
    >>> from sklearn.linear_model import LinearRegression, LogisticRegression
    >>> from skcorr.utils.validation import task_of_estimator
    >>> task_of_estimator(LogisticRegression()), task_of_estimator(LinearRegression())
    ('classification', 'regression')
    >>> task_of_estimator(LinearRegression(), task="classification")
    'classification'
    """
    if task != "auto":
        return task
    from sklearn.base import is_classifier, is_regressor

    try:
        if is_classifier(estimator):
            return "classification"
        if is_regressor(estimator):
            return "regression"
    except (AttributeError, TypeError):  # not a scikit-learn estimator
        pass
    return task


def check_predictions(y_true, Y_pred, *, task="auto", min_models=1):
    """Validate the true targets and the predictions of many models.

    Checks, in order: duplicated model names (DataFrame columns), different
    pandas indexes (:func:`check_same_index`), shapes and lengths, missing or
    mixed-type labels (:func:`check_labels`), NaN and inf, the task
    (:func:`infer_task`) and that the predictions use the type of the labels.

    Returns
    -------
    y : ndarray of shape (n_samples,)
    Y : ndarray of shape (n_samples, n_models)
    model_names : list of str or None
        Column names when ``Y_pred`` is a DataFrame.
    task : {"classification", "regression"}
    """
    model_names = model_names_of(Y_pred)
    check_same_index(y_true=y_true, Y_pred=Y_pred)
    y = as_1d(y_true)
    Y = _as_2d_predictions(Y_pred)
    check_consistent_length(y, Y)
    if Y.shape[1] < min_models:
        raise ValueError(
            f"Need predictions of at least {min_models} models to correlate their "
            f"errors; got {Y.shape[1]}."
        )
    y = check_labels(y, "y_true", y_true)
    Y = check_labels(Y, "Y_pred", Y_pred)
    _check_finite(y, "y_true")
    _check_finite(Y, "Y_pred")
    given = task
    task = infer_task(y, Y, task)
    if task == "classification" and given != "auto":
        _check_predicted_labels(y, Y)
    if task == "regression":
        for array, what in ((y, "y_true"), (Y, "Y_pred")):
            if not _is_numeric(array):
                raise ValueError(
                    f"Regression needs numeric {what}; got dtype {array.dtype}."
                )
    elif _is_numeric(y) != _is_numeric(Y):
        raise ValueError(
            "y_true and Y_pred hold labels of different types "
            f"({y.dtype} and {Y.dtype}); predictions must use the labels of y_true."
        )
    return y, Y, model_names, task


def check_errors(errors, *, min_models=1, check_finite=True):
    """Validate an error matrix ``(n_samples, n_models)`` of numbers.

    With ``check_finite=False`` NaN and inf are left to the caller, whose own
    pass over the data must prove every entry finite (0/1 entries are) or call
    this function again to refuse them.
    """
    model_names = model_names_of(errors, "errors")
    E = _as_2d_predictions(errors, "errors")
    E = check_labels(E, "errors", errors)
    if not _is_numeric(E):
        raise ValueError(f"errors must be numeric; got dtype {E.dtype}.")
    if E.shape[1] < min_models:
        raise ValueError(
            f"Need errors of at least {min_models} models; got {E.shape[1]}."
        )
    if check_finite:
        _check_finite(E, "errors")
    if E.dtype.kind == "b":
        E = E.view(np.uint8)
    # Kept in its own dtype (a memmap stays on disk): the metrics read it in
    # blocks of rows, each converted to float64.
    return E, model_names


def check_weights(sample_weight, n_samples):
    """Validate sample weights and normalise them to sum to one (or None).

    Strings are refused, never parsed (booleans count as 0 and 1); NaN, inf and
    negative weights, weights of another length and weights that are all zero
    are refused (scikit-learn's ``_check_sample_weight``). The
    weights are divided by their largest value before they are summed, so that
    finite weights whose sum would overflow (``1e308`` each) are normalised
    exactly as their ratios say.
    """
    if sample_weight is None:
        return None
    if not isinstance(sample_weight, numbers.Real):  # a scalar weighs all alike
        sample_weight = as_numeric(sample_weight, "sample_weight", allow_bool=True)
    weights = _check_sample_weight(
        sample_weight, np.empty(n_samples), dtype=np.float64, ensure_non_negative=True
    )
    largest = weights.max()
    if not largest > 0:
        raise ValueError("sample_weight sums to zero: at least one must be positive.")
    weights = weights / largest  # in [0, 1]: the sum cannot overflow
    return weights / weights.sum()


def describe_models(indices, model_names):
    """Readable names of the models at ``indices``, for messages."""
    if model_names is None:
        return ", ".join(f"model {i}" for i in indices)
    return ", ".join(repr(model_names[i]) for i in indices)


def warn_constant_models(constant, model_names, what):
    """Warn that the models flagged in ``constant`` make ``what`` undefined."""
    indices = np.flatnonzero(constant)
    if indices.size:
        warnings.warn(
            f"{describe_models(indices, model_names)} made the same error on every "
            f"sample (always right or always wrong): {what} with "
            f"{'it' if indices.size == 1 else 'them'} is undefined and set to NaN.",
            UndefinedCorrelationWarning,
            stacklevel=3,
        )


def labelled_matrix(matrix, model_names):
    """Return a DataFrame labelled by model names when names are known."""
    if model_names is None:
        return matrix
    import pandas as pd

    return pd.DataFrame(matrix, index=model_names, columns=model_names)


def labelled_columns(values, model_names, index=None):
    """Return a DataFrame of per-model columns when names are known."""
    if model_names is None:
        return values
    import pandas as pd

    return pd.DataFrame(values, columns=model_names, index=index)
