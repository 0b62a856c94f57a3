"""phik's significance Z-scores of 0/1 error indicators, for all pairs at once.

Li et al. (2025) report, beside each phi_K, the significance of the dependence
that the ``phik`` package gives (``phik.significance_matrix``). For two
categorical columns phik (0.12.5) computes it in three steps:

1. ``G``: the log-likelihood ratio statistic of the contingency table, from
   ``scipy.stats.chi2_contingency(table, lambda_="log-likelihood")``, so with
   Yates' continuity correction on 2x2 tables: every cell moves
   ``min(1/2, |O - E|)`` towards its expected count before
   ``G = 2 sum O log(O / E)``.
2. The degrees of freedom: ``(r - 1)(c - 1) = 1`` for the ``"asymptotic"``
   method; for the default ``"hybrid"`` method the *effective* degrees of
   freedom, the mean of ``G`` over ``n_simulations`` tables drawn from the
   multinomial distribution of the expected (independent) table.
3. ``p = chi2.sf(G, dof)`` and ``Z = -norm.ppf(p)``; where ``p`` underflows to
   0, the Chernoff bound gives ``Z``.

(phik's hybrid method switches to a fitted mixture of a chi-square and a normal
distribution when ``n / 2 * 2 <= 4``, that is for at most 4 samples; that case
is refused here.) For 0/1 columns every table is 2x2 and its four cells come
from the error rates and the Gram matrix of the error matrix, so each step is an
array operation over all pairs; the simulations of the hybrid method are
conditional binomial draws (numpy's own multinomial algorithm), all pairs and
all simulations at once.
"""

import math
import warnings
from numbers import Integral

import numpy as np
from scipy import special, stats
from sklearn.utils import Bunch

from ..exceptions import UndefinedCorrelationWarning
from ..utils.fixes import StrOptions, validate_params
from ..utils.parameters import RANDOM_STATE_CONSTRAINT, IntervalNotBool
from ..utils.seeding import draw_seed
from ..utils.validation import labelled_matrix, warn_constant_models
from ._errors import TASK_OPTIONS, compute_errors
from ._moments import column_means, gram, is_binary
from ._pairwise import pairwise_correlation_of_errors

SIGNIFICANCE_METHODS = ("asymptotic", "hybrid", "MC")

# Simulated tables held at once (4 cells each): about 32 MB of float64.
_SIMULATION_BLOCK = 1_000_000


def _cells(both_wrong, wrong_row, wrong_col, n_samples):
    """The four cells of each pair's 2x2 table from its counts."""
    only_row = wrong_row - both_wrong
    only_col = wrong_col - both_wrong
    both_right = n_samples - wrong_row - wrong_col + both_wrong
    return np.stack([both_wrong, only_row, only_col, both_right], axis=-1)


