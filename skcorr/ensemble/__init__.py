"""Meta-estimators that fit many models: one estimator over many seeds
(:class:`SeedEnsembleClassifier`, :class:`SeedEnsembleRegressor`) and named
algorithms side by side (:class:`CommitteeClassifier`, :class:`CommitteeRegressor`),
each giving its members' own predictions through ``predict_all``; and
:class:`MLPBackbone`, a pretrained skorch MLP whose last hidden layer serves as
a frozen feature extractor for the shared-backbone scenario.
"""

from ._backbone import MLPBackbone
from ._batch import evaluate_batch
from ._committee import CommitteeClassifier, CommitteeRegressor
from ._fitting import MemberFitError
from ._scenarios import SCENARIOS, run_scenario
from ._seed import SeedEnsembleClassifier, SeedEnsembleRegressor
from ._study import ERROR_DATASETS, ErrorStudy, error_study_models, run_error_study

__all__ = [
    "CommitteeClassifier",
    "ERROR_DATASETS",
    "ErrorStudy",
    "CommitteeRegressor",
    "MLPBackbone",
    "MemberFitError",
    "SCENARIOS",
    "SeedEnsembleClassifier",
    "SeedEnsembleRegressor",
    "error_study_models",
    "evaluate_batch",
    "run_error_study",
    "run_scenario",
]
