"""The workflows of ``kinetics cv`` (voltammograms at several scan rates analysed together: plateau
peaks, b-values, b(V), Dunn's split, Randles–Ševčík, Laviron, with the plots people expect and a
JSON summary) and ``kinetics simulate-cv`` (virtual voltammograms of a parameter set, written as
files ``kinetics cv`` reads), each into a new folder that is complete or absent."""

from __future__ import annotations

import json
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .. import figures
from .._files import output_folder
from ..analysis.cv import (
    LAVIRON_MIN_SEPARATION_V,
    DunnSplit,
    Peaks,
    PowerLaw,
    branches,
    default_cycle,
    dunn_split,
    laviron,
    randles_sevcik_D,
    scan_rate_study,
)
from ..cells import FullCell, HalfCell
from ..design import balanced
from ..errors import InvalidValueError
from ..fitting.cv import CVIdentification, default_names
from ..fitting.cv import identify as identify_cv
from ..fitting.parameters import expand, make_parameters
from ..io.cv import Voltammogram, read_cv
from ..virtual import CV_ANODE_POTENTIAL, CV_COLUMNS, CV_SPLIT_COLUMNS, check_cv, virtual_cv

#: Files of one electrode sweep the same window: vertex potentials that differ by more than this
#: [V] mean files of different electrodes or protocols mixed by mistake.
WINDOW_TOLERANCE_V = 0.02
RANDLES_SEVCIK_WARNING = ("the electroactive area of a porous electrode is not its geometric area, and the "
                          "concentration change is an estimate: D is an apparent value")
CATHODIC_NOTE = ("the cathodic plateau 'peak' sits against the lower vertex: its value is the current at the "
                 "vertex")


def _rate_key(v: float) -> str:
    return f"{v:g}"


def _colours(n: int):
    return figures.colours(n, 0.05)


def read_files(files: Sequence[str | Path], scan_rates_mV_s: Sequence[float] | None = None,
               mass_mg: float | None = None, columns: Mapping[str, str] | str | None = None) -> list[Voltammogram]:
    """Read the voltammograms (one scan rate each; ``scan_rates_mV_s`` in the files' order, checked
    against each file's potential–time slope), sorted by scan rate; files of one electrode only."""
    if scan_rates_mV_s is not None and len(scan_rates_mV_s) != len(files):
        raise InvalidValueError("--scan-rates", list(scan_rates_mV_s), f"one scan rate per file ({len(files)})")
    rates = list(scan_rates_mV_s) if scan_rates_mV_s is not None else [None] * len(files)
    vs = sorted((read_cv(f, r, mass_mg, columns) for f, r in zip(files, rates)), key=lambda v: v.scan_rate_mV_s)
    scan = [v.scan_rate_mV_s for v in vs]
    if len(set(np.round(scan, 9))) != len(scan):
        raise InvalidValueError("scan rates", [f"{v.label}: {v.scan_rate_mV_s:.4g} mV/s" for v in vs],
                                "one file per scan rate")
    masses = {v.label: v.mass_mg for v in vs if v.mass_mg is not None}
    if masses and (len(masses) < len(vs) or max(masses.values()) > min(masses.values()) * (1 + 1e-3)):
        raise InvalidValueError("active masses of the files", masses or None,
                                "one mass for every file (files of one electrode; --mass-mg states it for all)")
    for end, edge in ((np.min, "lower"), (np.max, "upper")):
        found = [float(end(v.potential_V)) for v in vs]
        if max(found) - min(found) > WINDOW_TOLERANCE_V:
            raise InvalidValueError(f"{edge} vertex potentials", {v.label: round(x, 4) for v, x in zip(vs, found)},
                                    f"one window within {WINDOW_TOLERANCE_V * 1e3:.0f} mV for every file (files of "
                                    "one electrode, one protocol)")
    return vs


