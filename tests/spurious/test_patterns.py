"""Patterns against hand-built arrays following the authors' definitions."""

import numpy as np
import pytest

from skcorr.spurious import PATTERN_NAMES, make_pattern


def _authors(X, name, seed):
    """The study's patterns written out by hand on (n, H, W[, C]) images."""
    X = X.copy()
    if name == "S1":
        X[:, 0, 0] = 1
    elif name == "S2":
        X[:, :3, :3] = 1
    elif name == "S3":
        X[:, :5, :5] = 1
    elif name == "core":
        X[:, 3:25, 13:16] = 1
    else:
        amplitude = {"R1": 0.25, "R2": 0.5, "R3": 1.0}[name]
        noise = np.random.RandomState(seed).rand(*X.shape[1:])
        X = np.clip(X + amplitude * noise[None], 0, 1)
    return X


@pytest.mark.parametrize("image_shape", [(28, 28), (32, 32, 3)])
@pytest.mark.parametrize("name", PATTERN_NAMES)
def test_study_patterns_match_authors_definitions(name, image_shape):
    X = np.random.RandomState(1).rand(4, *image_shape)
    pattern = make_pattern(name, image_shape, random_state=7)
    expected = _authors(X, name, seed=7)
    # flat, as scikit-learn stores images, and shaped
    flat = pattern.apply(X.reshape(4, -1))
    np.testing.assert_allclose(flat, expected.reshape(4, -1))
    np.testing.assert_allclose(pattern.apply(X), expected)
    # the input is untouched
    assert not np.allclose(X, expected)


def test_channels_first_is_the_transposed_channels_last_pattern():
    X = np.random.RandomState(0).rand(3, 32, 32, 3)
    for name in PATTERN_NAMES:
        last = make_pattern(name, (32, 32, 3), random_state=3).apply(X)
        first = make_pattern(name, (3, 32, 32), random_state=3).apply(
            X.transpose(0, 3, 1, 2)
        )
        np.testing.assert_allclose(first, last.transpose(0, 3, 1, 2))


def test_grayscale_with_a_channel_axis_gets_the_same_noise():
    # MNIST as the authors load it: (28, 28, 1).
    a = make_pattern("R2", (28, 28, 1), random_state=5).values.ravel()
    b = make_pattern("R2", (28, 28), random_state=5).values.ravel()
    np.testing.assert_array_equal(a, b)


def test_norm_is_mean_l2_of_the_change():
    X = np.zeros((3, 28, 28))
    assert make_pattern("S1", (28, 28)).norm(X) == pytest.approx(1.0)
    assert make_pattern("S2", (28, 28)).norm(X) == pytest.approx(3.0)
    assert make_pattern("core", (28, 28)).norm(X) == pytest.approx(np.sqrt(66))
    X = np.random.RandomState(0).rand(5, 28 * 28)
    pattern = make_pattern("R1", (28, 28), random_state=0)
    expected = np.linalg.norm(
        _authors(X.reshape(5, 28, 28), "R1", 0) - X.reshape(5, 28, 28), axis=(1, 2)
    ).mean()
    assert pattern.norm(X) == pytest.approx(expected)


def test_norms_grow_s1_s2_s3_and_r1_r2_r3():
    X = np.random.RandomState(0).rand(10, 64) * 8
    for group in (("S1", "S2", "S3"), ("R1", "R2", "R3")):
        norms = [
            make_pattern(n, (8, 8), value_range=(0, 16), random_state=0).norm(X)
            for n in group
        ]
        assert norms[0] < norms[1] < norms[2]


def test_small_images_scale_down_as_documented():
    zeros = np.zeros((1, 8, 8))
    sums = {
        name: make_pattern(name, (8, 8)).apply(zeros).sum()
        for name in ("S1", "S2", "S3", "core")
    }
    assert sums == {"S1": 1, "S2": 4, "S3": 9, "core": 6}
    core = make_pattern("core", (8, 8)).apply(zeros)[0]
    assert core[1:7, 4].all()


