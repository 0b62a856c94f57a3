"""Evaluate a grid of estimators x seeds x folds in one joblib batch."""

import warnings
from collections import Counter

import numpy as np
from sklearn.metrics import check_scoring
from sklearn.model_selection import check_cv
from sklearn.utils.parallel import delayed
from sklearn.utils.validation import check_memory, indexable

from ..utils.fixes import InvalidParameterError, _num_samples, _safe_indexing
from ..utils.nets import net_input
from ..utils.parameters import check_n_jobs
from ..utils.progress import check_verbose, parallel_map, progress_bar
from ..utils.threads import blas_single_thread, member_threads
from ..utils.validation import check_same_index
from ._fitting import fit_member
from ._validation import (
    _listing,
    check_classifier_labels,
    check_instances,
    check_seeds,
    estimator_kind,
)


def _fit_and_score(fit, estimator, seed, X, y, train, test, scorer, member_name):
    fitted, fit_time = fit(estimator, seed, X, y, train, member_name=member_name)
    X_test, y_test = _safe_indexing(X, test), _safe_indexing(y, test)
    X_test = net_input(fitted, X_test)
    # Scored and predicted under fixed thread settings, like the fit, so the
    # numbers do not depend on the worker (see member_threads).
    with member_threads():
        scores = scorer(fitted, X_test, y_test)
        y_pred = fitted.predict(X_test)
    if not isinstance(scores, dict):
        scores = {"score": scores}
    return scores, fit_time, y_pred


def _named_estimators(estimators):
    """``estimators`` as a list of (name, estimator), or a clear error."""
    if isinstance(estimators, dict):
        named = list(estimators.items())
    elif isinstance(estimators, list | tuple):
        named = list(estimators)
    else:
        hint = (
            " (an iterator is read once and cannot be checked: pass "
            "list(estimators))"
            if hasattr(estimators, "__next__") else ""
        )
        raise TypeError(
            "estimators must be a dict or a list of (name, estimator) pairs; got "
            f"{type(estimators).__name__}{hint}."
        )
    if not named:
        raise ValueError("estimators is empty: pass a dict or (name, estimator) list.")
    for pair in named:
        if not (isinstance(pair, tuple | list) and len(pair) == 2):
            raise TypeError(
                "estimators must be a dict or a list of (name, estimator) pairs; "
                f"got the entry {pair!r}."
            )
        name, estimator = pair
        if not isinstance(name, str):
            raise TypeError(
                "The names of the estimators must be strings (they name the "
                f"prediction columns, 'name/seed=<seed>'); got {name!r} "
                f"({type(name).__name__}) in the entry {tuple(pair)!r}. Use "
                "str(name), keeping the names distinct."
            )
        if not (hasattr(estimator, "fit") and hasattr(estimator, "predict")):
            raise TypeError(
                f"The estimator {name!r} must have fit and predict; got "
                f"{type(estimator).__name__} in the entry {tuple(pair)!r}."
            )
    repeated = [
        name for name, count in Counter(name for name, _ in named).items()
        if count > 1
    ]
    if repeated:
        raise ValueError(
            f"The names of the estimators must be unique; {repeated!r} "
            "given more than once, so their rows would share one prediction "
            "column. Give each estimator its own name."
        )
    return named


def _common_kind(named):
    """The kind (``"classifier"``, ``"regressor"``, ...) the estimators share,
    or a clear error when they mix kinds."""
    kinds = {}
    for name, estimator in named:
        kind = estimator_kind(estimator)
        if kind is not None:
            kinds.setdefault(kind, []).append(name)
    if len(kinds) > 1:
        listing = "; ".join(
            f"{kind}s: {', '.join(repr(name) for name in names)}"
            for kind, names in kinds.items()
        )
        raise ValueError(
            "evaluate_batch needs estimators of one kind; got " + listing + ". "
            "Their scores would share one test_<name> column (an accuracy next "
            "to an R^2) and their folds one splitter (stratified or not). Call "
            "evaluate_batch once per kind."
        )
    return next(iter(kinds), None)


