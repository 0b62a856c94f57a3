"""Give one integer seed to every source of randomness of an estimator.

A scikit-learn estimator (or a Pipeline of them) takes its randomness from its
``random_state`` parameters, possibly nested; a skorch net has no such parameter
and draws from the global torch (and numpy) generators instead. The helpers here
cover both: :func:`set_random_states` writes the seed into every nested
``random_state`` parameter, and :func:`seeded_randomness` seeds the global
generators (torch only when the estimator holds a skorch net) for the duration of
a fit, then restores them. Torch is imported only when a skorch net is given.
"""

import random
import sys
import threading
import warnings
from contextlib import contextmanager

import numpy as np

from ..exceptions import SharedInitialWeightsWarning
from .interrupts import reraise_interrupt

#: The integers numpy's ``RandomState`` and scikit-learn's ``random_state`` take
#: (the seeds a user may give; skcorr draws its own below ``MAX_SEED``).
SEED_RANGE = (0, 2**32 - 1)

# The one bound of every seed skcorr draws: seeds are drawn in [0, MAX_SEED) so that
# they fit every consumer (numpy, torch, int32 C code in scikit-learn's estimators).
MAX_SEED = np.iinfo(np.int32).max


def draw_seed(random_state, size=None):
    """Draw one seed (or ``size`` seeds) in ``[0, MAX_SEED)`` from ``random_state``.

    Parameters
    ----------
    random_state : int, RandomState instance or None
        Source of the draw, as :func:`sklearn.utils.check_random_state` takes it.
    size : int, default=None
        Number of seeds; ``None`` draws one and returns a Python ``int``.

    Returns
    -------
    seed : int or list of int

    Examples
    --------
    >>> from skcorr.utils.seeding import draw_seed
    >>> draw_seed(0) == draw_seed(0)
    True
    >>> len(draw_seed(0, size=3))
    3
    """
    from sklearn.utils import check_random_state

    rng = check_random_state(random_state)
    if size is None:
        return int(rng.randint(MAX_SEED))
    return [int(seed) for seed in rng.randint(MAX_SEED, size=size)]

# Global generators are shared by the threads of a process: fits that seed them
# run one at a time, so a threading backend cannot interleave two seeds.
_GLOBAL_SEED_LOCK = threading.RLock()


def random_state_params(estimator):
    """Names of every (nested) parameter of ``estimator`` ending in ``random_state``.

    Parameters
    ----------
    estimator : estimator instance
        Any object with ``get_params``.

    Returns
    -------
    names : list of str
        Sorted parameter names, e.g. ``["clf__random_state", "pca__random_state"]``.

    Examples
    --------
    >>> from sklearn.decomposition import PCA
    >>> from sklearn.pipeline import make_pipeline
    >>> from sklearn.tree import DecisionTreeClassifier
    >>> from skcorr.utils.seeding import random_state_params
    >>> random_state_params(make_pipeline(PCA(), DecisionTreeClassifier()))
    ['decisiontreeclassifier__random_state', 'pca__random_state']
    """
    if not hasattr(estimator, "get_params"):
        return []
    return sorted(
        name
        for name in estimator.get_params(deep=True)
        if name == "random_state" or name.endswith("__random_state")
    )


def set_random_states(estimator, seed):
    """Set every nested ``random_state`` parameter of ``estimator`` to ``seed``.

    Unlike :func:`sklearn.utils._set_random_states`, which draws a different
    integer per parameter, every parameter gets the same ``seed``, so that
    ``set_random_states(clone(est), s)`` equals ``clone(est).set_params(
    random_state=s)`` for a plain estimator.

    Parameters
    ----------
    estimator : estimator instance
        Modified in place.
    seed : int
        Seed in ``[0, 2**32 - 1]``, the range numpy and scikit-learn take.

    Returns
    -------
    estimator : estimator instance
        The same object, for chaining.

    Examples
    --------
    >>> from sklearn.ensemble import RandomForestClassifier
    >>> from sklearn.pipeline import make_pipeline
    >>> from sklearn.preprocessing import StandardScaler
    >>> from skcorr.utils.seeding import set_random_states
    >>> pipe = set_random_states(
    ...     make_pipeline(StandardScaler(), RandomForestClassifier()), 7)
    >>> pipe[-1].random_state
    7
    """
    names = random_state_params(estimator)
    if names:
        estimator.set_params(**dict.fromkeys(names, int(seed)))
    return estimator


