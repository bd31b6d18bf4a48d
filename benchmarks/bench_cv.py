"""Speed of cyclic voltammetry: a virtual five-scan-rate study and the analysis of five measured
files, side by side with their references in one run.

(a) Virtual study: MPCC-1-ether (SPMe), 0.1, 0.2, 0.5, 1 and 2 mV/s, two cycles 0.01–3.0 V from the
    cell at rest, a sample every 2 mV. hc-kinetics (``kinetics.virtual.virtual_cv``: one voltage step
    per leg whose drive is a linear function of time) against the reference a PyBaMM user would
    write for the same built model: one ``pybamm.step.voltage`` per cycle driven by a dense
    potential table (a point every 2 mV), through ``pybamm.Simulation`` with an Experiment.
    Both include building; the charges passed must agree (checked, printed).
(c) Identification from five voltammograms: virtual CVs of MPCC-1-ether (SPMe) at the five scan
    rates, one cycle 0.01–3.0 V, 1 % Gaussian current noise, identified back (three stage
    diffusivities and the exchange current, from 2.5× / 0.4× their values) by
    ``kinetics.fitting.cv.identify`` with the solver's forward sensitivities, against the same
    fit whose Jacobian is scipy's two-point finite differences of the same replays (what a fit
    without sensitivities does). The files are made in the process and not timed.
(b) Analysis of the five EC-Lab files in ``tests/data/cv`` (``kinetics cv`` without plots:
    reading, peaks, power laws, Dunn's split) against reading the same files alone with
    ``pandas.read_csv`` (the floor any analysis pays).

Each case runs in its own fresh Python process (three for (b), medians), so that imports do not
count and every case builds what it needs. Run: ``python benchmarks/bench_cv.py``.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

RATES = (0.1, 0.2, 0.5, 1.0, 2.0)
WINDOW = (0.01, 3.0)
CYCLES = 2
STEP_mV = 2.0
ROOT = Path(__file__).resolve().parents[1]
FILES = sorted((ROOT / "tests" / "data" / "cv").glob("*.mpt"))


def _study_hc() -> dict:
    from kinetics.cells import HalfCell
    from kinetics.virtual import virtual_cv

    t0 = time.perf_counter()
    frames = virtual_cv(HalfCell("MPCC-1-ether"), RATES, WINDOW, CYCLES)
    wall = time.perf_counter() - t0
    charge = {f"{r:g}": float(abs(f["<I>/mA"].clip(upper=0)).mul(f["time/s"].diff().fillna(0)).sum())
              for r, f in frames.items()}
    return {"wall_s": wall, "cathodic_charge_mC": charge}


def _study_table() -> dict:
    import warnings

    import numpy as np
    import pybamm

    from kinetics.cells import HalfCell
    from kinetics.engine.build import build

    t0 = time.perf_counter()
    cell = HalfCell("MPCC-1-ether")
    built = build(cell)
    lo, hi = WINDOW
    charge = {}
    for rate in RATES:
        t_leg = (hi - lo) / (rate * 1e-3)
        n = int(round((hi - lo) / (STEP_mV * 1e-3)))
        t = np.linspace(0.0, 2 * t_leg, 2 * n + 1)
        V = np.interp(t, [0.0, t_leg, 2 * t_leg], [hi, lo, hi])  # from the cell at rest at the top
        period = STEP_mV * 1e-3 / (rate * 1e-3)
        steps = [pybamm.step.voltage(np.column_stack([t, V]), duration=2 * t_leg, period=period) for _ in range(CYCLES)]
        sim = pybamm.Simulation(built.model.new_copy(), parameter_values=built.parameter_values.copy(),
                                experiment=pybamm.Experiment(steps), solver=pybamm.IDAKLUSolver(rtol=1e-6, atol=1e-6))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            sol = sim.solve()
        time_s, current = sol["Time [s]"].entries, sol["Current [A]"].entries
        # PyBaMM's positive current sodiates the working electrode of a half cell (cathodic)
        charge[f"{rate:g}"] = float(np.sum(np.clip(current[1:], 0.0, None) * np.diff(time_s)) * 1e3)
    return {"wall_s": time.perf_counter() - t0, "cathodic_charge_mC": charge}


def _analysis_hc() -> dict:
    from kinetics.workflows.cv import analyse, read_files

    t0 = time.perf_counter()
    result = analyse(read_files(FILES))
    return {"wall_s": time.perf_counter() - t0, "b_anodic": result["b_values"]["anodic"]["value"]}


def _analysis_read_only() -> dict:
    import pandas as pd

    t0 = time.perf_counter()
    for f in FILES:
        text = f.read_text(encoding="cp1252")
        n = int(text.split("Nb header lines :")[1].split()[0])
        comma = "," in text.splitlines()[n]
        pd.read_csv(f, sep="\t", skiprows=n - 1, encoding="cp1252", decimal="," if comma else ".")
    return {"wall_s": time.perf_counter() - t0}


ID_NAMES = ("anode.diffusivity.adsorption", "anode.diffusivity.insertion", "anode.diffusivity.pore_filling",
            "anode.kinetics.exchange_current_density")
ID_START = (2.5, 0.4, 2.5, 0.4)
ID_NOISE = 0.01


def _identify(finite_differences: bool) -> dict:
    import warnings

    import numpy as np

    from kinetics.cells import HalfCell
    from kinetics.fitting import cv as fit_cv
    from kinetics.fitting.parameters import make_parameters
    from kinetics.io.cv import Voltammogram
    from kinetics.virtual import CV_COLUMNS, virtual_cv

    warnings.simplefilter("ignore")
    cell = HalfCell("MPCC-1-ether")
    frames = virtual_cv(cell, RATES, WINDOW, 1, noise=ID_NOISE, seed=1)
    t, E, i, c = CV_COLUMNS
    vs = [Voltammogram(f"{r:g} mV/s", f[t].to_numpy(), f[E].to_numpy(), f[i].to_numpy(), f[c].to_numpy(), r, r,
                       cell.active_mass_mg) for r, f in frames.items()]
    truth = cell.values()
    params = make_parameters(ID_NAMES, cell, start={n: truth[n] * k for n, k in zip(ID_NAMES, ID_START)})
    t0 = time.perf_counter()
    res = fit_cv.identify(cell, vs, params, last_cycle=1, finite_differences=finite_differences)
    wall = time.perf_counter() - t0
    noise = {f"{r:g} mV/s": float(ID_NOISE * np.sqrt(np.mean(f[i].to_numpy() ** 2))) for r, f in frames.items()}
    return {"wall_s": wall, "n_evaluations": res.n_evaluations, "rmse_mA_per_file": res.rmse_mA_per_file,
            "noise_mA": noise, "converged": res.converged,
            "error_percent": {n: (res.parameters[n]["value"] / truth[n] - 1) * 100 for n in ID_NAMES},
            "stderr_percent": {n: res.parameters[n]["stderr"] / res.parameters[n]["value"] * 100 for n in ID_NAMES}}


CASES = {"study_hc": _study_hc, "identify_hc": lambda: _identify(False), "identify_fd": lambda: _identify(True),
         "study_table": _study_table, "analysis_hc": _analysis_hc,
         "analysis_read_only": _analysis_read_only}


def _run(name: str, processes: int) -> dict:
    runs = []
    for _ in range(processes):
        out = subprocess.run([sys.executable, __file__, name], capture_output=True, text=True, check=True, cwd=ROOT)
        runs.append(json.loads(out.stdout.strip().splitlines()[-1]))
    runs.sort(key=lambda r: r["wall_s"])
    return runs[len(runs) // 2]


def main(parts: str = "abc") -> None:
    stamp = time.strftime("%Y-%m-%d %H:%M", time.localtime())
    print(f"cyclic voltammetry benchmark, {stamp}, this machine ({sys.platform})")
    if "a" in parts:
        _study()
    if "c" in parts:
        _identification()
    if "b" in parts:
        _analysis()


def _study() -> None:
    hc, ref = _run("study_hc", 1), _run("study_table", 1)
    print(f"(a) virtual study: MPCC-1-ether SPMe, {len(RATES)} scan rates {RATES} mV/s, {CYCLES} cycles "
          f"{WINDOW[0]}–{WINDOW[1]} V, incl. build")
    print(f"    hc-kinetics (linear drive per leg)       {hc['wall_s']:8.1f} s")
    print(f"    PyBaMM experiment, 2 mV potential table  {ref['wall_s']:8.1f} s   "
          f"ratio {ref['wall_s'] / hc['wall_s']:.2f}×")
    for r in hc["cathodic_charge_mC"]:
        a, b = hc["cathodic_charge_mC"][r], ref["cathodic_charge_mC"][r]
        print(f"    cathodic charge at {r:>4s} mV/s: {a:9.4g} vs {b:9.4g} mC ({(a / b - 1) * 100:+.2f} %)")
    print(f"    target: under 60 s here — {'met' if hc['wall_s'] < 60 else 'missed'}")


def _identification() -> None:
    ih, fd = _run("identify_hc", 1), _run("identify_fd", 1)
    print(f"(c) identification from {len(RATES)} voltammograms (1 cycle, {ID_NOISE:.0%} current noise), "
          f"{len(ID_NAMES)} parameters from {ID_START}× the truth")
    print(f"    exact sensitivities (IDAS)               {ih['wall_s']:8.1f} s   {ih['n_evaluations']} evaluations")
    print(f"    2-point finite differences               {fd['wall_s']:8.1f} s   {fd['n_evaluations']} evaluations   "
          f"ratio {fd['wall_s'] / ih['wall_s']:.2f}×")
    for n in ID_NAMES:
        print(f"    {n:42s} {ih['error_percent'][n]:+6.1f} % (± {ih['stderr_percent'][n]:.1f} %)   "
              f"finite differences {fd['error_percent'][n]:+6.1f} %")
    for f in ih["rmse_mA_per_file"]:
        print(f"    RMSE {f:>9s}: {ih['rmse_mA_per_file'][f] * 1e3:7.2f} µA   noise {ih['noise_mA'][f] * 1e3:7.2f} µA")
    ok = ih["wall_s"] < 300
    print(f"    target: under 300 s here — {'met' if ok else 'missed'}; within 10 %: "
          f"{', '.join(n.split('.')[-1] for n in ID_NAMES if abs(ih['error_percent'][n]) <= 10) or 'none'}")


def _analysis() -> None:
    an, floor = _run("analysis_hc", 3), _run("analysis_read_only", 3)
    print(f"(b) analysis of {len(FILES)} EC-Lab files (median of 3 processes)")
    print(f"    kinetics cv (read, peaks, b, Dunn)       {an['wall_s']:8.2f} s")
    print(f"    pandas.read_csv of the same files        {floor['wall_s']:8.2f} s   ratio "
          f"{an['wall_s'] / floor['wall_s']:.1f}× the floor")
    print(f"    target: under 2 s here — {'met' if an['wall_s'] < 2 else 'missed'}")


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] in CASES:
        print(json.dumps(CASES[sys.argv[1]]()))
    else:  # optional: which parts, e.g. "c" (default all: a, c, b)
        main(sys.argv[1] if len(sys.argv) > 1 else "abc")
