"""A stateless transformer putting a spurious pattern on every row."""

import numpy as np
from sklearn.base import BaseEstimator, OneToOneFeatureMixin, TransformerMixin
from sklearn.utils.validation import validate_data

from ..utils.fixes import HasMethods, _fit_context
from ._patterns import SpuriousPattern
from ._validation import reject_image_arrays


def check_pattern_fits(pattern, n_features):
    """Raise a clear error when a pattern is built for another image size."""
    if not isinstance(pattern, SpuriousPattern):
        raise TypeError(
            "pattern must be a SpuriousPattern built by skcorr.spurious.make_pattern;"
            f" got {type(pattern).__name__}."
        )
    if pattern.n_features is not None and pattern.n_features != n_features:
        raise ValueError(
            f"The pattern {pattern.name!r} is for images of shape "
            f"{tuple(pattern.image_shape)} ({pattern.n_features} features) but X has "
            f"{n_features} features. Build the pattern with the data's image_shape."
        )


class SpuriousPatternTransformer(OneToOneFeatureMixin, TransformerMixin, BaseEstimator):
    """Put a spurious pattern on every row: the patched copy of a test set.

    Stateless: ``fit`` only checks the data and records the number of features,
    and ``transform`` works without it. Images are stored flat, one per row, as
    scikit-learn expects; the output keeps the input's float dtype, and
    ``set_output(transform="pandas")`` works.

    Parameters
    ----------
    pattern : SpuriousPattern
        Built by :func:`~skcorr.spurious.make_pattern`.

    Attributes
    ----------
    n_features_in_ : int
        Number of features seen during :term:`fit`.
    feature_names_in_ : ndarray of shape (``n_features_in_``,)
        Names of features seen during :term:`fit`, when ``X`` has string names.

    See Also
    --------
    SpuriousInjector : Put the pattern on a few training rows of one class.

    References
    ----------
    Yang, Chou, Chaudhuri (2022), "Understanding Rare Spurious Correlations in
    Neural Networks", arXiv:2202.05189.

    Examples
    --------
    >>> import numpy as np
    >>> from skcorr.spurious import SpuriousPatternTransformer, make_pattern
    >>> patch = SpuriousPatternTransformer(make_pattern("S1", (2, 2)))
    >>> patch.fit_transform(np.zeros((2, 4)))
    array([[1., 0., 0., 0.],
           [1., 0., 0., 0.]])
    """

    _parameter_constraints = {"pattern": [HasMethods(["apply", "norm"])]}

    def __init__(self, pattern):
        self.pattern = pattern

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None):
        """Check ``X`` and the pattern's size; learn nothing else.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Images stored flat.
        y : None
            Ignored.

        Returns
        -------
        self : object
        """
        reject_image_arrays(X)
        X = validate_data(self, X)
        check_pattern_fits(self.pattern, X.shape[1])
        return self

    def transform(self, X):
        """Put the pattern on every row of ``X``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Images stored flat.

        Returns
        -------
        X_patched : ndarray of shape (n_samples, n_features)
            float64 for integer input (``uint8`` images), else the input's
            float dtype.

        Raises
        ------
        ValueError
            When ``X`` has values outside the pattern's ``value_range`` (the
            message names the observed minimum and maximum); when ``X`` is
            3-D or more (images must be stored flat:
            ``X.reshape(len(X), -1)``); when its width does not match the
            pattern.

        Warns
        -----
        UserWarning
            When non-constant ``X`` spans less than a tenth of
            ``value_range``.
        """
        reject_image_arrays(X)
        X = validate_data(self, X, reset=False, dtype=[np.float64, np.float32])
        check_pattern_fits(self.pattern, X.shape[1])
        return self.pattern.apply(X)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.requires_fit = False
        tags.transformer_tags.preserves_dtype = ["float64", "float32"]
        return tags
