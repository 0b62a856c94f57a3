"""Evaluate a grid of estimators x seeds x folds in one joblib batch."""

from numbers import Integral

import numpy as np
from sklearn.base import is_classifier
from sklearn.metrics import check_scoring
from sklearn.model_selection import check_cv
from sklearn.utils import _safe_indexing
from sklearn.utils.parallel import Parallel, delayed
from sklearn.utils.validation import check_memory, indexable

from ._fitting import fit_member


def _fit_and_score(fit, estimator, seed, X, y, train, test, scorer, member_name):
    fitted, fit_time = fit(estimator, seed, X, y, train, member_name=member_name)
    X_test, y_test = _safe_indexing(X, test), _safe_indexing(y, test)
    scores = scorer(fitted, X_test, y_test)
    if not isinstance(scores, dict):
        scores = {"score": scores}
    return scores, fit_time, fitted.predict(X_test)


def _named_estimators(estimators):
    """``estimators`` as a list of (name, estimator), or a clear error."""
    if isinstance(estimators, dict):
        named = list(estimators.items())
    elif isinstance(estimators, (list, tuple)):
        named = list(estimators)
    else:
        raise TypeError(
            "estimators must be a dict or a list of (name, estimator) pairs; got "
            f"{type(estimators).__name__}."
        )
    if not named:
        raise ValueError("estimators is empty: pass a dict or (name, estimator) list.")
    for pair in named:
        if not (
            isinstance(pair, tuple | list)
            and len(pair) == 2
            and isinstance(pair[0], str)
            and hasattr(pair[1], "fit")
        ):
            raise TypeError(
                "estimators must be a dict or a list of (name, estimator) pairs; "
                f"got the entry {pair!r}."
            )
    return named


def evaluate_batch(
    estimators, X, y, *, seeds, scoring=None, cv=None, n_jobs=None, memory=None
):
    """Fit and score every (estimator, seed, fold) in one parallel batch.

    Each job clones an estimator, gives its seed to every randomness source
    (as the ensembles do), fits it on the fold's training rows and scores it on
    the test rows. All jobs go through one :class:`sklearn.utils.parallel.Parallel`
    call, so any joblib backend (loky, dask, ray) spreads the whole grid.

    Parameters
    ----------
    estimators : dict or list of (str, estimator)
        Named models.
    X : array-like of shape (n_samples, n_features)
    y : array-like of shape (n_samples,)
    seeds : int or sequence of int
        The seeds; an int ``n`` means ``range(n)``.
    scoring : str, callable, list or dict, default=None
        As in :func:`sklearn.model_selection.cross_validate`.
    cv : int, cross-validation generator or iterable, default=None
        As in :func:`sklearn.model_selection.cross_validate` (5-fold by default).
    n_jobs : int, default=None
        Jobs run in parallel.
    memory : str or joblib.Memory, default=None
        Cache each fit by (estimator parameters, seed, rows, data): a killed run
        resumes without refitting the finished jobs.

    Returns
    -------
    results : pandas.DataFrame
        One row per job: ``estimator``, ``seed``, ``fold``, one column per score
        (``test_<name>``, or ``test_score``) and ``fit_time``. ``results.attrs``
        holds ``"predictions"``: per fold, a DataFrame of the test predictions
        with one column per ``"<estimator>/seed=<seed>"``, ready for
        :func:`skcorr.metrics.pairwise_error_correlation`, and ``"test_indices"``:
        the test rows of each fold.

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
    if isinstance(seeds, Integral) and seeds < 1:
        raise ValueError(f"seeds={seeds} must be a positive number of seeds.")
    seed_list = list(range(seeds)) if isinstance(seeds, Integral) else list(seeds)
    if not seed_list:
        raise ValueError("seeds is empty: pass a number of seeds or a list of them.")
    X, y = indexable(X, y)
    cv = check_cv(cv, y, classifier=is_classifier(named[0][1]))
    splits = list(cv.split(X, y))
    scorer = check_scoring(named[0][1], scoring=scoring)
    fit = check_memory(memory).cache(fit_member, ignore=["member_name"])
    jobs = [
        (name, estimator, int(seed), fold, train, test)
        for name, estimator in named
        for seed in seed_list
        for fold, (train, test) in enumerate(splits)
    ]
    outputs = Parallel(n_jobs=n_jobs)(
        delayed(_fit_and_score)(
            fit, estimator, seed, X, y, train, test, scorer, f"{name}/seed={seed}"
        )
        for name, estimator, seed, fold, train, test in jobs
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
