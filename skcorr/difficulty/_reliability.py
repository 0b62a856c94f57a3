"""Are my runs enough? The reliability of difficulty scores averaged over
runs: split-half reliability with the Spearman-Brown correction, the
intraclass correlation, and the runs a target reliability needs.

References
----------
Spearman (1910), "Correlation calculated from faulty data", British Journal
of Psychology 3, 271-295; Brown (1910), "Some experimental results in the
correlation of mental abilities", ibid. 296-322.
Shrout, Fleiss (1979), "Intraclass correlations: uses in assessing rater
reliability", Psychological Bulletin 86, 420-428.
McGraw, Wong (1996), "Forming inferences about some intraclass correlation
coefficients", Psychological Methods 1, 30-46.
Kwok, Anand, Frankle, Dziugaite, Rolnick (2024), "Dataset Difficulty and the
Role of Inductive Bias", arXiv:2401.01867.
"""

import math
import warnings
from itertools import combinations
from numbers import Integral, Real

import numpy as np
from scipy.stats import rankdata
from sklearn.utils import Bunch, check_random_state

from ..exceptions import UndefinedCorrelationWarning
from ..utils.fixes import Interval, StrOptions, validate_params
from ._validation import check_rank_samples, check_scores

# Half-means are gathered this many values at a time (n_samples x splits x
# runs), so memory stays bounded whatever the number of splits.
_GATHER_BLOCK = 1 << 22


@validate_params(
    {
        "reliability": ["array-like", Real],
        "factor": [Interval(Real, 0, None, closed="neither")],
    },
    prefer_skip_nested_validation=True,
)
def spearman_brown(reliability, factor):
    """Reliability of a mean over ``factor`` times as many runs.

    The Spearman-Brown prophecy formula (Spearman 1910; Brown 1910): if the
    mean of ``m`` runs has reliability ``r``, the mean of ``factor * m``
    runs, drawn alike, has reliability::

        factor * r / (1 + (factor - 1) * r)

    ``factor=2`` corrects a split-half correlation to the whole; a factor
    below 1 steps down (``factor=1/m`` gives one run's reliability).

    Parameters
    ----------
    reliability : float or array-like of float in [-1, 1]
        Reliability (a correlation) of the mean of the runs one has.
    factor : float > 0
        How many times as many runs.

    Returns
    -------
    reliability : float or ndarray
        Of the shape of ``reliability``. A reliability of 1 stays 1 and one
        of 0 stays 0. A negative one (runs that disagree more than chance
        would) is no reliability: the formula is applied as written, and can
        leave [-1, 1] or divide by zero (inf), as it does in the literature.

    Raises
    ------
    ValueError
        If ``reliability`` holds NaN or values outside [-1, 1].

    Examples
    --------
    >>> from skcorr.difficulty import spearman_brown
    >>> spearman_brown(0.5, 2)  # two halves correlated 0.5: the whole
    0.666...
    >>> round(spearman_brown(0.29, 4), 2)  # ICC(2,1) to ICC(2,4) (Shrout, Fleiss)
    0.62
    """
    scalar = np.ndim(reliability) == 0
    r = np.asarray(reliability, dtype=np.float64)
    if np.isnan(r).any() or (np.abs(r) > 1).any():
        raise ValueError(
            "reliability must hold correlations in [-1, 1] and no NaN; got "
            f"values in [{np.nanmin(r):.3g}, {np.nanmax(r):.3g}]"
            + (" and NaN." if np.isnan(r).any() else ".")
        )
    result = _step(r, factor)
    return float(result) if scalar else result


