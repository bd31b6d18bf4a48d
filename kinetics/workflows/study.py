"""Studies: the main job of ``kinetics simulate`` and users' own studies from a config file.

A study is a list of half-cell rate tests and full-cell tests. Outputs (CSV, PNG, a markdown
and a JSON summary) are written into a fresh folder (:func:`kinetics._files.output_folder`): a
folder is complete or absent, and an existing folder is never overwritten (the next free name
``<folder>-2``, ``-3``… is used and reported).
"""

from __future__ import annotations

import json
import math
import sys
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .._files import output_folder
from ..cells import FullCell, HalfCell
from ..design import balanced, energy_density_Wh_kg
from ..errors import Interrupted, InvalidValueError, UnknownNameError
from ..protocols import as_current, rate_test
from ..results import Result, Simulator
from ..results.plots import dqdv, gcd_by_rate, stage_occupancy

DEFAULT_RATES = (20, 50, 100, 200, 500, 1000, 2000)


@dataclass(frozen=True)
class HalfCellTest:
    parameter_set: str = "MPCC-1-ether"
    rates_mA_g: tuple[float, ...] = DEFAULT_RATES
    cycles: int = 1
    window_V: tuple[float, float] | None = None
    model: str = "SPMe"
    temperature_K: float | None = None


@dataclass(frozen=True)
class FullCellTest:
    anode: str = "MPCC-1-ether"
    cathode: str = "O3-Na0.9TMO2"
    np_ratio: float = 1.05
    rates_mA_g: tuple[float, ...] = (20, 500)
    cycles: int = 2
    window_V: tuple[float, float] | None = None
    model: str = "SPMe"
    temperature_K: float | None = None


@dataclass(frozen=True)
class Study:
    half_cells: tuple[HalfCellTest, ...] = field(default_factory=lambda: (HalfCellTest(),))
    full_cells: tuple[FullCellTest, ...] = field(default_factory=lambda: (FullCellTest(),))


#: Most cycles per current a study may ask for (a rate test of 7 currents × 1000 cycles is 14 000
#: steps; more is a typo, and building the protocol alone would take minutes).
MAX_CYCLES = 1000
_NAMES = ("parameter_set", "anode", "cathode", "model")


def _number(v: object) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool)


def _check_value(key: str, v: object, field: str) -> None:
    """Raise :class:`InvalidValueError` naming ``field`` if ``v`` has the wrong type or range for
    ``key`` (ranges that depend on the cell are checked when the cells are built)."""
    if key in _NAMES and not isinstance(v, str):
        raise InvalidValueError(field, v, "a name (text)" if key == "model" else "a set name or a .json path (text)")
    if key == "cycles" and not (_number(v) and math.isfinite(v) and v == int(v) and 1 <= v <= MAX_CYCLES):
        raise InvalidValueError(field, v, f"a whole number of cycles from 1 to {MAX_CYCLES}")
    if key == "np_ratio" and v is not None and not _number(v):
        raise InvalidValueError(field, v, "a positive number (anode over cathode reversible capacity)")
    if key == "temperature_K" and v is not None and not _number(v):
        raise InvalidValueError(field, v, "a temperature in K (a number)")
    if key == "window_V" and v is not None and not (isinstance(v, list | tuple) and len(v) == 2
                                                    and all(_number(x) and math.isfinite(x) for x in v)):
        raise InvalidValueError(field, v, "[lower, upper] in V, two numbers")
    if key == "rates_mA_g" and not (isinstance(v, list | tuple) and v
                                    and all(isinstance(x, str) or _number(x) for x in v)):
        raise InvalidValueError(field, v, "a non-empty list of currents: numbers in mA/g or text such as \"0.5C\"")


