"""Typed materials and components: active materials, coatings, electrodes, electrolytes, the
sodium counter electrode and a cell's geometry and conditions.

Frozen dataclasses, validated on creation (a missing or unphysical field raises
:class:`~kinetics.errors.InvalidValueError` naming it); values in SI or in the unit the field
name carries. They are the one carrier of every parameter: cells are built from them and model
building reads only them. Parameter-set files are converted to and from them in one place,
:mod:`kinetics.sets.convert`; a script can make them without any file::

    from kinetics.physics import ThreeStageOCP, StageDiffusivity, ActiveMaterial, Coating, Electrode
    carbon = ActiveMaterial("my carbon", ThreeStageOCP((64, 0.7, 6.6), (64, 0.3, 2.6), (210, 0.05, 0.6)),
                            StageDiffusivity(1e-14, 3e-15, 3e-15, 0.075, 1.0, 0.06), ...)
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from typing import Literal

import numpy as np

from ..errors import InvalidValueError, UnknownNameError
from ..units import check_temperature
from .ageing import Ageing
from .ocp import MultiStageOCP
from .transport import ConstantDiffusivity, StageDiffusivity

Role = Literal["anode", "cathode"]
ROLES: tuple[Role, ...] = ("anode", "cathode")


def _require(owner: str, name: str, value: object, ok: bool, allowed: str) -> None:
    if not ok:
        raise InvalidValueError(f"{owner}.{name}" if owner else name, value, allowed)


#: Plausible particle radii [m]: electrode powders lie between nanoparticles and 1 mm; outside,
#: the value is almost surely in the wrong unit (a radius given in µm where metres are meant).
MIN_PARTICLE_RADIUS_M, MAX_PARTICLE_RADIUS_M = 1e-9, 1e-3


def _positive(owner: str, obj: object, *names: str) -> None:
    for name in names:
        v = getattr(obj, name)
        _require(owner, name, v, isinstance(v, int | float) and np.isfinite(v) and v > 0, "a positive number")


def _missing(obj: object) -> None:
    """A field left as None (a required value not given) is named, not passed on to a solver."""
    for f in fields(obj):
        if getattr(obj, f.name) is None and f.default is not None:
            raise InvalidValueError(f"{type(obj).__name__}.{f.name}", None, "a value (it is required)")


@dataclass(frozen=True)
class ActiveMaterial:
    """An active material: its OCP, solid diffusivity, interfacial kinetics and particles.

    Attributes
    ----------
    name : str
        Free text (shown in tables and plots).
    ocp : MultiStageOCP
        Open-circuit potential [V vs Na+/Na] against sodium fraction.
    diffusivity : StageDiffusivity or ConstantDiffusivity
        Solid diffusivity D(x, T) [m²/s].
    exchange_current_A_m2 : float
        Exchange-current density at half filling and the reference salt concentration [A/m²].
    exchange_current_activation_J_mol : float
        Arrhenius activation energy of the exchange current [J/mol].
    transfer_coefficient : float
        Butler–Volmer charge-transfer coefficient α, 0 < α < 1.
    particle_radius_m : float
        Particle radius [m].
    density_g_cm3 : float
        Particle (skeletal) density [g/cm³]: converts mAh/g into mol/m³.
    conductivity_S_m : float
        Electronic conductivity of the coating's solid phase [S/m].
    one_c_mA_g : float
        The specific current [mA/g] this project calls 1C for this material.
    surface_storage_fraction : float
        Share s of the surface stage's capacity (the highest-potential stage: adsorption on
        defects, edges and C=O groups) stored at particle surfaces without solid-diffusion
        limitation, 0 ≤ s < 1 (0: all sodium diffuses; the model then has one particle phase).
    surface_area_m2_g : float
        Specific surface area of the material (BET) [m²/g]; 0: no double layer.
    double_layer_F_m2 : float
        Double-layer capacitance per unit of that area [F/m²] (10 µF/cm² = 0.1 F/m²).
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
    surface_storage_fraction: float = 0.0
    surface_area_m2_g: float = 0.0
    double_layer_F_m2: float = 0.0

    def __post_init__(self):
        _missing(self)
        if not isinstance(self.ocp, MultiStageOCP):
            raise InvalidValueError(f"{self.name}.ocp", type(self.ocp).__name__, "a MultiStageOCP")
        if not isinstance(self.diffusivity, StageDiffusivity | ConstantDiffusivity):
            raise InvalidValueError(f"{self.name}.diffusivity", type(self.diffusivity).__name__,
                                    "a StageDiffusivity or a ConstantDiffusivity")
        _positive(self.name, self, "exchange_current_A_m2", "particle_radius_m", "density_g_cm3",
                  "conductivity_S_m", "one_c_mA_g")
        r = self.particle_radius_m
        _require(self.name, "particle_radius_m", r, MIN_PARTICLE_RADIUS_M <= r <= MAX_PARTICLE_RADIUS_M,
                 "a radius in metres between 1e-9 and 1e-3 (1 nm–1 mm; 1 µm is 1e-6)")
        a = self.transfer_coefficient
        _require(self.name, "transfer_coefficient", a, np.isfinite(a) and 0 < a < 1, "a number between 0 and 1")
        e = self.exchange_current_activation_J_mol
        _require(self.name, "exchange_current_activation_J_mol", e, np.isfinite(e) and 0 <= e < 2e5,
                 "an activation energy between 0 and 200 kJ/mol")
        f = self.surface_storage_fraction
        _require(self.name, "surface_storage_fraction", f, np.isfinite(f) and 0 <= f < 1, "a share 0 <= s < 1")
        area = self.surface_area_m2_g
        _require(self.name, "surface_area_m2_g", area, np.isfinite(area) and 0 <= area <= 3000,
                 "a specific surface area between 0 and 3000 m²/g")
        c = self.double_layer_F_m2
        _require(self.name, "double_layer_F_m2", c, np.isfinite(c) and 0 <= c <= 1.0,
                 "a capacitance between 0 and 1 F/m² (0–100 µF/cm²)")

    @property
    def double_layer_F_g(self) -> float:
        """Double-layer capacitance per gram of material [F/g]: C_dl × specific surface area."""
        return self.double_layer_F_m2 * self.surface_area_m2_g


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
        _missing(self)
        _require("", "loading_mg_cm2", self.loading_mg_cm2,
                 np.isfinite(self.loading_mg_cm2) and self.loading_mg_cm2 > 0, "a positive loading in mg/cm²")
        for name in ("active_volume_fraction", "porosity"):
            v = getattr(self, name)
            _require("", name, v, 0 < v < 1, "a volume fraction between 0 and 1")
        if self.active_volume_fraction + self.porosity > 1 + 1e-12:
            raise InvalidValueError("active_volume_fraction + porosity",
                                    self.active_volume_fraction + self.porosity, "at most 1")
        _require("", "bruggeman", self.bruggeman, np.isfinite(self.bruggeman) and self.bruggeman >= 1,
                 "an exponent >= 1")

    def thickness_m(self, density_g_cm3: float) -> float:
        """Coating thickness [m] = loading / (ρ · ε_s)."""
        return self.loading_mg_cm2 * 1e-3 / (density_g_cm3 * self.active_volume_fraction) * 1e-2


