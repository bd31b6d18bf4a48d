"""Fit a multi-stage OCP to a table of equilibrium potential (``kinetics fit-ocp``).

The table holds potential against stoichiometry, or against specific capacity (mAh/g), or
against capacity (A.h, mAh) together with a scale the user states (active mass, or the
electrode's full capacity). The fit is x(U) = Σ_j X_j / (1 + exp((U − U_j)F/(ω_j RT))) with
Σ X_j = 1 (see :mod:`kinetics.ocp`), by least squares on the sodium fraction with several
starts, then refined on the potential; its quality is reported as the RMSE of U(x) in mV.
A specific-capacity table is assumed to start from the empty electrode (zero capacity at its
highest potential).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from .. import figures
from ..errors import InvalidValueError
from ..io.columns import identify, parse_statement, pick, values_in
from ..io.cycler import read_table
from ..physics.form_fits import fit_stages
from ..physics.ocp import ANODE_STAGE_NAMES, MultiStageOCP, Stage

MIN_POINTS = 10


@dataclass
class OCPFit:
    """A fitted multi-stage OCP with its quality.

    Attributes
    ----------
    ocp : MultiStageOCP
        The fitted OCP; stage capacities in mAh/g for specific-capacity tables, otherwise
        capacity fractions × 100 (a stoichiometry table carries no mAh/g scale).
    rmse_mV : float
        Root-mean-square difference between U(x) of the fit and the data [mV].
    """

    ocp: MultiStageOCP
    rmse_mV: float
    abscissa: str
    x: np.ndarray = field(repr=False)
    U: np.ndarray = field(repr=False)
    specific_capacity_mAh_g: float | None = None
    dropped_rows: int = 0
    reversed_axis: bool = False

    def stages(self) -> list[dict]:
        """Per stage: name, capacity_fraction, potential_V, width (and capacity_mAh_g)."""
        out = []
        for s, X in zip(self.ocp.stages, self.ocp.fractions):
            row = {"name": s.name, "capacity_fraction": float(X), "potential_V": s.potential_V,
                   "width": s.width}
            if self.specific_capacity_mAh_g is not None:
                row["capacity_mAh_g"] = float(X * self.specific_capacity_mAh_g)
            out.append(row)
        return out

    def to_json(self) -> dict:
        return {"stages": self.stages(), "rmse_mV": self.rmse_mV, "abscissa": self.abscissa,
                "n_points": int(len(self.x)), "dropped_rows": self.dropped_rows,
                "total_capacity_mAh_g": self.specific_capacity_mAh_g,
                "reversed_axis": self.reversed_axis}


def read_ocp_table(path: str | Path, mass_mg: float | None = None, capacity_Ah: float | None = None,
                   columns: Mapping[str, str] | str | None = None):
    """Read (abscissa, potential [V], kind, dropped rows) from a CSV or Excel file.

    ``kind`` is "stoichiometry" or "specific capacity" [mAh/g]. A capacity column in A.h or
    mAh needs ``mass_mg`` (active mass, giving mAh/g) or ``capacity_Ah`` (the electrode's full
    capacity, giving a stoichiometry); without either it raises instead of guessing.
    """
    path = Path(path)
    if not path.exists():
        raise InvalidValueError("FILE", str(path), "an existing CSV or Excel file")
    table = read_table(path, columns)
    cols = identify(table, parse_statement(columns), path.name)
    headers = ", ".join(repr(c.header) for c in cols)
    pot = pick(cols, "potential", path.name, "a column with a potential unit, e.g. 'Voltage [V]', 'Ewe/mV' "
               "or voltage_V")
    sto = pick(cols, "stoichiometry", path.name)
    spec = pick(cols, "specific capacity", path.name)
    cap = pick(cols, "capacity", path.name)
    U = values_in(table, pot, "V")
    if sto is not None:
        a, kind = values_in(table, sto, ""), "stoichiometry"
    elif spec is not None:
        a, kind = values_in(table, spec, "mAh/g"), "specific capacity"
    elif cap is not None:
        q_mAh = values_in(table, cap, "mAh")
        if mass_mg is not None:
            if not mass_mg > 0:
                raise InvalidValueError("--mass-mg", mass_mg, "a positive active mass in mg")
            a, kind = q_mAh / (mass_mg * 1e-3), "specific capacity"
        elif capacity_Ah is not None:
            if not capacity_Ah > 0:
                raise InvalidValueError("--capacity-ah", capacity_Ah, "a positive capacity in A.h")
            a, kind = q_mAh / (capacity_Ah * 1e3), "stoichiometry"
        else:
            raise InvalidValueError(
                f"column {cap.header!r}", f"a capacity in {cap.unit}",
                "a stoichiometry or a specific capacity; state the scale: --mass-mg M (the active "
                "mass, giving mAh/g) or --capacity-ah Q (the electrode's full capacity, giving a "
                "stoichiometry). hc-kinetics does not guess it")
    else:
        raise InvalidValueError("abscissa column", headers,
                                "a stoichiometry column (e.g. 'Stoichiometry') or a capacity with a "
                                "unit (e.g. 'Capacity [mAh/g]', 'Capacity [A.h]')")
    data = pd.DataFrame({"a": a, "U": U}).replace([np.inf, -np.inf], np.nan)
    dropped = int(data.isna().any(axis=1).sum())
    data = data.dropna()
    if len(data) < MIN_POINTS:
        raise InvalidValueError("rows", len(data), f"at least {MIN_POINTS} rows with numbers")
    return data["a"].to_numpy(), data["U"].to_numpy(), kind, dropped


def fit_ocp(path: str | Path, n_stages: int = 3, mass_mg: float | None = None,
            capacity_Ah: float | None = None, columns: Mapping[str, str] | str | None = None) -> OCPFit:
    """Read ``path`` and fit an ``n_stages`` OCP (see module docstring)."""
    a, U, kind, dropped = read_ocp_table(path, mass_mg, capacity_Ah, columns)
    return fit_ocp_arrays(a, U, kind, n_stages, dropped)


def fit_ocp_arrays(a: np.ndarray, U: np.ndarray, kind: str, n_stages: int = 3, dropped: int = 0) -> OCPFit:
    """Fit an ``n_stages`` OCP to potentials ``U`` [V] against ``a``: a stoichiometry, or a
    specific capacity [mAh/g] counted from the empty electrode (either direction of the axis)."""
    if int(n_stages) != n_stages or not 1 <= n_stages <= 8:
        raise InvalidValueError("--stages", n_stages, "a whole number of stages from 1 to 8")
    a, U = np.asarray(a, float), np.asarray(U, float)
    if len(a) < MIN_POINTS:
        raise InvalidValueError("points", len(a), f"at least {MIN_POINTS} equilibrium points")
    reversed_axis = bool(np.corrcoef(a, U)[0, 1] > 0)  # sodium content must fall as U rises
    if reversed_axis:
        a = a.max() + a.min() - a if kind == "stoichiometry" else a.max() - a
    x = a / float(a.max()) * 0.999 if kind == "specific capacity" else a
    if np.any((x < -1e-6) | (x > 1 + 1e-6)):
        raise InvalidValueError("stoichiometry", (float(x.min()), float(x.max())), "values between 0 and 1")
    x = np.clip(x, 0.0, 1.0)
    names = ANODE_STAGE_NAMES if n_stages == 3 and U.max() < 3.5 and U.min() < 0.3 else tuple(
        f"stage_{k + 1}" for k in range(n_stages))
    stages, s = fit_stages(x, U, names, fit_scale=kind == "specific capacity")
    total = float(a.max()) / 0.999 * s if kind == "specific capacity" else None
    x = x / s  # sodium fraction of the full electrode
    ocp = MultiStageOCP(tuple(Stage(nm, X * (total or 100.0), u0, om) for nm, X, u0, om in stages))
    inside = (x > 1e-9) & (x < 1 - 1e-9)
    rmse = float(np.sqrt(np.mean((ocp.potential(x[inside]) - U[inside]) ** 2))) * 1e3
    return OCPFit(ocp, rmse, kind, x, U, total, dropped, reversed_axis)


def plot_fit(fit: OCPFit, path: str | Path, title: str = "") -> Path:
    """Data and fit (U vs x), and the residual in mV."""
    order = np.argsort(fit.x)
    x, U = fit.x[order], fit.U[order]
    xf = np.linspace(max(x.min(), 1e-6), min(x.max(), 1 - 1e-6), 400)
    fig, (a1, a2) = figures.subplots(2, 1, figsize=(4.2, 4.2), sharex=True, height_ratios=(3, 1))
    a1.plot(x, U, "o", ms=2.5, color="0.4", label="data")
    a1.plot(xf, fit.ocp.potential(xf), "-", color="C3", label=f"{len(fit.ocp.stages)}-stage fit")
    a1.set_ylabel("Potential (V)")
    a1.legend(frameon=False, fontsize=7)
    a1.set_title(title or f"RMSE {fit.rmse_mV:.1f} mV", fontsize=9)
    inside = (x > 1e-9) & (x < 1 - 1e-9)
    a2.plot(x[inside], (fit.ocp.potential(x[inside]) - U[inside]) * 1e3, ".", ms=2.5, color="C0")
    a2.axhline(0, color="0.6", lw=0.6)
    a2.set_xlabel("Sodium (or lithium) fraction x (-)")
    a2.set_ylabel("fit − data (mV)")
    fig.tight_layout()
    fig.savefig(path, dpi=300)
    return Path(path)
