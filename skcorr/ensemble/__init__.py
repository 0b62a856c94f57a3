"""Meta-estimators that fit many models: one estimator over many seeds
(:class:`SeedEnsembleClassifier`, :class:`SeedEnsembleRegressor`) and named
algorithms side by side (:class:`CommitteeClassifier`, :class:`CommitteeRegressor`),
each giving its members' own predictions through ``predict_all``.
"""

from ._batch import evaluate_batch
from ._committee import CommitteeClassifier, CommitteeRegressor
from ._fitting import MemberFitError
from ._scenarios import SCENARIOS, run_scenario
from ._seed import SeedEnsembleClassifier, SeedEnsembleRegressor

__all__ = [
    "CommitteeClassifier",
    "CommitteeRegressor",
    "MemberFitError",
    "SCENARIOS",
    "SeedEnsembleClassifier",
    "SeedEnsembleRegressor",
    "evaluate_batch",
    "run_scenario",
]
