"""Inverse Hessian-vector products for torch models (skorch nets): conjugate
gradients and LiSSA, and the first-order group-influence update.

This module imports torch; :func:`skcorr.spurious.influence_removal` loads it
only for skorch nets.
"""

import numpy as np
import torch
from torch.func import functional_call, grad, jvp

from ..utils.torch import batches


def _loss_fn(net, names):
    module = net.module_

    def loss(flat_params, X, y):
        params, start = {}, 0
        for name, shape, numel in names:
            params[name] = flat_params[start : start + numel].view(shape)
            start += numel
        y_pred = functional_call(module, params, (X,))
        return net.get_loss(y_pred, y, X=X, training=False)

    return loss


def torch_influence_removal(
    net, X, y, remove, *, solver, damping, scale, max_iter, batch_size, random_state
):
    """Apply ``theta += H^-1 sum_S grad L / ((1 - p) N)`` to ``net`` in place."""
    module = net.module_
    module.eval()
    named = [(n, p) for n, p in module.named_parameters() if p.requires_grad]
    names = [(n, p.shape, p.numel()) for n, p in named]
    theta = torch.cat([p.detach().reshape(-1) for _, p in named])
    device, dtype = theta.device, theta.dtype
    X_t = torch.as_tensor(np.asarray(X), device=device)
    y_t = torch.as_tensor(np.asarray(y), device=device)
    loss = _loss_fn(net, names)
    n_rows = X_t.shape[0]

    def hvp(vector, rows):
        """Hessian of the mean loss over ``rows`` times ``vector``."""
        return jvp(lambda t: grad(loss)(t, X_t[rows], y_t[rows]), (theta,), (vector,))[
            1
        ]

    def full_hvp(vector):
        out = torch.zeros_like(theta)
        for rows in batches(n_rows, batch_size):
            out += hvp(vector, rows) * (rows.stop - rows.start)
        return out / n_rows + damping * vector

    removed = torch.as_tensor(np.asarray(remove), device=device)
    g_removed = grad(loss)(theta, X_t[removed], y_t[removed]) * removed.numel()

    if solver == "cg":
        step = _conjugate_gradients(full_hvp, g_removed, max_iter)
    else:
        generator = torch.Generator(device="cpu")
        seed = 0 if random_state is None else int(random_state)
        generator.manual_seed(seed)
        estimate = g_removed.clone()
        for _ in range(max_iter):
            rows = torch.randint(
                n_rows, (min(batch_size, n_rows),), generator=generator
            )
            rows = rows.to(device)
            h_est = jvp(
                lambda t, r=rows: grad(loss)(t, X_t[r], y_t[r]), (theta,), (estimate,)
            )[1]
            estimate = g_removed + (1 - damping) * estimate - h_est / scale
        step = estimate / scale
    p = removed.numel() / n_rows
    theta_new = theta + step / ((1 - p) * n_rows)
    with torch.no_grad():
        start = 0
        for (_, param), (_, shape, numel) in zip(named, names, strict=True):
            param.copy_(theta_new[start : start + numel].view(shape).to(dtype))
            start += numel
    return net


def _conjugate_gradients(matvec, b, max_iter, tol=1e-8):
    x = torch.zeros_like(b)
    r = b.clone()
    direction = r.clone()
    rs = r @ r
    b_norm = torch.linalg.vector_norm(b)
    for _ in range(max_iter):
        Ad = matvec(direction)
        curvature = direction @ Ad
        if curvature <= 0:
            break
        alpha = rs / curvature
        x = x + alpha * direction
        r = r - alpha * Ad
        rs_new = r @ r
        if torch.sqrt(rs_new) <= tol * b_norm:
            break
        direction = r + (rs_new / rs) * direction
        rs = rs_new
    return x
