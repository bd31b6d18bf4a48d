"""Measured time series (time, current, potential) from cycler files: the one reader.

Text exports (CSV, TSV, BioLogic ``.mpt``, Maccor and Landt text, semicolon files with decimal
commas, UTF-8/UTF-16/cp1252) are read by :func:`read_table`, which finds the encoding, the
preamble, the separator and the decimal mark from the file's first lines and then hands the
rows to pandas' C parser (a million rows in about a second); Excel files by pandas/openpyxl. Columns
are told by the one column grammar (:mod:`kinetics.io.columns`): time in s, ms, min or h (or a
unit-less column of date-times or h:mm:ss spans, as Landt, Neware and Maccor exports have), current
in A, mA or µA, potential in V or mV; unit-less columns when their unit is stated. Native files
(BioLogic ``.mpr``, Neware ``.nda``/``.ndax``) go through maintained reader libraries
(:mod:`kinetics.io.native`).

Several files (or a folder of them) are one experiment: they are joined in the order of their
first time stamp (files whose clocks restart at zero are placed one after the other).

Why by hand: the maintained readers (galvani, NewareNDA; navani wraps them) read native files;
none reads the text exports of several vendors with their locales and preambles, and navani cannot
be installed beside PyBaMM 26.10 (it pins numpy < 2).
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import InvalidValueError
from .columns import Column, identify, parse_statement, pick, values_in
from .native import NATIVE_SUFFIXES, read_native

TABLE_SUFFIXES = (".csv", ".txt", ".tsv", ".xlsx", ".xls", ".dat", ".mpt")
#: Unit-less headers that may hold date-times or elapsed h:mm:ss.
_TIME_NAMES = ("time", "test time", "testtime", "total time", "totaltime", "date time", "datetime", "date_time",
               "timestamp", "realtime", "record time", "test_time", "system time", "absolute time")
#: Bytes read to tell the encoding, preamble, separator and decimal mark.
_SNIFF_BYTES = 256 * 1024
_SEPARATORS = ("\t", ";", ",", "|")
_DECIMAL_COMMA = re.compile(r"(?:^|[\t;| ])[-+]?\d+,\d+(?:[eE][-+]?\d+)?(?=$|[\t;| ])")


def _encoding(head: bytes, path: Path) -> str:
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if b"\x00" in head:  # UTF-16 without a BOM, or not text at all
        even, odd = head[0::2], head[1::2]
        if odd.count(0) > 0.9 * len(odd) and even.count(0) < 0.1 * len(even):
            return "utf-16-le"
        if even.count(0) > 0.9 * len(even) and odd.count(0) < 0.1 * len(odd):
            return "utf-16-be"
        raise InvalidValueError(f"{path.name}", "binary content", "a text table (CSV, TSV, .mpt, .txt), an "
                                "Excel file, or a native cycler file (.mpr, .nda, .ndax) with its own suffix")
    try:
        head.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError as e:
        if e.start > len(head) - 4:  # a character cut by the sample's end
            return "utf-8"
        return "cp1252" if _is_cp1252(head) else "latin-1"


def _is_cp1252(head: bytes) -> bool:
    try:
        head.decode("cp1252")
        return True
    except UnicodeDecodeError:
        return False


def _layout(lines: list[str], path: Path) -> tuple[int, str, str]:
    """(header line index, separator, decimal mark) of a text table's first lines."""
    m = re.search(r"Nb header lines\s*:\s*(\d+)", "\n".join(lines[:5]))
    body = [ln for ln in lines if ln.strip()]
    if not body:
        raise InvalidValueError(f"{path.name}", "an empty file", "a table with a header line and data rows")
    best = None
    for sep in _SEPARATORS:
        counts = [len(ln.split(sep)) for ln in lines]
        tail = [c for c, ln in zip(counts, lines) if ln.strip()][-50:]
        width = max(set(tail), key=tail.count)
        if width < 2:
            continue
        # the header is the first line from which every non-empty line has the data's width
        start = len(lines) - 1
        while start > 0 and (counts[start - 1] == width or not lines[start - 1].strip()):
            start -= 1
        while start < len(lines) and not lines[start].strip():
            start += 1
        score = (len(lines) - start, width)
        if best is None or score > best[0]:
            best = (score, start, sep)
    if best is None:
        if len(body) >= 2 and len(body[-1].split()) >= 2:  # columns separated by runs of spaces
            return (int(m.group(1)) - 1 if m else 0), r"\s+", "."
        raise InvalidValueError(f"{path.name}", body[0][:60], "a table with at least two columns separated by "
                                "commas, semicolons or tabs")
    _, start, sep = best
    header = int(m.group(1)) - 1 if m else start
    data = "\n".join(lines[header + 1:header + 200])
    decimal = "," if sep != "," and _DECIMAL_COMMA.search(data) else "."
    return header, sep, decimal


