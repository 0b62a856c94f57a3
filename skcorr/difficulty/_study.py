"""Study C end to end on a bundled scikit-learn dataset: scores over runs,
their consistency, one dominant component, and architecture fingerprints."""

import time
from numbers import Integral

import numpy as np
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPClassifier
from sklearn.utils import check_random_state

from .._registry import ARCHITECTURES, FINGERPRINT_K, STUDY_SCORES
from ..datasets import IMAGE_DATASETS, load_image_dataset
from ..utils.fixes import Interval, StrOptions, validate_params
from ..utils.optional import require_torch
from ..utils.progress import progress_bar
from ..utils.results import StudyResult
from ..utils.seeding import draw_seed
from ._consistency import difficulty_pca, run_consistency, runs_needed
from ._estimator import ExampleDifficulty
from ._findings import difficulty_findings
from ._fingerprint import ArchitectureFingerprinter, leave_one_architecture_out_score
from ._reliability import (
    _runs_for_target,
    intraclass_correlation,
    split_half_reliability,
)


class DifficultyStudy(StudyResult):
    """The result of :func:`run_difficulty_study` (a :class:`~sklearn.utils.Bunch`).

    Keys: ``difficulty`` (name -> fitted :class:`ExampleDifficulty`),
    ``consistency`` (DataFrame: architecture x score, mean Spearman of a run
    with the others), ``runs_needed`` (DataFrame: architecture, n_runs,
    median_rank_error, for the first score), ``first_component_share``
    (dict: architecture -> float), ``score_correlation`` (DataFrame, first
    architecture), ``reliability`` (DataFrame, one row per architecture and
    score: ``split_half``, the Spearman-Brown split-half reliability of the
    mean of all runs, ``split_half_std`` its spread over splits,
    ``single_run`` one run's, ``icc`` the ICC(2,k) of the mean and
    ``runs_for_0.9`` the runs whose mean reaches 0.9), ``fingerprint``
    (DataFrame: score, k, selection, accuracy), ``chance``,
    ``sample_indices`` (rows of the dataset used, in the order of the
    per-example scores), ``mean_scores`` (architecture ->
    DataFrame of per-example mean scores indexed by dataset row),
    ``hardest`` (``architecture`` and ``mean_loss``: the examples of highest
    mean loss of the first architecture, None without a loss score),
    ``dataset``, ``architectures``, ``n_seeds`` (runs per architecture),
    ``max_epochs``,
    and ``study``, ``settings``, ``findings`` (:func:`difficulty_findings`),
    ``seconds`` as every :class:`~skcorr.utils.results.StudyResult`.
    """

    _TABLES = ("consistency", "runs_needed", "reliability", "fingerprint")
    _RECORDS = ("runs_needed", "reliability", "fingerprint")
    _NOT_JSON = ("difficulty", "score_correlation", "sample_indices")


def default_architectures():
    """Three MLPs of different width and depth, trained by ``partial_fit``."""
    common = dict(learning_rate_init=0.01, batch_size=64, alpha=1e-4)
    return {
        "mlp_16": MLPClassifier(hidden_layer_sizes=(16,), **common),
        "mlp_64": MLPClassifier(hidden_layer_sizes=(64,), **common),
        "mlp_32x32": MLPClassifier(hidden_layer_sizes=(32, 32), **common),
    }


