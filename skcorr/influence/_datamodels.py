"""Attribution checked against retraining: the linear datamodeling score.

Park et al. (2023, "TRAK: Attributing Model Behavior at Scale", Sec. 2,
Def. 2.3) judge an attribution by how well it predicts what retraining on a
random subset of the training rows does to a model's output on an example.
:func:`subset_retraining_outputs` retrains a model on random subsets (exactly:
clone and fit, in parallel, cached); :func:`linear_datamodeling_score`
correlates, example by example, the change each subset causes with the change
an influence matrix predicts for it, read as an additive datamodel;
:func:`leave_one_out_influence` is the exact leave-one-out influence matrix
by retraining, the truth that influence functions approximate.

Conventions (those of :class:`TracIn` and :class:`LinearInfluence`): an
influence matrix has shape ``(n_eval, n_train)`` and ``influence[z, i] > 0``
means that training on row ``i`` lowers the loss on ``z``, so leaving row
``i`` out raises it by about ``influence[z, i]``.
"""

import warnings
from numbers import Integral, Real

import numpy as np
from scipy.stats import rankdata
from sklearn.base import clone, is_classifier, is_regressor
from sklearn.utils import Bunch, check_random_state
from sklearn.utils.parallel import delayed
from sklearn.utils.validation import check_consistent_length, check_memory

from ..utils.fixes import (
    HasMethods,
    Interval,
    StrOptions,
    _num_samples,
    _safe_indexing,
    validate_params,
)
from ..utils.nets import net_input
from ..utils.parameters import (
    N_JOBS_CONSTRAINT,
    RANDOM_STATE_CONSTRAINT,
    IntervalNotBool,
    check_n_jobs,
)
from ..utils.progress import check_verbose, parallel_map, progress_bar
from ..utils.seeding import draw_seed, fit_with_seed
from ..utils.threads import blas_single_thread, member_threads
from ..utils.validation import as_numeric, check_same_index

__all__ = [
    "SubsetRetraining",
    "leave_one_out_influence",
    "linear_datamodeling_score",
    "subset_retraining_outputs",
]


def per_example_loss(estimator, X, y):
    """The loss of a fitted model on each row: the output that ``"loss"`` names.

    A classifier's log-loss ``-log p(y | x)`` (``predict_proba``, with the
    probability clipped below at the machine epsilon of its dtype, as
    :func:`sklearn.metrics.log_loss` does), a regressor's squared error
    ``(y - f(x))^2``: the losses whose gradients :class:`TracIn` (cross
    entropy, mean squared error) and :class:`LinearInfluence` take.
    """
    y = np.asarray(y)
    if y.ndim == 2 and y.shape[1] == 1:
        y = y.ravel()
    if is_classifier(estimator):
        probability = np.asarray(estimator.predict_proba(X))
        classes = np.asarray(estimator.classes_)
        codes = np.clip(np.searchsorted(classes, y), 0, len(classes) - 1)
        unseen = classes[codes] != y
        if unseen.any():
            raise ValueError(
                f"The evaluation labels {sorted(set(y[unseen].tolist()))} were not "
                f"in the rows this model was trained on (classes "
                f"{classes.tolist()}): their log-loss is undefined. Use a larger "
                "subset_fraction, or evaluate on labels every subset holds."
            )
        chosen = probability[np.arange(len(y)), codes]
        return -np.log(np.clip(chosen, np.finfo(probability.dtype).eps, None))
    if is_regressor(estimator):
        prediction = np.asarray(estimator.predict(X), dtype=np.float64)
        if prediction.ndim == 2 and prediction.shape[1] == 1:
            prediction = prediction.ravel()
        if prediction.ndim != 1:
            raise ValueError(
                "output='loss' takes one regression target; the model predicts "
                f"shape {prediction.shape}. Pass output=<callable> instead."
            )
        return (y.astype(np.float64) - prediction) ** 2
    raise TypeError(
        "output='loss' needs a classifier (predict_proba) or a regressor; got "
        f"{type(estimator).__name__}. Pass output=callable(estimator, X, y)."
    )


def _fit_and_output(estimator, seed, X, y, rows, X_eval, y_eval, output):
    """Clone, seed and fit ``estimator`` on ``rows``; its output on each
    evaluation row. The unit of work of one joblib task, cached by
    :class:`joblib.Memory` by its arguments."""
    X_fit = net_input(estimator, _safe_indexing(X, rows))
    y_fit = _safe_indexing(y, rows)
    with member_threads():
        fitted = fit_with_seed(clone(estimator), seed, X_fit, y_fit)
        values = output(fitted, net_input(fitted, X_eval), y_eval)
    values = np.asarray(values, dtype=np.float64)
    n_eval = _num_samples(X_eval)
    if values.shape not in ((n_eval,), (n_eval, 1)):
        raise ValueError(
            f"output must return one number per evaluation row, shape "
            f"({n_eval},); got shape {values.shape}."
        )
    return values.ravel()


