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

from ..analysis.cv import ScanRateStudy, scan_rate_study
from ..cells import FullCell, HalfCell
from ..design import Design, Grid, balanced, equilibrium, full_cell_metrics, sweep
from ..design.balance import fresh
from ..engine.pybamm_sets import tabulated_cell
from ..errors import InvalidValueError, RunFailedError, SimulationWarning, UnknownNameError
from ..io.cv import Voltammogram
from ..protocols import charge, discharge, rate_test
from ..results import Result, run
from ..virtual import CV_COLUMNS, virtual_cv
from . import first_cycle, retention

RATES_mA_g = (20, 50, 100, 200, 500, 1000, 2000)
#: paper 000: "the capacity ratio of the negative to … positive electrodes (N/P ratio) is kept in the
#: range of 1–1.05": every full-cell row is reported at both ends.
FULL_CELL_NP = (1.05, 1.0)


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
    awaits: tuple[str, ...] = ()  # parameter sets whose absence is the gap (the row is not computed)


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
def _full(anode: str, current: float, np_ratio: float, model: str) -> dict[str, float]:
    cell = balanced(FullCell(anode, "O3-Na0.9TMO2", np_ratio, model))
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


def _plateau_share_monotone(model: str) -> str:
    t = _half_rate("MPCC-1-ether", RATES_mA_g, model)
    share = t["plateau_share"].to_numpy()
    ok = bool(np.all(np.diff(share) <= 1e-9))
    listing = ", ".join(f"{r:g}:{s:.2f}" for r, s in zip(t["rate_mA_g"], share))
    return f"{'monotone' if ok else 'not monotone'} ({listing})"


#: Scan rates of the virtual CV study [mV/s] (paper 000 starts at 0.1 mV/s; its highest is not
#: in the text: 2 mV/s, the usual top of such a study, assumed).
CV_RATES_mV_s = (0.1, 0.2, 0.5, 1.0, 2.0)
#: The CV rows use the ether set: paper 000 does not say which electrolyte its CVs used, and with
#: the ester set the simulated anodic plateau peak leaves the plateau (above 0.4 V) from 1 mV/s.
CV_SET = "MPCC-1-ether"


#: PCC's CV row spans 0.1–0.5 mV/s: with the ester set's series polarisation (its sodium counter
#: electrode's assumed exchange current), PCC's simulated anodic plateau peak moves from 0.10 V at
#: 0.1 mV/s to 0.38 V at 0.5 mV/s and leaves the plateau (above 0.4 V, where the analysis looks
#: for it) from 1 mV/s: over the paper's range the model has no plateau peak to fit b to.
PCC_CV_RATES_mV_s = (0.1, 0.2, 0.5)


@cache
def _cv_study(set_name: str, model: str, rates_mV_s: tuple[float, ...] = CV_RATES_mV_s) -> ScanRateStudy:
    cell = HalfCell(set_name, model)
    frames = virtual_cv(cell, rates_mV_s, cell.window_V, cycles=2)
    time, potential, current, cycle = CV_COLUMNS
    vs = [Voltammogram(f"{set_name} at {r:g} mV/s", f[time].to_numpy(), f[potential].to_numpy(),
                       f[current].to_numpy(), f[cycle].to_numpy().astype(int), r, r, cell.active_mass_mg)
          for r, f in frames.items()]
    return scan_rate_study(vs)


def _cv_b(model: str) -> float:
    return _cv_study(CV_SET, model).anodic.b


def _cv_b_pcc(model: str) -> float:
    return _cv_study("PCC-ester", model, PCC_CV_RATES_mV_s).anodic.b


def _cv_capacitive_percent(model: str) -> float:
    return float(_cv_study(CV_SET, model).split.capacitive_fraction[0] * 100.0)


def _cv_capacitive_rises(model: str) -> str:
    study = _cv_study(CV_SET, model)
    share = study.split.capacitive_fraction
    listing = ", ".join(f"{r:g}:{s * 100:.1f} %" for r, s in zip(study.scan_rates_mV_s, share))
    return f"{'rises' if np.all(np.diff(share) > 0) else 'does not rise'} ({listing})"


def _ice(set_name: str):
    def f(model: str) -> float:
        return first_cycle.efficiency_percent(set_name, model)
    return f