def analyse(vs: Sequence[Voltammogram], cycle: int | None = None, area_cm2: float | None = None,
            concentration_mol_cm3: float | None = None) -> dict[str, Any]:
    """Everything ``kinetics cv`` reports, as a JSON-ready dict plus the objects the plots need
    (keys starting with ``_``)."""
    if len(vs) < 2:
        raise InvalidValueError("voltammograms", [v.label for v in vs],
                                "files at two or more scan rates (three for confidence intervals): a b-value "
                                "is a slope against the scan rate")
    study = scan_rate_study(vs, cycle)
    cycles, peaks, anodic, cathodic = study.cycles, study.peaks, study.anodic, study.cathodic
    pairs, split, v = study.pairs, study.split, study.scan_rates_mV_s
    warnings = []
    if len(vs) < 3:
        warnings.append(f"the b-values and Dunn's split rest on {len(vs)} scan rates: a line through two points "
                        "has no confidence interval and Dunn's two unknowns are solved, not fitted; use three or more")
    over = [f"{r:g}" for r, f in zip(v, split.capacitive_fraction) if f > 1.0]
    if over:
        warnings.append(f"Dunn's split gives more than 100 % capacitive charge at {', '.join(over)} mV/s: the current "
                        "does not follow k1·v + k2·v^½ there (peaks that move with the scan rate break the method's "
                        "assumption of a fixed potential)")
    b_values = {"cathodic": {**cathodic.to_json(), "note": CATHODIC_NOTE},
                "anodic": {**anodic.to_json(), "note": "anodic (desodiation) plateau peak"}}
    summary: dict[str, Any] = {
        "files": [x.label for x in vs],
        "scan_rates_mV_s": [float(x) for x in v],
        "cycles": cycles,
        "b_values": b_values,
        "capacitive_fraction": {_rate_key(r): float(f) for r, f in zip(v, split.capacitive_fraction)},
        "peaks": [p.to_json() for p in peaks],
        "notes": [f"{x.label}: {n}" for x in vs for n in x.notes],
        "warnings": warnings,
    }
    if area_cm2 is not None or concentration_mol_cm3 is not None:
        if area_cm2 is None or concentration_mol_cm3 is None:
            raise InvalidValueError("--area-cm2 and --concentration-mol-cm3", (area_cm2, concentration_mol_cm3),
                                    "both, for a Randles–Ševčík diffusivity")
        D = randles_sevcik_D(v, [p.anodic_mA for p in peaks], area_cm2, concentration_mol_cm3)
        summary["randles_sevcik"] = {"D_m2_s": D, "D_cm2_s": D * 1e4, "from": "anodic peak currents",
                                     "area_cm2": area_cm2, "concentration_mol_cm3": concentration_mol_cm3,
                                     "warning": RANDLES_SEVCIK_WARNING}
        warnings.append(f"Randles–Ševčík: {RANDLES_SEVCIK_WARNING}")
    summary["laviron"] = _laviron(v, peaks)
    summary["_peaks"], summary["_split"], summary["_power"] = peaks, split, (cathodic, anodic)
    summary["_pairs"] = pairs
    return summary


def _laviron(v: np.ndarray, peaks: Sequence[Peaks]) -> dict[str, Any]:
    if any(p.cathodic_peak_V is None for p in peaks):
        return {"applicable": False, "reason": "the cathodic plateau current sits at the lower vertex, not at a "
                "peak, in " + ", ".join(p.file for p in peaks if p.cathodic_peak_V is None) +
                ": the pair's separation is not a peak separation"}
    try:
        lav = laviron(v, [p.anodic_V for p in peaks], [p.cathodic_peak_V for p in peaks])
    except InvalidValueError as e:
        return {"applicable": False, "reason": str(e)}
    out = {"applicable": True, "alpha": lav.alpha, "k_s_per_s": lav.k_s_per_s, "valid": lav.valid}
    if not lav.valid:
        out["reason"] = f"some peak separations are below {LAVIRON_MIN_SEPARATION_V * 1e3:.0f} mV, where " \
                        "Laviron's high-rate approximation does not hold"
    return out


