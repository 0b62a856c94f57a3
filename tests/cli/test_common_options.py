"""Every command takes the same run and output options, as the README says:
``--random-state``, ``--n-jobs``, ``--format table|json|csv`` and ``--output``."""

import argparse
import json
import re
from pathlib import Path

import pytest

pytest.importorskip("matplotlib")

from skcorr.cli import _COMMANDS, build_parser, main  # noqa: E402

from . import TINY_RUNS  # noqa: E402

README = Path(__file__).resolve().parents[2] / "README.md"

TINY = {**TINY_RUNS, "report": ["report", "--quick", "--studies", "reciprocity"]}
COMMANDS = list(_COMMANDS)


def _subparser(command):
    parser = build_parser()
    (action,) = (
        a for a in parser._actions if isinstance(a, argparse._SubParsersAction)
    )
    return action.choices[command]


def _argv(command, tmp_path, *extra):
    argv = list(TINY[command])
    if command == "report":
        argv += ["--out", str(tmp_path / "report")]
    return [*argv, *extra]


def test_every_command_is_covered():
    assert set(TINY) == set(COMMANDS) == {
        "errors", "spurious", "difficulty", "reciprocity", "report"
    }


def test_the_readme_names_the_shared_options():
    text = README.read_text()
    assert re.search(r"Every command takes `--random-state`, `--n-jobs`", text)
    assert "`--format table|json|csv`" in text and "`--output FILE`" in text


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_the_shared_options(command):
    options = {
        option: action
        for action in _subparser(command)._actions
        for option in action.option_strings
    }
    for option in ("--random-state", "--n-jobs", "--format", "--output"):
        assert option in options, f"skcorr {command} lacks {option}"
    assert options["--format"].choices == ("table", "json", "csv")
    assert options["--format"].default == "table"
    assert options["--random-state"].default == 0
    assert options["--output"].default is None and options["--n-jobs"].default is None


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_parses_the_shared_options(command, tmp_path):
    argv = [*TINY[command], "--random-state", "7", "--n-jobs", "-1", "--format",
            "csv", "--output", str(tmp_path / "x.json")]
    args = build_parser().parse_args(argv)
    assert (args.random_state, args.n_jobs, args.format) == (7, -1, "csv")
    assert args.output == tmp_path / "x.json"


@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.parametrize(
    "option, value, message",
    [
        ("--format", "xml", "invalid choice: 'xml'"),
        ("--n-jobs", "0", "must be a positive integer or -1"),
        ("--random-state", "-1", "must be at least 0"),
    ],
)
def test_bad_shared_options_exit_2_alike(command, option, value, message, capsys):
    with pytest.raises(SystemExit) as exc:
        main([command, option, value])
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and message in err and f"skcorr {command}" in err


@pytest.mark.parametrize("command", COMMANDS)
def test_a_bad_output_name_is_refused_before_any_work(command, tmp_path, capsys):
    # a study would take seconds: the check comes first, so this is instant
    with pytest.raises(SystemExit) as exc:
        main(_argv(command, tmp_path, "--output", str(tmp_path / "out.txt")))
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert "--output must end in .csv or .json; got 'out.txt'" in err
    assert not (tmp_path / "report").exists()


@pytest.mark.parametrize("command", COMMANDS)
def test_format_json_prints_what_output_writes(command, tmp_path, capsys):
    output = tmp_path / "numbers.json"
    argv = _argv(command, tmp_path, "--random-state", "3", "--format", "json",
                 "--output", str(output))
    assert main(argv) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed == json.loads(output.read_text())
    assert printed  # not empty
    if command == "report":
        assert printed["settings"]["random_state"] == 3
        assert set(printed["results"]) == {"reciprocity"}
