"""TracInIdeal: the exact loss change of every training step, logged in training.

Pruthi et al. (2020) define the *idealized* influence of a training example
``z`` on an evaluation example ``z'`` as the sum, over the steps ``t`` that
used ``z``, of the change of the loss on ``z'`` made by that step::

    TracInIdeal(z, z') = sum_{t: z in B_t} L(w_t, z') - L(w_{t+1}, z')

It needs the evaluation examples while training, which is why TracInCP
approximates it from checkpoints afterwards. :class:`TracInIdealRecorder` is a
skorch callback that computes it exactly: before and after each optimizer
step it evaluates the loss on a given evaluation set and notes which training
rows were in the batch.
"""

import numbers

import numpy as np
import torch
from sklearn.utils import Bunch
from skorch.callbacks import Callback
from skorch.utils import to_tensor

_SAMPLER_KEY = "iterator_train__sampler"
_SHUFFLE_KEY = "iterator_train__shuffle"
_MISSING = object()


class _RecordingSampler(torch.utils.data.Sampler):
    """Yield the indices of a base sampler and note them, in order.

    The base sampler is the net's own ``iterator_train__sampler`` or, as the
    DataLoader would make it, a ``RandomSampler`` (``shuffle=True``) or a
    ``SequentialSampler`` of the training dataset, built once that dataset is
    known (``on_epoch_begin``). Delegating keeps the training order, and the
    torch random stream, exactly what they are without the recorder.
    """

    def __init__(self, base=None, shuffle=False):
        self.base = base
        self.shuffle = shuffle
        self.pending = []

    def bind(self, dataset):
        if self.base is None:
            kind = (torch.utils.data.RandomSampler if self.shuffle
                    else torch.utils.data.SequentialSampler)
            self.base = kind(dataset)

    def __iter__(self):
        if self.base is None:  # pragma: no cover - bound in on_epoch_begin
            raise RuntimeError("The recording sampler was not bound to a dataset.")
        for index in self.base:
            self.pending.append(int(index))
            yield index

    def __len__(self):
        return len(self.base)

    def take(self, n):
        if len(self.pending) < n:
            raise RuntimeError(
                f"TracInIdealRecorder lost track of the batch rows: {n} rows in "
                f"the batch, {len(self.pending)} sampled. A batch_sampler or a "
                "collate function that drops rows is not supported."
            )
        rows, self.pending = self.pending[:n], self.pending[n:]
        return rows


def _row_map(dataset, X):
    """Map indices of the training dataset to rows of the ``X`` given to fit.

    skorch's ``train_split`` hands the loop a ``torch.utils.data.Subset``;
    unwrap Subsets down to the dataset made from ``X`` (a Subset passed as
    ``X`` itself is left whole).
    """
    mapping = None
    while isinstance(dataset, torch.utils.data.Subset) and dataset is not X:
        indices = np.asarray(dataset.indices, dtype=np.intp)
        mapping = indices if mapping is None else indices[mapping]
        dataset = dataset.dataset
    return mapping


def _n_rows(data):
    from skorch.dataset import get_len

    return len(data) if isinstance(data, torch.utils.data.Dataset) else get_len(data)


def _codes(groups, eval_groups):
    individuals = np.unique(np.concatenate([groups, eval_groups]))
    return (individuals, np.searchsorted(individuals, groups),
            np.searchsorted(individuals, eval_groups))


