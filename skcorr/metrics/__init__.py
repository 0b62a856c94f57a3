"""Metrics of the errors of many models: indicators, residuals, pairwise
correlation, one-number scores, significance and aggregated risk.

This subpackage imports no estimator code.
"""

from ._agreement import make_capa_scorer, pairwise_capa, pairwise_error_agreement
from ._decomposition import (
    ambiguity_decomposition,
    bias_variance_diversity_decomposition,
)
from ._errors import error_indicators, residuals
from ._findings import error_findings
from ._intervals import (
    correlation_score_interval,
    error_correlation_interval,
    samples_for_correlation_half_width,
    samples_for_half_width,
)
from ._label_free import (
    class_aggregated_calibration_error,
    disagreement_error_estimate,
    disagreement_rate,
    make_disagreement_scorer,
)
from ._pairwise import METHODS, correlation_from_errors, pairwise_error_correlation
from ._phik_significance import phik_significance
from ._risk import aggregated_risk, aggregated_risk_from_failures, joint_failure_rate
from ._score import correlation_score, mean_over_pairs
from ._scorer import make_correlation_scorer
from ._significance import error_correlation_significance
from ._systemic import systemic_failure, systemic_failure_from_failures

__all__ = [
    "ambiguity_decomposition",
    "bias_variance_diversity_decomposition",
    "class_aggregated_calibration_error",
    "disagreement_error_estimate",
    "disagreement_rate",
    "make_capa_scorer",
    "make_disagreement_scorer",
    "pairwise_capa",
    "pairwise_error_agreement",
    "systemic_failure",
    "systemic_failure_from_failures",
    "error_findings",
    "METHODS",
    "aggregated_risk",
    "aggregated_risk_from_failures",
    "correlation_from_errors",
    "correlation_score",
    "error_correlation_significance",
    "correlation_score_interval",
    "error_correlation_interval",
    "phik_significance",
    "samples_for_correlation_half_width",
    "samples_for_half_width",
    "error_indicators",
    "joint_failure_rate",
    "make_correlation_scorer",
    "mean_over_pairs",
    "pairwise_error_correlation",
    "residuals",
]