@dataclass(frozen=True)
class Electrode:
    """An active material in a coating, with its first-cycle efficiency in its electrolyte.

    Attributes
    ----------
    role : {"anode", "cathode"}
    material : ActiveMaterial
    coating : Coating
    first_cycle_efficiency : float
        Measured first-cycle coulombic efficiency (ICE) in (0, 1].
    initial_fraction : float or None
        Sodium fraction at the start of a full cell whose state is given rather than balanced
        (converted PyBaMM sets give it); None otherwise.
    ageing : Ageing
        Its side reactions and losses in its electrolyte (used by runs with ageing on).
    """

    role: Role
    material: ActiveMaterial
    coating: Coating
    first_cycle_efficiency: float = 1.0
    initial_fraction: float | None = None
    ageing: Ageing = Ageing()

    def __post_init__(self):
        if self.role not in ROLES:
            raise UnknownNameError("electrode role", self.role, ROLES)
        _missing(self)
        e = self.first_cycle_efficiency
        _require(self.role, "first_cycle_efficiency", e, np.isfinite(e) and 0 < e <= 1, "a fraction in (0, 1]")
        x = self.initial_fraction
        _require(self.role, "initial_fraction", x, x is None or (np.isfinite(x) and 0 <= x <= 1),
                 "a sodium fraction between 0 and 1")
        _require(self.role, "ageing", self.ageing, isinstance(self.ageing, Ageing), "an Ageing")

    @property
    def thickness_m(self) -> float:
        """Coating thickness [m]."""
        return self.coating.thickness_m(self.material.density_g_cm3)

    def with_loading(self, loading_mg_cm2: float) -> Electrode:
        """A copy with another active-material loading [mg/cm²]."""
        return replace(self, coating=replace(self.coating, loading_mg_cm2=loading_mg_cm2))


