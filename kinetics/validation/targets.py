"""Paper 000's reproducible numbers as validation targets: the quantity, the exact phrase, the
paper's value, the tolerance, the role, and how the model computes it.

**Role.** ``calibration``: the number set parameters (``kinetics calibrate <name>``, the
calibration it feeds is in ``rests_on``); ``prediction``: it did not (``rests_on`` names the
calibrations whose values it uses). Tolerances are those of the core-engine issue and are never
widened to pass.

**Known gaps** (:data:`KNOWN_GAPS`) are declared with their reason and a bound *before* the
comparison: a prediction outside its tolerance but within the bound is a ``gap``; beyond the
bound, the reason no longer explains it and the row ``fail`` s.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

import numpy as np

from ..cells import FullCell, HalfCell
from ..design import balanced, full_cell_metrics
from ..errors import RunFailedError, SimulationWarning, UnknownNameError
from ..protocols import charge, discharge, rate_test
from ..results import Result, run

RATES_mA_g = (20, 50, 100, 200, 500, 1000, 2000)
FULL_CELL_NP = 1.05  # paper 000: "N/P ratio) is kept in the range of 1–1.05"


@dataclass(frozen=True)
class Target:
    """One reported number of paper 000."""

    key: str
    quantity: str
    source: str
    paper: float | str
    unit: str
    tolerance: float
    relative: bool
    role: str
    compute: Callable[[str], float | str]
    needs: tuple[str, ...]
    rests_on: tuple[str, ...] = ("MPCC-1",)


@dataclass(frozen=True)
class Gap:
    """A known shortfall: why the model misses a prediction, and how far that reason reaches
    (``bound``, on the target's own scale: relative when its tolerance is relative)."""

    reason: str
    bound: float


# ----------------------------------------------------------------------------- model numbers
def _whole(result: Result, what: str) -> Result:
    if result.truncated:
        raise RunFailedError(f"{what}: the run stopped after {result.n_completed} of {len(result.protocol)} steps")
    return result


@cache
def _half_rate(set_name: str, rates: tuple[float, ...], model: str):
    cell = HalfCell(set_name, model)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SimulationWarning)  # a truncated run fails the row instead
        result = run(cell, rate_test(rates, cycles=1, window_V=cell.window_V))
    return _whole(result, f"{set_name} rate test").rate_table()


@cache
def _full(anode: str, current: float, model: str) -> dict[str, float]:
    cell = balanced(FullCell(anode, "O3-Na0.9TMO2", FULL_CELL_NP, model))
    lo, hi = cell.window_V
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SimulationWarning)
        result = run(cell, [charge(current, hi), discharge(current, lo), charge(current, hi), discharge(current, lo)])
    return full_cell_metrics(_whole(result, f"{cell.name} at {current:g} mA/g"), cell.balance)


def _cap(set_name: str, rate: float, column: str = "capacity_mAh_g"):
    def f(model: str) -> float:
        t = _half_rate(set_name, (rate,), model)
        return float(t[column].iloc[0])
    return f


def _pcc_slope(model: str) -> float:
    t = _half_rate("PCC-ester", (20,), model)
    return float(t["capacity_mAh_g"].iloc[0] - t["capacity_below_0.1V_mAh_g"].iloc[0])


def _plateau_share_monotone(model: str) -> str:
    t = _half_rate("MPCC-1-ether", RATES_mA_g, model)
    share = t["plateau_share"].to_numpy()
    ok = bool(np.all(np.diff(share) <= 1e-9))
    listing = ", ".join(f"{r:g}:{s:.2f}" for r, s in zip(t["rate_mA_g"], share))
    return f"{'monotone' if ok else 'not monotone'} ({listing})"


def _full_metric(anode: str, current: float, name: str):
    def f(model: str) -> float:
        return _full(anode, current, model)[name]
    return f