def _check_splits(splits, n_samples):
    """Folds of integer row indices, each with training and test rows.

    Returns the folds as integer arrays; warns when a fold tests rows it also
    trains on (legal, but its scores are then not held-out scores).
    """
    if not splits:
        raise ValueError("cv gave no (train, test) splits; pass at least one.")
    checked = []
    for fold, split in enumerate(splits):
        try:
            train, test = split
        except (TypeError, ValueError) as exc:
            raise ValueError(
                f"Fold {fold} of cv is not a (train, test) pair of row indices; "
                f"got {split!r}."
            ) from exc
        pair = []
        for part, rows in (("training", train), ("test", test)):
            rows = np.asarray(rows)
            if rows.size == 0:
                raise ValueError(
                    f"Fold {fold} of cv has an empty {part} set: nothing to "
                    f"{'fit' if part == 'training' else 'score'}. Give every fold "
                    "training and test rows."
                )
            if rows.ndim != 1 or not np.issubdtype(rows.dtype, np.integer):
                hint = (
                    " (a boolean mask: pass np.flatnonzero(mask))"
                    if rows.dtype == bool else ""
                )
                raise ValueError(
                    f"Fold {fold} of cv gives its {part} rows as a {rows.ndim}-d "
                    f"{rows.dtype} array{hint}; cv must yield 1-d arrays of "
                    "integer row indices."
                )
            bad = rows[(rows < 0) | (rows >= n_samples)]
            if bad.size:
                raise ValueError(
                    f"Fold {fold} of cv has {part} row indices outside [0, "
                    f"{n_samples - 1}] (X has {n_samples} rows): "
                    f"{_listing(bad.tolist())}."
                )
            pair.append(rows)
        shared = np.intersect1d(*pair)
        if shared.size:
            warnings.warn(
                f"Fold {fold} of cv tests {shared.size} row(s) it also trains on "
                f"(e.g. {_listing(shared.tolist(), 3)}): its scores and "
                "predictions are not held-out ones.",
                UserWarning,
                stacklevel=3,
            )
        checked.append(tuple(pair))
    return checked


def _check_cv_and_y(cv, y):
    if isinstance(cv, bool | np.bool_):
        raise InvalidParameterError(
            f"cv={cv!r} is a bool; pass a number of folds (an int >= 2), a "
            "cross-validation splitter or an iterable of (train, test) indices."
        )
    if y is None:
        raise ValueError(
            "evaluate_batch fits and scores supervised models: y (the targets) "
            "is required."
        )


