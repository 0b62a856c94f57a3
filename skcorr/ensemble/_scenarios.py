"""The three scenarios of study A (Li, Sarna, Lin 2025, arXiv:2502.03937) on
scikit-learn's bundled data.

:func:`run_scenario` fits the models of one scenario with the ensembles of this
subpackage and measures how their errors are correlated:

- ``"seeds"``: one algorithm over several seeds (:class:`SeedEnsembleClassifier`
  of an MLP and of a random forest) on digits;
- ``"algorithms"``: different algorithms on the same data
  (:class:`CommitteeClassifier`) on digits;
- ``"shared-data"``: the shared fraction of training rows as a dial
  (:class:`SeedEnsembleRegressor` with ``shared_fraction``) and leave-one-feature-out
  members (the study's XGBoost experiment, with HistGradientBoosting) on diabetes;
- ``"backbone"``: several heads on one frozen feature extractor
  (:class:`sklearn.frozen.FrozenEstimator` of a PCA, a random projection or,
  when torch and skorch are installed, a pretrained MLP,
  :class:`~skcorr.ensemble.MLPBackbone`) against heads on
  independently fitted extractors, on digits.
"""

import warnings
from numbers import Integral

import numpy as np
from sklearn.base import clone
from sklearn.compose import ColumnTransformer
from sklearn.datasets import load_diabetes, load_digits
from sklearn.decomposition import PCA
from sklearn.ensemble import HistGradientBoostingRegressor, RandomForestClassifier
from sklearn.exceptions import ConvergenceWarning
from sklearn.frozen import FrozenEstimator
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split
from sklearn.naive_bayes import GaussianNB
from sklearn.neighbors import KNeighborsClassifier
from sklearn.neural_network import MLPClassifier
from sklearn.pipeline import Pipeline
from sklearn.random_projection import GaussianRandomProjection
from sklearn.svm import SVC
from sklearn.utils import Bunch, check_random_state
from threadpoolctl import threadpool_limits

from .._registry import SCENARIOS
from ..metrics import mean_over_pairs, pairwise_error_correlation
from ..utils.fixes import StrOptions, validate_params
from ..utils.parameters import (
    N_JOBS_CONSTRAINT,
    RANDOM_STATE_CONSTRAINT,
    IntervalNotBool,
)
from ..utils.seeding import draw_seed
from ._backbone import MLPBackbone, torch_backbone_available
from ._committee import CommitteeClassifier, CommitteeRegressor
from ._seed import SeedEnsembleClassifier, SeedEnsembleRegressor

_DESCRIPTIONS = {
    "seeds": (
        "Same algorithm, different seeds: members of one algorithm (an MLP, a "
        "random forest) that differ only by seed, against pairs across the two "
        "algorithms, on digits (phi_K of 0/1 errors)."
    ),
    "algorithms": (
        "Different algorithms, same data: one member per algorithm on digits "
        "(phi_K of 0/1 errors)."
    ),
    "shared-data": (
        "Shared training data: HistGradientBoosting members whose training rows "
        "share a fraction from 0 (disjoint) to 1 (identical), and members that "
        "each leave one feature out, on diabetes (Pearson of residuals)."
    ),
    "backbone": (
        "Shared backbone: the same heads on one frozen feature extractor (a PCA, "
        "a random projection and, with torch, a pretrained MLP) against heads on "
        "independently fitted extractors, on digits (phi_K of 0/1 errors)."
    ),
}


# ------------------------------------------------------------------------- data
def _digits(random_state, quick):
    """Digits scaled to [0, 1], split in a stratified way."""
    X, y = load_digits(return_X_y=True)
    X = X / 16.0
    sizes = {"train_size": 500, "test_size": 400} if quick else {"test_size": 0.4}
    return train_test_split(X, y, stratify=y, random_state=random_state, **sizes)


def _diabetes(random_state):
    data = load_diabetes()
    X_train, X_test, y_train, y_test = train_test_split(
        data.data, data.target, test_size=0.25, random_state=random_state
    )
    return X_train, X_test, y_train, y_test, list(data.feature_names)


