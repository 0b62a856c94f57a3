"""The one harness every benchmark uses: interleaved rounds, agreement, one row each.

A case times up to three callables on the same data:

- ``skcorr``: the call being measured;
- ``peer``: what a user would otherwise run (phik, DESlib, captum, scipy,
  pandas, a bare scikit-learn loop);
- ``limit``: what no implementation can beat by much (the bare GEMM, the
  bare ``vmap(grad)`` + GEMM, reading the data once).

They run INTERLEAVED: after one untimed warm-up call each (its result is
the one checked), each round calls the three once, in an order that rotates
from round to round, so load on a shared machine hits them alike. Each
timing records wall time (``time.perf_counter``) and process CPU time
(``time.process_time``, all threads). The row keeps min and median of each;
ratios use the CPU-time minima: on a shared machine other processes delay
the wall clock but not this process's CPU seconds (a peer on one thread
against skcorr on two is then judged by work, which favours the peer).

In the same run the results are compared: ``check(results)`` returns one
discrepancy (a maximum absolute difference, say), and the row states it
against a tolerance argued per case. A peer timed on a subset (pairs of
models, training rows) says so in the row, with the factor its time is
multiplied by to cover the whole case (a count of equal real calls, never a
line through two timings).

Memory cases run each contender in a fresh Python process and read its peak
resident set size (``VmHWM`` of ``/proc/self/status``, at its end; Linux).

Each script collects its rows in a :class:`Bench` and writes them as JSON to
``benchmarks/results/<script>.json``; ``python benchmarks/run_all.py``
runs every script and writes the table ``benchmarks/results/table.rst`` (and
``table.csv``) that ``doc/performance.rst`` includes.
"""

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

RESULTS = Path(__file__).resolve().parent / "results"


@dataclass
class Timings:
    """Wall and CPU seconds of each round (or peak MB for memory cases)."""

    wall: list = field(default_factory=list)
    cpu: list = field(default_factory=list)

    def summary(self):
        if not self.wall:
            return None
        return {
            "min": min(self.wall),
            "median": statistics.median(self.wall),
            "cpu_min": min(self.cpu) if self.cpu else None,
            "cpu_median": statistics.median(self.cpu) if self.cpu else None,
            "rounds": len(self.wall),
        }


def process_tree_cpu():
    """CPU seconds of this process and its live child processes (joblib's
    loky workers), for parallel work whose CPU time ``process_time`` misses."""
    import psutil

    total = time.process_time()
    for child in psutil.Process().children(recursive=True):
        try:
            times = child.cpu_times()
        except psutil.Error:  # ended meanwhile
            continue
        total += times.user + times.system
    return total


def process_and_children_cpu():
    """CPU seconds of this process and of its ended (waited-for) children,
    for commands run with ``subprocess``."""
    import resource

    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + usage.ru_utime + usage.ru_stime


def _timed(function, cpu_clock=time.process_time):
    wall, cpu = time.perf_counter(), cpu_clock()
    result = function()
    return time.perf_counter() - wall, cpu_clock() - cpu, result


def interleave(functions, rounds, warmup=True, cpu_clock=time.process_time):
    """``{role: (first result, Timings)}`` of callables run in rotating order."""
    names = [name for name, function in functions.items() if function is not None]
    results, timings = {}, {name: Timings() for name in names}
    for name in names:
        if warmup:
            results[name] = functions[name]()
    for round_index in range(rounds):
        shift = round_index % len(names)
        for name in names[shift:] + names[:shift]:
            wall, cpu, result = _timed(functions[name], cpu_clock)
            timings[name].wall.append(wall)
            timings[name].cpu.append(cpu)
            results.setdefault(name, result)
    return {name: (results[name], timings[name]) for name in names}


def max_abs_diff(a, b):
    """Largest absolute difference; NaN in the same places counts as equal."""
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    if a.shape != b.shape:
        raise ValueError(f"shapes differ: {a.shape} and {b.shape}")
    same_nan = np.isnan(a) & np.isnan(b)
    if (np.isnan(a) != np.isnan(b)).any():
        return np.inf
    return float(np.max(np.abs(np.where(same_nan, 0.0, a - b)), initial=0.0))


