"""The N/P ratio that maximises energy density subject to a plating margin and a capacity.

Maximise E(N/P) (on a chosen basis, at the discharge rate) subject to

* the lowest anode potential during a charge at the charge rate ≥ ``min_margin_V`` (sodium metal
  plates below 0 V vs Na+/Na), and
* the capacity per gram of anode at the discharge rate ≥ ``min_capacity_mAh_g`` (optional).

The margin grows with N/P (more anode per cathode: the anode is less full at the end of charge),
the capacity per anode mass falls with it, so the feasible set is an interval: a coarse scan of
the bounds (run as a sweep, in parallel) brackets its ends, Brent's root finder places each end,
and a bounded Brent search maximises E inside. Every evaluation is one simulated point
(:func:`~kinetics.design.sweep.run_design`); none is repeated.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace

from scipy.optimize import brentq, minimize_scalar

from ..errors import InvalidValueError
from .cell_design import Design
from .sweep import DesignTask, Grid, run_design, sweep

#: Energy-density bases an optimisation may maximise: name → row key.
BASES = {"active": "energy_density_Wh_kg", "stack": "stack_energy_density_Wh_kg", "cell": "cell_energy_density_Wh_kg"}
NP_TOLERANCE = 5e-3  # N/P is built to this precision at best


@dataclass(frozen=True)
class Target:
    """What the optimisation asks (see the module docstring). ``charge_rate``, ``discharge_rate``
    and ``bounds`` left None come from a sweep's grid (:meth:`resolved`): its fastest (last) charge
    rate, its first discharge rate and its N/P range; without a grid 1C, 0.5C and 0.8–1.5."""

    charge_rate: str | None = None
    discharge_rate: str | None = None
    min_margin_V: float = 0.0
    min_capacity_mAh_g: float | None = None
    basis: str = "energy_density_Wh_kg"
    bounds: tuple[float, float] | None = None
    scan: int = 8

    def __post_init__(self):
        if self.basis not in BASES.values():
            raise InvalidValueError("energy basis", self.basis, " or ".join(BASES.values()))
        lo, hi = self.bounds or (0.8, 1.5)
        if not (0 < lo < hi):
            raise InvalidValueError("N/P bounds", self.bounds, "0 < lower < upper")
        if not (math.isfinite(self.min_margin_V) and -0.5 <= self.min_margin_V <= 0.5):
            raise InvalidValueError("minimum plating margin", self.min_margin_V, "−0.5 to 0.5 V")
        if self.scan < 3:
            raise InvalidValueError("scan points", self.scan, "at least 3")

    def resolved(self, grid: Grid | None = None) -> Target:
        """This target with its unset rates and bounds taken from ``grid`` (see the class)."""
        nps = grid.np_ratio if grid is not None else ()
        span = (min(nps), max(nps)) if len(set(nps)) > 1 else (0.8, 1.5)
        return replace(self, charge_rate=self.charge_rate or (grid.charge_rate[-1] if grid else "1C"),
                       discharge_rate=self.discharge_rate or (grid.discharge_rate[0] if grid else "0.5C"),
                       bounds=self.bounds or span)


@dataclass
class Optimum:
    """The result: the best N/P (None if nothing is feasible), its row, every evaluated row."""

    np_ratio: float | None
    row: dict | None
    status: str
    evaluations: list[dict] = field(default_factory=list)


def optimise_np(base: Design, target: Target, workers: int | None = None, scheduler: str | None = None,
                progress: bool = False) -> Optimum:
    """Maximise ``target.basis`` over N/P in ``target.bounds`` (see the module docstring)."""
    target = target.resolved()
    lo, hi = target.bounds
    scan = [lo + (hi - lo) * k / (target.scan - 1) for k in range(target.scan)]
    grid = Grid(np_ratio=tuple(scan), charge_rate=(target.charge_rate,), discharge_rate=(target.discharge_rate,))
    rows = {float(r["np_ratio"]): r for r in sweep(base, grid, workers=workers, scheduler=scheduler,
                                                    progress=progress).rows.to_dict("records")}

    def at(np_ratio: float) -> dict:
        key = round(float(np_ratio), 6)
        if key not in rows:
            point = replace(grid, np_ratio=(key,)).points()[0]
            design = base.with_(np_ratio=key)
            cell = design.cell()
            rows[key] = run_design(DesignTask(cell, design.mass(cell), [point]))[0]
        return rows[key]

    def margin(n: float) -> float:
        r = at(n)
        return math.nan if r["error"] else r["min_anode_potential_V"] - target.min_margin_V

    def capacity(n: float) -> float:
        r = at(n)
        if target.min_capacity_mAh_g is None:
            return 1.0
        return math.nan if r["error"] else r["capacity_mAh_g_anode"] - target.min_capacity_mAh_g

    def feasible(n: float) -> bool:
        return margin(n) >= 0 and capacity(n) >= 0

    ok = [n for n in scan if feasible(n)]
    if not ok:
        best = max(scan, key=lambda n: (margin(n) if not math.isnan(margin(n)) else -1e9))
        return Optimum(None, None, f"infeasible: no N/P in {lo:g}–{hi:g} meets the constraints (largest margin "
                       f"{margin(best) + target.min_margin_V:.4f} V at N/P {best:.3g})", _evaluated(rows))
    a, b = min(ok), max(ok)
    below = [n for n in scan if n < a]
    if below and margin(below[-1]) < 0 <= margin(a):  # the plating bound between the scan points
        a = brentq(margin, below[-1], a, xtol=NP_TOLERANCE)
        a = a if feasible(a) else a + NP_TOLERANCE
    above = [n for n in scan if n > b]
    if above and capacity(above[0]) < 0 <= capacity(b):
        b = brentq(capacity, b, above[0], xtol=NP_TOLERANCE)
        b = b if feasible(b) else b - NP_TOLERANCE
    # E is unimodal in N/P: search between the scan neighbours of the best feasible point known
    # (the interval's ends and the scan points inside it) when it is not at an end
    known = sorted({a, b, *(n for n in ok if a <= n <= b)})
    k = known.index(max(known, key=lambda n: at(n)[target.basis]))
    if 0 < k < len(known) - 1:
        minimize_scalar(lambda n: -at(n)[target.basis] if feasible(n) else math.inf,
                        bounds=(known[k - 1], known[k + 1]), method="bounded", options={"xatol": NP_TOLERANCE})
    best = max((n for n in rows if feasible(n)), key=lambda n: at(n)[target.basis])  # every point evaluated
    return Optimum(round(best, 6), at(best), "optimal", _evaluated(rows))


def _evaluated(rows: dict) -> list[dict]:
    return [rows[k] for k in sorted(rows)]
