"""Is the commercial 18650's calibration residual the cathode OCP's shape? (issue "Real cells")

The set ``hakadi-18650`` fits cell 1's 0.5C discharge (0.75 A) and recharge (1.37 A) to 36 mV RMSE,
with residual bumps of ±80 mV. If a basis of eleven cathode stages 0.25 V apart were too coarse, a
finer basis would describe the two curves better. This script checks that without the
electrochemical model, on the cheapest description that has the shape and nothing else: both
electrodes' OCPs with a fitted balance and one series resistance
(:func:`kinetics.analysis.ocv_balance.fit_balance`, the stage capacities refined with the balance),
for cathode bases of 11, 21 and 31 stages (widths shrinking with the spacing) and for the 11-stage
basis with the carbon's three stages refined too. It also prints the measured gap between the two
curves at equal charge, the quantity a constant resistance has to explain, and fits that gap alone
(in which the OCPs cancel) with a constant resistance and with Butler–Volmer kinetics on either electrode
(:func:`gap_hypotheses`).

Run from the repository root: ``python experiments/hakadi_ocv_probe.py`` (about 15 minutes here).
"""

from __future__ import annotations

import copy
import json
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np
from hakadi_18650 import CAPACITY_SHARES, COLUMNS, DATA, FIT_FILE  # the calibration's file and design practice
from scipy.optimize import least_squares

from kinetics.analysis.ocv_balance import fit_balance, ocv_curves
from kinetics.cells import FullCell
from kinetics.io.cycler import read_time_series
from kinetics.sets import load, shipped_file
from kinetics.units import thermal_voltage

FILE = DATA / FIT_FILE
#: (stages, width ω [-]): the shipped basis (0.25 V apart, ω = 3) and two finer ones.
BASES = ((11, 3.0), (21, 1.5), (31, 1.0))
CARBON_STAGES = tuple(f"anode.ocp.{s}.{f}" for s in ("adsorption", "insertion", "pore_filling")
                      for f in ("capacity", "potential", "width"))


def with_basis(folder: Path, n: int, width: float) -> FullCell:
    """The shipped set with its cathode basis replaced by ``n`` stages over the same 2.0–4.5 V
    span, each of width ``width``, sharing the shipped total capacity equally."""
    raw = json.loads(shipped_file("hakadi-18650").read_text())
    entries = raw["parameters"]
    basis = {k: v for k, v in entries.items() if k.startswith("cathode.ocp.s") and k.split(".")[2][1:].isdigit()}
    total = sum(v["value"] for k, v in basis.items() if k.endswith(".capacity"))
    template = {f: basis[f"cathode.ocp.s1.{f}"] for f in ("potential", "width", "capacity")}
    for k in basis:
        del entries[k]
    for j, u in enumerate(np.linspace(2.0, 4.5, n), 1):
        for f, value in (("potential", float(u)), ("width", width), ("capacity", total / n)):
            entries[f"cathode.ocp.s{j}.{f}"] = {**copy.deepcopy(template[f]), "value": value}
    path = folder / f"hakadi-{n}.json"
    path.write_text(json.dumps(raw))
    pset = load(path)
    return FullCell(pset, pset, None, "SPMe")


def gap_table(curves) -> list[tuple[float, float, float]]:
    """(charge passed [A·h], recharge − discharge voltage [mV], their mean [V]) at 12 charges."""
    out = {}
    for direction in ("charge", "discharge"):
        c = curves[curves["direction"] == direction].sort_values("q_Ah")
        out[direction] = (c["q_Ah"].to_numpy(), c["voltage_V"].to_numpy())
    lo = max(out["charge"][0][0], out["discharge"][0][0]) + 0.02
    hi = min(out["charge"][0][-1], out["discharge"][0][-1]) - 0.02
    rows = []
    for q in np.linspace(lo, hi, 12):
        up, down = (float(np.interp(q, *out[d])) for d in ("charge", "discharge"))
        rows.append((q, 1e3 * (up - down), 0.5 * (up + down)))
    return rows


def currents_A(curves) -> tuple[float, float]:
    """(recharge, discharge) current [A]: each direction's median magnitude."""
    moving = curves[curves["direction"] != "rest"].groupby("direction")["current_A"].median().abs()
    return float(moving["charge"]), float(moving["discharge"])


