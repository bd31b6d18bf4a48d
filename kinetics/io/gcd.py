"""Measured galvanostatic charge–discharge (GCD) data: reading, segmentation and selection.

A measured file becomes a :class:`GCDData`: a sequence of :class:`Segment` objects (constant-
current sodiations and desodiations and open-circuit rests) that together cover the whole
measurement without gaps, so that a model driven segment by segment experiences the measured
protocol. Three kinds of input are read:

* cycler time series (CSV/Excel exports with unit-aware columns: time, current, voltage; or
  native BioLogic/Neware files through :mod:`kinetics.io.native`), with the active mass stated
  by the user to turn the current into mA/g;
* curves digitised from a paper: two columns, capacity (mAh/g, or mAh with the active mass)
  and voltage, with the constant current stated by the user as mA, mA/g or a C-rate;
* either of the above with a stated current (``curve.csv@20mA/g``), which is checked against
  the file's own current where it has one.

Directions are read from the data: the voltage of a carbon-vs-sodium half cell falls while the
carbon is sodiated. Cyclers differ in their sign convention; the current's sign only has to be
consistent within a file.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd

from ..cells import POTENTIALS
from ..errors import InvalidValueError
from ..protocols import Current
from .columns import identify, parse_statement, pick, values_in
from .cycler import has_time_series, read_file, read_table, select_rows, series_from_table
from .native import NATIVE_SUFFIXES

Kind = Literal["sodiate", "desodiate", "rest"]
#: A sample is at rest when |I| is below this share of the file's largest |I|.
REST_SHARE = 0.02
#: A new constant-current segment starts when |I| moves more than this share from the
#: current segment's median.
CURRENT_CHANGE_SHARE = 0.05
#: A run's current level is the median of its first samples (up to this many): a median of the
#: whole run so far made reading a 200,000-row file take 14 s.
LEVEL_SAMPLES = 25
#: Fewest samples a sodiation or desodiation curve must have to be fitted.
MIN_POINTS = 10
#: A full cell's electrode potential whose median (vs a sodium reference) is below this is the
#: anode's [V]: carbons sit at 0–1.5 V vs Na⁺/Na, sodium-ion cathodes at 2–4.5 V.
ANODE_POTENTIAL_BELOW_V = 1.8


def parse_data_argument(text: str) -> tuple[Path, Current | None]:
    """``"curve.csv@0.254mA"`` → (Path("curve.csv"), Current(0.254, "mA")).

    The part after the last ``@`` is a current in the protocols' grammar
    (:class:`kinetics.protocols.Current`): a current (A, mA, µA), a specific current (mA/g,
    A/g) or a C-rate (``C``, ``C/20``). Without ``@`` the whole text is the path.
    """
    if "@" not in text:
        return Path(text), None
    path, _, spec = text.rpartition("@")
    try:
        return Path(path), Current.parse(spec.strip(), "DATA")
    except InvalidValueError:
        raise InvalidValueError("DATA", text, "a current such as @0.254mA, @20mA/g or @0.1C after the file "
                                "name") from None


@dataclass(frozen=True)
class Segment:
    """One constant-current step or rest of a measurement.

    Attributes
    ----------
    kind : {"sodiate", "desodiate", "rest"}
        What happens to the working electrode (the carbon in a half cell).
    current_mA_g : float
        Magnitude of the specific current [mA/g]; 0 for a rest.
    duration_s : float
        Length of the step [s] (up to the first sample of the next step).
    time_s, voltage_V : numpy.ndarray
        Measured samples, time from the start of the step [s] and cell voltage [V].
    cycle : int
        Cycle number (1-based; a cycle begins with each sodiation that follows a desodiation).
    """

    kind: Kind
    current_mA_g: float
    duration_s: float
    time_s: np.ndarray = field(repr=False)
    voltage_V: np.ndarray = field(repr=False)
    cycle: int = 1

    @property
    def capacity_mAh_g(self) -> np.ndarray:
        """Specific capacity passed since the start of the step [mAh/g]."""
        return self.time_s * self.current_mA_g / 3600.0


@dataclass(frozen=True)
class GCDData:
    """A measured GCD file (or digitised curve) as a gap-free sequence of segments."""

    label: str
    segments: tuple[Segment, ...]
    source: str
    mass_mg: float | None = None
    dropped_rows: int = 0
    fitted_kinds: tuple[Kind, ...] = ("sodiate", "desodiate")
    #: What the segments' voltage is: the cell voltage (``"cell"``), or one electrode's potential
    #: against a reference electrode (``"anode"``/``"cathode"`` of a full cell, ``"working"`` of a
    #: half cell), read from a three-electrode file's ``potential_column``.
    potential: str = "cell"

    @property
    def curves(self) -> tuple[Segment, ...]:
        """The sodiation and desodiation segments (what a fit compares)."""
        return tuple(s for s in self.segments if s.kind != "rest")

    @property
    def first_kind(self) -> Kind:
        return self.curves[0].kind

    def select(self, cycles: tuple[int, ...] | None = None,
               kinds: tuple[Kind, ...] | None = None) -> GCDData:
        """Only the given cycles, and only curves of the given kinds.

        Selecting cycles keeps the segments of those cycles (with their rests) as one
        protocol; curves of unselected kinds stay in the protocol (they carry the state) but
        are not compared (see :meth:`fitted`).
        """
        segs = self.segments
        if cycles is not None:
            known = sorted({s.cycle for s in segs})
            for c in cycles:
                if c not in known:
                    raise InvalidValueError("cycle", c, f"one of the file's cycles {known}")
            segs = tuple(s for s in segs if s.cycle in cycles)
        return replace(self, segments=segs, fitted_kinds=tuple(kinds) if kinds else self.fitted_kinds)

    def fitted(self, segment: Segment) -> bool:
        """Whether ``segment`` is one of the curves a fit compares."""
        return segment.kind in self.fitted_kinds


# ----------------------------------------------------------------------------- reading
def read_measurement(path: Path, columns: Mapping[str, str] | str | None = None, cycle: int | None = None,
                     step_index: int | None = None, potential_column: str | None = None) -> tuple[pd.DataFrame, bool]:
    """(``time_s``, ``current_A``, ``voltage_V``) of a cycler file, or a digitised
    (``capacity``, ``voltage``) table: returns the frame and whether it is a time series.
    ``columns``, ``cycle``, ``step_index``, ``potential_column``: see
    :func:`kinetics.io.cycler.read_time_series`."""
    if not path.exists():
        raise InvalidValueError("DATA", str(path), "an existing file")
    if path.suffix.lower() in NATIVE_SUFFIXES:
        return read_file(path, potential_column, columns, cycle, step_index), True
    table = read_table(path, columns)
    statement = parse_statement(columns)
    if has_time_series(table, statement):
        return series_from_table(table, path, potential_column, statement, cycle, step_index), True
    if potential_column is not None:
        raise InvalidValueError("--potential-column", potential_column,
                                f"a column of a cycler time series ({path.name} is a capacity–voltage table)")
    cols = identify(table, statement, path.name)
    table = select_rows(table, cols, path.name, cycle, step_index)
    allowed = ("time, current and voltage columns with units (a cycler export), or capacity and voltage "
               "columns (a digitised curve), e.g. 'Capacity [mAh/g]' and 'Voltage [V]' or capacity_mAh,voltage_V")
    volt = pick(cols, "potential", path.name, allowed)
    cap = pick(cols, "specific capacity", path.name) or pick(cols, "capacity", path.name, allowed)
    target = "mAh/g" if cap.role == "specific capacity" else "mAh"
    return pd.DataFrame({"capacity": values_in(table, cap, target).to_numpy(),
                         "capacity_unit": target,
                         "voltage_V": values_in(table, volt, "V").to_numpy()}), False


def _clean(frame: pd.DataFrame, path: Path) -> tuple[pd.DataFrame, int]:
    n = len(frame)
    frame = frame.replace([np.inf, -np.inf], np.nan).dropna().reset_index(drop=True)
    if len(frame) < MIN_POINTS:
        raise InvalidValueError(f"{path.name}: rows", len(frame),
                                f"at least {MIN_POINTS} rows with numbers in every column")
    return frame, n - len(frame)


def _runs(current_mA_g: np.ndarray) -> list[tuple[int, int]]:
    """Index ranges [a, b) of samples with one sign and one current level (or at rest)."""
    scale = np.max(np.abs(current_mA_g))
    state = np.where(np.abs(current_mA_g) < REST_SHARE * scale, 0, np.sign(current_mA_g)).astype(int)
    runs, a = [], 0
    for k in range(1, len(state) + 1):
        end = k == len(state)
        if not end and state[k] == state[a]:
            if state[a] == 0:
                continue
            level = np.median(np.abs(current_mA_g[a:min(k, a + LEVEL_SAMPLES)]))
            if abs(abs(current_mA_g[k]) - level) <= CURRENT_CHANGE_SHARE * level or k - a < 3:
                continue
        runs.append((a, k))
        a = k
    # single stray samples at switching instants join the previous run (the next one at the start:
    # a file whose first sample is the end of an earlier step)
    merged: list[tuple[int, int]] = []
    for a, b in runs:
        if merged and (b - a < 3 or merged[-1][1] - merged[-1][0] < 3 and len(merged) == 1):
            merged[-1] = (merged[-1][0], b)
        else:
            merged.append((a, b))
    return merged


def segment_time_series(frame: pd.DataFrame, mass_mg: float, label: str, path: Path,
                        cell_kind: str = "half") -> list[Segment]:
    """Split a time series into rests and constant-current segments, directions from the data
    (the voltage falls while a half cell's working electrode is sodiated and rises while a full
    cell's anode is: a full cell's charge)."""
    t = frame["time_s"].to_numpy(float)
    if np.any(np.diff(t) < 0):
        k = int(np.flatnonzero(np.diff(t) < 0)[0]) + 1
        raise InvalidValueError(f"{path.name}: time", f"{t[k - 1]:g} s then {t[k]:g} s at row {k}",
                                "time that never goes backwards")
    i_mA_g = frame["current_A"].to_numpy(float) * 1e3 / (mass_mg * 1e-3)
    v = frame["voltage_V"].to_numpy(float)
    if not np.any(np.abs(i_mA_g) > 0):
        raise InvalidValueError(f"{path.name}: current", 0.0, "a file in which current flows")
    runs = _runs(i_mA_g)
    # which current sign sodiates: the voltage falls during sodiation
    trend = {1: 0.0, -1: 0.0}
    for a, b in runs:
        s = int(np.sign(np.median(i_mA_g[a:b]))) if abs(np.median(i_mA_g[a:b])) > 0 else 0
        if s and b - a >= 2 and abs(np.median(i_mA_g[a:b])) >= REST_SHARE * np.max(np.abs(i_mA_g)):
            trend[s] += v[b - 1] - v[a]
    if trend[1] * trend[-1] > 0:
        raise InvalidValueError(f"{path.name}: current sign", "the voltage moves the same way under "
                                "positive and negative current", "a file whose current sign tells "
                                "sodiation from desodiation (check the current column)")
    falling_sign = 1 if (trend[1] < 0 or trend[-1] > 0) else -1
    sodiating_sign = falling_sign if cell_kind == "half" else -falling_sign
    segs: list[Segment] = []
    cycle, last_kind = 1, None
    for n, (a, b) in enumerate(runs):
        stop = runs[n + 1][0] if n + 1 < len(runs) else b - 1
        duration = t[stop] - t[a]
        level = float(np.median(i_mA_g[a:b]))
        if abs(level) < REST_SHARE * np.max(np.abs(i_mA_g)):
            kind: Kind = "rest"
            level = 0.0
        else:
            kind = "sodiate" if np.sign(level) == sodiating_sign else "desodiate"
        if kind == "sodiate" and last_kind == "desodiate":
            cycle += 1
        if kind != "rest":
            last_kind = kind
        if duration <= 0:
            continue
        segs.append(Segment(kind, abs(level), float(duration), t[a:b] - t[a], v[a:b], cycle))
    return segs


def digitised_segment(frame: pd.DataFrame, current_mA_g: float, path: Path, cell_kind: str = "half") -> Segment:
    """A digitised capacity–voltage curve at a stated constant current, as one segment (a
    falling voltage sodiates a half cell's working electrode and desodiates a full cell's anode)."""
    frame = frame.sort_values("capacity", kind="stable")
    q = frame["capacity"].to_numpy(float)
    v = frame["voltage_V"].to_numpy(float)
    if q[0] < 0:
        raise InvalidValueError(f"{path.name}: capacity", q[0], "capacities >= 0")
    kind: Kind = "sodiate" if (v[-1] < v[0]) == (cell_kind == "half") else "desodiate"
    t = q / current_mA_g * 3600.0
    return Segment(kind, current_mA_g, float(t[-1]), t, v, 1)


#: This many consecutive steps of one direction, each at another current, are not a GCD protocol.
CHANGING_CURRENT_STEPS = 4


def _check_changing_current(segs: list[Segment], label: str) -> None:
    """A run of steps in one direction whose current keeps changing (a constant-voltage phase, a
    pulse test or a second protocol in the file) with a step too short to fit: say so and how to
    select the constant-current steps, instead of fitting a staircase."""
    run: list[Segment] = []
    for s in [*segs, None]:
        if s is not None and s.kind != "rest" and run and s.kind == run[-1].kind:
            run.append(s)
            continue
        if len(run) >= CHANGING_CURRENT_STEPS and any(len(r.time_s) < MIN_POINTS for r in run):
            raise InvalidValueError(
                f"{label}: {run[0].kind} steps (cycle {run[0].cycle})",
                f"{len(run)} consecutive steps whose current changes ({run[0].current_mA_g:.4g} → "
                f"{run[-1].current_mA_g:.4g} mA/g): a constant-voltage phase or a second protocol",
                "constant-current steps: select them with --step-index K (the file's step column) or --cycle N")
        run = [s] if s is not None and s.kind != "rest" else []


def read_gcd(text: str | Path, mass_mg: float | None = None, one_c_mA_g: float = 300.0,
             stated: Current | None = None, label: str | None = None,
             columns: Mapping[str, str] | str | None = None, step_index: int | None = None,
             cell_kind: str = "half", potential_column: str | None = None,
             potential: str | None = None) -> GCDData:
    """Read one DATA argument (a path, optionally ``@`` a stated current) into :class:`GCDData`.

    Parameters
    ----------
    text : str or Path
        ``"gcd.csv"``, ``"cell.mpr"``, ``"fig3a.csv@20mA/g"``.
    mass_mg : float, optional
        Active mass [mg]: needed for currents in A/mA and capacities in mAh.
    one_c_mA_g : float
        What 1C means [mA/g] for a stated C-rate.
    columns : str or mapping, optional
        Units of unit-less columns (``"time=ms,current=A"``), never guessed.
    step_index : int, optional
        Only the rows of this step of the file's own step column. (Cycles are selected after
        segmentation, :meth:`GCDData.select`, because cyclers count them differently.)
    cell_kind : {"half", "full"}
        A full cell's file: ``mass_mg`` is the anode's active mass and its charge sodiates the
        anode.
    potential_column : str, optional
        Header of the potential to read instead of the cell voltage: an electrode's potential
        against the reference electrode of a three-electrode file (BioLogic's ``Ewe/V`` and
        ``Ece/V``). The data's label gets the electrode in brackets, ``"cell.mpr[anode]"``.
    potential : {"cell", "anode", "cathode", "working"}, optional
        Whose potential ``potential_column`` is (:data:`kinetics.cells.POTENTIALS`; ``"cell"``:
        it is the cell voltage). By default a half cell's carbon (``"working"``) and, in a full
        cell, the anode if the column's median is below :data:`ANODE_POTENTIAL_BELOW_V` vs the
        reference, else the cathode.
    """
    if cell_kind not in ("half", "full"):
        raise InvalidValueError("cell_kind", cell_kind, "'half' or 'full'")
    allowed = list(POTENTIALS[cell_kind])
    if potential is not None and potential not in allowed:
        raise InvalidValueError(f"electrode whose potential a {cell_kind} cell's file holds", potential,
                                f"one of {allowed}")
    if potential is not None and potential_column is None:
        raise InvalidValueError("potential_column", None, f"the header of the {potential}'s potential column")
    path, from_text = parse_data_argument(str(text)) if not isinstance(text, Path) else (text, None)
    stated = stated or from_text
    label = label or str(text)
    if mass_mg is not None and not (np.isfinite(mass_mg) and mass_mg > 0):
        raise InvalidValueError("active mass (--mass-mg)", mass_mg, "a positive mass in mg")
    frame, is_series = read_measurement(path, columns, step_index=step_index, potential_column=potential_column)
    frame, dropped = _clean(frame, path)
    if potential_column is None:
        potential = "cell"
    else:
        if potential is None:
            median = float(np.median(frame["voltage_V"]))
            potential = ("working" if cell_kind == "half" else
                         "anode" if median < ANODE_POTENTIAL_BELOW_V else "cathode")
        if potential != "cell":
            label = f"{label}[{potential}]"
    # the direction of the current from the data: an anode's (or a half cell's carbon's) potential
    # falls while it is sodiated, a full cell's voltage and its cathode's potential rise
    direction_kind = "half" if potential in ("anode", "working") else cell_kind
    if is_series:
        if not mass_mg:
            raise InvalidValueError("active mass (--mass-mg)", mass_mg,
                                    f"a positive mass in mg: {path.name} has a current in A, "
                                    "which becomes mA/g only with the active mass")
        segs = segment_time_series(frame, mass_mg, label, path, direction_kind)
        if stated is not None:
            want = stated.mA_g(mass_mg, one_c_mA_g)
            for s in segs:
                if s.kind != "rest" and abs(s.current_mA_g / want - 1) > CURRENT_CHANGE_SHARE:
                    raise InvalidValueError(f"{label}: stated current", str(stated),
                                            f"the file's own current, {s.current_mA_g:.4g} mA/g with "
                                            f"{mass_mg:g} mg (a {s.kind} step), within 5 %")
    else:
        if stated is None:
            raise InvalidValueError(f"{label}: current", None, "a constant current after the file name "
                                    "(@0.254mA, @20mA/g or @0.1C): a capacity–voltage table has no "
                                    "current column")
        current = stated.mA_g(mass_mg, one_c_mA_g)
        if frame["capacity_unit"].iloc[0] == "mAh":
            if not mass_mg:
                raise InvalidValueError("active mass (--mass-mg)", mass_mg,
                                        f"a positive mass in mg: {path.name}'s capacity is in mAh")
            frame = frame.assign(capacity=frame["capacity"] / (mass_mg * 1e-3))
        segs = [digitised_segment(frame, current, path, direction_kind)]
    _check_changing_current(segs, label)
    for s in segs:
        if s.kind != "rest" and len(s.time_s) < MIN_POINTS:
            raise InvalidValueError(f"{label}: {s.kind} curve (cycle {s.cycle})", f"{len(s.time_s)} points",
                                    f"at least {MIN_POINTS} points per curve")
    if not any(s.kind != "rest" for s in segs):
        raise InvalidValueError(f"{label}", "only rests", "a file with a sodiation or desodiation")
    return GCDData(label, tuple(segs), str(path), mass_mg, dropped, potential=potential)