Q = "paper 000: "
TARGETS: tuple[Target, ...] = (
    Target("mpcc1_ether_20", "MPCC-1 ether, 20 mA/g, 0.01–3 V: reversible capacity",
           Q + "'In the ether-based electrolyte, MPCC-1 exhibits a reversible capacity of 326.3 mAh g−1'",
           326.3, "mAh/g", 0.03, True, "calibration", _cap("MPCC-1-ether", 20), ("MPCC-1-ether",)),
    Target("mpcc1_ester_20", "MPCC-1 ester, 20 mA/g: reversible capacity",
           Q + "'MPCC-1 exhibits the highest reversible capacity of 322.0 mAh g−1'",
           322.0, "mAh/g", 0.03, True, "prediction", _cap("MPCC-1-ester", 20), ("MPCC-1-ester",)),
    Target("mpcc1_ester_plateau", "MPCC-1 ester, 20 mA/g: plateau capacity below 0.1 V (desodiation)",
           Q + "'which increases from 28.9 mAh g− 1 for PCC to 185.8 mAh g−1 for MPCC-1' "
           "(split 'based on the first charge curve')",
           185.8, "mAh/g", 0.05, True, "calibration",
           _cap("MPCC-1-ester", 20, "capacity_below_0.1V_mAh_g"), ("MPCC-1-ester",)),
    Target("pcc_ester_20", "PCC ester, 20 mA/g: reversible capacity",
           Q + "'the PCC exhibits a low reversible specific capacity of 106.0 mAh g⁻1'",
           106.0, "mAh/g", 0.03, True, "calibration", _cap("PCC-ester", 20), ("PCC-ester",), rests_on=("PCC",)),
    Target("pcc_ester_plateau", "PCC ester, 20 mA/g: plateau capacity below 0.1 V",
           Q + "'which increases from 28.9 mAh g− 1 for PCC'",
           28.9, "mAh/g", 0.15, True, "calibration",
           _cap("PCC-ester", 20, "capacity_below_0.1V_mAh_g"), ("PCC-ester",), rests_on=("PCC",)),
    Target("pcc_ester_slope", "PCC ester, 20 mA/g: the rest sloping above 0.1 V (106.0 − 28.9)",
           Q + "'a prominent sloping region (>0.1 V) and a negligible plateau region (< 0.1 V)'",
           77.1, "mAh/g", 0.05, True, "calibration", _pcc_slope, ("PCC-ester",), rests_on=("PCC",)),
    Target("mpcc1_ether_2000", "MPCC-1 ether, 2 A/g: reversible capacity",
           Q + "'the reversible capacity of 139.2 mAh g− 1 is maintained at 2 A g−1'",
           139.2, "mAh/g", 0.10, True, "calibration", _cap("MPCC-1-ether", 2000), ("MPCC-1-ether",)),
    Target("mpcc1_plateau_share", "MPCC-1 ether, 20–2000 mA/g: plateau share falls monotonically",
           Q + "'decay mainly arises from the rapid loss of plateau capacity'",
           "monotone", "", 0.0, False, "prediction", _plateau_share_monotone, ("MPCC-1-ether",)),
    Target("full_ester_20_cap", "Full cell ester, N/P 1.05, 20 mA/g: capacity per anode mass",
           Q + "'a reversible specific capacity of 273.2 mAh g−1 at 20 mA g− 1 (based on the active "
           "material mass of the anode)'", 273.2, "mAh/g", 0.05, True, "prediction",
           _full_metric("MPCC-1-ester", 20, "capacity_mAh_g_anode"), ("MPCC-1-ester", "O3-Na0.9TMO2")),
    Target("full_ester_20_V", "Full cell ester, 20 mA/g: average voltage",
           Q + "'with an average operating voltage of 3.17 V'", 3.17, "V", 0.05, False, "prediction",
           _full_metric("MPCC-1-ester", 20, "average_voltage_V"), ("MPCC-1-ester", "O3-Na0.9TMO2")),
    Target("full_ester_20_E", "Full cell ester, 20 mA/g: energy density (anode + cathode active mass)",
           Q + "'the energy density of the MPCC-1//Na0.9TMO2 is 228.1 Wh kg−1'", 228.1, "Wh/kg",
           0.05, True, "prediction", _full_metric("MPCC-1-ester", 20, "energy_density_Wh_kg"),
           ("MPCC-1-ester", "O3-Na0.9TMO2")),
    Target("full_ester_500_cap", "Full cell ester, 500 mA/g: capacity per anode mass",
           Q + "'when the current density is increased to 500 mA g−1, the full cell still exhibits a "
           "high capacity of 130.4 mAh g−1'", 130.4, "mAh/g", 0.15, True, "prediction",
           _full_metric("MPCC-1-ester", 500, "capacity_mAh_g_anode"), ("MPCC-1-ester", "O3-Na0.9TMO2")),
    Target("full_ether_20_cap", "Full cell ether, 20 mA/g: capacity per anode mass",
           Q + "'exhibits a reversible specific capacity of 317.9 mAh g−1 using ether- based electrolyte'",
           317.9, "mAh/g", 0.05, True, "prediction",
           _full_metric("MPCC-1-ether", 20, "capacity_mAh_g_anode"), ("MPCC-1-ether", "O3-Na0.9TMO2")),
    Target("full_ether_20_V", "Full cell ether, 20 mA/g: average voltage",
           Q + "'The full cell operates with an average voltage of 3.06 V'", 3.06, "V", 0.05, False,
           "prediction", _full_metric("MPCC-1-ether", 20, "average_voltage_V"),
           ("MPCC-1-ether", "O3-Na0.9TMO2")),
    Target("full_ether_20_E", "Full cell ether, 20 mA/g: energy density (anode + cathode active mass)",
           Q + "'resulting in an energy density of 253.3 Wh kg−1'", 253.3, "Wh/kg", 0.05, True,
           "prediction", _full_metric("MPCC-1-ether", 20, "energy_density_Wh_kg"),
           ("MPCC-1-ether", "O3-Na0.9TMO2")),
)