def test_value_range_scales_overwrite_and_noise():
    X = np.full((2, 64), 15.0)
    out = make_pattern("S1", (8, 8), value_range=(0, 16)).apply(X)
    assert out[0, 0] == 16 and out[0, 1] == 15
    noise = np.random.RandomState(2).rand(8, 8).ravel()
    out = make_pattern("R1", (8, 8), value_range=(0, 16), random_state=2).apply(X)
    np.testing.assert_allclose(out[0], np.clip(15 + 0.25 * 16 * noise, 0, 16))


def test_user_patterns_overwrite_and_add():
    array = np.zeros((4, 4))
    array[3, 3] = 0.5
    X = np.full((2, 16), 0.9)
    out = make_pattern(array).apply(X)
    assert out[0, 15] == 0.5 and (out[:, :15] == 0.9).all()
    mask = np.zeros((4, 4), dtype=bool)
    mask[0, :] = True
    out = make_pattern(array, mode="overwrite", mask=mask).apply(X)
    assert (out[:, :4] == 0).all() and (out[:, 4:] == 0.9).all()
    out = make_pattern(array, (4, 4), mode="add").apply(X)
    assert out[0, 15] == 1.0 and out[0, 0] == pytest.approx(0.9)


def test_feature_pattern_on_tabular_rows_and_dataframes():
    pd = pytest.importorskip("pandas")
    pattern = make_pattern("feature", (3,), columns=[0, 2], value=[-1.0, 7.0])
    df = pd.DataFrame({"a": [1.0, 2.0], "b": [3.0, 4.0], "c": [5.0, 6.0]})
    out = pattern.apply(df)
    assert list(out.columns) == ["a", "b", "c"]
    np.testing.assert_array_equal(out.to_numpy(), [[-1, 3, 7], [-1, 4, 7]])


def test_noise_pattern_without_shape_fits_any_width():
    pattern = make_pattern("R3", None, random_state=0, value_range=None)
    for width in (2, 7):
        X = np.zeros((3, width))
        expected = np.random.RandomState(0).rand(width)
        np.testing.assert_allclose(pattern.apply(X), np.tile(expected, (3, 1)))


def test_float32_is_kept_and_copy_false_patches_in_place():
    X = np.zeros((2, 64), dtype=np.float32)
    assert make_pattern("S1", (8, 8)).apply(X).dtype == np.float32
    make_pattern("S1", (8, 8)).apply(X, copy=False)
    assert X[0, 0] == 1


def test_same_random_state_same_pattern_and_none_draws_a_seed():
    a = make_pattern("R1", (8, 8), random_state=4).values
    b = make_pattern("R1", (8, 8), random_state=4).values
    np.testing.assert_array_equal(a, b)
    p = make_pattern("R1", (8, 8), random_state=np.random.RandomState(0))
    assert isinstance(p.seed, int)


@pytest.mark.parametrize(
    "kwargs, match",
    [
        (dict(name="S9", image_shape=(8, 8)), "Unknown pattern 'S9'"),
        (dict(name="S1", image_shape=None), "needs image_shape"),
        (dict(name="S1", image_shape=(5,)), "2-D or 3-D"),
        (dict(name="S1", image_shape=(8, 8), value_range=(1, 0)), "low < high"),
        (dict(name="S1", image_shape=(8, 8, 8, 8)), "1 \\(tabular\\)"),
        (dict(name="feature", image_shape=(3,)), "needs columns"),
        (dict(name="feature", image_shape=(3,), columns=[5]), "out of range"),
        (dict(name=np.ones(4), image_shape=(3, 3)), "has 4 entries"),
        (dict(name=np.ones(4), mode="paint"), "mode must be"),
    ],
)
def test_bad_arguments_say_what_is_wrong(kwargs, match):
    with pytest.raises((ValueError, TypeError), match=match):
        make_pattern(**kwargs)


def test_image_size_mismatch_is_reported():
    with pytest.raises(ValueError, match=r"images of shape \(8, 8\) \(64 features\)"):
        make_pattern("S1", (8, 8)).apply(np.zeros((2, 65)))
