"""The one place where parameter-set names meet typed objects.

A parameter set names each quantity by a dotted path (``anode.ocp.pore_filling.capacity``,
``electrolyte.conductivity``, ``counter.exchange_current_density``, ``cell.area``); the typed
objects of :mod:`kinetics.physics` carry the same quantities as fields with units in their
names. This module holds the mapping between the two, once:

* reading: :func:`half_cell_parts` (a set, or any mapping of values, → typed objects);
* writing: :func:`values_of` (typed objects → dotted names and values) and :func:`as_set`;
* naming: :func:`material_name`, :func:`stage_name`, :func:`diffusivity_name`, … give the dotted
  name of one field; the engine uses them to label the quantities a fit or sweep turns into
  input parameters, and fitting maps its names back with :func:`with_values`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..errors import InvalidValueError, UnknownNameError
from ..physics.ageing import Ageing
from ..physics.materials import ActiveMaterial, CellDesign, Coating, Electrode, Electrolyte, SodiumMetal
from ..physics.ocp import ANODE_STAGE_NAMES, MultiStageOCP, Stage
from ..physics.transport import ConstantDiffusivity, StageDiffusivity
from .forms import DEFAULTS, form_entry
from .store import Entry, ParameterSet, internal_unit

# ----------------------------------------------------------------------------- the mapping
#: ActiveMaterial field → name under ``<role>.``
MATERIAL_FIELDS = {
    "exchange_current_A_m2": "kinetics.exchange_current_density",
    "exchange_current_activation_J_mol": "kinetics.activation_energy",
    "transfer_coefficient": "kinetics.transfer_coefficient",
    "particle_radius_m": "particle_radius",
    "density_g_cm3": "density",
    "conductivity_S_m": "conductivity",
    "one_c_mA_g": "one_c_current",
}
#: ActiveMaterial field of its surface (optional in a set: 0 when absent) → name under ``<role>.``
SURFACE_FIELDS = {
    "surface_storage_fraction": "surface.storage_fraction",
    "surface_area_m2_g": "surface.area",
    "double_layer_F_m2": "surface.double_layer_capacitance",
}
#: :class:`~kinetics.physics.Ageing` field → name under ``<role>.`` (optional in a set; absent:
#: the field's default, see that class).
AGEING_FIELDS = {
    "sei_exchange_current_A_m2": "ageing.sei_exchange_current_density",
    "sei_barrier_per_m": "ageing.sei_barrier_factor",
    "sei_initial_thickness_m": "ageing.sei_initial_thickness",
    "sei_resistivity_ohm_m": "ageing.sei_resistivity",
    "active_material_loss": "ageing.active_material_loss",
    "plating_rate_constant_m_s": "ageing.plating_rate_constant",
}
#: Coating field → name under ``<role>.``
COATING_FIELDS = {
    "loading_mg_cm2": "coating.loading",
    "active_volume_fraction": "coating.active_volume_fraction",
    "porosity": "coating.porosity",
    "bruggeman": "coating.bruggeman",
}
#: Stage field → name under ``<role>.ocp.<stage>.``
STAGE_FIELDS = {"capacity_mAh_g": "capacity", "potential_V": "potential", "width": "width"}
#: StageDiffusivity field → name under ``<role>.diffusivity.``
STAGE_DIFFUSIVITY_FIELDS = {
    "adsorption_m2_s": "adsorption", "insertion_m2_s": "insertion", "pore_filling_m2_s": "pore_filling",
    "minimum_potential_V": "minimum_potential", "minimum_depth_decades": "minimum_depth",
    "minimum_width": "minimum_width", "activation_energy_J_mol": "activation_energy",
}
#: ConstantDiffusivity field → name under ``<role>.``
CONSTANT_DIFFUSIVITY_FIELDS = {"value_m2_s": "diffusivity", "activation_energy_J_mol": "diffusivity_activation_energy"}
#: Electrolyte field → name under ``electrolyte.``
ELECTROLYTE_FIELDS = {
    "concentration_mol_m3": "concentration", "conductivity_S_m": "conductivity",
    "conductivity_peak_mol_m3": "conductivity_peak_concentration", "diffusivity_m2_s": "diffusivity",
    "diffusivity_slope": "diffusivity_slope", "transference_number": "transference_number",
    "thermodynamic_factor": "thermodynamic_factor", "activation_energy_J_mol": "activation_energy",
}
#: SodiumMetal field → name under ``counter.``
COUNTER_FIELDS = {"exchange_current_A_m2": "exchange_current_density", "activation_energy_J_mol": "activation_energy"}
#: CellDesign field → name under ``cell.`` (or ``full_cell.``)
DESIGN_FIELDS = {
    "area_cm2": "area", "separator_thickness_m": "separator_thickness",
    "separator_porosity": "separator_porosity", "temperature_K": "temperature",
    "film_resistance_ohm_cm2": "film_resistance", "lower_voltage_V": "lower_voltage",
    "upper_voltage_V": "upper_voltage",
}


def material_name(role: str, field: str) -> str:
    """Dotted name of an :class:`ActiveMaterial` field of electrode ``role``."""
    return f"{role}.{MATERIAL_FIELDS.get(field) or SURFACE_FIELDS[field]}"


def ageing_name(role: str, field: str) -> str:
    """Dotted name of an :class:`~kinetics.physics.Ageing` field of electrode ``role``."""
    return f"{role}.{AGEING_FIELDS[field]}"


def stage_name(role: str, stage: str, field: str) -> str:
    """Dotted name of a :class:`Stage` field (``capacity_mAh_g``, ``potential_V``, ``width``)."""
    return f"{role}.ocp.{stage}.{STAGE_FIELDS[field]}"


def hysteresis_name(role: str) -> str:
    """Dotted name of the OCP's hysteresis gap [V]."""
    return f"{role}.ocp.hysteresis"


