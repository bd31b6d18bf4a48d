"""Full-cell figures of merit from a simulated discharge: capacity per anode mass, average
voltage and energy density on the active-material basis of paper 000.
"""

from __future__ import annotations

from ..cells import Balance
from ..results import Result


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
