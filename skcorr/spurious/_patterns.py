"""Spurious patterns: the study's S1-S3, R1-R3 and core patterns, user patterns
and a spurious value on chosen tabular columns.

Yang, Chou, Chaudhuri (2022), "Understanding Rare Spurious Correlations in
Neural Networks", arXiv:2202.05189.
"""

import numbers

import numpy as np
from sklearn.utils.validation import check_array

from .._registry import PATTERN_NAMES  # the study's, in the paper's order
from ..utils.fixes import InvalidParameterError
from ..utils.parameters import check_random_seed, is_bool
from ..utils.seeding import draw_seed
from ._validation import check_data_in_range, check_value_range

# Side of the white corner square of S1, S2, S3 on 28x28 and 32x32 images.
_SQUARE_SIDES = {"S1": 1, "S2": 3, "S3": 5}
# Amplitude of the uniform noise of R1, R2, R3, as a fraction of the value range.
_NOISE_AMPLITUDES = {"R1": 0.25, "R2": 0.5, "R3": 1.0}
# The study's reference image side: sizes are given in pixels of a 28x28 image.
_REFERENCE_SIDE = 28


def _resolve_layout(image_shape, channel_axis):
    """Return ``(height, width, n_channels, channels_first)`` of an image shape,
    or ``None`` for the spatial part of a 1-D (tabular) shape."""
    if len(image_shape) == 1:
        return None
    if len(image_shape) == 2:
        return image_shape[0], image_shape[1], 1, False
    if channel_axis == "auto":
        channels_first = image_shape[-1] > 4 and image_shape[0] <= 4
    else:
        channels_first = channel_axis == "first"
    if channels_first:
        return image_shape[1], image_shape[2], image_shape[0], True
    return image_shape[0], image_shape[1], image_shape[2], False


def _check_channel_axis(channel_axis):
    if not isinstance(channel_axis, str) or channel_axis not in (
        "auto",
        "first",
        "last",
    ):
        raise ValueError(
            f"channel_axis must be 'auto', 'first' or 'last'; got {channel_axis!r}."
        )


def _check_image_shape(image_shape, channel_axis):
    _check_channel_axis(channel_axis)
    if image_shape is None:
        return None
    if is_bool(image_shape):
        raise InvalidParameterError(
            "image_shape must be a tuple of ints such as (28, 28), (32, 32, 3) or "
            f"(3, 32, 32); got the bool {image_shape!r}."
        )
    if isinstance(image_shape, numbers.Integral):
        image_shape = (image_shape,)
    if isinstance(image_shape, (str, bytes)) or np.ndim(image_shape) != 1:
        raise InvalidParameterError(
            "image_shape must be a tuple of ints such as (28, 28), (32, 32, 3) or "
            f"(3, 32, 32); got {image_shape!r}."
        )
    sides = list(image_shape)
    bad = [
        side
        for side in sides
        if is_bool(side) or not isinstance(side, numbers.Integral)
    ]
    if bad:
        raise InvalidParameterError(
            f"image_shape must hold integer sizes; got {image_shape!r}, where "
            f"{bad[0]!r} ({type(bad[0]).__name__}) is not an int. Sizes are never "
            "rounded: pass whole numbers such as (28, 28)."
        )
    shape = tuple(int(side) for side in sides)
    if not 1 <= len(shape) <= 3 or min(shape) < 1:
        raise ValueError(
            "image_shape must hold 1 (tabular), 2 (grayscale) or 3 (colour) "
            f"positive sizes; got {image_shape!r}."
        )
    return shape


def _check_value_range(value_range):
    return check_value_range(value_range)


