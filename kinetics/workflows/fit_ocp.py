"""The workflow of ``kinetics fit-ocp``: a multi-stage OCP fitted to a table of equilibrium
potentials, with its plot and JSON written into a new folder that is complete or absent."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from .._files import output_folder
from ..analysis.ocp_fit import OCPFit, fit_ocp, plot_fit


def run_fit_ocp(file: str | Path, n_stages: int = 3, mass_mg: float | None = None, capacity_Ah: float | None = None,
                out: str | Path = "kinetics-fit-ocp",
                columns: Mapping[str, str] | str | None = None) -> tuple[OCPFit, dict[str, Any]]:
    """Fit ``file`` and write ``<stem>_ocp_fit.png`` and ``<stem>_ocp_fit.json``; returns the fit
    and the JSON summary (``stages``, ``rmse_mV``, …, ``output_folder``)."""
    fit = fit_ocp(file, n_stages, mass_mg, capacity_Ah, columns)
    stem = Path(file).stem
    with output_folder(out) as (work, final):
        summary = {"file": str(file), **fit.to_json(), "output_folder": str(final)}
        plot_fit(fit, work / f"{stem}_ocp_fit.png", f"{stem}: RMSE {fit.rmse_mV:.1f} mV")
        (work / f"{stem}_ocp_fit.json").write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
    return fit, summary
