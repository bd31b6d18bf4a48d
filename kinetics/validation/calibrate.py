r"""Calibration of parameter sets against single reported numbers (``kinetics calibrate``).

A small least-squares problem (scipy's trust-region reflective ``least_squares``) whose
residuals are the relative differences between simulated half-cell numbers and paper 000's
(the ``calibration`` rows of :mod:`.targets`), with the Jacobian from exact event-time
sensitivities of the capacities (:mod:`kinetics.fitting.capacity`). The unknowns are
:class:`~kinetics.fitting.Parameter` s and :class:`~kinetics.fitting.Tie` s, the same abstraction as
every fit; they are PyBaMM input
parameters, so no evaluation rebuilds a model. Each calibration starts from fixed prior values
written here (not from the stored result), so rerunning it recomputes the stored values;
``--write`` stores them with their command.

**Identifiability.** Every calibration reports, for each free parameter, the elasticity of each
target (d ln y / d ln p, from the same exact sensitivities) and the parameter's relative standard
error, taking each target's tolerance as its relative uncertainty σ_k:

.. math::

    \operatorname{Cov}(\ln p) = \left(E^\top \operatorname{diag}(\sigma^{-2}) E\right)^{-1},
    \qquad E_{kn} = \frac{\partial \ln y_k}{\partial \ln p_n}.

A parameter is **not identifiable** when its relative standard error exceeds 50 %, or when its
targets sit within 5 % of a ceiling: multiplying a rate parameter (log-scaled: a diffusivity, an
exchange current) by 100 moves none of them by more than 5 %, so the targets bound it from below
only. Such a parameter is refused before the calibration runs when it already shows at the
start, and a calibration that ends with one does not succeed and is not written; the shipped
calibrations fix such parameters at cited or ``assumed`` values and record why
(:attr:`Calibration.fixed`).
"""

from __future__ import annotations

import json
import time
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from scipy.optimize import least_squares

from ..cells import HalfCell
from ..errors import InvalidValueError, NotIdentifiableError, RunFailedError, UnknownNameError
from ..fitting.capacity import CapacityModel, CapacityStep
from ..fitting.parameters import Parameter, Parameters, Tie, default_bounds
from ..progress import Progress
from ..results import PLATEAU_EDGE_V
from ..sets import internal_unit, shipped_file, update_file_values
from ..units import convert
from .targets import target

