"""What a material does: open-circuit potentials, solid and electrolyte transport, exchange
currents, and the typed materials and components cells are built from. Pure functions and
frozen dataclasses; no solver, no files."""

from .ageing import Ageing
from .exchange_current import intercalation_exchange_current, metal_exchange_current
from .materials import ActiveMaterial, CellDesign, Coating, Electrode, Electrolyte, SodiumMetal
from .ocp import ANODE_STAGE_NAMES, CATHODE_STAGE_NAMES, MultiStageOCP, Stage, ThreeStageOCP
from .transport import ConstantDiffusivity, StageDiffusivity, arrhenius

__all__ = [
    "ANODE_STAGE_NAMES", "CATHODE_STAGE_NAMES", "ActiveMaterial", "Ageing", "CellDesign", "Coating",
    "ConstantDiffusivity",
    "Electrode", "Electrolyte", "MultiStageOCP", "SodiumMetal", "Stage", "StageDiffusivity", "ThreeStageOCP",
    "arrhenius", "intercalation_exchange_current", "metal_exchange_current",
]
