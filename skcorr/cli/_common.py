"""What the commands share: usage errors, option parsers, input files, tables and
output files.

Everything a command reads from the user goes through this module, so that every
command checks it the same way: numbers and lists of the command line
(:func:`integer`, :func:`real`, :func:`comma_list`, :func:`seed`,
:func:`n_jobs`), input files (:func:`check_input_file`,
:func:`read_prediction_csv`, :func:`read_npz`) and output files
(:func:`check_output_path`, :func:`atomic_write`, :func:`check_output_folder`).
Bad input raises :class:`UsageError` (or ``argparse.ArgumentTypeError`` while
parsing): one line on stderr and exit code 2.
"""

import argparse
import contextlib
import csv
import io
import json
import math
import os
import re
import shutil
import stat
import sys
import tempfile
import zipfile
from pathlib import Path

import numpy as np

from ..utils.files import atomic_file, new_file_mode
from ..utils.optional import missing_torch_error, torch_available
from ..utils.seeding import SEED_RANGE

FORMATS = ("table", "json", "csv")
MAX_SEED = SEED_RANGE[1]  # numpy's RandomState takes seeds in [0, 2**32 - 1]


class UsageError(ValueError):
    """Bad input from the command line: reported in one line, exit code 2.

    The message is folded into one line (newlines of library messages or of
    file names become spaces), so that the user sees exactly one line.
    """

    def __str__(self):
        return printable(" ".join(super().__str__().split()))


class Parser(argparse.ArgumentParser):
    """An ``ArgumentParser`` whose errors are one line on stderr, exit code 2.

    argparse prints the whole usage before the error; with the many options of
    a study that buries the one line that matters. The line says where the
    usage is (``--help``).
    """

    def error(self, message):
        message = printable(" ".join(str(message).split()))
        self.exit(2, f"{self.prog}: error: {message} (see '{self.prog} --help')\n")

    def parse_known_args(self, args=None, namespace=None):
        # defaults read from the library lazily (LibraryDefault) are values
        # once parsed
        namespace, extras = super().parse_known_args(args, namespace)
        for name, value in vars(namespace).items():
            if isinstance(value, LibraryDefault):
                setattr(namespace, name, value.value)
        return namespace, extras


# -- numbers and lists on the command line ---------------------------------

_INTEGER = re.compile(r"[+-]?[0-9]+")
_NUMBER = re.compile(r"[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?")


def _parse_integer(text):
    # int() also takes "1_000", " 7 " and non-ASCII digits: only plain ASCII
    # integers are accepted, so that what is written is what is used.
    if not isinstance(text, str) or not _INTEGER.fullmatch(text.strip()):
        raise argparse.ArgumentTypeError(f"not an integer: {text!r}")
    return int(text)


def integer(minimum=None, maximum=None, *, name=None):
    """An argparse ``type``: an integer in ``[minimum, maximum]``.

    Parameters
    ----------
    minimum, maximum : int or None, default=None
        Bounds, inclusive; None for no bound.
    name : str or None, default=None
        What argparse calls the type in its messages.

    Returns
    -------
    parse : callable
        ``parse(text) -> int``, raising ``argparse.ArgumentTypeError``.

    Examples
    --------
    >>> from skcorr.cli._common import integer
    >>> integer(1)("3")
    3
    >>> integer(1)("0")
    Traceback (most recent call last):
    ...
    argparse.ArgumentTypeError: must be at least 1; got 0
    """

    def parse(text):
        value = _parse_integer(text)
        if minimum is not None and value < minimum:
            raise argparse.ArgumentTypeError(f"must be at least {minimum}; got {value}")
        if maximum is not None and value > maximum:
            raise argparse.ArgumentTypeError(f"must be at most {maximum}; got {value}")
        return value

    parse.__name__ = name or "integer"
    return parse


def at_least(minimum):
    """An argparse ``type``: an integer no smaller than ``minimum``."""
    return integer(minimum, name=f"integer >= {minimum}")


def seed():
    """An argparse ``type``: a random seed, an integer in ``[0, 2**32 - 1]``.

    Examples
    --------
    >>> from skcorr.cli._common import seed
    >>> seed()("42")
    42
    >>> seed()("-1")
    Traceback (most recent call last):
    ...
    argparse.ArgumentTypeError: must be at least 0; got -1
    """
    return integer(0, MAX_SEED, name="seed")


