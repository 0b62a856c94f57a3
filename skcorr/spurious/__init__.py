"""Rare spurious correlations: patterns, injection, the spurious score and
deletion experiments.

Yang, Chou, Chaudhuri (2022), "Understanding Rare Spurious Correlations in
Neural Networks", arXiv:2202.05189.

Importing this subpackage does not import torch: the torch modules
(:class:`SpuriousMLP`, :class:`SpuriousCNN`) are loaded on first access.
"""

from ..utils.optional import lazy_attributes
from ._deletion import incremental_retraining, influence_removal
from ._findings import spurious_findings
from ._injection import SpuriousInjectionClassifier, SpuriousInjector
from ._patterns import PATTERN_NAMES, SpuriousPattern, make_pattern
from ._score import (
    make_spurious_scorer,
    spurious_score,
    spurious_significance,
)
from ._study import (
    DEFAULT_N_EXAMPLES,
    STUDY_MODELS,
    SpuriousStudy,
    run_spurious_study,
    summarize_spurious_study,
)
from ._transformer import SpuriousPatternTransformer

_LAZY = {
    "SpuriousMLP": "._models",
    "SpuriousCNN": "._models",
}

__all__ = [
    "DEFAULT_N_EXAMPLES",
    "PATTERN_NAMES",
    "STUDY_MODELS",
    "SpuriousInjectionClassifier",
    "SpuriousInjector",
    "SpuriousPattern",
    "SpuriousPatternTransformer",
    "SpuriousStudy",
    "incremental_retraining",
    "influence_removal",
    "make_pattern",
    "make_spurious_scorer",
    "run_spurious_study",
    "spurious_findings",
    "spurious_score",
    "spurious_significance",
    "summarize_spurious_study",
    *_LAZY,
]

__getattr__, __dir__ = lazy_attributes(__name__, _LAZY, __all__)
