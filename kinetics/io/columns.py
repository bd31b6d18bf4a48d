"""One column grammar for tables of measured data.

A header names a quantity and its unit in one of the ways cyclers and people write them:

* ``Voltage [V]``, ``Capacity (mAh/g)``, ``Ewe/V``, ``<I>/mA``, ``(Q-Qo)/mA.h`` (BioLogic),
  ``Current(mA)`` (Neware, Arbin), ``capacity_mAh``, ``capacity_mAh_g``, ``voltage-V``;
* a cycler vocabulary without unit syntax: Maccor's ``Amps``, ``Volts``, ``Amp-hr``, ``Cyc#``;
  cycle and step counters (``cycle number``, ``Cycle_Index``, ``Ns``, ``Step_Index``, ``Step``);
* a unit-less column the user states once (``--columns time=ms,current=A``; in Python
  ``columns={"time": "ms", "current": "A"}``). Nothing is guessed: a number column without a unit
  is never read as a quantity.

Units are parsed by pint (:mod:`kinetics.units`); a column's *role* follows from its unit's
dimension (time, current, potential, capacity, specific capacity) or, for counters and
stoichiometries, from its name. Where two columns could play one role and no name settles it,
the error names the candidates and the ``--columns`` statement that would decide.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

from ..errors import InvalidValueError
from ..units import convert, quantity

#: Roles a column can play, and the unit each is converted to.
ROLE_UNITS = {"time": "s", "current": "A", "potential": "V", "capacity": "mAh",
              "specific capacity": "mAh/g", "stoichiometry": "", "cycle": "", "step": "", "state": ""}
_DIMENSION_REFERENCES = {"potential": "V", "specific capacity": "mAh/g", "capacity": "mAh", "time": "s",
                         "current": "A"}
#: Headers that carry their unit by convention, not by syntax (lower case).
VOCABULARY = {
    "amps": ("current", "A"), "volts": ("potential", "V"), "amp-hr": ("capacity", "A*h"),  # Maccor
    "watt-hr": ("", ""), "state": ("state", ""), "md": ("state", ""),
    "cyc#": ("cycle", ""), "cycle": ("cycle", ""), "cycle number": ("cycle", ""), "cycle_index": ("cycle", ""),
    "cycle index": ("cycle", ""), "cycle id": ("cycle", ""), "cycle_id": ("cycle", ""),
    "step": ("step", ""), "ns": ("step", ""), "step_index": ("step", ""), "step index": ("step", ""),
    "step id": ("step", ""), "step_id": ("step", ""), "step number": ("step", ""),
}
#: Names that make a unit-less column a stoichiometry (PyBaMM's data tables among them).
STOICHIOMETRY_NAMES = ("stoichiometry", "sto", "x", "soc", "state of charge", "lithiation", "sodiation",
                       "fraction")
#: Names that decide between two columns of one role (first match wins).
PREFERRED_NAMES = {
    "potential": ("ewe", "voltage", "volts", "potential", "ecell", "<ewe>", "e", "u", "v"),
    "current": ("i", "<i>", "current", "amps"),
    "time": ("time", "test_time", "test time", "testtime", "total time"),
    "capacity": ("capacity", "(q-qo)", "q", "amp-hr"),
    "specific capacity": ("capacity", "specific capacity", "q"),
}
_BRACKETED = re.compile(r"^\s*(?P<name>.*?)\s*(?:\[(?P<b>[^\]]*)\]|\((?P<p>[^()]*)\))\s*$")


@dataclass(frozen=True)
class Column:
    """A column of a table: its header, quantity name (lower case), unit ('' when none) and role.

    ``role`` is one of :data:`ROLE_UNITS` or ``""`` (a column this grammar cannot use).
    """

    header: str
    name: str
    unit: str
    role: str = ""


#: Cycler spellings pint does not know (Landt's ``Sec``, Maccor's ``hr``).
_UNIT_ALIASES = {"sec": "s", "secs": "s", "hr": "h", "hrs": "h", "mins": "min", "ua": "µA", "ah": "A*h"}
#: Units a ``name_unit`` or ``name-unit`` header may end with (a wider set would read ``Amp-hr``
#: or ``Watt-hr`` as a time in hours).
SUFFIX_UNITS = ("s", "ms", "min", "h", "V", "mV", "A", "mA", "uA", "µA", "mAh", "Ah", "mAh_g", "mA_g", "A_g")


def _pint_unit(text: str) -> str:
    """pint's spelling of a cycler unit: ``mA.h`` → ``mA*h``, ``mAh_g`` → ``mAh/g``, ``Sec`` → ``s``."""
    text = text.strip()
    text = _UNIT_ALIASES.get(text.lower(), text) if text.lower() in _UNIT_ALIASES else text
    return text.replace(".", "*").replace("_", "/")


