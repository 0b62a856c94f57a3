"""Per-example loss gradients with :mod:`torch.func`, optionally projected.

TracIn (Pruthi et al., 2020, "Estimating Training Data Influence by Tracing
Gradient Descent", NeurIPS) needs the gradient of the loss of every example, at
every checkpoint. :func:`torch.func.vmap` over :func:`torch.func.grad` of a
:func:`torch.func.functional_call` gives them for a whole batch at once, from a
parameter dictionary, so the module itself is never modified.
"""

import numpy as np
import torch

from ..utils.torch import (
    DEFAULT_BATCH_SIZE,
    check_positive_int,
    flatten_gradients,
    make_projection,
    per_example_gradient_batches,
    resolve_device,
    select_parameter_names,
)
from ..utils.validation import check_missing_labels, check_same_index


def check_inputs(X, y):
    """Validate that ``X`` and ``y`` are non-empty, finite, numeric, of equal
    length and, for pandas objects, of the same index; missing labels (None,
    ``pd.NA``) are named as such."""
    check_same_index(X=X, y=y)
    n_samples = len(X)
    if n_samples == 0:
        raise ValueError("X is empty: need at least one example.")
    if len(y) != n_samples:
        raise ValueError(
            f"X and y have different numbers of rows: {n_samples} and {len(y)}."
        )
    for values, what in ((X, "X"), (y, "y")):
        array = values.detach().cpu().numpy() if torch.is_tensor(values) else values
        array = np.asarray(array)
        if array.dtype.kind == "O" and what == "y":
            check_missing_labels(array, "y")  # names None / pd.NA first
        if array.dtype.kind not in "biuf":
            raise ValueError(
                f"{what} must be numeric; got dtype {array.dtype}. Encode class "
                "labels as integers 0..n_classes-1 (sklearn's LabelEncoder)."
            )
        if array.dtype.kind == "f" and not np.isfinite(array).all():
            raise ValueError(f"{what} contains NaN or infinite values.")
    return n_samples


def per_example_gradients(
    module, loss, X, y, *, layers=None, projection_dim=None, random_state=None,
    batch_size=DEFAULT_BATCH_SIZE, device=None,
):
    """Gradient of the loss of each example with respect to the parameters.

    Computed in batches with :mod:`torch.func` (``vmap`` of ``grad`` of
    ``functional_call``), in evaluation mode (no dropout, batch-norm running
    statistics), without changing the module. These are the vectors whose dot
    products make TracIn (Pruthi et al., 2020) and whose Hessian-weighted dot
    products make influence functions (Koh & Liang, 2017).

    Parameters
    ----------
    module : torch.nn.Module
        The model.
    loss : callable
        ``loss(output, target)``; called on one example at a time (a batch of
        one) and summed, so ``torch.nn.MSELoss()``, ``CrossEntropyLoss()`` (any
        reduction) or a function all work.
    X : array-like or tensor of shape (n_samples, ...)
        Inputs. Floating inputs are cast to the module's dtype; integer inputs
        (indices for embeddings) are kept as integers.
    y : array-like or tensor of shape (n_samples, ...)
        Targets, as ``loss`` expects them.
    layers : str or list of str, default=None
        Keep only the parameters whose name is one of these or starts with
        ``layer + "."`` (``"fc2"`` keeps ``fc2.weight`` and ``fc2.bias``);
        None keeps every trainable parameter.
    projection_dim : int, default=None
        Project the gradients on this many Gaussian random directions (scaled
        by ``1 / sqrt(projection_dim)``, so dot products are preserved in
        expectation), drawn from ``random_state``. None keeps the full gradient.
    random_state : int, RandomState instance or None, default=None
        Seeds the projection.
    batch_size : int, default=256
        Examples per vectorised batch; bounds the memory.
    device : str or torch.device, default=None
        Where to compute; the module's device by default.

    Returns
    -------
    gradients : ndarray of shape (n_samples, n_params) or \
            (n_samples, projection_dim)
        Parameters are flattened in the order of ``module.named_parameters()``.

    References
    ----------
    .. [1] G. Pruthi, F. Liu, S. Kale, M. Sundararajan, "Estimating Training
       Data Influence by Tracing Gradient Descent", NeurIPS 2020.
    .. [2] P. W. Koh, P. Liang, "Understanding Black-box Predictions via
       Influence Functions", ICML 2017.

    Examples
    --------
    >>> import torch
    >>> from skcorr.influence import per_example_gradients
    >>> module = torch.nn.Linear(3, 1)
    >>> X, y = torch.randn(5, 3), torch.randn(5, 1)
    >>> per_example_gradients(module, torch.nn.MSELoss(), X, y).shape
    (5, 4)
    >>> per_example_gradients(module, torch.nn.MSELoss(), X, y, layers="bias").shape
    (5, 1)
    >>> per_example_gradients(module, torch.nn.MSELoss(), X, y, projection_dim=2,
    ...                       random_state=0).shape
    (5, 2)
    """
    if not isinstance(module, torch.nn.Module):
        raise TypeError(
            f"module must be a torch.nn.Module; got {type(module).__name__}."
        )
    if not callable(loss):
        raise TypeError(f"loss must be callable; got {type(loss).__name__}.")
    batch_size = check_positive_int(batch_size, "batch_size")
    n_samples = check_inputs(X, y)
    names = select_parameter_names(module, layers)
    device = resolve_device(module, device)
    projection = make_projection(module, names, projection_dim, random_state, device)
    blocks = [
        flatten_gradients(gradients, projection).detach().cpu().numpy()
        for _, gradients in per_example_gradient_batches(
            module, loss, X, y, names=names, batch_size=batch_size, device=device,
        )
    ]
    gradients = np.concatenate(blocks, axis=0)
    assert gradients.shape[0] == n_samples
    return gradients
