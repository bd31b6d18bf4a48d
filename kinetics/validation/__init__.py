"""The model against the papers: validation targets with roles and bounds (:mod:`.targets`),
``kinetics validate`` (:mod:`.compare`) and ``kinetics calibrate`` (:mod:`.calibrate`).

Import the module you use (``from kinetics.validation.compare import validate``): the package
imports none of them, so the command line's statuses do not load the calibrations' fitting code.
"""