def _seed(rng):
    return draw_seed(rng)


# --------------------------------------------------------------------- summaries
def _pairs_row(label, matrix, error_rates, rows, cols, error_of=None):
    """A summary row; ``mean_error_rate`` over ``error_of`` (default: all the
    models of the pairs)."""
    mean, n_pairs = mean_over_pairs(matrix, rows=rows, cols=cols)
    members = np.union1d(rows, cols) if error_of is None else error_of
    return {
        "pairs": label,
        "n_pairs": n_pairs,
        "mean_correlation": mean,
        "mean_error_rate": float(np.mean(error_rates[members])),
    }


def _classification_errors(y_test, Y_pred, method):
    matrix = np.asarray(
        pairwise_error_correlation(y_test, Y_pred, method=method), dtype=float
    )
    error_rates = (np.asarray(Y_pred) != np.asarray(y_test)[:, None]).mean(axis=0)
    return matrix, error_rates


def _rmse(y_test, Y_pred):
    return np.sqrt(((np.asarray(Y_pred) - np.asarray(y_test)[:, None]) ** 2).mean(0))


def _fit_predict(ensemble, X_train, y_train, X_test, verbose=0):
    # verbose: a bar of the members fitted, from the ensemble itself.
    ensemble.set_params(verbose=verbose)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        ensemble.fit(X_train, y_train)
    return ensemble.predict_all(X_test, as_frame=False), list(ensemble.member_names_)


# --------------------------------------------------------------------- scenarios
def _mlp(quick):
    return MLPClassifier(
        hidden_layer_sizes=(16,) if quick else (32,),
        max_iter=40 if quick else 80,
        learning_rate_init=0.01,
    )


def _forest(quick):
    return RandomForestClassifier(n_estimators=15 if quick else 50)


def _heads(quick):
    return [
        ("logistic", LogisticRegression(max_iter=300)),
        ("k_neighbors", KNeighborsClassifier()),
        ("svc", SVC()),
        ("forest", _forest(quick)),
        ("naive_bayes", GaussianNB()),
    ]


def _seeds(rng, n_seeds, n_jobs, quick, verbose=0):
    X_train, X_test, y_train, y_test = _digits(_seed(rng), quick)
    algorithms = [("mlp", _mlp(quick)), ("forest", _forest(quick))]
    columns, names, groups = [], [], {}
    for algorithm, estimator in algorithms:
        ensemble = SeedEnsembleClassifier(
            estimator, n_seeds=n_seeds, random_state=_seed(rng), n_jobs=n_jobs
        )
        Y_pred, member_names = _fit_predict(ensemble, X_train, y_train, X_test, verbose)
        groups[algorithm] = np.arange(len(names), len(names) + len(member_names))
        columns.append(Y_pred)
        names += [f"{algorithm}/{member}" for member in member_names]
    Y_pred = np.hstack(columns)
    matrix, error_rates = _classification_errors(y_test, Y_pred, "phik")
    summary = [
        _pairs_row(f"{algorithm}: same algorithm, different seeds", matrix,
                   error_rates, members, members)
        for algorithm, members in groups.items()
    ]
    summary.append(
        _pairs_row("mlp vs forest: different algorithms", matrix, error_rates,
                   groups["mlp"], groups["forest"])
    )
    return Bunch(
        matrix=matrix, model_names=names, method="phik", error_rates=error_rates,
        summary=summary, groups=groups, Y_pred=Y_pred, y_true=y_test,
    )


def _algorithms(rng, n_seeds, n_jobs, quick, verbose=0):
    X_train, X_test, y_train, y_test = _digits(_seed(rng), quick)
    estimators = [*_heads(quick), ("mlp", _mlp(quick))]
    committee = CommitteeClassifier(
        estimators, n_seeds=1, random_state=_seed(rng), n_jobs=n_jobs
    )
    Y_pred, _ = _fit_predict(committee, X_train, y_train, X_test, verbose)
    matrix, error_rates = _classification_errors(y_test, Y_pred, "phik")
    names = [name for name, _ in estimators]
    everyone = np.arange(len(names))
    summary = [
        _pairs_row(f"{name} vs the others", matrix, error_rates, [i],
                   np.delete(everyone, i), error_of=[i])
        for i, name in enumerate(names)
    ]
    summary.append(
        _pairs_row("all pairs: different algorithms", matrix, error_rates,
                   everyone, everyone)
    )
    return Bunch(
        matrix=matrix, model_names=names, method="phik", error_rates=error_rates,
        summary=summary, Y_pred=Y_pred, y_true=y_test,
    )


