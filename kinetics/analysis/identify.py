"""Identification from a GITT table (no simulation): the multi-stage OCP from the relaxed
potentials and a :class:`~kinetics.transport.StageDiffusivity` from the analytic D(x).

* **OCP.** The relaxed potential at the end of each rest (and before the first pulse) is an
  equilibrium point (capacity, U); :func:`kinetics.analysis.ocp_fit.fit_ocp_arrays` fits the
  stages to them. When a file holds both directions, each is fitted on its own and the
  pore-filling stage's hysteresis is the gap between the two branches.
* **D(x).** ln D of the pulses is fitted by the stage-diffusivity law (stage values and the
  transition minimum) in log space. Pulses whose D is "not physical" (two-phase plateau) are
  left out; pulses flagged as lower bounds or uncertain are kept, so that the law has values
  across the whole range: the result is the start of the model-based refinement
  (:mod:`kinetics.fitting.gitt`), which corrects what the analytic method cannot.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..errors import InvalidValueError
from ..physics.form_fits import fit_stage_diffusivity as fit_law
from ..physics.ocp import MultiStageOCP
from ..physics.transport import StageDiffusivity
from .ocp_fit import OCPFit, fit_ocp_arrays

#: Flags whose D is left out of the D(x) fit (not a diffusivity at all).
_NOT_PHYSICAL = "two-phase plateau"


def equilibrium_points(table: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """(capacity [mAh/g], relaxed potential [V]) of a GITT table: the potential before the
    first pulse at zero capacity, then the end of each rest that followed a pulse."""
    rested = table[~table["skipped"].str.startswith("no rest after")]
    q = rested["capacity_mAh_g"].to_numpy(float)
    U = rested["voltage_V"].to_numpy(float)
    first = float(table["start_voltage_V"].iloc[0])
    if np.isfinite(first):
        q, U = np.r_[0.0, q], np.r_[first, U]
    ok = np.isfinite(q) & np.isfinite(U)
    return q[ok], U[ok]


def fit_gitt_ocp(table: pd.DataFrame, n_stages: int = 3) -> OCPFit:
    """Multi-stage OCP fitted to the equilibrium points of one direction."""
    q, U = equilibrium_points(table)
    return fit_ocp_arrays(q, U, "specific capacity", n_stages)


def pulse_fractions(table: pd.DataFrame, ocp: MultiStageOCP, direction: str) -> np.ndarray:
    """Sodium fraction x at the middle of each pulse, on the fitted OCP's capacity scale
    (desodiation counts down from a full electrode)."""
    q_end = table["capacity_mAh_g"].to_numpy(float)
    q_mid = 0.5 * (q_end + np.r_[0.0, q_end[:-1]])
    x = q_mid / ocp.total_capacity_mAh_g
    return x if direction == "sodiate" else 1.0 - x


def hysteresis(sodiation: OCPFit, desodiation: OCPFit, stage: str) -> tuple[float, float]:
    """(gap [V], mean potential [V]) of ``stage`` between the desodiation and sodiation fits
    (each from its own direction's relaxed potentials)."""
    def potential(f: OCPFit) -> float:
        names = [s.name for s in f.ocp.stages]
        if stage not in names:
            raise InvalidValueError("stage", stage, f"one of the fitted stages {names}")
        return f.ocp.stage(stage).potential_V

    u_sod, u_des = potential(sodiation), potential(desodiation)
    return u_des - u_sod, 0.5 * (u_des + u_sod)


@dataclass(frozen=True)
class DiffusivityFit:
    """A stage-diffusivity law fitted to analytic D values.

    Attributes
    ----------
    diffusivity : StageDiffusivity
    rmse_decades : float
        RMS difference of log10 D between the law and the points used.
    n_points : int
        Pulses used.
    """

    diffusivity: StageDiffusivity
    rmse_decades: float
    n_points: int


def fit_stage_diffusivity(table: pd.DataFrame, ocp: MultiStageOCP, direction: str = "sodiate",
                          activation_energy_J_mol: float = 0.0) -> DiffusivityFit:
    """:class:`StageDiffusivity` fitted to the W–H D of the pulses (see module docstring)."""
    use = (table["skipped"] == "") & ~table["flag"].str.contains(_NOT_PHYSICAL) & (table["D_m2_s"] > 0)
    if use.sum() < 6:
        raise InvalidValueError("pulses with a diffusivity", int(use.sum()),
                                "at least 6 pulses for the six parameters of the D(x) law")
    x = pulse_fractions(table, ocp, direction)[use.to_numpy()]
    logD = np.log(table.loc[use, "D_m2_s"].to_numpy(float))
    pots = [s.potential_V for s in ocp.stages]
    U_pulse = table.loc[use, "voltage_V"].to_numpy(float)
    u_min0 = float(U_pulse[np.argmin(logD)])
    med = float(np.median(logD))
    lo = np.array([med - 12, med - 12, med - 12, min(pots) - 0.2, 0.0, np.log(0.005)])
    hi = np.array([med + 12, med + 12, med + 12, max(pots) + 0.5, 6.0, np.log(1.0)])
    p0 = np.clip([med + 1.0, med, med + 0.5, u_min0, 1.0, np.log(0.08)], lo + 1e-9, hi - 1e-9)
    D, rmse_ln = fit_law(x, logD, ocp, p0, lo, hi, activation_energy_J_mol=activation_energy_J_mol)
    return DiffusivityFit(D, rmse_ln / np.log(10), int(use.sum()))
