"""PyBaMM's built-in full-cell parameter sets converted into hc-kinetics sets (``pybamm:<name>``).

Scalars are copied with their units and the source "PyBaMM built-in set <name>". Every
function or table is replaced by hc-kinetics' smooth analytic form, fitted by plain least
squares on the set's own values over the stoichiometry range the set's cell uses:

* each electrode's OCP by a three-stage :class:`~kinetics.ocp.MultiStageOCP`;
* the anode's diffusivity by a :class:`~kinetics.transport.StageDiffusivity` (log space), the
  cathode's by one value (the geometric mean);
* exchange currents by the symmetric √(c_e x (1 − x)) law (log space);
* electrolyte conductivity and diffusivity by the laws of :mod:`kinetics.transport`.

Each fitted entry records its fit error. PyBaMM does not give particle densities; a nominal
density converts c_max into mAh/g and back, so cell behaviour does not depend on it.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

import numpy as np
import pybamm
from scipy.optimize import least_squares

from ..errors import InvalidValueError, UnknownNameError
from ..physics.form_fits import fit_stage_diffusivity, fit_stages
from ..physics.ocp import ANODE_STAGE_NAMES, CATHODE_STAGE_NAMES, MultiStageOCP, Stage
from ..physics.transport import electrolyte_conductivity, electrolyte_diffusivity
from ..sets import Entry, ParameterSet, register_importer
from ..sets.forms import form_entry
from ..units import FARADAY, concentration_to_specific_capacity
from . import names

NOMINAL_DENSITY_g_cm3 = {"anode": 1.6, "cathode": 4.0}
FIT_CMD = "least-squares fit by `kinetics.engine.pybamm_sets.from_pybamm`"


def _evaluate(pv: pybamm.ParameterValues, key: str, *args) -> np.ndarray:
    inputs = {f"a{i}": pybamm.Vector(np.asarray(a, float)) if np.ndim(a) else pybamm.Scalar(float(a))
              for i, a in enumerate(args)}
    value = pv[key]
    if not callable(value):
        return np.full(max(np.size(a) for a in args), float(value))
    return np.asarray(pv.process_symbol(pybamm.FunctionParameter(key, inputs)).evaluate()).ravel()


def _fit_ocp(x: np.ndarray, U: np.ndarray, stage_names: tuple[str, ...]) -> tuple[list, float]:
    """Stages fitted by :func:`kinetics.analysis.ocp_fit.fit_stages`, and the RMSE of U [V]."""
    fitted, _ = fit_stages(x, U, stage_names)
    ocp = MultiStageOCP(tuple(Stage(n, a * 100.0, b, c) for n, a, b, c in fitted))
    rmse = float(np.sqrt(np.mean((ocp.potential(x) - U) ** 2)))
    return fitted, rmse


def _used_range(pv: pybamm.ParameterValues, slot: str) -> tuple[float, float]:
    """Stoichiometry range a 1C discharge of the set's own cell sweeps (plus a margin)."""
    k = names.electrode_keys(slot)
    x0 = pv[k["c_init"]] / pv[k["c_max"]]
    full = names.slot("full", "anode")
    return (0.01, min(0.995, x0 + 0.03)) if slot == full else (max(0.005, x0 - 0.03), 0.995)


