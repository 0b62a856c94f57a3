"""The study of Yang, Chou and Chaudhuri (2022) on a small dataset: spurious
score against the number of patched examples, per pattern and model family."""

import numbers
import time
import warnings

import numpy as np
from sklearn.base import clone
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer
from sklearn.utils.parallel import delayed
from sklearn.utils.validation import check_array
from threadpoolctl import threadpool_limits

from .._registry import DEFAULT_N_EXAMPLES, STUDY_MODELS
from ..datasets import IMAGE_DATASETS, load_image_dataset
from ..utils.interrupts import reraise_interrupt
from ..utils.parameters import check_random_seed, is_bool
from ..utils.progress import check_verbose, parallel_map, progress_bar
from ..utils.results import StudyResult
from ..utils.seeding import draw_seed
from ._findings import spurious_findings
from ._injection import SpuriousInjectionClassifier
from ._patterns import PATTERN_NAMES, _check_image_shape, make_pattern
from ._score import _welch_greater, spurious_indicators
from ._transformer import check_pattern_fits
from ._validation import (
    check_data_in_range,
    check_int,
    check_labels,
    check_target_against,
    check_target_class,
    check_value_range,
    reject_image_arrays,
)

# The model families the study trains by name, and its default counts of
# patched examples (the one home of both: the command line reads them).
_MODELS = STUDY_MODELS


class SpuriousStudy(StudyResult):
    """The result of :func:`run_spurious_study` (a :class:`~sklearn.utils.Bunch`).

    Keys: ``runs`` (DataFrame, one row per model, pattern, n and seed:
    ``model``, ``pattern``, ``norm``, ``n_examples``, ``seed``, ``score``,
    ``baseline_score``, ``pvalue``, ``accuracy``), ``summary`` (DataFrame,
    :func:`summarize_spurious_study` of ``runs``, one row per model, pattern
    and n), ``dataset``, ``target_class``, ``n_seeds`` (data seeds per cell),
    and ``study``, ``settings``, ``findings`` (:func:`spurious_findings`),
    ``seconds`` as every :class:`~skcorr.utils.results.StudyResult`.
    """

    _TABLES = ("summary", "runs")
    _RECORDS = ("summary", "runs")


def _model(name, value_range, seed):
    low, high = value_range
    scale = FunctionTransformer(
        lambda X: (X - low) / (high - low), feature_names_out="one-to-one"
    )
    if name == "logistic":
        model = LogisticRegression(max_iter=1000)
    elif name == "mlp":
        model = MLPClassifier(hidden_layer_sizes=(64,), max_iter=200, random_state=seed)
    elif hasattr(name, "fit"):
        return clone(name)
    else:
        raise ValueError(
            f"Unknown model {name!r}; expected one of {_MODELS} or an estimator."
        )
    return make_pipeline(scale, model)


def _load(dataset):
    if isinstance(dataset, str):
        if dataset not in IMAGE_DATASETS:
            raise ValueError(
                f"Unknown dataset {dataset!r}; use one of {list(IMAGE_DATASETS)} or "
                "pass (X, y, image_shape[, value_range])."
            )
        return (dataset, *load_image_dataset(dataset))
    if not isinstance(dataset, (tuple, list)) or len(dataset) not in (3, 4):
        raise ValueError(
            f"dataset must be one of {list(IMAGE_DATASETS)} or a tuple (X, y, "
            "image_shape[, value_range]) with images stored flat; got "
            f"{_describe(dataset)}."
        )
    X, y, image_shape, *rest = dataset
    value_range = check_value_range(rest[0] if rest else (0.0, 1.0))
    if value_range is None:
        raise ValueError(
            "The study needs the images' value_range (it scales them to [0, 1] "
            "for the models): pass (low, high), not None."
        )
    reject_image_arrays(X)
    X = check_array(X, dtype=np.float64, input_name="X")
    y = check_labels(y)
    if y.shape[0] != X.shape[0]:
        raise ValueError(f"y has {y.shape[0]} labels but X has {X.shape[0]} rows.")
    image_shape = _check_image_shape(image_shape, "auto")
    return "images", X, y, image_shape, value_range


def _describe(value):
    if isinstance(value, (tuple, list)):
        return f"a {type(value).__name__} of {len(value)} item(s)"
    return f"{type(value).__name__}"


