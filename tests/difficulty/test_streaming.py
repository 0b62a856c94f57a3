"""Every difficulty score of an array reads it in blocks of samples: a memmap
scored in several blocks (the last one ragged) gives the scores of the whole
array in memory and of hand-written formulas, and the validation, done block
by block in the same pass, raises the messages of the whole array."""

import subprocess
import sys

import numpy as np
import pytest
from sklearn.utils._param_validation import InvalidParameterError

from skcorr import difficulty
from skcorr.difficulty._dynamics import DYNAMICS_KERNELS, dynamics_scores
from skcorr.difficulty._score_functions import DYNAMICS_SCORES

N, T, C = 23, 4, 3  # blocks of 5 samples: 5, 5, 5, 5 and a ragged 3
BLOCK = 5
# Tolerance against the hand formulas: the same float64 numbers through other
# but equivalent operations (fancy indexing, np.where, np.linalg.norm, Python
# loops) differ by a few eps (2.2e-16) relative on values of order 1; the
# absolute term covers scores that are exactly or nearly 0.
FORMULA = dict(rtol=1e-12, atol=1e-15)


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    rng = np.random.RandomState(0)
    logits = rng.normal(scale=2.0, size=(N, T, C))
    proba = np.exp(logits) / np.exp(logits).sum(axis=-1, keepdims=True)
    path = tmp_path_factory.mktemp("streaming") / "dynamics.f32"
    memmap = np.memmap(path, np.float32, "w+", shape=(N, T, C))
    memmap[:] = proba
    memmap.flush()
    memmap = np.memmap(path, np.float32, "r", shape=(N, T, C))
    y = rng.randint(C, size=N)
    # the float32 numbers, exactly, in float64: what every score computes on
    return y, memmap, np.asarray(memmap, dtype=np.float64)


def _p_y(P, y):
    return P[np.arange(len(y)), ..., y]


def _others_max(P, y):
    onehot = np.eye(P.shape[-1], dtype=bool)[y]
    if P.ndim == 3:
        onehot = onehot[:, None, :]
    return np.where(onehot, -np.inf, P).max(axis=-1)


def _onehot(P, y):
    onehot = np.eye(P.shape[-1])[y]
    return onehot if P.ndim == 2 else onehot[:, None, :]


def _correct(P, y):
    predicted = P.argmax(axis=-1)
    return predicted == (y if P.ndim == 2 else y[:, None])


def _sequence_scores(acc):
    """forgetting, first learned, iteration learned, unforgettable by loops."""
    forgetting, first, iteration, unforgettable = [], [], [], []
    for row in acc.tolist():
        pairs = zip(row[:-1], row[1:], strict=True)
        forgetting.append(sum(a and not b for a, b in pairs))
        first.append(row.index(True) if True in row else len(row))
        stays = len(row)
        while stays > 0 and row[stays - 1]:
            stays -= 1
        iteration.append(stays)
        unforgettable.append(-1.0 if True in row and forgetting[-1] == 0 else 0.0)
    return forgetting, first, iteration, unforgettable


# name -> (function, takes y, hand formula of (P, y)); 2-D and 3-D
POINTWISE = {
    "loss": (difficulty.loss, True,
             lambda P, y: -np.log(np.maximum(_p_y(P, y), np.finfo(float).eps))),
    "accuracy": (difficulty.accuracy, True, lambda P, y: -1.0 * _correct(P, y)),
    "confidence": (difficulty.confidence, True, lambda P, y: -_p_y(P, y)),
    "max_confidence": (difficulty.max_confidence, False,
                       lambda P, y: -P.max(axis=-1)),
    "entropy": (difficulty.entropy, False,
                lambda P, y: -np.sum(np.where(P > 0, P * np.log(P), 0.0), axis=-1)),
    "margin": (difficulty.margin, True,
               lambda P, y: _others_max(P, y) - _p_y(P, y)),
    "el2n": (difficulty.el2n, True,
             lambda P, y: np.linalg.norm(P - _onehot(P, y), axis=-1)),
}
# 3-D only
DYNAMICS = {
    "area_under_margin": (difficulty.area_under_margin,
                          lambda P, y: (_others_max(P, y) - _p_y(P, y)).mean(axis=1)),
    "forgetting_events": (difficulty.forgetting_events,
                          lambda P, y: _sequence_scores(_correct(P, y))[0]),
    "first_learned": (difficulty.first_learned,
                      lambda P, y: _sequence_scores(_correct(P, y))[1]),
    "iteration_learned": (difficulty.iteration_learned,
                          lambda P, y: _sequence_scores(_correct(P, y))[2]),
    "unforgettable": (difficulty.unforgettable,
                      lambda P, y: _sequence_scores(_correct(P, y))[3]),
}


