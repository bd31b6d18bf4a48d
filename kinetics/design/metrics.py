"""Full-cell figures of merit: capacity, average voltage, energy and power density on the papers'
basis (anode plus cathode active mass) and on stack and cell bases, the plating margin, the
full cell's first-cycle efficiency and its equilibrium capacity and energy.

The one energy formula of the project is :func:`energy_density_Wh_kg`; every basis divides the
same delivered energy by another mass.
"""

from __future__ import annotations

import math

from ..cells import Balance, FullCell
from ..engine.charge_discharge import ChargeDischargeOutput
from ..results import Result
from .equilibrium import Equilibrium, equilibrium
from .stack import StackMass


def energy_density_Wh_kg(energy_mWh_per_g_anode: float, cathode_to_anode_mass: float) -> float:
    """Energy per total active mass of anode and cathode [Wh/kg], as paper 000 states it
    ("Based on the total mass of the anode and cathode active materials"):
    E / (m_a + m_c) = (E/m_a) / (1 + m_c/m_a), with E/m_a in mWh/g = Wh/kg."""
    return energy_mWh_per_g_anode / (1.0 + cathode_to_anode_mass)


def full_cell_metrics(result: Result, b: Balance) -> dict[str, float]:
    """Capacity per anode mass [mAh/g], average voltage [V] and energy density [Wh/kg, anode +
    cathode active mass] of the last discharge."""
    last = result.reversible_capacities().iloc[-1]
    return {
        "capacity_mAh_g_anode": float(last["capacity_mAh_g"]),
        "average_voltage_V": float(last["average_voltage_V"]),
        "energy_density_Wh_kg": energy_density_Wh_kg(float(last["energy_mWh_g"]), b.cathode_to_anode_mass),
        "cathode_to_anode_mass": b.cathode_to_anode_mass,
    }


def equilibrium_of(cell: FullCell) -> Equilibrium:
    """The balanced cell's :class:`~kinetics.design.equilibrium.Equilibrium` (mean OCP
    branches, its inventory, its window) per cm² of electrode pair."""
    b = cell.balance
    ocp_a, ocp_c = cell.anode_electrode.material.ocp, cell.cathode_electrode.material.ocp
    q_a = ocp_a.total_capacity_mAh_g * b.anode_loading_mg_cm2 * 1e-6  # Ah/cm²
    q_c = ocp_c.total_capacity_mAh_g * b.cathode_loading_mg_cm2 * 1e-6
    inventory = b.anode_initial_fraction * q_a + b.cathode_initial_fraction * q_c
    return equilibrium(ocp_a.potential, ocp_c.potential, q_a, q_c, inventory, cell.window_V)


def design_metrics(cell: FullCell, mass: StackMass, out: ChargeDischargeOutput,
                   eq: Equilibrium | None = None) -> dict[str, float | bool]:
    """Figures of merit of one charge–discharge point of ``cell`` (simulated over its own area)
    in a cell of ``mass`` (the format's electrode-pair area); ``eq``: the cell's
    :func:`equilibrium_of` if already computed.

    Energy densities divide the delivered energy E by the anode and cathode active mass
    (``energy_density_Wh_kg``, paper 000's basis), by everything inside the casing (``stack_*``)
    and by the whole cell (``cell_*``); power densities divide E by the discharge time as well.
    """
    b = cell.balance
    area = cell.design.area_cm2
    scale = mass.pair_area_cm2 / area  # the format's cell over the simulated one
    m_a_g = b.anode_loading_mg_cm2 * 1e-3 * area
    E_Wh, Q_Ah = out.discharge_Wh * scale, out.discharge_Ah * scale
    per_g_anode_mWh = out.discharge_Wh * 1e3 / m_a_g
    active_Wh_kg = energy_density_Wh_kg(per_g_anode_mWh, b.cathode_to_anode_mass)
    eq = eq or equilibrium_of(cell)
    eq_Wh_kg = energy_density_Wh_kg(eq.energy_Wh * 1e3 / (b.anode_loading_mg_cm2 * 1e-3), b.cathode_to_anode_mass)
    hours = out.discharge_h
    return {
        "capacity_mAh": Q_Ah * 1e3,
        "capacity_mAh_g_anode": out.discharge_Ah * 1e3 / m_a_g,
        "capacity_mAh_g_cathode": out.discharge_Ah * 1e3 / (m_a_g * b.cathode_to_anode_mass),
        "capacity_mAh_g_active": out.discharge_Ah * 1e3 / (m_a_g * (1 + b.cathode_to_anode_mass)),
        "average_voltage_V": out.discharge_Wh / out.discharge_Ah if out.discharge_Ah > 0 else math.nan,
        "energy_mWh": E_Wh * 1e3,
        "energy_density_Wh_kg": active_Wh_kg,
        "stack_energy_density_Wh_kg": E_Wh / mass.stack_g * 1e3,
        "cell_energy_density_Wh_kg": E_Wh / mass.cell_g * 1e3,
        "stack_energy_density_Wh_L": E_Wh / mass.stack_volume_cm3 * 1e3,
        "cell_energy_density_Wh_L": E_Wh / mass.cell_volume_cm3 * 1e3,
        "power_density_W_kg": active_Wh_kg / hours if hours > 0 else math.nan,
        "cell_power_density_W_kg": E_Wh / mass.cell_g * 1e3 / hours if hours > 0 else math.nan,
        "min_anode_potential_V": out.min_anode_potential_V,
        "plating": out.min_anode_potential_V < 0.0,
        "first_cycle_efficiency_percent": 100.0 * b.cyclable_mAh_cm2 / b.first_charge_mAh_cm2,
        "charge_capacity_mAh_g_anode": out.charge_Ah * 1e3 / m_a_g,
        "equilibrium_capacity_mAh_g_anode": eq.capacity_Ah * 1e3 / (b.anode_loading_mg_cm2 * 1e-3),
        "equilibrium_energy_density_Wh_kg": eq_Wh_kg,
        "cathode_to_anode_mass": b.cathode_to_anode_mass,
        "anode_loading_mg_cm2": b.anode_loading_mg_cm2,
        "cathode_loading_mg_cm2": b.cathode_loading_mg_cm2,
        "anode_thickness_um": cell.anode_electrode.with_loading(b.anode_loading_mg_cm2).thickness_m * 1e6,
        "cathode_thickness_um": cell.cathode_electrode.with_loading(b.cathode_loading_mg_cm2).thickness_m * 1e6,
        "cell_mass_g": mass.cell_g,
        "charge_end": out.charge_end,
        "discharge_end": out.discharge_end,
    }