# ----------------------------------------------------------------------------- plots
def plot_overlay(vs: Sequence[Voltammogram], cycles: Mapping[str, int], path: Path, full_cell: bool = False) -> None:
    """The analysed cycle of every file, coloured by scan rate (``full_cell``: against the cell
    voltage, per gram of anode)."""
    with figures.style():
        fig, ax = figures.subplots(figsize=(4.6, 3.6))
        for v, col in zip(vs, _colours(len(vs))):
            k = v.cycle == cycles[v.label]
            y = v.current_A_g[k] if v.mass_mg else v.current_mA[k]
            ax.plot(v.potential_V[k], y, color=col, label=f"{v.scan_rate_mV_s:.3g} mV s$^{{-1}}$")
        ax.axhline(0.0, color="0.6", lw=0.5)
        per_gram = "Current [A g$^{-1}$ of anode]" if full_cell else "Current [A g$^{-1}$]"
        ax.set(xlabel="Cell voltage [V]" if full_cell else "Potential vs Na$^+$/Na [V]",
               ylabel=per_gram if vs[0].mass_mg else "Current [mA]")
        ax.legend(frameon=False, fontsize=7)
        fig.tight_layout()
        fig.savefig(path, dpi=300)


def plot_power_law(v: np.ndarray, peaks: Sequence[Peaks], fits: tuple[PowerLaw, PowerLaw], path: Path) -> None:
    """log |i_p| against log v with the fitted lines and b."""
    with figures.style():
        fig, ax = figures.subplots(figsize=(4.0, 3.4))
        for name, currents, fit, col in (("anodic", [p.anodic_mA for p in peaks], fits[1], "C3"),
                                         ("cathodic (vertex)", [p.cathodic_mA for p in peaks], fits[0], "C0")):
            ax.loglog(v, np.abs(currents), "o", color=col)
            x = np.geomspace(v.min(), v.max(), 50)
            ci = f" [{fit.interval[0]:.2f}, {fit.interval[1]:.2f}]" if fit.interval else ""
            ax.loglog(x, fit.a_mA * x ** fit.b, "-", color=col, label=f"{name}: b = {fit.b:.3f}{ci}")
        ax.set(xlabel="Scan rate [mV s$^{-1}$]", ylabel="|peak current| [mA]")
        ax.legend(frameon=False, fontsize=7)
        fig.tight_layout()
        fig.savefig(path, dpi=300)


def plot_b_of_potential(split: DunnSplit, path: Path) -> None:
    with figures.style():
        fig, ax = figures.subplots(figsize=(4.6, 3.2))
        ax.plot(split.cathodic.potential_V, split.cathodic.b, color="C0", label="cathodic")
        ax.plot(split.anodic.potential_V, split.anodic.b, color="C3", label="anodic")
        for y in (0.5, 1.0):
            ax.axhline(y, color="0.6", lw=0.5, ls="--")
        ax.set(xlabel="Potential vs Na$^+$/Na [V]", ylabel="b", ylim=(-0.1, 1.3))
        ax.legend(frameon=False, fontsize=7)
        fig.tight_layout()
        fig.savefig(path, dpi=300)


