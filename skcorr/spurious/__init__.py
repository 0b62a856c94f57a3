"""Rare spurious correlations: patterns, injection, the spurious score and
deletion experiments.

Yang, Chou, Chaudhuri (2022), "Understanding Rare Spurious Correlations in
Neural Networks", arXiv:2202.05189.

Importing this subpackage does not import torch: the torch modules
(:class:`SpuriousMLP`, :class:`SpuriousCNN`) are loaded on first access.
"""

import importlib

from ._deletion import incremental_retraining, influence_removal
from ._injection import SpuriousInjectionClassifier, SpuriousInjector
from ._patterns import PATTERN_NAMES, SpuriousPattern, make_pattern
from ._score import (
    make_spurious_scorer,
    spurious_score,
    spurious_significance,
)
from ._study import run_spurious_study, summarize_spurious_study
from ._transformer import SpuriousPatternTransformer

_LAZY = {
    "SpuriousMLP": "._models",
    "SpuriousCNN": "._models",
}

__all__ = [
    "PATTERN_NAMES",
    "SpuriousInjectionClassifier",
    "SpuriousInjector",
    "SpuriousPattern",
    "SpuriousPatternTransformer",
    "incremental_retraining",
    "influence_removal",
    "make_pattern",
    "make_spurious_scorer",
    "run_spurious_study",
    "spurious_score",
    "spurious_significance",
    "summarize_spurious_study",
    *_LAZY,
]


def __getattr__(name):
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name], __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__():
    return __all__
