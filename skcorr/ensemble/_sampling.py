"""Which rows and columns each member of an ensemble trains on."""

from numbers import Integral

import numpy as np


def _count(value, total, what):
    """Resolve an int count or a float fraction of ``total`` to a count >= 1."""
    if value is None:
        return total
    if isinstance(value, Integral):
        if value > total:
            raise ValueError(
                f"{what}={value} is larger than the {total} available; pass at most "
                f"{total} or a fraction in (0, 1]."
            )
        return int(value)
    count = int(round(value * total))
    if count < 1:
        raise ValueError(
            f"{what}={value} of {total} is {value * total:.3g}, which rounds to 0: "
            f"every member would get none. Pass a fraction of at least "
            f"{1 / total:.3g} or a count of at least 1."
        )
    return count


def draw_rows(
    n_samples, seeds, *, max_samples=None, bootstrap=False, shared_fraction=None,
    random_state=None,
):
    """Rows of each member: all, a sample, or shared rows plus a disjoint part.

    Parameters
    ----------
    n_samples : int
    seeds : array-like of int
        One seed per member; the sample of member ``i`` is drawn from
        ``RandomState(seeds[i])``.
    max_samples : int, float or None
        Rows per member (a count, or a fraction of ``n_samples``).
    bootstrap : bool
        Draw with replacement.
    shared_fraction : float in [0, 1] or None
        A random fraction of rows common to every member; the other rows are
        split into disjoint, near-equal parts, one per member. 1 gives every member
        all rows; 0 gives disjoint training sets.
    random_state : RandomState
        Draws the shared/disjoint split.

    Returns
    -------
    rows : list of (ndarray of int or None)
        None means "all rows, in order" (no copy needed).

    Examples
    --------
    >>> import numpy as np
    >>> from skcorr.ensemble._sampling import draw_rows
    >>> rows = draw_rows(10, [1, 2], shared_fraction=0.4,
    ...                  random_state=np.random.RandomState(0))
    >>> [len(r) for r in rows], len(np.intersect1d(*rows))
    ([7, 7], 4)
    """
    n_members = len(seeds)
    if shared_fraction is not None:
        if max_samples is not None or bootstrap:
            raise ValueError(
                "shared_fraction splits the rows between members by itself; leave "
                "max_samples=None and bootstrap=False when you set it."
            )
        order = random_state.permutation(n_samples)
        n_shared = int(round(shared_fraction * n_samples))
        shared, rest = order[:n_shared], order[n_shared:]
        parts = np.array_split(rest, n_members)
        rows = [np.sort(np.concatenate([shared, part])) for part in parts]
        if min(len(r) for r in rows) == 0:
            raise ValueError(
                f"shared_fraction={shared_fraction} leaves a member with no rows: "
                f"{n_samples} samples for {n_members} members. Raise shared_fraction "
                "or use fewer members."
            )
        return rows
    if max_samples is None and not bootstrap:
        return [None] * n_members
    n_draw = _count(max_samples, n_samples, "max_samples")
    rows = []
    for seed in seeds:
        generator = np.random.RandomState(seed)
        if bootstrap:
            rows.append(generator.randint(0, n_samples, n_draw))
        else:
            rows.append(np.sort(generator.choice(n_samples, n_draw, replace=False)))
    return rows


def draw_features(n_features, seeds, *, max_features=None):
    """Columns of each member, drawn without replacement from ``seeds[i]``.

    Returns a list with None (all columns) per member when ``max_features`` is None.

    Examples
    --------
    >>> from skcorr.ensemble._sampling import draw_features
    >>> [len(f) for f in draw_features(6, [1, 2, 3], max_features=0.5)]
    [3, 3, 3]
    """
    if max_features is None:
        return [None] * len(seeds)
    n_draw = _count(max_features, n_features, "max_features")
    # A generator distinct from the row sampler's, so rows and columns vary
    # independently of each other.
    return [
        np.sort(
            np.random.RandomState((int(seed) + 1) % 2**31).choice(
                n_features, n_draw, replace=False
            )
        )
        for seed in seeds
    ]
