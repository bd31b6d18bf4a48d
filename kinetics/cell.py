"""Cells: a carbon (or cathode) half cell against sodium metal, and a carbon // cathode full cell.

Users speak of anode, cathode, sodiate and desodiate, mg/cm², µm and mA/g; how PyBaMM
names things is :mod:`kinetics._pybamm_names`' business.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Literal

import numpy as np

from .errors import InvalidValueError, UnknownNameError
from .materials import (
    Electrode,
    Electrolyte,
    SodiumMetal,
    electrode_from_set,
    electrolyte_from_set,
    sodium_metal_from_set,
)
from .parameter_sets import ParameterSet, load

ModelName = Literal["SPM", "SPMe", "DFN"]
MODELS: tuple[str, ...] = ("SPM", "SPMe", "DFN")


def model_name(name: str) -> ModelName:
    """Validate a model name (case-insensitive) and return its canonical spelling."""
    for m in MODELS:
        if str(name).lower() == m.lower():
            return m  # type: ignore[return-value]
    raise UnknownNameError("model", name, MODELS)


def _as_set(p: str | ParameterSet) -> ParameterSet:
    return p if isinstance(p, ParameterSet) else load(p)


@dataclass(frozen=True)
class CellDesign:
    """Geometry and conditions shared by half and full cells (from ``cell.*`` entries)."""

    area_cm2: float
    separator_thickness_m: float
    separator_porosity: float
    temperature_K: float
    film_resistance_ohm_cm2: float
    lower_voltage_V: float
    upper_voltage_V: float

    def __post_init__(self):
        if self.lower_voltage_V >= self.upper_voltage_V:
            raise InvalidValueError("voltage window", (self.lower_voltage_V, self.upper_voltage_V),
                                    "lower voltage < upper voltage")
        for name in ("area_cm2", "separator_thickness_m", "temperature_K"):
            if not getattr(self, name) > 0:
                raise InvalidValueError(name, getattr(self, name), "a positive number")
        if self.film_resistance_ohm_cm2 < 0:
            raise InvalidValueError("film_resistance_ohm_cm2", self.film_resistance_ohm_cm2, ">= 0")


def design_from_set(pset: ParameterSet, prefix: str = "cell") -> CellDesign:
    v = pset.value
    return CellDesign(v(f"{prefix}.area"), v(f"{prefix}.separator_thickness"),
                      v(f"{prefix}.separator_porosity"), v(f"{prefix}.temperature"),
                      v(f"{prefix}.film_resistance"), v(f"{prefix}.lower_voltage"),
                      v(f"{prefix}.upper_voltage"))


@dataclass(frozen=True)
class HalfCell:
    """A working electrode (carbon anode or cathode) against sodium metal.

    Parameters
    ----------
    parameter_set : str or ParameterSet
        A half-cell set, e.g. ``"MPCC-1-ether"`` (case-insensitive) or a loaded set.
    model : {"SPM", "SPMe", "DFN"}
        PyBaMM model family.
    role : {"anode", "cathode"}, optional
        Which electrode of the set works against sodium; needed only for sets that describe
        both (``pybamm:<name>``), otherwise the one the set has.

    Examples
    --------
    >>> cell = HalfCell("MPCC-1-ether")  # doctest: +SKIP
    >>> cell.active_mass_mg  # doctest: +SKIP
    """

    parameter_set: str | ParameterSet = "MPCC-1-ether"
    model: str = "SPMe"
    role: str | None = None
    pset: ParameterSet = field(init=False, repr=False)
    working: Electrode = field(init=False, repr=False)
    electrolyte: Electrolyte = field(init=False, repr=False)
    counter: SodiumMetal = field(init=False, repr=False)
    design: CellDesign = field(init=False, repr=False)

    kind = "half"

    def __post_init__(self):
        pset = _as_set(self.parameter_set)
        object.__setattr__(self, "model", model_name(self.model))
        object.__setattr__(self, "pset", pset)
        role = self.role or ("anode" if pset.names("anode.") else "cathode")
        if role not in ("anode", "cathode"):
            raise UnknownNameError("role", role, ("anode", "cathode"))
        if not pset.names(role + "."):
            raise InvalidValueError("parameter set", pset.name, f"a set with {role}.* entries")
        object.__setattr__(self, "role", role)
        object.__setattr__(self, "working", electrode_from_set(pset, role))
        object.__setattr__(self, "electrolyte", electrolyte_from_set(pset))
        object.__setattr__(self, "counter", sodium_metal_from_set(pset))
        design = design_from_set(pset)
        if f"{role}.lower_voltage" in pset:  # a set with both electrodes gives each its window
            design = replace(design, lower_voltage_V=pset.value(f"{role}.lower_voltage"),
                             upper_voltage_V=pset.value(f"{role}.upper_voltage"))
        object.__setattr__(self, "design", design)

    @property
    def active_mass_mg(self) -> float:
        """Active-material mass of the working electrode [mg]."""
        return self.working.coating.loading_mg_cm2 * self.design.area_cm2

    def current_A(self, specific_current_mA_g: float) -> float:
        """Cell current [A] for a specific current [mA/g of working active material]."""
        return specific_current_mA_g * 1e-3 * self.active_mass_mg * 1e-3

    @property
    def window_V(self) -> tuple[float, float]:
        """(lower, upper) voltage limits [V vs Na+/Na] of this set's tests."""
        return (self.design.lower_voltage_V, self.design.upper_voltage_V)