def max_rel_diff(a, b):
    """Largest absolute difference over the largest magnitude of ``b``."""
    scale = float(np.max(np.abs(np.asarray(b, dtype=np.float64)), initial=0.0))
    return max_abs_diff(a, b) / (scale or 1.0)


def machine():
    """Where the figures come from: CPU, cores, BLAS, versions, load, date."""
    from threadpoolctl import threadpool_info

    cpu = platform.processor() or "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    blas = [
        f"{info.get('internal_api')} {info.get('version')} "
        f"({info.get('architecture')}, {info.get('num_threads')} threads, "
        f"{Path(info.get('filepath', '?')).parent.name})"
        for info in threadpool_info()
        if info.get("user_api") == "blas"
    ]
    versions = {}
    for name in ("numpy", "scipy", "sklearn", "pandas", "torch", "phik", "captum",
                 "deslib"):
        try:
            versions[name] = __import__(name).__version__
        except Exception:  # noqa: BLE001 - a missing peer is reported, not fatal
            versions[name] = None
    return {
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "cpu": cpu,
        "cores": os.cpu_count(),
        "load_average": [round(value, 2) for value in os.getloadavg()],
        "blas": blas,
        "python": platform.python_version(),
        "versions": versions,
    }


@dataclass
class Row:
    benchmark: str
    what: str
    skcorr_call: str
    peer: str
    limit: str
    unit: str
    skcorr: dict
    peer_timing: dict | None
    limit_timing: dict | None
    peer_scale: float
    ratio_basis: str
    peer_over_skcorr: float | None
    skcorr_over_limit: float | None
    discrepancy: float | None
    tolerance: float | None
    tolerance_reason: str
    agree: bool | None
    goal: str
    goal_met: bool | None
    note: str


