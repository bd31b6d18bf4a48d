"""Measured time series (time, current, potential) from CSV or Excel exports.

Several files (or a folder of them) are one experiment: they are joined in the order of their
first time stamp. Columns are found by their units (:mod:`kinetics.io.columns`): time in s,
min or h; current in A, mA or µA; potential in V or mV. Native cycler files (BioLogic .mpr,
Neware .nda/.ndax) are read through a maintained reader library, which is not wired in yet:
they raise a clear error instead of being parsed by hand.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import InvalidValueError
from .columns import find, parse_header, values_in

NATIVE = (".mpr", ".mpt", ".nda", ".ndax", ".res")


def _files(paths: list[str | Path]) -> list[Path]:
    out: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            out.extend(sorted(q for q in p.iterdir() if q.suffix.lower() in (".csv", ".xlsx", ".xls")))
        elif p.exists():
            out.append(p)
        else:
            raise InvalidValueError("FILE", str(p), "an existing file or folder")
    if not out:
        raise InvalidValueError("FILE", [str(p) for p in paths], "at least one CSV or Excel file")
    for p in out:
        if p.suffix.lower() in NATIVE:
            raise InvalidValueError("FILE", str(p), "a CSV or Excel export (native cycler files "
                                    "need a reader library that is not wired in yet)")
    return out


def read_time_series(paths: list[str | Path], potential_column: str | None = None) -> pd.DataFrame:
    """``time_s``, ``current_A``, ``potential_V`` of one experiment, joined in time order.

    ``potential_column`` picks a column by its header (e.g. an electrode potential in a
    three-electrode file); by default the first column with a potential unit.
    """
    frames = []
    for path in _files(list(paths)):
        table = pd.read_excel(path) if path.suffix.lower() in (".xlsx", ".xls") else pd.read_csv(path)
        headers = ", ".join(repr(str(c)) for c in table.columns)
        time = find(table, ("time",))
        current = find(table, ("current",))
        if time is None or current is None:
            raise InvalidValueError(f"{path.name}: columns", headers,
                                    "a time column (s, min, h) and a current column (A, mA, µA)")
        if potential_column is not None:
            if potential_column not in table.columns:
                raise InvalidValueError("--potential-column", potential_column, f"one of {headers}")
            pot = parse_header(potential_column)
        else:
            pot = find(table, ("potential",))
            if pot is None:
                raise InvalidValueError(f"{path.name}: potential column", headers,
                                        "a column with a unit in V or mV")
        frames.append(pd.DataFrame({"time_s": values_in(table, time, "s"),
                                    "current_A": values_in(table, current, "A"),
                                    "potential_V": values_in(table, pot, "V")}))
    frames.sort(key=lambda f: float(f["time_s"].iloc[0]) if len(f) else np.inf)
    data = pd.concat(frames, ignore_index=True)
    return data
