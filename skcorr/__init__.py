"""skcorr: measure how machine-learning models are correlated.

Four questions, one scikit-learn-compatible toolkit:

1. Do my models fail together? (:mod:`skcorr.metrics`, :mod:`skcorr.ensemble`)
2. How few examples does it take to learn a spurious pattern? (:mod:`skcorr.spurious`)
3. How hard is each example, and can I trust that score? (:mod:`skcorr.difficulty`)
4. Who gives and who gets? (:mod:`skcorr.influence`)

Importing :mod:`skcorr` is light: it imports neither torch, pandas nor matplotlib.
Subpackages are imported on first attribute access.
"""

import importlib

__version__ = "0.1.0.dev0"

_SUBPACKAGES = [
    "datasets",
    "difficulty",
    "ensemble",
    "influence",
    "metrics",
    "plotting",
    "spurious",
    "utils",
]

# Functions reachable from the top level, imported on first access.
_SHORTCUTS = {"evaluate_batch": "skcorr.ensemble"}

__all__ = [*_SUBPACKAGES, *_SHORTCUTS, "__version__"]


def __getattr__(name):
    if name in _SUBPACKAGES:
        return importlib.import_module(f"skcorr.{name}")
    if name in _SHORTCUTS:
        return getattr(importlib.import_module(_SHORTCUTS[name]), name)
    raise AttributeError(f"module 'skcorr' has no attribute {name!r}")


def __dir__():
    return __all__
