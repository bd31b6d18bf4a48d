"""``kinetics design``: a full-cell design study — N/P ratio, loading, porosity and particle size
against charge and discharge rates and temperature — with energy density on the papers', stack and
cell bases, the plating margin, plots, and optionally the N/P that maximises energy density under
a plating margin.

The output folder holds the sweep's description (``sweep.json``) and its journal
(``points.jsonl``, one line per finished point): the same command started again on the same folder
runs only what is missing. At the end ``rows.csv`` (the tidy table), ``summary.json`` and the
figures are written, each completely or not at all.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .. import figures
from .._files import fresh_folder, write_atomic
from ..design import Design, Grid, Stack, Target, np_values, optimise_np, sweep
from ..design.stack import COPPER, DEFAULT_COLLECTORS, ELECTROLYTE_EXCESS, FORMATS
from ..design.sweep import SPEC, design_of, spec_of
from ..errors import InvalidValueError, UnknownNameError

DEFAULT_OUT = "kinetics-design"
#: The row keys ``--json`` promises (the tidy table has more).
ROW_KEYS = ("np_ratio", "charge_rate", "discharge_rate", "capacity_mAh_g_anode", "average_voltage_V",
            "energy_density_Wh_kg", "stack_energy_density_Wh_kg", "min_anode_potential_V", "error")


def _list(text: str | Sequence[str] | None, default: Sequence[str]) -> tuple[str, ...]:
    if text is None:
        return tuple(default)
    items = [t.strip() for t in (text.split(",") if isinstance(text, str) else text) if str(t).strip()]
    return tuple(items)


def _numbers(text: str | None, flag: str, scale: float = 1.0) -> tuple[float | None, ...]:
    if text is None:
        return (None,)
    try:
        return tuple(float(v) * scale for v in text.split(",") if v.strip())
    except ValueError:
        raise InvalidValueError(flag, text, "comma-separated numbers") from None


def check_pairing(design: Design) -> None:
    """Refuse a cathode whose potentials cannot span the full cell's voltage window with the
    anode's (no simulation): the cell's highest open-circuit voltage is the cathode's top minus the
    anode's bottom, its lowest the cathode's bottom minus the anode's top."""
    anode, cathode = design.halves()
    lo_a, hi_a = anode.window_V
    lo_c, hi_c = cathode.window_V
    lo, hi = design.window_V()
    if hi_c - lo_a < hi - 1e-9:
        raise InvalidValueError("--cathode", cathode.name, f"a cathode that can charge the cell to its upper limit "
                                f"{hi:g} V against {anode.name} (its top {hi_c:g} V minus the anode's bottom "
                                f"{lo_a:g} V is {hi_c - lo_a:.3g} V)")
    if lo_c - hi_a > lo + 1e-9:
        raise InvalidValueError("--cathode", cathode.name, f"a cathode whose bottom {lo_c:g} V minus the anode's top "
                                f"{hi_a:g} V ({lo_c - hi_a:.3g} V) lies above the cell's lower limit {lo:g} V")


