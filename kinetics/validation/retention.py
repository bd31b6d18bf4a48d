"""Capacity retention of a half cell over long cycling, and the one fade parameter calibrated
against one measured retention (``kinetics calibrate RETENTION:MPCC-1``).

In a half cell the sodium foil replaces the sodium the SEI takes, so the carbon's capacity fades
only by what the carbon itself loses: active material (λ, :mod:`kinetics.physics.ageing`) and the
film's resistance, which pushes the plateau past the cut-off. The SEI's own parameters come from
the first cycle (:mod:`.first_cycle`), so λ is the one unknown left: found by Brent's method on
log₁₀ λ so that MPCC-1 (ester) keeps 91.6 % after 400 cycles, paper 000's number. λ is a property
of the carbon, stored in ``carbon-MPCC-1`` (both MPCC-1 sets); PCC's carbon is given the same
value as an assumption (``carbon-PCC``), so PCC's 400-cycle retention is a prediction from
material facts (its OCP, its SEI from its own ICE, its particles).

Protocol (assumed; paper 000 states 0.1 A g⁻¹ for its 100-cycle ester test and no rate or
electrolyte for the 400-cycle test): the set's window (0.01–3.0 V), 100 mA/g both ways, constant
current, no rest; runs use the fast path (:class:`~kinetics.engine.CycleSkipping`), which agrees
with the full simulation within 1 % of capacity at every cycle (``tests/integration/test_cycling.py``).
"""

from __future__ import annotations

import time
import warnings
from dataclasses import dataclass

import numpy as np

from ..cells import FullCell, HalfCell
from ..engine import CycleSkipping
from ..errors import RunFailedError, SimulationWarning, UnknownNameError
from ..protocols import charge, desodiate, discharge, repeat, sodiate
from ..results import Simulator, every_cycle
from ..sets import convert, shipped_file, update_file_values
from .first_cycle import log_root

CYCLING_mA_g = 100.0
FADE_PARAMETER = convert.ageing_name("anode", "active_material_loss")
#: The calibration: the set, its cycles and paper 000's retention [%].
CALIBRATION_SET, CALIBRATION_CYCLES, CALIBRATION_RETENTION = "MPCC-1-ester", 400, 91.6
NAME = "RETENTION:MPCC-1"
TARGET = "retention_mpcc1_400"
#: Where λ is stored: the calibrated carbon, and the carbon given the same value as an assumption.
CARBON_FILE, ASSUMED_FILES = "carbon-MPCC-1", ("carbon-PCC",)
LOG_LAMBDA_RANGE = (-7.0, -2.0)


def retention_percent(cell: HalfCell | FullCell, cycles: int, current_mA_g: float = CYCLING_mA_g,
                      simulator: Simulator | None = None, inputs: dict[str, float] | None = None) -> float:
    """The desodiation (discharge) capacity of cycle ``cycles`` over that of cycle 1 [%], ageing
    on, fast path. A full cell must carry its balance (as assembled: :func:`~kinetics.design.balance.fresh`)."""
    q = capacities(cell, cycles, current_mA_g, simulator, inputs)
    return float(100.0 * q[-1] / q[0])


def capacities(cell: HalfCell | FullCell, cycles: int, current_mA_g: float = CYCLING_mA_g,
               simulator: Simulator | None = None, inputs: dict[str, float] | None = None) -> np.ndarray:
    """The desodiation (discharge) capacity of every cycle 1…``cycles`` [mAh/g] (see
    :func:`retention_percent`; cycles the fast path skipped interpolated)."""
    sim = simulator or Simulator(cell, ageing=True)
    lo, hi = cell.window_V
    block = ([sodiate(current_mA_g, lo), desodiate(current_mA_g, hi)] if isinstance(cell, HalfCell)
             else [charge(current_mA_g, hi), discharge(current_mA_g, lo)])
    protocol = [repeat(block, cycles, keep_cycles=[1])]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SimulationWarning)  # PlatingWarning too: a truncated run raises below
        r = sim.run(protocol, inputs, fast=CycleSkipping(), stop_at_lost_cutoff=True)
    table = every_cycle(r.cycles, cycles)
    if r.truncated or len(table) < cycles:
        raise RunFailedError(f"{cell.name}, {cycles} cycles: {r.status()}")
    return table["capacity_out_mAh_g"].to_numpy()


@dataclass(frozen=True)
class RetentionCalibration:
    """The result of ``kinetics calibrate RETENTION:MPCC-1``."""

    active_material_loss: float
    retention_percent: float
    n_evaluations: int
    wall_time_s: float

    command = f"kinetics calibrate {NAME}"

    def to_json(self) -> dict:
        return {"calibration": NAME, "command": self.command, "parameters": {FADE_PARAMETER: self.active_material_loss},
                "paper": {"retention_percent": CALIBRATION_RETENTION},
                "model": {"retention_percent": self.retention_percent}, "set": CALIBRATION_SET,
                "cycles": CALIBRATION_CYCLES, "current_mA_g": CYCLING_mA_g,
                "n_evaluations": self.n_evaluations, "wall_time_s": self.wall_time_s}


def check_name(name: str) -> None:
    if name.upper() != NAME:
        raise UnknownNameError("retention calibration", name, [NAME])


def calibrate(model: str = "SPMe", progress: bool = True) -> RetentionCalibration:
    """Find λ at which the model's MPCC-1 (ester) half cell keeps 91.6 % after 400 cycles."""
    cell = HalfCell(CALIBRATION_SET, model)
    sim = Simulator(cell, inputs=(FADE_PARAMETER,), ageing=True)
    t0 = time.perf_counter()

    def miss(log_lam: float) -> float:
        kept = retention_percent(cell, CALIBRATION_CYCLES, simulator=sim, inputs={FADE_PARAMETER: 10.0 ** log_lam})
        return kept - CALIBRATION_RETENTION

    log_lam, n = log_root(miss, LOG_LAMBDA_RANGE, 2e-3, f"retention of {CALIBRATION_SET}", progress,
                          "no active-material loss in 1e{lo:g}–1e{hi:g} per half cycle gives "
                          f"{CALIBRATION_RETENTION} % after {CALIBRATION_CYCLES} cycles")
    lam = 10.0 ** log_lam
    kept = retention_percent(cell, CALIBRATION_CYCLES, simulator=sim, inputs={FADE_PARAMETER: lam})
    return RetentionCalibration(lam, kept, n + 1, time.perf_counter() - t0)


def write(result: RetentionCalibration) -> list[str]:
    """Store λ in the MPCC-1 carbon (calibrated) and in the carbons that assume it."""
    source = (f"calibrated by `{result.command}`: MPCC-1 ester keeps {CALIBRATION_RETENTION} % after "
              f"{CALIBRATION_CYCLES} cycles at {CYCLING_mA_g:g} mA/g (paper 000; rate assumed)")
    update_file_values(shipped_file(CARBON_FILE), {FADE_PARAMETER: result.active_material_loss}, "calibrated",
                       source, add=True)
    for file in ASSUMED_FILES:
        update_file_values(shipped_file(file), {FADE_PARAMETER: result.active_material_loss}, "assumed",
                           f"MPCC-1's value ({result.command}): the same loss of active material per charge "
                           "passed assumed for this carbon", add=True)
    return [CARBON_FILE, *ASSUMED_FILES]
