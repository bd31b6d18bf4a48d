"""``kinetics cycle``: a carbon half cell, or a full cell against a cathode, cycled at constant
current with its side reactions on — the first cycle's loss from the SEI it forms, then the slow
growth of that film, loss of active material and sodium plating (:mod:`kinetics.physics.ageing`)
— and what each cycle delivered.

One repeat block (sodiate/charge to one end of the window, desodiate/discharge to the other)
solved cycle by cycle from the last state (flat memory); the curves of a few cycles are kept (1,
2, 5, 10, 20, 50, … and the last), every cycle is summarised. Retention is each cycle's
desodiation (discharge) capacity over the first cycle's. A full cell starts as assembled
(:func:`kinetics.design.balance.fresh`): the sodium its anode's SEI takes comes out of the
cathode and is not replaced, where a half cell's sodium foil replaces it. A run that stops early
(the cell no longer reaches its cut-off) or is interrupted writes every completed cycle.
"""

from __future__ import annotations

import json
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .. import figures
from .._files import output_folder
from ..cells import FullCell, HalfCell, cell_of
from ..design.balance import NP_BASES, first_cycle, fresh
from ..engine import CycleSkipping
from ..errors import Interrupted, InvalidValueError, PlatingWarning, SimulationWarning
from ..protocols import as_current, desodiate, repeat, sodiate
from ..protocols import charge as charge_step
from ..protocols import discharge as discharge_step
from ..results import Result, Simulator, every_cycle

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


#: N/P of a full cell when none is given: the upper end of paper 000's "kept in the range of 1–1.05".
DEFAULT_NP = 1.05


def _check(cycles: Any, cathode: str | None, np_ratio: float | None, np_basis: str | None) -> int:
    if isinstance(cycles, bool) or not isinstance(cycles, int | np.integer) or not 1 <= cycles <= MAX_CYCLES:
        raise InvalidValueError("--cycles", cycles, f"a whole number of cycles from 1 to {MAX_CYCLES}")
    if cathode is None:
        for flag, value in (("--np", np_ratio), ("--np-basis", np_basis)):
            if value is not None:
                raise InvalidValueError(flag, value, "nothing without --cathode (a half cell has no N/P ratio)")
    else:
        if np_ratio is not None and not (np.isfinite(np_ratio) and 0.5 <= np_ratio <= 3.0):
            raise InvalidValueError("--np", np_ratio, "an N/P ratio between 0.5 and 3")
        if np_basis is not None and np_basis not in NP_BASES:
            raise InvalidValueError("--np-basis", np_basis, " or ".join(NP_BASES))
    return int(cycles)


def make_cell(parameter_set: str, cathode: str | None, np_ratio: float | None, np_basis: str | None,
              model: str) -> HalfCell | FullCell:
    """The half cell of ``parameter_set``; with a cathode the full cell as assembled; a set that
    describes a whole cell (e.g. ``hakadi-18650``) is that full cell in the state it states."""
    if cathode is None:
        return cell_of(parameter_set, model)
    return fresh(FullCell(parameter_set, cathode, np_ratio or DEFAULT_NP, model), np_basis or "reversible")


def cycle_table(result: Result, n_cycles: int) -> pd.DataFrame:
    """The per-cycle table of a run, one row per cycle (those the fast path skipped interpolated,
    ``simulated`` False), with retention [%] against the first cycle's desodiation."""
    t = every_cycle(result.cycles, n_cycles).drop(columns=["block"]).reset_index(drop=True)
    while len(t) and result.truncated and not t["capacity_out_mAh_g"].iloc[-1] > 0:
        t = t.iloc[:-1]  # the cycle a run stopped in is not a completed cycle
    first = float(t["capacity_out_mAh_g"].iloc[0]) if len(t) else np.nan
    t.insert(5, "retention_percent", 100.0 * t["capacity_out_mAh_g"] / first)
    return t