#: Relative residual of every target when a trial's run stops early (large but finite).
FAILED_RESIDUAL = 10.0
#: A parameter whose relative standard error exceeds this is not identifiable.
MAX_RELATIVE_STDERR = 0.5
#: Targets that a 100-fold larger rate parameter moves by less than this sit at a ceiling.
CEILING_FRACTION, CEILING_FACTOR = 0.05, 100.0


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
    fixed : dict
        Name → why it is not calibrated (e.g. its targets cannot identify it), printed with the
        calibration's report.
    """

    name: str
    parameters: tuple[Parameter, ...]
    ties: tuple[Tie, ...]
    files: dict[str, str]
    measures: dict[str, tuple[str, float, str]]
    applies: dict[str, tuple[str, ...]] = field(default_factory=dict)
    notes: dict[str, str] = field(default_factory=dict)
    fixed: dict[str, str] = field(default_factory=dict)

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
_J0 = "anode.kinetics.exchange_current_density"
_COUNTER = "counter.exchange_current_density"

CALIBRATIONS: dict[str, Calibration] = {
    # The ester set carries paper 000's slope/plateau split, so the carbon's capacities are set on
    # it; the ether capacities (20 mA/g and 2 A/g) are then predictions (other electrolyte, same
    # carbon, kinetics from their cited or assumed values).
    "MPCC-1": Calibration(
        "MPCC-1",
        (Parameter(_ADSORPTION, 80.0, 30.0, 150.0), Parameter(_PORE, 190.0, 80.0, 300.0)),
        (Tie(_INSERTION, _ADSORPTION, 1.0),),
        {_ADSORPTION: "carbon-MPCC-1", _INSERTION: "carbon-MPCC-1", _PORE: "carbon-MPCC-1"},
        {"mpcc1_ester_20": ("MPCC-1-ester", 20.0, "capacity_mAh_g"),
         "mpcc1_ester_plateau": ("MPCC-1-ester", 20.0, "capacity_below_0.1V_mAh_g")},
        notes={_ADSORPTION: _SLOPE_NOTE, _INSERTION: _SLOPE_NOTE},
        fixed={_J0: "not calibrated: the only rate number (139.2 mAh/g at 2 A/g, ether) cannot identify the "
                    "carbon's exchange current: 100× the shipped value moves the model's 2 A/g capacity by ≈ 8 % "
                    "(d ln Q / d ln j0 ≈ 0.02, relative error ≫ 50 % for a ±10 % target), because at 2 A/g the "
                    "plateau is lost and the sloping capacity kept whatever j0; kept at its value derived from "
                    "paper 003's R_ct, and the 2 A/g capacity is a prediction "
                    "(tests/regression/test_calibration.py checks the refusal)",
               _COUNTER: "not calibrated: the sodium counter electrode's exchange current (diglyme) is no better "
                         "identified by the 2 A/g capacity (d ln Q / d ln j0 ≈ 0.03 at the shipped 10 A/m²); "
                         "kept at its assumed value"},
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


@dataclass(frozen=True)
class Identifiability:
    """What a calibration's targets say about one free parameter (see the module docstring).

    ``elasticities``: target → d ln y / d ln p; ``ceiling``: target → its value with the
    parameter 100× larger (rate parameters only; empty for capacities)."""

    name: str
    value: float
    relative_stderr: float
    elasticities: dict[str, float]
    ceiling: dict[str, float]
    identifiable: bool
    reason: str

    def to_json(self) -> dict:
        return {"value": self.value, "relative_stderr": self.relative_stderr,
                "elasticities": self.elasticities, "ceiling": self.ceiling,
                "identifiable": self.identifiable, "reason": self.reason}


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
    identifiability: list[Identifiability] = field(default_factory=list)

    @property
    def not_identifiable(self) -> list[Identifiability]:
        return [i for i in self.identifiability if not i.identifiable]

    def source_text(self) -> str:
        parts = ", ".join(f"{k} {self.paper[k]:g} (model {self.model[k]:.4g})" for k in self.paper)
        return (f"calibrated by `{self.calibration.command}` (least squares, relative residuals) "
                f"to paper 000: {parts}")


def get(name: str) -> Calibration:
    for k, c in CALIBRATIONS.items():
        if k.lower() == name.lower():
            return c
    raise UnknownNameError("calibration", name, CALIBRATIONS)


def with_extra(cal: Calibration, names: Sequence[str]) -> Calibration:
    """``cal`` with more free parameters (``kinetics calibrate NAME --vary …``), each starting from
    its stored value in the calibration's first set, with the default bounds of a fit."""
    if not names:
        return cal
    first = HalfCell(next(iter(cal.measures.values()))[0])
    values = first.values()
    known = [n for n, v in values.items() if not isinstance(v, str)]
    extra = []
    for n in names:
        if n not in known:
            raise UnknownNameError("parameter", n, known)
        if n in cal.names_for(first.name) or n in [p.name for p in extra]:
            raise InvalidValueError("--vary", n, "a parameter the calibration does not already move")
        lo, hi, log = default_bounds(n, float(values[n]))
        extra.append(Parameter(n, float(values[n]), lo, hi, log=log))
    return Calibration(cal.name, cal.parameters + tuple(extra), cal.ties, cal.files, cal.measures,
                       cal.applies, cal.notes, {k: v for k, v in cal.fixed.items() if k not in names})


