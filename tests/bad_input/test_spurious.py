"""Bad input to skcorr.spurious: value ranges, integer parameters, labels,
seeds and image-shaped X, at every entry point that applies a pattern.

doc/user_guide/bad_input.rst ("Spurious patterns") is the table of what these
tests assert.
"""

import ast
import pathlib
import warnings

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression, SGDClassifier
from sklearn.utils._param_validation import InvalidParameterError

from skcorr import spurious
from skcorr.spurious import (
    PATTERN_NAMES,
    SpuriousInjectionClassifier,
    SpuriousInjector,
    SpuriousPatternTransformer,
    incremental_retraining,
    influence_removal,
    make_pattern,
    make_spurious_scorer,
    run_spurious_study,
    spurious_score,
    spurious_significance,
)

pd = pytest.importorskip("pandas")

rng = np.random.RandomState(0)
N = 40
LABELS = np.arange(N) % 2
UNIT = rng.rand(N, 16)  # 4x4 images in [0, 1]
UNIT[0, 0], UNIT[1, 1] = 0.0, 1.0  # the full range is met
BYTES = np.round(UNIT * 255).astype(np.uint8)  # the same images, 8-bit
SIGNED = UNIT * 2 - 1  # images in [-1, 1]
S1 = make_pattern("S1", (4, 4))
MODEL = LogisticRegression().fit(UNIT, LABELS)
SGD = SGDClassifier(loss="log_loss", random_state=0).fit(UNIT, LABELS)

OUTSIDE = r"X has values in \[0, 255\], outside value_range=\(0, 1\)"
OUTSIDE_HINT = r"value_range=\(0, 255\) for 8-bit images, or rescale X"


def _quiet_study(**params):
    defaults = dict(dataset=(UNIT, LABELS, (4, 4)), patterns=("S1",),
                    n_examples=(0, 1), n_seeds=1, models=("logistic",))
    return run_spurious_study(**{**defaults, **params})


# ------------------------------------------------------------ value ranges
@pytest.mark.parametrize(
    "value_range, match",
    [
        ((0, np.inf), "value_range must be finite"),
        ((-np.inf, 1), "value_range must be finite"),
        ((np.nan, 1), "value_range must be finite"),
        ((0, np.nan), "value_range must be finite"),
        ((1, 1), "low < high"),
        ((2, 1), "low < high"),
        (("a", 1), "pair of numbers"),
        ((True, 2), "pair of numbers"),
        ((0, 1, 2), "pair of numbers"),
        ((1,), "pair of numbers"),
        (True, r"pair \(low, high\)"),
        ("01", r"pair \(low, high\)"),
        (1.0, r"pair \(low, high\)"),
    ],
)
def test_value_range_must_be_two_finite_increasing_numbers(value_range, match):
    for name in ("S1", "R3", "core"):
        with pytest.raises(ValueError, match=match):
            make_pattern(name, (4, 4), value_range=value_range, random_state=0)


def test_value_range_of_numpy_numbers_is_the_same_range():
    X = BYTES.astype(np.float64)
    expected = make_pattern("R2", (4, 4), value_range=(0, 255), random_state=3)
    for value_range in (np.array([0, 255]), (np.float32(0), np.int64(255))):
        pattern = make_pattern("R2", (4, 4), value_range=value_range,
                               random_state=3)
        assert pattern.value_range == (0.0, 255.0)
        # the same computation on the same data: bit-identical
        np.testing.assert_array_equal(pattern.apply(X), expected.apply(X))


@pytest.mark.parametrize("name", PATTERN_NAMES)
def test_every_pattern_refuses_8bit_images_with_the_unit_range(name):
    pattern = make_pattern(name, (4, 4), random_state=0)
    for call in (pattern.apply, pattern.norm):
        with pytest.raises(ValueError, match=OUTSIDE + ".*" + OUTSIDE_HINT):
            call(BYTES)
        with pytest.raises(ValueError, match=OUTSIDE):
            call(BYTES.astype(np.float32))


