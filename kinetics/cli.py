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
fit-ocv FILE    a full cell's electrode balance from a slow charge/discharge
cv FILE...      voltammograms at several scan rates: b-values, Dunn's split, Randles–Ševčík
simulate-cv     virtual voltammograms of a parameter set (files that ``cv`` reads)
cycle           a half cell cycled with its SEI, plating and loss of active material: per-cycle table
design          full-cell design sweeps: N/P, loading, rates → energy density and plating margin

Each command parses its arguments, calls the library and prints; bad input exits 2 with one
line naming the field, the value and what is allowed.
"""

from __future__ import annotations

import argparse
import importlib
import json
import re
import sys
import warnings

from . import _cache
from .cells import BALANCE_NAMES, FullCell, cell_of
from .design.optimise import BASES as BASIS_KEYS
from .design.optimise import Target
from .design.stack import ELECTROLYTE_EXCESS
from .errors import Interrupted, InvalidValueError, KineticsError, RunFailedError, SimulationWarning
from .progress import remembered_interrupts
from .sets import available, describe, load
from .units import convert
from .validation.compare import STATUSES
from .workflows.design import DEFAULT_OUT as DEFAULT_DESIGN_OUT
from .workflows.study import Study, load_study, print_table, run_study


def _later(module: str, name: str):
    """``module.name``, imported when it is first called: a command imports only what it runs
    (fitting, the file readers, validation and the other workflows cost about a second of
    imports that ``kinetics simulate`` does not need)."""
    def call(*args, **kwargs):
        return getattr(importlib.import_module(module), name)(*args, **kwargs)
    call.__name__ = call.__qualname__ = name
    return call


class _LaterModule:
    """A module imported when one of its attributes is first used."""

    def __init__(self, module: str):
        self._module = module

    def __getattr__(self, name: str):
        return getattr(importlib.import_module(self._module), name)


fit = _later("kinetics.fitting.fit", "fit")
predict = _later("kinetics.fitting.fit", "predict")
check_data = _later("kinetics.fitting.fit", "check_data")
make_parameters = _later("kinetics.fitting.parameters", "make_parameters")
default_bounds = _later("kinetics.fitting.parameters", "default_bounds")
expand = _later("kinetics.fitting.parameters", "expand")
balance_start = _later("kinetics.fitting.full_cell", "balance_start")
text_report = _later("kinetics.fitting.report", "text_report")
write_outputs = _later("kinetics.fitting.report", "write_outputs")
read_gcd = _later("kinetics.io.gcd", "read_gcd")
counts = _later("kinetics.validation.compare", "counts")
validate = _later("kinetics.validation.compare", "validate")
format_table = _later("kinetics.validation.compare", "format_table")
rows_as_json = _later("kinetics.validation.compare", "rows_as_json")
run_calibration = _later("kinetics.validation.calibrate", "run_calibration")
stored_values = _later("kinetics.validation.calibrate", "stored_values")
write_calibration = _later("kinetics.validation.calibrate", "write")
run_cv = _later("kinetics.workflows.cv", "run_cv")
run_simulate_cv = _later("kinetics.workflows.cv", "run_simulate_cv")
run_cycle = _later("kinetics.workflows.cycle", "run_cycle")
run_design_study = _later("kinetics.workflows.design", "run_design_study")
run_fit_ocp = _later("kinetics.workflows.fit_ocp", "run_fit_ocp")
run_fit_ocv = _later("kinetics.workflows.fit_ocv", "run_fit_ocv")
run_gitt = _later("kinetics.workflows.gitt", "run_gitt")
first_cycle = _LaterModule("kinetics.validation.first_cycle")
retention = _LaterModule("kinetics.validation.retention")


def _print_json(obj) -> None:
    sys.stdout.write(json.dumps(obj, indent=2, default=float) + "\n")


def cmd_simulate(args) -> int:
    study = load_study(args.config) if args.config else Study()
    summary = run_study(study, args.out, progress=not args.quiet)
    if args.json:
        _print_json(summary)
    else:
        print_table(summary)
    failed = [c["status"] for c in summary["half_cells"] + summary["full_cells"] if c["truncated"]]
    for status in failed:  # the outputs of what completed are written; the run itself failed
        sys.stderr.write(f"kinetics simulate: failed: a run {status}\n")
    return 1 if failed else 0


def cmd_parameter_sets(args) -> int:
    sets = available()
    if args.json:
        _print_json([{"name": k, "description": v} for k, v in sets.items()])
        return 0
    for name, desc in sets.items():
        print(f"{name:16s} {desc}")
    print("pybamm:<name>    any PyBaMM built-in set, e.g. pybamm:Chayambuka2022")
    return 0


def cmd_cache(args) -> int:
    where = _cache.root()
    if args.action == "clear":
        _cache.clear()
    files = [f for f in where.rglob("*") if f.is_file()] if where.is_dir() else []
    summary = {"cache_folder": str(where), "enabled": not _cache.disabled(), "files": len(files),
               "size_MB": round(sum(f.stat().st_size for f in files) / 1e6, 3)}
    if args.json:
        _print_json(summary)
    else:
        state = "on" if summary["enabled"] else f"off ({_cache.OFF_VARIABLE} is set)"
        done = "cleared, " if args.action == "clear" else ""
        print(f"cache {state}: {where} ({done}{summary['files']} files, {summary['size_MB']:g} MB)")
    return 0


def cmd_show(args) -> int:
    pset = load(args.name)
    if args.json:
        _print_json({"name": pset.name, "description": pset.description,
                     "parameters": {k: e.to_json() for k, e in sorted(pset.entries.items())}})
    else:
        print(describe(pset))
    return 0


def cmd_validate(args) -> int:
    rows = validate(args.model, progress=not args.quiet and not args.json)
    if args.json:
        _print_json(rows_as_json(rows))
    else:
        print(format_table(rows))
    return 1 if counts(rows)["fail"] else 0


def cmd_ageing_calibration(args) -> int:
    """``kinetics calibrate ICE:<set>`` and ``RETENTION:MPCC-1``: one ageing parameter against one number."""
    progress = not args.quiet
    if args.name.upper().startswith(first_cycle.PREFIX):
        module, result = first_cycle, first_cycle.calibrate(first_cycle.set_of(args.name), args.model, progress)
    else:
        retention.check_name(args.name)
        module, result = retention, retention.calibrate(args.model, progress)
    out = result.to_json()
    if args.write:
        out["written"] = module.write(result)
    if args.json:
        _print_json(out)
        return 0
    print(f"{result.command}: {result.n_evaluations} runs, {result.wall_time_s:.1f} s")
    for name, value in out["parameters"].items():
        print(f"  {name:45s} {value:12.6g}")
    for key, paper in out["paper"].items():
        print(f"  {key:45s} model {out['model'][key]:.4g}   paper {paper:.4g}")
    if args.write:
        print("written to " + ", ".join(out["written"]))
    return 0


def cmd_calibrate(args) -> int:
    if args.name.upper().startswith((first_cycle.PREFIX, "RETENTION")):
        return cmd_ageing_calibration(args)
    vary = [n.strip() for v in (args.vary or []) for n in v.split(",") if n.strip()]
    result = run_calibration(args.name, args.model, progress=not args.quiet, vary=vary)
    cal = result.calibration
    stored = stored_values(cal.name)
    out = {"calibration": cal.name, "command": cal.command,
           "parameters": result.parameter_values, "stored": stored, "model": result.model,
           "paper": result.paper, "n_evaluations": result.n_evaluations,
           "wall_time_s": result.wall_time_s, "success": result.success, "message": result.message,
           "identifiability": {i.name: i.to_json() for i in result.identifiability},
           "not_identifiable": [i.name for i in result.not_identifiable], "fixed": cal.fixed}
    if args.write:
        out["written"] = write_calibration(result)
    if args.json:
        _print_json(out)
    else:
        print(f"{cal.command}: {result.n_evaluations} evaluations, {result.wall_time_s:.1f} s ({result.message})")
        for n, v in result.parameter_values.items():
            print(f"  {n:45s} {v:12.6g}   (stored {stored.get(n, float('nan')):.6g})")
        for k in result.paper:
            print(f"  {k:45s} model {result.model.get(k, float('nan')):9.4g}   paper {result.paper[k]:9.4g}")
        print("identifiability (σ of each target = its tolerance; d ln target / d ln parameter):")
        for i in result.identifiability:
            elas = "  ".join(f"{k} {e:+.3f}" for k, e in i.elasticities.items())
            print(f"  {i.name:45s} ±{i.relative_stderr:7.1%}  {elas}"
                  + ("" if i.identifiable else f"  NOT IDENTIFIABLE: {i.reason}"))
        for n, why in cal.fixed.items():
            print(f"  fixed: {n}: {why}")
        if args.write:
            print("written to: " + ", ".join(out["written"]))
    return 0 if result.success else 1


def cmd_fit_ocp(args) -> int:
    fit_, summary = run_fit_ocp(args.file, args.stages, args.mass_mg, args.capacity_ah, args.out, args.columns)
    if args.json:
        _print_json(summary)
    else:
        print(f"{args.file}: {len(fit_.ocp.stages)}-stage OCP, RMSE {fit_.rmse_mV:.2f} mV "
              f"({fit_.abscissa}, {len(fit_.x)} points, {fit_.dropped_rows} rows dropped)")
        for s in fit_.stages():
            cap = f"  {s['capacity_mAh_g']:8.1f} mAh/g" if "capacity_mAh_g" in s else ""
            print(f"  {s['name']:14s} share {s['capacity_fraction']:.3f}  U {s['potential_V']:.4f} V  "
                  f"width {s['width']:.3f}{cap}")
        print(f"plot and JSON in {summary['output_folder']}")
    return 0


def cmd_fit_ocv(args) -> int:
    refine = tuple(n.strip() for n in (args.refine or "").split(",") if n.strip())
    fit_, summary = run_fit_ocv(args.file, args.anode, args.cathode, args.out, args.columns, args.cycle,
                                args.step_index, refine)
    if args.json:
        _print_json(summary)
        return 0
    print(f"{args.file}: electrode balance at C/{1 / fit_.c_rate:.3g}, RMSE {fit_.rmse_mV:.2f} mV")
    for role in ("anode", "cathode"):
        r = summary[role]
        lo, hi = r["window"]
        print(f"  {role:8s} capacity {r['capacity_Ah'] * 1e3:10.4g} ± {r['capacity_stderr_Ah'] * 1e3:.2g} mAh   "
              f"window x = {lo:.4f} – {hi:.4f}   start x = {r['start_fraction']:.4f} ± "
              f"{r['start_fraction_stderr']:.2g}")
    print(f"  sodium inventory {summary['sodium_inventory_Ah'] * 1e3:.4g} mAh; lumped overpotential "
          f"resistance {summary['resistance_ohm']:.3g} Ω")
    for name, r in summary["refined"].items():
        print(f"  {name:40s} {r['value']:.5g} ± {r['stderr']:.2g}")
    for n in fit_.notes:
        print(f"note: {n}")
    print(f"plots (voltage, dV/dQ, dQ/dV), curves and JSON in {summary['output_folder']}")
    return 0


def _scan_rates(text: str | None) -> list[float] | None:
    """``--scan-rates 0.1,0.2,0.5`` (mV/s) or with units (``100uV/s,0.5mV/s``) → mV/s."""
    if text is None:
        return None
    out = []
    for item in (t.strip() for t in text.split(",") if t.strip()):
        m = re.fullmatch(r"([-+0-9.eE]+)\s*(.*)", item)
        if not m:
            raise InvalidValueError("--scan-rates", item, "numbers in mV/s or with a unit, e.g. 0.1,0.2,0.5 or 100uV/s")
        value = _number("--scan-rates", m.group(1))
        out.append(convert(value, m.group(2) or "mV/s", "mV/s", "--scan-rates") if m.group(2) else value)
    return out


def cmd_cv(args) -> int:
    if args.identify and not args.parameter_set:
        raise InvalidValueError("--identify", "without --parameter-set", "--parameter-set NAME --identify")
    vary = [n for n in args.vary.split(",") if n.strip()] if args.vary else None
    summary = run_cv(args.files, _scan_rates(args.scan_rates), args.mass_mg, args.area_cm2,
                     args.concentration_mol_cm3, args.columns, args.cycle, args.out, args.parameter_set,
                     args.identify, vary, args.model, progress=not args.json)
    if args.json:
        _print_json(summary)
        return 0
    print(f"{'file':28s} {'v [mV/s]':>9s} {'cycle':>5s} {'anodic peak':>20s} {'cathodic (vertex)':>20s} "
          f"{'capacitive':>10s}")
    for p in summary["peaks"]:
        a, c = p["anodic"], p["cathodic"]
        share = summary["capacitive_fraction"][f"{p['scan_rate_mV_s']:g}"]
        print(f"{p['file']:28s} {p['scan_rate_mV_s']:9.4g} {p['cycle']:5d} "
              f"{a['current_mA']:9.4g} mA {a['potential_V']:6.3f} V "
              f"{c['current_mA']:9.4g} mA {c['potential_V']:6.3f} V {share * 100:9.1f} %")
    for branch in ("anodic", "cathodic"):
        b = summary["b_values"][branch]
        ci = f" (95 % interval {b['interval'][0]:.3f}–{b['interval'][1]:.3f})" if b["interval"] else ""
        print(f"b {branch:9s} {b['value']:.3f}{ci} from {b['n_scan_rates']} scan rates: {b['note']}")
    if "randles_sevcik" in summary:
        print(f"Randles–Ševčík D (apparent) {summary['randles_sevcik']['D_cm2_s']:.3g} cm²/s from the anodic peaks")
    lav = summary["laviron"]
    print(f"Laviron: alpha {lav['alpha']:.3f}, k_s {lav['k_s_per_s']:.3g} 1/s" if lav["applicable"] else
          f"Laviron: not applicable ({lav['reason']})")
    for n in summary["notes"]:
        print(f"note: {n}")
    for w in summary["warnings"]:
        print(f"warning: {w}", file=sys.stderr)
    if "identification" in summary:
        ident = summary["identification"]
        state = "converged" if ident["converged"] else "NOT converged"
        print(f"identified from {len(ident['rmse_mA_per_file'])} "
              f"file(s), {ident['model']}, cycles {ident['cycles_fitted']}: {ident['n_evaluations']} evaluations, "
              f"{ident['wall_time_s']:.0f} s, {state}; RMSE {summary['rmse_mA']:.4g} mA")
        for name, p in summary["parameters"].items():
            print(f"  {name:45s} {p['value']:.4g} ± {p['stderr']:.2g}   (start {p['start']:.4g})")
        for n in ident["notes"]:
            print(f"  note: {n}")
        print(f"identified set: {summary['output_folder']}/identified_set.json")
    print(f"plots (overlay, power law, b(V), Dunn's split), table and JSON in {summary['output_folder']}")
    return 0


def _window(text: str | None) -> tuple[float, float] | None:
    """``--window LOW:HIGH`` [V]."""
    if text is None:
        return None
    low, sep, high = text.partition(":")
    if not sep:
        raise InvalidValueError("--window", text, "LOW:HIGH in V, e.g. 0.01:2.5")
    return _number("--window LOW", low), _number("--window HIGH", high)


def cmd_simulate_cv(args) -> int:
    rates = _scan_rates(args.scan_rates)
    summary = run_simulate_cv(args.parameter_set, rates, _window(args.window), args.cycles, args.model, args.out,
                              progress=not args.quiet, noise=args.noise, cathode=args.cathode, np_ratio=args.np)
    if args.json:
        _print_json(summary)
        return 0
    lo, hi = summary["window_V"]
    what = args.parameter_set if summary["cell"] == "half" else (
        f"{args.parameter_set} // {summary['cathode']}, N/P {summary['np_ratio']:.3g}")
    print(f"{what} ({args.model}): {len(rates)} voltammograms, {summary['cycles']} cycle(s) "
          f"{lo:g}–{hi:g} V from {summary['start_V']:.3f} V (the cell at rest), {summary['wall_time_s']:.1f} s")
    if "note" in summary:
        print(f"  {summary['note']}")
    for f in summary["files"]:
        print(f"  {f}")
    if "capacitive_fraction" in summary:
        cf = summary["capacitive_fraction"]
        print(f"capacitive share of cycle {cf['cycle']}, Dunn's estimate vs the model's own (double layer + "
              "surface-limited):")
        for rate, d in cf["by_scan_rate_mV_s"].items():
            print(f"  {rate:>6s} mV/s  Dunn {d['dunn'] * 100:6.1f} %   model {d['model'] * 100:6.1f} %   "
                  f"bias {d['bias'] * 100:+6.1f} points")
    if summary["cell"] == "half":  # kinetics cv analyses a carbon's plateau, which a full cell's voltage hides
        print(f"analyse them with: kinetics cv {' '.join(summary['files'])} --mass-mg {summary['mass_mg']:g}")
    return 0


def _np_bounds(text: str | None) -> tuple[float, float] | None:
    """``--np-bounds LOW:HIGH`` (None: the sweep's N/P range)."""
    if text is None:
        return None
    low, sep, high = text.partition(":")
    if not sep:
        raise InvalidValueError("--np-bounds", text, "LOW:HIGH, e.g. 0.8:1.5")
    return _number("--np-bounds LOW", low), _number("--np-bounds HIGH", high)


def cmd_design(args) -> int:
    optimise = None
    if args.optimise:
        optimise = Target(charge_rate=args.optimise_charge, discharge_rate=args.optimise_discharge,
                          min_margin_V=args.min_margin_mV * 1e-3, min_capacity_mAh_g=args.min_capacity,
                          basis=BASIS_KEYS[args.basis], bounds=_np_bounds(args.np_bounds))
    summary = run_design_study(args.anode, args.cathode, args.np, np_basis=args.np_basis, electrolyte=args.electrolyte,
                               charge_rates=args.charge_rates, discharge_rates=args.discharge_rates,
                               loadings=args.loading, fmt=args.format, temperatures_C=args.temperatures,
                               anode_porosities=args.anode_porosity, cathode_porosities=args.cathode_porosity,
                               particle_radii_um=args.particle_radius, anode_collector=args.anode_collector,
                               sides=args.sides, electrolyte_excess=args.electrolyte_excess,
                               model=args.model, scheduler=args.scheduler, workers=args.workers, out=args.out,
                               progress=not args.quiet, optimise=optimise)
    if args.json:
        _print_json(summary)
        return 0
    d = summary["design"]
    print(f"{d['anode']} // {d['cathode']} ({d['model']}, {d['format']} cell, N/P on the {d['np_basis']} basis, "
          f"loading {d['loading']}): {summary['n_points']} points, {summary['n_designs_built']} design(s) built, "
          f"{summary['n_resumed']} resumed, on {summary['where']}, {summary['wall_time_s']:.1f} s")
    widths = (5, 8, 8, 9, 9, 6, 6, 6, 7, 10, 11)
    for labels in (("N/P", "charge", "disch.", "mAh/g(a)", "cell mAh", "V avg", "Wh/kg", "stack", "cell", "Wh/L",
                    "min anode"), ("", "", "", "", "", "", "active", "Wh/kg", "Wh/kg", "cell", "mV vs Na")):
        print("  " + " ".join(f"{t:>{w}}" for t, w in zip(labels, widths)))
    for r in summary["rows"]:
        head = f"  {r['np_ratio']:5.3g} {r['charge_rate']:>8} {r['discharge_rate']:>8}"
        if r["error"] and r.get("energy_density_Wh_kg") is None:
            print(f"{head}  error: {r['error']}")
            continue
        flag = ("  PLATING" if r["plating"] else "") + (f"  ({r['error']})" if r["error"] else "")
        print(f"{head} {r['capacity_mAh_g_anode']:9.1f} {r['capacity_mAh']:9.1f} {r['average_voltage_V']:6.3f} "
              f"{r['energy_density_Wh_kg']:6.1f} {r['stack_energy_density_Wh_kg']:6.1f} "
              f"{r['cell_energy_density_Wh_kg']:7.2f} {r['cell_energy_density_Wh_L']:10.2f} "
              f"{1e3 * r['min_anode_potential_V']:11.1f}{flag}")
    o = summary.get("optimum")
    if o:
        if o["np_ratio"] is None:
            print(f"  optimum: {o['status']}")
        else:
            r, t = o["row"], o["target"]
            basis = {v: k for k, v in BASIS_KEYS.items()}[t["basis"]]
            print(f"  optimum: N/P {o['np_ratio']:.3f} in {t['bounds'][0]:g}–{t['bounds'][1]:g} (loading "
                  f"{o['loading']}; {o['n_evaluations']} simulations): {r[t['basis']]:.1f} Wh/kg ({basis} "
                  f"basis), lowest anode potential {1e3 * r['min_anode_potential_V']:.1f} mV at charge "
                  f"{t['charge_rate']} (required ≥ {1e3 * t['min_margin_V']:.1f} mV), "
                  f"{r['capacity_mAh_g_anode']:.1f} mAh/g of anode at discharge {t['discharge_rate']}")
    for f in (o or {}).get("per_loading", []):
        r = f["row"]
        print(f"    loading {f['loading']}: " + (f"N/P {f['np_ratio']:.3f}, {r[o['target']['basis']]:.1f} Wh/kg"
                                                 if r else f["status"]))
    for note in summary["notes"]:
        print(f"  note: {note}")
    print(f"  (rates: C = the designed cell's capacity per hour; table rows.csv, plots in {summary['output_folder']})")
    return 0


def cmd_cycle(args) -> int:
    try:
        summary = run_cycle(args.parameter_set, cycles=args.cycles, charge=args.charge, discharge=args.discharge,
                            cathode=args.cathode, np_ratio=args.np, np_basis=args.np_basis, fast=args.fast,
                            model=args.model,
                            out=args.out, progress=not args.quiet)
    except Interrupted as e:
        if args.json and isinstance(e.partial, dict):
            _print_json(e.partial)
        raise
    if args.json:
        _print_json(summary)
    else:
        print(f"{summary['parameter_set']} ({summary['model']}), {summary['protocol']}: {summary['status']}, "
              f"{summary['wall_time_s']:.1f} s")
        if "np_ratio" in summary:
            print(f"  against {summary['cathode']}: N/P {summary['np_ratio']:.3g} on the {summary['np_basis']} basis "
                  f"(reversible {summary['np_reversible']:.3f}, first-cycle {summary['np_first_cycle']:.3f}); "
                  f"loadings {summary['anode_loading_mg_cm2']:.2f} / {summary['cathode_loading_mg_cm2']:.2f} mg/cm²")
        if summary["cycles"]:
            what = "desodiation" if summary["cell"] == "half" else "discharge"
            ice = "— (the cell starts charged)" if summary["ice"] is None else f"{summary['ice']:.1f} %"
            print(f"  first cycle: ICE {ice}; retention after {summary['cycles_completed']} "
                  f"cycles {summary['retention']:.1f} % (of cycle 1's {what})")
            into, out = ("sodiation", "desodiation") if summary["cell"] == "half" else ("   charge", "  discharge")
            print(f"  cycle  {into}  {out}     CE    retention  Na lost  in SEI  plated  AM lost  film R  min carbon")
            rows = summary["cycles"]
            shown = {0, 1, len(rows) - 1} | {k for k in range(len(rows)) if rows[k]["cycle"] in (5, 10, 20, 50, 100,
                                                                                                     200, 500, 1000)}
            for k in sorted(shown):
                r = rows[k]

                def f(key: str, fmt: str, r=r) -> str:
                    return format(r[key], fmt) if r.get(key) is not None else "—"
                print(f"  {r['cycle']:5d}  {f('sodiation_mAh_g', '9.1f')}  {f('desodiation_mAh_g', '11.1f')}  "
                      f"{100 * r['coulombic_efficiency']:6.2f} %  {f('retention_percent', '7.1f')} %  "
                      f"{f('inventory_lost_mAh_g', '7.1f')}  {f('sei_sodium_mAh_g', '6.1f')}  "
                      f"{f('plated_mAh_g', '6.3f')}  {f('active_material_lost_percent', '5.2f')} %  "
                      f"{f('film_resistance_ohm', '5.2f')} Ω  {f('min_carbon_potential_V', '7.4f')} V")
            d = summary["since_cycle_1"]

            def g(key: str, fmt: str) -> str:
                return "—" if d[key] is None else format(d[key], fmt)
            print(f"  since cycle 1: fade {d['fade_points']:.1f} points; active material lost "
                  f"{g('active_material_lost_points', '.2f')} points; sodium to side reactions "
                  f"{g('sodium_lost_mAh_g', '.1f')} mAh/g ({g('sodium_lost_percent_of_cycle_1', '.1f')} % of cycle 1's "
                  f"capacity, {'replaced by the foil' if d['sodium_replaced_by_the_foil'] else 'not replaced'}); "
                  f"film resistance {g('film_resistance_growth_ohm', '+.2f')} Ω")
            print("  (mAh/g of carbon; the table of every cycle is cycles.csv)")
        print(f"table, plots and JSON in {summary['output_folder']}")
    return 1 if summary["stopped_early"] else 0


def cmd_gitt(args) -> int:
    summary = run_gitt(args.files, mass_mg=args.mass_mg, radius_um=args.radius_um, area_cm2=args.area_cm2,
                       potential_column=args.potential_column, direction=args.direction,
                       parameter_set=args.parameter_set, model=args.model, refine=not args.no_refine,
                       identify_set=not args.no_identify, out=args.out, progress=not args.quiet,
                       columns=args.columns, cycle=args.cycle, step_index=args.step_index)
    if args.json:
        _print_json(summary)
        return 0
    print(f"{summary['n_pulses']} pulses, {summary['n_skipped']} skipped, {summary['n_flagged']} flagged; "
          f"{summary['diffusion_length']}")
    for p in summary["pulses"]:
        d = "—" if p["D_m2_s"] is None else f"{p['D_m2_s']:.3e}"
        print(f"  {p['pulse']:3d}  {p['voltage_V']:.4f} V  x {p['stoichiometry']:.3f}  D {d} m²/s  "
              f"{p['skipped'] or p['flag']}")
    for st in summary.get("ocp", {}).get("stages", []):
        print(f"  stage {st['name']:14s} {st.get('capacity_mAh_g', float('nan')):8.1f} mAh/g  "
              f"U {st['potential_V']:.4f} V  width {st['width']:.3f}")
    if "refinement" in summary:
        r = summary["refinement"]
        print(f"  model-based refinement: RMSE {r['rmse_mV']:.2f} mV, {r['n_evaluations']} evaluations, "
              f"{r['wall_time_s']:.1f} s")
    if "identified_set" in summary:
        print(f"identified set: {summary['identified_set']}")
    print(f"table, plot and JSON in {summary['output_folder']}")
    return 0


def _number(flag: str, text: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise InvalidValueError(flag, text, "a number") from None


def _potential_column(text: str) -> tuple[str | None, str]:
    """``--potential-column [ELECTRODE=]HEADER`` → (electrode or None, header)."""
    electrode, sep, header = text.partition("=")
    if sep and electrode.strip() in ("cell", "anode", "cathode", "working"):
        return electrode.strip(), header
    return None, text


def cmd_fit(args) -> int:
    cell = cell_of(args.parameter_set, args.model)
    full = isinstance(cell, FullCell)
    one_c = (cell.anode_electrode if full else cell.working).material.one_c_mA_g
    mass = args.mass_mg
    if full and mass is None:  # mA/g of the anode: the set's loading and area give its mass
        mass = cell.anode_mass_mg
        print(f"anode active mass {mass:.6g} mg (the set's anode loading × area; --mass-mg to state it)",
              file=sys.stderr)
    kind = "full" if full else "half"

    potentials = [_potential_column(text) for text in (args.potential_column or [])] or [(None, None)]

    def read(d):
        return [read_gcd(d, mass, one_c, columns=args.columns, step_index=args.step_index, cell_kind=kind,
                         potential_column=column, potential=electrode) for electrode, column in potentials]

    data = [x for d in args.data for x in read(d)]
    held_out = [x for d in (args.predict or []) for x in read(d)]
    if args.potential_column:
        print("measured potentials: " + ", ".join(f"{d.label} is the {d.potential}'s" for d in data + held_out),
              file=sys.stderr)
    if args.cycle:
        data = [d.select(cycles=tuple(args.cycle)) for d in data]
        held_out = [d.select(cycles=tuple(args.cycle)) for d in held_out]
    if full and mass != cell.anode_mass_mg:  # the stated mass is the anode's: its loading follows
        cell = cell.with_values({"anode.coating.loading": mass / cell.design.area_cm2})
    names = expand(args.vary.split(","), cell, [d.label for d in data])
    start = {n: _number("--start " + n, v) for n, v in (args.start or [])}
    bounds = {n: (_number("--bounds " + n, lo), _number("--bounds " + n, hi)) for n, lo, hi in (args.bounds or [])}
    log = {**{n: True for n in (args.log or [])}, **{n: False for n in (args.linear or [])}}
    balance = [n for n in BALANCE_NAMES if n in names and n not in start]
    if full and balance:
        stages = [n for n in names if n not in start and re.match(r"^(anode|cathode)\.ocp\.[^.]+\."
                                                                  r"(potential|width|capacity)$", n)]
        estimate, note = balance_start(cell, data, stages)
        print(f"note: {note}", file=sys.stderr)
        start |= {n: estimate[n] for n in balance + stages}
        bounds |= {n: (start[n] / 3, start[n] * 3) for n in balance if n.endswith("loading") and n not in bounds}
        bounds |= {n: default_bounds(n, start[n])[:2] for n in stages if n not in bounds}
    parameters = make_parameters(names, cell, start, bounds, log)
    weights = {label: _number("--weight " + label, w) for label, w in (args.weight or [])}
    for label in weights:
        if label not in [d.label for d in data]:
            raise InvalidValueError("--weight", label, f"one of the DATA arguments {[d.label for d in data]}")
    if held_out:  # check held-out files before the (long) fit, not after it
        check_data(held_out, cell)
    interrupted = None
    try:
        result = fit(cell, data, parameters, weights, n_starts=args.starts, max_evaluations=args.max_evaluations,
                     progress=not args.quiet)
    except Interrupted as e:  # keep and write the best point evaluated
        result, interrupted = e.partial, e
    predicted, predicted_curves = (predict(result, held_out) if held_out and not interrupted else (None, None))
    extra = {"data": args.data, "predict": args.predict or [], "mass_mg": mass}
    if full:
        extra["capacities_Ah"] = cell.capacities_Ah(result.values)
    summary = write_outputs(result, args.out, predicted, predicted_curves, extra=extra)
    if interrupted:
        raise Interrupted(f"{interrupted.kept}; written to {summary['output_folder']}", summary)
    if args.json:
        _print_json(summary)
    else:
        print(text_report(result, predicted, predicted_curves))
        if full:
            caps = extra["capacities_Ah"]
            print(f"capacities: anode {caps['anode'] * 1e3:.5g} mAh, cathode {caps['cathode'] * 1e3:.5g} mAh, "
                  f"sodium inventory {caps['sodium_inventory'] * 1e3:.5g} mAh")
        print(f"fitted set, plots, curves and report in {summary['output_folder']}")
    if not result.converged:
        sys.stderr.write(f"kinetics fit: warning: {result.message}\n")
        return 1
    return 0


class OneLineErrors(argparse.ArgumentParser):
    """argparse with its usage errors as one line on stderr (exit 2), like every other error."""

    def error(self, message: str):
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


COLUMNS_HELP = "units of unit-less columns, HEADER=UNIT pairs: time=ms,voltage=V,current=A (never guessed)"


def build_parser() -> argparse.ArgumentParser:
    p = OneLineErrors(prog="kinetics", description="Sodium-ion hard/soft-carbon kinetics on PyBaMM")
    p.add_argument("--debug", action="store_true", help="show the traceback of an error")
    sub = p.add_subparsers(dest="command", required=True, parser_class=OneLineErrors)

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

    s = sub.add_parser("validate", help="compare the model with paper 000 (statuses: " + ", ".join(STATUSES) + ")")
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
    s.add_argument("--columns", help=COLUMNS_HELP)
    s.add_argument("--json", action="store_true")
    s.set_defaults(func=cmd_fit_ocp)

    s = sub.add_parser("fit-ocv", help="electrode balance of a full cell from a slow charge/discharge",
                       description="Fit both electrodes' capacities and stoichiometry windows so that the "
                       "cathode's OCP minus the anode's matches a slow (<= C/20) full-cell charge and "
                       "discharge or an incremental-OCV test; report the sodium inventory.")
    s.add_argument("file", help="cycler file (CSV/Excel with units, BioLogic, Neware) of the full cell")
    s.add_argument("--anode", required=True, help="set whose anode OCP is used (a name or a .json path)")
    s.add_argument("--cathode", required=True, help="set whose cathode OCP is used")
    s.add_argument("--out", default="kinetics-fit-ocv", help="output folder (a new one if it exists)")
    s.add_argument("--columns", help=COLUMNS_HELP)
    s.add_argument("--cycle", type=int, help="only this cycle of the file's cycle column")
    s.add_argument("--step-index", type=int, help="only this step of the file's step column")
    s.add_argument("--refine", metavar="NAMES",
                   help="also fit these OCP stage values, comma-separated set names such as "
                   "cathode.ocp.high.potential,anode.ocp.pore_filling.capacity")
    s.add_argument("--json", action="store_true")
    s.set_defaults(func=cmd_fit_ocv)

    s = sub.add_parser("cv", help="voltammograms at several scan rates: peaks, b-values, b(V), Dunn's split",
                       description="Cyclic voltammograms of one electrode at two or more scan rates (one file "
                                   "each): plateau peaks, b-values of i_p = a·v^b with 95 % intervals, b(V), "
                                   "Dunn's capacitive/diffusion split, Randles–Ševčík and Laviron analyses.")
    s.add_argument("files", nargs="+", metavar="FILE",
                   help="BioLogic .mpr/.mpt or CSV/Excel with potential, current, time and cycle number")
    s.add_argument("--scan-rates", metavar="LIST", help="scan rate of each file in order (mV/s, or with units: "
                   "100uV/s); default: measured from each file's potential–time slope (checked when stated)")
    s.add_argument("--mass-mg", type=float, help="active mass [mg]: currents also in A/g")
    s.add_argument("--area-cm2", type=float, help="electrode area [cm²] for Randles–Ševčík (with "
                   "--concentration-mol-cm3; the same meaning as in kinetics gitt)")
    s.add_argument("--concentration-mol-cm3", type=float,
                   help="change of the sodium concentration in the solid [mol/cm³] for Randles–Ševčík")
    s.add_argument("--cycle", type=int, help="the file's cycle to analyse (default the second, or the only one)")
    s.add_argument("--columns", help=COLUMNS_HELP)
    s.add_argument("--parameter-set", help="a half-cell set (name or .json) for --identify")
    s.add_argument("--identify", action="store_true",
                   help="fit the set's half cell to all files at once (voltage-controlled replay from each "
                   "file's start through the analysed cycle); writes identified_set.json")
    s.add_argument("--vary", metavar="NAMES", help="with --identify: comma-separated set names or groups "
                   "(default: the stage diffusivities, the exchange current, and the double layer and surface "
                   "storage when the set has them)")
    s.add_argument("--model", default="SPMe", choices=["SPM", "SPMe", "DFN"], help="with --identify")
    s.add_argument("--out", default="kinetics-cv", help="output folder (a new one if it exists)")
    s.add_argument("--json", action="store_true")
    s.set_defaults(func=cmd_cv)

    s = sub.add_parser("simulate-cv", help="virtual voltammograms of a parameter set (files kinetics cv reads)",
                       description="Triangular sweeps of a half cell (or, with --cathode, a full cell) from its "
                                   "open-circuit potential at the given scan rates, one CSV per scan rate "
                                   "(BioLogic's column names).")
    s.add_argument("--parameter-set", required=True, help="a half-cell set (a name or a .json path)")
    s.add_argument("--cathode", help="a cathode set: the full cell of the two, balanced by N/P; Ewe is the cell "
                   "voltage, the current positive while charging")
    s.add_argument("--np", type=float, help="N/P ratio of the full cell (default 1.05)")
    s.add_argument("--scan-rates", required=True, metavar="LIST", help="mV/s, or with units: 0.1,0.2,0.5,1,2")
    s.add_argument("--window", metavar="LOW:HIGH", help="vertex potentials [V] (default the set's window)")
    s.add_argument("--cycles", type=int, default=2, help="triangles per scan rate (default 2)")
    s.add_argument("--noise", type=float, default=0.0, metavar="SHARE",
                   help="Gaussian current noise as a share of each sample's current, e.g. 0.01 (seeded; default 0)")
    s.add_argument("--model", default="SPMe", choices=["SPM", "SPMe", "DFN"])
    s.add_argument("--out", default="kinetics-simulate-cv", help="output folder (a new one if it exists)")
    s.add_argument("--json", action="store_true")
    s.add_argument("--quiet", action="store_true", help="no progress output")
    s.set_defaults(func=cmd_simulate_cv)

    s = sub.add_parser("cycle", help="cycle a half cell with its SEI, plating and loss of active material",
                       description="Constant-current cycling of a carbon half cell with ageing on: the first "
                                   "cycle's loss from the SEI it forms, the film's growth, plating below 0 V and "
                                   "loss of active material; one row per cycle, retention, ICE, plots.")
    s.add_argument("--parameter-set", required=True, help="a half-cell set (a name or a .json path)")
    s.add_argument("--cathode", help="a cathode set: a full cell as assembled, whose SEI takes the cathode's sodium")
    s.add_argument("--np", type=float, help="N/P ratio of the full cell (default 1.05, paper 000's upper end)")
    s.add_argument("--np-basis", help="what the N/P counts: reversible (default; the electrodes' reversible "
                                      "capacities at 20 mA/g) or first-cycle (the anode's first sodiation with its "
                                      "SEI, the cathode's first charge)")
    s.add_argument("--cycles", type=int, default=100, help="number of cycles (default 100)")
    s.add_argument("--charge", default="100mA/g", metavar="RATE",
                   help="charge current, per g of carbon: sodiates it (half cells too), e.g. 200mA/g or 0.5C "
                        "(default 100mA/g)")
    s.add_argument("--discharge", metavar="RATE", help="discharge (desodiation) current (default: the --charge rate)")
    s.add_argument("--fast", action="store_true",
                   help="fast path: simulate a few cycles, extrapolate the slow states, re-anchor (skipped "
                        "cycles interpolated; within 1 %% of the full simulation's capacity on the 200-cycle check)")
    s.add_argument("--model", default="SPMe", choices=["SPM", "SPMe", "DFN"])
    s.add_argument("--out", default="kinetics-cycle", help="output folder (a new one if it exists)")
    s.add_argument("--json", action="store_true")
    s.add_argument("--quiet", action="store_true", help="no progress output")
    s.set_defaults(func=cmd_cycle)

    s = sub.add_parser("design", help="full-cell design sweeps: N/P, loading, rates → energy density, plating margin",
                       description="A full-cell design study: every combination of N/P ratio, cathode loading, "
                                   "porosity and particle size with charge and discharge rates and temperature; "
                                   "energy density on the papers' basis (anode + cathode active mass) and on stack "
                                   "and cell bases, the lowest anode potential during charge (plating below 0 V). "
                                   "Run again with the same --out to resume an interrupted sweep.")
    s.add_argument("--anode", required=True, help="an anode set, e.g. MPCC-1-ester")
    s.add_argument("--cathode", required=True, help="a cathode set, e.g. O3-Na0.9TMO2")
    s.add_argument("--electrolyte", help="an electrolyte replacing the anode set's (transport only): "
                   "electrolyte-NaPF6-diglyme, electrolyte-NaPF6-ester or a .json set")
    s.add_argument("--np", required=True, metavar="LIST|START:STOP:N", help="N/P ratios: 0.9,1.0,1.1 or 0.8:1.4:13")
    s.add_argument("--np-basis", default="reversible", help="what N/P counts: reversible (default) or first-cycle")
    s.add_argument("--charge-rates", metavar="LIST", help="e.g. 0.2C,1C,2C or 100mA/g (default 0.5C; C is the "
                   "designed cell's capacity per hour, mA/g per g of anode)")
    s.add_argument("--discharge-rates", metavar="LIST", help="as --charge-rates (default 0.5C)")
    s.add_argument("--loading", metavar="LIST", help="cathode loadings, e.g. 10mg/cm2,2mAh/cm2, or coating "
                   "thicknesses, e.g. 60um (default: the anode set's loading, the cathode's from N/P)")
    s.add_argument("--format", default="coin", help="coin (default; CR2032), pouch or 18650")
    s.add_argument("--temperatures", metavar="LIST", help="°C, e.g. 0,25,45 (default: the set's)")
    s.add_argument("--anode-porosity", metavar="LIST", help="anode coating porosities (default the set's)")
    s.add_argument("--cathode-porosity", metavar="LIST", help="cathode coating porosities (default the set's)")
    s.add_argument("--particle-radius", metavar="LIST", help="anode particle radii in µm (default the set's)")
    s.add_argument("--anode-collector", default="Al", help="Al (default; sodium does not alloy with it) or Cu")
    s.add_argument("--sides", help="coatings per collector: single or double (default: the format's, single for "
                   "coin cells)")
    s.add_argument("--electrolyte-excess", type=float, default=ELECTROLYTE_EXCESS,
                   help=f"electrolyte volume over the pore volume of electrodes and separator (default "
                        f"{ELECTROLYTE_EXCESS:g})")
    s.add_argument("--model", default="SPMe", choices=["SPM", "SPMe", "DFN"])
    s.add_argument("--scheduler", metavar="ADDRESS", help="a Dask scheduler, e.g. tcp://10.0.0.5:8786 (default: "
                   "local processes)")
    s.add_argument("--workers", type=int, help="local processes (default: the number of CPUs)")
    s.add_argument("--optimise", action="store_true", help="also find the N/P of the highest energy density with a "
                   "plating margin at a charge rate and a capacity at a discharge rate")
    s.add_argument("--optimise-charge", metavar="RATE", help="optimisation: charge rate of the plating margin "
                   "(default: the last of --charge-rates, list them slowest first)")
    s.add_argument("--optimise-discharge", metavar="RATE", help="optimisation: discharge rate of the energy and "
                   "capacity (default: the first of --discharge-rates)")
    s.add_argument("--min-margin-mV", type=float, default=0.0, help="optimisation: lowest anode potential allowed "
                   "during charge [mV vs Na+/Na] (default 0)")
    s.add_argument("--min-capacity", type=float, help="optimisation: capacity at the discharge rate [mAh/g of anode]")
    s.add_argument("--np-bounds", metavar="LOW:HIGH", help="optimisation: N/P range (default: that of --np, or "
                   "0.8:1.5 for one value)")
    s.add_argument("--basis", default="active", choices=list(BASIS_KEYS), help="optimisation: energy basis")
    s.add_argument("--out", help=f"output folder (default {DEFAULT_DESIGN_OUT}; the same folder resumes the "
                   "same sweep)")
    s.add_argument("--json", action="store_true")
    s.add_argument("--quiet", action="store_true", help="no progress output")
    s.set_defaults(func=cmd_design)

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
    s.add_argument("--columns", help=COLUMNS_HELP)
    s.add_argument("--cycle", type=int, help="only this cycle of the file's cycle column")
    s.add_argument("--step-index", type=int, help="only this step of the file's step column")
    s.add_argument("--json", action="store_true")
    s.add_argument("--quiet", action="store_true")
    s.set_defaults(func=cmd_gitt)

    s = sub.add_parser("fit", help="fit a parameter set to measured GCD curves",
                       description="Fit parameters of a half-cell or full-cell set (one that describes both "
                       "electrodes; every file starts from its state) to measured galvanostatic curves "
                       "(least squares with the solver's exact sensitivities) and report values with "
                       "standard errors, correlations, RMSE per file and predictions of held-out files.")
    s.add_argument("data", nargs="+", metavar="DATA",
                   help="a cycler file (CSV/Excel with units, BioLogic .mpr/.mpt, Neware .nda/.ndax) or a "
                   "digitised capacity–voltage table, optionally @current for files without a current "
                   "column: curve.csv@0.254mA, curve.csv@20mA/g, curve.csv@0.1C")
    s.add_argument("--parameter-set", required=True, help="the set to fit (a name or a .json path)")
    s.add_argument("--vary", required=True,
                   help="comma-separated parameter names and groups: ocp, diffusivity, kinetics, balance (a full "
                   "cell's: both loadings and initial fractions, started from the slowest file's OCV balance)")
    s.add_argument("--predict", nargs="+", metavar="DATA",
                   help="held-out files to predict with the fitted set")
    s.add_argument("--model", default="SPMe", choices=["SPM", "SPMe", "DFN"])
    s.add_argument("--mass-mg", type=float, help="active mass [mg] (files with currents in A/mA or mAh): the "
                   "working electrode's, or a full cell's anode (default: the set's anode loading × area)")
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
    s.add_argument("--columns", help=COLUMNS_HELP)
    s.add_argument("--step-index", type=int, help="only this step of each file's step column")
    s.add_argument("--potential-column", action="append", metavar="[ELECTRODE=]HEADER",
                   help="three-electrode files: fit against this electrode's potential vs the reference "
                        "instead of the cell voltage (repeatable: each file is read once per column), e.g. "
                        "anode=Ece/V --potential-column cathode=Ewe/V; ELECTRODE is anode or cathode "
                        "(full cells; by default the one whose range the column's median is in), working "
                        "(half cells) or cell (the cell voltage)")
    s.add_argument("--json", action="store_true")
    s.add_argument("--quiet", action="store_true", help="no progress output")
    s.set_defaults(func=cmd_fit)

    s = sub.add_parser("calibrate", help="rerun a calibration (MPCC-1, PCC; ICE:<set> for a first-cycle "
                                         "efficiency: ICE:MPCC-1-ether, ICE:MPCC-1-ester, ICE:PCC-ester; "
                                         "RETENTION:MPCC-1 for the loss of active material)")
    s.add_argument("name")
    s.add_argument("--write", action="store_true", help="store the values in the shipped sets")
    s.add_argument("--json", action="store_true")
    s.add_argument("--model", default="SPMe", choices=["SPM", "SPMe", "DFN"])
    s.add_argument("--vary", action="append", metavar="NAMES",
                   help="also move these set parameters (comma-separated; checked for identifiability, not written)")
    s.add_argument("--quiet", action="store_true")
    s.set_defaults(func=cmd_calibrate)

    s = sub.add_parser("cache", help="where the cache of compiled models and unit definitions is; clear it")
    s.add_argument("action", choices=["show", "clear"], nargs="?", default="show")
    s.add_argument("--json", action="store_true")
    s.set_defaults(func=cmd_cache)
    return p


def main(argv: list[str] | None = None) -> int:
    """Run one command. Exit codes: 0 done, 1 a run that failed (or a fit that did not converge),
    2 bad input, 130 interrupted (what was completed is kept and said). One line per problem on
    stderr; a traceback only with ``--debug``."""
    args = build_parser().parse_args(argv)
    command = f"kinetics {args.command}"

    def show(message, category, filename, lineno, file=None, line=None):
        kind = "warning" if issubclass(category, SimulationWarning) else category.__name__
        sys.stderr.write(f"{command}: {kind}: {message}\n")

    with warnings.catch_warnings(), remembered_interrupts():
        warnings.simplefilter("default", SimulationWarning)
        warnings.showwarning = show
        try:
            return args.func(args)
        except Interrupted as e:
            sys.stderr.write(f"{command}: interrupted: {e.kept}\n")
            return 130
        except KeyboardInterrupt:
            sys.stderr.write(f"{command}: interrupted\n")
            return 130
        except RunFailedError as e:  # a run that broke: not the user's input
            if args.debug:
                raise
            sys.stderr.write(f"{command}: failed: {e}\n")
            return 1
        except KineticsError as e:
            if args.debug:
                raise
            sys.stderr.write(f"{command}: error: {e}\n")
            return 2
        except Exception as e:  # noqa: BLE001 — the CLI never shows a traceback unless asked
            if args.debug:
                raise
            sys.stderr.write(f"{command}: internal error: {type(e).__name__}: {e} (rerun with --debug for the "
                             "traceback, and please report it)\n")
            return 1


if __name__ == "__main__":
    sys.exit(main())
