"""The model a fit evaluates: a half cell driven by the measured protocol, with sensitivities.

The PyBaMM model is built once with every fitted parameter, the applied current and the
initial sodium fraction as ``pybamm.InputParameter`` s, then discretised twice: one copy for
plain solves (residuals) and one whose IDAKLU solver also integrates the forward sensitivity
equations (IDAS) for the fitted parameters (Jacobians). No evaluation rebuilds anything.

Each measured file is replayed segment by segment with ``solver.step``: a constant-current
segment at its measured current for its measured duration, a rest at zero current. Step ends
are therefore fixed times, not voltage events, so the sensitivities carried from one segment
into the next are exact (PyBaMM's sensitivities ignore the movement of event-triggered step
transitions). The voltage cut-off events are removed: a trial parameter set with too little
capacity is driven past its cut-off, and its voltage error is simply large.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pybamm
from scipy.interpolate import CubicSpline

from .. import _pybamm_names as names
from ..cell import HalfCell
from ..errors import InvalidValueError
from ..io.gcd import GCDData, Segment
from ..materials import ocp_from_set
from ..models import INITIAL_FRACTION_INPUT, build
from ..simulate import SOLVER_SETTINGS
from .parameters import INITIAL_FRACTION

CURRENT_INPUT = names.CELL["current"]
#: Most measured samples compared per fitted curve (spread uniformly in time = capacity).
GRID_POINTS = 1000
#: Times per curve at which the solver outputs the voltage (and its sensitivities), spread along
#: the curve's arc length and interpolated onto the compared samples by a cubic spline. Each
#: output evaluates the voltage expression with its OCP inverse (and, for a Jacobian, its
#: sensitivity), so outputs, not the integration, dominate the cost of a solve. On the MPCC-1
#: curves at 20–1000 mA/g a spline through 300 outputs is already within 0.12 mV of the
#: solver's own values at every sample (0.009 mV RMS), far below measurement noise; a
#: noise-free recovery with 400 recovers all six parameters to 0.01 %. The spline is linear in
#: its node values, so the interpolated sensitivities are exactly the derivatives of the
#: interpolated voltage.
MODEL_POINTS = 400


@dataclass(frozen=True)
class CurveOutput:
    """Model voltage on one fitted curve's grid, with its sensitivities.

    Attributes
    ----------
    time_s : numpy.ndarray
        Times of the compared samples from the start of the segment [s].
    voltage_V : numpy.ndarray
        Model voltage on the grid [V] (from at most :data:`MODEL_POINTS` solver outputs).
    sensitivities : numpy.ndarray or None
        dV/dp [V per unit of each parameter], shape (grid, parameters), in the order of
        :attr:`CurveModel.set_names` followed by the initial sodium fraction.
    """

    time_s: np.ndarray
    voltage_V: np.ndarray
    sensitivities: np.ndarray | None


def residual_grid(segment: Segment, points: int = GRID_POINTS) -> np.ndarray:
    """Indices of the measured samples a fitted segment is compared on.

    All samples but the first and the last of the step, thinned to at most ``points`` samples
    evenly spread in time (= capacity at constant current). The first sits at the current
    switch (neither before nor after the IR step); the last is where the cycler stopped at its
    cut-off, on the steep wall at the end of a step, where its voltage is set by when the
    stop was detected rather than by the cell (a millisecond there is tens of mV: left in, this
    one sample per step biased a noise-free recovery of the pore-filling diffusivity by 6 %).
    Residuals sit on measured samples, so no interpolation smooths the data's noise.
    """
    t = segment.time_s
    inside = np.flatnonzero((t > 0) & (t <= segment.duration_s + 1e-9))[:-1]
    if len(inside) < 2:
        raise InvalidValueError(f"{segment.kind} curve", f"{len(t)} samples", "samples spread over the step")
    if len(inside) <= points:
        return inside
    targets = np.linspace(t[inside[0]], t[inside[-1]], points)
    picked = inside[np.clip(np.searchsorted(t[inside], targets), 0, len(inside) - 1)]
    return np.unique(picked)


class CurveModel:
    """A half cell built once for fitting ``set_names`` (parameter-set names).

    Parameters
    ----------
    cell : HalfCell
    set_names : sequence of str
        Parameter-set names to vary.
    """

    def __init__(self, cell: HalfCell, set_names: Sequence[str]):
        if not isinstance(cell, HalfCell):
            raise InvalidValueError("cell", type(cell).__name__, "a HalfCell (fitting full cells is not "
                                    "supported yet)")
        self.cell = cell
        self.set_names = list(set_names)
        self.sensitivity_names = self.set_names + [INITIAL_FRACTION_INPUT]
        built = build(cell, self.set_names, initial_fraction_input=True)
        unread = [n for n in self.set_names if n not in built.inputs]
        if unread:  # never fit a parameter the model would silently ignore
            raise InvalidValueError("parameters to fit", unread, "parameters the model reads (see "
                                    "kinetics.fitting.parameters for what a GCD fit can vary)")
        self.base_inputs = {n: cell.pset.value(n) for n in self.set_names}
        pv = built.parameter_values
        pv.update({CURRENT_INPUT: pybamm.InputParameter(CURRENT_INPUT),
                   names.CELL["lower_cutoff"]: -100.0, names.CELL["upper_cutoff"]: 100.0})
        self._models = {}
        self._solvers = {}
        for sens in (False, True):
            sim = pybamm.Simulation(built.model.new_copy() if sens else built.model, parameter_values=pv)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                sim.build()
            model = sim.built_model
            model.events = []  # steps end at measured times; cut-offs would stop a poor trial
            self._models[sens] = model
            self._solvers[sens] = pybamm.IDAKLUSolver(**SOLVER_SETTINGS,
                                                      output_variables=[names.VARIABLES["voltage"]])
        self.mass_g = cell.active_mass_mg * 1e-3

    # ------------------------------------------------------------------ initial state
    def initial_fraction(self, data: GCDData, values: Mapping[str, float]) -> tuple[float, np.ndarray]:
        """Default initial sodium fraction of ``data`` and its derivative by the set values.

        A file that starts by sodiating starts in equilibrium with the top of the cell's
        window; one that starts by desodiating, with its bottom (a fully sodiated carbon). The
        derivative (by :attr:`set_names`, central differences of the closed-form x(U)) carries
        the dependence on the OCP parameters into the Jacobian.
        """
        lo, hi = self.cell.window_V
        U = hi if data.first_kind == "sodiate" else lo
        branch = "desodiation" if data.first_kind == "sodiate" else "sodiation"
        pset = self.cell.pset

        def x0(vals: Mapping[str, float]) -> float:
            changed = pset.with_values({k: v for k, v in vals.items() if k in pset}, "fitted", "trial")
            return float(ocp_from_set(changed, self.cell.role).stoichiometry(U, branch))

        base = {**self.base_inputs, **{k: v for k, v in values.items() if k in self.base_inputs}}
        x = x0(base)
        grad = np.zeros(len(self.set_names))
        for k, n in enumerate(self.set_names):
            if ".ocp." not in n:
                continue
            h = 1e-6 * max(abs(base[n]), 1e-3)
            grad[k] = (x0({**base, n: base[n] + h}) - x0({**base, n: base[n] - h})) / (2 * h)
        return x, grad

    # ------------------------------------------------------------------ solving
    def simulate(self, data: GCDData, values: Mapping[str, float], sensitivities: bool,
                 grid_points: int = GRID_POINTS) -> list[CurveOutput]:
        """Replay ``data``'s protocol with parameter ``values`` (set names → internal units,
        plus ``initial_fraction:<label>`` if fitted).

        Returns one :class:`CurveOutput` per fitted curve. Raises ``pybamm.SolverError`` (or
        another exception from the solver) if the solve fails; callers turn that into a
        large finite residual.
        """
        inputs = {**self.base_inputs, **{k: v for k, v in values.items() if k in self.base_inputs}}
        x_key = f"{INITIAL_FRACTION}:{data.label}"
        x_default, dx_dp = self.initial_fraction(data, inputs)
        fitted_x = x_key in values
        inputs[INITIAL_FRACTION_INPUT] = float(values[x_key]) if fitted_x else x_default
        model, solver = self._models[sensitivities], self._solvers[sensitivities]
        sol = None
        out: list[CurveOutput] = []
        for seg in data.segments:
            current_A = 0.0 if seg.kind == "rest" else (
                names.current_sign("half", seg.kind) * seg.current_mA_g * 1e-3 * self.mass_g)
            fitted = data.fitted(seg)
            grid = seg.time_s[residual_grid(seg, grid_points)] if fitted else None
            out_times = grid
            if fitted and len(grid) > MODEL_POINTS:
                out_times = grid[_arc_length_subset(grid, seg.voltage_V[residual_grid(seg, grid_points)],
                                                    MODEL_POINTS)]
            step_inputs = {**inputs, CURRENT_INPUT: current_A}
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                sol = solver.step(sol, model, seg.duration_s, t_eval=np.array([0.0, seg.duration_s]),
                                  t_interp=out_times, inputs=step_inputs, save=False,
                                  calculate_sensitivities=self.sensitivity_names if sensitivities else False)
            if sol.termination != "final time":
                raise pybamm.SolverError(f"the solver stopped early ({sol.termination})")
            if not fitted:
                continue
            var = sol[names.VARIABLES["voltage"]]
            t = sol.t - sol.t[0]
            keep = _match(t, out_times)
            v = np.asarray(var.entries, float)[keep]
            S = None
            if sensitivities:
                S = np.column_stack([np.asarray(var.sensitivities[n], float).ravel()
                                     for n in self.sensitivity_names])[keep]
                # chain the default initial fraction's dependence on the set values
                if not fitted_x:
                    S[:, :len(self.set_names)] += np.outer(S[:, -1], dx_dp)
            if len(out_times) != len(grid):
                v = CubicSpline(out_times, v)(grid)
                if S is not None:
                    S = CubicSpline(out_times, S, axis=0)(grid)
            out.append(CurveOutput(grid, v, S))
        return out


def _arc_length_subset(t: np.ndarray, v: np.ndarray, n: int) -> np.ndarray:
    """Indices of ``n`` samples evenly spread along the curve's arc length in (t/Δt, V/ΔV):
    dense where the voltage is steep (the starts and ends of steps), so that interpolated
    sensitivities follow it there."""
    dt = np.diff(t) / max(t[-1] - t[0], 1e-300)
    dv = np.diff(v) / max(np.ptp(v), 1e-300)
    s = np.concatenate([[0.0], np.cumsum(np.hypot(dt, dv))])
    idx = np.searchsorted(s, np.linspace(0.0, s[-1], n))
    return np.unique(np.clip(np.r_[0, idx, len(t) - 1], 0, len(t) - 1))


def _match(t: np.ndarray, grid: np.ndarray) -> np.ndarray:
    """Indices of the solution times closest to each grid time (the solver outputs the grid
    times themselves, possibly with the step's end points added)."""
    idx = np.clip(np.searchsorted(t, grid), 0, len(t) - 1)
    lower = np.clip(idx - 1, 0, len(t) - 1)
    closer = np.abs(t[lower] - grid) < np.abs(t[idx] - grid)
    return np.where(closer, lower, idx)
