"""Parameter sets as data with provenance: load, save, list.

A parameter set is a JSON file whose ``parameters`` hold, for each named quantity, its
``value``, its ``unit``, its ``kind`` (``paper``, ``literature``, ``assumed``, ``derived``,
``calibrated``, ``fitted``, ``pybamm``) and its ``source`` (the seed paper and the exact
quantity it matches, the cited literature, the reasoning behind an assumption, or the
command that calibrated it). Files may ``include`` others, so that two sets share one
material (the two MPCC-1 sets share the carbon's OCP and diffusivity and differ only in what
the electrolyte changes).

Names are dotted paths: ``anode.ocp.pore_filling.capacity``, ``electrolyte.conductivity``,
``counter.exchange_current_density``, ``cell.area``. Unknown names raise with suggestions.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from importlib import resources
from pathlib import Path
from typing import Any

from .._files import write_atomic
from ..errors import InvalidValueError, ParameterFileError, UnknownNameError
from ..units import convert, quantity
from .forms import check_forms

FORMAT = "hc-kinetics parameter set 1"
KINDS = ("paper", "literature", "assumed", "derived", "calibrated", "fitted", "pybamm")
#: Internal unit of each quantity, by the last part(s) of its name (first match wins).
_INTERNAL_UNITS: tuple[tuple[str, str], ...] = (
    (r"(^|\.)name$", "text"),
    (r"\.model$", "text"),
    (r"\.ocp\.[a-z_0-9]+\.capacity$", "mAh/g"),
    (r"\.ocp\.[a-z_0-9]+\.potential$", "V"),
    (r"\.ocp\.[a-z_0-9]+\.width$", "dimensionless"),
    (r"\.ocp\.hysteresis$", "V"),
    (r"\.diffusivity\.minimum_potential$", "V"),
    (r"\.diffusivity\.minimum_depth$", "dimensionless"),
    (r"\.diffusivity\.minimum_width$", "dimensionless"),
    (r"\.ageing\.plating_rate_constant$", "m/s"),
    (r"\.ageing\.sei_barrier_factor$", "1/m"),
    (r"\.ageing\.sei_resistivity$", "ohm*m"),
    (r"\.ageing\.active_material_loss$", "dimensionless"),
    (r"activation_energy$", "J/mol"),
    (r"\.diffusivity(\.[a-z_]+)?$", "m^2/s"),
    (r"exchange_current_density$", "A/m^2"),
    (r"transfer_coefficient$", "dimensionless"),
    (r"particle_radius$", "m"),
    (r"density$", "g/cm^3"),
    (r"\.conductivity$", "S/m"),
    (r"conductivity_peak_concentration$", "mol/m^3"),
    (r"\.concentration$", "mol/m^3"),
    (r"loading$", "mg/cm^2"),
    (r"(fraction|porosity|bruggeman|transference_number|thermodynamic_factor|efficiency|slope)$",
     "dimensionless"),
    (r"one_c_current$", "mA/g"),
    (r"\.surface\.area$", "m^2/g"),
    (r"double_layer_capacitance$", "F/m^2"),
    (r"\.area$", "cm^2"),
    (r"thickness$", "m"),
    (r"temperature$", "K"),
    (r"film_resistance$", "ohm*cm^2"),
    (r"voltage$", "V"),
)


def internal_unit(name: str) -> str:
    """The unit in which hc-kinetics uses quantity ``name`` internally."""
    for pattern, unit in _INTERNAL_UNITS:
        if re.search(pattern, name):
            return unit
    raise UnknownNameError("quantity", name, [p for p, _ in _INTERNAL_UNITS])


@dataclass(frozen=True)
class Entry:
    """One value with its unit and provenance."""

    value: float | str
    unit: str
    kind: str
    source: str

    def __post_init__(self):
        if self.kind not in KINDS:
            raise InvalidValueError("kind", self.kind, f"one of {', '.join(KINDS)}")
        if not str(self.source).strip():
            raise InvalidValueError("source", self.source, "a non-empty provenance text")

    def to_json(self) -> dict[str, Any]:
        return {"value": self.value, "unit": self.unit, "kind": self.kind, "source": self.source}


@dataclass(frozen=True)
class ParameterSet:
    """A named, immutable collection of entries with units and sources.

    Use :func:`load` to read one and :meth:`save` to write one; :meth:`value` returns a
    quantity in hc-kinetics' internal unit (see :func:`internal_unit`).
    """

    name: str
    kind: str
    entries: Mapping[str, Entry]
    description: str = ""
    origin: str = ""

    def __contains__(self, name: str) -> bool:
        return name in self.entries

    def names(self, prefix: str = "") -> list[str]:
        """All parameter names (optionally those starting with ``prefix``)."""
        return sorted(n for n in self.entries if n.startswith(prefix))

    def entry(self, name: str) -> Entry:
        if name not in self.entries:
            raise UnknownNameError(f"parameter of set {self.name!r}", name, self.entries)
        return self.entries[name]

    def value(self, name: str) -> float:
        """Value of ``name`` in its internal unit (float)."""
        e = self.entry(name)
        if isinstance(e.value, str):
            raise InvalidValueError(name, e.value, "a number")
        return convert(e.value, e.unit, internal_unit(name), field=name)

    def text(self, name: str) -> str:
        """A text entry (a name or a functional form)."""
        return str(self.entry(name).value)

    def with_values(self, values: Mapping[str, float], kind: str, source: str,
                    name: str | None = None, new: bool = False) -> ParameterSet:
        """A copy with ``values`` (internal units) replaced, each marked ``kind``/``source``;
        ``new``: names the set lacks are added (the caller checked them, e.g. optional fields)."""
        entries = dict(self.entries)
        for key, v in values.items():
            if not new:
                self.entry(key)
            unit = internal_unit(key)
            entries[key] = Entry(float(v), "" if unit == "dimensionless" else unit, kind, source)
        return replace(self, entries=entries, name=name or self.name)

    def to_json(self) -> dict[str, Any]:
        """The self-contained JSON form (includes resolved)."""
        return {
            "format": FORMAT,
            "name": self.name,
            "kind": self.kind,
            "description": self.description,
            "parameters": {k: self.entries[k].to_json() for k in sorted(self.entries)},
        }

    def save(self, path: str | os.PathLike, overwrite: bool = False) -> Path:
        """Write the set as one self-contained JSON file, atomically.

        Refuses to replace an existing file unless ``overwrite`` is true.
        """
        if self.kind == "pybamm":
            raise InvalidValueError("parameter set", self.name,
                                    "a hc-kinetics set (PyBaMM sets are loaded by name)")
        path = Path(path)
        if path.exists() and not overwrite:
            raise InvalidValueError("path", str(path), "a file that does not exist yet "
                                    "(pass overwrite=True to replace it)")
        write_atomic(path, json.dumps(self.to_json(), indent=2, ensure_ascii=False) + "\n")
        return path


# ----------------------------------------------------------------------------- locating files
def data_directory() -> Path:
    """The folder of the shipped parameter sets.

    Installed (normal or editable), it is the package ``kinetics._sets``; run from a source
    checkout without installing, it is the checkout's ``parameter_sets/``.
    """
    try:
        return Path(str(resources.files("kinetics._sets")))
    except ModuleNotFoundError:
        return Path(__file__).resolve().parents[2] / "parameter_sets"


def _shipped_files() -> dict[str, Path]:
    return {p.stem.lower(): p for p in data_directory().glob("*.json")}


def available() -> dict[str, str]:
    """Names of the shipped, user-facing parameter sets → their one-line descriptions."""
    out = {}
    for path in sorted(_shipped_files().values()):
        raw = json.loads(path.read_text(encoding="utf-8"))
        if raw.get("listed", True):
            out[raw["name"]] = raw.get("description", "")
    return out


def _check_entry(path: Path, name: str, e: Entry) -> None:
    """Raise :class:`ParameterFileError` for a value that is neither a number nor a text, or a
    number whose unit is not text pint can parse (pint's parser raises ZeroDivisionError,
    TokenError or AssertionError on some malformed units: all become this error)."""
    where = f"{path}: parameter {name!r}"
    if isinstance(e.value, bool) or not isinstance(e.value, int | float | str):
        raise ParameterFileError(f"{where}: value {e.value!r} must be a number (or a text for names and forms)")
    if not isinstance(e.unit, str):
        raise ParameterFileError(f"{where}: unit {e.unit!r} must be a text such as 'mAh/g' (\"\" if dimensionless)")
    if isinstance(e.value, str):
        return
    if isinstance(e.value, int) and abs(e.value) > 1e308:
        raise ParameterFileError(f"{where}: value with {len(str(e.value))} digits is too large for a number")
    try:
        quantity(1.0, e.unit)
    except Exception:  # noqa: BLE001 — see the docstring
        raise ParameterFileError(f"{where}: unit {e.unit!r} is not a unit pint understands") from None


def _read_raw(path: Path, stack: tuple[str, ...] = ()) -> tuple[dict, dict[str, Entry]]:
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as e:
        raise ParameterFileError(f"{path}: not valid JSON ({e})") from None
    except UnicodeDecodeError as e:
        raise ParameterFileError(f"{path}: not UTF-8 text (byte {e.start}); save it as UTF-8") from None
    except OSError as e:
        raise ParameterFileError(f"{path}: cannot be read ({e.strerror})") from None
    if not isinstance(raw, dict):
        raise ParameterFileError(f"{path}: must hold a JSON object with 'format', 'name' and 'parameters', "
                                 f"got a {type(raw).__name__}")
    if raw.get("format") != FORMAT:
        raise ParameterFileError(f"{path}: 'format' must be {FORMAT!r}, got {raw.get('format')!r}")
    if not isinstance(raw.get("name"), str) or not raw["name"].strip():
        raise ParameterFileError(f"{path}: 'name' must be a non-empty text, got {raw.get('name')!r}")
    includes, parameters = raw.get("include", []), raw.get("parameters", {})
    if not isinstance(includes, list) or not all(isinstance(inc, str) for inc in includes):
        raise ParameterFileError(f"{path}: 'include' must be a list of shipped file names, got {includes!r}")
    if not isinstance(parameters, dict):
        raise ParameterFileError(f"{path}: 'parameters' must be an object of name → {{value, unit, kind, source}}, "
                                 f"got a {type(parameters).__name__}")
    entries: dict[str, Entry] = {}
    files = _shipped_files()
    for inc in includes:
        if inc.lower() in stack:
            raise ParameterFileError(f"{path}: circular include of {inc!r}")
        if inc.lower() not in files:
            raise UnknownNameError("included parameter file", inc, [p.stem for p in files.values()])
        _, inc_entries = _read_raw(files[inc.lower()], stack + (inc.lower(),))
        clash = set(inc_entries) & set(entries)
        if clash:
            raise ParameterFileError(f"{path}: {sorted(clash)} defined by two includes")
        entries.update(inc_entries)
    for name, spec in parameters.items():
        if not isinstance(spec, dict):
            raise ParameterFileError(f"{path}: parameter {name!r} must be an object with value, unit, kind and "
                                     f"source, got {spec!r}")
        try:
            entries[name] = Entry(spec["value"], spec.get("unit", ""), spec["kind"], spec["source"])
        except KeyError as e:
            raise ParameterFileError(f"{path}: parameter {name!r} lacks {e}") from None
        except InvalidValueError as e:
            raise ParameterFileError(f"{path}: parameter {name!r}: {e}") from None
        _check_entry(path, name, entries[name])
        internal_unit(name)
    check_forms({k: e.value for k, e in entries.items()}, str(path))
    return raw, entries


#: prefix → function that makes a set from the text after ``<prefix>:`` (see :func:`register_importer`)
_IMPORTERS: dict[str, Callable[[str], ParameterSet]] = {}


def register_importer(prefix: str, importer: Callable[[str], ParameterSet]) -> None:
    """Make ``load("<prefix>:<name>")`` call ``importer(name)``. The engine registers
    ``pybamm`` (PyBaMM's built-in sets, converted), so that this module needs no PyBaMM."""
    _IMPORTERS[prefix.lower()] = importer


def load(name_or_path: str | os.PathLike) -> ParameterSet:
    """Load a parameter set by name (case-insensitive), by file path, or ``pybamm:<name>``.

    Raises
    ------
    UnknownNameError
        If no set of that name exists (with the closest names).
    """
    text = str(name_or_path)
    prefix, sep, rest = text.partition(":")
    if sep and prefix.lower() in _IMPORTERS:
        return _IMPORTERS[prefix.lower()](rest)
    path = Path(text)
    if path.suffix.lower() == ".json" and path.exists():
        raw, entries = _read_raw(path)
    else:
        files = _shipped_files()
        listed = {n.lower(): n for n in available()}
        if text.lower() not in listed:
            raise UnknownNameError("parameter set", text,
                                   list(listed.values()) + [f"{p}:<name>" for p in sorted(_IMPORTERS)])
        path = files[text.lower()]
        raw, entries = _read_raw(path)
    return ParameterSet(raw["name"], raw.get("kind", "half-cell"), entries,
                        raw.get("description", ""), str(path))


def shipped_file(name: str) -> Path:
    """Path of a shipped file by stem (including non-listed material files)."""
    files = _shipped_files()
    if name.lower() not in files:
        raise UnknownNameError("parameter file", name, [p.stem for p in files.values()])
    return files[name.lower()]


def update_file_values(path: Path, values: Mapping[str, float], kind: str, source: str, add: bool = False) -> None:
    """Replace values of entries defined in ``path`` itself, keeping its layout (atomic);
    ``add``: also write entries the file does not define yet."""
    raw = json.loads(path.read_text(encoding="utf-8"))
    for key, v in values.items():
        if key not in raw["parameters"] and not add:
            raise UnknownNameError(f"parameter of file {path.name}", key, raw["parameters"])
        unit = internal_unit(key)
        raw["parameters"][key] = {"value": float(v), "unit": "" if unit == "dimensionless" else unit,
                                  "kind": kind, "source": source}
    write_atomic(path, json.dumps(raw, indent=2, ensure_ascii=False) + "\n")


def describe(pset: ParameterSet, prefixes: Iterable[str] = ("",)) -> str:
    """A plain-text table of a set's values, units, kinds and sources."""
    rows = [f"{pset.name}: {pset.description}"]
    for prefix in prefixes:
        for n in pset.names(prefix):
            e = pset.entries[n]
            rows.append(f"  {n:48s} {e.value!s:>12} {e.unit:10s} [{e.kind}] {e.source}")
    return "\n".join(rows)
