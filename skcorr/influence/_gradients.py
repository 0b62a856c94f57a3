"""Per-example loss gradients with :mod:`torch.func`, optionally projected.

TracIn (Pruthi et al., 2020, "Estimating Training Data Influence by Tracing
Gradient Descent", NeurIPS) needs the gradient of the loss of every example, at
every checkpoint. :func:`torch.func.vmap` over :func:`torch.func.grad` of a
:func:`torch.func.functional_call` gives them for a whole batch at once, from a
parameter dictionary, so the module itself is never modified.
"""

import numbers

import numpy as np
import torch
from sklearn.utils import check_random_state
from torch.func import functional_call, grad, vmap

from ..utils.validation import check_missing_labels, check_same_index

DEFAULT_BATCH_SIZE = 256


def check_positive_int(value, name, allow_none=False):
    """Return ``value`` if it is a positive integer (or None when allowed)."""
    if value is None and allow_none:
        return None
    if (
        isinstance(value, bool)
        or not isinstance(value, numbers.Integral)
        or value < 1
    ):
        raise ValueError(f"{name} must be a positive integer; got {value!r}.")
    return int(value)


def resolve_device(module, device):
    """The device to compute on: ``device`` if given, else the module's."""
    if device is not None:
        return torch.device(device)
    for tensor in module.parameters():
        return tensor.device
    return torch.device("cpu")


def select_parameter_names(module, layers):
    """Names of the trainable parameters whose name starts with one of ``layers``.

    ``layers=None`` selects every parameter that requires a gradient.
    """
    names = [name for name, p in module.named_parameters() if p.requires_grad]
    if layers is None:
        if not names:
            raise ValueError("The module has no trainable parameter.")
        return names
    if isinstance(layers, str):
        layers = [layers]
    layers = list(layers)
    selected = [
        name
        for name in names
        if any(name == layer or name.startswith(layer + ".") for layer in layers)
    ]
    unmatched = [
        layer
        for layer in layers
        if not any(name == layer or name.startswith(layer + ".") for name in names)
    ]
    if unmatched:
        raise ValueError(
            f"layers {unmatched} match no trainable parameter of the module; "
            f"parameter names are {names}."
        )
    return selected


def as_tensor(values, device, float_dtype):
    """A tensor on ``device``; floating inputs take the module's dtype."""
    tensor = values if torch.is_tensor(values) else torch.as_tensor(np.asarray(values))
    if tensor.is_floating_point():
        tensor = tensor.to(float_dtype)
    elif tensor.dtype not in (torch.bool,):
        tensor = tensor.long()
    return tensor.to(device)


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


class GaussianProjection:
    """A seeded Gaussian random projection of a flattened parameter vector.

    Each selected parameter gets its own block of the ``(n_params, dim)``
    matrix, drawn on the CPU from one seeded generator (so the same seed gives
    the same projection on every device) and scaled by ``1 / sqrt(dim)``, so
    that projected dot products are unbiased estimates of the original ones.
    """

    def __init__(self, shapes, dim, seed, device, dtype):
        generator = torch.Generator().manual_seed(int(seed))
        self.dim = dim
        self.blocks = {
            name: (
                torch.randn(int(np.prod(shape)), dim, generator=generator)
                / np.sqrt(dim)
            ).to(device=device, dtype=dtype)
            for name, shape in shapes.items()
        }

    def __call__(self, gradients):
        n_rows = next(iter(gradients.values())).shape[0]
        projected = 0
        for name, block in self.blocks.items():
            projected = projected + gradients[name].reshape(n_rows, -1) @ block
        return projected


def make_projection(module, names, projection_dim, random_state, device):
    """A :class:`GaussianProjection` for the parameters ``names``, or None."""
    projection_dim = check_positive_int(
        projection_dim, "projection_dim", allow_none=True
    )
    if projection_dim is None:
        return None
    parameters = dict(module.named_parameters())
    seed = check_random_state(random_state).randint(np.iinfo(np.int32).max)
    dtype = parameters[names[0]].dtype
    shapes = {name: tuple(parameters[name].shape) for name in names}
    return GaussianProjection(shapes, projection_dim, seed, device, dtype)


def gradient_batches(
    module, loss, X, y, *, names, state=None, projection=None,
    batch_size=DEFAULT_BATCH_SIZE, device=None,
):
    """Yield ``(row_slice, gradients)``, one flattened block per batch.

    Parameters
    ----------
    module : torch.nn.Module
        Its forward pass; its own parameters are used unless ``state`` gives
        others (a checkpoint's state dict).
    loss : callable
        ``loss(output, target) -> tensor``, summed to a scalar per example.
    names : list of str
        The parameters to differentiate.
    state : dict of tensors, default=None
        Parameters and buffers to use instead of the module's own.
    projection : GaussianProjection, default=None
    """
    device = resolve_device(module, device)
    own = dict(module.named_parameters())
    own.update(dict(module.named_buffers()))
    if state is not None:
        missing = sorted(set(own) - set(state))
        if missing:
            raise ValueError(
                f"The checkpoint lacks the module's tensors {missing}: it was "
                "saved from a different module."
            )
        unexpected = sorted(set(state) - set(own))
        if unexpected:
            raise ValueError(
                f"The checkpoint holds tensors {unexpected} that the module lacks: "
                "it was saved from a different module (torch's strict "
                "load_state_dict would refuse it too)."
            )
        shapes = [
            f"{name}: {tuple(state[name].shape)} in the checkpoint, "
            f"{tuple(value.shape)} in the module"
            for name, value in own.items()
            if tuple(state[name].shape) != tuple(value.shape)
        ]
        if shapes:
            raise ValueError(
                "The checkpoint's tensors have other shapes than the module's ("
                + "; ".join(shapes) + "): it was saved from a different module."
            )
        own = {name: state[name] for name in own}
    tensors = {name: value.detach().to(device) for name, value in own.items()}
    float_dtype = tensors[names[0]].dtype
    trainable = {name: tensors[name] for name in names}
    frozen = {name: value for name, value in tensors.items() if name not in trainable}

    def example_loss(parameters, x, target):
        output = functional_call(
            module, {**frozen, **parameters}, (x.unsqueeze(0),)
        )
        return loss(output, target.unsqueeze(0)).sum()

    per_example_grad = vmap(grad(example_loss), in_dims=(None, 0, 0))
    n_samples = len(X)
    was_training = module.training
    module.eval()
    try:
        for start in range(0, n_samples, batch_size):
            rows = slice(start, min(start + batch_size, n_samples))
            xb = as_tensor(X[rows], device, float_dtype)
            yb = as_tensor(y[rows], device, float_dtype)
            try:
                gradients = per_example_grad(trainable, xb, yb)
            except (RuntimeError, IndexError) as exc:
                raise ValueError(
                    "The module could not compute the loss of these examples "
                    f"(X rows of shape {tuple(xb.shape[1:])}, y of dtype "
                    f"{yb.dtype}): check that X has the number of features the "
                    "module expects and that class labels are integers in "
                    f"0..n_outputs-1. The module said: {exc}"
                ) from exc
            if projection is not None:
                block = projection(gradients)
            else:
                block = torch.cat(
                    [gradients[name].reshape(len(xb), -1) for name in names], dim=1
                )
            yield rows, block.detach()
    finally:
        module.train(was_training)


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
        block.cpu().numpy()
        for _, block in gradient_batches(
            module, loss, X, y, names=names, projection=projection,
            batch_size=batch_size, device=device,
        )
    ]
    gradients = np.concatenate(blocks, axis=0)
    assert gradients.shape[0] == n_samples
    return gradients
