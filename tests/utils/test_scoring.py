"""The one scorer base: every skcorr scorer, in scikit-learn's multi-metric
scorer and metadata routing."""

import numpy as np
import pytest
import sklearn
from sklearn.datasets import load_digits
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import check_scoring

from skcorr.difficulty import make_difficulty_scorer
from skcorr.influence import make_reciprocity_scorer
from skcorr.metrics import (
    make_capa_scorer,
    make_correlation_scorer,
    make_disagreement_scorer,
)
from skcorr.spurious import (
    SpuriousInjectionClassifier,
    make_pattern,
    make_spurious_scorer,
    spurious_score,
)
from skcorr.utils.scoring import EstimatorScorer


@pytest.fixture(scope="module")
def digits():
    X, y = load_digits(return_X_y=True)
    return X[:300], y[:300]


PATTERN = make_pattern("S3", (8, 8), value_range=(0, 16))


@pytest.mark.parametrize(
    "scorer",
    [
        make_correlation_scorer(),
        make_difficulty_scorer(),
        make_reciprocity_scorer(),
        make_spurious_scorer(pattern=PATTERN, target_class=0),
        make_capa_scorer(),
        make_disagreement_scorer(),
    ],
    ids=["correlation", "difficulty", "reciprocity", "spurious", "capa",
         "disagreement"],
)
def test_every_scorer_is_an_estimator_scorer(scorer):
    assert isinstance(scorer, EstimatorScorer)
    assert scorer._accept_sample_weight()  # every metric takes sample_weight


def test_the_list_above_holds_every_public_scorer_factory():
    import importlib

    factories = {
        name
        for package in ("difficulty", "ensemble", "influence", "metrics", "spurious")
        for name in importlib.import_module(f"skcorr.{package}").__all__
        if name.startswith("make_") and name.endswith("_scorer")
    }
    assert factories == {
        "make_correlation_scorer", "make_difficulty_scorer",
        "make_reciprocity_scorer", "make_spurious_scorer", "make_capa_scorer",
        "make_disagreement_scorer",
    }


@pytest.fixture(scope="module")
def patched_model(digits):
    X, y = digits
    return SpuriousInjectionClassifier(
        LogisticRegression(max_iter=300), PATTERN, n_examples=15, target_class=0,
        random_state=0,
    ).fit(X[:200], y[:200])


def test_spurious_scorer_takes_weights_in_a_multi_metric_dict(digits, patched_model):
    """A plain callable failed there (scikit-learn asks every scorer of a
    dict whether it accepts sample_weight); the scorer gets the weights, and
    gives spurious_score's weighted number."""
    X, y = digits
    X_test, y_test = X[200:], y[200:]
    weights = np.random.RandomState(0).uniform(0.1, 2.0, size=len(y_test))
    scorer = make_spurious_scorer(pattern=PATTERN, target_class=0)
    multi = check_scoring(patched_model, scoring={"spurious": scorer,
                                                  "accuracy": "accuracy"})
    scores = multi(patched_model, X_test, y_test, sample_weight=weights)
    kwargs = dict(pattern=PATTERN, target_class=0)
    weighted = spurious_score(patched_model, X_test, y_test, sample_weight=weights,
                              **kwargs)
    assert scores["spurious"] == weighted
    assert weighted != spurious_score(patched_model, X_test, y_test, **kwargs)


def test_spurious_scorer_takes_part_in_metadata_routing(digits, patched_model):
    X, y = digits
    X_test, y_test = X[200:], y[200:]
    weights = np.random.RandomState(0).uniform(0.1, 2.0, size=len(y_test))
    with sklearn.config_context(enable_metadata_routing=True):
        scorer = make_spurious_scorer(pattern=PATTERN, target_class=0)
        scorer.set_score_request(sample_weight=True)
        multi = check_scoring(patched_model, scoring={"spurious": scorer})
        scores = multi(patched_model, X_test, y_test, sample_weight=weights)
    assert scores["spurious"] == spurious_score(
        patched_model, X_test, y_test, pattern=PATTERN, target_class=0,
        sample_weight=weights,
    )
    with pytest.raises(RuntimeError, match="metadata routing is enabled"):
        scorer.set_score_request(sample_weight=True)


def test_reciprocity_scorer_gets_the_weights_in_a_multi_metric_dict():
    """Its metric (reciprocity_score) has no sample_weight, but the scorer
    weights the rows' flows: scikit-learn's rule, read from the metric alone,
    dropped the weights in a dict; the scorer says it takes them."""
    from sklearn.datasets import load_diabetes
    from sklearn.linear_model import Ridge

    X, y = load_diabetes(return_X_y=True)
    model = Ridge().fit(X[:300], y[:300])
    weights = np.random.RandomState(0).uniform(0.1, 2.0, size=len(y) - 300)
    scorer = make_reciprocity_scorer(method="gap", n_individuals=6)
    multi = check_scoring(model, scoring={"reciprocity": scorer, "r2": "r2"})
    scores = multi(model, X[300:], y[300:], sample_weight=weights)
    weighted = scorer(model, X[300:], y[300:], sample_weight=weights)
    assert scores["reciprocity"] == weighted
    assert weighted != scorer(model, X[300:], y[300:])
