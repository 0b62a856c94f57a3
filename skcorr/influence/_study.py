"""The reciprocity study (Sundararajan & Krichene, 2022) on real and synthetic data.

:func:`run_reciprocity_study` measures inflow, outflow and reciprocity under
several settings, to show where reciprocity holds by construction (TracInCP or
influence functions on one shared set) and where it breaks (separate
evaluation sets per individual, leverage-corrected influence functions,
per-step TracInIdeal logged during training).
"""

import copy
import numbers
import time
import warnings

import numpy as np
from sklearn.base import clone
from sklearn.datasets import load_breast_cancer, load_diabetes
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.preprocessing import StandardScaler
from sklearn.utils import check_random_state

from .._registry import RATINGS_DATASETS, RECIPROCITY_DATASETS
from ..utils.interrupts import reraise_interrupt
from ..utils.optional import TORCH_INSTALL, require_torch, torch_available
from ..utils.progress import check_verbose, progress_bar
from ..utils.results import StudyResult
from ._datamodels import linear_datamodeling_score, subset_retraining_outputs
from ._findings import reciprocity_findings
from ._flows import _frame, influence_flows
from ._linear import LinearInfluence
from ._reciprocity import METHODS, reciprocity_score

# The datasets of the study (the ratings ones have users as individuals).
DATASETS = RECIPROCITY_DATASETS
NO_TORCH_NOTE = (
    "torch is not installed, so the three TracIn settings are left out "
    f"(influence functions only); {TORCH_INSTALL} adds them"
)


class ReciprocityStudy(StudyResult):
    """The result of :func:`run_reciprocity_study` (a :class:`~sklearn.utils.Bunch`).

    Keys: ``dataset``, ``scores`` (DataFrame, one row per setting, one column
    per method of :func:`~skcorr.influence.reciprocity_score`), ``flows``
    (setting -> DataFrame of inflow and outflow per individual),
    ``top_setting``, ``top_givers`` and ``top_receivers`` (Series: the five
    individuals of largest outflow and inflow in ``top_setting``),
    ``attribution_check`` (DataFrame, one row per attribution: its linear
    datamodeling score against retraining; only on the tabular datasets with
    held-out rows and ``lds_subsets`` above 0), ``note``
    (only when ``tracin="auto"`` left the TracIn settings out), and
    ``study``, ``settings``, ``findings`` (:func:`reciprocity_findings`),
    ``seconds`` as every :class:`~skcorr.utils.results.StudyResult`.
    """

    _TABLES = ("scores", "attribution_check")


def make_ratings(n_users=50, n_items=40, rank=3, ratings_per_user=16, noise=0.3,
                 random_state=0):
    """A synthetic low-rank ratings matrix, observed sparsely.

    Returns
    -------
    X : ndarray of shape (n_ratings, 2), int64
        ``(user, item)`` pairs, each user rating ``ratings_per_user`` items.
    y : ndarray of shape (n_ratings, 1), float32
        Ratings, ``U V^T`` plus item popularity and Gaussian noise.
    """
    rng = check_random_state(random_state)
    users = rng.normal(size=(n_users, rank))
    items = rng.normal(size=(n_items, rank))
    popularity = rng.normal(scale=0.5, size=n_items)
    pairs = np.array(
        [
            (user, item)
            for user in range(n_users)
            for item in rng.choice(n_items, ratings_per_user, replace=False)
        ],
        dtype=np.int64,
    )
    ratings = (
        np.einsum("ij,ij->i", users[pairs[:, 0]], items[pairs[:, 1]]) / np.sqrt(rank)
        + popularity[pairs[:, 1]]
        + noise * rng.normal(size=len(pairs))
    )
    return pairs, ratings.astype(np.float32)[:, None]


def _ratings_problem(dataset, data_file, max_users, random_state):
    """``(X, y, groups, module)`` of a ratings dataset, users as individuals.

    ``"ratings"``: the synthetic matrix of :func:`make_ratings` (50 users, 40
    items); ``"movielens"``: MovieLens 100K read from ``data_file`` by
    :func:`~skcorr.datasets.load_movielens_100k`, ratings centred on their mean,
    individuals labelled by GroupLens user id. The matrix factorisation has one
    embedding row per user and item present.
    """
    if dataset == "ratings":
        X, y = make_ratings(random_state=random_state)
        groups, n_users, n_items = X[:, 0], 50, 40
    else:
        from ..datasets import load_movielens_100k

        data = load_movielens_100k(
            data_file, max_users=max_users, random_state=random_state
        )
        X, n_users, n_items = data.X, data.n_users, data.n_items
        y = (data.y - data.y.mean()).astype(np.float32)
        groups = data.user_ids[X[:, 0]]
    import torch

    from ._matrix_factorization import MatrixFactorization

    torch.manual_seed(random_state)
    module = MatrixFactorization(n_users=n_users, n_items=n_items, rank=3)
    return X, y, groups, module