def read_table(path: Path, columns: Mapping[str, str] | str | None = None) -> pd.DataFrame:
    """A text table (CSV/TSV/.mpt/.txt: encoding, preamble, separator and decimal mark found from
    its first lines) or an Excel file, with headers stripped of surrounding spaces.

    ``columns`` is only checked here (header → unit; see :func:`kinetics.io.columns.identify`).
    """
    path = Path(path)
    if not path.is_file():
        raise InvalidValueError("FILE", str(path), "an existing file")
    if path.suffix.lower() in (".xlsx", ".xls"):
        try:  # the sheet with the most rows: Landt workbooks put cycle and step summaries first
            sheets = pd.read_excel(path, sheet_name=None)
            table = max(sheets.values(), key=len)
        except Exception as e:  # noqa: BLE001 — openpyxl/xlrd raise many classes on a damaged file
            raise InvalidValueError(f"{path.name}", "an unreadable Excel file", "an .xlsx/.xls workbook whose "
                                    f"first sheet is the table ({type(e).__name__})") from None
    else:
        with open(path, "rb") as f:
            head = f.read(_SNIFF_BYTES)
        if not head.strip():
            raise InvalidValueError(f"{path.name}", "an empty file", "a table with a header line and data rows")
        encoding = _encoding(head, path)
        text = head.decode(encoding, errors="ignore")
        lines = text.splitlines()[:-1] if len(head) == _SNIFF_BYTES else text.splitlines()
        header, sep, decimal = _layout(lines[:2000], path)
        try:
            table = pd.read_csv(path, sep=sep, skiprows=header, decimal=decimal, encoding=encoding,
                                engine="c" if sep != r"\s+" else "python", skip_blank_lines=True,
                                encoding_errors="replace", on_bad_lines="error")
        except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeError, ValueError) as e:
            where = re.search(r"line (\d+)", str(e))
            near = f" near line {where.group(1)}" if where else ""
            reason = str(e).splitlines()[0][:80] if str(e) else type(e).__name__
            raise InvalidValueError(f"{path.name}", f"unreadable rows{near}",
                                    f"a table whose rows all have the header's columns ({reason})") from None
    table.columns = [str(c).strip() for c in table.columns]
    table = table.loc[:, [not (c.startswith("Unnamed:") and table[c].isna().all()) for c in table.columns]]
    if table.shape[1] < 2 or len(table) == 0:
        raise InvalidValueError(f"{path.name}", f"{table.shape[1]} column(s), {len(table)} row(s)",
                                "a table with a header line, at least two columns and data rows")
    identify(table, parse_statement(columns), path.name)  # a stated header that is not there: say so now
    return table


_SPAN = re.compile(r"^\s*(?:(?P<d>\d+)\s*d(?:ays?)?,?\s*)?(?P<h>\d+):(?P<m>\d+):(?P<s>\d+(?:\.\d*)?)\s*$")