@dataclass(frozen=True)
class FullCell:
    """A carbon anode against a cathode, balanced by the N/P ratio.

    The N/P ratio is the anode's reversible areal capacity over the cathode's, both at the
    papers' test current of 20 mA/g, as paper 000 uses it; each reversible capacity is
    simulated in its own half cell against sodium metal (see :func:`kinetics.design.balance`).
    The cathode loading follows from the anode loading and N/P. The sodium lost in the first
    cycle is not replaced: the initial sodium inventory is the cathode's first-charge capacity
    minus the anode's first-cycle loss, both from the sets' first-cycle efficiencies.

    Parameters
    ----------
    anode : str or ParameterSet
        An anode half-cell set (its electrolyte and cell design are used).
    cathode : str or ParameterSet
        A cathode set.
    np_ratio : float or None
        N/P ratio (> 0), see above. ``None`` keeps the loadings and initial sodium fractions
        the sets give (``anode.initial_fraction``, ``cathode.initial_fraction``; converted
        ``pybamm:<name>`` sets have them).
    model : {"SPM", "SPMe", "DFN"}
    """

    anode: str | ParameterSet = "MPCC-1-ether"
    cathode: str | ParameterSet = "O3-Na0.9TMO2"
    np_ratio: float | None = 1.05
    model: str = "SPMe"
    anode_set: ParameterSet = field(init=False, repr=False)
    cathode_set: ParameterSet = field(init=False, repr=False)
    anode_electrode: Electrode = field(init=False, repr=False)
    cathode_electrode: Electrode = field(init=False, repr=False)
    electrolyte: Electrolyte = field(init=False, repr=False)
    design: CellDesign = field(init=False, repr=False)

    kind = "full"

    def __post_init__(self):
        a, c = _as_set(self.anode), _as_set(self.cathode)
        if self.np_ratio is None:
            if "anode.initial_fraction" not in a or "cathode.initial_fraction" not in c:
                raise InvalidValueError("np_ratio", None, "a positive N/P ratio (these sets give no "
                                        "initial sodium fractions to keep)")
        elif not (np.isfinite(self.np_ratio) and self.np_ratio > 0):
            raise InvalidValueError("np_ratio", self.np_ratio,
                                    "a positive N/P ratio (anode over cathode reversible capacity)")
        if not a.names("anode."):
            raise InvalidValueError("anode", a.name, "a set with anode.* entries")
        if not c.names("cathode."):
            raise InvalidValueError("cathode", c.name, "a set with cathode.* entries")
        object.__setattr__(self, "model", model_name(self.model))
        object.__setattr__(self, "anode_set", a)
        object.__setattr__(self, "cathode_set", c)
        object.__setattr__(self, "anode_electrode", electrode_from_set(a, "anode"))
        object.__setattr__(self, "cathode_electrode", electrode_from_set(c, "cathode"))
        object.__setattr__(self, "electrolyte", electrolyte_from_set(a))
        base = design_from_set(a)
        full = design_from_set(c, "full_cell") if c.names("full_cell.") else base
        object.__setattr__(self, "design", CellDesign(
            base.area_cm2, base.separator_thickness_m, base.separator_porosity, base.temperature_K,
            base.film_resistance_ohm_cm2, full.lower_voltage_V, full.upper_voltage_V))

    @property
    def anode_mass_mg(self) -> float:
        return self.anode_electrode.coating.loading_mg_cm2 * self.design.area_cm2

    def current_A(self, specific_current_mA_g: float) -> float:
        """Cell current [A] for a specific current [mA/g of anode active material]."""
        return specific_current_mA_g * 1e-6 * self.anode_mass_mg

    @property
    def window_V(self) -> tuple[float, float]:
        return (self.design.lower_voltage_V, self.design.upper_voltage_V)
