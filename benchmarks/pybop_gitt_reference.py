"""Reference per-pulse GITT fit with PyBOP 26.3's own GITT application.

A benchmark calls :func:`fit_pulses_with_pybop` next to hc-kinetics' per-pulse fit on the same
GITT pulses. Each pulse is fitted by ``pybop.GITTPulseFit`` (``pybop/applications/gitt_methods.py``)
as PyBOP intends it: PyBOP's own ``pybop.lithium_ion.SPDiffusion`` model (Fickian diffusion in
one spherical particle with the grouped parameters "Particle diffusion time scale [s]"
τ = R²/D and "Theoretical electrode capacity [A.s]", voltage V = U(x_surf) − R0·I) fitted for
τ and "Series resistance [Ohm]" R0 with PyBOP's defaults (``pybop.RootMeanSquaredError`` with
``weighting="domain"``, ``pybop.SciPyMinimize``, PyBOP's recommended IDAKLU solver). The
diffusivity is D = R²/τ.

``pybop.GITTFit`` (PyBOP's loop over the pulses of one dataset) is not called: it requires a zero
current at the first sample of each pulse, infers the initial stoichiometry from that sample's
voltage and starts each pulse from the previous pulse's result, whereas the benchmark gives
each pulse its own initial stoichiometry and start D. This module runs GITTFit's loop itself
with one ``GITTPulseFit`` object, as GITTFit does.

One departure from PyBOP's defaults, on by default (:data:`_EXACT_STEPS`): the current drives the
model as the exact piecewise-constant current (Heaviside steps in time, which IDAKLU integrates
up to and restarts from) instead of PyBOP's linear interpolant of the current samples, see
:class:`_StepCurrentDataset`. PyBaMM returns two samples (left and right limits) at every step
time after the first time but one at the first time, so a pulse given from the rest sample
recorded at its step time loses that sample and starts at the step's right side (see
:func:`_prepare_pulse`); otherwise the model has one sample fewer than the data, PyBOP's cost is
infinite at every trial point and GITTPulseFit fails in ``get_finite_initial_cost``.
"""

from __future__ import annotations

import contextlib
import io
import time
import warnings
from collections.abc import Callable, Sequence

import numpy as np
import pybamm
import pybop
from pybop_reference import _count_solves  # the same solve counter as the GCD benchmark

#: Drive the model with the exact piecewise-constant current (see :class:`_StepCurrentDataset`)
#: where the samples allow it; False keeps PyBOP's linear interpolant of the current samples.
_EXACT_STEPS = True

#: Largest time [s] between the two samples of a current step (before and after it) for the
#: step to be placed exactly; a change between samples further apart keeps PyBOP's linear
#: interpolant for that pulse.
_MAX_STEP_GAP_S = 1e-2

#: Shift [s] given to a repeated time stamp where PyBOP needs strictly increasing times (linear
#: interpolant): 1e-3 s is the tolerance PyBOP's ``generate_consistent_current`` uses when it
#: inserts a point next to a step.
_STEP_SHIFT_S = 1e-3

#: Largest expression tree (counted without sharing) of an OCP used directly: PyBaMM's solver
#: set-up walks the "Voltage [V]" tree node by node without sharing (``pre_order``), so an OCP
#: built from shared subexpressions (e.g. unrolled Newton steps) can take hours to set up.
_MAX_TREE_NODES = 100_000

#: Logit grid of a tabulated OCP: PyBOP clamps the stoichiometry to [1e-10, 1 - 1e-10]
#: (``pybamm.settings.tolerances["U__c_s"]``), i.e. logit x within ±23.03.
_LOGIT_GRID = np.linspace(-23.1, 23.1, 4001)

_TAU = "Particle diffusion time scale [s]"
_R0 = "Series resistance [Ohm]"
_QTH = "Theoretical electrode capacity [A.s]"
_STO = "Initial stoichiometry"
_OCP = "Electrode OCP [V]"


# --------------------------------------------------------------------------------------------
# Counting PyBOP's solves
# --------------------------------------------------------------------------------------------

def _counting_optimiser(base: type, tally: dict) -> type:
    """``base`` whose constructor first wraps the problem's simulator to count its solves.

    GITTPulseFit builds its ``pybop.Problem`` and optimiser inside ``__call__``; the optimiser
    class is the one hook it offers. The wrap happens before ``base.__init__``, which already
    solves once (the initial cost that SciPyMinimize divides by).
    """

    class Counting(base):
        def __init__(self, problem, options=None):
            _count_solves(problem.simulator, tally)
            super().__init__(problem, options=options)

    Counting.__name__ = Counting.__qualname__ = base.__name__
    return Counting


