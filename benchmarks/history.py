"""A JSON-lines history of benchmark figures over commits (issue 16, "track it").

Every benchmark that calls :func:`record` appends one line per case to ``benchmarks/history.jsonl``:
the commit (and whether the tree had changes), the date, the machine, and the case's figures
(times in s, memory in MB, accuracy). ``python benchmarks/history.py`` prints the last figures of
every case next to the first ones recorded, so a regression shows as a ratio; ``--case NAME``
prints one case's whole history.
"""

from __future__ import annotations

import datetime as dt
import json
import platform
import subprocess
import sys
from pathlib import Path

HISTORY = Path(__file__).with_name("history.jsonl")


def _commit() -> str:
    root = Path(__file__).resolve().parents[1]
    try:
        sha = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=root, capture_output=True, text=True,
                             check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=root,
                               capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return sha + ("+changes" if dirty else "")


def record(case: str, figures: dict[str, float], path: Path = HISTORY) -> None:
    """Append ``figures`` of ``case`` with the commit, date and machine."""
    line = {"case": case, "commit": _commit(), "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "machine": f"{platform.machine()} {platform.python_version()}",
            **{k: (round(v, 6) if isinstance(v, float) else v) for k, v in figures.items()}}
    with path.open("a", encoding="utf-8") as f:
        f.write(json.dumps(line) + "\n")


def load(path: Path = HISTORY) -> list[dict]:
    if not path.is_file():
        return []
    return [json.loads(s) for s in path.read_text(encoding="utf-8").splitlines() if s.strip()]


def main(argv: list[str]) -> None:
    rows = load()
    if "--case" in argv:
        name = argv[argv.index("--case") + 1]
        for r in rows:
            if r["case"] == name:
                print(json.dumps(r))
        return
    cases: dict[str, list[dict]] = {}
    for r in rows:
        cases.setdefault(r["case"], []).append(r)
    for name, runs in cases.items():
        first, last = runs[0], runs[-1]
        keys = [k for k in last if isinstance(last[k], int | float) and k in first]
        change = ", ".join(f"{k} {last[k]:.4g} (first {first[k]:.4g}, ×{last[k] / first[k]:.2f})"
                           for k in keys if first[k])
        print(f"{name} @ {last['commit']} ({len(runs)} records): {change}")


if __name__ == "__main__":
    main(sys.argv[1:])
