"""Electrode balance of a full cell from its open-circuit voltage: both electrodes' capacities and
stoichiometry windows, and the sodium inventory.

A slow (≤ C/20) charge and discharge of a full cell, or an incremental-OCV test, follows the
difference of the two electrodes' equilibrium potentials. With Q the net charge passed into the
cell since the start of the file (charging positive) [A·h], the anode (sodiated on charge) and
the cathode move along

.. math::

    x_a(Q) = x_{a,0} + Q / C_a, \\qquad x_c(Q) = x_{c,0} - Q / C_c,

    V(Q) = U_c\\bigl(x_c(Q)\\bigr) - U_a\\bigl(x_a(Q)\\bigr) + R\\,I,

with C_a, C_c each electrode's full capacity [A·h] (x from 0 to 1), U the half-cell OCPs on the
branch the current drives (charge: anode sodiation, cathode desodiation) and R·I a lumped
overpotential [Ω] that takes the few millivolts a slow current still costs (antisymmetric between
charge and discharge, so it does not bias the windows). The five parameters are fitted by least
squares [1]_; the sodium inventory is x_a C_a + x_c C_c (conserved). This is the electrode
balance ("degradation-mode") analysis of differential voltage [2]_; the OCPs are the sets' own
multi-stage functions (:mod:`kinetics.physics.ocp`), pure numpy, no simulation.

References
----------
.. [1] M. A. Branch, T. F. Coleman, Y. Li, SIAM J. Sci. Comput. 21 (1999) 1–23.
.. [2] M. Dubarry, C. Truchot, B. Y. Liaw, J. Power Sources 219 (2012) 204–216 (differential
   voltage and capacity analysis of full cells).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy.optimize import least_squares

from ..errors import InvalidValueError
from ..physics.ocp import MultiStageOCP

#: Fastest current an OCV curve may have (a C-rate on the curve's own capacity).
MAX_OCV_C_RATE = 1.0 / 20.0
#: A current below this share of the file's largest |I| is a rest (incremental OCV).
REST_SHARE = 0.02
#: Samples kept per curve (evenly in charge).
POINTS_PER_CURVE = 400
#: Each capacity's upper bound: this multiple of the charge the file passes (no cell carries an
#: electrode five times larger than what it cycles).
MAX_CAPACITY_SHARE = 5.0
#: Each capacity's start: this multiple of the charge the file passes.
START_CAPACITY_SHARE = 1.2
#: Fractions of the stoichiometry range the windows are started from (multi-start grid).
START_FRACTIONS = (0.02, 0.15, 0.3)
PARAMETERS = ("anode_start_fraction", "cathode_start_fraction", "anode_capacity_Ah", "cathode_capacity_Ah",
              "resistance_ohm")


@dataclass
class BalanceFit:
    """What :func:`fit_balance` found.

    Attributes
    ----------
    values, stderr : dict
        Of :data:`PARAMETERS` (fractions [-], capacities [A·h], resistance [Ω]) and of the refined
        stage fields (set names, set units); standard errors from the linearised covariance
        s²(JᵀJ)⁻¹.
    windows : dict
        Role → (lowest, highest) sodium fraction the data pass through [-].
    sodium_inventory_Ah : float
        x_a C_a + x_c C_c [A·h].
    rmse_mV : float
    c_rate : float
        The file's fastest current over its largest passed capacity [1/h].
    """

    values: dict[str, float]
    stderr: dict[str, float]
    windows: dict[str, tuple[float, float]]
    sodium_inventory_Ah: float
    rmse_mV: float
    c_rate: float
    curves: pd.DataFrame = field(repr=False)
    notes: list[str] = field(default_factory=list)

    def to_json(self) -> dict:
        v, s = self.values, self.stderr
        out = {}
        for role in ("anode", "cathode"):
            out[role] = {"capacity_Ah": v[f"{role}_capacity_Ah"], "capacity_stderr_Ah": s[f"{role}_capacity_Ah"],
                         "start_fraction": v[f"{role}_start_fraction"],
                         "start_fraction_stderr": s[f"{role}_start_fraction"],
                         "window": list(self.windows[role])}
        refined = {n: {"value": v[n], "stderr": s[n]} for n in v if n not in PARAMETERS}
        return {**out, "sodium_inventory_Ah": self.sodium_inventory_Ah, "resistance_ohm": v["resistance_ohm"],
                "refined": refined,
                "rmse_mV": self.rmse_mV, "c_rate": self.c_rate, "notes": self.notes}


def ocv_curves(frame: pd.DataFrame, label: str = "data") -> pd.DataFrame:
    """The samples of a full-cell time series (``time_s``, ``current_A``, ``voltage_V``) with
    their net charge ``q_Ah`` since the start (charging positive) and ``direction``
    (``charge``/``discharge``/``rest``); at most :data:`POINTS_PER_CURVE` per direction run.

    The current's sign is read from the data: the voltage rises while a full cell charges.
    """
    t = frame["time_s"].to_numpy(float)
    i = frame["current_A"].to_numpy(float)
    v = frame["voltage_V"].to_numpy(float)
    if len(t) < 10 or not np.any(np.abs(i) > 0):
        raise InvalidValueError(f"{label}: current", "no current", "a full-cell charge or discharge")
    q = np.concatenate([[0.0], np.cumsum(0.5 * (i[1:] + i[:-1]) * np.diff(t))]) / 3600.0
    moving = np.abs(i) > REST_SHARE * np.max(np.abs(i))
    # the sign that charges: the voltage rises with the charge it passes
    slope = np.polyfit(q[moving], v[moving], 1)[0] if moving.sum() > 2 else 1.0
    sign = 1.0 if slope > 0 else -1.0
    q, i = sign * q, sign * i
    direction = np.where(~moving, "rest", np.where(i > 0, "charge", "discharge"))
    table = pd.DataFrame({"time_s": t, "current_A": i, "voltage_V": v, "q_Ah": q, "direction": direction})
    run = (table["direction"] != table["direction"].shift()).cumsum()
    keep = []
    for _, g in table.groupby(run):
        if g["direction"].iloc[0] == "rest":
            keep.append(g.iloc[[-1]])  # a relaxed incremental-OCV point: the end of its rest
            continue
        qs = g["q_Ah"].to_numpy()
        targets = np.linspace(qs.min(), qs.max(), min(POINTS_PER_CURVE, len(g)))
        order = np.argsort(qs)
        idx = order[np.clip(np.searchsorted(qs[order], targets), 0, len(g) - 1)]
        keep.append(g.iloc[np.unique(idx)])
    return pd.concat(keep).sort_values("time_s").reset_index(drop=True)


def c_rate(curves: pd.DataFrame) -> float:
    """Largest |I| over the largest charge passed in one direction [1/h]."""
    q = curves["q_Ah"].to_numpy()
    span = float(np.ptp(q)) if len(q) else 0.0
    return float(np.max(np.abs(curves["current_A"]))) / span if span > 0 else np.inf


def _branch_potential(ocp: MultiStageOCP, x: np.ndarray, sodiating: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """U(x) on each sample's branch and dU/dx (from the closed-form x(U): 1 / (dx/dU))."""
    U = np.empty_like(x)
    dU = np.empty_like(x)
    h = 1e-5  # V
    for branch, mask in (("sodiation", sodiating), ("desodiation", ~sodiating)):
        if mask.any():
            u = ocp.potential(x[mask], branch)
            dxdu = (ocp.stoichiometry(u + h, branch) - ocp.stoichiometry(u - h, branch)) / (2 * h)
            U[mask], dU[mask] = u, 1.0 / np.minimum(dxdu, -1e-300)
    return U, dU


