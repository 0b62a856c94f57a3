"""The formulas of the pairwise measures, from the moments of the errors.

One home for them, read by the pairwise matrix (``_pairwise``), its blockwise
dask form (``_dask``) and the bootstrap resamples (``_intervals``): each gets
its moments its own way (one product in memory, per-block sums on a
scheduler, count-weighted products for a batch of resamples) and turns them
into a measure here.
"""

import numpy as np

from ._moments import means_are_small
from ._phik import phik_from_moments

# Rates rather than correlations: defined even for a model with constant errors.
RATE_METHODS = ("disagreement", "double_fault")


def indicator_measure(moments, method, n_samples):
    """A pairwise measure of 0/1 errors from their :func:`indicator_moments`.

    Returns None for ``"pearson"`` where the means dwarf the spread, so that
    the caller centres the data first as :func:`covariance` does.
    """
    rates, both_wrong, _ = moments
    if method in ("pearson", "kendall"):
        # The numbers of covariance(): for 0/1 columns tau-b equals Pearson.
        joint_covariance = both_wrong - np.outer(rates, rates)
        if not means_are_small(rates, joint_covariance):
            return None
        std = np.sqrt(np.diag(joint_covariance))
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.clip(joint_covariance / np.outer(std, std), -1.0, 1.0)
    return binary_measure_from_rates(
        rates[:, None], rates[None, :], both_wrong, method, n_samples
    )


def binary_measure_from_rates(row_rate, col_rate, both_wrong, method, n_samples):
    """A binary measure of pairs of 0/1 error columns from their rates.

    The one home of the formulas of ``phi``, ``phik``, ``kappa``,
    ``yule_q``, ``disagreement`` and ``double_fault``: ``row_rate`` and
    ``col_rate`` (the error rates of the two models of each pair) and
    ``both_wrong`` (the rate at which both fail) broadcast against each
    other, so one call measures a matrix of pairs or a batch of resamples.
    ``n_samples`` is phi_K's bin count.
    """
    if method == "double_fault":
        return both_wrong
    if method == "disagreement":
        return row_rate + col_rate - 2.0 * both_wrong
    joint_covariance = both_wrong - row_rate * col_rate
    row_variance = row_rate * (1.0 - row_rate)
    col_variance = col_rate * (1.0 - col_rate)
    with np.errstate(divide="ignore", invalid="ignore"):
        if method == "phi":
            return np.clip(
                joint_covariance / np.sqrt(row_variance * col_variance), -1, 1
            )
        if method == "phik":
            return phik_from_moments(
                joint_covariance, row_variance, col_variance, n_samples
            )
        if method == "kappa":
            # (c_obs - c_exp) / (1 - c_exp) on correctness vectors simplifies to:
            return (
                2.0
                * joint_covariance
                / (row_rate + col_rate - 2.0 * row_rate * col_rate)
            )
        # Yule's Q: (N11 N00 - N01 N10) / (N11 N00 + N01 N10), with N in fractions.
        only_row = row_rate - both_wrong
        only_col = col_rate - both_wrong
        both_right = 1.0 - row_rate - col_rate + both_wrong
        return joint_covariance / (both_right * both_wrong + only_row * only_col)