class _Problem:
    """One calibration's models, residuals and Jacobian (relative residuals y/paper − 1)."""

    def __init__(self, cal: Calibration, model: str):
        self.cal = cal
        self.parameters = Parameters(cal.parameters, cal.ties)
        self.models: dict[str, CapacityModel] = {}
        self.index: dict[str, tuple[str, int, str]] = {}  # target → (set, step, "capacity" | "below")
        for set_name in dict.fromkeys(sn for sn, _, _ in cal.measures.values()):
            cell = HalfCell(set_name, model)
            lo, hi = cell.window_V
            rates = sorted({r for (sn, r, _) in cal.measures.values() if sn == set_name})
            steps = [s for r in rates
                     for s in (CapacityStep("sodiate", r, lo), CapacityStep("desodiate", r, hi, PLATEAU_EDGE_V))]
            self.models[set_name] = CapacityModel(cell, cal.names_for(set_name), steps)
            for k, (sn, r, column) in cal.measures.items():
                if sn == set_name:
                    self.index[k] = (set_name, 2 * rates.index(r) + 1, "below" if "below" in column else "capacity")
        self.paper = {k: float(target(k).paper) for k in cal.targets}
        self.sigma = np.array([target(k).tolerance for k in cal.targets])
        self.n_evaluations = 0
        self._cache: dict = {}

    def runs(self, z: np.ndarray, gradient: bool):
        """Every set's capacity runs at z (cached; None when a run stops early)."""
        key = (tuple(z), gradient)
        if key not in self._cache and not (not gradient and (tuple(z), True) in self._cache):
            self.n_evaluations += 1
            values = self.parameters.values(z)
            try:
                self._cache[key] = {s: m.evaluate({n: values[n] for n in m.names}, gradient)
                                    for s, m in self.models.items()}
            except RunFailedError:
                self._cache[key] = None
        return self._cache.get(key, self._cache.get((tuple(z), True)))

    def targets(self, runs) -> np.ndarray:
        return np.array([_measure(runs, self.index[k]) for k in self.cal.targets])

    def residuals(self, z: np.ndarray) -> np.ndarray:
        runs = self.runs(z, False)
        if runs is None:  # a trial whose run stopped early: a large, finite residual
            return np.full(len(self.cal.targets), FAILED_RESIDUAL)
        return self.targets(runs) / np.array(list(self.paper.values())) - 1.0

    def jacobian(self, z: np.ndarray) -> np.ndarray:
        """d residual / d z."""
        runs = self.runs(z, True)
        if runs is None:
            return np.zeros((len(self.cal.targets), len(self.parameters.free)))
        values = self.parameters.values(z)
        rows = np.array([[_measure(runs, self.index[k], n) / self.paper[k] for n in self.parameters.names]
                         for k in self.cal.targets])
        return rows @ self.parameters.dvalues_dz(values)

    def identifiability(self, z: np.ndarray) -> list[Identifiability]:
        """Elasticities, relative standard errors and the ceiling check at z (module docstring)."""
        runs = self.runs(z, True)
        if runs is None:
            raise RunFailedError(f"{self.cal.command}: the model cannot be solved at the values to be checked")
        y = self.targets(runs)
        paper = np.array(list(self.paper.values()))
        # d ln y / d ln p = (paper / y) · d(y/paper)/dz · dz/d ln p, with dz/d ln p = 1 (log) or z (linear)
        dz_dlnp = np.array([1.0 if p.log else zi for p, zi in zip(self.parameters.free, z)])
        E = self.jacobian(z) * (paper / y)[:, None] * dz_dlnp[None, :]
        info = E.T @ np.diag(self.sigma ** -2.0) @ E
        try:
            cov = np.linalg.inv(info)
            stderr = np.sqrt(np.clip(np.diag(cov), 0.0, None))
        except np.linalg.LinAlgError:
            stderr = np.full(len(dz_dlnp), np.inf)
        values = self.parameters.values(z)
        out = []
        for j, p in enumerate(self.parameters.free):
            elasticities = dict(zip(self.cal.targets, (float(e) for e in E[:, j])))
            ceiling: dict[str, float] = {}
            reasons = []
            if not stderr[j] <= MAX_RELATIVE_STDERR:
                reasons.append(f"relative standard error {stderr[j]:.0%} > {MAX_RELATIVE_STDERR:.0%} "
                               f"(σ of each target = its tolerance)")
            if p.log:
                zc = z.copy()
                zc[j] += np.log(CEILING_FACTOR)
                moved = self.runs(zc, False)
                if moved is not None:
                    yc = self.targets(moved)
                    ceiling = dict(zip(self.cal.targets, (float(v) for v in yc)))
                    change = np.abs(yc / y - 1.0)
                    if np.all(change < CEILING_FRACTION):
                        reasons.append(f"its targets sit within {CEILING_FRACTION:.0%} of a ceiling: "
                                       f"{CEILING_FACTOR:g}× the value moves them by at most {change.max():.1%}")
            out.append(Identifiability(p.name, values[p.name], float(stderr[j]), elasticities, ceiling,
                                       not reasons, "; ".join(reasons)))
        return out