def n_jobs():
    """An argparse ``type``: joblib's ``n_jobs``, a positive integer or -1.

    0 means nothing to joblib; -1 is every core.

    Examples
    --------
    >>> from skcorr.cli._common import n_jobs
    >>> n_jobs()("-1"), n_jobs()("2")
    (-1, 2)
    >>> n_jobs()("0")
    Traceback (most recent call last):
    ...
    argparse.ArgumentTypeError: must be a positive integer or -1 (every core); got 0
    """

    def parse(text):
        value = _parse_integer(text)
        if value < 1 and value != -1:
            raise argparse.ArgumentTypeError(
                f"must be a positive integer or -1 (every core); got {value}"
            )
        return value

    parse.__name__ = "n_jobs"
    return parse


def real(minimum=None, maximum=None, *, open_interval=False):
    """An argparse ``type``: a finite number in ``[minimum, maximum]``.

    Parameters
    ----------
    minimum, maximum : float or None, default=None
        Bounds; None for no bound.
    open_interval : bool, default=False
        Exclude the bounds themselves.

    Returns
    -------
    parse : callable
        ``parse(text) -> float``, raising ``argparse.ArgumentTypeError``; NaN
        and infinities are refused.

    Examples
    --------
    >>> from skcorr.cli._common import real
    >>> real(0, 1, open_interval=True)("0.25")
    0.25
    >>> real(0, 1, open_interval=True)("1")
    Traceback (most recent call last):
    ...
    argparse.ArgumentTypeError: must be in (0, 1); got 1.0
    """

    def parse(text):
        if not isinstance(text, str) or not _NUMBER.fullmatch(text.strip()):
            raise argparse.ArgumentTypeError(f"not a finite number: {text!r}")
        value = float(text)
        low_bad = minimum is not None and (
            value <= minimum if open_interval else value < minimum
        )
        high_bad = maximum is not None and (
            value >= maximum if open_interval else value > maximum
        )
        if low_bad or high_bad:
            if minimum is not None and maximum is not None:
                left, right = "()" if open_interval else "[]"
                where = f"in {left}{minimum}, {maximum}{right}"
            elif minimum is not None:
                where = f"{'>' if open_interval else '>='} {minimum}"
            else:
                where = f"{'<' if open_interval else '<='} {maximum}"
            raise argparse.ArgumentTypeError(f"must be {where}; got {value}")
        return value

    parse.__name__ = "number"
    return parse


def comma_list(kind, parse=str, allowed=None):
    """An argparse ``type``: a comma-separated list of distinct items.

    Spaces around items are allowed (``"S1, S3"``); an empty item
    (``"S1,,S3"``, a trailing comma), a repeated item, an item ``parse``
    refuses or one outside ``allowed`` is an error naming it. Names are
    matched exactly (case included).

    Parameters
    ----------
    kind : str
        What an item is, for the messages ("pattern", "count").
    parse : callable, default=str
        Turns one item's text into its value; raises ``ValueError`` or
        ``argparse.ArgumentTypeError`` when it cannot.
    allowed : sequence or None, default=None
        The values allowed, if only some are.

    Returns
    -------
    parse_list : callable
        ``parse_list(text) -> list``.

    Examples
    --------
    >>> from skcorr.cli._common import comma_list, integer
    >>> comma_list("count", integer(0))("0, 1,5")
    [0, 1, 5]
    >>> comma_list("pattern", allowed=("S1", "S3"))("S1,,S3")
    Traceback (most recent call last):
    ...
    argparse.ArgumentTypeError: empty pattern at position 2 of 'S1,,S3'
    """

    def parse_list(text):
        items = [item.strip() for item in text.split(",")]
        if items == [""]:
            raise argparse.ArgumentTypeError(f"give at least one {kind}")
        values = []
        for position, item in enumerate(items, start=1):
            if not item:
                raise argparse.ArgumentTypeError(
                    f"empty {kind} at position {position} of {text!r}"
                )
            try:
                value = parse(item)
            except (ValueError, argparse.ArgumentTypeError) as exc:
                raise argparse.ArgumentTypeError(
                    f"not a list of {kind}s: {text!r} ({item!r}: {exc})"
                ) from None
            if allowed is not None and value not in allowed:
                raise argparse.ArgumentTypeError(
                    f"unknown {kind} {item!r} in {text!r}; choose from "
                    f"{', '.join(map(str, allowed))}"
                )
            if value in values:
                raise argparse.ArgumentTypeError(
                    f"{kind} {item!r} is given twice in {text!r}"
                )
            values.append(value)
        return values

    parse_list.__name__ = f"list of {kind}s"
    return parse_list


# -- input files -------------------------------------------------------------