def _boosting(quick):
    return HistGradientBoostingRegressor(max_iter=20 if quick else 50)


def _shared_data(rng, n_seeds, n_jobs, quick, verbose=0):
    X_train, X_test, y_train, y_test, features = _diabetes(_seed(rng))
    fractions = np.array([0.0, 0.5, 1.0] if quick else [0.0, 0.25, 0.5, 0.75, 1.0])
    dial_seed = _seed(rng)
    summary, dial_correlations, dial_rmse = [], [], []
    for fraction in fractions:
        ensemble = SeedEnsembleRegressor(
            _boosting(quick), n_seeds=n_seeds, shared_fraction=float(fraction),
            random_state=dial_seed, n_jobs=n_jobs,
        )
        Y_pred, _ = _fit_predict(ensemble, X_train, y_train, X_test, verbose)
        matrix = np.asarray(
            pairwise_error_correlation(y_test, Y_pred, method="pearson"), dtype=float
        )
        correlation, _ = mean_over_pairs(matrix)
        rmse = float(_rmse(y_test, Y_pred).mean())
        rows = np.mean([len(r) for r in ensemble.estimators_samples_])
        dial_correlations.append(correlation)
        dial_rmse.append(rmse)
        summary.append({
            "setting": f"shared_fraction={fraction:g}",
            "shared_fraction": float(fraction),
            "rows_per_member": float(rows),
            "mean_correlation": correlation,
            "mean_rmse": rmse,
        })
    members = [
        (
            f"without {feature}",
            Pipeline([
                ("drop", ColumnTransformer([("drop", "drop", [j])],
                                           remainder="passthrough")),
                ("boosting", _boosting(quick)),
            ]),
        )
        for j, feature in enumerate(features)
    ]
    committee = CommitteeRegressor(members, random_state=_seed(rng), n_jobs=n_jobs)
    Y_pred, _ = _fit_predict(committee, X_train, y_train, X_test, verbose)
    matrix = np.asarray(
        pairwise_error_correlation(y_test, Y_pred, method="pearson"), dtype=float
    )
    rmse = _rmse(y_test, Y_pred)
    correlation, _ = mean_over_pairs(matrix)
    summary.append({
        "setting": "leave one feature out",
        "shared_fraction": 1.0,
        "rows_per_member": float(len(y_train)),
        "mean_correlation": correlation,
        "mean_rmse": float(rmse.mean()),
    })
    return Bunch(
        matrix=matrix, model_names=[name for name, _ in members], method="pearson",
        rmse=rmse, error_rates=rmse, summary=summary,
        shared_fractions=fractions, dial_correlations=np.array(dial_correlations),
        dial_rmse=np.array(dial_rmse), Y_pred=Y_pred, y_true=y_test,
    )


def _mlp_backbone(seed, quick):
    """The learned backbone: a 64-32 ReLU MLP pretrained on the labels."""
    return MLPBackbone((64, 32), max_epochs=15 if quick else 30, random_state=seed)


