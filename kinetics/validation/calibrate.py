"""Calibration of parameter sets against single reported numbers (``kinetics calibrate``).

A small least-squares problem (scipy's trust-region reflective ``least_squares``) whose
residuals are the relative differences between simulated half-cell numbers and paper 000's
(the ``calibration`` rows of :mod:`.targets`), with the Jacobian from exact event-time
sensitivities of the capacities (:mod:`kinetics.fitting.capacity`). The unknowns are
:class:`~kinetics.fitting.Parameter` s and :class:`~kinetics.fitting.Tie` s, the same abstraction as
every fit; they are PyBaMM input
parameters, so no evaluation rebuilds a model. Each calibration starts from fixed prior values
written here (not from the stored result), so rerunning it recomputes the stored values;
``--write`` stores them with their command.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field

import numpy as np
from scipy.optimize import least_squares

from ..cells import HalfCell
from ..errors import RunFailedError, UnknownNameError
from ..fitting.capacity import CapacityModel, CapacityStep
from ..fitting.parameters import Parameter, Parameters, Tie
from ..progress import Progress
from ..results import PLATEAU_EDGE_V
from ..sets import internal_unit, shipped_file, update_file_values
from ..units import convert
from .targets import target

#: Relative residual of every target when a trial's run stops early (large but finite).
FAILED_RESIDUAL = 10.0


@dataclass(frozen=True)
class Calibration:
    """One calibration: its unknowns and the targets that determine them.

    Attributes
    ----------
    parameters, ties : tuples
        The unknowns (start, bounds, log) and the quantities tied to them.
    files : dict
        Name → the shipped parameter file that stores it.
    applies : dict
        Name → the half-cell sets whose model it enters (absent: every set of the calibration).
    measures : dict
        Target key → (half-cell set, current [mA/g], rate-table column).
    notes : dict
        Name → what is assumed about it (stored with its source).
    """

    name: str
    parameters: tuple[Parameter, ...]
    ties: tuple[Tie, ...]
    files: dict[str, str]
    measures: dict[str, tuple[str, float, str]]
    applies: dict[str, tuple[str, ...]] = field(default_factory=dict)
    notes: dict[str, str] = field(default_factory=dict)

    @property
    def command(self) -> str:
        return f"kinetics calibrate {self.name}"

    @property
    def targets(self) -> tuple[str, ...]:
        return tuple(self.measures)

    def names_for(self, set_name: str) -> list[str]:
        """The unknowns (and tied names) that enter ``set_name``'s model."""
        names = [p.name for p in self.parameters] + [t.name for t in self.ties]
        return [n for n in names if set_name in self.applies.get(n, (set_name,))]


_SLOPE_NOTE = ("adsorption and insertion share the sloping capacity equally (assumed: paper 000 "
               "gives no sub-split of the sloping region)")
_ADSORPTION, _INSERTION = "anode.ocp.adsorption.capacity", "anode.ocp.insertion.capacity"
_PORE = "anode.ocp.pore_filling.capacity"
_COUNTER = "counter.exchange_current_density"

CALIBRATIONS: dict[str, Calibration] = {
    "MPCC-1": Calibration(
        "MPCC-1",
        (Parameter(_ADSORPTION, 80.0, 30.0, 150.0), Parameter(_PORE, 190.0, 80.0, 300.0),
         Parameter(_COUNTER, 10.0, 0.1, 1000.0, log=True)),
        (Tie(_INSERTION, _ADSORPTION, 1.0),),
        {_ADSORPTION: "carbon-MPCC-1", _INSERTION: "carbon-MPCC-1", _PORE: "carbon-MPCC-1",
         _COUNTER: "electrolyte-NaPF6-diglyme"},
        {"mpcc1_ether_20": ("MPCC-1-ether", 20.0, "capacity_mAh_g"),
         "mpcc1_ester_plateau": ("MPCC-1-ester", 20.0, "capacity_below_0.1V_mAh_g"),
         "mpcc1_ether_2000": ("MPCC-1-ether", 2000.0, "capacity_mAh_g")},
        applies={_COUNTER: ("MPCC-1-ether",)},
        notes={_ADSORPTION: _SLOPE_NOTE, _INSERTION: _SLOPE_NOTE,
               _COUNTER: "prior 10 A/m² (Seh et al. 2015, not checked here); paper 000: 'faster de-solvation "
                         "process and the formation of a thin SEI layer in ether-based electrolytes'"},
    ),
    "PCC": Calibration(
        "PCC",
        (Parameter(_ADSORPTION, 40.0, 10.0, 100.0), Parameter(_PORE, 30.0, 5.0, 150.0)),
        (Tie(_INSERTION, _ADSORPTION, 1.0),),
        {_ADSORPTION: "carbon-PCC", _INSERTION: "carbon-PCC", _PORE: "carbon-PCC"},
        {"pcc_ester_20": ("PCC-ester", 20.0, "capacity_mAh_g"),
         "pcc_ester_plateau": ("PCC-ester", 20.0, "capacity_below_0.1V_mAh_g")},
        notes={_ADSORPTION: _SLOPE_NOTE, _INSERTION: _SLOPE_NOTE},
    ),
}