def _retrained_outputs(estimator, X, y, X_eval, y_eval, row_sets, seed, output,
                       n_jobs, memory, verbose, desc):
    """The output on every evaluation row of the model fitted on each of
    ``row_sets`` (an array per fit), as an array ``(len(row_sets), n_eval)``."""
    output = per_example_loss if output == "loss" else output
    task = check_memory(memory).cache(_fit_and_output)
    with blas_single_thread(), progress_bar(
        len(row_sets), desc, verbose, unit="fit"
    ) as progress:
        results = parallel_map(
            (
                delayed(task)(estimator, seed, X, y, rows, X_eval, y_eval, output)
                for rows in row_sets
            ),
            progress=progress,
            n_jobs=n_jobs,
        )
    return np.vstack(results)


def _check_data(X_train, y_train, X_eval, y_eval):
    check_same_index(X_train=X_train, y_train=y_train)
    check_same_index(X_eval=X_eval, y_eval=y_eval)
    check_consistent_length(X_train, y_train)
    check_consistent_length(X_eval, y_eval)
    n_train, n_eval = _num_samples(X_train), _num_samples(X_eval)
    if n_train < 2 or n_eval < 1:
        raise ValueError(
            f"Retraining needs at least 2 training rows and 1 evaluation row; got "
            f"{n_train} and {n_eval}."
        )
    return n_train


class SubsetRetraining(Bunch):
    """What :func:`subset_retraining_outputs` returns (a :class:`~sklearn.utils.Bunch`).

    Keys: ``subsets`` (bool array ``(n_subsets, n_train)``, True for the rows
    each model was trained on), ``outputs`` (``(n_subsets, n_eval)``: each
    model's output on each evaluation row), ``full_outputs`` (``(n_eval,)``:
    the output of the model trained on every row), ``seed`` (the one seed
    every fit was given), ``output`` (``"loss"`` or the callable) and
    ``subset_fraction``.
    """


_OUTPUT_CONSTRAINT = [StrOptions({"loss"}), callable]
_RETRAINING_CONSTRAINTS = {
    "estimator": [HasMethods(["fit"])],
    "X_train": ["array-like", "sparse matrix"],
    "y_train": ["array-like"],
    "X_eval": ["array-like", "sparse matrix"],
    "y_eval": ["array-like"],
    "output": _OUTPUT_CONSTRAINT,
    "random_state": RANDOM_STATE_CONSTRAINT,
    "n_jobs": N_JOBS_CONSTRAINT,
    "memory": [None, str, HasMethods(["cache"])],
    "verbose": ["verbose"],
}


