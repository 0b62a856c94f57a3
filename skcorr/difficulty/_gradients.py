"""Gradient difficulty scores (torch): GraNd and variance of gradients.

Torch is imported with this module, never by ``import skcorr.difficulty``.

References
----------
Kwok, Anand, Frankle, Dziugaite, Rolnick (2024), "Dataset Difficulty and the
Role of Inductive Bias", arXiv:2401.01867.
"""

from numbers import Integral

import numpy as np
import torch
from sklearn.utils._param_validation import Interval, StrOptions, validate_params

from ._torch import as_module, as_tensor, batches, log_proba
from ._validation import check_labels

_OUTPUT = StrOptions({"auto", "logits", "proba"})


def _labels_tensor(y, n_samples, device):
    y = check_labels(y, n_samples=n_samples)
    return torch.as_tensor(y, dtype=torch.long, device=device)


@validate_params(
    {
        "estimator": "no_validation",
        "X": ["array-like", torch.Tensor],
        "y": ["array-like", torch.Tensor],
        "output": [_OUTPUT],
        "batch_size": [Interval(Integral, 1, None, closed="left")],
    },
    prefer_skip_nested_validation=True,
)
def grand(estimator, X, y, *, output="auto", batch_size=256):
    """GraNd: L2 norm of each example's loss gradient (higher = harder).

    The gradient of the cross-entropy loss of one example with respect to
    every trainable parameter, computed for all examples at once with
    :func:`torch.func.vmap` over :func:`torch.func.grad` of
    :func:`torch.func.functional_call`, in evaluation mode (Paul et al., 2021).

    Parameters
    ----------
    estimator : torch.nn.Module or fitted skorch net
        The model at one checkpoint.
    X : array-like or Tensor of shape (n_samples, ...)
        Inputs, as the module expects them.
    y : array-like of shape (n_samples,)
        Class indices.
    output : {"auto", "logits", "proba"}, default="auto"
        What the module returns; ``"auto"``: probabilities for a skorch net
        trained with ``NLLLoss`` (skorch's default), logits otherwise.
    batch_size : int, default=256
        Examples per vectorised batch.

    Returns
    -------
    grand : ndarray of shape (n_samples,)

    References
    ----------
    Paul, Ganguli, Dziugaite (2021), "Deep Learning on a Data Diet: Finding
    Important Examples Early in Training", NeurIPS.

    Examples
    --------
    >>> import torch
    >>> from skcorr.difficulty import grand
    >>> _ = torch.manual_seed(0)
    >>> module = torch.nn.Linear(3, 2)
    >>> grand(module, torch.zeros(2, 3), [0, 1]).shape
    (2,)
    """
    module, output = as_module(estimator, output)
    X = as_tensor(X, module)
    y = _labels_tensor(y, X.shape[0], X.device)
    params = {k: v.detach() for k, v in module.named_parameters() if v.requires_grad}
    if not params:
        raise ValueError("The module has no trainable parameter: GraNd is undefined.")
    buffers = {k: v.detach() for k, v in module.named_buffers()}

    def example_loss(params, x, target):
        out = torch.func.functional_call(module, (params, buffers), (x[None],))
        return -log_proba(out, output)[0].gather(0, target[None])[0]

    per_example_grad = torch.func.vmap(
        torch.func.grad(example_loss), in_dims=(None, 0, 0)
    )
    was_training = module.training
    module.eval()
    norms = []
    try:
        for rows in batches(X.shape[0], batch_size):
            grads = per_example_grad(params, X[rows], y[rows])
            squared = sum(
                g.reshape(g.shape[0], -1).square().sum(1) for g in grads.values()
            )
            norms.append(squared.sqrt().detach().cpu().double().numpy())
    finally:
        module.train(was_training)
    return np.concatenate(norms)


def input_gradients(estimator, X, y, *, output="auto", batch_size=256):
    """Gradient of ``p_y`` with respect to the inputs, shape of ``X``."""
    module, output = as_module(estimator, output)
    X = as_tensor(X, module)
    y = _labels_tensor(y, X.shape[0], X.device)
    was_training = module.training
    module.eval()
    gradients = []
    try:
        for rows in batches(X.shape[0], batch_size):
            x = X[rows].detach().clone().requires_grad_(True)
            p_y = log_proba(module(x), output).exp()
            p_y = p_y.gather(1, y[rows, None]).sum()
            (grad,) = torch.autograd.grad(p_y, x)
            gradients.append(grad.detach().cpu().double().numpy())
    finally:
        module.train(was_training)
    return np.concatenate(gradients)


@validate_params(
    {
        "checkpoints": [list, tuple],
        "X": ["array-like", torch.Tensor],
        "y": ["array-like", torch.Tensor],
        "output": [_OUTPUT],
        "channel_axis": [Integral, None],
        "batch_size": [Interval(Integral, 1, None, closed="left")],
    },
    prefer_skip_nested_validation=True,
)
def vog(checkpoints, X, y, *, output="auto", channel_axis=None, batch_size=256):
    """VoG: variance of input gradients over checkpoints (higher = harder).

    For each checkpoint, the gradient of the softmax probability of the true
    class ``p_y`` with respect to the input; averaged over colour channels
    (``channel_axis``), its (unbiased) variance over checkpoints, averaged
    over pixels (Agarwal et al., 2022, as in the code of Kwok et al., 2024).

    Parameters
    ----------
    checkpoints : list of torch.nn.Module or fitted skorch nets
        The model at two or more points of training.
    X : array-like or Tensor of shape (n_samples, ...)
        Inputs, as the modules expect them.
    y : array-like of shape (n_samples,)
        Class indices.
    output : {"auto", "logits", "proba"}, default="auto"
        What the modules return; see :func:`grand`.
    channel_axis : int, default=None
        Axis of ``X`` holding colour channels, averaged before the variance
        (1 for ``(n, C, H, W)`` images); None for no channel axis.
    batch_size : int, default=256
        Examples per batch.

    Returns
    -------
    vog : ndarray of shape (n_samples,)

    References
    ----------
    Agarwal, D'souza, Hooker (2022), "Estimating Example Difficulty using
    Variance of Gradients", CVPR.

    Examples
    --------
    >>> import torch
    >>> from skcorr.difficulty import vog
    >>> _ = torch.manual_seed(0)
    >>> checkpoints = [torch.nn.Linear(3, 2), torch.nn.Linear(3, 2)]
    >>> vog(checkpoints, torch.ones(4, 3), [0, 1, 0, 1]).shape
    (4,)
    """
    if len(checkpoints) < 2:
        raise ValueError(
            f"VoG needs at least two checkpoints; got {len(checkpoints)}."
        )
    gradients = []
    for checkpoint in checkpoints:
        grad = input_gradients(checkpoint, X, y, output=output, batch_size=batch_size)
        if channel_axis is not None:
            grad = grad.mean(axis=channel_axis)
        gradients.append(grad.reshape(grad.shape[0], -1))
    gradients = np.stack(gradients)  # (n_checkpoints, n_samples, n_pixels)
    return gradients.var(axis=0, ddof=1).mean(axis=1)