def plot_dunn(split: DunnSplit, path: Path) -> None:
    """The slowest scan rate's voltammogram with its capacitive part k1·v shaded, and
    capacitive/diffusive bars per scan rate."""
    v = split.scan_rates_mV_s
    with figures.style():
        fig, (ax, bx) = figures.subplots(1, 2, figsize=(8.4, 3.4))
        for s in (split.cathodic, split.anodic):
            ax.plot(s.potential_V, s.current_mA[0], color="k", lw=1.0)
            ax.fill_between(s.potential_V, 0.0, s.k1 * v[0], color="C1", alpha=0.5, lw=0)
        ax.plot([], [], color="k", label=f"measured, {v[0]:.3g} mV s$^{{-1}}$")
        ax.fill_between([], [], [], color="C1", alpha=0.5, label="capacitive, k$_1$v")
        ax.set(xlabel="Potential vs Na$^+$/Na [V]", ylabel="Current [mA]")
        ax.legend(frameon=False, fontsize=7)
        x = np.arange(len(v))
        cap = 100 * split.capacitive_fraction
        bx.bar(x, cap, color="C1", label="capacitive")
        bx.bar(x, 100 - cap, bottom=cap, color="C0", label="diffusion-limited")
        for k, c in enumerate(cap):
            bx.text(k, c / 2, f"{c:.1f} %", ha="center", va="center", fontsize=7)
        bx.set_xticks(x, [f"{r:.3g}" for r in v])
        bx.set(xlabel="Scan rate [mV s$^{-1}$]", ylabel="Share of the charge [%]", ylim=(0, 100))
        bx.legend(frameon=False, fontsize=7, loc="upper left")
        fig.tight_layout()
        fig.savefig(path, dpi=300)


def split_table(split: DunnSplit) -> pd.DataFrame:
    """b(V), k1(V), k2(V) and the measured currents on the common grid, per branch."""
    frames = []
    for name, s in (("cathodic", split.cathodic), ("anodic", split.anodic)):
        f = pd.DataFrame({"branch": name, "potential_V": s.potential_V, "b": s.b, "k1_mA_per_mV_s": s.k1,
                          "k2_mA_per_sqrt_mV_s": s.k2})
        for r, row in zip(split.scan_rates_mV_s, s.current_mA):
            f[f"current_mA_at_{r:g}_mV_s"] = row
        frames.append(f)
    return pd.concat(frames, ignore_index=True)


def identification_cell(parameter_set: str, model: str, vs: Sequence[Voltammogram]) -> tuple[HalfCell, list[str]]:
    """The half cell of ``parameter_set`` with the files' active mass (its coating loading set to
    mass / area), and notes on what was assumed."""
    cell = HalfCell(parameter_set, model)
    masses = {v.mass_mg for v in vs}
    if masses == {None}:
        return cell, [f"active mass not given (--mass-mg): the set's, {cell.active_mass_mg:.3g} mg"]
    mass = next(m for m in masses if m is not None)
    loading = mass / cell.design.area_cm2
    return cell.with_values({f"{cell.role}.coating.loading": loading}), [
        f"active mass {mass:.4g} mg: the set's loading set to {loading:.4g} mg/cm² on its {cell.design.area_cm2:g} cm²"]


def plot_identified(ident: CVIdentification, path: Path) -> None:
    """Measured (solid) and identified model (dashed) current of every file."""
    with figures.style():
        fig, ax = figures.subplots(figsize=(5.5, 4.0))
        for (label, c), colour in zip(ident.curves.items(), _colours(len(ident.curves))):
            ax.plot(c["potential_V"], c["measured_mA"], color=colour, lw=1.0, label=f"{label} (data)")
            ax.plot(c["potential_V"], c["model_mA"], color=colour, lw=1.0, ls="--")
        ax.set_xlabel("Potential [V vs Na$^+$/Na]")
        ax.set_ylabel("Current [mA] (anodic +)")
        ax.set_title(f"identified model (dashed), RMSE {ident.rmse_mA:.3g} mA", fontsize=9)
        ax.legend(fontsize=7, frameon=False)
        fig.tight_layout()
        fig.savefig(path, dpi=200)


