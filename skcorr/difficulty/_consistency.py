"""How far can one run's difficulty scores be trusted? Run-to-run
consistency, rank error, runs needed, and agreement across scores.

References
----------
Kwok, Anand, Frankle, Dziugaite, Rolnick (2024), "Dataset Difficulty and the
Role of Inductive Bias", arXiv:2401.01867.
"""

import warnings
from numbers import Integral, Real

import numpy as np
from scipy.stats import rankdata, spearmanr
from sklearn.decomposition import PCA
from sklearn.preprocessing import QuantileTransformer
from sklearn.utils import Bunch, check_random_state

from ..exceptions import UndefinedCorrelationWarning
from ..utils.fixes import Interval, StrOptions, validate_params
from ._validation import check_rank_samples, check_scores


def _spearman(a, b):
    if np.ptp(a) == 0 or np.ptp(b) == 0:
        return np.nan
    return spearmanr(a, b).statistic


@validate_params(
    {"scores": ["array-like"], "reference": [StrOptions({"others", "all"})]},
    prefer_skip_nested_validation=True,
)
def run_consistency(scores, *, reference="others"):
    """Spearman correlation of each run's scores with the mean of the runs.

    Parameters
    ----------
    scores : array-like of shape (n_samples, n_runs)
        One difficulty score of every example in each run.
    reference : {"others", "all"}, default="others"
        Correlate each run with the mean of the other runs or with the mean
        of all runs, itself included, as in Kwok et al. (2024). Either needs
        two runs (one run is its own mean: its consistency would be 1).

    Returns
    -------
    consistency : ndarray of shape (n_runs,)
        NaN (with a warning) for a run or reference with constant scores.

    Raises
    ------
    ValueError
        If ``scores`` is not 2-D, holds NaN or inf, has fewer than two runs,
        or fewer than 3 samples (over 2 samples a Spearman correlation is
        always +1 or -1).

    Warns
    -----
    UndefinedCorrelationWarning
        For runs, or references, with constant scores.
    UserWarning
        With 3 or 4 samples: no Spearman correlation over fewer than 5
        samples is significant at the 5% level.

    Examples
    --------
    >>> from skcorr.difficulty import run_consistency
    >>> scores = [[1, 2, 1], [2, 1, 2], [3, 3, 3], [4, 5, 5], [5, 4, 4]]
    >>> run_consistency(scores, reference="all")
    array([0.9, 0.9, 1. ])
    >>> run_consistency(scores).round(3)
    array([0.872, 0.872, 0.949])
    """
    S = check_scores(scores, min_runs=2)
    check_rank_samples(S.shape[0], "run_consistency")
    n_runs = S.shape[1]
    total = S.sum(axis=1)
    result = np.empty(n_runs)
    for run in range(n_runs):
        ref = (total - S[:, run]) / (n_runs - 1) if reference == "others" else total
        result[run] = _spearman(S[:, run], ref)
    if np.isnan(result).any():
        warnings.warn(
            f"Runs {np.flatnonzero(np.isnan(result)).tolist()} (or their reference) "
            "have constant scores: their Spearman correlation is undefined (NaN).",
            UndefinedCorrelationWarning,
            stacklevel=2,
        )
    return result


def _rank_error(S, reference):
    n = S.shape[0]
    ranks = rankdata(S, axis=0)
    return np.abs(ranks - rankdata(reference)[:, None]) / n


@validate_params(
    {"scores": ["array-like"], "reference": ["array-like", None]},
    prefer_skip_nested_validation=True,
)
def rank_error(scores, reference=None):
    """Rank error of each example: ``|rank(score) - rank(reference)| / N``.

    Ranks are those of :func:`scipy.stats.rankdata` (ties averaged).

    Parameters
    ----------
    scores : array-like of shape (n_samples,) or (n_samples, n_runs)
        Scores of one run, or of many runs (each ranked on its own).
    reference : array-like of shape (n_samples,), default=None
        Reference scores; by default the mean of ``scores`` over runs.

    Returns
    -------
    rank_error : ndarray of the shape of ``scores``
        In [0, 1); its median is the study's rank error of a run.

    Examples
    --------
    >>> from skcorr.difficulty import rank_error
    >>> rank_error([3.0, 1.0, 2.0, 4.0], reference=[1.0, 2.0, 3.0, 4.0])
    array([0.5 , 0.25, 0.25, 0.  ])
    """
    S = np.asarray(scores)
    one_run = S.ndim == 1
    S = check_scores(S[:, None] if one_run else S)
    if reference is None:
        reference = S.mean(axis=1)
    else:
        reference = check_scores(np.asarray(reference).reshape(-1, 1),
                                 what="reference")[:, 0]
        if reference.shape[0] != S.shape[0]:
            raise ValueError(
                f"reference has {reference.shape[0]} samples but scores have "
                f"{S.shape[0]}."
            )
    error = _rank_error(S, reference)
    return error[:, 0] if one_run else error


