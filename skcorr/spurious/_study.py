"""The study of Yang, Chou and Chaudhuri (2022) on a small dataset: spurious
score against the number of patched examples, per pattern and model family."""

import numbers
import warnings

import numpy as np
from sklearn.base import clone
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer
from sklearn.utils import check_random_state
from sklearn.utils.parallel import Parallel, delayed
from threadpoolctl import threadpool_limits

from ._injection import SpuriousInjectionClassifier
from ._patterns import PATTERN_NAMES, make_pattern
from ._score import _welch_greater, spurious_indicators

_MODELS = ("logistic", "mlp")


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
        if dataset != "digits":
            raise ValueError(
                f"Unknown dataset {dataset!r}; use 'digits' or pass "
                "(X, y, image_shape[, value_range])."
            )
        from sklearn.datasets import load_digits

        X, y = load_digits(return_X_y=True)
        return "digits", X, y, (8, 8), (0.0, 16.0)
    X, y, image_shape, *rest = dataset
    value_range = rest[0] if rest else (0.0, 1.0)
    return "user", np.asarray(X, dtype=float), np.asarray(y), image_shape, value_range


def _fit_one(model, pattern, n, target, seed, X, y, value_range):
    clf = SpuriousInjectionClassifier(
        _model(model, value_range, seed), pattern, n, target, random_state=seed
    )
    return clf.fit(X, y)


def _quiet(function, *args):
    """Run without convergence warnings, on one BLAS/OpenMP thread (cells are
    parallel through n_jobs; nested thread pools only oversubscribe)."""
    with warnings.catch_warnings(), threadpool_limits(1):
        warnings.simplefilter("ignore", ConvergenceWarning)
        return function(*args)


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
    ind, _ = spurious_indicators(fitted, X_test, y_test, **kw)
    base, _ = spurious_indicators(baseline, X_test, y_test, **kw)
    statistic, pvalue = _welch_greater(ind, base)
    return {
        "model": model if isinstance(model, str) else type(model).__name__,
        "pattern": name,
        "norm": pattern.norm(X_test),
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
    n_examples=(0, 1, 3, 5, 10, 20, 100),
    *,
    models=_MODELS,
    target_class=0,
    n_seeds=3,
    test_size=0.3,
    random_state=0,
    n_jobs=None,
):
    """Spurious score against the number of patched training examples.

    For every model family, pattern, ``n`` and data seed: patch ``n`` training
    images of ``target_class`` (rows and the noise of R1-R3 drawn from the
    seed, as the authors do), train, and measure the spurious score on the
    clean test split, with the one-sided Welch test against the same model
    trained without the pattern (``n = 0``).

    Parameters
    ----------
    dataset : "digits" or tuple, default="digits"
        scikit-learn's 8x8 digits (values in [0, 16]), or
        ``(X, y, image_shape[, value_range])`` with images stored flat.
    patterns : sequence of str, default=PATTERN_NAMES
    n_examples : sequence of int, default=(0, 1, 3, 5, 10, 20, 100)
    models : sequence of {"logistic", "mlp"} or estimators, default=("logistic", "mlp")
        Logistic regression and a one-hidden-layer (64) MLP, each after
        scaling to [0, 1]; or any classifier with predict_proba (skorch nets).
    target_class : label, default=0
    n_seeds : int, default=3
    test_size : float, default=0.3
        Stratified split, fixed by ``random_state``.
    random_state : int, default=0
        Draws the split and the data seeds.
    n_jobs : int, default=None
        Cells run in parallel with joblib; results do not depend on it.

    Returns
    -------
    results : DataFrame (or dict of lists without pandas)
        One row per model, pattern, n and seed: ``model``, ``pattern``,
        ``norm`` (mean L2 norm on the test images), ``n_examples``, ``seed``,
        ``score``, ``baseline_score``, ``pvalue``, ``accuracy``.

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
    >>> results = run_spurious_study(patterns=("S3",), n_examples=(0, 20),
    ...                              models=("logistic",), n_seeds=1)
    >>> len(results["score"])
    2
    """
    if not isinstance(n_seeds, numbers.Integral) or n_seeds < 1:
        raise ValueError(f"n_seeds must be a positive int; got {n_seeds!r}.")
    _, X, y, image_shape, value_range = _load(dataset)
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=test_size, stratify=y, random_state=random_state
    )
    available = int((y_train == target_class).sum())
    if max(n_examples) > available:
        raise ValueError(
            f"n_examples up to {max(n_examples)} but the training split has only "
            f"{available} examples of target_class={target_class!r}."
        )
    seeds = check_random_state(random_state).randint(
        np.iinfo(np.int32).max, size=n_seeds
    )
    data = (X_train, y_train, X_test, y_test, image_shape, value_range)
    # One baseline (n = 0) per model and seed, shared by every pattern.
    anything = make_pattern("R1", None, random_state=0)
    pairs = [(model, int(seed)) for model in models for seed in seeds]
    fitted = Parallel(n_jobs=n_jobs)(
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
    )
    baselines = dict(zip(range(len(pairs)), fitted, strict=True))
    rows = Parallel(n_jobs=n_jobs)(
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
    )
    columns = {key: [row[key] for row in rows] for key in rows[0]}
    try:
        import pandas as pd
    except ImportError:  # pragma: no cover
        return columns
    return pd.DataFrame(columns)


def summarize_spurious_study(results):
    """Mean and standard error of the score over seeds, with the share of
    seeds whose Welch p-value is below 0.05.

    Parameters
    ----------
    results : DataFrame
        From :func:`run_spurious_study`.

    Returns
    -------
    summary : DataFrame
        Indexed by model, pattern, n_examples.
    """
    import pandas as pd

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
