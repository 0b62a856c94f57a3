"""The torch layer: modules, tensors, batches and per-example gradients.

Every skcorr computation that needs torch goes through this module: GraNd and
VoG (:mod:`skcorr.difficulty`), per-example gradients, TracIn and its
checkpoints (:mod:`skcorr.influence`), deletion by influence for skorch nets
(:mod:`skcorr.spurious`). It imports torch, so the subpackages import it only
inside the modules that compute gradients, which are themselves loaded on
first access: ``import skcorr`` never imports torch. Whether an object is a
skorch net is asked of :func:`skcorr.utils.seeding.is_skorch_net`, which
needs no torch.

Per-example gradients have one implementation,
:func:`per_example_gradient_batches`: :func:`torch.func.vmap` over
:func:`torch.func.grad` of :func:`torch.func.functional_call`, in evaluation
mode, from a parameter dictionary (the module's own tensors or a checkpoint's
state dict), so the module itself is never modified.
"""

import numbers

import numpy as np
import torch
from torch.func import functional_call, grad, vmap

from .seeding import draw_seed, is_skorch_net

DEFAULT_BATCH_SIZE = 256


def check_positive_int(value, name, allow_none=False):
    """Return ``value`` if it is a positive integer (or None when allowed).

    Examples
    --------
    >>> from skcorr.utils.torch import check_positive_int
    >>> check_positive_int(3, "batch_size")
    3
    """
    if value is None and allow_none:
        return None
    if (
        isinstance(value, bool)
        or not isinstance(value, numbers.Integral)
        or value < 1
    ):
        raise ValueError(f"{name} must be a positive integer; got {value!r}.")
    return int(value)


def batches(n_samples, batch_size):
    """Yield the row slices of consecutive batches of ``batch_size`` rows.

    Examples
    --------
    >>> from skcorr.utils.torch import batches
    >>> list(batches(5, 2))
    [slice(0, 2, None), slice(2, 4, None), slice(4, 5, None)]
    """
    for start in range(0, n_samples, batch_size):
        yield slice(start, min(start + batch_size, n_samples))


# modules and devices --------------------------------------------------------
def as_module(estimator, output="auto"):
    """Return ``(module, output)`` from a torch module or a fitted skorch net.

    ``output`` tells whether the module returns logits or probabilities; with
    ``"auto"`` a skorch classifier trained with ``NLLLoss`` (skorch's default,
    whose module ends in a softmax) returns probabilities, anything else logits.

    Examples
    --------
    >>> import torch
    >>> from skcorr.utils.torch import as_module
    >>> as_module(torch.nn.Linear(2, 2))[1]
    'logits'
    """
    if isinstance(estimator, torch.nn.Module):
        module = estimator
        criterion = None
    elif is_skorch_net(estimator) and hasattr(estimator, "module_"):
        module = estimator.module_
        criterion = getattr(estimator, "criterion_", None)
    else:
        raise TypeError(
            "Expected a torch.nn.Module or a fitted skorch net (with a module_ "
            f"attribute); got {type(estimator).__name__}. Fit the net first."
        )
    if output == "auto":
        output = "proba" if isinstance(criterion, torch.nn.NLLLoss) else "logits"
    return module, output


def resolve_device(module, device=None):
    """The device to compute on: ``device`` if given, else the module's."""
    if device is not None:
        return torch.device(device)
    for tensor in module.parameters():
        return tensor.device
    return torch.device("cpu")


def untouched_random_state(net):
    """A context in which torch's global generators may be drawn from without
    changing what the training of ``net`` draws next.

    A recording pass inside training (a callback's inference) must not
    change the training: every DataLoader iterator draws a seed from torch's
    global generator, even without shuffling, so an unguarded pass would
    shift the next epoch's shuffle. The CPU generator (and that of ``net``'s
    CUDA device, if it has one) is saved and restored
    (:func:`torch.random.fork_rng`).
    """
    device = torch.device(getattr(net, "device", "cpu") or "cpu")
    devices = []
    if device.type == "cuda" and torch.cuda.is_available():
        devices = [device.index if device.index is not None
                   else torch.cuda.current_device()]
    return torch.random.fork_rng(devices=devices)


def as_tensor(values, device, float_dtype, *, integers_as_float=False):
    """``values`` as a tensor on ``device``.

    Floating values take ``float_dtype`` (the module's); integers stay
    integers (``long``: indices for an embedding, class labels) unless
    ``integers_as_float``, booleans stay booleans unless ``integers_as_float``.
    """
    tensor = values if torch.is_tensor(values) else torch.as_tensor(np.asarray(values))
    if integers_as_float or tensor.is_floating_point():
        tensor = tensor.to(float_dtype)
    elif tensor.dtype != torch.bool:
        tensor = tensor.long()
    return tensor.to(device)


def module_input(X, module):
    """``X`` checked and as a float tensor on the device and dtype of ``module``.

    For modules that take numeric inputs (the difficulty scores): an array
    must be numeric, of shape ``(n_samples, ...)`` and finite.
    """
    param = next(module.parameters(), None)
    dtype = param.dtype if param is not None else torch.float32
    device = param.device if param is not None else "cpu"
    if not isinstance(X, torch.Tensor):
        X = np.asarray(X)
        if X.dtype.kind not in "biuf":
            raise ValueError(f"X must be numeric; got dtype {X.dtype}.")
        if X.ndim < 2 or X.shape[0] == 0:
            raise ValueError(
                f"X must have shape (n_samples, ...); got shape {X.shape}."
            )
        if not np.isfinite(X).all():
            raise ValueError("X contains NaN or infinite values.")
    return as_tensor(X, device, dtype, integers_as_float=True)


