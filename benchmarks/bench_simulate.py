"""``kinetics simulate`` (no arguments) at this tree against an older commit, in one run.

The older commit (default ``12b740a``, main before issue 16) is exported into a temporary
folder and run with the same Python and packages (its folder first on ``sys.path``); the two
alternate, each run a fresh process timed from start to exit (imports included) with its peak
memory, ``--runs`` times each (median reported). This tree also runs with its cache off
(``KINETICS_NO_CACHE=1``), as a first run ever would. The printed tables must agree to
0.1 mAh/g (and 0.001 V, 0.1 Wh/kg), or the benchmark says so and fails.

Run: ``python benchmarks/bench_simulate.py [--baseline COMMIT] [--runs N]``; the figures are
appended to ``benchmarks/history.jsonl`` (:mod:`history`).
"""

from __future__ import annotations

import argparse
import io
import json
import os
import re
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

from history import record

ROOT = Path(__file__).resolve().parents[1]
CHILD = r"""
import resource, sys, time
t0 = time.perf_counter()
sys.path.insert(0, sys.argv[1])
import kinetics
assert kinetics.__file__.startswith(sys.argv[1]), kinetics.__file__
from kinetics.cli import main
code = main(["simulate", "--quiet", "--out", sys.argv[2]])
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
sys.stderr.write("BENCH %.4f %.1f\n" % (time.perf_counter() - t0, rss))
sys.exit(code)
"""


def _export(commit: str, into: Path) -> Path:
    """The tree of ``commit`` in ``into`` (``git archive``: no checkout of this repository moves)."""
    data = subprocess.run(["git", "archive", "--format=tar", commit], cwd=ROOT, capture_output=True,
                          check=True).stdout
    with tarfile.open(fileobj=io.BytesIO(data)) as tar:
        tar.extractall(into, filter="data")
    return into


def _run(tree: Path, out: Path, env: dict[str, str]) -> tuple[float, float, str]:
    t0 = time.perf_counter()
    p = subprocess.run([sys.executable, "-c", CHILD, str(tree), str(out)], capture_output=True, text=True,
                       env=env)
    wall = time.perf_counter() - t0
    if p.returncode != 0:
        raise SystemExit(f"kinetics simulate failed in {tree}:\n{p.stderr[-2000:]}")
    inner = [ln for ln in p.stderr.splitlines() if ln.startswith("BENCH ")][-1].split()
    return wall, float(inner[2]), p.stdout


def _numbers(table: str) -> list[float]:
    """Every number of the printed tables (not the output folder's path)."""
    body = table.split("Outputs written to")[0]
    return [float(x) for x in re.findall(r"-?\d+\.\d+|-?\d+", body)]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--baseline", default="12b740a")
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    # both trees read the installed package's parameter sets (kinetics._sets): they must not differ
    changed = subprocess.run(["git", "diff", "--stat", args.baseline, "--", "parameter_sets"], cwd=ROOT,
                             capture_output=True, text=True, check=True).stdout.strip()
    if changed:
        raise SystemExit(f"parameter sets changed since {args.baseline}; compare against a later baseline:\n{changed}")
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        old = _export(args.baseline, tmp / "baseline")
        base_env = {k: v for k, v in os.environ.items() if k != "KINETICS_NO_CACHE"}
        variants = {f"main at {args.baseline}": (old, base_env), "this tree": (ROOT, base_env),
                    "this tree, cache off": (ROOT, {**base_env, "KINETICS_NO_CACHE": "1"})}
        _run(ROOT, tmp / "warm-up", base_env)  # fills this tree's cache (pint's units) as a user's first run would
        times: dict[str, list[float]] = {k: [] for k in variants}
        rss: dict[str, list[float]] = {k: [] for k in variants}
        tables: dict[str, str] = {}
        for k in range(args.runs):
            for name, (tree, env) in variants.items():
                wall, mem, table = _run(tree, tmp / f"out-{len(tables)}-{k}-{name.split()[0]}", env)
                times[name].append(wall)
                rss[name].append(mem)
                tables[name] = table
    ref = f"main at {args.baseline}"
    print(f"kinetics simulate (no arguments), {args.runs} fresh processes each, medians (wall time incl. imports)\n")
    print(f"{'variant':28s} {'wall [s]':>9s} {'runs [s]':>24s} {'max RSS [MB]':>13s} {'speed-up':>9s}")
    for name in variants:
        med = statistics.median(times[name])
        runs = ", ".join(f"{t:.2f}" for t in times[name])
        print(f"{name:28s} {med:9.2f} {runs:>24s} {statistics.median(rss[name]):13.0f} "
              f"{statistics.median(times[ref]) / med:8.2f}×")
    a, b = _numbers(tables[ref]), _numbers(tables["this tree"])
    worst = max((abs(x - y) for x, y in zip(a, b)), default=0.0)
    same = len(a) == len(b) and worst <= 0.1 + 1e-9
    print(f"\nprinted tables: {len(a)} numbers each, largest difference {worst:g} "
          f"({'the same to 0.1 mAh/g' if same else 'DIFFERENT'})")
    speedup = statistics.median(times[ref]) / statistics.median(times["this tree"])
    print(f"target ≥ 5× faster than {args.baseline}: {'met' if speedup >= 5 else 'NOT met'} ({speedup:.2f}×)")
    record("simulate", {"baseline": args.baseline, "baseline_s": statistics.median(times[ref]),
                        "wall_s": statistics.median(times["this tree"]),
                        "wall_cache_off_s": statistics.median(times["this tree, cache off"]),
                        "max_rss_MB": statistics.median(rss["this tree"]), "speedup": speedup,
                        "largest_table_difference": worst})
    if not same:
        print(json.dumps({"baseline": tables[ref], "this tree": tables["this tree"]}, indent=1))
        raise SystemExit(1)


if __name__ == "__main__":
    main()
