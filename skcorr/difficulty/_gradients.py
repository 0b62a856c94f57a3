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

from ..utils.fixes import Interval, StrOptions, validate_params
from ..utils.torch import (
    as_module,
    gradient_norms,
    module_input,
    negative_log_likelihood,
    per_example_gradient_batches,
)
from ..utils.torch import input_gradients as _input_gradients
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
    X = module_input(X, module)
    y = _labels_tensor(y, X.shape[0], X.device)
    names = [k for k, v in module.named_parameters() if v.requires_grad]
    if not names:
        raise ValueError("The module has no trainable parameter: GraNd is undefined.")
    norms = [
        gradient_norms(gradients).detach().cpu().double().numpy()
        for _, gradients in per_example_gradient_batches(
            module, negative_log_likelihood(output), X, y, names=names,
            batch_size=batch_size,
        )
    ]
    return np.concatenate(norms)


def input_gradients(estimator, X, y, *, output="auto", batch_size=256):
    """Gradient of ``p_y`` with respect to the inputs, shape of ``X``."""
    module, _ = as_module(estimator, output)
    X = module_input(X, module)
    y = check_labels(y, n_samples=X.shape[0])
    return _input_gradients(estimator, X, y, output=output, batch_size=batch_size)


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
