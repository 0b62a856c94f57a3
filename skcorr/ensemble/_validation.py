"""Checks shared by the ensembles: integer parameters, seeds, member kinds,
sample weights, and the thread settings a member runs under."""

from collections import Counter
from numbers import Integral, Real

import numpy as np
from sklearn.utils import get_tags

from ..utils.fixes import InvalidParameterError, _check_sample_weight
from ..utils.seeding import SEED_RANGE
from ..utils.validation import as_numeric, check_missing_labels


def check_seeds(seeds):
    """``seeds`` of :func:`evaluate_batch` as a list of distinct Python ints.

    An int ``n`` (not a bool) means ``range(n)``; otherwise every entry must be
    an integer (Python or numpy, not a float or a bool) in ``SEED_RANGE``, each
    given once.
    """
    if isinstance(seeds, np.ndarray) and seeds.ndim == 0:
        seeds = seeds[()]
    low, high = SEED_RANGE
    if isinstance(seeds, Integral) and not isinstance(seeds, bool | np.bool_):
        if seeds < 1:
            raise ValueError(
                f"seeds={seeds} must be a positive number of seeds (or a list of "
                "seeds)."
            )
        return list(range(int(seeds)))
    if isinstance(seeds, str | bytes | bool | np.bool_ | Real | dict) or not (
        hasattr(seeds, "__iter__")
    ):
        raise InvalidParameterError(
            "seeds must be a number of seeds (an int n means seeds 0..n-1) or a "
            f"sequence of integer seeds; got {seeds!r} ({type(seeds).__name__})."
        )
    seed_list = list(seeds)
    if not seed_list:
        raise ValueError("seeds is empty: pass a number of seeds or a list of them.")
    bad = [
        seed for seed in seed_list
        if isinstance(seed, bool | np.bool_) or not isinstance(seed, Integral)
    ]
    if bad:
        raise InvalidParameterError(
            "seeds must be integers (Python or numpy ints); got "
            f"{_listing(bad)}. A float is not rounded nor truncated: pass "
            "int seeds, e.g. seeds=[0, 1, 2]."
        )
    out_of_range = [seed for seed in seed_list if not low <= seed <= high]
    if out_of_range:
        raise InvalidParameterError(
            f"seeds must lie in [{low}, {high}] (the integers numpy's RandomState "
            f"and scikit-learn's random_state take); got {_listing(out_of_range)}."
        )
    seed_list = [int(seed) for seed in seed_list]
    repeated = sorted(seed for seed, count in Counter(seed_list).items() if count > 1)
    if repeated:
        raise ValueError(
            f"seeds holds {_listing(repeated)} more than once: two fits with the "
            "same seed are the same model and would share one prediction column. "
            "Give each seed once, e.g. seeds=list(dict.fromkeys(seeds))."
        )
    return seed_list


def _listing(values, limit=5):
    shown = ", ".join(repr(value) for value in values[:limit])
    more = f" and {len(values) - limit} more" if len(values) > limit else ""
    return shown + more


def estimator_kind(estimator):
    """``"classifier"``, ``"regressor"``, another scikit-learn estimator type,
    or None when the estimator does not say (duck-typed objects)."""
    try:
        return get_tags(estimator).estimator_type
    except Exception:  # not a scikit-learn estimator: nothing to tell
        return None


def check_instances(named_estimators):
    """Refuse estimator classes given where instances are expected."""
    for name, estimator in named_estimators:
        if isinstance(estimator, type):
            label = f"for {name!r} " if name else ""
            raise TypeError(
                f"Got the class {estimator.__name__} {label}where an estimator "
                f"instance is expected: pass {estimator.__name__}() (with its "
                "parameters)."
            )


_OTHER_ENSEMBLE = {"classifier": "Regressor", "regressor": "Classifier"}


def check_member_kinds(owner, named_estimators, kind):
    """Refuse classes, and members whose declared kind is not ``kind``.

    A regressor in a classifier ensemble would vote with rounded numbers; a
    classifier in a regressor ensemble would average labels. Members that
    declare no kind (duck-typed objects) are accepted.
    """
    check_instances(named_estimators)
    wrong = []
    for name, estimator in named_estimators:
        member_kind = estimator_kind(estimator)
        if member_kind is not None and member_kind != kind:
            label = f"{name!r}: " if name else ""
            wrong.append(f"{label}{type(estimator).__name__} (a {member_kind})")
    if wrong:
        owner_name = type(owner).__name__
        other = _OTHER_ENSEMBLE.get(kind, "")
        hint = (
            f" For {'regressors' if kind == 'classifier' else 'classifiers'}, use "
            f"{owner_name.removesuffix(kind.capitalize())}{other}."
            if other and owner_name.endswith(kind.capitalize())
            else ""
        )
        raise InvalidParameterError(
            f"The members of a {owner_name} must be {kind}s (a Pipeline ending in "
            f"a {kind} is one); got {', '.join(wrong)}.{hint}"
        )


def check_classifier_labels(y):
    """Name None, NaN or ``pd.NA`` among a classifier's labels before fitting.

    scikit-learn would report them as an "Unknown label type" or a NaN in
    ``y``. Only object, float and string labels can hold them; other arrays
    (and what is not 1-d) are left to ``validate_data``.
    """
    labels = y if isinstance(y, list | tuple) else np.asarray(y)
    if np.asarray(labels).ndim == 1 and np.asarray(labels).dtype.kind in "OfU":
        check_missing_labels(labels, "y")


def check_fit_sample_weight(sample_weight, X):
    """``sample_weight`` checked once, before any member sees it.

    Strings are not parsed as numbers; booleans count as 0 and 1.
    """
    try:
        if not isinstance(sample_weight, Real):  # a scalar is one weight for all
            sample_weight = as_numeric(
                sample_weight, "sample_weight", allow_bool=True
            )
        return _check_sample_weight(sample_weight, X, ensure_non_negative=True)
    except ValueError as exc:
        raise ValueError(
            f"Invalid sample_weight: {exc} Pass one finite, non-negative weight per "
            f"row of X ({X.shape[0]} rows), not all zero."
        ) from exc