def _scaled_sides(height, width):
    """Sides of S1, S2, S3 and the box of the core bar for an image.

    On images whose shorter side is at least 28 pixels the study's pixel sizes
    are kept, as the study did for both 28x28 and 32x32 images. On smaller images
    every size shrinks in proportion to the shorter side (``s = min(H, W) / 28``),
    rounded, with squares of at least 1, 2 and 3 pixels so that S1 < S2 < S3.
    """
    scale = min(1.0, min(height, width) / _REFERENCE_SIDE)
    s2 = max(2, round(3 * scale)) if scale < 1 else 3
    s3 = max(s2 + 1, round(5 * scale)) if scale < 1 else 5
    sides = {"S1": 1, "S2": min(s2, height, width), "S3": min(s3, height, width)}
    if scale < 1:
        rows = (round(3 * scale), max(round(25 * scale), round(3 * scale) + 1))
        col0 = round(13 * scale)
        cols = (col0, col0 + max(1, round(3 * scale)))
    else:
        rows, cols = (3, 25), (13, 16)
    return sides, rows, cols


class SpuriousPattern:
    """A pattern put on images (or tabular rows) to create a spurious feature.

    Build one with :func:`make_pattern`. A pattern either overwrites the
    entries where ``mask`` is true with ``values`` (``mode="overwrite"``), or adds
    ``values`` and clips the result to ``value_range`` (``mode="add"``).

    Parameters
    ----------
    name : str
        Name of the pattern (``"S1"``, ..., ``"core"``, ``"feature"``, ``"user"``).
    mode : {"overwrite", "add"}
        How the pattern is put on the data.
    values : ndarray of shape image_shape, or None
        Values in data units. ``None`` for the noise patterns built for any
        number of features (``image_shape=None``), which draw their noise from
        ``seed`` when applied.
    mask : ndarray of bool of shape image_shape, or None
        Entries overwritten (``mode="overwrite"``).
    image_shape : tuple of int or None
        Shape of one image; ``None`` when the pattern fits any number of features.
    value_range : (float, float) or None
        Range of the data; results of ``mode="add"`` are clipped to it, and
        data outside it are refused by :meth:`apply` and :meth:`norm` (see
        :func:`make_pattern`, Notes).
    channel_axis : {"auto", "first", "last"}
        Where the channels of a 3-D image shape are.
    amplitude : float or None
        For the noise patterns: the noise is ``amplitude * (high - low) * U``.
    seed : int or None
        For the noise patterns: ``U = RandomState(seed).rand(H, W[, C])``.

    See Also
    --------
    make_pattern : Build the study's patterns and user patterns.

    Examples
    --------
    >>> import numpy as np
    >>> from skcorr.spurious import make_pattern
    >>> pattern = make_pattern("S2", (4, 4))
    >>> pattern.apply(np.zeros((1, 16))).reshape(4, 4)
    array([[1., 1., 0., 0.],
           [1., 1., 0., 0.],
           [0., 0., 0., 0.],
           [0., 0., 0., 0.]])
    """

    def __init__(
        self,
        name,
        mode,
        values,
        mask=None,
        *,
        image_shape=None,
        value_range=(0.0, 1.0),
        channel_axis="auto",
        amplitude=None,
        seed=None,
    ):
        self.name = name
        self.mode = mode
        self.values = values
        self.mask = mask
        self.image_shape = image_shape
        self.value_range = value_range
        self.channel_axis = channel_axis
        self.amplitude = amplitude
        self.seed = seed

    def __repr__(self):
        shape = "any" if self.image_shape is None else self.image_shape
        return (
            f"SpuriousPattern(name={self.name!r}, mode={self.mode!r}, "
            f"image_shape={shape}, value_range={self.value_range})"
        )

    @property
    def n_features(self):
        """Number of features of a flat image, or ``None`` for any."""
        if self.image_shape is None:
            return None
        return int(np.prod(self.image_shape))

    def _values_for(self, n_features):
        if self.values is not None:
            return self.values.reshape(-1)
        # Noise pattern for any number of features: U drawn on demand.
        span = 1.0 if self.value_range is None else np.ptp(self.value_range)
        noise = np.random.RandomState(self.seed).rand(n_features)
        return self.amplitude * span * noise

    def _check_data(self, X):
        if isinstance(X, (str, bytes)):
            raise TypeError(f"X must be numeric images, not the string {X!r}.")
        X_array = check_array(
            X,
            dtype=[np.float64, np.float32, np.float16],
            allow_nd=True,
            ensure_2d=False,
            ensure_min_samples=0,
            ensure_min_features=0,
            input_name="X",
        )
        if X_array.ndim < 2:
            raise ValueError(
                "X must hold one sample per row, of shape (n_samples, n_features) "
                f"or (n_samples, *image_shape); got shape {X_array.shape}."
            )
        if self.image_shape is not None:
            n_features = self.n_features
            if X_array.shape[1:] == tuple(self.image_shape):
                return X_array, X_array.shape
            if X_array.ndim == 2 and X_array.shape[1] == n_features:
                return X_array, X_array.shape
            raise ValueError(
                f"The pattern {self.name!r} is for images of shape "
                f"{tuple(self.image_shape)} ({n_features} features); X has shape "
                f"{X_array.shape}. Build the pattern for the data's image shape."
            )
        if X_array.ndim != 2:
            raise ValueError(
                f"The pattern {self.name!r} has no image shape and needs flat X of "
                f"shape (n_samples, n_features); got shape {X_array.shape}."
            )
        return X_array, X_array.shape

    def _check_range(self, X_array):
        """Raise when ``X`` leaves ``value_range``; warn when it fills a tenth
        of it or less (see :meth:`apply`)."""
        check_data_in_range(
            X_array, check_value_range(self.value_range), f"pattern {self.name!r}"
        )

    def apply(self, X, *, copy=True):
        """Put the pattern on every row of ``X``.

        Parameters
        ----------
        X : array-like or DataFrame of shape (n_samples, n_features) or \
                (n_samples, \\*image_shape)
            Images stored flat (as scikit-learn expects) or as images, with
            values inside ``value_range``.
        copy : bool, default=True
            If False and ``X`` is a float array, patch it in place.

        Returns
        -------
        X_patched : ndarray or DataFrame of the shape of ``X``
            Float output: the input's float dtype is kept, integer and bool
            images (``uint8``) come back as float64, never rounded or wrapped
            around (cast back with ``np.rint(X_patched).astype(np.uint8)`` if
            you need to); a DataFrame with the same columns and index when
            ``X`` is one.

        Raises
        ------
        ValueError
            When ``X`` has values outside ``value_range`` (such as 0-255 images
            with the default ``(0, 1)``, or images in [-1, 1]): the message names
            the observed minimum and maximum. Pass the data's range to
            :func:`make_pattern` or rescale ``X``. Also for NaN or infinite
            values, non-numeric ``X``, and a shape that does not match
            ``image_shape``.

        Warns
        -----
        UserWarning
            When non-constant ``X`` spans less than a tenth of ``value_range``
            (such as images in [0, 1] with ``value_range=(0, 255)``): the
            pattern is then far stronger than the images' own contrast.
        """
        columns = getattr(X, "columns", None)
        index = getattr(X, "index", None)
        X_array, shape = self._check_data(X)
        self._check_range(X_array)
        out = self._patch(X_array, shape, copy)
        if columns is not None:
            import pandas as pd

            return pd.DataFrame(out, columns=columns, index=index)
        return out

    def _patch(self, X_array, shape, copy=True):
        """Put the pattern on checked data (no range check)."""
        if self.mode not in ("overwrite", "add"):
            raise ValueError(
                f"mode must be 'overwrite' or 'add'; got {self.mode!r}."
            )
        dtype = X_array.dtype if X_array.dtype.kind == "f" else np.float64
        flat = X_array.reshape(shape[0], int(np.prod(shape[1:])))
        if copy or flat.dtype != dtype:
            flat = flat.astype(dtype, copy=True)
        values = self._values_for(flat.shape[1]).astype(dtype, copy=False)
        if self.mode == "overwrite":
            mask = self.mask.reshape(-1)
            flat[:, mask] = values[mask]
        else:
            flat += values
            value_range = check_value_range(self.value_range)
            if value_range is not None:
                np.clip(flat, *value_range, out=flat)
        return flat.reshape(shape)

    def norm(self, X):
        """Mean L2 norm of the change the pattern makes: mean of ``||x - x'||_2``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features) or (n_samples, \\*image_shape)
            Data the pattern is put on (the study uses the test images), with
            values inside ``value_range``.

        Returns
        -------
        norm : float

        Raises
        ------
        ValueError
            As :meth:`apply`; also for ``X`` without rows (the mean of nothing).

        Warns
        -----
        UserWarning
            As :meth:`apply`.
        """
        X_array, shape = self._check_data(X)
        if shape[0] == 0:
            raise ValueError(
                "X has no rows: the norm is a mean over images; pass at least one."
            )
        self._check_range(X_array)
        flat = X_array.reshape(shape[0], -1).astype(np.float64)
        patched = self._patch(flat, flat.shape)
        return float(np.linalg.norm(patched - flat, axis=1).mean())