class Bench:
    """The rows of one benchmark script, written as one JSON file."""

    def __init__(self, name, argv=None, description=None):
        parser = argparse.ArgumentParser(description=description)
        parser.add_argument("--quick", action="store_true",
                            help="small sizes, for a run of a few minutes")
        parser.add_argument("--rounds", type=int, default=5,
                            help="timed rounds of each case (default 5, at least 5 "
                            "for the checked-in table)")
        parser.add_argument("--out", type=Path, default=None,
                            help="folder of the JSON results (default "
                            "benchmarks/results, or benchmarks/results/quick)")
        self.parser = parser
        self.name = name
        self.rows = []
        self._argv = argv

    def parse(self, extra=None):
        """Parse the command line (``extra(parser)`` adds script options)."""
        if extra is not None:
            extra(self.parser)
        self.args = self.parser.parse_args(self._argv)
        if self.args.out is None:
            self.args.out = RESULTS / "quick" if self.args.quick else RESULTS
        return self.args

    def case(self, what, *, skcorr, peer=None, limit=None, check=None,
             tolerance=None, tolerance_reason="", skcorr_call="", peer_name="",
             limit_name="", peer_scale=1.0, goal="", min_speedup=None,
             max_over_limit=None, note="", rounds=None, warmup=True,
             ratio_basis=None, cpu_clock=time.process_time):
        """Time one case interleaved, check agreement, keep and print its row.

        ``check(results)`` gets ``{"skcorr": ..., "peer": ..., "limit": ...}``
        (the warm-up results of those given) and returns the discrepancy that
        ``tolerance`` bounds. ``peer_scale`` multiplies the peer's timings
        (a peer run on a subset of the case; say which in ``note``).
        ``min_speedup`` (peer / skcorr at least) and ``max_over_limit``
        (skcorr / limit at most) make the goal checkable; ``goal`` is its text.
        ``ratio_basis="min"`` takes wall-time ratios (for parallel work, whose
        CPU time is spent in worker processes); default the CPU minima.
        ``cpu_clock=process_tree_cpu`` counts the CPU of worker processes too.
        """
        rounds = self.args.rounds if rounds is None else rounds
        measured = interleave({"skcorr": skcorr, "peer": peer, "limit": limit},
                              rounds, warmup=warmup, cpu_clock=cpu_clock)
        return self._row(what, measured, check, tolerance, tolerance_reason,
                         skcorr_call, peer_name, limit_name, peer_scale, goal,
                         note, unit="s", min_speedup=min_speedup,
                         max_over_limit=max_over_limit, ratio_basis=ratio_basis)

    def memory_case(self, what, *, skcorr, peer=None, limit=None, check=None,
                    tolerance=None, tolerance_reason="", skcorr_call="",
                    peer_name="", limit_name="", goal="", min_speedup=None,
                    max_over_limit=None, note="", rounds=None):
        """Peak RSS (MB) of Python snippets, each run in a fresh process.

        Each snippet is code run with ``OUT`` bound to a path where it saves
        (``np.save``) the array its result is checked on. Rounds interleave;
        at most 3 by default (a peak varies by a few MB from run to run).
        """
        rounds = min(self.args.rounds, 3) if rounds is None else rounds
        snippets = {"skcorr": skcorr, "peer": peer, "limit": limit}
        names = [name for name, code in snippets.items() if code is not None]
        timings = {name: Timings() for name in names}
        results = {}
        with tempfile.TemporaryDirectory() as folder:
            for round_index in range(rounds):
                shift = round_index % len(names)
                for name in names[shift:] + names[:shift]:
                    out = Path(folder) / f"{name}.npy"
                    peak_mb, seconds = peak_rss(snippets[name], out)
                    timings[name].wall.append(peak_mb)
                    timings[name].cpu.append(seconds)
                    if name not in results:
                        results[name] = np.load(out, allow_pickle=False)
        measured = {name: (results[name], timings[name]) for name in names}
        return self._row(what, measured, check, tolerance, tolerance_reason,
                         skcorr_call, peer_name, limit_name, 1.0, goal, note,
                         unit="MB", min_speedup=min_speedup,
                         max_over_limit=max_over_limit)

    def _row(self, what, measured, check, tolerance, tolerance_reason,
             skcorr_call, peer_name, limit_name, peer_scale, goal, note, unit,
             min_speedup=None, max_over_limit=None, ratio_basis=None):
        summaries = {name: timings.summary() for name, (_, timings) in
                     measured.items()}
        peer = summaries.get("peer")
        if peer is not None and peer_scale != 1.0:
            for key in ("min", "median", "cpu_min", "cpu_median"):
                if peer[key] is not None:
                    peer[key] *= peer_scale
        ours = summaries["skcorr"]
        limit = summaries.get("limit")
        discrepancy = agree = None
        if check is not None:
            discrepancy = float(check({name: result for name, (result, _) in
                                       measured.items()}))
            agree = bool(discrepancy <= tolerance)
        # CPU time under load (other processes take cores, not CPU seconds);
        # peak MB for memory cases
        basis = ratio_basis or ("cpu_min" if unit == "s" else "min")
        speedup = peer[basis] / ours[basis] if peer else None
        over_limit = ours[basis] / limit[basis] if limit else None
        goal_met = None
        if min_speedup is not None or max_over_limit is not None:
            goal_met = bool(
                (min_speedup is None or speedup >= min_speedup)
                and (max_over_limit is None or over_limit <= max_over_limit))
        row = Row(
            benchmark=self.name, what=what, skcorr_call=skcorr_call,
            peer=peer_name if peer is not None else "",
            limit=limit_name if limit is not None else "", unit=unit,
            skcorr=ours, peer_timing=peer, limit_timing=limit,
            peer_scale=peer_scale,
            ratio_basis=basis, peer_over_skcorr=speedup,
            skcorr_over_limit=over_limit,
            discrepancy=discrepancy, tolerance=tolerance,
            tolerance_reason=tolerance_reason, agree=agree, goal=goal,
            goal_met=goal_met, note=note,
        )
        self.rows.append(row)
        print(format_row(row), flush=True)
        return row

    def write(self):
        self.args.out.mkdir(parents=True, exist_ok=True)
        path = self.args.out / f"{self.name}.json"
        payload = {"machine": machine(), "argv": sys.argv[1:],
                   "rows": [asdict(row) for row in self.rows]}
        path.write_text(json.dumps(payload, indent=1) + "\n")
        print(f"wrote {path}")
        return path


