"""Full cells in a fit: where the balance starts.

A kinetic fit of a full cell whose loadings are unknown needs a start near the truth for the
balance (each electrode's loading and initial sodium fraction): far from it the optimiser meets
cut-off walls and flat residuals. The electrode balance of the slowest measured curve
(:mod:`kinetics.analysis.ocv_balance`, pure OCP algebra, milliseconds per evaluation) gives one;
its lumped R·I term takes that curve's overpotential, so it need not be an OCV.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from ..analysis.ocv_balance import fit_balance, ocv_curves
from ..cells import FullCell
from ..io.gcd import GCDData


def time_series(data: GCDData, mass_mg: float) -> pd.DataFrame:
    """``time_s``, ``current_A`` (charging positive), ``voltage_V`` of a full cell's segments."""
    frames, t0 = [], 0.0
    for s in data.segments:
        sign = {"sodiate": 1.0, "desodiate": -1.0, "rest": 0.0}[s.kind]
        frames.append(pd.DataFrame({"time_s": t0 + s.time_s, "current_A": sign * s.current_mA_g * mass_mg * 1e-6,
                                    "voltage_V": s.voltage_V}))
        t0 += s.duration_s
    return pd.concat(frames, ignore_index=True).drop_duplicates("time_s")


def balance_start(cell: FullCell, data: Sequence[GCDData],
                  stages: Sequence[str] = ()) -> tuple[dict[str, float], str]:
    """Start values of :data:`~kinetics.cells.BALANCE_NAMES` (and of the OCP stage fields
    ``stages``, set names, refined with them) from the electrode balance of the slowest file,
    and a note saying so."""
    slowest = min(data, key=lambda d: max(s.current_mA_g for s in d.curves))
    curves = ocv_curves(time_series(slowest, cell.anode_mass_mg), slowest.label)
    fit = fit_balance(curves, cell.anode_electrode.material.ocp, cell.cathode_electrode.material.ocp,
                      slowest.label, max_c_rate=None, refine=tuple(stages))
    values = {**cell.values(), **{n: fit.values[n] for n in stages}}
    area = cell.design.area_cm2
    start = {n: fit.values[n] for n in stages}
    for role in ("anode", "cathode"):
        q = sum(v for n, v in values.items() if n.startswith(f"{role}.ocp.") and n.endswith(".capacity"))
        start[f"{role}.coating.loading"] = fit.values[f"{role}_capacity_Ah"] * 1e6 / (q * area)
        start[f"{role}.initial_fraction"] = float(np.clip(fit.values[f"{role}_start_fraction"], 0.0, 1.0))
    what = "balance" + (f" and {len(stages)} OCP stage value(s)" if stages else "")
    note = (f"{what} started from the electrode balance of {slowest.label} (OCPs of the set"
            f"{', refined' if stages else ''}, lumped overpotential; RMSE {fit.rmse_mV:.1f} mV)")
    return start, note