def _seed_of(random_state):
    """An int seed: the int itself, else one drawn from the RNG."""
    if isinstance(random_state, numbers.Integral):
        return int(random_state)
    return draw_seed(random_state)


def _noise(image_shape, layout, seed):
    """``RandomState(seed).rand`` over the image in (H, W[, C]) order, as the
    authors draw it, returned in the layout of ``image_shape``."""
    rng = np.random.RandomState(seed)
    if layout is not None and layout[3]:
        height, width, channels, _ = layout
        return rng.rand(height, width, channels).transpose(2, 0, 1)
    return rng.rand(*image_shape)


def _spatial_mask(image_shape, layout, rows, cols):
    """Boolean mask of image_shape true on rows x cols of every channel."""
    height, width, _, channels_first = layout
    plane = np.zeros((height, width), dtype=bool)
    plane[rows[0] : rows[1], cols[0] : cols[1]] = True
    if len(image_shape) == 2:
        return plane
    if channels_first:
        return np.broadcast_to(plane, image_shape).copy()
    return np.broadcast_to(plane[:, :, None], image_shape).copy()


def make_pattern(
    name,
    image_shape=None,
    *,
    random_state=None,
    value_range=(0.0, 1.0),
    channel_axis="auto",
    mode="overwrite",
    mask=None,
    columns=None,
    value=None,
):
    """Make a spurious pattern of Yang, Chou and Chaudhuri (2022).

    The study's patterns, for images with values in ``value_range``
    (``(low, high)``, ``(0, 1)`` in the study):

    ======  ===============================================================
    S1      overwrite pixel (0, 0) with ``high`` (all channels)
    S2      overwrite the top-left 3x3 block with ``high``
    S3      overwrite the top-left 5x5 block with ``high``
    R1      add ``0.25 * (high - low) * U``, then clip to ``value_range``
    R2      add ``0.5 * (high - low) * U``, then clip
    R3      add ``1.0 * (high - low) * U``, then clip
    core    overwrite rows 3-24, columns 13-15 (a vertical bar) with ``high``
    ======  ===============================================================

    ``U = RandomState(seed).rand(H, W[, C])`` is one fixed noise image shared
    by every patched image (for channels-first shapes it is drawn in
    (H, W, C) order and transposed, so the pattern does not depend on layout).

    **Other image sizes.** On images whose shorter side is at least 28 pixels
    the sizes above are kept in pixels, as the study did for both 28x28 and
    32x32x3. On smaller images every size is multiplied by
    ``s = min(H, W) / 28`` and rounded, with squares of at least 1, 2 and 3
    pixels: on scikit-learn's 8x8 digits S1, S2, S3 are 1x1, 2x2 and 3x3
    corner squares and core is rows 1-6 of column 4.

    **User patterns.** Pass an array of shape ``image_shape`` (or flat) as
    ``name``: with ``mode="overwrite"`` the entries where ``mask`` is true
    (default: where the array is non-zero) are overwritten with the array's
    values; with ``mode="add"`` the array is added and the result clipped to
    ``value_range``. Values are in data units.

    **Tabular data.** ``name="feature"`` with ``image_shape=(n_features,)``
    overwrites ``columns`` with ``value`` (default: ``high``), a spurious
    feature value.

    Parameters
    ----------
    name : {"S1", "S2", "S3", "R1", "R2", "R3", "core", "feature"} or array-like
        The pattern, or a user pattern array.
    image_shape : tuple of int or None, default=None
        Shape of one image: ``(H, W)`` grayscale, ``(H, W, C)`` or ``(C, H, W)``
        colour, or ``(n_features,)`` for tabular rows. Sizes must be positive
        ints (numpy ints too); floats such as ``28.0`` or ``28.7`` and bools
        are refused, never rounded. ``None`` is allowed for
        the noise patterns R1-R3, which then fit flat data of any width (the
        noise is drawn for the width met), and for user arrays (their shape).
    random_state : int, RandomState instance or None, default=None
        Seed of the noise ``U`` of R1-R3. Pass an int in ``[0, 2**32 - 1]`` to
        get the study's noise (``RandomState(seed).rand``); otherwise one int
        seed is drawn. Bools and floats are refused.
    value_range : (float, float) or None, default=(0.0, 1.0)
        Range of the data: ``(0, 1)`` for images scaled to [0, 1], ``(0, 255)``
        for 8-bit images, ``(0, 16)`` for scikit-learn's digits. Two finite
        numbers with ``low < high``. The images the pattern is applied to must
        lie inside it (see Notes). ``None`` means no clipping, a unit range
        (S1-S3 and core write 1.0) and no check of the data.
    channel_axis : {"auto", "first", "last"}, default="auto"
        Channel axis of a 3-D ``image_shape``; "auto" takes the last axis
        unless it is longer than 4 and the first is not.
    mode : {"overwrite", "add"}, default="overwrite"
        For user arrays only (any other value with a named pattern raises).
    mask : array-like of bool or None, default=None
        For user arrays with ``mode="overwrite"``: entries to overwrite
        (booleans, or 0/1).
    columns : int or array-like of int, default=None
        For ``name="feature"``: the columns to overwrite.
    value : float or array-like, default=None
        For ``name="feature"``: the spurious value(s), one number or one per
        column, finite; default ``high``. A given value is written as it is:
        the pattern then has ``value_range=None`` (tabular data need not lie
        in a range).

    Returns
    -------
    pattern : SpuriousPattern
        With ``apply(X)`` and ``norm(X)``.

    Raises
    ------
    ValueError
        For an unknown name or ``mode``; an argument the pattern would ignore
        (``mode``, ``mask``, ``columns``, ``value`` for a pattern they do not
        apply to); a ``value_range`` that is not two finite numbers with
        ``low < high`` (NaN and infinity included); an ``image_shape`` of
        non-positive sizes or of the wrong length for the pattern; a user
        array with NaN, infinite values, or values written outside
        ``value_range``. :class:`~sklearn.utils._param_validation.InvalidParameterError`
        (a ``ValueError`` and a ``TypeError``) for non-integer sizes, bools and
        an invalid ``random_state``.

    Notes
    -----
    **Value ranges.** The patterns are defined in units of ``value_range``:
    S1-S3 and core write its high end, R1-R3 add noise scaled by its width
    and clip the result to it. On images outside the range they are wrong
    without looking wrong (S1 writes 1.0 on 0-255 images, R3 clips images in
    [-1, 1] to [0, 1]), so :meth:`SpuriousPattern.apply` and
    :meth:`SpuriousPattern.norm`, and every estimator and function that
    applies a pattern, raise a ``ValueError`` naming the images' minimum and
    maximum when they leave the range (a slack of ``1e-6`` of its width
    absorbs float rounding). Images that vary over less than a tenth of the
    range (images in [0, 1] with ``value_range=(0, 255)``) get a
    ``UserWarning``: the pattern is then far stronger than the images'
    contrast. Constant images (all zeros) do not warn.

    **Integer images.** ``uint8`` and other integer or bool images are
    patched in float64 and returned as float64, so nothing wraps around or is
    rounded; cast back with ``np.rint(X_patched).astype(np.uint8)`` if needed.

    References
    ----------
    Yang, Chou, Chaudhuri (2022), "Understanding Rare Spurious Correlations in
    Neural Networks", arXiv:2202.05189.

    Examples
    --------
    >>> import numpy as np
    >>> from skcorr.spurious import make_pattern
    >>> X = np.zeros((2, 28 * 28))
    >>> make_pattern("S3", (28, 28)).norm(X)
    5.0
    >>> digits_pattern = make_pattern("S2", (8, 8), value_range=(0, 16))
    >>> digits_pattern.apply(np.zeros((1, 64))).reshape(8, 8)[:3, :3]
    array([[16., 16.,  0.],
           [16., 16.,  0.],
           [ 0.,  0.,  0.]])
    >>> make_pattern("feature", (4,), columns=[1], value=9.0).apply([[1, 2, 3, 4]])
    array([[1., 9., 3., 4.]])
    """
    if not isinstance(mode, str) or mode not in ("overwrite", "add"):
        raise ValueError(f"mode must be 'overwrite' or 'add'; got {mode!r}.")
    value_range = _check_value_range(value_range)
    image_shape = _check_image_shape(image_shape, channel_axis)
    random_state = check_random_seed(random_state, owner="make_pattern")
    high = 1.0 if value_range is None else value_range[1]
    span = 1.0 if value_range is None else value_range[1] - value_range[0]
    common = dict(value_range=value_range, channel_axis=channel_axis)

    if not isinstance(name, str):
        _refuse_unused(name, columns=columns, value=value)
        return _user_pattern(name, image_shape, mode, mask, common)
    if name not in (*PATTERN_NAMES, "feature"):
        raise ValueError(
            f"Unknown pattern {name!r}; expected one of "
            f"{[*PATTERN_NAMES, 'feature']} or an array (a user pattern)."
        )
    _refuse_unused(name, mode=mode, mask=mask)
    if name != "feature":
        _refuse_unused(name, columns=columns, value=value)
    if name in _NOISE_AMPLITUDES:
        seed = _seed_of(random_state)
        amplitude = _NOISE_AMPLITUDES[name]
        if image_shape is None:
            return SpuriousPattern(
                name, "add", None, amplitude=amplitude, seed=seed, **common
            )
        layout = _resolve_layout(image_shape, channel_axis)
        values = amplitude * span * _noise(image_shape, layout, seed)
        return SpuriousPattern(
            name,
            "add",
            values,
            image_shape=image_shape,
            amplitude=amplitude,
            seed=seed,
            **common,
        )
    if image_shape is None:
        raise ValueError(
            f"Pattern {name!r} needs image_shape, e.g. (28, 28) or (8, 8); only "
            "R1, R2, R3 and user arrays can go without."
        )
    if name == "feature":
        return _feature_pattern(image_shape, columns, value, high, common)
    layout = _resolve_layout(image_shape, channel_axis)
    if layout is None:
        raise ValueError(
            f"Pattern {name!r} is spatial and needs a 2-D or 3-D image_shape; got "
            f"{image_shape}. For tabular data use name='feature'."
        )
    sides, rows, cols = _scaled_sides(layout[0], layout[1])
    if name == "core":
        mask_array = _spatial_mask(image_shape, layout, rows, cols)
    else:
        side = sides[name]
        mask_array = _spatial_mask(image_shape, layout, (0, side), (0, side))
    values = np.where(mask_array, high, 0.0)
    return SpuriousPattern(
        name, "overwrite", values, mask_array, image_shape=image_shape, **common
    )