# --------------------------------------------------------------------------------------------
# OCP
# --------------------------------------------------------------------------------------------

def _tree_size(symbol: pybamm.Symbol, limit: int) -> int:
    """Nodes of ``symbol``'s expression tree counted without sharing (capped past ``limit``)."""
    memo: dict[int, int] = {}

    def size(s):
        if id(s) not in memo:
            memo[id(s)] = min(1 + sum(size(c) for c in s.children), limit + 1)
        return memo[id(s)]

    return size(symbol)


def _pybamm_ocp(ocp: Callable) -> tuple[Callable, str]:
    """The OCP as PyBOP's "Electrode OCP [V]" function of the surface stoichiometry."""
    reason = "it does not return a PyBaMM symbol for a PyBaMM symbol"
    try:
        out = ocp(pybamm.Variable("x"))
        if isinstance(out, pybamm.Symbol):
            nodes = _tree_size(out, _MAX_TREE_NODES)
            if nodes <= _MAX_TREE_NODES:
                return ocp, (f"the given callable, used directly as a PyBaMM expression "
                             f"({nodes} tree nodes)")
            reason = (f"its PyBaMM expression has more than {_MAX_TREE_NODES} tree nodes counted "
                      "without sharing, which PyBaMM's solver set-up walks one by one (far too slow)")
    except Exception:  # noqa: BLE001 - any failure: tabulate instead
        pass
    z = _LOGIT_GRID
    U = np.asarray(ocp(1.0 / (1.0 + np.exp(-z))), float)
    if U.shape != z.shape or not np.all(np.isfinite(U)):
        raise ValueError("the OCP is not finite on the tabulation grid")

    def tabulated(sto):
        logit = pybamm.log(sto) - pybamm.log(1 - sto)
        return pybamm.Interpolant(z, U, logit, name="tabulated_ocp", interpolator="cubic")

    return tabulated, (f"the callable was not used as a PyBaMM expression ({reason}): U was "
                       f"tabulated at {len(z)} points uniform in logit x = ln(x/(1-x)) from "
                       f"{z[0]:g} to {z[-1]:g} into a cubic pybamm.Interpolant of logit x")


# --------------------------------------------------------------------------------------------
# Pulse data
# --------------------------------------------------------------------------------------------

class _StepCurrentDataset(pybop.Dataset):
    """A ``pybop.Dataset`` whose current control is the exact piecewise-constant current.

    ``pybop.pybamm.Simulator`` sets "Current function [A]" to ``dataset.get_interpolant()``, by
    default a linear interpolant of the samples, and solves with ``t_eval = [t_0, t_end]``. A
    step recorded on both sides at (almost) one time becomes a ramp over ~1e-13 s that IDAKLU
    may step across, so the charge the model passes, and the cost, jump with the trial
    parameters. Written with Heaviside functions of ``pybamm.t`` instead, the step times become
    IDAKLU breakpoints (PyBaMM's own handling of time discontinuities) and the current is exact.
    PyBaMM then returns the left and right limits at a step time, so the two samples of a step
    share that time here (PyBOP's Dataset otherwise insists on strictly increasing times).
    """

    def __init__(self, data: dict, steps: list[tuple[float, float]]):
        super().__init__(data)
        self._initial_current = float(data["Current [A]"][0])
        self._steps = steps

    def _check_time_constraints(self, time_data: np.ndarray) -> None:
        dt = np.diff(time_data)
        if np.any(time_data < 0) or np.any(dt < 0):
            raise ValueError("Times cannot be negative or decreasing.")
        step_times = {t_k for t_k, _ in self._steps}
        if any(time_data[j] not in step_times for j in np.flatnonzero(dt == 0)):
            raise ValueError("Times may repeat only at current steps.")

    def get_interpolant(self, control: str = "Current [A]"):
        if control != "Current [A]":
            return super().get_interpolant(control)
        I0, steps = self._initial_current, self._steps

        def current(t):
            out = pybamm.Scalar(I0)
            for t_k, dI in steps:
                out = out + dI * (t >= t_k)
            return out

        return current


