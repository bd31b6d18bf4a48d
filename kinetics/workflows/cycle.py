"""``kinetics cycle``: a carbon half cell cycled at constant current with its side reactions on —
the first cycle's loss from the SEI it forms, then the slow growth of that film, loss of active
material and sodium plating (:mod:`kinetics.physics.ageing`) — and what each cycle delivered.

One repeat block (sodiate to the bottom of the window, desodiate to its top) solved cycle by
cycle from the last state (flat memory); the curves of a few cycles are kept (1, 2, 5, 10, 20,
50, … and the last), every cycle is summarised. Retention is each cycle's desodiation capacity
over the first cycle's. A run that stops early (the cell no longer reaches its cut-off) or is
interrupted writes every completed cycle.
"""

from __future__ import annotations

import json
import warnings
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from .._files import output_folder  # noqa: E402
from ..cells import HalfCell  # noqa: E402
from ..errors import Interrupted, InvalidValueError, SimulationWarning  # noqa: E402
from ..protocols import as_current, desodiate, repeat, sodiate  # noqa: E402
from ..results import Result, Simulator  # noqa: E402

#: Cycles whose curves are kept (besides the last).
KEPT_CYCLES = (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000)
MAX_CYCLES = 100_000
#: The per-cycle keys of ``--json`` (column of the cycle table → key).
CYCLE_KEYS = {"cycle": "cycle", "capacity_in_mAh_g": "sodiation_mAh_g", "capacity_out_mAh_g": "desodiation_mAh_g",
              "coulombic_efficiency": "coulombic_efficiency", "retention_percent": "retention_percent",
              "plateau_out_mAh_g": "plateau_mAh_g", "sloping_out_mAh_g": "sloping_mAh_g",
              "sodium_lost_mAh_g": "inventory_lost_mAh_g", "sei_sodium_mAh_g": "sei_sodium_mAh_g",
              "plated_mAh_g": "plated_mAh_g", "active_material_lost_percent": "active_material_lost_percent",
              "film_resistance_ohm": "film_resistance_ohm", "min_anode_potential_V": "min_carbon_potential_V"}


def _check(cycles: Any, cathode: str | None, np_ratio: float | None, np_basis: str | None) -> int:
    if isinstance(cycles, bool) or not isinstance(cycles, int | np.integer) or not 1 <= cycles <= MAX_CYCLES:
        raise InvalidValueError("--cycles", cycles, f"a whole number of cycles from 1 to {MAX_CYCLES}")
    if cathode is not None:
        raise InvalidValueError("--cathode", cathode, "no cathode: this version cycles half cells only (full-cell "
                                "cycling, with the first-cycle loss taken from the cathode's sodium, is not built yet)")
    for flag, value in (("--np", np_ratio), ("--np-basis", np_basis)):
        if value is not None:
            raise InvalidValueError(flag, value, "nothing without --cathode (a half cell has no N/P ratio)")
    return int(cycles)


def cycle_table(result: Result) -> pd.DataFrame:
    """The per-cycle table of a run, with retention [%] against the first cycle's desodiation."""
    t = result.cycles.drop(columns=["block"]).reset_index(drop=True)
    first = float(t["capacity_out_mAh_g"].iloc[0]) if len(t) else np.nan
    t.insert(5, "retention_percent", 100.0 * t["capacity_out_mAh_g"] / first)
    return t


def run_cycle(parameter_set: str, *, cycles: int = 100, charge: str = "100mA/g", discharge: str | None = None,
              cathode: str | None = None, np_ratio: float | None = None, np_basis: str | None = None,
              model: str = "SPMe", out: str | Path = "kinetics-cycle", progress: bool = False) -> dict[str, Any]:
    """Cycle a half cell with ageing on; returns the summary ``cycle_summary.json`` holds
    (``retention``, ``ice``, ``cycles``, ``status``, ``output_folder``, …). ``charge`` sodiates the
    carbon (as charging a full cell does), ``discharge`` desodiates it (default: ``charge``);
    rates in the protocols' grammar (``200mA/g``, ``0.5C``)."""
    n = _check(cycles, cathode, np_ratio, np_basis)
    sod, desod = as_current(charge, "--charge"), as_current(discharge or charge, "--discharge")
    cell = HalfCell(parameter_set, model)
    lo, hi = cell.window_V
    kept = [c for c in KEPT_CYCLES if c <= n] + [n]
    protocol = [repeat([sodiate(sod, lo), desodiate(desod, hi)], n, keep_cycles=kept)]
    sim = Simulator(cell, ageing=True)
    sim.engine.check(protocol)  # bad currents and windows before anything is written
    interrupted = None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SimulationWarning)  # an early stop is reported in the summary
        try:
            result = sim.run(protocol, progress=progress, description=f"{cell.name} cycling")
        except Interrupted as e:
            interrupted, result = e, e.partial
    table = cycle_table(result)
    summary = _summary(cell, result, table, n, str(sod), str(desod))
    with output_folder(out) as (work, final):
        summary["output_folder"] = str(final)
        table.to_csv(work / "cycles.csv", index=False, float_format="%.8g")
        result.table.to_csv(work / "kept_cycles_timeseries.csv", index=False, float_format="%.8g")
        if len(table):
            plot_retention(table, cell.name, work / "retention.png")
            plot_degradation(table, cell.name, work / "degradation.png")
            plot_curves(result, work / "curves.png")
        (work / "cycle_summary.json").write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
    if interrupted is not None:
        raise Interrupted(f"{summary['status']}; written to {final}", summary)
    return summary