@pytest.mark.parametrize("name", PATTERN_NAMES)
def test_every_pattern_refuses_signed_images_with_the_unit_range(name):
    # R3 used to clip such images to [0, 1] without a word
    pattern = make_pattern(name, (4, 4), random_state=0)
    with pytest.raises(ValueError, match=r"X has values in \[-1, 1\], outside "
                                         r"value_range=\(0, 1\)"):
        pattern.apply(SIGNED)


def test_user_and_feature_patterns_check_the_range_too():
    user = make_pattern(np.full((4, 4), 0.5), mode="add")
    with pytest.raises(ValueError, match=OUTSIDE):
        user.apply(BYTES)
    default_value = make_pattern("feature", (16,), columns=[0])
    with pytest.raises(ValueError, match=OUTSIDE):
        default_value.apply(BYTES)
    # a given value is written as is: tabular data need no range
    given = make_pattern("feature", (16,), columns=[0], value=-3.0)
    assert given.value_range is None
    out = given.apply(SIGNED * 100)
    np.testing.assert_array_equal(out[:, 0], -3.0)
    np.testing.assert_array_equal(out[:, 1:], SIGNED[:, 1:] * 100)


def test_user_array_writing_outside_the_range_is_refused():
    with pytest.raises(ValueError, match=r"writes values in \[2, 2\], outside "
                                         r"value_range=\(0, 1\)"):
        make_pattern(np.full((4, 4), 2.0))
    # inside the declared range it is fine
    pattern = make_pattern(np.full((4, 4), 2.0), value_range=(0, 255))
    np.testing.assert_array_equal(pattern.apply(BYTES), 2.0)


def test_float_rounding_at_the_range_ends_is_accepted():
    X = np.full((2, 16), 0.5)
    X[0, 3] = 1.0 + 1e-9
    X[1, 3] = -1e-9
    out = S1.apply(X)
    assert out[0, 0] == 1.0
    scaled = (BYTES / np.float32(255)).astype(np.float32)  # float32 x / 255
    assert S1.apply(scaled).dtype == np.float32
    X[0, 3] = 1.0 + 1e-3  # beyond the slack of 1e-6 of the width
    with pytest.raises(ValueError, match=r"X has values in \[-1e-09, 1.001\]"):
        S1.apply(X)


def test_8bit_images_with_their_range_are_patched_in_float_without_wrapping():
    pattern = make_pattern("R3", (4, 4), value_range=(0, 255), random_state=7)
    out = pattern.apply(BYTES)
    assert out.dtype == np.float64
    # oracle: the study's noise, U = RandomState(seed).rand(H, W), scaled by
    # the range's width and added in float64, then clipped
    noise = np.random.RandomState(7).rand(4, 4).reshape(-1)
    expected = np.clip(BYTES.astype(np.float64) + 255 * noise, 0, 255)
    # same operations in the same dtype, but a different order of the
    # scaling (values * span vs span * U): allow float64 rounding
    np.testing.assert_allclose(out, expected, rtol=0, atol=1e-12)
    assert out.max() <= 255 and out.min() >= 0
    square = make_pattern("S3", (4, 4), value_range=(0, 255)).apply(BYTES)
    assert square.dtype == np.float64
    block = square.reshape(N, 4, 4)[:, :3, :3]  # S3 is 3x3 on 4x4 images
    np.testing.assert_array_equal(block, 255.0)
    np.testing.assert_array_equal(square.reshape(N, 4, 4)[:, 3, :],
                                  BYTES.reshape(N, 4, 4)[:, 3, :])