def _prepare_pulse(p: dict, exact_steps: bool) -> dict:
    """Time from zero; the current's steps; times made acceptable to PyBOP's Dataset.

    With ``exact_steps`` and a piecewise-constant current whose every change lies between two
    samples at most :data:`_MAX_STEP_GAP_S` apart, the later sample of each step gets the
    earlier one's time (the step time). Otherwise (PyBOP's linear interpolant) repeated time
    stamps are moved :data:`_STEP_SHIFT_S` later, to make the times strictly increasing.

    A step at the first time stamp (a pulse given from the rest sample recorded at the step
    time, the left side of the step) cannot be placed exactly: PyBaMM solves from the first
    time with the step's current already on (the Heaviside is 1 at t_0, and a step at t_0 is no
    breakpoint) and returns one sample there, the right limit, where every later step gives two
    (left and right limits). The model would return one sample fewer than the data, which
    PyBOP's cost rejects with an infinite cost (``verify_prediction``), so the start solve
    "fails" and ``get_finite_initial_cost`` finds nothing to resample. The step's rest-side
    sample is therefore dropped: the data start with the pulse current, as the model does. The
    series-resistance start is taken before that, across the step (``"ir_drop_ohm"``).
    """
    t = np.asarray(p["time_s"], float).copy()
    i = np.asarray(p["current_A"], float)
    v = np.asarray(p["voltage_V"], float)
    if not (len(t) == len(i) == len(v)) or len(t) < 3:
        raise ValueError("time_s, current_A and voltage_V must have the same length (>= 3)")
    ok = np.isfinite(t) & np.isfinite(i) & np.isfinite(v)
    t, i, v = t[ok], i[ok], v[ok]
    if len(t) < 3:
        raise ValueError(f"only {len(t)} samples with finite time, current and voltage")
    t -= t[0]
    if np.any(np.diff(t) < 0):
        raise ValueError("time_s must not decrease")
    scale = float(np.max(np.abs(i))) or 1.0
    jumps = [int(j) for j in np.flatnonzero(np.abs(np.diff(i)) > 1e-9 * scale)]
    r0 = _ir_drop_ohm(t, i, v)
    if exact_steps and all(t[j + 1] - t[j] <= _MAX_STEP_GAP_S for j in jumps):
        moved = float(max((t[j + 1] - t[j] for j in jumps), default=0.0))
        dropped = bool(jumps) and jumps[0] == 0
        if dropped:  # a step at the first time stamp: keep its right side only (see above)
            t, i, v = t[1:] - t[1], i[1:], v[1:]
            jumps = [j - 1 for j in jumps[1:]]
        for j in jumps:
            t[j + 1] = t[j]
        steps = [(float(t[j]), float(i[j + 1] - i[j])) for j in jumps]
        others = [int(j) for j in np.flatnonzero(np.diff(t) == 0) if j not in set(jumps)]
        for j in others:  # repeated stamps that are not steps
            t[j + 1] = t[j] + _STEP_SHIFT_S
        if np.any(np.diff(t) < 0):
            raise ValueError("time_s too dense around a current step")
        return {"t": t, "i": i, "v": v, "steps": steps, "shifted": len(others), "ir_drop_ohm": r0,
                "dropped_first": dropped,
                "how": f"exact ({len(steps)} step(s) after t_0; a step's later sample moved by up "
                       f"to {moved:.2g} s onto the earlier one's time"
                       + ("; a step at t_0: its rest-side sample dropped, the data start with the "
                          "pulse current)" if dropped else ")")}
    shifted = 0
    for k in range(1, len(t)):
        if t[k] <= t[k - 1]:
            t[k] = t[k - 1] + _STEP_SHIFT_S
            shifted += 1
    return {"t": t, "i": i, "v": v, "steps": None, "shifted": shifted, "ir_drop_ohm": r0,
            "dropped_first": False,
            "how": "linear interpolant" + (f" (a current change between samples more than "
                                           f"{_MAX_STEP_GAP_S:g} s apart)" if exact_steps else "")}


def _charge_As(t: np.ndarray, i: np.ndarray) -> float:
    """Charge [A s] passed, by the trapezoid rule (exact for a step sampled on both sides)."""
    return float(np.trapezoid(i, t))


def _ir_drop_ohm(t: np.ndarray, i: np.ndarray, v: np.ndarray) -> float:
    """Series-resistance start: −ΔV/ΔI across the largest current change between samples."""
    di = np.diff(i)
    k = int(np.argmax(np.abs(di)))
    if abs(di[k]) <= 0:
        return np.nan
    return float(-(v[k + 1] - v[k]) / di[k])  # V = U − R0·I


