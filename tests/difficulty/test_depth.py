import numpy as np
import pytest

torch = pytest.importorskip("torch")

from sklearn.neighbors import KNeighborsClassifier  # noqa: E402

from skcorr.difficulty import prediction_depth  # noqa: E402
from skcorr.difficulty._depth import knn_probe_predictions  # noqa: E402


def test_knn_probe_is_leave_one_out_knn():
    rng = np.random.RandomState(0)
    A = rng.normal(size=(30, 3))
    labels = rng.randint(2, size=30)
    expected = []
    for i in range(30):
        keep = np.arange(30) != i
        knn = KNeighborsClassifier(n_neighbors=5).fit(A[keep], labels[keep])
        expected.append(knn.predict(A[[i]])[0])
    np.testing.assert_array_equal(knn_probe_predictions(A, labels, 5), expected)


def _threshold_net(threshold):
    identity = torch.nn.Linear(1, 1)
    head = torch.nn.Linear(1, 2)
    with torch.no_grad():
        identity.weight.fill_(1.0)
        identity.bias.zero_()
        head.weight.copy_(torch.tensor([[-1.0], [1.0]]))
        head.bias.copy_(torch.tensor([threshold, -threshold]))
    return torch.nn.Sequential(identity, head)


def test_hand_worked_depth():
    # labels: 0..9 class 0, 20..29 class 1; the net puts its boundary at 3.5
    X = np.r_[np.arange(10), np.arange(20, 30)].astype(np.float32)[:, None]
    y = np.r_[np.zeros(10, int), np.ones(10, int)]
    depth = prediction_depth(_threshold_net(3.5), X, y, n_neighbors=3)
    expected = np.where((X[:, 0] > 3.5) & (X[:, 0] < 10), 2, 0)
    np.testing.assert_array_equal(depth, expected)
    # with the boundary in the gap, every probe agrees with the net
    np.testing.assert_array_equal(
        prediction_depth(_threshold_net(15.0), X, n_neighbors=3), 0
    )


def test_unknown_layer_is_named():
    with pytest.raises(ValueError, match="Unknown layer"):
        prediction_depth(_threshold_net(0.0), np.zeros((4, 1)), layers=["nope"])
