"""Cycling with ageing (issue 14): 1,000 cycles of a half cell with its SEI, three ways, in one run —
a plain PyBaMM experiment of the same model, options and protocol; hc-kinetics' full simulation
(``kinetics cycle``); and hc-kinetics' fast path (``kinetics cycle --fast``: cycle skipping). Wall
time, peak memory above the post-import baseline (at 100 and at N cycles: flat means the run keeps
only what it reports), and the last cycle's desodiation capacity.

Protocol (fixed by the issue): MPCC-1 (ether) half cell, SPMe, sodiate at 300 mA/g to 0.01 V,
desodiate at 300 mA/g to 3.0 V, constant current only, the model hc-kinetics builds with ageing on
(tunnelling-limited SEI on the carbon, plating, the set's loss of active material), solved with
``pybamm.IDAKLUSolver(rtol=1e-6, atol=1e-6)``. PyBaMM runs ``pybamm.Experiment([(sodiate,
desodiate)] * N)`` of the very PyBaMM steps hc-kinetics translates the two steps into (same
currents, terminations, duration limits and output period), with ``save_at_cycles`` every 100th
cycle (its way to save memory on long runs) and only time, voltage, current and charge as output
variables. Each case runs in a fresh process.

Run: ``python benchmarks/bench_cycle.py [--cycles 1000]`` (about 10 minutes).
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
from kinetics.engine import CycleSkipping, Engine, make_solver
from kinetics.engine.steps import value_input
from kinetics.protocols import repeat
from kinetics.results import Simulator, every_cycle
def rss():
    return int(open("/proc/self/statm").read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 1e6
which, n = sys.argv[1], int(sys.argv[2])
cell = hk.HalfCell("MPCC-1-ether", "SPMe")
baseline = rss()
t0 = time.perf_counter()
if which == "PyBaMM":
    engine = Engine(cell, ageing=True)
    b = engine.built
    cycle = []  # the same PyBaMM steps hc-kinetics solves, with plain numbers where it has input parameters
    for s, termination in ((hk.sodiate(300, 0.01), "<0.01 V"), (hk.desodiate(300, 3.0), ">3.0 V")):
        (piece,) = engine.translation.steps(s)
        cycle.append(pybamm.step.current(piece.inputs[value_input(0)], termination=termination,
                                         duration=piece.step.duration, period=piece.step.period))
    cycle = tuple(cycle)
    sim = pybamm.Simulation(b.model, parameter_values=b.parameter_values, experiment=pybamm.Experiment([cycle] * n),
                            solver=make_solver(["Time [s]", "Voltage [V]", "Current [A]", "Discharge capacity [A.h]"]))
    sol = sim.solve(save_at_cycles=100)
    q = sol.cycles[-1]["Discharge capacity [A.h]"].entries
    capacity, solved = float((q.max() - q[-1]) * 1e6 / cell.active_mass_mg), n
else:
    protocol = [repeat([hk.sodiate(300, 0.01), hk.desodiate(300, 3.0)], n, keep_cycles=[1, n])]
    r = Simulator(cell, ageing=True).run(protocol, fast=CycleSkipping() if which == "fast path" else None)
    table = every_cycle(r.cycles, n)
    capacity, solved = float(table["capacity_out_mAh_g"].iloc[-1]), int(table["simulated"].sum())
wall = time.perf_counter() - t0
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e3
print(json.dumps({"wall_s": wall, "peak_above_baseline_MB": peak - baseline, "last_cycle_capacity_mAh_g": capacity,
                  "cycles_solved": solved}))
"""

CASES = ("PyBaMM", "full simulation", "fast path")


def run(which: str, n: int) -> dict:
    out = subprocess.run([sys.executable, "-c", CASE, which, str(n)], capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cycles", type=int, default=1000)
    n = ap.parse_args().cycles
    rows = {(w, c): run(w, c) for c in (100, n) for w in CASES}
    print(f"{'case':16s} {'cycles':>7s} {'solved':>7s} {'wall [s]':>9s} {'memory above import [MB]':>25s} "
          f"{'last capacity [mAh/g]':>22s}")
    for (w, c), r in rows.items():
        print(f"{w:16s} {c:7d} {r['cycles_solved']:7d} {r['wall_s']:9.1f} {r['peak_above_baseline_MB']:25.0f} "
              f"{r['last_cycle_capacity_mAh_g']:22.2f}")
    for w in CASES:
        growth = rows[(w, n)]["peak_above_baseline_MB"] - rows[(w, 100)]["peak_above_baseline_MB"]
        print(f"{w}: memory growth from 100 to {n} cycles {growth:.0f} MB")
    base = rows[("PyBaMM", n)]["wall_s"]
    full, fast = rows[("full simulation", n)]["wall_s"], rows[("fast path", n)]["wall_s"]
    q = {w: rows[(w, n)]["last_cycle_capacity_mAh_g"] for w in CASES}
    print(f"full simulation / PyBaMM: {full / base:.2f}× the time (target ≤ 1.5×); PyBaMM / fast path: "
          f"{base / fast:.1f}× faster (target ≥ 5×)")
    print(f"last-cycle capacity: PyBaMM {q['PyBaMM']:.2f}, full {q['full simulation']:.2f}, fast "
          f"{q['fast path']:.2f} mAh/g (fast vs full {100 * (q['fast path'] / q['full simulation'] - 1):+.2f} %)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