def _summary(cell: HalfCell, result: Result, table: pd.DataFrame, n: int, sod: str, desod: str) -> dict[str, Any]:
    def num(v: Any) -> float | None:
        return None if v is None or not np.isfinite(v) else float(v)

    rows = [{key: (int(r[col]) if col == "cycle" else num(r[col])) for col, key in CYCLE_KEYS.items() if col in r}
            for _, r in table.iterrows()]
    done = len(table)
    status = f"complete ({n} cycles)" if done == n and not result.failure else (
        f"stopped after {done} of {n} cycles: {result.failure or 'interrupted'}")
    a = cell.working.ageing
    return {
        "parameter_set": cell.name, "model": cell.model, "cell": "half", "cycles_requested": n,
        "cycles_completed": done, "status": status, "stopped_early": done < n,
        "protocol": f"sodiate at {sod} to {cell.window_V[0]:g} V, desodiate at {desod} to {cell.window_V[1]:g} V, "
                    "constant current, no rest",
        "retention": num(table["retention_percent"].iloc[-1]) if done else None,
        "retention_basis": "desodiation capacity of the last completed cycle over that of cycle 1 [%]",
        "ice": num(100.0 * table["coulombic_efficiency"].iloc[0]) if done else None,
        "ageing": {"sei_exchange_current_A_m2": a.sei_exchange_current_A_m2, "sei_barrier_per_m": a.sei_barrier_per_m,
                   "sei_resistivity_ohm_m": a.sei_resistivity_ohm_m, "active_material_loss": a.active_material_loss,
                   "plating_rate_constant_m_s": a.plating_rate_constant_m_s},
        "wall_time_s": result.wall_time_s, "cycles": rows,
    }


def plot_retention(table: pd.DataFrame, name: str, path: Path) -> None:
    fig, (ax, ax2) = plt.subplots(2, 1, figsize=(6.0, 5.5), sharex=True, constrained_layout=True)
    c = table["cycle"]
    ax.plot(c, table["capacity_out_mAh_g"], "o-", ms=3, label="desodiation")
    ax.plot(c, table["capacity_in_mAh_g"], "s-", ms=3, label="sodiation", alpha=0.7)
    ax.set_ylabel("capacity (mAh g$^{-1}$)")
    ax.legend(frameon=False, title=name)
    right = ax.twinx()
    right.plot(c, table["retention_percent"], color="k", lw=0.8)
    right.set_ylabel("retention (%)")
    ax2.plot(c, 100.0 * table["coulombic_efficiency"], "o-", ms=3, color="C2")
    ax2.set_ylabel("coulombic efficiency (%)")
    ax2.set_xlabel("cycle")
    fig.savefig(path, dpi=150)
    plt.close(fig)


def plot_degradation(table: pd.DataFrame, name: str, path: Path) -> None:
    fig, (ax, ax2) = plt.subplots(2, 1, figsize=(6.0, 5.5), sharex=True, constrained_layout=True)
    c = table["cycle"]
    for col, label in (("sei_sodium_mAh_g", "sodium in the SEI"), ("plated_mAh_g", "plated sodium"),
                       ("sodium_lost_mAh_g", "sodium lost in all")):
        if col in table:
            ax.plot(c, table[col], label=label)
    ax.set_ylabel("sodium (mAh g$^{-1}$ of carbon)")
    ax.legend(frameon=False, title=name)
    if "active_material_lost_percent" in table:
        ax2.plot(c, table["active_material_lost_percent"], color="C3", label="active material lost (%)")
    if "film_resistance_ohm" in table:
        right = ax2.twinx()
        right.plot(c, table["film_resistance_ohm"], color="C4", ls="--")
        right.set_ylabel("SEI film resistance (Ω, dashed)")
    ax2.set_ylabel("active material lost (%)")
    ax2.set_xlabel("cycle")
    fig.savefig(path, dpi=150)
    plt.close(fig)


def plot_curves(result: Result, path: Path) -> None:
    fig, ax = plt.subplots(figsize=(6.0, 4.5), constrained_layout=True)
    t = result.table
    kept = sorted(t["cycle"].dropna().unique())
    colours = plt.cm.viridis(np.linspace(0, 0.9, max(len(kept), 1)))
    for colour, c in zip(colours, kept):
        for _, g in t[t["cycle"] == c].groupby("step"):
            ax.plot(g["capacity_mAh_g"], g["voltage_V"], color=colour, lw=1.0,
                    label=f"cycle {int(c)}" if g["direction"].iloc[0] == "desodiate" else None)
    ax.set_xlabel("capacity (mAh g$^{-1}$)")
    ax.set_ylabel("potential (V vs Na$^+$/Na)")
    ax.legend(frameon=False, fontsize=8)
    fig.savefig(path, dpi=150)
    plt.close(fig)
