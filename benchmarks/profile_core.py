"""Where the time goes (issue 16, "profile first"): cProfile of four jobs, each in a fresh process,
summarised by who spends it.

* ``simulate``: ``kinetics simulate`` with no arguments (the main job: two half cells, a full cell
  and its balance);
* ``cold build``: an MPCC-1 ether half cell, SPMe — build, discretise and the first 20 mA/g
  sodiation;
* ``warm DFN``: the same cell in the DFN, re-solved with a new input value (the pore-filling
  diffusivity) after a first solve;
* ``one step``: one more 20 mA/g desodiation step through the engine after the model is built.

Time is split into CasADi expression building (calls into ``casadi``'s Python API: ``times``,
``plus``, shape queries, …), PyBaMM's model processing (``pybamm`` outside its solvers), the
solver (``pybamm/solvers`` incl. IDAKLU), hc-kinetics' own code and the rest, by the innermost
package on the stack (cProfile's ``tottime``). Run: ``python benchmarks/profile_core.py``.
"""

from __future__ import annotations

import json
import subprocess
import sys

CASE = r"""
import cProfile, io, json, pstats, sys, time, warnings
warnings.simplefilter("ignore")
which = sys.argv[1]
import kinetics as hk
from kinetics.results import Simulator
from kinetics.protocols import sodiate, desodiate
prof = cProfile.Profile()
if which == "simulate":
    from kinetics import cli
    import contextlib, os, tempfile
    os.chdir(tempfile.mkdtemp())
    t0 = time.perf_counter(); prof.enable()
    with contextlib.redirect_stdout(io.StringIO()):
        cli.main(["simulate", "--quiet"])
    prof.disable(); wall = time.perf_counter() - t0
elif which == "cold build":
    cell = hk.HalfCell("MPCC-1-ether", "SPMe")
    t0 = time.perf_counter(); prof.enable()
    Simulator(cell).run([sodiate(20, 0.01)])
    prof.disable(); wall = time.perf_counter() - t0
elif which == "warm DFN":
    cell = hk.HalfCell("MPCC-1-ether", "DFN")
    name = "anode.diffusivity.pore_filling"
    sim = Simulator(cell, [name])
    v = cell.values()[name]
    sim.run([sodiate(20, 0.01)], {name: v})
    t0 = time.perf_counter(); prof.enable()
    sim.run([sodiate(20, 0.01)], {name: 2 * v})
    prof.disable(); wall = time.perf_counter() - t0
else:
    cell = hk.HalfCell("MPCC-1-ether", "SPMe")
    sim = Simulator(cell)
    sim.run([sodiate(20, 0.01), desodiate(20, 3.0)])
    t0 = time.perf_counter(); prof.enable()
    sim.run([sodiate(20, 0.01), desodiate(20, 3.0)])
    prof.disable(); wall = time.perf_counter() - t0
stats = pstats.Stats(prof)
others = {}
buckets = {"CasADi expression building": 0.0, "PyBaMM model processing": 0.0, "solver (pybamm/solvers, IDAKLU)": 0.0,
           "hc-kinetics": 0.0, "numpy/scipy/pandas": 0.0, "plots": 0.0, "other": 0.0}
calls = {}
for (file, line, fn), (cc, nc, tt, ct, callers) in stats.stats.items():
    f = file.replace("\\", "/")
    if "idaklu" in fn.lower() or "pybamm/solvers" in f or "pybammsolvers" in f:
        key = "solver (pybamm/solvers, IDAKLU)"
    elif "casadi" in f or "casadi" in fn:
        key = "CasADi expression building"
    elif "/pybamm/" in f:
        key = "PyBaMM model processing"
    elif "/kinetics/" in f:
        key = "hc-kinetics"
    elif any(p in f for p in ("/numpy/", "/scipy/", "/pandas/")) or "numpy" in fn:
        key = "numpy/scipy/pandas"
    elif "matplotlib" in f or "PIL" in f:
        key = "plots"
    else:
        key = "other"
    buckets[key] += tt
    if key == "CasADi expression building":
        calls[fn] = calls.get(fn, 0) + nc
    if key == "other":
        others[fn] = others.get(fn, 0.0) + tt
top = sorted(calls.items(), key=lambda kv: -kv[1])[:6]
out = io.StringIO()
pstats.Stats(prof, stream=out).sort_stats("cumulative").print_stats(12)
print(json.dumps({"wall_s": wall, "profiled_s": sum(buckets.values()), "buckets": buckets,
                  "casadi_calls": top, "other": sorted(others.items(), key=lambda kv: -kv[1])[:4]}))
"""

JOBS = ("simulate", "cold build", "warm DFN", "one step")


def main() -> int:
    print(f"{'job':12s} {'wall [s]':>9s}  share of profiled time")
    for job in JOBS:
        out = subprocess.run([sys.executable, "-c", CASE, job], capture_output=True, text=True)
        if out.returncode:
            raise SystemExit(f"{job} failed:\n{out.stderr[-2000:]}")
        r = json.loads(out.stdout.strip().splitlines()[-1])
        total = r["profiled_s"] or 1.0
        shares = ", ".join(f"{k} {100 * v / total:.0f} %" for k, v in r["buckets"].items() if v / total >= 0.01)
        print(f"{job:12s} {r['wall_s']:9.2f}  {shares}")
        print(f"{'':12s} {'':9s}  largest 'other': " + ", ".join(f"{fn[:40]} {t:.2f} s" for fn, t in r["other"]))
        if r["casadi_calls"]:
            print(f"{'':12s} {'':9s}  CasADi calls: " + ", ".join(f"{fn.split(' ')[-1].strip('>')} {n:,}"
                                                                  for fn, n in r["casadi_calls"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
