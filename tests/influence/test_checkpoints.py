import pytest
import torch

from skcorr.influence import TracInCheckpoints

from .conftest import fit_small_net, make_classification_data


def test_keeps_chosen_epochs_and_the_last_in_memory():
    X, y = make_classification_data()
    net, keeper = fit_small_net(X, y, checkpoint_epochs=[2, 4], max_epochs=5)
    assert [record["epoch"] for record in keeper.checkpoints_] == [2, 4, 5]
    assert keeper.learning_rates_ == [0.2, 0.2, 0.2]
    last = keeper.load(-1)
    for name, value in net.module_.state_dict().items():
        assert torch.equal(last[name], value.cpu())
    assert not torch.equal(keeper.load(0)["hidden.weight"], last["hidden.weight"])
    # the kept epochs are marked in net.history, as skorch's Checkpoint does
    marked = [row["epoch"] for row in net.history if row.get("event_tracin")]
    assert marked == [2, 4, 5]


def test_every_kth_epoch_and_on_disk(tmp_path):
    X, y = make_classification_data()
    net, _ = fit_small_net(X, y, max_epochs=5)
    keeper = TracInCheckpoints(checkpoint_epochs=2, directory=tmp_path / "k")
    net.set_params(callbacks__tracin=keeper)
    net.fit(X, y)
    assert [record["epoch"] for record in keeper.checkpoints_] == [2, 4, 5]
    assert all("state" not in record for record in keeper.checkpoints_)
    assert sorted(p.name for p in (tmp_path / "k").iterdir()) == [
        "tracin_epoch_00002.pt", "tracin_epoch_00004.pt", "tracin_epoch_00005.pt"
    ]
    state, rate = next(keeper.pairs())
    assert set(state) == set(net.module_.state_dict()) and rate == 0.2


def test_learning_rate_override_and_refit_resets():
    X, y = make_classification_data()
    net, keeper = fit_small_net(X, y, max_epochs=2, checkpoint_epochs=[1])
    keeper.set_params(learning_rate=0.05)
    net.fit(X, y)
    assert keeper.learning_rates_ == [0.05, 0.05]


@pytest.mark.parametrize("epochs", ["some", 0, [0, 2], [1.5]])
def test_bad_epochs_are_named(epochs):
    with pytest.raises(ValueError, match="checkpoint_epochs"):
        TracInCheckpoints(checkpoint_epochs=epochs).initialize()


def test_empty_callback_says_to_fit_first():
    with pytest.raises(ValueError, match="fit the net"):
        TracInCheckpoints().learning_rates_  # noqa: B018
