"""Long runs: a 1,000-cycle repeat block with hc-kinetics against PyBaMM's own experiment loop on
the same model, in one run: wall time and peak memory above the post-import baseline.

Both solve the MPCC-1 (ether) SPM half cell that hc-kinetics builds, cycled between 0.3 and 1.0 V
at 1000 mA/g, with ``pybamm.IDAKLUSolver(rtol=1e-6, atol=1e-6)``. PyBaMM runs
``pybamm.Experiment([(sodiate, desodiate)] * N)`` with ``save_at_cycles`` every 100th cycle (its
way to save memory on long runs); hc-kinetics runs ``repeat([...], N)``, which keeps the same
cycles' time series and a summary of every cycle. Each case runs in a fresh process.

Run: ``python benchmarks/bench_long_run.py [--cycles 1000]`` (about 3 minutes).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys

CASE = r"""
import json, os, resource, sys, time, warnings
warnings.simplefilter("ignore")
import pybamm
import kinetics as hk
from kinetics.engine import build, make_solver
from kinetics.protocols import repeat
def rss():
    return int(open("/proc/self/statm").read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 1e6
which, n = sys.argv[1], int(sys.argv[2])
cell = hk.HalfCell("MPCC-1-ether", "SPM")
i_A = cell.current_A(1000.0)
baseline = rss()
t0 = time.perf_counter()
if which == "hc-kinetics":
    r = hk.run(cell, [repeat([hk.sodiate(1000, 0.3), hk.desodiate(1000, 1.0)], n)])
    kept, capacity = len(r.table), float(r.cycles["capacity_out_mAh_g"].iloc[-1])
else:
    b = build(cell)
    cycle = (pybamm.step.current(i_A, termination="<0.3 V", duration=3600, period=9),
             pybamm.step.current(-i_A, termination=">1.0 V", duration=3600, period=9))
    sim = pybamm.Simulation(b.model, parameter_values=b.parameter_values, experiment=pybamm.Experiment([cycle] * n),
                            solver=make_solver(["Time [s]", "Voltage [V]", "Current [A]", "Discharge capacity [A.h]"]))
    sol = sim.solve(save_at_cycles=100)
    kept = len(sol.t)
    q = sol.cycles[-1]["Discharge capacity [A.h]"].entries
    capacity = float((q.max() - q[-1]) * 1e6 / cell.active_mass_mg)
wall = time.perf_counter() - t0
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e3
print(json.dumps({"wall_s": wall, "peak_above_baseline_MB": peak - baseline, "samples_kept": kept,
                  "last_cycle_capacity_mAh_g": capacity}))
"""


def run(which: str, n: int) -> dict:
    out = subprocess.run([sys.executable, "-c", CASE, which, str(n)], capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cycles", type=int, default=1000)
    n = ap.parse_args().cycles
    rows = {(w, c): run(w, c) for w in ("PyBaMM", "hc-kinetics") for c in (10, n)}
    print(f"{'tool':12s} {'cycles':>7s} {'wall [s]':>9s} {'memory above import [MB]':>25s} {'samples kept':>13s}")
    for (w, c), r in rows.items():
        print(f"{w:12s} {c:7d} {r['wall_s']:9.1f} {r['peak_above_baseline_MB']:25.0f} {r['samples_kept']:13d}")
    for w in ("PyBaMM", "hc-kinetics"):
        growth = rows[(w, n)]["peak_above_baseline_MB"] - rows[(w, 10)]["peak_above_baseline_MB"]
        print(f"{w}: memory growth from 10 to {n} cycles {growth:.0f} MB")
    ratio = rows[("PyBaMM", n)]["wall_s"] / rows[("hc-kinetics", n)]["wall_s"]
    q = {w: rows[(w, n)]["last_cycle_capacity_mAh_g"] for w in ("PyBaMM", "hc-kinetics")}
    print(f"wall-time ratio PyBaMM / hc-kinetics at {n} cycles: {ratio:.2f}×; last-cycle capacity "
          f"{q['PyBaMM']:.2f} vs {q['hc-kinetics']:.2f} mAh/g")
    return 0


if __name__ == "__main__":
    sys.exit(main())