def run_cycle(parameter_set: str, *, cycles: int = 100, charge: str = "100mA/g", discharge: str | None = None,
              cathode: str | None = None, np_ratio: float | None = None, np_basis: str | None = None,
              fast: bool = False, model: str = "SPMe", out: str | Path = "kinetics-cycle",
              progress: bool = False) -> dict[str, Any]:
    """Cycle a half cell with ageing on; returns the summary ``cycle_summary.json`` holds
    (``retention``, ``ice``, ``cycles``, ``status``, ``output_folder``, …). ``charge`` sodiates the
    carbon (as charging a full cell does), ``discharge`` desodiates it (default: ``charge``);
    rates in the protocols' grammar (``200mA/g``, ``0.5C``). ``fast``: the fast path
    (:class:`~kinetics.engine.CycleSkipping`: a few cycles simulated, the slow states
    extrapolated, re-anchored; the skipped cycles interpolated)."""
    n = _check(cycles, cathode, np_ratio, np_basis)
    sod, desod = as_current(charge, "--charge"), as_current(discharge or charge, "--discharge")
    cell = make_cell(parameter_set, cathode, np_ratio, np_basis, model)
    lo, hi = cell.window_V
    kept = [c for c in KEPT_CYCLES if c <= n] + [n]
    sim = Simulator(cell, ageing=True)
    if isinstance(cell, HalfCell):
        block = [sodiate(sod, lo), desodiate(desod, hi)]
    else:  # a cell whose set states it charged (a commercial cell's) discharges first
        block = [charge_step(sod, hi), discharge_step(desod, lo)]
        if float(sim.engine.initial_state().voltage_V[0]) > (lo + hi) / 2:
            block.reverse()
    protocol = [repeat(block, n, keep_cycles=kept)]
    sim.engine.check(protocol)  # bad currents and windows before anything is written
    interrupted = None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SimulationWarning)  # an early stop is reported in the summary
        warnings.simplefilter("ignore", PlatingWarning)  # plated sodium is a column of the table
        try:
            result = sim.run(protocol, progress=progress, description=f"{cell.name} cycling",
                             fast=CycleSkipping() if fast else None, stop_at_lost_cutoff=True)
        except Interrupted as e:
            interrupted, result = e, e.partial
    table = cycle_table(result, n)
    summary = _summary(cell, result, table, n, str(sod), str(desod))
    if block[0].direction == "discharge":  # a cell that starts charged has no first-cycle efficiency
        summary["ice"] = None
    summary["fast"] = bool(fast)
    if isinstance(cell, FullCell) and cathode is not None:
        summary |= _balance_summary(cell, np_basis or "reversible")
    with output_folder(out) as (work, final):
        summary["output_folder"] = str(final)
        table.to_csv(work / "cycles.csv", index=False, float_format="%.8g")
        result.table.to_csv(work / "kept_cycles_timeseries.csv", index=False, float_format="%.8g")
        if len(table):
            plot_retention(table, cell.name, work / "retention.png", isinstance(cell, HalfCell))
            plot_degradation(table, cell.name, work / "degradation.png")
            plot_curves(result, work / "curves.png")
        (work / "cycle_summary.json").write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
    if interrupted is not None:
        raise Interrupted(f"{summary['status']}; written to {final}", summary)
    return summary


def _balance_summary(cell: FullCell, basis: str) -> dict[str, Any]:
    """A full cell's N/P ratio counted both ways, and its loadings."""
    b = cell.balance
    first = first_cycle(cell.anode_half).sodiated_mAh_g
    m_a, m_c = b.anode_loading_mg_cm2, b.cathode_loading_mg_cm2
    q_c_first = b.cathode_reversible_mAh_g / cell.cathode_electrode.first_cycle_efficiency
    return {"cathode": cell.cathode_half.name, "np_ratio": b.np_ratio, "np_basis": basis,
            "np_reversible": b.anode_reversible_mAh_g * m_a / (b.cathode_reversible_mAh_g * m_c),
            "np_first_cycle": first * m_a / (q_c_first * m_c),
            "anode_loading_mg_cm2": m_a, "cathode_loading_mg_cm2": m_c}


