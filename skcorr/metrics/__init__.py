"""Metrics of the errors of many models: indicators, residuals, pairwise
correlation, one-number scores, significance and aggregated risk.

This subpackage imports no estimator code.
"""

from ._errors import error_indicators, residuals
from ._findings import error_findings
from ._pairwise import METHODS, correlation_from_errors, pairwise_error_correlation
from ._risk import aggregated_risk, aggregated_risk_from_failures, joint_failure_rate
from ._score import correlation_score
from ._scorer import make_correlation_scorer
from ._significance import error_correlation_significance

__all__ = [
    "error_findings",
    "METHODS",
    "aggregated_risk",
    "aggregated_risk_from_failures",
    "correlation_from_errors",
    "correlation_score",
    "error_correlation_significance",
    "error_indicators",
    "joint_failure_rate",
    "make_correlation_scorer",
    "pairwise_error_correlation",
    "residuals",
]