def log_proba(outputs, output):
    """Log-probabilities from a module's ``outputs`` (``"logits"`` or ``"proba"``)."""
    if output == "proba":
        return torch.log(outputs.clamp_min(torch.finfo(outputs.dtype).tiny))
    return torch.log_softmax(outputs, dim=-1)


def negative_log_likelihood(output):
    """Per-example cross-entropy ``-log p_y`` of outputs of kind ``output``."""

    def loss(outputs, target):
        return -log_proba(outputs, output).gather(1, target[:, None])

    return loss


# parameters -----------------------------------------------------------------
def select_parameter_names(module, layers=None):
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


def module_tensors(module, state=None, device=None):
    """The parameters and buffers of ``module`` (or of a checkpoint's ``state``
    dict, checked against the module), detached, on ``device``."""
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
    device = resolve_device(module, device)
    return {name: value.detach().to(device) for name, value in own.items()}


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
    seed = draw_seed(random_state)
    dtype = parameters[names[0]].dtype
    shapes = {name: tuple(parameters[name].shape) for name in names}
    return GaussianProjection(shapes, projection_dim, seed, device, dtype)


# per-example gradients ------------------------------------------------------
def per_example_gradient_batches(
    module, loss, X, y, *, names, state=None, batch_size=DEFAULT_BATCH_SIZE,
    device=None,
):
    """Yield ``(rows, gradients)``: each batch's per-example loss gradients.

    The one implementation of per-example gradients in skcorr:
    :func:`torch.func.vmap` over :func:`torch.func.grad` of
    :func:`torch.func.functional_call`, in evaluation mode (no dropout,
    batch-norm running statistics), the module's training mode restored after.

    Parameters
    ----------
    module : torch.nn.Module
        Its forward pass; its own tensors are used unless ``state`` gives
        others (a checkpoint's state dict).
    loss : callable
        ``loss(output, target) -> tensor``, called on a batch of one example
        and summed to a scalar.
    X, y : array-like or tensor of shape (n_samples, ...)
        Inputs and targets, converted batch by batch by :func:`as_tensor`.
    names : list of str
        The parameters to differentiate (:func:`select_parameter_names`).
    state : dict of tensors, default=None
        Parameters and buffers to use instead of the module's own.
    batch_size : int, default=256
    device : str or torch.device, default=None
        Where to compute; the module's device by default.

    Yields
    ------
    rows : slice
    gradients : dict of str to tensor
        ``gradients[name]`` of shape ``(n_rows, *parameter.shape)``, in the
        order of ``names``.
    """
    device = resolve_device(module, device)
    tensors = module_tensors(module, state, device)
    float_dtype = tensors[names[0]].dtype
    trainable = {name: tensors[name] for name in names}
    frozen = {name: value for name, value in tensors.items() if name not in trainable}

    def example_loss(parameters, x, target):
        output = functional_call(
            module, {**frozen, **parameters}, (x.unsqueeze(0),)
        )
        return loss(output, target.unsqueeze(0)).sum()

    per_example_grad = vmap(grad(example_loss), in_dims=(None, 0, 0))
    was_training = module.training
    module.eval()
    try:
        for rows in batches(len(X), batch_size):
            xb = as_tensor(X[rows], device, float_dtype)
            yb = as_tensor(y[rows], device, float_dtype)
            try:
                gradients = per_example_grad(trainable, xb, yb)
            except (RuntimeError, IndexError) as exc:
                raise ValueError(
                    "The module could not compute the loss of these examples "
                    f"(X rows of shape {tuple(xb.shape[1:])}, y of dtype "
                    f"{yb.dtype}): check that X has the number of features the "
                    "module expects, that class labels are integers in "
                    "0..n_outputs-1, and that the loss computes on "
                    f"{device} (the device of the module's tensors here). "
                    f"The module said: {exc}"
                ) from exc
            yield rows, {name: gradients[name] for name in names}
    finally:
        module.train(was_training)


def flatten_gradients(gradients, projection=None):
    """One ``(n_rows, n_params)`` block (or projected, ``(n_rows, dim)``)
    from the gradient dictionary of :func:`per_example_gradient_batches`."""
    if projection is not None:
        return projection(gradients)
    n_rows = next(iter(gradients.values())).shape[0]
    return torch.cat([g.reshape(n_rows, -1) for g in gradients.values()], dim=1)


def gradient_norms(gradients):
    """The L2 norm of each example's gradient, over every parameter."""
    squared = sum(
        g.reshape(g.shape[0], -1).square().sum(1) for g in gradients.values()
    )
    return squared.sqrt()


def input_gradients(estimator, X, y, *, output="auto", batch_size=256):
    """Gradient of ``p_y`` with respect to the inputs, of the shape of ``X``.

    ``p_y`` is the probability of the class ``y`` of each example, from a
    torch module or a fitted skorch net in evaluation mode (VoG's gradient).
    ``y`` holds class indices.
    """
    module, output = as_module(estimator, output)
    X = module_input(X, module)
    y = torch.as_tensor(np.asarray(y), dtype=torch.long, device=X.device)
    was_training = module.training
    module.eval()
    gradients = []
    try:
        for rows in batches(X.shape[0], batch_size):
            x = X[rows].detach().clone().requires_grad_(True)
            p_y = log_proba(module(x), output).exp()
            p_y = p_y.gather(1, y[rows, None]).sum()
            (gradient,) = torch.autograd.grad(p_y, x)
            gradients.append(gradient.detach().cpu().double().numpy())
    finally:
        module.train(was_training)
    return np.concatenate(gradients)