def _check_names(values, name, example):
    if isinstance(values, (str, bytes)) or not isinstance(
        values, (tuple, list, np.ndarray)
    ):
        raise ValueError(
            f"{name} must be a list such as {example}; got {values!r}. Wrap a "
            "single one in a list."
        )
    values = list(values)
    if not values:
        raise ValueError(f"{name} is empty; pass at least one, e.g. {example}.")
    return values


def _check_duplicates(values, name):
    seen, duplicates = [], []
    for value in values:
        if any(value is other or _equal(value, other) for other in seen):
            duplicates.append(value)
        seen.append(value)
    if duplicates:
        raise ValueError(
            f"{name} holds duplicates {duplicates!r}: each would be run twice. "
            "Pass each once."
        )


def _equal(a, b):
    return isinstance(a, (str, numbers.Number)) and type(a) is type(b) and a == b


def _check_study_args(patterns, n_examples, models, n_seeds, target_class, seed):
    patterns = _check_names(patterns, "patterns", "('S1', 'R3')")
    for name in patterns:
        if not isinstance(name, str) or name not in PATTERN_NAMES:
            raise ValueError(
                f"Unknown pattern {name!r}; the study takes the names "
                f"{list(PATTERN_NAMES)}."
            )
    _check_duplicates(patterns, "patterns")
    n_examples = _check_names(n_examples, "n_examples", "(0, 5, 20)")
    n_examples = [
        check_int(n, "n_examples", low=0, owner="run_spurious_study")
        for n in n_examples
    ]
    _check_duplicates(n_examples, "n_examples")
    models = _check_names(models, "models", "('logistic', 'mlp')")
    for model in models:
        if isinstance(model, str):
            if model not in _MODELS:
                raise ValueError(
                    f"Unknown model {model!r}; expected one of {_MODELS} or an "
                    "estimator."
                )
        elif not (hasattr(model, "fit") and hasattr(model, "predict_proba")):
            raise ValueError(
                f"Unknown model {model!r}; expected one of {_MODELS} or an "
                "estimator with fit and predict_proba."
            )
    _check_duplicates(models, "models")
    if is_bool(n_seeds) or not isinstance(n_seeds, numbers.Integral) or n_seeds < 1:
        raise ValueError(f"n_seeds must be a positive int; got {n_seeds!r}.")
    check_target_class(target_class, "run_spurious_study")
    check_random_seed(seed, owner="run_spurious_study")
    return patterns, n_examples, models


def _fit_one(model, pattern, n, target, seed, X, y, value_range):
    clf = SpuriousInjectionClassifier(
        _model(model, value_range, seed), pattern, n, target, random_state=seed
    )
    with reraise_interrupt():
        return clf.fit(X, y)


def _quiet(function, *args):
    """Run without convergence warnings, on one BLAS/OpenMP thread (cells are
    parallel through n_jobs; nested thread pools only oversubscribe)."""
    with warnings.catch_warnings(), threadpool_limits(1):
        warnings.simplefilter("ignore", ConvergenceWarning)
        # run_spurious_study warned once already of images narrower than
        # value_range; the cells' patterns would repeat it.
        warnings.filterwarnings("ignore", _NARROW, UserWarning)
        return function(*args)


_NARROW = r"X has values in .* less than a tenth of value_range"


def _cell(model, name, n, seed, target, data, baseline):
    X_train, y_train, X_test, y_test, image_shape, value_range = data
    pattern = make_pattern(
        name, image_shape, random_state=seed, value_range=value_range
    )
    fitted = _quiet(
        _fit_one, model, pattern, n, target, seed, X_train, y_train, value_range
    )
    if n == 0:
        baseline = fitted
    kw = dict(pattern=pattern, target_class=target)
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", _NARROW, UserWarning)
        ind, _ = spurious_indicators(fitted, X_test, y_test, **kw)
        base, _ = spurious_indicators(baseline, X_test, y_test, **kw)
        norm = pattern.norm(X_test)
    statistic, pvalue = _welch_greater(ind, base)
    return {
        "model": model if isinstance(model, str) else type(model).__name__,
        "pattern": name,
        "norm": norm,
        "n_examples": n,
        "seed": seed,
        "score": float(ind.mean()),
        "baseline_score": float(base.mean()),
        "pvalue": pvalue,
        "accuracy": float((fitted.predict(X_test) == y_test).mean()),
    }


