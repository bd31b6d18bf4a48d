"""Virtual measurements: what a cycler would record from a model cell, with noise.

Used to test and benchmark fitting and identification (recovery of known parameters) and as
virtual experiments: GCD files (one per rate: a sodiation to the lower cut-off followed by a
desodiation to the upper cut-off) and GITT pulse trains, sampled as the solver outputs them,
with seeded Gaussian noise on the voltage, in the columns :data:`~kinetics.results.CYCLER_COLUMNS`;
cyclic voltammograms of half and full cells in the columns of an EC-Lab export
(:data:`CV_COLUMNS`), which ``kinetics cv`` reads.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd

from ._files import write_new
from .cells import FullCell, HalfCell
from .errors import InvalidValueError
from .progress import Progress
from .protocols import Step, gitt, rest, triangular_sweep
from .results import CYCLER_COLUMNS, Simulator, cycler_frame

TIME, CURRENT, VOLTAGE = CYCLER_COLUMNS

#: Samples a virtual cycler logs over a full sodiation (its record interval scales with 1/rate,
#: like logging every fixed step of capacity, ≈ 0.3 mAh/g for MPCC-1).
SAMPLES_PER_STEP = 1000


def virtual_gcd(cell: HalfCell, rates_mA_g: Sequence[float], noise_mV: float = 0.0,
                  seed: int = 0, samples_per_step: int = SAMPLES_PER_STEP) -> dict[float, pd.DataFrame]:
    """Cycler-style time series (:data:`~kinetics.results.CYCLER_COLUMNS`; current negative
    while sodiating, as most cyclers record a half cell's discharge) per rate [mA/g].

    Parameters
    ----------
    cell : HalfCell
        The model cell (its parameter set is the truth).
    rates_mA_g : sequence of float
        Specific currents [mA/g]; one file (one sodiation + desodiation) each.
    noise_mV : float
        Standard deviation of the Gaussian voltage noise [mV] (seeded).
    samples_per_step : int
        Record interval: the time to pass the electrode's total capacity over this number.
    """
    if noise_mV < 0:
        raise InvalidValueError("noise_mV", noise_mV, "a standard deviation >= 0 mV")
    rng = np.random.default_rng(seed)
    sim = Simulator(cell)
    out = {}
    q_total = cell.working.material.ocp.total_capacity_mAh_g
    lo, hi = cell.window_V
    for rate in rates_mA_g:
        period = q_total / rate * 3600.0 / samples_per_step
        steps = (Step("sodiate", float(rate), limit_V=lo, sample_period_s=period),
                 Step("desodiate", float(rate), limit_V=hi, sample_period_s=period))
        result = sim.run(steps)
        frame = cycler_frame(result.table.drop_duplicates("time_s"), "half", cell.active_mass_mg)
        frame[VOLTAGE] += rng.normal(0.0, noise_mV * 1e-3, len(frame))
        out[float(rate)] = frame
    return out


def write_virtual_gcd(cell: HalfCell, rates_mA_g: Sequence[float], folder: str | Path,
                        noise_mV: float = 0.0, seed: int = 0) -> list[Path]:
    """Write :func:`virtual_gcd` files ``gcd_<rate>mAg.csv`` into ``folder`` (never overwrites)."""
    folder = Path(folder)
    return [write_new(folder / f"gcd_{rate:g}mAg.csv", frame.to_csv(index=False, float_format="%.9g"))
            for rate, frame in virtual_gcd(cell, rates_mA_g, noise_mV, seed).items()]


def virtual_gitt(cell: HalfCell, pulse_mA_g: float = 50.0, pulse_min: float = 10.0, rest_min: float = 40.0,
                 direction: str = "sodiate", until_V: float | None = None, first_rest_min: float = 10.0,
                 noise_mV: float = 0.0, seed: int = 0, c_rate: float | None = None) -> pd.DataFrame:
    """A GITT as a cycler records it (:data:`~kinetics.results.CYCLER_COLUMNS`; current
    negative while sodiating): pulses and rests until a pulse reaches ``until_V`` (default: the
    cell window's end in that direction), after which, like a cycler's stop condition, only that
    pulse's rest is kept.

    Parameters
    ----------
    pulse_mA_g, c_rate : float
        Pulse current [mA/g], or a C-rate instead (1C = the material's ``one_c_current``).
    pulse_min, rest_min, first_rest_min : float
        Pulse, rest and initial open-circuit rest durations [min] (paper 003: 10 and 40).
    noise_mV : float
        Gaussian voltage noise [mV] (seeded), added to every sample, never smoothed.
    """
    if c_rate is not None:
        pulse_mA_g = c_rate * cell.working.material.one_c_mA_g
    lo, hi = cell.window_V
    limit = until_V if until_V is not None else (lo if direction == "sodiate" else hi)
    q_total = cell.working.material.ocp.total_capacity_mAh_g
    n = int(np.ceil(1.2 * q_total / (pulse_mA_g * pulse_min / 60.0))) + 1
    if direction == "desodiate":  # start from a fully sodiated carbon: a slow sodiation and a rest
        pre = (Step("sodiate", float(pulse_mA_g) / 5, limit_V=lo), rest(2.0))
    else:
        pre = ()
    steps = pre + gitt(pulse_mA_g, pulse_min, rest_min, direction, limit, n, first_rest_min)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = Simulator(cell).run(steps)
    table = result.table
    table = table[table["step"] >= len(pre)]
    # the first pulse that ended early (at the limit) ends the experiment after its rest
    pulse_steps = [k for k, s in enumerate(steps) if s.direction == direction and k >= len(pre)]
    for k in pulse_steps:
        g = table[table["step"] == k]
        if len(g) and g["time_s"].iloc[-1] - g["time_s"].iloc[0] < pulse_min * 60.0 * 0.999:
            table = table[table["step"] <= k + 1]
            break
    frame = cycler_frame(table.drop_duplicates("time_s"), "half", cell.active_mass_mg)
    frame[TIME] -= frame[TIME].iloc[0]
    frame[VOLTAGE] += np.random.default_rng(seed).normal(0.0, noise_mV * 1e-3, len(frame))
    return frame


#: Columns of a virtual voltammogram: BioLogic's names, which the column grammar reads.
CV_COLUMNS = ("time/s", "Ewe/V", "<I>/mA", "cycle number")
#: Extra columns of a virtual voltammogram whose model has a double layer or surface storage: its
#: own split of the (noise-free) current [mA, anodic positive]; they sum to the current.
CV_SPLIT_COLUMNS = {"double_layer": "model double-layer current/mA", "surface": "model surface-limited current/mA",
                    "diffusion": "model diffusion-limited current/mA"}
#: Extra column of a full cell's virtual voltammogram: the carbon's lowest potential across its
#: coating [V vs Na+/Na] (next to the separator): the plating margin while the cell charges.
CV_ANODE_POTENTIAL = "model lowest anode potential vs Na/V"
#: Samples per millivolt of sweep in a virtual voltammogram.
CV_SAMPLES_PER_mV = 0.5


def virtual_cv(cell: HalfCell | FullCell, scan_rates_mV_s: Sequence[float], window_V: tuple[float, float] | None = None,
               cycles: int = 2, noise: float = 0.0, seed: int = 0, progress: bool = False) -> dict[float, pd.DataFrame]:
    """Cyclic voltammograms of a half or full cell, one per scan rate [mV/s], sampled every
    1/:data:`CV_SAMPLES_PER_mV` mV, in :data:`CV_COLUMNS` (cycle k = the k-th triangle). Each
    starts where the cell rests (its open-circuit potential, no jump).

    Half cell (carbon vs sodium): from the desodiated carbon at the top of its window, ``cycles``
    triangles down to ``window_V[0]`` and up to ``window_V[1]`` (default the cell's window); the
    anodic (desodiation) current is positive.

    Full cell (a balanced :class:`~kinetics.cells.FullCell`): from the cell as assembled
    (discharged: the carbon empty, so it may rest below the window), triangles up to
    ``window_V[1]`` and down to ``window_V[0]``. ``Ewe/V`` is the cell voltage (the cathode as
    working electrode, the carbon as counter) and the current is positive while charging
    (oxidation at the cathode, EC-Lab's sign), so the carbon's desodiation is on the negative
    branch. Currents are per cell; the split columns are the anode's, and
    :data:`CV_ANODE_POTENTIAL` is the carbon's lowest potential vs Na+/Na.

    ``noise``: Gaussian current noise as a share of each sample's |current| (seeded).
    """
    (lo, hi), rates = check_cv(cell, scan_rates_mV_s, window_V, cycles, noise)
    rng = np.random.default_rng(seed)
    sim = Simulator(cell)
    out = {}
    with Progress(len(rates), "virtual CV", progress, unit="scan rate") as bar:
        for rate in rates:
            out[rate] = _one_cv(sim, cell, lo, hi, rate, cycles, noise, rng)
            bar.advance(status=f"{rate:g} mV/s")
    return out


def check_cv(cell: HalfCell | FullCell, scan_rates_mV_s: Sequence[float], window_V: tuple[float, float] | None,
             cycles: int, noise: float) -> tuple[tuple[float, float], list[float]]:
    """The vertices (default the cell's window) and scan rates of :func:`virtual_cv`, checked
    before any solve (a full cell's window is known before its balance is computed)."""
    lo, hi = window_V if window_V is not None else cell.window_V
    if not (np.isfinite(lo) and np.isfinite(hi) and lo < hi):
        raise InvalidValueError("CV window", (lo, hi), "LOW:HIGH with LOW < HIGH, in V")
    c_lo, c_hi = cell.window_V
    if lo < c_lo - 1e-9 or hi > c_hi + 1e-9:
        raise InvalidValueError("CV window", f"{lo:g}:{hi:g} V", f"inside the cell's window {c_lo:g}–{c_hi:g} V")
    if not (isinstance(cycles, int) and cycles >= 1):
        raise InvalidValueError("cycles", cycles, "a whole number of cycles >= 1")
    if noise < 0:
        raise InvalidValueError("noise", noise, "a share of the current >= 0")
    rates = [float(r) for r in scan_rates_mV_s]
    for r in rates:
        if not (np.isfinite(r) and r > 0):
            raise InvalidValueError("scan rate", r, "a positive rate in mV/s")
    return (float(lo), float(hi)), rates


def _one_cv(sim: Simulator, cell: HalfCell | FullCell, lo: float, hi: float, rate: float, cycles: int, noise: float,
            rng: np.random.Generator) -> pd.DataFrame:
    """One voltammogram: the triangles from where the cell is, a sample every 1/CV_SAMPLES_PER_mV mV."""
    half = cell.kind == "half"
    sweep = triangular_sweep(lo, hi, float(rate), cycles, first="down" if half else "up", start_V=None)
    sweep = replace(sweep, sample_period_s=1.0 / (CV_SAMPLES_PER_mV * float(rate)))
    table = sim.run((sweep,)).table
    table = table[np.r_[True, np.diff(table["time_s"].to_numpy()) > 1e-6]]  # one sample where two legs meet
    t = table["time_s"].to_numpy() - table["time_s"].iloc[0]
    t_bp, _ = sweep.breakpoints(float(table["voltage_V"].iloc[0]))
    leg = np.clip(np.searchsorted(t_bp, t, side="right") - 1, 0, len(t_bp) - 2)
    # mA/g (+ = sodium out of the carbon) → mA with the file's sign: anodic at the working electrode
    to_mA = (cell.active_mass_mg if half else -cell.anode_mass_mg) * 1e-3
    current_mA = table["current_mA_g"].to_numpy() * to_mA
    current_mA = current_mA * (1.0 + noise * rng.standard_normal(len(t)))
    frame = pd.DataFrame({CV_COLUMNS[0]: t, CV_COLUMNS[1]: table["voltage_V"].to_numpy(),
                          CV_COLUMNS[2]: current_mA, CV_COLUMNS[3]: leg // 2 + 1})
    for key, column in CV_SPLIT_COLUMNS.items():  # the model's own split (noise-free), if it has one
        if f"{key}_current_mA_g" in table:
            frame[column] = table[f"{key}_current_mA_g"].to_numpy() * to_mA
    if not half:
        frame[CV_ANODE_POTENTIAL] = table["anode_min_potential_V"].to_numpy()
    return frame