def _summary(cell: HalfCell | FullCell, result: Result, table: pd.DataFrame, n: int, sod: str,
             desod: str) -> dict[str, Any]:
    def num(v: Any) -> float | None:
        return None if v is None or not np.isfinite(v) else float(v)

    rows = [{key: (int(r[col]) if col == "cycle" else num(r[col])) for col, key in CYCLE_KEYS.items() if col in r}
            | {"simulated": bool(r["simulated"])} for _, r in table.iterrows()]
    done = len(table)
    status = f"complete ({n} cycles)" if done == n and not result.failure else (
        f"stopped after {done} of {n} cycles: {result.failure or 'interrupted'}")
    half = isinstance(cell, HalfCell)
    a = (cell.working if half else cell.anode_electrode).ageing
    lo, hi = cell.window_V
    return {
        "parameter_set": cell.anode_half.name if not half else cell.name, "model": cell.model,
        "cell": cell.kind, "cycles_requested": n, "cycles_completed": done, "status": status, "stopped_early": done < n,
        "protocol": ", ".join(f"{s.direction} at {sod if s.direction in ('sodiate', 'charge') else desod} to "
                              f"{s.limit_V:g} V" for s in result.protocol[:2]) + ", constant current, no rest",
        "retention": num(table["retention_percent"].iloc[-1]) if done else None,
        "retention_basis": f"{'desodiation' if half else 'discharge'} capacity of the last completed cycle over that "
                           "of cycle 1 [%], per g of carbon",
        "ice": num(100.0 * table["coulombic_efficiency"].iloc[0]) if done else None,
        "ageing": {"sei_exchange_current_A_m2": a.sei_exchange_current_A_m2, "sei_barrier_per_m": a.sei_barrier_per_m,
                   "sei_resistivity_ohm_m": a.sei_resistivity_ohm_m, "active_material_loss": a.active_material_loss,
                   "plating_rate_constant_m_s": a.plating_rate_constant_m_s},
        "wall_time_s": result.wall_time_s, "since_cycle_1": _degradation(table, half) if done else None,
        "cycles": rows,
    }


def _degradation(table: pd.DataFrame, half: bool) -> dict[str, float | None]:
    """What changed between the end of cycle 1 and the last cycle: the fade [points], the active
    material lost [points of %], the sodium the side reactions took [mAh/g of carbon, and as a
    share of cycle 1's capacity: a full cell cannot replace it, a half cell's foil does] and the
    film's resistance [Ω]."""
    first, last = table.iloc[0], table.iloc[-1]

    def change(col: str) -> float | None:
        d = float(last[col] - first[col]) if col in table else float("nan")
        return d if np.isfinite(d) else None

    sodium = change("sodium_lost_mAh_g")
    return {"fade_points": 100.0 - float(last["retention_percent"]),
            "active_material_lost_points": change("active_material_lost_percent"),
            "sodium_lost_mAh_g": sodium,
            "sodium_lost_percent_of_cycle_1": None if sodium is None else
            100.0 * sodium / float(first["capacity_out_mAh_g"]),
            "sodium_replaced_by_the_foil": half,
            "film_resistance_growth_ohm": change("film_resistance_ohm")}


def plot_retention(table: pd.DataFrame, name: str, path: Path, half: bool = True) -> None:
    fig, (ax, ax2) = figures.subplots(2, 1, figsize=(6.0, 5.5), sharex=True, constrained_layout=True)
    c = table["cycle"]
    into, out = ("sodiation", "desodiation") if half else ("charge", "discharge")
    ax.plot(c, table["capacity_out_mAh_g"], "-", color="C0", label=out)
    ax.plot(c, table["capacity_in_mAh_g"], "-", color="C1", label=into, alpha=0.7)
    solved = table[table["simulated"]]
    ax.plot(solved["cycle"], solved["capacity_out_mAh_g"], "o", ms=3, color="C0", label="simulated cycles")
    ax.set_ylabel("capacity (mAh g$^{-1}$ of carbon)")
    ax.legend(frameon=False, title=name)
    right = ax.twinx()
    right.plot(c, table["retention_percent"], color="k", lw=0.8)
    right.set_ylabel("retention (%)")
    ax2.plot(c, 100.0 * table["coulombic_efficiency"], "o-", ms=3, color="C2")
    ax2.set_ylabel("coulombic efficiency (%)")
    ax2.set_xlabel("cycle")
    fig.savefig(path, dpi=150)


def plot_degradation(table: pd.DataFrame, name: str, path: Path) -> None:
    fig, (ax, ax2) = figures.subplots(2, 1, figsize=(6.0, 5.5), sharex=True, constrained_layout=True)
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


def plot_curves(result: Result, path: Path) -> None:
    fig, ax = figures.subplots(figsize=(6.0, 4.5), constrained_layout=True)
    t = result.table
    kept = sorted(t["cycle"].dropna().unique())
    colours = figures.colours(len(kept))
    for colour, c in zip(colours, kept):
        for _, g in t[t["cycle"] == c].groupby("step"):
            ax.plot(g["capacity_mAh_g"], g["voltage_V"], color=colour, lw=1.0,
                    label=f"cycle {int(c)}" if g["direction"].iloc[0] in ("desodiate", "discharge") else None)
    ax.set_xlabel("capacity (mAh g$^{-1}$)")
    ax.set_ylabel("potential (V vs Na$^+$/Na)")
    ax.legend(frameon=False, fontsize=8)
    fig.savefig(path, dpi=150)