def run_design_study(anode: str, cathode: str, np_spec: str | Sequence[float], *, np_basis: str = "reversible",
                     electrolyte: str | None = None, charge_rates: str | None = None,
                     discharge_rates: str | None = None, loadings: str | None = None, fmt: str = "coin",
                     temperatures_C: str | None = None, anode_porosities: str | None = None,
                     cathode_porosities: str | None = None, particle_radii_um: str | None = None,
                     anode_collector: str = "Al", sides: str | None = None,
                     electrolyte_excess: float = ELECTROLYTE_EXCESS, model: str = "SPMe", scheduler: str | None = None,
                     workers: int | None = None, out: str | None = None, progress: bool = False,
                     optimise: Target | None = None) -> dict[str, Any]:
    """Run a design sweep (and an optimisation) and write its folder; returns the summary
    (``rows``, ``design``, ``optimum``, ``output_folder``, …). Input is checked before anything runs."""
    if fmt not in FORMATS:
        raise UnknownNameError("--format", fmt, list(FORMATS))
    if anode_collector not in ("Al", "Cu"):
        raise UnknownNameError("--anode-collector", anode_collector, ["Al", "Cu"])
    if workers is not None and not 1 <= workers <= 256:
        raise InvalidValueError("--workers", workers, "1 to 256 processes")
    collectors = dict(DEFAULT_COLLECTORS) | ({"anode": COPPER} if anode_collector == "Cu" else {})
    base = Design(anode, cathode, np_ratio=1.0, np_basis=np_basis, electrolyte=electrolyte,
                  stack=Stack(FORMATS[fmt], collectors=collectors, electrolyte_excess=electrolyte_excess, sides=sides),
                  model=model)
    grid = Grid(np_ratio=np_values(np_spec), charge_rate=_list(charge_rates, ("0.5C",)),
                discharge_rate=_list(discharge_rates, ("0.5C",)),
                temperature_K=tuple(None if t is None else t + 273.15 for t in _numbers(temperatures_C,
                                                                                        "--temperatures")),
                loading=_list(loadings, (None,)),
                anode_porosity=_numbers(anode_porosities, "--anode-porosity"),
                cathode_porosity=_numbers(cathode_porosities, "--cathode-porosity"),
                anode_particle_radius_m=_numbers(particle_radii_um, "--particle-radius", 1e-6))
    check_pairing(base)
    folder = _folder(out, base, grid)
    result = sweep(base, grid, out=folder, workers=workers, scheduler=scheduler, progress=progress)
    rows = result.rows
    summary: dict[str, Any] = {
        "design": base.describe() | ({"loading": ", ".join(map(str, grid.loading))} if grid.loading != (None,)
                                     else {}),
        "output_folder": str(folder), "n_points": result.n_points,
        "n_designs_built": result.n_designs, "n_resumed": result.n_resumed, "where": result.where,
        "wall_time_s": result.wall_time_s, "n_errors": int(rows["error"].notna().sum()),
        "rows": json.loads(rows.to_json(orient="records")),
        "notes": base.caveats(),
    }
    if optimise is not None:
        summary["optimum"] = _optimum(base, grid, optimise, workers, scheduler, progress)
    write_atomic(folder / "rows.csv", rows.to_csv(index=False))
    write_atomic(folder / "summary.json", json.dumps(summary, indent=1, default=str))
    plots(rows, folder, f"{anode} // {cathode}")
    return summary


def _optimum(base: Design, grid: Grid, target: Target, workers: int | None, scheduler: str | None,
             progress: bool) -> dict[str, Any]:
    """The N/P optimisation for each of the sweep's loadings (or coating thicknesses; the first
    porosities and radius), and the best of them: N/P and loading optimised together over the
    loadings given."""
    target = target.resolved(grid)
    found = []
    for loading in grid.loading:
        design = design_of(base, {**grid.points()[0], "loading": loading})
        o = optimise_np(design, target, workers=workers, scheduler=scheduler, progress=progress)
        found.append({"np_ratio": o.np_ratio, "loading": str(loading or design.describe()["loading"]),
                      "design": design.describe(), "status": o.status, "n_evaluations": len(o.evaluations),
                      "row": json.loads(pd.Series(o.row).to_json()) if o.row else None})
    feasible = [f for f in found if f["row"] is not None]
    best = max(feasible, key=lambda f: f["row"][target.basis]) if feasible else found[0]
    return best | {"target": target.__dict__ | {"bounds": list(target.bounds)},
                   "per_loading": found if len(found) > 1 else []}


def _folder(out: str | None, base: Design, grid: Grid) -> Path:
    """The sweep's folder: ``out`` as given (new, empty, or the same sweep's to resume; anything
    else is refused by the sweep), or the default folder if it is free or holds this sweep, else a
    new ``kinetics-design-N``."""
    if out is not None:
        return Path(out)
    path = Path(DEFAULT_OUT)
    spec = path / SPEC
    if not path.exists() or not any(path.iterdir()):
        return path
    if spec.exists():
        if json.loads(spec.read_text()) == spec_of(base, grid):
            return path
    return fresh_folder(path)