def _from_table(cls, raw: object, where: str):
    if not isinstance(raw, dict):
        raise InvalidValueError(where, raw, "a table of keys and values")
    allowed = list(cls.__dataclass_fields__)
    for k in raw:
        if k not in allowed:
            raise UnknownNameError(f"key in {where}", k, allowed)
        _check_value(k, raw[k], f"{where} {k}")
    kwargs = dict(raw)
    if kwargs.get("window_V") is not None:
        kwargs["window_V"] = tuple(float(v) for v in kwargs["window_V"])
    if "rates_mA_g" in kwargs:  # numbers are mA/g; strings are any current of the one grammar ("0.5C")
        kwargs["rates_mA_g"] = tuple(str(as_current(v, f"{where} rates_mA_g")) if isinstance(v, str) else float(v)
                                     for v in kwargs["rates_mA_g"])
    return cls(**kwargs)


def load_study(path: str | Path) -> Study:
    """Read a study from a TOML or JSON file with ``[[half_cell]]`` and ``[[full_cell]]`` tables."""
    path = Path(path)
    if not path.is_file():
        raise InvalidValueError("--config", str(path), "an existing TOML or JSON file")
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as e:
        raise InvalidValueError("--config", str(path), f"a UTF-8 text file (byte {e.start} is not UTF-8)") from None
    except OSError as e:
        raise InvalidValueError("--config", str(path), f"a readable file ({e.strerror})") from None
    try:
        raw = json.loads(text) if path.suffix.lower() == ".json" else tomllib.loads(text)
    except (json.JSONDecodeError, tomllib.TOMLDecodeError) as e:
        raise InvalidValueError("--config", str(path), f"valid TOML/JSON ({e})") from None
    if not isinstance(raw, dict):
        raise InvalidValueError("--config", str(path), f"[[half_cell]] and [[full_cell]] tables, not a "
                                f"{type(raw).__name__}")
    for k in raw:
        if k not in ("half_cell", "full_cell"):
            raise UnknownNameError("section of the study file", k, ["half_cell", "full_cell"])
        if not isinstance(raw[k], list):
            raise InvalidValueError(f"[[{k}]]", raw[k], f"a list of tables ([[{k}]] in TOML, \"{k}\": [...] in JSON)")
    study = Study(tuple(_from_table(HalfCellTest, t, "[[half_cell]]") for t in raw.get("half_cell", [])),
                  tuple(_from_table(FullCellTest, t, "[[full_cell]]") for t in raw.get("full_cell", [])))
    if not study.half_cells and not study.full_cells:
        raise InvalidValueError("--config", str(path), "a study with at least one [[half_cell]] or [[full_cell]] table")
    return study


def _slug(text: str) -> str:
    return "".join(c if c.isalnum() or c in "-." else "_" for c in text)


def _prepare(study: Study):
    """Build every cell first, so bad input fails before any solve."""
    cells = []
    for t in study.half_cells:
        cell = HalfCell(t.parameter_set, t.model)
        steps = rate_test(t.rates_mA_g, t.cycles, t.window_V or cell.window_V, "half", temperature_K=t.temperature_K)
        cells.append(("half", t, cell, steps))
    for t in study.full_cells:
        cell = FullCell(t.anode, t.cathode, t.np_ratio, t.model)
        steps = rate_test(t.rates_mA_g, t.cycles, t.window_V or cell.window_V, "full", temperature_K=t.temperature_K)
        cells.append(("full", t, cell, steps))
    return cells


def _rates_of_half_cell(result: Result) -> list[dict]:
    return [{"current_mA_g": float(r.rate_mA_g), "reversible_capacity_mAh_g": float(r.capacity_mAh_g),
             "plateau_capacity_mAh_g": float(r["capacity_below_0.1V_mAh_g"]), "plateau_share": float(r.plateau_share),
             "average_voltage_V": float(r.average_voltage_V), "coulombic_efficiency": float(r.coulombic_efficiency)}
            for _, r in result.rate_table().iterrows()]


