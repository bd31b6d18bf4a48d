"""The workflow of ``kinetics fit-ocv``: a full cell's electrode balance from a slow charge and
discharge (or an incremental-OCV test), with data-vs-fit, dV/dQ and dQ/dV plots and a JSON summary
written into a new folder that is complete or absent."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from .. import figures
from .._files import output_folder
from ..analysis.ocv_balance import BalanceFit, differential_curves, fit_balance, ocv_curves
from ..cells import HalfCell
from ..io.cycler import read_time_series


def plot_balance(fit: BalanceFit, path: str | Path, title: str) -> Path:
    """Voltage, dV/dQ and dQ/dV of data (points) and fit (lines), charge and discharge."""
    colours = {"charge": "C3", "discharge": "C0"}
    with figures.style():
        fig, axes = figures.subplots(1, 3, figsize=(10.0, 3.3))
        data = differential_curves(fit.curves, "voltage_V")
        model = differential_curves(fit.curves, "model_V")
        for direction, colour in colours.items():
            c = fit.curves[fit.curves["direction"] == direction]
            if not len(c):
                continue
            step = max(len(c) // 120, 1)
            axes[0].plot(c["q_Ah"].iloc[::step] * 1e3, c["voltage_V"].iloc[::step], "o", ms=2, mfc="none",
                         color=colour, label=f"{direction}, data")
            axes[0].plot(c["q_Ah"] * 1e3, c["model_V"], "-", color=colour, label=f"{direction}, fit")
            for frame, style in ((data, "o"), (model, "-")):
                f = frame[frame["direction"] == direction] if len(frame) else frame
                if not len(f):
                    continue
                kw = {"ms": 2, "mfc": "none"} if style == "o" else {}
                axes[1].plot(f["q_Ah"] * 1e3, f["dV_dQ"] / 1e3, style, color=colour, **kw)
                axes[2].plot(f["voltage_V"], f["dQ_dV"] * 1e3, style, color=colour, **kw)
        axes[0].set(xlabel="Charge passed [mAh]", ylabel="Voltage [V]")
        axes[1].set(xlabel="Charge passed [mAh]", ylabel="dV/dQ [V mAh$^{-1}$]")
        axes[2].set(xlabel="Voltage [V]", ylabel="dQ/dV [mAh V$^{-1}$]")
        axes[0].legend(frameon=False, fontsize=6.5)
        fig.suptitle(title, fontsize=9)
        fig.tight_layout()
        fig.savefig(path, dpi=300)
    return Path(path)


def run_fit_ocv(file: str | Path, anode: str, cathode: str, out: str | Path = "kinetics-fit-ocv",
                columns: Mapping[str, str] | str | None = None, cycle: int | None = None,
                step_index: int | None = None, refine: tuple[str, ...] = ()) -> tuple[BalanceFit, dict[str, Any]]:
    """Fit the balance of ``file`` with the OCPs of the sets ``anode`` and ``cathode`` (and the
    stage values ``refine``, set names such as ``cathode.ocp.high.potential``); write
    ``<stem>_balance.png`` (voltage, dV/dQ, dQ/dV), ``<stem>_balance.csv`` (data and fit) and
    ``<stem>_balance.json``; returns the fit and the JSON summary (``refined`` holds the stage values)."""
    anode_ocp = HalfCell(anode, role="anode").working.material.ocp
    cathode_ocp = HalfCell(cathode, role="cathode").working.material.ocp
    frame = read_time_series(file, columns=columns, cycle=cycle, step_index=step_index)
    fit = fit_balance(ocv_curves(frame, str(file)), anode_ocp, cathode_ocp, str(file), refine=tuple(refine))
    stem = Path(file).stem
    with output_folder(out) as (work, final):
        summary = {"file": str(file), "anode_set": anode, "cathode_set": cathode, **fit.to_json(),
                   "output_folder": str(final)}
        plot_balance(fit, work / f"{stem}_balance.png", f"{stem}: electrode balance, RMSE {fit.rmse_mV:.1f} mV")
        fit.curves.to_csv(work / f"{stem}_balance.csv", index=False, float_format="%.8g")
        (work / f"{stem}_balance.json").write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
    return fit, summary
