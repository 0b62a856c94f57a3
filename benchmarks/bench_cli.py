"""CPU time of the command line's quick runs, each in its own process, interleaved.

Each command runs in a fresh interpreter (``python -m skcorr ...``); its CPU
time (user + system of the child) is the figure that a busy machine leaves
fair. The limit is the interpreter starting and importing skcorr. The goal of
``skcorr report --quick`` is at most 30 s of CPU (its ``--help`` says "about
20 s"). Every round's printed output must be the same (same random state,
same numbers).

Run: ``python benchmarks/bench_cli.py [--quick] [--rounds 5]``.
"""

import subprocess
import sys
import tempfile
from pathlib import Path

from _harness import Bench, process_and_children_cpu

COMMANDS = {
    "errors --dataset digits": ["errors", "--dataset", "digits"],
    "report --quick": ["report", "--quick", "--quiet"],
}


def run(argv, workdir):
    return subprocess.run([sys.executable, *argv], cwd=workdir, check=True,
                          capture_output=True, text=True).stdout


def main():
    bench = Bench("bench_cli", description=__doc__.splitlines()[0])
    args = bench.parse()
    commands = dict(list(COMMANDS.items())[:1]) if args.quick else COMMANDS
    with tempfile.TemporaryDirectory() as folder:
        for name, argv in commands.items():
            if argv[0] == "report":
                argv = [*argv, "--out", str(Path(folder) / "report")]
            outputs = []

            def command(argv=argv, outputs=outputs):
                outputs.append(run(["-m", "skcorr", *argv], folder))
                return outputs[-1]

            bench.case(
                f"skcorr {name} (a fresh process)",
                skcorr=command,
                limit=lambda: run(["-c", "import skcorr, skcorr.cli"], folder),
                check=lambda r, outputs=outputs: float(len(set(outputs)) - 1),
                tolerance=0,
                tolerance_reason="every round prints the same output (number of "
                "distinct outputs - 1)",
                skcorr_call=f"python -m skcorr {' '.join(argv[:3])}",
                limit_name="python -c 'import skcorr'",
                goal="<= 30 s of CPU" if argv[0] == "report" else "",
                cpu_clock=process_and_children_cpu,
            )
            if argv[0] == "report":
                row = bench.rows[-1]
                row.goal_met = bool(row.skcorr["cpu_min"] <= 30)
    bench.write()


if __name__ == "__main__":
    main()