_CATHODE_OCP = ("the O3-Na0.9TMO2 curve is in paper 000's SI (Fig. S19a), not its text: the assumed "
                "layered-oxide OCP averages about 3.2 V vs Na+/Na, while the reported full-cell voltage "
                "implies about 3.4 V; fitting it to this number alone would be tuning, not prediction")
#: Known shortfalls, declared with their reason before comparison (key → reason).
#: Known shortfalls of predictions, declared with their reason and bound before comparison.
KNOWN_GAPS: dict[str, Gap] = {
    "full_ester_20_V": Gap(_CATHODE_OCP + " (≈0.2 V; bound 0.25 V)", 0.25),
    "full_ether_20_V": Gap(_CATHODE_OCP + " (≈0.2 V; bound 0.25 V)", 0.25),
    "full_ester_500_cap": Gap(
        "the cathode's transport and kinetics are assumed (no rate data for O3-Na0.9TMO2 in the seed "
        "text): the model's cathode (D 1e-14 m²/s, R 2 µm, j0 1 A/m²) does not limit at 500 mA/g of "
        "anode (≈ 1.6C for the cathode), whereas the paper's cell loses half its capacity; a model "
        "without a rate limit delivers at most its 20 mA/g capacity, 273.2 / 130.4 − 1 = +110 % (bound)",
        1.10),
    "full_ether_20_cap": Gap(
        "at N/P 1.05 the cathode can return at most 1/1.05 of the anode's 326.3 mAh/g (310.8), and the "
        "anode's 10 % first-cycle loss with an assumed cathode first-cycle efficiency of 90 % leaves "
        "less; the paper's 317.9 mAh/g (97 % of the half cell) needs an N/P near 1.0 or a sodium-rich "
        "cathode, which paper 000 does not quantify; the N/P ceiling and the 10 % loss reach −10 % (bound)",
        0.10),
    "full_ether_20_E": Gap(
        "follows from the ether full-cell capacity and voltage gaps above: their bounds combined, "
        "1 − 0.90 × (3.06 − 0.25) / 3.06 = 17 % (bound)", 0.17),
}


def target(key: str) -> Target:
    """The target called ``key``."""
    for t in TARGETS:
        if t.key == key:
            return t
    raise UnknownNameError("validation target", key, [t.key for t in TARGETS])


