"""Parameters identified from voltammograms: the half-cell model fitted to several measured
cyclic voltammograms at once.

Each file is replayed under voltage control (:class:`kinetics.engine.SweepReplayer`): its
potential, as measured, is cut into linear legs between its vertices, the model is driven by
those legs from rest in equilibrium with the file's first potential, and its current is
compared with the measured one on up to :data:`POINTS_PER_FILE` samples per file. The solver's
forward sensitivities of the current give the Jacobian (the same engine as GCD and GITT
fitting). Residuals are divided by each file's RMS current, so that every scan rate counts
alike although the currents grow with it; the reported RMSE is in mA.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from scipy.optimize import least_squares

from ..cells import HalfCell
from ..engine import SweepLeg, SweepReplayer
from ..errors import InvalidValueError
from ..io.cv import Voltammogram
from ..physics.transport import StageDiffusivity
from ..progress import Progress
from ..sets import ParameterSet, convert
from .fit import _notes, _uncertainties
from .model import equilibrium_fraction
from .parameters import Parameter, Parameters

#: Measured samples compared per file (evenly spread in time over the fitted cycles).
POINTS_PER_FILE = 400
#: A vertex: where the sweep direction turns and stays turned for this many samples.
TURN_SAMPLES = 3
#: Relative step of the finite-difference reference (``identify(..., finite_differences=True)``): a
#: tenth of a per cent of the optimiser's variable (3 % of a log-diffusivity); scipy's default
#: (1.5e-8) is below the solver's tolerance and gives a zero gradient.
FD_STEP = 1e-3
#: A file whose RMSE exceeds this share of its RMS current is not described by the model (a note says so).
POOR_FIT_SHARE = 0.2
#: Residual of a sample whose solve failed (in units of the file's RMS current).
FAILED_RESIDUAL = 10.0


def default_names(cell: HalfCell) -> list[str]:
    """What ``kinetics cv --identify`` varies by default: the working electrode's diffusivity
    law (each stage's D, or the constant D) and exchange current, and its double-layer
    capacitance and surface-storage share when its set gives it those."""
    role, material = cell.role, cell.working.material
    D = material.diffusivity
    fields = (("adsorption_m2_s", "insertion_m2_s", "pore_filling_m2_s") if isinstance(D, StageDiffusivity)
              else ("value_m2_s",))
    out = [convert.diffusivity_name(role, D, f) for f in fields]
    out.append(convert.material_name(role, "exchange_current_A_m2"))
    if material.double_layer_F_g > 0:
        out.append(convert.material_name(role, "double_layer_F_m2"))
    if material.surface_storage_fraction > 0:
        out.append(convert.material_name(role, "surface_storage_fraction"))
    return out


@dataclass(frozen=True)
class ReplayedFile:
    """A voltammogram cut into the legs the model replays, with the samples it is compared on."""

    label: str
    legs: tuple[SweepLeg, ...]
    time_s: np.ndarray  # compared samples [s from the file's start]
    potential_V: np.ndarray
    current_mA: np.ndarray
    start_V: float
    scale_mA: float  # RMS of the compared current


def sweep_legs(v: Voltammogram, last_cycle: int, points: int = POINTS_PER_FILE) -> ReplayedFile:
    """The linear legs of ``v`` up to the end of its cycle ``last_cycle`` (vertices where the
    direction of the potential turns), and at most ``points`` samples of those cycles."""
    keep = v.cycle <= last_cycle
    t, E, i = v.time_s[keep] - v.time_s[0], v.potential_V[keep], v.current_mA[keep]
    if len(t) < 10:
        raise InvalidValueError(f"{v.label}: cycles 1–{last_cycle}", f"{len(t)} samples", "a sweep of >= 10 samples")
    direction = np.sign(np.diff(E))
    direction[direction == 0] = 1
    turns = [0]
    for k in range(1, len(direction) - TURN_SAMPLES):
        if direction[k] != direction[k - 1] and np.all(direction[k:k + TURN_SAMPLES] == direction[k]):
            turns.append(k)
    turns.append(len(t) - 1)
    legs = []
    for a, b in zip(turns[:-1], turns[1:]):
        duration = float(t[b] - t[a])
        if duration <= 0:
            continue
        inside = (t > t[a]) & (t <= t[b])
        legs.append(SweepLeg(duration, float(E[a]), float((E[b] - E[a]) / duration), t[inside] - t[a]))
    # compare on at most ``points`` samples spread in time; the legs output every sample (the
    # current needs them no more than the comparison does): thin the legs' outputs to the same
    picked = np.unique(np.clip(np.searchsorted(t, np.linspace(t[1], t[-1], points)), 1, len(t) - 1))
    chosen = set(picked.tolist())
    thinned = []
    for leg, (a, b) in zip(legs, zip(turns[:-1], turns[1:])):
        idx = [k for k in range(a + 1, b + 1) if k in chosen]
        thinned.append(SweepLeg(leg.duration_s, leg.start_V, leg.slope_V_s, t[idx] - t[a] if idx else None))
    idx_all = np.array(sorted(chosen))
    scale = float(np.sqrt(np.mean(i[idx_all] ** 2)))
    if not scale > 0:
        raise InvalidValueError(f"{v.label}: current", 0.0, "a voltammogram with current")
    return ReplayedFile(v.label, tuple(thinned), t[idx_all], E[idx_all], i[idx_all], float(E[0]), scale)


@dataclass
class CVIdentification:
    """Parameters identified from voltammograms (``kinetics cv --identify``).

    ``parameters`` maps each varied name to its value and standard error; ``rmse_mA`` is over
    all compared samples, ``rmse_mA_per_file`` per file; ``curves`` holds, per file, the compared
    samples (time [s], potential [V], measured and model current [mA]).
    """

    parameters: dict[str, dict[str, float]]
    rmse_mA: float
    rmse_mA_per_file: dict[str, float]
    correlation: dict[str, dict[str, float]]
    n_evaluations: int
    wall_time_s: float
    converged: bool
    message: str
    not_identifiable: list[str]
    notes: list[str]
    files: tuple[str, ...]
    curves: dict[str, dict[str, np.ndarray]] = field(repr=False, default_factory=dict)

    def to_json(self) -> dict:
        return {"parameters": self.parameters, "rmse_mA": self.rmse_mA, "rmse_mA_per_file": self.rmse_mA_per_file,
                "correlation": self.correlation, "n_evaluations": self.n_evaluations,
                "wall_time_s": self.wall_time_s, "converged": self.converged, "message": self.message,
                "not_identifiable": self.not_identifiable, "notes": self.notes}

    def parameter_set(self, base: ParameterSet, name: str | None = None) -> ParameterSet:
        """``base`` with the identified values, each marked ``fitted`` with its provenance."""
        source = (f"identified from {', '.join(self.files)} by `kinetics cv --identify` "
                  f"(RMSE {self.rmse_mA:.3g} mA)")
        values = {n: p["value"] for n, p in self.parameters.items()}
        return base.with_values(values, "fitted", source, name=name or f"{base.name}-cv", new=True)


class _SweepFitter:
    """Residuals and Jacobian of a CV fit (the interface :func:`fit._uncertainties` reads)."""

    def __init__(self, cell: HalfCell, files: Sequence[ReplayedFile], problem: Parameters):
        self.cell, self.files, self.problem = cell, list(files), problem
        self.parameters = problem.parameters
        self.replayer = SweepReplayer(cell, problem.names)
        self.n_evaluations = 0
        self.failures: list[str] = []

    def values(self, z: np.ndarray) -> dict[str, float]:
        return self.problem.values(z)

    def _file(self, f: ReplayedFile, values: dict[str, float], sensitivities: bool):
        x0, dx0 = equilibrium_fraction(self.cell, f.start_V, "desodiation", self.problem.names, values)
        out = self.replayer.replay(f.legs, values, x0, sensitivities)
        model_mA = np.concatenate([o.current_A for o in out]) * 1e3
        if not sensitivities:
            return model_mA, None
        S = np.concatenate([o.sensitivities for o in out]) * 1e3
        return model_mA, S[:, :-1] + np.outer(S[:, -1], dx0)  # the start's dependence on the OCP

    def evaluate(self, z: np.ndarray, sensitivities: bool = False):
        self.n_evaluations += 1
        values = self.values(z)
        residuals, rows, models = [], [], {}
        M = self.problem.dvalues_dz(values) if sensitivities else None
        for f in self.files:
            try:
                model_mA, S = self._file(f, values, sensitivities)
                residuals.append((model_mA - f.current_mA) / f.scale_mA)
                models[f.label] = model_mA
                if sensitivities:
                    rows.append(S @ M / f.scale_mA)
            except Exception as exc:  # noqa: BLE001 (a trial point the solver cannot integrate)
                self.failures.append(f"{f.label}: {type(exc).__name__}: {str(exc)[:200]}")
                residuals.append(np.full(len(f.current_mA), FAILED_RESIDUAL))
                models[f.label] = np.full(len(f.current_mA), np.nan)
                if sensitivities:
                    rows.append(np.zeros((len(f.current_mA), M.shape[1])))
        r = np.concatenate(residuals)
        return r, (np.vstack(rows) if sensitivities else None), models


def _surface_model(cell: HalfCell, names: Sequence[str]) -> bool:
    """Whether the built model has a double layer or surface storage (two particle phases)."""
    material = cell.working.material
    return (material.double_layer_F_g > 0 or material.surface_storage_fraction > 0
            or any(".surface." in n for n in names))


def _difference_jacobian(fitter: _SweepFitter, z: np.ndarray, r: np.ndarray, lo: np.ndarray,
                         hi: np.ndarray) -> np.ndarray:
    """Forward differences of the residuals at ``z`` (backward at an upper bound), step FD_STEP."""
    J = np.empty((len(r), len(z)))
    for k in range(len(z)):
        h = FD_STEP * max(1.0, abs(z[k]))
        h = -h if z[k] + h > hi[k] else h
        step = np.array(z, float)
        step[k] += h
        J[:, k] = (fitter.evaluate(step)[0] - r) / h
    return J


def identify(cell: HalfCell, voltammograms: Sequence[Voltammogram], parameters: Sequence[Parameter],
             last_cycle: int = 2, max_evaluations: int = 40, points: int = POINTS_PER_FILE,
             progress: bool = False, finite_differences: bool = False) -> CVIdentification:
    """Fit ``parameters`` of ``cell`` to all ``voltammograms`` at once (cycles 1 to
    ``last_cycle`` of each file, replayed from the file's start).

    Parameters
    ----------
    cell : HalfCell
        The carbon vs sodium metal; its set holds everything not varied. Its active mass is the
        files' (currents in mA are compared).
    voltammograms : sequence of Voltammogram
        :func:`kinetics.io.cv.read_cv` files, each starting at rest (its first potential is
        taken as the open-circuit potential of the starting state).
    parameters : sequence of Parameter
        :func:`kinetics.fitting.parameters.make_parameters` (log-transformed diffusivities and
        exchange currents by default).
    finite_differences : bool
        Jacobians by scipy's two-point differences of plain replays instead of the solver's
        sensitivities (the reference of ``benchmarks/bench_cv.py``). Always so for a carbon with a
        double layer or surface storage: IDAS's forward sensitivities of PyBaMM's surface-form and
        two-phase models did not finish here (PyBaMM 26.10), their plain solves take seconds.
    """
    if not voltammograms:
        raise InvalidValueError("voltammograms", 0, "one or more files")
    t0 = time.perf_counter()
    files = [sweep_legs(v, last_cycle, points) for v in voltammograms]
    problem = Parameters(list(parameters))
    fitter = _SweepFitter(cell, files, problem)
    extra_notes = []
    if not finite_differences and _surface_model(cell, problem.names):
        finite_differences = True
        extra_notes.append("Jacobians by finite differences (relative step 1e-3 of the fitted variables): the "
                           "model has a double layer or surface storage, whose solver sensitivities are not used")
    lo, hi = problem.z_bounds
    cache: dict[bytes, tuple] = {}

    def both(z):
        key = np.asarray(z, float).tobytes()
        if key not in cache:
            cache.clear()
            cache[key] = fitter.evaluate(np.asarray(z, float), sensitivities=not finite_differences)
        return cache[key]

    with Progress(None, "CV identification", enabled=progress, unit="evaluation") as bar:
        def fun(z):
            r = both(z)[0]
            bar.advance(status=f"relative RMSE {np.sqrt(np.mean(r ** 2)):.4f}")
            return r

        sol = least_squares(fun, problem.start, jac="2-point" if finite_differences else (lambda z: both(z)[1]),
                            diff_step=FD_STEP if finite_differences else None,
                            bounds=(lo, hi), method="trf",
                            x_scale=1.0, ftol=1e-6, xtol=1e-4, gtol=1e-8, max_nfev=max_evaluations)
    r, J, models = both(sol.x)
    if finite_differences:  # the uncertainties need a Jacobian at the end point
        J = _difference_jacobian(fitter, sol.x, r, lo, hi)
    values = fitter.values(sol.x)
    stderr, corr, _ = _uncertainties(fitter, sol.x, J, r)
    notes, weak = _notes(fitter, values, stderr, corr)
    notes = extra_notes + notes
    if fitter.failures:
        notes.append(f"{len(fitter.failures)} trial solve(s) failed (first: {fitter.failures[0]})")
    free = [p.name for p in problem.parameters if p.vary]
    rmse = {f.label: float(np.sqrt(np.mean((models[f.label] - f.current_mA) ** 2))) for f in files}
    for f in files:
        if rmse[f.label] > POOR_FIT_SHARE * f.scale_mA:
            notes.append(f"{f.label}: the model does not describe this file: its RMSE {rmse[f.label]:.3g} mA is "
                         f"{rmse[f.label] / f.scale_mA:.0%} of the file's RMS current {f.scale_mA:.3g} mA (check the "
                         f"active mass, the set and what the model varies)")
    all_diff = np.concatenate([models[f.label] - f.current_mA for f in files])
    curves = {f.label: {"time_s": f.time_s, "potential_V": f.potential_V, "measured_mA": f.current_mA,
                        "model_mA": models[f.label]} for f in files}
    return CVIdentification(
        {n: {"value": float(values[n]), "stderr": float(stderr[n]),
             "start": float(next(p.value for p in problem.parameters if p.name == n))} for n in free},
        float(np.sqrt(np.mean(all_diff ** 2))), rmse,
        {a: {b: float(corr[i, j]) for j, b in enumerate(free)} for i, a in enumerate(free)},
        fitter.n_evaluations, time.perf_counter() - t0, bool(sol.status > 0), str(sol.message), weak, notes,
        tuple(f.label for f in files), curves)