def _split_per_individual(groups, test_fraction, rng):
    """A boolean mask of evaluation rows: a share of every individual's rows."""
    is_eval = np.zeros(len(groups), dtype=bool)
    for label in np.unique(groups):
        rows = np.flatnonzero(groups == label)
        n_eval = max(1, int(round(test_fraction * len(rows))))
        if len(rows) > 1:
            is_eval[rng.choice(rows, n_eval, replace=False)] = True
    return is_eval


def _tabular_net(n_features, n_out, random_state):
    """The small MLP whose training TracIn traces on the tabular datasets."""
    import torch

    torch.manual_seed(random_state)
    return torch.nn.Sequential(
        torch.nn.Linear(n_features, 16), torch.nn.Tanh(), torch.nn.Linear(16, n_out),
    )


def _fit_net(module, X, y, max_epochs, seed, regression=True, recorder=None,
             progress=None):
    import torch

    from ._checkpoints import TracInCheckpoints

    torch.manual_seed(seed)
    keeper = TracInCheckpoints(checkpoint_epochs=max(1, max_epochs // 3))
    callbacks = [("tracin", keeper)]
    if recorder is not None:
        callbacks.append(("tracin_ideal", recorder))
    if progress is not None:
        callbacks.append(("progress", _epoch_ticks(progress)))
    net = _net(module, max_epochs, regression, callbacks)
    with reraise_interrupt():
        return net.fit(X, y)


def _net(module, max_epochs, regression, callbacks=None):
    """The unfitted skorch net of the study: SGD on the module instance."""
    import torch
    from skorch import NeuralNetClassifier, NeuralNetRegressor

    Net = NeuralNetRegressor if regression else NeuralNetClassifier
    criterion = torch.nn.MSELoss if regression else torch.nn.CrossEntropyLoss
    return Net(
        module, criterion=criterion, optimizer=torch.optim.SGD, lr=0.05,
        max_epochs=max_epochs, batch_size=32, train_split=None, verbose=0,
        callbacks=callbacks, iterator_train__shuffle=True,
    )


def _epoch_ticks(progress):
    """A skorch callback that ticks ``progress`` once per finished epoch."""
    from skorch.callbacks import Callback

    class EpochTicks(Callback):
        def __init__(self, progress):
            self.progress = progress

        def on_epoch_end(self, net, **kwargs):
            self.progress.update(1)

    return EpochTicks(progress)


def _lds_row(name, model, result):
    per_example = result.per_example[~np.isnan(result.per_example)]
    return {"attribution": name, "model": model, "lds": result.score,
            "lds_sd": float(per_example.std()) if per_example.size else np.nan,
            "n_eval": int(per_example.size),
            "n_subsets": int(result.actual.shape[0])}


def _attribution_check(linear, influences, net, traced, data, net_data,
                       n_subsets, random_state):
    """The linear datamodeling score (Park et al., 2023) of each attribution
    of the study, against its model retrained on ``n_subsets`` random halves
    of the training rows, on the held-out rows.

    ``linear`` is the fitted linear model, ``influences`` its two
    :class:`LinearInfluence`; ``net`` the unfitted net (from the initial
    weights of the traced one) and ``traced`` its :class:`TracIn`, or None;
    ``data`` and ``net_data`` are ``(X_train, y_train, X_eval, y_eval)``.
    """
    import pandas as pd

    X_train, y_train, X_eval, y_eval = data
    options = {"n_subsets": n_subsets, "random_state": random_state}
    retraining = subset_retraining_outputs(clone(linear), *data, **options)
    matrices = {
        name: influence.influence(X_eval, y_eval, X_train, y_train)
        for name, influence in influences.items()
    }
    model = type(linear).__name__
    rows = [_lds_row(name, model, linear_datamodeling_score(retraining, matrix))
            for name, matrix in matrices.items()]
    if net is not None:
        from ..exceptions import SharedInitialWeightsWarning

        with warnings.catch_warnings():
            # meant: every subset starts from the traced net's initial weights
            warnings.simplefilter("ignore", SharedInitialWeightsWarning)
            net_retraining = subset_retraining_outputs(net, *net_data, **options)
        X_train, y_train, X_eval, y_eval = net_data
        matrix = traced.influence(X_eval, y_eval, X_train, y_train)
        rows.append(_lds_row("tracin", "MLP (skorch)",
                             linear_datamodeling_score(net_retraining, matrix)))
    return pd.DataFrame(rows).set_index("attribution")


def _scores(flows):
    import warnings

    from ._reciprocity import MIN_CORRELATED

    few = len(flows["inflow"]) < MIN_CORRELATED
    if few:
        warnings.warn(
            f"{len(flows['inflow'])} individuals: the spearman and pearson "
            "correlations of inflow and outflow are left NaN (over 2 points a "
            "correlation is always +1 or -1); read gap and ratio.",
            UserWarning,
            stacklevel=3,
        )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return {
            method: float("nan") if few and method in ("spearman", "pearson")
            else reciprocity_score(flows, method)
            for method in METHODS
        }


def _tabular_individuals(individuals, frame, n_individuals, rng):
    """The individual of each row of a scikit-learn tabular dataset.

    ``None`` or ``"random"``: rows dealt at random to ``n_individuals``; ``"rows"``:
    each row alone; a column name: its values when there are at most
    ``n_individuals`` of them, else ``n_individuals`` quantile bins (labelled
    0, 1, ... from the lowest values up).
    """
    n_rows = len(frame)
    if individuals is None or individuals == "random":
        return rng.permutation(n_rows) % n_individuals
    if individuals == "rows":
        return np.arange(n_rows)
    if individuals not in frame.columns:
        raise ValueError(
            f"individuals must be 'random', 'rows' or a column of the dataset "
            f"{list(frame.columns)}; got {individuals!r}."
        )
    column = frame[individuals].to_numpy()
    values, codes = np.unique(column, return_inverse=True)
    if len(values) <= n_individuals:
        return codes
    # quantile bins of (near) equal size, ties kept together
    edges = np.quantile(column, np.linspace(0, 1, n_individuals + 1)[1:-1])
    return np.searchsorted(np.unique(edges), column, side="right")


def run_reciprocity_study(
    dataset="diabetes", *, data_file=None, max_users=None, n_individuals=20,
    individuals=None, test_fraction=0.3, max_epochs=30, tracin=True,
    lds_subsets=20, random_state=0, verbose=0,
):
    """Inflow, outflow and reciprocity under several influence settings.

    Settings (each individual owns training rows and, where said,
    separate evaluation rows):

    - ``"influence_shared"``: influence functions (Koh & Liang, 2017) of a
      Ridge / LogisticRegression evaluated on the training rows: symmetric,
      so reciprocal by construction;
    - ``"influence_leverage"``: the same with the leverage (leave-one-out)
      correction: asymmetric;
    - ``"influence_separate"``: influence functions with each individual's
      own held-out evaluation rows;
    - ``"tracin_shared"`` and ``"tracin_separate"``: TracInCP (Pruthi et al.,
      2020) of a small skorch net (an MLP, or a matrix factorisation for
      ``"ratings"`` and ``"movielens"``, where the individuals are the users);
    - ``"tracin_ideal"``: TracInIdeal (Pruthi et al., 2020) of the same
      training run, logged step by step by
      :class:`~skcorr.influence.TracInIdealRecorder` on the training rows
      (one shared set, as ``"tracin_shared"``): the exact loss change of
      each step, credited to the rows of its batch. It is measured before and
      after the step and only for the rows that took it, so it is not
      symmetric and the flows are not reciprocal by construction.

    On the tabular datasets, each attribution is also checked against
    retraining (``"attribution_check"``): its linear datamodeling score
    (:func:`~skcorr.influence.linear_datamodeling_score`, Park et al., 2023)
    on the held-out rows, over ``lds_subsets`` random halves of the training
    rows on which its model is retrained (the Ridge / LogisticRegression for
    the influence functions, the net from the traced net's initial weights
    for TracIn).

    Parameters
    ----------
    dataset : {"diabetes", "breast_cancer", "ratings", "movielens"}, \
default="diabetes"
        scikit-learn's diabetes (regression) or breast cancer (classification,
        features standardised), with rows assigned at random to
        ``n_individuals`` individuals; a synthetic ratings matrix (50 users,
        40 items), users as individuals; or MovieLens 100K read from
        ``data_file``, users as individuals (labelled by their GroupLens id),
        ratings centred on their mean.
    data_file : str or path-like, default=None
        For ``"movielens"`` (and only then, where it is required): the
        GroupLens ``u.data`` file or the unzipped ``ml-100k`` folder, fetched
        by you from https://grouplens.org/datasets/movielens/100k/; see
        :func:`~skcorr.datasets.load_movielens_100k`.
    max_users : int, default=None
        For ``"movielens"``: keep this many users drawn at random (with
        ``random_state``); None keeps all 943. The full file (100,000
        ratings) takes long on a CPU: TracInIdeal evaluates every training
        row at every step.
    n_individuals : int, default=20
        Individuals for the tabular datasets (with ``individuals`` "random"
        or a column of many values).
    individuals : {"random", "rows"} or str, default=None
        Who the individuals of the tabular datasets are. None or
        ``"random"``: rows dealt at random to ``n_individuals``; ``"rows"``:
        every row is its own individual (the separate-evaluation settings are
        then left out: one row cannot both give and get); a column name of
        the dataset (e.g. ``"sex"`` or ``"age"`` for diabetes): rows grouped
        by its value, or, with more than ``n_individuals`` values, by its
        ``n_individuals`` quantile bins (labelled 0, 1, ... from the lowest
        values up). The ratings datasets always take the users. With two
        individuals (``"sex"``), correlations across them would compare two
        points: ``spearman`` and ``pearson`` are NaN, with a ``UserWarning``;
        read ``gap`` and ``ratio``.
    test_fraction : float, default=0.3
        Share of each individual's rows kept for separate evaluation.
    max_epochs : int, default=30
        Training epochs of the net (checkpoints every third of them).
    tracin : bool or "auto", default=True
        Train the net and measure the three TracIn settings (``"tracin_*"``),
        which needs torch and skorch (``pip install "skcorr[torch]"``).
        False measures the influence-function settings only, with
        scikit-learn alone; the ratings datasets are a torch model, so they
        need ``tracin=True``. ``"auto"``: True when torch and skorch can be
        imported; otherwise the tabular datasets are measured without TracIn
        and the result's ``note`` says so.
    lds_subsets : int, default=20
        Random halves of the training rows the attribution check retrains on
        (3 or more; 0 leaves the check out). It costs ``lds_subsets + 1`` fits
        of the linear model and of the net (with the defaults, about 4 s of
        CPU on diabetes and 5 s on breast cancer, most of it the net). Left
        out on the ratings datasets and with ``individuals="rows"`` (no
        held-out rows).
    random_state : int, default=0
    verbose : bool or int, default=0
        0: silent. 1 or more: a progress bar of the net's training epochs
        (with ``tracin=True``) on stderr, shown only when stderr is a
        terminal; results do not depend on it.

    Returns
    -------
    result : ReciprocityStudy
        A :class:`~skcorr.utils.results.StudyResult` (keys listed in
        :class:`ReciprocityStudy`): ``"top_givers"`` and ``"top_receivers"``
        are the five individuals with the largest outflow and inflow in
        ``"tracin_separate"`` (``"tracin_shared"`` with ``individuals="rows"``;
        with ``tracin=False``, ``"influence_separate"`` or
        ``"influence_shared"``), named by ``"top_setting"``; ``"findings"``:
        sentences computed from these numbers (:func:`reciprocity_findings`).

    Raises
    ------
    ModuleNotFoundError
        (an ``ImportError``) if ``tracin=True`` and torch or skorch is not
        installed; the message ends with ``pip install "skcorr[torch]"``.
    TypeError
        If ``tracin`` is not a bool or ``"auto"``.
    ValueError
        If ``tracin=False`` with a ratings dataset, or ``lds_subsets`` is
        not 0 or an int >= 3 (besides the checks of the other parameters);
        ``InvalidParameterError`` (a ValueError) for a ``verbose`` that is
        not a bool or an int >= 0.

    References
    ----------
    .. [1] M. Sundararajan, W. Krichene, "Inflow, Outflow, and Reciprocity in
       Machine Learning", arXiv:2202.09480, 2022.
    .. [2] G. Pruthi, F. Liu, S. Kale, M. Sundararajan, "Estimating Training
       Data Influence by Tracing Gradient Descent", NeurIPS 2020.
    .. [3] P. W. Koh, P. Liang, "Understanding Black-box Predictions via
       Influence Functions", ICML 2017.

    Examples
    --------
    >>> from skcorr.influence import run_reciprocity_study
    >>> results = run_reciprocity_study("diabetes", max_epochs=3)
    >>> float(results["scores"].loc["influence_shared", "spearman"])
    1.0
    >>> float(results["scores"].loc["tracin_ideal", "gap"]) < 1.0
    True

    Without torch, the influence-function settings alone:

    >>> list(run_reciprocity_study("diabetes", tracin=False)["scores"].index)
    ['influence_shared', 'influence_leverage', 'influence_separate']

    MovieLens 100K from a local ``u.data`` (here a tiny stand-in written on
    the spot: 12 users rating 4 to 7 of 10 items):

    >>> import tempfile
    >>> from pathlib import Path
    >>> import numpy as np
    >>> rng = np.random.RandomState(0)
    >>> lines = [f"{user}\\t{item}\\t{rng.randint(1, 6)}\\t{880000000 + user}"
    ...          for user in range(1, 13)
    ...          for item in rng.choice(np.arange(1, 11), rng.randint(4, 8), False)]
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     _ = (Path(folder) / "u.data").write_text("\\n".join(lines))
    ...     results = run_reciprocity_study(
    ...         "movielens", data_file=folder, max_users=10, max_epochs=3)
    >>> flows = results["flows"]["tracin_separate"]
    >>> len(flows), list(results["scores"].index)
    (10, ['tracin_shared', 'tracin_separate', 'tracin_ideal'])
    """
    import pandas as pd

    start = time.perf_counter()
    settings = {"dataset": dataset, "n_individuals": n_individuals,
                "individuals": individuals, "test_fraction": test_fraction,
                "max_epochs": max_epochs, "tracin": tracin,
                "lds_subsets": lds_subsets, "random_state": random_state}
    note = None
    if isinstance(tracin, str) and tracin == "auto":
        tracin = dataset in RATINGS_DATASETS or torch_available()
        if not tracin:
            note = NO_TORCH_NOTE
    if dataset not in DATASETS:
        raise ValueError(f"dataset must be one of {DATASETS}; got {dataset!r}.")
    if dataset == "movielens" and data_file is None:
        raise ValueError(
            "dataset='movielens' needs data_file: the path of MovieLens 100K's "
            "u.data (or the unzipped ml-100k folder), downloaded by you from "
            "https://grouplens.org/datasets/movielens/100k/."
        )
    for name, value in (("data_file", data_file), ("max_users", max_users)):
        if dataset != "movielens" and value is not None:
            raise ValueError(
                f"{name} applies to dataset='movielens' only; got {name}={value!r} "
                f"with dataset={dataset!r}."
            )
    if dataset in RATINGS_DATASETS and individuals is not None:
        raise ValueError(
            f"individuals applies to the tabular datasets; for {dataset!r} the "
            f"individuals are the users (got individuals={individuals!r})."
        )
    if not isinstance(random_state, numbers.Integral):
        raise ValueError(f"random_state must be an int; got {random_state!r}.")
    if not 0 < test_fraction < 1:
        raise ValueError(f"test_fraction must be in (0, 1); got {test_fraction!r}.")
    if not isinstance(tracin, bool | np.bool_):
        raise TypeError(f"tracin must be True, False or 'auto'; got {tracin!r}.")
    check_verbose(verbose, "run_reciprocity_study")
    if (isinstance(lds_subsets, bool | np.bool_)
            or not isinstance(lds_subsets, numbers.Integral)
            or lds_subsets in (1, 2) or lds_subsets < 0):
        raise ValueError(
            "lds_subsets must be 0 (no attribution check) or an int >= 3; got "
            f"{lds_subsets!r}."
        )
    if dataset in RATINGS_DATASETS and not tracin:
        raise ValueError(
            f"dataset={dataset!r} is measured with TracIn of a matrix factorisation "
            "(a torch model): it needs tracin=True (and torch: pip install "
            '"skcorr[torch]"); the tabular datasets run with tracin=False.'
        )
    if tracin:
        require_torch(f"run_reciprocity_study(dataset={dataset!r}) with tracin=True")
    rng = check_random_state(random_state)
    if dataset in RATINGS_DATASETS:
        X, y, groups, module = _ratings_problem(
            dataset, data_file, max_users, random_state
        )
        linear = None
        regression = True
    else:
        loader = load_diabetes if dataset == "diabetes" else load_breast_cancer
        frame, y = loader(return_X_y=True, as_frame=True)
        groups = _tabular_individuals(individuals, frame, n_individuals, rng)
        X = StandardScaler().fit_transform(frame.to_numpy()).astype(np.float32)
        y = y.to_numpy()
        regression = dataset == "diabetes"
        if regression:
            y = ((y - y.mean()) / y.std()).astype(np.float32)[:, None]
            linear = Ridge(alpha=1.0)
        else:
            y = y.astype(np.int64)
            linear = LogisticRegression(C=1.0)
        n_out = 1 if regression else 2
        module = _tabular_net(X.shape[1], n_out, random_state) if tracin else None
    # the net's initial weights, for retraining it in the attribution check
    initial_module = (copy.deepcopy(module) if tracin and linear is not None
                      else None)
    is_eval = _split_per_individual(groups, test_fraction, rng)
    train, test = ~is_eval, is_eval
    # one row cannot both give and get: no separate evaluation then
    separate_sets = bool(test.any())
    flows = {}

    def separate(influence, X_model_train, y_train, X_model_test, y_test):
        return influence_flows(
            influence, X_model_train, y_train, groups=groups[train],
            X_eval=X_model_test, y_eval=y_test, eval_groups=groups[test],
            as_frame=True,
        )

    if linear is not None:
        y_linear = y.ravel()
        model = linear.fit(X[train], y_linear[train])
        plain = LinearInfluence(model).fit(X[train], y_linear[train])
        corrected = LinearInfluence(model, leverage_correction=True).fit(
            X[train], y_linear[train]
        )
        flows["influence_shared"] = influence_flows(
            plain, X[train], y_linear[train], groups=groups[train], as_frame=True
        )
        flows["influence_leverage"] = influence_flows(
            corrected, X[train], y_linear[train], groups=groups[train],
            as_frame=True,
        )
        if separate_sets:
            flows["influence_separate"] = separate(
                plain, X[train], y_linear[train], X[test], y_linear[test]
            )
    if tracin:
        from ._tracin import TracIn
        from ._tracin_ideal import TracInIdealRecorder

        recorder = TracInIdealRecorder(X[train], y[train], groups=groups[train],
                                       eval_groups=groups[train], store_matrix=False)
        with progress_bar(
            max_epochs, "reciprocity: net epochs", verbose, unit="epoch"
        ) as progress:
            net = _fit_net(module, X[train], y[train], max_epochs, random_state,
                           regression, recorder=recorder,
                           progress=None if progress.disable else progress)
        traced = TracIn(net)
        flows["tracin_shared"] = influence_flows(
            traced, X[train], y[train], groups=groups[train], as_frame=True
        )
        if separate_sets:
            flows["tracin_separate"] = separate(traced, X[train], y[train], X[test],
                                                y[test])
        flows["tracin_ideal"] = _frame(recorder.flows_)
    scores = pd.DataFrame({name: _scores(f) for name, f in flows.items()}).T
    scores.index.name = "setting"
    prefix = "tracin" if tracin else "influence"
    top_setting = f"{prefix}_separate"
    if top_setting not in flows:
        top_setting = f"{prefix}_shared"
    last = flows[top_setting]
    results = ReciprocityStudy(
        dataset=dataset,
        scores=scores.round(12),
        flows=flows,
        top_setting=top_setting,
        top_givers=last["outflow"].nlargest(5),
        top_receivers=last["inflow"].nlargest(5),
    )
    if lds_subsets and linear is not None and separate_sets:
        net_data = (X[train], y[train], X[test], y[test]) if tracin else None
        results["attribution_check"] = _attribution_check(
            model, {"influence": plain, "influence_leverage": corrected},
            _net(initial_module, max_epochs, regression) if tracin else None,
            traced if tracin else None,
            # float64: a float32 probability rounds to 1 on confident rows
            (X[train].astype(np.float64), y_linear[train],
             X[test].astype(np.float64), y_linear[test]), net_data,
            lds_subsets, random_state,
        ).round(12)
    results["findings"] = reciprocity_findings(results)
    if note is not None:
        results["note"] = note
    results.update(seconds=time.perf_counter() - start, study="reciprocity",
                   settings=settings)
    return results
