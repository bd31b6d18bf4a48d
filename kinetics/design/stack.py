"""What a cell weighs and how much room it takes: coatings, current collectors, separator,
electrolyte, tabs and casing, for a coin cell, a pouch or an 18650.

The mass of one electrode pair per unit area follows PyBOP 26.3's ``cell_mass()`` (each coating
ε_s ρ_s + ε ρ_e + (1 − ε_s − ε) ρ_cb times its thickness, the separator and both current
collectors times theirs) and adds what it leaves out: the electrolyte in the separator's pores,
an electrolyte excess over the pore volume, collectors shared by the two coatings of a
double-sided electrode, and the format's tabs and casing. Volumes: the stack is its thickness
times its area; a coin cell and an 18650 occupy their standard outer volume, a pouch its stack
plus laminate and seal margins.

Every default below names its source; numbers this project could not check are marked assumed
with the reasoning that gives them.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field, replace

from ..errors import InvalidValueError, UnknownNameError
from ..physics.materials import Electrode
from ..units import convert

#: Densities [g/cm³] of the collector metals (PyBaMM's Chen2020-derived sets, e.g. OKane2022:
#: "Negative current collector density [kg.m-3]": 8960, "Positive …": 2700).
METAL_DENSITY_G_CM3 = {"Al": 2.70, "Cu": 8.96}
#: Carbon black + binder (PVDF 1.78 g/cm³, carbon black ≈ 1.8–2.0): 1.8 g/cm³, assumed.
INERT_DENSITY_G_CM3 = 1.8
#: 1 M NaPF6 in carbonates or glymes: 1.2 g/cm³, assumed (LiPF6 carbonate electrolytes are
#: 1.2–1.3 g/cm³; glymes are lighter, ≈ 0.95).
ELECTROLYTE_DENSITY_G_CM3 = 1.2
#: Electrolyte volume over the pore volume of electrodes and separator: 1.1, assumed (cells are
#: filled slightly beyond their pores; the coin cells of the papers are flooded, see Format).
ELECTROLYTE_EXCESS = 1.1


@dataclass(frozen=True)
class Separator:
    """A separator: thickness [m], porosity [-] and the density of its solid [g/cm³]."""

    thickness_m: float
    porosity: float
    solid_density_g_cm3: float
    source: str

    def __post_init__(self):
        if not (math.isfinite(self.thickness_m) and 1e-6 <= self.thickness_m <= 1e-3):
            raise InvalidValueError("separator thickness", self.thickness_m, "1 µm to 1 mm (in m)")
        if not 0.2 <= self.porosity < 1:
            raise InvalidValueError("separator porosity", self.porosity, "0.2 ≤ porosity < 1")


#: Polyolefin separator of commercial cells: Celgard 2325 (PP/PE/PP, 25 µm, 39 % porosity;
#: datasheet values, recalled, assumed), polyolefin density 0.92 g/cm³.
POLYOLEFIN = Separator(25e-6, 0.39, 0.92, "Celgard 2325 datasheet (25 µm, 39 %; recalled, assumed)")
#: Glass-fibre separator of the papers' coin cells (paper 003: "Whatman GF/D separator"); the
#: thickness and porosity are the parameter set's; borosilicate glass 2.5 g/cm³ (assumed).
GLASS_DENSITY_G_CM3 = 2.5


@dataclass(frozen=True)
class Format:
    """A cell format: what surrounds the stack and how much stack fits.

    Attributes
    ----------
    name : str
    sides : {"single", "double"}
        Coatings per collector.
    casing_g, tabs_g : float
        Mass of the casing (can, cap, gasket, spacer and spring; or pouch laminate) and of the tabs [g].
    outer_volume_cm3 : float or None
        The format's fixed outer volume [cm³]; None: the stack's own plus laminate (pouch).
    pair_area_cm2 : float or None
        Electrode-pair area [cm²] if fixed by the format; None for the 18650, whose jelly roll
        fills the can (:meth:`Stack.pair_area_cm2`).
    source : str
    """

    name: str
    sides: str
    casing_g: float
    tabs_g: float
    outer_volume_cm3: float | None
    pair_area_cm2: float | None
    source: str


#: CR2032: 20.0 mm × 3.2 mm (IEC 60086 designation), 1.005 cm³. Casing computed for stainless
#: steel (7.9 g/cm³): can and cap of 0.25 mm over ≈ 5.2 cm² each (≈ 1.0 g each), a 0.5 mm spacer
#: of 15.5 mm (0.75 g) and a spring (0.3 g): 3.0 g, assumed thicknesses. One electrode pair of
#: the parameter set's area.
COIN = Format("coin", "single", 3.0, 0.0, math.pi / 4 * 2.0**2 * 0.32, None,
              "CR2032 (IEC 60086 size; stainless parts of assumed thickness: 3.0 g)")
#: Pouch: 20 electrode pairs of 80 × 60 mm (10 double-sided cathodes), Al-laminate pouch foil of
#: 153 µm at ≈ 1.6 g/cm³ (0.0245 g/cm²) with 5 mm seals, two tabs (Al, 0.2 × 8 × 30 mm, 0.13 g
#: each): assumed, typical of small multilayer pouch cells.
POUCH_FOOTPRINT_CM = (8.0, 6.0)
POUCH_LAYERS = 20
POUCH_FOIL_G_CM2 = 0.0245
POUCH_FOIL_M = 153e-6
POUCH_SEAL_CM = 0.5
_POUCH_FOIL_AREA = 2 * (POUCH_FOOTPRINT_CM[0] + 2 * POUCH_SEAL_CM) * (POUCH_FOOTPRINT_CM[1] + 2 * POUCH_SEAL_CM)
POUCH = Format("pouch", "double", POUCH_FOIL_G_CM2 * _POUCH_FOIL_AREA, 0.26, None,
               POUCH_LAYERS * POUCH_FOOTPRINT_CM[0] * POUCH_FOOTPRINT_CM[1],
               "multilayer pouch, 20 pairs of 80 × 60 mm, 153 µm Al laminate (assumed)")
#: 18650: 18.0 × 65.0 mm (IEC 61960 designation), 16.54 cm³. Casing: nickel-plated steel can
#: of 0.2 mm over its 41.9 cm² (6.6 g) and a header (cap, vent, gasket) of ≈ 2 g: 8.5 g,
#: assumed. Jelly roll of 17.2 mm around a 2.5 mm core, 58 mm high (assumed clearances); tabs
#: 0.3 g (assumed).
CYL_ROLL_DIAMETER_MM, CYL_CORE_DIAMETER_MM, CYL_ROLL_HEIGHT_MM = 17.2, 2.5, 58.0
CYLINDRICAL = Format("18650", "double", 8.5, 0.3, math.pi / 4 * 1.80**2 * 6.50, None,
                     "18650 (IEC 61960 size; can, header and roll clearances assumed)")
FORMATS = {f.name: f for f in (COIN, POUCH, CYLINDRICAL)}


@dataclass(frozen=True)
class Collector:
    """A current collector foil: metal ("Al" or "Cu") and thickness [m]."""

    metal: str
    thickness_m: float

    def __post_init__(self):
        if self.metal not in METAL_DENSITY_G_CM3:
            raise UnknownNameError("current collector metal", self.metal, list(METAL_DENSITY_G_CM3))
        if not (math.isfinite(self.thickness_m) and 2e-6 <= self.thickness_m <= 100e-6):
            raise InvalidValueError("current collector thickness", self.thickness_m, "2–100 µm (in m)")

    @property
    def g_cm2(self) -> float:
        return self.thickness_m * 1e2 * METAL_DENSITY_G_CM3[self.metal]


#: Aluminium foil on both electrodes (sodium does not alloy with aluminium; the usual sodium-ion
#: choice), 12 µm cathode and anode foils (assumed, typical battery foil); Cu 8 µm when chosen.
DEFAULT_COLLECTORS = {"anode": Collector("Al", 12e-6), "cathode": Collector("Al", 12e-6)}
COPPER = Collector("Cu", 8e-6)


@dataclass(frozen=True)
class Stack:
    """The parts of a cell besides its active materials' electrochemistry.

    Parameters
    ----------
    format : Format
    separator : Separator
    collectors : dict
        "anode" and "cathode" → :class:`Collector`.
    electrolyte_density_g_cm3, electrolyte_excess : float
        Electrolyte density and its volume over the pore volume.
    inert_density_g_cm3 : float
        Density of the coatings' carbon and binder.
    sides : {"single", "double"}, optional
        Coatings per collector (default the format's).
    """

    format: Format = COIN
    separator: Separator | None = None
    collectors: dict = field(default_factory=lambda: dict(DEFAULT_COLLECTORS))
    electrolyte_density_g_cm3: float = ELECTROLYTE_DENSITY_G_CM3
    electrolyte_excess: float = ELECTROLYTE_EXCESS
    inert_density_g_cm3: float = INERT_DENSITY_G_CM3
    sides: str | None = None

    def __post_init__(self):
        if self.sides not in (None, "single", "double"):
            raise UnknownNameError("--sides", self.sides, ["single", "double"])
        if not (math.isfinite(self.electrolyte_excess) and 1.0 <= self.electrolyte_excess <= 5.0):
            raise InvalidValueError("electrolyte excess", self.electrolyte_excess,
                                    "1 to 5 (electrolyte volume over the pore volume)")

    def with_separator_of(self, thickness_m: float, porosity: float) -> Stack:
        """The stack with the papers' glass-fibre separator of this thickness and porosity
        (coin cells), unless a separator was chosen."""
        if self.separator is not None:
            return self
        if self.format.name == "coin":
            return replace(self, separator=Separator(thickness_m, porosity, GLASS_DENSITY_G_CM3,
                                                     "the parameter set's glass-fibre separator"))
        return replace(self, separator=POLYOLEFIN)


@dataclass(frozen=True)
class StackMass:
    """Masses [g] and volumes [cm³] of a cell.

    Attributes
    ----------
    anode_active_g, cathode_active_g, inert_g, collectors_g, separator_g, electrolyte_g,
    tabs_g, casing_g : float
    pair_area_cm2 : float
        Electrode-pair area [cm²].
    stack_volume_cm3, cell_volume_cm3 : float
    """

    anode_active_g: float
    cathode_active_g: float
    inert_g: float
    collectors_g: float
    separator_g: float
    electrolyte_g: float
    tabs_g: float
    casing_g: float
    pair_area_cm2: float
    stack_volume_cm3: float
    cell_volume_cm3: float

    @property
    def active_g(self) -> float:
        return self.anode_active_g + self.cathode_active_g

    @property
    def stack_g(self) -> float:
        """Everything inside the casing."""
        return (self.active_g + self.inert_g + self.collectors_g + self.separator_g + self.electrolyte_g)

    @property
    def cell_g(self) -> float:
        return self.stack_g + self.tabs_g + self.casing_g


def coating_inert_fraction(electrode: Electrode) -> float:
    """Volume fraction of carbon and binder in a coating: 1 − ε_s − ε."""
    c = electrode.coating
    return max(1.0 - c.active_volume_fraction - c.porosity, 0.0)


def stack_mass(anode: Electrode, cathode: Electrode, stack: Stack, set_area_cm2: float) -> StackMass:
    """Masses and volumes of a cell of these electrodes (their loadings) in ``stack``.

    Per electrode pair and cm² (a pair: one anode coating facing one cathode coating):

    .. math::

        m = \\sum_{a,c} L (ε_s ρ_s + ε_{cb} ρ_{cb}) + L_{sep}(1-ε_{sep})ρ_{sep}
            + f_e ρ_e (ε_a L_a + ε_c L_c + ε_{sep} L_{sep}) + \\sum_{a,c} L_{cc} ρ_{cc} / n_{sides}

    ``set_area_cm2``: the pair area of a format that does not fix one (coin: the set's).
    """
    sep = stack.separator
    if sep is None:
        raise InvalidValueError("separator", None, "a Separator (Stack.with_separator_of)")
    sides = 2 if (stack.sides or stack.format.sides) == "double" else 1
    L_a, L_c = anode.thickness_m * 1e2, cathode.thickness_m * 1e2  # cm
    L_s = sep.thickness_m * 1e2
    cc_a, cc_c = stack.collectors["anode"], stack.collectors["cathode"]
    pair_thickness_cm = L_a + L_c + L_s + (cc_a.thickness_m + cc_c.thickness_m) * 1e2 / sides
    area = pair_area_cm2(stack, pair_thickness_cm, set_area_cm2)
    inert = sum(L * coating_inert_fraction(e) * stack.inert_density_g_cm3 for L, e in ((L_a, anode), (L_c, cathode)))
    pores = anode.coating.porosity * L_a + cathode.coating.porosity * L_c + sep.porosity * L_s
    per_cm2 = {
        "anode_active_g": anode.coating.loading_mg_cm2 * 1e-3,
        "cathode_active_g": cathode.coating.loading_mg_cm2 * 1e-3,
        "inert_g": inert,
        "collectors_g": (cc_a.g_cm2 + cc_c.g_cm2) / sides,
        "separator_g": L_s * (1.0 - sep.porosity) * sep.solid_density_g_cm3,
        "electrolyte_g": stack.electrolyte_excess * stack.electrolyte_density_g_cm3 * pores,
    }
    stack_volume = pair_thickness_cm * area
    if stack.format.outer_volume_cm3 is not None:
        cell_volume = stack.format.outer_volume_cm3
    else:  # pouch: footprint with seals × (stack + two foils)
        w, h = POUCH_FOOTPRINT_CM
        cell_volume = (w + 2 * POUCH_SEAL_CM) * (h + 2 * POUCH_SEAL_CM) * (
            stack_volume / (w * h) + 2 * POUCH_FOIL_M * 1e2)
    return StackMass(**{k: v * area for k, v in per_cm2.items()}, tabs_g=stack.format.tabs_g,
                     casing_g=stack.format.casing_g, pair_area_cm2=area, stack_volume_cm3=stack_volume,
                     cell_volume_cm3=cell_volume)


def pair_area_cm2(stack: Stack, pair_thickness_cm: float, set_area_cm2: float) -> float:
    """Electrode-pair area [cm²]: the format's, the set's (coin), or what fills an 18650's
    jelly roll: roll volume π/4 (D² − d²) h over the thickness of one pair."""
    f = stack.format
    if f.name == "coin":
        return set_area_cm2
    if f.pair_area_cm2 is not None:
        return f.pair_area_cm2
    roll_cm3 = math.pi / 4 * ((CYL_ROLL_DIAMETER_MM / 10) ** 2 - (CYL_CORE_DIAMETER_MM / 10) ** 2) * (
        CYL_ROLL_HEIGHT_MM / 10)
    return roll_cm3 / pair_thickness_cm


@dataclass(frozen=True)
class Loading:
    """A cathode loading: mass (``mg/cm2``) or capacity (``mAh/cm2``) per area, or the coating's
    thickness (``um``: the active mass that thickness holds at the coating's composition)."""

    value: float
    unit: str  # "mg/cm2", "mAh/cm2" or "um"

    @classmethod
    def parse(cls, text: str, field_name: str = "--loading") -> Loading:
        """``"2mg/cm2"`` → Loading(2, "mg/cm2"), ``"1.5mAh/cm2"`` → Loading(1.5, "mAh/cm2"),
        ``"60um"`` → Loading(60, "um")."""
        area = r"\s*/\s*cm(?:2|\^2|\*\*2)"
        m = re.fullmatch(rf"\s*([0-9]*\.?[0-9]+(?:[eE][-+]?[0-9]+)?)\s*(?:(mg|g|mAh|Ah){area}|(um|µm|mm))\s*",
                         str(text))
        if not m:
            raise InvalidValueError(field_name, text, "a loading such as 2mg/cm2 or 1.5mAh/cm2, or a coating "
                                    "thickness such as 60um")
        value, per_area, length = float(m.group(1)), m.group(2), m.group(3)
        if length:
            value, unit, limit = value * (1e3 if length == "mm" else 1.0), "um", 500.0
        elif per_area in ("mg", "g"):
            value, unit, limit = convert(value, f"{per_area}/cm^2", "mg/cm^2", field_name), "mg/cm2", 100.0
        else:
            value, unit, limit = convert(value, f"{per_area}/cm^2", "mAh/cm^2", field_name), "mAh/cm2", 20.0
        if not 0 < value <= limit:
            raise InvalidValueError(field_name, text, f"a loading above 0 and at most {limit:g} {unit}")
        return cls(value, unit)

    def mg_cm2(self, reversible_mAh_g: float, electrode: Electrode) -> float:
        """Active mass per area [mg/cm²]: a capacity loading over the reversible capacity, a
        thickness L times ρ_s ε_s of the ``electrode``'s coating."""
        if self.unit == "mg/cm2":
            return self.value
        if self.unit == "mAh/cm2":
            return self.value / reversible_mAh_g * 1e3
        return self.value * 1e-4 * electrode.material.density_g_cm3 * electrode.coating.active_volume_fraction * 1e3

    def __str__(self) -> str:
        return f"{self.value:g}{self.unit}"