def diffusivity_name(role: str, diffusivity: StageDiffusivity | ConstantDiffusivity, field: str) -> str:
    """Dotted name of a diffusivity field, by the diffusivity's form."""
    if isinstance(diffusivity, StageDiffusivity):
        return f"{role}.diffusivity.{STAGE_DIFFUSIVITY_FIELDS[field]}"
    return f"{role}.{CONSTANT_DIFFUSIVITY_FIELDS[field]}"


def electrolyte_name(field: str) -> str:
    return f"electrolyte.{ELECTROLYTE_FIELDS[field]}"


def counter_name(field: str) -> str:
    return f"counter.{COUNTER_FIELDS[field]}"


def design_name(field: str, prefix: str = "cell") -> str:
    return f"{prefix}.{DESIGN_FIELDS[field]}"


def stage_capacity_names(values: Mapping[str, Any], role: str) -> list[str]:
    """Names of ``role``'s OCP stage capacities among ``values`` (``<role>.ocp.<stage>.capacity``)."""
    return [n for n in values if n.startswith(f"{role}.ocp.") and n.count(".") == 3 and n.endswith(".capacity")]


def total_capacity_mAh_g(values: Mapping[str, Any], role: str) -> float:
    """Σ of ``role``'s stage capacities in ``values`` [mAh/g]: its material's total capacity."""
    return float(sum(values[n] for n in stage_capacity_names(values, role)))


def initial_fraction_name(role: str) -> str:
    return f"{role}.initial_fraction"


# ----------------------------------------------------------------------------- reading
class _Values:
    """Read access to a parameter set or to a flat mapping of name → value (numbers in internal
    units, text for names and forms)."""

    def __init__(self, source: ParameterSet | Mapping[str, Any], label: str):
        self.source, self.label = source, label

    def __contains__(self, name: str) -> bool:
        return name in (self.source.entries if isinstance(self.source, ParameterSet) else self.source)

    def names(self) -> list[str]:
        return self.source.names() if isinstance(self.source, ParameterSet) else sorted(self.source)

    def value(self, name: str) -> float:
        if isinstance(self.source, ParameterSet):
            return self.source.value(name)
        if name not in self.source:
            raise UnknownNameError(f"parameter of {self.label}", name, self.source)
        return float(self.source[name])

    def text(self, name: str, default: str) -> str:
        if name not in self:
            return default
        raw = self.source.entries[name].value if isinstance(self.source, ParameterSet) else self.source[name]
        return str(raw)

    def optional(self, name: str, default: float | None) -> float | None:
        return self.value(name) if name in self else default


def _read_fields(values: _Values, prefix: str, mapping: Mapping[str, str]) -> dict[str, float]:
    return {field: values.value(f"{prefix}{name}") for field, name in mapping.items()}


def _stage_names(values: _Values, role: str) -> list[str]:
    out = []
    for n in values.names():
        parts = n.split(".")
        if len(parts) == 4 and parts[0] == role and parts[1] == "ocp" and parts[3] == "capacity":
            out.append(parts[2])
    return out