def test_narrow_images_warn_and_constant_images_do_not():
    big_range = make_pattern("S1", (4, 4), value_range=(0, 255))
    with pytest.warns(UserWarning, match=r"X has values in \[0, 1\], less than a "
                                         r"tenth of value_range=\(0, 255\)"):
        big_range.apply(UNIT)
    with pytest.warns(UserWarning, match="less than a tenth"):
        S1.apply(UNIT * 0.01)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        S1.apply(np.zeros((2, 16)))  # constant: no contrast to compare with
        S1.apply(UNIT)
        big_range.apply(BYTES)
        S1.apply(UNIT * 0.2)  # a fifth of the range is not suspicious


def test_value_range_none_checks_nothing_and_writes_one():
    pattern = make_pattern("S1", (4, 4), value_range=None)
    out = pattern.apply(BYTES)
    np.testing.assert_array_equal(out[:, 0], 1.0)
    np.testing.assert_array_equal(out[:, 1:], BYTES[:, 1:])


def _entry_points(pattern, X):
    """Every public way to put ``pattern`` on ``X`` (images of LABELS)."""
    return {
        "transformer": lambda: SpuriousPatternTransformer(pattern).fit_transform(X),
        "injector": lambda: SpuriousInjector(pattern, 2, random_state=0)
        .fit_resample(X, LABELS),
        "classifier": lambda: SpuriousInjectionClassifier(
            LogisticRegression(), pattern, 2, random_state=0).fit(X, LABELS),
        "score": lambda: spurious_score(MODEL, X, LABELS, pattern=pattern,
                                        target_class=0),
        "significance": lambda: spurious_significance(
            MODEL, MODEL, X, LABELS, pattern=pattern, target_class=0),
        "scorer": lambda: make_spurious_scorer(pattern=pattern, target_class=0)(
            MODEL, X, LABELS),
        "influence_removal": lambda: influence_removal(
            MODEL, UNIT, LABELS, [0], X_eval=X, y_eval=LABELS, pattern=pattern,
            reference=False),
        "incremental_retraining": lambda: incremental_retraining(
            SGD, UNIT, LABELS, [0], epochs=1, X_eval=X, y_eval=LABELS,
            pattern=pattern, reference=False),
    }


@pytest.mark.parametrize("entry", list(_entry_points(S1, BYTES)))
@pytest.mark.parametrize("name", ["S1", "R3", "core"])
def test_every_entry_point_refuses_images_outside_the_range(entry, name):
    pattern = make_pattern(name, (4, 4), random_state=0)
    with pytest.raises(ValueError, match=OUTSIDE):
        _entry_points(pattern, BYTES)[entry]()
    with pytest.raises(ValueError, match=r"X has values in \[-1, 1\]"):
        _entry_points(pattern, SIGNED)[entry]()


def test_the_study_refuses_images_outside_the_range_before_fitting():
    with pytest.raises(ValueError, match=OUTSIDE + ".*of the dataset.*4th item"):
        _quiet_study(dataset=(BYTES, LABELS, (4, 4)))
    with pytest.raises(ValueError, match=r"X has values in \[-1, 1\]"):
        _quiet_study(dataset=(SIGNED, LABELS, (4, 4), (0, 1)))
    with pytest.raises(ValueError, match="value_range must be finite"):
        _quiet_study(dataset=(UNIT, LABELS, (4, 4), (0, np.inf)))
    with pytest.raises(ValueError, match="needs the images' value_range"):
        _quiet_study(dataset=(UNIT, LABELS, (4, 4), None))


def test_the_injector_checks_every_row_not_only_the_patched():
    X = UNIT.copy()
    X[1, 5] = 255.0  # row 1 is of class 1; the rows patched are of class 0
    injector = SpuriousInjector(S1, 3, target_class=0, random_state=0)
    with pytest.raises(ValueError, match=r"\[0, 255\], outside"):
        injector.fit_resample(X, LABELS)
    # n_examples=0 patches nothing and checks nothing (the study's baseline)
    X_res, _ = SpuriousInjector(S1, 0).fit_resample(BYTES, LABELS)
    np.testing.assert_array_equal(X_res, BYTES)


