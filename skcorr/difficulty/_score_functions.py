"""The function behind each per-run difficulty score that
:class:`ExampleDifficulty` computes from one run's training dynamics (and, for
nets, its model), by name."""

from ._dynamics import (
    area_under_margin,
    cartography,
    first_learned,
    forgetting_events,
    iteration_learned,
    unforgettable,
)
from ._pointwise import (
    accuracy,
    confidence,
    el2n,
    entropy,
    loss,
    margin,
    max_confidence,
)


def _last(score, with_y=True):
    if with_y:
        return lambda y, dynamics: score(y, dynamics[:, -1])
    return lambda y, dynamics: score(dynamics[:, -1])


def _cartography(key):
    return lambda y, dynamics: cartography(y, dynamics)[key]


# name -> function(y, dynamics) -> (n_samples,), higher = harder
DYNAMICS_SCORES = {
    "loss": _last(loss),
    "accuracy": _last(accuracy),
    "confidence": _last(confidence),
    "max_confidence": _last(max_confidence, with_y=False),
    "entropy": _last(entropy, with_y=False),
    "margin": _last(margin),
    "el2n": _last(el2n),
    "early_el2n": lambda y, dynamics: el2n(y, dynamics[:, 0]),
    "mean_loss": lambda y, dynamics: loss(y, dynamics).mean(axis=1),
    "area_under_margin": area_under_margin,
    "forgetting_events": forgetting_events,
    "first_learned": first_learned,
    "iteration_learned": iteration_learned,
    "unforgettable": unforgettable,
    "cartography_confidence": _cartography("confidence"),
    "cartography_variability": _cartography("variability"),
    "cartography_correctness": _cartography("correctness"),
}


def _grand(net, X, y):
    from ._gradients import grand

    return grand(net, X, y)


def _prediction_depth(net, X, y):
    from ._depth import prediction_depth

    return prediction_depth(net, X, y)


# name -> function(fitted skorch net, X, y) -> (n_samples,), nets only
MODEL_SCORES = {"grand": _grand, "prediction_depth": _prediction_depth}

# name -> recorded during a skorch net's run by a callback, nets only
CALLBACK_SCORES = ("vog",)

# computed across runs from the final predictions, not per run
ENSEMBLE_SCORES = ("ensemble_accuracy", "ensemble_agreement")

ALL_SCORES = (*DYNAMICS_SCORES, *MODEL_SCORES, *CALLBACK_SCORES,
              *ENSEMBLE_SCORES)