def _call(function, with_y, y, proba, **kwargs):
    return function(y, proba, **kwargs) if with_y else function(proba, **kwargs)


@pytest.mark.parametrize("epochs", ["one checkpoint", "dynamics"])
@pytest.mark.parametrize("name", POINTWISE)
def test_pointwise_scores_of_memmap_blocks_are_the_whole_array_scores(
    data, name, epochs
):
    y, memmap, P = data
    function, with_y, formula = POINTWISE[name]
    if epochs == "one checkpoint":
        memmap, P = memmap[:, -1], P[:, -1]
    blocked = _call(function, with_y, y, memmap, block_size=BLOCK)
    # the in-memory array in one block (the default holds 2**16 values)
    whole = _call(function, with_y, y, np.array(memmap))
    assert blocked.shape == whole.shape == P.shape[:-1]
    assert blocked.dtype == whole.dtype == np.float64
    # the same float64 operations on the same rows
    np.testing.assert_allclose(blocked, whole, rtol=1e-12, atol=0)
    np.testing.assert_allclose(blocked, formula(P, y), **FORMULA)
    for size in (1, N, 10 * N):  # one sample, exactly one block, more than all
        np.testing.assert_allclose(
            _call(function, with_y, y, memmap, block_size=size), whole,
            rtol=1e-12, atol=0,
        )


@pytest.mark.parametrize("name", DYNAMICS)
def test_dynamics_scores_of_memmap_blocks_are_the_whole_array_scores(data, name):
    y, memmap, P = data
    function, formula = DYNAMICS[name]
    blocked = function(y, memmap, block_size=BLOCK)
    whole = function(y, np.array(memmap))
    assert blocked.dtype == whole.dtype  # counts stay integers
    np.testing.assert_allclose(blocked, whole, rtol=1e-12, atol=0)
    np.testing.assert_allclose(blocked, formula(P, y), **FORMULA)


def test_cartography_of_memmap_blocks(data):
    y, memmap, P = data
    blocked = difficulty.cartography(y, memmap, block_size=BLOCK)
    whole = difficulty.cartography(y, np.array(memmap))
    p_y = _p_y(P, y)
    expected = {"confidence": -p_y.mean(axis=1), "variability": p_y.std(axis=1),
                "correctness": -_correct(P, y).mean(axis=1)}
    assert list(blocked) == list(expected)
    for key, values in expected.items():
        np.testing.assert_allclose(blocked[key], whole[key], rtol=1e-12, atol=0)
        np.testing.assert_allclose(blocked[key], values, **FORMULA)


def test_example_difficulty_pass_gives_every_registered_score(data):
    y, memmap, _ = data
    names = list(DYNAMICS_SCORES)
    assert set(DYNAMICS_KERNELS) == set(names)
    together = dynamics_scores(y, memmap, names, block_size=BLOCK)
    for name in names:  # oracle: the score functions, one by one, in memory
        np.testing.assert_allclose(
            together[name], DYNAMICS_SCORES[name](y, np.array(memmap)),
            rtol=1e-12, atol=0, err_msg=name,
        )


@pytest.mark.parametrize("function", [difficulty.ensemble_accuracy,
                                      difficulty.ensemble_agreement])
def test_ensemble_scores_of_memmap_blocks(tmp_path, function):
    rng = np.random.RandomState(1)
    y = rng.randint(3, size=N)
    Y = np.where(rng.rand(N, 4) < 0.6, y[:, None], rng.randint(3, size=(N, 4)))
    Y[0] = y[0]  # all right
    Y[1] = (y[1] + 1) % 3  # all wrong
    path = tmp_path / "predictions.npy"
    np.save(path, Y)
    memmap = np.load(path, mmap_mode="r")
    right = (Y == y[:, None]).tolist()
    if function is difficulty.ensemble_accuracy:
        expected = [-sum(row) / len(row) for row in right]
    else:
        expected = [-1.0 if all(row) else 1.0 if not any(row) else 0.0
                    for row in right]
    np.testing.assert_allclose(function(y, memmap, block_size=BLOCK), expected,
                               rtol=1e-12, atol=0)
    np.testing.assert_array_equal(function(y, memmap, block_size=BLOCK),
                                  function(y, Y))


@pytest.mark.parametrize("block_size", [0, -1, 2.5, "5"])
def test_block_size_must_be_a_positive_integer(data, block_size):
    y, memmap, _ = data
    with pytest.raises(InvalidParameterError, match="'block_size' parameter"):
        difficulty.loss(y, memmap, block_size=block_size)


# ------------------------------------------------- validation over blocks
def _messages(function, *args, sizes=(1, 2, BLOCK, None)):
    """The error message for each block size (all must raise)."""
    messages = []
    for size in sizes:
        with pytest.raises(ValueError) as error:
            function(*args, block_size=size)
        messages.append(str(error.value))
    return messages


