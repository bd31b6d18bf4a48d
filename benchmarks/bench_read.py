"""Reading a large cycler export: hc-kinetics' one reader against plain pandas, in one run.

A 1,000,000-row CSV in a BioLogic-like text layout (``time/s``, ``Ewe/V``, ``<I>/mA``,
``cycle number``, ``Ns``; 44 MB) and the same rows as a European-locale export (``;`` and decimal
commas) are written once; then, each in a fresh process, ``kinetics.io.cycler.read_time_series``
(sniffing the layout, telling the columns by the one grammar, converting to SI) and the reference,
``pandas.read_csv`` told the separator and decimal mark by hand. Wall time of the read and peak
memory (max RSS) of the process, median of three runs each.

Run: ``python benchmarks/bench_read.py [--rows 1000000]`` (about half a minute).
Targets (issue "measured files"): under 3 s and under 1 GB.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

CASE = r"""
import json, resource, sys, time
which, path = sys.argv[1], sys.argv[2]
if which == "hc-kinetics":
    from kinetics.io.cycler import read_time_series
    t0 = time.perf_counter()
    frame = read_time_series(path)
else:
    import pandas as pd
    eu = path.endswith("_eu.csv")
    t0 = time.perf_counter()
    frame = pd.read_csv(path, sep=";" if eu else ",", decimal="," if eu else ".")
wall = time.perf_counter() - t0
print(json.dumps({"wall_s": wall, "rows": len(frame),
                  "max_rss_MB": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def write_files(folder: Path, rows: int) -> dict[str, Path]:
    rng = np.random.default_rng(0)
    t = np.arange(rows) * 1.0
    i = np.where((t // 3600) % 2 == 0, -0.5, 0.5) + rng.normal(0, 1e-4, rows)
    v = 1.0 + 0.5 * np.sin(t / 3600.0) + rng.normal(0, 1e-4, rows)
    cycle, step = (t // 7200).astype(int), (t // 3600).astype(int) % 2 + 1
    body = np.column_stack([t, v, i, cycle, step])
    us, eu = folder / "large_us.csv", folder / "large_eu.csv"
    np.savetxt(us, body, fmt=["%.1f", "%.6f", "%.6f", "%d", "%d"], delimiter=",",
               header="time/s,Ewe/V,<I>/mA,cycle number,Ns", comments="")
    eu.write_text(us.read_text().replace(",", ";").replace(".", ","), encoding="utf-8")
    return {"US (comma, point)": us, "European (semicolon, comma)": eu}


def run_case(which: str, path: Path) -> dict:
    out = subprocess.run([sys.executable, "-c", CASE, which, str(path)], capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        files = write_files(Path(tmp), args.rows)
        print(f"{args.rows:,} rows, {files['US (comma, point)'].stat().st_size / 1e6:.0f} MB per file; "
              f"median of {args.repeats} fresh processes\n")
        print(f"{'file':30s} {'pandas.read_csv':>18s} {'hc-kinetics':>14s} {'ratio':>7s}   "
              f"{'pandas RSS':>10s} {'hc-kinetics RSS':>16s}")
        for label, path in files.items():
            res = {w: [run_case(w, path) for _ in range(args.repeats)] for w in ("pandas", "hc-kinetics")}
            wall = {w: statistics.median(r["wall_s"] for r in rs) for w, rs in res.items()}
            rss = {w: statistics.median(r["max_rss_MB"] for r in rs) for w, rs in res.items()}
            ratio = wall["pandas"] / wall["hc-kinetics"]
            print(f"{label:30s} {wall['pandas']:16.2f} s {wall['hc-kinetics']:12.2f} s {ratio:6.2f}×   "
                  f"{rss['pandas']:7.0f} MB {rss['hc-kinetics']:13.0f} MB")
            met = wall["hc-kinetics"] < 3.0 and rss["hc-kinetics"] < 1000.0
            print(f"{'':30s} target < 3 s and < 1 GB: {'met' if met else 'NOT met'}")


if __name__ == "__main__":
    main()
