"""phi_K of pairs of 0/1 error indicators, in closed form and for all pairs at once.

phi_K (Baak, Koopman, Snoek, Klous 2018, arXiv:1811.11440) maps the Pearson
chi-square of a contingency table onto the correlation ``rho`` of a bivariate
normal distribution binned on the same grid. The ``phik`` package computes it pair
by pair with numerical integration and a root finder. For two 0/1 columns every
table is 2x2 and each step has a closed form:

1. ``chi2`` is scipy's ``chi2_contingency`` statistic with Yates' continuity
   correction: ``max(n |cov| - 1/2, 0)**2 / (n var_1 var_2)`` where ``cov`` and
   ``var`` are the (fractional) covariance and variances of the two columns.
2. The noise pedestal is one degree of freedom; ``chi2_max = n``.
3. Binned at 0, a bivariate normal with correlation ``rho`` puts
   ``1/4 +- arcsin(rho) / (2 pi)`` in each quadrant, so its scaled chi-square is
   ``1 + (n - 1) (2 arcsin(rho) / pi)**2``.
4. Solving for ``rho``: ``phi_K = sin(pi/2 sqrt((chi2 - 1) / (n - 1)))``, with 0 when
   ``chi2 <= 1`` and 1 when ``chi2 >= n``.

The package integrates over ``[-5, 5]`` rather than the whole plane; the difference
is below 1e-6 in the quadrant masses and well within its own root-finding
tolerance (``xtol=1e-5``).
"""

import numpy as np


def phik_from_moments(covariance, variance_rows, variance_cols, n_samples):
    """phi_K of 0/1 columns from their fractional covariance and variances.

    Parameters
    ----------
    covariance : ndarray of shape (n_models, n_models)
        ``P(both wrong) - e_i e_j``.
    variance_rows, variance_cols : ndarray broadcastable to ``covariance``
        ``e (1 - e)`` of the row and column model; must be positive.
    n_samples : int
        Number of samples the fractions were computed from.

    Returns
    -------
    phik : ndarray of shape (n_models, n_models)
    """
    n = float(n_samples)
    deviation = np.maximum(n * np.abs(covariance) - 0.5, 0.0)
    chi2 = deviation**2 / (n * variance_rows * variance_cols)
    if n <= 1:
        return np.zeros_like(chi2)
    fraction = np.clip((chi2 - 1.0) / (n - 1.0), 0.0, 1.0)
    return np.sin(0.5 * np.pi * np.sqrt(fraction))