def _skorch_net_class():
    """``skorch.NeuralNet`` if skorch is already imported, else ``None``.

    A skorch net cannot exist unless skorch was imported, so this never imports it.
    """
    skorch = sys.modules.get("skorch")
    return getattr(skorch, "NeuralNet", None) if skorch is not None else None


def _nested_objects(estimator):
    yield estimator
    if hasattr(estimator, "get_params") and not isinstance(estimator, type):
        try:
            params = estimator.get_params(deep=True)
        except Exception:  # an exotic object whose get_params needs fitting
            return
        yield from params.values()


def is_skorch_net(estimator):
    """Whether ``estimator`` is a skorch net (an instance of ``skorch.NeuralNet``).

    The one test of skcorr for a skorch net; it never imports skorch or torch
    (a skorch net cannot exist unless skorch was imported).

    Parameters
    ----------
    estimator : object

    Returns
    -------
    bool

    Examples
    --------
    >>> from sklearn.linear_model import LogisticRegression
    >>> from skcorr.utils.seeding import is_skorch_net
    >>> is_skorch_net(LogisticRegression())
    False
    """
    net_class = _skorch_net_class()
    return net_class is not None and isinstance(estimator, net_class)


def contains_skorch_net(estimator):
    """Whether ``estimator`` is, or holds as a nested parameter, a skorch net.

    Parameters
    ----------
    estimator : estimator instance

    Returns
    -------
    bool

    Examples
    --------
    >>> from sklearn.linear_model import LogisticRegression
    >>> from sklearn.pipeline import make_pipeline
    >>> from sklearn.preprocessing import StandardScaler
    >>> from skcorr.utils.seeding import contains_skorch_net
    >>> contains_skorch_net(make_pipeline(StandardScaler(), LogisticRegression()))
    False
    """
    if _skorch_net_class() is None:
        return False
    return any(is_skorch_net(obj) for obj in _nested_objects(estimator))


@contextmanager
def seeded_randomness(seed, *, torch=False):
    """Seed Python's, numpy's and optionally torch's global generators.

    The previous states are restored on exit, so a fit run in the calling process
    leaves the user's global randomness as it was. Run it inside the worker that
    fits a model: global generators are per process. The generators are shared
    by the threads of a process, so the block holds a process-wide lock: under
    a threading backend, seeded blocks run one at a time (process backends run
    them in parallel).

    Parameters
    ----------
    seed : int
        Seed in ``[0, 2**32 - 1]``, the range numpy and scikit-learn take.
    torch : bool, default=False
        Also seed torch (CPU and every CUDA device). Imports torch.

    Examples
    --------
    >>> import numpy as np
    >>> from skcorr.utils.seeding import seeded_randomness
    >>> with seeded_randomness(3):
    ...     first = np.random.rand()
    >>> with seeded_randomness(3):
    ...     second = np.random.rand()
    >>> first == second
    True
    """
    seed = int(seed)
    with _GLOBAL_SEED_LOCK:  # the generators are shared by the process's threads
        python_state = random.getstate()
        numpy_state = np.random.get_state()  # noqa: NPY002 (the global one)
        torch_module = None
        if torch:
            import torch as torch_module

            torch_cpu_state = torch_module.random.get_rng_state()
            torch_cuda_states = (
                torch_module.cuda.get_rng_state_all()
                if torch_module.cuda.is_available()
                else None
            )
        random.seed(seed)
        np.random.seed(seed)  # noqa: NPY002
        if torch_module is not None:
            torch_module.manual_seed(seed)  # seeds CUDA devices too
        try:
            yield
        finally:
            random.setstate(python_state)
            np.random.set_state(numpy_state)  # noqa: NPY002
            if torch_module is not None:
                torch_module.random.set_rng_state(torch_cpu_state)
                if torch_cuda_states is not None:
                    torch_module.cuda.set_rng_state_all(torch_cuda_states)