def _electrode(pv, slot: str, role: str, source: str, entries: dict) -> None:
    k = names.electrode_keys(slot)
    lo, hi = _used_range(pv, slot)
    x = np.linspace(lo, hi, 300)
    U = _evaluate(pv, k["ocp"], x)
    ok = np.isfinite(U) & (U > -0.5) & (U < 6.0)
    x, U = x[ok], U[ok]
    stage_names = ANODE_STAGE_NAMES if role == "anode" else CATHODE_STAGE_NAMES
    stages, rmse = _fit_ocp(x, U, stage_names)
    entries[form_entry(role, "ocp")] = Entry("multi-stage", "", "derived", f"{FIT_CMD}: the stages below")
    c_max = float(pv[k["c_max"]])
    rho = NOMINAL_DENSITY_g_cm3[role]
    q_total = concentration_to_specific_capacity(c_max, rho)
    fit_src = f"{FIT_CMD} to '{k['ocp']}' of {source}, x in [{lo:.3f}, {hi:.3f}], RMSE {rmse * 1e3:.1f} mV"
    for n, X, U0, om in stages:
        entries[f"{role}.ocp.{n}.capacity"] = Entry(X * q_total, "mAh/g", "derived", fit_src)
        entries[f"{role}.ocp.{n}.potential"] = Entry(U0, "V", "derived", fit_src)
        entries[f"{role}.ocp.{n}.width"] = Entry(om, "", "derived", fit_src)
    T = float(pv["Reference temperature [K]"])
    D = _evaluate(pv, k["diffusivity"], x, T)
    if role == "anode":
        ocp = MultiStageOCP(tuple(Stage(n, a * 100.0, b, c) for n, a, b, c in stages))
        g = float(np.mean(np.log(D)))
        lower = [g - 8] * 3 + [-0.2, 0.0, np.log(0.01)]
        upper = [g + 8] * 3 + [1.5, 4.0, np.log(0.5)]
        law, err = fit_stage_diffusivity(x, np.log(D), ocp, [g, g, g, 0.1, 0.0, np.log(0.1)], lower, upper,
                                         x_scale=1.0)
        dsrc = f"{FIT_CMD} to '{k['diffusivity']}' of {source} (log-space RMSE {err:.2f})"
        entries[form_entry(role, "diffusivity")] = Entry("stage", "", "derived", dsrc)
        for n, v in zip(law.stage_names, law.stage_values):
            entries[f"anode.diffusivity.{n}"] = Entry(float(v), "m^2/s", "derived", dsrc)
        entries["anode.diffusivity.minimum_potential"] = Entry(law.minimum_potential_V, "V", "derived", dsrc)
        entries["anode.diffusivity.minimum_depth"] = Entry(law.minimum_depth_decades, "", "derived", dsrc)
        entries["anode.diffusivity.minimum_width"] = Entry(law.minimum_width, "", "derived", dsrc)
        entries["anode.diffusivity.activation_energy"] = Entry(0.0, "J/mol", "pybamm", source)
    else:
        entries[form_entry(role, "diffusivity")] = Entry("constant", "", "derived", "one value: see below")
        gm = float(np.exp(np.mean(np.log(D))))
        err = float(np.sqrt(np.mean((np.log(D) - np.log(gm)) ** 2)))
        entries[f"{role}.diffusivity"] = Entry(gm, "m^2/s", "derived",
                                               f"geometric mean of '{k['diffusivity']}' of {source} "
                                               f"(log-space RMSE {err:.2f})")
        entries[f"{role}.diffusivity_activation_energy"] = Entry(0.0, "J/mol", "pybamm", source)
    c_e0 = float(pv[names.ELECTROLYTE["c_init"]])
    j = _evaluate(pv, k["exchange_current"], c_e0, x * c_max, c_max, T)
    j_ref = float(np.exp(np.mean(np.log(j / (2 * np.sqrt(x * (1 - x)))))))
    entries[f"{role}.kinetics.exchange_current_density"] = Entry(
        j_ref, "A/m^2", "derived", f"{FIT_CMD} (log space) to '{k['exchange_current']}' of {source}")
    entries[f"{role}.kinetics.activation_energy"] = Entry(0.0, "J/mol", "pybamm", source)
    entries[f"{role}.kinetics.transfer_coefficient"] = Entry(
        float(pv[k["transfer_coefficient"]]), "", "pybamm", source)
    entries[f"{role}.particle_radius"] = Entry(float(pv[k["radius"]]), "m", "pybamm", source)
    entries[f"{role}.density"] = Entry(rho, "g/cm^3", "assumed",
                                       "nominal: converts c_max into mAh/g and back, no effect on the cell")
    entries[f"{role}.conductivity"] = Entry(float(pv[k["conductivity"]]), "S/m", "pybamm", source)
    entries[f"{role}.one_c_current"] = Entry(q_total, "mA/g", "derived", "1C = total capacity / 1 h")
    eps_s = float(pv[k["active_fraction"]])
    L = float(pv[k["thickness"]])
    entries[f"{role}.coating.loading"] = Entry(rho * 1e3 * eps_s * L * 1e2, "mg/cm^2", "derived",
                                               f"ρ·ε_s·L from {source}")
    entries[f"{role}.coating.active_volume_fraction"] = Entry(eps_s, "", "pybamm", source)
    entries[f"{role}.coating.porosity"] = Entry(float(pv[k["porosity"]]), "", "pybamm", source)
    entries[f"{role}.coating.bruggeman"] = Entry(float(pv[k["bruggeman_e"]]), "", "pybamm", source)
    wsrc = (f"the set's own OCP at the ends of the fitted stoichiometry range "
            f"[{lo:.3f}, {hi:.3f}]: the window of this electrode's half cell")
    window = sorted(float(u) for u in (U.min(), U.max()))
    entries[f"{role}.lower_voltage"] = Entry(window[0], "V", "derived", wsrc)
    entries[f"{role}.upper_voltage"] = Entry(window[1], "V", "derived", wsrc)
    x_init = pv[k["c_init"]] / c_max
    entries[f"{role}.initial_fraction"] = Entry(float(x_init), "", "pybamm", source)
    entries[f"{role}.first_cycle_efficiency"] = Entry(1.0, "", "assumed",
                                                      "initial state taken as given by the PyBaMM set")


