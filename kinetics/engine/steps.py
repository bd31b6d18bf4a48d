"""Protocol steps as PyBaMM steps: signs, currents in A, time bounds, sampling and termination.

A voltage sweep becomes one voltage step per leg, each a linear function of time between two of
its breakpoints (not a dense table: a 2,001-point table cost about 3.8 s per SPMe cycle here,
breakpoints 0.7–1.0 s), so that no kink of V(t) falls inside a solver step; the engine also
bounds the solver's internal step to an eighth of the sweep's sampling period, since outputs
between internal steps are interpolated (unbounded, the SPM's output lagged the programmed
voltage by up to 36 mV at 0.05 mV/s; bounded, by 0.36 mV).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pybamm

from ..protocols import Current, Drive, Hold, StepKind, Sweep, voltage_falls
from . import names

#: A current step's time bound: this many times the time to pass the electrode's whole capacity.
TIME_BOUND_FACTOR = 1.6


class Translation:
    """How a cell's currents and limits read in PyBaMM's terms.

    Parameters
    ----------
    cell_kind : {"half", "full"}
    amperes : callable
        Specific current [mA/g of the reference electrode] → cell current [A].
    mA_g_of : callable
        :class:`~kinetics.protocols.Current` → the cell's mA/g (mass and 1C of its reference
        electrode).
    capacity_mAh_g : float
        The reference electrode's whole capacity [mAh/g] (bounds a step's time).
    """

    def __init__(self, cell_kind: str, amperes: Callable[[float], float], mA_g_of: Callable[[Current], float],
                 capacity_mAh_g: float):
        self.cell_kind, self.amperes, self.mA_g_of, self.capacity_mAh_g = cell_kind, amperes, mA_g_of, capacity_mAh_g

    def time_bound_s(self, mA_g: float) -> float:
        return TIME_BOUND_FACTOR * self.capacity_mAh_g / mA_g * 3600.0

    def steps(self, step: StepKind, start_V: float | None = None) -> list[Any]:
        """The PyBaMM steps of one step (a CC-CV gives two). ``start_V`` is where a sweep
        without its own start begins."""
        if isinstance(step, Hold):
            return [self._hold(step)]
        if isinstance(step, Sweep):
            return self._sweep(step, start_V)
        if isinstance(step, Drive):
            return [self._drive(step)]
        if step.direction == "rest":
            seconds = step.duration_h * 3600.0
            return [pybamm.step.rest(seconds, period=step.sample_period_s or max(seconds / 100.0, 1.0),
                                     **_temperature(step))]
        i_mA_g = self.mA_g_of(step.current)
        sign = names.current_sign(self.cell_kind, step.direction)
        t_max = step.duration_h * 3600.0 if step.duration_h else self.time_bound_s(i_mA_g)
        term = ([names.voltage_termination(step.limit_V, voltage_falls(self.cell_kind, step.direction))]
                if step.limit_V is not None else None)
        period = step.sample_period_s or t_max / 400.0
        out = [pybamm.step.current(sign * self.amperes(i_mA_g), termination=term, duration=t_max, period=period,
                                   **_temperature(step))]
        if step.hold_until_mA_g is not None:
            out.append(pybamm.step.voltage(step.limit_V, duration=t_max, period=period,
                                           termination=names.current_termination(self.amperes(step.hold_until_mA_g)),
                                           **_temperature(step)))
        return out

    def _hold(self, step: Hold) -> Any:
        t_max = (step.duration_h * 3600.0 if step.duration_h
                 else self.time_bound_s(step.until_mA_g))
        term = None if step.until_mA_g is None else names.current_termination(self.amperes(step.until_mA_g))
        return pybamm.step.voltage(step.voltage_V, termination=term, duration=t_max,
                                   period=step.sample_period_s or t_max / 400.0, **_temperature(step))

    def _sweep(self, step: Sweep, start_V: float | None) -> list[Any]:
        t_bp, V_bp = step.breakpoints(step.start_V if step.start_V is not None else start_V)
        legs = []
        for k in range(len(t_bp) - 1):
            V0, slope = float(V_bp[k]), float((V_bp[k + 1] - V_bp[k]) / (t_bp[k + 1] - t_bp[k]))
            duration = float(t_bp[k + 1] - t_bp[k])
            legs.append(pybamm.step.voltage(_Ramp(V0, slope), duration=duration,
                                            period=min(step.period_s(), duration / 10), **_temperature(step)))
        return legs

    def _drive(self, step: Drive) -> Any:
        seconds = step.duration_h * 3600.0
        period = step.sample_period_s or seconds / 400.0
        term = None
        if step.limits_V is not None:
            term = [names.voltage_termination(step.limits_V[0], True),
                    names.voltage_termination(step.limits_V[1], False)]
        if step.quantity == "voltage_V":
            scale = 1.0
            factory = pybamm.step.voltage
        else:  # + = sodium out of the working electrode (half) or the anode (full)
            scale = names.current_sign(self.cell_kind, "desodiate") * self.amperes(1.0)
            factory = pybamm.step.current
        if step.table is not None:
            t, v = step.table
            value: Any = np.column_stack([t, scale * v])
        else:
            f = step.function

            def value(t):
                return scale * f(t)
        return factory(value, duration=seconds, termination=term, period=period, **_temperature(step))


def _temperature(step: StepKind) -> dict:
    """PyBaMM's per-step ambient temperature (isothermal models: the cell's temperature)."""
    return {} if step.temperature_K is None else {"temperature": float(step.temperature_K)}


class _Ramp:
    """V(t) = V0 + slope·t [V, t in s from the step's start]; a number for a number (PyBaMM checks
    the value at t = 0), an expression for PyBaMM's time symbol."""

    def __init__(self, V0: float, slope_V_s: float):
        self.V0, self.slope = V0, slope_V_s

    def __call__(self, t):
        return self.V0 + self.slope * t

    def __repr__(self) -> str:  # part of the step's identity (a solved chunk is re-used by it)
        return f"Ramp({self.V0!r} V, {self.slope!r} V/s)"
