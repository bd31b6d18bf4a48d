"""Cell design: balancing full cells by N/P ratio, stack masses and volumes, figures of merit,
equilibrium capacity and energy, sweeps (local processes or Dask) and the N/P optimisation."""

from .balance import BALANCE_CURRENT_mA_g, balance, balanced, reversible_capacity
from .cell_design import Design
from .equilibrium import Equilibrium, equilibrium
from .metrics import design_metrics, energy_density_Wh_kg, equilibrium_of, full_cell_metrics
from .optimise import Optimum, Target, optimise_np
from .stack import FORMATS, Format, Loading, Separator, Stack, StackMass, stack_mass
from .sweep import Grid, SweepResult, np_values, sweep

__all__ = ["BALANCE_CURRENT_mA_g", "FORMATS", "Design", "Equilibrium", "Format", "Grid", "Loading", "Optimum",
           "Separator", "Stack", "StackMass", "SweepResult", "Target", "balance", "balanced", "design_metrics",
           "energy_density_Wh_kg", "equilibrium", "equilibrium_of", "full_cell_metrics", "np_values", "optimise_np",
           "reversible_capacity", "stack_mass", "sweep"]