def dimension_of(unit: str) -> str:
    """'potential', 'specific capacity', 'capacity', 'time', 'current', 'dimensionless' or 'other'."""
    if unit.strip() in ("", "-", "1", "a.u.", "%"):
        return "dimensionless" if unit.strip() != "%" else "other"
    try:
        q = quantity(1.0, _pint_unit(unit))
    except InvalidValueError:
        return "other"
    except Exception:  # noqa: BLE001 — pint raises several classes on odd text; none is a unit
        return "other"
    for kind, ref in _DIMENSION_REFERENCES.items():
        if q.check(quantity(1.0, ref).dimensionality):
            return kind
    return "other"


def parse_header(header: object) -> Column:
    """``"Voltage [V]"`` → Column("Voltage [V]", "voltage", "V", "potential")."""
    text = str(header).strip()
    low = text.lower()
    if low in VOCABULARY:
        role, unit = VOCABULARY[low]
        return Column(str(header), low, unit, role)
    m = _BRACKETED.match(text)
    if m:
        unit = (m.group("b") if m.group("b") is not None else m.group("p") or "").strip()
        return _with_role(Column(str(header), m.group("name").strip().lower(), unit))
    # name/unit (BioLogic: the last "/" whose right part is a unit), then name_unit and
    # name-unit with one of SUFFIX_UNITS (so "Cycle_Index", "Date-Time" and "Amp-hr" stay names)
    for k in [i for i, c in enumerate(text) if c == "/"][::-1]:
        name, unit = text[:k].strip(), text[k + 1:].strip()
        if name and unit and dimension_of(unit) not in ("other", "dimensionless"):
            return _with_role(Column(str(header), name.lower(), unit))
    for sep in ("_", "-"):
        for unit in sorted(SUFFIX_UNITS, key=len, reverse=True):
            if text.endswith(sep + unit) and len(text) > len(unit) + 1:
                return _with_role(Column(str(header), text[:-len(unit) - 1].strip().lower(), unit))
    return _with_role(Column(str(header), low, ""))


def _with_role(col: Column) -> Column:
    if "temp" in col.name:  # Temperature(C) is in degrees, not coulombs
        return Column(col.header, col.name, col.unit, "")
    kind = dimension_of(col.unit)
    if kind == "dimensionless":
        name = col.name.strip("<> ")
        if name in VOCABULARY:
            return Column(col.header, col.name, col.unit, VOCABULARY[name][0])
        if name.startswith(STOICHIOMETRY_NAMES) or name.endswith("stoichiometry"):
            return Column(col.header, col.name, col.unit, "stoichiometry")
        return col
    return Column(col.header, col.name, col.unit, kind if kind in ROLE_UNITS else "")