def _refusal(cal: Calibration, bad: list[Identifiability], where: str) -> str:
    return (f"{cal.command}: not identifiable {where}: "
            + "; ".join(f"{i.name} ({i.reason})" for i in bad)
            + ". Fix it at a cited or assumed value, or add a target that depends on it.")


def run_calibration(name: str | Calibration, model: str = "SPMe", progress: bool = True,
                    max_evaluations: int = 60, vary: Sequence[str] = ()) -> CalibrationResult:
    """Run one calibration from its prior start; returns the fitted values (nothing written).

    The residuals are the relative misfits of the targets; their Jacobian comes from the
    capacities' exact event-time sensitivities (:mod:`kinetics.fitting.capacity`), so no
    finite differences are taken. ``n_evaluations`` counts model evaluations: residuals and
    Jacobians (each solves every set's protocol once). ``vary`` adds free parameters.

    Raises
    ------
    NotIdentifiableError
        Before the least squares, when a free parameter is not identifiable at the start.
    """
    cal = with_extra(get(name) if isinstance(name, str) else name, vary)
    t0 = time.perf_counter()
    problem = _Problem(cal, model)
    bad = [i for i in problem.identifiability(problem.parameters.start) if not i.identifiable]
    if bad:
        raise NotIdentifiableError(_refusal(cal, bad, "at the start values"))
    with Progress(None, cal.command, enabled=progress, unit="evaluation") as bar:
        def residuals(z: np.ndarray) -> np.ndarray:
            res = problem.residuals(z)
            bar.advance(status=f"rms residual {np.sqrt(np.mean(res ** 2)):.2e}")
            return res

        lo, hi = problem.parameters.z_bounds
        sol = least_squares(residuals, problem.parameters.start, jac=problem.jacobian, bounds=(lo, hi),
                            x_scale="jac", xtol=1e-6, ftol=1e-8, max_nfev=max_evaluations)
    final = problem.runs(sol.x, False)
    model_values = {} if final is None else dict(zip(cal.targets, (float(v) for v in problem.targets(final))))
    success, message = bool(sol.success) and final is not None, str(sol.message)
    ident = problem.identifiability(sol.x) if final is not None else []
    bad = [i for i in ident if not i.identifiable]
    if bad:
        success, message = False, _refusal(cal, bad, "at the calibrated values")
    return CalibrationResult(cal, problem.parameters.values(sol.x), model_values, problem.paper,
                             problem.n_evaluations, time.perf_counter() - t0, success, message, ident)


def _measure(runs: dict, where: tuple[str, int, str], by: str | None = None) -> float:
    """A target's value (or its derivative by ``by``; 0 for a name the set's model does not take)."""
    set_name, k, what = where
    step = runs[set_name][k]
    if by is None:
        return step.capacity_mAh_g if what == "capacity" else step.below_mAh_g
    return (step.d_capacity if what == "capacity" else step.d_below).get(by, 0.0)


def write(result: CalibrationResult) -> list[str]:
    """Store calibrated values in the shipped parameter files (atomic), with their command.

    Refused for a calibration that did not succeed (e.g. a parameter it cannot identify) or that
    moved parameters beyond its definition (``--vary``)."""
    cal = result.calibration
    if not result.success:
        raise RunFailedError(f"not written: {result.message}")
    extra = [p.name for p in cal.parameters if p.name not in cal.files]
    if extra:
        raise InvalidValueError("--write", ", ".join(extra),
                                "only the shipped calibration's own parameters (drop --vary to write)")
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
