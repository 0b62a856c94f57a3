"""Closed-form influence functions for fitted linear and logistic regression."""

import numpy as np
from scipy.linalg import pinvh
from scipy.special import expit, softmax
from sklearn.linear_model import LinearRegression, LogisticRegression, Ridge
from sklearn.utils.validation import check_array, check_is_fitted

from ..utils.fixes import _check_sample_weight, _num_samples, _safe_indexing
from ..utils.validation import as_numeric, check_missing_labels, check_same_index
from ._base import BilinearInfluence

SUPPORTED = (LinearRegression, Ridge, LogisticRegression)


def _logistic_l2_strength(estimator):
    """``1 / C`` for an L2 (or no) penalty, as sklearn's objective uses it.

    sklearn minimises ``C * sum_i loss_i + 1/2 ||w||^2`` (intercept not
    penalised, except by liblinear).
    """
    if estimator.solver == "liblinear":
        raise ValueError(
            "LogisticRegression(solver='liblinear') penalises the intercept; refit "
            "with solver='lbfgs' (or 'newton-cg', 'newton-cholesky', 'sag', 'saga')."
        )
    if getattr(estimator, "class_weight", None) is not None:
        raise ValueError(
            "LogisticRegression with class_weight is not supported: its loss "
            "weights differ per class. Refit with class_weight=None."
        )
    penalty = getattr(estimator, "penalty", "deprecated")
    if penalty is None or estimator.C == np.inf:
        return 0.0
    if penalty == "deprecated":
        l1_ratio = estimator.l1_ratio
        if l1_ratio not in (0, None):
            raise ValueError(
                "Influence functions need a twice-differentiable objective, an "
                f"L2 (or no) penalty; LogisticRegression has l1_ratio={l1_ratio}. "
                "Use l1_ratio=0."
            )
    elif penalty != "l2":
        raise ValueError(
            f"Influence functions need an L2 or no penalty; got penalty={penalty!r}."
        )
    return 1.0 / estimator.C


# Rows handled at once: per-row gradients and Hessian factors of one block.
ROW_BLOCK = 4096


def _row_blocks(X, y):
    """Yield ``(rows, X[rows], y[rows])`` in blocks; a memmap stays on disk.

    ``rows`` is a slice. Empty input still yields one (empty) block, so that
    it is validated.
    """
    check_same_index(X=X, y=y)
    n_samples = _num_samples(X)
    if len(y) != n_samples:
        raise ValueError(
            f"X and y have different numbers of rows: {n_samples} and {len(y)}."
        )
    for start in range(0, max(n_samples, 1), ROW_BLOCK):
        rows = slice(start, min(start + ROW_BLOCK, n_samples))
        indices = np.arange(rows.start, rows.stop)
        yield rows, _safe_indexing(X, indices), _safe_indexing(y, indices)


