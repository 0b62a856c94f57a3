"""Small torch modules for the spurious-correlation study, for
:class:`skorch.NeuralNetClassifier` (with ``criterion=torch.nn.CrossEntropyLoss``:
the modules return logits).

This module imports torch; :mod:`skcorr.spurious` loads it on first access.
"""

import math

import torch
from torch import nn


class SpuriousMLP(nn.Module):
    """A multilayer perceptron on flat images: the study's MLPs, small.

    Parameters
    ----------
    n_features : int, default=784
        Input width (64 for scikit-learn's digits).
    n_classes : int, default=10
    hidden : tuple of int, default=(256,)
        Widths of the hidden layers (the study uses (256,), (256,)*3, (512,)*3).

    References
    ----------
    Yang, Chou, Chaudhuri (2022), arXiv:2202.05189.

    Examples
    --------
    >>> import torch
    >>> from skcorr.spurious import SpuriousMLP
    >>> SpuriousMLP(n_features=64, hidden=(16,))(torch.zeros(2, 64)).shape
    torch.Size([2, 10])
    """

    def __init__(self, n_features=784, n_classes=10, hidden=(256,)):
        super().__init__()
        layers, width = [], n_features
        for size in hidden:
            layers += [nn.Linear(width, size), nn.ReLU()]
            width = size
        layers.append(nn.Linear(width, n_classes))
        self.layers = nn.Sequential(*layers)

    def forward(self, X):
        X = X.reshape(X.shape[0], -1).to(self.layers[0].weight.dtype)
        return self.layers(X)


class SpuriousCNN(nn.Module):
    """A small convolutional network on images stored flat.

    Two 3x3 convolutions (padding 1) with ReLU, the second followed by 2x2 max
    pooling, then a linear layer. Rows of ``X`` are reshaped to
    ``image_shape`` (``(H, W)`` or channels-first ``(C, H, W)``).

    Parameters
    ----------
    image_shape : tuple of int, default=(28, 28)
        ``(8, 8)`` for scikit-learn's digits.
    n_classes : int, default=10
    channels : int, default=16
        Channels of both convolutions.

    References
    ----------
    Yang, Chou, Chaudhuri (2022), arXiv:2202.05189.

    Examples
    --------
    >>> import torch
    >>> from skcorr.spurious import SpuriousCNN
    >>> SpuriousCNN(image_shape=(8, 8), channels=4)(torch.zeros(2, 64)).shape
    torch.Size([2, 10])
    """

    def __init__(self, image_shape=(28, 28), n_classes=10, channels=16):
        super().__init__()
        shape = tuple(image_shape)
        self.image_shape = shape if len(shape) == 3 else (1, *shape)
        in_channels, height, width = self.image_shape
        self.features = nn.Sequential(
            nn.Conv2d(in_channels, channels, 3, padding=1),
            nn.ReLU(),
            nn.Conv2d(channels, channels, 3, padding=1),
            nn.ReLU(),
            nn.MaxPool2d(2),
        )
        n_flat = channels * math.floor(height / 2) * math.floor(width / 2)
        self.classifier = nn.Linear(n_flat, n_classes)

    def forward(self, X):
        X = X.reshape(X.shape[0], *self.image_shape)
        X = X.to(self.classifier.weight.dtype)
        return self.classifier(torch.flatten(self.features(X), 1))
