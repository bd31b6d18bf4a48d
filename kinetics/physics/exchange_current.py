"""Interfacial kinetics: exchange-current densities of the carbon, the cathode and the sodium
metal counter electrode.

Butler–Volmer kinetics themselves are PyBaMM's; here are the exchange-current laws it calls.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .transport import arrhenius


def intercalation_exchange_current(c_e: Any, x: Any, T: Any, j0_ref: Any, c_e_ref: Any,
                                   activation_energy_J_mol: Any) -> Any:
    """Exchange-current density [A/m²] of an insertion electrode.

    j0 = j0_ref · (c_e/c_e,ref)^½ · 2·√(x(1 − x)) · Arrhenius(E_a): equal to ``j0_ref`` at
    half filling and the reference salt concentration (the usual symmetric law, e.g.
    Doyle, Fuller & Newman, J. Electrochem. Soc. 140 (1993) 1526).
    """
    xc = np.maximum(np.minimum(x, 1.0 - 1e-9), 1e-9)
    ce = np.maximum(c_e, 1e-6)
    return j0_ref * np.sqrt(ce / c_e_ref) * 2.0 * np.sqrt(xc * (1.0 - xc)) * arrhenius(
        T, activation_energy_J_mol)


def metal_exchange_current(c_e: Any, T: Any, j0_ref: Any, c_e_ref: Any,
                           activation_energy_J_mol: Any) -> Any:
    """Exchange-current density [A/m²] of the sodium metal counter electrode.

    j0 = j0_ref · (c_e/c_e,ref)^½ · Arrhenius(E_a). Its polarisation in ester electrolytes
    cuts the carbon's plateau short (papers 000 and 001).
    """
    return j0_ref * np.sqrt(np.maximum(c_e, 1e-6) / c_e_ref) * arrhenius(T, activation_energy_J_mol)
