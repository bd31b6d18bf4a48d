"""Fits and GITT refinement at this tree against an older commit, in one run (issue 16: the
speed work must not slow them: medians at least 0.9× of before).

Both cases are hc-kinetics' parts of ``bench_fit.py`` and ``bench_gitt.py``, timed alike:

* ``fit``: the GCD fit of ``bench_fit.py`` (MPCC-1 ether SPMe, virtual files at 20, 200 and
  1000 mA/g with 2 mV noise, six parameters from a ±30 % start), the wall time of ``fit``;
* ``gitt``: the model-based GITT identification of ``bench_gitt.py`` (its carbon of
  ``gitt_truth.py``, paper 003's protocol, 1 mV noise), the wall time of ``identify``, refining
  the D(x) law and the exchange current but not the width of the diffusivity's minimum (the
  baseline cannot start that one here: its analytic fit gives a width below the refinement's
  default bound, a mismatch fixed with issue 16).

The older commit (default ``12b740a``, main before issue 16) is exported to a temporary folder
and imported first on ``sys.path`` by its child processes; old and new alternate, ``--runs``
fresh processes each (median reported). Run: ``python benchmarks/bench_regression.py``.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from bench_simulate import ROOT, _export
from history import record

CHILD = r"""
import json, sys, tempfile, time, warnings
from pathlib import Path
sys.path.insert(0, sys.argv[1])
sys.path.append(sys.argv[3])  # this benchmarks folder (gitt_truth)
warnings.simplefilter("ignore")
import pandas as pd
import kinetics as hk
assert hk.__file__.startswith(sys.argv[1]), hk.__file__
from kinetics.io.gcd import read_gcd
case = sys.argv[2]
if case == "fit":
    from kinetics.fitting import fit, make_parameters
    from kinetics.virtual import write_virtual_gcd
    names = ["anode.ocp.pore_filling.potential", "anode.ocp.pore_filling.capacity", "anode.ocp.insertion.capacity",
             "anode.diffusivity.pore_filling", "anode.diffusivity.minimum_depth",
             "anode.kinetics.exchange_current_density"]
    factors = [1.3, 0.7, 1.3, 0.7, 1.3, 0.7]
    bounds = [(0.02, 0.12), (50, 400), (10, 200), (1e-17, 1e-12), (0, 3), (0.01, 100)]
    cell = hk.HalfCell("MPCC-1-ether", "SPMe")
    start = {n: cell.pset.value(n) * f for n, f in zip(names, factors)}
    with tempfile.TemporaryDirectory() as folder:
        paths = write_virtual_gcd(cell, [20, 200, 1000], folder, noise_mV=2.0, seed=1)
        data = [read_gcd(p, mass_mg=cell.active_mass_mg, label=p.name) for p in paths]
    params = make_parameters(names, cell.pset, start=start, bounds=dict(zip(names, bounds)))
    t0 = time.perf_counter()
    r = fit(cell, data, params)
    out = {"wall_s": time.perf_counter() - t0, "evaluations": r.n_evaluations, "rmse_mV": r.rmse_all_mV}
else:
    from kinetics.analysis.gitt import analyse
    from kinetics.fitting.gitt import identify
    from kinetics.virtual import virtual_gitt
    from gitt_truth import truth_set

    base = hk.load("MPCC-1-ether")
    cell = hk.HalfCell(truth_set(), "SPMe")
    frame = virtual_gitt(cell, noise_mV=1.0, seed=3)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "virtual_gitt.csv"
        frame.to_csv(path, index=False, float_format="%.10g")
        data = read_gcd(path, mass_mg=cell.active_mass_mg, label=path.name)
    table = analyse(frame["Time [s]"].to_numpy(), frame["Current [A]"].to_numpy(), frame["Voltage [V]"].to_numpy(),
                    cell.active_mass_mg * 1e-3, radius_m=1e-6)
    refine = [f"anode.diffusivity.{n}" for n in ("adsorption", "insertion", "pore_filling", "minimum_potential",
                                                  "minimum_depth")] + ["anode.kinetics.exchange_current_density"]
    t0 = time.perf_counter()
    ident = identify(base, data, table, "sodiate", "SPMe", refine_names=refine)
    out = {"wall_s": time.perf_counter() - t0, "evaluations": ident.refinement.n_evaluations,
           "rmse_mV": ident.refinement.rmse_all_mV}
print("RESULT " + json.dumps(out))
"""


def _run(tree: Path, case: str) -> dict:
    p = subprocess.run([sys.executable, "-c", CHILD, str(tree), case, str(Path(__file__).resolve().parent)],
                       capture_output=True, text=True)
    lines = [ln for ln in p.stdout.splitlines() if ln.startswith("RESULT ")]
    if p.returncode != 0 or not lines:
        raise SystemExit(f"{case} failed in {tree}:\n{p.stderr[-2000:]}")
    return json.loads(lines[-1][7:])


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--baseline", default="12b740a")
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        old = _export(args.baseline, Path(tmp) / "baseline")
        trees = {f"main at {args.baseline}": old, "this tree": ROOT}
        results: dict[tuple[str, str], list[dict]] = {}
        for case in ("fit", "gitt"):
            for _ in range(args.runs):
                for name, tree in trees.items():
                    results.setdefault((case, name), []).append(_run(tree, case))
    print(f"hc-kinetics' fit and GITT refinement, {args.runs} fresh processes each, medians\n")
    print(f"{'case':5s} {'tree':18s} {'wall [s]':>9s} {'runs [s]':>22s} {'evaluations':>12s} {'RMSE [mV]':>10s} "
          f"{'before/now':>11s}")
    for case in ("fit", "gitt"):
        before = statistics.median(r["wall_s"] for r in results[(case, f"main at {args.baseline}")])
        for name in trees:
            rs = results[(case, name)]
            med = statistics.median(r["wall_s"] for r in rs)
            runs = ", ".join(f"{r['wall_s']:.1f}" for r in rs)
            print(f"{case:5s} {name:18s} {med:9.2f} {runs:>22s} "
                  f"{rs[0]['evaluations']:12d} {rs[0]['rmse_mV']:10.3f} {before / med:10.2f}×")
        now = statistics.median(r["wall_s"] for r in results[(case, "this tree")])
        print(f"target {case}: at least 0.9× the speed of before: {'met' if before / now >= 0.9 else 'NOT met'}")
        record(f"regression {case}", {"baseline": args.baseline, "baseline_s": before, "wall_s": now,
                                      "speed_ratio": before / now})


if __name__ == "__main__":
    main()