def variant_architectures():
    """Five variants of one MLP, after the models Kwok et al. (2024) compare.

    Their CIFAR-10 models are ResNet-20 trained by SGD, the same with Adam,
    the same with a lower learning rate, a wider and a deeper ResNet, and
    VGG-16: mostly one architecture whose training differs. Here the base is a
    :class:`~sklearn.neural_network.MLPClassifier` with one hidden layer of 64
    ReLUs trained by SGD (momentum 0.9, learning rate 0.1, batches of 64), and
    the variants change one thing each: ``"adam"`` (Adam, learning rate
    0.01), ``"low_lr"`` (learning rate 0.02), ``"wide"`` (256 units) and
    ``"deep"`` (two hidden layers of 64): close relatives, as in the study,
    rather than the different capacities of :func:`default_architectures`.

    Returns
    -------
    architectures : dict of str -> MLPClassifier
        ``"sgd"``, ``"adam"``, ``"low_lr"``, ``"wide"`` and ``"deep"``.

    Examples
    --------
    >>> from skcorr.difficulty._study import variant_architectures
    >>> sorted(variant_architectures())
    ['adam', 'deep', 'low_lr', 'sgd', 'wide']
    """
    sgd = dict(solver="sgd", momentum=0.9, learning_rate_init=0.1, batch_size=64,
               alpha=1e-4)
    return {
        "sgd": MLPClassifier(hidden_layer_sizes=(64,), **sgd),
        "adam": MLPClassifier(hidden_layer_sizes=(64,), solver="adam",
                              learning_rate_init=0.01, batch_size=64, alpha=1e-4),
        "low_lr": MLPClassifier(hidden_layer_sizes=(64,),
                                **{**sgd, "learning_rate_init": 0.02}),
        "wide": MLPClassifier(hidden_layer_sizes=(256,), **sgd),
        "deep": MLPClassifier(hidden_layer_sizes=(64, 64), **sgd),
    }


def torch_architectures(image_shape=(8, 8)):
    """A small CNN and an MLP on square digits, as skorch nets (needs torch,
    skorch).

    The CNN (two 3x3 convolutions of 16 and 32 channels, 2x2 max pooling, a
    linear layer) sees each row of pixels as a 1 x height x width image
    (1x8x8 for digits, 1x28x28 for MNIST); the MLP has one hidden layer of 64
    ReLUs. Both are trained with SGD (momentum 0.9,
    learning rate 0.05, batches of 64) on the cross entropy of their logits.
    Their modules are given as classes, so every seeded run of
    :class:`ExampleDifficulty` starts from fresh weights.

    Parameters
    ----------
    image_shape : tuple of int, default=(8, 8)
        ``(height, width)`` of the images, square.

    Returns
    -------
    architectures : dict of str -> skorch NeuralNetClassifier
        ``"torch_cnn"`` and ``"torch_mlp"``.

    Raises
    ------
    ModuleNotFoundError
        (an ``ImportError``) if torch or skorch is not installed; the message
        ends with ``pip install "skcorr[torch]"``.

    Examples
    --------
    >>> from skcorr.difficulty._study import torch_architectures
    >>> sorted(torch_architectures())
    ['torch_cnn', 'torch_mlp']
    """
    require_torch("architectures='torch'")
    from ._architectures import torch_nets

    return torch_nets(image_shape)


# The maker of each named architecture of ``ARCHITECTURES`` (the registry
# holds the names and what they are; the makers build models, so they live here).
_ARCHITECTURE_MAKERS = {
    "sklearn": default_architectures,
    "variants": variant_architectures,
    "torch": torch_architectures,
}


def _architectures(architectures, image_shape):
    if architectures is None:
        architectures = "sklearn"
    if architectures == "torch":  # the nets are sized by the images
        return torch_architectures(image_shape)
    if isinstance(architectures, str):
        return _ARCHITECTURE_MAKERS[architectures]()
    return architectures


def _load(dataset):
    """Pixels scaled to [0, 1], labels and the image shape."""
    X, y, image_shape, (low, high) = load_image_dataset(dataset)
    return (X - low) / (high - low), y, image_shape


