"""`import skcorr` stays light: no torch, pandas or matplotlib.

scikit-learn itself imports pandas when it is installed (``sklearn.utils.fixes``),
so subpackages built on scikit-learn are held to "nothing beyond what
``import sklearn`` loads".
"""

import subprocess
import sys

import pytest

HEAVY = ("torch", "pandas", "matplotlib")


def _heavy_modules_after(statement):
    code = (
        f"{statement}\nimport sys\n"
        f"print(','.join(m for m in {HEAVY!r} if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    return set(filter(None, out.stdout.strip().split(",")))


def test_import_skcorr_loads_no_heavy_dependency():
    assert _heavy_modules_after("import skcorr") == set()


@pytest.mark.parametrize("subpackage", ["metrics", "datasets", "utils.discovery"])
def test_subpackages_load_nothing_beyond_scikit_learn(subpackage):
    baseline = _heavy_modules_after("import sklearn.base")
    assert _heavy_modules_after(f"import skcorr.{subpackage}") <= baseline
    assert "torch" not in baseline and "matplotlib" not in baseline


def test_subpackages_are_loaded_on_attribute_access():
    import skcorr

    assert skcorr.metrics.pairwise_error_correlation is not None
    from skcorr.ensemble import evaluate_batch

    assert skcorr.evaluate_batch is evaluate_batch
    with pytest.raises(AttributeError, match="no attribute 'nonexistent'"):
        skcorr.nonexistent  # noqa: B018
