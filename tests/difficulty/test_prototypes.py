import numpy as np
import pytest
from sklearn.cluster import KMeans
from sklearn.datasets import make_blobs

from skcorr.difficulty import prototype_distance


def test_supervised_is_distance_to_class_mean():
    X, y = make_blobs(n_samples=40, centers=3, random_state=0)
    expected = [np.linalg.norm(X[i] - X[y == y[i]].mean(axis=0)) for i in range(40)]
    np.testing.assert_allclose(prototype_distance(X, y), expected)


def test_kmeans_uses_number_of_classes():
    X, y = make_blobs(n_samples=40, centers=3, random_state=0)
    kmeans = KMeans(3, n_init=10, random_state=0).fit(X)
    expected = kmeans.transform(X).min(axis=1)
    result = prototype_distance(X, y, method="kmeans", random_state=0)
    np.testing.assert_allclose(result, expected)


def test_supervised_needs_y():
    with pytest.raises(ValueError, match="needs y"):
        prototype_distance([[0.0], [1.0]])