def _save(fig, path: Path) -> None:
    tmp = path.with_name(f".{path.name}.tmp.png")
    fig.savefig(tmp, dpi=150)
    os.replace(tmp, path)


def plots(rows: pd.DataFrame, folder: Path, title: str) -> None:
    """Energy density and plating margin against N/P (one line per charge rate), heat maps over
    N/P × charge rate (margin) and N/P × discharge rate (energy density), a Ragone plot."""
    ok = rows[rows["error"].isna()] if "energy_density_Wh_kg" in rows else rows.iloc[0:0]
    if ok.empty:
        return
    fig, (ax, ax2) = figures.subplots(2, 1, figsize=(6.0, 6.0), sharex=True, constrained_layout=True)
    first_discharge = ok["discharge_rate"].iloc[0]
    for rate, g in ok[ok["discharge_rate"] == first_discharge].groupby("charge_rate", sort=False):
        g = g.groupby("np_ratio", as_index=False).mean(numeric_only=True)
        ax.plot(g["np_ratio"], g["energy_density_Wh_kg"], "o-", ms=3, label=f"charge {rate}")
        ax2.plot(g["np_ratio"], 1e3 * g["min_anode_potential_V"], "o-", ms=3, label=f"charge {rate}")
    ax.set_ylabel("energy (Wh kg$^{-1}$, active mass)")
    ax.set_title(f"{title}, discharge {first_discharge}", fontsize=9)
    ax.legend(frameon=False, fontsize=8)
    ax2.axhline(0.0, color="k", lw=0.8)
    ax2.axhspan(min(ax2.get_ylim()[0], -1.0), 0.0, color="C3", alpha=0.1, label="plating")
    ax2.set_ylabel("min. anode potential (mV vs Na$^+$/Na)")
    ax2.set_xlabel("N/P ratio")
    ax2.legend(frameon=False, fontsize=8, loc="lower right")
    _save(fig, folder / "energy_and_margin_vs_np.png")
    for column, across, label, name in (
            ("min_anode_potential_V", "charge_rate", "lowest anode potential in charge (mV)", "heatmap_margin.png"),
            ("energy_density_Wh_kg", "discharge_rate", "energy density (Wh kg$^{-1}$, active)", "heatmap_energy.png")):
        table = ok.pivot_table(index=across, columns="np_ratio", values=column, aggfunc="mean", sort=False)
        if table.shape[0] < 2 and table.shape[1] < 2:
            continue
        values = table.to_numpy() * (1e3 if column.endswith("_V") else 1.0)
        fig, ax = figures.subplots(figsize=(6.5, 3.5), constrained_layout=True)
        limit = np.nanmax(np.abs(values)) if column.endswith("_V") else None
        image = ax.imshow(values, aspect="auto", origin="lower", cmap="RdBu" if limit else "viridis",
                          vmin=-limit if limit else None, vmax=limit)
        ax.set_xticks(range(table.shape[1]), [f"{v:.3g}" for v in table.columns], rotation=90, fontsize=7)
        ax.set_yticks(range(table.shape[0]), list(table.index), fontsize=8)
        ax.set_xlabel("N/P ratio")
        ax.set_ylabel(across.replace("_", " "))
        fig.colorbar(image, ax=ax, label=label)
        _save(fig, folder / name)
    fig, ax = figures.subplots(figsize=(5.5, 4.5), constrained_layout=True)
    for np_ratio, g in ok.groupby("np_ratio"):
        g = g.groupby("discharge_rate", as_index=False, sort=False).mean(numeric_only=True)
        ax.loglog(g["power_density_W_kg"], g["energy_density_Wh_kg"], "o-", ms=3, label=f"N/P {np_ratio:.3g}")
    ax.set_xlabel("power density (W kg$^{-1}$, anode + cathode active)")
    ax.set_ylabel("energy (Wh kg$^{-1}$, active mass)")
    ax.set_title(f"Ragone: {title}", fontsize=9)
    ax.legend(frameon=False, fontsize=7, ncols=2)
    _save(fig, folder / "ragone.png")
