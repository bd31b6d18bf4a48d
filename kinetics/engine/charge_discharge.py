"""One full cell built once, charged and discharged at any rates and temperature (design sweeps).

A design sweep asks the same cell structure for many operating points. The PyBaMM model is built
and discretised once with the applied current, both voltage cut-offs, the ambient and initial
temperature and both electrodes' initial sodium fractions as ``pybamm.InputParameter`` s; a point
is then two IDAKLU solves: a constant-current charge that ends at the upper cut-off (its voltage
event) and, from its last state, a constant-current discharge to the lower cut-off.

What forces a rebuild: everything PyBaMM's geometry or mesh reads (each electrode's thickness, so
its loading at a given porosity and composition; the particle radii; the separator's thickness) and
the model family. What does not: currents, cut-offs, temperature and the starting state.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np
import pybamm

from ..cells import FullCell
from ..errors import InvalidValueError, RunFailedError
from . import names
from .build import build
from .solve import make_solver

_INITIAL = ("anode.initial_fraction", "cathode.initial_fraction")
_OPERATING = ("current", "lower_cutoff", "upper_cutoff", "ambient_T", "initial_T")
#: The longest step allowed, in hours at the requested current of the cell's cyclable capacity
#: (a step that has not reached its cut-off after 3× its nominal duration has lost it).
_LONGEST_STEP = 3.0


@dataclass(frozen=True)
class ChargeDischargeOutput:
    """What one charge–discharge point did (amperes, hours and volts; the caller scales).

    Attributes
    ----------
    charge_Ah, discharge_Ah : float
        Charge passed in the charge and in the discharge [A·h].
    discharge_Wh : float
        Energy delivered in the discharge [W·h] (∫ V I dt).
    discharge_h : float
        Duration of the discharge [h].
    min_anode_potential_V : float
        Lowest solid–electrolyte potential difference anywhere in the anode during the charge
        [V vs Na+/Na]: the plating margin (below 0 V sodium metal can plate).
    charge_end, discharge_end : str
        How each step ended ("cut-off" or the solver's reason).
    """

    charge_Ah: float
    discharge_Ah: float
    discharge_Wh: float
    discharge_h: float
    min_anode_potential_V: float
    charge_end: str
    discharge_end: str


class ChargeDischarge:
    """A balanced full cell, built once, that runs charge–discharge points.

    Parameters
    ----------
    cell : FullCell
        A full cell carrying its :class:`~kinetics.cells.Balance`.
    """

    def __init__(self, cell: FullCell):
        if not isinstance(cell, FullCell) or cell.balance is None:
            raise InvalidValueError("cell", type(cell).__name__, "a FullCell carrying its balance")
        self.cell = cell
        built = build(cell, _INITIAL)
        pv = built.parameter_values
        pv.update({names.CELL[k]: pybamm.InputParameter(names.CELL[k]) for k in _OPERATING})
        sim = pybamm.Simulation(built.model, parameter_values=pv)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            sim.build()
        self._model = sim.built_model
        self._anode_potential = names.electrode_potential_variable(built.slots["anode"])
        self._voltage, self._charge = names.VARIABLES["voltage"], names.VARIABLES["charge"]
        self._solver = make_solver([self._voltage, self._charge, self._anode_potential])
        self.capacity_Ah = cell.balance.cyclable_mAh_cm2 * cell.design.area_cm2 * 1e-3

    def run(self, charge_A: float, discharge_A: float, temperature_K: float) -> ChargeDischargeOutput:
        """Charge at ``charge_A`` to the upper cut-off, then discharge at ``discharge_A`` to the
        lower one, at ``temperature_K``, from the balance's discharged state. A step that does not
        reach its cut-off within 3× its nominal duration ends there and says so; a step past its cut-off from
        its first instant raises :class:`~kinetics.errors.RunFailedError`, another solver failure
        ``pybamm.SolverError``."""
        for name, value in (("charge current", charge_A), ("discharge current", discharge_A)):
            if not (np.isfinite(value) and value > 0):
                raise InvalidValueError(name, value, "a positive current in A")
        b, (lo, hi) = self.cell.balance, self.cell.window_V
        base = {_INITIAL[0]: b.anode_initial_fraction, _INITIAL[1]: b.cathode_initial_fraction,
                names.CELL["ambient_T"]: temperature_K, names.CELL["initial_T"]: temperature_K}
        c = names.CELL
        t_charge = _LONGEST_STEP * 3600.0 * self.capacity_Ah / charge_A
        with warnings.catch_warnings(), _at_once("charge", charge_A):
            warnings.simplefilter("ignore")
            charged = self._solver.solve(self._model, np.array([0.0, t_charge]), inputs={
                **base, c["current"]: names.current_sign("full", "charge") * charge_A,
                c["lower_cutoff"]: -5.0, c["upper_cutoff"]: hi})
            charge_end = _ending(charged.termination)
            state = charged.last_state
            state.termination = "final time"  # PyBaMM's step() does not continue past an event
            t_discharge = _LONGEST_STEP * 3600.0 * self.capacity_Ah / discharge_A
        with warnings.catch_warnings(), _at_once("discharge", discharge_A):
            warnings.simplefilter("ignore")
            discharged = self._solver.step(state, self._model, t_discharge,
                                           t_eval=np.array([0.0, t_discharge]), save=False, inputs={
                                               **base, c["current"]: discharge_A,
                                               c["lower_cutoff"]: lo, c["upper_cutoff"]: hi + 1.0})
        q_charge = -float(charged[self._charge].entries[-1])
        t = discharged.t
        q = discharged[self._charge].entries
        v = discharged[self._voltage].entries
        return ChargeDischargeOutput(
            charge_Ah=q_charge, discharge_Ah=float(q[-1] - q[0]),
            discharge_Wh=float(np.trapezoid(v, q)), discharge_h=float(t[-1] - t[0]) / 3600.0,
            min_anode_potential_V=float(np.min(charged[self._anode_potential].entries)),
            charge_end=charge_end, discharge_end=_ending(discharged.termination))


@contextmanager
def _at_once(step: str, current_A: float) -> Iterator[None]:
    """PyBaMM's "events non-positive at initial conditions" as what it means here."""
    try:
        yield
    except pybamm.SolverError as e:
        if "non-positive at initial conditions" in str(e):
            raise RunFailedError(f"the {step} at {current_A:.4g} A is past its voltage cut-off as soon as the current "
                                 "flows (the cell's overpotential at this rate exceeds the window)") from None
        raise


def _ending(termination: str) -> str:
    if termination.startswith("event") and "voltage" in termination:
        return "cut-off"
    if termination == "final time":
        return "time limit (cut-off not reached)"
    return termination