# ------------------------------------------------------- integer parameters
@pytest.mark.parametrize(
    "image_shape, match",
    [
        ((28.7, 28), r"integer sizes; got \(28.7, 28\)"),
        ((4.0, 4), r"integer sizes; got \(4.0, 4\)"),
        ((np.float64(4), 4), "integer sizes"),
        ((True, 4), r"True \(bool\) is not an int"),
        (28.7, "tuple of ints"),
        (True, "got the bool True"),
        ("44", "tuple of ints"),
        (((4, 4),), "tuple of ints"),
    ],
)
def test_image_shape_sizes_are_never_rounded(image_shape, match):
    # InvalidParameterError is a ValueError and a TypeError
    with pytest.raises(InvalidParameterError, match=match):
        make_pattern("S1", image_shape)
    with pytest.raises(ValueError, match=match):
        make_pattern("R1", image_shape, random_state=0)


def test_image_shape_of_numpy_ints_and_channels():
    X = UNIT[:3]
    for image_shape in ((np.int64(4), np.int32(4)), np.array([4, 4])):
        np.testing.assert_array_equal(
            make_pattern("S2", image_shape).apply(X), make_pattern("S2", (4, 4))
            .apply(X)
        )
    colour = make_pattern("S1", (4, 4, 3))  # channels last: 3 channels
    out = colour.apply(np.zeros((2, 48))).reshape(2, 4, 4, 3)
    np.testing.assert_array_equal(out[:, 0, 0, :], 1.0)
    assert out.sum() == 2 * 3
    with pytest.raises(ValueError, match="positive sizes"):
        make_pattern("S1", (4, 4, 3, 1))
    with pytest.raises(ValueError, match="positive sizes"):
        make_pattern("S1", (4, -4))


@pytest.mark.parametrize(
    "random_state, match",
    [(True, r"got True \(bool\)"), (1.0, r"got 1.0 \(float\)"),
     (-1, r"\[0, 4294967295\]"), (2**32, r"\[0, 4294967295\]")],
)
def test_pattern_seeds_are_ints_of_numpy_range(random_state, match):
    with pytest.raises(InvalidParameterError, match=match):
        make_pattern("R1", (4, 4), random_state=random_state)
    with pytest.raises(InvalidParameterError, match=match):
        make_pattern("R1", None, random_state=random_state)


@pytest.mark.parametrize(
    "params, match",
    [
        (dict(n_examples=2.0), "'n_examples' parameter"),
        (dict(n_examples=np.float64(2)), "'n_examples' parameter"),
        (dict(n_examples=True), r"got True \(bool\)"),
        (dict(target_class=np.nan), r"'target_class' parameter .* is missing"),
        (dict(target_class=None), "must be one label"),
        (dict(target_class=[0]), "must be one label"),
        (dict(random_state=True), r"'random_state' parameter .* got True"),
    ],
)
def test_injection_parameters_are_not_truncated(params, match):
    injector = SpuriousInjector(S1, **{"n_examples": 2, **params})
    with pytest.raises(InvalidParameterError, match=match):
        injector.fit_resample(UNIT, LABELS)
    classifier = SpuriousInjectionClassifier(LogisticRegression(), S1,
                                             **{"n_examples": 2, **params})
    with pytest.raises(InvalidParameterError, match=match):
        classifier.fit(UNIT, LABELS)


def test_numpy_int_n_examples_and_float_target_equal_to_a_label():
    def chosen(**params):
        injector = SpuriousInjector(S1, random_state=0, **params)
        X_res, _ = injector.fit_resample(UNIT, LABELS)
        return injector.spurious_indices_, X_res

    indices, X_res = chosen(n_examples=3, target_class=1)
    for params in (dict(n_examples=np.int64(3), target_class=1),
                   dict(n_examples=3, target_class=1.0),
                   dict(n_examples=3, target_class=np.int32(1))):
        other, other_X = chosen(**params)
        np.testing.assert_array_equal(other, indices)
        np.testing.assert_array_equal(other_X, X_res)
    assert (LABELS[indices] == 1).all()
    with pytest.raises(ValueError, match=r"target_class=1.5 is not among the "
                                         r"labels of y \(\[0, 1\]\)"):
        SpuriousInjector(S1, 2, target_class=1.5).fit_resample(UNIT, LABELS)


