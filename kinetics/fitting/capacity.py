"""Capacities at voltage cut-offs and their exact gradients (event-time sensitivities).

A galvanostatic step that ends at a cut-off voltage V_lim lasts t*(p), and its capacity is
Q = I·t*. The solver's forward sensitivities at a fixed time give ∂V/∂p; the end time moves
with the parameters by the implicit-function theorem,

.. math::

    \\frac{dt^*}{dp} = -\\frac{\\partial V/\\partial p}{dV/dt}\\bigg|_{t^*},

and a later step inherits the earlier steps' moved end times through its initial state. Both are
computed exactly by replaying the protocol at the end times of an event-terminated run with a
time scale s_k per step (:func:`kinetics.engine.build.build` ``time_scales``): step k of fixed
duration T_k lasts s_k·T_k, so ∂V/∂s_k = T_k·dV/dt and the sensitivities with respect to s_j carry
the shift of step j's end into every later step. With V_k the voltage at the end of step k,

.. math::

    \\frac{ds_k}{dp} = -\\frac{\\partial V_k/\\partial p + \\sum_{j<k} (\\partial V_k/\\partial s_j)\\,
    ds_j/dp}{\\partial V_k/\\partial s_k},
    \\qquad \\frac{dQ_k}{dp} = I_k T_k \\frac{ds_k}{dp}.

A threshold crossing inside a step (the capacity passed below 0.1 V, the papers' plateau
capacity) is differentiated the same way at its crossing time. PyBaMM's own sensitivities through
experiments leave the movement of event-triggered step ends out.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from scipy.interpolate import CubicSpline

from ..cells import HalfCell
from ..engine import Replayer
from ..errors import InvalidValueError, RunFailedError, SimulationWarning
from ..protocols import ReplayStep, Step
from ..results import Simulator, capacity_below
from .model import equilibrium_fraction


@dataclass(frozen=True)
class CapacityStep:
    """A galvanostatic half-cell step to a voltage limit.

    Attributes
    ----------
    direction : {"sodiate", "desodiate"}
    current_mA_g : float
        Specific current [mA/g] > 0.
    limit_V : float
        Cut-off voltage [V].
    below_V : float, optional
        Also report the capacity passed while the voltage is below this [V] (e.g. 0.1 V).
    sample_period_s : float, optional
        Output period [s] (default: the protocol's, 1/400 of the step's expected duration). The
        capacity below ``below_V`` is interpolated linearly between samples, so its error falls
        as the period squared; its gradient is that of the exact crossing.
    """

    direction: str
    current_mA_g: float
    limit_V: float
    below_V: float | None = None
    sample_period_s: float | None = None


@dataclass(frozen=True)
class StepCapacity:
    """A step's capacities [mAh/g] and their gradients [mAh/g per unit of each parameter]."""

    capacity_mAh_g: float
    below_mAh_g: float
    d_capacity: dict[str, float]
    d_below: dict[str, float]


