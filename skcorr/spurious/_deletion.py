"""Deleting the patched examples after training: incremental retraining and the
first-order group-influence update, each compared with exact retraining."""

import copy
import numbers

import numpy as np
from sklearn.base import clone
from sklearn.linear_model import LogisticRegression
from sklearn.utils import Bunch
from sklearn.utils.validation import check_array, check_is_fitted

from ..influence import LinearInfluence
from ..utils.fixes import HasMethods, Interval, StrOptions, validate_params
from ..utils.interrupts import reraise_interrupt
from ..utils.parameters import check_not_bool, check_random_seed
from ..utils.seeding import fit_with_seed, is_skorch_net
from ._score import spurious_score
from ._validation import check_labels, check_target_class, reject_image_arrays


def _check_numbers(owner, **params):
    """Bools pass sklearn's Interval constraints as 0 and 1: refuse them."""
    for name, value in params.items():
        if name == "random_state":
            check_random_seed(value, owner=owner)
        else:
            check_not_bool(owner, **{name: value})


def _check_removal(X, y, remove):
    reject_image_arrays(X)
    X = check_array(X, dtype=[np.float64, np.float32], input_name="X")
    y = check_labels(y)
    if y.shape[0] != X.shape[0]:
        raise ValueError(f"y has {y.shape[0]} rows but X has {X.shape[0]}.")
    remove = np.asarray(remove).reshape(-1)
    if remove.size and remove.dtype.kind not in "iu":
        raise ValueError(
            f"remove must hold integer row indices; got dtype {remove.dtype}. "
            "For a boolean mask pass np.flatnonzero(mask)."
        )
    remove = remove.astype(np.intp)
    unique, counts = np.unique(remove, return_counts=True)
    if (counts > 1).any():
        raise ValueError(
            f"remove holds duplicate row indices {unique[counts > 1].tolist()[:10]}; "
            "each row can be deleted once: pass np.unique(remove)."
        )
    remove = unique
    if remove.size and (remove.min() < 0 or remove.max() >= X.shape[0]):
        raise ValueError(
            f"remove holds row indices out of range for {X.shape[0]} rows."
        )
    if remove.size >= X.shape[0]:
        raise ValueError("remove would delete every row; keep at least one.")
    keep = np.ones(X.shape[0], dtype=bool)
    keep[remove] = False
    return X, y, remove, keep


def _report(original, updated, X, y, keep, scoring, reference, random_state):
    """Scores before / after, and the model retrained from scratch."""
    result = Bunch(estimator=updated, removed=np.flatnonzero(~keep))
    retrained = None
    if reference and scoring is not None:
        target = scoring[2]["target_class"]
        if not np.any(np.asarray(y)[keep] == target):
            raise ValueError(
                f"remove takes every training row of target_class={target!r}: a "
                "model retrained from scratch on the rest cannot predict it, so its "
                "spurious score is undefined. Keep some of its rows, or pass "
                "reference=False."
            )
    if reference:
        retrained = clone(original)
        if random_state is not None:
            retrained = fit_with_seed(retrained, random_state, X[keep], y[keep])
        else:
            with reraise_interrupt():
                retrained = retrained.fit(X[keep], y[keep])
    result.retrained = retrained
    if scoring is None:
        return result
    X_eval, y_eval, kwargs = scoring
    result.score_before = spurious_score(original, X_eval, y_eval, **kwargs)
    result.score_after = spurious_score(updated, X_eval, y_eval, **kwargs)
    if retrained is not None:
        result.score_retrained = spurious_score(retrained, X_eval, y_eval, **kwargs)
    return result


def _scoring(X_eval, y_eval, pattern, target_class, threshold, exclude_target):
    if pattern is None:
        return None
    check_target_class(target_class)
    if X_eval is None:
        raise ValueError("Pass X_eval (and y_eval) to score the pattern.")
    return (
        X_eval,
        y_eval,
        dict(
            pattern=pattern,
            target_class=target_class,
            threshold=threshold,
            exclude_target=exclude_target,
        ),
    )


