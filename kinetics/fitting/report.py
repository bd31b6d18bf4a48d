"""What a fit leaves behind: overlay and residual plots, the curve table, the fitted set and a
plain-text report. :func:`write_outputs` writes them into a new folder that is complete or
absent (:func:`kinetics._files.output_folder`).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from .. import figures
from .._files import output_folder
from .fit import CurveFit, FitResult, band_mV


def plot_overlay(curves: Sequence[CurveFit], path: str | Path, title: str, full_cell: bool = False) -> Path:
    """Data (points) and model (lines) against specific capacity (of the anode in a full cell),
    with the residuals below."""
    files = list(dict.fromkeys(c.file for c in curves))
    colours = figures.colours(len(files), 0.05, 0.85)
    with figures.style():
        fig, (ax, axr) = figures.subplots(2, 1, figsize=(4.6, 5.0), sharex=True,
                                      gridspec_kw={"height_ratios": [3, 1.3]})
        for c in curves:
            col = colours[files.index(c.file)]
            first = c is next(x for x in curves if x.file == c.file)
            step = max(len(c.data_V) // 150, 1)
            ax.plot(c.capacity_mAh_g[::step], c.data_V[::step], "o", ms=2.0, mfc="none", mew=0.6, color=col,
                    label=f"{Path(c.file).name} ({c.current_mA_g:.4g} mA/g), data" if first else None)
            ax.plot(c.capacity_mAh_g, c.model_V, "-", color=col, label="model" if first else None)
            if c.band_V is not None:
                ax.fill_between(c.capacity_mAh_g, c.model_V - c.band_V, c.model_V + c.band_V, color=col,
                                alpha=0.25, lw=0, label="95 % band" if first else None)
            axr.plot(c.capacity_mAh_g, (c.model_V - c.data_V) * 1e3, "-", lw=0.7, color=col)
        potentials = {c.potential for c in curves}
        ax.set_ylabel("Cell voltage [V]" if potentials == {"cell"} and full_cell else
                      "Voltage vs Na$^+$/Na [V]" if potentials <= {"cell", "working"} else
                      "Electrode potential vs reference [V]" if "cell" not in potentials else
                      "Cell voltage, electrode potential vs reference [V]")
        axr.set_ylabel("model − data [mV]")
        axr.set_xlabel("Specific capacity [mAh per g of anode]" if full_cell else "Specific capacity [mAh g$^{-1}$]")
        axr.axhline(0.0, color="0.4", lw=0.6)
        ax.legend(frameon=False, fontsize=6.5)
        ax.set_title(title, fontsize=9)
        fig.tight_layout()
        fig.savefig(path, dpi=300)
    return Path(path)


def curves_table(curves: Sequence[CurveFit]) -> pd.DataFrame:
    """One row per compared sample: file, what its potential is (cell voltage or an electrode's),
    curve, capacity [mAh/g], data and model voltage [V]."""
    frames = [pd.DataFrame({"file": c.file, "potential": c.potential, "kind": c.kind, "cycle": c.cycle,
                            "current_mA_g": c.current_mA_g,
                            "capacity_mAh_g": c.capacity_mAh_g, "data_V": c.data_V, "model_V": c.model_V,
                            **({"band_V": c.band_V} if c.band_V is not None else {})})
              for c in curves]
    return pd.concat(frames, ignore_index=True)


def text_report(result: FitResult, predicted: dict[str, float] | None = None,
                predicted_curves: Sequence[CurveFit] | None = None) -> str:
    """The report a person reads: values ± standard errors, RMSE per file, notes."""
    lines = [f"Fit of {result.base_set.name} ({result.model}) to {len(result.files)} file(s): "
             f"{result.n_evaluations} model evaluations ({result.n_jacobian_evaluations} with "
             f"sensitivities), {result.wall_time_s:.1f} s, {result.message}"]
    lines.append(f"  {'parameter':46s} {'value':>12s} {'± stderr':>10s} {'start':>11s}")
    for p in result.parameters:
        v, s = result.values[p.name], result.stderr[p.name]
        lines.append(f"  {p.name:46s} {v:12.5g} {s:10.2g} {p.value:11.4g}" + ("" if p.vary else "  (fixed)"))
    for t in result.ties:
        v, s = result.values[t.name], result.stderr[t.name]
        lines.append(f"  {t.name:46s} {v:12.5g} {s:10.2g}  = {t.factor:g} × {t.source}")
    lines.append("RMSE per file [mV]: "
                 + ", ".join(f"{Path(k).name} {v:.2f}" for k, v in result.rmse_mV.items()))
    if predicted:
        bands = band_mV(predicted_curves or [])
        lines.append("Predicted (not fitted), RMSE [mV] (RMS half-width of the 95 % band): "
                     + ", ".join(f"{Path(k).name} {v:.2f} (± {bands.get(k, float('nan')):.2f})"
                                 for k, v in predicted.items()))
    for n in result.notes:
        lines.append(f"note: {n}")
    return "\n".join(lines)


def write_outputs(result: FitResult, out: str | Path, predicted: dict[str, float] | None = None,
                  predicted_curves: Sequence[CurveFit] | None = None, extra: dict | None = None) -> dict:
    """Write the fit's files into a new folder ``out`` (or ``out-2``, … if it exists); returns
    the JSON summary (its ``output_folder`` names the folder)."""
    full_cell = result.base_set.kind == "full-cell"
    with output_folder(out) as (tmp, target):
        summary = {**result.to_json(), **(extra or {})}
        if predicted is not None:
            summary["predicted_rmse_mV"] = predicted
            summary["predicted_band_mV"] = band_mV(predicted_curves or [])
        pset = result.parameter_set()
        pset.save(tmp / "fitted_set.json")
        summary["fitted_set"] = str(target / "fitted_set.json")
        plot_overlay(result.curves, tmp / "fit_overlay.png",
                     f"{result.base_set.name} fit ({result.model}): RMSE {result.rmse_all_mV:.2f} mV", full_cell)
        curves_table(result.curves).to_csv(tmp / "fit_curves.csv", index=False, float_format="%.8g")
        if predicted_curves:
            plot_overlay(predicted_curves, tmp / "predicted_overlay.png",
                         f"prediction with the fitted set ({result.model})", full_cell)
            curves_table(predicted_curves).to_csv(tmp / "predicted_curves.csv", index=False,
                                                  float_format="%.8g")
        (tmp / "fit_report.txt").write_text(text_report(result, predicted, predicted_curves) + "\n",
                                            encoding="utf-8")
        summary["output_folder"] = str(target)
        (tmp / "fit_summary.json").write_text(json.dumps(summary, indent=2, default=float) + "\n",
                                              encoding="utf-8")
    return summary
