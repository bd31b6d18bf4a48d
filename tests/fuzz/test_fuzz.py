"""Generated bad input: a clear error, never a traceback.

One test function (pytest runs with xdist; the distinct errors reached are counted across all
parts) drives four hypothesis generators, each derandomised:

1. study configs (TOML and JSON: valid, mutated, wrong types, unknown keys, bad rates, models,
   N/P, missing sets, broken text) → ``load_study`` and the build of every cell before any solve
   (``study._prepare``); nothing is simulated;
2. parameter-set files mutated from the shipped ones (entries deleted, values made text,
   negative, NaN or huge, wrong units, provenance missing, includes broken, JSON broken,
   truncated, re-encoded) → ``kinetics.load`` and ``HalfCell`` (which must stay cheap);
3. cycler files (CSV/TSV/``.mpt``/Excel-like text, garbled, truncated, empty, UTF-16, cp1252,
   random bytes, headers with random units) and, once, 200k-row files → ``read_time_series``,
   ``read_gcd``, ``read_ocp_table``;
4. CLI argument combinations with at least one thing wrong → ``kinetics.cli.main`` in-process,
   plus a fixed list of single faults behind otherwise valid arguments (a random draw rarely
   combines them) and one ``--debug`` call.

Outcome rules. API: success, or an exception of :class:`~kinetics.errors.KineticsError`;
anything else (pandas' ValueError, UnicodeDecodeError, KeyError, TypeError, a warning raised as
an error...) is a finding. CLI: exit 2 with exactly one line on stderr (argparse's own usage
errors too), 0 only where a command legitimately completes, never
"internal error" nor "Traceback". Input files are hashed before and after; every CLI call runs
in a fresh folder that must be empty afterwards (no partial output folder).

Long work never starts: the entry points of real runs (the fit, the calibration's least
squares, the study's simulator and balancing, the OCP fit, GITT identification and its plot,
validation) are replaced by a stand-in that raises :class:`WouldRun` (a ``BaseException``, so
the CLI's own handlers cannot turn it into an exit code); such an example counts as "valid,
skipped".

Findings are collected, not raised at the first one, so that one run lists them all (a file a
reader leaves open counts too: ``sys.unraisablehook`` names the input); the test then fails
listing each (exception, where, an input), and requires at least :data:`MIN_DISTINCT_ERRORS`
distinct (error class, field) pairs: field = ``InvalidValueError.field``,
``UnknownNameError.kind``, or a normalised message tag for the other classes (``-s`` prints
them).
"""

from __future__ import annotations

import contextlib
import copy
import gc
import hashlib
import io
import json
import math
import os
import re
import sys
import time
import traceback
from pathlib import Path

import numpy as np
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

import kinetics
import kinetics.analysis.ocp_fit
import kinetics.cli
import kinetics.validation.calibrate
import kinetics.workflows.gitt
import kinetics.workflows.study
from kinetics.analysis.ocp_fit import read_ocp_table
from kinetics.errors import InvalidValueError, KineticsError, UnknownNameError
from kinetics.io.cycler import read_time_series
from kinetics.io.gcd import read_gcd
from kinetics.sets import data_directory
from kinetics.workflows.study import _prepare, load_study

MIN_DISTINCT_ERRORS = 40
#: Building a cell from a set reads JSON and checks values: no model, no solve.
MAX_CELL_BUILD_S = 1.0
#: A 200k-row file: read in seconds (a bound that catches a hang, not a benchmark).
MAX_LARGE_FILE_S = 60.0
NAN, INF = float("nan"), float("inf")


def _settings(n: int):
    return settings(max_examples=n, derandomize=True, deadline=None, database=None,
                    phases=[Phase.explicit, Phase.generate],
                    suppress_health_check=list(HealthCheck))


class WouldRun(BaseException):  # not an error: a valid run that the harness skips
    """Raised by the stand-ins of long runs: the input was valid up to the real work."""


# ============================================================================ bookkeeping
def _norm(text: object) -> str:
    """A field or message with the generated parts (file names, quoted names, values, numbers)
    masked."""
    text = str(text)
    text = re.sub(r"\S*\.(csv|tsv|txt|mpt|mpr|ndax|nda|res|xlsx|xls|dat|json|toml|yaml)\b(@\S*)?", "<file>",
                  text, flags=re.I)
    text = re.sub(r"'[^']*'|\"[^\"]*\"", "'…'", text)
    text = re.sub(r"\[('…'(, )?)+\]", "[…]", text)
    text = re.sub(r"= \S+ is ", "= … is ", text)
    text = re.sub(r"(?<![\w-])-?\d+(\.\d+)?(e[-+]?\d+)?(?!\w)", "N", text)
    return text.strip()


def pair_of(e: KineticsError) -> tuple[str, str]:
    if isinstance(e, InvalidValueError):
        return type(e).__name__, _norm(e.field)
    if isinstance(e, UnknownNameError):
        return type(e).__name__, _norm(e.kind)
    msg = re.sub(r"^\S*/\S+?:\s+", "", str(e))  # "<path>: message"
    msg = re.sub(r",? got .*", "", re.sub(r"value .+? must", "value … must", msg))
    return type(e).__name__, re.split(r"[(;]", _norm(msg))[0].strip()[:50]


def where_of(e: BaseException) -> str:
    """Innermost frame in hc-kinetics and innermost frame overall."""
    frames = traceback.extract_tb(e.__traceback__)
    ours = [f for f in frames if "/kinetics/" in f.filename and "/tests/" not in f.filename]
    out = []
    if ours:
        f = ours[-1]
        out.append(f"kinetics/{f.filename.split('/kinetics/', 1)[1]}:{f.lineno} ({f.name})")
    if frames and (not ours or frames[-1] is not ours[-1]):
        f = frames[-1]
        short = re.sub(r".*/site-packages/", "", f.filename)
        out.append(f"{short}:{f.lineno} ({f.name})")
    return " -> ".join(out) or "?"


