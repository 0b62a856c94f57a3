"""TracInCP: influence as learning-rate-weighted gradient dot products."""

import numbers
from pathlib import Path

import numpy as np
import torch

from ..utils.seeding import is_skorch_net
from ..utils.torch import (
    DEFAULT_BATCH_SIZE,
    check_positive_int,
    flatten_gradients,
    make_projection,
    per_example_gradient_batches,
    resolve_device,
    select_parameter_names,
)
from ._base import BilinearInfluence
from ._checkpoints import TracInCheckpoints
from ._gradients import check_inputs


def _find_checkpoint_callback(net):
    callbacks = getattr(net, "callbacks_", None) or []
    found = [cb for _, cb in callbacks if isinstance(cb, TracInCheckpoints)]
    if not found:
        raise ValueError(
            "The net has no TracInCheckpoints callback: pass checkpoints, or fit "
            "the net with callbacks=[TracInCheckpoints()]."
        )
    return found[0]


def _load_state(state):
    if isinstance(state, str | Path):
        return torch.load(state, map_location="cpu", weights_only=True)
    if isinstance(state, dict):
        return state
    raise TypeError(
        "A checkpoint must be a state dict or the path of one saved with "
        f"torch.save; got {type(state).__name__}."
    )


def _check_rate(rate, index):
    """A checkpoint's rate: a finite real >= 0 (0: it contributes nothing)."""
    if (
        isinstance(rate, bool | np.bool_)
        or not isinstance(rate, numbers.Real)
        or not np.isfinite(rate)
        or rate < 0
    ):
        raise ValueError(
            f"Each checkpoint's learning rate must be a positive number (or 0, "
            f"for a checkpoint that contributes nothing); checkpoint {index} has "
            f"{rate!r}."
        )
    return float(rate)


def _check_pairs(checkpoints):
    if isinstance(checkpoints, dict | str | Path) or torch.is_tensor(checkpoints):
        raise ValueError(
            "checkpoints must be a TracInCheckpoints callback or a list of "
            "(state_dict_or_path, learning_rate) pairs; got a single "
            f"{type(checkpoints).__name__}: wrap it as [(state, learning_rate)]."
        )
    pairs = list(checkpoints)
    if not pairs:
        raise ValueError("checkpoints is empty: TracIn needs at least one.")
    for pair in pairs:
        if not (isinstance(pair, tuple | list) and len(pair) == 2):
            raise ValueError(
                "checkpoints must be a TracInCheckpoints callback or a list of "
                f"(state_dict_or_path, learning_rate) pairs; got {pair!r:.80}."
            )
    return [(state, _check_rate(rate, i)) for i, (state, rate) in enumerate(pairs)]


def _check_net_loss_device(net, device):
    """Refuse computing a net's own loss on another device than the net's:
    skorch's ``get_loss`` moves the targets to ``net.device``."""
    wanted = torch.device(device)
    own = torch.device(net.device or "cpu")
    same = wanted.type == own.type and (
        wanted.index is None or own.index is None or wanted.index == own.index)
    if not same:
        raise ValueError(
            f"device={str(wanted)!r} differs from the net's device "
            f"{str(own)!r}, and the net's get_loss puts the targets on "
            f"{str(own)!r}. Pass loss= (e.g. torch.nn.CrossEntropyLoss() for a "
            "module that returns logits), or compute on the net's device."
        )