def seeded_estimator(estimator, seed):
    """Set the seed of ``estimator`` and tell whether its fit must be seeded too.

    Parameters
    ----------
    estimator : estimator instance
        An unfitted clone; modified in place.
    seed : int

    Returns
    -------
    estimator : estimator instance
        ``estimator`` with every nested ``random_state`` set to ``seed``.
    needs_global_seed : bool
        True when it holds a skorch net, whose fit must run inside
        ``seeded_randomness(seed, torch=True)``.

    Examples
    --------
    >>> from sklearn.tree import DecisionTreeRegressor
    >>> from skcorr.utils.seeding import seeded_estimator
    >>> tree, needs_global_seed = seeded_estimator(DecisionTreeRegressor(), 5)
    >>> tree.random_state, needs_global_seed
    (5, False)
    """
    has_net = contains_skorch_net(estimator)
    if has_net:
        warn_shared_initial_weights(estimator)
    return set_random_states(estimator, seed), has_net


def warn_shared_initial_weights(estimator):
    """Warn when a skorch net in ``estimator`` holds its module as an instance.

    skorch keeps a module instance as it is (it re-initialises only a module
    class), so every seed would start from the same weights: a
    :class:`~skcorr.exceptions.SharedInitialWeightsWarning` says so, and says
    the runs are identical when the training batches are not shuffled either.
    """
    import torch

    net_class = _skorch_net_class()
    for net in _nested_objects(estimator):
        if not isinstance(net, net_class) or not isinstance(
            getattr(net, "module", None), torch.nn.Module
        ):
            continue
        shuffled = net.get_params().get("iterator_train__shuffle", False)
        consequence = (
            "only the order of the training batches and dropout follow the seed"
            if shuffled
            else "and its training batches are not shuffled "
            "(iterator_train__shuffle=False), so every run is the same model"
        )
        warnings.warn(
            f"The skorch net's module is an instance ({type(net.module).__name__}"
            "(...)), which skorch does not re-initialise: every seed starts from "
            f"the same initial weights, {consequence}. Pass the module class "
            "(with its arguments as module__* parameters) for seed-dependent "
            "initial weights, or keep the instance if shared initial weights "
            "are meant.",
            SharedInitialWeightsWarning,
            stacklevel=4,
        )
        return


def fit_with_seed(estimator, seed, X, y=None, **fit_params):
    """Fit ``estimator`` with every randomness source it has set to ``seed``.

    Sets the nested ``random_state`` parameters and, for a skorch net, seeds
    torch, numpy and Python inside this process around the fit, so weight
    initialisation, dropout and batch shuffling follow the seed.

    Parameters
    ----------
    estimator : estimator instance
        An unfitted estimator; modified in place and returned fitted.
    seed : int
    X, y : array-like
        Training data.
    **fit_params : dict
        Passed to ``estimator.fit``.

    Returns
    -------
    estimator : estimator instance
        Fitted.

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from sklearn.ensemble import ExtraTreesClassifier
    >>> from skcorr.utils.seeding import fit_with_seed
    >>> X, y = load_iris(return_X_y=True)
    >>> model = fit_with_seed(ExtraTreesClassifier(n_estimators=3), 0, X, y)
    >>> model.random_state
    0
    """
    estimator, needs_global_seed = seeded_estimator(estimator, seed)
    # MLPs and skorch nets swallow Ctrl-C and return half-trained: raise it again.
    with reraise_interrupt():
        if needs_global_seed:
            # skorch nets re-initialise their module in fit(), so seeding here
            # covers weight initialisation as well as shuffling and dropout. Under
            # a threading backend these fits are serialised (process backends run
            # them in parallel).
            with seeded_randomness(seed, torch=True):
                return estimator.fit(X, y, **fit_params)
        return estimator.fit(X, y, **fit_params)