def _text_time_seconds(raw: pd.Series) -> pd.Series | None:
    """Seconds from the first value of a column of elapsed spans (``12:03:04.5``, Maccor's
    ``0d 00:01:0.879``, ``1 day, 2:03:04``) or date-times; None if fewer than 90 % of the values
    are either."""
    text = raw.astype(str).str.strip()
    parts = text.str.extract(_SPAN)
    if parts["s"].notna().mean() > 0.9:
        parts = parts.astype(float).fillna({"d": 0.0})
        return parts["d"] * 86400 + parts["h"] * 3600 + parts["m"] * 60 + parts["s"]
    spans = pd.to_timedelta(text, errors="coerce")
    if spans.notna().mean() > 0.9:
        return spans.dt.total_seconds()
    stamps = pd.to_datetime(text, errors="coerce", format="mixed")
    if stamps.notna().mean() > 0.9:
        return (stamps - stamps.dropna().iloc[0]).dt.total_seconds()
    return None


def time_seconds(table: pd.DataFrame, cols: list[Column] | None = None, source: str = "table") -> pd.Series | None:
    """The time column in seconds: by its unit (stated or written), or a unit-less column of
    date-times or elapsed spans (seconds from its first value; of several, the first that never
    goes back: Neware's ``Time`` restarts with every step, its ``Realtime`` does not); None if
    there is none."""
    cols = identify(table) if cols is None else cols
    col = pick(cols, "time", source)
    if col is not None:
        return values_in(table, col, "s")
    found = []
    for col in cols:
        # only a column of text: numbers without a unit are never read as time
        name = col.name.split("(")[0].strip()
        if col.role == "" and name in _TIME_NAMES and not pd.api.types.is_numeric_dtype(table[col.header]):
            seconds = _text_time_seconds(table[col.header])
            if seconds is not None:
                if not (seconds.diff().dropna() < 0).any():
                    return seconds
                found.append(seconds)
    return found[0] if found else None


def has_time_series(table: pd.DataFrame, columns: Mapping[str, str] | None = None) -> bool:
    """Whether a table has a time and a current column."""
    cols = identify(table, columns)
    return pick(cols, "current", "table") is not None and time_seconds(table, cols) is not None


def select_rows(table: pd.DataFrame, cols: list[Column], source: str, cycle: int | None = None,
                step_index: int | None = None) -> pd.DataFrame:
    """Only the rows of one cycle and/or one step of the file's own counters."""
    for role, wanted, flag in (("cycle", cycle, "--cycle"), ("step", step_index, "--step-index")):
        if wanted is None:
            continue
        col = pick(cols, role, source)
        if col is None:
            raise InvalidValueError(flag, wanted, f"nothing for {source}: it has no {role} column "
                                    f"(columns: {', '.join(repr(c.header) for c in cols)})")
        values = values_in(table, col, "")
        if not (values == wanted).any():
            found = sorted(int(v) for v in values.dropna().unique()[:50])
            raise InvalidValueError(flag, wanted, f"one of the {role}s in {source} ({col.header!r}): {found}")
        table = table.loc[values == wanted]
    return table.reset_index(drop=True)