def _ocp(values: _Values, role: str) -> MultiStageOCP:
    form = values.text(form_entry(role, "ocp"), DEFAULTS[("ocp", role)])
    assert form == "multi-stage"  # the only OCP form (checked at load by forms.check_forms)
    names = _stage_names(values, role)
    if not names:
        raise UnknownNameError(f"{role} OCP stages in {values.label}", f"{role}.ocp.<stage>.capacity",
                               values.names())
    stages = tuple(Stage(n, **_read_fields(values, f"{role}.ocp.{n}.", STAGE_FIELDS)) for n in names)
    hysteresis = values.optional(hysteresis_name(role), 0.0)
    if set(names) == set(ANODE_STAGE_NAMES):
        ordered = sorted(stages, key=lambda s: -s.potential_V)
        if [s.name for s in ordered] != list(ANODE_STAGE_NAMES):
            raise InvalidValueError(f"{role} stage potentials", {s.name: s.potential_V for s in stages},
                                    "adsorption > insertion > pore_filling")
        return MultiStageOCP(stages, hysteresis_V=hysteresis, hysteresis_stage=ANODE_STAGE_NAMES[-1])
    return MultiStageOCP(stages, hysteresis_V=hysteresis)


def _diffusivity(values: _Values, role: str) -> StageDiffusivity | ConstantDiffusivity:
    form = values.text(form_entry(role, "diffusivity"), DEFAULTS[("diffusivity", role)])
    if form == "stage":
        return StageDiffusivity(**_read_fields(values, f"{role}.diffusivity.", STAGE_DIFFUSIVITY_FIELDS))
    return ConstantDiffusivity(values.value(f"{role}.diffusivity"),
                               values.optional(f"{role}.diffusivity_activation_energy", 0.0))


def electrode(source: ParameterSet | Mapping[str, Any], role: str, label: str = "") -> Electrode:
    """The electrode ``role`` ("anode" or "cathode") described by a set or a mapping of values."""
    if role not in ("anode", "cathode"):
        raise UnknownNameError("electrode role", role, ("anode", "cathode"))
    values = source if isinstance(source, _Values) else _Values(source, label or _label(source))
    default_name = values.source.name if isinstance(values.source, ParameterSet) else role
    material = ActiveMaterial(name=values.text(f"{role}.name", default_name), ocp=_ocp(values, role),
                              diffusivity=_diffusivity(values, role),
                              **_read_fields(values, f"{role}.", MATERIAL_FIELDS),
                              **{f: values.optional(f"{role}.{n}", 0.0) for f, n in SURFACE_FIELDS.items()})
    coating = Coating(**_read_fields(values, f"{role}.", COATING_FIELDS))
    ageing = Ageing(**{f: values.optional(f"{role}.{n}", getattr(Ageing, f)) for f, n in AGEING_FIELDS.items()})
    return Electrode(role, material, coating,
                     values.optional(f"{role}.first_cycle_efficiency", 1.0),
                     values.optional(initial_fraction_name(role), None), ageing)


def electrolyte(source: ParameterSet | Mapping[str, Any], label: str = "") -> Electrolyte:
    values = source if isinstance(source, _Values) else _Values(source, label or _label(source))
    return Electrolyte(name=values.text("electrolyte.name", "electrolyte"),
                       **_read_fields(values, "electrolyte.", ELECTROLYTE_FIELDS))


def counter(source: ParameterSet | Mapping[str, Any], label: str = "") -> SodiumMetal:
    values = source if isinstance(source, _Values) else _Values(source, label or _label(source))
    return SodiumMetal(**_read_fields(values, "counter.", COUNTER_FIELDS))


def design(source: ParameterSet | Mapping[str, Any], role: str | None = None, prefix: str = "cell",
           label: str = "") -> CellDesign:
    """The cell design under ``prefix``; a set that describes both electrodes gives each
    electrode's half cell its own window (``<role>.lower_voltage``, ``<role>.upper_voltage``)."""
    values = source if isinstance(source, _Values) else _Values(source, label or _label(source))
    fields = _read_fields(values, f"{prefix}.", DESIGN_FIELDS)
    if role is not None and f"{role}.lower_voltage" in values:
        fields |= {"lower_voltage_V": values.value(f"{role}.lower_voltage"),
                   "upper_voltage_V": values.value(f"{role}.upper_voltage")}
    return CellDesign(**fields)


@dataclass(frozen=True)
class HalfCellParts:
    """The typed objects of a half cell."""

    working: Electrode
    electrolyte: Electrolyte
    counter: SodiumMetal
    design: CellDesign


