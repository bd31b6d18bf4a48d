"""Run protocols on cells with PyBaMM's IDAKLU solver; results as tidy tables.

Solver settings (stated once, used everywhere): ``pybamm.IDAKLUSolver(rtol=1e-6, atol=1e-6)``
with only the variables hc-kinetics reads as output variables.
"""

from __future__ import annotations

import sys
import time
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pybamm

from . import _pybamm_names as names
from .cell import FullCell, HalfCell
from .errors import SimulationWarning
from .models import HEADROOM, BuiltModel, build
from .protocols import Step, check_window, to_pybamm_steps
from .results import Result, summarise

SOLVER_SETTINGS = {"rtol": 1e-6, "atol": 1e-6}


class _Progress(pybamm.callbacks.Callback):
    """Prints one line per protocol step to stderr (PyBaMM calls each of our steps a cycle)."""

    def __init__(self, steps: Sequence[Step], stream, prefix: str = ""):
        self.steps, self.stream, self.prefix = steps, stream, prefix
        self.t0 = time.perf_counter()

    def on_cycle_start(self, logs):
        k, n = logs["cycle number"]
        s = self.steps[k - 1]
        what = s.direction + (f" {s.label}" if s.label else "")
        self.stream.write(f"\r{self.prefix}[{k}/{n}] {what:40s} {time.perf_counter() - self.t0:6.1f} s")
        self.stream.flush()

    def on_experiment_end(self, logs):
        self.stream.write("\n")
        self.stream.flush()

    def on_experiment_error(self, logs):
        self.stream.write("\n")


