"""Calibration of parameter sets against single reported numbers (``kinetics calibrate``).

A small least-squares problem (scipy's trust-region reflective ``least_squares``) whose
residuals are the relative differences between simulated half-cell numbers and paper 000's.
The parameters are PyBaMM input parameters, so no iteration rebuilds a model. Each
calibration starts from fixed prior values written here (not from the stored result), so
rerunning it recomputes the stored values; ``--write`` stores them with their command.
"""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass

import numpy as np
from scipy.optimize import least_squares

from .cell import HalfCell
from .errors import UnknownNameError
from .parameter_sets import shipped_file, update_file_values
from .protocols import rate_test
from .simulate import Simulator
from .validate import _target_by_key


@dataclass(frozen=True)
class CalibratedParameter:
    """One unknown: sets ``names`` to ``shares`` × value; optionally fitted in log space."""

    label: str
    names: tuple[str, ...]
    shares: tuple[float, ...]
    start: float
    lower: float
    upper: float
    log: bool
    file: str
    sets: tuple[str, ...] = ()  # half-cell sets it applies to (empty: all)
    note: str = ""  # what is assumed about how the value is shared between names

    def applies_to(self, set_name: str) -> bool:
        return not self.sets or set_name in self.sets


@dataclass(frozen=True)
class Calibration:
    name: str
    parameters: tuple[CalibratedParameter, ...]
    targets: tuple[str, ...]
    #: target key → (half-cell set, current [mA/g], rate-table column)
    measures: dict

    @property
    def command(self) -> str:
        return f"kinetics calibrate {self.name}"


_SLOPE_NOTE = ("adsorption and insertion share the sloping capacity equally (assumed: paper 000 "
               "gives no sub-split of the sloping region)")

CALIBRATIONS: dict[str, Calibration] = {
    "MPCC-1": Calibration(
        "MPCC-1",
        (
            CalibratedParameter("sloping capacity (adsorption + insertion) [mAh/g]",
                                ("anode.ocp.adsorption.capacity", "anode.ocp.insertion.capacity"),
                                (0.5, 0.5), 160.0, 60.0, 300.0, False, "carbon-MPCC-1",
                                note=_SLOPE_NOTE),
            CalibratedParameter("pore-filling capacity [mAh/g]", ("anode.ocp.pore_filling.capacity",),
                                (1.0,), 190.0, 80.0, 300.0, False, "carbon-MPCC-1"),
            CalibratedParameter("Na counter-electrode exchange current, diglyme [A/m²]",
                                ("counter.exchange_current_density",), (1.0,), 10.0, 0.1, 1000.0, True,
                                "electrolyte-NaPF6-diglyme", ("MPCC-1-ether",),
                                note="prior 10 A/m² (Seh et al. 2015, not checked here); paper 000: "
                                "'faster de-solvation process and the formation of a thin SEI layer in "
                                "ether-based electrolytes'"),
        ),
        ("mpcc1_ether_20", "mpcc1_ester_plateau", "mpcc1_ether_2000"),
        {
            "mpcc1_ether_20": ("MPCC-1-ether", 20.0, "capacity_mAh_g"),
            "mpcc1_ether_2000": ("MPCC-1-ether", 2000.0, "capacity_mAh_g"),
            "mpcc1_ester_plateau": ("MPCC-1-ester", 20.0, "capacity_below_0.1V_mAh_g"),
        },
    ),
    "PCC": Calibration(
        "PCC",
        (
            CalibratedParameter("sloping capacity (adsorption + insertion) [mAh/g]",
                                ("anode.ocp.adsorption.capacity", "anode.ocp.insertion.capacity"),
                                (0.5, 0.5), 80.0, 20.0, 200.0, False, "carbon-PCC", note=_SLOPE_NOTE),
            CalibratedParameter("pore-filling capacity [mAh/g]", ("anode.ocp.pore_filling.capacity",),
                                (1.0,), 30.0, 5.0, 150.0, False, "carbon-PCC"),
        ),
        ("pcc_ester_20", "pcc_ester_plateau"),
        {
            "pcc_ester_20": ("PCC-ester", 20.0, "capacity_mAh_g"),
            "pcc_ester_plateau": ("PCC-ester", 20.0, "capacity_below_0.1V_mAh_g"),
        },
    ),
}


