"""A skorch callback that keeps the checkpoints TracIn needs."""

import math
import numbers
from pathlib import Path

import torch
from skorch.callbacks import Callback


def _copy_state(module):
    return {name: value.detach().cpu().clone() for name, value in
            module.state_dict().items()}


class TracInCheckpoints(Callback):
    """Keep (parameters, learning rate) at chosen epochs, for TracIn.

    TracInCP (Pruthi et al., 2020) sums, over checkpoints taken during
    training, the learning rate times the dot product of per-example loss
    gradients. This callback records the module's state at the end of the
    chosen epochs, in memory or as files, with the learning rate the
    optimizer used during that epoch.

    Parameters
    ----------
    checkpoint_epochs : "all", int or list of int, default="all"
        Which epochs to keep (counted from 1, as in ``net.history``): every
        epoch, every ``checkpoint_epochs``-th epoch (an int), or the listed epochs. The
        last epoch of training is always kept.
    directory : str or path, default=None
        Save each checkpoint with :func:`torch.save` in this folder (created if
        needed) instead of keeping it in memory.
    learning_rate : float, default=None
        Use this learning rate (a positive number) for every checkpoint
        instead of the rates the optimizer used.

    Attributes
    ----------
    checkpoints_ : list of dict
        One per kept epoch: ``epoch``, ``learning_rate``, ``step_learning_rates``
        (the rate of each optimizer step of the epoch; empty with
        ``learning_rate`` given) and ``state`` (a state dict on the CPU) or
        ``path``.

    Each kept epoch is marked ``True`` under ``"event_tracin"`` in
    ``net.history``, as skorch's ``Checkpoint`` marks ``"event_cp"``.

    Raises
    ------
    ValueError
        At the start of training, for invalid ``checkpoint_epochs`` or
        ``learning_rate``;
        during training, when the optimizer's parameter groups use different
        learning rates (TracIn weights a checkpoint by one rate: pass
        ``learning_rate`` to choose it).

    Notes
    -----
    The rate of a checkpoint is read from the optimizer itself, just before
    each of its steps (a :meth:`torch.optim.Optimizer.register_step_pre_hook`),
    so it is the rate that trained the epoch whatever the order of the
    callbacks: a scheduler such as skorch's ``LRScheduler`` stepping at the
    end of the epoch (``step_every="epoch"``) does not leak the next epoch's
    rate into the record, whether it is listed before or after this callback.
    When the rate changes within the epoch (``step_every="batch"``, warm-up),
    the checkpoint's rate is the mean over the epoch's steps: each example is
    visited once per epoch at one of those steps, so the mean is the rate it
    is trained with on average; the rates of the steps are kept in
    ``step_learning_rates``. An epoch without an optimizer step (no training
    batch) records the optimizer's current rate.

    References
    ----------
    .. [1] G. Pruthi, F. Liu, S. Kale, M. Sundararajan, "Estimating Training
       Data Influence by Tracing Gradient Descent", NeurIPS 2020.

    Examples
    --------
    >>> import numpy as np, torch
    >>> from skorch import NeuralNetRegressor
    >>> from skcorr.influence import TracInCheckpoints
    >>> X = np.random.RandomState(0).randn(20, 3).astype("float32")
    >>> y = X[:, :1].copy()
    >>> keeper = TracInCheckpoints(checkpoint_epochs=[1, 3])
    >>> net = NeuralNetRegressor(torch.nn.Linear(3, 1), max_epochs=4, lr=0.1,
    ...                          callbacks=[keeper], train_split=None, verbose=0)
    >>> _ = net.fit(X, y)
    >>> [c["epoch"] for c in keeper.checkpoints_], keeper.learning_rates_
    ([1, 3, 4], [0.1, 0.1, 0.1])
    """

    event_name = "event_tracin"

    def __init__(self, checkpoint_epochs="all", directory=None, learning_rate=None):
        self.checkpoint_epochs = checkpoint_epochs
        self.directory = directory
        self.learning_rate = learning_rate

    def _check_params(self):
        epochs = self.checkpoint_epochs
        if isinstance(epochs, str):
            if epochs != "all":
                raise ValueError(
                    f"checkpoint_epochs must be 'all', an int or a list of ints; got "
                    f"{epochs!r}."
                )
        elif isinstance(epochs, numbers.Integral) and not isinstance(epochs, bool):
            if epochs < 1:
                raise ValueError(f"checkpoint_epochs must be at least 1; got {epochs}.")
        else:
            epochs = list(epochs)
            if not all(
                isinstance(e, numbers.Integral) and not isinstance(e, bool) and e >= 1
                for e in epochs
            ):
                raise ValueError(
                    f"checkpoint_epochs must list epoch numbers counted from 1; got "
                    f"{epochs}."
                )
        rate = self.learning_rate
        if rate is not None and (
            isinstance(rate, bool)
            or not isinstance(rate, numbers.Real)
            or not math.isfinite(rate)
            or rate <= 0
        ):
            raise ValueError(
                f"learning_rate must be a positive number; got {rate!r}."
            )

    def initialize(self):
        self._check_params()
        self.checkpoints_ = []
        self._remove_hook()
        self._epoch_rates = []
        return self

    def on_train_begin(self, net, X=None, y=None, **kwargs):
        self.initialize()
        self._max_epochs = kwargs.get("epochs") or getattr(net, "max_epochs", None)
        self._first_epoch = len(net.history)
        optimizer = getattr(net, "optimizer_", None)
        if self.learning_rate is None and optimizer is not None:
            self._group_rate(optimizer)  # fail before training, if it will
            self._hook = optimizer.register_step_pre_hook(self._before_step)

    def _before_step(self, optimizer, args, kwargs):
        self._epoch_rates.append(self._group_rate(optimizer))

    @staticmethod
    def _group_rate(optimizer):
        rates = [float(group["lr"]) for group in optimizer.param_groups]
        if len(set(rates)) > 1:
            raise ValueError(
                f"The optimizer's parameter groups use different learning rates "
                f"{rates}: TracIn weights each checkpoint by one rate. Pass "
                "TracInCheckpoints(learning_rate=...) to choose it."
            )
        return rates[0]

    def _remove_hook(self):
        hook = getattr(self, "_hook", None)
        if hook is not None:
            hook.remove()
        self._hook = None

    def on_epoch_begin(self, net, **kwargs):
        self._epoch_rates = []

    def _wanted(self, epoch):
        if self.checkpoint_epochs == "all":
            return True
        if isinstance(self.checkpoint_epochs, numbers.Integral):
            return epoch % self.checkpoint_epochs == 0
        return epoch in set(self.checkpoint_epochs)

    def _epoch_learning_rate(self, net):
        """The rate of this epoch's optimizer steps (their mean if it changed)."""
        if self.learning_rate is not None:
            return float(self.learning_rate)
        rates = list(getattr(self, "_epoch_rates", []))
        if rates:
            if len(set(rates)) == 1:
                return rates[0]
            return math.fsum(rates) / len(rates)
        optimizer = getattr(net, "optimizer_", None)
        if optimizer is not None:
            return self._group_rate(optimizer)
        return float(net.lr)

    def _keep(self, net, epoch):
        if self.checkpoints_ and self.checkpoints_[-1]["epoch"] == epoch:
            return
        record = {
            "epoch": epoch,
            "learning_rate": self._epoch_learning_rate(net),
            "step_learning_rates": (
                [] if self.learning_rate is not None
                else list(getattr(self, "_epoch_rates", []))
            ),
        }
        state = _copy_state(net.module_)
        if self.directory is None:
            record["state"] = state
        else:
            folder = Path(self.directory)
            folder.mkdir(parents=True, exist_ok=True)
            path = folder / f"tracin_epoch_{epoch:05d}.pt"
            torch.save(state, path)
            record["path"] = str(path)
        self.checkpoints_.append(record)
        net.history.record(self.event_name, True)

    def on_epoch_end(self, net, **kwargs):
        epoch = len(net.history)
        if self._wanted(epoch):
            self._keep(net, epoch)

    def on_train_end(self, net, X=None, y=None, **kwargs):
        self._remove_hook()
        if len(net.history):
            self._keep(net, len(net.history))

    @property
    def learning_rates_(self):
        """The learning rate of each kept checkpoint."""
        return [record["learning_rate"] for record in self._records()]

    def _records(self):
        records = getattr(self, "checkpoints_", None)
        if not records:
            raise ValueError(
                "TracInCheckpoints holds no checkpoint: fit the net with this "
                "callback first."
            )
        return records

    def __len__(self):
        return len(getattr(self, "checkpoints_", []))

    def load(self, index):
        """The state dict of checkpoint ``index`` (on the CPU)."""
        record = self._records()[index]
        if "state" in record:
            return record["state"]
        return torch.load(record["path"], map_location="cpu", weights_only=True)

    def pairs(self):
        """``[(state_dict, learning_rate), ...]``, loading files one by one."""
        for index, record in enumerate(self._records()):
            yield self.load(index), record["learning_rate"]