@validate_params(
    {
        "scores": ["array-like"],
        "n_runs": ["array-like", None],
        "n_repeats": [Interval(Integral, 1, None, closed="left")],
        "target": [Interval(Real, 0, 1, closed="neither"), None],
        "random_state": ["random_state"],
    },
    prefer_skip_nested_validation=True,
)
def runs_needed(scores, *, n_runs=None, n_repeats=30, target=None,
                random_state=None):
    """Rank error of the mean of ``n`` runs against the mean of all runs.

    For each ``n``, ``n_repeats`` times: draw ``n`` runs without replacement,
    average their scores and take the median over examples of the rank error
    against the mean of all runs (Kwok et al., 2024). The error falls roughly
    like ``1 / sqrt(n)``.

    Parameters
    ----------
    scores : array-like of shape (n_samples, n_runs)
        One difficulty score of every example in each run.
    n_runs : array-like of int, default=None
        Numbers of runs to try; by default 1, 2, ..., n_runs - 1.
    n_repeats : int, default=30
        Random subsets per number of runs.
    target : float in (0, 1), default=None
        A rank error to reach; see ``runs_for_target``.
    random_state : int, RandomState instance or None, default=None
        Draws the subsets.

    Returns
    -------
    result : Bunch
        ``n_runs`` (ndarray of int), ``median_rank_error`` (mean over repeats,
        ndarray), ``std`` (over repeats), ``errors`` (n_sizes, n_repeats) and,
        when ``target`` is given, ``runs_for_target``: the smallest ``n`` tried
        whose error reaches the target, or else an extrapolation
        ``ceil((a / target) ** 2)`` from a least-squares fit
        ``error = a / sqrt(n)`` (an integer in either case).

    Raises
    ------
    ValueError
        If ``scores`` is not 2-D, holds NaN or inf, has fewer than two runs
        or fewer than 3 samples (over 2 samples the rank error is 0 or 1/2),
        or if ``n_runs`` is not a 1-D array of integers within the runs.

    Warns
    -----
    UserWarning
        With 3 or 4 samples (ranks that coarse cannot be told from chance).

    Examples
    --------
    >>> import numpy as np
    >>> from skcorr.difficulty import runs_needed
    >>> rng = np.random.RandomState(0)
    >>> scores = rng.normal(size=(100, 1)) + rng.normal(size=(100, 8))
    >>> result = runs_needed(scores, n_runs=[1, 4], random_state=0)
    >>> bool(result.median_rank_error[0] > result.median_rank_error[1])
    True
    """
    S = check_scores(scores, min_runs=2)
    check_rank_samples(S.shape[0], "runs_needed")
    total_runs = S.shape[1]
    sizes = np.arange(1, total_runs) if n_runs is None else np.asarray(n_runs)
    if sizes.ndim != 1 or sizes.size == 0 or sizes.dtype.kind not in "iu":
        raise ValueError(f"n_runs must be a 1-D array of integers; got {n_runs!r}.")
    if sizes.min() < 1 or sizes.max() > total_runs:
        raise ValueError(
            f"n_runs must lie in [1, {total_runs}] (the runs available); got "
            f"{sizes.tolist()}."
        )
    rng = check_random_state(random_state)
    reference = S.mean(axis=1)
    errors = np.empty((sizes.size, n_repeats))
    for i, size in enumerate(sizes):
        for repeat in range(n_repeats):
            subset = rng.choice(total_runs, size, replace=False)
            mean = S[:, subset].mean(axis=1, keepdims=True)
            errors[i, repeat] = np.median(_rank_error(mean, reference))
    result = Bunch(
        n_runs=sizes,
        median_rank_error=errors.mean(axis=1),
        std=errors.std(axis=1),
        errors=errors,
    )
    if target is not None:
        reached = sizes[result.median_rank_error <= target]
        if reached.size:
            result.runs_for_target = int(reached.min())
        else:
            x = 1 / np.sqrt(sizes)
            a = float(x @ result.median_rank_error / (x @ x))
            result.runs_for_target = int(np.ceil((a / target) ** 2))
    return result


