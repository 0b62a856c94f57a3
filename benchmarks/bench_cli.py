"""CPU time of the command line's quick runs, each in its own process.

Run: ``python benchmarks/bench_cli.py [--repeat 3]``. CPU time (user + system of
the child process) rather than wall time, so that a busy machine gives a fair
figure; the goal of ``skcorr report --quick`` is at most 30 s of CPU, and its
``--help`` says "about 20 s". Prints one line per command: min / median / max.
"""

import argparse
import resource
import subprocess
import sys
import tempfile
from pathlib import Path
from statistics import median

COMMANDS = {
    "report --quick": ["report", "--quick", "--quiet"],
    "errors": ["errors", "--dataset", "digits"],
    "spurious --patterns S3": ["spurious", "--patterns", "S3", "--seeds", "1"],
}


def cpu_seconds(argv, workdir):
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run([sys.executable, "-m", "skcorr", *argv], cwd=workdir, check=True,
                   stdout=subprocess.DEVNULL)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        for name, argv in COMMANDS.items():
            if argv[0] == "report":
                argv = [*argv, "--out", str(Path(folder) / "report")]
            times = [cpu_seconds(argv, folder) for _ in range(args.repeat)]
            print(f"skcorr {name:<34} CPU s: min {min(times):6.1f}  "
                  f"median {median(times):6.1f}  max {max(times):6.1f}")


if __name__ == "__main__":
    main()
