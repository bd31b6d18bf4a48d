"""Fitting models to measured data: one parameter abstraction (:mod:`.parameters`), the model
a fit evaluates (:mod:`.model`), least squares with exact sensitivities (:mod:`.fit`), reports,
and the GITT identification (:mod:`.gitt`)."""

from .fit import FitResult, fit, predict
from .parameters import Parameter, Parameters, Tie, expand, make_parameters

__all__ = ["FitResult", "Parameter", "Parameters", "Tie", "expand", "fit", "make_parameters", "predict"]