def run_cv(files: Sequence[str | Path], scan_rates_mV_s: Sequence[float] | None = None, mass_mg: float | None = None,
           area_cm2: float | None = None, concentration_mol_cm3: float | None = None,
           columns: Mapping[str, str] | str | None = None, cycle: int | None = None,
           out: str | Path = "kinetics-cv", parameter_set: str | None = None, identify: bool = False,
           vary: Sequence[str] | None = None, model: str = "SPMe", progress: bool = False) -> dict[str, Any]:
    """Analyse voltammograms at several scan rates; write ``cv_overlay.png``, ``cv_power_law.png``,
    ``cv_b_of_potential.png``, ``cv_dunn.png``, ``cv_split.csv`` and ``cv_summary.json`` into a new
    folder ``out``; returns the JSON summary.

    With ``identify`` (and ``parameter_set``), the set's half cell is also fitted to all files at
    once (:func:`kinetics.fitting.cv.identify`; ``vary``: set names, default
    :func:`~kinetics.fitting.cv.default_names`): ``parameters``, ``rmse_mA`` and the identification
    in the summary, ``identified_set.json`` and ``cv_identified.png`` in the folder."""
    if identify and not parameter_set:
        raise InvalidValueError("--identify", "without --parameter-set", "--parameter-set NAME --identify")
    vs = read_files(files, scan_rates_mV_s, mass_mg, columns)
    result = analyse(vs, cycle, area_cm2, concentration_mol_cm3)
    summary = {k: val for k, val in result.items() if not k.startswith("_")}
    ident = None
    if identify:
        cell, notes = identification_cell(parameter_set, model, vs)
        names = expand(vary, cell, []) if vary else default_names(cell)
        last = max(summary["cycles"].values())
        ident = identify_cv(cell, vs, make_parameters(names, cell), last_cycle=last, progress=progress)
        summary |= {"parameters": ident.parameters, "rmse_mA": ident.rmse_mA,
                    "identification": {**ident.to_json(), "parameter_set": parameter_set, "model": model,
                                       "cycles_fitted": f"1–{last}", "notes": notes + ident.notes}}
    with output_folder(out) as (work, final):
        if ident is not None:
            pset = ident.parameter_set(cell.pset)
            (work / "identified_set.json").write_text(json.dumps(pset.to_json(), indent=2) + "\n", encoding="utf-8")
            plot_identified(ident, work / "cv_identified.png")
        summary["output_folder"] = str(final)
        v = np.array(summary["scan_rates_mV_s"])
        plot_overlay(vs, summary["cycles"], work / "cv_overlay.png")
        plot_power_law(v, result["_peaks"], result["_power"], work / "cv_power_law.png")
        plot_b_of_potential(result["_split"], work / "cv_b_of_potential.png")
        plot_dunn(result["_split"], work / "cv_dunn.png")
        split_table(result["_split"]).to_csv(work / "cv_split.csv", index=False, float_format="%.8g")
        (work / "cv_summary.json").write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
    return summary


def model_capacitive_fraction(frame: pd.DataFrame, cycle: int) -> float:
    """The model's own capacitive share of a virtual voltammogram's cycle: ∮|i_dl + i_surface| dV /
    ∮|i| dV from its split of the current (0 for a model with neither a double layer nor surface
    storage)."""
    k = frame[CV_COLUMNS[3]].to_numpy() == cycle
    dV = np.abs(np.gradient(frame[CV_COLUMNS[1]].to_numpy()[k]))
    total = np.sum(np.abs(frame[CV_COLUMNS[2]].to_numpy()[k]) * dV)
    if CV_SPLIT_COLUMNS["double_layer"] not in frame:
        return 0.0
    capacitive = (frame[CV_SPLIT_COLUMNS["double_layer"]].to_numpy()[k]
                  + frame[CV_SPLIT_COLUMNS["surface"]].to_numpy()[k])
    return float(np.sum(np.abs(capacitive) * dV) / total)


def dunn_bias(vs: Sequence[Voltammogram], frames: Sequence[pd.DataFrame]) -> dict[str, Any]:
    """Dunn's capacitive share of virtual voltammograms next to the model's own (its double-layer
    plus surface-limited current), per scan rate: how far the method is from the truth."""
    cycle = default_cycle(vs[0])
    pairs = [branches(v, cycle) for v in vs]
    rates = np.array([v.scan_rate_mV_s for v in vs])
    split = dunn_split(rates, [c for c, _ in pairs], [a for _, a in pairs])
    out = {}
    for r, dunn, frame in zip(rates, split.capacitive_fraction, frames):
        true = model_capacitive_fraction(frame, cycle)
        out[_rate_key(r)] = {"dunn": float(dunn), "model": true, "bias": float(dunn - true)}
    return {"cycle": cycle, "by_scan_rate_mV_s": out,
            "note": "Dunn's k1·v + k2·v^½ estimate against the model's own double-layer plus surface-limited "
                    "current: the method's bias on a known system"}