class Log:
    def __init__(self):
        self.pairs: dict[tuple[str, str], str] = {}  # pair -> the part that reached it first
        #: (part, exception class or problem, where) -> [first message, its input, count]
        self.findings: dict[tuple[str, str, str], list] = {}
        self.counts: dict[str, dict[str, int]] = {}

    def count(self, part: str, outcome: str) -> None:
        c = self.counts.setdefault(part, {})
        c[outcome] = c.get(outcome, 0) + 1

    def error(self, part: str, e: KineticsError) -> None:
        self.pairs.setdefault(pair_of(e), part)
        self.count(part, "clear error")

    def finding(self, part: str, what: str, where: str, given: str) -> None:
        kind = re.split(r"[:(]", what)[0].strip()
        entry = self.findings.setdefault((part, kind, where), [what, given[:400], 0])
        entry[2] += 1
        self.count(part, "FINDING")

    def call(self, part: str, given: str, fn, *args, **kwargs):
        """Run ``fn``: success, a KineticsError (recorded), or a finding."""
        try:
            result = fn(*args, **kwargs)
        except KineticsError as e:
            self.error(part, e)
            return e
        except WouldRun:
            self.count(part, "valid (run skipped)")
            return None
        except Exception as e:  # noqa: BLE001 — exactly what the harness looks for
            self.finding(part, f"{type(e).__name__}: {str(e)[:160]}", where_of(e), given)
            return e
        self.count(part, "success")
        return result


def digest(paths) -> dict[str, str]:
    out = {}
    for p in paths:
        p = Path(p)
        if p.is_file():
            out[str(p)] = hashlib.sha256(p.read_bytes()).hexdigest()
        elif p.is_dir():
            for q in sorted(p.rglob("*")):
                if q.is_file():
                    out[str(q)] = hashlib.sha256(q.read_bytes()).hexdigest()
    return out


# ============================================================================ text and bytes
def encode(text: str, encoding: str) -> bytes:
    return text.encode(encoding, errors="replace")


ENCODINGS = ("utf-8",) * 12 + ("utf-8-sig", "utf-16", "cp1252", "latin-1")


@st.composite
def garble(draw, data: bytes) -> tuple[bytes, str]:
    """Mostly unchanged; otherwise truncated, with random bytes inserted, emptied, replaced by
    random bytes, or with NUL bytes."""
    how = draw(st.sampled_from(["none"] * 15 + ["truncate", "insert", "empty", "random", "nul"]))
    if how == "truncate" and data:
        k = draw(st.integers(0, len(data) - 1))
        return data[:k], f"truncated at byte {k}"
    if how == "insert":
        k = draw(st.integers(0, len(data)))
        junk = draw(st.binary(min_size=1, max_size=16))
        return data[:k] + junk + data[k:], f"{junk!r} inserted at byte {k}"
    if how == "empty":
        return b"", "empty"
    if how == "random":
        return draw(st.binary(min_size=1, max_size=300)), "random bytes"
    if how == "nul":
        return data.replace(b",", b"\x00", 3), "NUL bytes"
    return data, ""


# ============================================================================ 1. study configs
SET_NAMES = ["MPCC-1-ether", "MPCC-1-ester", "PCC-ester", "mpcc-1-ether", "O3-Na0.9TMO2", "carbon-MPCC-1",
             "electrolyte-NaPF6-diglyme", "MPCC-2-ether", "", "pybamm:NoSuchSet", "nope:thing", "missing.json"]
WEIRD = [None, True, False, 0, -1, 1.5, NAN, INF, -INF, 1e308, "", "abc", [], [1], {"a": 1}, 10 ** 30]
RATES = st.one_of(
    st.lists(st.one_of(st.sampled_from([20, 50, 100, 2000, 0.5, 1e6, 1e308, 0, -20, NAN, INF, -INF, True, None,
                                        "0.5C", "C/20", "20mA/g", "20 mA/g", "1.5A", "-1C", "C/0", "abc", "",
                                        "1e400mA/g", "20mA", "20 furlong", [20], {"r": 1}]),
                       st.floats(allow_nan=True, allow_infinity=True)), max_size=4),
    st.sampled_from(WEIRD + ["20,50"]))
CYCLES = st.sampled_from([1, 2, 0, -3, 1.5, 2.0, "2", True, 10 ** 6, 10 ** 9, 10 ** 30, NAN, INF, None, [1]])
NP = st.sampled_from([1.05, 1.2, 0.5, 0, -1, NAN, INF, "1.05", None, True, [1], 1e308, 1e-308, {"a": 1}])
WINDOWS = st.sampled_from([[0.01, 3.0], [3.0, 0.01], [0.01], [0.01, 3, 4], ["a", "b"], "x", 5, [NAN, 1.0],
                           [0, 0], [-1e308, 1e308], {"a": 1}, [True, 2], [1.5, 4.2], [], None, ["0.01", "3"]])
MODELS = st.sampled_from(["SPM", "SPMe", "DFN", "spme", "XYZ", "", 5, None, ["SPMe"], "pybamm"])
TEMPS = st.sampled_from([298.15, 233, 353, 100, 1000, -5, "300", NAN, INF, True, None, 1e308])


def _set_value(missing: str, mutated: str):
    return st.one_of(st.sampled_from(SET_NAMES).map(lambda s: missing if s == "missing.json" else s),
                     st.just(mutated), st.sampled_from(WEIRD))


BASE_STUDY = {"half_cell": [{"parameter_set": "MPCC-1-ether", "rates_mA_g": [20, 100], "cycles": 1}],
              "full_cell": [{"anode": "MPCC-1-ether", "cathode": "O3-Na0.9TMO2", "np_ratio": 1.1, "rates_mA_g": [20]}]}
HALF_KEYS = ["parameter_set", "rates_mA_g", "cycles", "window_V", "model", "temperature_K"]
FULL_KEYS = ["anode", "cathode", "np_ratio", "rates_mA_g", "cycles", "window_V", "model", "temperature_K"]


@st.composite
def study_doc(draw, missing: str, mutated: str):
    """A valid study with 0–3 mutations: a value replaced, a key deleted, an unknown key or
    section, a section of the wrong type, more tables, or a top level that is not a table."""
    values = {"rates_mA_g": RATES, "cycles": CYCLES, "window_V": WINDOWS, "model": MODELS, "temperature_K": TEMPS,
              "np_ratio": NP, "parameter_set": _set_value(missing, mutated), "anode": _set_value(missing, mutated),
              "cathode": _set_value(missing, mutated)}
    doc = copy.deepcopy(BASE_STUDY)
    if draw(st.integers(0, 3)) == 0:
        doc.pop(draw(st.sampled_from(sorted(doc))))
    for _ in range(draw(st.integers(0, 3))):
        op = draw(st.sampled_from(["set"] * 6 + ["del", "unknown key", "unknown section", "section", "more", "top"]))
        section = draw(st.sampled_from(["half_cell", "full_cell"]))
        tables = doc.get(section) if isinstance(doc, dict) else None
        table = tables[-1] if isinstance(tables, list) and tables and isinstance(tables[-1], dict) else None
        keys = HALF_KEYS if section == "half_cell" else FULL_KEYS
        if op == "set" and table is not None:
            key = draw(st.sampled_from(keys))
            table[key] = draw(values[key])
        elif op == "del" and table is not None:
            table.pop(draw(st.sampled_from(keys)), None)
        elif op == "unknown key" and table is not None:
            table[draw(st.sampled_from(["rate", "np", "parameterset", "Model", "", "half_cell", "anode "]))] = 1
        elif op == "unknown section" and isinstance(doc, dict):
            doc[draw(st.sampled_from(["half_cells", "global", "", "Full_cell"]))] = [{}]
        elif op == "section" and isinstance(doc, dict):
            doc[section] = draw(st.sampled_from(WEIRD + [[1], [[]], ["x"], [None]]))
        elif op == "more" and isinstance(tables, list):
            tables.append(draw(st.fixed_dictionaries({}, optional={k: values[k] for k in keys})))
        elif op == "top":
            doc = draw(st.sampled_from([[], [1, 2], "text", 5, None, [doc]]))
    return doc


