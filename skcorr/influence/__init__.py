"""Influence of training examples, and who gives and who gets (study D).

- :func:`per_example_gradients`: per-example loss gradients with
  :mod:`torch.func`, optionally randomly projected.
- :class:`TracInCheckpoints` and :class:`TracIn`: TracInCP influence
  (Pruthi et al., 2020) for skorch nets and torch modules.
- :class:`TracInIdealRecorder`: TracInIdeal (Pruthi et al., 2020), the exact
  loss change of every training step, logged by a skorch callback.
- :class:`LinearInfluence`: closed-form influence functions (Koh & Liang,
  2017) for fitted linear and logistic regression.
- :func:`influence_flows`, :func:`reciprocity_score`,
  :func:`make_reciprocity_scorer`: self-influence, inflow and outflow per
  individual, and how reciprocal they are (Sundararajan & Krichene, 2022).

This subpackage needs torch and skorch (the ``torch`` extra).
"""

from ._checkpoints import TracInCheckpoints
from ._flows import influence_flows
from ._gradients import per_example_gradients
from ._linear import LinearInfluence
from ._reciprocity import make_reciprocity_scorer, reciprocity_score
from ._study import run_reciprocity_study
from ._tracin import TracIn
from ._tracin_ideal import TracInIdealRecorder

__all__ = [
    "LinearInfluence",
    "TracIn",
    "TracInCheckpoints",
    "TracInIdealRecorder",
    "influence_flows",
    "make_reciprocity_scorer",
    "per_example_gradients",
    "reciprocity_score",
    "run_reciprocity_study",
]