def _backbone(rng, n_seeds, n_jobs, quick, verbose=0):
    X_train, X_test, y_train, y_test = _digits(_seed(rng), quick)
    heads = _heads(quick)
    n_components = 10
    extractors = {
        "pca": lambda seed: PCA(n_components, random_state=seed),
        "random projection": lambda seed: GaussianRandomProjection(
            n_components, random_state=seed
        ),
    }
    if torch_backbone_available():
        extractors["mlp"] = lambda seed: _mlp_backbone(seed, quick)
    head_seed = _seed(rng)
    parts = np.array_split(rng.permutation(len(y_train)), len(heads))
    groups, summary = {}, []
    for kind, make_extractor in extractors.items():
        shared = FrozenEstimator(make_extractor(_seed(rng)).fit(X_train, y_train))
        # Independent extractors: each head's own, fitted with its own seed on
        # its own (disjoint) part of the training rows.
        independent = [
            FrozenEstimator(
                make_extractor(_seed(rng)).fit(X_train[rows], y_train[rows])
            )
            for rows in parts
        ]
        for backbone, backbones in [
            ("shared (frozen)", [shared] * len(heads)),
            ("independent", independent),
        ]:
            committee = CommitteeClassifier(
                [
                    (name, Pipeline([("backbone", extractor),
                                     ("head", clone(head))]))
                    for (name, head), extractor in zip(heads, backbones, strict=True)
                ],
                random_state=head_seed,
                n_jobs=n_jobs,
            )
            Y_pred, _ = _fit_predict(committee, X_train, y_train, X_test, verbose)
            matrix, error_rates = _classification_errors(y_test, Y_pred, "phik")
            correlation, n_pairs = mean_over_pairs(matrix)
            groups[kind, backbone] = Bunch(
                matrix=matrix, error_rates=error_rates, Y_pred=Y_pred
            )
            summary.append({
                "extractor": kind,
                "backbone": backbone,
                "n_pairs": n_pairs,
                "mean_correlation": correlation,
                "mean_error_rate": float(error_rates.mean()),
            })
    # The headline matrix: every head on the shared random projection and on
    # the independent ones, so both blocks and the cross terms show.
    Y_pred = np.hstack([
        groups["random projection", "shared (frozen)"].Y_pred,
        groups["random projection", "independent"].Y_pred,
    ])
    matrix, error_rates = _classification_errors(y_test, Y_pred, "phik")
    names = [f"shared/{name}" for name, _ in heads]
    names += [f"independent/{name}" for name, _ in heads]
    return Bunch(
        matrix=matrix, model_names=names, method="phik", error_rates=error_rates,
        summary=summary, groups=groups, Y_pred=Y_pred, y_true=y_test,
    )


_RUNNERS = {
    "seeds": _seeds,
    "algorithms": _algorithms,
    "shared-data": _shared_data,
    "backbone": _backbone,
}