def run_spurious_study(
    dataset="digits",
    patterns=PATTERN_NAMES,
    n_examples=DEFAULT_N_EXAMPLES,
    *,
    models=STUDY_MODELS,
    target_class=0,
    n_seeds=3,
    test_size=0.3,
    data_name=None,
    random_state=0,
    n_jobs=None,
    verbose=0,
):
    """Spurious score against the number of patched training examples.

    For every model family, pattern, ``n`` and data seed: patch ``n`` training
    images of ``target_class`` (rows and the noise of R1-R3 drawn from the
    seed, as the authors do), train, and measure the spurious score on the
    clean test split, with the one-sided Welch test against the same model
    trained without the pattern (``n = 0``).

    Parameters
    ----------
    dataset : {"digits", "mnist"} or tuple, default="digits"
        A name of :data:`skcorr.datasets.IMAGE_DATASETS`: scikit-learn's 8x8
        digits (values in [0, 16]) or ``"mnist"``, 5,000 real 28x28 MNIST
        digits (:func:`~skcorr.datasets.load_mnist_5k`, values in [0, 1];
        needs ``pip install "skcorr[data]"``); or
        ``(X, y, image_shape[, value_range])`` with images stored flat, one
        per row (3-D ``X`` is refused with the reshape that fixes it), and
        ``value_range`` (default ``(0, 1)``) the range the images lie in:
        ``(0, 255)`` for 8-bit images. Images outside it raise; images
        spanning less than a tenth of it warn once.
    patterns : sequence of str, default=PATTERN_NAMES
        A list or tuple of distinct names (a single name goes in a list too).
    n_examples : sequence of int, default=(0, 1, 3, 5, 10, 20, 100)
        Distinct ints ``>= 0`` (not floats, not bools).
    models : sequence of {"logistic", "mlp"} or estimators, default=("logistic", "mlp")
        Logistic regression and a one-hidden-layer (64) MLP, each after
        scaling to [0, 1]; or any classifier with predict_proba (skorch nets).
    target_class : label, default=0
        A label of ``y`` (a scalar; None, NaN and bools against non-bool
        labels are refused).
    n_seeds : int, default=3
        A positive int (not a float, not a bool).
    test_size : float, default=0.3
        Stratified split, fixed by ``random_state``.
    data_name : str, default=None
        What images given as a tuple are (a file name), for the result's
        ``dataset``; default ``"images"``.
    random_state : int, default=0
        Draws the split and the data seeds: an int in ``[0, 2**32 - 1]``, a
        RandomState or None; bools and floats are refused.
    n_jobs : int, default=None
        Cells run in parallel with joblib; results do not depend on it.
    verbose : bool or int, default=0
        0: silent. 1 or more: a progress bar of the models fitted (baselines,
        then cells) on stderr, shown only when stderr is a terminal; results
        do not depend on it.

    Returns
    -------
    result : SpuriousStudy
        A :class:`~skcorr.utils.results.StudyResult`: ``result.runs`` holds
        one row per model, pattern, n and seed (``norm`` is the pattern's
        mean L2 norm on the test images), ``result.summary`` their mean over
        seeds and ``result.findings`` the sentences computed from them
        (:func:`spurious_findings`); see :class:`SpuriousStudy`.

    Raises
    ------
    ValueError
        For a bad ``dataset`` (not a 3- or 4-tuple, NaN or non-numeric ``X``,
        3-D ``X``, missing labels, lengths that differ, ``value_range`` None,
        infinite or reversed, images outside it, an ``image_shape`` that does
        not match ``X``), unknown or repeated names, empty lists, a string
        where a list is expected, ``n_examples`` above the training rows of
        ``target_class``, a bad ``n_seeds``. Checked before any model is fit.
    InvalidParameterError
        For non-integer sizes in ``image_shape``, float or bool
        ``n_examples``, a bad ``target_class`` or ``random_state``.

    Warns
    -----
    UserWarning
        Once, when non-constant images span less than a tenth of
        ``value_range``.

    See Also
    --------
    summarize_spurious_study : Mean and standard error over seeds.

    References
    ----------
    Yang, Chou, Chaudhuri (2022), "Understanding Rare Spurious Correlations in
    Neural Networks", arXiv:2202.05189.

    Examples
    --------
    >>> from skcorr.spurious import run_spurious_study
    >>> result = run_spurious_study(patterns=("S3",), n_examples=(0, 20),
    ...                             models=("logistic",), n_seeds=1)
    >>> len(result.runs["score"]), list(result.summary["n_examples"])
    (2, [0, 20])
    """
    start = time.perf_counter()
    patterns, n_examples, models = _check_study_args(
        patterns, n_examples, models, n_seeds, target_class, random_state
    )
    settings = {"dataset": dataset if isinstance(dataset, str) else data_name,
                "patterns": list(patterns), "n_examples": list(n_examples),
                "models": [m if isinstance(m, str) else type(m).__name__
                           for m in models],
                "target_class": target_class, "n_seeds": n_seeds,
                "test_size": test_size, "random_state": random_state}
    check_verbose(verbose, "run_spurious_study")
    source, X, y, image_shape, value_range = _load(dataset)
    check_target_against(y, target_class, "the dataset")
    for name in patterns:  # the patterns' size and the images' values, once
        pattern = make_pattern(name, image_shape, value_range=value_range)
        check_pattern_fits(pattern, X.shape[1])
    check_data_in_range(
        X, value_range, "the dataset", "as the 4th item of dataset"
    )
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=test_size, stratify=y, random_state=random_state
    )
    available = int((y_train == target_class).sum())
    if max(n_examples) > available:
        raise ValueError(
            f"n_examples up to {max(n_examples)} but the training split has only "
            f"{available} examples of target_class={target_class!r}."
        )
    seeds = draw_seed(random_state, size=n_seeds)
    data = (X_train, y_train, X_test, y_test, image_shape, value_range)
    # One baseline (n = 0) per model and seed, shared by every pattern.
    anything = make_pattern("R1", None, random_state=0)
    pairs = [(model, int(seed)) for model in models for seed in seeds]
    n_cells = len(models) * len(patterns) * len(n_examples) * len(seeds)
    with progress_bar(
        len(pairs) + n_cells, "spurious study", verbose, unit="fit"
    ) as progress:
        fitted = parallel_map(
            (
                delayed(_quiet)(
                    _fit_one,
                    model,
                    anything,
                    0,
                    target_class,
                    seed,
                    X_train,
                    y_train,
                    value_range,
                )
                for model, seed in pairs
            ),
            progress=progress,
            n_jobs=n_jobs,
        )
        baselines = dict(zip(range(len(pairs)), fitted, strict=True))
        rows = parallel_map(
            (
                delayed(_cell)(
                    model,
                    name,
                    int(n),
                    int(seed),
                    target_class,
                    data,
                    baselines[i * len(seeds) + j],
                )
                for i, model in enumerate(models)
                for name in patterns
                for n in n_examples
                for j, seed in enumerate(seeds)
            ),
            progress=progress,
            n_jobs=n_jobs,
        )
    import pandas as pd

    runs = pd.DataFrame({key: [row[key] for row in rows] for key in rows[0]})
    return SpuriousStudy(
        dataset=source if data_name is None else data_name,
        target_class=target_class,
        n_seeds=n_seeds,
        summary=summarize_spurious_study(runs).reset_index(),
        runs=runs,
        findings=spurious_findings(runs),
        seconds=time.perf_counter() - start,
        study="spurious",
        settings=settings,
    )


def summarize_spurious_study(results):
    """Mean and standard error of the score over seeds, with the share of
    seeds whose Welch p-value is below 0.05.

    Parameters
    ----------
    results : DataFrame
        The ``runs`` of :func:`run_spurious_study`.

    Returns
    -------
    summary : DataFrame
        Indexed by model, pattern, n_examples.
    """
    import pandas as pd

    if isinstance(results, SpuriousStudy):
        results = results.runs
    results = pd.DataFrame(results)
    grouped = results.groupby(["model", "pattern", "n_examples"], sort=False)
    summary = grouped.agg(
        norm=("norm", "mean"),
        score=("score", "mean"),
        score_sem=("score", "sem"),
        significant=("pvalue", lambda p: float((p < 0.05).mean())),
        accuracy=("accuracy", "mean"),
    )
    return summary
