"""hc-kinetics: electrochemical kinetic modelling of sodium-ion batteries with hard- and
soft-carbon anodes, on PyBaMM.

The public names are few; each is documented with units::

    import kinetics as hk
    cell = hk.HalfCell("MPCC-1-ether")
    result = hk.run(cell, hk.rate_test([20, 200, 2000]))

The package's layers, each importing only those below it (``ARCHITECTURE.md``): ``physics`` →
``sets`` → ``cells`` → ``protocols`` → ``engine`` (the only code that imports PyBaMM/CasADi) →
``results`` → ``io``, ``analysis``, ``fitting``, ``design``, ``virtual``, ``validation`` →
``workflows`` → ``cli``.
"""

from .cells import Balance, FullCell, HalfCell
from .design import balance, balanced
from .errors import (
    Interrupted,
    InvalidValueError,
    KineticsError,
    PlatingWarning,
    RunFailedError,
    SimulationWarning,
    UnknownNameError,
)
from .physics import (
    ActiveMaterial,
    CellDesign,
    Coating,
    ConstantDiffusivity,
    Electrode,
    Electrolyte,
    MultiStageOCP,
    SodiumMetal,
    Stage,
    StageDiffusivity,
    ThreeStageOCP,
)
from .protocols import Step, charge, desodiate, discharge, rate_test, rest, sodiate
from .results import Result, Simulator, run
from .sets import ParameterSet, available, load

__version__ = "0.1.0"

__all__ = [
    "ActiveMaterial",
    "Balance",
    "CellDesign",
    "Coating",
    "ConstantDiffusivity",
    "Electrode",
    "Electrolyte",
    "FullCell",
    "HalfCell",
    "Interrupted",
    "InvalidValueError",
    "KineticsError",
    "MultiStageOCP",
    "ParameterSet",
    "PlatingWarning",
    "Result",
    "RunFailedError",
    "SimulationWarning",
    "Simulator",
    "SodiumMetal",
    "Stage",
    "StageDiffusivity",
    "Step",
    "ThreeStageOCP",
    "UnknownNameError",
    "available",
    "balance",
    "balanced",
    "charge",
    "desodiate",
    "discharge",
    "load",
    "rate_test",
    "rest",
    "run",
    "sodiate",
]
