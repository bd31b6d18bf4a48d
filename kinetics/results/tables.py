"""Simulation results: the tidy time series, per-step and per-cycle summaries, physical guards
and the cycler-file form.

Sign convention of ``current_mA_g``: positive when sodium leaves the anode (the working
electrode of a half cell): desodiation in a half cell, discharge in a full cell.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from .._files import write_new
from ..cells import FullCell, HalfCell
from ..engine import StepSeries
from ..physics.ocp import STAGE_BOUNDARIES_V
from ..protocols import Step, StepKind
from ..units import FARADAY

#: paper 000: the plateau lies below 0.1 V vs Na+/Na
PLATEAU_EDGE_V = STAGE_BOUNDARIES_V[1]
#: The columns of a cycler file as hc-kinetics writes one (virtual data, :meth:`Result.save_cycler_csv`).
CYCLER_COLUMNS = ("Time [s]", "Current [A]", "Voltage [V]")
TABLE_COLUMNS = ["time_s", "step", "cycle", "label", "direction", "current_mA_g", "voltage_V", "capacity_mAh_g",
                 "anode_potential_V", "sodium_fraction"]
SUMMARY_COLUMNS = [
    "step", "cycle", "label", "direction", "current_mA_g", "capacity_mAh_g", "capacity_below_0.1V_mAh_g",
    "capacity_above_0.1V_mAh_g", "average_voltage_V", "energy_mWh_g", "end_voltage_V",
    "duration_h", "coulombic_efficiency", "min_anode_potential_V", "time_below_0V_s", "skipped",
]
CYCLE_COLUMNS = ["block", "cycle", "capacity_in_mAh_g", "capacity_out_mAh_g", "coulombic_efficiency",
                 "energy_out_mWh_g", "average_voltage_out_V", "plateau_out_mAh_g", "sloping_out_mAh_g",
                 "min_anode_potential_V", "time_below_0V_s"]
#: What ageing did by the end of a step (runs with ageing; per gram of the reference electrode):
#: sodium lost in all (SEI + plated + held by lost active material), to the SEI, plated; active
#: material lost [%]; SEI thickness [nm]; the film's resistance [Ω] (its overpotential over the
#: current at the step's end; NaN at rest).
AGEING_COLUMNS = ["sodium_lost_mAh_g", "sei_sodium_mAh_g", "plated_mAh_g", "active_material_lost_percent",
                  "sei_thickness_nm", "film_resistance_ohm"]
#: Sodium fraction outside [0, 1] by more than this is reported (solver tolerance below it).
FRACTION_TOLERANCE = 1e-6
#: Sodium inventory not conserved by more than this share of a step's charge is reported.
INVENTORY_TOLERANCE = 1e-4
_IN, _OUT = ("sodiate", "charge"), ("desodiate", "discharge")


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


def time_below(t: np.ndarray, v: np.ndarray, threshold: float = 0.0) -> float:
    """Time [s] spent with ``v`` below ``threshold`` (linear within each interval)."""
    if len(t) < 2 or not np.any(v < threshold):
        return 0.0
    return capacity_below(t, v, threshold)


def summary_row(k: int, step: StepKind, frame: pd.DataFrame, cell_kind: str, last_in: float | None,
                cycle: int | None = None, skipped: str = "") -> dict:
    """The summary of one step from its tidy rows (see :func:`summarise`)."""
    q = frame["capacity_mAh_g"].to_numpy()
    v = frame["voltage_V"].to_numpy()
    t = frame["time_s"].to_numpy()
    split = v if cell_kind == "half" else frame["anode_potential_V"].to_numpy()
    low = capacity_below(q, split)
    cap = float(q[-1]) if len(q) else 0.0
    energy = _trapz(v, q)
    ce = cap / last_in if (step.direction in _OUT and last_in) else np.nan
    phi = frame["anode_min_potential_V"].to_numpy() if "anode_min_potential_V" in frame else np.full(len(t), np.nan)
    has_phi = np.any(np.isfinite(phi))
    return {
        "step": int(k), "cycle": cycle, "label": step.label, "direction": step.direction,
        "current_mA_g": float(np.median(np.abs(frame["current_mA_g"]))) if step.direction != "rest" else 0.0,
        "capacity_mAh_g": cap, "capacity_below_0.1V_mAh_g": low, "capacity_above_0.1V_mAh_g": cap - low,
        "average_voltage_V": energy / cap if cap > 0 else np.nan, "energy_mWh_g": energy,
        "end_voltage_V": float(v[-1]) if len(v) else np.nan,
        "duration_h": float(t[-1] - t[0]) / 3600.0 if len(t) else 0.0, "coulombic_efficiency": ce,
        "min_anode_potential_V": float(np.nanmin(phi)) if has_phi else np.nan,
        "time_below_0V_s": time_below(t, phi) if has_phi else np.nan, "skipped": skipped,
    }


def _losses(s: StepSeries, mass_mg: float) -> dict[str, np.ndarray]:
    """What side reactions took from the reference electrode along a step [mAh/g of it]: to the
    SEI, plated, with the lost active material, and the share of active material kept."""
    a, n = s.ageing or {}, len(s.time_s)

    def series(key: str, scale: float) -> np.ndarray:
        return np.asarray(a[key], float) * scale if key in a else np.full(n, np.nan)

    per_g = 1e6 / mass_mg  # A.h → mAh/g
    out = {"sei": series("sei_loss_Ah", per_g), "plated": series("plated_Ah", per_g),
           "lam": series("lam_loss_mol", FARADAY / 3600.0 * per_g)}  # mol → A.h → mAh/g
    out["all"] = np.nansum([out["sei"], out["plated"], out["lam"]], axis=0)
    out["kept"] = 1.0 - np.nan_to_num(series("active_material_lost_percent", 0.01))
    return out


def ageing_row(s: StepSeries, mass_mg: float) -> dict:
    """:data:`AGEING_COLUMNS` at the end of a step of a run with ageing (NaN where the model has
    no such law)."""
    a = s.ageing or {}
    loss = _losses(s, mass_mg)
    current = abs(float(s.current_A[-1]))
    film = float(a["film_overpotential_V"][-1]) if "film_overpotential_V" in a else np.nan
    thickness = float(a["sei_thickness_m"][-1]) * 1e9 if "sei_thickness_m" in a else np.nan
    percent = float(a["active_material_lost_percent"][-1]) if "active_material_lost_percent" in a else np.nan
    return {"sodium_lost_mAh_g": float(loss["all"][-1]), "sei_sodium_mAh_g": float(loss["sei"][-1]),
            "plated_mAh_g": float(loss["plated"][-1]), "active_material_lost_percent": percent,
            "sei_thickness_nm": thickness, "film_resistance_ohm": abs(film) / current if current > 0 else np.nan}


def summarise(table: pd.DataFrame, steps: Sequence[StepKind], cell_kind: str) -> pd.DataFrame:
    """One row per step of a tidy table: capacity [mAh/g], capacity below/above 0.1 V [mAh/g],
    average voltage [V], energy [mWh/g], end voltage [V], duration [h], coulombic efficiency (a
    desodiation/discharge step over the preceding sodiation/charge step), and where the table
    has it the carbon's lowest potential vs Na+/Na [V] and the time it spent below 0 V [s].

    Capacities are per gram of the working electrode (half cell) or anode (full cell). The
    0.1 V split uses the cell voltage in a half cell (the carbon vs Na+/Na, as the papers
    count it on the GCD curve) and the anode potential in a full cell.
    """
    rows, last_in = [], None
    for k, g in table.groupby("step", sort=True):
        row = summary_row(int(k), steps[int(k)], g, cell_kind, last_in)
        if steps[int(k)].direction in _IN:
            last_in = row["capacity_mAh_g"]
        rows.append(row)
    return pd.DataFrame(rows, columns=SUMMARY_COLUMNS)


def step_frame(k: int, step: StepKind, s: StepSeries, cell: HalfCell | FullCell,
               cycle: int | None = None, occupancies: bool = True) -> pd.DataFrame:
    """The tidy rows of one solved step (see :class:`Result`); ``occupancies=False`` leaves out
    the stage occupancies (for a step whose rows only feed its summary)."""
    if isinstance(cell, HalfCell):
        electrode, mass_g, sign_out = cell.working, cell.active_mass_mg * 1e-3, -1.0
    else:
        electrode, mass_g, sign_out = cell.anode_electrode, cell.anode_mass_mg * 1e-3, 1.0
    # sign_out: + = sodium leaves the anode / working electrode (PyBaMM's + discharges the cell)
    t, i_A = s.time_s, s.current_A
    q = np.concatenate([[0.0], np.cumsum(0.5 * (np.abs(i_A[1:]) + np.abs(i_A[:-1])) * np.diff(t))]) / 3.6 / mass_g
    anode = electrode.role == "anode"
    frame = pd.DataFrame({
        "time_s": t, "step": k, "cycle": cycle, "label": step.label, "direction": step.direction,
        "current_mA_g": sign_out * i_A * 1e3 / mass_g, "voltage_V": s.voltage_V, "capacity_mAh_g": q,
        "anode_potential_V": s.surface_potential_V if anode else np.nan,
        "sodium_fraction": s.sodium_fraction,
        "anode_min_potential_V": s.anode_potential_min_V,
    })
    for key, part in (s.current_split_A or {}).items():  # the model's own split, same sign
        frame[f"{key}_current_mA_g"] = sign_out * part * 1e3 / mass_g
    if occupancies:
        ocp = electrode.material.ocp
        U_eq = ocp.potential(np.clip(s.sodium_fraction, 1e-9, 1 - 1e-9))
        for name, occ in ocp.occupancies(U_eq).items():
            frame[f"occupancy_{name}"] = occ
    return frame


def guard_notes(k: int, step: StepKind, s: StepSeries, frame: pd.DataFrame, cell: HalfCell | FullCell) -> list[str]:
    """What a step did that a cell should not: plating (the carbon below 0 V vs Na+/Na), a sodium
    fraction outside [0, 1], a sodium inventory that is not conserved."""
    where = f"step {k + 1} ({step.direction}{', ' + step.label if step.label else ''})"
    notes = []
    if s.skipped:
        notes.append(f"{where}: {s.skipped} (it passed no charge)")
    if np.any(s.anode_potential_min_V < 0):
        notes.append(f"{where}: the carbon reaches {np.nanmin(s.anode_potential_min_V) * 1e3:.0f} mV vs Na+/Na and "
                     f"stays below 0 V for {time_below(s.time_s, s.anode_potential_min_V):.0f} s: sodium plating risk")
    for name, x in (("anode" if isinstance(cell, FullCell) else cell.role, s.sodium_fraction),
                    ("cathode", s.counter_fraction)):
        if np.any(np.isfinite(x)) and (np.nanmin(x) < -FRACTION_TOLERANCE or np.nanmax(x) > 1 + FRACTION_TOLERANCE):
            notes.append(f"{where}: the {name}'s sodium fraction leaves [0, 1] ({np.nanmin(x):.4g} to "
                         f"{np.nanmax(x):.4g}): a state outside the electrode's range")
    passed = float(frame["capacity_mAh_g"].iloc[-1])
    if passed > 0:
        moved = _inventory_error_mAh_g(s, cell)
        if abs(moved) > INVENTORY_TOLERANCE * passed:
            notes.append(f"{where}: sodium inventory not conserved ({moved:+.3g} mAh/g of {passed:.4g} mAh/g passed)")
    return notes


def _inventory_error_mAh_g(s: StepSeries, cell: HalfCell | FullCell) -> float:
    """Sodium the electrodes gained or lost beyond what the current carried [mAh/g of the
    reference electrode] (0 when the solver conserves it)."""
    mass = cell.active_mass_mg if isinstance(cell, HalfCell) else cell.anode_mass_mg
    held = s.sodium_mAh_g
    side = 0.0
    if s.ageing:  # sodium held by the active material left, and what side reactions took
        loss = _losses(s, mass)
        held = held * loss["kept"]
        side = float(loss["all"][-1] - loss["all"][0])
    if isinstance(cell, HalfCell):  # PyBaMM's discharge sodiates the working electrode
        into = (s.charge_Ah[-1] - s.charge_Ah[0]) * 1e6 / mass  # mAh/g
        return float(held[-1] - held[0] + side - into)
    gained = held[-1] - held[0] + side
    gained_c = (s.counter_sodium_mAh_g[-1] - s.counter_sodium_mAh_g[0]) * cell.balance.cathode_to_anode_mass
    return float(gained + gained_c)


def cycle_summary(steps: pd.DataFrame, blocks: Sequence[int | None]) -> pd.DataFrame:
    """One row per cycle of a repeat block from the per-step summary: sodium in and out
    [mAh/g], coulombic efficiency (out/in), energy out [mWh/g], average voltage out [V], the
    sodium out below and above 0.1 V (plateau and sloping) [mAh/g], the carbon's lowest
    potential [V] and time below 0 V [s]; with ageing, :data:`AGEING_COLUMNS` at the cycle's end."""
    frame = steps.assign(block=list(blocks))
    frame = frame[frame["cycle"].notna()]
    aged = [c for c in AGEING_COLUMNS if c in steps]
    rows = []
    for (b, c), g in frame.groupby(["block", "cycle"], sort=True):
        q_in = float(g.loc[g["direction"].isin(_IN), "capacity_mAh_g"].sum())
        out = g[g["direction"].isin(_OUT)]
        q_out, e_out = float(out["capacity_mAh_g"].sum()), float(out["energy_mWh_g"].sum())
        plateau = float(out["capacity_below_0.1V_mAh_g"].sum())
        rows.append({"block": int(b), "cycle": int(c), "capacity_in_mAh_g": q_in, "capacity_out_mAh_g": q_out,
                     "coulombic_efficiency": q_out / q_in if q_in > 0 else np.nan, "energy_out_mWh_g": e_out,
                     "average_voltage_out_V": e_out / q_out if q_out > 0 else np.nan,
                     "plateau_out_mAh_g": plateau, "sloping_out_mAh_g": q_out - plateau,
                     "min_anode_potential_V": g["min_anode_potential_V"].min(),
                     "time_below_0V_s": g["time_below_0V_s"].sum(min_count=1)}
                    | {k: float(g[k].iloc[-1]) for k in aged})
    return pd.DataFrame(rows, columns=CYCLE_COLUMNS + aged)


