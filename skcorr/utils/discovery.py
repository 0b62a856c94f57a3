"""Find the public estimators, functions and displays of skcorr."""

import inspect
import pkgutil
from importlib import import_module
from operator import itemgetter
from pathlib import Path

from sklearn.base import (
    BaseEstimator,
    ClassifierMixin,
    ClusterMixin,
    RegressorMixin,
    TransformerMixin,
)

_OPTIONAL_MODULES = {"torch", "skorch", "matplotlib", "pandas"}
_SKIPPED_PARTS = {"tests", "cli", "plotting", "externals"}
_TYPE_MIXINS = {
    "classifier": ClassifierMixin,
    "regressor": RegressorMixin,
    "transformer": TransformerMixin,
    "cluster": ClusterMixin,
}


def _walk_public_modules():
    """Yield every importable skcorr module, skipping those that need a missing
    optional dependency."""
    root = Path(__file__).parent.parent
    for _, module_name, _ in pkgutil.walk_packages([str(root)], prefix="skcorr."):
        parts = module_name.split(".")
        if any(part in _SKIPPED_PARTS for part in parts):
            continue
        try:
            yield import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name and exc.name.split(".")[0] in _OPTIONAL_MODULES:
                continue
            raise


def all_estimators(type_filter=None):
    """Get a list of all public estimators of skcorr.

    Like :func:`sklearn.utils.discovery.all_estimators`, this crawls the package
    and returns every public class that derives from
    :class:`~sklearn.base.BaseEstimator`. Modules that need an optional
    dependency that is not installed (torch, skorch) are skipped.

    Parameters
    ----------
    type_filter : {"classifier", "regressor", "transformer", "cluster"} or list \
            of those, default=None
        Keep only estimators of these kinds. ``None`` keeps all.

    Returns
    -------
    estimators : list of (name, class)
        Sorted by name.

    Examples
    --------
    >>> from skcorr.utils.discovery import all_estimators
    >>> isinstance(all_estimators(), list)
    True
    """
    if type_filter is not None:
        filters = [type_filter] if isinstance(type_filter, str) else list(type_filter)
        unknown = sorted(set(filters) - set(_TYPE_MIXINS))
        if unknown:
            raise ValueError(
                f"Unknown type_filter {unknown}; "
                f"expected any of {sorted(_TYPE_MIXINS)}."
            )
    found = {}
    for module in _walk_public_modules():
        for name, cls in inspect.getmembers(module, inspect.isclass):
            if (
                name.startswith("_")
                or not cls.__module__.startswith("skcorr.")
                or not issubclass(cls, BaseEstimator)
                or inspect.isabstract(cls)
            ):
                continue
            if type_filter is not None and not any(
                issubclass(cls, _TYPE_MIXINS[kind]) for kind in filters
            ):
                continue
            found[name] = cls
    return sorted(found.items(), key=itemgetter(0))