class TracInIdealRecorder(Callback):
    """Log TracInIdeal influence (Pruthi et al., 2020) while a skorch net trains.

    At every training step ``t`` the callback evaluates the per-example loss
    on ``X_eval`` before and after the optimizer step and notes the rows
    ``B_t`` of the batch. The change ``L(w_t, z') - L(w_{t+1}, z')`` (positive
    when the step lowered the loss) is added to the influence of each row of
    the batch, divided by the batch size::

        influence_[i, j] = sum_{t: j in B_t} (L(w_t, z'_i) - L(w_{t+1}, z'_i)) / |B_t|

    With batches of one row this is TracInIdeal exactly as defined by Pruthi
    et al. (2020, eq. 1). A minibatch step moves the weights jointly and its
    exact loss change cannot be split among the rows; the paper attributes to
    each row its first-order share ``eta / b * grad L(w_t, z) . grad
    L(w_t, z')`` (the minibatch gradient being the mean of the rows',
    Section 3.2). The exact counterpart used here splits the exact change
    equally, ``1 / b`` per row: a row's share does not depend on its gradient,
    but every step's change is attributed in full, so each row of
    ``influence_`` sums to the total change of that evaluation loss over
    training (``initial_eval_loss_ - final_eval_loss_``, a telescoping sum).

    Unlike TracInCP, ``influence_[i, j]`` is not ``influence_[j, i]`` on a
    shared set (the loss change of step ``t`` is measured at ``w_t`` and
    ``w_{t+1}``, and a row is credited only for the steps that used it), so
    inflow and outflow (Sundararajan & Krichene, 2022) are not equal by
    construction. With ``groups`` and ``eval_groups`` the callback also
    accumulates self-influence, inflow and outflow per individual, step by
    step, in memory linear in the rows (``store_matrix=False`` then skips the
    ``(n_eval, n_train)`` matrix).

    The training order is read from the DataLoader's sampler: during
    training, the callback wraps the net's ``iterator_train__sampler`` (or the
    ``RandomSampler`` / ``SequentialSampler`` that ``iterator_train__shuffle``
    would make) in a sampler that notes each index it yields, and restores
    the net's settings at the end of training; the order and the random
    stream are unchanged. A custom ``iterator_train__batch_sampler`` is not
    supported.

    Parameters
    ----------
    X_eval : array-like, dict or tensor of shape (n_eval, ...)
        Evaluation examples ``z'``, in any form the net's ``infer`` accepts.
    y_eval : array-like of shape (n_eval, ...)
        Their targets.
    groups : array-like of shape (n_train,), default=None
        Individual owning each row of the ``X`` passed to ``fit``; with
        ``eval_groups``, flows per individual are accumulated in ``flows_``.
    eval_groups : array-like of shape (n_eval,), default=None
        Individual owning each evaluation row.
    store_matrix : bool, default=True
        Keep ``influence_``; False keeps only the flows (needs ``groups``).
    loss : callable, default=None
        ``loss(y_pred, y_true)`` returning one loss per example. None uses the
        net's ``get_loss`` with its criterion's ``reduction`` set to
        ``"none"`` for the call (averaged over any trailing axes, as the
        ``"mean"`` reduction of one example would).
    eval_batch_size : int, default=1024
        Evaluation rows per forward pass.
    reuse_losses : bool, default=True
        Take the losses after step ``t`` as the losses before step ``t + 1``
        within an epoch (one evaluation pass per step). Exact unless
        something other than the optimizer changes the weights between two
        steps; False evaluates twice per step.

    Attributes
    ----------
    influence_ : ndarray of shape (n_eval, n_train)
        TracInIdeal influence of each training row (columns, rows of the
        ``X`` given to ``fit``; rows held out by ``train_split`` stay 0) on
        each evaluation row. Continued by ``partial_fit``, reset by ``fit``.
    flows_ : Bunch
        With groups: ``individuals``, ``self_influence``, ``inflow``,
        ``outflow``, ``n_train``, ``n_eval`` as in
        :func:`~skcorr.influence.influence_flows`.
    batch_rows_ : list of ndarray
        The training rows of each step, in order.
    n_steps_ : int
    initial_eval_loss_, final_eval_loss_ : ndarray of shape (n_eval,)
        Evaluation losses before the first and after the last step.

    See Also
    --------
    TracIn : the checkpoint approximation (TracInCP).
    influence_flows : flows from this callback or its matrix.

    References
    ----------
    .. [1] G. Pruthi, F. Liu, S. Kale, M. Sundararajan, "Estimating Training
       Data Influence by Tracing Gradient Descent", NeurIPS 2020.
    .. [2] M. Sundararajan, W. Krichene, "Inflow, Outflow, and Reciprocity in
       Machine Learning", arXiv:2202.09480, 2022.

    Examples
    --------
    >>> import numpy as np, torch
    >>> from skorch import NeuralNetRegressor
    >>> from skcorr.influence import TracInIdealRecorder
    >>> X = np.random.RandomState(0).randn(12, 3).astype("float32")
    >>> y = X[:, :1].copy()
    >>> recorder = TracInIdealRecorder(X[:4], y[:4])
    >>> _ = torch.manual_seed(0)
    >>> net = NeuralNetRegressor(torch.nn.Linear(3, 1), max_epochs=2, lr=0.1,
    ...                          batch_size=5, train_split=None, verbose=0,
    ...                          iterator_train__shuffle=True,
    ...                          callbacks=[recorder]).fit(X, y)
    >>> recorder.influence_.shape, recorder.n_steps_
    ((4, 12), 6)
    >>> total = recorder.initial_eval_loss_ - recorder.final_eval_loss_
    >>> bool(np.allclose(recorder.influence_.sum(1), total))
    True
    """

    def __init__(self, X_eval, y_eval, *, groups=None, eval_groups=None,
                 store_matrix=True, loss=None, eval_batch_size=1024,
                 reuse_losses=True):
        self.X_eval = X_eval
        self.y_eval = y_eval
        self.groups = groups
        self.eval_groups = eval_groups
        self.store_matrix = store_matrix
        self.loss = loss
        self.eval_batch_size = eval_batch_size
        self.reuse_losses = reuse_losses

    # -- set-up ---------------------------------------------------------------
    def _check_params(self, n_train):
        size = self.eval_batch_size
        if isinstance(size, bool) or not isinstance(size, numbers.Integral) or size < 1:
            raise ValueError(
                f"eval_batch_size must be a positive integer; got {size!r}."
            )
        if self.loss is not None and not callable(self.loss):
            raise TypeError(f"loss must be callable; got {type(self.loss).__name__}.")
        n_eval = _n_rows(self.X_eval)
        if _n_rows(self.y_eval) != n_eval:
            raise ValueError(
                f"X_eval and y_eval have different numbers of rows: {n_eval} and "
                f"{_n_rows(self.y_eval)}."
            )
        if (self.groups is None) != (self.eval_groups is None):
            raise ValueError("Give both groups and eval_groups, or neither.")
        if self.groups is None and not self.store_matrix:
            raise ValueError(
                "store_matrix=False keeps only the flows, which need groups and "
                "eval_groups."
            )
        codes = None
        if self.groups is not None:
            groups, eval_groups = np.asarray(self.groups), np.asarray(self.eval_groups)
            if groups.shape != (n_train,) or eval_groups.shape != (n_eval,):
                raise ValueError(
                    f"groups needs one label per training row ({n_train}) and "
                    f"eval_groups one per evaluation row ({n_eval}); got shapes "
                    f"{groups.shape} and {eval_groups.shape}."
                )
            codes = _codes(groups, eval_groups)
        return n_eval, codes

    def initialize(self):
        self.n_steps_ = 0
        self.batch_rows_ = []
        self._sampler = None
        self._before = None
        self._n_train = None
        return self

    def _reset(self, n_train):
        n_eval, codes = self._check_params(n_train)
        self._n_train = n_train
        self.n_steps_ = 0
        self.batch_rows_ = []
        self.influence_ = np.zeros((n_eval, n_train)) if self.store_matrix else None
        self.initial_eval_loss_ = None
        self.final_eval_loss_ = None
        if codes is None:
            self._codes = None
            return
        individuals, train_codes, eval_codes = codes
        self._codes = (train_codes, eval_codes, individuals.size)
        self.flows_ = Bunch(
            individuals=individuals,
            self_influence=np.zeros(individuals.size),
            inflow=np.zeros(individuals.size),
            outflow=np.zeros(individuals.size),
            n_train=np.bincount(train_codes, minlength=individuals.size),
            n_eval=np.bincount(eval_codes, minlength=individuals.size),
        )

    def on_train_begin(self, net, X=None, y=None, **kwargs):
        n_train = _n_rows(X)
        if len(net.history) == 0 or self._n_train is None:
            self._reset(n_train)
        elif n_train != self._n_train:
            raise ValueError(
                f"partial_fit continues the influence of {self._n_train} training "
                f"rows; got {n_train}. Call fit to start again."
            )
        self._X = X
        params = vars(net)
        if params.get("iterator_train__batch_sampler") is not None:
            raise ValueError(
                "TracInIdealRecorder reads the batch rows from the sampler; a "
                "custom iterator_train__batch_sampler is not supported."
            )
        self._saved = {key: params.get(key, _MISSING)
                       for key in (_SAMPLER_KEY, _SHUFFLE_KEY)}
        base = params.get(_SAMPLER_KEY)
        shuffle = bool(params.get(_SHUFFLE_KEY, False))
        self._sampler = _RecordingSampler(base, shuffle)
        params[_SAMPLER_KEY] = self._sampler
        params.pop(_SHUFFLE_KEY, None)  # the DataLoader refuses both

    def _restore(self, net):
        params = vars(net)
        for key, value in getattr(self, "_saved", {}).items():
            if value is _MISSING:
                params.pop(key, None)
            else:
                params[key] = value
        self._saved = {}

    def on_train_end(self, net, X=None, y=None, **kwargs):
        self._restore(net)
        self._X = None

    def on_epoch_begin(self, net, dataset_train=None, dataset_valid=None, **kwargs):
        self._sampler.bind(dataset_train)
        self._sampler.pending = []
        self._map = _row_map(dataset_train, self._X)
        self._before = None

    # -- losses ---------------------------------------------------------------
    def _per_example(self, net, y_pred, y_true):
        if self.loss is not None:
            losses = self.loss(y_pred, y_true)
        else:
            criterion = net.criterion_
            reduction = criterion.reduction
            criterion.reduction = "none"
            try:
                losses = net.get_loss(y_pred, y_true, training=False)
            finally:
                criterion.reduction = reduction
        losses = torch.as_tensor(losses)
        if losses.ndim == 0 or losses.shape[0] != len(y_true):
            raise ValueError(
                "The loss must give one value per example; got shape "
                f"{tuple(losses.shape)} for {len(y_true)} examples. Pass loss="
                "a per-example loss function."
            )
        return losses.reshape(len(y_true), -1).mean(1)

    def _eval_losses(self, net):
        from skorch.utils import multi_indexing

        module = net.module_
        was_training = module.training
        module.eval()
        n_eval = _n_rows(self.X_eval)
        out = np.empty(n_eval)
        try:
            with torch.no_grad():
                for start in range(0, n_eval, self.eval_batch_size):
                    rows = slice(start, start + self.eval_batch_size)
                    y_pred = net.infer(multi_indexing(self.X_eval, rows))
                    y_true = to_tensor(multi_indexing(self.y_eval, rows),
                                       device=net.device)
                    losses = self._per_example(net, y_pred, y_true)
                    out[rows] = losses.detach().cpu().double().numpy()
        finally:
            module.train(was_training)
        return out

    # -- steps ----------------------------------------------------------------
    def on_batch_begin(self, net, batch=None, training=False, **kwargs):
        if not training:
            return
        if self._before is None or not self.reuse_losses:
            self._before = self._eval_losses(net)
        if self.initial_eval_loss_ is None:
            self.initial_eval_loss_ = self._before.copy()

    def on_batch_end(self, net, batch=None, training=False, **kwargs):
        if not training:
            return
        from skorch.dataset import get_len

        first = batch[0] if isinstance(batch, tuple | list) else batch
        rows = np.asarray(self._sampler.take(get_len(first)), dtype=np.intp)
        if self._map is not None:
            rows = self._map[rows]
        after = self._eval_losses(net)
        change = self._before - after
        self._accumulate(rows, change)
        self._before = after
        self.final_eval_loss_ = after.copy()
        self.batch_rows_.append(rows)
        self.n_steps_ += 1

    def _accumulate(self, rows, change):
        share = change / rows.size
        if self.influence_ is not None:
            # np.add.at: a row drawn twice in one batch (sampling with
            # replacement) is credited twice.
            np.add.at(self.influence_.T, rows, share)
        if self._codes is None:
            return
        train_codes, eval_codes, n_individuals = self._codes
        flows = self.flows_
        received = np.bincount(eval_codes, weights=change, minlength=n_individuals)
        owners = train_codes[rows]
        np.add.at(flows.self_influence, owners, received[owners] / rows.size)
        np.add.at(flows.outflow, owners, (change.sum() - received[owners]) / rows.size)
        in_batch = np.bincount(owners, minlength=n_individuals)
        flows.inflow += received * (rows.size - in_batch) / rows.size
