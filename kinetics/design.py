"""Full-cell balancing: N/P ratio, loadings and the initial sodium inventory.

The N/P ratio is the anode's reversible areal capacity over the cathode's, both at the
papers' test current of 20 mA/g, as paper 000 uses it ("the capacity ratio of the negative
to … positive electrodes (N/P ratio) is kept in the range of 1–1.05"). Each reversible
capacity is simulated here in its own half cell against sodium metal (sodiate then desodiate
at 20 mA/g; the desodiation capacity is the reversible one).

The sodium lost in the first cycle is not replaced. The cathode's first charge releases
Q_c,rev / ICE_c per gram; the anode traps Q_a,rev · (1/ICE_a − 1) per gram in its first
sodiation; what remains is the cyclable inventory, which can never exceed what either
electrode can reversibly hold. This is how the measured first-cycle efficiencies enter the
full cell; nothing here is tuned to full-cell numbers.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass

from .cell import FullCell, HalfCell
from .protocols import desodiate, sodiate

BALANCE_CURRENT_mA_g = 20.0  # paper 000's test current for N/P and capacities
_CACHE: dict[str, Balance] = {}


@dataclass(frozen=True)
class Balance:
    """Loadings and initial state of a full cell (see module docstring).

    Attributes
    ----------
    anode_reversible_mAh_g, cathode_reversible_mAh_g : float
        Half-cell reversible capacities at 20 mA/g [mAh/g].
    anode_loading_mg_cm2, cathode_loading_mg_cm2 : float
        Active-material loadings [mg/cm²]; the cathode's follows from N/P.
    cyclable_mAh_cm2 : float
        Sodium inventory that can cycle after the first cycle [mAh/cm²].
    anode_initial_fraction, cathode_initial_fraction : float
        Sodium fractions of the discharged cell [-].
    """

    np_ratio: float
    anode_reversible_mAh_g: float
    cathode_reversible_mAh_g: float
    anode_loading_mg_cm2: float
    cathode_loading_mg_cm2: float
    cathode_to_anode_mass: float
    first_charge_mAh_cm2: float
    anode_first_cycle_loss_mAh_cm2: float
    cyclable_mAh_cm2: float
    anode_initial_fraction: float
    cathode_initial_fraction: float


def reversible_capacity(cell: HalfCell, current_mA_g: float = BALANCE_CURRENT_mA_g) -> float:
    """Half-cell reversible (desodiation) capacity [mAh/g] at ``current_mA_g``."""
    from .simulate import run

    lo, hi = cell.window_V
    result = run(cell, [sodiate(current_mA_g, lo), desodiate(current_mA_g, hi)])
    return float(result.reversible_capacities()["capacity_mAh_g"].iloc[-1])


def _key(cell: FullCell) -> str:
    def values(p):
        return {k: e.value for k, e in p.entries.items()}
    return json.dumps([values(cell.anode_set), values(cell.cathode_set), cell.np_ratio, cell.model],
                      sort_keys=True, default=str)


def balance(cell: FullCell) -> Balance:
    """Balance ``cell`` by its N/P ratio (cached per set values, N/P and model)."""
    key = _key(cell)
    if key in _CACHE:
        return _CACHE[key]
    if cell.np_ratio is None:
        _CACHE[key] = as_given(cell)
        return _CACHE[key]
    anode_half = HalfCell(cell.anode_set, cell.model, role="anode")
    cathode_half = HalfCell(cell.cathode_set, cell.model, role="cathode")
    q_a = reversible_capacity(anode_half)
    q_c = reversible_capacity(cathode_half)
    anode, cathode = cell.anode_electrode, cell.cathode_electrode
    m_a = anode.coating.loading_mg_cm2 * 1e-3  # g/cm²
    m_c = q_a * m_a / (cell.np_ratio * q_c)
    first_charge = q_c * m_c / cathode.first_cycle_efficiency
    loss = q_a * m_a * (1.0 / anode.first_cycle_efficiency - 1.0)
    available = max(first_charge - loss, 0.0)
    cyclable = min(available, q_c * m_c, q_a * m_a)
    ocp_a, ocp_c = anode.material.ocp, cathode.material.ocp
    x_a_empty = float(ocp_a.stoichiometry(anode_half.window_V[1], "desodiation"))
    x_c_empty = float(ocp_c.stoichiometry(cathode_half.window_V[1], "desodiation"))
    in_cathode = min(available, q_c * m_c)
    x_c0 = x_c_empty + in_cathode / (ocp_c.total_capacity_mAh_g * m_c)
    x_a0 = x_a_empty + (available - in_cathode) / (ocp_a.total_capacity_mAh_g * m_a)
    b = Balance(cell.np_ratio, q_a, q_c, m_a * 1e3, m_c * 1e3, m_c / m_a, first_charge, loss,
                cyclable, x_a0, x_c0)
    _CACHE[key] = b
    return b


def as_given(cell: FullCell) -> Balance:
    """The loadings and initial sodium fractions stated by the sets themselves (no N/P)."""
    a, c = cell.anode_electrode, cell.cathode_electrode
    m_a, m_c = a.coating.loading_mg_cm2, c.coating.loading_mg_cm2
    x_a = cell.anode_set.value("anode.initial_fraction")
    x_c = cell.cathode_set.value("cathode.initial_fraction")
    q_a, q_c = a.material.ocp.total_capacity_mAh_g, c.material.ocp.total_capacity_mAh_g
    inventory = (x_a * q_a * m_a + x_c * q_c * m_c) * 1e-3
    nan = float("nan")
    return Balance(nan, nan, nan, m_a, m_c, m_c / m_a, nan, 0.0, inventory, x_a, x_c)


def full_cell_metrics(result, b: Balance) -> dict[str, float]:
    """Capacity per anode mass, average voltage and energy density of the last discharge.

    Energy density is per total active mass of anode and cathode [Wh/kg], as paper 000
    states it ("Based on the total mass of the anode and cathode active materials").
    """
    rev = result.reversible_capacities()
    last = rev.iloc[-1]
    e_anode = float(last["energy_mWh_g"])  # mWh per g anode = Wh/kg anode
    return {
        "capacity_mAh_g_anode": float(last["capacity_mAh_g"]),
        "average_voltage_V": float(last["average_voltage_V"]),
        "energy_density_Wh_kg": e_anode / (1.0 + b.cathode_to_anode_mass),
        "cathode_to_anode_mass": b.cathode_to_anode_mass,
    }


def balance_dict(b: Balance) -> dict:
    return asdict(b)