def _rates_of_full_cell(result: Result, steps, b) -> list[dict]:
    rev = result.reversible_capacities()
    rates = []
    for rate in dict.fromkeys(s.rate_group for s in steps):
        ks = [k for k, s in enumerate(steps) if s.rate_group == rate and s.direction == "discharge"]
        row = rev[rev["step"] == ks[-1]] if ks else rev.iloc[0:0]
        if len(row):
            r = row.iloc[0]
            rates.append({"current_mA_g_anode": result.current_mA_g(ks[-1]),
                          "capacity_mAh_g_anode": float(r.capacity_mAh_g),
                          "average_voltage_V": float(r.average_voltage_V),
                          "energy_density_Wh_kg": energy_density_Wh_kg(float(r.energy_mWh_g), b.cathode_to_anode_mass)})
    return rates


def _guards(result: Result) -> dict:
    """What every summary says about the run: how far it got, the carbon's lowest potential vs
    Na+/Na and the time below 0 V (plating risk), and the guards that fired."""
    return {"status": result.status(), "truncated": result.truncated, "wall_time_s": result.wall_time_s,
            "min_anode_potential_V": result.min_anode_potential_V, "time_below_0V_s": result.time_below_0V_s,
            "notes": list(result.notes)}


def run_study(study: Study, out: str | Path = "kinetics-output", progress: bool = True) -> dict[str, Any]:
    """Run ``study``, write its outputs into a fresh folder and return the summary dict.

    Ctrl-C keeps every completed step: the outputs of the cells run so far (the interrupted
    one's completed steps included) are written, then :class:`~kinetics.errors.Interrupted`
    says what was kept and where."""
    prepared = _prepare(study)
    interrupted = None
    with output_folder(out) as (tmp, target):
        summary: dict[str, Any] = {"output_folder": str(target), "half_cells": [], "full_cells": []}
        for kind, _test, cell, steps in prepared:
            result = None
            try:
                if kind == "full":
                    cell = balanced(cell)
                result = Simulator(cell).run(steps, progress=progress, description=cell.name)
            except Interrupted as e:
                interrupted = e.kept
                result = e.partial if isinstance(e.partial, Result) else None
            if result is not None and kind == "half":
                name = cell.name
                stem = _slug(f"half_{name}")
                result.save(tmp, stem)
                gcd_by_rate(result, tmp / f"{stem}_gcd.png", f"{name} vs Na, {cell.model}")
                dqdv(result, tmp / f"{stem}_dqdv.png", f"{name}: dQ/dV")
                stage_occupancy(result, tmp / f"{stem}_stages.png", f"{name}: stage occupancy")
                summary["half_cells"].append({"parameter_set": name, "model": cell.model, **_guards(result),
                                              "rates": _rates_of_half_cell(result)})
            elif result is not None:
                b = cell.balance
                a_name, c_name = cell.anode_half.name, cell.cathode_half.name
                stem = _slug(f"full_{a_name}_{c_name}_NP{cell.np_ratio:g}")
                result.save(tmp, stem)
                gcd_by_rate(result, tmp / f"{stem}_gcd.png", f"{a_name} // {c_name}, N/P {cell.np_ratio:g}")
                summary["full_cells"].append({
                    "anode": a_name, "cathode": c_name,
                    "np_ratio": cell.np_ratio, "np_definition": "anode over cathode reversible areal "
                    "capacity, both at 20 mA/g in half cells (paper 000)", "model": cell.model,
                    "balance": b.to_json(), "rates": _rates_of_full_cell(result, steps, b), **_guards(result)})
            if interrupted:
                summary["interrupted"] = interrupted
                break
        (tmp / "summary.json").write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
        (tmp / "summary.md").write_text(markdown_summary(summary), encoding="utf-8")
    if interrupted:
        raise Interrupted(f"{interrupted}; the completed steps are written to {target}", summary)
    return summary