def test_bool_target_class_is_refused_against_non_bool_labels():
    with pytest.raises(ValueError, match="target_class=True is a bool but the "
                                         "labels of y are int64"):
        SpuriousInjector(S1, 2, target_class=True).fit_resample(UNIT, LABELS)
    with pytest.raises(ValueError, match="labels of the estimator"):
        spurious_score(MODEL, UNIT, LABELS, pattern=S1, target_class=True)
    with pytest.raises(ValueError, match="labels of y are bools; pass True"):
        SpuriousInjector(S1, 2, target_class=1).fit_resample(
            UNIT, LABELS.astype(bool))
    injector = SpuriousInjector(S1, 2, target_class=True, random_state=0)
    injector.fit_resample(UNIT, LABELS.astype(bool))
    assert LABELS[injector.spurious_indices_].all()


@pytest.mark.parametrize(
    "call, error, match",
    [
        (lambda: spurious_score(MODEL, UNIT, LABELS, pattern=S1, target_class=0,
                                threshold=True), InvalidParameterError,
         "'threshold' parameter of spurious_score must be a number, not a bool"),
        (lambda: spurious_score(MODEL, UNIT, LABELS, pattern=S1, target_class=0,
                                threshold=np.nan), InvalidParameterError,
         "'threshold' parameter"),
        (lambda: spurious_score(MODEL, UNIT, LABELS, pattern=S1, target_class=0,
                                threshold=np.inf), InvalidParameterError,
         "'threshold' parameter"),
        (lambda: spurious_score(MODEL, UNIT, LABELS, pattern=S1,
                                target_class=np.nan), InvalidParameterError,
         "is missing"),
        (lambda: make_spurious_scorer(pattern=S1, target_class=None),
         InvalidParameterError, "must be one label"),
        (lambda: make_spurious_scorer(pattern=S1, target_class=0, threshold=False),
         InvalidParameterError, "not a bool; got False"),
        (lambda: incremental_retraining(SGD, UNIT, LABELS, [0], epochs=True),
         InvalidParameterError, "'epochs' parameter .* not a bool; got True"),
        (lambda: incremental_retraining(SGD, UNIT, LABELS, [0], epochs=2.0),
         InvalidParameterError, "'epochs' parameter"),
        (lambda: influence_removal(MODEL, UNIT, LABELS, [0], max_iter=True),
         InvalidParameterError, "'max_iter' parameter"),
        (lambda: influence_removal(MODEL, UNIT, LABELS, [0], damping=np.nan),
         InvalidParameterError, "'damping' parameter"),
        (lambda: influence_removal(MODEL, UNIT, LABELS, [0], random_state=True),
         InvalidParameterError, "'random_state' parameter .* got True"),
        (lambda: influence_removal(MODEL, UNIT, LABELS, [0, 0]), ValueError,
         r"duplicate row indices \[0\].*np.unique"),
        (lambda: make_pattern("feature", (4,), columns=[1], value=np.nan),
         ValueError, "value must be finite"),
        (lambda: make_pattern("feature", (4,), columns=[1], value=[1, 2]),
         ValueError, r"one number or one per column \(1\)"),
        (lambda: make_pattern("feature", (4,), columns=[1], value=True),
         ValueError, "value must be a number"),
        (lambda: make_pattern("S1", (4, 4), mode="add"), ValueError,
         "mode='add' is not used by pattern 'S1'"),
        (lambda: make_pattern("S1", (4, 4), columns=[1]), ValueError,
         "columns=.* is not used by pattern 'S1'"),
        (lambda: make_pattern("R1", (4, 4), value=2.0), ValueError,
         "value=2.0 is not used by pattern 'R1'"),
        (lambda: make_pattern("feature", (4,), columns=[1], mask=[1, 0, 0, 0]),
         ValueError, "mask=.* is not used by pattern 'feature'"),
        (lambda: make_pattern(np.ones((4, 4)), mode="add",
                              mask=np.ones((4, 4), bool)), ValueError,
         "mask is for mode='overwrite' only"),
        (lambda: make_pattern(np.ones((4, 4)), mask=np.full((4, 4), 0.5)),
         ValueError, "mask must be booleans"),
        (lambda: make_pattern(np.ones((4, 4)), columns=[1]), ValueError,
         "columns=.* is not used by pattern 'a user array'"),
        (lambda: make_pattern(3.0), ValueError, r"got shape \(\)"),
        (lambda: make_pattern(None), TypeError, "pattern name or an array"),
        (lambda: make_pattern("S1", (4, 4), channel_axis="middle"), ValueError,
         "channel_axis must be"),
    ],
)
def test_numbers_and_arguments_name_the_problem(call, error, match):
    with pytest.raises(error, match=match):
        call()