@validate_params(
    {
        **_RETRAINING_CONSTRAINTS,
        "subset_fraction": [Interval(Real, 0, 1, closed="neither")],
        "n_subsets": [IntervalNotBool(Integral, 3, None, closed="left")],
    },
    prefer_skip_nested_validation=True,
)
def subset_retraining_outputs(
    estimator, X_train, y_train, X_eval, y_eval, *, subset_fraction=0.5,
    n_subsets=100, output="loss", random_state=None, n_jobs=None, memory=None,
    verbose=0,
):
    """Retrain a model on random subsets of its training rows; its outputs.

    The ground truth of the linear datamodeling score (Park et al., 2023):
    ``n_subsets`` subsets of ``round(subset_fraction * n_train)`` training
    rows are drawn uniformly without replacement, a clone of ``estimator``
    is fitted on each (and one on every row), and each model's output on each
    evaluation row is recorded. Pass the result to
    :func:`linear_datamodeling_score` once per influence matrix: several
    attributions of one model are judged on the same retrained models.

    Parameters
    ----------
    estimator : estimator instance
        The unfitted model (cloned for every fit, never modified); a
        scikit-learn estimator, a Pipeline or a skorch net.
    X_train : array-like of shape (n_train, n_features)
        The rows whose subsets the models are trained on.
    y_train : array-like of shape (n_train,)
    X_eval : array-like of shape (n_eval, n_features)
        The rows the outputs are measured on (test rows, in Park et al.).
    y_eval : array-like of shape (n_eval,)
    subset_fraction : float in (0, 1), default=0.5
        The share ``alpha`` of training rows in each subset.
    n_subsets : int >= 3, default=100
        How many subsets (retrained models) the correlation runs over.
    output : "loss" or callable, default="loss"
        What is measured on each evaluation row. ``"loss"``: a classifier's
        log-loss, a regressor's squared error, the losses whose change the
        influence of :class:`TracIn` and :class:`LinearInfluence` predicts.
        A callable ``output(fitted_estimator, X_eval, y_eval)`` returns one
        number per row, read as a loss (the influence predicts how much it
        rises when training rows are left out; negate a score that is better
        when higher). The margin of Park et al. (``log p / (1 - p)`` of the
        true class) is a decreasing function of the log-loss, so it gives the
        same ranks and the same score as ``"loss"``.
    random_state : int, RandomState instance or None, default=None
        Draws the subsets, then one seed (:func:`~skcorr.utils.seeding.draw_seed`)
        given to every fit, the full one included, so that the models differ
        by their training rows only.
    n_jobs : int, default=None
        Fits run in parallel through :class:`sklearn.utils.parallel.Parallel`
        (any joblib backend).
    memory : str or joblib.Memory, default=None
        Cache each fit's outputs by (estimator, seed, rows, data, output), as
        :func:`~skcorr.ensemble.evaluate_batch` does: a killed run resumes
        without refitting. The cache holds pickles that are loaded, hence run,
        on the next call: use a folder only you can write to.
    verbose : bool or int, default=0
        1 or more: a progress bar of the fits on stderr, on a terminal.

    Returns
    -------
    retraining : SubsetRetraining
        ``subsets``, ``outputs``, ``full_outputs``, ``seed``, ``output``,
        ``subset_fraction``.

    Raises
    ------
    ValueError
        If a subset would hold no row or every row (``subset_fraction`` too
        small or too large for ``n_train``); fewer than 2 training or 1
        evaluation row; ``X`` and ``y`` of different lengths or pandas
        indexes; an evaluation label a subset's classifier never saw; a
        callable ``output`` that does not return one number per row. Also
        ``InvalidParameterError`` for parameters of the wrong type or range.

    Notes
    -----
    Every fit and output runs on one BLAS/OpenMP thread
    (:func:`~skcorr.utils.threads.member_threads`) and the results come back
    in the order of the subsets, so the same ``random_state`` gives
    bit-identical outputs whatever ``n_jobs`` or backend.

    References
    ----------
    .. [1] S. M. Park, K. Georgiev, A. Ilyas, G. Leclerc, A. Madry, "TRAK:
       Attributing Model Behavior at Scale", ICML 2023 (Sec. 2, Def. 2.3).

    Examples
    --------
    >>> from sklearn.datasets import load_diabetes
    >>> from sklearn.linear_model import Ridge
    >>> from skcorr.influence import subset_retraining_outputs
    >>> X, y = load_diabetes(return_X_y=True)
    >>> retraining = subset_retraining_outputs(
    ...     Ridge(), X[:100], y[:100], X[100:120], y[100:120], n_subsets=10,
    ...     random_state=0)
    >>> retraining.subsets.shape, retraining.outputs.shape
    ((10, 100), (10, 20))
    >>> retraining.subsets.sum(axis=1).tolist()
    [50, 50, 50, 50, 50, 50, 50, 50, 50, 50]
    """
    check_n_jobs(n_jobs, "subset_retraining_outputs")
    check_verbose(verbose, "subset_retraining_outputs")
    n_train = _check_data(X_train, y_train, X_eval, y_eval)
    size = int(round(subset_fraction * n_train))
    if not 1 <= size < n_train:
        raise ValueError(
            f"subset_fraction={subset_fraction} of {n_train} training rows gives "
            f"subsets of {size} rows; each subset needs at least 1 row and fewer "
            f"than all {n_train}. Choose subset_fraction in "
            f"[{1 / n_train:.3g}, {(n_train - 1) / n_train:.3g}]."
        )
    rng = check_random_state(random_state)
    rows = [np.sort(rng.choice(n_train, size, replace=False))
            for _ in range(n_subsets)]
    seed = draw_seed(rng)
    outputs = _retrained_outputs(
        estimator, X_train, y_train, X_eval, y_eval,
        [np.arange(n_train), *rows], seed, output, n_jobs, memory, verbose,
        "datamodel fits",
    )
    subsets = np.zeros((n_subsets, n_train), dtype=bool)
    for index, kept in enumerate(rows):
        subsets[index, kept] = True
    return SubsetRetraining(
        subsets=subsets, outputs=outputs[1:], full_outputs=outputs[0], seed=seed,
        output=output, subset_fraction=float(subset_fraction),
    )


