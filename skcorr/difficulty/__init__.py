"""Example difficulty: training dynamics, per-example scores, their
consistency across runs, and architecture fingerprints.

Every score follows the sign convention of Kwok et al. (2024): **higher means
harder**; scores that are naturally high for easy examples are negated.
The torch parts (:func:`grand`, :func:`vog`, :func:`prediction_depth`,
:class:`TrainingDynamics`, :class:`InputGradientVariance`) are imported on
first access, so importing this subpackage does not import torch.

References
----------
Kwok, Anand, Frankle, Dziugaite, Rolnick (2024), "Dataset Difficulty and the
Role of Inductive Bias", arXiv:2401.01867.
"""

from ..utils.optional import lazy_attributes
from ._consistency import (
    difficulty_pca,
    rank_error,
    run_consistency,
    runs_needed,
    score_correlation,
)
from ._dynamics import (
    area_under_margin,
    cartography,
    first_learned,
    forgetting_events,
    iteration_learned,
    unforgettable,
)
from ._ensemble_scores import ensemble_accuracy, ensemble_agreement
from ._estimator import ExampleDifficulty
from ._findings import difficulty_findings
from ._fingerprint import (
    ArchitectureFingerprinter,
    leave_one_architecture_out_score,
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
from ._prototypes import prototype_distance
from ._recording import record_dynamics
from ._reliability import (
    intraclass_correlation,
    runs_for_reliability,
    spearman_brown,
    split_half_reliability,
)
from ._scorer import make_difficulty_scorer
from ._study import (
    ARCHITECTURES,
    FINGERPRINT_K,
    STUDY_SCORES,
    DifficultyStudy,
    run_difficulty_study,
)

_LAZY = {
    "grand": "._gradients",
    "vog": "._gradients",
    "prediction_depth": "._depth",
    "TrainingDynamics": "._callbacks",
    "InputGradientVariance": "._callbacks",
}

__all__ = [
    "ArchitectureFingerprinter",
    "leave_one_architecture_out_score",
    "ARCHITECTURES",
    "DifficultyStudy",
    "ExampleDifficulty",
    "FINGERPRINT_K",
    "STUDY_SCORES",
    "accuracy",
    "area_under_margin",
    "cartography",
    "confidence",
    "el2n",
    "ensemble_accuracy",
    "ensemble_agreement",
    "entropy",
    "first_learned",
    "forgetting_events",
    "iteration_learned",
    "loss",
    "margin",
    "max_confidence",
    "prototype_distance",
    "make_difficulty_scorer",
    "difficulty_pca",
    "rank_error",
    "run_consistency",
    "difficulty_findings",
    "run_difficulty_study",
    "runs_needed",
    "split_half_reliability",
    "spearman_brown",
    "intraclass_correlation",
    "runs_for_reliability",
    "score_correlation",
    "record_dynamics",
    "unforgettable",
    *_LAZY,
]

__getattr__, __dir__ = lazy_attributes(__name__, _LAZY, __all__)
