"""Fit one member of an ensemble: the unit of work sent to a joblib worker.

Everything a member needs (its estimator, seed, rows and features) is decided in
the calling process and passed in, so the result depends on nothing else: not on
the worker, the backend, nor the order in which members finish. The fit runs
on one BLAS/OpenMP thread with nested joblib calls of ``n_jobs=None`` run one
at a time (:func:`~skcorr.utils.threads.member_threads`), so its numbers
do not depend on how many threads the process running it has. With a
:class:`joblib.Memory`, each call is cached by its arguments, so a run killed part
way resumes without refitting the members that finished.
"""

import io
import os
import pickle
from time import perf_counter

try:  # joblib >= 1.6 depends on cloudpickle; older versions ship a copy
    import cloudpickle
except ImportError:  # pragma: no cover
    from joblib.externals import cloudpickle
from sklearn.base import clone

from ..utils.fixes import _check_method_params, _safe_indexing
from ..utils.nets import net_input
from ..utils.seeding import _skorch_net_class, fit_with_seed
from ..utils.threads import member_threads


class MemberFitError(RuntimeError):
    """A member of an ensemble failed to fit; the message names it and its seed."""


_TORCH_DTYPE_ERRORS = ("must have the same dtype", "expected scalar type")


def _dtype_hint(exc):
    """What to do when torch refused the dtype of the data."""
    if not any(text in str(exc) for text in _TORCH_DTYPE_ERRORS):
        return ""
    return (
        ". A skorch net computes in the dtype of its parameters (float32 by "
        "default): skcorr casts float X given to a net itself, but not X that "
        "earlier steps of a Pipeline produce; end those steps with "
        "FunctionTransformer(numpy.float32), or cast integer X with "
        "X.astype(numpy.float32)"
    )


def member_failure(exc, member_name, seed):
    """An exception of the same type as ``exc`` whose message names the member.

    Keeping the type lets callers (and scikit-learn's checks) catch what the
    wrapped estimator raised; when the type cannot be rebuilt from a message, a
    :class:`MemberFitError` is returned instead.
    """
    message = (
        f"Member {member_name!r} (seed={seed}) failed to fit: "
        f"{type(exc).__name__}: {exc}{_dtype_hint(exc)}"
    )
    try:
        failure = type(exc)(message)
    except Exception:
        return MemberFitError(message)
    if str(failure) != message:
        return MemberFitError(message)
    return failure


class _MemberPickler(cloudpickle.Pickler):
    """cloudpickle, with skorch nets pickled by their attributes.

    A skorch net pickles its module with the standard pickle (in its
    ``__getstate__``), which finds classes by name and so fails for a module
    class defined in ``__main__`` (a notebook or script) once it is in a worker
    process; here the net's attributes go through cloudpickle, which sends such
    classes by value.
    """

    def reducer_override(self, obj):
        net_class = _skorch_net_class()
        if (
            net_class is not None
            and isinstance(obj, net_class)
            and not isinstance(obj, type)
        ):
            # The attributes as the state (not an argument), so that a net
            # referred to from its own attributes is pickled once.
            return (
                _new_net, (type(obj),), dict(obj.__dict__), None, None, _set_attributes
            )
        return super().reducer_override(obj)


def _new_net(net_class):
    return net_class.__new__(net_class)


def _set_attributes(net, attributes):
    net.__dict__.update(attributes)


class ShippedMember:
    """A fitted member pickled in the worker that fitted it, for its way back.

    joblib backends return results with the standard pickle, which finds
    classes by name: a model whose class (or skorch module class) is defined in
    ``__main__`` of a notebook or script reaches a loky or dask worker by value
    (cloudpickle) but cannot travel back (``PicklingError``; a hang under dask).
    Pickled here with cloudpickle, it travels as bytes, and the class it comes
    back with is the caller's own (cloudpickle tracks classes sent by value).
    """

    def __init__(self, fitted):
        buffer = io.BytesIO()
        _MemberPickler(buffer, protocol=pickle.HIGHEST_PROTOCOL).dump(fitted)
        self.payload = buffer.getvalue()

    def load(self):
        return pickle.loads(self.payload)


def fit_member_for(caller_pid, fit, *args, **kwargs):
    """``fit(*args, **kwargs)``, the fitted member shipped when this is not the
    caller's process (see :class:`ShippedMember`)."""
    try:
        fitted, seconds = fit(*args, **kwargs)
    except pickle.PicklingError as exc:
        if "while hashing" not in str(exc):
            raise
        # joblib.Memory hashes the arguments by pickling them, by name
        raise pickle.PicklingError(
            "memory= cannot cache this member in a worker process: joblib "
            "hashes the model by pickling it, which fails for a class defined "
            "in __main__ (a notebook or script). Define the class in an "
            "importable module, drop memory=, or fit with n_jobs=1 or under "
            "joblib.parallel_config(backend='threading')."
        ) from exc
    if os.getpid() != caller_pid:
        fitted = ShippedMember(fitted)
    return fitted, seconds


def received_member(fitted):
    """The member returned by :func:`fit_member_for`, loaded if shipped."""
    return fitted.load() if isinstance(fitted, ShippedMember) else fitted


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
    The fit runs inside :func:`~skcorr.utils.threads.member_threads`:
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
        X = net_input(estimator, subset_columns(X, features))
        with member_threads():
            fitted = fit_with_seed(clone(estimator), seed, X, y, **fit_params)
    except Exception as exc:
        raise member_failure(exc, member_name or f"seed={seed}", seed) from exc
    return fitted, perf_counter() - start