def gap_hypotheses(curves, values: dict) -> list[tuple[str, float, str]]:
    """Fit the measured gap (recharge − discharge at equal charge) alone — the OCPs cancel in it,
    up to the carbon's 30 mV hysteresis, a constant — with three descriptions of the polarisation,
    on the electrode fractions of the fitted balance ``values``: a constant resistance; plus
    Butler–Volmer on the cathode, η = 2(RT/F)·asinh(I / (2·I₀·√(y(1−y)))); plus the same on the carbon
    with its fraction x. Returns (description, RMSE of the gap [mV], fitted values)."""
    rows = gap_table(curves)
    q = np.array([r[0] for r in rows[1:-1]])  # the ends: where one curve is still relaxing
    gap = np.array([r[1] for r in rows[1:-1]]) * 1e-3
    i_up, i_down = currents_A(curves)
    x = values["anode_start_fraction"] + q / values["anode_capacity_Ah"]
    y = values["cathode_start_fraction"] - q / values["cathode_capacity_Ah"]
    vt2 = 2 * thermal_voltage()

    def bv(i0, frac):
        share = np.sqrt(np.clip(frac * (1 - frac), 1e-12, None))
        return vt2 * (np.arcsinh(i_up / (2 * i0 * share)) + np.arcsinh(i_down / (2 * i0 * share)))

    out = []
    for name, frac in (("constant resistance", None), ("+ Butler–Volmer, cathode", y), ("+ Butler–Volmer, carbon", x)):
        def residual(p, frac=frac):
            model = p[0] * (i_up + i_down)
            return (model + bv(p[1], frac) if frac is not None else model) - gap
        p0 = [0.1, 1.0] if frac is not None else [0.1]
        sol = least_squares(residual, p0, bounds=([0.0] + ([1e-6] if frac is not None else []), np.inf))
        fitted = f"R {sol.x[0]:.3f} ohm" + (f", I0 {sol.x[1]:.3g} A" if frac is not None else "")
        out.append((name, 1e3 * float(np.sqrt(np.mean(sol.fun ** 2))), fitted))
    return out


def main() -> None:
    warnings.simplefilter("ignore")
    curves = ocv_curves(read_time_series(FILE, columns=COLUMNS), FILE.name)
    i_up, i_down = currents_A(curves)
    print(f"{FILE.name}: discharge at {i_down:.2f} A, recharge at {i_up:.2f} A")
    print("gap between the curves at equal charge (recharge − discharge):")
    for q, gap, mean in gap_table(curves):
        print(f"  {q:7.3f} A·h   {gap:6.1f} mV   (mean {mean:.3f} V)")
    print(f"\n{'cathode basis':>26s} {'refined':>24s} {'RMSE [mV]':>10s} {'R [ohm]':>8s} {'time [s]':>9s}")
    with tempfile.TemporaryDirectory() as folder:
        cases = [(n, w, ()) for n, w in BASES] + [(11, 3.0, CARBON_STAGES)]
        for n, width, extra in cases:
            cell = with_basis(Path(folder), n, width)
            refine = tuple(f"cathode.ocp.s{j}.capacity" for j in range(1, n + 1)) + extra
            t0 = time.perf_counter()
            fit = fit_balance(curves, cell.anode_electrode.material.ocp, cell.cathode_electrode.material.ocp,
                              FILE.name, max_c_rate=None, refine=refine, capacity_shares=CAPACITY_SHARES)
            what = f"{n} stages {2.5 / (n - 1):.3f} V apart, ω {width:g}"
            also = "capacities + carbon stages" if extra else "capacities"
            print(f"{what:>26s} {also:>24s} {fit.rmse_mV:10.1f} {fit.values['resistance_ohm']:8.3f} "
                  f"{time.perf_counter() - t0:9.0f}", flush=True)
            if n == BASES[0][0] and not extra:
                shipped = fit.values
    y_end = shipped["cathode_start_fraction"] + float(-curves["q_Ah"].min()) / shipped["cathode_capacity_Ah"]
    print(f"\nthe gap alone, on the balance of the 11-stage fit (cathode from y = "
          f"{shipped['cathode_start_fraction']:.3f} to {y_end:.3f} in the discharge):")
    for name, rmse, fitted in gap_hypotheses(curves, shipped):
        print(f"  {name:28s} RMSE {rmse:5.1f} mV   ({fitted})")


if __name__ == "__main__":
    main()
