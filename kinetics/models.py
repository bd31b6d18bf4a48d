"""Build a PyBaMM model and its ParameterValues from a cell.

Every physics function is one of hc-kinetics' pure functions (:mod:`kinetics.ocp`,
:mod:`kinetics.transport`, :mod:`kinetics.interface`). Any parameter named in ``inputs`` (a
dotted parameter-set name such as ``anode.ocp.pore_filling.capacity``) becomes a
``pybamm.InputParameter``: fits and sweeps then change it without rebuilding the model.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import pybamm

from . import _pybamm_names as names
from .cell import FullCell, HalfCell
from .errors import InvalidValueError, UnknownNameError
from .interface import intercalation_exchange_current, metal_exchange_current
from .materials import ConstantDiffusivity, Electrode
from .ocp import (
    MAX_STEP_V,
    NEWTON_STEPS,
    branch_shift,
    potential_from_stoichiometry,
    stoichiometry_from_potential,
)
from .parameter_sets import ParameterSet
from .transport import (
    StageDiffusivity,
    arrhenius,
    electrolyte_conductivity,
    electrolyte_diffusivity,
    stage_diffusivity,
)
from .units import specific_capacity_to_concentration

#: Concentration headroom: PyBaMM's c_max is fixed at build time, the true capacity may grow
#: during a fit (stage capacities are inputs), so c_max = HEADROOM × c_true(at build).
HEADROOM = 2.0
#: Highest anode potential [V vs Na+/Na] the compact OCP inverse is verified to (3.0 V + margin).
ANODE_TOP_V = 3.3


@dataclass
class BuiltModel:
    """A PyBaMM model with its parameter values, ready for :class:`pybamm.Simulation`."""

    model: pybamm.BaseModel
    parameter_values: pybamm.ParameterValues
    cell: HalfCell | FullCell
    inputs: dict[str, float] = field(default_factory=dict)
    concentration_scale: dict[str, float] = field(default_factory=dict)
    slots: dict[str, str] = field(default_factory=dict)


class _Kernel(pybamm.Function):
    """A PyBaMM node that evaluates one of our pure functions as a single leaf-like node.

    PyBaMM walks expression trees as trees; an unrolled Newton inversion reuses its
    iterate many times and would grow exponentially as a tree. As one node, the function
    runs on numpy arrays (shape checks, python evaluation) and on CasADi expressions, where
    CasADi's graph shares the repeated sub-expressions and differentiates them exactly.
    """

    _count = 0

    def __init__(self, function, *children, name=None):
        if name is None:
            _Kernel._count += 1
            name = f"hc-kinetics kernel {_Kernel._count}"
        super().__init__(function, *children, name=name)

    def create_copy(self, new_children=None, perform_simplifications=True):
        return _Kernel(self.function, *self._children_for_copying(new_children), name=self.name)

    def _casadi_evaluate(self, *converted_children):
        return self.function(*converted_children)


class _Params:
    """Looks up set values either as floats or as named pybamm parameters (for inputs)."""

    def __init__(self, pset: ParameterSet, inputs: set[str]):
        self.pset, self.inputs = pset, inputs
        self.used: dict[str, float] = {}

    def __call__(self, name: str) -> Any:
        value = self.pset.value(name)
        if name in self.inputs:
            self.used[name] = value
            return pybamm.Parameter(name)
        return value


def _electrode_values(electrode: Electrode, pset: ParameterSet, slot: str, inputs: set[str],
                      temperature_K: float, x_initial: Any) -> tuple[dict, dict, float, bool]:
    role = electrode.role
    P = _Params(pset, inputs)
    ocp = electrode.material.ocp
    stages = [s.name for s in ocp.stages]  # potential order, highest first
    caps = [P(f"{role}.ocp.{n}.capacity") for n in stages]
    pots = [P(f"{role}.ocp.{n}.potential") for n in stages]
    widths = [P(f"{role}.ocp.{n}.width") for n in stages]
    hyst_name = f"{role}.ocp.hysteresis"
    hyst = P(hyst_name) if hyst_name in pset else 0.0
    has_hysteresis = hyst_name in inputs or ocp.hysteresis_V > 0
    total = sum(caps)
    fractions = [c / total for c in caps]
    rho = electrode.material.density_g_cm3
    c_true = specific_capacity_to_concentration(total, rho)
    c_ref = HEADROOM * specific_capacity_to_concentration(ocp.total_capacity_mAh_g, rho)
    T = temperature_K
    idx = ocp.hysteresis_index

    def x_of(sto):
        return sto * c_ref / c_true

    n = len(stages)
    ocp_inputs = any(name.startswith(f"{role}.ocp.") for name in inputs)
    if ocp_inputs:  # parameters will change: the robust default guess and six Newton steps
        nodes, steps, bound = ocp.nodes, NEWTON_STEPS, MAX_STEP_V
    else:  # fixed parameters: the cheapest inverse verified to 1 µV over the window in use
        pots_f = [s.potential_V for s in ocp.stages]
        top = max(pots_f) + 0.8
        if role == "anode":
            top = max(top, ANODE_TOP_V)
        nodes, steps, bound = ocp.verified_inverse((min(pots_f) - 0.25, top))

    def kernel(x, *p):
        return potential_from_stoichiometry(x, p[:n], p[n:2 * n], p[2 * n:], T, nodes, steps, bound)

    def U(branch):
        def fn(sto):
            # PyBaMM adds its own asymptote to every OCP: take it out (our OCP is exact up to
            # x → 0 and 1), and put a wall only beyond x = 0 and x = 1, which a fit's trial
            # parameters can reach, so that the optimiser still sees where it went too far
            return (_Kernel(kernel, x_of(sto), *fractions, *branch_shift(pots, idx, hyst, branch), *widths)
                    - names.ocp_asymptote(sto) + names.ocp_wall(sto, c_true / c_ref))
        return fn

    # A varied particle radius R keeps PyBaMM's mesh at the built radius R0 (its geometry cannot
    # take input parameters) and scales D by (R0/R)² and j0 by R0/R instead: in the radial
    # coordinate r/R the diffusion time R²/D, the surface flux and the overpotential's j/j0 (and,
    # in the DFN, the electrolyte source a·j) are then exactly those of radius R.
    R0 = electrode.material.particle_radius_m
    radius = P(f"{role}.particle_radius")
    d_scale, j_scale = (R0 / radius) ** 2, R0 / radius

    D = electrode.material.diffusivity
    if isinstance(D, StageDiffusivity):
        dn = f"{role}.diffusivity"
        d_stage = [P(f"{dn}.{n}") for n in ("adsorption", "insertion", "pore_filling")]
        d_min_U, d_depth = P(f"{dn}.minimum_potential"), P(f"{dn}.minimum_depth")
        d_width, d_Ea = P(f"{dn}.minimum_width"), P(f"{dn}.activation_energy")

        def diffusivity(sto, T_):
            return d_scale * stage_diffusivity(x_of(sto), T_, fractions, pots, widths, d_stage, d_min_U,
                                               d_depth, d_width, d_Ea)
    else:
        assert isinstance(D, ConstantDiffusivity)
        d_val = P(f"{role}.diffusivity")

        def diffusivity(sto, T_):
            return d_scale * d_val * arrhenius(T_, D.activation_energy_J_mol) + 0.0 * sto

    j0_ref = P(f"{role}.kinetics.exchange_current_density")
    j0_Ea = P(f"{role}.kinetics.activation_energy")
    c_e0 = pset.value("electrolyte.concentration") if "electrolyte.concentration" in pset else 1000.0

    def exchange_current(c_e, c_s_surf, c_s_max, T_):
        return j_scale * intercalation_exchange_current(c_e, c_s_surf / c_true, T_, j0_ref, c_e0, j0_Ea)

    k = names.electrode_keys(slot)
    values = {
        k["diffusivity"]: diffusivity,
        k["exchange_current"]: exchange_current,
        k["c_max"]: c_ref,
        k["c_init"]: x_initial(fractions, pots, widths, hyst, idx) * c_true,
        k["thickness"]: electrode.thickness_m,
        k["active_fraction"]: electrode.coating.active_volume_fraction,
        k["porosity"]: electrode.coating.porosity,
        k["radius"]: R0,
        k["conductivity"]: electrode.material.conductivity_S_m,
        k["transfer_coefficient"]: electrode.material.transfer_coefficient,
        k["double_layer"]: 0.2,
        k["entropic"]: 0.0,
        k["bruggeman_e"]: electrode.coating.bruggeman,
        k["bruggeman_s"]: 0.0,
    }
    if has_hysteresis:
        values[k["ocp_sodiation"]] = U("sodiation")
        values[k["ocp_desodiation"]] = U("desodiation")
        values[k["ocp"]] = U("mean")
    else:
        values[k["ocp"]] = U("mean")
    return values, P.used, c_ref, has_hysteresis


def _electrolyte_values(pset: ParameterSet, inputs: set[str]) -> tuple[dict, dict]:
    P = _Params(pset, inputs)
    kappa, c_peak = P("electrolyte.conductivity"), P("electrolyte.conductivity_peak_concentration")
    D_e, slope = P("electrolyte.diffusivity"), P("electrolyte.diffusivity_slope")
    Ea = P("electrolyte.activation_energy")
    c0 = pset.value("electrolyte.concentration")
    e = names.ELECTROLYTE
    return {
        e["conductivity"]: lambda c_e, T: electrolyte_conductivity(c_e, T, kappa, c_peak, Ea),
        e["diffusivity"]: lambda c_e, T: electrolyte_diffusivity(c_e, T, D_e, c0, slope, Ea),
        e["transference"]: P("electrolyte.transference_number"),
        e["thermodynamic_factor"]: P("electrolyte.thermodynamic_factor"),
        e["c_init"]: c0,
    }, P.used


def _cell_values(cell, pset: ParameterSet, inputs: set[str], capacity_Ah: float) -> tuple[dict, dict]:
    P = _Params(pset, inputs)
    d = cell.design
    area_m2 = d.area_cm2 * 1e-4
    side = math.sqrt(area_m2)
    c = names.CELL
    s = names.SEPARATOR
    lo, hi = cell.window_V
    return {
        c["height"]: side,
        c["width"]: side,
        c["capacity"]: capacity_Ah,
        c["current"]: capacity_Ah,
        c["lower_cutoff"]: -5.0,  # events only; steps end at their own limits
        c["upper_cutoff"]: hi + 1.0,
        c["ocv_0"]: lo,
        c["ocv_100"]: hi,
        c["ambient_T"]: d.temperature_K,
        c["initial_T"]: d.temperature_K,
        c["reference_T"]: 298.15,
        c["contact_resistance"]: P("cell.film_resistance") / d.area_cm2,
        c["heat_transfer"]: 10.0,
        c["n_parallel"]: 1.0,
        c["n_series"]: 1.0,
        s["thickness"]: d.separator_thickness_m,
        s["porosity"]: d.separator_porosity,
        s["bruggeman_e"]: 1.5,
        s["bruggeman_s"]: 1.5,
    }, P.used


def _top_of_window(U_top: float):
    """Initial sodium fraction: equilibrium with ``U_top`` on the desodiation branch."""
    def x0(fractions, pots, widths, hyst, idx):
        return stoichiometry_from_potential(U_top, fractions,
                                            branch_shift(pots, idx, hyst, "desodiation"), widths)
    return x0


def _fixed_fraction(x: float):
    def x0(fractions, pots, widths, hyst, idx):
        return x
    return x0


def _check_inputs(pset_names: set[str], inputs: set[str]) -> None:
    for n in inputs:
        if n not in pset_names:
            raise UnknownNameError("input parameter", n, pset_names)


#: Input-parameter name of a half cell's initial sodium fraction
#: (``build(..., initial_fraction_input=True)``).
INITIAL_FRACTION_INPUT = "hc-kinetics initial sodium fraction"


def build(cell: HalfCell | FullCell, inputs: Iterable[str] = (), balance=None,
          initial_fraction_input: bool = False) -> BuiltModel:
    """Build the PyBaMM model and parameter values of ``cell``.

    Parameters
    ----------
    cell : HalfCell or FullCell
    inputs : iterable of str
        Parameter-set names to expose as ``pybamm.InputParameter``.
    balance : kinetics.design.Balance, optional
        Full cells only: loadings and initial sodium fractions (default: computed by
        :func:`kinetics.design.balance`).
    initial_fraction_input : bool
        Half cells only: the working electrode's initial sodium fraction becomes the input
        parameter :data:`INITIAL_FRACTION_INPUT` instead of equilibrium with the top of the
        window (fits start each measured file from its own state).
    """
    inputs = set(inputs)
    used: dict[str, float] = {}
    if isinstance(cell, HalfCell):
        _check_inputs(set(cell.pset.names()), inputs)
        slot = names.slot("half", cell.role)
        x0 = (_fixed_fraction(pybamm.InputParameter(INITIAL_FRACTION_INPUT)) if initial_fraction_input
              else _top_of_window(cell.window_V[1]))
        ev, u1, c_ref, hyst = _electrode_values(cell.working, cell.pset, slot, inputs,
                                                cell.design.temperature_K, x0)
        P = _Params(cell.pset, inputs)
        j0_Na, Ea_Na = P("counter.exchange_current_density"), P("counter.activation_energy")
        c_e0 = cell.electrolyte.concentration_mol_m3
        cn = names.COUNTER
        counter = {
            cn["exchange_current"]: lambda c_e, c_Na, T: metal_exchange_current(c_e, T, j0_Na, c_e0, Ea_Na),
            cn["ocp"]: 0.0,
            cn["transfer_coefficient"]: 0.5,
            cn["conductivity"]: 2.1e7,  # sodium metal, 2.1e7 S/m (CRC Handbook) — plays no role
            cn["thickness"]: 100e-6,
            cn["molar_volume"]: 2.37e-5,  # 22.99 g/mol / 0.968 g/cm³ (sodium metal)
            cn["double_layer"]: 0.2,
            cn["entropic"]: 0.0,
        }
        el, u2 = _electrolyte_values(cell.pset, inputs)
        capacity_Ah = cell.working.material.ocp.total_capacity_mAh_g * cell.active_mass_mg * 1e-6
        cv, u3 = _cell_values(cell, cell.pset, inputs, capacity_Ah)
        for u in (u1, P.used, u2, u3):
            used.update(u)
        values = {**ev, **counter, **el, **cv}
        opts = names.options("half", {slot: hyst}, contact_resistance=True)
        scales = {cell.role: c_ref}
        slots = {cell.role: slot}
    elif isinstance(cell, FullCell):
        if initial_fraction_input:
            raise InvalidValueError("initial_fraction_input", True, "False for a full cell (its "
                                    "initial fractions come from the balance)")
        from .design import balance as compute_balance

        b = balance or compute_balance(cell)
        anode = cell.anode_electrode.with_loading(b.anode_loading_mg_cm2)
        cathode = cell.cathode_electrode.with_loading(b.cathode_loading_mg_cm2)
        a_names = {n for n in cell.anode_set.names()}
        c_names = {n for n in cell.cathode_set.names() if n.startswith("cathode.")}
        _check_inputs(a_names | c_names, inputs)
        sa, sc = names.slot("full", "anode"), names.slot("full", "cathode")
        ea, u1, c_ref_a, ha = _electrode_values(anode, cell.anode_set, sa, inputs & a_names,
                                                cell.design.temperature_K,
                                                _fixed_fraction(b.anode_initial_fraction))
        ec, u2, c_ref_c, hc = _electrode_values(cathode, cell.cathode_set, sc, inputs & c_names,
                                                cell.design.temperature_K,
                                                _fixed_fraction(b.cathode_initial_fraction))
        el, u3 = _electrolyte_values(cell.anode_set, inputs & a_names)
        capacity_Ah = b.cyclable_mAh_cm2 * cell.design.area_cm2 * 1e-3
        cv, u4 = _cell_values(cell, cell.anode_set, inputs & a_names, capacity_Ah)
        for u in (u1, u2, u3, u4):
            used.update(u)
        values = {**ea, **ec, **el, **cv}
        opts = names.options("full", {sa: ha, sc: hc}, contact_resistance=True)
        scales = {"anode": c_ref_a, "cathode": c_ref_c}
        slots = {"anode": sa, "cathode": sc}
    else:
        raise InvalidValueError("cell", type(cell).__name__, "a HalfCell or a FullCell")
    for n in inputs:
        values[n] = pybamm.InputParameter(n)
    pv = pybamm.ParameterValues(values)
    model_cls = names.model_class(cell.model)
    model = model_cls(opts)
    return BuiltModel(model, pv, cell, used, scales, slots)
