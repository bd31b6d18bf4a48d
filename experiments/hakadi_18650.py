"""A commercial sodium-ion 18650 modelled from its own data (issue "Real cells").

The cell: a 1.5 Ah "Hakadi" 18650 bought on the market (CC0 data, ``tests/data/hakadi-18650``;
chemistry assumed hard carbon // layered oxide). The set ``hakadi-18650`` is fitted to cell 1's
0.5C file only (its discharge and its recharge's constant-current part: two currents), then
predicts the discharges at 0.75, 1, 1.25, 1.5 and 2C, and cell 3's 1.5C (cell-to-cell spread).

For each prediction: the RMSE over the discharge from its first compared sample to where 95 % of
that file's delivered capacity (coulomb-counted from the start of the discharge) is reached, the
delivered capacities (measured and simulated to 1.5 V), the 95 % band, and a no-physics baseline:
the 0.5C discharge against capacity shifted by R·ΔI, R = (voltage just before the 0.5C discharge −
voltage 1 s into it) / its current. Then cell 3 is re-anchored: only its balance and the series
resistance are fitted to its file, and the RMSE before and after says how much of the spread that
removes.

The salt diffusivity starts at Chayambuka 2022's (this cell's electrolyte is not stated); with it the
calibrated cell runs out of salt above about 1.2C, which the datasheet's "Continuous Discharge Rate
3C" contradicts. So the diffusivity is raised to the smallest multiple at which the model delivers
80 % of its 0.5C capacity at 3C (an assumed meaning of the rating; :func:`transport_factor`, no
measured high-rate curve used), and the 0.5C calibration is repeated there.

Run from the repository root::

    python experiments/hakadi_18650.py            # fit, predict, report (about 30 minutes here)
    python experiments/hakadi_18650.py --write    # ... and store the fitted values in the set

Outputs (a new folder, default ``hakadi-18650-output``): ``predictions.json``, ``predictions.csv``,
one ``prediction_<file>.png`` per rate and the fit's own folder.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from kinetics._files import output_folder  # noqa: E402
from kinetics.cells import FullCell  # noqa: E402
from kinetics.fitting import fit, make_parameters, predict  # noqa: E402
from kinetics.fitting.fit import band_mV  # noqa: E402
from kinetics.fitting.full_cell import balance_start  # noqa: E402
from kinetics.fitting.parameters import default_bounds  # noqa: E402
from kinetics.fitting.report import write_outputs  # noqa: E402
from kinetics.io.cycler import read_time_series  # noqa: E402
from kinetics.io.gcd import read_gcd  # noqa: E402
from kinetics.protocols import Step  # noqa: E402
from kinetics.results import Simulator  # noqa: E402
from kinetics.sets import convert, load, shipped_file, update_file_values  # noqa: E402

DATA = Path(__file__).resolve().parents[1] / "tests" / "data" / "hakadi-18650"
COLUMNS = "time=ms,voltage=V,current=A"
FIT_FILE = "cell1_0.5C_discharge_recharge.csv"
BASELINE_FILE = "cell1_0.5C_discharge.csv"
PREDICT = {"cell1_0.75C_discharge.csv": None, "cell1_1C_discharge.csv": 15.0,
           "cell1_1.25C_discharge.csv": None, "cell1_1.5C_discharge.csv": 20.0,
           "cell1_2C_discharge.csv": 25.0, "cell3_1.5C_discharge.csv": None}
#: What is fitted on the 0.5C file: the balance, the cathode's OCP basis (its stage capacities),
#: the series (film) resistance and the cathode's exchange current. The diffusivities stay at
#: their assumed values: two currents cannot tell a diffusion polarisation from a resistive one
#: (fitted, the cathode's went to 4.4e-15 m²/s with no film resistance, and the set then predicted
#: a collapse 250 mAh into a 1C discharge that the datasheet's 3C rating and the data contradict).
CATHODE_BASIS = [f"cathode.ocp.s{j}.capacity" for j in range(1, 12)]
FITTED = ["anode.coating.loading", "cathode.coating.loading", "anode.initial_fraction", "cathode.initial_fraction",
          "cell.film_resistance", "cathode.kinetics.exchange_current_density", *CATHODE_BASIS]
SHARE = 0.95


def discharge(path: Path) -> pd.DataFrame:
    """The file's discharge: ``time_s`` from its first sample with discharge current, ``current_A``
    (positive), ``voltage_V``, ``q_Ah`` (coulomb-counted), plus ``v_before`` (the last sample
    before it) in ``attrs``."""
    frame = read_time_series(path, columns=COLUMNS)
    on = np.flatnonzero(frame["current_A"].to_numpy() < -0.05)[0]
    d = frame.iloc[on:].reset_index(drop=True)
    t = d["time_s"].to_numpy() - d["time_s"].iloc[0]
    i = -d["current_A"].to_numpy()
    q = np.concatenate([[0.0], np.cumsum(0.5 * (i[1:] + i[:-1]) * np.diff(t))]) / 3600.0
    out = pd.DataFrame({"time_s": t, "current_A": i, "voltage_V": d["voltage_V"].to_numpy(), "q_Ah": q})
    out.attrs["v_before"] = float(frame["voltage_V"].iloc[on - 1]) if on > 0 else float("nan")
    return out


def baseline(reference: pd.DataFrame, target: pd.DataFrame) -> np.ndarray:
    """The reference (0.5C) discharge against capacity, shifted by R·ΔI, on ``target``'s charges."""
    v_1s = float(np.interp(1.0, reference["time_s"], reference["voltage_V"]))
    i_ref = float(np.median(reference["current_A"]))
    resistance = (reference.attrs["v_before"] - v_1s) / i_ref
    i = float(np.median(target["current_A"]))
    return np.interp(target["q_Ah"], reference["q_Ah"], reference["voltage_V"]) - resistance * (i - i_ref)


