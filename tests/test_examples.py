"""Every example in examples/ runs to the end and draws its figures: a smoke
test with matplotlib's non-interactive backend and ``SKCORR_QUICK=1`` (examples
read it to shrink their sizes)."""

import runpy
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


@pytest.mark.parametrize(
    "path", sorted(EXAMPLES.glob("plot_*.py")), ids=lambda path: path.name
)
def test_example_runs(path, monkeypatch):
    pytest.importorskip("matplotlib")
    monkeypatch.setenv("MPLBACKEND", "Agg")
    monkeypatch.setenv("SKCORR_QUICK", "1")
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    plt.close("all")
    try:
        runpy.run_path(str(path), run_name="__main__")
        figures = plt.get_fignums()
    finally:
        plt.close("all")
    # a gallery example shows what it computed: it ran to its figures
    assert figures, f"{path.name} drew no figure"
