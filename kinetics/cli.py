"""The ``kinetics`` console script: a thin layer over the library, ``--json`` everywhere.

Commands
--------
simulate        the main job (or ``--config FILE``): rate test + full cell, CSV/PNG/markdown
parameter-sets  list the shipped parameter sets (and ``pybamm:<name>``)
show NAME       print a parameter set with units and sources
validate        model vs paper 000, with tolerance, role and status per number
calibrate NAME  rerun a calibration against paper 000's numbers (``--write`` stores it)
fit-ocp FILE    fit a multi-stage OCP to equilibrium potentials
gitt FILE...    pulses and Weppner–Huggins diffusivity from GITT data
fit DATA...     fit a parameter set to measured GCD curves, predict held-out curves
"""

from __future__ import annotations

import argparse
import json
import sys
import warnings

import numpy as np

from .errors import InvalidValueError, KineticsError, SimulationWarning


def _print_json(obj) -> None:
    sys.stdout.write(json.dumps(obj, indent=2, default=float) + "\n")


def cmd_simulate(args) -> int:
    from .study import Study, load_study, print_table, run_study

    study = load_study(args.config) if args.config else Study()
    summary = run_study(study, args.out, progress=not args.quiet)
    if args.json:
        _print_json(summary)
    else:
        print_table(summary)
    return 0


def cmd_parameter_sets(args) -> int:
    from .parameter_sets import available

    sets = available()
    if args.json:
        _print_json([{"name": k, "description": v} for k, v in sets.items()])
        return 0
    for name, desc in sets.items():
        print(f"{name:16s} {desc}")
    print("pybamm:<name>    any PyBaMM built-in set, e.g. pybamm:Chayambuka2022")
    return 0


def cmd_show(args) -> int:
    from .parameter_sets import describe, load

    pset = load(args.name)
    if args.json:
        _print_json({"name": pset.name, "description": pset.description,
                     "parameters": {k: e.to_json() for k, e in sorted(pset.entries.items())}})
    else:
        print(describe(pset))
    return 0


def cmd_validate(args) -> int:
    from .validate import format_table, rows_as_json, validate

    rows = validate(args.model, progress=not args.quiet and not args.json)
    if args.json:
        _print_json(rows_as_json(rows))
    else:
        print(format_table(rows))
        counts = {s: sum(r.status == s for r in rows) for s in ("pass", "gap", "fail")}
        print(f"\n{counts['pass']} pass, {counts['gap']} gap, {counts['fail']} fail")
    return 1 if any(r.status == "fail" for r in rows) else 0


def cmd_calibrate(args) -> int:
    from .calibration import run_calibration, stored_values, write

    result = run_calibration(args.name, args.model, progress=not args.quiet)
    stored = stored_values(args.name)
    out = {"calibration": result.calibration.name, "command": result.calibration.command,
           "parameters": result.parameter_values, "stored": stored, "model": result.model,
           "paper": result.paper, "n_evaluations": result.n_evaluations,
           "wall_time_s": result.wall_time_s, "success": result.success, "message": result.message}
    if args.write:
        out["written"] = write(result)
    if args.json:
        _print_json(out)
    else:
        print(f"{result.calibration.command}: {result.n_evaluations} evaluations, "
              f"{result.wall_time_s:.1f} s ({result.message})")
        for n, v in result.parameter_values.items():
            print(f"  {n:45s} {v:12.6g}   (stored {stored.get(n, float('nan')):.6g})")
        for k in result.paper:
            print(f"  {k:45s} model {result.model[k]:9.4g}   paper {result.paper[k]:9.4g}")
        if args.write:
            print("written to: " + ", ".join(out["written"]))
    return 0 if result.success else 1


def cmd_fit_ocp(args) -> int:
    from pathlib import Path

    from .analysis.ocp_fit import fit_ocp, plot_fit
    from .parameter_sets import write_atomic
    from .study import free_folder

    fit = fit_ocp(args.file, args.stages, args.mass_mg, args.capacity_ah)
    out = free_folder(args.out)
    out.mkdir(parents=True, exist_ok=True)
    stem = Path(args.file).stem
    summary = {"file": str(args.file), **fit.to_json(), "output_folder": str(out)}
    plot_fit(fit, out / f"{stem}_ocp_fit.png", f"{stem}: RMSE {fit.rmse_mV:.1f} mV")
    write_atomic(out / f"{stem}_ocp_fit.json", json.dumps(summary, indent=2) + "\n")
    if args.json:
        _print_json(summary)
    else:
        print(f"{args.file}: {len(fit.ocp.stages)}-stage OCP, RMSE {fit.rmse_mV:.2f} mV "
              f"({fit.abscissa}, {len(fit.x)} points, {fit.dropped_rows} rows dropped)")
        for s in fit.stages():
            cap = f"  {s['capacity_mAh_g']:8.1f} mAh/g" if "capacity_mAh_g" in s else ""
            print(f"  {s['name']:14s} share {s['capacity_fraction']:.3f}  U {s['potential_V']:.4f} V  "
                  f"width {s['width']:.3f}{cap}")
        print(f"plot and JSON in {out}")
    return 0