def model_voltage(p: np.ndarray, curves: pd.DataFrame, anode: MultiStageOCP, cathode: MultiStageOCP,
                  jacobian: bool = False) -> np.ndarray | tuple[np.ndarray, np.ndarray]:
    """V(Q) of the module docstring at parameters ``p`` (order of :data:`PARAMETERS`), and with
    ``jacobian`` dV/dp (chain rule through each OCP's slope)."""
    xa0, xc0, Ca, Cc, R = p
    q = curves["q_Ah"].to_numpy()
    i = curves["current_A"].to_numpy()
    charging = i > 0
    moving = (curves["direction"].to_numpy() != "rest").astype(float)
    ua, dua = _branch_potential(anode, xa0 + q / Ca, charging)
    uc, duc = _branch_potential(cathode, xc0 - q / Cc, ~charging)
    v = uc - ua + R * i * moving
    if not jacobian:
        return v
    J = np.column_stack([-dua, duc, dua * q / Ca ** 2, duc * q / Cc ** 2, i * moving])
    return v, J


def check_curves(curves: pd.DataFrame, anode: MultiStageOCP, cathode: MultiStageOCP, label: str,
                 max_c_rate: float | None = MAX_OCV_C_RATE) -> float:
    """Errors before the fit: too fast to be an OCV (unless ``max_c_rate`` is None: a start for a
    kinetic fit), a voltage the two electrodes cannot make."""
    rate = c_rate(curves)
    if max_c_rate is not None and rate > max_c_rate * (1 + 1e-9):
        raise InvalidValueError(f"{label}: rate", f"C/{1 / rate:.3g} ({rate:.3g}C on the file's own capacity)",
                                f"a slow curve (C/{1 / MAX_OCV_C_RATE:.0f} or slower) or an incremental-OCV test: "
                                "faster curves carry overpotentials that move the windows")
    eps = 1e-4
    highest = float(cathode.potential(eps, "desodiation") - anode.potential(1 - eps, "sodiation"))
    lowest = float(cathode.potential(1 - eps, "sodiation") - anode.potential(eps, "desodiation"))
    v = curves["voltage_V"].to_numpy()
    if v.max() > highest or v.min() < lowest:
        raise InvalidValueError(f"{label}: voltage", f"{v.min():.3f}–{v.max():.3f} V",
                                f"a voltage these electrodes can make, between {lowest:.3f} and {highest:.3f} V "
                                "(cathode OCP minus anode OCP over their whole ranges): check the sets")
    return rate


