"""Put a spurious pattern on a few training examples of one class: a sampler
and a meta-estimator that injects inside ``fit`` only."""

import numbers

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, MetaEstimatorMixin, clone
from sklearn.utils import check_random_state
from sklearn.utils.metaestimators import available_if
from sklearn.utils.validation import check_is_fitted, validate_data

from ..utils.fixes import HasMethods, Interval, _fit_context
from ..utils.interrupts import reraise_interrupt
from ..utils.parameters import check_random_seed
from ._transformer import check_pattern_fits
from ._validation import (
    check_int,
    check_labels,
    check_target_against,
    check_target_class,
    reject_image_arrays,
)


def check_injection_params(n_examples, target_class, random_state, owner):
    """What sklearn's constraints let through: bools as ints, NaN or array
    target classes."""
    check_int(n_examples, "n_examples", low=0, owner=owner)
    check_target_class(target_class, owner=owner)
    check_random_seed(random_state, owner=owner)


def choose_spurious_indices(y, n_examples, target_class, random_state):
    """Rows to patch, chosen as the study does:
    ``RandomState(seed).choice(where(y == target), n, replace=False)``."""
    y = check_labels(y)
    check_target_class(target_class)
    if n_examples == 0:
        return np.empty(0, dtype=np.intp)
    check_target_against(y, target_class, "y")
    candidates = np.flatnonzero(y == target_class)
    if candidates.size == 0:
        raise ValueError(
            f"target_class={target_class!r} is not among the labels of y "
            f"({np.unique(y).tolist()[:20]}); pass one of them."
        )
    if n_examples > candidates.size:
        raise ValueError(
            f"n_examples={n_examples} exceeds the {candidates.size} examples of "
            f"target_class={target_class!r}; pass at most {candidates.size}."
        )
    rng = check_random_state(random_state)
    return rng.choice(candidates, size=n_examples, replace=False)


def inject(X, y, pattern, n_examples, target_class, random_state):
    """Return ``(X_patched, indices)``: a float copy of ``X`` with the pattern on
    ``n_examples`` rows of ``target_class``."""
    check_pattern_fits(pattern, X.shape[1])
    indices = choose_spurious_indices(y, n_examples, target_class, random_state)
    dtype = X.dtype if X.dtype.kind == "f" else np.float64
    X_patched = np.array(X, dtype=dtype, copy=True)
    if indices.size:
        # The range is checked on every row, not only the few patched.
        pattern._check_range(X_patched)
        rows = X_patched[indices]
        X_patched[indices] = pattern._patch(rows, rows.shape)
    return X_patched, indices


_INJECTION_CONSTRAINTS = {
    "pattern": [HasMethods(["apply", "norm"])],
    "n_examples": [Interval(numbers.Integral, 0, None, closed="left")],
    "target_class": "no_validation",
    "random_state": ["random_state"],
}


