"""A plain ``pip install skcorr`` (no extras) imports and runs every command.

Building a virtual environment without the extras takes minutes; instead one
Python process runs with every package that only an extra brings (torch,
skorch, phik, dask, ... as ``setup.cfg`` lists them) hidden by a meta-path
finder installed from a ``sitecustomize`` module, so that ``import torch``
raises ``ModuleNotFoundError`` there and in the processes it starts. In it,
``import skcorr`` and every subpackage are imported, each command runs with
tiny settings (the report with all four studies), and what needs torch is
asked for: all of that once, for the tests below to read.
"""

import configparser
import json
import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tests.cli import TINY_RUNS

ROOT = Path(__file__).resolve().parents[1]
TORCH_LINE = 'pip install "skcorr[torch]"'


def _requirement_names(text):
    names = set()
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            names.add(re.split(r"[<>=!~\[; ]", line)[0].lower().replace("-", "_"))
    return names


def extra_only_modules():
    """Import names of the packages that only an extra installs."""
    config = configparser.ConfigParser()
    config.read(ROOT / "setup.cfg")
    base = _requirement_names(config["options"]["install_requires"])
    extras = set().union(
        *map(_requirement_names, config["options.extras_require"].values())
    )
    return sorted(extras - base)


_SITECUSTOMIZE = """\
import sys

class _HideExtras:
    HIDDEN = {hidden!r}

    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in self.HIDDEN:
            raise ModuleNotFoundError(f"No module named {{name!r}}", name=name)
        return None

sys.meta_path.insert(0, _HideExtras())
"""

# Runs in the process without extras; prints one JSON object.
_SCRIPT = textwrap.dedent(
    """
    import contextlib, importlib, io, json, pkgutil, sys, warnings
    warnings.simplefilter("ignore")
    out = {"torch_importable": True, "imports": {}, "commands": {}}
    try:
        import torch  # noqa: F401
    except ImportError:
        out["torch_importable"] = False
    import skcorr
    for info in pkgutil.walk_packages(skcorr.__path__, "skcorr."):
        if info.ispkg and ".tests" not in info.name:
            try:
                importlib.import_module(info.name)
                out["imports"][info.name] = "ok"
            except Exception as exc:
                out["imports"][info.name] = f"{type(exc).__name__}: {exc}"
    out["imports"]["skcorr"] = "ok"
    out["needs_torch"] = {}
    needs = {
        "skcorr.influence.TracIn": lambda: skcorr.influence.TracIn,
        "skcorr.influence.per_example_gradients":
            lambda: skcorr.influence.per_example_gradients,
        "skcorr.difficulty.grand": lambda: skcorr.difficulty.grand,
        "skcorr.spurious.SpuriousMLP": lambda: skcorr.spurious.SpuriousMLP,
        "run_reciprocity_study": lambda: skcorr.influence.run_reciprocity_study(
            "diabetes"),
    }
    for name, call in needs.items():
        try:
            call()
            out["needs_torch"][name] = "no error"
        except ImportError as exc:
            out["needs_torch"][name] = [type(exc).__name__, exc.name, str(exc)]
    from skcorr.cli import _report, main
    tiny = {
        "errors": {"quick": True},
        "spurious": {"patterns": ["S3"], "n_examples": [0, 5],
                     "models": ["logistic"], "n_seeds": 1},
        "difficulty": {"n_seeds": 4, "max_epochs": 1, "n_samples": 60,
                       "k": [5], "architectures": "sklearn"},
        "reciprocity": {"max_epochs": 1, "n_individuals": 5, "lds_subsets": 0},
    }
    _report.SETTINGS["quick"] = tiny
    commands = json.loads(sys.argv[1])
    for name, argv in commands.items():
        stdout, stderr = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
            try:
                code = main(argv)
            except SystemExit as exc:
                code = exc.code
            except Exception as exc:
                code = f"{type(exc).__name__}: {exc}"
        out["commands"][name] = {"code": code, "stdout": stdout.getvalue(),
                                 "stderr": stderr.getvalue()}
    out["loaded"] = sorted(m for m in sys.modules if m.split(".")[0] in
                           {"torch", "skorch"})
    print(json.dumps(out))
    """
)


def _commands(folder):
    """What the process without extras runs: each command, then what needs torch."""
    return {
        **TINY_RUNS,
        "report": ["report", "--quick", "--dataset", "wine", "--out",
                   str(folder / "report"), "--format", "json"],
        "difficulty_torch": ["difficulty", "--architectures", "torch"],
        "reciprocity_ratings": ["reciprocity", "--dataset", "ratings"],
        "reciprocity_movielens": ["reciprocity", "--dataset", "movielens",
                                  "--data-file", str(folder)],
    }


@pytest.fixture(scope="module")
def plain(tmp_path_factory):
    """What the process without extras saw and printed."""
    folder = tmp_path_factory.mktemp("plain_install")
    site = folder / "site"
    site.mkdir()
    (site / "sitecustomize.py").write_text(
        _SITECUSTOMIZE.format(hidden=set(extra_only_modules()))
    )
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(
        [str(site), str(ROOT), *filter(None, [env.get("PYTHONPATH")])]
    )
    env["MPLBACKEND"] = "Agg"
    done = subprocess.run(
        [sys.executable, "-c", _SCRIPT, json.dumps(_commands(folder))],
        capture_output=True,
        text=True,
        env=env,
        cwd=folder,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.splitlines()[-1])