#: Stage fields a refinement can move (set-name suffix → :class:`~kinetics.physics.ocp.Stage` field),
#: with their bounds around the start: potentials ± :data:`REFINE_POTENTIAL_V`, widths and
#: capacities within a factor :data:`REFINE_FACTOR` (log).
STAGE_FIELDS = {"potential": "potential_V", "width": "width", "capacity": "capacity_mAh_g"}
REFINE_POTENTIAL_V = 0.4
REFINE_FACTOR = 10.0


def _stage_target(name: str, ocps: dict[str, MultiStageOCP]) -> tuple[str, str, str]:
    parts = name.split(".")
    if len(parts) != 4 or parts[0] not in ocps or parts[1] != "ocp" or parts[3] not in STAGE_FIELDS:
        raise InvalidValueError("OCP parameter to refine", name, "<anode|cathode>.ocp.<stage>.<potential|width|"
                                "capacity>")
    ocps[parts[0]].stage(parts[2])  # raises with the stage names
    return parts[0], parts[2], STAGE_FIELDS[parts[3]]


def refined_ocps(names: tuple[str, ...], values: np.ndarray, anode: MultiStageOCP,
                 cathode: MultiStageOCP) -> dict[str, MultiStageOCP]:
    """The two OCPs with stage fields ``names`` (set names) at ``values``."""
    ocps = {"anode": anode, "cathode": cathode}
    for name, v in zip(names, values):
        role, stage, field_ = _stage_target(name, ocps)
        ocps[role] = ocps[role].with_stage(stage, **{field_: float(v)})
    return ocps