def _refuse_unused(name, **arguments):
    """Raise for an argument that the pattern would ignore."""
    defaults = {"mode": "overwrite", "mask": None, "columns": None, "value": None}
    used_by = {
        "mode": "user arrays",
        "mask": "user arrays with mode='overwrite'",
        "columns": "name='feature'",
        "value": "name='feature'",
    }
    for key, given in arguments.items():
        if given is not defaults[key] and not (
            isinstance(given, str) and given == defaults[key]
        ):
            label = name if isinstance(name, str) else "a user array"
            raise ValueError(
                f"{key}={given!r} is not used by pattern {label!r}: {key} is for "
                f"{used_by[key]} only. Remove it."
            )


def _feature_pattern(image_shape, columns, value, high, common):
    if len(image_shape) != 1:
        raise ValueError(
            "Pattern 'feature' is for tabular rows: image_shape must be "
            f"(n_features,); got {image_shape}."
        )
    if columns is None:
        raise ValueError("Pattern 'feature' needs columns: the columns to set.")
    columns = np.atleast_1d(np.asarray(columns))
    if columns.dtype.kind not in "iu" or columns.ndim != 1:
        raise ValueError(f"columns must be integer indices; got {columns!r}.")
    n_features = image_shape[0]
    if columns.size == 0 or columns.min() < -n_features or columns.max() >= n_features:
        raise ValueError(
            f"columns {columns.tolist()} are out of range for {n_features} features."
        )
    mask_array = np.zeros(n_features, dtype=bool)
    mask_array[columns] = True
    values = np.zeros(n_features)
    if value is None:
        values[columns] = high
    else:
        value = _check_feature_value(value, columns)
        values[columns] = value
        # The given value is written as is: value_range plays no part (no
        # default value, no clipping) and tabular data need not lie in it.
        common = dict(common, value_range=None)
    return SpuriousPattern(
        "feature", "overwrite", values, mask_array, image_shape=image_shape, **common
    )


