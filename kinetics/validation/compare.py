"""``kinetics validate``: the model against paper 000's reported numbers.

Each row names the quantity, the exact phrase of paper 000 it comes from, the paper's number,
the model's number, the tolerance, its role and the calibrations it rests on
(:mod:`.targets`), and a status:

* ``pass`` — within tolerance;
* ``miss`` — a prediction outside its tolerance: reported and counted, never tuned; it does not
  make the command fail;
* ``gap`` — a prediction outside its tolerance for a known reason declared beforehand, within
  that reason's bound; or a row declared to await parameter sets that do not exist yet (it is
  computed, and passes, misses or fails, as soon as they do);
* ``fail`` — a calibration that does not reproduce, a gap beyond its bound, or a run that
  breaks: the command exits 1.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np

from ..errors import KineticsError
from ..progress import Progress
from ..sets import available
from .targets import KNOWN_GAPS, TARGETS, Gap, Target

STATUSES = ("pass", "miss", "gap", "fail")


@dataclass
class Row:
    quantity: str
    source: str
    paper: float | str
    model: float | str | None
    tolerance: str
    role: str
    status: str
    passed: bool
    reason: str
    unit: str = ""
    key: str = ""
    bound: str = ""
    rests_on: tuple[str, ...] = ()


def _tolerance_text(target: Target) -> str:
    if target.relative:
        return f"±{100 * target.tolerance:g}%"
    return "exact" if isinstance(target.paper, str) else f"±{target.tolerance:g} {target.unit}".strip()


def _bound_text(target: Target, gap: Gap | None) -> str:
    if gap is None:
        return ""
    return f"±{gap.bound:.0%}" if target.relative else f"±{gap.bound:g} {target.unit}"


def evaluate(target: Target, model: str = "SPMe", gaps: dict[str, Gap] | None = None) -> Row:
    """Compute one target's model value and compare it with the paper (see module docstring)."""
    gaps = KNOWN_GAPS if gaps is None else gaps
    gap = gaps.get(target.key)
    tol = _tolerance_text(target)

    def row(value, status: str, reason: str = "") -> Row:
        return Row(target.quantity, target.source, target.paper, value, tol, target.role, status,
                   status == "pass", reason, target.unit, target.key, _bound_text(target, gap), target.rests_on)

    missing = [n for n in target.needs if n.lower() not in {a.lower() for a in available()}]
    if missing and gap is not None and set(missing) <= set(gap.awaits):
        return row(None, "gap", f"{gap.reason} (not computed: {', '.join(missing)} not in `kinetics sets` yet)")
    if missing:
        return row(None, "fail", f"parameter set {', '.join(missing)} does not exist")
    try:
        value = target.compute(model)
    except KineticsError as e:
        return row(None, "fail", f"the run broke: {e}")
    if isinstance(target.paper, str):
        ok = str(value).startswith(target.paper)
        distance, size = ("" if ok else f"model: {value}"), None
    else:
        err = float(value) - float(target.paper)
        rel = err / float(target.paper)
        size = abs(rel if target.relative else err)
        ok = size <= target.tolerance + 1e-12
        distance = f"{err:+.3g} {target.unit} ({rel:+.1%})"
    if ok:
        return row(value, "pass")
    if target.role == "calibration":
        return row(value, "fail", f"a calibration that does not reproduce: outside tolerance by {distance}")
    if gap is not None:
        if size is not None and size <= gap.bound + 1e-12:
            return row(value, "gap", f"{gap.reason}; distance {distance}")
        return row(value, "fail", f"beyond the bound of its known gap ({_bound_text(target, gap)}): {distance}; "
                                  f"the declared reason no longer explains it ({gap.reason})")
    return row(value, "miss", f"prediction outside tolerance by {distance}")


def validate(model: str = "SPMe", progress: bool = False) -> list[Row]:
    """All rows of paper 000's reproducible numbers."""
    rows = []
    with Progress(len(TARGETS), "validate", enabled=progress, unit="row") as bar:
        for t in TARGETS:
            bar.status(t.quantity[:50])
            rows.append(evaluate(t, model))
            bar.advance()
    return rows


def counts(rows: list[Row]) -> dict[str, int]:
    return {s: sum(r.status == s for r in rows) for s in STATUSES}


def rows_as_json(rows: list[Row]) -> list[dict]:
    """The ``--json`` form: quantity, source, paper, model, tolerance, role, status, passed,
    reason, unit, key, bound, rests_on."""
    out = []
    for r in rows:
        d = asdict(r)
        model = d["model"]
        d["model"] = float(model) if isinstance(model, float | np.floating) else model
        d["rests_on"] = list(r.rests_on)
        out.append(d)
    return out


def format_table(rows: list[Row]) -> str:
    lines = [f"{'quantity':66s} {'paper':>10s} {'model':>10s} {'tol':>8s} {'role':11s} {'rests on':9s} status"]
    for r in rows:
        paper = f"{r.paper:.4g}" if isinstance(r.paper, float) else str(r.paper)
        if isinstance(r.model, float | np.floating):
            model = f"{r.model:.4g}"
        else:
            model = "—" if r.model is None else str(r.model).split(" ")[0]
        lines.append(f"{r.quantity[:66]:66s} {paper:>10s} {model:>10s} {r.tolerance:>8s} "
                     f"{r.role:11s} {','.join(r.rests_on):9s} {r.status}" + (f"  ({r.reason})" if r.reason else ""))
    c = counts(rows)
    lines.append("\n" + ", ".join(f"{c[s]} {s}" for s in STATUSES))
    return "\n".join(lines)