def _ramp_note(k: int, t: np.ndarray, i: np.ndarray) -> list[str]:
    """Flag current changes that PyBOP's linear current interpolant turns into long ramps."""
    charge = np.abs(np.diff(t) * np.diff(i)) / 2
    j = int(np.argmax(charge))
    throughput = np.trapezoid(np.abs(i), t)
    if throughput > 0 and charge[j] > 1e-4 * throughput:
        return [f"pulse {k}: the current changes by {i[j + 1] - i[j]:.3g} A between samples "
                f"{t[j + 1] - t[j]:.3g} s apart; PyBOP's linear current interpolant ramps it "
                f"(charge shift up to {100 * charge[j] / throughput:.2g} % of the pulse)"]
    return []


def _theoretical_capacity(prepared: list[dict], x0s: list[float], ocp) -> tuple[float, str]:
    """Q_th [A s] = charge / Δx of consecutive pulses (median), else from the relaxed OCV."""
    ratios = []
    for k in range(len(prepared) - 1):
        if prepared[k] is None or prepared[k + 1] is None:
            continue
        dq = _charge_As(prepared[k]["t"], prepared[k]["i"])
        dx = x0s[k + 1] - x0s[k]
        if dq != 0 and dx != 0 and np.sign(dq) == np.sign(dx):
            ratios.append(dq / dx)
    if ratios:
        q = float(np.median(ratios))
        spread = (max(ratios) - min(ratios)) / q
        return q, (f"{_QTH} = {q:.6g} A s: median of charge/Δx over {len(ratios)} consecutive "
                   f"pulse pairs (relative spread {spread:.1e})")
    # No consecutive pair: x after the first usable pulse from its last (rested) voltage.
    k = next(k for k, prep in enumerate(prepared) if prep is not None)
    t, i, v = prepared[k]["t"], prepared[k]["i"], prepared[k]["v"]
    x_end = float(pybop.InverseOCV(ocp)(float(v[-1])))
    q = _charge_As(t, i) / (x_end - x0s[k])
    return q, (f"{_QTH} = {q:.6g} A s: charge / (x(U = last voltage) - x0) of the single pulse "
               "(pybop.InverseOCV; assumes the final rest is relaxed)")


def _start_solve_error(fitter, start: dict, n_samples: int) -> str:
    """Why the start solve has no finite cost (PyBOP's simulator and cost hide it).

    PyBaMM's error, or a solution whose length differs from the data's (PyBOP's cost then
    returns its failure value, inf, see ``verify_prediction``). An uncounted solve.
    """
    problem = getattr(fitter, "problem", None)
    if problem is None:
        return ""
    simulator = problem.simulator
    try:
        simulator.debug_mode = True
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            sol = simulator.solve({_TAU: start[_TAU], _R0: start[_R0]})
        n_model = len(sol["Voltage [V]"].data)
        if n_model != n_samples:
            return (f"; PyBaMM at the start values: {n_model} voltage samples for {n_samples} data "
                    f"samples (solver stop: {getattr(sol, 'termination', '?')}), which PyBOP's cost "
                    "scores as a failure (inf)")
        return ""
    except Exception as e:  # noqa: BLE001
        return f"; PyBaMM at the start values: {type(e).__name__}: {e}"
    finally:
        simulator.debug_mode = False


def _resolve_optimiser(optimiser) -> type:
    if optimiser is None:
        return pybop.SciPyMinimize
    if isinstance(optimiser, str):
        optimiser = getattr(pybop, optimiser)
    if isinstance(optimiser, type) and issubclass(optimiser, pybop.BaseOptimiser):
        return optimiser
    raise TypeError(f"optimiser must be None, a pybop optimiser class or its name, not {optimiser!r}")


# --------------------------------------------------------------------------------------------
# The fit
# --------------------------------------------------------------------------------------------

