"""Small torch architectures for the digits study (imports torch and skorch)."""

import torch
from skorch import NeuralNetClassifier


class DigitsCNN(torch.nn.Module):
    """Two 3x3 convolutions on 8x8 digits (rows of 64 pixels, shown 1x8x8)."""

    def __init__(self, channels=16):
        super().__init__()
        self.features = torch.nn.Sequential(
            torch.nn.Conv2d(1, channels, 3, padding=1), torch.nn.ReLU(),
            torch.nn.Conv2d(channels, 2 * channels, 3, padding=1), torch.nn.ReLU(),
            torch.nn.MaxPool2d(2),
        )
        self.out = torch.nn.Linear(2 * channels * 16, 10)

    def forward(self, X):
        X = X.float().reshape(-1, 1, 8, 8)
        return self.out(self.features(X).flatten(1))


class DigitsMLP(torch.nn.Module):
    """One hidden ReLU layer on the 64 pixels."""

    def __init__(self, hidden=64):
        super().__init__()
        self.hidden = torch.nn.Linear(64, hidden)
        self.out = torch.nn.Linear(hidden, 10)

    def forward(self, X):
        X = X.float().reshape(-1, 64)
        return self.out(torch.relu(self.hidden(X)))


def make_net(module, **kwargs):
    params = dict(criterion=torch.nn.CrossEntropyLoss,
                  optimizer=torch.optim.SGD, optimizer__momentum=0.9, lr=0.05,
                  batch_size=64, train_split=None, verbose=0)
    params.update(kwargs)
    return NeuralNetClassifier(module, **params)


def torch_nets():
    return {"torch_cnn": make_net(DigitsCNN), "torch_mlp": make_net(DigitsMLP)}