@dataclass
class Simulator:
    """A built cell model that runs protocols, re-using the model between runs.

    Parameters
    ----------
    cell : HalfCell or FullCell
    inputs : sequence of str
        Parameter-set names exposed as input parameters (change them per run via
        ``run(..., inputs={...})`` without rebuilding).
    """

    cell: HalfCell | FullCell
    inputs: Sequence[str] = ()
    balance: object = None
    built: BuiltModel = field(init=False)
    _sims: dict = field(init=False, default_factory=dict)

    def __post_init__(self):
        self.built = build(self.cell, self.inputs, balance=self.balance)

    @property
    def kind(self) -> str:
        return self.cell.kind

    @property
    def reference_electrode(self):
        """The electrode whose mass normalises currents (working / anode)."""
        return self.cell.working if isinstance(self.cell, HalfCell) else self.cell.anode_electrode

    def output_variables(self) -> list[str]:
        v = [names.VARIABLES["time"], names.VARIABLES["current"], names.VARIABLES["voltage"]]
        for s in self.built.slots.values():
            v.append(names.average_concentration_variable(s))
            v.append(names.surface_potential_variable(s))
        return sorted(set(v))

    def run(self, steps: Sequence[Step], inputs: Mapping[str, float] | None = None,
            progress: bool | object = False, description: str = "") -> Result:
        """Run ``steps`` and return a :class:`~kinetics.results.Result`.

        A solver failure (e.g. at a high rate) ends the run with a
        :class:`~kinetics.errors.SimulationWarning` and a truncated, still usable result.
        """
        steps = tuple(steps)
        check_window(steps, self.cell.window_V, self.kind)
        electrode = self.reference_electrode
        one_c = electrode.material.one_c_mA_g
        q_total = electrode.material.ocp.total_capacity_mAh_g
        pairs = to_pybamm_steps(steps, self.kind, self.cell.current_A, one_c, q_total)
        cycles: list[list] = [[] for _ in steps]
        for k, st in pairs:
            cycles[k].append(st)
        experiment = pybamm.Experiment([tuple(c) for c in cycles])
        key = tuple(repr(c) for c in cycles)
        all_inputs = {**self.built.inputs, **(inputs or {})}
        stream = progress if hasattr(progress, "write") else sys.stderr
        callbacks = [_Progress(steps, stream, description)] if progress else None
        sim = self._sims.get(key)
        if sim is None:  # the same protocol again re-uses the built, discretised model
            sim = pybamm.Simulation(self.built.model, parameter_values=self.built.parameter_values,
                                    experiment=experiment,
                                    solver=pybamm.IDAKLUSolver(**SOLVER_SETTINGS,
                                                               output_variables=self.output_variables()))
            self._sims[key] = sim
        failure = None
        t0 = time.perf_counter()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                solution = sim.solve(inputs=all_inputs, callbacks=callbacks)
            except pybamm.SolverError as e:  # solver failure before any step completed
                solution, failure = None, str(e).splitlines()[0]
        wall = time.perf_counter() - t0
        table, truncated = self._tidy(solution, steps)
        n_done = 0 if solution is None else len(solution.cycles)
        if failure or n_done < len(steps) or truncated:
            reason = failure or "the solver stopped (infeasible step or solver failure)"
            warnings.warn(f"run stopped after {n_done} of {len(steps)} steps: {reason}; "
                          "the result is truncated", SimulationWarning, stacklevel=2)
        return Result(table, summarise(table, steps, self.kind), steps, self.cell, wall,
                      n_completed=n_done)

    def _tidy(self, solution, steps: Sequence[Step]) -> tuple[pd.DataFrame, bool]:
        columns = ["time_s", "step", "label", "direction", "current_mA_g", "voltage_V",
                   "capacity_mAh_g", "anode_potential_V", "sodium_fraction"]
        if solution is None:
            return pd.DataFrame(columns=columns), True
        electrode = self.reference_electrode
        role = electrode.role
        slot = self.built.slots[role]
        ocp = electrode.material.ocp
        c_true = self.built.concentration_scale[role] / HEADROOM
        mass_g = (self.cell.active_mass_mg if isinstance(self.cell, HalfCell)
                  else self.cell.anode_mass_mg) * 1e-3
        sign_out = -1.0 if self.kind == "half" else 1.0  # + = sodium leaves the anode/working
        frames = []
        truncated = False
        for k, cyc in enumerate(solution.cycles):
            if cyc is None:
                truncated = True
                break
            t = cyc[names.VARIABLES["time"]].entries
            i_A = cyc[names.VARIABLES["current"]].entries
            v = cyc[names.VARIABLES["voltage"]].entries
            x = cyc[names.average_concentration_variable(slot)].entries / c_true
            phi = cyc[names.surface_potential_variable(slot)].entries
            t, idx = np.unique(t, return_index=True)
            i_A, v, x, phi = i_A[idx], v[idx], x[idx], phi[idx]
            q = np.concatenate([[0.0], np.cumsum(0.5 * (np.abs(i_A[1:]) + np.abs(i_A[:-1]))
                                                 * np.diff(t))]) / 3.6 / mass_g
            s = steps[k]
            df = pd.DataFrame({
                "time_s": t, "step": k, "label": s.label, "direction": s.direction,
                "current_mA_g": sign_out * i_A * 1e3 / mass_g, "voltage_V": v,
                "capacity_mAh_g": q,
                "anode_potential_V": phi if (self.kind == "full" or role == "anode") else np.nan,
                "sodium_fraction": x,
            })
            U_eq = ocp.potential(np.clip(x, 1e-9, 1 - 1e-9))
            for name, occ in ocp.occupancies(U_eq).items():
                df[f"occupancy_{name}"] = occ
            frames.append(df)
        if not frames:
            return pd.DataFrame(columns=columns), True
        return pd.concat(frames, ignore_index=True), truncated


def run(cell: HalfCell | FullCell, steps: Sequence[Step], progress: bool = False,
        inputs: Mapping[str, float] | None = None, description: str = "") -> Result:
    """Build ``cell`` and run ``steps`` once (see :class:`Simulator` for repeated runs)."""
    return Simulator(cell, tuple(inputs or ())).run(steps, inputs, progress, description)