#: The longest half-cell run each set's retention rows need: one run serves all its rows.
RETENTION_CYCLES = {"MPCC-1-ester": 400, "PCC-ester": 400, "MPCC-1-ether": 60}


@cache
def _half_capacities(set_name: str, model: str) -> np.ndarray:
    return retention.capacities(HalfCell(set_name, model), RETENTION_CYCLES[set_name])


def _retention(set_name: str, cycles: int):
    def f(model: str) -> float:
        q = _half_capacities(set_name, model)
        return float(100.0 * q[cycles - 1] / q[0])
    return f


def _full_retention(anode: str, cycles: int, current: float):
    def f(model: str) -> float:
        cell = fresh(FullCell(anode, "O3-Na0.9TMO2", FULL_CELL_NP[0], model))
        return retention.retention_percent(cell, cycles, current)
    return f


def _full_metric(anode: str, current: float, name: str, np_ratio: float):
    def f(model: str) -> float:
        return _full(anode, current, np_ratio, model)[name]
    return f


def _np_key(key: str, np_ratio: float) -> str:
    return key if np_ratio == FULL_CELL_NP[0] else f"{key}_np{np_ratio:.2f}"


def _full_cell_targets(np_ratio: float) -> tuple[Target, ...]:
    """Paper 000's full-cell numbers, predicted at one N/P ratio."""
    cells = ("MPCC-1-ester", "O3-Na0.9TMO2")
    ether = ("MPCC-1-ether", "O3-Na0.9TMO2")
    np_text = f"N/P {np_ratio:.2f}"
    rows = (
        ("full_ester_20_cap", f"Full cell ester, {np_text}, 20 mA/g: capacity per anode mass",
         Q + "'a reversible specific capacity of 273.2 mAh g−1 at 20 mA g− 1 (based on the active "
         "material mass of the anode)'", 273.2, "mAh/g", 0.05, True, "MPCC-1-ester", 20, "capacity_mAh_g_anode", cells),
        ("full_ester_20_V", f"Full cell ester, {np_text}, 20 mA/g: average voltage",
         Q + "'with an average operating voltage of 3.17 V'", 3.17, "V", 0.05, False, "MPCC-1-ester", 20,
         "average_voltage_V", cells),
        ("full_ester_20_E", f"Full cell ester, {np_text}, 20 mA/g: energy density (anode + cathode active mass)",
         Q + "'the energy density of the MPCC-1//Na0.9TMO2 is 228.1 Wh kg−1'", 228.1, "Wh/kg", 0.05, True,
         "MPCC-1-ester", 20, "energy_density_Wh_kg", cells),
        ("full_ester_500_cap", f"Full cell ester, {np_text}, 500 mA/g: capacity per anode mass",
         Q + "'when the current density is increased to 500 mA g−1, the full cell still exhibits a "
         "high capacity of 130.4 mAh g−1'", 130.4, "mAh/g", 0.15, True, "MPCC-1-ester", 500,
         "capacity_mAh_g_anode", cells),
        ("full_ether_20_cap", f"Full cell ether, {np_text}, 20 mA/g: capacity per anode mass",
         Q + "'exhibits a reversible specific capacity of 317.9 mAh g−1 using ether- based electrolyte'",
         317.9, "mAh/g", 0.05, True, "MPCC-1-ether", 20, "capacity_mAh_g_anode", ether),
        ("full_ether_20_V", f"Full cell ether, {np_text}, 20 mA/g: average voltage",
         Q + "'The full cell operates with an average voltage of 3.06 V'", 3.06, "V", 0.05, False,
         "MPCC-1-ether", 20, "average_voltage_V", ether),
        ("full_ether_20_E", f"Full cell ether, {np_text}, 20 mA/g: energy density (anode + cathode active mass)",
         Q + "'resulting in an energy density of 253.3 Wh kg−1'", 253.3, "Wh/kg", 0.05, True,
         "MPCC-1-ether", 20, "energy_density_Wh_kg", ether),
    )
    return tuple(Target(_np_key(key, np_ratio), quantity, source, paper, unit, tol, rel, "prediction",
                        _full_metric(anode, current, metric, np_ratio), needs)
                 for key, quantity, source, paper, unit, tol, rel, anode, current, metric, needs in rows)


