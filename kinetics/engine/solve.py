"""Solving protocols with PyBaMM's IDAKLU solver: one built model, re-used between runs.

Solver settings (stated once, used everywhere): ``pybamm.IDAKLUSolver(rtol=1e-6, atol=1e-6)``
with only the variables hc-kinetics reads as output variables. A run returns the raw series of
every completed step (:class:`RawRun`); :mod:`kinetics.results` turns them into tables.
"""

from __future__ import annotations

import time
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pybamm

from ..cells import FullCell, HalfCell
from ..progress import Progress
from ..protocols import Step, check_window
from .build import BuiltModel, build
from .names import VARIABLES, average_concentration_variable, surface_potential_variable
from .steps import to_pybamm_steps

SOLVER_SETTINGS = {"rtol": 1e-6, "atol": 1e-6}


def make_solver(output_variables: Sequence[str] | None = None, **settings) -> pybamm.IDAKLUSolver:
    """The IDAKLU solver with hc-kinetics' settings (``settings`` override them)."""
    return pybamm.IDAKLUSolver(**{**SOLVER_SETTINGS, **settings}, output_variables=list(output_variables or []))


@dataclass(frozen=True)
class StepSeries:
    """One completed step as the solver output it (unique, increasing times).

    Attributes
    ----------
    time_s, current_A, voltage_V : numpy.ndarray
        Time [s], PyBaMM's current [A] (positive discharges the cell) and cell voltage [V].
    sodium_fraction : numpy.ndarray
        Volume-averaged sodium fraction of the reference electrode (working electrode of a half
        cell, anode of a full cell) [-].
    surface_potential_V : numpy.ndarray
        X-averaged solid–electrolyte potential difference of the reference electrode [V].
    """

    time_s: np.ndarray
    current_A: np.ndarray
    voltage_V: np.ndarray
    sodium_fraction: np.ndarray
    surface_potential_V: np.ndarray


@dataclass(frozen=True)
class RawRun:
    """What the solver produced: the completed steps, and why it stopped early (if it did)."""

    series: tuple[StepSeries, ...]
    n_steps: int
    failure: str | None
    wall_time_s: float

    @property
    def truncated(self) -> bool:
        return self.failure is not None or len(self.series) < self.n_steps


class _ProgressCallback(pybamm.callbacks.Callback):
    """Advances a :class:`~kinetics.progress.Progress` per protocol step (PyBaMM calls each of
    our steps a cycle)."""

    def __init__(self, steps: Sequence[Step], bar: Progress):
        self.steps, self.bar = steps, bar

    def on_cycle_start(self, logs):
        k, _ = logs["cycle number"]
        s = self.steps[k - 1]
        if k > 1:
            self.bar.advance()
        self.bar.status(s.direction + (f" {s.label}" if s.label else ""))

    def on_experiment_end(self, logs):
        self.bar.advance()


class Engine:
    """A cell's PyBaMM model, built once, that runs protocols.

    Parameters
    ----------
    cell : HalfCell or FullCell
        A full cell must carry its balance.
    inputs : sequence of str
        Parameter-set names exposed as input parameters (change them per run without
        rebuilding).
    """

    def __init__(self, cell: HalfCell | FullCell, inputs: Sequence[str] = ()):
        self.cell = cell
        self.built: BuiltModel = build(cell, inputs)
        self._sims: dict = {}

    @property
    def reference_role(self) -> str:
        """The electrode whose mass normalises currents and whose state is reported."""
        return self.cell.role if isinstance(self.cell, HalfCell) else "anode"

    @property
    def reference_electrode(self):
        return self.cell.working if isinstance(self.cell, HalfCell) else self.cell.anode_electrode

    def output_variables(self) -> list[str]:
        v = [VARIABLES["time"], VARIABLES["current"], VARIABLES["voltage"]]
        for s in self.built.slots.values():
            v.append(average_concentration_variable(s))
            v.append(surface_potential_variable(s))
        return sorted(set(v))

    def run(self, steps: Sequence[Step], inputs: Mapping[str, float] | None = None,
            progress: bool = False, description: str = "") -> RawRun:
        """Solve ``steps``. A solver failure ends the run early; :attr:`RawRun.failure` says why."""
        steps = tuple(steps)
        check_window(steps, self.cell.window_V, self.cell.kind)
        electrode = self.reference_electrode
        pairs = to_pybamm_steps(steps, self.cell.kind, self.cell.current_A, electrode.material.one_c_mA_g,
                                electrode.material.ocp.total_capacity_mAh_g)
        cycles: list[list] = [[] for _ in steps]
        for k, st in pairs:
            cycles[k].append(st)
        key = tuple(repr(c) for c in cycles)
        sim = self._sims.get(key)
        if sim is None:  # the same protocol again re-uses the built, discretised model
            sim = pybamm.Simulation(self.built.model, parameter_values=self.built.parameter_values,
                                    experiment=pybamm.Experiment([tuple(c) for c in cycles]),
                                    solver=make_solver(self.output_variables()))
            self._sims[key] = sim
        failure = None
        t0 = time.perf_counter()
        with Progress(len(steps), description or self.cell.name, enabled=progress) as bar:
            callbacks = [_ProgressCallback(steps, bar)] if progress else None
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                try:
                    solution = sim.solve(inputs={**self.built.inputs, **(inputs or {})}, callbacks=callbacks)
                except pybamm.SolverError as e:  # solver failure before any step completed
                    solution, failure = None, str(e).splitlines()[0]
        wall = time.perf_counter() - t0
        series = self._series(solution)
        if failure is None and len(series) < len(steps):
            failure = "the solver stopped (infeasible step or solver failure)"
        return RawRun(tuple(series), len(steps), failure, wall)

    def _series(self, solution) -> list[StepSeries]:
        if solution is None:
            return []
        role = self.reference_role
        slot = self.built.slots[role]
        c_true = self.built.true_concentration[role]
        out = []
        for cyc in solution.cycles:
            if cyc is None:
                break
            t = cyc[VARIABLES["time"]].entries
            t, idx = np.unique(t, return_index=True)
            out.append(StepSeries(
                t, cyc[VARIABLES["current"]].entries[idx], cyc[VARIABLES["voltage"]].entries[idx],
                cyc[average_concentration_variable(slot)].entries[idx] / c_true,
                cyc[surface_potential_variable(slot)].entries[idx]))
        return out