def toml_value(v) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        if math.isnan(v):
            return "nan"
        return ("inf" if v > 0 else "-inf") if math.isinf(v) else repr(v)
    if isinstance(v, str):
        return json.dumps(v, ensure_ascii=False)
    if isinstance(v, list):
        return "[" + ", ".join(toml_value(x) for x in v if x is not None) + "]"
    if isinstance(v, dict):
        return "{" + ", ".join(f"{json.dumps(k)} = {toml_value(x)}" for k, x in v.items() if x is not None) + "}"
    raise TypeError(type(v))


def to_toml(doc) -> str:
    if not isinstance(doc, dict):
        return f"= {doc!r}\n"
    head, tables = [], []
    for k, v in doc.items():
        if isinstance(v, list) and v and all(isinstance(t, dict) for t in v):
            for t in v:
                tables.append(f"[[{json.dumps(k)}]]")
                tables += [f"{json.dumps(kk)} = {toml_value(vv)}" for kk, vv in t.items() if vv is not None]
        elif v is not None:
            head.append(f"{json.dumps(k)} = {toml_value(v)}")
    return "\n".join(head + tables) + "\n"


@st.composite
def study_file(draw, folder: Path, counter, missing: str, mutated: str) -> tuple[Path, str]:
    doc = draw(study_doc(missing, mutated))
    suffix = draw(st.sampled_from([".toml", ".toml", ".json", ".json", ".JSON", ".txt", "", ".yaml"]))
    as_json = suffix.lower() == ".json" or (suffix in ("", ".txt", ".yaml") and draw(st.booleans()))
    text = json.dumps(doc, allow_nan=True, ensure_ascii=False) if as_json else to_toml(doc)
    if draw(st.booleans()):  # non-ASCII in a name: what a re-encoding breaks
        text = text.replace("MPCC-1-ether", "MPCC-1-ether µ→")
    encoding = draw(st.sampled_from(ENCODINGS))
    data, how = draw(garble(encode(text, encoding)))
    path = folder / f"study{next(counter)}{suffix}"
    shape = draw(st.sampled_from(["file"] * 8 + ["folder", "missing"]))
    if shape == "folder":
        path.mkdir()
    elif shape == "file":
        path.write_bytes(data)
    desc = (f"{shape} {path.name} ({'JSON' if as_json else 'TOML'}, {encoding}{', ' + how if how else ''}): "
            f"{text[:200]!r}")
    return path, desc


# ============================================================================ 2. parameter sets
def _raw(name: str) -> dict:
    return json.loads((data_directory() / f"{name}.json").read_text(encoding="utf-8"))


def flattened(name: str) -> dict:
    """A shipped set with its includes merged in: one self-contained file to mutate."""
    raw = _raw(name)
    params = {}
    for inc in raw.get("include", []):
        params |= flattened(inc)["parameters"]
    params |= raw["parameters"]
    return {**{k: v for k, v in raw.items() if k != "include"}, "parameters": params}


SET_WEIRD = [None, True, "abc", "1.0", "", -1, 0, -1e-9, NAN, INF, -INF, 1e308, 10 ** 400, [], [1.0], {"value": 1},
             1e-300, 5]
UNITS = ["", "V", "mV", "mAh/g", "m", "µm", "um", "cm", "nm", "g/cm^3", "K", "degC", "s", "A/m^2", "m^2/s",
         "cm^2/s", "mol/m^3", "S/m", "furlong", "???", "1/0", "m^", "m**", "(", "%", "mAh", "J/mol", "kJ/mol", None,
         5, [], "dimensionless", "V/V", "ohm*cm^2", "e", "pi", "inf", "nan", "1e400", "m/"]
FORMS = [("anode.ocp.model", "bogus"), ("anode.diffusivity.model", "constant"), ("anode.diffusivity.model", 5),
         ("anode.kinetics.model", "stage"), ("cathode.ocp.model", "multi-stage"), ("anode.ocp.model", None)]


@st.composite
def set_file(draw, folder: Path, counter, bases: dict[str, dict]) -> tuple[Path, str]:
    base_name = draw(st.sampled_from(sorted(bases)))
    doc = copy.deepcopy(bases[base_name])
    names = sorted(doc.get("parameters", {}))
    ops = []
    for _ in range(draw(st.integers(0, 4))):
        op = draw(st.sampled_from(["del", "value", "value", "unit", "drop", "field", "spec", "add", "top", "form",
                                   "include"]))
        params = doc.get("parameters")
        key = draw(st.sampled_from(names)) if names else "anode.name"
        if op == "del" and isinstance(params, dict):
            params.pop(key, None)
        elif op == "value" and isinstance(params, dict) and isinstance(params.get(key), dict):
            params[key]["value"] = draw(st.sampled_from(SET_WEIRD) | st.floats())
        elif op == "unit" and isinstance(params, dict) and isinstance(params.get(key), dict):
            params[key]["unit"] = draw(st.sampled_from(UNITS))
        elif op == "drop" and isinstance(params, dict) and isinstance(params.get(key), dict):
            params[key].pop(draw(st.sampled_from(["value", "unit", "kind", "source"])), None)
        elif op == "field" and isinstance(params, dict) and isinstance(params.get(key), dict):
            params[key][draw(st.sampled_from(["kind", "source"]))] = draw(
                st.sampled_from(["bogus", "", "   ", None, 5, [], "paper"]))
        elif op == "spec" and isinstance(params, dict):
            params[key] = draw(st.sampled_from([5, "x", [], None, {}]))
        elif op == "add" and isinstance(params, dict):
            name = draw(st.sampled_from(["anode.foo", "foo", "", "anode.ocp.extra.capacity", "anode.ocp.extra.width",
                                         "cell.colour", "anode.ocp.adsorption.capacity.x"]))
            params[name] = {"value": 1.0, "unit": "", "kind": "assumed", "source": "fuzz"}
        elif op == "top":
            k = draw(st.sampled_from(["format", "name", "kind", "description", "parameters", "listed"]))
            if draw(st.booleans()):
                doc.pop(k, None)
            else:
                doc[k] = draw(st.sampled_from(WEIRD + ["hc-kinetics parameter set 2"]))
        elif op == "form" and isinstance(params, dict):
            k, v = draw(st.sampled_from(FORMS))
            params[k] = {"value": v, "unit": "", "kind": "assumed", "source": "fuzz"}
        elif op == "include":
            doc["include"] = draw(st.sampled_from([["carbon-MPCC-1"], ["carbon-MPCC-1", "carbon-MPCC-1"],
                                                   ["nope"], "carbon-MPCC-1", 5, [5], None, ["MPCC-1-ether"],
                                                   ["carbon-PCC", "carbon-MPCC-1"], [["x"]]]))
        else:
            continue
        ops.append(f"{op} {key}")
    top = draw(st.sampled_from(["doc"] * 30 + ["list", "string", "number"]))
    if top != "doc":
        doc = {"list": [doc], "string": "set", "number": 5}[top]
        ops.append(f"top-level {top}")
    text = json.dumps(doc, indent=2, allow_nan=True, ensure_ascii=False)
    encoding = draw(st.sampled_from(ENCODINGS))
    data, how = draw(garble(encode(text, encoding)))
    suffix = draw(st.sampled_from([".json"] * 15 + [".JSON", ".txt"]))
    path = folder / f"set{next(counter)}{suffix}"
    path.write_bytes(data)
    return path, f"{path.name} from {base_name}: {', '.join(ops) or 'unchanged'}; {encoding}{', ' + how if how else ''}"


