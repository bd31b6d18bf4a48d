"""Write the synthetic voltammograms in this folder (deterministic; run from anywhere).

    .venv/bin/python tests/data/cv/make_cv_files.py

Five EC-Lab ``Export as text`` (.mpt) files of the Cyclic Voltammetry technique, one per scan rate
(0.1, 0.2, 0.5, 1 and 2 mV/s), two cycles each from 2.0 V down to 0.01 V and back, recorded every
10 mV. The 0.2 and 1 mV/s files are written as EC-Lab writes them on a computer with a decimal-comma
locale. The current is the known signal :func:`current_mA` (Dunn's form, k1(V)·v + k2(V)·v^½ per
branch); the numbers are not measured (README.md).
"""

from __future__ import annotations

import importlib.util
import math
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
_spec = importlib.util.spec_from_file_location("formats_make_files", HERE.parent / "formats" / "make_files.py")
_formats = sys.modules["formats_make_files"] = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_formats)
eclab_number = _formats.eclab_number  # EC-Lab's number format, as in the other synthetic exports

SCAN_RATES_mV_s = (0.1, 0.2, 0.5, 1.0, 2.0)
COMMA = (0.2, 1.0)  #: files written with decimal commas
UPPER_V, LOWER_V = 2.0, 0.01
STEP_V = 0.01  #: EC-Lab's "record every dE" [V]
CYCLES = 2
MASS_MG = 1.5


def k1_mA(potential_V: float, cathodic: bool) -> float:
    """Capacitive coefficient [mA per (mV/s)]: i_cap = k1·v."""
    k = 0.02 * (1.0 + math.exp(-potential_V / 0.4))
    return -k if cathodic else k


def k2_mA(potential_V: float, cathodic: bool) -> float:
    """Diffusion-limited coefficient [mA per (mV/s)^½]: i_diff = k2·v^½. Cathodic: the plateau's
    current rising into the lower vertex and a broad insertion wave; anodic: the plateau's
    desodiation peak at 0.1 V and the same broad wave."""
    if cathodic:
        return -(0.12 * math.exp(-(potential_V - LOWER_V) / 0.03) + 0.02 * math.exp(-((potential_V - 0.5) / 0.3) ** 2))
    return 0.10 * math.exp(-((potential_V - 0.1) / 0.035) ** 2) + 0.02 * math.exp(-((potential_V - 0.6) / 0.3) ** 2)


def current_mA(potential_V: float, scan_rate_mV_s: float, cathodic: bool) -> float:
    return (k1_mA(potential_V, cathodic) * scan_rate_mV_s
            + k2_mA(potential_V, cathodic) * math.sqrt(scan_rate_mV_s))


def samples(scan_rate_mV_s: float) -> list[tuple[float, float, float, int, bool]]:
    """(time [s], control potential [V], current [mA], cycle, cathodic) of the whole test."""
    n = int(round((UPPER_V - LOWER_V) / STEP_V))
    down = [UPPER_V - k * (UPPER_V - LOWER_V) / n for k in range(n)]
    up = [LOWER_V + k * (UPPER_V - LOWER_V) / n for k in range(n)]
    dt = (UPPER_V - LOWER_V) / n / (scan_rate_mV_s * 1e-3)
    rows, t = [], 0.0
    for cycle in range(1, CYCLES + 1):
        for legs, cathodic in ((down, True), (up, False)):
            for E in legs:
                rows.append((t, E, current_mA(E, scan_rate_mV_s, cathodic), cycle, cathodic))
                t += dt
    E = UPPER_V  # the last sample: back at the upper vertex
    rows.append((t, E, current_mA(E, scan_rate_mV_s, False), CYCLES, False))
    return rows


