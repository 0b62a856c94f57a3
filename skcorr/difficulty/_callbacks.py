"""The skorch callback that records training dynamics (imports skorch)."""

import warnings

import numpy as np
import torch
from skorch.callbacks import Callback

from ..utils.interrupts import interrupts_seen
from ..utils.progress import tick_epoch
from ..utils.torch import untouched_random_state
from ._buffers import DynamicsBuffer
from ._validation import check_labels

_INFER_BLOCK = 4096
# Rows on which the probabilities computed from the module's outputs are
# checked once against the net's own predict_proba.
_CHECK_ROWS = 32


def _predict_nonlinearity(net):
    """The function skorch's ``predict_proba`` applies to the module's outputs.

    Read from the net's public ``predict_nonlinearity`` parameter: None is the
    identity, a callable is itself, and ``"auto"`` follows the rule skorch
    documents for it, by the net's ``criterion_``: softmax for
    ``CrossEntropyLoss``, sigmoid then two columns for ``BCEWithLogitsLoss``,
    two columns for ``BCELoss``, the identity otherwise.
    """
    nonlinearity = net.predict_nonlinearity
    if nonlinearity is None:
        return lambda outputs: outputs
    if callable(nonlinearity):
        return nonlinearity
    if nonlinearity != "auto":
        raise TypeError(
            "predict_nonlinearity has to be a callable, 'auto' or None; the net "
            f"has {nonlinearity!r}."
        )
    criterion = getattr(net, "criterion_", None)
    criterion = getattr(criterion, "_orig_mod", criterion)  # torch.compile
    if isinstance(criterion, torch.nn.CrossEntropyLoss):
        return lambda outputs: torch.softmax(outputs, dim=-1)
    if isinstance(criterion, torch.nn.BCEWithLogitsLoss):
        return lambda outputs: _two_columns(torch.sigmoid(outputs))
    if isinstance(criterion, torch.nn.BCELoss):
        return _two_columns
    return lambda outputs: outputs


def _two_columns(probability):
    return torch.stack((1 - probability, probability), 1)


def _numpy(labels):
    return labels.detach().cpu().numpy() if torch.is_tensor(labels) else labels


def _record_missed_last_epoch(callback, net):
    """Record the last epoch at the end of training if its ``on_epoch_end``
    never reached ``callback``: a callback listed before it ended training
    there (skorch's ``EarlyStopping`` raises ``KeyboardInterrupt`` in
    ``on_epoch_end``), which would otherwise drop the epoch depending on
    the order of the callbacks."""
    epoch = len(net.history)
    if not epoch or epoch % callback.every or epoch in callback.epochs_:
        return
    if interrupts_seen() > callback._interrupts_before_training:
        return  # Ctrl-C, not a callback, ended the epoch: it is incomplete
    warnings.warn(
        f"{type(callback).__name__}: training stopped in on_epoch_end of epoch "
        f"{epoch} before this callback's turn (a callback listed before it, "
        "such as EarlyStopping, ended training); the epoch is recorded at the "
        "end of training instead. If that callback restores other parameters "
        "then (EarlyStopping(load_best=True)), list this callback before it.",
        UserWarning,
        stacklevel=2,
    )
    callback.on_epoch_end(net)