_COMMON = {
    "X": ["array-like"],
    "y": ["array-like"],
    "remove": ["array-like"],
    "X_eval": ["array-like", None],
    "y_eval": ["array-like", None],
    "pattern": [HasMethods(["apply", "norm"]), None],
    "target_class": "no_validation",
    "threshold": [Interval(numbers.Real, None, None, closed="neither")],
    "exclude_target": ["boolean"],
    "reference": ["boolean"],
    "random_state": ["random_state"],
}


@validate_params(
    {
        "estimator": [HasMethods(["partial_fit"])],
        "epochs": [Interval(numbers.Integral, 1, None, closed="left"), None],
        **_COMMON,
    },
    prefer_skip_nested_validation=True,
)
def incremental_retraining(
    estimator,
    X,
    y,
    remove,
    epochs=None,
    *,
    X_eval=None,
    y_eval=None,
    pattern=None,
    target_class=0,
    threshold=0.1,
    exclude_target=True,
    reference=True,
    random_state=None,
):
    """Delete rows and continue training from the current state.

    A copy of the fitted ``estimator`` goes on training on the rows that are
    kept, keeping its optimizer state: ``net.partial_fit(X_kept, y_kept,
    epochs=epochs)`` for a skorch net (default: ``max_epochs`` again, as in the
    study), ``epochs`` calls of ``partial_fit`` for scikit-learn estimators
    (:class:`~sklearn.neural_network.MLPClassifier`,
    :class:`~sklearn.linear_model.SGDClassifier`; default: ``n_iter_``).

    Parameters
    ----------
    estimator : fitted skorch net or estimator with partial_fit
        Trained on ``X, y``; left unchanged.
    X : array-like of shape (n_samples, n_features)
        The training data it saw (with the pattern, e.g. from
        :meth:`SpuriousInjector.fit_resample`).
    y : array-like of shape (n_samples,)
    remove : array-like of int
        Rows to delete, e.g. ``injector.spurious_indices_``.
    epochs : int, default=None
        Epochs of continued training (named as skorch's
        ``partial_fit(epochs=...)``, which it calls).
    X_eval, y_eval : array-like, default=None
        Clean test data for the spurious score.
    pattern : SpuriousPattern, default=None
        When given, the result holds the spurious scores.
    target_class : label, default=0
    threshold : float, default=0.1
    exclude_target : bool, default=True
        As in :func:`~skcorr.spurious.spurious_score`.
    reference : bool, default=True
        Also retrain a clone from scratch without the rows: the reference.
    random_state : int or None, default=None
        Seed of the reference fit (torch included for skorch nets).

    Returns
    -------
    result : Bunch
        ``estimator`` (the updated copy), ``removed``, ``retrained`` (or None),
        and with a pattern ``score_before``, ``score_after``,
        ``score_retrained``.

    Raises
    ------
    ValueError
        For ``remove`` with indices out of range, duplicates, booleans or
        floats, or deleting every row; 3-D ``X`` (pass
        ``X.reshape(len(X), -1)``); missing labels in ``y``; with a pattern,
        ``X_eval`` outside its ``value_range`` and the other problems of
        :func:`~skcorr.spurious.spurious_score`.
    InvalidParameterError
        For bools given as numbers (``epochs=True``) or as ``random_state``,
        and the other invalid parameters.

    References
    ----------
    Yang, Chou, Chaudhuri (2022), "Understanding Rare Spurious Correlations in
    Neural Networks", arXiv:2202.05189, section 5.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.linear_model import SGDClassifier
    >>> from skcorr.spurious import incremental_retraining
    >>> rng = np.random.RandomState(0)
    >>> X, y = rng.rand(40, 3), np.arange(40) % 2
    >>> sgd = SGDClassifier(random_state=0).fit(X, y)
    >>> result = incremental_retraining(sgd, X, y, remove=[0, 1], epochs=2)
    >>> result.estimator is sgd
    False
    """
    _check_numbers(
        "incremental_retraining",
        epochs=epochs,
        threshold=threshold,
        random_state=random_state,
    )
    X, y, _, keep = _check_removal(X, y, remove)
    updated = copy.deepcopy(estimator)
    if is_skorch_net(estimator):
        if not getattr(estimator, "initialized_", False):
            raise ValueError("The skorch net is not fitted: fit it first.")
        if epochs is None:
            epochs = estimator.max_epochs
        if getattr(updated, "classes", None) is None and hasattr(updated, "classes_"):
            # skorch infers the classes from each call's y: removing every row
            # of a class would drop it from the retrained net's classes_
            updated.classes = list(estimator.classes_)
        with reraise_interrupt():
            updated.partial_fit(X[keep], y[keep], epochs=epochs)
    else:
        check_is_fitted(estimator)
        if epochs is None:
            epochs = int(np.max(getattr(estimator, "n_iter_", 10)))
        classes = getattr(estimator, "classes_", None)
        for _ in range(epochs):
            with reraise_interrupt():
                updated.partial_fit(X[keep], y[keep], classes=classes)
    scoring = _scoring(X_eval, y_eval, pattern, target_class, threshold, exclude_target)
    return _report(estimator, updated, X, y, keep, scoring, reference, random_state)