class SpuriousInjector(BaseEstimator):
    """Put a spurious pattern on ``n_examples`` training rows of one class.

    A sampler in the imbalanced-learn shape: ``fit_resample(X, y)`` returns a
    patched copy of ``X`` and ``y`` unchanged. The rows are chosen as in the
    study, ``RandomState(seed).choice(where(y == target_class), n_examples,
    replace=False)``.

    Parameters
    ----------
    pattern : SpuriousPattern
        Built by :func:`~skcorr.spurious.make_pattern`.
    n_examples : int, default=1
        Number of rows to patch; 0 patches none (the study's baseline), and
        then neither ``target_class`` is looked up in ``y`` nor the pattern's
        ``value_range`` checked. Bools and floats (``2.0``) are refused.
    target_class : label, default=0
        Class whose rows are patched (labels stay untouched). A float equal to
        an integer label (``1.0`` for ``1``) is that label; a bool is refused
        unless the labels are bools.
    random_state : int, RandomState instance or None, default=None
        Chooses the rows. Pass an int for the study's choice.

    Attributes
    ----------
    spurious_indices_ : ndarray of shape (n_examples,)
        Rows patched by the last ``fit_resample``, in the order drawn.
    n_features_in_ : int
        Number of features seen during :term:`fit`.

    See Also
    --------
    SpuriousInjectionClassifier : Inject inside ``fit`` of a classifier.

    References
    ----------
    Yang, Chou, Chaudhuri (2022), "Understanding Rare Spurious Correlations in
    Neural Networks", arXiv:2202.05189.

    Examples
    --------
    >>> import numpy as np
    >>> from skcorr.spurious import SpuriousInjector, make_pattern
    >>> X, y = np.zeros((6, 4)), np.array([0, 1, 0, 1, 0, 1])
    >>> injector = SpuriousInjector(make_pattern("S1", (2, 2)), n_examples=2,
    ...                             target_class=1, random_state=0)
    >>> X_res, y_res = injector.fit_resample(X, y)
    >>> injector.spurious_indices_
    array([5, 3])
    >>> X_res[:, 0]
    array([0., 0., 0., 1., 0., 1.])
    """

    _parameter_constraints = dict(_INJECTION_CONSTRAINTS)

    def __init__(self, pattern, n_examples=1, target_class=0, random_state=None):
        self.pattern = pattern
        self.n_examples = n_examples
        self.target_class = target_class
        self.random_state = random_state

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y):
        """Check the data and choose the rows to patch.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Images stored flat.
        y : array-like of shape (n_samples,)
            Labels.

        Returns
        -------
        self : object
        """
        X, y = self._validate(X, y)
        check_pattern_fits(self.pattern, X.shape[1])
        self.spurious_indices_ = choose_spurious_indices(
            y, self.n_examples, self.target_class, self.random_state
        )
        return self

    @_fit_context(prefer_skip_nested_validation=True)
    def fit_resample(self, X, y):
        """Patch ``n_examples`` rows of ``target_class``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Images stored flat.
        y : array-like of shape (n_samples,)
            Labels.

        Returns
        -------
        X_resampled : ndarray of shape (n_samples, n_features)
            A float copy of ``X`` with the pattern on the chosen rows.
        y_resampled : ndarray of shape (n_samples,)
            ``y``, unchanged.

        Raises
        ------
        ValueError
            When ``X`` has values outside the pattern's ``value_range`` (all
            rows are checked, not only those patched; the message names the
            observed minimum and maximum); when ``X`` is 3-D or more (pass
            ``X.reshape(len(X), -1)``); when ``y`` has missing labels (None,
            NaN, ``pd.NA``), naming the first; when ``target_class`` is not
            among the labels, is a bool against non-bool labels, or has fewer
            than ``n_examples`` rows.
        InvalidParameterError
            For ``n_examples`` that is not an int ``>= 0`` (floats such as
            ``2.0`` and bools included), a ``target_class`` that is None, NaN
            or not a scalar, and a bool ``random_state``.

        Warns
        -----
        UserWarning
            When non-constant ``X`` spans less than a tenth of
            ``value_range``.
        """
        X, y = self._validate(X, y)
        X_patched, self.spurious_indices_ = inject(
            X, y, self.pattern, self.n_examples, self.target_class, self.random_state
        )
        return X_patched, y

    def _validate(self, X, y):
        check_injection_params(
            self.n_examples, self.target_class, self.random_state, type(self).__name__
        )
        reject_image_arrays(X)
        if y is not None:  # names missing labels before sklearn's NaN check
            check_labels(y)
        X, y = validate_data(self, X, y)
        return X, check_labels(y)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.required = True
        return tags


def _estimator_has(attr):
    def check(self):
        if hasattr(self, "estimator_"):
            return hasattr(self.estimator_, attr)
        return hasattr(self.estimator, attr)

    return check