def run_simulate_cv(parameter_set: str, scan_rates_mV_s: Sequence[float], window_V: tuple[float, float] | None = None,
                    cycles: int = 2, model: str = "SPMe", out: str | Path = "kinetics-simulate-cv",
                    progress: bool = False, noise: float = 0.0, cathode: str | None = None,
                    np_ratio: float | None = None) -> dict[str, Any]:
    """Virtual voltammograms (:func:`kinetics.virtual.virtual_cv`) of the half cell of
    ``parameter_set``, or with ``cathode`` of the full cell of the two at ``np_ratio`` (default
    :class:`~kinetics.cells.FullCell`'s, balanced by its half cells): one ``cv_<rate>mVs.csv``
    per scan rate in BioLogic's column names, read back with the reader of ``kinetics cv`` for
    ``cv_overlay.png``, and ``simulate_cv.json``; returns the summary."""
    if not scan_rates_mV_s:
        raise InvalidValueError("--scan-rates", scan_rates_mV_s, "one or more scan rates in mV/s")
    if cathode is None and np_ratio is not None:
        raise InvalidValueError("--np", np_ratio, "nothing without --cathode (a half cell has no N/P ratio)")
    if cathode is None:
        cell: HalfCell | FullCell = HalfCell(parameter_set, model)
    else:  # FullCell's own default N/P unless one is given
        cell = FullCell(parameter_set, cathode, model=model, **({} if np_ratio is None else {"np_ratio": np_ratio}))
    check_cv(cell, scan_rates_mV_s, window_V, cycles, noise)
    if isinstance(cell, FullCell):
        cell = balanced(cell)  # simulates both half cells
    t0 = time.perf_counter()
    frames = virtual_cv(cell, scan_rates_mV_s, window_V, cycles, noise=noise, progress=progress)
    wall = time.perf_counter() - t0
    with output_folder(out) as (work, final):
        names = []
        for rate, frame in frames.items():
            name = f"cv_{rate:g}mVs.csv"
            frame.to_csv(work / name, index=False, float_format="%.10g")
            names.append(name)
        mass_mg = cell.active_mass_mg if cell.kind == "half" else cell.anode_mass_mg
        vs = [read_cv(work / n, rate, mass_mg) for n, rate in zip(names, frames)]
        plot_overlay(vs, {v.label: v.cycles[-1] for v in vs}, work / "cv_overlay.png", full_cell=cell.kind == "full")
        lo, hi = window_V if window_V is not None else cell.window_V
        summary = {"parameter_set": parameter_set, "model": model, "cell": cell.kind, "scan_rates_mV_s": list(frames),
                   "window_V": [lo, hi], "cycles": cycles, "mass_mg": mass_mg, "noise": noise,
                   "start_V": float(vs[0].potential_V[0]), "wall_time_s": wall,
                   "files": [str(final / n) for n in names], "output_folder": str(final)}
        if cell.kind == "full":
            summary |= {"cathode": cell.cathode_half.name, "np_ratio": cell.balance.np_ratio,
                        "note": "Ewe/V is the cell voltage and the current is positive while charging (the "
                                "carbon sodiates); mass_mg is the anode's active mass; the split columns are the "
                                f"anode's; '{CV_ANODE_POTENTIAL}' is the carbon's lowest potential (the plating "
                                "margin)"}
        if len(vs) >= 2:
            summary["capacitive_fraction"] = dunn_bias(vs, list(frames.values()))
        (work / "simulate_cv.json").write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
    return summary
