"""The ``skcorr`` command: run skcorr's studies from the shell.

Exit codes: 0 on success, 2 on bad usage (with a one-line reason).
"""

import argparse
import sys

from . import _difficulty, _errors, _reciprocity, _report, _spurious
from ._common import UsageError

_COMMANDS = {
    "errors": _errors,
    "spurious": _spurious,
    "difficulty": _difficulty,
    "reciprocity": _reciprocity,
    "report": _report,
}

_DESCRIPTION = """\
Measure how machine-learning models are correlated.

commands:
  errors        fit several models and measure how their errors are correlated
  spurious      how few patched examples it takes to learn a spurious pattern
  difficulty    how hard each example is, and can one run's score be trusted
  reciprocity   who gives and who gets: influence inflow, outflow, reciprocity
  report        run all four studies and write one HTML report
"""


def build_parser():
    """The argument parser of the ``skcorr`` command, one sub-parser a study."""
    parser = argparse.ArgumentParser(
        prog="skcorr",
        description=_DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=_version())
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    subparsers.required = True
    for module in _COMMANDS.values():
        module.add_parser(subparsers)
    return parser


def _version():
    from skcorr import __version__

    return f"skcorr {__version__}"


def main(argv=None):
    """Run the ``skcorr`` command with ``argv`` (default: ``sys.argv[1:]``)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return _COMMANDS[args.command].run(args)
    except UsageError as exc:
        parser.exit(2, f"skcorr {args.command}: error: {exc}\n")


if __name__ == "__main__":
    sys.exit(main())