class TrainingDynamics(Callback):
    """Record probabilities on the training set at the end of epochs (skorch).

    At the end of every ``every``-th epoch, the net predicts the recording
    set (by default the ``X`` passed to ``fit``, in evaluation mode and
    without the augmentation of the training iterator) and stores the
    probabilities, giving ``dynamics_`` of shape (n_samples, n_epochs,
    n_classes), the input of the dynamics scores of Kwok et al. (2024).
    Predicting does not draw random numbers, so recording leaves training
    unchanged. The record does not depend on the order of the callbacks: if
    one listed before it ends training in ``on_epoch_end`` (skorch's
    ``EarlyStopping``), the last epoch is recorded at the end of training,
    with a ``UserWarning`` (list this callback first when the other one
    restores parameters then, as ``EarlyStopping(load_best=True)`` does).
    Each recorded epoch is marked ``True`` under ``"event_dynamics"`` in
    ``net.history``, as skorch's ``Checkpoint`` marks ``"event_cp"``; the
    arrays themselves, one row per example, stay on the callback.

    Parameters
    ----------
    every : int, default=1
        Record at epochs ``every, 2 every, ...``.
    X, y : array-like, default=None
        Examples to record (``y``: class indices). By default the ``X`` and
        ``y`` passed to ``fit`` (all of them, the validation split included).
    record_logits : bool, default=False
        Also record the module's raw outputs (``logits_``).
    record_loss : bool, default=False
        Also record the per-example cross-entropy ``-log p_y`` (``loss_``).
    memmap : str, default=None
        File prefix: write records into numpy memmaps
        (``{memmap}.proba.npy``, ...), preallocated for ``max_epochs // every``
        records, to bound memory.

    Attributes
    ----------
    dynamics_ : ndarray of shape (n_samples, n_records, n_classes)
    epochs_ : list of int
        The (1-based) epochs recorded.
    y_ : ndarray of shape (n_samples,) or None
        Class indices of the recorded examples.
    logits_ : ndarray of shape (n_samples, n_records, n_outputs)
        When ``record_logits``.
    loss_ : ndarray of shape (n_samples, n_records)
        When ``record_loss``.

    Examples
    --------
    >>> import numpy as np, torch
    >>> from skorch import NeuralNetClassifier
    >>> from skcorr.difficulty import TrainingDynamics
    >>> X = np.random.RandomState(0).normal(size=(20, 3)).astype(np.float32)
    >>> y = (X[:, 0] > 0).astype(np.int64)
    >>> module = torch.nn.Sequential(torch.nn.Linear(3, 2), torch.nn.Softmax(-1))
    >>> net = NeuralNetClassifier(module, max_epochs=4, train_split=None,
    ...                           verbose=0, callbacks=[TrainingDynamics(every=2)])
    >>> net = net.fit(X, y)
    >>> dict(net.callbacks_)["TrainingDynamics"].dynamics_.shape
    (20, 2, 2)
    """

    event_name = "event_dynamics"

    def __init__(self, every=1, X=None, y=None, record_logits=False,
                 record_loss=False, memmap=None):
        self.every = every
        self.X = X
        self.y = y
        self.record_logits = record_logits
        self.record_loss = record_loss
        self.memmap = memmap

    def initialize(self):
        if not isinstance(self.every, int) or self.every < 1:
            raise ValueError(f"every must be a positive integer; got {self.every!r}.")
        self._buffers = None
        self._nonlinearity = None
        self.epochs_ = []
        self.y_ = None
        return self

    def on_train_begin(self, net, X=None, y=None, **kwargs):
        self._interrupts_before_training = interrupts_seen()
        if self._buffers is not None:  # partial_fit continues the record
            return
        self._X = X if self.X is None else self.X
        labels = y if self.X is None else self.y
        if self.record_loss and labels is None:
            raise ValueError("record_loss=True needs labels (y) to record.")
        # class indices, checked: astype(intp) would truncate 1.5 and NaN
        self.y_ = None if labels is None else check_labels(_numpy(labels))
        max_records = max(1, net.max_epochs // self.every)
        names = ["proba"]
        names += ["logits"] if self.record_logits else []
        names += ["loss"] if self.record_loss else []
        self._buffers = {
            name: DynamicsBuffer(
                None if self.memmap is None else f"{self.memmap}.{name}.npy",
                max_records,
            )
            for name in names
        }

    def on_epoch_end(self, net, **kwargs):
        tick_epoch()  # a progress bar opened in this process, if any
        epoch = len(net.history)
        if epoch % self.every:
            return
        with untouched_random_state(net):  # recording must not change training
            outputs = self._outputs(net)
            if self.record_logits:
                self._buffers["logits"].append(
                    outputs.detach().cpu().double().numpy())
            proba = self._probabilities(net, outputs)
        self._buffers["proba"].append(proba)
        if self.record_loss:
            p_y = proba[np.arange(proba.shape[0]), self.y_]
            loss = -np.log(np.clip(p_y, np.finfo(np.float64).eps, 1.0))
            self._buffers["loss"].append(loss[:, None])
        self.epochs_.append(epoch)
        net.history.record(self.event_name, True)

    def on_train_end(self, net, **kwargs):
        if getattr(self, "_buffers", None) is not None:
            _record_missed_last_epoch(self, net)

    def _probabilities(self, net, outputs):
        """``predict_proba`` of the recording set, from the module's outputs.

        The outputs of an array or tensor are computed once, in blocks
        (:meth:`_outputs`), and turned into probabilities by the net's
        predict nonlinearity (:func:`_predict_nonlinearity`). On the first
        record this is checked against the net's own ``predict_proba`` of a
        few rows; if they differ (a net whose ``predict_proba`` does more),
        ``predict_proba`` is used from then on. Other inputs (dicts,
        Datasets) always take ``predict_proba``.
        """
        if outputs is None or not isinstance(self._X, np.ndarray | torch.Tensor):
            return np.asarray(net.predict_proba(self._X), dtype=np.float64)
        if self._nonlinearity is None:
            nonlinearity = _predict_nonlinearity(net)
            rows = self._X[:_CHECK_ROWS]
            expected = np.asarray(net.predict_proba(rows), dtype=np.float64)
            got = nonlinearity(outputs[:_CHECK_ROWS]).detach().cpu().double().numpy()
            # the same module on other batches: float32 rounding at most
            same = got.shape == expected.shape and np.allclose(
                got, expected, rtol=1e-4, atol=1e-6
            )
            self._nonlinearity = nonlinearity if same else False
        if self._nonlinearity is False:
            return np.asarray(net.predict_proba(self._X), dtype=np.float64)
        return self._nonlinearity(outputs).detach().cpu().double().numpy()

    def _outputs(self, net):
        """The module's outputs on the recording set, in evaluation mode.

        Arrays and tensors go to the module in blocks of
        ``_INFER_BLOCK`` rows, skipping the DataLoader, whose per-row
        indexing and collation cost as much as a training epoch for small
        nets; other inputs (dicts, Datasets) take ``net.forward`` (None is
        returned for them when only probabilities are wanted, so that
        ``predict_proba`` handles them).
        """
        X = self._X
        if not (isinstance(X, np.ndarray) or torch.is_tensor(X)):
            return net.forward(X, training=False) if self.record_logits else None
        module = net.module_
        was_training = module.training
        module.eval()
        blocks = []
        try:
            with torch.no_grad():
                for start in range(0, len(X), _INFER_BLOCK):
                    output = net.infer(X[start:start + _INFER_BLOCK])
                    if isinstance(output, tuple):  # as predict_proba: the first
                        output = output[0]
                    blocks.append(output)
        finally:
            module.train(was_training)
        return torch.cat(blocks)

    def _result(self, name):
        buffers = getattr(self, "_buffers", None)
        if not buffers or name not in buffers:
            return None
        return buffers[name].result()

    @property
    def dynamics_(self):
        return self._result("proba")

    @property
    def logits_(self):
        return self._result("logits")

    @property
    def loss_(self):
        loss = self._result("loss")
        return None if loss is None else loss[..., 0]


class InputGradientVariance(Callback):
    """Running variance of input gradients over epochs: VoG (skorch).

    At the end of every ``every``-th epoch, the gradient of the probability
    of the true class ``p_y`` with respect to each input (in evaluation
    mode, as :func:`~skcorr.difficulty.vog` computes it) updates a running
    mean and sum of squared deviations per example and pixel (Welford's
    algorithm), so memory holds two arrays of shape (n_samples, n_pixels)
    whatever the number of checkpoints. ``vog_`` is then the unbiased
    variance over the recorded checkpoints averaged over pixels: the VoG of
    Agarwal et al. (2022) as Kwok et al. (2024) use it, equal to
    :func:`~skcorr.difficulty.vog` on the same checkpoints. As for
    :class:`TrainingDynamics`, an epoch whose ``on_epoch_end`` was cut short
    by a callback listed before it (``EarlyStopping``) is recorded at the end
    of training, with a ``UserWarning``. Each recorded epoch is marked
    ``True`` under ``"event_vog"`` in ``net.history``.

    Parameters
    ----------
    every : int, default=1
        Record at epochs ``every, 2 every, ...``.
    X, y : array-like, default=None
        Numeric inputs and class indices to score. By default the ``X`` and
        ``y`` passed to ``fit``.
    channel_axis : int, default=None
        Axis of ``X`` holding colour channels, averaged before the variance
        (1 for ``(n, C, H, W)`` images); None for no channel axis.
    batch_size : int, default=256
        Examples per gradient batch.

    Attributes
    ----------
    vog_ : ndarray of shape (n_samples,) or None
        None until two checkpoints are recorded.
    n_checkpoints_ : int
    epochs_ : list of int
        The (1-based) epochs recorded.

    Examples
    --------
    >>> import numpy as np, torch
    >>> from skorch import NeuralNetClassifier
    >>> from skcorr.difficulty import InputGradientVariance
    >>> X = np.random.RandomState(0).normal(size=(20, 3)).astype(np.float32)
    >>> y = (X[:, 0] > 0).astype(np.int64)
    >>> net = NeuralNetClassifier(
    ...     torch.nn.Linear(3, 2), criterion=torch.nn.CrossEntropyLoss,
    ...     max_epochs=3, train_split=None, verbose=0,
    ...     callbacks=[InputGradientVariance()]).fit(X, y)
    >>> dict(net.callbacks_)["InputGradientVariance"].vog_.shape
    (20,)
    """

    event_name = "event_vog"

    def __init__(self, every=1, X=None, y=None, channel_axis=None, batch_size=256):
        self.every = every
        self.X = X
        self.y = y
        self.channel_axis = channel_axis
        self.batch_size = batch_size

    def initialize(self):
        if not isinstance(self.every, int) or self.every < 1:
            raise ValueError(f"every must be a positive integer; got {self.every!r}.")
        self._mean = None
        self._m2 = None
        self.n_checkpoints_ = 0
        self.epochs_ = []
        return self

    def on_train_begin(self, net, X=None, y=None, **kwargs):
        self._interrupts_before_training = interrupts_seen()
        if self._mean is not None:  # partial_fit continues the record
            return
        self._X = X if self.X is None else self.X
        labels = y if self.X is None else self.y
        if labels is None:
            raise ValueError("VoG needs the labels y: it differentiates p_y.")
        self._y = check_labels(_numpy(labels))

    def on_epoch_end(self, net, **kwargs):
        from ._gradients import input_gradients

        epoch = len(net.history)
        if epoch % self.every:
            return
        X, n = self._X, len(self._y)
        self.n_checkpoints_ += 1
        count = self.n_checkpoints_
        for start in range(0, n, self.batch_size):
            rows = slice(start, min(start + self.batch_size, n))
            with untouched_random_state(net):  # must not change training
                grad = input_gradients(net, X[rows], self._y[rows],
                                       batch_size=self.batch_size)
            if self.channel_axis is not None:
                grad = grad.mean(axis=self.channel_axis)
            grad = grad.reshape(grad.shape[0], -1)
            if self._mean is None:
                self._mean = np.zeros((n, grad.shape[1]))
                self._m2 = np.zeros((n, grad.shape[1]))
            delta = grad - self._mean[rows]
            self._mean[rows] += delta / count
            self._m2[rows] += delta * (grad - self._mean[rows])
        self.epochs_.append(epoch)
        net.history.record(self.event_name, True)

    def on_train_end(self, net, **kwargs):
        if getattr(self, "_y", None) is not None:
            _record_missed_last_epoch(self, net)

    @property
    def vog_(self):
        if getattr(self, "n_checkpoints_", 0) < 2:
            return None
        return (self._m2 / (self.n_checkpoints_ - 1)).mean(axis=1)