def _electrolyte(pv, source: str, entries: dict) -> None:
    T = float(pv["Reference temperature [K]"])
    c0 = float(pv[names.ELECTROLYTE["c_init"]])
    c = np.linspace(0.1 * c0, 2.0 * c0, 60)
    kappa = _evaluate(pv, names.ELECTROLYTE["conductivity"], c, T)
    s1 = least_squares(lambda p: electrolyte_conductivity(c, T, p[0], p[1]) - kappa,
                       [kappa.max(), c[np.argmax(kappa)]], bounds=([1e-4, 10], [100, 1e4]))
    De = _evaluate(pv, names.ELECTROLYTE["diffusivity"], c, T)
    s2 = least_squares(lambda p: np.log(electrolyte_diffusivity(c, T, np.exp(p[0]), c0, p[1])) - np.log(De),
                       [np.log(np.median(De)), 0.0])
    ksrc = f"{FIT_CMD} of κ_ref·(c/c_p)·exp(1−c/c_p) to {source} (RMSE {np.sqrt(np.mean(s1.fun**2)):.3f} S/m)"
    dsrc = f"{FIT_CMD} of D·exp(−s(c/c0−1)) to {source} (log RMSE {np.sqrt(np.mean(s2.fun**2)):.3f})"
    entries["electrolyte.name"] = Entry("electrolyte of " + source, "", "pybamm", source)
    entries["electrolyte.concentration"] = Entry(c0, "mol/m^3", "pybamm", source)
    entries["electrolyte.conductivity"] = Entry(float(s1.x[0]), "S/m", "derived", ksrc)
    entries["electrolyte.conductivity_peak_concentration"] = Entry(float(s1.x[1]), "mol/m^3", "derived", ksrc)
    entries["electrolyte.diffusivity"] = Entry(float(np.exp(s2.x[0])), "m^2/s", "derived", dsrc)
    entries["electrolyte.diffusivity_slope"] = Entry(float(s2.x[1]), "", "derived", dsrc)
    entries["electrolyte.transference_number"] = Entry(float(pv[names.ELECTROLYTE["transference"]]), "",
                                                       "pybamm", source)
    entries["electrolyte.thermodynamic_factor"] = Entry(
        float(pv[names.ELECTROLYTE["thermodynamic_factor"]]), "", "pybamm", source)
    entries["electrolyte.activation_energy"] = Entry(0.0, "J/mol", "pybamm", source)
    entries["counter.exchange_current_density"] = Entry(
        10.0, "A/m^2", "assumed", "not in a full-cell PyBaMM set; used only for half cells of its electrodes")
    entries["counter.activation_energy"] = Entry(0.0, "J/mol", "assumed", "isothermal")


def _cell(pv, source: str, entries: dict) -> None:
    c = names.CELL
    s = names.SEPARATOR
    area_cm2 = float(pv[c["height"]]) * float(pv[c["width"]]) * 1e4
    for prefix in ("cell", "full_cell"):
        entries[f"{prefix}.area"] = Entry(area_cm2, "cm^2", "pybamm", source)
        entries[f"{prefix}.separator_thickness"] = Entry(float(pv[s["thickness"]]), "m", "pybamm", source)
        entries[f"{prefix}.separator_porosity"] = Entry(float(pv[s["porosity"]]), "", "pybamm", source)
        entries[f"{prefix}.temperature"] = Entry(float(pv[c["ambient_T"]]), "K", "pybamm", source)
        entries[f"{prefix}.film_resistance"] = Entry(float(pv[c["contact_resistance"]]) * area_cm2,
                                                     "ohm*cm^2", "pybamm", source)
        entries[f"{prefix}.lower_voltage"] = Entry(float(pv[c["lower_cutoff"]]), "V", "pybamm", source)
        entries[f"{prefix}.upper_voltage"] = Entry(float(pv[c["upper_cutoff"]]), "V", "pybamm", source)


