"""Checks of parameters shared by every subpackage: seeds, job counts, bools.

``bool`` is a subclass of ``int`` in Python, so scikit-learn's ``Interval``
constraints take ``n_seeds=True`` as 1 and ``random_state=False`` as 0; the
constraints and checks here refuse them. Seeds go to
``numpy.random.RandomState`` and to every nested ``random_state``, which take
integers in ``SEED_RANGE``.
"""

from numbers import Integral

import numpy as np

from .fixes import Interval, InvalidParameterError
from .seeding import SEED_RANGE


def is_bool(value):
    """Whether ``value`` is a Python or numpy bool (which Python counts as an int)."""
    return isinstance(value, bool | np.bool_)


class IntervalNotBool(Interval):
    """An :class:`~sklearn.utils._param_validation.Interval` that refuses bools.

    ``True`` is an ``Integral`` (and a ``Real``) for Python, so a plain
    ``Interval`` takes ``n_seeds=True`` as 1 and ``shared_fraction=True`` as 1.0;
    this one reports it as an invalid parameter instead.

    Examples
    --------
    >>> from numbers import Integral
    >>> from skcorr.utils.parameters import IntervalNotBool
    >>> positive = IntervalNotBool(Integral, 1, None, closed="left")
    >>> positive.is_satisfied_by(3), positive.is_satisfied_by(True)
    (True, False)
    """

    def is_satisfied_by(self, val):
        if is_bool(val):
            return False
        return super().is_satisfied_by(val)

    def __str__(self):
        return f"{super().__str__()} (not a bool)"


#: ``random_state`` as scikit-learn takes it, without ``True``/``False``.
RANDOM_STATE_CONSTRAINT = [
    IntervalNotBool(Integral, *SEED_RANGE, closed="both"),
    np.random.RandomState,
    None,
]

#: ``n_jobs``: None or a non-zero int (negative counts from the number of CPUs).
N_JOBS_CONSTRAINT = [
    None,
    IntervalNotBool(Integral, None, -1, closed="right"),
    IntervalNotBool(Integral, 1, None, closed="left"),
]


def check_not_bool(function_name, **params):
    """Refuse ``True``/``False`` given for a numeric parameter.

    Call it for parameters that are counts or amounts but are validated by a
    plain ``Interval``, which accepts ``k=True`` as ``k=1``.

    Raises
    ------
    sklearn.utils._param_validation.InvalidParameterError
        A ``ValueError`` and ``TypeError``, in scikit-learn's wording.

    Examples
    --------
    >>> from skcorr.utils.parameters import check_not_bool
    >>> check_not_bool("joint_failure_rate", k=2)
    >>> check_not_bool("joint_failure_rate", k=True)
    Traceback (most recent call last):
    ...
    sklearn.utils._param_validation.InvalidParameterError: The 'k' parameter ...
    """
    for name, value in params.items():
        if is_bool(value):
            raise InvalidParameterError(
                f"The {name!r} parameter of {function_name} must be a number, not "
                f"a bool; got {value!r} instead."
            )


def check_random_seed(random_state, name="random_state", owner=None):
    """``random_state`` checked: None, a RandomState, or an int in ``SEED_RANGE``.

    Bools and floats (even ``2.0``) are refused, never rounded.

    Returns
    -------
    random_state : None, RandomState or int

    Examples
    --------
    >>> from skcorr.utils.parameters import check_random_seed
    >>> check_random_seed(7)
    7
    >>> check_random_seed(1.5, owner="make_pattern")
    Traceback (most recent call last):
    ...
    sklearn.utils._param_validation.InvalidParameterError: The 'random_state' ...
    """
    if random_state is None or isinstance(random_state, np.random.RandomState):
        return random_state
    low, high = SEED_RANGE
    where = f" of {owner}" if owner else ""
    if is_bool(random_state) or not isinstance(random_state, Integral):
        raise InvalidParameterError(
            f"The {name!r} parameter{where} must be None, an int in [{low}, {high}] "
            f"or a numpy RandomState; got {random_state!r} "
            f"({type(random_state).__name__})."
        )
    if not low <= random_state <= high:
        raise InvalidParameterError(
            f"The {name!r} parameter{where} must be an int in [{low}, {high}] "
            f"(a numpy seed); got {random_state!r}."
        )
    return int(random_state)


def check_n_jobs(n_jobs, owner):
    """Refuse ``n_jobs`` that joblib would misread (a bool, a float, 0).

    Examples
    --------
    >>> from skcorr.utils.parameters import check_n_jobs
    >>> check_n_jobs(-1, "evaluate_batch")
    >>> check_n_jobs(0, "evaluate_batch")
    Traceback (most recent call last):
    ...
    sklearn.utils._param_validation.InvalidParameterError: The 'n_jobs' ...
    """
    if n_jobs is None:
        return
    if is_bool(n_jobs) or not isinstance(n_jobs, Integral) or n_jobs == 0:
        raise InvalidParameterError(
            f"The 'n_jobs' parameter of {owner} must be None, a positive int (jobs "
            f"run at once) or a negative int (-1: all CPUs); got {n_jobs!r}."
        )
