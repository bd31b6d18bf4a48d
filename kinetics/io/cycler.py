"""Measured time series (time, current, potential) from cycler files.

CSV and Excel exports are read by their column units (:mod:`kinetics.io.columns`): time in s,
min or h (or a unit-less column of date-times or h:mm:ss spans, as Landt and Neware exports
have), current in A, mA or µA, potential in V or mV. Native files (BioLogic ``.mpr``/``.mpt``,
Neware ``.nda``/``.ndax``) go through maintained reader libraries (:mod:`kinetics.io.native`).

Several files (or a folder of them) are one experiment: they are joined in the order of their
first time stamp (files whose clocks restart at zero are placed one after the other).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import InvalidValueError
from .columns import find, parse_header, values_in
from .native import NATIVE_SUFFIXES, read_native

TABLE_SUFFIXES = (".csv", ".txt", ".tsv", ".xlsx", ".xls")
#: Unit-less headers that may hold date-times or elapsed h:mm:ss.
_TIME_NAMES = ("time", "test time", "testtime", "total time", "totaltime", "date time", "datetime",
               "timestamp", "realtime", "record time")


def read_table(path: Path) -> pd.DataFrame:
    """A CSV/TSV (delimiter sniffed) or Excel file as a table."""
    if path.suffix.lower() in (".xlsx", ".xls"):
        return pd.read_excel(path)
    return pd.read_csv(path, sep=None, engine="python")


def time_seconds(table: pd.DataFrame) -> pd.Series | None:
    """The time column in seconds: by its unit, or a unit-less column of date-times or
    h:mm:ss spans (seconds from its first value); None if there is none."""
    col = find(table, ("time",))
    if col is not None:
        return values_in(table, col, "s")
    for header in table.columns:
        col = parse_header(header)
        # only a unit-less column of text (date-times, h:mm:ss): numbers without a unit, or with
        # a unit that is not a time, are never read as time
        if col.unit == "" and col.name in _TIME_NAMES and not pd.api.types.is_numeric_dtype(table[header]):
            raw = table[header]
            spans = pd.to_timedelta(raw.astype(str), errors="coerce")
            if spans.notna().mean() > 0.9:
                return spans.dt.total_seconds()
            stamps = pd.to_datetime(raw, errors="coerce")
            if stamps.notna().mean() > 0.9:
                return (stamps - stamps.dropna().iloc[0]).dt.total_seconds()
    return None


def has_time_series(table: pd.DataFrame) -> bool:
    """Whether a table has a time and a current column."""
    return time_seconds(table) is not None and find(table, ("current",)) is not None


def series_from_table(table: pd.DataFrame, path: Path, potential_column: str | None = None) -> pd.DataFrame:
    """``time_s``, ``current_A``, ``voltage_V`` of one exported table."""
    headers = ", ".join(repr(str(c)) for c in table.columns)
    time = time_seconds(table)
    current = find(table, ("current",))
    if time is None or current is None:
        raise InvalidValueError(f"{path.name}: columns", headers,
                                "a time column (s, min, h, or date-times) and a current column (A, mA, µA)")
    if potential_column is not None:
        if potential_column not in table.columns:
            raise InvalidValueError("--potential-column", potential_column, f"one of {headers}")
        pot = parse_header(potential_column)
    else:
        pot = find(table, ("potential",))
        if pot is None:
            raise InvalidValueError(f"{path.name}: potential column", headers,
                                    "a column with a unit in V or mV")
    return pd.DataFrame({"time_s": np.asarray(time, float), "current_A": values_in(table, current, "A"),
                         "voltage_V": values_in(table, pot, "V")})


def read_file(path: Path, potential_column: str | None = None) -> pd.DataFrame:
    """``time_s``, ``current_A``, ``voltage_V`` of one cycler file (native or exported)."""
    if not path.exists():
        raise InvalidValueError("FILE", str(path), "an existing file or folder")
    if path.suffix.lower() in NATIVE_SUFFIXES:
        return read_native(path, potential_column)
    return series_from_table(read_table(path), path, potential_column)


def _files(paths: list[str | Path]) -> list[Path]:
    out: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            out.extend(sorted(q for q in p.iterdir() if q.suffix.lower() in TABLE_SUFFIXES + NATIVE_SUFFIXES))
        elif p.exists():
            out.append(p)
        else:
            raise InvalidValueError("FILE", str(p), "an existing file or folder")
    if not out:
        raise InvalidValueError("FILE", [str(p) for p in paths], "at least one cycler file (CSV, Excel, "
                                "BioLogic .mpr/.mpt, Neware .nda/.ndax)")
    return out


def read_time_series(paths: str | Path | Sequence[str | Path], potential_column: str | None = None) -> pd.DataFrame:
    """``time_s``, ``current_A``, ``voltage_V`` of one experiment: one file, a folder, or several
    files joined in time order.

    ``potential_column`` picks a column by its header (e.g. an electrode potential in a
    three-electrode file); by default the first column with a potential unit. Files whose time
    restarts (each starting near zero) are placed one after the other in name order.
    """
    paths = [paths] if isinstance(paths, str | Path) else list(paths)
    frames = [read_file(p, potential_column) for p in _files(paths)]
    frames = [f for f in frames if len(f)]
    if not frames:
        raise InvalidValueError("FILE", [str(p) for p in paths], "files with data rows")
    frames.sort(key=lambda f: float(f["time_s"].iloc[0]))
    joined, offset = [], 0.0
    for f in frames:
        start = float(f["time_s"].iloc[0])
        shift = offset - start if joined and start + 0.0 < offset - 1e-9 else 0.0
        g = f.assign(time_s=f["time_s"] + shift)
        offset = float(g["time_s"].iloc[-1])
        joined.append(g)
    return pd.concat(joined, ignore_index=True)
