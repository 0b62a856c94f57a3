"""The input of a skorch net, in the dtype its parameters compute in."""

import numpy as np

from .seeding import is_skorch_net


def net_input(estimator, X):
    """``X`` in the floating dtype of the skorch net ``estimator``.

    torch multiplies only tensors of one dtype, and scikit-learn's validation
    hands over float64: a float array of another dtype than the net's
    parameters (those of its fitted module or module instance, else torch's
    default dtype, float32 unless changed) is cast to it, as every skorch user
    does by hand. Integer and
    boolean arrays are left alone (they may be indices for an embedding), as is
    anything that is not a skorch net: a Pipeline ending in a net gets the
    output of its own steps and says what to do when it fails
    (:func:`member_failure`).
    """
    if (
        not is_skorch_net(estimator)
        or not isinstance(X, np.ndarray)
        or not np.issubdtype(X.dtype, np.floating)
    ):
        return X
    import torch

    dtype = torch.get_default_dtype()
    module = getattr(estimator, "module_", getattr(estimator, "module", None))
    if isinstance(module, torch.nn.Module):
        floating = [p.dtype for p in module.parameters() if p.is_floating_point()]
        dtype = floating[0] if floating else dtype
    target = torch.empty(0, dtype=dtype).numpy().dtype
    return X if X.dtype == target else X.astype(target)
