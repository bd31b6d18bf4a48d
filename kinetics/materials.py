"""Materials, coatings, electrolytes and the sodium counter electrode, built from parameter sets.

Frozen dataclasses, validated on creation; values in SI (or the unit in the field name).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Literal

import numpy as np

from .errors import InvalidValueError, UnknownNameError
from .ocp import ANODE_STAGE_NAMES, MultiStageOCP, Stage
from .parameter_sets import ParameterSet
from .transport import StageDiffusivity, arrhenius

Role = Literal["anode", "cathode"]
ROLES: tuple[Role, ...] = ("anode", "cathode")


@dataclass(frozen=True)
class ConstantDiffusivity:
    """A single solid diffusivity [m²/s] with an Arrhenius factor (cathodes)."""

    value_m2_s: float
    activation_energy_J_mol: float = 0.0

    def __call__(self, x, ocp=None, T=298.15):
        return self.value_m2_s * arrhenius(T, self.activation_energy_J_mol) + 0.0 * x


@dataclass(frozen=True)
class ActiveMaterial:
    """An active material: its OCP, solid diffusivity, kinetics and particle properties.

    Attributes
    ----------
    exchange_current_A_m2 : float
        Exchange-current density at half filling and 1 M salt [A/m²].
    particle_radius_m : float
        Particle radius [m].
    density_g_cm3 : float
        Particle (skeletal) density [g/cm³]: converts mAh/g into mol/m³.
    one_c_mA_g : float
        The specific current [mA/g] that this project calls 1C for this material.
    """

    name: str
    ocp: MultiStageOCP
    diffusivity: StageDiffusivity | ConstantDiffusivity
    exchange_current_A_m2: float
    exchange_current_activation_J_mol: float
    transfer_coefficient: float
    particle_radius_m: float
    density_g_cm3: float
    conductivity_S_m: float
    one_c_mA_g: float

    def __post_init__(self):
        for field_name in ("exchange_current_A_m2", "particle_radius_m", "density_g_cm3",
                           "conductivity_S_m", "one_c_mA_g"):
            v = getattr(self, field_name)
            if not (np.isfinite(v) and v > 0):
                raise InvalidValueError(f"{self.name}.{field_name}", v, "a positive number")
        if not 0 < self.transfer_coefficient < 1:
            raise InvalidValueError(f"{self.name}.transfer_coefficient", self.transfer_coefficient,
                                    "a number between 0 and 1")


@dataclass(frozen=True)
class Coating:
    """An electrode coating: loading and microstructure.

    Attributes
    ----------
    loading_mg_cm2 : float
        Active-material mass loading [mg/cm²].
    active_volume_fraction, porosity : float
        Volume fractions of active material and of electrolyte-filled pores [-].
    bruggeman : float
        Bruggeman exponent for the electrolyte's tortuosity [-].
    """

    loading_mg_cm2: float
    active_volume_fraction: float
    porosity: float
    bruggeman: float = 1.5

    def __post_init__(self):
        if not (np.isfinite(self.loading_mg_cm2) and self.loading_mg_cm2 > 0):
            raise InvalidValueError("loading_mg_cm2", self.loading_mg_cm2, "a positive loading in mg/cm²")
        for name in ("active_volume_fraction", "porosity"):
            v = getattr(self, name)
            if not 0 < v < 1:
                raise InvalidValueError(name, v, "a volume fraction between 0 and 1")
        if self.active_volume_fraction + self.porosity > 1 + 1e-12:
            raise InvalidValueError("active_volume_fraction + porosity",
                                    self.active_volume_fraction + self.porosity, "at most 1")

    def thickness_m(self, density_g_cm3: float) -> float:
        """Coating thickness [m] = loading / (ρ · ε_s)."""
        return self.loading_mg_cm2 * 1e-3 / (density_g_cm3 * self.active_volume_fraction) * 1e-2


@dataclass(frozen=True)
class Electrode:
    """An active material in a coating, with its first-cycle efficiency in this electrolyte."""

    role: Role
    material: ActiveMaterial
    coating: Coating
    first_cycle_efficiency: float = 1.0

    def __post_init__(self):
        if self.role not in ROLES:
            raise UnknownNameError("electrode role", self.role, ROLES)
        if not 0 < self.first_cycle_efficiency <= 1:
            raise InvalidValueError(f"{self.role}.first_cycle_efficiency", self.first_cycle_efficiency,
                                    "a fraction in (0, 1]")

    @property
    def thickness_m(self) -> float:
        return self.coating.thickness_m(self.material.density_g_cm3)

    def with_loading(self, loading_mg_cm2: float) -> Electrode:
        """A copy with another active-material loading [mg/cm²]."""
        return replace(self, coating=replace(self.coating, loading_mg_cm2=loading_mg_cm2))


@dataclass(frozen=True)
class Electrolyte:
    """A liquid electrolyte with smooth transport laws (see :mod:`kinetics.transport`)."""

    name: str
    concentration_mol_m3: float
    conductivity_S_m: float
    conductivity_peak_mol_m3: float
    diffusivity_m2_s: float
    diffusivity_slope: float
    transference_number: float
    thermodynamic_factor: float
    activation_energy_J_mol: float

    def __post_init__(self):
        for name in ("concentration_mol_m3", "conductivity_S_m", "conductivity_peak_mol_m3",
                     "diffusivity_m2_s"):
            v = getattr(self, name)
            if not (np.isfinite(v) and v > 0):
                raise InvalidValueError(f"electrolyte.{name}", v, "a positive number")
        if not 0 < self.transference_number < 1:
            raise InvalidValueError("electrolyte.transference_number", self.transference_number,
                                    "a number between 0 and 1")


@dataclass(frozen=True)
class SodiumMetal:
    """The sodium metal counter electrode's Butler–Volmer kinetics."""

    exchange_current_A_m2: float
    activation_energy_J_mol: float = 0.0

    def __post_init__(self):
        if not (np.isfinite(self.exchange_current_A_m2) and self.exchange_current_A_m2 > 0):
            raise InvalidValueError("counter.exchange_current_density", self.exchange_current_A_m2,
                                    "a positive exchange-current density in A/m²")