class LinearInfluence(BilinearInfluence):
    """Closed-form influence functions of a fitted linear or logistic model.

    For a model trained by minimising ``sum_i L(z_i, theta) + R(theta)``
    (the estimator's own objective and regularisation), removing a training
    example ``z`` moves the parameters by about ``H^-1 grad L(z)``, with
    ``H`` the Hessian of the objective, so the loss on ``z'`` changes by
    ``influence(z -> z') = grad L(z')^T H^-1 grad L(z)`` (Koh & Liang, 2017,
    with the sign chosen so that, as for TracIn, positive means that
    training on ``z`` lowers the loss on ``z'``).

    Supported, with sklearn's scaling of the penalty:

    - ``LinearRegression``, ``Ridge`` (one target): ``L = (y - x.w - b)^2``,
      ``R = alpha ||w||^2``;
    - ``LogisticRegression`` (L2 or no penalty, binary or multinomial):
      ``L`` = log-loss, ``R = ||w||^2 / (2 C)``.

    The intercept is never penalised.

    A model fitted with ``sample_weight`` minimises ``sum_i w_i L(z_i, theta)
    + R(theta)``: pass the same weights to :meth:`fit`, which weights the
    Hessian. Influence stays per unit of weight (Koh & Liang's derivative with
    respect to upweighting ``z``): a row of weight ``w`` moves the parameters
    ``w`` times as far when it is removed, which
    ``leave_one_out_change(X, y, sample_weight=w)`` gives.

    Parameters
    ----------
    estimator : fitted LinearRegression, Ridge or LogisticRegression
        The model; it is not refitted.
    leverage_correction : bool, default=False
        Use the Hessian without the removed example, ``H_-z^-1 grad L(z)``
        (a Newton step from the fitted parameters, by the Sherman-Morrison-
        Woodbury formula). For least squares this is the exact leave-one-out
        parameter change (the leverage formula ``r_i / (1 - h_i)``). It also
        makes influence asymmetric on a shared set.

    Attributes
    ----------
    hessian_ : ndarray of shape (n_params, n_params)
        Set by :meth:`fit`: the Hessian of the objective on the training set,
        parameters ordered class by class, coefficients then intercept. It is
        also the one home of the Hessian of scikit-learn's logistic-regression
        objective in skcorr (:func:`~skcorr.spurious.influence_removal` uses
        it).
    inverse_hessian_ : ndarray of shape (n_params, n_params)
        Its pseudo-inverse (:func:`scipy.linalg.pinvh`), computed on first use.
    n_params_ : int

    References
    ----------
    .. [1] P. W. Koh, P. Liang, "Understanding Black-box Predictions via
       Influence Functions", ICML 2017.
    .. [2] M. Sundararajan, W. Krichene, "Inflow, Outflow, and Reciprocity in
       Machine Learning", arXiv:2202.09480, 2022.
    .. [3] G. Pruthi, F. Liu, S. Kale, M. Sundararajan, "Estimating Training
       Data Influence by Tracing Gradient Descent", NeurIPS 2020 (the sign
       convention shared with :class:`TracIn`).

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.linear_model import LinearRegression
    >>> from skcorr.influence import LinearInfluence
    >>> rng = np.random.RandomState(0)
    >>> X = rng.randn(20, 2); y = X @ [1.0, -1.0] + rng.randn(20)
    >>> model = LinearRegression().fit(X, y)
    >>> influence = LinearInfluence(model, leverage_correction=True).fit(X, y)
    >>> change = influence.leave_one_out_change(X, y)   # exact for least squares
    >>> refit = LinearRegression().fit(X[1:], y[1:])
    >>> np.allclose(change[0], np.r_[refit.coef_, refit.intercept_]
    ...             - np.r_[model.coef_, model.intercept_])
    True
    >>> influence.influence(X[:3], y[:3], X, y).shape
    (3, 20)
    """

    def __init__(self, estimator, *, leverage_correction=False):
        if not isinstance(estimator, SUPPORTED):
            raise TypeError(
                "LinearInfluence supports LinearRegression, Ridge and "
                f"LogisticRegression; got {type(estimator).__name__}."
            )
        check_is_fitted(estimator)
        self.estimator = estimator
        self.leverage_correction = bool(leverage_correction)
        self._read_estimator()

    def _read_estimator(self):
        estimator = self.estimator
        coef = np.asarray(estimator.coef_, dtype=np.float64)
        self.fit_intercept_ = bool(estimator.fit_intercept)
        intercept = np.atleast_1d(np.asarray(estimator.intercept_, dtype=np.float64))
        if isinstance(estimator, LogisticRegression):
            self.kind_ = "binary" if coef.shape[0] == 1 else "multinomial"
            self.regularisation_ = _logistic_l2_strength(estimator)
            self.coef_ = np.atleast_2d(coef)
        else:
            if coef.ndim != 1:
                raise ValueError(
                    "LinearInfluence supports one regression target; the estimator "
                    f"has coef_ of shape {coef.shape}."
                )
            alpha = getattr(estimator, "alpha", 0.0)
            if np.ndim(alpha) != 0:
                raise ValueError("Ridge with one alpha per target is not supported.")
            if getattr(estimator, "positive", False):
                raise ValueError(
                    "positive=True constrains the coefficients; influence functions "
                    "need an unconstrained optimum."
                )
            self.kind_ = "squared"
            self.regularisation_ = 2.0 * float(alpha)
            self.coef_ = coef[None, :]
        self.intercept_ = intercept if self.fit_intercept_ else np.zeros(
            self.coef_.shape[0]
        )
        self.n_features_in_ = self.coef_.shape[1]
        n_columns = self.n_features_in_ + int(self.fit_intercept_)
        self.n_params_ = self.coef_.shape[0] * n_columns
        penalised = np.ones(n_columns)
        if self.fit_intercept_:
            penalised[-1] = 0.0
        self._penalty_diagonal = self.regularisation_ * np.tile(
            penalised, self.coef_.shape[0]
        )

    # per-example pieces -------------------------------------------------
    def _design(self, X):
        numeric = isinstance(X, np.ndarray) and X.dtype.kind in "biuf"
        if not (numeric or hasattr(X, "tocsr")):  # sparse: check_array says
            X = as_numeric(X, "X", allow_bool=True)  # strings are not parsed
        # C order: a DataFrame (column-major) gives the numbers of the array
        X = check_array(X, dtype=np.float64, order="C", input_name="X")
        if X.shape[1] != self.n_features_in_:
            raise ValueError(
                f"X has {X.shape[1]} features, but the estimator was fitted with "
                f"{self.n_features_in_}."
            )
        if self.fit_intercept_:
            X = np.hstack([X, np.ones((X.shape[0], 1))])
        return X

    def _targets(self, y, n_samples):
        y = np.asarray(y)
        if y.ndim == 2 and y.shape[1] == 1:
            y = y.ravel()
        if y.ndim != 1 or y.shape[0] != n_samples:
            raise ValueError(
                f"y must have shape ({n_samples},); got {y.shape}."
            )
        if self.kind_ == "squared":
            y = as_numeric(y, "y (a regression target)", allow_bool=True)
            if not np.isfinite(y).all():
                raise ValueError("y contains NaN or infinite values.")
            return y
        y = check_missing_labels(y, "y")
        classes = self.estimator.classes_
        codes = np.searchsorted(classes, y)
        codes = np.clip(codes, 0, len(classes) - 1)
        unknown = classes[codes] != y
        if unknown.any():
            raise ValueError(
                f"y holds labels {sorted(set(np.asarray(y)[unknown].tolist()))} "
                f"unseen by the estimator (classes {classes.tolist()})."
            )
        return codes

    def _gradients_and_factors(self, X, y):
        """Per-example loss gradients ``(n, n_params)`` and Hessian factors
        ``U`` of shape ``(n, n_params, m)`` with ``hess L_i = U_i U_i^T``."""
        design = self._design(X)
        codes = self._targets(y, design.shape[0])
        weights = np.hstack([self.coef_, self.intercept_[:, None]]) if (
            self.fit_intercept_
        ) else self.coef_
        scores = design @ weights.T
        if self.kind_ == "squared":
            residual = codes - scores[:, 0]
            gradients = -2.0 * residual[:, None] * design
            factors = np.sqrt(2.0) * design[:, :, None]
        elif self.kind_ == "binary":
            probability = expit(scores[:, 0])
            gradients = (probability - codes)[:, None] * design
            factors = (np.sqrt(probability * (1 - probability))[:, None]
                       * design)[:, :, None]
        else:
            probability = softmax(scores, axis=1)
            onehot = np.eye(probability.shape[1])[codes]
            n, q = design.shape
            gradients = ((probability - onehot)[:, :, None]
                         * design[:, None, :]).reshape(n, -1)
            root = np.sqrt(probability)
            # A A^T = diag(p) - p p^T with A = diag(sqrt p) - p sqrt(p)^T
            A = np.einsum("nk,km->nkm", root, np.eye(probability.shape[1])) - (
                probability[:, :, None] * root[:, None, :]
            )
            factors = (A[:, :, None, :] * design[:, None, :, None]).reshape(
                n, -1, probability.shape[1]
            )
        return gradients, factors

    def fit(self, X, y, sample_weight=None):
        """Compute the Hessian of the objective on the training set.

        Parameters
        ----------
        X, y : array-like
            The data the estimator was fitted on (it is not refitted).
        sample_weight : array-like of shape (n_samples,), default=None
            The weights the estimator was fitted with, if any: they weight
            each row's part of the Hessian. Non-negative and finite.

        Returns
        -------
        self

        Raises
        ------
        ValueError
            If ``X``, ``y`` or ``sample_weight`` are not numeric (strings are
            never parsed), hold NaN, inf or missing labels (None, NaN,
            ``pd.NA``), have different lengths, or are pandas objects with
            different indexes; if ``y`` holds labels the estimator has not
            seen; if ``sample_weight`` is negative.
        """
        weights = self._weights(sample_weight, X)
        hessian = 0.0
        for rows, X_block, y_block in _row_blocks(X, y):
            _, factors = self._gradients_and_factors(X_block, y_block)
            if weights is not None:
                factors = factors * np.sqrt(weights[rows])[:, None, None]
            hessian = hessian + np.einsum("nam,nbm->ab", factors, factors)
        hessian[np.diag_indices_from(hessian)] += self._penalty_diagonal
        self.hessian_ = hessian
        self._inverse_hessian = None
        return self

    @property
    def inverse_hessian_(self):
        """The pseudo-inverse of ``hessian_``, computed once, on first use."""
        if not hasattr(self, "hessian_"):
            raise AttributeError(
                "This LinearInfluence is not fitted: it has no inverse_hessian_."
            )
        if self._inverse_hessian is None:
            self._inverse_hessian = pinvh(self.hessian_)
        return self._inverse_hessian

    def loss_gradients(self, X, y):
        """Gradient of each row's loss with respect to the parameters.

        Parameters
        ----------
        X, y : array-like
            Rows and their targets.

        Returns
        -------
        gradients : ndarray of shape (n_samples, n_params)
            Parameters ordered as in ``hessian_``.
        """
        return self._gradients_and_factors(X, y)[0]

    @staticmethod
    def _weights(sample_weight, X):
        """Validated float64 weights, or None when there are none."""
        if sample_weight is None:
            return None
        check_same_index(X=X, sample_weight=sample_weight)
        sample_weight = as_numeric(sample_weight, "sample_weight", allow_bool=True)
        return _check_sample_weight(sample_weight, X, dtype=np.float64,
                                    ensure_non_negative=True)

    def _check_fitted(self):
        if not hasattr(self, "hessian_"):
            raise ValueError(
                "This LinearInfluence is not fitted: call fit(X_train, y_train) "
                "with the estimator's training data first."
            )

    def leave_one_out_change(self, X, y, sample_weight=None):
        """Predicted parameter change when each row is left out of training.

        ``theta_-z - theta ~= w H^-1 grad L(z)`` (with ``leverage_correction``,
        ``w H_-z^-1 grad L(z)`` with ``H_-z = H - w hess L(z)``, exact for
        least squares), ``w`` the row's weight. Parameters are ordered class
        by class: coefficients, then intercept.

        Parameters
        ----------
        X, y : array-like
            Training rows.
        sample_weight : array-like of shape (n_samples,), default=None
            Their weights in the fit; 1 for every row by default.

        Returns
        -------
        change : ndarray of shape (n_samples, n_params)
        """
        self._check_fitted()
        gradients, factors = self._gradients_and_factors(X, y)
        weights = self._weights(sample_weight, X)
        if weights is not None:
            gradients = gradients * weights[:, None]
            factors = factors * np.sqrt(weights)[:, None, None]
        inverse = self.inverse_hessian_
        change = gradients @ inverse
        if self.leverage_correction:
            # Woodbury: (H - U U^T)^-1 g
            #   = H^-1 g + H^-1 U (I - U^T H^-1 U)^-1 U^T H^-1 g
            inverse_factors = np.einsum("ab,nbm->nam", inverse, factors)
            inner = np.eye(factors.shape[2]) - np.einsum(
                "nam,nal->nml", factors, inverse_factors
            )
            projected = np.einsum("nam,na->nm", factors, change)
            solved = np.linalg.solve(inner, projected[:, :, None])[:, :, 0]
            change = change + np.einsum("nam,nm->na", inverse_factors, solved)
        return change

    def weighted_feature_blocks(self, X, y, role, sample_weight=None):
        """Row-weighted features; a training row's is the change of removing
        it with its weight (with ``leverage_correction``, ``H - w hess L``)."""
        if sample_weight is None or role != "train":
            yield from super().weighted_feature_blocks(X, y, role, sample_weight)
            return
        for rows, X_block, y_block in _row_blocks(X, y):
            yield 0, 1.0, rows, self.leave_one_out_change(
                X_block, y_block, sample_weight=sample_weight[rows]
            )

    def feature_blocks(self, X, y, role="train"):
        """Yield blocks of rows: loss gradients (eval) or parameter changes
        (train), ``ROW_BLOCK`` rows at a time so that memory stays bounded."""
        if role not in ("train", "eval"):
            raise ValueError(f"role must be 'train' or 'eval'; got {role!r}.")
        for rows, X_block, y_block in _row_blocks(X, y):
            if role == "train":
                features = self.leave_one_out_change(X_block, y_block)
            else:
                self._check_fitted()
                features = self._gradients_and_factors(X_block, y_block)[0]
            yield 0, 1.0, rows, features
