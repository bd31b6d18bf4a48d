"""Workflows behind the commands: the main job and studies (:mod:`.study`), GITT analysis and
identification (:mod:`.gitt`), OCP fits to equilibrium tables (:mod:`.fit_ocp`), a full cell's
electrode balance from its OCV (:mod:`.fit_ocv`), voltammograms at several scan rates (:mod:`.cv`),
long cycling with ageing (:mod:`.cycle`), full-cell design studies (:mod:`.design`).
Each checks its input first and writes a new output folder that is complete or absent.

Import the module of the workflow you run (``from kinetics.workflows.study import run_study``):
the package imports none of them, so a command loads only its own."""
