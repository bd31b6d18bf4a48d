"""Protocol steps as PyBaMM steps: signs, currents in A, time bounds, sampling and termination.

A voltage sweep becomes one voltage step per leg, each a linear function of time between two of
its breakpoints (not a dense table: a 2,001-point table cost about 3.8 s per SPMe cycle here,
breakpoints 0.7–1.0 s), so that no kink of V(t) falls inside a solver step; the engine also
bounds the solver's internal step to an eighth of the sweep's sampling period, since outputs
between internal steps are interpolated (unbounded, the SPM's output lagged the programmed
voltage by up to 36 mV at 0.05 mV/s; bounded, by 0.36 mV).

Every number that varies between steps of one kind (a current, a held voltage, a voltage or
current limit, a sweep leg's start and slope) is a PyBaMM input parameter named by the piece's
position in its chunk (:func:`value_input`, :func:`limit_input`), with its value in
:attr:`Piece.inputs`. Steps that differ only in those numbers, their durations and their
sampling then have one :attr:`Piece.structure`, and the engine solves them all with one built,
discretised and compiled model (issue 16, "build once"; PyBaMM reads durations and sampling
periods when it solves, not when it builds).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pybamm

from ..protocols import Current, Drive, Hold, StepKind, Sweep, voltage_falls
from . import names

#: A current step's time bound: this many times the time to pass the electrode's whole capacity.
TIME_BOUND_FACTOR = 1.6


def value_input(k: int) -> str:
    """Input parameter of piece k's value: a current [A, PyBaMM's sign], a held voltage [V], a
    sweep leg's starting voltage [V]."""
    return f"hc-kinetics piece {k} value"


def limit_input(k: int) -> str:
    """Input parameter of piece k's limit: a voltage [V] or current [A] that ends it, or a sweep
    leg's slope [V/s]."""
    return f"hc-kinetics piece {k} limit"


def falling_input(k: int) -> str:
    """Input parameter of piece k's direction to its voltage limit: +1 falling, −1 rising."""
    return f"hc-kinetics piece {k} falls"


class VoltageLimit(pybamm.step.BaseTermination):
    """Piece k ends when the cell voltage reaches the input :func:`limit_input` (k) from the side
    it starts on: the event s·(V − V_lim) with s = :func:`falling_input` (k) (+1 for a voltage
    that falls to its limit, −1 for one that rises), positive until the limit is reached. With
    the direction an input too, sodiation and desodiation steps share one built model (PyBaMM's
    own voltage termination fixes the direction when the model is built)."""

    def __init__(self, k: int):
        super().__init__(pybamm.InputParameter(limit_input(k)))
        self.falls = pybamm.InputParameter(falling_input(k))

    def get_event_name(self, step) -> str:
        return f"Voltage reaches {self.value.name} [V] [experiment]"

    def get_event_expression(self, variables, step):
        return self.falls * (variables[names.VARIABLES["voltage"]] - self.value)


@dataclass(frozen=True)
class Piece:
    """One PyBaMM step of a chunk and the values of its input parameters.

    Attributes
    ----------
    step : pybamm.step.BaseStep
    inputs : dict
        :func:`value_input`, :func:`limit_input` and :func:`falling_input` → value.
    structure : tuple
        What decides the built model: PyBaMM's ``basic_repr`` (kind, input names, termination
        kinds, temperature), and for a drive a digest of its table or its function itself (a
        table's printed form is abbreviated by numpy and cannot tell two tables apart; the
        function is kept, not its ``id``, which a new function could reuse once it is freed).
    """

    step: Any
    inputs: dict[str, float] = field(default_factory=dict)
    structure: tuple = ()


