"""Parameter sets: data with units and provenance (load, save, list), the named functional
forms, and the one conversion between sets and typed objects (:mod:`.convert`)."""

from . import convert
from .forms import FORMS
from .store import (
    KINDS,
    Entry,
    ParameterSet,
    available,
    data_directory,
    describe,
    internal_unit,
    load,
    register_importer,
    shipped_file,
    update_file_values,
)

__all__ = ["FORMS", "KINDS", "Entry", "ParameterSet", "available", "convert", "data_directory", "describe",
           "internal_unit", "load", "register_importer", "shipped_file", "update_file_values"]
