"""MovieLens 100K from local u.data files: codes, subsets and bad input."""

import numpy as np
import pytest
from sklearn.utils._param_validation import InvalidParameterError

from skcorr.datasets import load_movielens_100k

from .movielens_files import write_u_data


def test_hand_built_file_gives_0_based_codes_in_file_order(tmp_path):
    path = tmp_path / "u.data"
    # GroupLens ids with gaps: users 1, 3, 7 and items 2, 10; a blank line
    path.write_text("3\t10\t4\t100\n1\t2\t5\t200\n\n3\t2\t1\t300\n7\t10\t3\t400\n")
    data = load_movielens_100k(path)
    expected_X = np.array([[1, 1], [0, 0], [1, 0], [2, 1]], dtype=np.int64)
    np.testing.assert_array_equal(data.X, expected_X)
    assert data.X.dtype == np.int64
    np.testing.assert_array_equal(data.y, [[4.0], [5.0], [1.0], [3.0]])
    assert data.y.dtype == np.float32 and data.y.shape == (4, 1)
    np.testing.assert_array_equal(data.timestamps, [100, 200, 300, 400])
    assert (data.n_users, data.n_items) == (3, 2)
    np.testing.assert_array_equal(data.user_ids, [1, 3, 7])
    np.testing.assert_array_equal(data.item_ids, [2, 10])
    assert "grouplens.org/datasets/movielens/100k" in data.DESCR
    # the folder holding u.data, as a str, reads the same
    again = load_movielens_100k(str(tmp_path))
    np.testing.assert_array_equal(again.X, data.X)


def test_contiguous_ids_become_id_minus_one(tmp_path):
    rows = write_u_data(tmp_path / "u.data")
    data = load_movielens_100k(tmp_path)
    np.testing.assert_array_equal(data.X, rows[:, :2] - 1)
    np.testing.assert_array_equal(data.y.ravel(), rows[:, 2])
    np.testing.assert_array_equal(data.timestamps, rows[:, 3])
    assert (data.n_users, data.n_items) == (30, 25)
    assert data.n_items == data.X[:, 1].max() + 1


def test_max_users_draws_a_seeded_subset_sized_to_what_is_present(tmp_path):
    rows = write_u_data(tmp_path / "u.data")
    data = load_movielens_100k(tmp_path, max_users=10, random_state=0)
    again = load_movielens_100k(tmp_path, max_users=10, random_state=0)
    other = load_movielens_100k(tmp_path, max_users=10, random_state=1)
    np.testing.assert_array_equal(data.X, again.X)
    assert data.n_users == 10 and len(data.user_ids) == 10
    assert set(other.user_ids) != set(data.user_ids)
    # every rating of the users kept, and only theirs, with their own values
    kept = rows[np.isin(rows[:, 0], data.user_ids)]
    assert len(data.X) == len(kept)
    np.testing.assert_array_equal(data.user_ids[data.X[:, 0]], kept[:, 0])
    np.testing.assert_array_equal(data.item_ids[data.X[:, 1]], kept[:, 1])
    np.testing.assert_array_equal(data.y.ravel(), kept[:, 2])
    # codes are compact: an embedding of n_items rows fits every item present
    assert data.n_items == len(np.unique(kept[:, 1])) == data.X[:, 1].max() + 1
    assert str(10) in data.DESCR
    everyone = load_movielens_100k(tmp_path, max_users=100)
    assert everyone.n_users == 30


@pytest.mark.parametrize(
    "content, message",
    [
        ("1\t2\t3\n", r"line 1: expected 4 tab-separated fields .* got 3"),
        ("1\t2\t3\t4\n1\t2\t3\t4\t5\n", r"line 2: expected 4 .* got 5"),
        ("1\t2\t3\t4\nx\t2\t3\t4\n", r"line 2: the user id must be an integer; got 'x"),
        ("1\t2.5\t3\t4\n", r"line 1: the item id must be an integer; got '2.5'"),
        ("1\t2\t3\tnoon\n", r"line 1: the timestamp must be an integer"),
        ("1\t2\t6\t4\n", r"line 1: ratings must be numbers from 1 to 5; got '6'"),
        ("1\t2\t4\t4\n1\t3\t0\t4\n", r"line 2: ratings must be numbers from 1 to 5"),
        ("1\t2\tgood\t4\n", r"ratings must be numbers from 1 to 5; got 'good'"),
        ("1\t2\tnan\t4\n", r"ratings must be numbers from 1 to 5; got 'nan'"),
        ("0\t2\t3\t4\n", r"line 1: the user id must be at least 1 .* got 0"),
        ("1\t2\t3\t4\n1\t-2\t3\t4\n", r"line 2: the item id must be at least 1"),
        ("\n\n", r"holds no ratings"),
    ],
)
def test_bad_lines_are_named(tmp_path, content, message):
    path = tmp_path / "u.data"
    path.write_text(content)
    with pytest.raises(ValueError, match=message):
        load_movielens_100k(path)


def test_missing_file_or_folder_without_u_data(tmp_path):
    with pytest.raises(FileNotFoundError, match=r"No such file: .*nowhere.*grouplens"):
        load_movielens_100k(tmp_path / "nowhere" / "u.data")
    with pytest.raises(FileNotFoundError, match=r"No u.data in the folder"):
        load_movielens_100k(tmp_path)


def test_binary_file_and_bad_max_users(tmp_path):
    path = tmp_path / "u.data"
    path.write_bytes(b"\xff\xfe\x00\x01")
    with pytest.raises(ValueError, match="not a text file"):
        load_movielens_100k(path)
    write_u_data(path)
    with pytest.raises(InvalidParameterError, match="max_users"):
        load_movielens_100k(path, max_users=0)
