"""Design sweep (issue 15): a 200-point SPMe sweep (20 N/P ratios × 10 charge rates, discharge
0.5C) of MPCC-1 ester // O3-Na0.9TMO2, four ways, in one run, each case in a fresh process:

* ``PyBaMM loop``: a plain loop that builds a new ``pybamm.Simulation`` per point (the model and
  parameter values hc-kinetics builds for that N/P, an experiment charging at the point's current
  to the upper cut-off and discharging to the lower one) with the same solver settings
  (``pybamm.IDAKLUSolver(rtol=1e-6, atol=1e-6)``, the same output variables);
* ``kinetics, 1 worker`` and ``kinetics, 2 workers``: :func:`kinetics.design.sweep` (one built model
  per N/P, currents, cut-offs and temperature as input parameters; designs on local processes);
* ``kinetics, Dask 2 workers``: the same call on a ``distributed.LocalCluster`` of two processes.

Every case includes the electrodes' half-cell balance simulations. Reported: wall time, the ratio to
the PyBaMM loop, the 1 → 2 worker speed-up (with the designs' own build and solve time summed over the
workers, and the rest of the wall time), and the largest difference of any row's capacity and
lowest anode potential from the 1-worker rows (identical rows are 0).

Run: ``python benchmarks/bench_design.py [--points-np 20 --points-rate 10]`` (about 6 minutes).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys

CASE = r"""
import json, sys, time, warnings
warnings.simplefilter("ignore")
which, n_np, n_rate = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
t0 = time.perf_counter()
import numpy as np
import pybamm
from kinetics.design import Design, Grid, sweep
from kinetics.design.sweep import current_A
from kinetics.engine import build, make_solver, names
nps = tuple(round(0.85 + 0.5 * k / (n_np - 1), 4) for k in range(n_np))
rates = tuple(f"{0.2 + 2.8 * k / (n_rate - 1):.3g}C" for k in range(n_rate))
grid = Grid(np_ratio=nps, charge_rate=rates, discharge_rate=("0.5C",))
base = Design("MPCC-1-ester", "O3-Na0.9TMO2", model="SPMe")
t_import = time.perf_counter() - t0
t0 = time.perf_counter()
busy = None  # the designs' own build + solve time summed over workers (hc-kinetics' rows record it)
if which == "PyBaMM loop":
    rows = []
    for p in grid.points():
        cell = base.with_(np_ratio=p["np_ratio"]).cell()
        mass = base.with_(np_ratio=p["np_ratio"]).mass(cell)
        lo, hi = cell.window_V
        b = build(cell)
        anode_potential = names.electrode_potential_variable(names.slot("full", "anode"))
        out = [*(names.VARIABLES[k] for k in ("time", "voltage", "current", "charge")), anode_potential]
        ic, idis = current_A(p["charge_rate"], cell, mass), current_A(p["discharge_rate"], cell, mass)
        experiment = pybamm.Experiment([(pybamm.step.current(-ic, termination=f"> {hi} V"),
                                         pybamm.step.current(idis, termination=f"< {lo} V"))])
        sim = pybamm.Simulation(b.model, parameter_values=b.parameter_values, experiment=experiment,
                                solver=make_solver(out))
        sol = sim.solve()
        q = sol.cycles[-1].steps[1][names.VARIABLES["charge"]].entries
        u = sol.cycles[-1].steps[0][anode_potential].entries
        rows.append({"np_ratio": p["np_ratio"], "charge_rate": p["charge_rate"],
                     "capacity_mAh_g_anode": float(q[-1] - q[0]) * 1e6 / cell.anode_mass_mg,
                     "min_anode_potential_V": float(np.min(u))})
else:
    workers = 1 if which.endswith("1 worker") else 2
    if "Dask" in which:
        from distributed import LocalCluster
        with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as c:
            t0 = time.perf_counter()
            rows = sweep(base, grid, scheduler=c.scheduler_address).rows
    else:
        rows = sweep(base, grid, workers=workers).rows
    busy = float(rows["build_s"].sum() + rows["solve_s"].sum())
    rows = rows[["np_ratio", "charge_rate", "capacity_mAh_g_anode", "min_anode_potential_V"]].to_dict("records")
wall = time.perf_counter() - t0
print(json.dumps({"wall_s": wall, "import_s": t_import, "rows": rows, "busy_s": busy}))
"""

CASES = ("PyBaMM loop", "kinetics, 1 worker", "kinetics, 2 workers", "kinetics, Dask 2 workers")


def run(which: str, n_np: int, n_rate: int) -> dict:
    out = subprocess.run([sys.executable, "-c", CASE, which, str(n_np), str(n_rate)], capture_output=True,
                         text=True)
    if out.returncode:
        raise SystemExit(f"{which} failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--points-np", type=int, default=20)
    ap.add_argument("--points-rate", type=int, default=10)
    a = ap.parse_args()
    results = {w: run(w, a.points_np, a.points_rate) for w in CASES}
    ref = results["kinetics, 1 worker"]["rows"]
    loop = results["PyBaMM loop"]["wall_s"]
    n = len(ref)
    print(f"{n}-point SPMe sweep (N/P {a.points_np} × charge rate {a.points_rate}), MPCC-1 ester // O3-Na0.9TMO2")
    print(f"{'case':26s} {'wall [s]':>9s} {'vs PyBaMM loop':>15s} {'max |Δ capacity| [mAh/g]':>25s} "
          f"{'max |Δ min anode| [mV]':>23s}")
    for w, r in results.items():
        dq = max(abs(x["capacity_mAh_g_anode"] - y["capacity_mAh_g_anode"]) for x, y in zip(r["rows"], ref))
        du = max(abs(x["min_anode_potential_V"] - y["min_anode_potential_V"]) for x, y in zip(r["rows"], ref))
        print(f"{w:26s} {r['wall_s']:9.1f} {loop / r['wall_s']:14.1f}× {dq:25.3g} {1e3 * du:23.3g}")
    s = results["kinetics, 1 worker"]["wall_s"] / results["kinetics, 2 workers"]["wall_s"]
    print(f"1 → 2 local workers: {s:.2f}× faster")
    for w in ("kinetics, 1 worker", "kinetics, 2 workers"):
        r, n_w = results[w], 1 if w.endswith("1 worker") else 2
        print(f"  {w}: designs' build + solve {r['busy_s']:.1f} s summed over workers; the rest of the wall time "
              f"({r['wall_s'] - r['busy_s'] / n_w:.1f} s) is the balance, starting workers and waiting for the "
              "last design")
    return 0


if __name__ == "__main__":
    sys.exit(main())