def fit_pulses_with_pybop(pulses: Sequence[dict], ocp: Callable, radius_m: float,
                          parameter_values_hint: dict | None = None, optimiser=None) -> dict:
    """Fit D of each GITT pulse with ``pybop.GITTPulseFit`` (PyBOP 26.3).

    Parameters
    ----------
    pulses : sequence of dict
        One dict per pulse with arrays ``"time_s"`` (from the pulse start, including the rest
        that follows), ``"current_A"`` (PyBaMM sign: positive = discharge = sodiation of the
        working electrode of a half cell) and ``"voltage_V"``, and floats
        ``"initial_stoichiometry"`` (sodium fraction x before the pulse) and ``"D_start_m2_s"``.
        A current step should be recorded on both sides (two samples at, or within 10 ms of,
        the step time), as a cycler or PyBaMM experiment writes it. A step at the first time
        (the pulse given from its rest-side sample) starts the model at the step's right side:
        the rest-side sample is left out of the fit, and serves only for the R0 start.
    ocp : callable
        U(x) [V] of the working electrode vs Na/Na+, x = sodium fraction (falls as x rises).
        Used directly as PyBOP's "Electrode OCP [V]" if it maps a PyBaMM symbol to a small
        enough PyBaMM expression, else tabulated into a cubic ``pybamm.Interpolant``.
    radius_m : float
        Particle radius R [m]; D = R²/τ.
    parameter_values_hint : dict, optional
        Values of PyBOP SPDiffusion parameters that override the derived ones, e.g.
        ``"Theoretical electrode capacity [A.s]"`` (default: charge/Δx of consecutive pulses)
        and ``"Series resistance [Ohm]"`` (start value; default: −ΔV/ΔI across the pulse's
        largest current step, PyBOP's 1 Ohm if that is not positive).
    optimiser : None, pybop optimiser class or its name
        Default (None): GITTPulseFit's default, ``pybop.SciPyMinimize`` with its default options.

    Returns
    -------
    dict
        Per pulse (NaN where the fit failed): ``D_m2_s``; ``wall_time_s`` (GITTPulseFit's call:
        building PyBOP's simulator, problem and optimiser and optimising); ``n_evaluations``
        (model solves PyBOP ran, counted on the problem's simulator, including its initial-cost
        solve and its final re-evaluation of the best point); ``rmse_mV`` (unweighted, over all
        samples of the pulse, at the fitted values); ``n_evaluations_with_sensitivities``;
        ``diffusion_time_s``; ``series_resistance_Ohm``; ``pybop_cost_V`` (PyBOP's best
        domain-weighted RMSE); ``n_iterations``; ``message``; ``mean_stoichiometry``
        (x0 + charge/(2 Q_th)). Overall: ``settings``, ``pybop_version``, ``notes``.
    """
    hint = dict(parameter_values_hint or {})
    base_optimiser = _resolve_optimiser(optimiser)
    notes: list[str] = []
    n = len(pulses)
    out = {key: [np.nan] * n for key in (
        "D_m2_s", "wall_time_s", "rmse_mV", "diffusion_time_s", "series_resistance_Ohm",
        "pybop_cost_V", "mean_stoichiometry")}
    out.update({"n_evaluations": [0] * n, "n_evaluations_with_sensitivities": [0] * n,
                "n_iterations": [None] * n, "message": [""] * n})

    prepared: list[dict | None] = []
    x0s = []
    for k, p in enumerate(pulses, start=1):
        try:
            x0s.append(float(p["initial_stoichiometry"]))
            prepared.append(_prepare_pulse(p, _EXACT_STEPS))
            if not (np.isfinite(x0s[-1]) and np.isfinite(float(p["D_start_m2_s"]))):
                raise ValueError("initial_stoichiometry and D_start_m2_s must be finite")
        except Exception as e:  # noqa: BLE001 - an unusable pulse is reported, never raised
            prepared[k - 1:] = [None]
            x0s[k - 1:] = [np.nan]
            out["message"][k - 1] = f"failed: unusable pulse data ({type(e).__name__}: {e})"
            notes.append(f"pulse {k}: unusable pulse data ({type(e).__name__}: {e}); D = NaN")
    for k, prep in enumerate(prepared, start=1):
        if prep is None:
            continue
        if prep["shifted"]:
            notes.append(f"pulse {k}: {prep['shifted']} repeated time stamp(s) moved "
                         f"{_STEP_SHIFT_S:g} s later")
        if prep["steps"] is None:
            notes.extend(_ramp_note(k, prep["t"], prep["i"]))

    tally = {"solves": 0, "with_sensitivities": 0}
    try:  # set-up shared by all pulses
        if all(prep is None for prep in prepared):
            raise ValueError("no usable pulse")
        ocp_fn, ocp_how = _pybamm_ocp(ocp)
        notes.append(f"{_OCP}: {ocp_how}")
        if _QTH in hint:
            q_th, q_how = float(hint[_QTH]), f"{_QTH} = {float(hint[_QTH]):.6g} A s (given)"
        else:
            q_th, q_how = _theoretical_capacity(prepared, x0s, ocp)

        # The grouped parameter set of SPDiffusion.create_grouped_parameters, with our values.
        values = {
            "Nominal cell capacity [A.h]": q_th / 3600,
            "Current function [A]": 0.0,  # replaced by the pulse's current (Simulator)
            _STO: 0.5,  # replaced per pulse
            _OCP: ocp_fn,
            _QTH: q_th,
            _TAU: 1.0,  # replaced per pulse
            _R0: 1.0,  # create_grouped_parameters' value
        }
        values.update({key: val for key, val in hint.items() if key != _QTH})
        parameter_values = pybamm.ParameterValues(values)
        # as create_grouped_parameters does
        parameter_values._set_initial_state = pybop.lithium_ion.SPDiffusion.set_initial_state  # noqa: SLF001

        t_setup = time.perf_counter()
        fitter = pybop.GITTPulseFit(parameter_values=parameter_values,
                                    optimiser=_counting_optimiser(base_optimiser, tally))
        setup_s = time.perf_counter() - t_setup
    except Exception as e:  # noqa: BLE001 - reported, never raised
        for k in range(n):
            out["message"][k] = out["message"][k] or f"failed: set-up ({type(e).__name__}: {e})"
        notes.append(f"set-up failed ({type(e).__name__}: {e}); every D = NaN")
        return {**out, "settings": "pybop.GITTPulseFit (set-up failed)",
                "pybop_version": pybop.__version__, "notes": "; ".join(notes)}
    r0_starts: list[float] = []
    solver = None

    for k, (p, prep) in enumerate(zip(pulses, prepared, strict=True)):
        if prep is None:
            continue
        t, i, v = prep["t"], prep["i"], prep["v"]
        out["mean_stoichiometry"][k] = x0s[k] + _charge_As(t, i) / (2 * q_th)
        r0 = float(hint[_R0]) if _R0 in hint else prep["ir_drop_ohm"]
        r0 = r0 if np.isfinite(r0) and r0 > 0 else 1.0
        r0_starts.append(r0)
        start = {_STO: x0s[k], _TAU: np.nan, _R0: r0}
        tally.update(solves=0, with_sensitivities=0)
        t0 = time.perf_counter()
        try:
            start[_TAU] = radius_m**2 / float(p["D_start_m2_s"])
            columns = {"Time [s]": t, "Current [A]": i, "Voltage [V]": v}
            data = (pybop.Dataset(columns) if prep["steps"] is None
                    else _StepCurrentDataset(columns, prep["steps"]))
            with warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()):
                warnings.simplefilter("ignore")
                result = fitter(data, initial_parameter_values=start)
            wall = time.perf_counter() - t0
            tau = float(np.asarray(result.best_inputs[_TAU]).item())
            r0_fit = float(np.asarray(result.best_inputs[_R0]).item())
            if not (np.isfinite(result.best_cost) and np.isfinite(tau) and tau > 0):
                raise RuntimeError(f"no finite optimum (best cost {result.best_cost}, tau {tau})")
            out["D_m2_s"][k] = radius_m**2 / tau
            out["diffusion_time_s"][k] = tau
            out["series_resistance_Ohm"][k] = r0_fit
            out["pybop_cost_V"][k] = float(result.best_cost)
            out["n_iterations"][k] = int(result.n_iterations)
            out["message"][k] = str(result.message)
        except Exception as e:  # noqa: BLE001 - a failed pulse is reported, never raised
            wall = time.perf_counter() - t0
            why = f"{type(e).__name__}: {e}"
            if "NoneType" in why and "subscriptable" in why:
                why += (" in PyBOP's get_finite_initial_cost: the start solve failed and the "
                        "parameters have no distribution to resample from")
                counted = dict(tally)
                why += _start_solve_error(fitter, start, len(t))
                tally.update(counted)  # the diagnostic solve is not PyBOP's
            if not 0.01 < x0s[k] < 0.99:
                why += (f"; the pulse starts at x = {x0s[k]:.3g}, outside SPDiffusion's window: "
                        "its events stop a solve when the surface stoichiometry leaves "
                        "[0.01, 0.99]")
            out["message"][k] = f"failed: {why}"
            notes.append(f"pulse {k + 1}: PyBOP failed ({why}); D = NaN")
        out["wall_time_s"][k] = wall
        out["n_evaluations"][k] = tally["solves"]
        out["n_evaluations_with_sensitivities"][k] = tally["with_sensitivities"]
        if fitter.problem is not None:
            solver = fitter.problem.simulator.solver
        if np.isfinite(out["D_m2_s"][k]):
            try:  # after counting: this solve is not PyBOP's
                sol = fitter.problem.simulate({_TAU: out["diffusion_time_s"][k],
                                               _R0: out["series_resistance_Ohm"][k]})
                model_v = np.asarray(sol["Voltage [V]"].data, float)
                if model_v.shape == v.shape:
                    out["rmse_mV"][k] = 1e3 * float(np.sqrt(np.mean((model_v - v) ** 2)))
                else:
                    notes.append(f"pulse {k + 1}: the fitted solve returned {len(model_v)} of "
                                 f"{len(v)} samples; RMSE = NaN")
            except Exception as e:  # noqa: BLE001
                notes.append(f"pulse {k + 1}: RMSE re-solve failed ({type(e).__name__}: {e})")

    hows = sorted({prep["how"] for prep in prepared if prep is not None})
    current_text = (
        "the exact piecewise-constant current, as Heaviside steps in pybamm.t that IDAKLU "
        "integrates up to and restarts from (a pybop.Dataset subclass's get_interpolant), "
        "instead of PyBOP's default linear pybamm.Interpolant of the samples, which IDAKLU "
        "(t_eval = [0, t_end]) may step across when a step is recorded at one time, so that "
        "the cost jumps with the trial parameters; " + "; ".join(hows)
        if all(h.startswith("exact") for h in hows)
        else "PyBOP's default linear pybamm.Interpolant of the current samples"
        if all(h.startswith("linear") for h in hows)
        else "per pulse: " + "; ".join(prep["how"] if prep else "-" for prep in prepared))
    solver_how = ("pybop.pybamm.RecommendedSolver (IDAKLU)" if solver is None else
                  f"pybop.pybamm.RecommendedSolver = {type(solver).__name__}(atol={solver.atol}, "
                  f"rtol={solver.rtol}, num_threads="
                  f"{getattr(solver, '_options', {}).get('num_threads', '?')}, on_failure="
                  f"{getattr(solver, 'on_failure', '?')})")
    scipy_how = ""
    if base_optimiser is pybop.SciPyMinimize:
        scipy_how = (" (method=None, so scipy.optimize.minimize picks L-BFGS-B with the bounds; "
                     "jac = IDAKLU forward sensitivities, PyBOP's default when the problem has "
                     "them; the cost is divided by its start value)")
    settings = (
        f"pybop.GITTPulseFit (pybop/applications/gitt_methods.py), one call per pulse, with "
        f"PyBOP's defaults: model pybop.lithium_ion.SPDiffusion (one spherical particle, Fickian "
        f"diffusion with the scalar time scale tau = R^2/D, V = U(x_surf) - R0*I, x_surf "
        f"rising with positive current at dx/dt = I/Q_th, 20 uniform finite-volume shells, "
        f"events at surface x = 0.01 and 0.99); fitted '{_TAU}' and '{_R0}', both linear with "
        f"bounds [0, inf]; cost pybop.RootMeanSquaredError(weighting='domain') on 'Voltage [V]'; "
        f"optimiser {base_optimiser.__name__}, default options {fitter.optimiser_options}"
        f"{scipy_how}; solver {solver_how}. Current ('Current function [A]', set by "
        f"pybop.pybamm.Simulator from the dataset): {current_text}. Start values: tau = "
        f"R^2/D_start; R0 = {'given' if _R0 in hint else '-dV/dI across the largest current step'}"
        f" ({', '.join(f'{r:.3g}' for r in r0_starts)} Ohm); '{_STO}' = the pulse's "
        f"initial_stoichiometry; {q_how}; {_OCP}: {ocp_how}.")
    notes.append(f"GITTPulseFit construction (SPDiffusion model): {setup_s:.3f} s, not in wall_time_s")
    notes.append("D = R^2/tau with R = radius_m; PyBOP's tau (and R0) is one constant per pulse")
    return {**out, "settings": settings, "pybop_version": pybop.__version__,
            "notes": "; ".join(notes)}
