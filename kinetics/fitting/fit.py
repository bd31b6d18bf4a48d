"""Least-squares fitting of a half cell to measured GCD curves, with exact sensitivities.

The residual vector stacks, for every fitted curve of every file, the voltage error at up to
:data:`~kinetics.fitting.engine.GRID_POINTS` measured samples spread uniformly in time (= in
capacity at constant current), times the file's weight:

.. math::

    r_{f,k}(\\theta) = w_f \\left(V^\\mathrm{model}_f(t_k; \\theta) - V^\\mathrm{data}_f(t_k)\\right)

and is minimised by scipy's trust-region-reflective least squares [1]_ over the transformed
parameters z (:mod:`kinetics.fitting.parameters`), with the Jacobian from the forward
sensitivities that PyBaMM's IDAKLU solver integrates (:mod:`kinetics.fitting.model`):
no finite differences and no model rebuilds. A failed solve gives a residual of
:data:`FAILED_RESIDUAL_V` on every point of that file (large but finite), so the optimiser
steps back instead of crashing.

Uncertainties are the usual linearised ones [2]_: with J the Jacobian at the optimum, m
residuals and n parameters, cov(z) = s² (JᵀJ)⁺ with s² = ‖r‖²/(m − n); standard errors of the
parameters follow by the delta method (σ_p = |dp/dz| σ_z), and the correlation matrix from cov(z).

References
----------
.. [1] M. A. Branch, T. F. Coleman, Y. Li, SIAM J. Sci. Comput. 21 (1999) 1–23.
.. [2] D. M. Bates, D. G. Watts, Nonlinear Regression Analysis and Its Applications, Wiley (1988),
   ch. 2.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

import numpy as np
from scipy.optimize import least_squares
from scipy.stats import qmc

from ..cells import BALANCE_NAMES, POTENTIALS, FullCell, HalfCell
from ..errors import Interrupted, InvalidValueError
from ..io.gcd import GCDData
from ..progress import Progress
from ..sets import ParameterSet, convert
from .model import GRID_POINTS, CurveModel, residual_grid
from .parameters import Parameter, Parameters, Tie

#: Loss of the first phase (scipy name) and its scale [V]: far from the optimum, a trial with
#: too little capacity is driven past its cut-off and errs by volts on a few points; a soft-L1
#: loss keeps those points from dictating the step. The fit then polishes with plain least
#: squares (which the uncertainties assume).
ROBUST_LOSS = "soft_l1"
ROBUST_SCALE_V = 0.02
#: Residual [V] on every point of a file whose solve failed.
FAILED_RESIDUAL_V = 1.0
#: Correlation above which two parameters are reported as not separately identifiable.
CORRELATION_WARNING = 0.95
#: Relative standard error above which a parameter is reported as not identifiable.
RELATIVE_STDERR_WARNING = 0.5
#: Tolerance on data outside the cell's voltage window [V] (cycler overshoot at cut-offs).
WINDOW_TOLERANCE_V = 0.05


@dataclass
class CurveFit:
    """One fitted curve: data and model on the residual grid."""

    file: str
    kind: str
    cycle: int
    current_mA_g: float
    capacity_mAh_g: np.ndarray
    data_V: np.ndarray
    model_V: np.ndarray
    #: Half-width of the 95 % prediction band [V] (predictions only): 1.96 σ of the model voltage
    #: from the fit's parameter covariance, linearised through the sensitivities.
    band_V: np.ndarray | None = None
    #: What ``data_V``/``model_V`` are: the cell voltage or an electrode's potential against a
    #: reference electrode (:data:`kinetics.cells.POTENTIALS`).
    potential: str = "cell"


@dataclass
class FitResult:
    """What a fit found, and how far to trust it.

    Attributes
    ----------
    values, stderr : dict
        Best-fit value and standard error of each parameter and tied quantity (internal units;
        0 for a fixed parameter).
    correlation : numpy.ndarray
        Correlation matrix of the varied parameters (order of :attr:`names`).
    rmse_mV : dict
        RMSE [mV] per file over its fitted curves.
    n_evaluations : int
        Model evaluations (each replays every file once): residual plus Jacobian evaluations.
    converged : bool
        Whether the optimiser met its tolerance; if not, :attr:`message` says why and the
        values are the best point found.
    notes : list of str
        Parameters that these data cannot identify, strongly correlated pairs, parameters
        at a bound.
    """

    parameters: tuple[Parameter, ...]
    values: dict[str, float]
    stderr: dict[str, float]
    correlation: np.ndarray
    rmse_mV: dict[str, float]
    curves: list[CurveFit]
    n_evaluations: int
    n_jacobian_evaluations: int
    wall_time_s: float
    converged: bool
    message: str
    notes: list[str]
    not_identifiable: list[str]
    base_set: ParameterSet
    model: str
    files: tuple[str, ...]
    n_starts: int = 1
    fitter: Fitter | None = field(default=None, repr=False)
    ties: tuple[Tie, ...] = ()
    #: Covariance of the optimiser's variables z of the varied parameters (None if unknown).
    covariance: np.ndarray | None = field(default=None, repr=False)

    @property
    def names(self) -> list[str]:
        """The varied parameters (the rows and columns of :attr:`correlation`)."""
        return [p.name for p in self.parameters if p.vary]

    @property
    def rmse_all_mV(self) -> float:
        d = np.concatenate([c.model_V - c.data_V for c in self.curves])
        return float(np.sqrt(np.mean(d ** 2)) * 1e3)

    def parameter_set(self, name: str | None = None) -> ParameterSet:
        """The base set with the fitted values (kind ``fitted``, source naming the files)."""
        pset = self.base_set
        files = ", ".join(self.files)
        fitted = [p.name for p in self.parameters if p.vary] + [t.name for t in self.ties]
        for n in fitted:
            if n.startswith("initial_fraction:"):
                continue
            v, s = self.values[n], self.stderr[n]
            src = (f"fitted to {files} by hc-kinetics (`kinetics fit`, {self.model}, "
                   f"{len(self.files)} file(s), RMSE {self.rmse_all_mV:.2f} mV): {v:.6g} ± {s:.2g} "
                   f"(1 standard error)")
            pset = pset.with_values({n: v}, "fitted", src)
        return replace(pset, name=name or f"{self.base_set.name}-fitted",
                       description=f"{self.base_set.description}; fitted to {files}")

    def to_json(self) -> dict:
        return {
            "parameters": {p.name: {"value": self.values[p.name], "stderr": self.stderr[p.name],
                                    "start": p.value, "lower": p.lower, "upper": p.upper, "log": p.log,
                                    "vary": p.vary}
                           for p in self.parameters},
            "ties": {t.name: {"source": t.source, "factor": t.factor, "value": self.values[t.name]}
                     for t in self.ties},
            "correlation": {"names": self.names, "matrix": np.round(self.correlation, 6).tolist()},
            "rmse_mV": self.rmse_mV,
            "rmse_all_mV": self.rmse_all_mV,
            "n_evaluations": self.n_evaluations,
            "n_jacobian_evaluations": self.n_jacobian_evaluations,
            "wall_time_s": self.wall_time_s,
            "converged": self.converged,
            "message": self.message,
            "not_identifiable": self.not_identifiable,
            "notes": self.notes,
            "model": self.model,
            "parameter_set": self.base_set.name,
            "n_starts": self.n_starts,
        }


#: Implied C-rates a measured curve may have (outside: a unit is wrong, not the cell).
MIN_C_RATE, MAX_C_RATE = 1e-3, 1e3
#: Most a single curve may pass, as a share of the set's total capacity (a first sodiation with
#: its irreversible loss stays below it; a time in ms read as s does not).
MAX_CAPACITY_SHARE = 2.0


def check_data(data: Sequence[GCDData], cell: HalfCell | FullCell, varied: Sequence[str] = ()) -> None:
    """Errors before any solve: data outside the window, capacity axes in the wrong unit, a
    full cell asked to pass more charge than its electrodes hold (unless their loadings are
    ``varied``).

    The window is checked on the samples that are compared (the residual grid's span), not on
    the sample taken at the instant the current switches. A full cell's specific quantities are
    per gram of anode.
    """
    working = cell.working if isinstance(cell, HalfCell) else cell.anode_electrode
    q_model = working.material.ocp.total_capacity_mAh_g
    if isinstance(cell, FullCell) and not any(n in varied for n in BALANCE_NAMES[:2]):
        _check_full_cell_capacity(data, cell)
    kind = "half" if isinstance(cell, HalfCell) else "full"
    for d in data:
        if d.potential not in POTENTIALS[kind]:
            raise InvalidValueError(f"{d.label}: measured potential", d.potential,
                                    f"one of {list(POTENTIALS[kind])} for a {kind} cell")
        lo, hi = (cell.window_V if d.potential in ("cell", "working") else
                  getattr(cell, f"{d.potential}_half").window_V)
        for s in d.curves:
            v = s.voltage_V[residual_grid(s)]
            if v.min() < lo - WINDOW_TOLERANCE_V or v.max() > hi + WINDOW_TOLERANCE_V:
                raise InvalidValueError(f"{d.label}: voltage", f"{v.min():.3f}–{v.max():.3f} V",
                                        f"data inside the model's window {lo:g}–{hi:g} V "
                                        f"(±{WINDOW_TOLERANCE_V * 1e3:.0f} mV)")
        one_c = working.material.one_c_mA_g
        for s in d.curves:
            rate = s.current_mA_g / one_c
            if not MIN_C_RATE <= rate <= MAX_C_RATE:
                raise InvalidValueError(f"{d.label}: current (cycle {s.cycle}, {s.kind})", f"{s.current_mA_g:.4g} mA/g",
                                        f"a rate between C/{1 / MIN_C_RATE:.0f} and {MAX_C_RATE:.0f}C for this set "
                                        f"(1C = {one_c:g} mA/g): it is {rate:.3g}C; check the current's unit and "
                                        "--mass-mg")
            q_curve = float(s.capacity_mAh_g[-1])
            if q_curve > MAX_CAPACITY_SHARE * q_model:
                raise InvalidValueError(f"{d.label}: capacity (cycle {s.cycle}, {s.kind})", f"{q_curve:.4g} mAh/g",
                                        f"at most {MAX_CAPACITY_SHARE:g}× what the set's material holds "
                                        f"({q_model:.0f} mAh/g): check the time unit (ms read as s multiplies "
                                        "it by 1000; state it with --columns), the current's unit and --mass-mg")
        q = max(sum(float(s.capacity_mAh_g[-1]) for s in d.curves if s.kind == k)
                for k in ("sodiate", "desodiate"))
        if q < 0.02 * q_model:
            hint = ""
            if d.mass_mg:
                hint = (f"; if it is in mAh, divided by the active mass {d.mass_mg:g} mg it would be "
                        f"{q / (d.mass_mg * 1e-3):.4g} mAh/g")
            raise InvalidValueError(f"{d.label}: capacity", f"{q:.4g} mAh/g",
                                    f"a capacity of the order of the model's {q_model:.0f} mAh/g: the "
                                    f"capacity axis looks like mAh, not mAh/g, or the current is "
                                    f"wrong{hint}")


def _check_full_cell_capacity(data: Sequence[GCDData], cell: FullCell) -> None:
    """A curve cannot pass more charge than the smaller electrode holds."""
    caps = cell.capacities_Ah()
    limit = min(caps["anode"], caps["cathode"])
    mass_g = cell.anode_mass_mg * 1e-3
    for d in data:
        for s in d.curves:
            q_Ah = float(s.capacity_mAh_g[-1]) * mass_g * 1e-3
            if q_Ah > limit * (1 + 1e-6):
                raise InvalidValueError(
                    f"{d.label}: capacity (cycle {s.cycle}, {s.kind})", f"{q_Ah * 1e3:.4g} mAh",
                    f"at most what the set's cell holds, {limit * 1e3:.4g} mAh (anode {caps['anode'] * 1e3:.4g} "
                    f"mAh, cathode {caps['cathode'] * 1e3:.4g} mAh); larger anode.coating.loading and "
                    f"cathode.coating.loading (or stage capacities) would allow it: fit them (--vary balance)")


#: A fit whose start gives an electrode more than this multiple of the set's total stage capacity
#: is built with the start's stage capacities (see :func:`_built_for`).
CAPACITY_GROWTH_REBUILD = 1.5


def _built_for(cell: HalfCell | FullCell, problem: Parameters, set_names: Sequence[str]) -> HalfCell | FullCell:
    """The cell the model is built from: ``cell``, or, where the start gives an electrode's stages
    much more capacity than the set (an OCP refined from the data), the cell with the start's stage
    capacities: PyBaMM's c_max is fixed at build time (HEADROOM × the capacity then). Otherwise the
    set's values are kept, so that the OCP inverse's guess nodes are those of the set."""
    start = {n: v for n, v in problem.values(problem.start).items() if n in set_names}
    values = cell.values()
    capacities = {n: v for role in ("anode", "cathode") for n, v in start.items()
                  if n in convert.stage_capacity_names(start, role)}
    grows = any(convert.total_capacity_mAh_g({**values, **capacities}, role)
                > CAPACITY_GROWTH_REBUILD * convert.total_capacity_mAh_g(values, role)
                for role in ("anode", "cathode") if convert.stage_capacity_names(values, role))
    # a full cell's loadings set its electrodes' thicknesses, which PyBaMM fixes at build time (a
    # varied loading then scales the active fraction only): build at the start's loadings
    loadings = {n: start[n] for n in BALANCE_NAMES[:2] if n in start and isinstance(cell, FullCell)
                and abs(start[n] / values[n] - 1) > LOADING_REBUILD_SHARE}
    changed = (capacities if grows else {}) | loadings
    return cell.with_values(changed) if changed else cell


#: A full-cell fit whose loadings end further than this share from the ones its model was built
#: with is rebuilt there and refined again (at most :data:`MAX_REBUILDS` times).
LOADING_REBUILD_SHARE = 0.02
MAX_REBUILDS = 2


def _moved_loadings(fitter: Fitter, values: Mapping[str, float]) -> list[str]:
    built = fitter.model.cell.values()
    return [n for n in BALANCE_NAMES[:2] if n in fitter.set_names
            and abs(values[n] / built[n] - 1) > LOADING_REBUILD_SHARE]


class Fitter:
    """Residuals and Jacobians of one fitting problem (built once, evaluated many times).

    Parameters
    ----------
    cell : HalfCell or FullCell
        The cell whose parameter set is fitted (its values are the defaults of every
        parameter not fitted).
    data : sequence of GCDData
        The measured files.
    parameters : sequence of Parameter, or Parameters (with ties)
    weights : mapping, optional
        File label → weight of its residuals (default 1).
    model : CurveModel, optional
        A model already built for the same cell and set names (re-used, e.g. to predict).
    """

    def __init__(self, cell: HalfCell | FullCell, data: Sequence[GCDData], parameters: Sequence[Parameter] | Parameters,
                 weights: Mapping[str, float] | None = None, grid_points: int = GRID_POINTS,
                 model: CurveModel | None = None):
        if not data:
            raise InvalidValueError("DATA", [], "at least one measured file")
        labels = [d.label for d in data]
        if len(set(labels)) != len(labels):
            raise InvalidValueError("DATA", labels, "distinct files")
        self.problem = parameters if isinstance(parameters, Parameters) else Parameters(parameters)
        check_data(data, cell, [p.name for p in self.problem.free])
        self.cell, self.data = cell, list(data)
        self.parameters = self.problem.parameters
        self.weights = {d.label: float((weights or {}).get(d.label, 1.0)) for d in data}
        for k, w in self.weights.items():
            if not (np.isfinite(w) and w > 0):
                raise InvalidValueError(f"weight of {k}", w, "a positive number")
        self.grid_points = grid_points
        self.set_names = [n for n in self.problem.names if not n.startswith("initial_fraction:")]
        if model is None:
            mass = cell.active_mass_mg if isinstance(cell, HalfCell) else cell.anode_mass_mg
            model = CurveModel(_built_for(cell, self.problem, self.set_names), self.set_names, mass)
        self.model = model
        self.n_residuals = 0
        self.n_jacobians = 0
        self.failures: list[str] = []
        self._cache: dict = {}

    # ----------------------------------------------------------------- transforms
    def values(self, z: np.ndarray) -> dict[str, float]:
        return self.problem.values(z)

    def z_of(self, values: Mapping[str, float]) -> np.ndarray:
        return self.problem.z_of(values)

    @property
    def z_bounds(self) -> tuple[np.ndarray, np.ndarray]:
        return self.problem.z_bounds

    # ----------------------------------------------------------------- evaluation
    def evaluate(self, z: np.ndarray) -> tuple[np.ndarray, list[CurveFit]]:
        """Residual vector [V, weighted] and the curves at ``z`` (cached for the last z)."""
        key = tuple(z)
        if self._cache.get("residual_key") == key:
            return self._cache["residual"]
        values = self.values(z)
        res, curves, unsolved = [], [], []
        for d, outs in zip(self.data, self._simulate_all(values, False)):
            if outs is None:
                unsolved.append(d.label)
            w = self.weights[d.label]
            segs = self._fitted_segments(d)
            for seg, o in zip(segs, outs or [None] * len(segs)):
                idx = residual_grid(seg, self.grid_points)
                grid, data_V = seg.time_s[idx], seg.voltage_V[idx]
                model_V = data_V + FAILED_RESIDUAL_V if o is None else o.voltage_V
                res.append(w * (model_V - data_V))
                curves.append(CurveFit(d.label, seg.kind, seg.cycle, seg.current_mA_g,
                                       grid * seg.current_mA_g / 3600.0, data_V, model_V, potential=d.potential))
        self.n_residuals += 1
        self._cache.update(residual_key=key, residual=(np.concatenate(res), curves), unsolved=unsolved)
        return self._cache["residual"]

    def unsolved(self, z: np.ndarray) -> list[str]:
        """Labels of the files whose solve failed at ``z`` (evaluated if it is not the last point)."""
        self.evaluate(z)
        return list(self._cache["unsolved"])

    def jacobian(self, z: np.ndarray) -> np.ndarray:
        """d residual / d z from the solver's forward sensitivities (cached for the last z)."""
        key = tuple(z)
        if self._cache.get("jacobian_key") == key:
            return self._cache["jacobian"]
        values = self.values(z)
        dv_dz = self.problem.dvalues_dz(values)
        rows = []
        for d, outs in zip(self.data, self._simulate_all(values, True)):
            w = self.weights[d.label]
            segs = self._fitted_segments(d)
            for seg, o in zip(segs, outs or [None] * len(segs)):
                n = len(residual_grid(seg, self.grid_points))
                J = np.zeros((n, dv_dz.shape[0])) if o is None else self._jacobian_rows(o, d.label)
                rows.append(w * J @ dv_dz)
        self.n_jacobians += 1
        self._cache.update(jacobian_key=key, jacobian=np.vstack(rows))
        return self._cache["jacobian"]

    @staticmethod
    def _fitted_segments(d: GCDData) -> list:
        return [s for s in d.segments if d.fitted(s)]

    def _simulate_all(self, values: Mapping[str, float], sensitivities: bool) -> list:
        """Per file: its curve outputs, or None if the solve failed (the failure is recorded)."""
        out = []
        for d in self.data:
            try:
                outs = self.model.simulate(d, values, sensitivities, self.grid_points)
                if not all(np.all(np.isfinite(o.voltage_V)) for o in outs):
                    raise FloatingPointError("non-finite voltage")
                if sensitivities and not all(np.all(np.isfinite(o.sensitivities)) for o in outs):
                    raise FloatingPointError("non-finite sensitivities")
            except Exception as e:  # noqa: BLE001 — any solver failure becomes a large finite residual
                self.failures.append(f"{d.label}: {str(e).splitlines()[0] if str(e) else type(e).__name__}")
                outs = None
            out.append(outs)
        return out

    def _jacobian_rows(self, o, label: str) -> np.ndarray:
        """dV/dp in the order of :attr:`Parameters.names` (a file's own initial fraction from
        the last sensitivity column; another file's initial fraction has no effect here)."""
        S = o.sensitivities
        cols = []
        for n in self.problem.names:
            if n.startswith("initial_fraction:"):
                cols.append(S[:, -1] if n.split(":", 1)[1] == label else np.zeros(len(o.time_s)))
            else:
                cols.append(S[:, self.set_names.index(n)])
        return np.column_stack(cols)

    @property
    def n_evaluations(self) -> int:
        return self.n_residuals + self.n_jacobians


def _uncertainties(fitter: Fitter, z: np.ndarray, J: np.ndarray, r: np.ndarray):
    m, n = J.shape
    dof = max(m - n, 1)
    s2 = float(r @ r) / dof
    cov = s2 * np.linalg.pinv(J.T @ J)
    sd_z = np.sqrt(np.clip(np.diag(cov), 0, None))
    values = fitter.values(z)
    # every value (fixed, varied, tied) by the delta method through d value / d z
    M = fitter.problem.dvalues_dz(values)
    sd_all = np.sqrt(np.clip(np.einsum("ij,jk,ik->i", M, cov, M), 0, None))
    stderr = {name: float(s) for name, s in zip(fitter.problem.names, sd_all)}
    with np.errstate(invalid="ignore", divide="ignore"):
        corr = cov / np.outer(sd_z, sd_z)
    corr = np.where(np.isfinite(corr), corr, 0.0)
    np.fill_diagonal(corr, 1.0)
    return stderr, corr, cov


def _notes(fitter: Fitter, values, stderr, corr) -> tuple[list[str], list[str]]:
    notes, weak = [], []
    names = [p.name for p in fitter.problem.free]
    for p in fitter.problem.free:
        v, s = values[p.name], stderr[p.name]
        rel = s / abs(v) if v != 0 else np.inf
        if not np.isfinite(s) or rel > RELATIVE_STDERR_WARNING:
            weak.append(p.name)
            notes.append(f"{p.name}: not identifiable from these data (standard error {s:.3g}, "
                         f"{rel * 100:.0f} % of its value)")
        span = p.upper - p.lower
        if min(v - p.lower, p.upper - v) < 1e-6 * span:
            notes.append(f"{p.name}: at its {'lower' if v - p.lower < p.upper - v else 'upper'} bound "
                         f"({v:.4g}); widen the bound or fix the parameter")
    for i in range(len(names)):
        for j in range(i + 1, len(names)):
            if abs(corr[i, j]) > CORRELATION_WARNING:
                notes.append(f"{names[i]} and {names[j]}: correlation {corr[i, j]:+.3f}, not separately "
                             f"identifiable from these data")
    return notes, weak


def fit(cell: HalfCell | FullCell, data: Sequence[GCDData], parameters: Sequence[Parameter] | Parameters,
        weights: Mapping[str, float] | None = None, n_starts: int = 1, max_evaluations: int = 60,
        seed: int = 0, progress: bool = False, grid_points: int = GRID_POINTS, _rebuilds: int = 0) -> FitResult:
    """Fit ``parameters`` of ``cell``'s set to measured files.

    Parameters
    ----------
    cell : HalfCell or FullCell
        Carries the parameter set (defaults of everything not fitted) and the model family.
    data : sequence of GCDData
        Measured files (:func:`kinetics.io.gcd.read_gcd`).
    parameters : sequence of Parameter, or Parameters
        What to fit (:func:`kinetics.fitting.parameters.make_parameters`; ties through
        :class:`~kinetics.fitting.parameters.Parameters`).
    weights : mapping, optional
        File label → weight of its residuals.
    n_starts : int
        1 = local fit from the start values; more adds Latin-hypercube starts within the
        bounds (seeded) and keeps the best end point.
    max_evaluations : int
        Residual evaluations allowed per start.

    Returns
    -------
    FitResult
    """
    if int(n_starts) != n_starts or n_starts < 1:
        raise InvalidValueError("n_starts", n_starts, "a positive whole number")
    t0 = time.perf_counter()
    fitter = Fitter(cell, data, parameters, weights, grid_points)
    lo, hi = fitter.z_bounds
    starts = [fitter.problem.start]
    if n_starts > 1:
        sample = qmc.LatinHypercube(d=len(lo), seed=seed).random(n_starts - 1)
        starts.extend(lo + sample[k] * (hi - lo) for k in range(n_starts - 1))

    bar = Progress(None, "fit", enabled=progress, unit="evaluation")
    seen = {"cost": np.inf, "z": starts[0]}  # the best point evaluated (kept on Ctrl-C)

    def fun(z):
        r = fitter.evaluate(z)[0]
        cost = float(r @ r)
        if cost < seen["cost"]:
            seen.update(cost=cost, z=np.array(z, copy=True))
        bar.advance(status=f"RMSE {np.sqrt(np.mean(r ** 2)) * 1e3:.2f} mV")
        return r

    def jac(z):
        J = fitter.jacobian(z)
        bar.advance()
        return J

    best, interrupted = None, False
    with bar:
        try:
            for k, z0 in enumerate(starts):
                if len(starts) > 1:
                    bar.status(f"start {k + 1}/{len(starts)}")
                sol = least_squares(fun, z0, jac=jac, bounds=(lo, hi), method="trf", x_scale=1.0,
                                    loss=ROBUST_LOSS, f_scale=ROBUST_SCALE_V, ftol=1e-8, xtol=1e-8, gtol=1e-8,
                                    max_nfev=max_evaluations)
                if ROBUST_LOSS != "linear" and sol.status >= 0:  # polish: plain least squares from there
                    sol = least_squares(fun, sol.x, jac=jac, bounds=(lo, hi), method="trf", x_scale=1.0,
                                        ftol=1e-8, xtol=1e-8, gtol=1e-8, max_nfev=max_evaluations)
                if best is None or sol.cost < best.cost:
                    best = sol
        except KeyboardInterrupt:
            interrupted = True
    z = seen["z"] if interrupted else best.x
    r, curves = fitter.evaluate(z)
    values = fitter.values(z)
    cov = None
    if interrupted:  # no further solve for a Jacobian: the uncertainties are unknown
        stderr = {n: float("nan") for n in fitter.problem.names}
        corr = np.eye(len(fitter.problem.free))
        notes, weak = [f"interrupted after {fitter.n_evaluations} model evaluations: the values are the best "
                       "point evaluated, without uncertainties"], []
        converged, message = False, "interrupted by the user; the values are the best point evaluated"
    else:
        stderr, corr, cov = _uncertainties(fitter, z, fitter.jacobian(z), r)
        notes, weak = _notes(fitter, values, stderr, corr)
        converged = best.status > 0
        message = str(best.message)
        unsolved = fitter.unsolved(z)
        if unsolved:  # a flat failed-solve residual stops the optimiser: that is no convergence
            converged = False
            stderr = {n: float("nan") for n in fitter.problem.names}  # no Jacobian where nothing solved
            cov = None
            message = (f"did not converge: the model cannot be solved at the values returned for "
                       f"{', '.join(unsolved)}; start nearer (e.g. from an SPMe fit of the same data) or "
                       f"narrow the bounds")
        elif not converged:
            message = f"did not converge: {message}; the values are the best point found"
    if fitter.failures:
        notes.append(f"{len(fitter.failures)} trial solve(s) failed and were given a "
                     f"{FAILED_RESIDUAL_V:g} V residual (first: {fitter.failures[0]})")
    if fitter.model.sensitivity_failures:
        failed = fitter.model.sensitivity_failures
        notes.append(f"{len(failed)} sensitivity solve(s) failed where the plain solve completed; their "
                     f"Jacobians are central differences (first: {failed[0]})")
    rmse = {}
    for d in fitter.data:
        diffs = np.concatenate([c.model_V - c.data_V for c in curves if c.file == d.label])
        rmse[d.label] = float(np.sqrt(np.mean(diffs ** 2)) * 1e3)
    result = FitResult(tuple(fitter.parameters), values, stderr, corr, rmse, curves, fitter.n_evaluations,
                       fitter.n_jacobians, time.perf_counter() - t0, converged, message, notes, weak,
                       cell.pset, cell.model, tuple(d.label for d in fitter.data), len(starts), fitter,
                       tuple(fitter.problem.ties), cov)
    if interrupted:
        raise Interrupted(f"fit interrupted after {fitter.n_evaluations} model evaluations (kept: the best point "
                          f"evaluated, RMSE {result.rmse_all_mV:.2f} mV)", result)
    moved = _moved_loadings(fitter, values) if isinstance(cell, FullCell) and not unsolved else []
    if moved and _rebuilds < MAX_REBUILDS:  # refine once more with the electrodes' true thicknesses
        restart = [replace(p, value=float(np.clip(values[p.name], p.lower, p.upper))) for p in fitter.parameters]
        again = fit(cell, data, Parameters(restart, fitter.problem.ties), weights, 1, max_evaluations, seed,
                    progress, grid_points, _rebuilds=_rebuilds + 1)
        again.n_evaluations += result.n_evaluations
        again.n_jacobian_evaluations += result.n_jacobian_evaluations
        again.wall_time_s = time.perf_counter() - t0
        again.notes.append(f"rebuilt at the fitted {', '.join(moved)} (electrode thicknesses are fixed when a "
                           f"model is built) and refined again")
        return again
    return result


#: Two-sided 95 % quantile of the normal distribution (prediction bands).
BAND_QUANTILE = 1.959964


def predict(result: FitResult, data: Sequence[GCDData],
            band: bool = True) -> tuple[dict[str, float], list[CurveFit]]:
    """RMSE [mV] per held-out file of the fitted set, and its curves with their 95 % bands.

    The fitted model is re-used (no rebuild); files start as the fitted ones do (a half cell's
    default initial state, a full cell's balance). The band is the linearised propagation of the
    fit's parameter covariance C_z through the prediction's sensitivities J = dV/dz (one solve
    with sensitivities per file): half-width 1.96·sqrt(diag(J C_z Jᵀ)) [3]_.

    References
    ----------
    .. [3] D. M. Bates, D. G. Watts, Nonlinear Regression Analysis and Its Applications, Wiley
       (1988), § 2.3.
    """
    kept = [p for p in result.parameters if not p.is_initial_fraction]
    cell = result.fitter.cell if result.fitter else HalfCell(result.base_set, result.model)
    fitter = Fitter(cell, data, Parameters(kept, result.ties),
                    model=result.fitter.model if result.fitter else None)
    z = fitter.z_of(result.values)
    _, curves = fitter.evaluate(z)
    cov = result.covariance
    if band and cov is not None and np.all(np.isfinite(cov)):
        free = [p for p in result.parameters if p.vary]
        kept_free = [k for k, p in enumerate(free) if not p.is_initial_fraction]  # the marginal covariance
        cov = cov[np.ix_(kept_free, kept_free)]
        J = fitter.jacobian(z)
        half_width = BAND_QUANTILE * np.sqrt(np.clip(np.einsum("ij,jk,ik->i", J, cov, J), 0, None))
        start = 0
        for c in curves:
            c.band_V = half_width[start:start + len(c.data_V)]
            start += len(c.data_V)
    out = {}
    for d in data:
        diffs = np.concatenate([c.model_V - c.data_V for c in curves if c.file == d.label])
        out[d.label] = float(np.sqrt(np.mean(diffs ** 2)) * 1e3)
    return out, curves


def band_mV(curves: Sequence[CurveFit]) -> dict[str, float]:
    """Per file: root-mean-square half-width of its 95 % prediction band [mV] (NaN without one)."""
    out = {}
    for file in dict.fromkeys(c.file for c in curves):
        bands = [c.band_V for c in curves if c.file == file]
        out[file] = (float(np.sqrt(np.mean(np.concatenate(bands) ** 2)) * 1e3)
                     if all(b is not None for b in bands) else float("nan"))
    return out
