"""Workflows behind the commands: the main job and studies (:mod:`.study`), GITT analysis and
identification (:mod:`.gitt`), OCP fits to equilibrium tables (:mod:`.fit_ocp`), a full cell's
electrode balance from its OCV (:mod:`.fit_ocv`), voltammograms at several scan rates (:mod:`.cv`),
long cycling with ageing (:mod:`.cycle`), full-cell design studies (:mod:`.design`).
Each checks its input first and writes a new output folder that is complete or absent."""

from .cv import run_cv, run_simulate_cv
from .cycle import run_cycle
from .design import run_design_study
from .fit_ocp import run_fit_ocp
from .fit_ocv import run_fit_ocv
from .gitt import run_gitt
from .study import FullCellTest, HalfCellTest, Study, load_study, markdown_summary, print_table, run_study

__all__ = ["FullCellTest", "HalfCellTest", "Study", "load_study", "markdown_summary", "print_table", "run_cv",
           "run_cycle", "run_design_study", "run_fit_ocp", "run_fit_ocv", "run_gitt", "run_simulate_cv", "run_study"]