def _linear_influence_removal(model, X, y, remove, keep, method):
    """One step ``theta += H^-1 sum_S grad L`` with the Hessian of
    scikit-learn's objective over all rows or the kept ones (``"newton"``);
    the Hessian and the gradients are :class:`~skcorr.influence.LinearInfluence`'s
    (parameters class by class: coefficients, then intercept)."""
    influence = LinearInfluence(model)
    rows = np.flatnonzero(keep) if method == "newton" else np.arange(X.shape[0])
    H = influence.fit(X[rows], y[rows]).hessian_
    grad_removed = influence.loss_gradients(X[remove], y[remove]).sum(axis=0)
    step = np.linalg.lstsq(H, grad_removed, rcond=None)[0]
    n_out = influence.coef_.shape[0]
    theta = np.hstack([model.coef_, model.intercept_[:, None]]) if (
        model.fit_intercept
    ) else np.asarray(model.coef_)
    theta = theta[:n_out] + step.reshape(n_out, -1)
    if model.fit_intercept:
        model.intercept_ = theta[:, -1].copy()
        theta = theta[:, :-1]
    model.coef_ = np.ascontiguousarray(theta)
    return model


@validate_params(
    {
        "estimator": [HasMethods(["fit", "predict_proba"])],
        "method": [StrOptions({"first_order", "newton"})],
        "solver": [StrOptions({"cg", "lissa"})],
        "damping": [Interval(numbers.Real, 0, None, closed="left")],
        "scale": [Interval(numbers.Real, 0, None, closed="neither")],
        "max_iter": [Interval(numbers.Integral, 1, None, closed="left")],
        "batch_size": [Interval(numbers.Integral, 1, None, closed="left")],
        **_COMMON,
    },
    prefer_skip_nested_validation=True,
)
def influence_removal(
    estimator,
    X,
    y,
    remove,
    *,
    method="first_order",
    solver="cg",
    damping=0.01,
    scale=25.0,
    max_iter=100,
    batch_size=128,
    X_eval=None,
    y_eval=None,
    pattern=None,
    target_class=0,
    threshold=0.1,
    exclude_target=True,
    reference=True,
    random_state=None,
):
    """Delete rows with one first-order group-influence step.

    The update of the study (after Koh and Liang 2017; Basu et al. 2020):
    ``theta <- theta + 1 / ((1 - p) N) * H^-1 sum_{z in S} grad L(z)``, with
    ``S`` the rows removed, ``p = |S| / N`` and ``H`` the Hessian of the mean
    training loss.

    - :class:`~sklearn.linear_model.LogisticRegression` (binary or multinomial,
      L2 or no penalty): exact Hessian of scikit-learn's objective
      ``sum_i L(z_i) + ||W||^2 / (2C)`` (intercept unpenalised, ``C`` fixed
      when rows go), so the step is ``H^-1 sum_S grad L`` with ``H`` over all
      ``N`` rows (``method="first_order"``) or over the ``N - |S|`` rows kept
      (``method="newton"``: one exact Newton step on the new objective).
    - skorch nets: ``H^-1 g`` by conjugate gradients on full-batch
      Hessian-vector products (``solver="cg"``) or by LiSSA on mini-batches
      (``solver="lissa"``, as the study). CG solves with ``H + damping * I``;
      LiSSA's recursion ``h <- g + (1 - damping) h - H h / scale`` solves with
      ``H + damping * scale * I``, as in the authors' code.

    Parameters
    ----------
    estimator : fitted LogisticRegression or skorch net
        Left unchanged.
    X, y : array-like
        The training data it saw (with the pattern).
    remove : array-like of int
        Rows to delete, e.g. ``injector.spurious_indices_``.
    method : {"first_order", "newton"}, default="first_order"
        Logistic regression only: Hessian over all rows or over the kept ones.
    solver : {"cg", "lissa"}, default="cg"
        Torch models only.
    damping : float, default=0.01
        Torch models: ``H + damping * I``.
    scale : float, default=25.0
        LiSSA: ``H / scale`` must have eigenvalues below 1 (the study uses 25).
    max_iter : int, default=100
        CG iterations, or LiSSA recursion depth.
    batch_size : int, default=128
        Rows per Hessian-vector product (LiSSA mini-batch; CG chunk).
    X_eval, y_eval, pattern, target_class, threshold, exclude_target, \
            reference, random_state
        As in :func:`incremental_retraining`; ``random_state`` also seeds the
        LiSSA mini-batches.

    Returns
    -------
    result : Bunch
        ``estimator`` (the updated copy), ``removed``, ``retrained`` (or None),
        and with a pattern ``score_before``, ``score_after``,
        ``score_retrained``.

    Raises
    ------
    ValueError
        For ``remove`` with indices out of range, duplicates, booleans or
        floats, or deleting every row; 3-D ``X`` (pass
        ``X.reshape(len(X), -1)``); missing labels in ``y``; with a pattern,
        ``X_eval`` outside its ``value_range`` and the other problems of
        :func:`~skcorr.spurious.spurious_score`.
    InvalidParameterError
        For bools given as numbers (``epochs=True``) or as ``random_state``,
        and the other invalid parameters.

    References
    ----------
    Yang, Chou, Chaudhuri (2022), arXiv:2202.05189, section 5.
    Koh, Liang (2017), arXiv:1703.04730. Basu, You, Feizi (2020),
    arXiv:1911.00418. Agarwal, Bullins, Hazan (2017), LiSSA, arXiv:1602.03943.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.linear_model import LogisticRegression
    >>> from skcorr.spurious import influence_removal
    >>> rng = np.random.RandomState(0)
    >>> X = rng.normal(size=(200, 3))
    >>> y = (X[:, 0] + rng.normal(size=200) > 0).astype(int)
    >>> model = LogisticRegression(tol=1e-10).fit(X, y)
    >>> result = influence_removal(model, X, y, remove=[0, 1, 2], method="newton")
    >>> moved = np.abs(model.coef_ - result.retrained.coef_).max()
    >>> error = np.abs(result.estimator.coef_ - result.retrained.coef_).max()
    >>> bool(error < 0.05 * moved)
    True
    """
    _check_numbers(
        "influence_removal",
        damping=damping,
        scale=scale,
        max_iter=max_iter,
        batch_size=batch_size,
        threshold=threshold,
        random_state=random_state,
    )
    X, y, remove, keep = _check_removal(X, y, remove)
    updated = copy.deepcopy(estimator)
    if isinstance(estimator, LogisticRegression):
        check_is_fitted(estimator)
        X64 = X.astype(np.float64, copy=False)
        _linear_influence_removal(updated, X64, y, remove, keep, method)
    elif is_skorch_net(estimator):
        from ._torch_influence import torch_influence_removal

        torch_influence_removal(
            updated,
            X,
            y,
            remove,
            solver=solver,
            damping=damping,
            scale=scale,
            max_iter=max_iter,
            batch_size=batch_size,
            random_state=random_state,
        )
    else:
        raise TypeError(
            "influence_removal supports scikit-learn's LogisticRegression and "
            f"skorch nets; got {type(estimator).__name__}."
        )
    scoring = _scoring(X_eval, y_eval, pattern, target_class, threshold, exclude_target)
    return _report(estimator, updated, X, y, keep, scoring, reference, random_state)
