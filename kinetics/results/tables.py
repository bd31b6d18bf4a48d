"""Simulation results: the tidy time series, per-step summaries and the cycler-file form.

Sign convention of ``current_mA_g``: positive when sodium leaves the anode (the working
electrode of a half cell): desodiation in a half cell, discharge in a full cell.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from .._files import write_new
from ..cells import FullCell, HalfCell
from ..engine import RawRun
from ..physics.ocp import STAGE_BOUNDARIES_V
from ..protocols import Step

#: paper 000: the plateau lies below 0.1 V vs Na+/Na
PLATEAU_EDGE_V = STAGE_BOUNDARIES_V[1]
#: The columns of a cycler file as hc-kinetics writes one (virtual data, :meth:`Result.save_cycler_csv`).
CYCLER_COLUMNS = ("Time [s]", "Current [A]", "Voltage [V]")
TABLE_COLUMNS = ["time_s", "step", "label", "direction", "current_mA_g", "voltage_V", "capacity_mAh_g",
                 "anode_potential_V", "sodium_fraction"]

SUMMARY_COLUMNS = [
    "step", "label", "direction", "current_mA_g", "capacity_mAh_g", "capacity_below_0.1V_mAh_g",
    "capacity_above_0.1V_mAh_g", "average_voltage_V", "energy_mWh_g", "end_voltage_V",
    "duration_h", "coulombic_efficiency",
]


def _trapz(y: np.ndarray, x: np.ndarray) -> float:
    return float(np.sum(0.5 * (y[1:] + y[:-1]) * np.diff(x))) if len(x) > 1 else 0.0


def capacity_below(q: np.ndarray, v: np.ndarray, threshold: float = PLATEAU_EDGE_V) -> float:
    """Capacity [same unit as q] passed while ``v`` < ``threshold``.

    Linear interpolation inside each sampling interval, so the result varies continuously
    with the curve (a requirement of the least-squares calibration).
    """
    if len(q) < 2:
        return 0.0
    dq = np.diff(q)
    v0, v1 = v[:-1], v[1:]
    lo, hi = np.minimum(v0, v1), np.maximum(v0, v1)
    span = np.where(hi > lo, hi - lo, 1.0)
    frac = np.clip((threshold - lo) / span, 0.0, 1.0)
    frac = np.where(hi > lo, frac, (lo < threshold).astype(float))
    return float(np.sum(dq * frac))


def summarise(table: pd.DataFrame, steps: Sequence[Step], cell_kind: str) -> pd.DataFrame:
    """One row per completed step: capacity [mAh/g], capacity below/above 0.1 V [mAh/g],
    average voltage [V], energy [mWh/g], end voltage [V], duration [h] and coulombic
    efficiency (a desodiation/discharge step over the preceding sodiation/charge step).

    Capacities are per gram of the working electrode (half cell) or anode (full cell). The
    0.1 V split uses the cell voltage in a half cell (the carbon vs Na+/Na, as the papers
    count it on the GCD curve) and the anode potential in a full cell.
    """
    rows = []
    last_in = None
    for k, g in table.groupby("step", sort=True):
        s = steps[int(k)]
        q = g["capacity_mAh_g"].to_numpy()
        v = g["voltage_V"].to_numpy()
        split = v if cell_kind == "half" else g["anode_potential_V"].to_numpy()
        low = capacity_below(q, split)
        cap = float(q[-1]) if len(q) else 0.0
        energy = _trapz(v, q)
        ce = np.nan
        if s.direction in ("sodiate", "charge"):
            last_in = cap
        elif s.direction in ("desodiate", "discharge") and last_in:
            ce = cap / last_in
        rows.append({
            "step": int(k), "label": s.label, "direction": s.direction,
            "current_mA_g": float(np.median(np.abs(g["current_mA_g"]))) if s.direction != "rest" else 0.0,
            "capacity_mAh_g": cap, "capacity_below_0.1V_mAh_g": low,
            "capacity_above_0.1V_mAh_g": cap - low,
            "average_voltage_V": energy / cap if cap > 0 else np.nan,
            "energy_mWh_g": energy, "end_voltage_V": float(v[-1]) if len(v) else np.nan,
            "duration_h": float(g["time_s"].iloc[-1] - g["time_s"].iloc[0]) / 3600.0,
            "coulombic_efficiency": ce,
        })
    return pd.DataFrame(rows, columns=SUMMARY_COLUMNS)


def cycler_frame(table: pd.DataFrame, cell_kind: str, active_mass_mg: float) -> pd.DataFrame:
    """``Time [s]``, ``Current [A]`` and ``Voltage [V]`` of a result table as a cycler records
    them (current negative while the cell voltage falls: sodiation in a half cell, discharge in
    a full cell), for ``active_mass_mg`` of the normalising electrode."""
    sign = 1.0 if cell_kind == "half" else -1.0
    t, i, v = CYCLER_COLUMNS
    return pd.DataFrame({
        t: table["time_s"].to_numpy(),
        i: sign * table["current_mA_g"].to_numpy() * active_mass_mg * 1e-6,
        v: table["voltage_V"].to_numpy(),
    })


def tidy(run: RawRun, steps: Sequence[Step], cell: HalfCell | FullCell) -> pd.DataFrame:
    """The tidy time series of a run (see :class:`Result`)."""
    if not run.series:
        return pd.DataFrame(columns=TABLE_COLUMNS)
    if isinstance(cell, HalfCell):
        electrode, mass_g, sign_out = cell.working, cell.active_mass_mg * 1e-3, -1.0
    else:
        electrode, mass_g, sign_out = cell.anode_electrode, cell.anode_mass_mg * 1e-3, 1.0
    # sign_out: + = sodium leaves the anode / working electrode (PyBaMM's + discharges the cell)
    ocp = electrode.material.ocp
    frames = []
    for k, s in enumerate(run.series):
        t, i_A = s.time_s, s.current_A
        q = np.concatenate([[0.0], np.cumsum(0.5 * (np.abs(i_A[1:]) + np.abs(i_A[:-1])) * np.diff(t))]) / 3.6 / mass_g
        step = steps[k]
        df = pd.DataFrame({
            "time_s": t, "step": k, "label": step.label, "direction": step.direction,
            "current_mA_g": sign_out * i_A * 1e3 / mass_g, "voltage_V": s.voltage_V, "capacity_mAh_g": q,
            "anode_potential_V": s.surface_potential_V if electrode.role == "anode" else np.nan,
            "sodium_fraction": s.sodium_fraction,
        })
        U_eq = ocp.potential(np.clip(s.sodium_fraction, 1e-9, 1 - 1e-9))
        for name, occ in ocp.occupancies(U_eq).items():
            df[f"occupancy_{name}"] = occ
        frames.append(df)
    return pd.concat(frames, ignore_index=True)


@dataclass
class Result:
    """What a run produced.

    Attributes
    ----------
    table : pandas.DataFrame
        Tidy time series: ``time_s``, ``step``, ``label``, ``direction``, ``current_mA_g``,
        ``voltage_V``, ``capacity_mAh_g`` (within the step), ``anode_potential_V``,
        ``sodium_fraction`` and ``occupancy_<stage>`` of each stage.
    steps : pandas.DataFrame
        Per-step summary (see :func:`summarise`).
    wall_time_s : float
        Solve time [s].
    """

    table: pd.DataFrame
    steps: pd.DataFrame
    protocol: tuple[Step, ...]
    cell: HalfCell | FullCell
    wall_time_s: float
    n_completed: int = 0

    @property
    def truncated(self) -> bool:
        return self.n_completed < len(self.protocol)

    def reversible_capacities(self) -> pd.DataFrame:
        """Desodiation (half cell) or discharge (full cell) rows: the reversible capacities."""
        s = self.steps
        return s[s["direction"].isin(["desodiate", "discharge"])].reset_index(drop=True)

    def rate_table(self) -> pd.DataFrame:
        """Per current: reversible capacity, plateau capacity and plateau share (last cycle)."""
        rev = self.reversible_capacities()
        groups = {k: s.rate_group for k, s in enumerate(self.protocol)}
        rev = rev.assign(rate_mA_g=[groups[int(k)] for k in rev["step"]])
        last = rev.groupby("rate_mA_g", sort=False).tail(1)
        out = last[["rate_mA_g", "capacity_mAh_g", "capacity_below_0.1V_mAh_g",
                    "average_voltage_V", "coulombic_efficiency"]].copy()
        out["plateau_share"] = out["capacity_below_0.1V_mAh_g"] / out["capacity_mAh_g"]
        return out.reset_index(drop=True)

    def save_cycler_csv(self, path: str | Path, active_mass_mg: float) -> Path:
        """Write :func:`cycler_frame` of the whole run as a CSV. Refuses to overwrite."""
        frame = cycler_frame(self.table, self.cell.kind, active_mass_mg)
        return write_new(path, frame.to_csv(index=False, float_format="%.9g"))

    def save(self, folder: str | Path, stem: str) -> list[Path]:
        """Write ``<stem>_timeseries.csv`` and ``<stem>_steps.csv`` into ``folder``."""
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        paths = [folder / f"{stem}_timeseries.csv", folder / f"{stem}_steps.csv"]
        self.table.to_csv(paths[0], index=False, float_format="%.8g")
        self.steps.to_csv(paths[1], index=False, float_format="%.8g")
        return paths
