"""Building the parser reads the registries and the studies' defaults without
importing the science (nor scikit-learn), and the defaults it shows are the
study functions' own."""

import importlib
import inspect
import json
import subprocess
import sys

import pytest

from skcorr import _registry
from skcorr.cli import build_parser
from skcorr.cli._common import LibraryDefault, _literal_default

SCIENCE = ("skcorr.ensemble", "skcorr.metrics", "skcorr.spurious",
           "skcorr.difficulty", "skcorr.influence", "skcorr.datasets", "sklearn")


def _subparsers(parser):
    action = next(a for a in parser._actions if a.dest == "command")
    return action.choices


def _library_defaults():
    for command, sub in _subparsers(build_parser()).items():
        for action in sub._actions:
            if isinstance(action.default, LibraryDefault):
                yield command, action.dest, action.default


LIBRARY_DEFAULTS = list(_library_defaults())


def test_every_study_command_reads_its_defaults_from_the_library():
    assert {command for command, _, _ in LIBRARY_DEFAULTS} == {
        "errors", "spurious", "difficulty", "reciprocity"}


@pytest.mark.parametrize("command, dest, default", LIBRARY_DEFAULTS,
                         ids=[f"{c}-{d}" for c, d, _ in LIBRARY_DEFAULTS])
def test_a_default_read_from_the_source_is_the_signature_s(command, dest, default):
    package, name = default.function.rsplit(".", 1)
    function = getattr(importlib.import_module(package), name)
    expected = inspect.signature(function).parameters[default.parameter].default
    found = _literal_default(package, name, default.parameter)
    assert found == (expected,)
    assert default.value == expected


def test_parsed_arguments_hold_the_values():
    parser = build_parser()
    for command in ("errors", "spurious", "difficulty", "reciprocity"):
        args = vars(parser.parse_args([command]))
        assert not any(isinstance(v, LibraryDefault) for v in args.values())
    args = parser.parse_args(["difficulty"])
    assert (args.n_seeds, args.max_epochs, args.k) == (10, 10, [1, 10, 100])


def test_the_subpackages_export_the_registries_of_one_home():
    from skcorr import datasets, difficulty, ensemble, influence, metrics, spurious
    from skcorr.utils import validation

    exported = {
        datasets: ["IMAGE_DATASETS"],
        metrics: ["METHODS"],
        ensemble: ["ERROR_DATASETS", "SCENARIOS"],
        spurious: ["PATTERN_NAMES", "STUDY_MODELS", "DEFAULT_N_EXAMPLES"],
        difficulty: ["ARCHITECTURES", "FINGERPRINT_K", "STUDY_SCORES"],
        influence: ["RECIPROCITY_DATASETS", "RATINGS_DATASETS"],
        validation: ["TASKS"],
    }
    for module, names in exported.items():
        for name in names:
            assert getattr(module, name) is getattr(_registry, name), name
    # every named architecture has a maker beside the study, and only those
    from skcorr.difficulty import _study

    assert set(_study._ARCHITECTURE_MAKERS) == set(_registry.ARCHITECTURES)
    assert sorted(_study._ARCHITECTURE_MAKERS["variants"]()) == [
        "adam", "deep", "low_lr", "sgd", "wide"]


def test_help_imports_no_science():
    # a fresh interpreter: what printing the help of skcorr and of a command
    # imports (this one already holds every subpackage)
    code = (
        "import contextlib, io, json, sys\n"
        "from skcorr.cli import main\n"
        "for argv in (['--help'], ['errors', '--help'], ['difficulty', '--help']):\n"
        "    with contextlib.redirect_stdout(io.StringIO()):\n"
        "        try:\n"
        "            main(argv)\n"
        "        except SystemExit:\n"
        "            pass\n"
        f"science = {SCIENCE!r}\n"
        "print(json.dumps(sorted(m for m in sys.modules if m.startswith(science))))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True,
                          text=True, timeout=120, check=True)
    assert json.loads(done.stdout) == []