# ============================================================================ 3. cycler files
TIME_HEADERS = ["Time [s]", "time/s", "Time (h)", "Time [min]", "Test Time", "time", "Time [furlong]", "Time [V]", "t",
                "Date Time"]
CURRENT_HEADERS = ["Current [A]", "I/mA", "<I>/mA", "Current (µA)", "current", "Current [mA/g]", "Current [V]",
                   "Current [mA]"]
VOLTAGE_HEADERS = ["Voltage [V]", "Ewe/V", "Potential (mV)", "voltage", "Voltage [A]", "Ecell/V", "E [V vs Na+/Na]"]
ABSCISSA_HEADERS = ["Capacity [mAh/g]", "Capacity (mAh)", "Q [A.h]", "Capacity [A*h]", "Stoichiometry", "x", "SOC",
                    "sto [-]", "Capacity [mAh/cm^2]", "Capacity [%]"]
UNIT_CHARS = "mAVhsgµ/*^()[]-.0123456789 %°Ωk"


@st.composite
def random_header(draw) -> str:
    name = draw(st.sampled_from(["Time", "Current", "Voltage", "Capacity", "Ewe", "I", "Q", "x", "", "Stoichiometry"]))
    unit = draw(st.text(alphabet=UNIT_CHARS, max_size=8))
    form = draw(st.sampled_from(["{n} [{u}]", "{n} ({u})", "{n}/{u}", "{n}{u}"]))
    return form.format(n=name, u=unit)


def _header(draw, pool):
    """Mostly one of the first three (readable) headers of ``pool``; else any, or a random unit."""
    how = draw(st.sampled_from(["good"] * 6 + ["pool", "random"]))
    if how == "random":
        return draw(random_header())
    return draw(st.sampled_from(pool[:3] if how == "good" else pool))


GARBAGE_CELLS = ["", "abc", "1,5", "nan", "NaN", "inf", "-inf", "1e400", "--", "1.2.3", "0x10", "∞", '"', "12:34:56",
                 "2024-01-01 10:00:00", "None", " ", "1 000"]