def markdown_summary(summary: dict[str, Any]) -> str:
    lines = ["# hc-kinetics simulation summary", ""]
    for h in summary["half_cells"]:
        lines += [f"## Half cell {h['parameter_set']} vs Na metal ({h['model']})", "",
                  "| current (mA/g) | reversible capacity (mAh/g) | below 0.1 V (mAh/g) | plateau share | "
                  "average voltage (V) |", "|---:|---:|---:|---:|---:|"]
        for r in h["rates"]:
            lines.append(f"| {r['current_mA_g']:g} | {r['reversible_capacity_mAh_g']:.1f} | "
                         f"{r['plateau_capacity_mAh_g']:.1f} | {r['plateau_share']:.2f} | "
                         f"{r['average_voltage_V']:.3f} |")
        lines.append("")
    for f in summary["full_cells"]:
        b = f["balance"]
        lines += [f"## Full cell {f['anode']} // {f['cathode']}, N/P {f['np_ratio']:g} ({f['model']})", "",
                  f"N/P = {f['np_definition']}. Cathode/anode mass {b['cathode_to_anode_mass']:.2f}; "
                  f"anode {b['anode_reversible_mAh_g']:.1f} and cathode {b['cathode_reversible_mAh_g']:.1f} "
                  "mAh/g reversible in half cells.", "",
                  "| current (mA/g anode) | capacity (mAh/g anode) | average voltage (V) | "
                  "energy (Wh/kg, anode+cathode) |", "|---:|---:|---:|---:|"]
        for r in f["rates"]:
            lines.append(f"| {r['current_mA_g_anode']:g} | {r['capacity_mAh_g_anode']:.1f} | "
                         f"{r['average_voltage_V']:.3f} | {r['energy_density_Wh_kg']:.1f} |")
        lines += ["", f"The carbon's lowest potential: {f['min_anode_potential_V'] * 1e3:.0f} mV vs Na+/Na; "
                  f"{f['time_below_0V_s']:.0f} s below 0 V" + (" (sodium plating risk)." if f["time_below_0V_s"] > 0
                                                               else "."), ""]
    for cell in summary["half_cells"] + summary["full_cells"]:
        lines += [f"- {n}" for n in cell["notes"]] + ([f"- {cell['status']}"] if cell["truncated"] else [])
    if summary.get("interrupted"):
        lines += ["", f"**Interrupted**: {summary['interrupted']}", ""]
    return "\n".join(lines)


def print_table(summary: dict[str, Any], stream=sys.stdout) -> None:
    """Human-readable summary table."""
    for h in summary["half_cells"]:
        stream.write(f"\nHalf cell {h['parameter_set']} vs Na ({h['model']})\n")
        stream.write(f"{'mA/g':>8} {'mAh/g':>8} {'<0.1 V':>8} {'share':>6} {'V avg':>7}\n")
        for r in h["rates"]:
            stream.write(f"{r['current_mA_g']:8g} {r['reversible_capacity_mAh_g']:8.1f} "
                         f"{r['plateau_capacity_mAh_g']:8.1f} {r['plateau_share']:6.2f} "
                         f"{r['average_voltage_V']:7.3f}\n")
    for f in summary["full_cells"]:
        stream.write(f"\nFull cell {f['anode']} // {f['cathode']}, N/P {f['np_ratio']:g} ({f['model']})\n")
        stream.write(f"{'mA/g(a)':>8} {'mAh/g(a)':>9} {'V avg':>7} {'Wh/kg':>7}\n")
        for r in f["rates"]:
            stream.write(f"{r['current_mA_g_anode']:8g} {r['capacity_mAh_g_anode']:9.1f} "
                         f"{r['average_voltage_V']:7.3f} {r['energy_density_Wh_kg']:7.1f}\n")
        plating = " (below 0 V: sodium plating risk)" if f["min_anode_potential_V"] < 0 else ""
        stream.write(f"carbon's lowest potential {f['min_anode_potential_V'] * 1e3:.0f} mV vs Na+/Na, "
                     f"{f['time_below_0V_s']:.0f} s below 0 V{plating}\n")
    stream.write(f"\nOutputs written to {summary['output_folder']}\n")
