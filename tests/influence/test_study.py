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
    results = run_reciprocity_study("diabetes", individuals="sex", max_epochs=3,
                                    lds_subsets=0)
    flows = results["flows"]["tracin_separate"]
    counts = frame["sex"].value_counts().sort_index().to_numpy()
    np.testing.assert_array_equal(flows["n_train"] + flows["n_eval"], counts)
    # age has many values: 20 quantile bins of near-equal size, ordered by age
    results = run_reciprocity_study("diabetes", individuals="age", max_epochs=3,
                                    lds_subsets=0)
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


def test_attribution_check_is_the_lds_of_the_study_attributions():
    from sklearn.datasets import load_diabetes
    from sklearn.linear_model import Ridge
    from sklearn.preprocessing import StandardScaler

    from skcorr.influence import (
        LinearInfluence,
        linear_datamodeling_score,
        subset_retraining_outputs,
    )
    from skcorr.influence._study import _split_per_individual, _tabular_individuals

    results = run_reciprocity_study("diabetes", max_epochs=2, n_individuals=10,
                                    lds_subsets=4, random_state=0)
    check = results["attribution_check"]
    assert list(check.index) == ["influence", "influence_leverage", "tracin"]
    assert (check["n_subsets"] == 4).all()
    assert set(results.tables) == {"scores", "attribution_check"}
    # the same numbers from the public functions, on the study's split
    frame, y = load_diabetes(return_X_y=True, as_frame=True)
    rng = np.random.RandomState(0)
    groups = _tabular_individuals(None, frame, 10, rng)
    test = _split_per_individual(groups, 0.3, rng)
    X = StandardScaler().fit_transform(frame.to_numpy()).astype(np.float32)
    y = ((y - y.mean()) / y.std()).to_numpy().astype(np.float32)
    data = X[~test], y[~test], X[test], y[test]
    retraining = subset_retraining_outputs(Ridge(), *data, n_subsets=4,
                                           random_state=0)
    model = Ridge().fit(*data[:2])
    for name, leverage in (("influence", False), ("influence_leverage", True)):
        influence = LinearInfluence(model, leverage_correction=leverage).fit(
            *data[:2]).influence(data[2], data[3], *data[:2])
        expected = linear_datamodeling_score(retraining, influence)
        # the same computation; the table is rounded to 12 decimals
        assert check.loc[name, "lds"] == pytest.approx(expected.score, abs=1e-12)
        assert check.loc[name, "n_eval"] == test.sum()
    # influence functions of Ridge predict retraining well, and the finding
    # reports the table's numbers
    assert check.loc["influence", "lds"] > 0.5
    finding = results["findings"][-1]
    assert finding.evidence["lds"] == check["lds"].to_dict()
    assert "linear datamodeling score" in finding.text
    assert "attribution_check" in results.to_dict()


def test_attribution_check_can_be_left_out_and_needs_held_out_rows():
    plain = run_reciprocity_study("diabetes", tracin=False, lds_subsets=0)
    assert "attribution_check" not in plain
    assert not any("datamodeling" in f.text for f in plain["findings"])
    rows = run_reciprocity_study("diabetes", tracin=False, individuals="rows")
    assert "attribution_check" not in rows  # no held-out rows to check on
    for bad in (1, 2, -1, True, 2.5):
        with pytest.raises(ValueError, match="lds_subsets must be 0"):
            run_reciprocity_study("diabetes", tracin=False, lds_subsets=bad)


def test_attribution_finding_holds_only_three_standard_errors_above_zero():
    import pandas as pd

    from skcorr.influence._findings import attribution_finding

    # standard error 0.3 / sqrt(100) = 0.03: 0.1 is above 3 of them, 0.08 is not
    check = pd.DataFrame({"lds": [0.9, 0.1], "lds_sd": [0.2, 0.3],
                          "n_eval": [100, 100], "n_subsets": [20, 20]},
                         index=["influence", "tracin"])
    finding = attribution_finding(check)
    assert finding.holds and "every one predicts retraining" in finding.text
    assert finding.evidence == {"lds": {"influence": 0.9, "tracin": 0.1},
                                "n_subsets": 20}
    check.loc["tracin", "lds"] = 0.08
    finding = attribution_finding(check)
    assert not finding.holds and "tracin is not better than chance" in finding.text
