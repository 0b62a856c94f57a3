"""benchmarks/device_check.py end to end: CPU against CPU, and no device -> exit 2.

The script compares skcorr's torch paths on the CPU and on a device; on
``--device cpu`` both sides are the same computation on the same data, so
every path must run, agree and be bit-identical, and ``results.json`` must
say so. The CUDA comparison itself runs only on a machine with a GPU.
"""

import json
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("torch")
pytest.importorskip("skorch")

SCRIPT = Path(__file__).resolve().parents[1] / "benchmarks" / "device_check.py"
PATHS = [
    "per_example_gradients",
    "TracIn (skorch net)",
    "TracIn (module, callback)",
    "grand",
    "vog",
    "ExampleDifficulty (skorch net)",
]


def _run(*args, timeout=300):
    return subprocess.run(
        [sys.executable, str(SCRIPT), *args], capture_output=True, text=True,
        timeout=timeout, check=False,
    )


def test_cpu_against_cpu_quick(tmp_path):
    done = _run("--device", "cpu", "--quick", "--out", str(tmp_path))
    assert done.returncode == 0, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    assert len(lines) == len(PATHS) + 1
    for line, name in zip(lines, PATHS, strict=False):
        assert line.startswith(name)
        assert "agreed yes" in line
    payload = json.loads((tmp_path / "results.json").read_text())
    assert payload["all_agree"] is True
    assert payload["device"] == "cpu"
    assert [row["what"] for row in payload["rows"]] == PATHS
    for row in payload["rows"]:
        assert "error" not in row, row.get("traceback")
        # the same computation on the same data: bit for bit
        assert row["bit_identical"] is True, row["what"]
        assert row["max_diff"] == 0.0
        assert 0 < row["tolerance"] < float("inf")
        assert row["timings"]["device"]["rounds"] >= 5
        assert row["throughput"] > 0
    difficulty = payload["rows"][-1]["scores"]
    assert set(difficulty) == {
        "loss", "margin", "el2n", "area_under_margin", "grand", "vog"
    }
    assert all(score["spearman"] == 1.0 for score in difficulty.values())


def test_cuda_unavailable_exits_2_with_one_line(tmp_path):
    import torch

    if torch.cuda.is_available():
        pytest.skip("CUDA is available here: the device check would run")
    done = _run("--device", "cuda", "--quick", "--out", str(tmp_path), timeout=120)
    assert done.returncode == 2
    assert done.stdout == ""
    lines = done.stderr.splitlines()
    assert len(lines) == 1, done.stderr
    assert "'cuda' is not available" in lines[0]
    assert not (tmp_path / "results.json").exists()


def test_too_few_rounds_is_refused(tmp_path):
    done = _run("--device", "cpu", "--quick", "--rounds", "2", "--out",
                str(tmp_path), timeout=120)
    assert done.returncode == 2  # argparse's usage error
    assert "--rounds must be at least 5" in done.stderr
