"""Build a PyBaMM model and its ParameterValues from a cell's typed objects.

Every physics function is one of hc-kinetics' pure functions (:mod:`kinetics.physics`). Any
quantity named in ``inputs`` (by its parameter-set name, e.g. ``anode.ocp.pore_filling.capacity``;
the names come from :mod:`kinetics.sets.convert`) becomes a ``pybamm.InputParameter``: fits and
sweeps then change it without rebuilding the model. A full cell must be given its balance;
building never runs a simulation.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pybamm

from .. import _cache
from ..cells import FullCell, HalfCell
from ..errors import InvalidValueError, UnknownNameError
from ..physics.ageing import (
    PLATING_TRANSFER_COEFFICIENT,
    SEI_MOLAR_VOLUME_M3_MOL,
    SODIUM_PER_SEI,
)
from ..physics.exchange_current import intercalation_exchange_current, metal_exchange_current
from ..physics.materials import Electrode, Electrolyte
from ..physics.ocp import (
    MAX_STEP_V,
    NEWTON_STEPS,
    branch_shift,
    potential_from_stoichiometry,
    stoichiometry_from_potential,
)
from ..physics.transport import (
    StageDiffusivity,
    arrhenius,
    electrolyte_conductivity,
    electrolyte_diffusivity,
    stage_diffusivity,
)
from ..sets import convert
from ..units import FARADAY, specific_capacity_to_concentration
from . import names
from .maths import Kernel

#: Concentration headroom: PyBaMM's c_max is fixed at build time, the true capacity may grow
#: during a fit (stage capacities are inputs), so c_max = HEADROOM × c_true(at build).
HEADROOM = 2.0
#: Highest anode potential [V vs Na+/Na] the compact OCP inverse is verified to (3.0 V + margin).
ANODE_TOP_V = 3.3
#: Accuracy [V] every OCP inverse of a model with fixed OCP parameters is verified to.
INVERSE_TOLERANCE_V = 1e-6
#: Input-parameter name of a half cell's initial sodium fraction
#: (``build(..., initial_fraction_input=True)``).
INITIAL_FRACTION_INPUT = "hc-kinetics initial sodium fraction"


def time_scale_input(k: int) -> str:
    """Input parameter s_k that stretches the time of step k (``build(..., time_scales=n)``)."""
    return f"hc-kinetics time scale of step {k}"


def step_on_input(k: int) -> str:
    """Input parameter that is 1 during step k and 0 otherwise (``build(..., time_scales=n)``)."""
    return f"hc-kinetics step {k} is on"
#: The charge-transfer coefficient of PyBaMM's symmetric Butler–Volmer kinetics (the only one the
#: models use; PyBaMM reads no α for them).
SYMMETRIC_TRANSFER_COEFFICIENT = 0.5
#: The sodium metal constants PyBaMM's counter electrode asks for.
SODIUM_CONDUCTIVITY_S_M = 2.1e7  # CRC Handbook; plays no role
SODIUM_MOLAR_VOLUME_M3_MOL = 2.37e-5  # 22.99 g/mol / 0.968 g/cm³


@dataclass
class BuiltModel:
    """A PyBaMM model with its parameter values, ready for :class:`pybamm.Simulation`.

    Attributes
    ----------
    inputs : dict
        Input-parameter name → its value in the cell (the default of each input).
    concentration_scale : dict
        Role → PyBaMM's c_max [mol/m³] (HEADROOM × the true full-electrode concentration).
    slots : dict
        Role → PyBaMM's electrode slot ("Negative"/"Positive").
    true_concentration : dict
        Role → the full-electrode concentration [mol/m³] at the cell's own values (x = c / this;
        :meth:`concentrations` for other input values).
    """

    model: pybamm.BaseModel
    parameter_values: pybamm.ParameterValues
    cell: HalfCell | FullCell
    inputs: dict[str, float] = field(default_factory=dict)
    concentration_scale: dict[str, float] = field(default_factory=dict)
    slots: dict[str, str] = field(default_factory=dict)
    true_concentration: dict[str, float] = field(default_factory=dict)
    start: str = "desodiated"

    def concentrations(self, inputs: Mapping[str, float] | None = None) -> dict[str, float]:
        """Role → full-electrode concentration [mol/m³] with ``inputs`` (stage capacities may be
        inputs: the electrode's capacity, and so its full concentration, moves with them)."""
        out = {}
        electrodes = ({self.cell.role: self.cell.working} if isinstance(self.cell, HalfCell)
                      else {"anode": self.cell.anode_electrode, "cathode": self.cell.cathode_electrode})
        for role, electrode in electrodes.items():
            ocp = electrode.material.ocp
            total = sum((inputs or {}).get(convert.stage_name(role, s.name, "capacity_mAh_g"), s.capacity_mAh_g)
                        for s in ocp.stages)
            out[role] = specific_capacity_to_concentration(total, electrode.material.density_g_cm3)
        return out


class _Inputs:
    """A quantity as a float, or as a named PyBaMM parameter if it is one of the inputs."""

    def __init__(self, inputs: set[str]):
        self.inputs = inputs
        self.used: dict[str, float] = {}

    def __call__(self, name: str, value: float) -> Any:
        if name in self.inputs:
            self.used[name] = float(value)
            return pybamm.Parameter(name)
        return value


InitialFraction = Callable[[list, list, list, Any, int], Any]

#: Decay rate K of the one-state hysteresis (dimensionless, per unit of stoichiometry of c_max):
#: 1 − |h| falls as exp(−K Δx/2), so 95 % of a switch between branches takes Δx = 6/K = 3 % of
#: the electrode's capacity. Assumed: GITT of hard carbons shows the other branch within the
#: first pulse after a reversal (a few % of the capacity); the state is frozen at rest for any K.
HYSTERESIS_DECAY_RATE = 200.0


#: Diffusion time R²/D [s] of the surface phase (sodium stored at particle surfaces, PyBaMM's
#: secondary particle phase): short against any sweep or step, so that phase is limited by its
#: interfacial kinetics, not by solid diffusion (PyBaMM needs Fickian diffusion in every phase).
SURFACE_DIFFUSION_TIME_S = 0.01
#: Double-layer capacitance [F/m² of the surface PyBaMM sees] given to an electrode that states
#: none (the sodium foil of a half cell; the other electrode of a full cell) once one electrode
#: has a double layer: PyBaMM's differential surface form divides by it in every electrode.
#: 0.1 F/m² = 10 µF/cm², the middle of the 5–20 µF/cm² usual for carbon and metal electrodes
#: (Bard & Faulkner, Electrochemical Methods, 2nd ed., ch. 13; assumed for these surfaces).
UNSTATED_DOUBLE_LAYER_F_M2 = 0.1


@dataclass(frozen=True)
class ElectrodeBuild:
    """What building one electrode gives the model: PyBaMM values, concentration scales, and the
    structure that decides PyBaMM's options."""

    values: dict
    c_ref: float
    c_true: float
    hysteresis: tuple[bool, ...]  # per particle phase (one phase, or bulk and surface)
    double_layer: bool
    weights: tuple = (1.0,)  # each phase's share of the electrode's capacity (may be symbols)


#: Where verified OCP inverses are kept in the user's cache (:mod:`kinetics._cache`).
INVERSE_CACHE = "ocp-inverse"


def verified_inverse(ocp, window_V: tuple[float, float]) -> tuple[np.ndarray, int, float | None]:
    """:meth:`MultiStageOCP.verified_inverse` of ``ocp`` over ``window_V``, kept in the user's
    cache under the OCP's every parameter and the window. A stored inverse is used only after
    :meth:`~MultiStageOCP.inverse_error` has checked it to the same 1 µV on the same potentials
    (a few ms; the search takes 0.1–0.2 s), so a stale, foreign or corrupt entry can cost time but
    never accuracy: one that fails, or cannot be read, is searched again and stored anew."""
    name = _cache.key("verified OCP inverse", repr(ocp), tuple(map(float, window_V)))
    stored = _cache.read_json(INVERSE_CACHE, name)
    try:
        inverse = (np.asarray(stored["nodes"], float), int(stored["steps"]),
                   None if stored["bound"] is None else float(stored["bound"]))
        if ocp.inverse_error(window_V, inverse) < INVERSE_TOLERANCE_V:
            return inverse
    except (TypeError, KeyError, ValueError):
        pass
    nodes, steps, bound = ocp.verified_inverse(window_V, INVERSE_TOLERANCE_V)
    _cache.write_json(INVERSE_CACHE, name, {"nodes": [float(v) for v in nodes], "steps": int(steps),
                                            "bound": None if bound is None else float(bound)})
    return nodes, steps, bound


def _electrode_values(electrode: Electrode, slot: str, P: _Inputs,
                      x_initial: InitialFraction, c_e_ref: float,
                      branch: str = "desodiation") -> ElectrodeBuild:
    role, material = electrode.role, electrode.material
    if material.transfer_coefficient != SYMMETRIC_TRANSFER_COEFFICIENT:
        raise InvalidValueError(convert.material_name(role, "transfer_coefficient"), material.transfer_coefficient,
                                "0.5: the models use PyBaMM's symmetric Butler–Volmer kinetics")
    ocp = material.ocp
    stages = ocp.stages  # potential order, highest first
    caps = [P(convert.stage_name(role, s.name, "capacity_mAh_g"), s.capacity_mAh_g) for s in stages]
    pots = [P(convert.stage_name(role, s.name, "potential_V"), s.potential_V) for s in stages]
    widths = [P(convert.stage_name(role, s.name, "width"), s.width) for s in stages]
    hyst_name = convert.hysteresis_name(role)
    hyst = P(hyst_name, ocp.hysteresis_V)
    has_hysteresis = hyst_name in P.inputs or ocp.hysteresis_V > 0
    total = sum(caps)
    rho = material.density_g_cm3
    c_true = specific_capacity_to_concentration(total, rho)
    c_true_built = specific_capacity_to_concentration(ocp.total_capacity_mAh_g, rho)
    c_ref = HEADROOM * c_true_built
    # the stage widths are stated at the isotherm's own temperature (no entropic term: PyBaMM's
    # entropic change is 0), so the OCP does not move with the cell's or a step's temperature;
    # only transport and kinetics do (their Arrhenius factors read PyBaMM's T)
    T = ocp.temperature_K
    idx = ocp.hysteresis_index

    # Surface storage: a share s of the first (surface) stage in a second particle phase whose
    # sodium does not diffuse. Both phases have the material's density and full concentration,
    # so each phase's volume share is its capacity share; at rest both sit at one potential,
    # and the sum of their isotherms is the material's OCP.
    share_name = convert.material_name(role, "surface_storage_fraction")
    surface = share_name in P.inputs or material.surface_storage_fraction > 0
    if surface:
        s = P(share_name, material.surface_storage_fraction)
        phase_caps = [[c * (1 - s) if j == 0 else c for j, c in enumerate(caps)],
                      [c * s if j == 0 else 0.0 * c for j, c in enumerate(caps)]]
    else:
        phase_caps = [caps]
    robust = surface or any(name.startswith(f"{role}.ocp.") for name in P.inputs)

    def x_of(sto):
        return sto * c_ref / c_true

    n = len(stages)
    if robust:
        # parameters will change, or a phase holds part of the stages: the robust default guess
        # and six Newton steps (the compact inverse is verified for the whole material only)
        nodes, steps, bound = ocp.nodes, NEWTON_STEPS, MAX_STEP_V
    else:  # fixed parameters: the cheapest inverse verified to 1 µV over the window in use
        pots_f = [s.potential_V for s in stages]
        top = max(pots_f) + 0.8
        if role == "anode":
            top = max(top, ANODE_TOP_V)
        nodes, steps, bound = verified_inverse(ocp, (min(pots_f) - 0.25, top))

    def kernel(x, *p, xp=None):
        extra = {} if xp is None else {"xp": xp}
        return potential_from_stoichiometry(x, p[:n], p[n:2 * n], p[2 * n:], T, nodes, steps, bound, **extra)

    def U(fractions, branch):
        # One node name per OCP: PyBaMM may evaluate the OCP again when it processes an output
        # variable lazily (the DFN's electrode potential is scaled by the initial OCP); equal
        # names give equal node ids, so that second evaluation still finds the model's states.
        name = f"{Kernel.new_name()} ({role} OCP, {branch})"

        def fn(sto):
            # PyBaMM adds its own asymptote to every OCP: take it out (our OCP is exact up to
            # x → 0 and 1), and put a wall only beyond x = 0 and x = 1, which a fit's trial
            # parameters can reach, so that the optimiser still sees where it went too far
            return (Kernel(kernel, x_of(sto), *fractions, *branch_shift(pots, idx, hyst, branch), *widths,
                           name=name)
                    - names.ocp_asymptote(sto) + names.ocp_wall(sto, c_true / c_ref))
        return fn

    # A varied particle radius R keeps PyBaMM's mesh at the built radius R0 (its geometry cannot
    # take input parameters) and scales D by (R0/R)² and j0 by R0/R instead: in the radial
    # coordinate r/R the diffusion time R²/D, the surface flux and the overpotential's j/j0 (and,
    # in the DFN, the electrolyte source a·j) are then exactly those of radius R.
    R0 = material.particle_radius_m
    radius = P(convert.material_name(role, "particle_radius_m"), R0)
    d_scale, j_scale = (R0 / radius) ** 2, R0 / radius

    D = material.diffusivity

    def dname(f: str) -> str:
        return convert.diffusivity_name(role, D, f)

    if isinstance(D, StageDiffusivity):
        d_stage = [P(dname(f), getattr(D, f)) for f in ("adsorption_m2_s", "insertion_m2_s", "pore_filling_m2_s")]
        d_min_U = P(dname("minimum_potential_V"), D.minimum_potential_V)
        d_depth = P(dname("minimum_depth_decades"), D.minimum_depth_decades)
        d_width = P(dname("minimum_width"), D.minimum_width)
        d_Ea = P(dname("activation_energy_J_mol"), D.activation_energy_J_mol)

        def diffusivity_of(phase_fractions):  # the law in terms of the phase's own sodium fraction
            def diffusivity(sto, T_):
                return d_scale * stage_diffusivity(x_of(sto), T_, phase_fractions, pots, widths, d_stage, d_min_U,
                                                   d_depth, d_width, d_Ea)
            return diffusivity
    else:
        d_val = P(dname("value_m2_s"), D.value_m2_s)
        d_Ea = P(dname("activation_energy_J_mol"), D.activation_energy_J_mol)

        def diffusivity_of(phase_fractions):
            def diffusivity(sto, T_):
                return d_scale * d_val * arrhenius(T_, d_Ea) + 0.0 * sto
            return diffusivity

    def surface_diffusivity(sto, T_):
        return R0 ** 2 / SURFACE_DIFFUSION_TIME_S + 0.0 * sto

    j0_ref = P(convert.material_name(role, "exchange_current_A_m2"), material.exchange_current_A_m2)
    j0_Ea = P(convert.material_name(role, "exchange_current_activation_J_mol"),
              material.exchange_current_activation_J_mol)

    def exchange_current(c_e, c_s_surf, c_s_max, T_):
        return j_scale * intercalation_exchange_current(c_e, c_s_surf / c_true, T_, j0_ref, c_e_ref, j0_Ea)

    # A varied loading keeps the coating's thickness at the built loading (PyBaMM's geometry
    # cannot take input parameters) and scales the active-material volume fraction instead:
    # capacity and particle surface area per volume then follow the loading; the porosity is
    # kept (a fit of a cell's capacity, not of its microstructure).
    loading0 = electrode.coating.loading_mg_cm2
    loading = P(f"{role}.{convert.COATING_FIELDS['loading_mg_cm2']}", loading0)
    active_fraction = electrode.coating.active_volume_fraction * (loading / loading0)

    k = names.electrode_keys(slot)
    values = {
        k["thickness"]: electrode.thickness_m,
        k["porosity"]: electrode.coating.porosity,
        k["conductivity"]: material.conductivity_S_m,
        k["bruggeman_e"]: electrode.coating.bruggeman,
        k["bruggeman_s"]: 0.0,
    }
    fractions = [c / total for c in caps]
    x_start = x_initial(fractions, pots, widths, hyst, idx)  # the whole material's
    if surface:  # each phase in equilibrium with the potential of that state
        U_start = Kernel(kernel, x_start, *fractions, *branch_shift(pots, idx, hyst, branch), *widths)
    weights, hysteresis = [], []
    for number, pc in enumerate(phase_caps):
        q = sum(pc)
        weight = q / total if surface else 1.0
        f_phase = [c / q for c in pc]
        phase_hyst = has_hysteresis and (number == 0 or idx == 0)
        phase = {
            k["diffusivity"]: diffusivity_of(f_phase) if number == 0 else surface_diffusivity,
            k["exchange_current"]: exchange_current,
            k["c_max"]: c_ref,
            k["c_init"]: (stoichiometry_from_potential(U_start, f_phase, branch_shift(pots, idx, hyst, branch),
                                                       widths, T) if surface else x_start) * c_true,
            k["active_fraction"]: active_fraction * weight,
            k["radius"]: R0,
            k["entropic"]: 0.0,
            k["ocp"]: U(f_phase, "mean"),
        }
        if phase_hyst:
            phase[k["ocp_sodiation"]] = U(f_phase, "sodiation")
            phase[k["ocp_desodiation"]] = U(f_phase, "desodiation")
            phase[k["hysteresis_decay_sod"]] = HYSTERESIS_DECAY_RATE
            phase[k["hysteresis_decay_desod"]] = HYSTERESIS_DECAY_RATE
            phase[k["hysteresis_initial"]] = names.HYSTERESIS_STATE[branch]
        prefix = names.PHASE_PREFIXES[number] if surface else ""
        values |= {prefix + key if any(key == k[p] for p in names.PHASE_KEYS) else key: v for key, v in phase.items()}
        weights.append(weight)
        hysteresis.append(phase_hyst)
    double_layer = material.double_layer_F_g > 0 or any(
        convert.material_name(role, f) in P.inputs for f in ("double_layer_F_m2", "surface_area_m2_g"))
    if double_layer:
        # PyBaMM's capacitance is per unit of particle surface (a = 3ε/R per volume); the
        # material's is per unit of its specific surface area S: C_PyBaMM = C·S / (3/(ρR))
        C = P(convert.material_name(role, "double_layer_F_m2"), material.double_layer_F_m2)
        S = P(convert.material_name(role, "surface_area_m2_g"), material.surface_area_m2_g)
        geometric_m2_g = 3.0 / (rho * 1e6 * R0)
        values[names.double_layer_key(slot)] = C * S / geometric_m2_g
    return ElectrodeBuild(values, c_ref, c_true_built, tuple(hysteresis), double_layer, tuple(weights))


#: Width [V] of the switch that lets sodium plate only below 0 V vs Na⁺/Na: ½(1 + tanh(−φ/w)) is
#: 5e-5 at +10 mV and 1 below −10 mV (a smooth step for the solver; the plating law's own
#: Tafel slope, 91 mV/decade, would plate a third as fast at +50 mV as at 0 V).
PLATING_ONSET_WIDTH_V = 0.002
#: Activation energy of SEI growth [J/mol] (O'Kane et al. 2022; assumed for sodium).
SEI_ACTIVATION_ENERGY_J_MOL = 38000.0


@dataclass(frozen=True)
class AgeingBuild:
    """PyBaMM values of the side reactions, and the slots each is on."""

    values: dict
    sei: tuple[str, ...] = ()
    plating: tuple[str, ...] = ()
    lam: tuple[str, ...] = ()
    #: the carbon's local potential vs Na⁺/Na (a model expression), given once the model exists
    plating_gate: dict = field(default_factory=dict)


def _ageing_values(electrodes: Mapping[str, tuple[Electrode, ElectrodeBuild]], P: _Inputs) -> AgeingBuild:
    """Side reactions of each electrode (:mod:`kinetics.physics.ageing`): the SEI and plating on
    the carbon (the anode), loss of active material on any electrode that states it. A law
    whose parameter is an input is built even at 0."""
    values: dict = {}
    on: dict[str, list[str]] = {"sei": [], "plating": [], "lam": []}
    gate: dict = {}
    for slot, (electrode, eb) in electrodes.items():
        role, a = electrode.role, electrode.ageing

        def q(f: str, e=electrode, a=a) -> Any:
            return P(convert.ageing_name(e.role, f), getattr(a, f))

        def wanted(f: str, e=electrode, a=a) -> bool:
            return convert.ageing_name(e.role, f) in P.inputs or getattr(a, f) > 0

        laws = {"sei": role == "anode" and wanted("sei_exchange_current_A_m2"),
                "plating": role == "anode" and wanted("plating_rate_constant_m_s"),
                "lam": wanted("active_material_loss")}
        if any(laws.values()) and len(eb.weights) > 1:
            raise InvalidValueError(convert.material_name(role, "surface_storage_fraction"),
                                    electrode.material.surface_storage_fraction,
                                    "0 for ageing runs (PyBaMM's side reactions are built for one particle phase)")
        k = names.AGEING_KEYS
        if laws["sei"]:
            values |= {k["sei_exchange_current"]: q("sei_exchange_current_A_m2"),
                       k["sei_barrier"]: q("sei_barrier_per_m"),
                       k["sei_initial_thickness"]: q("sei_initial_thickness_m"),
                       k["sei_resistivity"]: q("sei_resistivity_ohm_m"),
                       k["sei_molar_volume"]: SEI_MOLAR_VOLUME_M3_MOL,
                       k["sei_sodium_ratio"]: SODIUM_PER_SEI,
                       k["sei_activation_energy"]: SEI_ACTIVATION_ENERGY_J_MOL}
        if laws["plating"]:
            k_pl = q("plating_rate_constant_m_s")

            def plating_exchange_current(c_e, c_Na, T, k_pl=k_pl):
                # F·k·c_e (O'Kane et al. 2020), switched on where the carbon is below 0 V vs Na+/Na:
                # PyBaMM's irreversible law has no reverse reaction and would plate above 0 V too
                phi = gate["potential"]
                return FARADAY * k_pl * c_e * 0.5 * (1.0 + pybamm.tanh(-phi / PLATING_ONSET_WIDTH_V))

            values |= {k["plating_exchange_current"]: plating_exchange_current,
                       k["plating_transfer_coefficient"]: PLATING_TRANSFER_COEFFICIENT,
                       k["plated_initial"]: 0.0,
                       k["plated_typical"]: 1000.0,  # a scale only
                       names.COUNTER["molar_volume"]: SODIUM_MOLAR_VOLUME_M3_MOL}
        if laws["lam"]:
            # dε/dt = −λ ε₀|i|/q_A with q_A = F c ε₀ L the areal capacity: −λ|i|/(F c L)
            lam, per_charge = q("active_material_loss"), FARADAY * eb.c_true * electrode.thickness_m
            values[names.lam_rate_key(slot)] = lambda i, T, lam=lam, d=per_charge: -lam * abs(i) / d
        for law, yes in laws.items():
            if yes:
                on[law].append(slot)
    return AgeingBuild(values, tuple(on["sei"]), tuple(on["plating"]), tuple(on["lam"]), gate)


def _electrolyte_values(el: Electrolyte, P: _Inputs) -> dict:
    def q(f: str) -> Any:
        return P(convert.electrolyte_name(f), getattr(el, f))

    kappa, c_peak, D_e = q("conductivity_S_m"), q("conductivity_peak_mol_m3"), q("diffusivity_m2_s")
    slope, Ea, c0 = q("diffusivity_slope"), q("activation_energy_J_mol"), el.concentration_mol_m3
    e = names.ELECTROLYTE
    return {
        e["conductivity"]: lambda c_e, T: electrolyte_conductivity(c_e, T, kappa, c_peak, Ea),
        e["diffusivity"]: lambda c_e, T: electrolyte_diffusivity(c_e, T, D_e, c0, slope, Ea),
        e["transference"]: q("transference_number"),
        e["thermodynamic_factor"]: q("thermodynamic_factor"),
        e["c_init"]: c0,
    }


def _cell_values(cell: HalfCell | FullCell, P: _Inputs, capacity_Ah: float) -> dict:
    d = cell.design
    side = math.sqrt(d.area_cm2 * 1e-4)
    c, s = names.CELL, names.SEPARATOR
    lo, hi = cell.window_V
    return {
        c["height"]: side,
        c["width"]: side,
        c["capacity"]: capacity_Ah,
        c["current"]: capacity_Ah,
        c["lower_cutoff"]: -5.0,  # events only; steps end at their own limits
        c["upper_cutoff"]: hi + 1.0,
        c["ambient_T"]: d.temperature_K,
        c["initial_T"]: d.temperature_K,
        c["reference_T"]: 298.15,
        c["contact_resistance"]: P(convert.design_name("film_resistance_ohm_cm2"), d.film_resistance_ohm_cm2)
        / d.area_cm2,
        c["n_parallel"]: 1.0,
        c["n_series"]: 1.0,
        s["thickness"]: d.separator_thickness_m,
        s["porosity"]: d.separator_porosity,
        s["bruggeman_e"]: 1.5,
    }


def _window_edge(U: float, branch: str) -> InitialFraction:
    """Initial sodium fraction: equilibrium with ``U`` on ``branch`` (the top of the window on
    the desodiation branch: a desodiated electrode; the bottom on the sodiation branch: a
    sodiated one)."""
    def x0(fractions, pots, widths, hyst, idx):
        return stoichiometry_from_potential(U, fractions, branch_shift(pots, idx, hyst, branch), widths)
    return x0


#: Half-cell starting states: the working electrode at rest in equilibrium with an edge of the window.
STARTS = ("desodiated", "sodiated")


def _fixed_fraction(x: Any) -> InitialFraction:
    def x0(fractions, pots, widths, hyst, idx):
        return x
    return x0


def _check_inputs(known: Iterable[str], inputs: set[str]) -> None:
    known = [k for k in known]
    for n in sorted(inputs):
        if n not in known:
            raise UnknownNameError("input parameter", n, known)


def input_names(cell: HalfCell | FullCell) -> list[str]:
    """The names a cell's quantities can be made input parameters by (numeric quantities only):
    a half cell's, or a full cell's anode half cell's and its cathode's."""
    def numeric(values: dict) -> list[str]:
        return [k for k, v in values.items() if not isinstance(v, str)]

    return numeric(cell.values())


def build(cell: HalfCell | FullCell, inputs: Iterable[str] = (), initial_fraction_input: bool = False,
          start: str = "desodiated", time_scales: int = 0, voltage_control: bool = False,
          ageing: bool = False) -> BuiltModel:
    """Build the PyBaMM model and parameter values of ``cell``.

    Parameters
    ----------
    cell : HalfCell or FullCell
        A full cell must carry its balance (:func:`kinetics.design.balance`).
    inputs : iterable of str
        Parameter-set names of quantities to expose as ``pybamm.InputParameter``.
    initial_fraction_input : bool
        Half cells only: the working electrode's initial sodium fraction becomes the input
        parameter :data:`INITIAL_FRACTION_INPUT` instead of equilibrium with the top of the
        window (fits start each measured file from its own state).
    start : {"desodiated", "sodiated"}
        Half cells: the working electrode starts at rest in equilibrium with the top of the
        window (desodiation branch) or with its bottom (sodiation branch).
    time_scales : int
        For replays of ``n`` steps whose durations move with the parameters (a step that ends at
        a voltage cut-off): every time derivative is multiplied by Σ_k s_k·e_k, with s_k the
        input :func:`time_scale_input` (k) and e_k :func:`step_on_input` (k) (1 during step k).
        Solved for a fixed duration T_k with s_k = 1, step k then lasts s_k·T_k in physical time,
        so the solver's sensitivities with respect to s_k are those with respect to the step's
        end time: exact event-time sensitivities (:mod:`kinetics.fitting.capacity`).
    voltage_control : bool
        The cell voltage is imposed (PyBaMM's ``"operating mode": "voltage"``, its "Voltage
        function [V]" to be given) and the current is solved for: replays of voltammograms.
    ageing : bool
        Build each electrode's side reactions and losses (:mod:`kinetics.physics.ageing`):
        the carbon's SEI (when its rate constant is not 0) and sodium plating, loss of active
        material where stated. Off, the model has none (every calibration is made so).
    """
    if start not in STARTS:
        raise UnknownNameError("starting state", start, STARTS)
    inputs = set(inputs)
    _check_inputs(input_names(cell), inputs)
    P = _Inputs(inputs)
    if isinstance(cell, HalfCell):
        slot = names.slot("half", cell.role)
        lo, hi = cell.window_V
        x0 = (_fixed_fraction(pybamm.InputParameter(INITIAL_FRACTION_INPUT)) if initial_fraction_input
              else _window_edge(hi, "desodiation") if start == "desodiated" else _window_edge(lo, "sodiation"))
        eb = _electrode_values(cell.working, slot, P, x0, cell.electrolyte.concentration_mol_m3,
                               "sodiation" if start == "sodiated" else "desodiation")
        j0_Na = P(convert.counter_name("exchange_current_A_m2"), cell.counter.exchange_current_A_m2)
        Ea_Na = P(convert.counter_name("activation_energy_J_mol"), cell.counter.activation_energy_J_mol)
        c_e0 = cell.electrolyte.concentration_mol_m3
        cn = names.COUNTER
        counter = {
            cn["exchange_current"]: lambda c_e, c_Na, T: metal_exchange_current(c_e, T, j0_Na, c_e0, Ea_Na),
            cn["conductivity"]: SODIUM_CONDUCTIVITY_S_M,
            cn["thickness"]: 100e-6,
            cn["molar_volume"]: SODIUM_MOLAR_VOLUME_M3_MOL,
        }
        capacity_Ah = cell.working.material.ocp.total_capacity_mAh_g * cell.active_mass_mg * 1e-6
        values = {**eb.values, **counter, **_electrolyte_values(cell.electrolyte, P),
                  **_cell_values(cell, P, capacity_Ah)}
        if eb.double_layer:  # PyBaMM's surface form then needs the sodium foil's double layer too
            values[names.double_layer_key("Negative")] = UNSTATED_DOUBLE_LAYER_F_M2
        builds = {slot: eb}
        electrodes = {slot: (cell.working, eb)}
        scales, true, slots = {cell.role: eb.c_ref}, {cell.role: eb.c_true}, {cell.role: slot}
    elif isinstance(cell, FullCell):
        if initial_fraction_input or start != "desodiated":
            raise InvalidValueError("starting state", start, "the balance's for a full cell (its initial fractions "
                                    "come from the balance)")
        b = cell.balance
        if b is None:
            raise InvalidValueError("full cell balance", None, "a Balance: compute it with kinetics.balance(cell) "
                                    "(simulates both half cells) or give FullCell(..., balance=...)")
        anode = cell.anode_electrode.with_loading(b.anode_loading_mg_cm2)
        cathode = cell.cathode_electrode.with_loading(b.cathode_loading_mg_cm2)
        sa, sc = names.slot("full", "anode"), names.slot("full", "cathode")
        x_a = P(convert.initial_fraction_name("anode"), b.anode_initial_fraction)
        x_c = P(convert.initial_fraction_name("cathode"), b.cathode_initial_fraction)
        ea = _electrode_values(anode, sa, P, _fixed_fraction(x_a), cell.anode_half.electrolyte.concentration_mol_m3)
        ec = _electrode_values(cathode, sc, P, _fixed_fraction(x_c),
                               cell.cathode_half.electrolyte.concentration_mol_m3)
        capacity_Ah = b.cyclable_mAh_cm2 * cell.design.area_cm2 * 1e-3
        values = {**ea.values, **ec.values, **_electrolyte_values(cell.electrolyte, P),
                  **_cell_values(cell, P, capacity_Ah)}
        builds = {sa: ea, sc: ec}
        electrodes = {sa: (anode, ea), sc: (cathode, ec)}
        for s_, other in ((sa, sc), (sc, sa)):  # a double layer in one electrode needs PyBaMM's value in both
            if builds[s_].double_layer and not builds[other].double_layer:
                values[names.double_layer_key(other)] = UNSTATED_DOUBLE_LAYER_F_M2
        scales = {"anode": ea.c_ref, "cathode": ec.c_ref}
        true = {"anode": ea.c_true, "cathode": ec.c_true}
        slots = {"anode": sa, "cathode": sc}
    else:
        raise InvalidValueError("cell", type(cell).__name__, "a HalfCell or a FullCell")
    opts = names.options(cell.kind, {sl: b.hysteresis for sl, b in builds.items()}, contact_resistance=True,
                         double_layer=any(b.double_layer for b in builds.values()))
    if voltage_control:
        opts["operating mode"] = "voltage"
    ab = _ageing_values(electrodes, P) if ageing else AgeingBuild({})
    values |= ab.values
    opts |= names.ageing_options(ab.sei, ab.plating, ab.lam)
    for n in inputs:
        values[n] = pybamm.InputParameter(n)
    with warnings.catch_warnings():
        # PyBaMM ≥ 25.10 warns once that it halved the decay rate's definition; ours is stated for
        # the new one (HYSTERESIS_DECAY_RATE)
        warnings.filterwarnings("ignore", message="The definition of the hysteresis decay rate")
        model = names.model_class(cell.model)(opts)
    # PyBaMM's "switch" events serve only its CasADi solver's "fast with events" mode; IDAKLU
    # ignores them, but its set-up still compiles each (about 0.1 s apiece: issue 16's profile)
    model.events = [e for e in model.events if e.event_type != pybamm.EventType.SWITCH]
    # a sodium reference electrode in the middle of the separator: each electrode's potential
    # against it (three-electrode measurements), names.potential_variable
    model.insert_reference_electrode()
    for sl in ab.plating:
        ab.plating_gate["potential"] = model.variables[names.electrode_potential_variable(sl)]
    for sl, b in builds.items():
        if len(b.weights) > 1 or b.double_layer:
            names.add_current_split(model, sl, b.weights)
    if time_scales:
        scale = sum(pybamm.InputParameter(time_scale_input(k)) * pybamm.InputParameter(step_on_input(k))
                    for k in range(time_scales))
        for variable in list(model.rhs):
            model.rhs[variable] = scale * model.rhs[variable]
    return BuiltModel(model, pybamm.ParameterValues(values), cell, P.used, scales, slots, true, start)
