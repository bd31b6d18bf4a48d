"""The first cycle as physics: a carbon's first-cycle efficiency (ICE) from its SEI, and the one
loss parameter per material calibrated against the measured ICE (``kinetics calibrate ICE:<set>``).

The first sodiation forms the SEI (:mod:`kinetics.physics.ageing`: tunnelling-limited growth,
fast on the fresh carbon, self-limiting); the sodium it binds does not come back on desodiation,
so ICE = Q_desodiation / Q_sodiation of the first cycle comes out of the model. The unknown is
the SEI exchange current density j₀ (``anode.ageing.sei_exchange_current_density``), found by
Brent's method on log₁₀ j₀ so that the simulated ICE equals the set's measured
``anode.first_cycle_efficiency`` (its source is the paper); every other ageing value keeps its
default. One number, one parameter: a calibration, not a prediction.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from scipy.optimize import brentq

from ..cells import HalfCell
from ..design.balance import BALANCE_CURRENT_mA_g as FIRST_CYCLE_mA_g  # paper 000's first cycles: 20 mA/g
from ..design.balance import FirstCycle, first_cycle
from ..errors import InvalidValueError, RunFailedError, UnknownNameError
from ..progress import Progress
from ..results import Simulator
from ..sets import convert, shipped_file, update_file_values

#: The loss parameter and the measured number it is calibrated against.
LOSS_PARAMETER = convert.ageing_name("anode", "sei_exchange_current_A_m2")
MEASURED = "anode.first_cycle_efficiency"
#: The sets whose first-cycle efficiency is calibrated (paper 000's three ICE values), and the
#: ``kinetics validate`` row each calibration reproduces.
TARGETS = {"MPCC-1-ether": "ice_mpcc1_ether", "MPCC-1-ester": "ice_mpcc1_ester", "PCC-ester": "ice_pcc_ester"}
SETS = tuple(TARGETS)
#: Search interval of log₁₀ j₀ [A/m²]: from a film that barely forms to one that takes the
#: whole first sodiation.
LOG_J0_RANGE = (-6.0, 9.0)
PREFIX = "ICE:"


@dataclass(frozen=True)
class FirstCycleCalibration:
    """The result of ``kinetics calibrate ICE:<set>``."""

    set_name: str
    exchange_current_A_m2: float
    measured: float
    model: FirstCycle
    n_evaluations: int
    wall_time_s: float

    @property
    def command(self) -> str:
        return f"kinetics calibrate {PREFIX}{self.set_name}"

    def to_json(self) -> dict:
        return {"calibration": PREFIX + self.set_name, "command": self.command,
                "parameters": {LOSS_PARAMETER: self.exchange_current_A_m2},
                "paper": {"ice": self.measured}, "model": {"ice": self.model.efficiency,
                                                          "sodiated_mAh_g": self.model.sodiated_mAh_g,
                                                          "desodiated_mAh_g": self.model.desodiated_mAh_g},
                "n_evaluations": self.n_evaluations, "wall_time_s": self.wall_time_s}


def set_of(name: str) -> str:
    """The set a calibration name ``ICE:<set>`` is about."""
    if not name.upper().startswith(PREFIX):
        raise UnknownNameError("first-cycle calibration", name, [PREFIX + s for s in SETS])
    wanted = name[len(PREFIX):]
    for s in SETS:
        if s.lower() == wanted.lower():
            return s
    raise UnknownNameError("first-cycle calibration", name, [PREFIX + s for s in SETS])


def calibrate(set_name: str, model: str = "SPMe", progress: bool = True) -> FirstCycleCalibration:
    """Find the SEI exchange current density at which the set's simulated ICE is its measured one."""
    cell = HalfCell(set_name, model)
    measured = cell.working.first_cycle_efficiency
    if not 0 < measured < 1:
        raise InvalidValueError(f"{set_name}: {MEASURED}", measured, "a measured efficiency below 1")
    sim = Simulator(cell, inputs=(LOSS_PARAMETER,), ageing=True)
    t0 = time.perf_counter()

    def miss(log_j0: float) -> float:
        return first_cycle(cell, simulator=sim, inputs={LOSS_PARAMETER: 10.0 ** log_j0}).efficiency - measured

    log_j0, n = log_root(miss, LOG_J0_RANGE, 1e-3, f"ICE of {set_name}", progress,
                         f"{set_name}: no SEI exchange current in 1e{{lo:g}}–1e{{hi:g}} A/m² gives ICE {measured:.3f}")
    j0 = 10.0 ** log_j0
    achieved = first_cycle(cell, simulator=sim, inputs={LOSS_PARAMETER: j0})
    return FirstCycleCalibration(set_name, j0, measured, achieved, n + 1, time.perf_counter() - t0)


def log_root(miss: Callable[[float], float], bounds: tuple[float, float], xtol: float, description: str,
             progress: bool, refusal: str) -> tuple[float, int]:
    """The root of ``miss`` (a model number minus its target, falling with its argument, a log₁₀ of a
    rate) between ``bounds`` by Brent's method, and how many runs it took; ``refusal`` (with
    ``{lo}``/``{hi}``) when the bounds do not bracket it."""
    n = 0
    with Progress(None, description, enabled=progress, unit="run") as bar:
        def counted(x: float) -> float:
            nonlocal n
            n += 1
            bar.advance()
            return miss(x)

        lo, hi = bounds
        if counted(lo) < 0 or counted(hi) > 0:
            raise RunFailedError(refusal.format(lo=lo, hi=hi))
        return float(brentq(counted, lo, hi, xtol=xtol)), n


def write(result: FirstCycleCalibration) -> list[str]:
    """Store the calibrated value in the set's file, with its command."""
    path = shipped_file(result.set_name)
    update_file_values(path, {LOSS_PARAMETER: result.exchange_current_A_m2}, "calibrated",
                       f"calibrated by `{result.command}`: the simulated first cycle at {FIRST_CYCLE_mA_g:g} mA/g "
                       f"(0.01–3 V window of the set) returns {MEASURED} = {result.measured:.3f} (paper 000)",
                       add=True)
    return [path.name]


def efficiency_percent(set_name: str, model: str = "SPMe") -> float:
    """The model's ICE [%] of a shipped set with its stored loss parameter."""
    cell = HalfCell(set_name, model)
    if not cell.working.ageing.sei:
        raise RunFailedError(f"{set_name} has no SEI ({LOSS_PARAMETER} is 0): run {PREFIX}{set_name}")
    return 100.0 * first_cycle(cell).efficiency

