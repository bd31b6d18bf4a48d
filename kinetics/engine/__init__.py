"""The engine: the only package that imports PyBaMM and CasADi.

``names`` (every PyBaMM key string and convention), ``build`` (a cell's typed objects → a PyBaMM
model and parameter values), ``steps`` (protocol steps → PyBaMM steps and terminations),
``solve`` (solver creation, running protocols), ``replay`` (measured protocols with forward
sensitivities) and ``pybamm_sets`` (``pybamm:<name>`` parameter sets, registered with
:func:`kinetics.sets.register_importer` on import).
"""

from . import pybamm_sets  # noqa: F401  (registers the "pybamm:" prefix of kinetics.sets.load)
from .build import HEADROOM, INITIAL_FRACTION_INPUT, BuiltModel, build, input_names
from .replay import Replayer, ReplayOutput, SweepLeg, SweepOutput, SweepReplayer
from .solve import SOLVER_SETTINGS, ChunkRun, CycleSkipping, Engine, StepSeries, clear_built, make_solver

__all__ = ["HEADROOM", "INITIAL_FRACTION_INPUT", "SOLVER_SETTINGS", "BuiltModel", "ChunkRun", "CycleSkipping", "Engine",
           "ReplayOutput", "Replayer", "StepSeries", "SweepLeg", "SweepOutput", "SweepReplayer", "build", "clear_built",
           "input_names", "make_solver"]