#: The design study behind the physics rows: MPCC-1 ester // O3-Na0.9TMO2 (reversible N/P, the
#: first-cycle loss taken out of the cathode's sodium), 0.2C discharge.
DESIGN_NP = (0.8, 0.9, 1.0, 1.1, 1.2, 1.4)
DESIGN_CHARGE = ("0.2C", "1C", "3C")


@cache
def _design_rows(model: str):
    grid = Grid(np_ratio=DESIGN_NP, charge_rate=DESIGN_CHARGE, discharge_rate=("0.2C",))
    rows = sweep(Design("MPCC-1-ester", "O3-Na0.9TMO2", model=model), grid, workers=1).rows
    if rows["error"].notna().any():
        raise RunFailedError("design sweep: " + "; ".join(rows["error"].dropna().astype(str).unique()))
    return rows


def _plating_below_one(model: str) -> str:
    r = _design_rows(model)
    low = r[(r["np_ratio"] < 1.0) & (r["charge_rate"] == "1C")]
    listing = ", ".join(f"N/P {n:g}: {1e3 * v:+.0f} mV" for n, v in zip(low["np_ratio"], low["min_anode_potential_V"]))
    said = bool(low["plating"].all()) and bool((low["min_anode_potential_V"] < 0).all())
    return f"{'plating' if said else 'no plating'} ({listing})"


def _energy_peak(model: str) -> str:
    r = _design_rows(model)
    g = r[r["charge_rate"] == DESIGN_CHARGE[0]].sort_values("np_ratio")
    k = int(np.argmax(g["energy_density_Wh_kg"].to_numpy()))
    where = "interior" if 0 < k < len(g) - 1 else "at an end"
    return f"{where} (N/P {g['np_ratio'].iloc[k]:g}: {g['energy_density_Wh_kg'].iloc[k]:.1f} Wh/kg)"


def _margin_trends(model: str) -> str:
    r = _design_rows(model)
    r = r[r["np_ratio"] >= 1.0]
    table = r.pivot_table(index="charge_rate", columns="np_ratio", values="min_anode_potential_V").loc[
        list(DESIGN_CHARGE)]
    grows = bool((np.diff(table.to_numpy(), axis=1) > 0).all())
    falls = bool((np.diff(table.to_numpy(), axis=0) < 0).all())
    return f"{'grows' if grows else 'does not grow'} with N/P, {'falls' if falls else 'does not fall'} with rate"


def _theoretical_energy(model: str) -> float:
    cell = tabulated_cell("Chayambuka2022")
    return equilibrium(cell.anode_ocp, cell.cathode_ocp, cell.anode_Ah, cell.cathode_Ah, cell.inventory_Ah,
                       cell.window_V).energy_Wh


def _awaiting(*sets: str):
    def f(model: str) -> float:
        raise InvalidValueError("parameter sets", ", ".join(sets), "sets that exist, and the full-cell row "
                                "computed from them (a later issue)")
    return f


