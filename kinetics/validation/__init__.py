"""The model against the papers: validation targets with roles and bounds (:mod:`.targets`),
``kinetics validate`` (:mod:`.compare`) and ``kinetics calibrate`` (:mod:`.calibrate`)."""

from .calibrate import CALIBRATIONS, run_calibration, stored_values
from .compare import STATUSES, Row, counts, evaluate, validate
from .targets import KNOWN_GAPS, TARGETS, Gap, Target

__all__ = ["CALIBRATIONS", "KNOWN_GAPS", "STATUSES", "TARGETS", "Gap", "Row", "Target", "counts", "evaluate",
           "run_calibration", "stored_values", "validate"]
