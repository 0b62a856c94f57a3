"""Prediction depth (torch): the layer from which k-NN probes agree with the
network's prediction (Baldock et al., 2021)."""

from numbers import Integral

import numpy as np
import torch
from sklearn.neighbors import NearestNeighbors

from ..utils.fixes import Interval, validate_params
from ..utils.torch import as_module, batches, module_input
from ._validation import check_labels


def default_layers(module):
    """Names of the leaf submodules that hold parameters, in order."""
    return [
        name
        for name, sub in module.named_modules()
        if name and not list(sub.children()) and list(sub.parameters(recurse=False))
    ]


def layer_activations(module, X, layers, batch_size=256):
    """Flattened activations of ``layers`` for ``X`` and the module's output."""
    named = dict(module.named_modules())
    unknown = [name for name in layers if name not in named]
    if unknown:
        raise ValueError(
            f"Unknown layer name(s) {unknown}; the module has {sorted(named)[1:]}."
        )
    store = {name: [] for name in layers}
    hooks = [
        named[name].register_forward_hook(
            lambda _m, _i, out, name=name: store[name].append(
                out.detach().reshape(out.shape[0], -1).cpu().double().numpy()
            )
        )
        for name in layers
    ]
    was_training = module.training
    module.eval()
    outputs = []
    try:
        with torch.no_grad():
            for rows in batches(X.shape[0], batch_size):
                outputs.append(module(X[rows]).detach().cpu().double().numpy())
    finally:
        for hook in hooks:
            hook.remove()
        module.train(was_training)
    return [np.concatenate(store[name]) for name in layers], np.concatenate(outputs)


def knn_probe_predictions(activations, labels, n_neighbors):
    """Leave-one-out k-NN majority vote of ``labels`` (ties: smallest label)."""
    n_samples = activations.shape[0]
    k = min(n_neighbors, n_samples - 1)
    nn = NearestNeighbors(n_neighbors=k + 1).fit(activations)
    _, index = nn.kneighbors(activations)
    # drop each example itself (it may not come first when duplicates exist)
    is_self = index == np.arange(n_samples)[:, None]
    order = np.argsort(is_self, axis=1, kind="stable")[:, :k]
    neighbours = np.take_along_axis(index, order, axis=1)
    votes = np.zeros((n_samples, int(labels.max()) + 1))
    rows = np.repeat(np.arange(n_samples), k)
    np.add.at(votes, (rows, labels[neighbours].ravel()), 1)
    return votes.argmax(axis=1)


@validate_params(
    {
        "estimator": "no_validation",
        "X": ["array-like", torch.Tensor],
        "y": ["array-like", None],
        "layers": [list, None],
        "n_neighbors": [Interval(Integral, 1, None, closed="left")],
        "batch_size": [Interval(Integral, 1, None, closed="left")],
    },
    prefer_skip_nested_validation=True,
)
def prediction_depth(estimator, X, y=None, *, layers=None, n_neighbors=30,
                     batch_size=256):
    """Prediction depth of each example (higher = harder).

    A k-nearest-neighbour probe (``k = n_neighbors``, leave-one-out over
    ``X``) is fitted to the probe labels on the activations of each layer.
    The prediction depth of an example is the first layer ``l`` from which
    every later probe (``l``, ..., last) predicts the network's final
    prediction; ``n_layers`` when even the last probe disagrees (Baldock et
    al., 2021; k = 30 as in Kwok et al., 2024).

    Parameters
    ----------
    estimator : torch.nn.Module or fitted skorch net
        The trained network.
    X : array-like or Tensor of shape (n_samples, ...)
        Inputs (the probes' training set as well), as the module expects them.
    y : array-like of shape (n_samples,), default=None
        Class indices the probes are fitted to (e.g. consensus labels of many
        runs); None uses the network's own predictions.
    layers : list of str, default=None
        Names of submodules (``module.named_modules()``) whose outputs are
        probed, in order; by default every leaf submodule with parameters.
    n_neighbors : int, default=30
        Neighbours of each k-NN probe.
    batch_size : int, default=256
        Examples per forward batch.

    Returns
    -------
    depth : ndarray of shape (n_samples,), dtype int
        Values in [0, n_layers].

    References
    ----------
    Baldock, Maennel, Neyshabur (2021), "Deep Learning Through the Lens of
    Example Difficulty", NeurIPS.

    Examples
    --------
    >>> import torch
    >>> from skcorr.difficulty import prediction_depth
    >>> _ = torch.manual_seed(0)
    >>> net = torch.nn.Sequential(torch.nn.Linear(2, 8), torch.nn.ReLU(),
    ...                           torch.nn.Linear(8, 2))
    >>> prediction_depth(net, torch.randn(40, 2), n_neighbors=5).shape
    (40,)
    """
    module, _ = as_module(estimator)
    X = module_input(X, module)
    if X.shape[0] < 2:
        raise ValueError("prediction_depth needs at least two samples.")
    layers = default_layers(module) if layers is None else list(layers)
    if not layers:
        raise ValueError("No layer to probe: pass layer names in `layers`.")
    activations, outputs = layer_activations(module, X, layers, batch_size)
    final = outputs.argmax(axis=1)
    labels = final if y is None else check_labels(y, n_samples=X.shape[0])
    agree = np.stack(
        [knn_probe_predictions(a, labels, n_neighbors) == final for a in activations],
        axis=1,
    )
    n_layers = agree.shape[1]
    disagree = ~agree
    last_disagree = n_layers - 1 - np.argmax(disagree[:, ::-1], axis=1)
    return np.where(disagree.any(axis=1), last_disagree + 1, 0)
