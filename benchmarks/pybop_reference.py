"""Reference fit with PyBOP 26.3: the same PyBaMM model, data, bounds and solver, fitted by PyBOP.

A benchmark calls :func:`fit_with_pybop` next to hc-kinetics' own fitter on exactly the same
problem. Each measured file becomes one ``pybop.Problem`` (a ``pybop.pybamm.Simulator`` driven
by that file's current, with a ``pybop.SumSquaredError`` on the voltage); the files are joined
by ``pybop.MetaProblem`` (unit weights), PyBOP 26.3's way to fit one parameter set to several
datasets. Solver failures become an infinite cost inside PyBOP.
"""

from __future__ import annotations

import contextlib
import io
import time
from collections.abc import Sequence

import numpy as np
import pybamm
import pybop

#: Voltage cut-offs wide enough that poor trial parameters do not end a solve early.
_WIDE_CUTOFFS = {"Lower voltage cut-off [V]": -50.0, "Upper voltage cut-off [V]": 50.0}


def _count_solves(simulator: pybop.pybamm.Simulator, tally: dict[str, int]) -> None:
    """Wrap ``simulator.solve_batch`` (every PyBOP solve goes through it) to count the solves."""
    solve_batch = simulator.solve_batch

    def counted(inputs, calculate_sensitivities=False):
        tally["solves"] += len(inputs)
        tally["with_sensitivities"] += len(inputs) if calculate_sensitivities else 0
        return solve_batch(inputs, calculate_sensitivities)

    simulator.solve_batch = counted


def _step_notes(datasets: Sequence[dict]) -> list[str]:
    """Flag current steps that PyBOP's linear current interpolant turns into ramps."""
    notes = []
    for k, d in enumerate(datasets):
        t, i = np.asarray(d["time_s"], float), np.asarray(d["current_A"], float)
        charge = np.abs(np.diff(t) * np.diff(i)) / 2  # largest charge shift of a mid-interval step [A s]
        j = int(np.argmax(charge))
        throughput = np.trapezoid(np.abs(i), t)
        if charge[j] > 1e-4 * throughput:
            notes.append(f"dataset {k}: the current changes by {i[j + 1] - i[j]:.3g} A between samples "
                         f"{t[j + 1] - t[j]:.3g} s apart (t = {t[j]:.6g} s); the linear interpolant ramps it "
                         f"(charge shift up to {100 * charge[j] / throughput:.2g} % of the throughput)")
    return notes