def parse_statement(text: str | Mapping[str, str] | None) -> dict[str, str]:
    """``"time=ms,current=A"`` (or a mapping) → {"time": "ms", "current": "A"} (header → unit)."""
    if text is None:
        return {}
    if isinstance(text, Mapping):
        pairs = list(text.items())
    else:
        pairs = []
        for part in str(text).split(","):
            if not part.strip():
                continue
            header, eq, unit = part.partition("=")
            if not eq or not header.strip():
                raise InvalidValueError("--columns", text, "HEADER=UNIT pairs separated by commas, e.g. "
                                        "time=ms,voltage=V,current=A")
            pairs.append((header, unit))
    out = {}
    for header, unit in pairs:
        header, unit = str(header).strip(), str(unit).strip()
        if dimension_of(unit) in ("other",) and unit.lower() not in ("", "-", "1"):
            raise InvalidValueError(f"--columns {header}", unit, "a unit of time (s, ms, min, h), current "
                                    "(A, mA, µA), potential (V, mV), capacity (mAh, A.h, mAh/g), or 1 for a "
                                    "stoichiometry")
        out[header] = unit
    return out


def identify(table: pd.DataFrame, statement: Mapping[str, str] | None = None, source: str = "table") -> list[Column]:
    """Every column of ``table`` parsed, with the stated units applied (header → unit, headers
    matched without regard to case and surrounding spaces)."""
    stated = {k.strip().lower(): v for k, v in (statement or {}).items()}
    headers = {str(h).strip().lower(): h for h in table.columns}
    unknown = [k for k in stated if k not in headers]
    if unknown:
        raise InvalidValueError(f"{source}: --columns", ", ".join(unknown),
                                f"headers of the file: {', '.join(repr(str(h)) for h in table.columns)}")
    cols = []
    for h in table.columns:
        key = str(h).strip().lower()
        if key in stated:
            unit = stated[key]
            col = _with_role(Column(str(h), key, unit))
            if unit in ("", "-", "1") and col.role == "":  # a stated dimensionless column: a stoichiometry
                col = Column(str(h), key, "", "stoichiometry")
            cols.append(col)
        else:
            cols.append(parse_header(h))
    return cols


def pick(columns: list[Column], role: str, source: str, required: str | None = None) -> Column | None:
    """The column playing ``role``: the only one, or the one a preferred name picks; two or more
    without a decision raise an error naming them. ``required``: the error's 'allowed' text when
    none is found (None: return None)."""
    found = [c for c in columns if c.role == role]
    if not found:
        if required is None:
            return None
        shown = ", ".join(repr(c.header) for c in columns)
        raise InvalidValueError(f"{source}: {role} column", shown, required + _statement_hint(columns))
    if len(found) == 1:
        return found[0]
    for name in PREFERRED_NAMES.get(role, ()):
        named = [c for c in found if c.name.strip("<> ") == name.strip("<> ")]
        if named:  # e.g. BioLogic's I/mA and <I>/mA: the same quantity, the first is taken
            return named[0]
    if role in ("cycle", "step", "stoichiometry"):
        return found[0]
    raise InvalidValueError(f"{source}: {role} column", ", ".join(repr(c.header) for c in found),
                            f"one {role} column; say which with --potential-column for a potential, or "
                            f"state the others' units differently with --columns (e.g. --columns "
                            f"'{found[1].header}=1')")


_HINT_UNITS = (("time", "s"), ("volt", "V"), ("potential", "V"), ("current", "A"), ("capacity", "mAh"),
               ("stoichiometry", "1"))


def _statement_hint(columns: list[Column]) -> str:
    plain = [c.header for c in columns if c.role == "" and c.unit == ""]
    if not plain:
        return ""
    example = ",".join(f"{h}={unit}" for h in plain for key, unit in _HINT_UNITS if key in h.lower()) \
        or f"{plain[0]}=UNIT"
    return (f"; columns without a unit ({', '.join(repr(h) for h in plain)}) are read only when their unit "
            f"is stated once, e.g. --columns {example} (Python: columns={{header: unit}})")


def values_in(table: pd.DataFrame, col: Column, target: str) -> pd.Series:
    """Column values converted to ``target`` units (dimensionless columns unchanged)."""
    values = pd.to_numeric(table[col.header], errors="coerce").astype(float)
    if target == "" or dimension_of(col.unit) == "dimensionless":
        return values
    factor = convert(1.0, _pint_unit(col.unit), target, field=col.header)
    return values * factor