def fit_balance(curves: pd.DataFrame, anode: MultiStageOCP, cathode: MultiStageOCP,
                label: str = "data", max_c_rate: float | None = MAX_OCV_C_RATE,
                refine: tuple[str, ...] = (),
                capacity_shares: dict[str, tuple[float, float]] | None = None) -> BalanceFit:
    """Fit :data:`PARAMETERS` to ``curves`` (:func:`ocv_curves`) from a grid of starts.

    ``capacity_shares`` (role → (lowest, highest) multiple of the charge the data pass) narrows
    the capacities where the cell's design is known to be balanced (default 0.5–5×).

    Each start puts the electrodes at a share of their range at the file's start: a file that
    begins by charging starts with an empty anode and a full cathode, one that begins by
    discharging the other way round; both capacities start at
    :data:`START_CAPACITY_SHARE` × the charge the file passes.
    """
    rate = check_curves(curves, anode, cathode, label, max_c_rate)
    v = curves["voltage_V"].to_numpy()
    q = curves["q_Ah"].to_numpy()
    span = float(np.ptp(q))
    first = curves.loc[curves["direction"] != "rest", "direction"].iloc[0]
    q_lo, q_hi = float(q.min()), float(q.max())

    def residual(p):
        return model_voltage(p, curves, anode, cathode) - v

    def jacobian(p):
        return model_voltage(p, curves, anode, cathode, jacobian=True)[1]

    lower = np.array([0.0, 0.0, 0.5 * span, 0.5 * span, 0.0])
    upper = np.array([1.0, 1.0, MAX_CAPACITY_SHARE * span, MAX_CAPACITY_SHARE * span, np.inf])
    for k, role in ((2, "anode"), (3, "cathode")):  # stated bounds: multiples of the charge passed
        if capacity_shares and role in capacity_shares:
            lower[k], upper[k] = (share * span for share in capacity_shares[role])
    levels = np.abs(curves.loc[curves["direction"] != "rest", "current_A"].to_numpy())
    one_current = levels.max() <= 1.05 * np.median(levels)
    if one_current:  # R·I is then a constant offset, indistinguishable from the OCPs' levels: R = 0
        upper[4] = 1e-12
    best = None
    for fa in START_FRACTIONS:
        for fc in START_FRACTIONS:
            Ca, Cc = np.clip(START_CAPACITY_SHARE * span, lower[2:4], upper[2:4])
            if first == "charge":  # the file starts near the bottom of the anode's range
                xa0, xc0 = fa - q_lo / Ca, 1 - fc + q_lo / Cc
            else:
                xa0, xc0 = 1 - fa - q_hi / Ca, fc + q_hi / Cc
            p0 = np.clip([xa0, xc0, Ca, Cc, 0.0], lower, upper)
            # the fractions must keep both electrodes within [0, 1] over the data
            sol = least_squares(residual, p0, jac=jacobian, bounds=(lower, upper), x_scale=[0.1, 0.1, span, span, 0.1],
                                method="trf", ftol=1e-12, xtol=1e-12, gtol=1e-12, max_nfev=400)
            if best is None or sol.cost < best.cost:
                best = sol
    if refine:  # then the stages, from the best balance (finite-difference Jacobian)
        best = _refine(best.x, refine, curves, anode, cathode, lower, upper, span)
        anode, cathode = refined_ocps(refine, best.x[len(PARAMETERS):], anode, cathode).values()
    p = best.x
    J, r = best.jac, best.fun
    dof = max(len(r) - len(p), 1)
    cov = float(r @ r) / dof * np.linalg.pinv(J.T @ J)
    stderr = dict(zip(PARAMETERS + tuple(refine), np.sqrt(np.clip(np.diag(cov), 0, None)).tolist()))
    values = dict(zip(PARAMETERS + tuple(refine), p.tolist()))
    p = p[:len(PARAMETERS)]
    xa = p[0] + np.array([q_lo, q_hi]) / p[2]
    xc = p[1] - np.array([q_hi, q_lo]) / p[3]
    windows = {"anode": (float(xa[0]), float(xa[1])), "cathode": (float(xc[0]), float(xc[1]))}
    notes = ["one current only: the lumped overpotential R·I is not separable from the OCPs and is set to 0"
             ] if one_current else []
    for role, (a, b) in windows.items():
        if a < -1e-6 or b > 1 + 1e-6:
            notes.append(f"the {role}'s window {a:.3f}–{b:.3f} leaves [0, 1]: its OCP (set) does not match the data")
    fitted = curves.assign(model_V=model_voltage(p, curves, anode, cathode))
    return BalanceFit(values, stderr, windows, float(p[0] * p[2] + p[1] * p[3]),
                      float(np.sqrt(np.mean(r ** 2)) * 1e3), rate, fitted, notes)


