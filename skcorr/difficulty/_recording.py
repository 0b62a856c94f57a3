"""Record training dynamics of scikit-learn estimators that learn by
``partial_fit`` (and of skorch nets, through :class:`TrainingDynamics`)."""

from numbers import Integral

import numpy as np
from sklearn.base import clone
from sklearn.utils import Bunch
from sklearn.utils.validation import check_consistent_length

from ..utils.fixes import Interval, validate_params
from ..utils.interrupts import reraise_interrupt
from ..utils.nets import net_input
from ..utils.progress import tick_epoch
from ..utils.seeding import draw_seed, is_skorch_net, set_random_states
from ..utils.validation import check_missing_labels, check_same_index
from ._buffers import DynamicsBuffer


def class_indices(y, classes):
    """Positions of the labels ``y`` in ``classes``."""
    y = np.asarray(y)
    index = np.searchsorted(classes, y)
    index = np.clip(index, 0, len(classes) - 1)
    if not np.all(classes[index] == y):
        raise ValueError(f"y holds labels outside the classes {list(classes)}.")
    return index


def _logits_of(estimator, X):
    if not hasattr(estimator, "decision_function"):
        raise ValueError(
            f"{type(estimator).__name__} has no decision_function: it cannot "
            "record logits; use record_logits=False."
        )
    scores = np.asarray(estimator.decision_function(X), dtype=np.float64)
    if scores.ndim == 1:  # binary: softmax([0, d]) is the sigmoid of d
        scores = np.column_stack([np.zeros_like(scores), scores])
    return scores


def _check_partial_fit(estimator):
    if not hasattr(estimator, "partial_fit"):
        raise ValueError(
            f"{type(estimator).__name__} has no partial_fit: record_dynamics needs "
            "an estimator that learns epoch by epoch (e.g. MLPClassifier, "
            "SGDClassifier(loss='log_loss')) or a skorch net."
        )
    if not hasattr(estimator, "predict_proba"):
        raise ValueError(
            f"{type(estimator).__name__} has no predict_proba; for SGDClassifier "
            "use loss='log_loss' or 'modified_huber'."
        )


def _memmap_path(memmap, what):
    if memmap is None:
        return None
    return f"{memmap}.{what}.npy"