@pytest.mark.parametrize(
    "params, error, match",
    [
        (dict(n_examples=(0, 1.0)), InvalidParameterError,
         r"'n_examples' parameter of run_spurious_study .* got 1.0 \(float\)"),
        (dict(n_examples=(0, True)), InvalidParameterError, r"got True \(bool\)"),
        (dict(n_examples=(0, -1)), InvalidParameterError, "int >= 0; got -1"),
        (dict(n_examples=5), ValueError, r"n_examples must be a list .* got 5"),
        (dict(n_examples=()), ValueError, "n_examples is empty"),
        (dict(n_examples=(0, 1, 1)), ValueError, r"duplicates \[1\]"),
        (dict(patterns="S1"), ValueError, "patterns must be a list .* got 'S1'"),
        (dict(patterns=()), ValueError, "patterns is empty"),
        (dict(patterns=("S1", "S1")), ValueError, r"duplicates \['S1'\]"),
        (dict(patterns=("feature",)), ValueError, "Unknown pattern 'feature'"),
        (dict(models="logistic"), ValueError, "models must be a list"),
        (dict(models=()), ValueError, "models is empty"),
        (dict(models=(SGDClassifier(),)), ValueError, "fit and predict_proba"),
        (dict(n_seeds=True), ValueError, "n_seeds must be a positive int; got True"),
        (dict(n_seeds=1.0), ValueError, "n_seeds must be a positive int; got 1.0"),
        (dict(target_class=np.nan), InvalidParameterError, "is missing"),
        (dict(target_class=True), ValueError, "is a bool but the labels"),
        (dict(random_state=True), InvalidParameterError, r"got True \(bool\)"),
        (dict(random_state=0.5), InvalidParameterError, r"got 0.5 \(float\)"),
        (dict(dataset=(UNIT, LABELS, (4.0, 4))), InvalidParameterError,
         "integer sizes"),
        (dict(dataset=(UNIT, LABELS)), ValueError, "a tuple of 2 item"),
        (dict(dataset=(UNIT, LABELS[:10], (4, 4))), ValueError,
         "y has 10 labels but X has 40 rows"),
        (dict(dataset=(np.where(UNIT > 0.9, np.nan, UNIT), LABELS, (4, 4))),
         ValueError, "Input X contains NaN"),
    ],
)
def test_study_arguments_are_checked_before_fitting(params, error, match):
    with pytest.raises(error, match=match):
        _quiet_study(**params)


# ------------------------------------------------------------------ labels
def _with_missing(missing):
    y = LABELS.astype(object)
    y[3] = missing
    return y


MISSING = [None, np.nan, float("nan"), pd.NA]


