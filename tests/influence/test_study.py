import numpy as np
import pytest

from skcorr.influence import run_reciprocity_study
from skcorr.influence._study import make_ratings

from ..datasets.movielens_files import write_u_data


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
        run_reciprocity_study("netflix")
    with pytest.raises(ValueError, match="test_fraction"):
        run_reciprocity_study("diabetes", test_fraction=1.5)


def test_movielens_file_gives_flows_for_every_user(tmp_path):
    rows = write_u_data(tmp_path / "u.data", n_users=30, n_items=25)
    results = run_reciprocity_study(
        "movielens", data_file=tmp_path / "u.data", max_epochs=3, random_state=0
    )
    again = run_reciprocity_study(
        "movielens", data_file=tmp_path, max_epochs=3, random_state=0
    )
    scores = results["scores"]
    assert results["dataset"] == "movielens"
    assert list(scores.index) == ["tracin_shared", "tracin_separate",
                                  "tracin_ideal"]
    np.testing.assert_array_equal(scores.to_numpy(), again["scores"].to_numpy())
    assert scores.loc["tracin_shared", "gap"] == pytest.approx(1.0)
    assert scores.loc["tracin_separate", "gap"] < 1.0
    users = np.unique(rows[:, 0])  # GroupLens ids, 1..30
    counts = np.bincount(rows[:, 0])[users]
    for setting in ("tracin_shared", "tracin_separate", "tracin_ideal"):
        flows = results["flows"][setting]
        np.testing.assert_array_equal(flows.index, users)
        assert np.isfinite(flows[["inflow", "outflow"]].to_numpy()).all()
    separate = results["flows"]["tracin_separate"]
    np.testing.assert_array_equal(separate["n_train"] + separate["n_eval"], counts)
    assert separate["n_eval"].min() >= 1


def test_movielens_subset_and_errors(tmp_path):
    write_u_data(tmp_path / "u.data")
    results = run_reciprocity_study(
        "movielens", data_file=tmp_path, max_users=8, max_epochs=2
    )
    assert len(results["flows"]["tracin_separate"]) == 8
    with pytest.raises(ValueError, match="'movielens' needs data_file.*grouplens"):
        run_reciprocity_study("movielens")
    with pytest.raises(ValueError, match="data_file applies to dataset='movielens'"):
        run_reciprocity_study("ratings", data_file=tmp_path)
    with pytest.raises(ValueError, match="max_users applies to dataset='movielens'"):
        run_reciprocity_study("diabetes", max_users=5)
    with pytest.raises(FileNotFoundError, match="No such file"):
        run_reciprocity_study("movielens", data_file=tmp_path / "missing.data")


def test_diabetes_individuals_grouped_by_a_column():
    from sklearn.datasets import load_diabetes

    frame = load_diabetes(as_frame=True).frame
    # sex has two values: one individual per value, owning exactly its rows
    results = run_reciprocity_study("diabetes", individuals="sex", max_epochs=3)
    flows = results["flows"]["tracin_separate"]
    counts = frame["sex"].value_counts().sort_index().to_numpy()
    np.testing.assert_array_equal(flows["n_train"] + flows["n_eval"], counts)
    # age has many values: 20 quantile bins of near-equal size, ordered by age
    results = run_reciprocity_study("diabetes", individuals="age", max_epochs=3)
    flows = results["flows"]["tracin_separate"]
    sizes = (flows["n_train"] + flows["n_eval"]).to_numpy()
    assert len(flows) == 20 and sizes.sum() == len(frame)
    assert sizes.min() >= 0.4 * len(frame) / 20  # ties keep equal ages together
    from skcorr.influence._study import _tabular_individuals

    bins = _tabular_individuals("age", frame, 20, np.random.RandomState(0))
    ages = frame["age"].to_numpy()
    for low, high in zip(range(19), range(1, 20), strict=True):
        assert ages[bins == low].max() < ages[bins == high].min()


def test_every_row_its_own_individual_keeps_the_shared_settings_only():
    results = run_reciprocity_study("breast_cancer", individuals="rows",
                                    max_epochs=3)
    assert list(results["scores"].index) == [
        "influence_shared", "influence_leverage", "tracin_shared", "tracin_ideal"]
    flows = results["flows"]["influence_shared"]
    assert len(flows) == 569 and (flows["n_train"] == 1).all()
    assert results["scores"].loc["influence_shared", "spearman"] == pytest.approx(1)
    shared = results["flows"]["tracin_shared"]
    assert results["top_givers"].index[0] == shared["outflow"].idxmax()


def test_individuals_errors_name_the_problem():
    with pytest.raises(ValueError, match=r"a column of the dataset \['age', 'sex'"):
        run_reciprocity_study("diabetes", individuals="height")
    with pytest.raises(ValueError, match="the individuals are the users"):
        run_reciprocity_study("ratings", individuals="rows")


def test_tracin_auto_follows_torch(monkeypatch):
    from skcorr.influence import ReciprocityStudy, _study

    monkeypatch.setattr(_study, "torch_available", lambda: False)
    plain = run_reciprocity_study("diabetes", tracin="auto", n_individuals=8)
    assert isinstance(plain, ReciprocityStudy) and plain.study == "reciprocity"
    assert list(plain["scores"].index) == [
        "influence_shared", "influence_leverage", "influence_separate"]
    assert "TracIn settings are left out" in plain["note"]
    assert plain.settings["tracin"] == "auto"
    # what tracin=False gives, the note aside
    chosen = run_reciprocity_study("diabetes", tracin=False, n_individuals=8)
    assert "note" not in chosen and chosen["scores"].equals(plain["scores"])
    assert set(plain.to_dict()) >= {"scores", "flows", "findings", "settings"}
