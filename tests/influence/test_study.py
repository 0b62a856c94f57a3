import numpy as np
import pytest

from skcorr.influence._study import make_ratings, run_reciprocity_study


def test_ratings_study_is_seeded_and_reciprocal_only_on_a_shared_set():
    first = run_reciprocity_study("ratings", max_epochs=3, random_state=1)
    again = run_reciprocity_study("ratings", max_epochs=3, random_state=1)
    scores = first["scores"]
    assert list(scores.index) == ["tracin_shared", "tracin_separate",
                                  "tracin_ideal"]
    np.testing.assert_array_equal(scores.to_numpy(), again["scores"].to_numpy())
    assert scores.loc["tracin_shared", "gap"] == pytest.approx(1.0)
    assert scores.loc["tracin_separate", "gap"] < 1.0
    # per-step TracInIdeal on the same shared set is not reciprocal
    assert scores.loc["tracin_ideal", "gap"] < 1.0
    flows = first["flows"]["tracin_separate"]
    assert len(flows) == 50 and flows["n_eval"].min() >= 1
    ideal = first["flows"]["tracin_ideal"]
    assert len(ideal) == 50 and ideal["n_train"].sum() == flows["n_train"].sum()
    assert first["top_givers"].index[0] == flows["outflow"].idxmax()


def test_make_ratings_shape_and_errors():
    X, y = make_ratings(n_users=5, n_items=8, ratings_per_user=4, random_state=0)
    assert X.shape == (20, 2) and y.shape == (20, 1)
    assert all(len(set(X[X[:, 0] == u, 1])) == 4 for u in range(5))
    with pytest.raises(ValueError, match="dataset must be one of"):
        run_reciprocity_study("movielens")
    with pytest.raises(ValueError, match="test_fraction"):
        run_reciprocity_study("diabetes", test_fraction=1.5)