def _full_cell_values(name: str) -> tuple[str, pybamm.ParameterValues]:
    """PyBaMM's built-in full-cell set ``name`` (case-insensitive): its name and values."""
    known = list(pybamm.parameter_sets.keys())
    match = {k.lower(): k for k in known}.get(name.lower())
    if match is None:
        raise UnknownNameError("PyBaMM parameter set", name, known)
    pv = pybamm.ParameterValues(match)
    if names.COUNTER["exchange_current"] in pv.keys():
        raise InvalidValueError("pybamm set", match,
                                "a full-cell set (half-cell PyBaMM sets are not converted)")
    return match, pv


@cache
def from_pybamm(name: str) -> ParameterSet:
    """Convert PyBaMM's built-in full-cell set ``name`` (e.g. ``Chayambuka2022``)."""
    match, pv = _full_cell_values(name)
    citations = ", ".join(pv["citations"]) if "citations" in pv.keys() else match
    source = f"PyBaMM built-in set {match} ({citations})"
    entries: dict[str, Entry] = {}
    for role in ("anode", "cathode"):
        _electrode(pv, names.slot("full", role), role, source, entries)
    _electrolyte(pv, source, entries)
    _cell(pv, source, entries)
    entries["anode.name"] = Entry(f"{match} negative electrode", "", "pybamm", source)
    entries["cathode.name"] = Entry(f"{match} positive electrode", "", "pybamm", source)
    return ParameterSet(f"pybamm:{match}", "full-cell", entries,
                        f"PyBaMM's {match} with every function replaced by a fitted smooth form",
                        origin=source)


register_importer("pybamm", from_pybamm)


@dataclass(frozen=True)
class TabulatedCell:
    """A PyBaMM set's full cell as its own functions and tables (no fitted forms): what an
    equilibrium capacity and energy needs, and PyBaMM's own theoretical energy of it.

    Attributes
    ----------
    anode_ocp, cathode_ocp : callable
        x → U [V], PyBaMM's OCP functions of the set evaluated through PyBaMM (its interpolants).
    anode_Ah, cathode_Ah, inventory_Ah : float
        Full capacities c_max ε_s L A F / 3600 and the cyclable inventory from the initial
        concentrations [A·h].
    window_V : (float, float)
    pybamm_theoretical_energy_Wh : float
        ``pybamm.lithium_ion.electrode_soh.calculate_theoretical_energy`` of the set (SOC 1 → 0).
    """

    anode_ocp: Callable
    cathode_ocp: Callable
    anode_Ah: float
    cathode_Ah: float
    inventory_Ah: float
    window_V: tuple[float, float]
    pybamm_theoretical_energy_Wh: float


def tabulated_cell(name: str) -> TabulatedCell:
    """PyBaMM's built-in full-cell set ``name`` as :class:`TabulatedCell`."""
    _, pv = _full_cell_values(name)
    c = names.CELL
    area = float(pv[c["height"]]) * float(pv[c["width"]])
    caps, inventory, ocps = {}, 0.0, {}
    for role in ("anode", "cathode"):
        k = names.electrode_keys(names.slot("full", role))
        c_max = float(pv[k["c_max"]])
        caps[role] = c_max * float(pv[k["active_fraction"]]) * float(pv[k["thickness"]]) * area * FARADAY / 3600.0
        inventory += float(pv[k["c_init"]]) / c_max * caps[role]
        ocps[role] = (lambda x, key=k["ocp"]: _evaluate(pv, key, np.atleast_1d(np.asarray(x, float))))
    with warnings.catch_warnings():  # its SOH solve touches the ends of the anode's table (a SolverWarning)
        warnings.simplefilter("ignore")
        E = pybamm.lithium_ion.electrode_soh.calculate_theoretical_energy(pv)
    return TabulatedCell(ocps["anode"], ocps["cathode"], caps["anode"], caps["cathode"], inventory,
                         (float(pv[c["lower_cutoff"]]), float(pv[c["upper_cutoff"]])), float(E))
