"""What the commands share: usage errors, input data, tables and output files."""

import argparse
import csv
import json
from pathlib import Path

import numpy as np

SKLEARN_DATASETS = {
    "digits": "load_digits",
    "breast_cancer": "load_breast_cancer",
    "wine": "load_wine",
    "diabetes": "load_diabetes",
}
FORMATS = ("table", "json", "csv")


class UsageError(ValueError):
    """Bad input from the command line: reported in one line, exit code 2."""


def at_least(minimum):
    """An argparse ``type``: an integer no smaller than ``minimum``."""

    def parse(text):
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"not an integer: {text!r}") from None
        if value < minimum:
            raise argparse.ArgumentTypeError(f"must be at least {minimum}; got {value}")
        return value

    parse.__name__ = f"integer >= {minimum}"
    return parse


def load_sklearn_dataset(name):
    """``(X, y)`` of one of scikit-learn's bundled datasets."""
    import sklearn.datasets

    return getattr(sklearn.datasets, SKLEARN_DATASETS[name])(return_X_y=True)


def read_prediction_csv(path, target_column):
    """Read a CSV with a target column and one column of predictions per model.

    Returns ``(y_true, Y_pred, model_names)``; numeric columns become floats, any
    other column keeps its labels as strings.
    """
    path = Path(path)
    if not path.is_file():
        raise UsageError(f"no such file: {path}")
    with path.open(newline="") as handle:
        rows = list(csv.reader(handle))
    if len(rows) < 2:
        raise UsageError(f"{path} needs a header row and at least one data row")
    header, body = rows[0], rows[1:]
    if target_column not in header:
        raise UsageError(
            f"{path} has no column {target_column!r} (the true targets); its columns "
            f"are {header}. Name the column with --target-column."
        )
    lengths = {len(row) for row in body}
    if lengths != {len(header)}:
        raise UsageError(f"{path}: every row must have {len(header)} fields")
    table = np.asarray(body, dtype=object)
    target_index = header.index(target_column)
    model_names = [name for i, name in enumerate(header) if i != target_index]
    if not model_names:
        raise UsageError(f"{path} has no prediction column besides {target_column!r}")
    y_true = _column_values(table[:, target_index])
    Y_pred = np.column_stack(
        [_column_values(table[:, i]) for i in range(len(header)) if i != target_index]
    )
    return y_true, Y_pred, model_names


def _column_values(column):
    try:
        return column.astype(float)
    except ValueError:
        return column.astype(str)


def format_table(rows, header):
    """Plain-text table with right-aligned columns."""
    cells = [[str(cell) for cell in header]] + [
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
    return str(cell)


def write_csv(target, header, rows):
    """Write a table as CSV to a path or an open text file."""
    if isinstance(target, str | Path):
        with Path(target).open("w", newline="") as handle:
            write_csv(handle, header, rows)
        return
    writer = csv.writer(target)
    writer.writerow(header)
    for row in rows:
        writer.writerow([_csv_cell(cell) for cell in row])


def _csv_cell(cell):
    if isinstance(cell, float | np.floating):
        return repr(float(cell))
    if isinstance(cell, np.integer):
        return int(cell)
    return cell


def matrix_table(matrix, names):
    """``(header, rows)`` of a labelled square matrix."""
    rows = [[name, *row] for name, row in zip(names, np.asarray(matrix), strict=True)]
    return ["model", *names], rows


def add_output_options(parser):
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
        help="also write the results to this file: .json (everything) or .csv "
        "(the main table)",
    )


def add_run_options(parser, *, n_jobs=True):
    """``--random-state`` and ``--n-jobs``, the same for every command."""
    parser.add_argument(
        "--random-state", type=int, default=0, help="seed of everything (default: 0)"
    )
    if n_jobs:
        parser.add_argument(
            "--n-jobs",
            type=int,
            default=None,
            help="jobs run in parallel through joblib (default: 1; -1: all cores)",
        )


def check_output_path(path):
    if path is not None and path.suffix.lower() not in (".csv", ".json"):
        raise UsageError(f"--output must end in .csv or .json; got {path.name!r}")


def emit(args, results, *, table, csv_table):
    """Print ``results`` in ``args.format`` and write ``args.output`` if given.

    ``table`` is the readable text; ``csv_table`` is ``(header, rows)``.
    """
    if args.format == "table":
        print(table)
    elif args.format == "json":
        print(json.dumps(to_jsonable(results), indent=2))
    else:
        import sys

        write_csv(sys.stdout, *csv_table)
    if args.output is not None:
        if args.output.suffix.lower() == ".csv":
            write_csv(args.output, *csv_table)
        else:
            write_json(args.output, results)


def to_jsonable(value):
    """Numbers and arrays as plain JSON values (NaN and inf become null)."""
    if isinstance(value, dict):
        return {_json_key(key): to_jsonable(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [to_jsonable(item) for item in value]
    if isinstance(value, np.ndarray):
        return to_jsonable(value.tolist())
    if isinstance(value, float | np.floating):
        return float(value) if np.isfinite(value) else None
    if isinstance(value, np.integer):
        return int(value)
    if hasattr(value, "columns") and hasattr(value, "to_dict"):  # DataFrame
        return to_jsonable(value.to_dict(orient="index"))
    if hasattr(value, "to_dict"):  # Series
        return to_jsonable(value.to_dict())
    return value


def _json_key(key):
    if isinstance(key, str):
        return key
    if isinstance(key, float | np.floating) and float(key).is_integer():
        return str(int(key))
    return str(key.item() if isinstance(key, np.generic) else key)


def write_json(path, payload):
    Path(path).write_text(json.dumps(to_jsonable(payload), indent=2) + "\n")