@validate_params(
    {
        "name": [StrOptions(set(SCENARIOS))],
        "random_state": RANDOM_STATE_CONSTRAINT,
        "n_seeds": [IntervalNotBool(Integral, 2, None, closed="left")],
        "n_jobs": N_JOBS_CONSTRAINT,
        "quick": ["boolean"],
        "verbose": ["verbose"],
    },
    prefer_skip_nested_validation=True,
)
def run_scenario(name, *, random_state=0, n_seeds=5, n_jobs=None, quick=False,
                 verbose=0):
    """Run one scenario of study A on scikit-learn's bundled data.

    Li, Sarna and Lin (2025, arXiv:2502.03937) find that the errors of models
    are correlated when they share an algorithm, training data or a foundation
    model. Each scenario fits such models with the ensembles of
    :mod:`skcorr.ensemble` and measures the pairwise correlation of their errors
    on held-out data: phi_K of 0/1 errors for classification (digits), Pearson of
    residuals for regression (diabetes), as the study does.

    - ``"seeds"``: an MLP and a random forest, each a
      :class:`SeedEnsembleClassifier` of ``n_seeds`` members; pairs of the same
      algorithm (differing only by seed) against pairs across the two.
    - ``"algorithms"``: a :class:`CommitteeClassifier` of logistic regression,
      k-nearest neighbours, an SVC, a random forest, naive Bayes and an MLP.
    - ``"shared-data"``: ``n_seeds`` HistGradientBoosting regressors whose
      training rows share a fraction from 0 (disjoint parts) to 1 (all rows)
      (:class:`SeedEnsembleRegressor` with ``shared_fraction``), and ten
      members that each drop one feature (the study's XGBoost experiment);
      ``matrix`` is the leave-one-feature-out one.
    - ``"backbone"``: five heads (the first five algorithms above) on one
      frozen feature extractor (:class:`sklearn.frozen.FrozenEstimator`)
      against the same heads each on its own extractor (fitted with its own
      seed on its own part of the training rows). Three kinds of extractor:
      ``"pca"`` and ``"random projection"`` (10 components, the fitted PCA or
      Gaussian random projection) and, when torch and skorch can be imported,
      ``"mlp"``: a learned backbone, a skorch MLP (64 and 32 hidden ReLU units)
      pretrained on the labels, whose 32 last-hidden-layer activations are the
      features (:class:`~skcorr.ensemble.MLPBackbone`; without torch
      it is left out, with no error). ``matrix`` holds the random-projection
      heads, shared then independent.

    BLAS and OpenMP run on one thread inside (the data are small, so thread
    start-up would dominate, and on a loaded machine by far).

    Parameters
    ----------
    name : {"seeds", "algorithms", "shared-data", "backbone"}
        The scenario.
    random_state : int, RandomState instance or None, default=0
        Draws the train/test split, the members' seeds and the extractors. The
        same value gives identical results.
    n_seeds : int, default=5
        Seeds per algorithm (``"seeds"``) or members per shared fraction
        (``"shared-data"``); the other scenarios fit one member per algorithm
        or head. At least 2.
    n_jobs : int, default=None
        Members fitted in parallel (see :class:`SeedEnsembleClassifier`).
    quick : bool, default=False
        Smaller data (digits: 500 training and 400 test images), smaller models
        (the MLP backbone: 15 epochs instead of 30) and fewer shared fractions,
        for a run of a few seconds.
    verbose : bool or int, default=0
        0: silent. 1 or more: for each ensemble the scenario fits, a progress
        bar of its members on stderr, shown only when stderr is a terminal
        (the ensembles' ``verbose``); results do not depend on it.

    Returns
    -------
    result : :class:`~sklearn.utils.Bunch`
        - ``matrix``: ndarray of shape (n_models, n_models), the pairwise error
          correlation;
        - ``model_names``: list of str, one per row of ``matrix``;
        - ``method``: ``"phik"`` or ``"pearson"``;
        - ``error_rates``: ndarray of shape (n_models,), the test error rate
          of each model (for ``"shared-data"`` the RMSE, also as ``rmse``);
        - ``summary``: list of dict of plain numbers and labels, a table: for
          ``"seeds"`` and ``"algorithms"`` the mean correlation of groups of
          pairs (same algorithm vs different algorithms), for ``"shared-data"``
          one row per shared fraction plus the leave-one-feature-out members,
          for ``"backbone"`` one row per extractor and shared/independent;
        - ``Y_pred``: ndarray of shape (n_test, n_models), the test predictions
          behind ``matrix``, and ``y_true`` the test targets;
        - ``description``: one sentence;
        - ``name``: the scenario;
        - and per scenario: ``groups`` (``"seeds"``: member indices per
          algorithm; ``"backbone"``: a Bunch per (extractor, backbone) with its
          ``matrix``, ``error_rates`` and ``Y_pred``), ``shared_fractions``,
          ``dial_correlations`` and ``dial_rmse`` (``"shared-data"``).

    Examples
    --------
    >>> from skcorr.ensemble import run_scenario
    >>> result = run_scenario("algorithms", quick=True)
    >>> result.matrix.shape, result.method
    ((6, 6), 'phik')
    >>> result.model_names[:3]
    ['logistic', 'k_neighbors', 'svc']
    >>> sorted(result.summary[-1])
    ['mean_correlation', 'mean_error_rate', 'n_pairs', 'pairs']
    """
    rng = check_random_state(random_state)
    if name == "backbone":
        # Import torch (when installed) before the limits: threadpoolctl limits
        # the thread pools of the libraries already loaded, torch's among them.
        torch_backbone_available()
    with threadpool_limits(limits=1):
        result = _RUNNERS[name](rng, n_seeds, n_jobs, quick, verbose)
    result.name = name
    result.description = _DESCRIPTIONS[name]
    return result