class TracIn(BilinearInfluence):
    """TracInCP influence of training examples, from saved checkpoints.

    ``influence(z -> z') = sum_k eta_k grad L(w_k, z) . grad L(w_k, z')`` over
    checkpoints ``w_k`` with learning rates ``eta_k`` (Pruthi et al., 2020).
    Positive: training on ``z`` lowers the loss on ``z'``. Per-example
    gradients come from :mod:`torch.func`; influence matrices are streamed as
    blocks of matrix products, on the CPU or a GPU. The flows between
    individuals that Sundararajan & Krichene (2022) study are built from the
    same gradients by :func:`~skcorr.influence.influence_flows`.

    Parameters
    ----------
    net_or_module : skorch net or torch.nn.Module
        A fitted skorch net (its ``module_``, ``get_loss`` and ``device`` are
        used) or a module.
    checkpoints : TracInCheckpoints or list of (state_dict or path, float), \
            default=None
        The checkpoints and their learning rates. None takes the
        :class:`TracInCheckpoints` callback of a skorch net.
    loss : callable, default=None
        ``loss(output, target)`` per example; required for a module, the
        net's ``get_loss`` for a skorch net.
    layers : str or list of str, default=None
        Parameter-name prefixes to keep (see
        :func:`~skcorr.influence.per_example_gradients`); None keeps all.
    projection_dim : int, default=None
        Randomly project gradients to this dimension (one projection for all
        checkpoints) to bound memory.
    random_state : int, RandomState instance or None, default=None
        Seeds the projection.
    batch_size : int, default=256
        Rows per batch of gradients.
    device : str or torch.device, default=None
        Where to compute; the net's or module's device by default. A skorch
        net's ``get_loss`` puts the targets on ``net.device``, so another
        device needs ``loss=`` (e.g. ``torch.nn.CrossEntropyLoss()`` for a
        module that returns logits).

    Raises
    ------
    ValueError
        If ``device`` is not a skorch net's own device and ``loss`` is None
        (see ``device``); if ``checkpoints`` is empty, not a list of pairs,
        or has a learning rate that is negative, NaN, infinite, boolean or
        not a number (0 is accepted: that checkpoint contributes nothing);
        from the influence methods, if a checkpoint lacks tensors of the
        module, holds tensors it lacks or of other shapes, and for ``X`` /
        ``y`` of different lengths or pandas indexes, empty, with NaN or inf,
        missing labels (None, ``pd.NA``) or strings.

    References
    ----------
    .. [1] G. Pruthi, F. Liu, S. Kale, M. Sundararajan, "Estimating Training
       Data Influence by Tracing Gradient Descent", NeurIPS 2020.
    .. [2] M. Sundararajan, W. Krichene, "Inflow, Outflow, and Reciprocity in
       Machine Learning", arXiv:2202.09480, 2022.

    Examples
    --------
    >>> import torch
    >>> from skcorr.influence import TracIn
    >>> module = torch.nn.Linear(2, 1)
    >>> checkpoints = [(module.state_dict(), 0.1)]
    >>> tracin = TracIn(module, checkpoints, loss=torch.nn.MSELoss())
    >>> X, y = torch.randn(4, 2), torch.randn(4, 1)
    >>> tracin.influence(X[:1], y[:1], X, y).shape
    (1, 4)
    >>> tracin.self_influence(X, y).shape
    (4,)
    """

    _symmetric = True

    def __init__(
        self, net_or_module, checkpoints=None, *, loss=None, layers=None,
        projection_dim=None, random_state=None, batch_size=DEFAULT_BATCH_SIZE,
        device=None,
    ):
        if is_skorch_net(net_or_module) and hasattr(net_or_module, "module_"):
            net = net_or_module
            module = net.module_
            if device is None:
                device = net.device
            if loss is None:
                _check_net_loss_device(net, device)
                loss = net.get_loss
            if checkpoints is None:
                checkpoints = _find_checkpoint_callback(net)
        elif isinstance(net_or_module, torch.nn.Module):
            module = net_or_module
            if loss is None:
                raise ValueError("loss is required when a torch module is given.")
            if checkpoints is None:
                raise ValueError("checkpoints is required when a module is given.")
        else:
            raise TypeError(
                "net_or_module must be a fitted skorch net or a torch.nn.Module; "
                f"got {type(net_or_module).__name__}."
            )
        if not callable(loss):
            raise TypeError(f"loss must be callable; got {type(loss).__name__}.")
        self.module = module
        self.loss = loss
        self.checkpoints = checkpoints
        self.layers = layers
        self.projection_dim = projection_dim
        self.random_state = random_state
        self.batch_size = check_positive_int(batch_size, "batch_size")
        self.device = resolve_device(module, device)
        if isinstance(checkpoints, TracInCheckpoints):
            for index, rate in enumerate(checkpoints.learning_rates_):
                _check_rate(rate, index)
            self._pairs = checkpoints.pairs
        else:
            pairs = _check_pairs(checkpoints)
            self._pairs = lambda: ((_load_state(s), r) for s, r in pairs)
        self.parameter_names_ = select_parameter_names(module, layers)
        self._projection = make_projection(
            module, self.parameter_names_, projection_dim, random_state, self.device
        )

    @property
    def learning_rates_(self):
        """The learning rate of each checkpoint."""
        return [rate for _, rate in self._pairs()]

    def feature_blocks(self, X, y, role="train"):
        """Yield ``(checkpoint_index, learning_rate, rows, gradients)``.

        The per-example gradients (projected if asked) at each checkpoint, as
        tensors on ``device``; the same for both roles.
        """
        check_inputs(X, y)
        for index, (state, rate) in enumerate(self._pairs()):
            for rows, features in self._gradient_blocks(state, X, y):
                yield index, rate, rows, features

    def _gradient_blocks(self, state, X, y):
        """Yield ``(rows, gradients)`` at one checkpoint's ``state``."""
        for rows, gradients in per_example_gradient_batches(
            self.module, self.loss, X, y, names=self.parameter_names_,
            state=state, batch_size=self.batch_size, device=self.device,
        ):
            yield rows, flatten_gradients(gradients, self._projection).detach()

    def influence(self, X_eval, y_eval, X_train, y_train):
        """Influence of each training example on each evaluation example.

        Positive values mean that training on the row of ``X_train`` lowers
        the loss on the row of ``X_eval`` (a proponent); negative values mean
        it raises it (an opponent).

        Each checkpoint is loaded once: the gradients of ``X_eval`` at it,
        then those of ``X_train`` batch by batch, each batch's float32
        product with them added, times the learning rate, to a float64
        result.

        Parameters
        ----------
        X_eval, y_eval : array-like of shape (n_eval, ...)
            Examples influenced.
        X_train, y_train : array-like of shape (n_train, ...)
            Examples that influence.

        Returns
        -------
        influence : ndarray of shape (n_eval, n_train)
        """
        n_train = check_inputs(X_train, y_train)
        n_eval = check_inputs(X_eval, y_eval)
        result = torch.zeros((n_eval, n_train), dtype=torch.float64)
        for state, rate in self._pairs():
            evaluation = torch.cat(
                [features for _, features in self._gradient_blocks(
                    state, X_eval, y_eval)],
                dim=0,
            )
            for rows, train in self._gradient_blocks(state, X_train, y_train):
                # rate * product + result in float64, in one pass: at most one
                # float64 rounding (1e-16) from the products rounded first
                result[:, rows].add_((evaluation @ train.T).cpu(), alpha=rate)
        return result.numpy()

    @staticmethod
    def _to_numpy(features):
        return features.detach().cpu().double().numpy()

    @staticmethod
    def _concatenate(blocks):
        return torch.cat(blocks, dim=0)