def within_share(d: pd.DataFrame) -> np.ndarray:
    """Samples from the start to where ``SHARE`` of the delivered capacity is reached."""
    return d["q_Ah"].to_numpy() <= SHARE * d["q_Ah"].iloc[-1]


#: Each electrode's capacity as a multiple of what the 0.5C discharge delivers (assumed design
#: practice: the anode a few per cent to 30 % larger than the cathode's cycled capacity, paper 000
#: builds its full cells at N/P 1–1.05; the cathode up to 50 % larger than what it delivers at 0.5C).
#: Without them the balance makes the anode a flat reference (4.6 A·h for a 1.5 A·h cell).
CAPACITY_SHARES = {"anode": (1.0, 1.3), "cathode": (1.0, 1.5)}


def calibrate(cell: FullCell):
    data = [read_gcd(DATA / FIT_FILE, cell.anode_mass_mg, columns=COLUMNS, cell_kind="full", label=FIT_FILE)]
    start, note = balance_start(cell, data, CATHODE_BASIS, CAPACITY_SHARES)
    delivered_Ah = discharge(DATA / BASELINE_FILE)["q_Ah"].iloc[-1]
    values = {**cell.values(), **start}
    bounds = {}
    for role, (lo, hi) in CAPACITY_SHARES.items():
        q = convert.total_capacity_mAh_g(values, role)
        per_loading = q * cell.design.area_cm2 * 1e-6  # A·h per mg/cm²
        bounds[f"{role}.coating.loading"] = (lo * delivered_Ah / per_loading, hi * delivered_Ah / per_loading)
        start[f"{role}.coating.loading"] = float(np.clip(start[f"{role}.coating.loading"],
                                                         *bounds[f"{role}.coating.loading"]))
    bounds |= {n: default_bounds(n, start[n])[:2] for n in CATHODE_BASIS}
    params = make_parameters(FITTED, cell, start, bounds)
    print(note)
    return fit(cell, data, params, max_evaluations=100, progress=False), data


#: The datasheet rates the cell for continuous discharge at 3C ("Continuous Discharge Rate at 0-45°C:
#: 3C", ../shared/external-data/hakadi-18650/README-original.md).
DATASHEET_CONTINUOUS_C = 3.0
NOMINAL_AH = 1.5  # datasheet "Nominal Capacity at 0.5C 1500mAh"
#: What "continuous at 3C" is taken to mean (assumed): the cell still delivers this share of its
#: 0.5C capacity at that rate. A model that runs out of salt below it contradicts the datasheet.
CONTINUOUS_SHARE = 0.8


def transport_factor(cell: FullCell, delivered_Ah: float) -> tuple[float, float]:
    """The smallest multiple k ≥ 1 of the set's salt diffusivity at which ``cell`` delivers
    :data:`CONTINUOUS_SHARE` of ``delivered_Ah`` at the datasheet's continuous rate (bisection on
    log2 k over [0, 6] to 0.02), and the share it then delivers. Only the datasheet's rating is
    used, never a measured high-rate curve."""
    D0 = cell.values()["electrolyte.diffusivity"]
    current = DATASHEET_CONTINUOUS_C * NOMINAL_AH

    def share(log2_k: float) -> float:
        moved = cell.with_values({"electrolyte.diffusivity": D0 * 2 ** log2_k})
        return simulated_capacity_Ah(moved, current) / delivered_Ah

    at_literature = share(0.0)
    if at_literature >= CONTINUOUS_SHARE:
        return 1.0, at_literature
    lo, hi = 0.0, 6.0
    if share(hi) < CONTINUOUS_SHARE:
        raise RuntimeError("no salt diffusivity up to 64× the literature value meets the datasheet's 3C rating")
    while hi - lo > 0.02:
        mid = 0.5 * (lo + hi)
        lo, hi = (lo, mid) if share(mid) >= CONTINUOUS_SHARE else (mid, hi)
    return 2 ** hi, share(hi)


