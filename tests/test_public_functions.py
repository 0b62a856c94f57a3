"""Every public function validated with ``validate_params`` has one constraint
per parameter of its signature, and refuses values that break them.

As scikit-learn's ``sklearn/tests/test_public_functions.py``: the functions
are found in the ``__all__`` of each subpackage (torch's only where torch is
installed), so a new public function is checked without being listed.
"""

import importlib
import inspect
from numbers import Integral, Real

import pytest
from sklearn.utils._param_validation import (
    Interval,
    InvalidParameterError,
    generate_invalid_param_val,
    generate_valid_param,
    make_constraint,
)

from skcorr.utils.optional import torch_available

SUBPACKAGES = [
    "skcorr.datasets",
    "skcorr.difficulty",
    "skcorr.ensemble",
    "skcorr.influence",
    "skcorr.metrics",
    "skcorr.plotting",
    "skcorr.spurious",
]
# Loaded on first access, and importing torch.
TORCH_FUNCTIONS = {"grand", "vog", "prediction_depth", "per_example_gradients"}


def _public_functions():
    for package in SUBPACKAGES:
        module = importlib.import_module(package)
        for name in sorted(module.__all__):
            if name in TORCH_FUNCTIONS and not torch_available():
                continue
            obj = getattr(module, name)
            if inspect.isfunction(obj) and hasattr(obj, "_skl_parameter_constraints"):
                yield f"{package}.{name}", obj


PUBLIC_FUNCTIONS = list(_public_functions())


def _signature_params(func):
    return [
        p
        for p in inspect.signature(func).parameters.values()
        if p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)
    ]


def test_public_functions_are_found():
    # the error-correlation metrics alone are more than ten
    assert len(PUBLIC_FUNCTIONS) > 30


@pytest.mark.parametrize(
    "func", [f for _, f in PUBLIC_FUNCTIONS], ids=[n for n, _ in PUBLIC_FUNCTIONS]
)
def test_constraints_match_the_signature(func):
    params = [p.name for p in _signature_params(func)]
    constraints = func._skl_parameter_constraints
    missing = sorted(set(params) - set(constraints))
    unexpected = sorted(set(constraints) - set(params))
    assert not missing and not unexpected, (
        f"{func.__qualname__}: parameters without a constraint {missing}, "
        f"constraints of no parameter {unexpected}."
    )


def _accepts_anything(constraints):
    return constraints == "no_validation" or any(
        c is object or c == "no_validation" for c in constraints
    )


@pytest.mark.parametrize(
    "func", [f for _, f in PUBLIC_FUNCTIONS], ids=[n for n, _ in PUBLIC_FUNCTIONS]
)
def test_parameters_of_a_wrong_type_or_value_are_refused(func):
    """scikit-learn's own check: each parameter in turn gets an object of no
    valid type (then a value of a valid type outside the valid ones); the
    others get a valid value; InvalidParameterError names the parameter."""
    constraints = func._skl_parameter_constraints
    required = {
        p.name: (
            1
            if _accepts_anything(constraints[p.name])
            else generate_valid_param(make_constraint(constraints[p.name][0]))
        )
        for p in _signature_params(func)
        if p.default is inspect.Parameter.empty
    }
    bad_type = type("BadType", (), {})()
    for name, param_constraints in constraints.items():
        if _accepts_anything(param_constraints):
            continue
        match = (
            rf"The '{name}' parameter of {func.__qualname__} must be .* Got .* "
            "instead."
        )
        with pytest.raises(InvalidParameterError, match=match):
            func(**{**required, name: bad_type})
        made = [make_constraint(c) for c in param_constraints]
        if any(
            isinstance(c, Interval) and c.type is Integral for c in made
        ) and any(isinstance(c, Interval) and c.type is Real for c in made):
            continue  # an invalid integer may be a valid real, and vice versa
        for constraint in made:
            try:
                bad_value = generate_invalid_param_val(constraint)
            except NotImplementedError:
                continue
            if any(other.is_satisfied_by(bad_value) for other in made):
                continue  # valid by another constraint ([StrOptions(...), str])
            with pytest.raises(InvalidParameterError, match=match):
                func(**{**required, name: bad_value})
