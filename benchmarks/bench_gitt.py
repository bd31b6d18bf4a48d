"""GITT speed and accuracy: analysis, model-based refinement, and PyBOP's per-pulse fit, in one run.

Data: a virtual GITT (paper 003's 50 mA/g, 10 min pulses, 40 min rests, to 0.01 V, 1 mV noise,
seed 3) of the carbon of ``tests/integration/test_gitt_identify.py`` (``gitt_truth.py``: MPCC-1
(ether) with slow diffusivities and a GCD-wide plateau); and a 100-pulse GITT (20 mA/g pulses) for the
analysis speed.

* analysis: ``kinetics.analysis.gitt.analyse`` of the 100-pulse file (median of 5 runs);
* hc-kinetics: identification with the model-based refinement of all pulses at once
  (``kinetics.fitting.gitt.identify``), D(x) error at each pulse's mid-point against the truth;
* PyBOP 26.3: ``GITTPulseFit`` per pulse (``benchmarks/pybop_gitt_reference.py``: its
  single-particle diffusion model with a series resistance, its default optimiser), given the
  same OCP (hc-kinetics' identified one) and each pulse's start stoichiometry on that OCP.

Run: ``python benchmarks/bench_gitt.py [--with-pybop [--pulses N]]`` (PyBOP needs
``pip install ".[bench]"``; ``--pulses N`` fits only the first N pulses with PyBOP, for a quick
look). Each pulse is given from the rest sample recorded at its step time (the step's left side);
``pybop_gitt_reference`` starts PyBOP's model at the step's right side (PyBaMM cannot return the
left limit of a step at the first time). The first pulse starts at x = 0, outside PyBOP's
SPDiffusion window [0.01, 0.99], and stays unfitted (NaN, with its reason).
"""

from __future__ import annotations

import sys
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))