# ----------------------------------------------------------------------------- from parameter sets
def stage_names(pset: ParameterSet, role: Role) -> list[str]:
    """Stage names defined for ``role`` in a set (``<role>.ocp.<stage>.capacity``)."""
    pat = re.compile(rf"^{role}\.ocp\.([a-z_0-9]+)\.capacity$")
    return [m.group(1) for n in pset.names(f"{role}.ocp.") if (m := pat.match(n))]


def ocp_from_set(pset: ParameterSet, role: Role) -> MultiStageOCP:
    """The multi-stage OCP of electrode ``role``."""
    names = stage_names(pset, role)
    if not names:
        raise UnknownNameError(f"{role} OCP stages in set {pset.name!r}", f"{role}.ocp.*", pset.names())
    stages = tuple(
        Stage(n, pset.value(f"{role}.ocp.{n}.capacity"), pset.value(f"{role}.ocp.{n}.potential"),
              pset.value(f"{role}.ocp.{n}.width"))
        for n in names)
    hyst = pset.value(f"{role}.ocp.hysteresis") if f"{role}.ocp.hysteresis" in pset else 0.0
    if set(names) == set(ANODE_STAGE_NAMES):
        ordered = sorted(stages, key=lambda s: -s.potential_V)
        if [s.name for s in ordered] != list(ANODE_STAGE_NAMES):
            raise InvalidValueError(f"{role} stage potentials", {s.name: s.potential_V for s in stages},
                                    "adsorption > insertion > pore_filling")
        return MultiStageOCP(stages, hysteresis_V=hyst, hysteresis_stage="pore_filling")
    return MultiStageOCP(stages, hysteresis_V=hyst)


def diffusivity_from_set(pset: ParameterSet, role: Role) -> StageDiffusivity | ConstantDiffusivity:
    p = f"{role}.diffusivity"
    if f"{p}.pore_filling" in pset:
        return StageDiffusivity(
            pset.value(f"{p}.adsorption"), pset.value(f"{p}.insertion"), pset.value(f"{p}.pore_filling"),
            pset.value(f"{p}.minimum_potential"), pset.value(f"{p}.minimum_depth"),
            pset.value(f"{p}.minimum_width"), pset.value(f"{p}.activation_energy"))
    return ConstantDiffusivity(pset.value(p), pset.value(f"{p}_activation_energy")
                               if f"{p}_activation_energy" in pset else 0.0)


def electrode_from_set(pset: ParameterSet, role: Role) -> Electrode:
    """The electrode ``role`` ("anode" or "cathode") described by a parameter set."""
    if role not in ROLES:
        raise UnknownNameError("electrode role", role, ROLES)
    v = pset.value
    material = ActiveMaterial(
        name=pset.entries[f"{role}.name"].value if f"{role}.name" in pset else pset.name,
        ocp=ocp_from_set(pset, role),
        diffusivity=diffusivity_from_set(pset, role),
        exchange_current_A_m2=v(f"{role}.kinetics.exchange_current_density"),
        exchange_current_activation_J_mol=v(f"{role}.kinetics.activation_energy"),
        transfer_coefficient=v(f"{role}.kinetics.transfer_coefficient"),
        particle_radius_m=v(f"{role}.particle_radius"),
        density_g_cm3=v(f"{role}.density"),
        conductivity_S_m=v(f"{role}.conductivity"),
        one_c_mA_g=v(f"{role}.one_c_current"),
    )
    coating = Coating(v(f"{role}.coating.loading"), v(f"{role}.coating.active_volume_fraction"),
                      v(f"{role}.coating.porosity"), v(f"{role}.coating.bruggeman"))
    ice_key = f"{role}.first_cycle_efficiency"
    return Electrode(role, material, coating, v(ice_key) if ice_key in pset else 1.0)


def electrolyte_from_set(pset: ParameterSet) -> Electrolyte:
    v = pset.value
    return Electrolyte(
        name=str(pset.entries["electrolyte.name"].value) if "electrolyte.name" in pset else "electrolyte",
        concentration_mol_m3=v("electrolyte.concentration"),
        conductivity_S_m=v("electrolyte.conductivity"),
        conductivity_peak_mol_m3=v("electrolyte.conductivity_peak_concentration"),
        diffusivity_m2_s=v("electrolyte.diffusivity"),
        diffusivity_slope=v("electrolyte.diffusivity_slope"),
        transference_number=v("electrolyte.transference_number"),
        thermodynamic_factor=v("electrolyte.thermodynamic_factor"),
        activation_energy_J_mol=v("electrolyte.activation_energy"),
    )


def sodium_metal_from_set(pset: ParameterSet) -> SodiumMetal:
    return SodiumMetal(pset.value("counter.exchange_current_density"),
                       pset.value("counter.activation_energy"))