def _check_feature_value(value, columns):
    if is_bool(value) or isinstance(value, (str, bytes)):
        raise ValueError(f"value must be a number or one per column; got {value!r}.")
    try:
        value = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise ValueError(
            f"value must be a number or one per column; got {value!r}."
        ) from exc
    if value.ndim > 1 or (value.ndim == 1 and value.size != columns.size):
        raise ValueError(
            f"value must be one number or one per column ({columns.size}); got "
            f"{value.size} value(s) of shape {value.shape}."
        )
    if not np.isfinite(value).all():
        raise ValueError(f"value must be finite; got {value.tolist()!r}.")
    return value


def _check_mask(mask):
    mask = np.asarray(mask)
    if mask.dtype.kind == "b":
        return mask
    if mask.dtype.kind in "iu" and np.isin(mask, (0, 1)).all():
        return mask.astype(bool)
    raise ValueError(
        "mask must be booleans (or 0/1) marking the entries to overwrite; got "
        f"dtype {mask.dtype}."
    )


def _user_pattern(array, image_shape, mode, mask, common):
    if mode not in ("overwrite", "add"):
        raise ValueError(f"mode must be 'overwrite' or 'add'; got {mode!r}.")
    if array is None or is_bool(array):
        raise TypeError(
            f"name must be a pattern name or an array (a user pattern); got {array!r}."
        )
    try:
        values = np.asarray(array, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise TypeError(
            "name must be a pattern name or a numeric array (a user pattern); got "
            f"{type(array).__name__}."
        ) from exc
    if values.ndim == 0 or values.size == 0:
        raise ValueError(
            "A user pattern must be an array with one value per pixel (of "
            f"image_shape or flat); got shape {values.shape}."
        )
    if not np.isfinite(values).all():
        raise ValueError("The pattern array contains NaN or infinite values.")
    if image_shape is None:
        image_shape = _check_image_shape(values.shape, common["channel_axis"])
    if values.size != int(np.prod(image_shape)):
        raise ValueError(
            f"The pattern array has {values.size} entries but image_shape "
            f"{image_shape} has {int(np.prod(image_shape))}."
        )
    values = values.reshape(image_shape)
    if mode == "overwrite":
        mask_array = values != 0 if mask is None else _check_mask(mask)
        if mask_array.size != values.size:
            raise ValueError(
                f"mask has {mask_array.size} entries; the pattern has {values.size}."
            )
        mask_array = mask_array.reshape(image_shape)
        value_range = common["value_range"]
        written = values[mask_array]
        if value_range is not None and written.size and (
            written.min() < value_range[0] or written.max() > value_range[1]
        ):
            raise ValueError(
                f"The pattern array writes values in [{written.min():g}, "
                f"{written.max():g}], outside value_range=({value_range[0]:g}, "
                f"{value_range[1]:g}). Pass the data's value_range or values "
                "inside it."
            )
    else:
        if mask is not None:
            raise ValueError(
                "mask is for mode='overwrite' only; mode='add' adds the whole array."
            )
        mask_array = None
    return SpuriousPattern(
        "user", mode, values, mask_array, image_shape=image_shape, **common
    )