def fit_with_pybop(model: pybamm.BaseModel, parameter_values: pybamm.ParameterValues,
                   datasets: Sequence[dict], names: Sequence[str], lower: Sequence[float],
                   upper: Sequence[float], start: Sequence[float], log_names: Sequence[str],
                   optimiser: str, solver_options: dict, max_iterations: int | None = None,
                   seed: int = 0) -> dict:
    """Fit ``names`` of ``model`` to the voltage of several galvanostatic datasets with PyBOP.

    Parameters
    ----------
    model : pybamm.BaseModel
        Unbuilt PyBaMM model (copied; PyBOP removes its voltage events, the caller's model is untouched).
    parameter_values : pybamm.ParameterValues
        Values containing every name in ``names`` (as input parameters or floats; copied and
        overwritten by ``pybop.Parameter`` objects).
    datasets : sequence of dict
        One dict per measured file with arrays ``"time_s"`` [s], ``"current_A"`` [A] (PyBaMM sign,
        positive = discharge) and ``"voltage_V"`` [V]. The current drives the model through PyBOP's
        usual linear interpolant of the samples, so a current step must be sampled on both sides.
    names, lower, upper, start : sequence
        Fitted parameter names, their bounds and start values (model space).
    log_names : sequence of str
        Names fitted in log space (``pybop.LogTransformation``); the others are fitted linearly.
    optimiser : {"SciPyMinimize", "CMAES"}
        PyBOP optimiser, with PyBOP's default options except ``max_iterations``.
    solver_options : dict
        Keyword arguments of ``pybamm.IDAKLUSolver``.
    max_iterations : int, optional
        Iteration cap (``maxiter`` of SciPyMinimize, ``max_iterations`` of CMAES); default: PyBOP's.
    seed : int
        Seed of numpy's global generator during the fit (CMA-ES and PyBOP's resampling of an
        infeasible start draw from it); the generator's state is restored afterwards.

    Returns
    -------
    dict
        ``values`` {name: fitted value}, ``wall_time_s`` (building PyBOP's simulators and
        optimising), ``n_evaluations`` (parameter sets PyBOP simulated, each over all datasets,
        counted on the simulators), ``n_solves`` (single-dataset solves), ``n_solves_with_sensitivities``,
        ``rmse_mV`` {dataset index: RMSE [mV] at the fitted values}, ``rmse_mV_all`` (over all points),
        ``pybop_version``, ``settings`` and ``notes``.
    """
    if optimiser not in ("SciPyMinimize", "CMAES"):
        raise ValueError(f"optimiser must be 'SciPyMinimize' or 'CMAES', not {optimiser!r}")
    rng_state = np.random.get_state()
    np.random.seed(seed)
    try:
        t0 = time.perf_counter()
        tallies, problems = [], []
        for d in datasets:
            pv = parameter_values.copy()
            pv.update(_WIDE_CUTOFFS, check_already_exists=False)
            for name, lo, hi, x0 in zip(names, lower, upper, start, strict=True):
                del pv[name]  # re-added in the order of `names`: PyBOP's parameter order (and so a
                # seeded CMA-ES run) must not depend on the order of `parameter_values`
                transformation = pybop.LogTransformation() if name in log_names else None
                pv[name] = pybop.Parameter(bounds=[lo, hi], initial_value=x0, transformation=transformation)
            data = pybop.Dataset({"Time [s]": np.asarray(d["time_s"], float),
                                  "Current [A]": np.asarray(d["current_A"], float),
                                  "Voltage [V]": np.asarray(d["voltage_V"], float)})
            simulator = pybop.pybamm.Simulator(model.new_copy(), parameter_values=pv, protocol=data,
                                               solver=pybamm.IDAKLUSolver(**solver_options))
            problems.append(pybop.Problem(simulator, pybop.SumSquaredError(data)))
            tallies.append({"solves": 0, "with_sensitivities": 0})
            _count_solves(problems[-1].simulator, tallies[-1])  # the problem's own copy of the simulator
        with contextlib.redirect_stdout(io.StringIO()):  # silence "Discarding duplicate <name>."
            problem = pybop.MetaProblem(*problems)

        if optimiser == "SciPyMinimize":
            options = pybop.SciPyMinimizeOptions()
            if max_iterations is not None:
                options.maxiter = max_iterations
            optim = pybop.SciPyMinimize(problem, options=options)
            how = (f"SciPyMinimize, {options}: method=None, so scipy.optimize.minimize picks L-BFGS-B "
                   f"(bounds, no constraints); jac={problem.has_sensitivities} (PyBOP's default: IDAKLU "
                   "forward sensitivities when the problem has them); the cost is divided by its start value")
        else:
            options = pybop.PintsOptions()
            if max_iterations is not None:
                options.max_iterations = max_iterations
            optim = pybop.CMAES(problem, options=options)
            params = problem.parameters  # PyBOP's x0 and sigma0 for population optimisers
            x0 = params.transformation.to_model(params.get_mean(transformed=True))
            start_spread = {name: (float(f"{x:.4g}"), float(f"{s:.4g}")) for name, x, s
                            in zip(params.names, x0, params.get_std(transformed=True))}
            how = (f"CMAES (pints), {options}, population {optim.optimiser.population_size()}, "
                   f"{{name: (x0 in model space, sigma0 in search space)}} = {start_spread}")
        result = optim.run()
        wall = time.perf_counter() - t0
        values = {name: float(value) for name, value in result.best_inputs.items()}
    finally:
        np.random.set_state(rng_state)

    n_evaluations = tallies[0]["solves"]  # every problem simulates the same parameter sets
    n_solves = sum(t["solves"] for t in tallies)
    n_sens = sum(t["with_sensitivities"] for t in tallies)
    sse = [float(p(values)) for p in problems]  # after counting: these solves are not PyBOP's
    n_points = [len(d["voltage_V"]) for d in datasets]
    linear = [n for n in names if n not in log_names]
    notes = [f"log space: {[n for n in names if n in log_names]}; linear: {linear}",
             f"PyBOP message: {result.message}; iterations {result.n_iterations}; PyBOP's own evaluation "
             f"count {result.n_evaluations} (its logger; without SciPyMinimize's start-cost evaluation)"]
    if optimiser == "CMAES":
        notes.append("PyBOP's population optimisers start from the mean of each parameter's distribution "
                     "(uniform over the bounds, i.e. the log of the linear midpoint for log parameters), "
                     "not from `start`")
    notes += _step_notes(datasets)
    return {
        "values": values,
        "wall_time_s": wall,
        "n_evaluations": n_evaluations,
        "n_solves": n_solves,
        "n_solves_with_sensitivities": n_sens,
        "rmse_mV": {k: 1e3 * float(np.sqrt(s / n)) for k, (s, n) in enumerate(zip(sse, n_points))},
        "rmse_mV_all": 1e3 * float(np.sqrt(sum(sse) / sum(n_points))),
        "pybop_version": pybop.__version__,
        "settings": (f"{how}. Cost: sum over datasets (pybop.MetaProblem, unit weights) of "
                     "pybop.SumSquaredError of 'Voltage [V]' [V^2]. Solver: pybamm.IDAKLUSolver("
                     f"**{solver_options}); voltage cut-offs {_WIDE_CUTOFFS} (PyBOP also drops voltage "
                     "events when driven by data)."),
        "notes": "; ".join(notes),
    }