def main() -> int:
    warnings.simplefilter("ignore")
    from gitt_truth import truth_set

    import kinetics as hk
    from kinetics.analysis.gitt import analyse
    from kinetics.fitting.gitt import identify
    from kinetics.io.gcd import read_gcd
    from kinetics.virtual import virtual_gitt

    base = hk.load("MPCC-1-ether")
    cell = hk.HalfCell(truth_set(), "SPMe")
    mass_g = cell.active_mass_mg * 1e-3
    ocp_t, D_t = cell.working.material.ocp, cell.working.material.diffusivity

    long = virtual_gitt(cell, pulse_mA_g=20.0, noise_mV=1.0, seed=4)
    args = (long["Time [s]"].to_numpy(), long["Current [A]"].to_numpy(), long["Voltage [V]"].to_numpy(),
            mass_g)
    times = []
    for _ in range(5):
        t0 = time.perf_counter()
        long_table = analyse(*args, radius_m=1e-6)
        times.append(time.perf_counter() - t0)
    t_analysis = float(np.median(times))

    frame = virtual_gitt(cell, noise_mV=1.0, seed=3)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "virtual_gitt.csv"
        frame.to_csv(path, index=False, float_format="%.10g")
        data = read_gcd(path, mass_mg=cell.active_mass_mg, label=path.name)
    table = analyse(frame["Time [s]"].to_numpy(), frame["Current [A]"].to_numpy(),
                    frame["Voltage [V]"].to_numpy(), mass_g, radius_m=1e-6)
    t0 = time.perf_counter()
    ident = identify(base, data, table, "sodiate", "SPMe")
    t_identify = time.perf_counter() - t0
    ref = ident.refinement
    fitted = hk.HalfCell(ident.parameter_set, "SPMe")
    ocp_f, D_f = fitted.working.material.ocp, fitted.working.material.diffusivity

    # pulses for PyBOP: each pulse with its rest; current in PyBaMM's sign (positive sodiates)
    t, i, v = frame["Time [s]"].to_numpy(), -frame["Current [A]"].to_numpy(), frame["Voltage [V]"].to_numpy()
    on = np.abs(i) > 0.05 * np.max(np.abs(i))
    starts = np.flatnonzero(on[1:] & ~on[:-1]) + 1
    ends = np.r_[starts[1:], len(t)]
    q_total = ocp_f.total_capacity_mAh_g
    usable = table["skipped"].to_numpy() == ""
    q_end = table["capacity_mAh_g"].to_numpy()
    q_start = np.r_[0.0, q_end[:-1]]
    pulses, x_mid = [], []
    for k, (a, b) in enumerate(zip(starts, ends)):
        if k >= len(table) or not usable[k]:
            continue
        a0 = a - 1  # from the last rest sample, so the step is inside the pulse's data
        pulses.append({"time_s": t[a0:b] - t[a0], "current_A": i[a0:b], "voltage_V": v[a0:b],
                       "initial_stoichiometry": q_start[k] / q_total, "D_start_m2_s": 1e-16})
        x_mid.append(0.5 * (q_start[k] + q_end[k]) / q_total)
    x_mid = np.asarray(x_mid)
    d_true = D_t(x_mid * q_total / ocp_t.total_capacity_mAh_g, ocp_t)
    n = len(pulses)
    print(f"GITT benchmark: MPCC-1 (slow D, GCD-wide plateau) SPMe half cell, paper 003 protocol, 1 mV noise; "
          f"{len(table)} pulses, {n} with a rest")
    print(f"analysis of a {len(long_table)}-pulse file: {t_analysis * 1e3:.1f} ms (median of 5; "
          f"target < 1 s: {'met' if t_analysis < 1 else 'not met'})")
    print(f"hc-kinetics identification incl. model-based refinement of {n} pulses: {t_identify:.1f} s "
          f"(refinement {ref.wall_time_s:.1f} s, {ref.n_evaluations} evaluations, "
          f"RMSE {ref.rmse_all_mV:.2f} mV; target < 60 s: {'met' if ref.wall_time_s < 60 else 'not met'})")
    d_hk = D_f(x_mid, ocp_f)
    err = np.abs(d_hk / d_true - 1)
    print(f"model-based D at the {n} pulses' mid-points vs the truth: median {100 * np.median(err):.1f} %, "
          f"max {100 * np.max(err):.1f} % ({ref.wall_time_s / n:.2f} s per pulse)")
    if "--with-pybop" not in sys.argv:
        return 0
    from pybop_gitt_reference import fit_pulses_with_pybop

    n_all = n
    hk_per_pulse = ref.wall_time_s / n_all  # hc-kinetics refines all pulses at once
    if "--pulses" in sys.argv:  # a quick look at the first few pulses
        k = int(sys.argv[sys.argv.index("--pulses") + 1])
        pulses, x_mid = pulses[:k], x_mid[:k]
        d_true, n = d_true[:k], len(pulses[:k])
    t0 = time.perf_counter()
    pb = fit_pulses_with_pybop(pulses, ocp_f.potential, 1e-6)
    t_pybop = time.perf_counter() - t0
    pb_per_pulse = t_pybop / n
    d_pb = np.asarray(pb["D_m2_s"], float)
    d_hk = d_hk[:n]

    def summary(d):
        ok = np.isfinite(d)
        if not ok.any():
            return 0, np.nan, np.nan, 0.0
        err = np.abs(d[ok] / d_true[ok] - 1)
        return ok.sum(), np.median(err), np.max(err), np.mean(err < 0.2)

    print(f"D at the mid-points of {n} pulses vs the truth (fitted: pulses with a finite D; error "
          f"statistics over those; s/pulse: the method's wall time per pulse; time ×: vs hc-kinetics):")
    print(f"{'method':44s} {'fitted':>6s} {'s/pulse':>8s} {'median |ΔD/D|':>14s} {'max':>8s} "
          f"{'within 20 %':>12s} {'time ×':>7s}")
    for name, d, per_pulse in (("hc-kinetics, all pulses at once (D(x) law)", d_hk, hk_per_pulse),
                               ("PyBOP GITTPulseFit, per pulse (constant D)", d_pb, pb_per_pulse)):
        k, med, mx, share = summary(d)
        print(f"{name:44s} {k:6d} {per_pulse:8.2f} {100 * med:13.1f}% {100 * mx:7.0f}% {100 * share:11.0f}% "
              f"{per_pulse / hk_per_pulse:6.2f}×")
    print(f"time per pulse, PyBOP / hc-kinetics: {pb_per_pulse / hk_per_pulse:.2f}× (PyBOP {t_pybop:.1f} s "
          f"for {n} pulses incl. its set-up; hc-kinetics' refinement {ref.wall_time_s:.1f} s for "
          f"{n_all} pulses)")
    print(f"PyBOP settings: {pb['settings']}")
    failed = [f"pulse {k + 1}: {m}" for k, m in enumerate(pb["message"]) if m.startswith("failed")]
    print(f"PyBOP failed pulses ({len(failed)}):", "; ".join(failed) if failed else "none")
    if pb.get("notes"):
        print(f"PyBOP notes: {pb['notes'][:600]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
