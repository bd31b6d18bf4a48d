"""Speed and memory of the core engine, side by side with PyBaMM's own sodium-ion model.

(a) The same full cell — PyBaMM's ``Chayambuka2022`` sodium-ion set at 1C, same mesh
    (PyBaMM's default points: 20 per domain and particle) — solved by PyBaMM's
    ``pybamm.sodium_ion.BasicDFN`` with its tables and by hc-kinetics' DFN with every
    tabulated function replaced by a fitted smooth form (``pybamm:Chayambuka2022``).
    Cold = build + first solve; warm = re-solve with a new input value (the current). PyBaMM runs
    at its defaults (every variable of the solution available afterwards) and, as a second
    reference, with the same ``output_variables`` as hc-kinetics (the solver computes only those).
    hc-kinetics runs as its engine does: :func:`kinetics.engine.make_solver` with the variables
    the engine reads for a full cell.
(b) hc-kinetics' half-cell DFN sodiation of MPCC-1 at 20 mA/g, cold and warm (warm changes
    the pore-filling diffusivity, an input parameter).

Solver for every case: ``pybamm.IDAKLUSolver(rtol=1e-6, atol=1e-6)``. Each case runs in three
fresh Python processes (medians reported), so that cold times are model building and first
solve, not imports, and the peak memory (max RSS) is the case's own. Each hc-kinetics process
starts with an empty cache of its own (a first run ever), except the "second process" row, whose
processes share a cache that one earlier process filled.
Run: ``python benchmarks/bench_core.py``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time

from history import record

SOLVER = {"rtol": 1e-6, "atol": 1e-6}
WARM_REPEATS = 5
PROCESSES = 3


#: Variables both models define, for the like-for-like reference (what a voltage-capacity curve needs).
COMMON_OUTPUTS = ["Time [s]", "Current [A]", "Voltage [V]", "Discharge capacity [A.h]"]


def _cold_and_warm(model, pv, i1c: float, solver=None) -> dict:
    """Build + first 1C solve (cold), then the median of re-solves with new currents (warm)."""
    import pybamm

    pv["Current function [A]"] = "[input]"
    t0 = time.perf_counter()
    sim = pybamm.Simulation(model, parameter_values=pv, solver=solver or pybamm.IDAKLUSolver(**SOLVER))
    sol = sim.solve([0, 4000], inputs={"Current function [A]": i1c})
    cold = time.perf_counter() - t0
    warm = []
    for k in range(WARM_REPEATS):
        t0 = time.perf_counter()
        sim.solve([0, 4000], inputs={"Current function [A]": i1c * (1.0 + 0.01 * (k + 1))})
        warm.append(time.perf_counter() - t0)
    return {"cold_s": cold, "warm_s": sorted(warm)[len(warm) // 2],
            "capacity_Ah": float(sol["Discharge capacity [A.h]"].entries[-1])}


def _case_reference(outputs: list[str] | None = None) -> dict:
    import pybamm

    pv = pybamm.ParameterValues("Chayambuka2022")
    solver = pybamm.IDAKLUSolver(**SOLVER, output_variables=outputs) if outputs else None
    return _cold_and_warm(pybamm.sodium_ion.BasicDFN(), pv, float(pv["Current function [A]"]), solver)


def _case_hc_full(outputs: list[str] | None = None) -> dict:
    import pybamm

    from kinetics import FullCell, load
    from kinetics.engine import Engine, make_solver

    t0 = time.perf_counter()
    pset = load("pybamm:Chayambuka2022")
    convert = time.perf_counter() - t0
    reference = pybamm.ParameterValues("Chayambuka2022")
    i1c = float(reference["Current function [A]"])
    cell = FullCell(pset, pset, None, "DFN")  # the set's own loadings and initial state
    t0 = time.perf_counter()
    engine = Engine(cell)
    build_s = time.perf_counter() - t0
    built = engine.built
    built.parameter_values["Lower voltage cut-off [V]"] = float(reference["Lower voltage cut-off [V]"])
    outputs = outputs or engine.output_variables()
    out = _cold_and_warm(built.model, built.parameter_values, i1c, make_solver(outputs))
    out["cold_s"] += build_s  # building hc-kinetics' model belongs to the cold start
    out["conversion_s"] = convert
    out["n_outputs"] = len(outputs)
    return out


def _case_hc_half() -> dict:
    from kinetics import HalfCell, Simulator, sodiate

    name = "anode.diffusivity.pore_filling"
    t0 = time.perf_counter()
    sim = Simulator(HalfCell("MPCC-1-ether", "DFN"), [name])
    r = sim.run([sodiate(20, 0.01)])
    cold = time.perf_counter() - t0
    base = sim.built.inputs[name]
    warm = []
    for k in range(WARM_REPEATS):
        t0 = time.perf_counter()
        sim.run([sodiate(20, 0.01)], inputs={name: base * (1.0 + 0.01 * (k + 1))})
        warm.append(time.perf_counter() - t0)
    return {"cold_s": cold, "warm_s": sorted(warm)[len(warm) // 2],
            "capacity_mAh_g": float(r.steps["capacity_mAh_g"].iloc[0])}


CASES = {"reference": _case_reference, "reference_same_outputs": lambda: _case_reference(COMMON_OUTPUTS),
         "hc_full": _case_hc_full, "hc_full_same_outputs": lambda: _case_hc_full(COMMON_OUTPUTS),
         "hc_half": _case_hc_half}


def _run_case(name: str, cache: str | None = None) -> dict:
    """Median of PROCESSES fresh processes for every timing (this machine's timings scatter
    by ±30 % from run to run). ``cache``: hc-kinetics' cache folder (``KINETICS_CACHE_DIR``);
    without one, each process starts with an empty cache of its own (a first run ever)."""
    runs = []
    for _ in range(PROCESSES):
        with tempfile.TemporaryDirectory() as empty:
            env = {**os.environ, "KINETICS_CACHE_DIR": cache or empty}
            env.pop("KINETICS_NO_CACHE", None)
            out = subprocess.run([sys.executable, __file__, "--case", name], capture_output=True,
                                 text=True, check=True, env=env)
        runs.append(json.loads(out.stdout.strip().splitlines()[-1]))
    return {k: sorted(r[k] for r in runs)[len(runs) // 2] for k in runs[0]}


def main() -> None:
    import platform

    import pybamm

    print(f"hc-kinetics core benchmark — PyBaMM {pybamm.__version__}, Python {platform.python_version()}, "
          f"{platform.machine()}, IDAKLU rtol={SOLVER['rtol']}, atol={SOLVER['atol']}")
    ref, hc, half = _run_case("reference"), _run_case("hc_full"), _run_case("hc_half")
    ref_same, hc_same = _run_case("reference_same_outputs"), _run_case("hc_full_same_outputs")
    with tempfile.TemporaryDirectory() as cache:
        _run_case("hc_full", cache)  # fills the cache as a first run would
        cached = _run_case("hc_full", cache)
    dcap = (hc["capacity_Ah"] - ref["capacity_Ah"]) / ref["capacity_Ah"]
    rows = [
        ("(a) Chayambuka2022 1C DFN, cold (build + first solve)", ref["cold_s"], hc["cold_s"]),
        ("(a) Chayambuka2022 1C DFN, warm (re-solve, new input)", ref["warm_s"], hc["warm_s"]),
        ("(a) warm, both with the same 4 output variables", ref_same["warm_s"], hc_same["warm_s"]),
        ("(a) cold, both with the same 4 output variables", ref_same["cold_s"], hc_same["cold_s"]),
        ("(a) cold in a second process (hc-kinetics' cache filled)", ref["cold_s"], cached["cold_s"]),
    ]
    print(f"\n{'case':58s} {'PyBaMM BasicDFN':>16s} {'hc-kinetics':>12s} {'ratio':>8s}")
    for label, r, h in rows:
        print(f"{label:58s} {r:14.3f} s {h:10.3f} s {r / h:7.2f}×")
    print(f"{'(a) peak memory (max RSS)':58s} {ref['max_rss_MB']:12.0f} MB {hc['max_rss_MB']:8.0f} MB "
          f"{ref['max_rss_MB'] / hc['max_rss_MB']:7.2f}×")
    print(f"(a) hc-kinetics computes its engine's {hc['n_outputs']:.0f} output variables in the solver; PyBaMM at its "
          "defaults keeps every variable")
    print(f"(a) discharge capacity: PyBaMM {ref['capacity_Ah'] * 1e3:.4f} mAh, hc-kinetics "
          f"{hc['capacity_Ah'] * 1e3:.4f} mAh ({dcap:+.2%}); one-off conversion of the set "
          f"(fitting the smooth forms) {hc['conversion_s']:.2f} s")
    print(f"(b) MPCC-1 half-cell DFN sodiation at 20 mA/g: cold {half['cold_s']:.3f} s, "
          f"warm {half['warm_s']:.3f} s, max RSS {half['max_rss_MB']:.0f} MB "
          f"({half['capacity_mAh_g']:.1f} mAh/g)")
    targets = [("(a) warm ≥ 5× faster than PyBaMM at its defaults", ref["warm_s"] / hc["warm_s"] >= 5.0),
               ("(a) capacity within 0.5 % of PyBaMM's", abs(dcap) <= 0.005),
               ("(a) cold (first ever) within 1.0× of PyBaMM's", hc["cold_s"] <= ref["cold_s"]),
               ("(a) cold in a second process ≥ 2× faster than PyBaMM's (the cache keeps OCP inverses and units, "
                "not compiled models)", ref["cold_s"] / cached["cold_s"] >= 2.0)]
    for t, ok in targets:
        print(f"target {t}: {'met' if ok else 'NOT met'}")
    record("core Chayambuka2022 DFN", {"cold_s": hc["cold_s"], "warm_s": hc["warm_s"],
                                       "pybamm_cold_s": ref["cold_s"], "pybamm_warm_s": ref["warm_s"],
                                       "warm_ratio": ref["warm_s"] / hc["warm_s"],
                                       "warm_ratio_same_outputs": ref_same["warm_s"] / hc_same["warm_s"],
                                       "cold_ratio": ref["cold_s"] / hc["cold_s"],
                                       "cold_cached_ratio": ref["cold_s"] / cached["cold_s"],
                                       "capacity_difference": dcap,
                                       "max_rss_MB": hc["max_rss_MB"]})
    record("core MPCC-1 half-cell DFN", {"cold_s": half["cold_s"], "warm_s": half["warm_s"],
                                         "capacity_mAh_g": half["capacity_mAh_g"], "max_rss_MB": half["max_rss_MB"]})

if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--case":
        import resource
        import warnings

        warnings.simplefilter("ignore")
        result = CASES[sys.argv[2]]()
        result["max_rss_MB"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(json.dumps(result))
    else:
        main()
