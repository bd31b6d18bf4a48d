"""The GITT workflow of ``kinetics gitt``: from cycler files to the per-pulse table, the
Weppner–Huggins diffusivities with their flags, and (with the active mass) the identified set.

Steps: read the files as one experiment; choose the diffusion length (``radius_um``: L = R/3;
``area_cm2``: L = V/S with V = mass/ρ; otherwise the set's radius, said so); split a file with
both directions and analyse each on its own (:func:`kinetics.analysis.gitt.analyse`); identify
the OCP and D(x) from the first direction (:func:`kinetics.fitting.gitt.identify`, refined
against the transients for half cells against sodium); from a second direction, the
hysteresis of the plateau stage; write everything into a new folder that is complete or absent.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .._files import output_folder
from ..analysis.gitt import analyse, direction_parts, plot_diffusivity
from ..analysis.identify import fit_gitt_ocp, hysteresis
from ..cells import HalfCell
from ..errors import Interrupted, InvalidValueError
from ..fitting.gitt import identify
from ..io.cycler import read_time_series
from ..io.gcd import GCDData, segment_time_series
from ..sets import convert, load


def _diffusion_length(cell: HalfCell, mass_g: float | None, radius_um: float | None,
                      area_cm2: float | None) -> tuple[dict[str, float], str]:
    if radius_um is not None:
        return {"radius_m": radius_um * 1e-6}, f"L = R/3 with R = {radius_um:g} µm (--radius-um)"
    if area_cm2 is not None:
        if mass_g is None:
            raise InvalidValueError("--mass-mg", None, "the active mass, which gives the active volume "
                                    "of the molar-volume form with --area-cm2")
        rho = cell.working.material.density_g_cm3
        return ({"volume_m3": mass_g / rho * 1e-6, "area_m2": area_cm2 * 1e-4},
                f"L = V/S with V = mass/ρ ({rho:g} g/cm³ from {cell.name}) and S = {area_cm2:g} cm² (--area-cm2)")
    R = cell.working.material.particle_radius_m
    return {"radius_m": R}, (f"L = R/3 with R = {R * 1e6:g} µm from {cell.name} "
                             "(state --radius-um or --area-cm2 for your material)")


def run_gitt(files: Sequence[str | Path], *, mass_mg: float | None = None, radius_um: float | None = None,
             area_cm2: float | None = None, potential_column: str | None = None, direction: str | None = None,
             parameter_set: str = "MPCC-1-ether", model: str = "SPMe", refine: bool = True,
             identify_set: bool = True, out: str | Path = "kinetics-gitt", progress: bool = False,
             columns: Mapping[str, str] | str | None = None, cycle: int | None = None,
             step_index: int | None = None) -> dict[str, Any]:
    """Analyse a GITT and (with ``mass_mg``) identify the OCP and D(x); returns the summary that
    ``gitt_summary.json`` holds (``pulses``, ``ocp``, ``diffusivity``, ``diffusivity_analytic``,
    ``refinement``, ``hysteresis``, ``output_folder``, …). Bad input raises before any fit."""
    files = [files] if isinstance(files, str | Path) else list(files)
    for flag, value in (("--radius-um", radius_um), ("--mass-mg", mass_mg), ("--area-cm2", area_cm2)):
        if value is not None and not value > 0:
            raise InvalidValueError(flag, value, "a positive number")
    base = load(parameter_set)
    cell = HalfCell(base, model)
    data = read_time_series(files, potential_column, columns, cycle, step_index)
    mass_g = mass_mg * 1e-3 if mass_mg else None
    geometry, length_note = _diffusion_length(cell, mass_g, radius_um, area_cm2)
    parts = direction_parts(data["time_s"].to_numpy(), data["current_A"].to_numpy())
    tables = []
    for k, rows in enumerate(parts):  # a file with both directions: each analysed on its own
        part = data.iloc[rows]
        tab = analyse(part["time_s"].to_numpy(), part["current_A"].to_numpy(), part["voltage_V"].to_numpy(),
                      mass_g or 1e-3, direction=direction if k == 0 else None, **geometry)
        tables.append(tab.assign(direction="sodiate" if np.median(tab["dE_t_V"]) < 0 else "desodiate"))
    if mass_g is None:
        tables = [t.drop(columns=["capacity_mAh_g"]) for t in tables]
    table = tables[0]
    first_direction = str(table["direction"].iloc[0])
    label = str(files[0]) + (f" (+{len(files) - 1} files)" if len(files) > 1 else "")
    summary: dict[str, Any] = {
        "files": [str(f) for f in files], "potential_column": potential_column, "diffusion_length": length_note,
        "directions": [str(t["direction"].iloc[0]) for t in tables], "n_pulses": sum(len(t) for t in tables),
        "n_skipped": int(sum((t["skipped"] != "").sum() for t in tables)),
        "n_flagged": int(sum((t["flag"] != "").sum() for t in tables))}
    identified, interrupted = None, None
    if mass_g is not None and identify_set:
        segs = segment_time_series(data.iloc[parts[0]], mass_mg, label, Path(str(files[0])))
        gcd = GCDData(label, tuple(segs), label, mass_mg)
        try:
            identified = identify(base, gcd, table, first_direction, model,
                                  refine=refine and potential_column is None, progress=progress)
        except InvalidValueError as e:  # too few pulses for the OCP or D(x) law: analysis only
            summary["identification_note"] = f"not identified: {e}"
        except Interrupted as e:  # Ctrl-C in the refinement: write what was identified, then stop
            identified, interrupted = e.partial, e.kept
            summary["interrupted"] = interrupted
    if identified is not None and len(tables) == 2:
        stage = sorted(identified.ocp_fit.ocp.stages, key=lambda st: st.potential_V)[0].name
        fits = {first_direction: identified.ocp_fit, str(tables[1]["direction"].iloc[0]): fit_gitt_ocp(tables[1])}
        if set(fits) == {"sodiate", "desodiate"}:
            gap, mean = hysteresis(fits["sodiate"], fits["desodiate"], stage)
            src = (f"identified from {label} by `kinetics gitt`: gap between the {stage} stage potentials "
                   f"fitted to the sodiation and the desodiation relaxed potentials")
            role = cell.role
            stage_potential = convert.stage_name(role, stage, "potential_V")
            if stage_potential in identified.parameter_set and gap >= 0:
                identified.parameter_set = identified.parameter_set.with_values(
                    {convert.hysteresis_name(role): gap, stage_potential: mean}, "fitted", src)
            summary["hysteresis"] = {"stage": stage, "hysteresis_V": gap, "mean_potential_V": mean,
                                     "sodiation_potential_V": mean - gap / 2,
                                     "desodiation_potential_V": mean + gap / 2}
    if identified is not None:
        q = table["capacity_mAh_g"].to_numpy() / identified.ocp_fit.ocp.total_capacity_mAh_g
        x = q if first_direction == "sodiate" else 1.0 - q
        summary |= {"stoichiometry_definition": "sodium fraction on the identified OCP's capacity scale",
                    **identified.to_json()}
        if potential_column is not None and refine:
            summary["refinement_note"] = ("no model-based refinement for an electrode potential against a "
                                          "reference (the model is a half cell against sodium metal)")
    else:
        x = table["charge_fraction"].to_numpy()
        summary["stoichiometry_definition"] = "fraction of the charge the whole experiment passed"
        if mass_g is None and identify_set:
            summary["identification_note"] = "identification needs the active mass (--mass-mg)"
    stoich = list(x)
    for t in tables[1:]:  # the second direction: charge fraction of its own part
        stoich += list(t["charge_fraction"].to_numpy())
    table = pd.concat(tables, ignore_index=True)
    summary["pulses"] = [
        {"pulse": int(r.pulse), "direction": r.direction, "voltage_V": float(r.voltage_V),
         "stoichiometry": float(xk), "D_m2_s": None if r.skipped else float(r.D_m2_s),
         "D_sqrt_m2_s": None if r.skipped else float(r.D_sqrt_m2_s), "skipped": r.skipped, "flag": r.flag}
        for r, xk in zip(table.itertuples(), stoich)]
    model_curve = None
    if identified is not None:
        c = HalfCell(identified.parameter_set, model)
        ocp, D = c.working.material.ocp, c.working.material.diffusivity
        xs = np.linspace(0.01, 0.99, 200)
        model_curve = (ocp.potential(xs), D(xs, ocp))
    with output_folder(out) as (work, final):
        if identified is not None:
            identified.parameter_set.save(work / "identified_set.json")
            summary["identified_set"] = str(final / "identified_set.json")
        table.assign(stoichiometry=stoich).to_csv(work / "gitt_pulses.csv", index=False, float_format="%.6g")
        plot_diffusivity(table, work / "gitt_diffusivity.png", model=model_curve)
        summary["output_folder"] = str(final)
        (work / "gitt_summary.json").write_text(json.dumps(summary, indent=2, default=float) + "\n",
                                                encoding="utf-8")
    if interrupted:
        raise Interrupted(f"{interrupted}; written to {summary['output_folder']}", summary)
    return summary