def _refine(base: np.ndarray, names: tuple[str, ...], curves: pd.DataFrame, anode: MultiStageOCP,
            cathode: MultiStageOCP, lower: np.ndarray, upper: np.ndarray, span: float):
    """Least squares over the balance and the stage fields ``names`` from ``base``."""
    ocps = {"anode": anode, "cathode": cathode}
    start, lo, hi, scale = [], [], [], []
    for name in names:
        role, stage, field_ = _stage_target(name, ocps)
        v = getattr(ocps[role].stage(stage), field_)
        start.append(v)
        if field_ == "potential_V":
            lo.append(v - REFINE_POTENTIAL_V), hi.append(v + REFINE_POTENTIAL_V), scale.append(0.05)
        else:
            lo.append(v / REFINE_FACTOR), hi.append(v * REFINE_FACTOR), scale.append(0.1 * v)
    lo = np.maximum(lo, [0.02 if n.endswith("width") else -np.inf for n in names])
    v = curves["voltage_V"].to_numpy()

    def residual(p):
        try:
            a, c = refined_ocps(names, p[len(PARAMETERS):], anode, cathode).values()
        except InvalidValueError:  # a stage outside what an OCP allows: a large residual
            return np.full(len(v), 10.0)
        return model_voltage(p[:len(PARAMETERS)], curves, a, c) - v

    p0 = np.concatenate([base, start])
    bounds = (np.concatenate([lower, lo]), np.concatenate([upper, hi]))
    return least_squares(residual, np.clip(p0, bounds[0], bounds[1]), bounds=bounds, method="trf",
                         x_scale=np.concatenate([[0.1, 0.1, span, span, 0.1], scale]), max_nfev=100 * len(p0))


def differential_curves(curves: pd.DataFrame, column: str, points: int = 120) -> pd.DataFrame:
    """dV/dQ [V/A·h] and dQ/dV [A·h/V] of ``column`` per charge/discharge run, on ``points``
    evenly spaced charges (finite differences of a moving-average resampled curve)."""
    out = []
    run = (curves["direction"] != curves["direction"].shift()).cumsum()
    for _, g in curves.groupby(run):
        direction = g["direction"].iloc[0]
        if direction == "rest" or len(g) < 10:
            continue
        order = np.argsort(g["q_Ah"].to_numpy())
        q = g["q_Ah"].to_numpy()[order]
        v = g[column].to_numpy()[order]
        grid = np.linspace(q[0], q[-1], points)
        vg = np.interp(grid, q, v)
        dvdq = np.gradient(vg, grid)
        out.append(pd.DataFrame({"direction": direction, "q_Ah": grid, "voltage_V": vg, "dV_dQ": dvdq,
                                 "dQ_dV": np.where(np.abs(dvdq) > 0, 1.0 / dvdq, np.nan)}))
    return pd.concat(out, ignore_index=True) if out else pd.DataFrame()