def every_cycle(cycles: pd.DataFrame, n_cycles: int, block: int = 0) -> pd.DataFrame:
    """One row for every cycle 1…``n_cycles`` of repeat block ``block``, up to the last one run:
    cycles the fast path skipped are interpolated linearly between the simulated ones on each
    side; ``simulated`` says which were solved."""
    done = cycles[cycles["block"] == block].set_index("cycle")
    if done.empty:
        return cycles.iloc[0:0].assign(simulated=pd.Series(dtype=bool))
    index = pd.RangeIndex(1, min(int(done.index.max()), n_cycles) + 1, name="cycle")
    full = done.reindex(index)
    numeric = full.select_dtypes("number").columns
    full[numeric] = full[numeric].interpolate(method="index", limit_area="inside")
    full["block"] = block
    full["simulated"] = index.isin(done.index)
    return full.reset_index()[list(cycles.columns) + ["simulated"]]


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


@dataclass
class Result:
    """What a run produced.

    Attributes
    ----------
    table : pandas.DataFrame
        Tidy time series of the steps kept (every step outside repeat blocks; the cycles a
        block keeps): ``time_s``, ``step``, ``cycle``, ``label``, ``direction``,
        ``current_mA_g``, ``voltage_V``, ``capacity_mAh_g`` (within the step),
        ``anode_potential_V``, ``sodium_fraction``, ``anode_min_potential_V`` and
        ``occupancy_<stage>`` of each stage.
    steps : pandas.DataFrame
        Per-step summary of every completed step (see :func:`summarise`).
    cycles : pandas.DataFrame
        Per-cycle summary of repeat blocks (see :func:`cycle_summary`).
    protocol : tuple
        Every step of the run in order (repeat blocks expanded).
    n_completed : int
        Steps completed.
    failure : str or None
        Why the run stopped early (the step and the solver's message), if it did.
    interrupted : bool
        The run was stopped with Ctrl-C; the completed steps are kept.
    notes : list of str
        Physical guards that fired (plating risk, a state outside an electrode's range, an
        inventory that is not conserved), each naming its step.
    wall_time_s : float
        Solve time [s].
    """

    table: pd.DataFrame
    steps: pd.DataFrame
    protocol: tuple[StepKind, ...]
    cell: HalfCell | FullCell
    wall_time_s: float
    n_completed: int = 0
    cycles: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=CYCLE_COLUMNS))
    failure: str | None = None
    interrupted: bool = False
    notes: list[str] = field(default_factory=list)

    @property
    def truncated(self) -> bool:
        return self.n_completed < len(self.protocol)

    @property
    def min_anode_potential_V(self) -> float:
        """The carbon's lowest potential vs Na+/Na over the run [V] (NaN for a cathode half cell)."""
        v = self.steps["min_anode_potential_V"]
        return float(v.min()) if v.notna().any() else float("nan")

    @property
    def time_below_0V_s(self) -> float:
        """Time the carbon spent below 0 V vs Na+/Na [s] (plating risk)."""
        v = self.steps["time_below_0V_s"]
        return float(v.sum()) if v.notna().any() else float("nan")

    def status(self) -> str:
        """One line: complete, or how far the run got and why it stopped."""
        n = len(self.protocol)
        if self.interrupted:
            return f"interrupted after {self.n_completed} of {n} steps (kept: the completed steps)"
        if self.failure:
            return f"stopped after {self.n_completed} of {n} steps: {self.failure}"
        return f"complete ({n} steps)"

    def reversible_capacities(self) -> pd.DataFrame:
        """Desodiation (half cell) or discharge (full cell) rows: the reversible capacities."""
        s = self.steps
        return s[s["direction"].isin(list(_OUT))].reset_index(drop=True)

    def current_mA_g(self, k: int) -> float:
        """Step ``k``'s specific current [mA/g of the working electrode / anode] (0 for a rest or
        a step without a constant current)."""
        step = self.protocol[k]
        if not isinstance(step, Step) or step.direction == "rest":
            return 0.0
        electrode = self.cell.working if isinstance(self.cell, HalfCell) else self.cell.anode_electrode
        mass = self.cell.active_mass_mg if isinstance(self.cell, HalfCell) else self.cell.anode_mass_mg
        return step.current_mA_g(electrode.material.one_c_mA_g, mass)

    def rate_table(self) -> pd.DataFrame:
        """Per current [mA/g]: reversible capacity, plateau capacity and plateau share (last cycle)."""
        rev = self.reversible_capacities()
        groups = {k: s.rate_group for k, s in enumerate(self.protocol)}
        rev = rev.assign(group=[groups[int(k)] for k in rev["step"]],
                         rate_mA_g=[self.current_mA_g(int(k)) for k in rev["step"]])
        rev = rev.groupby("group", sort=False).tail(1)
        out = rev[["rate_mA_g", "capacity_mAh_g", "capacity_below_0.1V_mAh_g",
                   "average_voltage_V", "coulombic_efficiency"]].copy()
        out["plateau_share"] = out["capacity_below_0.1V_mAh_g"] / out["capacity_mAh_g"]
        return out.reset_index(drop=True)

    def save_cycler_csv(self, path: str | Path, active_mass_mg: float) -> Path:
        """Write :func:`cycler_frame` of the whole run as a CSV. Refuses to overwrite."""
        frame = cycler_frame(self.table, self.cell.kind, active_mass_mg)
        return write_new(path, frame.to_csv(index=False, float_format="%.9g"))

    def save(self, folder: str | Path, stem: str) -> list[Path]:
        """Write ``<stem>_timeseries.csv``, ``<stem>_steps.csv`` (and ``<stem>_cycles.csv`` for
        repeat blocks) into ``folder``."""
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        paths = [folder / f"{stem}_timeseries.csv", folder / f"{stem}_steps.csv"]
        self.table.to_csv(paths[0], index=False, float_format="%.8g")
        self.steps.to_csv(paths[1], index=False, float_format="%.8g")
        if len(self.cycles):
            paths.append(folder / f"{stem}_cycles.csv")
            self.cycles.to_csv(paths[-1], index=False, float_format="%.8g")
        return paths