def _step(r, factor):
    """The Spearman-Brown formula on float64 (r = -1 at factor 2: -inf)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return factor * r / (1 + (factor - 1) * r)


def _runs_for_target(reliability, n_runs, target):
    """Runs whose mean reaches ``target``, from the reliability of the mean
    of ``n_runs`` runs (Spearman-Brown inverted); inf if never."""
    if not reliability > 0:
        return math.inf
    factor = target * (1 - reliability) / (reliability * (1 - target))
    runs = factor * n_runs
    # ``runs`` carries a relative rounding error of a few float64 eps (four
    # products and two differences), so a value within 1e-9 of an integer is
    # that integer: ceil(3.0000000000004) must give 3, not 4.
    return max(1, math.ceil(runs - 1e-9 * runs))


def _all_splits(n_runs, half):
    """Every split into two halves of ``half`` runs (a pair once, each
    leaving out ``n_runs - 2 * half`` runs), shape (n_splits, 2, half)."""
    splits = []
    for kept in combinations(range(n_runs), 2 * half):
        first, rest = kept[0], kept[1:]
        for others in combinations(rest, half - 1):
            one = (first, *others)
            splits.append((one, tuple(r for r in rest if r not in others)))
    return np.array(splits, dtype=np.intp)


def _n_distinct_splits(n_runs, half):
    return math.comb(n_runs, 2 * half) * math.comb(2 * half, half) // 2


def _draw_splits(n_runs, half, n_splits, rng):
    order = rng.random_sample((n_splits, n_runs)).argsort(axis=1)
    return order[:, : 2 * half].reshape(n_splits, 2, half)


def _half_means(S, halves):
    """Means of each half, shape (n_samples, n_splits, 2).

    Each mean is one numpy reduction over the last axis of a gathered block,
    the same arithmetic for every example: examples with equal scores get
    equal means, so a constant half is exactly constant.
    """
    n_samples = S.shape[0]
    n_splits, _, half = halves.shape
    step = max(1, _GATHER_BLOCK // max(1, n_samples * 2 * half))
    means = np.empty((n_samples, n_splits, 2))
    for start in range(0, n_splits, step):
        block = halves[start:start + step]
        means[:, start:start + step] = S[:, block].mean(axis=-1)
    return means


def _columnwise_pearson(a, b):
    """Pearson correlation of matching columns; NaN for a constant one."""
    a = a - a.mean(axis=0)
    b = b - b.mean(axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        r = (a * b).sum(axis=0) / np.sqrt((a * a).sum(axis=0) * (b * b).sum(axis=0))
    return np.clip(r, -1.0, 1.0)


def _half_correlations(S, halves, method):
    means = _half_means(S, halves)
    constant = np.ptp(means, axis=0).min(axis=-1) == 0  # either half, per split
    if method == "spearman":
        means = rankdata(means, axis=0)
    r = _columnwise_pearson(means[:, :, 0], means[:, :, 1])
    r[constant] = np.nan
    return r


def _split_half(S, n_splits, method, random_state):
    n_runs = S.shape[1]
    half = n_runs // 2
    if _n_distinct_splits(n_runs, half) <= n_splits:
        halves = _all_splits(n_runs, half)
    else:
        halves = _draw_splits(n_runs, half, n_splits, check_random_state(random_state))
    r = _half_correlations(S, halves, method)
    undefined = np.isnan(r)
    if undefined.all():
        warnings.warn(
            "Every split has a half whose mean scores are constant: the "
            "split-half reliability is undefined (NaN).",
            UndefinedCorrelationWarning,
            stacklevel=3,
        )
        mean_r = np.nan
    else:
        if undefined.any():
            warnings.warn(
                f"{int(undefined.sum())} of {r.size} splits have a half whose mean "
                "scores are constant: their correlation is undefined and the "
                "reliability is the mean over the other splits.",
                UndefinedCorrelationWarning,
                stacklevel=3,
            )
        mean_r = np.nanmean(r)
    mean_r = np.float64(mean_r)  # numpy division: r = -1 gives -inf, not an error
    per_split = _step(r, n_runs / half)
    with np.errstate(invalid="ignore"):  # -inf among the splits: NaN spread
        spread = np.nanstd(per_split) if not undefined.all() else np.nan
    reliability = _step(mean_r, n_runs / half)
    single = _step(mean_r, 1 / half)
    return Bunch(
        reliability=float(reliability),
        std=float(spread),
        half_correlation=float(mean_r),
        single_run=float(single),
        reliabilities=per_split,
        half_correlations=r,
        halves=halves,
        n_runs=n_runs,
    )


_SPLIT_HALF_PARAMS = {
    "scores": ["array-like"],
    "n_splits": [Interval(Integral, 1, None, closed="left")],
    "method": [StrOptions({"spearman", "pearson"})],
    "random_state": ["random_state"],
}


@validate_params(_SPLIT_HALF_PARAMS, prefer_skip_nested_validation=True)
def split_half_reliability(scores, *, n_splits=100, method="spearman",
                           random_state=None):
    """Split-half reliability of the mean of the runs, Spearman-Brown corrected.

    Split the runs into two halves of ``n_runs // 2`` runs (an odd run out,
    a different one each split), average each half's scores of every
    example, and correlate the two half-means across examples. The mean
    correlation ``r`` over splits is the reliability of the mean of a half;
    the Spearman-Brown formula (:func:`spearman_brown`) steps it up to all
    ``n_runs`` runs, ``f r / (1 + (f - 1) r)`` with ``f = n_runs / (n_runs
    // 2)`` (2 for an even number of runs), and down to one run. The
    reliability is the correlation to expect between this mean and the mean
    of as many new runs: 1 when runs rank the examples alike, 0 when the
    ranking is noise.

    Parameters
    ----------
    scores : array-like of shape (n_samples, n_runs)
        One difficulty score of every example in each run (at least two
        runs and three examples).
    n_splits : int, default=100
        Random splits of the runs. When the runs split in at most
        ``n_splits`` distinct ways (4 runs: 3 ways; 10 runs: 126), every
        split is used once instead, and ``random_state`` plays no part.
    method : {"spearman", "pearson"}, default="spearman"
        Correlation of the half-means: Spearman (ranks, as
        :func:`run_consistency`) or Pearson. Spearman-Brown is exact for
        Pearson correlations of parallel halves (runs that are noisy copies
        of one true score); on ranks it is the usual approximation.
    random_state : int, RandomState instance or None, default=None
        Draws the splits.

    Returns
    -------
    result : Bunch
        ``reliability`` (float: Spearman-Brown reliability of the mean of all
        runs, from the mean half correlation), ``std`` (float: standard
        deviation over splits of the per-split corrected values, the spread
        that the choice of split makes), ``half_correlation`` (float: mean
        correlation of the halves), ``single_run`` (float: reliability of
        one run, stepped down), ``reliabilities`` and ``half_correlations``
        (ndarray of shape (n_splits,): per split), ``halves`` (ndarray of
        shape (n_splits, 2, n_runs // 2): the runs of each half) and
        ``n_runs``.

    Raises
    ------
    ValueError
        If ``scores`` is not 2-D, holds NaN or inf, has fewer than two runs,
        or fewer than 3 samples (a correlation over 2 samples is +1 or -1).

    Warns
    -----
    UndefinedCorrelationWarning
        For splits with a half whose mean scores are constant across
        examples: their correlation is undefined; the others are averaged,
        and with none left the reliability is NaN.
    UserWarning
        With 3 or 4 samples.

    See Also
    --------
    intraclass_correlation : The reliability from an analysis of variance.
    runs_for_reliability : Runs needed for a target reliability.

    Examples
    --------
    >>> import numpy as np
    >>> from skcorr.difficulty import split_half_reliability
    >>> rng = np.random.RandomState(0)
    >>> true_score = rng.normal(size=(500, 1))
    >>> scores = true_score + 2 * rng.normal(size=(500, 8))  # one run: 0.2
    >>> result = split_half_reliability(scores, method="pearson", random_state=0)
    >>> round(result.reliability, 1), round(result.single_run, 1)  # 8 runs: 2/3
    (0.7, 0.2)
    """
    S = check_scores(scores, min_runs=2)
    check_rank_samples(S.shape[0], "split_half_reliability")
    return _split_half(S, n_splits, method, random_state)


@validate_params(
    {**_SPLIT_HALF_PARAMS,
     "target": [Interval(Real, 0, 1, closed="neither")]},
    prefer_skip_nested_validation=True,
)
def runs_for_reliability(scores, *, target=0.9, n_splits=100, method="spearman",
                         random_state=None):
    """Runs whose mean reaches a target reliability (Spearman-Brown inverted).

    From the split-half reliability ``R`` of the mean of the ``n_runs`` runs
    (:func:`split_half_reliability`), the mean of ``m`` runs has reliability
    ``m r1 / (1 + (m - 1) r1)``, ``r1`` one run's; solving for ``target``
    gives ``m = n_runs * target (1 - R) / (R (1 - target))``, rounded up.
    Fewer than ``n_runs`` means the runs are enough.

    Parameters
    ----------
    scores : array-like of shape (n_samples, n_runs)
        One difficulty score of every example in each run.
    target : float in (0, 1), default=0.9
        The reliability to reach.
    n_splits : int, default=100
        Splits of the runs, as in :func:`split_half_reliability`.
    method : {"spearman", "pearson"}, default="spearman"
        Correlation of the half-means.
    random_state : int, RandomState instance or None, default=None
        Draws the splits.

    Returns
    -------
    n_runs : int or float
        At least 1; ``math.inf`` (with a warning) when one run's reliability
        is not positive (no number of runs is enough), NaN when it is
        undefined.

    Raises
    ------
    ValueError
        As :func:`split_half_reliability`.

    Warns
    -----
    UserWarning
        When the reliability is not positive.
    UndefinedCorrelationWarning
        As :func:`split_half_reliability`.

    Examples
    --------
    >>> import numpy as np
    >>> from skcorr.difficulty import runs_for_reliability
    >>> rng = np.random.RandomState(0)
    >>> scores = rng.normal(size=(500, 1)) + 2 * rng.normal(size=(500, 8))
    >>> runs_for_reliability(scores, target=0.9, method="pearson", random_state=0)
    34
    """
    S = check_scores(scores, min_runs=2)
    check_rank_samples(S.shape[0], "runs_for_reliability")
    result = _split_half(S, n_splits, method, random_state)
    if np.isnan(result.reliability):
        return np.nan
    runs = _runs_for_target(result.reliability, result.n_runs, target)
    if runs == math.inf:
        warnings.warn(
            f"The split-half reliability of the mean of {result.n_runs} runs is "
            f"{result.reliability:.3g}, not positive: the runs do not agree on "
            "which examples are hard, and no number of runs reaches "
            f"{target}.",
            UserWarning,
            stacklevel=2,
        )
    return runs


def _mean_squares(S):
    """Two-way ANOVA mean squares of targets (rows) and raters (columns):
    between targets, within targets, between raters, residual."""
    n, k = S.shape
    grand = S.mean()
    row = S.mean(axis=1, keepdims=True)
    col = S.mean(axis=0, keepdims=True)
    between = k * ((row - grand) ** 2).sum() / (n - 1)
    within = ((S - row) ** 2).sum() / (n * (k - 1))
    raters = n * ((col - grand) ** 2).sum() / (k - 1)
    residual = ((S - row - col + grand) ** 2).sum() / ((n - 1) * (k - 1))
    return between, within, raters, residual


@validate_params(
    {
        "scores": ["array-like"],
        "kind": [StrOptions({"oneway", "agreement", "consistency"})],
        "average": ["boolean"],
    },
    prefer_skip_nested_validation=True,
)
def intraclass_correlation(scores, *, kind="agreement", average=False):
    """Intraclass correlation of scores over runs: examples as targets, runs
    as raters.

    From the analysis of variance of the table of scores, with ``n``
    examples and ``k`` runs, and the mean squares between examples
    ``BMS``, within examples ``WMS``, between runs ``JMS`` and residual
    ``EMS`` (Shrout, Fleiss 1979; McGraw, Wong 1996):

    ==============  =========================  ===================================
    ``kind``        Shrout & Fleiss, McGraw &  one run (``average=False``)
                    Wong
    ==============  =========================  ===================================
    "oneway"        ICC(1,1), ICC(1)           (BMS - WMS) / (BMS + (k-1) WMS)
    "agreement"     ICC(2,1), ICC(A,1)         (BMS - EMS) / (BMS + (k-1) EMS
                                               + k (JMS - EMS) / n)
    "consistency"   ICC(3,1), ICC(C,1)         (BMS - EMS) / (BMS + (k-1) EMS)
    ==============  =========================  ===================================

    With ``average=True``, the reliability of the mean of the ``k`` runs:
    ICC(1,k) = (BMS - WMS) / BMS, ICC(2,k) = (BMS - EMS) / (BMS + (JMS - EMS)
    / n), ICC(3,k) = (BMS - EMS) / BMS (Cronbach's alpha); each is the
    Spearman-Brown step-up (:func:`spearman_brown`) of its one-run form by
    ``k``. Seeded runs are exchangeable raters drawn at random, so
    ``"agreement"`` (two-way random, absolute agreement) is the default: a
    run that scores every example higher (a run that trains worse) lowers
    it. ``"consistency"`` ignores such shifts, as rank correlations do;
    ``"oneway"`` does not model runs at all.

    Parameters
    ----------
    scores : array-like of shape (n_samples, n_runs)
        One difficulty score of every example in each run (at least two of
        each).
    kind : {"agreement", "consistency", "oneway"}, default="agreement"
        The model, as in the table.
    average : bool, default=False
        The reliability of the mean of all runs (ICC(., k)) rather than of
        one run (ICC(., 1)).

    Returns
    -------
    icc : float
        At most 1; below 0 when examples differ less than runs do (reported
        as computed, not clipped); NaN, with a warning, when it divides by
        zero: every score the same, or (``"consistency"``) each run giving
        every example one score.

    Raises
    ------
    ValueError
        If ``scores`` is not 2-D, holds NaN or inf, or has fewer than two
        runs or two samples.

    Warns
    -----
    UndefinedCorrelationWarning
        When the variance the ICC divides by is 0 (constant scores).

    See Also
    --------
    split_half_reliability : The reliability of the mean from split halves.

    Examples
    --------
    Shrout and Fleiss's (1979) Table 2: six targets, four judges.

    >>> from skcorr.difficulty import intraclass_correlation
    >>> ratings = [[9, 2, 5, 8], [6, 1, 3, 2], [8, 4, 6, 8],
    ...            [7, 1, 2, 6], [10, 5, 6, 9], [6, 2, 4, 7]]
    >>> round(intraclass_correlation(ratings), 2)  # ICC(2,1)
    0.29
    >>> round(intraclass_correlation(ratings, kind="consistency", average=True), 2)
    0.91
    """
    S = check_scores(scores, min_runs=2)
    n, k = S.shape
    # Decided on the scores, not on the mean squares: a mean of equal floats
    # need not equal them, so the sums of squares of a constant table are
    # rounding noise rather than zeros.
    if np.ptp(S) == 0:
        undefined = "every score is the same"
    elif kind == "consistency" and not np.ptp(S, axis=0).any():
        undefined = ("each run gives every example one score: there is no "
                     "ranking of examples to be consistent about")
    else:
        undefined = None
    if undefined is None:
        between, within, raters, residual = _mean_squares(S)
        error = within if kind == "oneway" else residual
        if average:
            denominator = between
            if kind == "agreement":
                denominator += (raters - residual) / n
        else:
            denominator = between + (k - 1) * error
            if kind == "agreement":
                denominator += k * (raters - residual) / n
        if denominator == 0:
            undefined = "the examples' mean scores are all equal"
    if undefined is not None:
        warnings.warn(
            f"The intraclass correlation is undefined (NaN): {undefined}.",
            UndefinedCorrelationWarning,
            stacklevel=2,
        )
        return np.nan
    return float((between - error) / denominator)