def _piece(step: Any, inputs: dict[str, float] | None = None, identity: Any = None) -> Piece:
    return Piece(step, inputs or {}, (step.basic_repr(), identity))


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

    def steps(self, step: StepKind, start_V: float | None = None, first: int = 0) -> list[Piece]:
        """The PyBaMM pieces of one step (a CC-CV gives two), numbered from ``first`` within its
        chunk. ``start_V`` is where a sweep without its own start begins."""
        if isinstance(step, Hold):
            return [self._hold(step, first)]
        if isinstance(step, Sweep):
            return self._sweep(step, start_V, first)
        if isinstance(step, Drive):
            return [self._drive(step)]
        if step.direction == "rest":
            seconds = step.duration_h * 3600.0
            return [_piece(pybamm.step.rest(seconds, period=step.sample_period_s or max(seconds / 100.0, 1.0),
                                            **_temperature(step)))]
        i_mA_g = self.mA_g_of(step.current)
        sign = names.current_sign(self.cell_kind, step.direction)
        t_max = step.duration_h * 3600.0 if step.duration_h else self.time_bound_s(i_mA_g)
        period = step.sample_period_s or t_max / 400.0
        inputs = {value_input(first): sign * self.amperes(i_mA_g)}
        term = None
        if step.limit_V is not None:
            inputs |= {limit_input(first): float(step.limit_V),
                       falling_input(first): 1.0 if voltage_falls(self.cell_kind, step.direction) else -1.0}
            term = [VoltageLimit(first)]
        out = [_piece(pybamm.step.current(pybamm.InputParameter(value_input(first)), termination=term, duration=t_max,
                                          period=period, **_temperature(step)), inputs)]
        if step.hold_until_mA_g is not None:
            k = first + 1
            out.append(_piece(pybamm.step.voltage(pybamm.InputParameter(value_input(k)), duration=t_max,
                                                  period=period, termination=_current_limit(k),
                                                  **_temperature(step)),
                              {value_input(k): float(step.limit_V),
                               limit_input(k): self.amperes(step.hold_until_mA_g)}))
        return out

    def _hold(self, step: Hold, k: int) -> Piece:
        t_max = (step.duration_h * 3600.0 if step.duration_h
                 else self.time_bound_s(step.until_mA_g))
        inputs = {value_input(k): float(step.voltage_V)}
        term = None
        if step.until_mA_g is not None:
            inputs[limit_input(k)] = self.amperes(step.until_mA_g)
            term = _current_limit(k)
        return _piece(pybamm.step.voltage(pybamm.InputParameter(value_input(k)), termination=term, duration=t_max,
                                          period=step.sample_period_s or t_max / 400.0, **_temperature(step)),
                      inputs)

    def _sweep(self, step: Sweep, start_V: float | None, first: int) -> list[Piece]:
        t_bp, V_bp = step.breakpoints(step.start_V if step.start_V is not None else start_V)
        legs = []
        for j in range(len(t_bp) - 1):
            k = first + j
            V0, slope = float(V_bp[j]), float((V_bp[j + 1] - V_bp[j]) / (t_bp[j + 1] - t_bp[j]))
            duration = float(t_bp[j + 1] - t_bp[j])
            ramp = (pybamm.InputParameter(value_input(k)) + pybamm.InputParameter(limit_input(k))
                    * (pybamm.t - pybamm.InputParameter(names.START_TIME_INPUT)))
            legs.append(_piece(pybamm.step.voltage(ramp, duration=duration, period=min(step.period_s(), duration / 10),
                                                   **_temperature(step)),
                               {value_input(k): V0, limit_input(k): slope}))
        return legs

    def _drive(self, step: Drive) -> Piece:
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
            identity: Any = hashlib.sha256(np.ascontiguousarray(value, float).tobytes()).hexdigest()
        else:
            f = step.function

            def value(t):
                return scale * f(t)
            identity = (f, scale)
        return _piece(factory(value, duration=seconds, termination=term, period=period, **_temperature(step)),
                      identity=identity)


def _current_limit(k: int) -> list:
    """A voltage hold's end: the current falls below the input :func:`limit_input` (k) [A]."""
    return [pybamm.step.CurrentTermination(pybamm.InputParameter(limit_input(k)), operator="<")]


def _temperature(step: StepKind) -> dict:
    """PyBaMM's per-step ambient temperature (isothermal models: the cell's temperature)."""
    return {} if step.temperature_K is None else {"temperature": float(step.temperature_K)}
