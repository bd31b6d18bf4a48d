"""Unit-aware column detection for tables of measured data.

A header such as ``Voltage [V]``, ``Ewe/V``, ``Capacity (mAh/g)`` or ``Stoichiometry`` is split
into a quantity name and a unit; the unit is checked with pint. Nothing is guessed: a column
whose unit cannot be told, or that is not there, raises an error naming what was found.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd

from ..errors import InvalidValueError
from ..units import convert, quantity

_UNIT = re.compile(r"^\s*(?P<name>.*?)\s*(?:\[(?P<b>[^\]]*)\]|\((?P<p>[^)]*)\)|/(?P<s>[^/\s]+))\s*$")


@dataclass(frozen=True)
class Column:
    """A column with its quantity name (lower case) and unit ('' when dimensionless)."""

    header: str
    name: str
    unit: str


def parse_header(header: str) -> Column:
    """``"Voltage [V]"`` → Column("Voltage [V]", "voltage", "V")."""
    m = _UNIT.match(str(header))
    if m:
        unit = (m.group("b") or m.group("p") or m.group("s") or "").strip()
        return Column(str(header), m.group("name").strip().lower(), unit)
    return Column(str(header), str(header).strip().lower(), "")


def dimension_of(unit: str) -> str:
    """'potential', 'specific capacity', 'capacity', 'time', 'current', 'dimensionless' or
    'other'."""
    if unit in ("", "-", "1"):
        return "dimensionless"
    try:
        q = quantity(1.0, unit.replace("A.h", "A*h").replace("mA.h", "mA*h"))
    except InvalidValueError:
        return "other"
    dims = {"potential": "V", "specific capacity": "mAh/g", "capacity": "mAh", "time": "s",
            "current": "A"}
    for kind, ref in dims.items():
        if q.check(quantity(1.0, ref).dimensionality):
            return kind
    return "other"


def find(table: pd.DataFrame, kinds: tuple[str, ...], names: tuple[str, ...] = ()) -> Column | None:
    """The first column whose unit is of one of ``kinds`` (or, for dimensionless columns, whose
    name contains one of ``names``)."""
    for header in table.columns:
        col = parse_header(header)
        kind = dimension_of(col.unit)
        if kind in kinds and (kind != "dimensionless" or col.name.startswith(names)):
            return col
    return None


def values_in(table: pd.DataFrame, col: Column, target: str) -> pd.Series:
    """Column values converted to ``target`` units (dimensionless columns unchanged)."""
    if dimension_of(col.unit) == "dimensionless":
        return table[col.header].astype(float)
    factor = convert(1.0, col.unit.replace("A.h", "A*h"), target, field=col.header)
    return table[col.header].astype(float) * factor