@validate_params(_RETRAINING_CONSTRAINTS, prefer_skip_nested_validation=True)
def leave_one_out_influence(
    estimator, X_train, y_train, X_eval, y_eval, *, output="loss",
    random_state=None, n_jobs=None, memory=None, verbose=0,
):
    """Exact leave-one-out influence, by retraining without each row.

    ``influence[z, i] = output(z; trained without row i) - output(z; trained
    on every row)``: how much the loss on ``z`` rises when row ``i`` is left
    out, the quantity influence functions approximate (Koh & Liang, 2017), in
    the orientation of :class:`TracIn` and :class:`LinearInfluence`
    (positive: row ``i`` helps ``z``). ``n_train + 1`` fits.

    Parameters
    ----------
    estimator : estimator instance
        The unfitted model, cloned for every fit.
    X_train, y_train : array-like of shape (n_train, ...)
    X_eval, y_eval : array-like of shape (n_eval, ...)
    output : "loss" or callable, default="loss"
        As in :func:`subset_retraining_outputs`.
    random_state : int, RandomState instance or None, default=None
        Draws the one seed given to every fit.
    n_jobs : int, default=None
    memory : str or joblib.Memory, default=None
        As in :func:`subset_retraining_outputs` (the same warning holds).
    verbose : bool or int, default=0

    Returns
    -------
    influence : ndarray of shape (n_eval, n_train)

    Raises
    ------
    ValueError
        As :func:`subset_retraining_outputs`.

    References
    ----------
    .. [1] P. W. Koh, P. Liang, "Understanding Black-box Predictions via
       Influence Functions", ICML 2017.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.dummy import DummyRegressor
    >>> from skcorr.influence import leave_one_out_influence
    >>> X, y = np.zeros((4, 1)), np.array([0.0, 1.0, 2.0, 5.0])
    >>> def prediction(model, X, y):
    ...     return model.predict(X)
    >>> leave_one_out_influence(DummyRegressor(), X, y, X[:1], y[:1],
    ...                         output=prediction)  # the mean without row i
    array([[ 0.66666667,  0.33333333,  0.        , -1.        ]])
    """
    check_n_jobs(n_jobs, "leave_one_out_influence")
    check_verbose(verbose, "leave_one_out_influence")
    n_train = _check_data(X_train, y_train, X_eval, y_eval)
    every = np.arange(n_train)
    row_sets = [every, *(np.delete(every, i) for i in range(n_train))]
    outputs = _retrained_outputs(
        estimator, X_train, y_train, X_eval, y_eval, row_sets,
        draw_seed(random_state), output, n_jobs, memory, verbose,
        "leave-one-out fits",
    )
    return (outputs[1:] - outputs[0]).T


def _column_spearman(predicted, actual):
    """Spearman's correlation of each column pair (average ranks of ties);
    NaN where a column is constant."""
    predicted_ranks = rankdata(predicted, axis=0)
    actual_ranks = rankdata(actual, axis=0)
    predicted_ranks -= predicted_ranks.mean(axis=0)
    actual_ranks -= actual_ranks.mean(axis=0)
    numerator = (predicted_ranks * actual_ranks).sum(axis=0)
    denominator = np.sqrt(
        (predicted_ranks**2).sum(axis=0) * (actual_ranks**2).sum(axis=0)
    )
    with np.errstate(invalid="ignore", divide="ignore"):
        rho = numerator / denominator
    return np.where(denominator > 0, rho, np.nan)