@dataclass
class CalibrationResult:
    calibration: Calibration
    parameter_values: dict[str, float]  # every unknown and tied name (dotted set names)
    model: dict[str, float]  # per target key
    paper: dict[str, float]
    n_evaluations: int
    wall_time_s: float
    success: bool
    message: str

    def source_text(self) -> str:
        parts = ", ".join(f"{k} {self.paper[k]:g} (model {self.model[k]:.4g})" for k in self.paper)
        return (f"calibrated by `{self.calibration.command}` (least squares, relative residuals) "
                f"to paper 000: {parts}")


def get(name: str) -> Calibration:
    for k, c in CALIBRATIONS.items():
        if k.lower() == name.lower():
            return c
    raise UnknownNameError("calibration", name, CALIBRATIONS)


def run_calibration(name: str, model: str = "SPMe", progress: bool = True,
                    max_evaluations: int = 60) -> CalibrationResult:
    """Run one calibration from its prior start; returns the fitted values (nothing written).

    The residuals are the relative misfits of the targets; their Jacobian comes from the
    capacities' exact event-time sensitivities (:mod:`kinetics.fitting.capacity`), so no
    finite differences are taken. ``n_evaluations`` counts model evaluations: residuals and
    Jacobians (each solves every set's protocol once)."""
    cal = get(name)
    problem = Parameters(cal.parameters, cal.ties)
    models: dict[str, CapacityModel] = {}
    index: dict[str, tuple[str, int, str]] = {}  # target → (set, step, "capacity" | "below")
    for set_name in dict.fromkeys(sn for sn, _, _ in cal.measures.values()):
        cell = HalfCell(set_name, model)
        lo, hi = cell.window_V
        rates = sorted({r for (sn, r, _) in cal.measures.values() if sn == set_name})
        steps = [s for r in rates
                 for s in (CapacityStep("sodiate", r, lo), CapacityStep("desodiate", r, hi, PLATEAU_EDGE_V))]
        models[set_name] = CapacityModel(cell, cal.names_for(set_name), steps)
        for k, (sn, r, column) in cal.measures.items():
            if sn == set_name:
                index[k] = (set_name, 2 * rates.index(r) + 1, "below" if "below" in column else "capacity")
    paper = {k: float(target(k).paper) for k in cal.targets}
    count = {"n": 0}
    cache: dict = {}
    t0 = time.perf_counter()

    def solve(z: np.ndarray, gradient: bool):
        key = (tuple(z), gradient)
        if key not in cache and not (not gradient and (tuple(z), True) in cache):
            count["n"] += 1
            values = problem.values(z)
            try:
                cache[key] = {s: m.evaluate({n: values[n] for n in m.names}, gradient) for s, m in models.items()}
            except RunFailedError:
                cache[key] = None
        return cache.get(key, cache.get((tuple(z), True)))

    with Progress(None, cal.command, enabled=progress, unit="evaluation") as bar:
        def residuals(z: np.ndarray) -> np.ndarray:
            runs = solve(z, False)
            if runs is None:  # a trial whose run stopped early: a large, finite residual
                res = np.full(len(cal.targets), FAILED_RESIDUAL)
            else:
                res = np.array([_measure(runs, index[k]) / paper[k] - 1.0 for k in cal.targets])
            bar.advance(status=f"rms residual {np.sqrt(np.mean(res ** 2)):.2e}")
            return res

        def jacobian(z: np.ndarray) -> np.ndarray:
            runs = solve(z, True)
            if runs is None:
                return np.zeros((len(cal.targets), len(problem.free)))
            values = problem.values(z)
            rows = np.array([[_measure(runs, index[k], n) / paper[k] for n in problem.names] for k in cal.targets])
            bar.advance()
            return rows @ problem.dvalues_dz(values)

        lo, hi = problem.z_bounds
        sol = least_squares(residuals, problem.start, jac=jacobian, bounds=(lo, hi), x_scale="jac",
                            xtol=1e-6, ftol=1e-8, max_nfev=max_evaluations)
    final = solve(sol.x, False)
    model_values = {} if final is None else {k: _measure(final, index[k]) for k in cal.targets}
    return CalibrationResult(cal, problem.values(sol.x), model_values, paper, count["n"],
                             time.perf_counter() - t0, bool(sol.success) and final is not None, str(sol.message))


def _measure(runs: dict, where: tuple[str, int, str], by: str | None = None) -> float:
    """A target's value (or its derivative by ``by``; 0 for a name the set's model does not take)."""
    set_name, k, what = where
    step = runs[set_name][k]
    if by is None:
        return step.capacity_mAh_g if what == "capacity" else step.below_mAh_g
    return (step.d_capacity if what == "capacity" else step.d_below).get(by, 0.0)


def write(result: CalibrationResult) -> list[str]:
    """Store calibrated values in the shipped parameter files (atomic), with their command."""
    cal = result.calibration
    by_file: dict[str, dict[str, float]] = {}
    for n, file in cal.files.items():
        by_file.setdefault(file, {})[n] = result.parameter_values[n]
    for file, values in by_file.items():
        for n, v in values.items():
            note = cal.notes.get(n, "")
            update_file_values(shipped_file(file), {n: v}, "calibrated",
                               result.source_text() + (f"; {note}" if note else ""))
    return list(by_file)


def stored_values(name: str) -> dict[str, float]:
    """The currently stored values of a calibration's unknowns and tied names (internal units)."""
    out = {}
    for n, file in get(name).files.items():
        e = json.loads(shipped_file(file).read_text(encoding="utf-8"))["parameters"][n]
        out[n] = convert(e["value"], e["unit"], internal_unit(n), field=n)
    return out