Q = "paper 000: "
#: ``rests_on`` of a row that rests on no calibration of this project (a cross-check against PyBaMM, a row
#: awaiting its parameter sets).
NO_CALIBRATION = "none"
DESIGN = "physics of a full-cell design (issue 15): "
TARGETS: tuple[Target, ...] = (
    Target("mpcc1_ester_20", "MPCC-1 ester, 20 mA/g: reversible capacity",
           Q + "'MPCC-1 exhibits the highest reversible capacity of 322.0 mAh g−1'",
           322.0, "mAh/g", 0.03, True, "calibration", _cap("MPCC-1-ester", 20), ("MPCC-1-ester",)),
    Target("mpcc1_ester_plateau", "MPCC-1 ester, 20 mA/g: plateau capacity below 0.1 V (desodiation)",
           Q + "'which increases from 28.9 mAh g− 1 for PCC to 185.8 mAh g−1 for MPCC-1' "
           "(split 'based on the first charge curve')",
           185.8, "mAh/g", 0.05, True, "calibration",
           _cap("MPCC-1-ester", 20, "capacity_below_0.1V_mAh_g"), ("MPCC-1-ester",)),
    Target("mpcc1_ether_20", "MPCC-1 ether, 20 mA/g, 0.01–3 V: reversible capacity (other electrolyte)",
           Q + "'In the ether-based electrolyte, MPCC-1 exhibits a reversible capacity of 326.3 mAh g−1'",
           326.3, "mAh/g", 0.03, True, "prediction", _cap("MPCC-1-ether", 20), ("MPCC-1-ether",)),
    Target("mpcc1_ether_2000", "MPCC-1 ether, 2 A/g: reversible capacity",
           Q + "'the reversible capacity of 139.2 mAh g− 1 is maintained at 2 A g−1'",
           139.2, "mAh/g", 0.10, True, "prediction", _cap("MPCC-1-ether", 2000), ("MPCC-1-ether",)),
    Target("mpcc1_plateau_share", "MPCC-1 ether, 20–2000 mA/g: plateau share falls monotonically",
           Q + "'decay mainly arises from the rapid loss of plateau capacity'",
           "monotone", "", 0.0, False, "prediction", _plateau_share_monotone, ("MPCC-1-ether",)),
    Target("pcc_ester_20", "PCC ester, 20 mA/g: reversible capacity",
           Q + "'the PCC exhibits a low reversible specific capacity of 106.0 mAh g⁻1'",
           106.0, "mAh/g", 0.03, True, "calibration", _cap("PCC-ester", 20), ("PCC-ester",), rests_on=("PCC",)),
    Target("pcc_ester_plateau", "PCC ester, 20 mA/g: plateau capacity below 0.1 V",
           Q + "'which increases from 28.9 mAh g− 1 for PCC'",
           28.9, "mAh/g", 0.15, True, "calibration",
           _cap("PCC-ester", 20, "capacity_below_0.1V_mAh_g"), ("PCC-ester",), rests_on=("PCC",)),
    Target("ice_mpcc1_ether", "MPCC-1 ether, 20 mA/g: first-cycle efficiency (SEI formed in the model)",
           Q + "'In the ether-based electrolyte, MPCC-1 exhibits a reversible capacity of 326.3 mAh g−1 and an "
           "ICE of 90.0 %'", 90.0, "%", 2.0, False, "calibration", _ice("MPCC-1-ether"), ("MPCC-1-ether",),
           rests_on=("ICE:MPCC-1-ether",)),
    Target("ice_mpcc1_ester", "MPCC-1 ester, 20 mA/g: first-cycle efficiency (SEI formed in the model)",
           Q + "'MPCC-1 exhibits the highest reversible capacity of 322.0 mAh g−1 and ICE of 84.0 %'",
           84.0, "%", 2.0, False, "calibration", _ice("MPCC-1-ester"), ("MPCC-1-ester",),
           rests_on=("ICE:MPCC-1-ester",)),
    Target("ice_pcc_ester", "PCC ester, 20 mA/g: first-cycle efficiency (SEI formed in the model)",
           Q + "'The ICE of PCC is only 62.3 %'", 62.3, "%", 2.0, False, "calibration", _ice("PCC-ester"),
           ("PCC-ester",), rests_on=("ICE:PCC-ester",)),
    Target(retention.TARGET, "MPCC-1 ester half cell, 100 mA/g: retention after 400 cycles",
           Q + "'After 400 cycles of long-term cycle (Fig. S10), the capacity retention of MPCC-1 is 91.6 %'",
           91.6, "%", 3.0, False, "calibration", _retention("MPCC-1-ester", 400), ("MPCC-1-ester",),
           rests_on=(retention.NAME,)),
    Target("retention_pcc_400", "PCC ester half cell, 100 mA/g: retention after 400 cycles (MPCC-1's λ)",
           Q + "'significantly better than that of PCC (76.5 %)'", 76.5, "%", 3.0, False, "prediction",
           _retention("PCC-ester", 400), ("PCC-ester",), rests_on=(retention.NAME, "ICE:PCC-ester")),
    Target("retention_mpcc1_ester_100", "MPCC-1 ester half cell, 100 mA/g: retention after 100 cycles",
           Q + "'almost no capacity degradation at 0.1 A g−1 after 100 cycles with ester-based electrolyte'",
           100.0, "%", 2.0, False, "prediction", _retention("MPCC-1-ester", 100), ("MPCC-1-ester",),
           rests_on=(retention.NAME, "ICE:MPCC-1-ester")),
    Target("retention_mpcc1_ether_60", "MPCC-1 ether half cell, 100 mA/g: retention after 60 cycles",
           Q + "'99.5 % capacity retention after 60 cycles with ether-based electrolyte'",
           99.5, "%", 2.0, False, "prediction", _retention("MPCC-1-ether", 60), ("MPCC-1-ether",),
           rests_on=(retention.NAME, "ICE:MPCC-1-ether")),
    Target("full_ester_retention_50", "Full cell ester (as assembled), N/P 1.05, 200 mA/g: retention after 50 cycles",
           Q + "'a capacity retention of 86.4 % after 50 cycles at 200 mA g−1'", 86.4, "%", 3.0, False, "prediction",
           _full_retention("MPCC-1-ester", 50, 200.0), ("MPCC-1-ester", "O3-Na0.9TMO2"),
           rests_on=("ICE:MPCC-1-ester", retention.NAME)),
    Target("cv_mpcc1_b", "MPCC-1 ether, CV 0.1–2 mV/s: b of the anodic plateau peak",
           Q + "'The b values of MPCC-1 and PCC in the plateau region are 0.67 and 0.55'",
           0.67, "", 0.05, False, "prediction", _cv_b, (CV_SET,)),
    Target("cv_pcc_b", "PCC ester, CV 0.1–0.5 mV/s: b of the anodic plateau peak",
           Q + "'The b values of MPCC-1 and PCC in the plateau region are 0.67 and 0.55'",
           0.55, "", 0.05, False, "prediction", _cv_b_pcc, ("PCC-ester",), rests_on=("PCC",)),
    Target("cv_mpcc1_capacitive", "MPCC-1 ether, CV at 0.1 mV/s: Dunn's capacitive share",
           Q + "'At a scan rate of 0.1 mV s−1, the capacitive contribution ratio for MPCC-1 is 39.5 %'",
           39.5, "%", 5.0, False, "prediction", _cv_capacitive_percent, (CV_SET,)),
    Target("cv_mpcc1_capacitive_rise", "MPCC-1 ether, CV 0.1–2 mV/s: capacitive share rises with scan rate",
           Q + "'As the scan rate increases, the capacitive contributionratio rises to 85.2 %'",
           "rises", "", 0.0, False, "prediction", _cv_capacitive_rises, (CV_SET,)),
) + tuple(t for np_ratio in FULL_CELL_NP for t in _full_cell_targets(np_ratio)) + (
    Target("design_theoretical_energy", "Chayambuka2022 (PyBaMM's own tables): equilibrium energy vs PyBaMM",
           "PyBaMM 26.10: pybamm.lithium_ion.electrode_soh.calculate_theoretical_energy(ParameterValues("
           "'Chayambuka2022')) = 0.01068 Wh; hc-kinetics' kinetics.design.equilibrium on the same tables",
           0.01068, "Wh", 0.005, True, "prediction", _theoretical_energy, (), rests_on=(NO_CALIBRATION,)),
    Target("design_plating_np_below_1", "Design MPCC-1 ester // O3, N/P < 1 (reversible), 1C charge: plating",
           DESIGN + "an anode with less reversible capacity than the cathode is pushed below 0 V vs Na+/Na",
           "plating", "", 0.0, False, "prediction", _plating_below_one, ("MPCC-1-ester", "O3-Na0.9TMO2")),
    Target("design_energy_peak", "Design MPCC-1 ester // O3, N/P 0.8–1.4: active-basis energy peaks inside",
           DESIGN + "with the first-cycle loss, a thin anode wastes cathode sodium and a thick one adds mass",
           "interior", "", 0.0, False, "prediction", _energy_peak, ("MPCC-1-ester", "O3-Na0.9TMO2")),
    Target("design_margin_trends", "Design MPCC-1 ester // O3, N/P 1.0–1.4, 0.2–3C: plating margin",
           DESIGN + "more anode per cathode lowers its end-of-charge filling; a faster charge polarises it",
           "grows with N/P, falls with rate", "", 0.0, False, "prediction", _margin_trends,
           ("MPCC-1-ester", "O3-Na0.9TMO2")),
    Target("full_001_E", "Full cell NFM424 // POP70-600-1600: energy density (anode + cathode active mass)",
           "paper 001: 'The energy density of full battery was calculated to be 364 Wh/kg, based on the total "
           "mass of the cathode and anode.'", 364.0, "Wh/kg", 0.05, True, "prediction",
           _awaiting("POP70-600-1600", "NFM424"), ("POP70-600-1600", "NFM424"), rests_on=(NO_CALIBRATION,)),
    Target("full_003_E", "Full cell NVP // anthracite-FJH (2:5 mass): energy density (active mass)",
           "paper 003: 'The energy density of the constructed full cell, calculated from the total mass of the "
           "anode and cathode active materials, reaches 225.3 Wh kg^{-1}'", 225.3, "Wh/kg", 0.05, True,
           "prediction", _awaiting("anthracite-FJH", "NVP"), ("anthracite-FJH", "NVP"), rests_on=(NO_CALIBRATION,)),
)

