"""A full cell's equilibrium (theoretical) capacity and energy: what its two open-circuit
potentials hold between its voltage limits, with no current.

With electrode capacities Q_a, Q_c [A·h] and a cyclable sodium inventory Q_Na [A·h] shared as
x_a Q_a + x_c Q_c = Q_Na, the cell voltage at equilibrium is U_c(x_c) − U_a(x_a). The charged and
discharged states are where it equals the upper and lower cut-offs; the discharge moves
ΔQ = Q_a (x_a,charged − x_a,discharged) and delivers

.. math::

    E = \\int_0^{ΔQ} \\big(U_c(x_c(q)) - U_a(x_a(q))\\big)\\,dq,

the quantity PyBaMM's ``calculate_theoretical_energy`` computes from its electrode-SOH solve
(tested against it on PyBaMM's Chayambuka2022 tables). Pure numpy and scipy; the potentials are
any vectorised callables x → U [V].
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from scipy.optimize import brentq

from ..errors import InvalidValueError

Potential = Callable[[np.ndarray], np.ndarray]


@dataclass(frozen=True)
class Equilibrium:
    """Equilibrium states and what the discharge between them delivers.

    Attributes
    ----------
    anode_window, cathode_window : (float, float)
        Sodium fractions (charged, discharged) [-].
    capacity_Ah, energy_Wh : float
    average_voltage_V : float
    """

    anode_window: tuple[float, float]
    cathode_window: tuple[float, float]
    capacity_Ah: float
    energy_Wh: float

    @property
    def average_voltage_V(self) -> float:
        return self.energy_Wh / self.capacity_Ah


def _state(U_a: Potential, U_c: Potential, Q_a: float, Q_c: float, inventory: float, V: float) -> float:
    """Anode fraction x_a where U_c((Q_Na − x_a Q_a)/Q_c) − U_a(x_a) = V."""
    lo = max(0.0, (inventory - Q_c) / Q_a) + 1e-9
    hi = min(1.0, inventory / Q_a) - 1e-9

    def f(x_a: float) -> float:
        x_c = (inventory - x_a * Q_a) / Q_c
        return float(np.asarray(U_c(np.array([x_c]))).ravel()[0] - np.asarray(U_a(np.array([x_a]))).ravel()[0]) - V

    f_lo, f_hi = f(lo), f(hi)
    if np.sign(f_lo) == np.sign(f_hi):
        raise InvalidValueError("voltage limit", V, f"a cell voltage between {min(f_lo, f_hi) + V:.3f} and "
                                f"{max(f_lo, f_hi) + V:.3f} V, which these electrodes and inventory can reach")
    return float(brentq(f, lo, hi, xtol=1e-12))


def equilibrium(U_a: Potential, U_c: Potential, anode_Ah: float, cathode_Ah: float, inventory_Ah: float,
                window_V: tuple[float, float], points: int = 2001) -> Equilibrium:
    """Equilibrium capacity and energy of a discharge from ``window_V[1]`` to ``window_V[0]``.

    Parameters
    ----------
    U_a, U_c : callable
        Anode and cathode potentials [V vs Na+/Na] of their sodium fraction.
    anode_Ah, cathode_Ah : float
        Each electrode's full capacity (sodium fraction 0 → 1) [A·h].
    inventory_Ah : float
        Cyclable sodium [A·h].
    window_V : (float, float)
        Lower and upper cell-voltage limits [V].
    points : int
        Trapezoid points of the energy integral.
    """
    for name, v in (("anode capacity", anode_Ah), ("cathode capacity", cathode_Ah), ("sodium inventory", inventory_Ah)):
        if not (np.isfinite(v) and v > 0):
            raise InvalidValueError(name, v, "a positive capacity in A·h")
    lo, hi = window_V
    x_charged = _state(U_a, U_c, anode_Ah, cathode_Ah, inventory_Ah, hi)
    x_discharged = _state(U_a, U_c, anode_Ah, cathode_Ah, inventory_Ah, lo)
    x_a = np.linspace(x_charged, x_discharged, points)
    x_c = (inventory_Ah - x_a * anode_Ah) / cathode_Ah
    V = np.asarray(U_c(x_c), float).ravel() - np.asarray(U_a(x_a), float).ravel()
    Q = anode_Ah * (x_charged - x_discharged)
    E = float(np.trapezoid(V, dx=Q / (points - 1)))
    return Equilibrium((x_charged, x_discharged), (float(x_c[0]), float(x_c[-1])), float(Q), E)
