"""A learned backbone: a small skorch MLP pretrained on labels, then used frozen.

:class:`MLPBackbone` is the deep-learning "shared backbone" of study A in
scikit-learn form: ``fit`` pretrains a :class:`skorch.NeuralNetClassifier`
(hidden ReLU layers, then a linear output layer over the classes) and
``transform`` returns the activations of the last hidden layer, the features a
new head would be trained on. Torch and skorch are imported inside ``fit`` and
``transform`` only, so importing this module (and :mod:`skcorr.ensemble`)
does not import torch.
"""

import copy
from numbers import Integral, Real

import numpy as np
from sklearn.base import (
    BaseEstimator,
    ClassNamePrefixFeaturesOutMixin,
    TransformerMixin,
)
from sklearn.utils import check_random_state
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted, validate_data

from ..utils.fixes import _fit_context
from ..utils.interrupts import reraise_interrupt
from ..utils.optional import require_torch, torch_available
from ..utils.parameters import RANDOM_STATE_CONSTRAINT, IntervalNotBool
from ..utils.seeding import MAX_SEED, seeded_randomness


def torch_backbone_available():
    """Whether torch and skorch can be imported (:class:`MLPBackbone` needs them).

    Returns
    -------
    bool

    Examples
    --------
    >>> from skcorr.ensemble._backbone import torch_backbone_available
    >>> isinstance(torch_backbone_available(), bool)
    True
    """
    return torch_available()


def _check_hidden_layer_sizes(hidden_layer_sizes):
    sizes = tuple(np.atleast_1d(hidden_layer_sizes).tolist())
    if not sizes or not all(
        isinstance(size, Integral) and not isinstance(size, bool) and size > 0
        for size in sizes
    ):
        raise ValueError(
            "hidden_layer_sizes must be a non-empty sequence of positive integers "
            f"(the width of each hidden layer), e.g. (64, 32); got "
            f"{hidden_layer_sizes!r}."
        )
    return sizes