def half_cell_parts(source: ParameterSet | Mapping[str, Any], role: str | None = None) -> HalfCellParts:
    """Typed objects of the half cell a set (or a mapping of values) describes; ``role`` picks
    the working electrode of a set with both (default: the one the set has, anode first)."""
    values = _Values(source, _label(source))
    if role is None:
        role = "anode" if any(n.startswith("anode.") for n in values.names()) else "cathode"
    if role not in ("anode", "cathode"):
        raise UnknownNameError("role", role, ("anode", "cathode"))
    if not any(n.startswith(role + ".") for n in values.names()):
        raise InvalidValueError("parameter set", values.label, f"a set with {role}.* entries")
    return HalfCellParts(electrode(values, role), electrolyte(values), counter(values), design(values, role))


def full_cell_window(source: ParameterSet) -> tuple[float, float] | None:
    """The full-cell voltage window a cathode set states (``full_cell.lower_voltage`` and
    ``full_cell.upper_voltage``), or None."""
    if "full_cell.lower_voltage" not in source:
        return None
    return (source.value("full_cell.lower_voltage"), source.value("full_cell.upper_voltage"))


def _label(source: Any) -> str:
    return f"set {source.name!r}" if isinstance(source, ParameterSet) else "the given values"


# ----------------------------------------------------------------------------- writing
def _flat(prefix: str, obj: object, mapping: Mapping[str, str]) -> dict[str, float]:
    return {f"{prefix}{name}": float(getattr(obj, field)) for field, name in mapping.items()}


def electrode_values(e: Electrode) -> dict[str, Any]:
    """Dotted names → values (internal units; text for names and forms) of an electrode."""
    r, m = e.role, e.material
    out: dict[str, Any] = {f"{r}.name": m.name, form_entry(r, "ocp"): "multi-stage"}
    for s in m.ocp.stages:
        out |= _flat(f"{r}.ocp.{s.name}.", s, STAGE_FIELDS)
    out[hysteresis_name(r)] = float(m.ocp.hysteresis_V)
    if isinstance(m.diffusivity, StageDiffusivity):
        out[form_entry(r, "diffusivity")] = "stage"
        out |= _flat(f"{r}.diffusivity.", m.diffusivity, STAGE_DIFFUSIVITY_FIELDS)
    else:
        out[form_entry(r, "diffusivity")] = "constant"
        out |= _flat(f"{r}.", m.diffusivity, CONSTANT_DIFFUSIVITY_FIELDS)
    out |= _flat(f"{r}.", m, MATERIAL_FIELDS) | _flat(f"{r}.", e.coating, COATING_FIELDS)
    out |= _flat(f"{r}.", m, SURFACE_FIELDS) | _flat(f"{r}.", e.ageing, AGEING_FIELDS)
    out[f"{r}.first_cycle_efficiency"] = float(e.first_cycle_efficiency)
    if e.initial_fraction is not None:
        out[initial_fraction_name(r)] = float(e.initial_fraction)
    return out


def values_of(parts: HalfCellParts) -> dict[str, Any]:
    """Dotted names → values of a half cell's typed objects (internal units; the inverse of
    :func:`half_cell_parts`)."""
    return (electrode_values(parts.working)
            | {"electrolyte.name": parts.electrolyte.name}
            | _flat("electrolyte.", parts.electrolyte, ELECTROLYTE_FIELDS)
            | _flat("counter.", parts.counter, COUNTER_FIELDS)
            | _flat("cell.", parts.design, DESIGN_FIELDS))


def with_values(parts: HalfCellParts, values: Mapping[str, float]) -> HalfCellParts:
    """A copy of a half cell's typed objects with some quantities changed by dotted name (how
    fitting and sweeps map their names onto typed objects). Unknown names raise."""
    flat = values_of(parts)
    for name in values:
        if name not in flat or isinstance(flat[name], str):
            raise UnknownNameError("numeric parameter of the cell", name,
                                   [k for k, v in flat.items() if not isinstance(v, str)])
    return half_cell_parts({**flat, **{k: float(v) for k, v in values.items()}}, parts.working.role)


def as_set(parts: HalfCellParts, name: str, source: str, kind: str = "assumed") -> ParameterSet:
    """A parameter set holding a half cell's typed objects, every entry marked ``kind`` with
    ``source`` (for cells made from typed objects in a script)."""
    entries = {}
    for key, v in values_of(parts).items():
        unit = internal_unit(key)
        entries[key] = Entry(v, "" if unit in ("dimensionless", "text") else unit, kind, source)
    return ParameterSet(name, "half-cell", entries, f"{name} (typed objects)")
