"""Measured cyclic voltammograms: a cycler file read as potential, current, time and cycle, with
its scan rate read from the potential–time slope.

The file goes through the one reader (:func:`kinetics.io.cycler.read_file`: BioLogic ``.mpr``
through galvani, ``.mpt`` text exports in both decimal locales with their ``Nb header lines``,
CSV/Excel exports with units); this module adds what a voltammogram needs beyond a time series:
its cycle numbers (the file's own cycle column: cyclers count CV cycles differently, so they are
never guessed), its scan rate (stated or measured, and a stated one checked against the
measurement) and one current sign convention (anodic positive: IUPAC's, BioLogic's).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ..errors import InvalidValueError
from .cycler import read_file

#: A stated scan rate must agree with the one measured from the potential–time slope within this share.
SCAN_RATE_TOLERANCE = 0.05
#: Fewest samples a voltammogram must have.
MIN_SAMPLES = 20


@dataclass(frozen=True)
class Voltammogram:
    """One measured (or simulated) voltammogram file.

    Attributes
    ----------
    label : str
        The file's name (how outputs refer to it).
    time_s, potential_V, current_mA : numpy.ndarray
        Time [s], working-electrode potential [V] and current [mA], anodic (oxidising: a carbon's
        desodiation) positive.
    cycle : numpy.ndarray
        The file's own cycle number of each sample.
    scan_rate_mV_s : float
        The scan rate used [mV/s]: the stated one if given, else the measured one.
    measured_scan_rate_mV_s : float
        Median |dE/dt| of the sweep [mV/s].
    mass_mg : float or None
        Active mass [mg] (currents per gram need it).
    notes : list of str
        What was read or decided (scan rate measured; current sign turned).
    """

    label: str
    time_s: np.ndarray = field(repr=False)
    potential_V: np.ndarray = field(repr=False)
    current_mA: np.ndarray = field(repr=False)
    cycle: np.ndarray = field(repr=False)
    scan_rate_mV_s: float
    measured_scan_rate_mV_s: float
    mass_mg: float | None = None
    notes: tuple[str, ...] = ()

    @property
    def cycles(self) -> list[int]:
        return sorted(int(c) for c in np.unique(self.cycle))

    @property
    def current_A_g(self) -> np.ndarray:
        """Specific current [A/g] (needs the mass)."""
        if not self.mass_mg:
            raise InvalidValueError("active mass (--mass-mg)", self.mass_mg, "a positive mass in mg for A/g")
        return self.current_mA / self.mass_mg


def measured_scan_rate(time_s: np.ndarray, potential_V: np.ndarray) -> float:
    """The sweep's scan rate [mV/s]: the median |ΔE/Δt| over the samples that move (a
    piecewise-linear sweep has one slope magnitude; the vertices and any rest are a few samples
    of many, which the median ignores)."""
    dt, dE = np.diff(time_s), np.diff(potential_V)
    moving = (dt > 0) & (np.abs(dE) > 0)
    if moving.sum() < MIN_SAMPLES // 2:
        raise InvalidValueError("potential", "constant", "a potential that is swept (a voltammogram)")
    return float(np.median(np.abs(dE[moving] / dt[moving]))) * 1e3


def stated_mass_mg(path: Path) -> float | None:
    """The active mass an EC-Lab text export states in its header ("Mass of active material :
    1,500 mg"), or None (0 means not entered in EC-Lab)."""
    if path.suffix.lower() != ".mpt":
        return None
    with open(path, encoding="cp1252", errors="replace") as f:
        head = [next(f, "") for _ in range(120)]
    for line in head:
        m = re.match(r"\s*Mass of active material\s*:\s*([0-9.,]+)\s*(mg|g)\b", line)
        if m:
            value = float(m.group(1).replace(",", ".")) * (1e3 if m.group(2) == "g" else 1.0)
            return value if value > 0 else None
    return None


def read_cv(path: str | Path, scan_rate_mV_s: float | None = None, mass_mg: float | None = None,
            columns: Mapping[str, str] | str | None = None, potential_column: str | None = None) -> Voltammogram:
    """Read one voltammogram file.

    Parameters
    ----------
    path : str or Path
        BioLogic ``.mpr``/``.mpt``, or a CSV/Excel export with potential, current, time and cycle
        number columns.
    scan_rate_mV_s : float, optional
        The stated scan rate [mV/s]; checked against the potential–time slope (within
        :data:`SCAN_RATE_TOLERANCE`). By default the measured one is used (and said so).
    mass_mg : float, optional
        Active mass [mg], for currents in A/g; by default the one an EC-Lab ``.mpt`` header states.
    columns, potential_column : optional
        Units of unit-less columns, and which potential to read (see
        :func:`kinetics.io.cycler.read_time_series`).
    """
    path = Path(path)
    if mass_mg is not None and not (np.isfinite(mass_mg) and mass_mg > 0):
        raise InvalidValueError("active mass (--mass-mg)", mass_mg, "a positive mass in mg")
    frame = read_file(path, potential_column, columns).replace([np.inf, -np.inf], np.nan)
    if "cycle" not in frame.columns:
        raise InvalidValueError(f"{path.name}: cycle column", "none",
                                "a cycle number column (BioLogic 'cycle number', 'Cycle', 'Cycle_Index'): "
                                "cyclers count CV cycles differently, so cycles are never guessed")
    frame = frame.dropna().reset_index(drop=True)
    if len(frame) < MIN_SAMPLES:
        raise InvalidValueError(f"{path.name}: rows", len(frame), f"at least {MIN_SAMPLES} rows with numbers")
    t, E = frame["time_s"].to_numpy(float), frame["voltage_V"].to_numpy(float)
    i_mA = frame["current_A"].to_numpy(float) * 1e3
    measured = measured_scan_rate(t, E)
    notes = []
    if scan_rate_mV_s is None:
        used = measured
        notes.append(f"scan rate {measured:.4g} mV/s, measured from the potential–time slope")
    else:
        if not (np.isfinite(scan_rate_mV_s) and scan_rate_mV_s > 0):
            raise InvalidValueError(f"{path.name}: stated scan rate", scan_rate_mV_s, "a positive rate in mV/s")
        if abs(measured / scan_rate_mV_s - 1) > SCAN_RATE_TOLERANCE:
            raise InvalidValueError(f"{path.name}: stated scan rate", f"{scan_rate_mV_s:g} mV/s",
                                    f"the file's own, {measured:.4g} mV/s from its potential–time slope, within "
                                    f"{SCAN_RATE_TOLERANCE:.0%} (check the order of --scan-rates)")
        used = float(scan_rate_mV_s)
        notes.append(f"scan rate {used:g} mV/s stated; {measured:.4g} mV/s measured")
    # one sign convention: the current follows the sweep (anodic positive while the potential rises)
    rising = np.gradient(E) > 0  # by sample, not by time: cyclers repeat time stamps at step changes
    if np.sum(i_mA[rising]) - np.sum(i_mA[~rising]) < 0:
        i_mA = -i_mA
        notes.append("current sign turned: the file records anodic (oxidising) current as negative")
    header_mass = stated_mass_mg(path)
    if mass_mg is None and header_mass is not None:
        mass_mg = header_mass
        notes.append(f"active mass {header_mass:g} mg from the file's header")
    elif mass_mg is not None and header_mass is not None and abs(header_mass / mass_mg - 1) > 1e-3:
        notes.append(f"the file's header states {header_mass:g} mg; {mass_mg:g} mg (--mass-mg) is used")
    return Voltammogram(path.name, t, E, i_mA, frame["cycle"].to_numpy(float).astype(int), used, measured, mass_mg,
                        tuple(notes))