@dataclass
class CalibrationResult:
    calibration: Calibration
    values: dict[str, float]  # per parameter label
    parameter_values: dict[str, float]  # per set name (dotted)
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
    """Run one calibration from its prior start; returns the fitted values (nothing written)."""
    cal = get(name)
    sims: dict[str, Simulator] = {}
    for set_name, _, _ in cal.measures.values():
        if set_name not in sims:
            names = [n for p in cal.parameters if p.applies_to(set_name) for n in p.names]
            sims[set_name] = Simulator(HalfCell(set_name, model), names)
    rates = {s: tuple(sorted({r for (sn, r, _) in cal.measures.values() if sn == s})) for s in sims}
    paper = {k: float(_target_by_key(k).paper) for k in cal.targets}
    count = {"n": 0}
    t0 = time.perf_counter()

    def to_inputs(z: np.ndarray) -> dict[str, float]:
        out = {}
        for p, zi in zip(cal.parameters, z):
            v = float(np.exp(zi)) if p.log else float(zi)
            for n, s in zip(p.names, p.shares):
                out[n] = v * s
        return out

    def simulate(z: np.ndarray) -> dict[str, float]:
        inputs = to_inputs(z)
        tables = {}
        for s, sim in sims.items():
            used = {k: v for k, v in inputs.items() if k in sim.built.inputs}
            tables[s] = sim.run(rate_test(rates[s], window_V=sim.cell.window_V), inputs=used).rate_table()
        out = {}
        for k in cal.targets:
            s, r, col = cal.measures[k]
            t = tables[s]
            out[k] = float(t.loc[t["rate_mA_g"] == r, col].iloc[0])
        return out

    def residuals(z: np.ndarray) -> np.ndarray:
        count["n"] += 1
        try:
            m = simulate(z)
            res = np.array([m[k] / paper[k] - 1.0 for k in cal.targets])
        except Exception:  # a failed solve is a large finite residual, never a crash
            res = np.full(len(cal.targets), 10.0)
        if progress:
            sys.stderr.write(f"\r{cal.command}: evaluation {count['n']}, "
                             f"rms residual {np.sqrt(np.mean(res ** 2)):.2e}   ")
            sys.stderr.flush()
        return res

    tr = [(np.log(p.start), np.log(p.lower), np.log(p.upper)) if p.log else (p.start, p.lower, p.upper)
          for p in cal.parameters]
    z0 = np.array([t[0] for t in tr])
    lo, hi = np.array([t[1] for t in tr]), np.array([t[2] for t in tr])
    sol = least_squares(residuals, z0, bounds=(lo, hi), diff_step=1e-4, x_scale="jac",
                        xtol=1e-6, ftol=1e-8, max_nfev=max_evaluations)
    if progress:
        sys.stderr.write("\n")
    values = {p.label: (float(np.exp(z)) if p.log else float(z)) for p, z in zip(cal.parameters, sol.x)}
    final = simulate(sol.x)
    return CalibrationResult(cal, values, to_inputs(sol.x), final, paper, count["n"],
                             time.perf_counter() - t0, bool(sol.success), str(sol.message))


def write(result: CalibrationResult) -> list[str]:
    """Store calibrated values in the shipped parameter files (atomic), with their command."""
    written = []
    for p in result.calibration.parameters:
        src = result.source_text() + (f"; {p.note}" if p.note else "")
        values = {n: result.parameter_values[n] for n in p.names}
        update_file_values(shipped_file(p.file), values, "calibrated", src)
        if p.file not in written:
            written.append(p.file)
    return written


def stored_values(name: str) -> dict[str, float]:
    """The currently stored values of a calibration's parameters (by dotted name)."""
    import json

    from .parameter_sets import internal_unit
    from .units import convert

    out = {}
    for p in get(name).parameters:
        raw = json.loads(shipped_file(p.file).read_text(encoding="utf-8"))["parameters"]
        for n in p.names:
            e = raw[n]
            out[n] = convert(e["value"], e["unit"], internal_unit(n), field=n)
    return out