class CapacityModel:
    """Capacities of a half-cell protocol of cut-off steps, as functions of input parameters.

    Parameters
    ----------
    cell : HalfCell
        Starts in equilibrium with the top of its window (a desodiated electrode).
    names : sequence of str
        Parameter-set names the capacities are differentiated by.
    steps : sequence of CapacityStep
    """

    def __init__(self, cell: HalfCell, names: Sequence[str], steps: Sequence[CapacityStep]):
        if not isinstance(cell, HalfCell):
            raise InvalidValueError("cell", type(cell).__name__, "a HalfCell")
        self.cell, self.names, self.steps = cell, list(names), tuple(steps)
        self.simulator = Simulator(cell, self.names)
        self.protocol = tuple(Step(s.direction, float(s.current_mA_g), limit_V=s.limit_V,
                                   sample_period_s=s.sample_period_s) for s in self.steps)
        self._replayer: Replayer | None = None
        values = cell.values()
        self.defaults = {n: float(values[n]) for n in self.names}

    @property
    def replayer(self) -> Replayer:
        """The time-scaled model, built when a gradient is first asked for."""
        if self._replayer is None:
            self._replayer = Replayer(self.cell, self.names, time_scales=len(self.steps))
        return self._replayer

    def evaluate(self, values: Mapping[str, float] | None = None, gradient: bool = False) -> list[StepCapacity]:
        """The capacity of every step (and below its threshold), with gradients if asked.

        Raises :class:`~kinetics.errors.RunFailedError` if the run stops early.
        """
        values = {**self.defaults, **(values or {})}
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", SimulationWarning)  # a stopped run is raised below
            result = self.simulator.run(self.protocol, inputs={n: values[n] for n in self.simulator.built.inputs})
        if result.truncated or (result.steps["skipped"] != "").any():
            raise RunFailedError(f"capacity run {result.status()}")
        table = result.table
        capacities = [float(c) for c in result.steps["capacity_mAh_g"]]
        below = [np.nan if s.below_V is None else
                 capacity_below(table.loc[table["step"] == k, "capacity_mAh_g"].to_numpy(),
                                table.loc[table["step"] == k, "voltage_V"].to_numpy(), s.below_V)
                 for k, s in enumerate(self.steps)]
        if not gradient:
            return [StepCapacity(c, b, {}, {}) for c, b in zip(capacities, below)]
        return self._gradients(values, table, capacities, below)

    def _gradients(self, values, table, capacities, below) -> list[StepCapacity]:
        names = self.names
        n = len(names)
        x0, dx0 = equilibrium_fraction(self.cell, self.cell.window_V[1], "desodiation", names, values)
        steps, durations = [], []
        for k, s in enumerate(self.steps):
            g = table[table["step"] == k]
            T = float(g["time_s"].iloc[-1] - g["time_s"].iloc[0])
            durations.append(T)
            grid = np.array([T])
            if s.below_V is not None:  # outputs around the threshold crossing only (each costs a sensitivity)
                tau, V = g["time_s"].to_numpy() - g["time_s"].iloc[0], g["voltage_V"].to_numpy()
                cross = np.flatnonzero((V[:-1] < s.below_V) != (V[1:] < s.below_V))
                if len(cross):
                    grid = np.r_[tau[max(cross[0] - 4, 0):cross[0] + 6], T]
            steps.append(ReplayStep(s.direction, s.current_mA_g, T, np.unique(grid)))
        outs = self.replayer.replay(steps, {m: values[m] for m in names}, x0, sensitivities=True)
        # columns of S: names, x0, s_0 … s_{N−1}; fold x0's dependence on the OCP into the names
        sens = []
        for o in outs:
            S = o.sensitivities.copy()
            S[:, :n] += np.outer(S[:, n], dx0)
            sens.append(np.delete(S, n, axis=1))  # names, then the time scales
        ds = np.zeros((len(self.steps), n))  # d s_k / d names
        out = []
        for k, (s, o, S) in enumerate(zip(self.steps, outs, sens)):
            scales = S[-1, n:]  # ∂V_end/∂s_j
            total = S[-1, :n] + scales[:k] @ ds[:k]
            ds[k] = -total / scales[k]
            i = s.current_mA_g
            d_cap = i * durations[k] / 3600.0 * ds[k]
            d_below = (np.full(n, np.nan) if s.below_V is None
                       else self._crossing_gradient(s, o, S, ds, k, s.below_V, durations[k]))
            out.append(StepCapacity(capacities[k], below[k], dict(zip(self.names, d_cap)),
                                    dict(zip(self.names, d_below))))
        return out

    def _crossing_gradient(self, step, o, S, ds, k, threshold, T) -> np.ndarray:
        """d(capacity below ``threshold``)/d names within step k: the crossing time τ_c where
        V = threshold moves by dτ_c/dp = −(dV/dp)/(∂V/∂τ); in physical time t_c = s_k τ_c."""
        n = len(self.names)
        tau, V = o.time_s, o.voltage_V
        side = V < threshold
        cross = np.flatnonzero(side[:-1] != side[1:])
        if len(cross) != 1:  # the step never crosses the threshold (or crosses it more than once)
            return np.zeros(n) if not np.any(side) or np.all(side) else np.full(n, np.nan)
        j = cross[0]
        window = slice(max(j - 3, 0), min(j + 5, len(tau)))
        spline = CubicSpline(tau[window], V[window])
        roots = [r for r in spline.solve(threshold) if tau[j] - 1e-9 <= r <= tau[j + 1] + 1e-9]
        tc = float(roots[0]) if roots else float(tau[j])
        dV_dtau = float(spline(tc, 1))
        dV = np.array([np.interp(tc, tau, S[:, c]) for c in range(S.shape[1])])
        scales = dV[n:]
        total = dV[:n] + scales[:k] @ ds[:k] + scales[k] * ds[k]
        dtc = tc * ds[k] - total / dV_dtau  # t_c = s_k τ_c with s_k = 1
        i = step.current_mA_g
        # while sodiating the voltage falls: below the threshold after t_c; desodiating: before it
        return (i / 3600.0) * (dtc if step.direction == "desodiate" else (T * ds[k] - dtc))
