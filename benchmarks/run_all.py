"""Run every benchmark, each in its own process, and write the one table.

``make bench`` runs this. Each ``bench_*.py`` writes its rows as JSON to
``benchmarks/results/`` (``results/quick/`` with ``--quick``); the table
``table.rst`` (included by ``doc/performance.rst``) and ``table.csv`` are
then written from every JSON file there.

    python benchmarks/run_all.py [--quick] [--rounds 5] [--only metrics influence]
    python benchmarks/run_all.py --table-only   # rewrite the table from the JSON
"""

import argparse
import csv
import json
import subprocess
import sys
import time
from pathlib import Path

from _harness import RESULTS, table_cells

HERE = Path(__file__).resolve().parent
SCRIPTS = ("metrics", "influence", "spurious", "difficulty", "ensemble", "memory",
           "cli")
COLUMNS = ("what", "skcorr", "peer", "limit", "peer / skcorr", "skcorr / limit",
           "agreement", "goal")


def load_rows(folder):
    machines, rows = {}, []
    for name in SCRIPTS:
        path = folder / f"bench_{name}.json"
        if not path.exists():
            continue
        payload = json.loads(path.read_text())
        machines[name] = payload["machine"]
        rows.extend(payload["rows"])
    return machines, rows


def _machine_text(machines):
    first = next(iter(machines.values()))
    dates = sorted(machine["date"] for machine in machines.values())
    loads = [machine["load_average"][0] for machine in machines.values()]
    versions = ", ".join(f"{name} {version}" for name, version in
                         first["versions"].items() if version)
    when = dates[0] if dates[0] == dates[-1] else f"{dates[0]} to {dates[-1]}"
    blas = "; ".join(first["blas"]) or "unknown"
    return (f"Measured {when} on {first['cpu']}, {first['cores']} cores (1-minute "
            f"load average {min(loads):.1f} to {max(loads):.1f} when each script "
            f"started), BLAS: {blas}; Python {first['python']}, {versions}.")


def _rst_cell(text):
    text = str(text).replace("*", r"\*").replace("|", r"\|")
    return text if text else " "


def write_table(folder):
    machines, rows = load_rows(folder)
    if not rows:
        raise SystemExit(f"no benchmark results in {folder}")
    lines = [_machine_text(machines), "",
             "Times are wall-clock min / median of the rounds (CPU min); ratios "
             "use the CPU minima unless marked (wall). Memory rows give the peak "
             "resident set size of a fresh process.", "",
             ".. list-table::", "   :header-rows: 1", "   :class: benchmarks", ""]
    lines.append("   * - " + "\n     - ".join(COLUMNS))
    flat = []
    for row in rows:
        cells = table_cells(row)
        what = cells["what"] + (f" ({cells['note']})" if cells["note"] else "")
        values = [what] + [cells[column] for column in COLUMNS[1:]]
        lines.append("   * - " + "\n     - ".join(_rst_cell(v) for v in values))
        flat.append({"benchmark": row["benchmark"], **cells,
                     "skcorr_call": row["skcorr_call"],
                     "tolerance_reason": row["tolerance_reason"]})
    (folder / "table.rst").write_text("\n".join(lines) + "\n")
    with (folder / "table.csv").open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(flat[0]))
        writer.writeheader()
        writer.writerows(flat)
    print(f"wrote {folder / 'table.rst'} and table.csv ({len(rows)} rows)")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--only", nargs="*", choices=SCRIPTS, default=SCRIPTS)
    parser.add_argument("--table-only", action="store_true")
    args = parser.parse_args()
    folder = RESULTS / "quick" if args.quick else RESULTS
    failed = []
    if not args.table_only:
        for name in args.only:
            command = [sys.executable, str(HERE / f"bench_{name}.py"),
                       "--rounds", str(args.rounds), "--out", str(folder)]
            if args.quick:
                command.append("--quick")
            print(f"== bench_{name} ==", flush=True)
            start = time.perf_counter()
            if subprocess.run(command).returncode != 0:
                failed.append(name)
            print(f"== bench_{name}: {time.perf_counter() - start:.0f} s ==",
                  flush=True)
    write_table(folder)
    if failed:
        raise SystemExit(f"failed: {', '.join(failed)}")


if __name__ == "__main__":
    main()