def check_input_file(path, option="--dataset"):
    """``path`` as a Path, if it names a readable regular file.

    Raises
    ------
    UsageError
        If nothing is there, if it is a folder, or if it is not a regular file
        (a FIFO or a device would block or never end).
    """
    path = Path(path)
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        raise UsageError(f"{option}: no such file: {path}") from None
    except OSError as exc:
        raise UsageError(f"{option}: cannot read {path}: {exc.strerror}") from None
    if stat.S_ISDIR(mode):
        raise UsageError(f"{option}: {path} is a folder, not a file")
    if not stat.S_ISREG(mode):
        raise UsageError(f"{option}: {path} is not a regular file")
    return path


# Spellings of a missing value: never a label nor a number.
_MISSING = {"na", "n/a", "nan", "-nan", "+nan", "null", "none", "nil", "#n/a"}


def _read_csv_rows(path):
    """``[(line number, row), ...]`` of a UTF-8 CSV; blank lines are skipped."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise UsageError(f"cannot read {path}: {exc.strerror}") from None
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise UsageError(
            f"{path} is UTF-16 text; save it as UTF-8 (skcorr reads CSV files as "
            "UTF-8, with or without a byte-order mark)"
        )
    try:
        text = raw.decode("utf-8-sig")  # a byte-order mark is not part of a name
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise UsageError(
            f"{path} is not UTF-8 text (byte {raw[exc.start]:#04x} on line {line}); "
            "save it as UTF-8, e.g. iconv -f latin1 -t utf-8"
        ) from None
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    rows = []
    try:
        for row in reader:
            if row:  # a blank line holds no cells: nothing to read
                rows.append((reader.line_num, row))
    except csv.Error as exc:
        raise UsageError(f"{path}, line {reader.line_num}: {exc}") from None
    return rows


def read_prediction_csv(path, target_column, task="auto"):
    """Read a CSV with a target column and one column of predictions per model.

    Parameters
    ----------
    path : str or Path
        A UTF-8 CSV file (a byte-order mark is allowed): a header row of
        distinct column names, then one row per sample.
    target_column : str
        The header name of the column of true targets.
    task : {"auto", "classification", "regression"}, default="auto"
        How to read the cells, see Notes.

    Returns
    -------
    y_true : ndarray of shape (n_samples,)
    Y_pred : ndarray of shape (n_samples, n_models)
    model_names : list of str

    Raises
    ------
    UsageError
        Naming the file, the line and the column: a file that is missing, a
        folder or not UTF-8; no data row; a header with an empty or repeated
        name; a missing target column; a row with the wrong number of fields;
        an empty or missing (``NA``, ``nan``) cell; a cell that is not a
        finite number with ``task="regression"``; and, with ``task="auto"``,
        two spellings of one number (``1`` and ``01``, ``1`` and ``1.0``) or
        text mixed with fractional numbers.

    Notes
    -----
    Blank lines are skipped; a byte-order mark before the header is dropped.
    With ``task="classification"`` every cell is a label compared as text,
    exactly as written: ``01``, ``1`` and `` 1`` are three labels. With
    ``task="regression"`` every cell must be a finite number. With
    ``task="auto"`` the cells become numbers when every cell is one; a number
    with a fraction anywhere makes the data regression, where ``0.5`` and
    ``0.50`` are one value. Otherwise the cells are labels, and two spellings
    of one whole number (``1``, ``01``, ``1.0``, `` 1``) would silently become
    one label as numbers or silently stay two as text: that is an error naming
    both, to be fixed in the file or settled with ``--task``. Text mixed with
    fractional numbers is an error too (regression data with a stray word).
    """
    path = check_input_file(path)
    rows = _read_csv_rows(path)
    if not rows:
        raise UsageError(f"{path} is empty; it needs a header row and data rows")
    header_line, header = rows[0]
    body = rows[1:]
    for number, name in enumerate(header, start=1):
        if not name.strip():
            raise UsageError(
                f"{path}: column {number} of the header (line {header_line}) has "
                "no name; every column needs one"
            )
    seen = {}
    for number, name in enumerate(header, start=1):
        if name in seen:
            raise UsageError(
                f"{path}: the header names columns {seen[name]} and {number} both "
                f"{name!r}; every column needs its own name"
            )
        seen[name] = number
    if target_column not in header:
        close = [name for name in header if name.strip() == target_column.strip()]
        hint = f" ({close[0]!r} has extra spaces)" if close else ""
        for separator, called in ((";", "semicolons"), ("\t", "tabs")):
            if len(header) == 1 and separator in header[0]:
                hint += (
                    f" (is the file separated by {called}? skcorr reads "
                    "comma-separated files)"
                )
        raise UsageError(
            f"{path} has no column {target_column!r} (the true targets){hint}; its "
            f"columns are {_some(header)}. Name the column with --target-column."
        )
    if len(header) < 2:
        raise UsageError(f"{path} has no prediction column besides {target_column!r}")
    if not body:
        raise UsageError(f"{path} has a header but no data row")
    for line, row in body:
        if len(row) != len(header):
            raise UsageError(
                f"{path}, line {line}: {len(row)} fields, but the header has "
                f"{len(header)}"
            )
    lines = [line for line, _ in body]
    table = np.array([row for _, row in body], dtype=object)
    blank = np.char.str_len(np.char.strip(table.astype(str))) == 0
    for i, j in zip(*np.nonzero(blank), strict=True):
        raise UsageError(
            f"{path}, line {lines[i]}, column {header[j]!r}: empty cell; every "
            "cell needs a value"
        )
    values = _label_values(path, table, header, lines, task)
    target_index = header.index(target_column)
    model_names = [name for i, name in enumerate(header) if i != target_index]
    y_true = values[:, target_index]
    Y_pred = np.delete(values, target_index, axis=1)
    return y_true, Y_pred, model_names


def _some(names, limit=10):
    shown = ", ".join(repr(name) for name in names[:limit])
    return shown + (f" and {len(names) - limit} more" if len(names) > limit else "")


def _as_number(text):
    """``float(text)`` for a plain number written without spaces, else None."""
    if _NUMBER.fullmatch(text):
        return float(text)
    return None


def _label_values(path, table, header, lines, task):
    """The cells of ``table`` as floats or as text labels, see
    :func:`read_prediction_csv`."""
    # distinct text -> (row, column) of its first cell, in the order of the file
    distinct, first = np.unique(table.ravel(), return_index=True)
    order = np.argsort(first)
    spellings = {distinct[k]: divmod(int(first[k]), table.shape[1]) for k in order}

    def where(text):
        i, j = spellings[text]
        return f"line {lines[i]}, column {header[j]!r}"

    if task == "classification":
        return table.astype(str)
    for text in spellings:
        if text.strip().lower() in _MISSING:
            raise UsageError(
                f"{path}, {where(text)}: {text!r} is a missing value; every cell "
                "needs a value (pass --task classification if it is a label)"
            )
    numbers = {text: _as_number(text.strip()) for text in spellings}
    if task == "regression":
        for text, value in numbers.items():
            if value is None or not math.isfinite(value):
                raise UsageError(
                    f"{path}, {where(text)}: {text!r} is not a finite number; "
                    "--task regression needs numbers in every column"
                )
        return table.astype(float)
    # task == "auto"
    for text, value in numbers.items():
        if value is not None and not math.isfinite(value):
            raise UsageError(f"{path}, {where(text)}: {text!r} is not a finite number")
    texts = [text for text, value in numbers.items() if value is None]
    fractions = [t for t, v in numbers.items() if v is not None and not v.is_integer()]
    if not texts and fractions:
        # Fractional numbers: regression, where 0.5 and 0.50 are one value.
        return table.astype(float)
    if texts and fractions:
        raise UsageError(
            f"{path}: {fractions[0]!r} ({where(fractions[0])}) is a number with a "
            f"fraction but {texts[0]!r} ({where(texts[0])}) is not a number; "
            "pass --task classification to compare every cell as a text label, "
            "or fix the cell"
        )
    # Whole numbers or text: labels. Two spellings of one number would silently
    # become one label (as numbers) or stay two (as text): neither is guessed.
    by_value = {}
    for text, value in numbers.items():
        if value is None:
            continue
        if value in by_value:
            first, second = sorted((by_value[value], text), key=spellings.get)
            raise UsageError(
                f"{path}: {first!r} ({where(first)}) and {second!r} "
                f"({where(second)}) are two spellings of the number {value:g}; "
                "write every label the same way, or pass --task classification "
                "to compare the cells as text (--task regression to read them as "
                "numbers)"
            )
        by_value[value] = text
    if texts:
        return table.astype(str)
    return table.astype(float)


def read_npz(path, required, optional=(), option="--dataset"):
    """The arrays ``required`` (and those of ``optional`` present) of a .npz file.

    Pickled (object) arrays are refused: loading them could run code.

    Raises
    ------
    UsageError
        If the file is missing, not a .npz archive (corrupt, a lone .npy), lacks
        one of ``required`` (naming the keys it has), or holds an object array.
    """
    path = check_input_file(path, option)
    errors = (OSError, ValueError, EOFError, zipfile.BadZipFile)
    try:
        handle = path.open("rb")
    except OSError as exc:
        raise UsageError(f"{option}: cannot read {path}: {exc.strerror}") from None
    # The file is opened here, not by np.load: np.load leaks its handle when a
    # file starts like a zip archive but is not one.
    with handle:
        magic = handle.read(6)
        handle.seek(0)
        # A .npz is a zip archive, a .npy starts with its magic string; np.load
        # would try to read anything else as a pickle and say so.
        if not (magic.startswith(b"PK") or magic == b"\x93NUMPY"):
            raise UsageError(
                f"{option}: {path} is not a .npz archive (it does not start like "
                "one); save the arrays with np.savez"
            )
        try:
            archive = np.load(handle, allow_pickle=False)
        except errors as exc:
            raise UsageError(
                f"{option}: {path} is not a readable .npz file ({exc})"
            ) from None
        if not isinstance(archive, np.lib.npyio.NpzFile):
            keywords = ", ".join(f"{key}=..." for key in required)
            raise UsageError(
                f"{option}: {path} holds a single array, not a .npz archive of "
                f"named arrays; save one with np.savez(path, {keywords})"
            )
        with archive:
            return _npz_arrays(path, archive, required, optional, errors)


def _npz_arrays(path, archive, required, optional, errors):
    missing = [key for key in required if key not in archive.files]
    if missing:
        raise UsageError(
            f"{path} lacks the array(s) {missing}; it needs {', '.join(required)} "
            f"and has {_some(archive.files) or 'no arrays'}"
        )
    arrays = {}
    for key in [*required, *(k for k in optional if k in archive.files)]:
        try:
            arrays[key] = archive[key]
        except errors as exc:
            if "allow_pickle" in str(exc):
                raise UsageError(
                    f"{path}: array {key!r} holds Python objects (it was saved "
                    "with dtype=object), which skcorr does not load; save "
                    "numbers or text instead"
                ) from None
            raise UsageError(f"{path}: cannot read array {key!r} ({exc})") from None
    return arrays


# -- tables ------------------------------------------------------------------


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def printable(text):
    """``text`` with control characters (terminal escapes) written as ``\\xNN``."""
    return _CONTROL.sub(lambda match: f"\\x{ord(match.group()):02x}", str(text))


def format_table(rows, header):
    """Plain-text table with right-aligned columns."""
    cells = [[printable(cell) for cell in header]] + [
        [_format_cell(cell) for cell in row] for row in rows
    ]
    widths = [max(len(row[i]) for row in cells) for i in range(len(header))]
    lines = [
        "  ".join(
            cell.ljust(width) if i == 0 else cell.rjust(width)
            for i, (cell, width) in enumerate(zip(row, widths, strict=True))
        )
        for row in cells
    ]
    lines.insert(1, "  ".join("-" * width for width in widths))
    return "\n".join(lines)


def _format_cell(cell):
    if isinstance(cell, float | np.floating):
        if not np.isfinite(cell):
            return str(float(cell))
        return f"{cell:.3f}" if cell == 0 or 1e-3 <= abs(cell) < 1e6 else f"{cell:.2e}"
    return printable(cell)


def write_csv(target, header, rows):
    """Write a table as CSV to a path (atomically) or an open text file.

    Text cells that a spreadsheet would run as a formula (starting with ``=``,
    ``+``, ``-``, ``@``, a tab or a carriage return) get a leading apostrophe
    (OWASP's advice against CSV injection), header included; numbers, and text
    that is a plain number such as ``-0.5``, are written as they are.
    """
    if isinstance(target, str | Path):
        with atomic_write(target) as handle:
            write_csv(handle, header, rows)
        return
    writer = csv.writer(target)
    writer.writerow([_csv_cell(cell) for cell in header])
    for row in rows:
        writer.writerow([_csv_cell(cell) for cell in row])


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _csv_cell(cell):
    if isinstance(cell, bool | np.bool_):
        return bool(cell)
    if isinstance(cell, float | np.floating):
        return repr(float(cell))
    if isinstance(cell, int | np.integer):
        return int(cell)
    if cell is None:
        return ""
    return neutralise_formula(str(cell))


def neutralise_formula(text):
    """``text`` with a leading apostrophe if a spreadsheet would run it as a formula.

    Examples
    --------
    >>> from skcorr.cli._common import neutralise_formula
    >>> neutralise_formula('=HYPERLINK("http://x")'), neutralise_formula("-0.5")
    ('\\'=HYPERLINK("http://x")', '-0.5')
    """
    if text.startswith(_FORMULA_START) and not _NUMBER.fullmatch(text):
        return "'" + text
    return text


def matrix_table(matrix, names):
    """``(header, rows)`` of a labelled square matrix."""
    rows = [[name, *row] for name, row in zip(names, np.asarray(matrix), strict=True)]
    return ["model", *names], rows


def library_default(function, parameter):
    """The default of ``parameter`` in the signature of ``function``: the one
    home of a study's defaults, which the command's options read.

    Examples
    --------
    >>> from skcorr.cli._common import library_default
    >>> from skcorr.influence import run_reciprocity_study
    >>> library_default(run_reciprocity_study, "max_epochs")
    30
    """
    import inspect

    return inspect.signature(function).parameters[parameter].default


def _literal_default(package, name, parameter):
    """``(default,)`` of ``parameter`` of ``package.name``, read from the source
    (``package/__init__.py``'s ``from .module import name``, then that module's
    ``def name``) without importing it; ``()`` unless it is a literal."""
    import ast
    from importlib.util import find_spec

    try:
        spec = find_spec(package)
        folder = Path(spec.origin).parent
        tree = ast.parse(Path(spec.origin).read_text(encoding="utf-8"))
        module = next(node.module for node in ast.walk(tree)
                      if isinstance(node, ast.ImportFrom) and node.level == 1
                      and any(alias.name == name for alias in node.names))
        source = (folder / f"{module}.py").read_text(encoding="utf-8")
        function = next(node for node in ast.parse(source).body
                        if isinstance(node, ast.FunctionDef) and node.name == name)
    except (AttributeError, ImportError, OSError, StopIteration, SyntaxError,
            TypeError):
        return ()
    arguments = function.args
    positional = arguments.posonlyargs + arguments.args
    pairs = list(zip(positional[len(positional) - len(arguments.defaults):],
                     arguments.defaults, strict=True))
    pairs += [(arg, default) for arg, default in
              zip(arguments.kwonlyargs, arguments.kw_defaults, strict=True)
              if default is not None]
    for arg, default in pairs:
        if arg.arg == parameter:
            try:
                return (ast.literal_eval(default),)
            except ValueError:
                return ()
    return ()


class LibraryDefault:
    """An option's default: the default of ``parameter`` of a study function,
    read (:func:`library_default`) only when first needed.

    ``function`` is a dotted path (``"skcorr.difficulty.run_difficulty_study"``):
    building the parser imports no study, so ``skcorr --help`` stays quick. The
    value is read when the help shows it (``%(default)s``) or when
    :class:`Parser` returns the parsed arguments, which hold the value itself;
    while the study is not imported, a literal default is read from its source
    (:func:`ast.literal_eval` of the signature), so that ``skcorr errors
    --help`` does not import the science either. The signature stays the one
    home of the default.

    Examples
    --------
    >>> from skcorr.cli._common import LibraryDefault
    >>> default = LibraryDefault("skcorr.influence.run_reciprocity_study",
    ...                          "max_epochs")
    >>> default.value, f"(default: {default})"
    (30, '(default: 30)')
    """

    def __init__(self, function, parameter):
        self.function = function
        self.parameter = parameter

    @property
    def value(self):
        import sys
        from importlib import import_module

        package, name = self.function.rsplit(".", 1)
        if package not in sys.modules:
            found = _literal_default(package, name, self.parameter)
            if found:
                return found[0]
        return library_default(getattr(import_module(package), name), self.parameter)

    def __str__(self):
        return str(self.value)

    def __repr__(self):
        return f"LibraryDefault({self.function!r}, {self.parameter!r})"


# -- options every command has ------------------------------------------------


def add_output_options(parser, *, output_help=None):
    """``--format`` and ``--output``, the same for every command."""
    parser.add_argument(
        "--format",
        choices=FORMATS,
        default="table",
        help="how to print the results (default: table)",
    )
    parser.add_argument(
        "--output",
        type=Path,
        default=None,
        help=output_help
        or "also write the results to this file: .json (everything) or .csv "
        "(the main table); its folder must exist. Written when the study is "
        "done, never half: an interrupted run leaves any old file as it was",
    )


def add_run_options(parser, *, n_jobs_help=None):
    """``--random-state`` and ``--n-jobs``, the same for every command."""
    parser.add_argument(
        "--random-state",
        type=seed(),
        default=0,
        help=f"seed of everything, 0 to {MAX_SEED} (default: 0)",
    )
    parser.add_argument(
        "--n-jobs",
        type=n_jobs(),
        default=None,
        help=n_jobs_help
        or "jobs run in parallel through joblib: a positive integer, or -1 "
        "for every core (default: 1); the results do not depend on it",
    )


def add_common_options(parser, *, n_jobs_help=None, output_help=None,
                       quiet_help=None):
    """The options every command takes: ``--random-state``, ``--n-jobs``,
    ``--format``, ``--output`` (see :func:`add_run_options` and
    :func:`add_output_options`) and ``--quiet`` (see
    :func:`add_quiet_option`); the help texts may say what they mean for one
    command."""
    add_run_options(parser, n_jobs_help=n_jobs_help)
    add_output_options(parser, output_help=output_help)
    add_quiet_option(parser, quiet_help=quiet_help)


def add_quiet_option(parser, *, quiet_help=None):
    """``--quiet``: no progress bar, the same for every command.

    Progress bars are written to stderr and shown only when stderr is a
    terminal (see :func:`skcorr.utils.progress.progress_bar`); ``--quiet``
    turns them off there too. A parser that already has ``--quiet`` keeps
    its own. Read it with :func:`verbosity`.
    """
    if "--quiet" in parser._option_string_actions:
        return
    parser.add_argument(
        "--quiet",
        action="store_true",
        help=quiet_help
        or "no progress bar on the terminal (the results are printed as "
        "usual); off a terminal no bar is shown anyway",
    )


def verbosity(args):
    """The ``verbose`` the library gets: 1 without ``--quiet``, 0 with it.

    Examples
    --------
    >>> from skcorr.cli import build_parser
    >>> from skcorr.cli._common import verbosity
    >>> parser = build_parser()
    >>> [verbosity(parser.parse_args(["errors", *q])) for q in ([], ["--quiet"])]
    [1, 0]
    """
    return 0 if args.quiet else 1


def check_torch(what):
    """Check before any work that torch is there for ``what`` (an option).

    Raises
    ------
    UsageError
        If torch or skorch cannot be imported: one line naming ``what`` and
        ending with ``pip install "skcorr[torch]"``.
    """
    if not torch_available():
        raise UsageError(str(missing_torch_error(what)))


# -- output files --------------------------------------------------------------


def _check_folder(folder, option, what):
    try:
        mode = folder.stat().st_mode
    except FileNotFoundError:
        raise UsageError(
            f"{option}: the folder {folder} does not exist; create it first"
        ) from None
    except OSError as exc:
        raise UsageError(
            f"{option}: cannot use the folder {folder}: {exc.strerror}"
        ) from None
    if not stat.S_ISDIR(mode):
        raise UsageError(
            f"{option}: {folder} is not a folder, so {what} cannot go in it"
        )
    try:  # as root, os.access says yes to everything: try for real
        probe = tempfile.NamedTemporaryFile(dir=folder, prefix=".skcorr-probe-")
    except OSError as exc:
        raise UsageError(
            f"{option}: cannot write into {folder}: {exc.strerror}"
        ) from None
    probe.close()


def _existing_mode(path, option):
    """``path``'s ``st_mode``, or None when it does not exist yet (its folder
    is checked separately); any other failure is a usage error."""
    try:
        return path.stat().st_mode
    except (FileNotFoundError, NotADirectoryError):
        return None
    except OSError as exc:
        raise UsageError(f"{option}: cannot use {path}: {exc.strerror}") from None


def check_output_path(path, *, inputs=(), option="--output"):
    """Check before any work that ``path`` can receive a .csv or .json result.

    Parameters
    ----------
    path : Path or None
        The file to write; None for no file.
    inputs : sequence of str or Path, default=()
        Files the command reads: the output must not overwrite one of them.
    option : str, default="--output"
        The option that named ``path``, for the messages.

    Raises
    ------
    UsageError
        If ``path`` does not end in .csv or .json, is a folder or another
        non-regular file, lies in a folder that does not exist or cannot be
        written, or is one of ``inputs``.
    """
    if path is None:
        return
    path = Path(path)
    if path.suffix.lower() not in (".csv", ".json"):
        raise UsageError(f"{option} must end in .csv or .json; got {path.name!r}")
    mode = _existing_mode(path, option)
    if mode is not None and stat.S_ISDIR(mode):
        raise UsageError(f"{option}: {path} is a folder; name a file to write")
    if mode is not None and not stat.S_ISREG(mode):
        raise UsageError(f"{option}: {path} is not a regular file")
    _check_folder(path.parent, option, path.name)
    for source in inputs:
        with contextlib.suppress(OSError):
            if mode is not None and os.path.samefile(path, source):
                raise UsageError(
                    f"{option} {path} is the input file; write the results elsewhere"
                )


def atomic_write(path, *, encoding="utf-8"):
    """Open a text file that appears at ``path`` only once complete (see
    :func:`skcorr.utils.files.atomic_file`).

    Examples
    --------
    >>> import pathlib, tempfile
    >>> from skcorr.cli._common import atomic_write
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "out.txt"
    >>> with atomic_write(path) as handle:
    ...     _ = handle.write("done")
    >>> path.read_text()
    'done'
    """
    return atomic_file(path, "w", encoding=encoding, newline="")


def write_text(path, text):
    """Write ``text`` to ``path`` atomically (see :func:`atomic_write`)."""
    with atomic_write(path) as handle:
        handle.write(text)


def write_json(path, payload):
    """Write ``payload`` as JSON to ``path`` atomically."""
    from ..utils.results import to_jsonable  # scikit-learn: not to parse options

    write_text(path, json.dumps(to_jsonable(payload), indent=2) + "\n")


def emit(args, results, *, table, csv_table, quiet=False):
    """Print ``results`` in ``args.format`` and write ``args.output`` if given.

    ``table`` is the readable text; ``csv_table`` is ``(header, rows)``. The
    file is written first, atomically, then the results are printed; with
    ``quiet``, the readable text is not printed (JSON and CSV asked for with
    ``--format`` still are).
    """
    if args.output is not None:
        if args.output.suffix.lower() == ".csv":
            write_csv(args.output, *csv_table)
        else:
            write_json(args.output, results)
    if args.format == "table":
        if not quiet:
            print(table)
    elif args.format == "json":
        from ..utils.results import to_jsonable

        print(json.dumps(to_jsonable(results), indent=2))
    else:
        write_csv(sys.stdout, *csv_table)


def findings_text(results):
    """The study's findings as lines under a "Findings" heading ("" if none).

    The sentences are computed by the library from the study's numbers (see
    :mod:`skcorr.utils.findings`); the commands only print them.
    """
    findings = results.get("findings") or []
    if not findings:
        return ""
    lines = ["", "Findings:"]
    for finding in findings:
        text = finding.text if hasattr(finding, "text") else finding["text"]
        lines.append(f"- {printable(text)}")
    return "\n".join(lines)


# -- the report folder -----------------------------------------------------------


@contextlib.contextmanager
def output_folder(folder, names, *, option="--out"):
    """A temporary folder whose files land in ``folder`` only on success.

    ``folder`` must not exist, or be a folder holding nothing but files of
    ``names`` (an earlier result of the same command); it is checked before
    the body runs. On success the new files replace the old ones and old
    files of ``names`` not written again are removed; on any exception (an
    interrupt included) the temporary folder is removed and ``folder`` is left
    as it was.

    Yields
    ------
    temporary : Path
        The folder to write into.

    Raises
    ------
    UsageError
        If ``folder`` is a file, holds files not in ``names``, or its parent
        folder does not exist or cannot be written.
    """
    folder = Path(folder)
    absolute = Path(os.path.abspath(folder))
    mode = _existing_mode(folder, option)
    if mode is None:
        _check_folder(absolute.parent, option, folder.name)
        home = absolute.parent
    elif not stat.S_ISDIR(mode):
        raise UsageError(f"{option}: {folder} is a file, not a folder")
    else:
        foreign = sorted(
            entry.name
            for entry in folder.iterdir()
            if entry.name not in names and not entry.name.startswith(".skcorr-")
        )
        if foreign:
            raise UsageError(
                f"{option}: {folder} already holds files that are not from this "
                f"command ({_some(foreign, 3)}); choose a new or empty folder"
            )
        _check_folder(folder, option, "the results")
        home = folder
    try:
        temporary = Path(tempfile.mkdtemp(dir=home, prefix=".skcorr-"))
    except OSError as exc:
        raise UsageError(
            f"{option}: cannot write into {home}: {exc.strerror}"
        ) from None
    try:
        yield temporary
        if mode is None:
            os.chmod(temporary, new_file_mode(folder, 0o777))
            os.replace(temporary, folder)
        else:
            written = {entry.name for entry in temporary.iterdir()}
            for name in sorted(written):
                os.replace(temporary / name, folder / name)
            for name in names:
                if name not in written:
                    with contextlib.suppress(FileNotFoundError):
                        (folder / name).unlink()
            temporary.rmdir()
    except BaseException:
        shutil.rmtree(temporary, ignore_errors=True)
        raise
