import numpy as np
import pytest
import torch
from skorch import NeuralNetClassifier

from skcorr.influence import TracInCheckpoints


class SmallMLP(torch.nn.Module):
    def __init__(self, n_features=4, n_hidden=6, n_classes=3):
        super().__init__()
        self.hidden = torch.nn.Linear(n_features, n_hidden)
        self.output = torch.nn.Linear(n_hidden, n_classes)

    def forward(self, X):
        return self.output(torch.tanh(self.hidden(X)))


def make_classification_data(n_samples=40, random_state=0):
    rng = np.random.RandomState(random_state)
    X = rng.randn(n_samples, 4).astype(np.float32)
    y = (np.digitize(X[:, 0] + 0.5 * X[:, 1], [-0.5, 0.5])).astype(np.int64)
    return X, y


@pytest.fixture
def classification_data():
    return make_classification_data()


def fit_small_net(X, y, directory=None, checkpoint_epochs=(1, 3, 5), max_epochs=5):
    torch.manual_seed(0)
    keeper = TracInCheckpoints(checkpoint_epochs=list(checkpoint_epochs),
                               directory=directory)
    net = NeuralNetClassifier(
        SmallMLP,
        criterion=torch.nn.CrossEntropyLoss,
        max_epochs=max_epochs,
        lr=0.2,
        batch_size=10,
        train_split=None,
        callbacks=[("tracin", keeper)],
        verbose=0,
    )
    return net.fit(X, y), keeper