@validate_params(
    {
        "estimator": [object],
        "X": ["array-like"],
        "y": ["array-like"],
        "max_epochs": [Interval(Integral, 1, None, closed="left")],
        "classes": ["array-like", None],
        "every": [Interval(Integral, 1, None, closed="left")],
        "X_record": ["array-like", None],
        "y_record": ["array-like", None],
        "record_logits": ["boolean"],
        "record_loss": ["boolean"],
        "memmap": [str, None],
        "random_state": ["random_state"],
    },
    prefer_skip_nested_validation=True,
)
def record_dynamics(estimator, X, y, max_epochs, *, classes=None, every=1,
                    X_record=None, y_record=None, record_logits=False,
                    record_loss=False, memmap=None, random_state=None):
    """Train a clone of ``estimator`` epoch by epoch and record its dynamics.

    For a scikit-learn estimator, each epoch is one call of ``partial_fit`` on
    ``(X, y)``; every ``every`` epochs the probabilities on the recording set
    (``X_record``, by default ``X``: the training set, without whatever
    augmentation training uses) are stored. A skorch net is fitted for
    ``max_epochs`` epochs with a :class:`TrainingDynamics` callback.

    Parameters
    ----------
    estimator : estimator instance
        A classifier with ``partial_fit`` and ``predict_proba`` (e.g.
        :class:`~sklearn.neural_network.MLPClassifier`,
        :class:`~sklearn.linear_model.SGDClassifier` with ``loss="log_loss"``),
        or a skorch ``NeuralNetClassifier``. It is cloned, not modified.
    X : array-like of shape (n_samples, ...)
        Training inputs.
    y : array-like of shape (n_samples,)
        Training labels.
    max_epochs : int
        Epochs to train (skorch's name; a net's own ``max_epochs`` is
        replaced by it).
    classes : array-like, default=None
        All classes, for ``partial_fit``; by default the labels in ``y``.
    every : int, default=1
        Record every ``every`` epochs (epochs ``every, 2 every, ...``).
    X_record, y_record : array-like, default=None
        Examples to record (default: the training set).
    record_logits : bool, default=False
        Also record ``decision_function`` (the module's raw outputs for nets).
    record_loss : bool, default=False
        Also record the per-example cross-entropy loss.
    memmap : str, default=None
        File prefix: write the records into numpy memmaps
        (``{memmap}.proba.npy``, ...) instead of memory.
    random_state : int, RandomState instance or None, default=None
        Seed set into every nested ``random_state`` of the clone when given
        (an integer drawn from it). For skorch nets, seed torch yourself or use
        :class:`ExampleDifficulty`.

    Returns
    -------
    result : Bunch
        ``estimator`` (the fitted clone), ``dynamics`` of shape
        (n_samples, n_records, n_classes), ``epochs`` (the 1-based epochs
        recorded), ``classes``, ``y`` (class indices of the recorded examples)
        and, when asked, ``logits`` and ``loss`` (n_samples, n_records).

    Raises
    ------
    ValueError
        For an estimator without ``partial_fit`` or ``predict_proba``;
        missing labels in ``y`` or ``y_record`` (None, NaN, ``pd.NA``) or
        labels of mixed types; labels outside ``classes``; ``X_record``
        without ``y_record``; pandas inputs with different indexes.

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from sklearn.linear_model import SGDClassifier
    >>> from skcorr.difficulty import record_dynamics
    >>> X, y = load_iris(return_X_y=True)
    >>> result = record_dynamics(SGDClassifier(loss="log_loss"), X, y, max_epochs=4,
    ...                          random_state=0)
    >>> result.dynamics.shape, result.epochs
    ((150, 4, 3), [1, 2, 3, 4])
    """
    check_same_index(X=X, y=y)
    check_same_index(X_record=X_record, y_record=y_record)
    check_missing_labels(y, "y")
    if y_record is not None:
        check_missing_labels(y_record, "y_record")
    estimator = clone(estimator)
    if random_state is not None:
        seed = (
            random_state
            if isinstance(random_state, Integral)
            else draw_seed(random_state)
        )
        set_random_states(estimator, seed)
    if is_skorch_net(estimator):
        return _record_skorch(estimator, X, y, max_epochs, every=every,
                              X_record=X_record, y_record=y_record,
                              record_logits=record_logits, record_loss=record_loss,
                              memmap=memmap)
    _check_partial_fit(estimator)
    check_consistent_length(X, y)
    classes = np.unique(y) if classes is None else np.asarray(classes)
    if X_record is None:
        X_record, y_record = X, y
    elif y_record is None:
        raise ValueError("Pass y_record together with X_record.")
    y_index = class_indices(y_record, classes)
    max_records = max_epochs // every
    buffers = {
        name: DynamicsBuffer(_memmap_path(memmap, name), max_records)
        for name, wanted in (("proba", True), ("logits", record_logits),
                             ("loss", record_loss))
        if wanted
    }
    epochs = []
    for epoch in range(1, max_epochs + 1):
        with reraise_interrupt():
            estimator.partial_fit(X, y, classes=classes)
        tick_epoch()
        if epoch % every:
            continue
        proba = np.asarray(estimator.predict_proba(X_record), dtype=np.float64)
        buffers["proba"].append(proba)
        if record_logits:
            buffers["logits"].append(_logits_of(estimator, X_record))
        if record_loss:
            p_y = proba[np.arange(proba.shape[0]), y_index]
            loss = -np.log(np.clip(p_y, np.finfo(np.float64).eps, 1.0))
            buffers["loss"].append(loss[:, None])
        epochs.append(epoch)
    return _result(estimator, buffers, epochs, classes, y_index)


def _result(estimator, buffers, epochs, classes, y_index):
    result = Bunch(
        estimator=estimator,
        dynamics=buffers["proba"].result(),
        epochs=epochs,
        classes=np.asarray(classes),
        y=y_index,
    )
    if "logits" in buffers:
        result.logits = buffers["logits"].result()
    if "loss" in buffers:
        loss = buffers["loss"].result()
        result.loss = None if loss is None else loss[..., 0]
    return result


def _record_skorch(net, X, y, max_epochs, *, every, X_record, y_record,
                   record_logits, record_loss, memmap):
    from ._callbacks import TrainingDynamics

    # torch multiplies one dtype: float X in the net's (float64 -> float32).
    X = net_input(net, X)
    if X_record is not None:
        X_record = net_input(net, X_record)
    callback = TrainingDynamics(every=every, X=X_record, y=y_record,
                                record_logits=record_logits,
                                record_loss=record_loss, memmap=memmap)
    callbacks = net.callbacks if isinstance(net.callbacks, list) else []
    net.set_params(max_epochs=max_epochs,
                   callbacks=[*callbacks, ("training_dynamics", callback)])
    with reraise_interrupt():
        net.fit(X, y)
    recorded = dict(net.callbacks_)["training_dynamics"]
    result = Bunch(
        estimator=net,
        dynamics=recorded.dynamics_,
        epochs=list(recorded.epochs_),
        classes=np.arange(recorded.dynamics_.shape[-1]),
        y=recorded.y_,
    )
    if record_logits:
        result.logits = recorded.logits_
    if record_loss:
        result.loss = recorded.loss_
    return result