def series_from_table(table: pd.DataFrame, path: Path, potential_column: str | None = None,
                      columns: Mapping[str, str] | str | None = None, cycle: int | None = None,
                      step_index: int | None = None) -> pd.DataFrame:
    """``time_s``, ``current_A``, ``voltage_V`` of one exported table, and ``cycle`` when the
    table has a cycle column (BioLogic's ``cycle number``, Arbin's ``Cycle_Index``, …)."""
    cols = identify(table, parse_statement(columns), path.name)
    table = select_rows(table, cols, path.name, cycle, step_index)
    time = time_seconds(table, cols, path.name)
    current = pick(cols, "current", path.name, "a current column (A, mA, µA)")
    if time is None:
        shown = ", ".join(repr(c.header) for c in cols)
        raise InvalidValueError(f"{path.name}: time column", shown,
                                "a time column (s, ms, min, h, or date-times / h:mm:ss); a unit-less one is "
                                "read when stated once: --columns HEADER=s (or ms, min, h)")
    if potential_column is not None:
        match = [c for c in cols if c.header == potential_column.strip()]
        if not match:
            raise InvalidValueError("--potential-column", potential_column,
                                    f"one of {', '.join(repr(c.header) for c in cols)}")
        pot = match[0] if match[0].role == "potential" else Column(match[0].header, match[0].name, "V", "potential")
    else:
        pot = pick(cols, "potential", path.name, "a column with a unit in V or mV")
    frame = pd.DataFrame({"time_s": np.asarray(time, float), "current_A": _signed_current(table, cols, current),
                          "voltage_V": values_in(table, pot, "V").to_numpy()})
    try:  # the cycle number rides along when there is one column for it (CV analysis uses it)
        cycle_column = pick(cols, "cycle", path.name)
    except InvalidValueError:
        cycle_column = None
    if cycle_column is not None:
        frame["cycle"] = values_in(table, cycle_column, "").to_numpy(float)
    return frame


def _signed_current(table: pd.DataFrame, cols: list[Column], current: Column) -> np.ndarray:
    """The current [A] with a sign: Maccor writes ``Amps`` ≥ 0 and the direction in ``State``
    (C charge, D discharge, R rest), which gives C > 0 and D < 0 here."""
    amps = values_in(table, current, "A").to_numpy()
    state = pick(cols, "state", "table")
    if state is None or np.nanmin(amps, initial=0.0) < 0:
        return amps
    code = table[state.header].astype(str).str.strip().str.upper().str[:1]
    return amps * np.select([code == "D", code == "C"], [-1.0, 1.0], default=0.0)


def read_file(path: Path, potential_column: str | None = None, columns: Mapping[str, str] | str | None = None,
              cycle: int | None = None, step_index: int | None = None) -> pd.DataFrame:
    """``time_s``, ``current_A``, ``voltage_V`` (and ``cycle`` if recorded) of one cycler file
    (native or exported)."""
    path = Path(path)
    if not path.exists():
        raise InvalidValueError("FILE", str(path), "an existing file or folder")
    if path.suffix.lower() in NATIVE_SUFFIXES:
        if cycle is not None or step_index is not None:
            raise InvalidValueError("--cycle/--step-index", cycle if cycle is not None else step_index,
                                    f"nothing for {path.name}: select in its CSV export")
        return read_native(path, potential_column)
    return series_from_table(read_table(path, columns), path, potential_column, columns, cycle, step_index)


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


def read_time_series(paths: str | Path | Sequence[str | Path], potential_column: str | None = None,
                     columns: Mapping[str, str] | str | None = None, cycle: int | None = None,
                     step_index: int | None = None) -> pd.DataFrame:
    """``time_s``, ``current_A``, ``voltage_V`` of one experiment: one file, a folder, or several
    files joined in time order.

    Parameters
    ----------
    paths : path or sequence of paths
        One file, a folder, or several files.
    potential_column : str, optional
        Header of the potential to read (e.g. an electrode potential in a three-electrode file);
        by default the one column with a potential unit (or the one a name such as ``Ewe`` picks).
    columns : str or mapping, optional
        Units of unit-less columns, ``"time=ms,voltage=V,current=A"`` or ``{"time": "ms", ...}``
        (header → unit). Never guessed.
    cycle, step_index : int, optional
        Only the rows of this cycle / step of the file's own counter columns.

    Files whose time restarts (each starting near zero) are placed one after the other in name order.
    """
    if isinstance(paths, str | Path):
        paths = [paths]
    elif not isinstance(paths, Sequence) or not all(isinstance(p, str | Path) for p in paths):
        raise InvalidValueError("paths", type(paths).__name__, "a path or a list of paths")
    frames = [read_file(p, potential_column, columns, cycle, step_index) for p in _files(list(paths))]
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