def _named_columns(scores, what="scores"):
    """``(matrix (n_samples, n_scores), names)`` from a dict, DataFrame or array."""
    if isinstance(scores, dict):
        names = [str(name) for name in scores]
        columns = [np.asarray(v, dtype=np.float64) for v in scores.values()]
        if any(c.ndim != 1 for c in columns):
            raise ValueError(f"Each of the {what} must be 1-D (n_samples,).")
        if len({c.shape[0] for c in columns}) > 1:
            raise ValueError(f"The {what} have different numbers of samples.")
        matrix = np.column_stack(columns)
    elif hasattr(scores, "columns"):
        names = [str(name) for name in scores.columns]
        matrix = np.asarray(scores, dtype=np.float64)
    else:
        matrix = np.asarray(scores)
        names = None
    return check_scores(matrix, min_runs=2, what=what), names


@validate_params(
    {"scores": [dict, "array-like"]}, prefer_skip_nested_validation=True
)
def score_correlation(scores):
    """Spearman correlation matrix across difficulty scores.

    Parameters
    ----------
    scores : dict of name -> array-like of shape (n_samples,), DataFrame or \
            array-like of shape (n_samples, n_scores)
        Several scores of the same examples (e.g. ``mean_scores_`` of
        :class:`ExampleDifficulty`).

    Returns
    -------
    correlation : DataFrame or ndarray of shape (n_scores, n_scores)
        A DataFrame labelled by score names for a dict or DataFrame input.

    Raises
    ------
    ValueError
        If the scores are not numeric, hold NaN or inf, are fewer than two,
        or cover fewer than 3 samples (over 2 samples a Spearman correlation
        is always +1 or -1).

    Warns
    -----
    UndefinedCorrelationWarning
        For constant scores (their correlations are NaN).
    UserWarning
        With 3 or 4 samples: no Spearman correlation over fewer than 5
        samples is significant at the 5% level.

    Examples
    --------
    >>> from skcorr.difficulty import score_correlation
    >>> score_correlation([[1, 5], [2, 4], [3, 3], [4, 1], [5, 2]])
    array([[ 1. , -0.9],
           [-0.9,  1. ]])
    """
    matrix, names = _named_columns(scores)
    check_rank_samples(matrix.shape[0], "score_correlation")
    constant = np.ptp(matrix, axis=0) == 0
    if constant.any():
        warnings.warn(
            f"Score(s) {np.flatnonzero(constant).tolist() if names is None else [names[i] for i in np.flatnonzero(constant)]} "  # noqa: E501
            "are constant: their correlations are undefined (NaN).",
            UndefinedCorrelationWarning,
            stacklevel=2,
        )
    ranks = rankdata(matrix, axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        correlation = np.corrcoef(ranks, rowvar=False)
    if names is None:
        return correlation
    import pandas as pd

    return pd.DataFrame(correlation, index=names, columns=names)


@validate_params(
    {
        "scores": [dict, "array-like"],
        "n_components": [Interval(Integral, 1, None, closed="left"), None],
    },
    prefer_skip_nested_validation=True,
)
def difficulty_pca(scores, *, n_components=None):
    """PCA of quantile-normalised difficulty scores.

    Each score is mapped to a standard normal by
    :class:`~sklearn.preprocessing.QuantileTransformer`, then
    :class:`~sklearn.decomposition.PCA` is fitted; Kwok et al. (2024) find
    one dominant component: one notion of difficulty.

    Parameters
    ----------
    scores : dict of name -> array-like of shape (n_samples,), DataFrame or \
            array-like of shape (n_samples, n_scores)
        At least two scores of the same examples.
    n_components : int, default=None
        Components kept; all by default.

    Returns
    -------
    result : Bunch
        ``explained_variance_ratio`` (ndarray), ``first_component_share``
        (float), ``components`` (n_components, n_scores), ``names`` and
        ``pca`` (the fitted PCA).

    Raises
    ------
    ValueError
        If the scores are not numeric, hold NaN or inf, are fewer than two,
        or cover fewer than 3 samples (one component always explains 2).

    Warns
    -----
    UserWarning
        With 3 or 4 samples.

    Examples
    --------
    >>> import numpy as np
    >>> from skcorr.difficulty import difficulty_pca
    >>> rng = np.random.RandomState(0)
    >>> z = rng.normal(size=200)
    >>> scores = {"a": z, "b": z + 0.1 * rng.normal(size=200), "c": -z ** 3}
    >>> bool(difficulty_pca(scores).first_component_share > 0.9)
    True
    """
    matrix, names = _named_columns(scores)
    check_rank_samples(matrix.shape[0], "difficulty_pca")
    n_quantiles = min(1000, matrix.shape[0])
    normal = QuantileTransformer(
        n_quantiles=n_quantiles, output_distribution="normal"
    ).fit_transform(matrix)
    pca = PCA(n_components=n_components).fit(normal)
    return Bunch(
        explained_variance_ratio=pca.explained_variance_ratio_,
        first_component_share=float(pca.explained_variance_ratio_[0]),
        components=pca.components_,
        names=names,
        pca=pca,
    )