@pytest.mark.parametrize("missing", MISSING, ids=repr)
def test_missing_labels_are_named(missing):
    y = _with_missing(missing)
    calls = [
        lambda: SpuriousInjector(S1, 2).fit_resample(UNIT, y),
        lambda: SpuriousInjector(S1, 2).fit(UNIT, y),
        lambda: SpuriousInjectionClassifier(LogisticRegression(), S1, 2)
        .fit(UNIT, y),
        lambda: spurious_score(MODEL, UNIT, y, pattern=S1, target_class=0),
        lambda: spurious_significance(MODEL, MODEL, UNIT, y, pattern=S1,
                                      target_class=0),
        lambda: influence_removal(MODEL, UNIT, y, [0], reference=False),
        lambda: incremental_retraining(SGD, UNIT, y, [0], epochs=1,
                                       reference=False),
        lambda: _quiet_study(dataset=(UNIT, y, (4, 4))),
    ]
    for call in calls:
        with pytest.raises(ValueError, match=r"y contains .*1 missing value.* row"):
            call()


def test_missing_labels_in_float_string_and_pandas_containers():
    y = LABELS.astype(float)
    y[[2, 5]] = np.nan
    with pytest.raises(ValueError, match=r"NaN labels \(2 missing value\(s\), "
                                         "the first at row 2\\)"):
        SpuriousInjector(S1, 2).fit_resample(UNIT, y)
    strings = np.array(["a", "b"], dtype=object)[LABELS]
    strings[7] = None
    with pytest.raises(ValueError, match=r"1 missing value.* at rows \[7\]"):
        SpuriousInjector(S1, 2, target_class="a").fit_resample(UNIT, strings)
    series = pd.Series(LABELS, dtype="Int64")
    series[4] = pd.NA
    with pytest.raises(ValueError, match=r"1 missing value.*row 4"):
        spurious_score(MODEL, UNIT, series, pattern=S1, target_class=0)


def test_test_labels_of_another_type_are_refused():
    # "0"/"1" against classes 0/1 used to keep every row (y != 0 everywhere)
    with pytest.raises(ValueError, match=r"y holds labels \['0', '1'\] that are "
                                         r"not classes of the estimator"):
        spurious_score(MODEL, UNIT, LABELS.astype(str), pattern=S1,
                       target_class=0)
    with pytest.raises(ValueError, match=r"labels \[7\]"):
        spurious_score(MODEL, UNIT, np.where(LABELS == 1, 7, 0), pattern=S1,
                       target_class=0)
    with pytest.raises(ValueError, match="one-dimensional labels"):
        spurious_score(MODEL, UNIT, np.column_stack([LABELS, LABELS]),
                       pattern=S1, target_class=0)


def test_score_of_float_labels_and_float_target_matches_int_labels():
    # independent oracle: the indicator computed by hand
    patched = S1.apply(UNIT)
    column = 1
    rise = MODEL.predict_proba(patched)[:, column] - MODEL.predict_proba(UNIT)[
        :, column]
    expected = float((rise[LABELS != 1] > 0.1).mean())
    for y, target in ((LABELS, 1), (LABELS.astype(float), 1.0),
                      (pd.Series(LABELS), 1), (LABELS[:, None], 1)):
        assert spurious_score(MODEL, UNIT, y, pattern=S1,
                              target_class=target) == expected


# ------------------------------------------------------ X forms (siblings)
IMAGES_3D = UNIT.reshape(N, 4, 4)
FLAT_HINT = (r"X has shape \(40, 4, 4\): scikit-learn estimators take images "
             r"stored flat.*X.reshape\(len\(X\), -1\).*image_shape=\(4, 4\)")


@pytest.mark.parametrize("entry", list(_entry_points(S1, IMAGES_3D)))
def test_image_shaped_X_gets_the_reshape_hint(entry):
    with pytest.raises(ValueError, match=FLAT_HINT):
        _entry_points(S1, IMAGES_3D)[entry]()