def test_the_extras_are_read_from_setup_cfg():
    hidden = extra_only_modules()
    assert {"torch", "skorch"} <= set(hidden)
    # plain dependencies: a plain install has them, so they are not hidden
    assert not {"numpy", "scipy", "scikit_learn", "pandas", "matplotlib"} & set(
        hidden
    )


def test_torch_is_hidden(plain):
    assert plain["torch_importable"] is False
    assert plain["loaded"] == []


def test_skcorr_and_every_subpackage_import_without_torch(plain):
    imports = plain["imports"]
    for package in ("skcorr", "skcorr.influence", "skcorr.difficulty", "skcorr.cli"):
        assert package in imports
    assert {name: status for name, status in imports.items() if status != "ok"} == {}


def test_what_needs_torch_in_the_library_names_the_extra(plain):
    assert len(plain["needs_torch"]) == 5
    for name, (kind, module, message) in plain["needs_torch"].items():
        assert kind == "ModuleNotFoundError" and module == "torch", name
        assert message.endswith(TORCH_LINE), message
        assert name.split(".")[-1] in message or "tracin=True" in message


@pytest.mark.parametrize(
    "command", ["errors", "spurious", "difficulty", "reciprocity", "report"]
)
def test_every_command_runs_without_torch(plain, command):
    result = plain["commands"][command]
    assert result["code"] == 0, result["stderr"]
    assert result["stdout"].strip()


def test_reciprocity_without_torch_says_what_it_left_out(plain):
    result = plain["commands"]["reciprocity"]
    assert "influence_separate" in result["stdout"]
    assert "tracin" not in result["stdout"]
    assert result["stderr"].count("\n") == 1
    assert "TracIn settings are left out" in result["stderr"]
    assert TORCH_LINE in result["stderr"]


def test_the_report_runs_all_four_studies_without_torch(plain):
    numbers = json.loads(plain["commands"]["report"]["stdout"])
    assert numbers["failures"] == {}
    assert set(numbers["results"]) == {
        "errors", "spurious", "difficulty", "reciprocity"
    }
    assert "left out" in numbers["results"]["reciprocity"]["note"]


@pytest.mark.parametrize(
    "command, option",
    [
        ("difficulty_torch", "--architectures torch"),
        ("reciprocity_ratings", "--dataset ratings"),
        ("reciprocity_movielens", "--dataset movielens"),
    ],
)
def test_what_needs_torch_exits_2_with_the_install_line(plain, command, option):
    result = plain["commands"][command]
    assert result["code"] == 2
    assert result["stdout"] == ""
    lines = result["stderr"].splitlines()
    assert len(lines) == 1
    assert option in lines[0] and lines[0].endswith(TORCH_LINE)


# -- the library's side: the reciprocity study without its torch settings ----


def test_reciprocity_without_tracin_gives_the_same_influence_settings():
    from skcorr.influence import run_reciprocity_study

    plain = run_reciprocity_study("diabetes", tracin=False, n_individuals=8,
                                  lds_subsets=0)
    full = run_reciprocity_study("diabetes", max_epochs=1, n_individuals=8,
                                 lds_subsets=0)
    settings = ["influence_shared", "influence_leverage", "influence_separate"]
    assert list(plain["scores"].index) == settings
    # the same computation on the same data: bit-identical
    assert plain["scores"].equals(full["scores"].loc[settings])
    assert plain["top_setting"] == "influence_separate"
    assert full["top_setting"] == "tracin_separate"
    assert plain["top_givers"].equals(
        plain["flows"]["influence_separate"]["outflow"].nlargest(5)
    )


@pytest.mark.parametrize("tracin", ["yes", 1, None])
def test_reciprocity_tracin_must_be_a_bool(tracin):
    from skcorr.influence import run_reciprocity_study

    with pytest.raises(TypeError, match=r"tracin must be True, False or 'auto'; got"):
        run_reciprocity_study("diabetes", tracin=tracin)


@pytest.mark.parametrize("dataset", ["ratings", "movielens"])
def test_ratings_need_tracin(dataset, tmp_path):
    from skcorr.influence import run_reciprocity_study

    extra = {"data_file": tmp_path} if dataset == "movielens" else {}
    with pytest.raises(ValueError, match=r"needs tracin=True .*pip install"):
        run_reciprocity_study(dataset, tracin=False, **extra)


def test_the_install_line_is_one_helper():
    from skcorr.utils.optional import (
        TORCH_INSTALL,
        is_missing_torch,
        missing_torch_error,
    )

    error = missing_torch_error("X", ModuleNotFoundError("no", name="skorch.net"))
    assert isinstance(error, ImportError) and error.name == "skorch.net"
    assert str(error).endswith(TORCH_INSTALL) and str(error).startswith("X needs")
    assert is_missing_torch(error)
    assert not is_missing_torch(ModuleNotFoundError("no", name="torchvision"))
    assert not is_missing_torch(ValueError("torch"))