@validate_params(
    {"retraining": [dict], "influence": ["array-like"]},
    prefer_skip_nested_validation=True,
)
def linear_datamodeling_score(retraining, influence):
    """The linear datamodeling score (LDS) of an influence matrix.

    Park et al. (2023, Def. 2.3) read an attribution ``tau`` as an additive
    datamodel: the change of the output on ``z`` when the model is trained
    on a subset ``S`` instead of every row is predicted by the sum of the
    influences of the rows left out,

    ``predicted(z, S) = sum_{i not in S} influence[z, i]``

    (positive influence: training on row ``i`` lowers the loss on ``z``, so
    leaving it out raises it). ``LDS(z)`` is Spearman's rank correlation, over
    the retrained subsets of ``retraining``, between that prediction and the
    actual change ``output(z; S) - output(z; all rows)``; the score is its
    mean over the evaluation rows. 1: the attribution ranks the subsets as
    retraining does; 0: no better than chance. The subsets all have one size,
    so summing over the rows kept instead (``-sum_{i in S}``) gives the same
    ranks.

    Parameters
    ----------
    retraining : SubsetRetraining
        From :func:`subset_retraining_outputs`: the subsets and the outputs
        of the models retrained on them.
    influence : array-like of shape (n_eval, n_train)
        The attribution to judge, rows the evaluation rows and columns the
        training rows of ``retraining``, in the orientation of
        :class:`TracIn` and :class:`LinearInfluence` (``influence(X_eval,
        y_eval, X_train, y_train)``), or of :func:`leave_one_out_influence`.

    Returns
    -------
    result : Bunch
        ``score`` (float: the mean of ``per_example`` over the rows where it
        is defined), ``per_example`` (``(n_eval,)``: LDS of each evaluation
        row; NaN where the predicted or actual changes are constant over the
        subsets), ``predicted`` and ``actual`` (``(n_subsets, n_eval)``: the
        changes correlated).

    Raises
    ------
    TypeError
        If ``retraining`` is not what :func:`subset_retraining_outputs`
        returns.
    ValueError
        If ``influence`` is not numeric, holds NaN or inf, or its shape is not
        ``(n_eval, n_train)`` of ``retraining``.

    Warns
    -----
    UserWarning
        When the LDS of some evaluation rows is undefined (constant changes,
        e.g. a row whose loss is 0 for every model): the warning says how
        many, and ``score`` averages the others (NaN when none is left).

    Notes
    -----
    The score tests additivity as much as accuracy: the exact leave-one-out
    influence (:func:`leave_one_out_influence`) predicts removing one row
    exactly, yet removing half of them at once is a different question; its
    LDS measures how additive the model's response to its data is.

    References
    ----------
    .. [1] S. M. Park, K. Georgiev, A. Ilyas, G. Leclerc, A. Madry, "TRAK:
       Attributing Model Behavior at Scale", ICML 2023 (Sec. 2, Def. 2.3).

    Examples
    --------
    >>> from sklearn.datasets import load_diabetes
    >>> from sklearn.linear_model import Ridge
    >>> from skcorr.influence import (
    ...     LinearInfluence, linear_datamodeling_score, subset_retraining_outputs)
    >>> X, y = load_diabetes(return_X_y=True)
    >>> y = (y - y.mean()) / y.std()
    >>> X_train, y_train, X_eval, y_eval = X[:200], y[:200], X[200:250], y[200:250]
    >>> retraining = subset_retraining_outputs(
    ...     Ridge(), X_train, y_train, X_eval, y_eval, n_subsets=30, random_state=0)
    >>> model = Ridge().fit(X_train, y_train)
    >>> influence = LinearInfluence(model).fit(X_train, y_train).influence(
    ...     X_eval, y_eval, X_train, y_train)
    >>> result = linear_datamodeling_score(retraining, influence)
    >>> result.per_example.shape, bool(result.score > 0.3)
    ((50,), True)
    """
    missing = [key for key in ("subsets", "outputs", "full_outputs")
               if key not in retraining]
    if missing:
        raise TypeError(
            f"retraining lacks {missing}: pass what subset_retraining_outputs "
            "returns."
        )
    subsets = np.asarray(retraining["subsets"], dtype=bool)
    actual = np.asarray(retraining["outputs"], dtype=np.float64) - np.asarray(
        retraining["full_outputs"], dtype=np.float64
    )
    influence = as_numeric(influence, "influence", allow_bool=False)
    expected = (actual.shape[1], subsets.shape[1])
    if influence.shape != expected:
        hint = (" (transposed? an influence matrix is (n_eval, n_train))"
                if influence.shape == expected[::-1] else "")
        raise ValueError(
            f"influence must have shape (n_eval, n_train) = {expected}, the "
            f"evaluation and training rows of retraining; got "
            f"{influence.shape}{hint}."
        )
    if not np.isfinite(influence).all():
        raise ValueError("influence contains NaN or infinite values.")
    predicted = (~subsets).astype(np.float64) @ influence.T
    per_example = _column_spearman(predicted, actual)
    undefined = np.flatnonzero(np.isnan(per_example))
    if undefined.size:
        warnings.warn(
            f"The LDS of {undefined.size} of {per_example.size} evaluation rows "
            f"is undefined (e.g. row {undefined[0]}): their predicted or actual "
            "changes are the same for every subset. "
            + ("The score averages the others." if undefined.size < per_example.size
               else "The score is NaN."),
            UserWarning,
            stacklevel=3,  # the caller of the validate_params wrapper
        )
    defined = per_example[~np.isnan(per_example)]
    score = float(defined.mean()) if defined.size else float("nan")
    return Bunch(score=score, per_example=per_example, predicted=predicted,
                 actual=actual)
