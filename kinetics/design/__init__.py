"""Cell design: balancing full cells by N/P ratio and their figures of merit."""

from .balance import BALANCE_CURRENT_mA_g, balance, balanced, reversible_capacity
from .metrics import energy_density_Wh_kg, full_cell_metrics

__all__ = ["BALANCE_CURRENT_mA_g", "balance", "balanced", "energy_density_Wh_kg", "full_cell_metrics",
           "reversible_capacity"]
