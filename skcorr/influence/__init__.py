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
- :func:`subset_retraining_outputs`, :func:`linear_datamodeling_score`,
  :func:`leave_one_out_influence`: attribution checked against retraining,
  the linear datamodeling score (Park et al., 2023) and exact leave-one-out.

Importing this subpackage does not import torch: influence functions, flows
and reciprocity need scikit-learn only. The gradient parts
(:func:`per_example_gradients`, :class:`TracInCheckpoints`, :class:`TracIn`,
:class:`TracInIdealRecorder`) need torch and skorch (``pip install
"skcorr[torch]"``) and are loaded on first access.
"""

from ..utils.optional import lazy_attributes
from ._datamodels import (
    SubsetRetraining,
    leave_one_out_influence,
    linear_datamodeling_score,
    subset_retraining_outputs,
)
from ._findings import reciprocity_findings
from ._flows import influence_flows
from ._linear import LinearInfluence
from ._reciprocity import make_reciprocity_scorer, reciprocity_score
from ._study import (
    RATINGS_DATASETS,
    RECIPROCITY_DATASETS,
    ReciprocityStudy,
    run_reciprocity_study,
)

_LAZY = {
    "TracInCheckpoints": "._checkpoints",
    "per_example_gradients": "._gradients",
    "TracIn": "._tracin",
    "TracInIdealRecorder": "._tracin_ideal",
}

__all__ = [
    "LinearInfluence",
    "SubsetRetraining",
    "TracIn",
    "TracInCheckpoints",
    "TracInIdealRecorder",
    "influence_flows",
    "leave_one_out_influence",
    "linear_datamodeling_score",
    "make_reciprocity_scorer",
    "per_example_gradients",
    "reciprocity_score",
    "RATINGS_DATASETS",
    "RECIPROCITY_DATASETS",
    "ReciprocityStudy",
    "reciprocity_findings",
    "run_reciprocity_study",
    "subset_retraining_outputs",
]

__getattr__, __dir__ = lazy_attributes(__name__, _LAZY, __all__)
