"""Fitting half-cell models to measured GCD curves (see :func:`kinetics.fitting.fit.fit`)."""

from .fit import FitResult, fit, predict
from .parameters import FitParameter, expand, make_parameters

__all__ = ["FitParameter", "FitResult", "expand", "fit", "make_parameters", "predict"]