@st.composite
def cycler_file(draw, folder: Path, counter) -> tuple[Path, str]:
    kind = draw(st.sampled_from(["gcd", "gcd", "ocp", "ocp", "random"]))
    n = draw(st.sampled_from([0, 1, 5, 9, 10, 11, 30, 60, 60]))
    if kind == "gcd":
        headers = [_header(draw, TIME_HEADERS), _header(draw, CURRENT_HEADERS), _header(draw, VOLTAGE_HEADERS)]
        half = max(n // 2, 1)
        first = np.arange(n) < half
        pattern = draw(st.sampled_from(["cycle"] * 4 + ["one sign", "rest only", "one step", "stray sample"]))
        i = {"cycle": np.where(first, -1e-3, 1e-3), "one sign": np.full(n, -1e-3),
             "rest only": np.where(np.arange(n) == 0, 1e-3, 0.0), "one step": np.where(first, -1e-3, 0.0),
             "stray sample": np.where(first, -1e-3, 1e-3) * np.where(np.arange(n) % 7 == 3, -1, 1)}[pattern]
        i = i * draw(st.sampled_from([1.0, 1.0, 0.0, 1e-9, 1e3, -1.0]))
        v = np.where(first, 1.5 - np.arange(n) / max(n, 1), 0.02 + (np.arange(n) - half) / max(n, 1))
        cols = [np.arange(n) * draw(st.sampled_from([10.0, 10.0, 0.0, -1.0, 1e300])), i, v]
        if draw(st.booleans()):
            headers.append(_header(draw, ABSCISSA_HEADERS))
            cols.append(np.arange(n) * 3.0)
    elif kind == "ocp":
        headers = [_header(draw, ABSCISSA_HEADERS), _header(draw, VOLTAGE_HEADERS)]
        x = np.linspace(0.01, 0.99, n) * draw(st.sampled_from([1.0, 300.0, -1.0, 2.0, 1e-3]))
        cols = [x, 1.2 - np.linspace(0, 1.19, n)]
    else:
        k = draw(st.integers(1, 5))
        headers = [draw(random_header()) for _ in range(k)]
        cols = [np.asarray(draw(st.lists(st.floats(), min_size=n, max_size=n)), float) for _ in range(k)]
    rows = [[repr(float(c[r])) for c in cols] for r in range(n)]
    for _ in range(draw(st.integers(0, 3))):
        if rows:
            r, c = draw(st.integers(0, len(rows) - 1)), draw(st.integers(0, len(headers) - 1))
            rows[r][c] = draw(st.sampled_from(GARBAGE_CELLS))
    if draw(st.integers(0, 9)) == 0 and rows:  # a ragged row
        rows[draw(st.integers(0, len(rows) - 1))].append("extra")
    suffix = draw(st.sampled_from([".csv"] * 4 + [".tsv", ".txt", ".mpt", ".xlsx", ".xls", ".dat", ".CSV", ".mpr",
                                               ".nda", ".ndax", ".res"]))
    sep = "\t" if suffix in (".tsv", ".mpt") else draw(st.sampled_from([",", ",", ";", "\t", " ", "|"]))
    if sep == ";" and draw(st.booleans()):
        rows = [[c.replace(".", ",") for c in row] for row in rows]
    lines = [sep.join(headers)] + [sep.join(row) for row in rows]
    preamble = draw(st.sampled_from([[], [], ["# exported by a cycler"], ["Cycler export v1", ""], ["a,b,c"]]))
    if suffix == ".mpt":
        nb = draw(st.sampled_from(["right", "right", "wrong", "huge", "text", "missing"]))
        count = {"right": 3 + len(preamble), "wrong": 2, "huge": 10 ** 6, "text": "abc"}.get(nb)
        preamble = ["EC-Lab ASCII FILE"] + ([f"Nb header lines : {count}"] if count is not None else []) + preamble
    text = "\n".join(preamble + lines) + draw(st.sampled_from(["\n", "", "\n\n\n", "\r\n"]))
    if draw(st.integers(0, 5)) == 0:
        text = text.replace("\n", "\r\n")
    encoding = draw(st.sampled_from(ENCODINGS))
    data, how = draw(garble(encode(text, encoding)))
    path = folder / f"cycler{next(counter)}{suffix}"
    path.write_bytes(data)
    desc = (f"{path.name} ({kind}, {n} rows, sep {sep!r}, {encoding}{', ' + how if how else ''}): "
            f"headers {headers}")
    return path, desc


def write_large(folder: Path) -> dict[str, Path]:
    """200k-row files, written once: a GCD time series (20 constant-current half cycles of 10k
    samples), the same with one garbage cell in row 150000, and an OCP table."""
    n, per = 200_000, 10_000
    t = np.arange(n) * 1.0
    k = np.arange(n) // per
    i = np.where(k % 2 == 0, -1e-4, 1e-4)
    frac = (np.arange(n) % per) / per
    v = np.where(k % 2 == 0, 2.0 - 1.95 * frac, 0.05 + 1.95 * frac)
    table = np.column_stack([t, i, v])
    out = {}
    body = "\n".join(f"{a:.1f},{b:.6g},{c:.6f}" for a, b, c in table)
    out["gcd"] = folder / "large_gcd.csv"
    out["gcd"].write_text("Time [s],Current [A],Voltage [V]\n" + body + "\n", encoding="utf-8")
    lines = body.split("\n")
    lines[150_000] = lines[150_000].rsplit(",", 1)[0] + ",abc"
    out["gcd_garbage"] = folder / "large_gcd_garbage.csv"
    out["gcd_garbage"].write_text("Time [s],Current [A],Voltage [V]\n" + "\n".join(lines) + "\n", encoding="utf-8")
    x = np.linspace(0.001, 0.999, n)
    out["ocp"] = folder / "large_ocp.csv"
    out["ocp"].write_text("Stoichiometry,Voltage [V]\n" + "\n".join(f"{a:.7f},{1.2 - 1.19 * a:.6f}" for a in x) + "\n",
                          encoding="utf-8")
    return out


# ============================================================================ 4. CLI
def valid_gcd(path: Path) -> Path:
    """A clean sodiation/desodiation at 20 µA (20 mA/g with 1 mg) inside 0.01–3 V."""
    n = 200
    t = np.arange(2 * n) * 60.0
    i = np.where(np.arange(2 * n) < n, -2e-5, 2e-5)
    v = np.concatenate([np.linspace(2.0, 0.02, n), np.linspace(0.02, 2.0, n)])
    path.write_text("Time [s],Current [A],Voltage [V]\n" + "\n".join(f"{a},{b},{c}" for a, b, c in zip(t, i, v)) + "\n",
                    encoding="utf-8")
    return path


def valid_ocp(path: Path) -> Path:
    x = np.linspace(0.02, 0.98, 40)
    u = 0.05 + 0.9 * (1 - x) ** 2
    path.write_text("Stoichiometry,Voltage [V]\n" + "\n".join(f"{a},{b}" for a, b in zip(x, u)) + "\n",
                    encoding="utf-8")
    return path


NUMBERS = ["-1", "0", "abc", "nan", "inf", "-inf", "1e400", "", "1", "0.5", "1,5", "2.5"]
#: Bad values that argparse's type=float/int accepts: they reach the library.
PARSABLE_BAD = ["-1", "0", "nan", "inf", "-inf", "1e400", "1e-300"]
VARY = ["ocp", "diffusivity", "kinetics", "balance", "anode.ocp.adsorption.capacity", "anode.foo", "", ",,",
        "ocp,anode.bar", "initial_fraction:nofile", "cell.film_resistance", "anode.name", "electrolyte.name",
        "anode.diffusivity.model"]
CALIBRATE_VARY = ["anode.foo", "cell.film_resistance", "anode.ocp.pore_filling.capacity", "", "anode.name",
                  "anode.ocp.insertion.width,anode.bar"]
PARAM_NAMES = ["anode.ocp.adsorption.capacity", "anode.foo", "cell.film_resistance", "", "ocp"]
CLI_SETS = ["MPCC-1-ether", "mpcc-1-ester", "PCC-ester", "O3-Na0.9TMO2", "nope", "pybamm:NoSuchSet", "carbon-MPCC-1",
            ""]


@st.composite
def cli_argv(draw, files: dict, make_cycler, make_set, make_study) -> tuple[list[str], str, list[Path]]:
    """(argv, command, input files). ``files``: prebuilt paths (valid_gcd, valid_ocp, missing, folder,
    empty_folder); the make_* strategies write a generated file and give (path, description)."""
    cmd = draw(st.sampled_from(["fit-ocp", "fit-ocp", "gitt", "gitt", "fit", "fit", "fit", "show", "calibrate",
                                "simulate", "simulate", "validate", "parameter-sets", "bogus-command", None]))
    inputs: list[Path] = []

    def data_file(valid_key: str) -> str:
        choice = draw(st.sampled_from(["generated", "generated", "valid", "missing", "folder", "empty_folder"]))
        if choice == "generated":
            p, _ = draw(make_cycler)
            inputs.append(p)
            return str(p)
        p = files[valid_key] if choice == "valid" else files[choice]
        if choice != "missing":
            inputs.append(p)
        return str(p)

    def number(flag: str, good: str) -> list[str]:
        bad = draw(st.sampled_from(PARSABLE_BAD * 3 + NUMBERS))
        return draw(st.sampled_from([[], [], [flag, good], [flag, good], [flag, bad], [flag, bad]]))

    def set_arg() -> str:
        if draw(st.integers(0, 4)) == 0:
            p, _ = draw(make_set)
            inputs.append(p)
            return str(p)
        return draw(st.sampled_from(CLI_SETS + [str(files["missing"]).replace(".csv", ".json")]))

    argv: list[str] = []
    if cmd == "fit-ocp":
        argv = ["fit-ocp", data_file("valid_ocp"), *number("--stages", "3"), *number("--mass-mg", "1.0"),
                *number("--capacity-ah", "0.001")]
    elif cmd == "gitt":
        argv = ["gitt", *[data_file("valid_gcd") for _ in range(draw(st.integers(1, 2)))],
                *number("--mass-mg", "1.0"), *number("--radius-um", "5"), *number("--area-cm2", "1"),
                *draw(st.sampled_from([[], ["--potential-column", "Voltage [V]"], ["--potential-column", "nope"]])),
                *draw(st.sampled_from([[], ["--direction", "sodiate"], ["--direction", "up"]])),
                *draw(st.sampled_from([[], ["--parameter-set", set_arg()]])),
                *draw(st.sampled_from([[], ["--model", "SPM"], ["--model", "DFN"]])),
                *draw(st.sampled_from([[], ["--no-refine"], ["--no-identify"]]))]
    elif cmd == "fit":
        argv = ["fit", *[data_file("valid_gcd") + draw(st.sampled_from(["", "", "@20mA/g", "@garbage", "@-1C", "@"]))
                         for _ in range(draw(st.integers(1, 2)))]]
        argv += draw(st.sampled_from([["--parameter-set", set_arg()]] * 3 + [["--parameter-set", "MPCC-1-ether"]] * 3
                                     + [[]]))
        argv += draw(st.sampled_from([["--vary", draw(st.sampled_from(VARY))]] * 3 + [["--vary", "ocp"]] * 3 + [[]]))
        argv += number("--mass-mg", "1.0")
        argv += draw(st.sampled_from([[], [], ["--predict", data_file("valid_gcd")]]))
        argv += draw(st.sampled_from([[], ["--model", "SPM"], ["--model", "P2D"]]))
        argv += draw(st.sampled_from([[], ["--cycle", "1"], ["--cycle", "7"], ["--cycle", "-1"], ["--cycle", "x"]]))
        for flag, arity in (("--start", 2), ("--bounds", 3), ("--weight", 2), ("--log", 1), ("--linear", 1)):
            if draw(st.integers(0, 3)) == 0:
                first = (draw(st.sampled_from(PARAM_NAMES)) if flag != "--weight" else
                         draw(st.sampled_from([argv[1], "nofile.csv"])))
                argv += [flag, first] + [draw(st.sampled_from(NUMBERS)) for _ in range(arity - 1)]
        argv += number("--starts", "1") + number("--max-evaluations", "5")
    elif cmd == "show":
        argv = ["show", set_arg()]
    elif cmd == "calibrate":
        argv = ["calibrate", draw(st.sampled_from(["MPCC-1", "PCC", "mpcc-1", "nope", "", "MPCC"]))]
        for _ in range(draw(st.integers(0, 2))):
            argv += ["--vary", draw(st.sampled_from(CALIBRATE_VARY))]
        argv += draw(st.sampled_from([[], ["--model", "SPM"], ["--model", "spm"]]))
    elif cmd == "simulate":
        argv = ["simulate", "--quiet"]
        if draw(st.integers(0, 5)):
            p, _ = draw(make_study)
            if p.exists():
                inputs.append(p)
            argv += ["--config", str(p)]
    elif cmd == "validate":
        argv = ["validate", *draw(st.sampled_from([[], ["--model", "SPM"], ["--model", "spme"], ["--model"]]))]
    elif cmd == "parameter-sets":
        argv = ["parameter-sets"]
    elif cmd == "bogus-command":
        argv = ["bogus-command", "x"]
    if cmd in ("fit-ocp", "gitt", "fit", "simulate"):
        out = draw(st.sampled_from(["none", "none", "relative", "nested", "under-file", "existing-file", "empty"]))
        if out == "relative":
            argv += ["--out", "out"]
        elif out == "nested":
            argv += ["--out", "a/b/out"]
        elif out == "under-file" and inputs and inputs[0].is_file():
            argv += ["--out", str(inputs[0] / "out")]
        elif out == "existing-file" and inputs and inputs[0].is_file():
            argv += ["--out", str(inputs[0])]
        elif out == "empty":
            argv += ["--out", ""]
    if cmd in ("fit-ocp", "gitt", "fit", "show", "simulate", "validate", "calibrate", "parameter-sets"):
        if draw(st.integers(0, 1)):
            argv.append("--json")
    extra = draw(st.sampled_from([[]] * 16 + [["--bogus"], ["--mass-mg"], ["-h"], ["--json=1"]]))
    argv += extra
    return argv, str(cmd), inputs


# ============================================================================ the test
def test_generated_bad_input_gives_a_clear_error(tmp_path, monkeypatch):
    t_start = time.perf_counter()
    log = Log()
    counter = iter(range(10 ** 9))
    inputs = tmp_path / "inputs"
    inputs.mkdir()
    shipped = digest([data_directory()])

    # stand-ins for the long runs (see the module docstring)
    def would_run(*args, **kwargs):
        raise WouldRun

    class WouldRunSimulator:
        def __init__(self, *args, **kwargs):
            raise WouldRun

    monkeypatch.setattr(kinetics.cli, "fit", would_run)
    monkeypatch.setattr(kinetics.cli, "validate", would_run)
    monkeypatch.setattr(kinetics.validation.calibrate, "_Problem", would_run)
    monkeypatch.setattr(kinetics.workflows.study, "Simulator", WouldRunSimulator)
    monkeypatch.setattr(kinetics.workflows.study, "balanced", would_run)
    monkeypatch.setattr(kinetics.workflows.gitt, "identify", would_run)
    monkeypatch.setattr(kinetics.workflows.gitt, "plot_diffusivity", would_run)
    monkeypatch.setattr(kinetics.analysis.ocp_fit, "fit_stages", would_run)
    # the exception behind each CLI exit: every command function is wrapped
    raised: list[BaseException] = []

    def recording(f):
        def wrapped(args):
            try:
                return f(args)
            except BaseException as e:
                raised.append(e)
                raise
        return wrapped

    for name in ("cmd_simulate", "cmd_parameter_sets", "cmd_show", "cmd_validate", "cmd_calibrate", "cmd_fit_ocp",
                 "cmd_gitt", "cmd_fit"):
        monkeypatch.setattr(kinetics.cli, name, recording(getattr(kinetics.cli, name)))
    # a file a reader leaves open is reported when it is collected: name the input it came from
    described: dict[str, str] = {}

    def unraisable(u):
        text = f"{u.exc_type.__name__}: {u.exc_value}"
        path = next((p for p in described if p in text), "")
        log.finding("unraisable", text.replace(path, Path(path).name) if path else text,
                    "reported when collected: left open by the reader", described.get(path, repr(u.object)))

    monkeypatch.setattr(sys, "unraisablehook", unraisable)
    home = tmp_path / "cwd"
    home.mkdir()
    monkeypatch.chdir(home)  # default output folders land here, never in the checkout

    missing = str(inputs / "missing.json")
    bases = {"MPCC-1-ether (flattened)": flattened("MPCC-1-ether"), "MPCC-1-ether": _raw("MPCC-1-ether"),
             "carbon-MPCC-1": _raw("carbon-MPCC-1"), "O3-Na0.9TMO2 (flattened)": flattened("O3-Na0.9TMO2")}
    mutated_set = inputs / "mutated.json"
    doc = flattened("MPCC-1-ether")
    doc["parameters"]["anode.coating.porosity"]["value"] = 0.95
    mutated_set.write_text(json.dumps(doc), encoding="utf-8")
    make_set = set_file(inputs, counter, bases)
    make_study = study_file(inputs, counter, missing, str(mutated_set))
    make_cycler = cycler_file(inputs, counter)

    # ---------------------------------------------------------------- 1. study configs
    @_settings(220)
    @given(make_study)
    def study_case(case):
        path, desc = case
        before = digest([path])
        study = log.call("study", desc, load_study, path)
        if not isinstance(study, BaseException) and study is not None:
            log.call("study", desc, _prepare, study)
        assert digest([path]) == before, f"study file modified: {desc}"

    t0 = time.perf_counter()
    study_case()
    t_study = time.perf_counter() - t0

    # ---------------------------------------------------------------- 2. parameter sets
    build_times = []

    @_settings(260)
    @given(make_set)
    def set_case(case):
        path, desc = case
        before = digest([path])
        log.call("set", desc, kinetics.load, path)
        t = time.perf_counter()
        log.call("set", desc, kinetics.HalfCell, path)
        build_times.append(time.perf_counter() - t)
        assert digest([path]) == before, f"set file modified: {desc}"

    t0 = time.perf_counter()
    set_case()
    t_sets = time.perf_counter() - t0

    # ---------------------------------------------------------------- 3. cycler files
    @_settings(400)
    @given(make_cycler, st.sampled_from([1.0, 0.5, None, -1.0, 0.0, NAN, INF]),
           st.sampled_from(["", "", "", "@20mA/g", "@0.1C", "@garbage", "@", "@-5mA"]),
           st.sampled_from([(None, None), (1.0, None), (None, 0.001), (-1.0, None), (None, 0.0), (NAN, None)]))
    def reader_case(case, mass, at, scale):
        path, desc = case
        described[str(path)] = desc
        before = digest([path])
        log.call("read_time_series", desc, read_time_series, path)
        log.call("read_gcd", f"{desc}, mass_mg={mass}, DATA suffix {at!r}", read_gcd, str(path) + at, mass_mg=mass)
        log.call("read_ocp_table", f"{desc}, mass_mg, capacity_Ah = {scale}", read_ocp_table, path, *scale)
        assert digest([path]) == before, f"cycler file modified: {desc}"

    t0 = time.perf_counter()
    reader_case()
    gc.collect()
    t_readers = time.perf_counter() - t0

    t0 = time.perf_counter()
    large = write_large(inputs)
    large_times = {}
    for key, fn, args in (("gcd", read_time_series, ()), ("gcd_garbage", read_time_series, ()),
                          ("gcd_garbage", read_gcd, (1.0,)), ("ocp", read_ocp_table, ())):
        t = time.perf_counter()
        log.call(fn.__name__, f"{large[key].name} (200k rows)", fn, large[key], *args)
        large_times[f"{fn.__name__}({large[key].name})"] = time.perf_counter() - t
    # read_gcd's segmentation takes a median per sample (kinetics/io/gcd.py _runs): ~14 s here
    assert max(large_times.values()) < MAX_LARGE_FILE_S, large_times
    # real Excel workbooks (the generated .xlsx/.xls are text): one clean, one with text in number
    # cells, one truncated
    import pandas as pd

    good = pd.DataFrame({"Time [s]": np.arange(40) * 60.0, "Current [A]": np.where(np.arange(40) < 20, -2e-5, 2e-5),
                         "Voltage [V]": np.concatenate([np.linspace(2, 0.02, 20), np.linspace(0.02, 2, 20)])})
    bad = good.astype(object)
    bad.iloc[5, 2], bad.iloc[7, 0] = "abc", "12:00"
    books = {"book_clean.xlsx": good, "book_text_cells.xlsx": bad}
    for name, frame in books.items():
        frame.to_excel(inputs / name, index=False)
    (inputs / "book_truncated.xlsx").write_bytes((inputs / "book_clean.xlsx").read_bytes()[:600])
    for name in [*books, "book_truncated.xlsx"]:
        path = inputs / name
        described[str(path)] = name
        log.call("read_time_series", name, read_time_series, path)
        log.call("read_gcd", f"{name}, mass_mg=1", read_gcd, path, mass_mg=1.0)
        log.call("read_ocp_table", name, read_ocp_table, path)
    t_large = time.perf_counter() - t0

    # ---------------------------------------------------------------- 4. CLI
    files = {"valid_gcd": valid_gcd(inputs / "valid_gcd.csv"), "valid_ocp": valid_ocp(inputs / "valid_ocp.csv"),
             "missing": inputs / "missing.csv", "folder": inputs, "empty_folder": inputs / "empty"}
    files["empty_folder"].mkdir()
    runs = iter(range(10 ** 9))

    def run_cli(argv: list[str], cmd: str, given_files: list[Path]) -> None:
        desc = "kinetics " + " ".join(repr(a) if (" " in a or not a) else a for a in argv)
        before = digest(given_files)
        work = home / f"run{next(runs)}"
        work.mkdir()
        os.chdir(work)
        out, err = io.StringIO(), io.StringIO()
        raised.clear()
        code = None
        try:
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
                try:
                    code = kinetics.cli.main(argv)
                except SystemExit as e:  # argparse
                    code = ("argparse", e.code)
                except WouldRun:
                    code = "would run"
        except Exception as e:  # noqa: BLE001
            log.finding("cli", f"main raised {type(e).__name__}: {e}", where_of(e), desc)
            return
        finally:
            os.chdir(home)
        stderr = err.getvalue()
        lines = stderr.splitlines()
        left = sorted(p.name for p in work.iterdir())
        exc = raised[-1] if raised else None
        if "Traceback" in stderr:
            log.finding("cli", "traceback on stderr", "", desc)
        if code == "would run":
            log.count("cli", "valid (run skipped)")
            if left:
                log.finding("cli", f"a skipped run left {left}", "", desc)
        elif isinstance(code, tuple):  # argparse: one error line, exit 2 (0 for -h)
            if code[1] == 0 and "-h" in argv:
                log.count("cli", "help")
            elif code[1] != 2 or len(lines) != 1 or "error:" not in lines[-1]:
                log.finding("cli", f"argparse exit {code[1]}: {stderr[-200:]!r}", "", desc)
            else:
                log.pairs.setdefault(("argparse SystemExit(2)", _norm(lines[-1].split("error:", 1)[1])[:40]), "cli")
                log.count("cli", "usage error")
        elif code == 2:
            ok = (len(lines) == 1 and stderr.endswith("\n") and lines[0].startswith(f"kinetics {cmd}: error: ")
                  and isinstance(exc, KineticsError))
            if not ok:
                log.finding("cli", f"exit 2 with stderr {stderr[-300:]!r}", where_of(exc) if exc else "", desc)
            else:
                log.error("cli", exc)
        elif code == 0 and cmd in ("show", "parameter-sets"):
            log.count("cli", "success")
            if stderr:
                log.finding("cli", f"exit 0 with stderr {stderr[-200:]!r}", "", desc)
        else:
            what = f"exit {code}: {stderr.strip()[-200:]!r}"
            if exc is not None and not isinstance(exc, KineticsError):
                what = f"exit {code}, {type(exc).__name__}: {str(exc)[:160]}"
            log.finding("cli", what, where_of(exc) if exc else "", desc)
        if code != "would run" and left and not (code == 0 and cmd in ("show", "parameter-sets")):
            log.finding("cli", f"output left behind: {left}", "", desc)
        if digest(given_files) != before:
            log.finding("cli", "input file modified", "", desc)

    @_settings(400)
    @given(cli_argv(files, make_cycler, make_set, make_study))
    def cli_case(case):
        run_cli(*case)

    t0 = time.perf_counter()
    cli_case()
    # inputs a random draw rarely combines: one fault each behind otherwise valid arguments
    study = inputs / "valid_study.toml"
    study.write_text('[[half_cell]]\nparameter_set = "MPCC-1-ether"\nrates_mA_g = [20]\n', encoding="utf-8")
    gcd, ocp = str(files["valid_gcd"]), str(files["valid_ocp"])
    fit = ["fit", gcd, "--parameter-set", "MPCC-1-ether", "--vary", "ocp", "--mass-mg", "1"]
    for argv, given_files in (
            (["simulate", "--quiet", "--config", str(study), "--out", "a/b/out"], [study]),
            (["simulate", "--quiet", "--config", str(study), "--out", f"{study}/out"], [study]),
            (["fit-ocp", ocp, "--out", f"{ocp}/out"], [files["valid_ocp"]]),
            (fit, [files["valid_gcd"]]),
            (fit + ["--start", "anode.ocp.adsorption.capacity", "abc"], [files["valid_gcd"]]),
            (fit + ["--bounds", "anode.ocp.adsorption.capacity", "1", "abc"], [files["valid_gcd"]]),
            (fit + ["--weight", gcd, "abc"], [files["valid_gcd"]]),
            (fit + ["--start", "anode.foo", "1"], [files["valid_gcd"]]),
            (fit + ["--log", "anode.foo"], [files["valid_gcd"]]),
            (fit + ["--cycle", "3"], [files["valid_gcd"]]),
            (fit + ["--predict", str(files["missing"])], [files["valid_gcd"]]),
            (["gitt", gcd, "--mass-mg", "1", "--out", "g"], [files["valid_gcd"]]),
            (["gitt", gcd, "--out", "g"], [files["valid_gcd"]]),
            (["calibrate", "MPCC-1", "--vary", "anode.ocp.pore_filling.capacity"], []),
            (["calibrate", "PCC", "--vary", "anode.name"], [])):
        run_cli(argv, argv[0], given_files)
    try:  # --debug: the error itself, for its traceback
        with contextlib.redirect_stderr(io.StringIO()):
            kinetics.cli.main(["--debug", "show", "MPCC-2-ether"])
        log.finding("cli", "--debug show MPCC-2-ether returned", "", "--debug show MPCC-2-ether")
    except UnknownNameError:
        log.count("cli", "--debug raised")
    t_cli = time.perf_counter() - t0

    # ---------------------------------------------------------------- report
    gc.collect()
    assert digest([data_directory()]) == shipped, "a shipped parameter set was modified"
    kinetic_pairs = sorted(p for p in log.pairs if not p[0].startswith("argparse"))
    print(f"\n== fuzz harness: {time.perf_counter() - t_start:.1f} s (studies {t_study:.1f} s, sets {t_sets:.1f} s, "
          f"readers {t_readers:.1f} s, 200k-row files {t_large:.1f} s, CLI {t_cli:.1f} s)")
    print("200k-row files: " + ", ".join(f"{k} {v:.1f} s" for k, v in large_times.items()))
    print(f"cell builds: {len(build_times)}, slowest {max(build_times):.3f} s")
    for part, c in log.counts.items():
        print(f"  {part:18s} " + ", ".join(f"{k} {v}" for k, v in sorted(c.items())))
    print(f"{len(kinetic_pairs)} distinct (error class, field) pairs:")
    for cls, fld in kinetic_pairs:
        print(f"  {cls:22s} {fld}   [{log.pairs[(cls, fld)]}]")
    usage = sorted(p for p in log.pairs if p[0].startswith("argparse"))
    print(f"argparse usage errors reached: {len(usage)}")
    print(f"{len(log.findings)} findings (not a clear error):")
    for (part, _, where), (what, given_input, n) in sorted(log.findings.items()):
        print(f"  [{part}] {what}  ({n}x)\n      at {where}\n      e.g. {given_input}")
    assert max(build_times) < MAX_CELL_BUILD_S, f"building a cell took {max(build_times):.2f} s"
    assert not log.findings, f"{len(log.findings)} inputs gave no clear error (see the list printed above)"
    assert len(kinetic_pairs) >= MIN_DISTINCT_ERRORS, f"only {len(kinetic_pairs)} distinct errors reached"