@dataclass(frozen=True)
class Electrolyte:
    """A liquid electrolyte with smooth transport laws (see :mod:`kinetics.physics.transport`).

    Attributes
    ----------
    concentration_mol_m3 : float
        Salt concentration [mol/m³] (the reference of the concentration laws).
    conductivity_S_m, conductivity_peak_mol_m3 : float
        Peak ionic conductivity [S/m] and the concentration [mol/m³] where it peaks.
    diffusivity_m2_s, diffusivity_slope : float
        Salt diffusivity at the reference concentration [m²/s] and its exponential slope [-].
    transference_number, thermodynamic_factor : float
        Cation transference number and thermodynamic factor [-].
    activation_energy_J_mol : float
        Arrhenius activation energy of conductivity and diffusivity [J/mol].
    """

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
        _missing(self)
        _positive("electrolyte", self, "concentration_mol_m3", "conductivity_S_m", "conductivity_peak_mol_m3",
                  "diffusivity_m2_s", "thermodynamic_factor")
        t = self.transference_number
        _require("electrolyte", "transference_number", t, 0 < t < 1, "a number between 0 and 1")


@dataclass(frozen=True)
class SodiumMetal:
    """The sodium metal counter electrode's Butler–Volmer kinetics.

    Attributes
    ----------
    exchange_current_A_m2 : float
        Exchange-current density at the reference salt concentration [A/m²].
    activation_energy_J_mol : float
        Its Arrhenius activation energy [J/mol].
    """

    exchange_current_A_m2: float
    activation_energy_J_mol: float = 0.0

    def __post_init__(self):
        _missing(self)
        j = self.exchange_current_A_m2
        _require("counter", "exchange_current_A_m2", j, np.isfinite(j) and j > 0,
                 "a positive exchange-current density in A/m²")


@dataclass(frozen=True)
class CellDesign:
    """Geometry and conditions of a test cell: electrode area, separator, temperature, the
    film (contact) resistance and the voltage window of its tests.

    Attributes
    ----------
    area_cm2 : float
        Electrode area [cm²].
    separator_thickness_m, separator_porosity : float
        Separator thickness [m] and porosity [-].
    temperature_K : float
        Cell temperature [K].
    film_resistance_ohm_cm2 : float
        Area-specific film/contact resistance [Ω·cm²], >= 0.
    lower_voltage_V, upper_voltage_V : float
        The window of the cell's tests [V].
    """

    area_cm2: float
    separator_thickness_m: float
    separator_porosity: float
    temperature_K: float
    film_resistance_ohm_cm2: float
    lower_voltage_V: float
    upper_voltage_V: float

    def __post_init__(self):
        _missing(self)
        if not self.lower_voltage_V < self.upper_voltage_V:
            raise InvalidValueError("voltage window", (self.lower_voltage_V, self.upper_voltage_V),
                                    "lower voltage < upper voltage")
        check_temperature("temperature_K", self.temperature_K)
        _positive("", self, "area_cm2", "separator_thickness_m")
        p = self.separator_porosity
        _require("", "separator_porosity", p, 0 < p < 1, "a porosity between 0 and 1")
        r = self.film_resistance_ohm_cm2
        _require("", "film_resistance_ohm_cm2", r, np.isfinite(r) and r >= 0, ">= 0 Ω·cm²")

    @property
    def window_V(self) -> tuple[float, float]:
        """(lower, upper) voltage limits [V]."""
        return (self.lower_voltage_V, self.upper_voltage_V)
