"""The model a fit evaluates: a half cell driven by a measured file's protocol, with the
solver's sensitivities, compared on a grid of measured samples.

The engine (:class:`kinetics.engine.Replayer`) replays fixed-duration steps; this module turns a
measured file into those steps, picks the samples each curve is compared on, interpolates the
model onto them and carries the default initial state's dependence on the OCP parameters into
the Jacobian.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from scipy.interpolate import CubicSpline

from ..cells import FullCell, HalfCell
from ..engine import Replayer
from ..errors import InvalidValueError
from ..io.gcd import GCDData, Segment
from ..protocols import ReplayStep
from ..sets import convert
from .parameters import INITIAL_FRACTION

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
#: Steps of the finite differences that replace a failed sensitivity solve: relative for a
#: parameter (central differences: at 1e-4 the solver's 1e-6 tolerance put 50 % noise into a
#: DFN radius column, at 1e-2 it agreed with the solver's sensitivities to 2 %) and absolute for
#: the initial sodium fraction (one-sided at a fully (de)sodiated start, where the voltage is
#: most non-linear in it).
FD_RELATIVE_STEP = 1e-2
FD_FRACTION_STEP = 1e-4


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
    """A cell built once for fitting ``set_names`` (parameter-set names).

    A half cell starts each file from its own sodium fraction (``initial_fraction:<label>``, or
    equilibrium with an edge of its window); a full cell starts every file from its balance
    (``anode.initial_fraction``, ``cathode.initial_fraction``, which a fit can vary).

    Parameters
    ----------
    cell : HalfCell or FullCell
    set_names : sequence of str
        Parameter-set names to vary; each must be read by the model (a name the model would
        ignore is refused rather than fitted silently).
    mass_mg : float, optional
        The active mass the data's mA/g refer to (default the cell's).
    """

    def __init__(self, cell: HalfCell | FullCell, set_names: Sequence[str], mass_mg: float | None = None):
        self.cell = cell
        self.half = isinstance(cell, HalfCell)
        self.set_names = list(set_names)
        #: Solver messages of the sensitivity solves that failed and were replaced by finite
        #: differences (see :meth:`simulate`).
        self.sensitivity_failures: list[str] = []
        self.replayer = Replayer(cell, self.set_names, mass_mg=mass_mg)
        unread = [n for n in self.set_names if n not in self.replayer.read]
        if unread:  # never fit a parameter the model would silently ignore
            raise InvalidValueError("parameters to fit", unread, "parameters the model reads (see "
                                    "kinetics.fitting.parameters for what a GCD fit can vary)")
        values = cell.values()
        self.base_inputs = {n: float(values[n]) for n in self.set_names}

    # ------------------------------------------------------------------ initial state
    def initial_fraction(self, data: GCDData, values: Mapping[str, float]) -> tuple[float, np.ndarray]:
        """Default initial sodium fraction of ``data`` and its derivative by the set values.

        A file that starts by sodiating starts in equilibrium with the top of the cell's
        window; one that starts by desodiating, with its bottom (a fully sodiated carbon). The
        derivative (by :attr:`set_names`, central differences of the closed-form x(U)) carries
        the dependence on the OCP parameters into the Jacobian. A full cell: (None, zeros).
        """
        if not self.half:
            return None, np.zeros(len(self.set_names))
        lo, hi = self.cell.window_V
        U = hi if data.first_kind == "sodiate" else lo
        branch = "desodiation" if data.first_kind == "sodiate" else "sodiation"
        base = {**self.base_inputs, **{k: v for k, v in values.items() if k in self.base_inputs}}
        return equilibrium_fraction(self.cell, U, branch, self.set_names, base)

    # ------------------------------------------------------------------ solving
    def simulate(self, data: GCDData, values: Mapping[str, float], sensitivities: bool,
                 grid_points: int = GRID_POINTS) -> list[CurveOutput]:
        """Replay ``data``'s protocol with parameter ``values`` (set names → internal units,
        plus ``initial_fraction:<label>`` if fitted).

        Returns one :class:`CurveOutput` per fitted curve. Raises if the solve fails; callers
        turn that into a large finite residual. If only the sensitivity solve fails (IDAS
        error-controls the sensitivities too, and a DFN driven past full (de)sodiation can fail
        its error test there while the plain solve completes), the sensitivities are central
        differences of plain solves instead, and the solver's message is recorded in
        :attr:`sensitivity_failures`.
        """
        if not sensitivities:
            return self._simulate(data, values, False, grid_points)
        try:
            return self._simulate(data, values, True, grid_points)
        except Exception as e:  # noqa: BLE001 — any failure of the sensitivity solve: try without
            plain = self._simulate(data, values, False, grid_points)  # raises if the model fails too
            self.sensitivity_failures.append(f"{data.label}: {str(e).splitlines()[0] if str(e) else type(e).__name__}")
            return self._central_differences(data, values, plain, grid_points)

    def _central_differences(self, data: GCDData, values: Mapping[str, float], plain: list[CurveOutput],
                             grid_points: int) -> list[CurveOutput]:
        """Sensitivities by central differences of plain solves (second-order one-sided next to a fraction's
        edge), in the columns of :meth:`simulate`: the set names (chained through the default
        initial fraction unless it is fitted), then the initial fraction."""
        x_key = f"{INITIAL_FRACTION}:{data.label}"
        base = {**self.base_inputs, **{k: v for k, v in values.items() if k in self.base_inputs}}
        x0 = float(values[x_key]) if x_key in values else None
        columns = []
        for name in [*self.set_names, *([x_key] if self.half else [])]:
            if name == x_key:
                p = x0 if x0 is not None else self.initial_fraction(data, base)[0]
                h = FD_FRACTION_STEP
                # a fraction stays within [0, 1]: next to an edge the second-order one-sided
                # difference (−3 f(p) + 4 f(p ± h) − f(p ± 2h)) / (±2h), as many solves as central
                side = 1.0 if p - h < 0 else -1.0 if p + h > 1 else 0.0
            else:
                p = base[name]
                h = FD_RELATIVE_STEP * (abs(p) or 1.0)
                side = 0.0
            offsets = (h, -h) if side == 0.0 else (side * h, 2 * side * h)
            trials = [self._simulate(data, {**base, **({x_key: x0} if x0 is not None else {}), name: p + offset},
                                     False, grid_points) for offset in offsets]
            if side == 0.0:
                columns.append([(a.voltage_V - b.voltage_V) / (2 * h) for a, b in zip(*trials)])
            else:
                columns.append([(4 * a.voltage_V - b.voltage_V - 3 * c.voltage_V) / (2 * side * h)
                                for a, b, c in zip(*trials, plain)])
        return [CurveOutput(o.time_s, o.voltage_V, np.column_stack([c[k] for c in columns]))
                for k, o in enumerate(plain)]

    def _simulate(self, data: GCDData, values: Mapping[str, float], sensitivities: bool,
                  grid_points: int) -> list[CurveOutput]:
        inputs = {**self.base_inputs, **{k: v for k, v in values.items() if k in self.base_inputs}}
        x_key = f"{INITIAL_FRACTION}:{data.label}"
        x_default, dx_dp = self.initial_fraction(data, inputs)
        fitted_x = x_key in values
        steps, grids = [], []
        for seg in data.segments:
            grid = None
            if data.fitted(seg):
                idx = residual_grid(seg, grid_points)
                grid = seg.time_s[idx]
                grids.append(grid)
                if len(grid) > MODEL_POINTS:
                    grid = grid[_arc_length_subset(grid, seg.voltage_V[idx], MODEL_POINTS)]
            steps.append(ReplayStep(seg.kind, seg.current_mA_g, seg.duration_s, grid))
        outs = self.replayer.replay(steps, inputs, float(values[x_key]) if fitted_x else x_default, sensitivities,
                                    data.potential)
        result = []
        for o, grid in zip(outs, grids):
            v, S = o.voltage_V, o.sensitivities
            if S is not None and self.half and not fitted_x:  # chain the default initial fraction's dependence
                S = S.copy()
                S[:, :len(self.set_names)] += np.outer(S[:, -1], dx_dp)
            if len(o.time_s) != len(grid):
                v = CubicSpline(o.time_s, v)(grid)
                if S is not None:
                    S = CubicSpline(o.time_s, S, axis=0)(grid)
            result.append(CurveOutput(grid, v, S))
        return result


def equilibrium_fraction(cell: HalfCell, U: float, branch: str, names: Sequence[str],
                         values: Mapping[str, float]) -> tuple[float, np.ndarray]:
    """Sodium fraction in equilibrium with ``U`` [V] on ``branch`` for the working electrode
    with ``values`` (names → values), and its derivative by each of ``names`` (central
    differences of the closed-form x(U); zero for names that are not OCP parameters)."""
    def x0(vals: Mapping[str, float]) -> float:
        ocp_values = {k: v for k, v in vals.items() if ".ocp." in k}
        ocp = convert.with_values(cell.parts, ocp_values).working.material.ocp
        return float(ocp.stoichiometry(U, branch))

    base = dict(values)
    grad = np.zeros(len(names))
    for k, n in enumerate(names):
        if ".ocp." in n:
            h = 1e-6 * max(abs(base[n]), 1e-3)
            grad[k] = (x0({**base, n: base[n] + h}) - x0({**base, n: base[n] - h})) / (2 * h)
    return x0(base), grad


def _arc_length_subset(t: np.ndarray, v: np.ndarray, n: int) -> np.ndarray:
    """Indices of ``n`` samples evenly spread along the curve's arc length in (t/Δt, V/ΔV):
    dense where the voltage is steep (the starts and ends of steps), so that interpolated
    sensitivities follow it there."""
    dt = np.diff(t) / max(t[-1] - t[0], 1e-300)
    dv = np.diff(v) / max(np.ptp(v), 1e-300)
    s = np.concatenate([[0.0], np.cumsum(np.hypot(dt, dv))])
    idx = np.searchsorted(s, np.linspace(0.0, s[-1], n))
    return np.unique(np.clip(np.r_[0, idx, len(t) - 1], 0, len(t) - 1))
