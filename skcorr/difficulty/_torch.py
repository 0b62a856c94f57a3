"""Torch plumbing shared by the gradient and depth scores (imports torch)."""

import numpy as np
import torch


def as_module(estimator, output="auto"):
    """Return ``(module, output)`` from a torch module or a fitted skorch net.

    ``output`` tells whether the module returns logits or probabilities; with
    ``"auto"`` a skorch classifier trained with ``NLLLoss`` (skorch's default,
    whose module ends in a softmax) returns probabilities, anything else logits.
    """
    if isinstance(estimator, torch.nn.Module):
        module = estimator
        criterion = None
    elif hasattr(estimator, "module_"):
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


def as_tensor(X, module):
    """``X`` as a float tensor on the device and dtype of ``module``."""
    param = next(module.parameters(), None)
    dtype = param.dtype if param is not None else torch.float32
    device = param.device if param is not None else "cpu"
    if isinstance(X, torch.Tensor):
        return X.to(device=device, dtype=dtype)
    X = np.asarray(X)
    if X.dtype.kind not in "biuf":
        raise ValueError(f"X must be numeric; got dtype {X.dtype}.")
    if X.ndim < 2 or X.shape[0] == 0:
        raise ValueError(f"X must have shape (n_samples, ...); got shape {X.shape}.")
    if not np.isfinite(X).all():
        raise ValueError("X contains NaN or infinite values.")
    return torch.as_tensor(X, dtype=dtype, device=device)


def log_proba(outputs, output):
    if output == "proba":
        return torch.log(outputs.clamp_min(torch.finfo(outputs.dtype).tiny))
    return torch.log_softmax(outputs, dim=-1)


def batches(n_samples, batch_size):
    for start in range(0, n_samples, batch_size):
        yield slice(start, min(start + batch_size, n_samples))
