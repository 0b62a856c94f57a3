"""Prototype distances: how far an example lies from its class (or cluster)
centre in an embedding."""

from numbers import Integral

import numpy as np
from sklearn.cluster import KMeans
from sklearn.utils.validation import check_array, check_consistent_length

from ..utils.fixes import Interval, StrOptions, validate_params


@validate_params(
    {
        "X": ["array-like"],
        "y": ["array-like", None],
        "method": [StrOptions({"supervised", "kmeans"})],
        "n_clusters": [Interval(Integral, 1, None, closed="left"), None],
        "random_state": ["random_state"],
    },
    prefer_skip_nested_validation=True,
)
def prototype_distance(X, y=None, *, method="supervised", n_clusters=None,
                       random_state=None):
    """Euclidean distance of each example to its prototype (higher = harder).

    ``method="supervised"``: the prototype is the mean embedding of the
    example's class. ``method="kmeans"`` (self-supervised prototypes): the
    nearest centroid of :class:`~sklearn.cluster.KMeans` with ``n_clusters``
    centroids, by default the number of classes in ``y`` as in Kwok et al.
    (2024). Atypical examples lie far from their prototype.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
        Embeddings (or raw features) of the examples.
    y : array-like of shape (n_samples,), default=None
        Labels; needed for ``"supervised"``, and for ``"kmeans"`` when
        ``n_clusters`` is None.
    method : {"supervised", "kmeans"}, default="supervised"
        Which prototypes.
    n_clusters : int, default=None
        Number of k-means centroids; defaults to the number of classes.
    random_state : int, RandomState instance or None, default=None
        Seeds k-means.

    Returns
    -------
    distance : ndarray of shape (n_samples,)

    References
    ----------
    Sorscher, Geirhos, Shekhar, Ganguli, Morcos (2022), "Beyond neural scaling
    laws: beating power law scaling via data pruning", NeurIPS.
    Kwok, Anand, Frankle, Dziugaite, Rolnick (2024), arXiv:2401.01867.

    Examples
    --------
    >>> from skcorr.difficulty import prototype_distance
    >>> X = [[0.0], [2.0], [10.0], [10.0]]
    >>> prototype_distance(X, [0, 0, 1, 1])
    array([1., 1., 0., 0.])
    """
    X = check_array(X, dtype=np.float64, input_name="X")
    if y is None and (method == "supervised" or n_clusters is None):
        raise ValueError(
            f"prototype_distance(method={method!r}) needs y"
            + (" (or n_clusters)." if method == "kmeans" else ".")
        )
    if y is not None:
        y = np.asarray(y)
        if y.ndim != 1:
            raise ValueError(f"y must be one-dimensional; got shape {y.shape}.")
        check_consistent_length(X, y)
    if method == "supervised":
        classes, codes = np.unique(y, return_inverse=True)
        centres = np.zeros((classes.size, X.shape[1]))
        np.add.at(centres, codes, X)
        centres /= np.bincount(codes)[:, None]
        return np.linalg.norm(X - centres[codes], axis=1)
    if n_clusters is None:
        n_clusters = np.unique(y).size
    if n_clusters > X.shape[0]:
        raise ValueError(
            f"n_clusters={n_clusters} exceeds the number of samples {X.shape[0]}."
        )
    kmeans = KMeans(n_clusters=n_clusters, n_init=10, random_state=random_state)
    distances = kmeans.fit_transform(X)
    return distances.min(axis=1)