def evaluate_batch(
    estimators, X, y, *, seeds, scoring=None, cv=None, n_jobs=None, memory=None,
    verbose=0,
):
    """Fit and score every (estimator, seed, fold) in one parallel batch.

    Each job clones an estimator, gives its seed to every randomness source
    (as the ensembles do), fits it on the fold's training rows and scores it on
    the test rows. All jobs go through one :class:`sklearn.utils.parallel.Parallel`
    call, so any joblib backend (loky, dask, ray) spreads the whole grid.

    Parameters
    ----------
    estimators : dict or list of (str, estimator)
        Named models, all of one kind (all classifiers or all regressors), each
        name a distinct string.
    X : array-like of shape (n_samples, n_features)
    y : array-like of shape (n_samples,)
    seeds : int or sequence of int
        The seeds; an int ``n`` means ``range(n)``. Each seed an integer (Python
        or numpy; not a float, not a bool) in ``[0, 2**32 - 1]``, given once.
    scoring : str, callable, list or dict, default=None
        As in :func:`sklearn.model_selection.cross_validate`.
    cv : int, cross-validation generator or iterable, default=None
        As in :func:`sklearn.model_selection.cross_validate` (5-fold by default,
        stratified for classifiers). Every fold needs training and test rows.
    n_jobs : int, default=None
        Jobs run in parallel: None, a positive int, or a negative one (-1: all
        CPUs).
    memory : str or joblib.Memory, default=None
        Cache each fit by (estimator parameters, seed, rows, data): a killed run
        resumes without refitting the finished jobs. The cache holds pickles
        that are loaded, hence run, on the next call: see the warning below.
    verbose : bool or int, default=0
        0: silent. 1 or more: a progress bar of the jobs finished on stderr,
        shown only when stderr is a terminal; the results do not depend on it.

    Returns
    -------
    results : pandas.DataFrame
        One row per job: ``estimator``, ``seed``, ``fold``, one column per score
        (``test_<name>``, or ``test_score``) and ``fit_time``. ``results.attrs``
        holds ``"predictions"``: per fold, a DataFrame of the test predictions
        with one column per ``"<estimator>/seed=<seed>"``, ready for
        :func:`skcorr.metrics.pairwise_error_correlation`, and ``"test_indices"``:
        the test rows of each fold.

    Raises
    ------
    TypeError
        ``estimators`` not a dict or list of (name, estimator) pairs (a
        generator included), a name that is not a string, an entry without
        ``fit`` and ``predict``, or an estimator class instead of an instance.
    ValueError
        No estimators; a name given twice; classifiers mixed with regressors;
        ``seeds`` empty, below 1, or repeating a seed; ``y`` missing; a fold of
        ``cv`` with no training or test rows, or whose rows are not 1-d integer
        indices within ``X`` (a boolean mask included). Also
        ``InvalidParameterError`` (a ValueError and a TypeError) for seeds that
        are floats, bools or outside ``[0, 2**32 - 1]``, for ``n_jobs=0`` or a
        float ``n_jobs``, ``cv=True``, and an unknown ``scoring``; also for a
        ``verbose`` that is not a bool or an int >= 0.

    Warns
    -----
    UserWarning
        A fold of ``cv`` that tests rows it also trains on: legal, but its
        scores and predictions are then not held-out ones.

    Warnings
    --------
    ``memory`` loads the pickled fits it finds in its folder, and unpickling
    runs code: whoever can write to that folder can run code in your process
    (and in the workers). Use a folder that only you or users you trust can
    write to, never a shared or world-writable one, and do not reuse a cache
    folder received from elsewhere.

    Notes
    -----
    Every fit, score and prediction runs on one BLAS/OpenMP thread with nested
    joblib calls of ``n_jobs=None`` run one at a time, so the table and the
    predictions are bit-identical for any ``n_jobs`` and joblib backend
    (members that set their own ``n_jobs`` above 1 keep it, and a forest then
    sums its trees' probabilities in the order its threads finish: identical
    up to the last bit only).

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from sklearn.linear_model import LogisticRegression
    >>> from sklearn.tree import DecisionTreeClassifier
    >>> from skcorr.ensemble import evaluate_batch
    >>> X, y = load_iris(return_X_y=True)
    >>> results = evaluate_batch(
    ...     {"tree": DecisionTreeClassifier(),
    ...      "logistic": LogisticRegression(max_iter=1000)},
    ...     X, y, seeds=2, scoring="accuracy", cv=3)
    >>> results.shape
    (12, 5)
    >>> results.attrs["predictions"][0].shape
    (50, 4)
    """
    import pandas as pd

    named = _named_estimators(estimators)
    check_instances(named)
    kind = _common_kind(named)
    seed_list = check_seeds(seeds)
    check_n_jobs(n_jobs, "evaluate_batch")
    check_verbose(verbose, "evaluate_batch")
    _check_cv_and_y(cv, y)
    check_same_index(X=X, y=y)  # rows are paired by position
    if kind == "classifier" and y is not None:
        check_classifier_labels(y)
    X, y = indexable(X, y)
    cv = check_cv(cv, y, classifier=kind == "classifier")
    splits = _check_splits(list(cv.split(X, y)), _num_samples(X))
    scorer = check_scoring(named[0][1], scoring=scoring)
    fit = check_memory(memory).cache(fit_member, ignore=["member_name"])
    jobs = [
        (name, estimator, seed, fold, train, test)
        for name, estimator in named
        for seed in seed_list
        for fold, (train, test) in enumerate(splits)
    ]
    with blas_single_thread(), progress_bar(
        len(jobs), "fitting jobs", verbose, unit="job"
    ) as progress:
        outputs = parallel_map(
            (
                delayed(_fit_and_score)(
                    fit, estimator, seed, X, y, train, test, scorer,
                    f"{name}/seed={seed}",
                )
                for name, estimator, seed, fold, train, test in jobs
            ),
            progress=progress,
            n_jobs=n_jobs,
        )
    rows, predictions = [], [{} for _ in splits]
    for (name, _, seed, fold, _, _), (scores, fit_time, y_pred) in zip(
        jobs, outputs, strict=True
    ):
        rows.append({
            "estimator": name, "seed": seed, "fold": fold,
            **{f"test_{key}": value for key, value in scores.items()},
            "fit_time": fit_time,
        })
        predictions[fold][f"{name}/seed={seed}"] = np.asarray(y_pred)
    results = pd.DataFrame(rows)
    results.attrs["predictions"] = [
        pd.DataFrame(columns, index=test)
        for columns, (_, test) in zip(predictions, splits, strict=True)
    ]
    results.attrs["test_indices"] = [test for _, test in splits]
    return results