def predicted_discharge(result, name: str, mass_mg: float):
    """The discharge curve of file ``name`` predicted by a fit ``result`` (with its band), and its
    RMSE [mV] from the first compared sample to :data:`SHARE` of the delivered capacity."""
    data = read_gcd(DATA / name, mass_mg, columns=COLUMNS, cell_kind="full", label=name)
    _, curves = predict(result, [data])
    c = [c for c in curves if c.kind == "desodiate"][0]
    q_model = c.capacity_mAh_g * mass_mg * 1e-6  # A·h from the discharge's start
    keep = q_model <= SHARE * discharge(DATA / name)["q_Ah"].iloc[-1]
    return c, float(np.sqrt(np.mean((c.model_V - c.data_V)[keep] ** 2)) * 1e3)


def simulated_capacity_Ah(cell: FullCell, current_A: float) -> float:
    """Capacity of a model discharge at ``current_A`` from the set's state to 1.5 V [A·h]."""
    mA_g = current_A * 1e6 / cell.anode_mass_mg
    table = Simulator(cell).run((Step("discharge", mA_g, limit_V=cell.window_V[0]),)).table
    return float(table["capacity_mAh_g"].max()) * cell.anode_mass_mg * 1e-6


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--write", action="store_true", help="store the fitted values in parameter_sets/hakadi-18650.json")
    ap.add_argument("--out", default="hakadi-18650-output")
    args = ap.parse_args()
    base = load("hakadi-18650")
    cell = FullCell(base, base, None, "SPMe")
    D_literature = float(load(shipped_file("electrolyte-NaPF6-ester")).value("electrolyte.diffusivity"))
    cell = cell.with_values({"electrolyte.diffusivity": D_literature})
    result, _ = calibrate(cell)
    fitted = cell.with_values({n: result.values[n] for n in FITTED})
    # the datasheet's continuous 3C rating bounds the salt's transport from below: raise the
    # literature diffusivity to the smallest value that meets it, and calibrate again there
    delivered_Ah = discharge(DATA / BASELINE_FILE)["q_Ah"].iloc[-1]
    factor, share_3c = transport_factor(fitted, delivered_Ah)
    print(f"datasheet 3C: salt diffusivity ×{factor:.3g} of the literature value ({share_3c:.1%} of the 0.5C "
          "capacity at 3C)")
    if factor > 1.0:
        cell = cell.with_values({"electrolyte.diffusivity": D_literature * factor})
        result, _ = calibrate(cell)
        fitted = cell.with_values({n: result.values[n] for n in FITTED})
        share_3c = simulated_capacity_Ah(fitted, DATASHEET_CONTINUOUS_C * NOMINAL_AH) / delivered_Ah
        print(f"after recalibration: {share_3c:.1%} of the 0.5C capacity at 3C")
    transport = {"literature_diffusivity_m2_s": D_literature, "factor": factor,
                 "diffusivity_m2_s": D_literature * factor, "share_at_3C": share_3c,
                 "criterion": f"at least {CONTINUOUS_SHARE:.0%} of the 0.5C capacity at the datasheet's continuous "
                              f"{DATASHEET_CONTINUOUS_C:g}C (assumed meaning of the rating)"}
    reference = discharge(DATA / BASELINE_FILE)
    rows, curves_by_file = [], {}
    for name, target_mV in PREDICT.items():
        c, rmse = predicted_discharge(result, name, cell.anode_mass_mg)
        d = discharge(DATA / name)
        b = baseline(reference, d)
        inside = within_share(d)
        rmse_base = float(np.sqrt(np.mean((b - d["voltage_V"])[inside] ** 2)) * 1e3)
        current = float(np.median(d["current_A"]))
        rows.append({"file": name, "current_A": current, "c_rate": current / 1.5, "rmse_mV": rmse,
                     "baseline_rmse_mV": rmse_base, "target_mV": target_mV,
                     "band_mV": band_mV([c])[name],
                     "delivered_mAh": float(d["q_Ah"].iloc[-1] * 1e3),
                     "simulated_mAh": simulated_capacity_Ah(fitted, current) * 1e3,
                     "status": ("spread (not pass/fail)" if target_mV is None and name.startswith("cell3") else
                                "reported" if target_mV is None else
                                "pass" if rmse <= target_mV and rmse < rmse_base else "miss")})
        curves_by_file[name] = (c, d, b)

    # re-anchor cell 3: its balance and the series resistance only
    cell3 = "cell3_1.5C_discharge.csv"
    data3 = read_gcd(DATA / cell3, fitted.anode_mass_mg, columns=COLUMNS, cell_kind="full", label=cell3)
    anchor_names = ["anode.initial_fraction", "cathode.initial_fraction", "cell.film_resistance"]
    anchor = fit(fitted, [data3], make_parameters(anchor_names, fitted), max_evaluations=60)
    before = next(r for r in rows if r["file"] == cell3)["rmse_mV"]
    after = predicted_discharge(anchor, cell3, fitted.anode_mass_mg)[1]  # the same measure as before
    reanchor = {"fitted": anchor_names, "rmse_before_mV": before, "rmse_after_mV": after,
                "fit_rmse_mV": anchor.rmse_all_mV, "values": {n: anchor.values[n] for n in anchor_names}}

    with output_folder(args.out) as (work, final):
        write_outputs(result, work / "fit", extra={"data": [FIT_FILE]})
        pd.DataFrame(rows).to_csv(work / "predictions.csv", index=False, float_format="%.6g")
        (work / "predictions.json").write_text(json.dumps({"predictions": rows, "reanchor_cell3": reanchor,
                                                           "transport_from_datasheet": transport},
                                                          indent=2) + "\n", encoding="utf-8")
        for name, (c, d, b) in curves_by_file.items():
            fig, ax = plt.subplots(figsize=(4.6, 3.4))
            q = c.capacity_mAh_g * cell.anode_mass_mg * 1e-3  # mAh
            ax.plot(d["q_Ah"] * 1e3, d["voltage_V"], ".", ms=1.5, color="0.3", label="data")
            ax.plot(q, c.model_V, "-", color="C0", label="prediction")
            if c.band_V is not None:
                ax.fill_between(q, c.model_V - c.band_V, c.model_V + c.band_V, color="C0", alpha=0.25, lw=0,
                                label="95 % band")
            ax.plot(d["q_Ah"] * 1e3, b, "--", color="C1", lw=0.9, label="baseline (0.5C + R·ΔI)")
            ax.axvline(SHARE * d["q_Ah"].iloc[-1] * 1e3, color="0.6", lw=0.6)
            ax.set(xlabel="Discharged [mAh]", ylabel="Voltage [V]", title=name)
            ax.legend(frameon=False, fontsize=7)
            fig.tight_layout()
            fig.savefig(work / f"prediction_{Path(name).stem}.png", dpi=200)
            plt.close(fig)
    print(f"fit on {FIT_FILE}: RMSE {result.rmse_all_mV:.2f} mV, {result.n_evaluations} evaluations, "
          f"{result.wall_time_s:.0f} s, converged {result.converged}")
    print(f"{'file':30s} {'C-rate':>6s} {'RMSE':>7s} {'band':>6s} {'baseline':>8s} {'target':>6s} "
          f"{'delivered':>9s} {'simulated':>9s}  status")
    for r in rows:
        target = f"{r['target_mV']:.0f}" if r["target_mV"] else "—"
        print(f"{r['file']:30s} {r['c_rate']:6.2f} {r['rmse_mV']:7.1f} {r['band_mV']:6.1f} "
              f"{r['baseline_rmse_mV']:8.1f} {target:>6s} {r['delivered_mAh']:9.0f} {r['simulated_mAh']:9.0f}  "
              f"{r['status']}")
    print(f"re-anchored cell 3 (fitted {', '.join(anchor_names)}): RMSE {before:.1f} → {after:.1f} mV")
    print(f"outputs in {final}")
    if args.write:
        values = {n: result.values[n] for n in FITTED}
        update_file_values(shipped_file("hakadi-18650"), values, "fitted",
                           f"fitted to tests/data/hakadi-18650/{FIT_FILE} (cell 1, 0.5C discharge and recharge) by "
                           f"hc-kinetics (experiments/hakadi_18650.py: kinetics.fitting.fit, SPMe, RMSE "
                           f"{result.rmse_all_mV:.2f} mV)")
        update_file_values(shipped_file("hakadi-18650"), {"electrolyte.diffusivity": D_literature * factor}, "assumed",
                           f"assumed: Chayambuka 2022's salt diffusivity ({D_literature:.3g} m²/s, set "
                           f"electrolyte-NaPF6-ester; this cell's electrolyte is not stated) ×{factor:.3g}, the "
                           f"smallest multiple at which the model delivers {CONTINUOUS_SHARE:.0%} of its 0.5C capacity "
                           f"at the datasheet's 'Continuous Discharge Rate 3C' (experiments/hakadi_18650.py "
                           "transport_factor; no high-rate curve used)")
        print("fitted values stored in parameter_sets/hakadi-18650.json")
    return 0


if __name__ == "__main__":
    sys.exit(main())
