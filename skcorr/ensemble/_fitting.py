"""Fit one member of an ensemble: the unit of work sent to a joblib worker.

Everything a member needs (its estimator, seed, rows and features) is decided in
the calling process and passed in, so the result depends on nothing else: not on
the worker, the backend, nor the order in which members finish. The fit runs
on one BLAS/OpenMP thread with nested joblib calls of ``n_jobs=None`` run one
at a time (:func:`~skcorr.ensemble._validation.member_threads`), so its numbers
do not depend on how many threads the process running it has. With a
:class:`joblib.Memory`, each call is cached by its arguments, so a run killed part
way resumes without refitting the members that finished.
"""

from time import perf_counter

from sklearn.base import clone
from sklearn.utils import _safe_indexing
from sklearn.utils.validation import _check_method_params

from ..utils.seeding import fit_with_seed
from ._validation import member_threads


class MemberFitError(RuntimeError):
    """A member of an ensemble failed to fit; the message names it and its seed."""


def member_failure(exc, member_name, seed):
    """An exception of the same type as ``exc`` whose message names the member.

    Keeping the type lets callers (and scikit-learn's checks) catch what the
    wrapped estimator raised; when the type cannot be rebuilt from a message, a
    :class:`MemberFitError` is returned instead.
    """
    message = (
        f"Member {member_name!r} (seed={seed}) failed to fit: "
        f"{type(exc).__name__}: {exc}"
    )
    try:
        failure = type(exc)(message)
    except Exception:
        return MemberFitError(message)
    if str(failure) != message:
        return MemberFitError(message)
    return failure


def subset_columns(X, features):
    """``X`` restricted to the columns ``features`` (all columns when None)."""
    if features is None:
        return X
    return _safe_indexing(X, features, axis=1)


def fit_member(
    estimator, seed, X, y, rows=None, features=None, fit_params=None, member_name=None
):
    """Clone ``estimator``, seed it and fit it on the given rows and columns.

    Parameters
    ----------
    estimator : estimator instance
        Unfitted template; cloned here, never modified.
    seed : int
        Given to every randomness source of the clone
        (see :func:`skcorr.utils.seeding.fit_with_seed`).
    X, y : array-like
        The full training data.
    rows : ndarray of int or None
        Rows of this member (with repeats for a bootstrap); None for all.
    features : ndarray of int or None
        Columns of this member; None for all.
    fit_params : dict or None
        Fit parameters; those of length ``n_samples`` are indexed by ``rows``.
    member_name : str or None
        Used in the error message only (and left out of any cache key).

    Returns
    -------
    fitted : estimator instance
    fit_time : float
        Seconds spent fitting.

    Notes
    -----
    The fit runs inside :func:`~skcorr.ensemble._validation.member_threads`:
    one BLAS/OpenMP thread, nested joblib calls of ``n_jobs=None`` sequential.

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from sklearn.tree import DecisionTreeClassifier
    >>> from skcorr.ensemble._fitting import fit_member
    >>> X, y = load_iris(return_X_y=True)
    >>> tree, seconds = fit_member(DecisionTreeClassifier(), 3, X, y)
    >>> tree.random_state
    3
    """
    fit_params = {} if fit_params is None else fit_params
    start = perf_counter()
    try:
        if rows is not None:
            fit_params = _check_method_params(X, params=fit_params, indices=rows)
            X = _safe_indexing(X, rows)
            y = _safe_indexing(y, rows)
        X = subset_columns(X, features)
        with member_threads():
            fitted = fit_with_seed(clone(estimator), seed, X, y, **fit_params)
    except Exception as exc:
        raise member_failure(exc, member_name or f"seed={seed}", seed) from exc
    return fitted, perf_counter() - start