def _figure(summary, unit):
    if summary is None:
        return "-"
    if unit == "MB":
        return f"{summary['min']:,.0f} MB / {summary['median']:,.0f} MB"
    return (f"{_seconds(summary['min'])} / {_seconds(summary['median'])} "
            f"(CPU {_seconds(summary['cpu_min'])})")


def _seconds(value):
    if value >= 100:
        return f"{value:,.0f} s"
    if value >= 1:
        return f"{value:.2f} s"
    if value >= 1e-3:
        return f"{1e3 * value:.3g} ms"
    return f"{1e6 * value:.3g} us"


def _ratio(value, basis="cpu_min", unit="s"):
    if value is None:
        return "-"
    text = f"{value:,.0f}x" if value >= 100 else f"{value:.2f}x"
    return text + (" (wall)" if basis == "min" and unit == "s" else "")


def agreement_text(row):
    if row["agree"] is None:
        return "not compared"
    verdict, sign = ("yes", "<=") if row["agree"] else ("NO", ">")
    return f"{verdict}: {row['discrepancy']:.1e} {sign} {row['tolerance']:.0e}"


def table_cells(row):
    """One table line: what, skcorr, peer, limit, ratios, agreement, goal."""
    unit = row["unit"]
    peer = row["peer_timing"]
    return {
        "what": row["what"],
        "skcorr": _figure(row["skcorr"], unit),
        "peer": f"{row['peer']}: {_figure(peer, unit)}" if peer else "-",
        "limit": (f"{row['limit']}: {_figure(row['limit_timing'], unit)}"
                  if row["limit_timing"] else "-"),
        "peer / skcorr": _ratio(row["peer_over_skcorr"], row["ratio_basis"],
                                unit),
        "skcorr / limit": _ratio(row["skcorr_over_limit"], row["ratio_basis"],
                                 unit),
        "agreement": agreement_text(row),
        "goal": (row["goal"] or "-") + {None: "", True: " (met)",
                                         False: " (not met)"}[row["goal_met"]],
        "note": row["note"] or "",
    }


def format_row(row):
    cells = table_cells(asdict(row))
    return (f"[{row.benchmark}] {cells['what']}\n"
            f"    skcorr {cells['skcorr']} (min / median of "
            f"{row.skcorr['rounds']}) | peer {cells['peer']} | limit "
            f"{cells['limit']}\n    ratios: peer/skcorr {cells['peer / skcorr']}, "
            f"skcorr/limit {cells['skcorr / limit']}, agreement "
            f"{cells['agreement']}; goal {cells['goal']} {cells['note']}")


PEAK_TRAILER = """
import pathlib as _pathlib
for _line in _pathlib.Path("/proc/self/status").read_text().splitlines():
    if _line.startswith("VmHWM:"):
        _pathlib.Path(OUT + ".hwm").write_text(_line.split()[1])
"""


def peak_rss(code, out):
    """(peak RSS in MB, CPU seconds) of ``code`` run in a fresh interpreter.

    The peak is the child's own ``VmHWM`` (Linux), read at its end: the
    ``ru_maxrss`` that ``wait4`` reports would include the parent's resident
    memory copied at ``fork`` (Linux carries it over ``exec``).
    """
    program = f"OUT = {str(out)!r}\n{code}\n{PEAK_TRAILER}"
    process = subprocess.Popen([sys.executable, "-c", program],
                               stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise RuntimeError(f"memory case failed (exit {process.returncode}):\n"
                           f"{code}")
    peak_kb = int(Path(f"{out}.hwm").read_text())  # VmHWM is in kB
    return peak_kb / 1024, usage.ru_utime + usage.ru_stime