@validate_params(
    {
        "dataset": [StrOptions(set(IMAGE_DATASETS))],
        "n_seeds": [Interval(Integral, 4, None, closed="left")],
        "max_epochs": [Interval(Integral, 1, None, closed="left")],
        "architectures": [dict, StrOptions(set(ARCHITECTURES)), None],
        "scores": [list, tuple, None],
        "k": [list, tuple],
        "n_samples": [Interval(Integral, 10, None, closed="left"), None],
        "n_hardest": [Interval(Integral, 1, None, closed="left")],
        "random_state": ["random_state"],
        "n_jobs": [Integral, None],
        "verbose": ["verbose"],
    },
    prefer_skip_nested_validation=True,
)
def run_difficulty_study(dataset="digits", *, n_seeds=10, max_epochs=10,
                         architectures=None, scores=None,
                         k=FINGERPRINT_K, n_samples=None,
                         n_hardest=10, random_state=0, n_jobs=None, verbose=0):
    """Run study C (Kwok et al., 2024) on a scikit-learn dataset.

    Fits ``n_seeds`` seeded runs of each architecture with
    :class:`ExampleDifficulty`, then measures: the consistency of one run with
    the others, the rank error of the n-run mean against the all-run mean as
    n grows, the reliability of the mean of all runs
    (:func:`split_half_reliability`, :func:`intraclass_correlation`) and the
    runs it would take to reach 0.9, the share of the first principal
    component of the
    quantile-normalised mean scores, and the held-out accuracy of
    :class:`ArchitectureFingerprinter` for each number of examples, against
    the random-example and aggregate baselines (runs split 50/50), and, with
    three architectures or more, with the examples selected without the
    architecture being classified
    (:func:`leave_one_architecture_out_score`).

    Parameters
    ----------
    dataset : {"digits", "mnist"}, default="digits"
        A name of :data:`skcorr.datasets.IMAGE_DATASETS`:
        :func:`sklearn.datasets.load_digits` or 5,000 real 28x28 MNIST digits
        (:func:`~skcorr.datasets.load_mnist_5k`, needs ``pip install
        "skcorr[data]"``), pixels scaled to [0, 1].
    n_seeds : int, default=10
        Seeded runs per architecture (at least 4).
    max_epochs : int, default=10
        Epochs each run trains.
    architectures : dict of str -> estimator, "sklearn", "variants" or "torch", \
            default=None
        Classifiers with ``partial_fit`` or skorch nets; ``"sklearn"`` or
        None: three :class:`~sklearn.neural_network.MLPClassifier` of
        different width and depth (:func:`default_architectures`);
        ``"variants"``: five variants of one MLP (optimiser, learning rate,
        width, depth) after the study's models (:func:`variant_architectures`);
        ``"torch"``: a small CNN and an MLP as skorch nets
        (:func:`torch_architectures`).
    scores : list of str, default=None
        Per-run scores of :class:`ExampleDifficulty`; a default set of seven.
    k : list of int, default=(1, 10, 100)
        Numbers of examples the fingerprinter keeps
        (``ArchitectureFingerprinter(k=...)``), one row each.
    n_samples : int, default=None
        Use a random subset of this many examples (quicker); all by default.
    n_hardest : int, default=10
        Examples of highest mean loss listed in ``hardest``.
    random_state : int, RandomState instance or None, default=0
        Seeds everything.
    n_jobs : int, default=None
        Runs fitted in parallel; results do not depend on it.
    verbose : bool or int, default=0
        0: silent. 1 or more: on a terminal (stderr), a bar of the
        architectures done and, below it, one of the runs of the current
        architecture (``ExampleDifficulty(verbose=...)``); results do not
        depend on it.

    Returns
    -------
    result : DifficultyStudy
        A :class:`~skcorr.utils.results.StudyResult`; its keys are listed in
        :class:`DifficultyStudy`. The fingerprint table has one row per
        score (``"all"`` for every score together, then, with several
        scores, each score alone as in the study's per-score experiments),
        number of examples and selection (``"t_test"``, ``"random"``,
        ``"aggregate"`` and, with three architectures or more,
        ``"t_test_leave_one_out"``).

    Examples
    --------
    >>> from skcorr.difficulty import run_difficulty_study
    >>> from sklearn.neural_network import MLPClassifier
    >>> results = run_difficulty_study(
    ...     n_seeds=4, max_epochs=2, n_samples=100, k=[5], scores=["loss"],
    ...     architectures={"a": MLPClassifier((8,)), "b": MLPClassifier((8, 8))})
    >>> sorted(results.fingerprint["selection"].unique())
    ['aggregate', 'random', 't_test']
    """
    import pandas as pd

    from ._consistency import score_correlation

    start = time.perf_counter()
    architectures_name = architectures if isinstance(architectures, str) else (
        "sklearn" if architectures is None else "custom")
    settings = {"dataset": dataset, "architectures": architectures_name,
                "n_seeds": n_seeds,
                "max_epochs": max_epochs, "scores": scores,
                "k": list(k), "n_samples": n_samples,
                "random_state": random_state}
    rng = check_random_state(random_state)
    X, y, image_shape = _load(dataset)
    sample_indices = np.arange(X.shape[0])
    if n_samples is not None and n_samples < X.shape[0]:
        sample_indices = np.sort(rng.choice(X.shape[0], n_samples, replace=False))
        X, y = X[sample_indices], y[sample_indices]
    architectures = _architectures(architectures, image_shape)
    if len(architectures) < 2:
        raise ValueError("The study compares at least two architectures.")
    scores = list(STUDY_SCORES if scores is None else scores)
    difficulty = {}
    with progress_bar(
        len(architectures), "difficulty study", verbose, unit="architecture"
    ) as progress:
        for name, estimator in architectures.items():
            difficulty[name] = ExampleDifficulty(
                estimator, scores=scores, n_seeds=n_seeds, max_epochs=max_epochs,
                random_state=draw_seed(rng), n_jobs=n_jobs,
                verbose=verbose,
            ).fit(X, y)
            progress.update(1)

    consistency = pd.DataFrame(
        {
            score: {
                name: float(np.nanmean(run_consistency(fit.scores_[score])))
                if np.ptp(fit.scores_[score]) > 0 else np.nan
                for name, fit in difficulty.items()
            }
            for score in scores
        }
    )
    sizes = sorted({1, 2, max(1, n_seeds // 4), max(1, n_seeds // 2),
                    n_seeds - 1})
    needed = []
    for name, fit in difficulty.items():
        curve = runs_needed(fit.scores_[scores[0]], n_runs=sizes,
                            random_state=draw_seed(rng))
        needed += [
            {"architecture": name, "n_runs": int(n), "median_rank_error": float(e)}
            for n, e in zip(curve.n_runs, curve.median_rank_error, strict=True)
        ]
    first = next(iter(difficulty.values())).mean_scores_
    varying = [c for c in first.columns if np.ptp(first[c].to_numpy()) > 0]
    share = {
        name: difficulty_pca(fit.mean_scores_[varying]).first_component_share
        for name, fit in difficulty.items()
    } if len(varying) >= 2 else {}
    correlation = score_correlation(first[varying]) if len(varying) >= 2 else None

    fingerprint = _fingerprint_table(difficulty, scores, k, rng)
    reliability = _reliability_table(difficulty, scores, rng)  # after all else:
    # its splits draw the last seeds, so the other results stay as they were
    mean_scores = {}
    for architecture, fit in difficulty.items():
        frame = fit.mean_scores_.copy()
        frame.index = sample_indices  # rows of the dataset
        mean_scores[architecture] = frame
    first_name, first_scores = next(iter(mean_scores.items()))
    hardest = (first_scores["loss"].nlargest(n_hardest)
               if "loss" in first_scores else None)
    results = DifficultyStudy(
        dataset=dataset,
        architectures=architectures_name,
        n_seeds=n_seeds,
        max_epochs=max_epochs,
        difficulty=difficulty,
        consistency=consistency,
        runs_needed=pd.DataFrame(needed),
        reliability=reliability,
        first_component_share=share,
        score_correlation=correlation,
        fingerprint=fingerprint,
        chance=1.0 / len(difficulty),
        sample_indices=sample_indices,
        hardest={"architecture": first_name, "mean_loss": hardest},
        mean_scores=mean_scores,
    )
    results["findings"] = difficulty_findings(results)
    results.update(seconds=time.perf_counter() - start, study="difficulty",
                   settings=settings)
    return results


def _fingerprint_table(difficulty, scores, ks, rng):
    """Held-out fingerprint accuracy, all scores together and one at a time.

    Samples are runs, features their per-example scores (score-major). One
    50/50 split of the runs serves every row, as the study's per-score
    experiments share theirs.
    """
    import pandas as pd

    labels = np.concatenate([np.repeat(name, fit.n_seeds)
                             for name, fit in difficulty.items()])
    train, test = train_test_split(
        np.arange(labels.size), test_size=0.5, stratify=labels,
        random_state=draw_seed(rng),
    )
    score_sets = [("all", scores)]
    if len(scores) > 1:
        score_sets += [(score, [score]) for score in scores]
    rows = []
    for score_name, subset in score_sets:
        runs = np.vstack([
            np.hstack([fit.scores_[score].T for score in subset])
            for fit in difficulty.values()
        ])
        for k in ks:
            for selection in ("t_test", "random", "aggregate"):
                model = ArchitectureFingerprinter(
                    k=k, n_scores=len(subset), selection=selection,
                    random_state=draw_seed(rng),
                ).fit(runs[train], labels[train])
                rows.append({"score": score_name, "k": k,
                             "selection": selection,
                             "accuracy": model.score(runs[test], labels[test])})
            if len(difficulty) >= 3:  # selection that never saw the architecture
                template = ArchitectureFingerprinter(
                    k=k, n_scores=len(subset),
                    random_state=draw_seed(rng),
                )
                left_out = leave_one_architecture_out_score(
                    template, runs[train], labels[train], runs[test], labels[test]
                )
                rows.append({"score": score_name, "k": k,
                             "selection": "t_test_leave_one_out",
                             "accuracy": left_out.accuracy})
    return pd.DataFrame(rows)


# The reliability the study asks of the mean of the runs, and the splits of
# the runs it averages over (every split of up to 10 runs: 126 of them).
RELIABILITY_TARGET = 0.9
RELIABILITY_SPLITS = 126


def _reliability_table(difficulty, scores, rng):
    """Reliability of each architecture's mean score over its runs.

    One row per architecture and score: ``split_half`` (Spearman-Brown
    split-half reliability of the mean of all runs, Spearman correlations,
    :func:`split_half_reliability`) and ``split_half_std`` (its spread over
    splits), ``single_run`` (one run's, stepped down), ``icc`` (ICC(2,k):
    absolute agreement of the mean of the runs,
    :func:`intraclass_correlation`) and ``runs_for_0.9`` (runs whose mean
    reaches reliability :data:`RELIABILITY_TARGET`, Spearman-Brown inverted
    as :func:`runs_for_reliability` does; inf when the runs do not agree).
    A constant score gets NaN, as in the consistency table.
    """
    import pandas as pd

    rows = []
    for name, fit in difficulty.items():
        for score in scores:
            S = fit.scores_[score]
            row = {"architecture": name, "score": score}
            if np.ptp(S) > 0:
                split = split_half_reliability(
                    S, n_splits=RELIABILITY_SPLITS, random_state=draw_seed(rng))
                row.update(
                    split_half=split.reliability, split_half_std=split.std,
                    single_run=split.single_run,
                    icc=intraclass_correlation(S, kind="agreement", average=True),
                )
                row[f"runs_for_{RELIABILITY_TARGET}"] = (
                    _runs_for_target(split.reliability, split.n_runs,
                                     RELIABILITY_TARGET)
                    if not np.isnan(split.reliability) else np.nan)
            rows.append(row)
    columns = ["architecture", "score", "split_half", "split_half_std",
               "single_run", "icc", f"runs_for_{RELIABILITY_TARGET}"]
    return pd.DataFrame(rows, columns=columns)
