import numpy as np
import pytest
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer

from skcorr.spurious import SpuriousPatternTransformer, make_pattern


def test_puts_the_pattern_on_every_row():
    X = np.random.RandomState(0).rand(5, 64)
    pattern = make_pattern("S2", (8, 8))
    out = SpuriousPatternTransformer(pattern).fit_transform(X)
    np.testing.assert_array_equal(out, pattern.apply(X))
    assert (out.reshape(5, 8, 8)[:, :2, :2] == 1).all()


def test_stateless_transform_without_fit():
    X = np.zeros((2, 4))
    out = SpuriousPatternTransformer(make_pattern("S1", (2, 2))).transform(X)
    np.testing.assert_array_equal(out[:, 0], [1, 1])


def test_set_output_pandas_keeps_names():
    pd = pytest.importorskip("pandas")
    df = pd.DataFrame(np.zeros((2, 3)), columns=["a", "b", "c"])
    pattern = make_pattern("feature", (3,), columns=[1], value=5.0)
    transformer = SpuriousPatternTransformer(pattern).set_output(transform="pandas")
    out = transformer.fit_transform(df)
    assert isinstance(out, pd.DataFrame)
    assert list(out.columns) == ["a", "b", "c"]
    np.testing.assert_array_equal(out["b"], [5.0, 5.0])


def test_in_a_pipeline():
    pipe = make_pipeline(
        FunctionTransformer(lambda X: X / 16.0),
        SpuriousPatternTransformer(make_pattern("S1", (8, 8))),
    )
    out = pipe.fit_transform(np.full((2, 64), 8.0))
    assert out[0, 0] == 1 and out[0, 1] == 0.5


def test_size_mismatch_is_a_clear_error():
    transformer = SpuriousPatternTransformer(make_pattern("S1", (8, 8)))
    with pytest.raises(ValueError, match="is for images of shape \\(8, 8\\)"):
        transformer.fit(np.zeros((2, 10)))


def test_pattern_must_be_a_pattern():
    with pytest.raises(ValueError, match="pattern"):
        SpuriousPatternTransformer("S1").fit(np.zeros((2, 4)))
