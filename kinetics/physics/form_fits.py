"""Least-squares fits of the functional forms to sampled points: a multi-stage OCP to (x, U)
pairs and the stage-diffusivity law to (x, ln D) pairs.

Used wherever a form is fitted to data or to another model's functions (measured OCP tables,
GITT tables, PyBaMM's tabulated sets); the forms themselves are in :mod:`.ocp` and
:mod:`.transport`.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from scipy.optimize import least_squares

from .ocp import MultiStageOCP, potential_from_stoichiometry, stoichiometry_from_potential
from .transport import StageDiffusivity

#: Ranges of the stage-diffusivity law's minimum that :class:`StageDiffusivity` accepts.
DEPTH_RANGE_DECADES = (0.0, 4.0)
WIDTH_RANGE = (0.005, 0.5)


def fit_stages(x: np.ndarray, U: np.ndarray, names: tuple[str, ...],
               fit_scale: bool = False) -> tuple[list[tuple[str, float, float, float]], float]:
    """Least-squares stages (name, X, U_j, ω_j), highest potential first, for x(U) data.

    Three starts (stage widths 1, 3 and 8 at evenly spread potential quantiles); the start
    with the lowest residual wins, then is refined on U. With ``fit_scale`` the data are
    x·s with an unknown scale s ≥ 1 (a capacity table that does not reach the full electrode);
    returns the stages and s (1 without ``fit_scale``).
    """
    n = len(names)
    q = np.quantile(U, np.linspace(0.85, 0.1, n))
    span = float(U.max() - U.min())

    def unpack(p):
        w = np.exp(p[:n])
        return w / w.sum(), p[n:2 * n], np.exp(p[2 * n:3 * n])

    def scale(p):
        return float(np.exp(p[3 * n])) if fit_scale else 1.0

    def residual(p):
        X, U0, om = unpack(p)
        return stoichiometry_from_potential(U, X, U0, om) - x / scale(p)

    extra_lo, extra_hi, extra_0 = ([0.0], [np.log(3.0)], [0.05]) if fit_scale else ([], [], [])
    lower = np.r_[[-8.0] * n, q - span - 0.5, [np.log(0.05)] * n, extra_lo]
    upper = np.r_[[8.0] * n, q + span + 0.5, [np.log(40.0)] * n, extra_hi]
    inside = (x > 1e-6) & (x < 1 - 1e-6)

    def residual_U(p):  # refine on the potential itself, the quantity the RMSE reports
        X, U0, om = unpack(p)
        xs = np.clip(x[inside] / scale(p), 1e-12, 1 - 1e-12)
        return potential_from_stoichiometry(xs, X, U0, om) - U[inside]

    # every start is fitted on x(U) and refined on U. The start with the lowest x(U) cost wins,
    # unless another one refines to a potential RMSE less than half of it (choosing on the x(U)
    # cost alone let rounding at the 1e-6 level pick a start that refined to a 35 mV fit)
    fits = []
    for width in (1.0, 3.0, 8.0):
        p0 = np.r_[np.zeros(n), q, [np.log(width)] * n, extra_0]
        sol = least_squares(residual, p0, bounds=(lower, upper), x_scale="jac", max_nfev=4000)
        cost = sol.cost
        try:
            refined = least_squares(residual_U, sol.x, bounds=(lower, upper), x_scale="jac", max_nfev=300)
            if np.all(np.isfinite(refined.fun)):
                sol = refined
        except (ValueError, FloatingPointError):  # keep the stoichiometry fit
            pass
        with np.errstate(all="ignore"):
            rmse = float(np.sqrt(np.mean(residual_U(sol.x) ** 2)))
        fits.append((cost, rmse if np.isfinite(rmse) else np.inf, sol))
    best_cost, best_rmse, best = min(fits, key=lambda f: f[0])
    lowest = min(fits, key=lambda f: f[1])
    if lowest[1] < 0.5 * best_rmse:
        best = lowest[2]
    X, U0, om = unpack(best.x)
    order = np.argsort(-U0)
    return [(names[i], float(X[j]), float(U0[j]), float(om[j])) for i, j in enumerate(order)], scale(best.x)



def fit_stage_diffusivity(x: np.ndarray, log_D: np.ndarray, ocp: MultiStageOCP, start: Sequence[float],
                          lower: Sequence[float], upper: Sequence[float], x_scale: str | float = "jac",
                          activation_energy_J_mol: float = 0.0) -> tuple[StageDiffusivity, float]:
    """:class:`StageDiffusivity` whose ln D(x) fits ``log_D`` (natural log of m²/s) at sodium
    fractions ``x`` of an electrode with stages ``ocp``, and the RMSE of ln D.

    The fitted vector is (ln D_1, ln D_2, ln D_3, U_min [V], depth [decades], ln σ);
    ``start``, ``lower`` and ``upper`` are given in it. Depth and width bounds are clipped to
    what :class:`StageDiffusivity` accepts.
    """
    lower = np.asarray(lower, float).copy()
    upper = np.asarray(upper, float).copy()
    lower[4], upper[4] = max(lower[4], DEPTH_RANGE_DECADES[0]), min(upper[4], DEPTH_RANGE_DECADES[1])
    lower[5], upper[5] = max(lower[5], np.log(WIDTH_RANGE[0])), min(upper[5], np.log(WIDTH_RANGE[1]))

    def law(p: np.ndarray) -> StageDiffusivity:
        return StageDiffusivity(*np.exp(p[:3]), p[3], p[4], np.exp(p[5]), activation_energy_J_mol)

    def residual(p: np.ndarray) -> np.ndarray:
        return np.log(law(p)(x, ocp)) - log_D

    p0 = np.clip(np.asarray(start, float), lower, upper)
    sol = least_squares(residual, p0, bounds=(lower, upper), x_scale=x_scale)
    return law(sol.x), float(np.sqrt(np.mean(sol.fun ** 2)))