def _bad_rows(data):
    y, memmap, _ = data
    proba = np.array(memmap[:, -1])
    proba[2] = [0.2, 0.3, 0.4]    # sums to 0.9, first block
    proba[11] = [0.5, 0.5, 0.25]  # sums to 1.25: the worst, third block
    proba[16] = [0.25, 0.5, 0.5]  # 1.25 too (exact in float32), later: not named
    proba[21] = [0.3, 0.3, 0.39]  # sums to 0.99, the ragged last block
    return y, proba


def test_rows_not_summing_to_one_are_counted_over_every_block(data):
    y, proba = _bad_rows(data)
    messages = _messages(difficulty.loss, y, proba)
    assert len(set(messages)) == 1  # whatever the block size
    assert messages[0].startswith(
        "proba has 4 row(s) whose probabilities do not sum to 1 (worst: sum 1.25 "
        "at row 11; tolerance 9.5e-06 for 3 classes in float32)."
    )


def test_dynamics_rows_name_sample_and_epoch_over_blocks(data):
    y, memmap, _ = data
    dynamics = np.array(memmap)
    dynamics[3, 1] = [0.5, 0.5, 0.1]
    dynamics[17, 2] = [0.5, 0.5, 0.5]  # the worst, fourth block
    messages = _messages(difficulty.area_under_margin, y, dynamics)
    assert len(set(messages)) == 1
    assert messages[0].startswith(
        "dynamics has 2 (sample, epoch) row(s) whose probabilities do not sum to "
        "1 (worst: sum 1.5 at (sample, epoch) row (17, 2);"
    )


def test_nan_and_range_are_counted_over_every_block(data):
    y, memmap, _ = data
    proba = np.array(memmap[:, -1])
    proba[1, 0] = np.nan
    proba[12, 1:] = [np.inf, np.nan]
    proba[22, 2] = np.nan  # the ragged last block
    messages = _messages(difficulty.el2n, y, proba)
    assert set(messages) == {"proba contains 4 NaN or infinite value(s)."}
    logits = np.array(memmap[:, -1])
    logits[3, 0] = -0.5
    logits[20, 1] = 2.5
    messages = _messages(difficulty.entropy, logits)
    assert set(messages) == {
        "proba must hold probabilities in [0, 1]; got values in [-0.5, 2.5]. "
        "Apply a softmax to logits first."
    }


def test_probabilities_are_named_before_labels(data):
    y, proba = _bad_rows(data)
    bad_labels = y + 5
    # both wrong: the probabilities first, as check_proba did before labels
    assert _messages(difficulty.margin, bad_labels, proba) == _messages(
        difficulty.margin, y, proba)
    # only the labels wrong: their message, after the pass over the blocks
    y, memmap, _ = data
    for message in _messages(difficulty.margin, bad_labels, memmap):
        assert message.startswith(
            f"y holds class indices in [{bad_labels.min()}, {bad_labels.max()}] "
            "but the probabilities have 3 columns"
        )
    with pytest.raises(ValueError, match="y has 22 samples but the probabilities "
                       "have 23"):
        difficulty.forgetting_events(y[:-1], memmap, block_size=BLOCK)


# ------------------------------------------------------ memory, end to end
_CHILD = """
import resource, sys
import numpy as np
from skcorr import difficulty
path, n = sys.argv[1], int(sys.argv[2])
dynamics = np.memmap(path, np.float32, "r", shape=(n, 50, 10))
y = np.zeros(n, dtype=np.intp)
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
result = getattr(difficulty, sys.argv[3])(y, dynamics)
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print((after - before) / 1024, result.shape[0])  # KiB on Linux -> MiB
"""


@pytest.mark.slow
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="ru_maxrss in KiB")
@pytest.mark.parametrize("name", ["area_under_margin", "el2n"])
def test_a_memmap_larger_than_its_blocks_is_scored_in_bounded_memory(
    tmp_path, name
):
    n = 100_000  # 200 MB of float32: before streaming, 0.6 GB more at peak
    path = tmp_path / "dynamics.f32"
    dynamics = np.memmap(path, np.float32, "w+", shape=(n, 50, 10))
    for start in range(0, n, 10_000):
        dynamics[start:start + 10_000] = 0.1
    dynamics.flush()
    del dynamics
    output = subprocess.run(
        [sys.executable, "-c", _CHILD, str(path), str(n), name],
        capture_output=True, text=True, check=True,
    ).stdout.split()
    grown, n_scored = float(output[0]), int(output[1])
    assert n_scored == n
    # the result (el2n: n x 50 float64, 40 MB) plus a few blocks of 512 KiB;
    # the file itself (200 MB) must not stay resident
    result_mib = (n * 50 * 8 if name == "el2n" else n * 8) / 2**20
    assert grown < result_mib + 30
