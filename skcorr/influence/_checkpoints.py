"""A skorch callback that keeps the checkpoints TracIn needs."""

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
    gradients. This callback records the module's state and the optimizer's
    learning rate at the end of the chosen epochs, in memory or as files.

    Parameters
    ----------
    epochs : "all", int or list of int, default="all"
        Which epochs to keep (counted from 1, as in ``net.history``): every
        epoch, every ``epochs``-th epoch (an int), or the listed epochs. The
        last epoch of training is always kept.
    directory : str or path, default=None
        Save each checkpoint with :func:`torch.save` in this folder (created if
        needed) instead of keeping it in memory.
    learning_rate : float, default=None
        Use this learning rate for every checkpoint instead of the one read
        from the optimizer's first parameter group.

    Attributes
    ----------
    checkpoints_ : list of dict
        One per kept epoch: ``epoch``, ``learning_rate`` and ``state`` (a state
        dict on the CPU) or ``path``.

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
    >>> keeper = TracInCheckpoints(epochs=[1, 3])
    >>> net = NeuralNetRegressor(torch.nn.Linear(3, 1), max_epochs=4, lr=0.1,
    ...                          callbacks=[keeper], train_split=None, verbose=0)
    >>> _ = net.fit(X, y)
    >>> [c["epoch"] for c in keeper.checkpoints_], keeper.learning_rates_
    ([1, 3, 4], [0.1, 0.1, 0.1])
    """

    def __init__(self, epochs="all", directory=None, learning_rate=None):
        self.epochs = epochs
        self.directory = directory
        self.learning_rate = learning_rate

    def _check_params(self):
        epochs = self.epochs
        if isinstance(epochs, str):
            if epochs != "all":
                raise ValueError(
                    f"epochs must be 'all', an int or a list of ints; got {epochs!r}."
                )
        elif isinstance(epochs, numbers.Integral) and not isinstance(epochs, bool):
            if epochs < 1:
                raise ValueError(f"epochs must be at least 1; got {epochs}.")
        else:
            epochs = list(epochs)
            if not all(
                isinstance(e, numbers.Integral) and not isinstance(e, bool) and e >= 1
                for e in epochs
            ):
                raise ValueError(
                    f"epochs must list epoch numbers counted from 1; got {epochs}."
                )
        if self.learning_rate is not None and not self.learning_rate > 0:
            raise ValueError(
                f"learning_rate must be positive; got {self.learning_rate!r}."
            )

    def initialize(self):
        self._check_params()
        self.checkpoints_ = []
        return self

    def on_train_begin(self, net, X=None, y=None, **kwargs):
        self.initialize()
        self._max_epochs = kwargs.get("epochs") or getattr(net, "max_epochs", None)
        self._first_epoch = len(net.history)

    def _wanted(self, epoch):
        if self.epochs == "all":
            return True
        if isinstance(self.epochs, numbers.Integral):
            return epoch % self.epochs == 0
        return epoch in set(self.epochs)

    def _current_learning_rate(self, net):
        if self.learning_rate is not None:
            return float(self.learning_rate)
        optimizer = getattr(net, "optimizer_", None)
        if optimizer is not None:
            return float(optimizer.param_groups[0]["lr"])
        return float(net.lr)

    def _keep(self, net, epoch):
        if self.checkpoints_ and self.checkpoints_[-1]["epoch"] == epoch:
            return
        record = {"epoch": epoch, "learning_rate": self._current_learning_rate(net)}
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

    def on_epoch_end(self, net, **kwargs):
        epoch = len(net.history)
        if self._wanted(epoch):
            self._keep(net, epoch)

    def on_train_end(self, net, X=None, y=None, **kwargs):
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
