"""Native cycler files, read through maintained reader libraries.

* BioLogic ``.mpr``: ``galvani`` (datalab-org's maintained fork, ``galvani.BioLogic.MPRfile``).
* Neware ``.nda``/``.ndax``: ``NewareNDA`` (``NewareNDA.read``).

BioLogic ``.mpt`` text exports are text tables (:func:`kinetics.io.cycler.read_table` reads their
stated header length, tabs and decimal commas).

Why not navani: it wraps exactly these two readers, but pins numpy < 2 and pandas < 3, which
cannot be installed beside PyBaMM 26.10 (numpy ≥ 2). Arbin ``.res`` files are Microsoft Access
databases that need the external ``mdbtools`` program; they raise an error asking for the CSV or
Excel export, which the unit-aware reader handles (as it handles Landt's exports).

Every reader returns ``time_s``, ``current_A`` and ``voltage_V`` columns: what was measured, in
SI units, with the cycler's own current sign (and BioLogic's ``cycle number`` as ``cycle``).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import InvalidValueError

NATIVE_SUFFIXES = (".mpr", ".nda", ".ndax", ".res")


def _frame(time_s, current_A, voltage_V) -> pd.DataFrame:
    return pd.DataFrame({"time_s": np.asarray(time_s, float), "current_A": np.asarray(current_A, float),
                         "voltage_V": np.asarray(voltage_V, float)})


def _pick(columns, candidates: tuple[str, ...], path: Path, what: str) -> str:
    for c in candidates:
        if c in columns:
            return c
    raise InvalidValueError(f"{path.name}: {what} column", ", ".join(map(str, columns)),
                            f"one of {', '.join(candidates)}")


def _biologic(table: pd.DataFrame, path: Path, potential_column: str | None) -> pd.DataFrame:
    t = _pick(table.columns, ("time/s",), path, "time")
    i = _pick(table.columns, ("I/mA", "<I>/mA"), path, "current")
    v = _pick(table.columns, (potential_column,) if potential_column else
              ("Ewe/V", "<Ewe>/V", "Ecell/V", "<Ewe/V>"), path, "potential")
    frame = _frame(table[t], table[i].astype(float) * 1e-3, table[v])
    if "cycle number" in table.columns:
        frame["cycle"] = np.asarray(table["cycle number"], float)
    return frame


def read_mpr(path: Path, potential_column: str | None = None) -> pd.DataFrame:
    """BioLogic binary ``.mpr`` through galvani."""
    from galvani import BioLogic

    try:
        with open(path, "rb") as f:  # galvani leaves a path it opened open
            mpr = BioLogic.MPRfile(f)
    except Exception as e:  # galvani raises ValueError/NotImplementedError on unknown versions
        raise InvalidValueError(f"{path.name}", "unreadable .mpr", f"a file galvani can read ({e})") from None
    return _biologic(pd.DataFrame(mpr.data), path, potential_column)


def read_neware(path: Path) -> pd.DataFrame:
    """Neware ``.nda``/``.ndax`` through NewareNDA (``Time`` restarts at each step, so the
    absolute ``Timestamp`` gives the time axis)."""
    import NewareNDA

    try:
        table = NewareNDA.read(str(path))
    except Exception as e:
        raise InvalidValueError(f"{path.name}", "unreadable Neware file",
                                f"a file NewareNDA can read ({e})") from None
    stamp = pd.to_datetime(table["Timestamp"])
    time_s = (stamp - stamp.iloc[0]).dt.total_seconds()
    return _frame(time_s, table["Current(mA)"].astype(float) * 1e-3, table["Voltage"])


def read_native(path: Path, potential_column: str | None = None) -> pd.DataFrame:
    """``time_s``, ``current_A``, ``voltage_V`` of a native cycler file (``potential_column``:
    another BioLogic potential column, e.g. ``Ece/V``)."""
    suffix = path.suffix.lower()
    if suffix == ".mpr":
        return read_mpr(path, potential_column)
    if suffix in (".nda", ".ndax"):
        if potential_column:
            raise InvalidValueError("--potential-column", potential_column,
                                    "nothing for Neware files (they record one voltage)")
        return read_neware(path)
    raise InvalidValueError(f"{path.name}", suffix, "a BioLogic .mpr/.mpt or Neware .nda/.ndax file; "
                            "export Arbin .res files to CSV or Excel from MITS Pro")