def cmd_gitt(args) -> int:
    from pathlib import Path

    import pandas as pd

    from .analysis.gitt import analyse, direction_parts, plot_diffusivity
    from .cell import HalfCell
    from .io.cycler import read_time_series
    from .io.gcd import GCDData, segment_time_series
    from .parameter_sets import load, write_atomic
    from .study import free_folder

    for flag, value in (("--radius-um", args.radius_um), ("--mass-mg", args.mass_mg),
                        ("--area-cm2", args.area_cm2)):
        if value is not None and not value > 0:
            raise InvalidValueError(flag, value, "a positive number")
    base = load(args.parameter_set)
    cell = HalfCell(base, args.model)
    data = read_time_series(args.files, args.potential_column)
    mass_g = args.mass_mg * 1e-3 if args.mass_mg else None
    if args.radius_um is not None:
        geometry = {"radius_m": args.radius_um * 1e-6}
        length_note = f"L = R/3 with R = {args.radius_um:g} µm (--radius-um)"
    elif args.area_cm2 is not None:
        if mass_g is None:
            raise InvalidValueError("--mass-mg", None, "the active mass, which gives the active volume "
                                    "of the molar-volume form with --area-cm2")
        rho = cell.working.material.density_g_cm3
        geometry = {"volume_m3": mass_g / rho * 1e-6, "area_m2": args.area_cm2 * 1e-4}
        length_note = (f"L = V/S with V = mass/ρ ({rho:g} g/cm³ from {base.name}) and S = "
                       f"{args.area_cm2:g} cm² (--area-cm2)")
    else:
        geometry = {"radius_m": cell.working.material.particle_radius_m}
        length_note = (f"L = R/3 with R = {geometry['radius_m'] * 1e6:g} µm from {base.name} "
                       "(state --radius-um or --area-cm2 for your material)")
    parts = direction_parts(data["time_s"].to_numpy(), data["current_A"].to_numpy())
    tables = []
    for k, rows in enumerate(parts):  # a file with both directions: each analysed on its own
        part = data.iloc[rows]
        tab = analyse(part["time_s"].to_numpy(), part["current_A"].to_numpy(), part["potential_V"].to_numpy(),
                      mass_g or 1e-3, direction=args.direction if k == 0 else None, **geometry)
        tables.append(tab.assign(direction="sodiate" if np.median(tab["dE_t_V"]) < 0 else "desodiate"))
    table = tables[0]
    if mass_g is None:
        tables = [t.drop(columns=["capacity_mAh_g"]) for t in tables]
        table = tables[0]
    out = free_folder(args.out)
    out.mkdir(parents=True, exist_ok=True)
    summary = {"files": [str(f) for f in args.files], "potential_column": args.potential_column,
               "diffusion_length": length_note, "directions": [str(t["direction"].iloc[0]) for t in tables],
               "n_pulses": sum(len(t) for t in tables),
               "n_skipped": int(sum((t["skipped"] != "").sum() for t in tables)),
               "n_flagged": int(sum((t["flag"] != "").sum() for t in tables))}
    identified = None
    if mass_g is not None and not args.no_identify:
        from .fitting.gitt import identify

        frame = data.iloc[parts[0]].rename(columns={"potential_V": "voltage_V"})
        label = str(args.files[0]) + (f" (+{len(args.files) - 1} files)" if len(args.files) > 1 else "")
        segs = segment_time_series(frame, args.mass_mg, label, Path(str(args.files[0])))
        gcd = GCDData(label, tuple(segs), label, args.mass_mg)
        direction = str(table["direction"].iloc[0])
        refine = not args.no_refine and args.potential_column is None
        try:
            identified = identify(base, gcd, table, direction, args.model, refine=refine,
                                  progress=not args.quiet)
        except InvalidValueError as e:  # too few pulses for the OCP or D(x) law: analysis only
            summary["identification_note"] = f"not identified: {e}"
    if identified is not None and len(tables) == 2:
        from .analysis.identify import fit_gitt_ocp, hysteresis

        stage = sorted(identified.ocp_fit.ocp.stages, key=lambda st: st.potential_V)[0].name
        fits = {direction: identified.ocp_fit, str(tables[1]["direction"].iloc[0]): fit_gitt_ocp(tables[1])}
        if set(fits) == {"sodiate", "desodiate"}:
            gap, mean = hysteresis(fits["sodiate"], fits["desodiate"], stage)
            src = (f"identified from {label} by `kinetics gitt`: gap between the {stage} stage potentials "
                   f"fitted to the sodiation and the desodiation relaxed potentials")
            role_stage = f"anode.ocp.{stage}.potential"
            if role_stage in identified.parameter_set and gap >= 0:
                identified.parameter_set = identified.parameter_set.with_values(
                    {"anode.ocp.hysteresis": gap, role_stage: mean}, "fitted", src)
            summary["hysteresis"] = {"stage": stage, "hysteresis_V": gap, "mean_potential_V": mean,
                                     "sodiation_potential_V": mean - gap / 2,
                                     "desodiation_potential_V": mean + gap / 2}
    if identified is not None:
        q = table["capacity_mAh_g"].to_numpy() / identified.ocp_fit.ocp.total_capacity_mAh_g
        x = q if direction == "sodiate" else 1.0 - q
        summary |= {"stoichiometry_definition": "sodium fraction on the identified OCP's capacity scale",
                    **identified.to_json()}
        path = out / "identified_set.json"
        identified.parameter_set.save(path)
        summary["identified_set"] = str(path)
        if args.potential_column is not None and not args.no_refine:
            summary["refinement_note"] = ("no model-based refinement for an electrode potential against a "
                                          "reference (the model is a half cell against sodium metal)")
    else:
        x = None
        summary["stoichiometry_definition"] = "fraction of the charge the whole experiment passed"
        if mass_g is None and not args.no_identify:
            summary["identification_note"] = "identification needs the active mass (--mass-mg)"
    stoich = list(x if x is not None else table["charge_fraction"].to_numpy())
    for t in tables[1:]:  # the second direction: charge fraction of its own part
        stoich += list(t["charge_fraction"].to_numpy())
    table = pd.concat(tables, ignore_index=True)
    summary["pulses"] = [
        {"pulse": int(r.pulse), "direction": r.direction, "voltage_V": float(r.voltage_V),
         "stoichiometry": float(xk), "D_m2_s": None if r.skipped else float(r.D_m2_s),
         "D_sqrt_m2_s": None if r.skipped else float(r.D_sqrt_m2_s), "skipped": r.skipped,
         "flag": r.flag}
        for r, xk in zip(table.itertuples(), stoich)]
    table.assign(stoichiometry=stoich).to_csv(out / "gitt_pulses.csv", index=False, float_format="%.6g")
    model_curve = None
    if identified is not None:
        c = HalfCell(identified.parameter_set, args.model)
        ocp, D = c.working.material.ocp, c.working.material.diffusivity
        xs = np.linspace(0.01, 0.99, 200)
        model_curve = (ocp.potential(xs), D(xs, ocp))
    plot_diffusivity(table, out / "gitt_diffusivity.png", model=model_curve)
    summary["output_folder"] = str(out)
    write_atomic(out / "gitt_summary.json", json.dumps(summary, indent=2, default=float) + "\n")
    if args.json:
        _print_json(summary)
    else:
        print(f"{len(table)} pulses, {summary['n_skipped']} skipped, {summary['n_flagged']} flagged; "
              f"{length_note}")
        for p in summary["pulses"]:
            d = "—" if p["D_m2_s"] is None else f"{p['D_m2_s']:.3e}"
            note = p["skipped"] or p["flag"]
            print(f"  {p['pulse']:3d}  {p['voltage_V']:.4f} V  x {p['stoichiometry']:.3f}  D {d} m²/s  "
                  f"{note}")
        if identified is not None:
            for st in identified.ocp_fit.stages():
                print(f"  stage {st['name']:14s} {st.get('capacity_mAh_g', float('nan')):8.1f} mAh/g  "
                      f"U {st['potential_V']:.4f} V  width {st['width']:.3f}")
            if identified.refinement is not None:
                r = identified.refinement
                print(f"  model-based refinement: RMSE {r.rmse_all_mV:.2f} mV, {r.n_evaluations} "
                      f"evaluations, {r.wall_time_s:.1f} s")
            print(f"identified set: {summary['identified_set']}")
        print(f"table, plot and JSON in {out}")
    return 0