def test_image_shaped_X_elsewhere_gets_the_reshape_hint():
    fitted = SpuriousInjectionClassifier(LogisticRegression(), S1, 2,
                                         random_state=0).fit(UNIT, LABELS)
    for call in (
        lambda: fitted.predict(IMAGES_3D),
        lambda: fitted.predict_proba(IMAGES_3D),
        lambda: SpuriousPatternTransformer(S1).fit(UNIT).transform(IMAGES_3D),
        lambda: influence_removal(MODEL, IMAGES_3D, LABELS, [0]),
        lambda: _quiet_study(dataset=(IMAGES_3D, LABELS, (4, 4))),
        lambda: SpuriousInjector(S1, 2).fit_resample(IMAGES_3D.tolist(), LABELS),
    ):
        with pytest.raises(ValueError, match=FLAT_HINT):
            call()


def test_apply_and_norm_take_flat_image_shaped_list_and_pandas_X_alike():
    flat = S1.apply(UNIT)
    np.testing.assert_array_equal(S1.apply(IMAGES_3D).reshape(N, -1), flat)
    np.testing.assert_array_equal(S1.apply(UNIT.tolist()), flat)
    frame = S1.apply(pd.DataFrame(UNIT))
    assert isinstance(frame, pd.DataFrame)
    np.testing.assert_array_equal(frame.to_numpy(), flat)
    assert S1.norm(IMAGES_3D) == S1.norm(UNIT) == S1.norm(UNIT.tolist())
    # the norm by hand: only pixel (0, 0) changes, to 1
    assert S1.norm(UNIT) == pytest.approx(np.mean(1 - UNIT[:, 0]), rel=1e-12)


def test_transformer_set_output_pandas_and_integer_frames():
    frame = pd.DataFrame(BYTES, columns=[f"p{i}" for i in range(16)])
    pattern = make_pattern("S1", (4, 4), value_range=(0, 255))
    out = SpuriousPatternTransformer(pattern).set_output(
        transform="pandas").fit_transform(frame)
    assert isinstance(out, pd.DataFrame) and list(out.columns) == list(frame)
    assert (out.dtypes == np.float64).all()
    np.testing.assert_array_equal(out["p0"], 255.0)
    np.testing.assert_array_equal(out.iloc[:, 1:].to_numpy(), BYTES[:, 1:])
    with pytest.raises(ValueError, match=OUTSIDE):
        SpuriousPatternTransformer(S1).set_output(
            transform="pandas").fit_transform(frame)


def test_empty_and_non_numeric_X():
    assert S1.apply(np.zeros((0, 16))).shape == (0, 16)
    with pytest.raises(ValueError, match="X has no rows"):
        S1.norm(np.zeros((0, 16)))
    with pytest.raises(ValueError, match="could not convert string to float"):
        S1.apply([["a"] * 16])
    with pytest.raises(ValueError, match="Input X contains NaN"):
        S1.apply(np.full((2, 16), np.nan))
    with pytest.raises(ValueError, match="one sample per row"):
        S1.apply(UNIT[0])


# -------------------------------------------------------------- interrupts
def test_spurious_code_never_catches_interrupts():
    """No ``except:``, ``except BaseException`` or ``except KeyboardInterrupt``
    in skcorr/spurious: Ctrl-C must stop a study."""
    root = pathlib.Path(spurious.__file__).parent
    offenders = []
    for path in sorted(root.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if not isinstance(node, ast.ExceptHandler):
                continue
            names = []
            if node.type is None:
                names = ["<bare>"]
            else:
                types = node.type.elts if isinstance(node.type, ast.Tuple) else [
                    node.type]
                names = [getattr(t, "id", getattr(t, "attr", "")) for t in types]
            if {"<bare>", "BaseException", "KeyboardInterrupt"} & set(names):
                offenders.append(f"{path.name}:{node.lineno}")
    assert offenders == []