class MLPBackbone(ClassNamePrefixFeaturesOutMixin, TransformerMixin, BaseEstimator):
    """A small MLP pretrained on the labels; its last hidden layer as features.

    ``fit`` trains a :class:`skorch.NeuralNetClassifier` whose module is a
    :class:`torch.nn.Sequential` of ``Linear`` and ``ReLU`` layers of widths
    ``hidden_layer_sizes``, then a ``Linear`` layer to the classes (Adam,
    cross-entropy, every row used for training). ``transform`` runs the net
    without its output layer: the penultimate-layer activations, of width
    ``hidden_layer_sizes[-1]`` (computed in float64, so that a row's features
    depend on the rest of the batch only at float64 rounding). Wrap the fitted
    transformer in :class:`sklearn.frozen.FrozenEstimator` to put heads on one
    frozen backbone; two backbones with different ``random_state`` are
    independent ones (weight initialisation and batch order differ).

    Needs torch and skorch (imported in ``fit`` and ``transform`` only).

    Parameters
    ----------
    hidden_layer_sizes : tuple of int, default=(64, 32)
        Width of each hidden ReLU layer; the last one is the number of features
        ``transform`` gives.
    max_epochs : int, default=30
        Epochs of pretraining.
    lr : float, default=0.01
        Learning rate of Adam.
    batch_size : int, default=64
        Rows per training batch.
    random_state : int, RandomState instance or None, default=None
        Seeds torch (weight initialisation) and the batch shuffling, inside
        ``fit`` only: the global generators are restored afterwards. The same
        integer gives bit-identical features in the same process.

    Attributes
    ----------
    net_ : skorch.NeuralNetClassifier
        The pretrained net; ``net_.module_`` is the ``torch.nn.Sequential``,
        whose last layer is the output layer.
    classes_ : ndarray of shape (n_classes,)
        The labels the net was pretrained on (output unit ``k`` is
        ``classes_[k]``).
    seed_ : int
        The integer seed drawn from ``random_state``.
    n_features_in_ : int
        Number of features seen during :term:`fit`.
    feature_names_in_ : ndarray of shape (``n_features_in_``,)
        Names of features seen during :term:`fit`, when ``X`` has string names.

    See Also
    --------
    run_scenario : ``"backbone"`` compares heads on one frozen backbone with
        heads on independent ones, this one among them.

    References
    ----------
    Li, Sarna, Lin (2025), "Quantifying Correlations of Machine Learning Models",
    arXiv:2502.03937 (heads trained on a shared foundation model).

    Examples
    --------
    >>> from sklearn.datasets import load_digits
    >>> from skcorr.ensemble import MLPBackbone
    >>> X, y = load_digits(return_X_y=True)
    >>> backbone = MLPBackbone((16, 8), max_epochs=3, random_state=0).fit(X / 16, y)
    >>> features = backbone.transform(X[:5] / 16)
    >>> features.shape, features.dtype
    ((5, 8), dtype('float64'))
    >>> bool((features >= 0).all())  # ReLU activations
    True
    """

    # Bools are refused: True would be read as 1 epoch, a rate of 1.0, ...
    _parameter_constraints = {
        "hidden_layer_sizes": ["array-like", IntervalNotBool(Integral, 1, None,
                                                             closed="left")],
        "max_epochs": [IntervalNotBool(Integral, 1, None, closed="left")],
        "lr": [IntervalNotBool(Real, 0, None, closed="neither")],
        "batch_size": [IntervalNotBool(Integral, 1, None, closed="left")],
        "random_state": RANDOM_STATE_CONSTRAINT,
    }

    def __init__(
        self,
        hidden_layer_sizes=(64, 32),
        *,
        max_epochs=30,
        lr=0.01,
        batch_size=64,
        random_state=None,
    ):
        self.hidden_layer_sizes = hidden_layer_sizes
        self.max_epochs = max_epochs
        self.lr = lr
        self.batch_size = batch_size
        self.random_state = random_state

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y):
        """Pretrain the net on ``(X, y)``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training data.
        y : array-like of shape (n_samples,)
            Class labels; at least two classes.

        Returns
        -------
        self : object
            Fitted.
        """
        torch = require_torch(type(self).__name__)
        from skorch import NeuralNetClassifier

        sizes = _check_hidden_layer_sizes(self.hidden_layer_sizes)
        X, y = validate_data(self, X, y, dtype=[np.float64, np.float32])
        check_classification_targets(y)
        self.classes_, codes = np.unique(y, return_inverse=True)
        if len(self.classes_) < 2:
            raise ValueError(
                f"{type(self).__name__} pretrains a classifier and needs at least "
                f"two classes in y; got 1 class ({self.classes_[0]})."
            )
        self.seed_ = int(check_random_state(self.random_state).randint(MAX_SEED))
        widths = (X.shape[1], *sizes)
        # Global generators are seeded, so fits run one at a time in a process.
        with seeded_randomness(self.seed_, torch=True):
            layers = []
            for n_in, n_out in zip(widths[:-1], widths[1:], strict=True):
                layers += [torch.nn.Linear(n_in, n_out), torch.nn.ReLU()]
            layers.append(torch.nn.Linear(widths[-1], len(self.classes_)))
            self.net_ = NeuralNetClassifier(
                torch.nn.Sequential(*layers),
                criterion=torch.nn.CrossEntropyLoss,
                optimizer=torch.optim.Adam,
                lr=self.lr,
                max_epochs=self.max_epochs,
                batch_size=self.batch_size,
                iterator_train__shuffle=True,
                train_split=None,
                verbose=0,
            )
            with reraise_interrupt():
                self.net_.fit(
                    np.array(X, dtype=np.float32, order="C"), codes.astype(np.int64)
                )
        self._n_features_out = sizes[-1]
        return self

    def transform(self, X):
        """The activations of the last hidden layer of the pretrained net.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Data, with the features seen in :meth:`fit`.

        Returns
        -------
        features : ndarray of shape (n_samples, hidden_layer_sizes[-1])
            Non-negative (ReLU) activations, computed in float64 from the
            net's weights.
        """
        check_is_fitted(self)
        X = validate_data(self, X, reset=False, dtype=[np.float64, np.float32])
        import torch

        # Every layer but the output layer, in float64: the activations of a
        # row then depend on the other rows of the batch (through the order of
        # the sums) only at float64 rounding, not at float32's 1e-6.
        body = copy.deepcopy(self.net_.module_[:-1]).double().eval()
        with torch.no_grad():
            features = body(torch.from_numpy(np.array(X, dtype=np.float64, order="C")))
        return features.numpy()

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.required = True
        return tags