class SpuriousInjectionClassifier(MetaEstimatorMixin, ClassifierMixin, BaseEstimator):
    """A classifier trained on data with a spurious pattern on a few examples.

    ``fit`` patches ``n_examples`` training rows of ``target_class`` (as
    :class:`SpuriousInjector` does) and fits a clone of ``estimator`` on them;
    prediction is on the data as given. Injection inside ``fit`` only makes the
    study's main curve a :func:`~sklearn.model_selection.validation_curve` over
    ``n_examples`` with :func:`~skcorr.spurious.make_spurious_scorer`.

    Parameters
    ----------
    estimator : classifier
        Any classifier; :func:`~skcorr.spurious.spurious_score` needs
        ``predict_proba`` (scikit-learn models, skorch nets).
    pattern : SpuriousPattern
        Built by :func:`~skcorr.spurious.make_pattern`.
    n_examples : int, default=1
        Number of training rows patched; 0 trains the baseline. As in
        :class:`SpuriousInjector`: bad values, labels and images raise there.
    target_class : label, default=0
        Class whose rows are patched.
    random_state : int, RandomState instance or None, default=None
        Chooses the rows (not the estimator's own randomness).

    Attributes
    ----------
    estimator_ : classifier
        The fitted clone of ``estimator``.
    classes_ : ndarray of shape (n_classes,)
        Class labels.
    spurious_indices_ : ndarray of shape (n_examples,)
        Training rows that carried the pattern.
    n_features_in_ : int
        Number of features seen during :term:`fit`.

    References
    ----------
    Yang, Chou, Chaudhuri (2022), "Understanding Rare Spurious Correlations in
    Neural Networks", arXiv:2202.05189.

    Examples
    --------
    >>> from sklearn.datasets import load_digits
    >>> from sklearn.linear_model import LogisticRegression
    >>> from skcorr.spurious import SpuriousInjectionClassifier, make_pattern
    >>> X, y = load_digits(return_X_y=True)
    >>> pattern = make_pattern("S3", (8, 8), value_range=(0, 16))
    >>> clf = SpuriousInjectionClassifier(
    ...     LogisticRegression(max_iter=200), pattern, n_examples=20,
    ...     target_class=0, random_state=0).fit(X[:500], y[:500])
    >>> clf.spurious_indices_.shape
    (20,)
    """

    _parameter_constraints = {
        "estimator": [HasMethods(["fit", "predict"])],
        **_INJECTION_CONSTRAINTS,
    }

    def __init__(
        self, estimator, pattern, n_examples=1, target_class=0, random_state=None
    ):
        self.estimator = estimator
        self.pattern = pattern
        self.n_examples = n_examples
        self.target_class = target_class
        self.random_state = random_state

    @_fit_context(prefer_skip_nested_validation=False)
    def fit(self, X, y, **fit_params):
        """Patch ``n_examples`` rows of ``target_class`` and fit the estimator.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Images stored flat.
        y : array-like of shape (n_samples,)
            Labels.
        **fit_params : dict
            Passed to the estimator's ``fit``.

        Returns
        -------
        self : object

        Raises
        ------
        ValueError, InvalidParameterError
            As :meth:`SpuriousInjector.fit_resample`: images outside the
            pattern's ``value_range``, 3-D ``X``, missing labels, a bad
            ``n_examples``, ``target_class`` or ``random_state``.
        """
        check_injection_params(
            self.n_examples, self.target_class, self.random_state, type(self).__name__
        )
        reject_image_arrays(X)
        if y is not None:  # names missing labels before sklearn's NaN check
            check_labels(y)
        X, y = validate_data(self, X, y)
        y = check_labels(y)
        X_patched, self.spurious_indices_ = inject(
            X, y, self.pattern, self.n_examples, self.target_class, self.random_state
        )
        with reraise_interrupt():
            self.estimator_ = clone(self.estimator).fit(X_patched, y, **fit_params)
        self.classes_ = self.estimator_.classes_
        return self

    def _check(self, X):
        check_is_fitted(self)
        reject_image_arrays(X)
        return validate_data(self, X, reset=False)

    def predict(self, X):
        """Predict labels with the fitted estimator.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        y_pred : ndarray of shape (n_samples,)
        """
        X = self._check(X)
        return self.estimator_.predict(X)

    @available_if(_estimator_has("predict_proba"))
    def predict_proba(self, X):
        """Class probabilities from the fitted estimator.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
        """
        X = self._check(X)
        return self.estimator_.predict_proba(X)

    @available_if(_estimator_has("predict_log_proba"))
    def predict_log_proba(self, X):
        """Log class probabilities from the fitted estimator.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        log_proba : ndarray of shape (n_samples, n_classes)
        """
        X = self._check(X)
        return self.estimator_.predict_log_proba(X)

    @available_if(_estimator_has("decision_function"))
    def decision_function(self, X):
        """Decision function of the fitted estimator.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        scores : ndarray
        """
        X = self._check(X)
        return self.estimator_.decision_function(X)

    def __sklearn_tags__(self):
        from sklearn.utils import get_tags

        tags = super().__sklearn_tags__()
        inner = get_tags(self.estimator)
        tags.input_tags.allow_nan = inner.input_tags.allow_nan
        tags.classifier_tags.multi_class = inner.classifier_tags.multi_class
        tags.classifier_tags.poor_score = inner.classifier_tags.poor_score
        return tags