def g_statistic(tables):
    """Yates-corrected G statistic of 2x2 tables, as scipy's ``chi2_contingency``.

    Parameters
    ----------
    tables : ndarray of shape (..., 4)
        Cells ``(n11, n10, n01, n00)`` of each table, as counts.

    Returns
    -------
    g : ndarray of shape (...)
        ``chi2_contingency(table, lambda_="log-likelihood").statistic``; 0 for
        a table with an empty row or column (phik drops empty rows and
        columns, which leaves no degree of freedom).
    """
    tables = np.asarray(tables, dtype=np.float64)
    n = tables.sum(axis=-1)
    a, b, c, d = np.moveaxis(tables, -1, 0)
    rows = np.stack([a + b, a + b, c + d, c + d])
    cols = np.stack([a + c, b + d, a + c, b + d])
    degenerate = (rows.min(axis=0) == 0) | (cols.min(axis=0) == 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        expected = rows * cols / n
        observed = np.stack([a, b, c, d])
        difference = expected - observed
        magnitude = np.minimum(0.5, np.abs(difference))
        corrected = observed + magnitude * np.sign(difference)
        terms = special.xlogy(corrected, corrected / expected)
        g = 2.0 * terms.sum(axis=0)
    return np.where(degenerate, 0.0, g)


def _chernoff_z(statistic, dof):
    """phik's Z where the p-value underflows: the Chernoff bound."""
    z = statistic / dof
    u = -math.log(2 * math.pi) - dof * np.log(z) + dof * (z - 1.0)
    return np.sqrt(u - np.log(u))


def z_from_chi2(statistic, dof):
    """``(p, Z)`` of chi-square statistics, as phik converts them."""
    statistic = np.asarray(statistic, dtype=float)
    dof = np.broadcast_to(np.asarray(dof, dtype=float), statistic.shape)
    pvalue = stats.chi2.sf(statistic, dof)
    with np.errstate(divide="ignore"):
        zscore = -stats.norm.ppf(pvalue)
    underflow = pvalue == 0
    if underflow.any():
        zscore = np.array(zscore, dtype=float)
        zscore[underflow] = _chernoff_z(statistic[underflow], dof[underflow])
    return pvalue, zscore


def simulate_null_statistics(tables, n_simulations, rng):
    """G of tables drawn from each table's independence (expected) distribution.

    Each simulated table is multinomial with ``n`` draws and the cell
    probabilities ``E / n`` of the expected table, as phik's ``"multinominal"``
    simulation: drawn cell by cell from conditional binomials, as numpy's
    multinomial sampler does.

    Parameters
    ----------
    tables : ndarray of shape (n_tables, 4)
        Observed cells; no row or column may be empty.
    n_simulations : int
    rng : numpy.random.Generator

    Returns
    -------
    statistics : ndarray of shape (n_tables, n_simulations)
    """
    tables = np.asarray(tables, dtype=np.float64)
    n = tables.sum(axis=1)
    a, b, c, d = tables.T
    row, col = (a + b) / n, (a + c) / n
    probabilities = np.column_stack(
        [row * col, row * (1 - col), (1 - row) * col, (1 - row) * (1 - col)]
    )
    counts = np.rint(n).astype(np.int64)
    statistics = np.empty((len(tables), n_simulations))
    step = max(1, _SIMULATION_BLOCK // n_simulations)
    for start in range(0, len(tables), step):
        block = slice(start, start + step)
        remaining = np.repeat(counts[block, None], n_simulations, axis=1)
        left = np.ones_like(remaining, dtype=np.float64)
        cells = []
        for cell in range(3):
            share = probabilities[block, cell, None] / left
            draw = rng.binomial(remaining, np.clip(share, 0.0, 1.0))
            cells.append(draw)
            remaining = remaining - draw
            left = left - probabilities[block, cell, None]
        cells.append(remaining)
        statistics[block] = g_statistic(np.stack(cells, axis=-1))
    return statistics


def _mc_pvalue(statistic, null):
    """phik's MC p-value, ``1 - percentileofscore(null, statistic) / 100``."""
    below = np.sum(null < statistic[:, None], axis=1)
    at_most = np.sum(null <= statistic[:, None], axis=1)
    percentile = (below + at_most + (at_most > below)) * (50.0 / null.shape[1])
    return 1.0 - percentile / 100.0


@validate_params(
    {
        "y_true": ["array-like"],
        "Y_pred": ["array-like"],
        "significance_method": [StrOptions(set(SIGNIFICANCE_METHODS))],
        "n_simulations": [IntervalNotBool(Integral, 1, None, closed="left")],
        "task": [TASK_OPTIONS],
        "random_state": RANDOM_STATE_CONSTRAINT,
    },
    prefer_skip_nested_validation=True,
)
def phik_significance(
    y_true,
    Y_pred,
    *,
    significance_method="hybrid",
    n_simulations=1000,
    task="auto",
    random_state=None,
):
    """phik's significance Z-scores of the error dependence of every pair.

    The significance that Li et al. (2025) report beside phi_K, as
    ``phik.significance_matrix`` computes it (phik 0.12.5, its default
    ``lambda_="log-likelihood"`` and ``simulation_method="multinominal"``)
    for the 0/1 error indicators of each pair of models, all pairs at once:
    the Yates-corrected G statistic of the pair's 2x2 table, turned into a
    p-value by a chi-square distribution and into ``Z = -norm.ppf(p)``.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        True labels.
    Y_pred : array-like or DataFrame of shape (n_samples, n_models)
        Predicted labels of each model, one column per model.
    significance_method : {"hybrid", "asymptotic", "MC"}, default="hybrid"
        As phik's ``significance_method``:

        - ``"asymptotic"``: one degree of freedom; deterministic, equal to
          phik's to rounding.
        - ``"hybrid"`` (phik's default): the effective degrees of freedom, the
          mean G of ``n_simulations`` tables simulated under independence.
        - ``"MC"``: the fraction of simulated G at least the observed one
          (phik's percentile rule); ``Z`` is infinite when none is.

        ``"hybrid"`` and ``"MC"`` are random: equal to phik's within the Monte
        Carlo noise of both.
    n_simulations : int, default=1000
        Simulated tables per pair (phik's ``nsim``), for ``"hybrid"`` and
        ``"MC"``.
    task : {"auto", "classification", "regression"}, default="auto"
        See :func:`pairwise_error_correlation`; the errors must be 0/1
        indicators (classification).
    random_state : int, RandomState instance or None, default=None
        Seeds the simulations.

    Returns
    -------
    result : Bunch
        ``zscore``: the Z-scores, of shape (n_models, n_models), as
        ``phik.significance_matrix`` gives them, diagonal included (a model's
        table with itself); ``pvalue``: the p-values they come from;
        ``statistic``: phi_K of each pair (:func:`pairwise_error_correlation`
        with ``method="phik"``); ``dof``: the (effective) degrees of freedom;
        ``significance_method``. DataFrames labelled by model names when
        ``Y_pred`` is one. ``Z`` is ``-inf`` where ``G = 0`` (``p = 1``), as
        phik gives it.

    Raises
    ------
    ValueError
        For continuous errors (regression: phik would bin them; use
        :func:`error_correlation_significance`), for ``"hybrid"`` on fewer
        than 5 samples (phik switches to a fitted mixture there), and for the
        bad input of :func:`pairwise_error_correlation`.

    Warns
    -----
    UndefinedCorrelationWarning
        For a model that is always right or always wrong: its rows and columns
        are NaN (phik gives NaN for a table with one row or column).

    See Also
    --------
    error_correlation_significance : Analytic, bootstrap and permutation tests.

    References
    ----------
    Baak, Koopman, Snoek, Klous (2020), "A new correlation coefficient between
    categorical, ordinal and interval variables with Pearson characteristics",
    Computational Statistics & Data Analysis 152 (arXiv:1811.11440).
    Li, Sarna, Lin (2025), "Quantifying Correlations of Machine Learning
    Models", arXiv:2502.03937.

    Examples
    --------
    >>> import numpy as np
    >>> from skcorr.metrics import phik_significance
    >>> rng = np.random.RandomState(0)
    >>> y = rng.randint(0, 2, size=500)
    >>> shared = rng.rand(500) < 0.2
    >>> flip = (rng.rand(500, 3) < 0.1) | shared[:, None]
    >>> Y_pred = np.where(flip, 1 - y[:, None], y[:, None])
    >>> result = phik_significance(y, Y_pred, significance_method="asymptotic")
    >>> bool((result.zscore[0, 1:] > 5).all())
    True
    """
    errors, model_names, _ = compute_errors(y_true, Y_pred, task=task, min_models=2)
    if not is_binary(errors):
        raise ValueError(
            "phik_significance needs 0/1 error indicators (classification); these "
            "errors are residuals (regression). Use error_correlation_significance "
            "for residuals."
        )
    n_samples, n_models = errors.shape
    if significance_method == "hybrid" and n_samples <= 4:
        raise ValueError(
            f"significance_method='hybrid' needs at least 5 samples (phik fits a "
            f"mixture below that); got {n_samples}. Use "
            "significance_method='asymptotic'."
        )
    wrong = np.rint(column_means(errors) * n_samples)
    both_wrong = np.rint(gram(errors) * n_samples)
    constant = (wrong == 0) | (wrong == n_samples)
    warn_constant_models(constant, model_names, "the phik significance")
    rows, cols = np.triu_indices(n_models)
    defined = ~(constant[rows] | constant[cols])
    rows, cols = rows[defined], cols[defined]
    tables = _cells(both_wrong[rows, cols], wrong[rows], wrong[cols], n_samples)
    observed = g_statistic(tables)
    if significance_method == "asymptotic":
        dof = np.ones_like(observed)
        pvalue, zscore = z_from_chi2(observed, dof)
    else:
        rng = np.random.default_rng(draw_seed(random_state))
        dof = np.empty_like(observed)
        pvalue = np.empty_like(observed)
        # Blocks of tables, so that the simulations of many models fit memory.
        step = max(1, _SIMULATION_BLOCK // n_simulations)
        for start in range(0, len(tables), step):
            block = slice(start, start + step)
            null = simulate_null_statistics(tables[block], n_simulations, rng)
            dof[block] = null.mean(axis=1)
            if significance_method == "MC":
                pvalue[block] = _mc_pvalue(observed[block], null)
        if significance_method == "hybrid":
            pvalue, zscore = z_from_chi2(observed, dof)
        else:
            with np.errstate(divide="ignore"):
                zscore = -stats.norm.ppf(pvalue)
    matrices = {}
    for name, values in (("zscore", zscore), ("pvalue", pvalue), ("dof", dof)):
        matrix = np.full((n_models, n_models), np.nan)
        matrix[rows, cols] = values
        matrix[cols, rows] = values
        matrices[name] = labelled_matrix(matrix, model_names)
    with warnings.catch_warnings():  # the constant models are reported above
        warnings.simplefilter("ignore", UndefinedCorrelationWarning)
        statistic = pairwise_correlation_of_errors(errors, "phik")
    return Bunch(
        statistic=labelled_matrix(statistic, model_names),
        significance_method=significance_method,
        **matrices,
    )
