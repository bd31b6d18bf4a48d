"""Full cells in a fit: where the balance starts.

A kinetic fit of a full cell whose loadings are unknown needs a start near the truth for the
balance (each electrode's loading and initial sodium fraction): far from it the optimiser meets
cut-off walls and flat residuals. The electrode balance of the slowest measured curve
(:mod:`kinetics.analysis.ocv_balance`, pure OCP algebra, milliseconds per evaluation) gives one;
its lumped R·I term takes that curve's overpotential, so it need not be an OCV.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import numpy as np
import pandas as pd

from ..analysis.ocv_balance import fit_balance, ocv_curves
from ..cells import FullCell
from ..errors import InvalidValueError
from ..io.gcd import GCDData
from ..sets import convert


def time_series(data: GCDData, mass_mg: float) -> pd.DataFrame:
    """``time_s``, ``current_A`` (charging positive), ``voltage_V`` of a full cell's segments."""
    frames, t0 = [], 0.0
    for s in data.segments:
        sign = {"sodiate": 1.0, "desodiate": -1.0, "rest": 0.0}[s.kind]
        frames.append(pd.DataFrame({"time_s": t0 + s.time_s, "current_A": sign * s.current_mA_g * mass_mg * 1e-6,
                                    "voltage_V": s.voltage_V}))
        t0 += s.duration_s
    return pd.concat(frames, ignore_index=True).drop_duplicates("time_s")


def cell_voltage_data(data: Sequence[GCDData]) -> list[GCDData]:
    """The cell-voltage curves among ``data``, including those of three-electrode files read once
    for the anode's and once for the cathode's potential (the cell voltage is their difference
    with the reference electrode's potential cancelled; contact resistance is not in it)."""
    out = [d for d in data if d.potential == "cell"]
    for a in (d for d in data if d.potential == "anode"):
        c = next((d for d in data if d.potential == "cathode" and d.source == a.source
                  and len(d.segments) == len(a.segments)
                  and all(len(x.time_s) == len(y.time_s) for x, y in zip(d.segments, a.segments))), None)
        if c is not None:
            segments = tuple(replace(x, voltage_V=y.voltage_V - x.voltage_V) for x, y in zip(a.segments, c.segments))
            out.append(replace(a, label=a.label.removesuffix("[anode]"), segments=segments, potential="cell"))
    return out


def balance_start(cell: FullCell, data: Sequence[GCDData], stages: Sequence[str] = (),
                  capacity_shares: dict[str, tuple[float, float]] | None = None) -> tuple[dict[str, float], str]:
    """Start values of :data:`~kinetics.cells.BALANCE_NAMES` (and of the OCP stage fields
    ``stages``, set names, refined with them) from the electrode balance of the slowest fitted
    curve (the one nearest equilibrium; its state at its start follows from the file's start by
    the charge passed before it), and a note saying so. ``capacity_shares``: see
    :func:`~kinetics.analysis.ocv_balance.fit_balance`."""
    voltages = cell_voltage_data(data)
    if not voltages:
        raise InvalidValueError("data for the balance's start", [d.label for d in data],
                                "a cell voltage, or both electrodes' potentials of a three-electrode file "
                                "(or start values of the balance, --start NAME VALUE)")
    slowest, segment = min(((d, s) for d in voltages for s in d.curves if d.fitted(s)),
                           key=lambda pair: pair[1].current_mA_g)
    one = replace(slowest, segments=(segment,))
    curves = ocv_curves(time_series(one, cell.anode_mass_mg), slowest.label)
    fit = fit_balance(curves, cell.anode_electrode.material.ocp, cell.cathode_electrode.material.ocp,
                      slowest.label, max_c_rate=None, refine=tuple(stages), capacity_shares=capacity_shares)
    values = {**cell.values(), **{n: fit.values[n] for n in stages}}
    area = cell.design.area_cm2
    start = {n: fit.values[n] for n in stages}
    sign = {"sodiate": 1.0, "desodiate": -1.0, "rest": 0.0}
    before = slowest.segments[:slowest.segments.index(segment)]
    charged_Ah = sum(sign[s.kind] * s.current_mA_g * s.duration_s / 3600.0 for s in before) * cell.anode_mass_mg * 1e-6
    for role, moves in (("anode", 1.0), ("cathode", -1.0)):
        q = convert.total_capacity_mAh_g(values, role)
        capacity = fit.values[f"{role}_capacity_Ah"]
        start[f"{role}.coating.loading"] = capacity * 1e6 / (q * area)
        x0 = fit.values[f"{role}_start_fraction"] - moves * charged_Ah / capacity  # back to the file's start
        start[f"{role}.initial_fraction"] = float(np.clip(x0, 0.0, 1.0))
    what = "balance" + (f" and {len(stages)} OCP stage value(s)" if stages else "")
    note = (f"{what} started from the electrode balance of the {segment.kind} curve of {slowest.label} at "
            f"{segment.current_mA_g:.4g} mA/g (OCPs of the set"
            f"{', refined' if stages else ''}, lumped overpotential; RMSE {fit.rmse_mV:.1f} mV)")
    return start, note
