"""Input checks shared by the spurious-pattern entry points: value ranges,
integer parameters, labels, seeds and image-shaped X."""

import numbers
import warnings

import numpy as np

from ..utils.fixes import InvalidParameterError
from ..utils.parameters import is_bool
from ..utils.validation import check_missing_labels, is_missing_value

# Values within this fraction of the range's width outside it count as inside:
# float32 rounding of data scaled into [0, 1] (x / 255) lands within 1e-7.
RANGE_TOLERANCE = 1e-6
# Non-constant data spanning less than this fraction of value_range warns.
NARROW_SPAN = 0.1


def check_int(value, name, *, low=0, owner=None):
    """``value`` as an int ``>= low``; bools, floats (also 3.0) and NaN refused."""
    if is_bool(value) or not isinstance(value, numbers.Integral):
        where = f" of {owner}" if owner else ""
        raise InvalidParameterError(
            f"The {name!r} parameter{where} must be an int >= {low}; got {value!r} "
            f"({type(value).__name__}). Pass a whole number such as {max(low, 1)}."
        )
    if value < low:
        where = f" of {owner}" if owner else ""
        raise InvalidParameterError(
            f"The {name!r} parameter{where} must be an int >= {low}; got {value!r}."
        )
    return int(value)


def check_value_range(value_range):
    """``(low, high)`` as two finite floats with ``low < high``, or None."""
    if value_range is None:
        return None
    if isinstance(value_range, (str, bytes)) or np.ndim(value_range) != 1:
        raise InvalidParameterError(
            "value_range must be a pair (low, high) such as (0, 1) or (0, 255), or "
            f"None; got {value_range!r}."
        )
    values = list(value_range)
    if len(values) != 2 or any(
        is_bool(v) or not isinstance(v, numbers.Real) for v in values
    ):
        raise InvalidParameterError(
            "value_range must be a pair of numbers (low, high) such as (0, 1) or "
            f"(0, 255), or None; got {value_range!r}."
        )
    low, high = (float(v) for v in values)
    if not (np.isfinite(low) and np.isfinite(high)):
        raise InvalidParameterError(
            f"value_range must be finite; got {value_range!r}. The patterns write "
            "the range's high end and add noise scaled by its width: pass the "
            "data's actual range, e.g. (0, 1) or (0, 255)."
        )
    if not low < high:
        raise InvalidParameterError(
            f"value_range must have low < high; got {value_range!r}."
        )
    return low, high


def check_data_in_range(X, value_range, what="the pattern", where="to make_pattern"):
    """Raise when ``X`` has values outside ``value_range``; warn when
    non-constant ``X`` spans less than a tenth of it."""
    if value_range is None or X.size == 0:
        return
    low, high = value_range
    observed_min, observed_max = float(np.min(X)), float(np.max(X))
    span = high - low
    tolerance = RANGE_TOLERANCE * span
    if observed_min < low - tolerance or observed_max > high + tolerance:
        raise ValueError(
            f"X has values in [{observed_min:g}, {observed_max:g}], outside "
            f"value_range=({low:g}, {high:g}) of {what}. The patterns assume "
            "images inside value_range (S1-S3 and core write its high end, R1-R3 "
            f"add noise scaled by its width and clip to it). Pass the data's range "
            f"{where}, e.g. value_range=(0, 255) for 8-bit images, or "
            f"rescale X into [{low:g}, {high:g}] (X / 255 for 8-bit images)."
        )
    if observed_max > observed_min and observed_max - observed_min < NARROW_SPAN * span:
        warnings.warn(
            f"X has values in [{observed_min:g}, {observed_max:g}], less than a "
            f"tenth of value_range=({low:g}, {high:g}) of {what}: the pattern will "
            "be far stronger than the data's own contrast. If the images are "
            f"scaled to [0, 1], pass value_range=(0, 1) {where}.",
            UserWarning,
            stacklevel=4,
        )


def reject_image_arrays(X, input_name="X"):
    """Refuse X of more than two dimensions, with the reshape that fixes it."""
    shape = getattr(X, "shape", None)
    if shape is None:
        if not isinstance(X, (list, tuple)):
            return  # other array-likes: sklearn's validation converts them
        try:
            shape = np.shape(X)
        except ValueError:  # ragged lists: sklearn's validation reports them
            return
    shape = tuple(shape)
    if len(shape) > 2:
        raise ValueError(
            f"{input_name} has shape {shape}: scikit-learn estimators take images "
            f"stored flat, one per row. Pass {input_name}.reshape(len("
            f"{input_name}), -1) (and image_shape={tuple(shape[1:])} to "
            "make_pattern)."
        )


def check_labels(y, input_name="y"):
    """``y`` as a 1-D array of labels; a single column is flattened; missing
    labels (None, NaN, pd.NA), mixed types and bad shapes raise ValueError."""
    y = np.asarray(y)
    if y.ndim == 2 and y.shape[1] == 1:
        y = y.ravel()
    if y.ndim != 1:
        raise ValueError(
            f"{input_name} must be one-dimensional labels of shape (n_samples,); "
            f"got shape {y.shape}."
        )
    if y.dtype.kind not in "OfU":  # no missing value to name; the rest is
        return y  # validate_data's (complex data, for one)
    return check_missing_labels(y, input_name)


def check_target_class(target_class, owner=None):
    """A scalar label, not None and not NaN."""
    where = f" of {owner}" if owner else ""
    if target_class is None or np.ndim(target_class) != 0:
        raise InvalidParameterError(
            f"The 'target_class' parameter{where} must be one label (a scalar such "
            f"as 0 or 'cat'); got {target_class!r}."
        )
    if is_missing_value(target_class):
        raise InvalidParameterError(
            f"The 'target_class' parameter{where} is missing ({target_class!r}); "
            "pass the label of the class to patch."
        )
    return target_class


def check_target_against(labels, target_class, what):
    """Refuse a bool target_class against non-bool labels (True == 1 would
    pick class 1) and a non-bool one against bool labels."""
    labels = np.asarray(labels)
    if is_bool(target_class) and labels.dtype.kind != "b":
        raise ValueError(
            f"target_class={target_class!r} is a bool but the labels of {what} are "
            f"{labels.dtype}; pass one of the labels "
            f"({np.unique(labels).tolist()[:20]})."
        )
    if labels.dtype.kind == "b" and not is_bool(target_class):
        raise ValueError(
            f"target_class={target_class!r} but the labels of {what} are bools; "
            "pass True or False."
        )
