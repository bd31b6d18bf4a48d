"""Replaying a measured protocol on a half cell, with the solver's forward sensitivities.

The PyBaMM model is built once with the given input parameters, the applied current and the
initial sodium fraction as ``pybamm.InputParameter`` s, then discretised twice: one copy for
plain solves (residuals) and one whose IDAKLU solver also integrates the forward sensitivity
equations (IDAS) (Jacobians). No replay rebuilds anything.

Each step is solved for its fixed duration with ``solver.step`` at its constant current, so step
ends are fixed times, not voltage events, and the sensitivities carried from one step into the
next are exact (PyBaMM's sensitivities ignore the movement of event-triggered step transitions).
The voltage cut-off events are removed: a trial parameter set with too little capacity is driven
past its cut-off, and its voltage error is simply large.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pybamm

from ..cells import FullCell, HalfCell
from ..errors import InvalidValueError
from ..protocols import ReplayStep
from . import names
from .build import INITIAL_FRACTION_INPUT, build, step_on_input, time_scale_input
from .solve import make_solver

CURRENT_INPUT = names.CELL["current"]
VARIABLES_CURRENT = names.VARIABLES["current"]


@dataclass(frozen=True)
class ReplayOutput:
    """Model voltage of one replayed step at its output times, with its sensitivities.

    Attributes
    ----------
    time_s : numpy.ndarray
        The step's output times [s from its start].
    voltage_V : numpy.ndarray
        The replayed potential [V] at those times: the cell voltage, or an electrode's potential
        against the reference electrode (:func:`~kinetics.engine.names.potential_variable`).
    sensitivities : numpy.ndarray or None
        dV/dp, shape (times, parameters), in the order of :attr:`Replayer.sensitivity_names`
        (the input names, then the initial sodium fraction).
    """

    time_s: np.ndarray
    voltage_V: np.ndarray
    sensitivities: np.ndarray | None


class Replayer:
    """A half cell built once to replay fixed-duration steps with input parameters ``names``.

    ``mass_mg`` is the active mass (working electrode, or anode) that the steps' specific currents
    refer to; default the cell's own.

    With ``time_scales=n`` the model is built with a time scale per step
    (:func:`~kinetics.engine.build.build`), and the sensitivities also cover s_0 … s_{n−1}
    (the last columns): the derivatives with respect to each step's end time.

    Attributes
    ----------
    read : list of str
        The input names the model actually reads (a name it ignores is not among them).
    """

    def __init__(self, cell: HalfCell | FullCell, input_names: Sequence[str], time_scales: int = 0,
                 mass_mg: float | None = None):
        if not isinstance(cell, HalfCell | FullCell):
            raise InvalidValueError("cell", type(cell).__name__, "a HalfCell or a FullCell")
        self.cell = cell
        self.half = isinstance(cell, HalfCell)
        self.input_names = list(input_names)
        self.time_scales = time_scales
        self.scale_names = [time_scale_input(k) for k in range(time_scales)]
        # a half cell starts each file from its own sodium fraction (an input); a full cell from
        # the initial fractions of its balance (inputs when they are among ``input_names``)
        self.sensitivity_names = (self.input_names + ([INITIAL_FRACTION_INPUT] if self.half else [])
                                  + self.scale_names)
        built = build(cell, self.input_names, initial_fraction_input=self.half, time_scales=time_scales)
        self.read = [n for n in self.input_names if n in built.inputs]
        pv = built.parameter_values
        pv.update({CURRENT_INPUT: pybamm.InputParameter(CURRENT_INPUT),
                   names.CELL["lower_cutoff"]: -100.0, names.CELL["upper_cutoff"]: 100.0})
        self._models = _discretised_pair(built.model, pv)
        self._solvers: dict[tuple[bool, str], pybamm.IDAKLUSolver] = {}
        # the mass the steps' mA/g refer to (the data's): a loading varied as an input does not move it
        self.mass_g = (mass_mg if mass_mg is not None else
                       cell.active_mass_mg if self.half else cell.anode_mass_mg) * 1e-3
        self.cell_kind = "half" if self.half else "full"

    def _solver(self, sensitivities: bool, variable: str) -> pybamm.IDAKLUSolver:
        """The solver that outputs ``variable`` (one per measured potential: each output costs an
        evaluation of its expression at every output time)."""
        key = (sensitivities, variable)
        if key not in self._solvers:
            self._solvers[key] = make_solver([variable])
        return self._solvers[key]

    def replay(self, steps: Sequence[ReplayStep], inputs: Mapping[str, float], initial_fraction: float | None,
               sensitivities: bool, potential: str = "cell") -> list[ReplayOutput]:
        """Solve ``steps`` in order from ``initial_fraction`` (half cells; a full cell starts from
        its balance, None) with ``inputs`` (input name → value); one :class:`ReplayOutput` per
        step that has output times. Currents are mA/g of the working electrode (half cell) or of
        the anode (full cell) at the built cell's mass, so a varied loading leaves them unchanged
        in amperes.

        Raises ``pybamm.SolverError`` (or another exception from the solver) if a solve fails;
        callers turn that into a large finite residual.

        ``potential``: what is output, the cell voltage (``"cell"``) or an electrode's potential
        against a reference electrode (``"anode"``, ``"cathode"``; ``"working"`` in a half cell).
        """
        variable = names.potential_variable(self.cell_kind, potential)
        model, solver = self._models[sensitivities], self._solver(sensitivities, variable)
        base = {**inputs, **{n: 1.0 for n in self.scale_names}}
        if self.half:
            base[INITIAL_FRACTION_INPUT] = float(initial_fraction)
        if self.time_scales and len(steps) != self.time_scales:
            raise InvalidValueError("replayed steps", len(steps), f"{self.time_scales} (the model's time scales)")
        sol = None
        out: list[ReplayOutput] = []
        for k, st in enumerate(steps):
            if self.time_scales:
                base |= {step_on_input(j): float(j == k) for j in range(self.time_scales)}
            current_A = 0.0 if st.direction == "rest" else (
                names.current_sign(self.cell_kind, st.direction) * st.current_mA_g * 1e-3 * self.mass_g)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                sol = solver.step(sol, model, st.duration_s, t_eval=np.array([0.0, st.duration_s]),
                                  t_interp=st.output_times_s, inputs={**base, CURRENT_INPUT: current_A},
                                  save=False,
                                  calculate_sensitivities=self.sensitivity_names if sensitivities else False)
            if sol.termination != "final time":
                raise pybamm.SolverError(f"the solver stopped early ({sol.termination})")
            if st.output_times_s is None:
                continue
            var = sol[variable]
            keep = _match(sol.t - sol.t[0], st.output_times_s)
            S = None
            if sensitivities:
                S = np.column_stack([np.asarray(var.sensitivities[n], float).ravel()
                                     for n in self.sensitivity_names])[keep]
            out.append(ReplayOutput(st.output_times_s, np.asarray(var.entries, float)[keep], S))
        return out


def _discretised_pair(model: pybamm.BaseModel, pv: pybamm.ParameterValues) -> dict[bool, pybamm.BaseModel]:
    """The model discretised twice, for plain solves (False) and for solves with sensitivities
    (True), without events: replayed steps end at fixed times, and a cut-off would stop a poor
    trial point instead of giving it a large residual."""
    out = {}
    for sens in (False, True):
        sim = pybamm.Simulation(model.new_copy() if sens else model, parameter_values=pv)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            sim.build()
        out[sens] = sim.built_model
        out[sens].events = []
    return out


def _match(t: np.ndarray, grid: np.ndarray) -> np.ndarray:
    """Indices of the solution times closest to each grid time (the solver outputs the grid
    times themselves, possibly with the step's end points added)."""
    idx = np.clip(np.searchsorted(t, grid), 0, len(t) - 1)
    lower = np.clip(idx - 1, 0, len(t) - 1)
    closer = np.abs(t[lower] - grid) < np.abs(t[idx] - grid)
    return np.where(closer, lower, idx)


@dataclass(frozen=True)
class SweepLeg:
    """One linear leg of a potential sweep: V(t) = start_V + slope_V_s·(t − t_start) for
    ``duration_s`` [s]; ``output_times_s`` [s from the leg's start] where the current is output
    (None: none)."""

    duration_s: float
    start_V: float
    slope_V_s: float
    output_times_s: np.ndarray | None = None


@dataclass(frozen=True)
class SweepOutput:
    """Model current of one replayed leg [A, anodic (sodium out of the working electrode)
    positive] at its output times, with dI/dp in the order of :attr:`SweepReplayer.sensitivity_names`."""

    time_s: np.ndarray
    current_A: np.ndarray
    sensitivities: np.ndarray | None


#: Input parameters of the imposed potential of a sweep replay: V = V0 + slope·(t − t0).
SWEEP_INPUTS = ("hc-kinetics sweep start [V]", "hc-kinetics sweep rate [V.s-1]", "hc-kinetics sweep start time [s]")


class SweepReplayer:
    """A half cell built once (voltage control) to replay piecewise-linear potential sweeps,
    a voltammogram's legs, with input parameters ``input_names`` and the solver's forward
    sensitivities of the current; each file starts at rest from its own sodium fraction.

    The imposed potential of each leg is an input-parameter expression, so one built model
    serves every leg, scan rate and file; a leg is solved for its fixed duration with
    ``solver.step``. ``max_step_s`` bounds the solver's internal step (outputs between internal
    steps are interpolated), default a hundredth of the shortest leg.
    """

    def __init__(self, cell: HalfCell, input_names: Sequence[str]):
        if not isinstance(cell, HalfCell):
            raise InvalidValueError("cell", type(cell).__name__, "a HalfCell (voltammograms of a carbon vs sodium)")
        self.cell = cell
        self.input_names = list(input_names)
        self.sensitivity_names = self.input_names + [INITIAL_FRACTION_INPUT]
        built = build(cell, self.input_names, initial_fraction_input=True, voltage_control=True)
        self.read = [n for n in self.input_names if n in built.inputs]
        V0, slope, t0 = (pybamm.InputParameter(n) for n in SWEEP_INPUTS)
        pv = built.parameter_values
        pv.update({names.VOLTAGE_FUNCTION: lambda t: V0 + slope * (t - t0),
                   names.CELL["lower_cutoff"]: -100.0, names.CELL["upper_cutoff"]: 100.0}, check_already_exists=False)
        self._models = _discretised_pair(built.model, pv)
        self._solvers: dict[tuple[bool, float], pybamm.IDAKLUSolver] = {}

    def replay(self, legs: Sequence[SweepLeg], inputs: Mapping[str, float], initial_fraction: float,
               sensitivities: bool, max_step_s: float | None = None) -> list[SweepOutput]:
        """Solve ``legs`` in order from rest at ``initial_fraction``; one :class:`SweepOutput`
        per leg with output times. A failed solve is tried once more with a ten times smaller
        internal step bound (IDAS's corrector occasionally fails on a voltage-controlled
        plateau); raises ``pybamm.SolverError`` if that fails too."""
        if max_step_s is None:
            max_step_s = min(leg.duration_s for leg in legs) / 100.0
        try:
            return self._replay(legs, inputs, initial_fraction, sensitivities, max_step_s)
        except pybamm.SolverError:
            return self._replay(legs, inputs, initial_fraction, sensitivities, max_step_s / 10.0)

    def _replay(self, legs, inputs, initial_fraction, sensitivities, max_step_s) -> list[SweepOutput]:
        key = (sensitivities, float(max_step_s))
        if key not in self._solvers:
            self._solvers[key] = make_solver([VARIABLES_CURRENT], max_step_s)
        model, solver = self._models[sensitivities], self._solvers[key]
        base = {**inputs, INITIAL_FRACTION_INPUT: float(initial_fraction)}
        sign = names.current_sign("half", "desodiate")  # PyBaMM's sign of a desodiation: anodic = sign·I
        sol, t_start, out = None, 0.0, []
        for leg in legs:
            leg_inputs = {**base, SWEEP_INPUTS[0]: leg.start_V, SWEEP_INPUTS[1]: leg.slope_V_s,
                          SWEEP_INPUTS[2]: t_start}
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                sol = solver.step(sol, model, leg.duration_s, t_eval=np.array([0.0, leg.duration_s]),
                                  t_interp=leg.output_times_s, inputs=leg_inputs, save=False,
                                  calculate_sensitivities=self.sensitivity_names if sensitivities else False)
            if sol.termination != "final time":
                raise pybamm.SolverError(f"the solver stopped early ({sol.termination})")
            t_start += leg.duration_s
            if leg.output_times_s is None:
                continue
            var = sol[VARIABLES_CURRENT]
            keep = _match(sol.t - sol.t[0], leg.output_times_s)
            S = None
            if sensitivities:
                S = sign * np.column_stack([np.asarray(var.sensitivities[n], float).ravel()
                                            for n in self.sensitivity_names])[keep]
            out.append(SweepOutput(leg.output_times_s, sign * np.asarray(var.entries, float)[keep], S))
        return out