_CATHODE_OCP = ("the missing number is the cathode's own average potential vs Na+/Na: the O3-Na0.9TMO2 curve "
                "is only in paper 000's SI (Fig. S19a); the O3 oxide of the same sodium content the set is "
                "shaped on (Mu et al. 2015, recalled) averages about 3.2 V vs Na+/Na, while the reported "
                "full-cell voltage implies about 3.4 V; fitting it to this number alone would be tuning")
#: Known shortfalls of predictions, declared with their reason and bound before comparison
#: (full-cell keys apply at both N/P ratios).
_GAPS: dict[str, Gap] = {
    "full_ester_20_V": Gap(_CATHODE_OCP + " (≈0.2 V; bound 0.25 V)", 0.25),
    "full_ether_20_V": Gap(_CATHODE_OCP + " (≈0.2 V; bound 0.25 V)", 0.25),
    "full_ester_500_cap": Gap(
        "the cathode's transport and kinetics are assumed (no rate data for O3-Na0.9TMO2 in the seed "
        "text): the model's cathode (D 1e-14 m²/s, R 2 µm, j0 1 A/m²) does not limit at 500 mA/g of "
        "anode (≈ 1.6C for the cathode), whereas the paper's cell loses half its capacity; a model "
        "without a rate limit delivers at most its 20 mA/g capacity, at N/P 1.05 within 2 % of the paper's: "
        "273.2 / 130.4 − 1 = +110 % (bound; declared at N/P 1.05 only)",
        1.10),
    "full_ether_20_cap": Gap(
        "at N/P 1.05 the cathode can return at most 1/1.05 of the anode's 326.3 mAh/g (310.8), and the "
        "anode's 10 % first-cycle loss with an assumed cathode first-cycle efficiency of 90 % leaves "
        "less; the paper's 317.9 mAh/g (97 % of the half cell) needs an N/P near 1.0 or a sodium-rich "
        "cathode, which paper 000 does not quantify; the N/P ceiling and the 10 % loss reach −10 % (bound)",
        0.10),
}
_LATER = ("the full cells of papers 001 and 003 arrive with their parameter sets in a later issue (no set "
          "for the carbon or its cathode here); bound: the row stays a gap only while those sets do not exist, "
          "then it is computed and compared at ±5 %")
_AT_ONE_NP = ("full_ester_500_cap",)  # its bound rests on the N/P 1.05 capacity
KNOWN_GAPS: dict[str, Gap] = {_np_key(k, n) if k.startswith("full_") else k: g
                              for k, g in _GAPS.items() for n in FULL_CELL_NP
                              if not (k in _AT_ONE_NP and n != FULL_CELL_NP[0])} | {
    "full_001_E": Gap(_LATER, 0.0, awaits=("POP70-600-1600", "NFM424")),
    "full_003_E": Gap(_LATER, 0.0, awaits=("anthracite-FJH", "NVP")),
}


def target(key: str) -> Target:
    """The target called ``key``."""
    for t in TARGETS:
        if t.key == key:
            return t
    raise UnknownNameError("validation target", key, [t.key for t in TARGETS])