def cmd_fit(args) -> int:
    from .cell import HalfCell
    from .fitting import fit, make_parameters, predict
    from .fitting.parameters import expand
    from .fitting.report import text_report, write_outputs
    from .io.gcd import read_gcd
    from .study import free_folder

    cell = HalfCell(args.parameter_set, args.model)
    one_c = cell.working.material.one_c_mA_g
    data = [read_gcd(d, args.mass_mg, one_c) for d in args.data]
    if args.cycle:
        data = [d.select(cycles=tuple(args.cycle)) for d in data]
    held_out = [read_gcd(d, args.mass_mg, one_c) for d in (args.predict or [])]
    if args.cycle:
        held_out = [d.select(cycles=tuple(args.cycle)) for d in held_out]
    names = expand(args.vary.split(","), cell.pset, cell.role, [d.label for d in data])
    start = {n: float(v) for n, v in (args.start or [])}
    bounds = {n: (float(lo), float(hi)) for n, lo, hi in (args.bounds or [])}
    log = {**{n: True for n in (args.log or [])}, **{n: False for n in (args.linear or [])}}
    parameters = make_parameters(names, cell.pset, start, bounds, log)
    weights = {label: float(w) for label, w in (args.weight or [])}
    for label in weights:
        if label not in [d.label for d in data]:
            raise InvalidValueError("--weight", label, f"one of the DATA arguments {[d.label for d in data]}")
    if held_out:  # check held-out files before the (long) fit, not after it
        from .fitting.fit import check_data

        check_data(held_out, cell)
    result = fit(cell, data, parameters, weights, n_starts=args.starts, max_evaluations=args.max_evaluations,
                 progress=not args.quiet)
    predicted, predicted_curves = (predict(result, held_out) if held_out else (None, None))
    target = free_folder(args.out)
    summary = write_outputs(result, target, predicted, predicted_curves,
                            extra={"data": args.data, "predict": args.predict or []})
    if args.json:
        _print_json(summary)
    else:
        print(text_report(result, predicted))
        print(f"fitted set, plots, curves and report in {target}")
    if not result.converged:
        sys.stderr.write(f"kinetics fit: warning: {result.message}\n")
        return 1
    return 0


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="kinetics", description="Sodium-ion hard/soft-carbon kinetics on PyBaMM")
    sub = p.add_subparsers(dest="command", required=True)

    s = sub.add_parser("simulate", help="run the main job or a study from --config")
    s.add_argument("--config", help="study file (TOML or JSON) with [[half_cell]] / [[full_cell]] tables")
    s.add_argument("--out", default="kinetics-output", help="output folder (a new one if it exists)")
    s.add_argument("--json", action="store_true", help="print a machine-readable summary")
    s.add_argument("--quiet", action="store_true", help="no progress output")
    s.set_defaults(func=cmd_simulate)

    s = sub.add_parser("parameter-sets", help="list parameter sets")
    s.add_argument("--json", action="store_true")
    s.set_defaults(func=cmd_parameter_sets)

    s = sub.add_parser("show", help="print a parameter set with units and sources")
    s.add_argument("name")
    s.add_argument("--json", action="store_true")
    s.set_defaults(func=cmd_show)

    s = sub.add_parser("validate", help="compare the model with paper 000")
    s.add_argument("--json", action="store_true")
    s.add_argument("--model", default="SPMe", choices=["SPM", "SPMe", "DFN"])
    s.add_argument("--quiet", action="store_true")
    s.set_defaults(func=cmd_validate)

    s = sub.add_parser("fit-ocp", help="fit a multi-stage OCP to a table of equilibrium potentials")
    s.add_argument("file", help="CSV/Excel: potential vs stoichiometry, mAh/g, or capacity with a scale")
    s.add_argument("--stages", type=int, default=3, help="number of stages (default 3)")
    s.add_argument("--mass-mg", type=float, help="active mass [mg] for a capacity column in A.h/mAh")
    s.add_argument("--capacity-ah", type=float,
                   help="the electrode's full capacity [A.h] for a capacity column in A.h/mAh")
    s.add_argument("--out", default="kinetics-fit-ocp", help="output folder (a new one if it exists)")
    s.add_argument("--json", action="store_true")
    s.set_defaults(func=cmd_fit_ocp)

    s = sub.add_parser("gitt", help="GITT: pulses, Weppner–Huggins D, identification of OCP and D(x)")
    s.add_argument("files", nargs="+",
                   help="cycler files or a folder (CSV/Excel, BioLogic .mpr/.mpt, Neware .nda/.ndax): one "
                   "experiment, joined in time order")
    s.add_argument("--mass-mg", type=float, help="active mass [mg] (mAh/g; needed for identification)")
    s.add_argument("--radius-um", type=float, help="particle radius [µm] (L = R/3)")
    s.add_argument("--area-cm2", type=float,
                   help="electrode–electrolyte area [cm²] for the molar-volume form (L = V/S)")
    s.add_argument("--potential-column", help="header of the potential to analyse (three-electrode files)")
    s.add_argument("--direction", choices=["sodiate", "desodiate"], help="stated direction (checked)")
    s.add_argument("--parameter-set", default="MPCC-1-ether",
                   help="the set whose other values the identified set keeps (default MPCC-1-ether)")
    s.add_argument("--model", default="SPMe", choices=["SPM", "SPMe"], help="model of the refinement")
    s.add_argument("--no-refine", action="store_true", help="analytic identification only")
    s.add_argument("--no-identify", action="store_true", help="pulses and D only")
    s.add_argument("--out", default="kinetics-gitt", help="output folder (a new one if it exists)")
    s.add_argument("--json", action="store_true")
    s.add_argument("--quiet", action="store_true")
    s.set_defaults(func=cmd_gitt)

    s = sub.add_parser("fit", help="fit a parameter set to measured GCD curves",
                       description="Fit parameters of a half-cell set to measured galvanostatic curves "
                       "(least squares with the solver's exact sensitivities) and report values with "
                       "standard errors, correlations, RMSE per file and predictions of held-out files.")
    s.add_argument("data", nargs="+", metavar="DATA",
                   help="a cycler file (CSV/Excel with units, BioLogic .mpr/.mpt, Neware .nda/.ndax) or a "
                   "digitised capacity–voltage table, optionally @current for files without a current "
                   "column: curve.csv@0.254mA, curve.csv@20mA/g, curve.csv@0.1C")
    s.add_argument("--parameter-set", required=True, help="the set to fit (a name or a .json path)")
    s.add_argument("--vary", required=True,
                   help="comma-separated parameter names and groups: ocp, diffusivity, kinetics, balance")
    s.add_argument("--predict", nargs="+", metavar="DATA",
                   help="held-out files to predict with the fitted set")
    s.add_argument("--model", default="SPMe", choices=["SPM", "SPMe", "DFN"])
    s.add_argument("--mass-mg", type=float, help="active mass [mg] (files with currents in A/mA or mAh)")
    s.add_argument("--cycle", type=int, action="append", help="use only this cycle of each file (repeatable)")
    s.add_argument("--start", nargs=2, action="append", metavar=("NAME", "VALUE"),
                   help="start value (internal unit, see `kinetics show`); default: the set's value")
    s.add_argument("--bounds", nargs=3, action="append", metavar=("NAME", "LOWER", "UPPER"),
                   help="bounds of a fitted parameter (default: see kinetics.fitting.parameters)")
    s.add_argument("--log", action="append", metavar="NAME", help="fit this parameter in log space")
    s.add_argument("--linear", action="append", metavar="NAME", help="fit this parameter linearly")
    s.add_argument("--weight", nargs=2, action="append", metavar=("DATA", "W"),
                   help="weight of one DATA argument's residuals (default 1)")
    s.add_argument("--starts", type=int, default=1, help="multi-start: number of starts (default 1)")
    s.add_argument("--max-evaluations", type=int, default=60, help="residual evaluations per start")
    s.add_argument("--out", default="kinetics-fit", help="output folder (a new one if it exists)")
    s.add_argument("--json", action="store_true")
    s.add_argument("--quiet", action="store_true", help="no progress output")
    s.set_defaults(func=cmd_fit)

    s = sub.add_parser("calibrate", help="rerun a calibration (MPCC-1, PCC)")
    s.add_argument("name")
    s.add_argument("--write", action="store_true", help="store the values in the shipped sets")
    s.add_argument("--json", action="store_true")
    s.add_argument("--model", default="SPMe", choices=["SPM", "SPMe", "DFN"])
    s.add_argument("--quiet", action="store_true")
    s.set_defaults(func=cmd_calibrate)
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    warnings.simplefilter("default", SimulationWarning)
    try:
        return args.func(args)
    except KineticsError as e:
        sys.stderr.write(f"kinetics {args.command}: error: {e}\n")
        return 2
    except KeyboardInterrupt:
        sys.stderr.write("interrupted\n")
        return 130


if __name__ == "__main__":
    sys.exit(main())
