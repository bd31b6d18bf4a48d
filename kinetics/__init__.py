"""hc-kinetics: electrochemical kinetic modelling of sodium-ion batteries with hard- and
soft-carbon anodes, on PyBaMM.

The public names are few; each is documented with units::

    import kinetics as hk
    cell = hk.HalfCell("MPCC-1-ether")
    result = hk.run(cell, hk.rate_test([20, 200, 2000]))
"""

from .cell import FullCell, HalfCell
from .design import Balance, balance
from .errors import InvalidValueError, KineticsError, SimulationWarning, UnknownNameError
from .ocp import MultiStageOCP, Stage, ThreeStageOCP
from .parameter_sets import ParameterSet, available, load
from .protocols import Step, charge, desodiate, discharge, rate_test, rest, sodiate
from .results import Result
from .simulate import Simulator, run
from .transport import StageDiffusivity

__version__ = "0.1.0"

__all__ = [
    "Balance",
    "FullCell",
    "HalfCell",
    "InvalidValueError",
    "KineticsError",
    "MultiStageOCP",
    "ParameterSet",
    "Result",
    "SimulationWarning",
    "Simulator",
    "Stage",
    "StageDiffusivity",
    "Step",
    "ThreeStageOCP",
    "UnknownNameError",
    "available",
    "balance",
    "charge",
    "desodiate",
    "discharge",
    "load",
    "rate_test",
    "rest",
    "run",
    "sodiate",
]