def mpt(scan_rate_mV_s: float, comma: bool) -> str:
    """EC-Lab ``Export as text`` of a CV technique."""
    d = (lambda s: s.replace(".", ",")) if comma else (lambda s: s)

    def row(label: str, *cells: str) -> str:  # EC-Lab pads the technique table to 20 characters
        return label.ljust(20) + "".join(d(c).ljust(20) for c in cells)

    table = [
        row("Ei (V)", "2.000"), row("vs.", "Ref"), row("ti (h:m:s)", "0:00:0.0000"),
        row("Record", "0"), row("dEp", "0.000"), row("dEp unit", "mV"), row("dti (s)", "0.000"),
        row("dE/dt", f"{scan_rate_mV_s:.3f}"), row("dE/dt unit", "mV/s"),
        row("E1 (V)", f"{LOWER_V:.3f}"), row("vs.", "Ref"), row("Step percent", "100"),
        row("N", "1"), row("E range min (V)", "-5.000"), row("E range max (V)", "5.000"),
        row("I Range", "10 mA"), row("Bandwidth", "5"),
        row("E2 (V)", f"{UPPER_V:.3f}"), row("vs.", "Ref"),
        row("nc cycles", f"{CYCLES - 1}"), row("Reverse Scan", "0"),
        row("Ef (V)", f"{UPPER_V:.3f}"), row("vs.", "Ref"), row("Record dE", f"{STEP_V * 1e3:.0f}"),
    ]
    comments = [
        "",
        "Cyclic Voltammetry",
        "",
        "Run on channel : 5 (SN 0002)",
        "User : ",
        "CE vs. WE compliance from -10 V to 10 V",
        "Electrode connection : standard",
        "Potential control : Ewe",
        d("Ewe ctrl range : min = -5.00 V, max = 5.00 V"),
        "Safety Limits :",
        "\tDo not start on E overload",
        "Acquisition started on : 03/17/2025 10:00:00.000",
        "Loaded Setting File : NONE",
        "Saved on :",
        f"\tFile : synthetic_HC_Na_CV_{scan_rate_mV_s:g}mVs_C05.mpr",
        "\tDirectory : C:\\Data\\synthetic\\",
        "\tHost : 127.0.0.1",
        "Device : VMP3 (SN 0002)",
        "Address : 127.0.0.1",
        "EC-Lab for windows v11.43 (software)",
        "Internet server v11.40 (firmware)",
        "Command interpretor v11.40 (firmware)",
        "Electrode material : hard carbon (synthetic signal, not a measurement)",
        "Initial state : ",
        "Electrolyte : 1 M NaPF6 in diglyme",
        "Comments : ",
        d(f"Mass of active material : {MASS_MG:.3f} mg"),
        d(" at x = 0.000"),
        "Battery capacity : " + d("0.000") + " A.h",
        d("Electrode surface area : 1.131 cm\u00b2"),
        d(f"Characteristic mass : {MASS_MG:.3f} mg"),
        *table,
        "",
    ]
    columns = ["mode", "ox/red", "error", "control changes", "counter inc.", "time/s", "control/V", "Ewe/V",
               "<I>/mA", "cycle number", "(Q-Qo)/C", "I Range", "P/W"]
    n_header = 2 + len(comments) + 1
    lines = ["EC-Lab ASCII FILE", f"Nb header lines : {n_header:<26d}", *comments, "\t".join(columns) + "\t"]
    q_C, prev_t, prev_cathodic = 0.0, 0.0, True
    for t, E, i, cycle, cathodic in samples(scan_rate_mV_s):
        q_C += i * 1e-3 * (t - prev_t)
        lines.append("\t".join([
            "2", "1" if i > 0 else "0", "0", "1" if cathodic != prev_cathodic else "0", "0",
            eclab_number(t, 15, comma), eclab_number(E, 7, comma), eclab_number(E, 7, comma),
            eclab_number(i, 15, comma), eclab_number(float(cycle), 15, comma), eclab_number(q_C, 15, comma),
            "41", eclab_number(E * i * 1e-3, 15, comma),
        ]))
        prev_t, prev_cathodic = t, cathodic
    return "\n".join(lines) + "\n"


def main() -> None:
    for v in SCAN_RATES_mV_s:
        name = f"hc_cv_{v:g}mVs.mpt"
        (HERE / name).write_bytes(mpt(v, v in COMMA).encode("cp1252"))


if __name__ == "__main__":
    main()
