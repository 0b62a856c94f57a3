"""Small torch architectures for the difficulty study on square grey-scale
images, 8x8 digits by default, 28x28 MNIST too (imports torch and skorch)."""

import torch
from skorch import NeuralNetClassifier


class DigitsCNN(torch.nn.Module):
    """Two 3x3 convolutions on ``side`` x ``side`` digits (rows of pixels,
    shown 1 x side x side), 2x2 max pooling and a linear layer."""

    def __init__(self, channels=16, side=8):
        super().__init__()
        self.side = side
        self.features = torch.nn.Sequential(
            torch.nn.Conv2d(1, channels, 3, padding=1), torch.nn.ReLU(),
            torch.nn.Conv2d(channels, 2 * channels, 3, padding=1), torch.nn.ReLU(),
            torch.nn.MaxPool2d(2),
        )
        self.out = torch.nn.Linear(2 * channels * (side // 2) ** 2, 10)

    def forward(self, X):
        X = X.float().reshape(-1, 1, self.side, self.side)
        return self.out(self.features(X).flatten(1))


class DigitsMLP(torch.nn.Module):
    """One hidden ReLU layer on the ``n_pixels`` pixels."""

    def __init__(self, hidden=64, n_pixels=64):
        super().__init__()
        self.n_pixels = n_pixels
        self.hidden = torch.nn.Linear(n_pixels, hidden)
        self.out = torch.nn.Linear(hidden, 10)

    def forward(self, X):
        X = X.float().reshape(-1, self.n_pixels)
        return self.out(torch.relu(self.hidden(X)))


def make_net(module, **kwargs):
    params = dict(criterion=torch.nn.CrossEntropyLoss,
                  optimizer=torch.optim.SGD, optimizer__momentum=0.9, lr=0.05,
                  batch_size=64, train_split=None, verbose=0)
    params.update(kwargs)
    return NeuralNetClassifier(module, **params)


def torch_nets(image_shape=(8, 8)):
    height, width = image_shape
    if height != width:
        raise ValueError(f"The torch architectures take square images; got "
                         f"{height}x{width}.")
    return {
        "torch_cnn": make_net(DigitsCNN, module__side=height),
        "torch_mlp": make_net(DigitsMLP, module__n_pixels=height * width),
    }
