"""Small local files in the format of MovieLens 100K's u.data, for the tests."""

import numpy as np


def write_u_data(path, n_users=30, n_items=25, ratings_per_user=(8, 15), seed=0):
    """Write a u.data-like file (tab-separated, 1-based ids) and return its rows.

    Every user rates a random set of items; ratings are a rank-2 score rounded
    into 1..5. Returns the rows ``(user id, item id, rating, timestamp)`` as an
    int64 array, in file order.
    """
    rng = np.random.RandomState(seed)
    users = rng.normal(size=(n_users, 2))
    items = rng.normal(size=(n_items, 2))
    rows = []
    for user in range(n_users):
        count = rng.randint(ratings_per_user[0], ratings_per_user[1] + 1)
        for item in rng.choice(n_items, count, replace=False):
            score = 3 + users[user] @ items[item] + 0.5 * rng.normal()
            rating = int(np.clip(np.rint(score), 1, 5))
            rows.append((user + 1, item + 1, rating, 874724710 + rng.randint(10**7)))
    rows = np.array(rows, dtype=np.int64)
    rows = rows[rng.permutation(len(rows))]  # u.data is not sorted by user
    path.write_text("".join("\t".join(map(str, row)) + "\n" for row in rows))
    return rows
