"""Write the synthetic cycler files in this folder (deterministic; run from anywhere).

    .venv/bin/python tests/data/formats/make_files.py

Every file carries the same synthetic signal (:func:`signal`), written in the layout of one
cycler program's export: a carbon-vs-sodium half cell, rest 120 s, constant-current sodiation at
-0.5 mA for 3600 s, rest 120 s, desodiation at +0.5 mA for 3600 s, rest 120 s, sampled every 30 s
(252 rows). The numbers are not measured; README.md says which public source each layout
follows. ``arbin_pyprobe_sample.csv`` and ``maccor_cellpy_excerpt.txt`` are copies of real files
and are not written here.
"""

from __future__ import annotations

import codecs
import io
import math
import re
import zipfile
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent

DT_S = 30.0  #: sampling interval [s]
I_MA = 0.5  #: current magnitude [mA]
MASS_MG = 2.0  #: active mass stated in the headers [mg]
START = datetime(2025, 3, 14, 9, 0, 0)  #: wall-clock time of the first sample
#: (kind, current [mA], duration [s]) of the five steps
#: (rests of four samples: shorter runs are taken for switching artefacts by kinetics.io.gcd)
STEPS = (("rest", 0.0, 120.0), ("sodiate", -I_MA, 3600.0), ("rest", 0.0, 120.0),
         ("desodiate", I_MA, 3600.0), ("rest", 0.0, 120.0))


@dataclass(frozen=True)
class Row:
    t: float  #: test time [s]
    step: int  #: 1-based step number
    kind: str
    i_mA: float  #: current [mA], negative while sodiating (reduction of the carbon)
    v: float  #: cell voltage [V]
    t_step: float  #: time since the start of the step [s]
    q_step_mAh: float  #: |charge| passed since the start of the step [mAh]
    q_net_mAh: float  #: signed charge passed since the start of the test [mAh]


def voltage(kind_index: int, x: float) -> float:
    """The known voltage [V]; ``x`` is the time since the start of the step [s]."""
    s = x / 3600.0
    if kind_index == 0:  # open circuit before the test
        return 2.0
    if kind_index == 1:  # sodiation: 2.0 V falling smoothly towards 0.01 V
        return 0.01 + 1.99 * (1.0 - s) ** 3
    if kind_index == 2:  # relaxation after sodiation
        return voltage(1, 3570.0) + 0.05 * (1.0 - math.exp(-x / 30.0))
    if kind_index == 3:  # desodiation: 0.08 V rising towards 1.5 V
        return 0.08 + 1.42 * s**2
    return voltage(3, 3570.0) - 0.05 * (1.0 - math.exp(-x / 30.0))  # relaxation at the end


def signal() -> list[Row]:
    rows, t0, q_net = [], 0.0, 0.0
    for k, (kind, i_mA, duration) in enumerate(STEPS):
        n = int(round(duration / DT_S))
        for j in range(n):
            x = j * DT_S
            if j:
                q_net += i_mA * DT_S / 3600.0
            rows.append(Row(t0 + x, k + 1, kind, i_mA, voltage(k, x), x, abs(i_mA) * x / 3600.0, q_net))
        t0 += duration
    return rows


# ----------------------------------------------------------------------------- helpers
def eclab_number(x: float, decimals: int, comma: bool) -> str:
    """EC-Lab's E notation with a three-digit exponent: 6.0000000E+001."""
    mant, exp = f"{x:.{decimals}E}".split("E")
    text = f"{mant}E{'-' if int(exp) < 0 else '+'}{abs(int(exp)):03d}"
    return text.replace(".", ",") if comma else text


def clock(t: float) -> datetime:
    return START + timedelta(seconds=t)


def write(out: Path, name: str, text: str, encoding: str = "utf-8", newline: str = "\n") -> None:
    text = text.replace("\n", newline)
    if encoding == "utf-16":  # little-endian with a byte-order mark, whatever the machine
        data = codecs.BOM_UTF16_LE + text.encode("utf-16-le")
    else:
        data = text.encode(encoding)
    (out / name).write_bytes(data)


# ----------------------------------------------------------------------------- BioLogic
def biologic(comma: bool) -> str:
    """EC-Lab ``Export as text`` (.mpt) of a GCPL technique."""
    d = (lambda s: s.replace(".", ",")) if comma else (lambda s: s)
    def row(label: str, *cells: str) -> str:  # EC-Lab pads the technique table to 20 characters
        return label.ljust(20) + "".join(d(c).ljust(20) for c in cells)

    table = [
        row("Ns", "0", "1", "2", "3", "4"),
        row("Set I/C", "I", "I", "I", "I", "I"),
        row("Is", "0.000", "-500.000", "0.000", "500.000", "0.000"),
        row("unit Is", "mA", "\u00b5A", "mA", "\u00b5A", "mA"),
        row("vs.", "<None>", "<None>", "<None>", "<None>", "<None>"),
        row("t1 (h:m:s)", "0:02:0.0000", "1:00:0.0000", "0:02:0.0000", "1:00:0.0000", "0:02:0.0000"),
        row("I Range", "1 mA", "1 mA", "1 mA", "1 mA", "1 mA"),
        row("dt1 (s)", "30.0000", "30.0000", "30.0000", "30.0000", "30.0000"),
        row("EM (V)", "pass", "0.010", "pass", "1.500", "pass"),
    ]
    comments = [
        "",
        "Galvanostatic Cycling with Potential Limitation",
        "",
        "Run on channel : 3 (SN 0001)",
        "User : ",
        "CE vs. WE compliance from -10 V to 10 V",
        "Electrode connection : standard",
        "Potential control : Ewe",
        d("Ewe ctrl range : min = 0.00 V, max = 5.00 V"),
        "Safety Limits :",
        "\tDo not start on E overload",
        "Acquisition started on : 03/14/2025 09:00:00.000",
        "Loaded Setting File : NONE",
        "Saved on :",
        "\tFile : synthetic_HC_Na_GCPL_C03.mpr",
        "\tDirectory : C:\\Data\\synthetic\\",
        "\tHost : 127.0.0.1",
        "Device : VMP3 (SN 0001)",
        "Address : 127.0.0.1",
        "EC-Lab for windows v11.43 (software)",
        "Internet server v11.40 (firmware)",
        "Command interpretor v11.40 (firmware)",
        "Electrode material : hard carbon (synthetic signal, not a measurement)",
        "Initial state : ",
        "Electrolyte : 1 M NaPF6 in diglyme",
        "Comments : ",
        d("Mass of active material : 2.000 mg"),
        d(" at x = 0.000"),
        "Battery capacity : " + d("0.000") + " A.h",
        d("Electrode surface area : 1.131 cm\u00b2"),
        d("Characteristic mass : 2.000 mg"),
        "Cycle Definition : Charge/Discharge alternance",
        *table,
        "",
    ]
    columns = ["mode", "ox/red", "error", "control changes", "Ns changes", "counter inc.", "Ns",
               "I Range", "time/s", "control/V/mA", "Ewe/V", "I/mA", "dq/mA.h", "(Q-Qo)/mA.h",
               "half cycle", "cycle number"]
    n_header = 2 + len(comments) + 1  # magic line, count line, comments, column names
    lines = ["EC-Lab ASCII FILE", f"Nb header lines : {n_header:<26d}", *comments,
             "\t".join(columns) + "\t"]
    prev_t, prev_step = 0.0, 0
    for r in signal():
        first = r.step != prev_step
        dq = 0.0 if first else r.i_mA * (r.t - prev_t) / 3600.0
        lines.append("\t".join([
            "3" if r.kind == "rest" else "1",
            "1" if r.i_mA > 0 else "0",
            "0",
            "1" if first else "0",
            "1" if first and r.step > 1 else "0",
            "0",
            str(r.step - 1),
            "12",
            eclab_number(r.t, 15, comma),
            eclab_number(r.i_mA, 7, comma),
            eclab_number(r.v, 7, comma),
            eclab_number(r.i_mA, 7, comma),
            eclab_number(dq, 15, comma),
            eclab_number(r.q_net_mAh, 15, comma),
            "1" if r.step >= 4 else "0",
            eclab_number(0.0, 15, comma),
        ]))
        prev_t, prev_step = r.t, r.step
    return "\n".join(lines) + "\n"


# ----------------------------------------------------------------------------- Neware
def neware() -> str:
    """BTS 7.x record-layer CSV (one row per record, cycle and step IDs on every row)."""
    header = ["Cycle ID", "Step ID", "Record ID", "Time(h:min:s.ms)", "Voltage(V)", "Current(mA)",
              "Temperature(C)", "Capacity(mAh)", "Capacity Density(mAh/g)", "Energy(mWh)", "Realtime",
              "Capacitance_Chg(mAh)", "Capacitance_DChg(mAh)", "Engy_Chg(mWh)", "Engy_DChg(mWh)"]
    lines = [",".join(header)]
    energy, prev_step = 0.0, 0
    for n, r in enumerate(signal(), start=1):
        if r.step != prev_step:
            energy = 0.0
        else:
            energy += abs(r.i_mA) * r.v * DT_S / 3600.0
        prev_step = r.step
        h, rem = divmod(r.t_step, 3600.0)
        m, s = divmod(rem, 60.0)
        chg = r.q_step_mAh if r.i_mA > 0 else 0.0
        dchg = r.q_step_mAh if r.i_mA < 0 else 0.0
        lines.append(",".join([
            "1", str(r.step), str(n), f"{int(h)}:{int(m):02d}:{s:06.3f}", f"{r.v:.4f}", f"{r.i_mA:.4f}",
            "25.0", f"{r.q_step_mAh:.4f}", f"{r.q_step_mAh / (MASS_MG * 1e-3):.3f}", f"{energy:.4f}",
            f'"\t{clock(r.t):%Y-%m-%d %H:%M:%S}"', f"{chg:.4f}", f"{dchg:.4f}",
            f"{energy if r.i_mA > 0 else 0.0:.4f}", f"{energy if r.i_mA < 0 else 0.0:.4f}",
        ]))
    return "\n".join(lines) + "\n"


# ----------------------------------------------------------------------------- Arbin
def arbin() -> str:
    """MITS Pro CSV export (underscore headers with units in parentheses)."""
    header = ["Data_Point", "Test_Time(s)", "Date_Time", "Step_Time(s)", "Step_Index", "Cycle_Index",
              "Current(A)", "Voltage(V)", "Charge_Capacity(Ah)", "Discharge_Capacity(Ah)",
              "Charge_Energy(Wh)", "Discharge_Energy(Wh)", "dV/dt(V/s)", "Internal_Resistance(Ohm)",
              "Is_FC_Data", "AC_Impedance(Ohm)", "ACI_Phase_Angle(Deg)"]
    lines = [",".join(header)]
    rows = signal()
    qc = qd = ec = ed = 0.0
    for n, r in enumerate(rows, start=1):
        if n > 1 and rows[n - 2].step == r.step:
            dq_Ah = abs(r.i_mA) * DT_S / 3.6e6
            if r.i_mA > 0:
                qc, ec = qc + dq_Ah, ec + dq_Ah * r.v
            elif r.i_mA < 0:
                qd, ed = qd + dq_Ah, ed + dq_Ah * r.v
        dvdt = 0.0 if n == 1 else (r.v - rows[n - 2].v) / DT_S
        lines.append(",".join([
            str(n), f"{r.t:.4f}", f"{clock(r.t):%m/%d/%Y %H:%M:%S}", f"{r.t_step:.4f}", str(r.step), "1",
            f"{r.i_mA * 1e-3:.7g}", f"{r.v:.7f}", f"{qc:.9g}", f"{qd:.9g}", f"{ec:.9g}", f"{ed:.9g}",
            f"{dvdt:.6g}", "0", "0", "0", "0",
        ]))
    return "\n".join(lines) + "\n"


# ----------------------------------------------------------------------------- Maccor
def maccor_time(t: float) -> str:
    """Maccor's TestTime/StepTime text: '  0d 00:01:0' (seconds not zero-padded)."""
    d, rem = divmod(t, 86400.0)
    h, rem = divmod(rem, 3600.0)
    m, s = divmod(rem, 60.0)
    return f"  {int(d)}d {int(h):02d}:{int(m):02d}:{s:g}"


def maccor() -> str:
    """MIMS text export: three preamble lines, tab-separated, unsigned Amps with a C/D/R State."""
    lines = [
        "Today's Date:\t14 March 2025\tDate of Test:\t14 March 2025, 09:00:00 AM",
        "Filename:\tsynthetic_HC_Na_01\tTester Channel:\t1",
        "Procedure:\tHC_Na_GCD.000\tDescription:\tsynthetic signal, not a measurement",
        "\t".join(["Rec#", "Cyc#", "Step", "TestTime", "StepTime", "Amp-hr", "Watt-hr", "Amps", "Volts",
                   "State", "ES", "DPt Time", "ACImp/Ohms", "DCIR/Ohms"]) + "\t",
    ]
    energy, prev_step = 0.0, 0
    for n, r in enumerate(signal(), start=1):
        first = r.step != prev_step
        energy = 0.0 if first else energy + abs(r.i_mA) * r.v * DT_S / 3.6e6
        prev_step = r.step
        state = "R" if r.i_mA == 0 else ("D" if r.i_mA < 0 else "C")
        lines.append("\t".join([
            str(n), "0", str(r.step), maccor_time(r.t), maccor_time(r.t_step), f"{r.q_step_mAh * 1e-3:.5f}",
            f"{energy:.5f}", f"{abs(r.i_mA) * 1e-3:.5f}", f"{r.v:.5f}", state, "0" if first else "1",
            f"{clock(r.t):%m/%d/%Y %H:%M:%S}", "0.00000", "0.00000",
        ]) + "\t")
    return "\n".join(lines) + "\n"


# ----------------------------------------------------------------------------- Landt / LANHE
def landt(path: Path) -> None:
    """LANDdt Excel export: Cycle-Tab, Step-Tab and Record-Tab sheets (the record table last)."""
    from openpyxl import Workbook

    rows = signal()
    wb = Workbook()
    cyc = wb.active
    cyc.title = "Cycle-Tab"
    cyc.append(["Cycle", "CapC/mAh", "CapD/mAh", "Efficiency/%"])
    cyc.append([1, 0.4958, 0.4958, 100.0])
    stp = wb.create_sheet("Step-Tab")
    stp.append(["Step", "Mode", "Period/Sec", "Capacity/mAh", "Power/mWh", "StartVolt/V", "EndVolt/V"])
    modes = {"rest": "Rest", "sodiate": "CCD", "desodiate": "CCC"}
    for k, (kind, _, _) in enumerate(STEPS, start=1):
        sel = [r for r in rows if r.step == k]
        stp.append([k, modes[kind], sel[-1].t_step, round(sel[-1].q_step_mAh, 4), 0.0,
                    round(sel[0].v, 4), round(sel[-1].v, 4)])
    rec = wb.create_sheet("Record-Tab")
    rec.append(["Record", "TestTime/Sec", "StepTime/Sec", "Current/mA", "Capacity/mAh", "Voltage/V",
                "SysTime", "Cycle-Index", "StepNo", "StepStatus"])
    for n, r in enumerate(rows, start=1):
        rec.append([n, r.t, r.t_step, r.i_mA, round(r.q_step_mAh, 4), round(r.v, 4),
                    f"{clock(r.t):%Y-%m-%d %H:%M:%S}", 1, r.step, modes[r.kind]])
    fixed = datetime(2025, 3, 14, 12, 0, 0)
    wb.properties.created = wb.properties.modified = fixed
    wb.properties.creator = "synthetic"
    buf = io.BytesIO()
    wb.save(buf)
    # openpyxl stamps every zip member with the current time: rewrite with a fixed one
    out = io.BytesIO()
    with zipfile.ZipFile(buf) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "docProps/core.xml":  # openpyxl sets 'modified' to the save time
                data = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>2025-03-14T12:00:00Z", data)
            dst.writestr(zipfile.ZipInfo(info.filename, date_time=(2025, 3, 14, 12, 0, 0)), data,
                         compress_type=zipfile.ZIP_DEFLATED)
    path.write_bytes(out.getvalue())


# ----------------------------------------------------------------------------- generic tables
def semicolon() -> str:
    """German-locale Excel 'CSV (Trennzeichen-getrennt)': ';' separator, decimal commas, cp1252."""
    lines = ["Zeit [s];Strom [mA];Spannung [V];Ladung [mAh];Temperatur [\u00b0C]"]
    for r in signal():
        lines.append(";".join([f"{r.t:g}", f"{r.i_mA:g}", f"{r.v:.6f}", f"{r.q_step_mAh:.6f}", "25,0"])
                     .replace(".", ","))
    return "\n".join(lines) + "\n"


def utf16() -> str:
    lines = ["Time [s],Current [mA],Voltage [V]"]
    lines += [f"{r.t:g},{r.i_mA:g},{r.v:.6f}" for r in signal()]
    return "\n".join(lines) + "\n"


def unitless() -> str:
    """The layout of the CC0 Hakadi 18650 files: step, mode, time [ms], voltage [V], current [A]."""
    lines = ["step,mode,time,voltage,current"]
    for r in signal():
        lines.append(f"{r.step - 1},{0 if r.i_mA == 0 else 1},{int(round(r.t * 1000)) + 202},"
                     f"{r.v:.4f},{r.i_mA * 1e-3:.4f}")
    return "\n".join(lines) + "\n"


def full_cell_capacity() -> list[tuple[float, float]]:
    """30 digitised points of a full-cell discharge, 4.0 V to 2.0 V over 0.6 mAh (unevenly spaced,
    as clicked on a figure)."""
    pts = []
    for k in range(30):
        u = (k / 29) ** 1.3
        q = 0.6 * u
        pts.append((q, 4.0 - 1.2 * u - 0.8 * u**6))
    return pts


def specific_ocp() -> list[tuple[float, float]]:
    """An OCP-like hard-carbon curve: 0 to 300 mAh/g, 1.5 V to 0.01 V (a slope, then a plateau)."""
    return [(300.0 * k / 39, 0.01 + 1.49 * (1.0 - k / 39) ** 4) for k in range(40)]


#: the files :func:`main` writes (the others in this folder are copies of real files)
GENERATED = ("biologic_eu.mpt", "biologic_us.mpt", "neware_export.csv", "arbin_export.csv",
             "maccor_export.txt", "landt_export.xlsx", "semicolon_decimal_comma.csv", "utf16_bom.csv",
             "unitless.csv", "digitised_full_cell.csv", "digitised_specific.csv")


def main(out: Path = HERE) -> None:
    write(out, "biologic_eu.mpt", biologic(comma=True), encoding="cp1252", newline="\r\n")
    write(out, "biologic_us.mpt", biologic(comma=False), encoding="cp1252", newline="\r\n")
    write(out, "neware_export.csv", neware(), newline="\r\n")
    write(out, "arbin_export.csv", arbin(), newline="\r\n")
    write(out, "maccor_export.txt", maccor(), encoding="cp1252", newline="\r\n")
    landt(out / "landt_export.xlsx")
    write(out, "semicolon_decimal_comma.csv", semicolon(), encoding="cp1252", newline="\r\n")
    write(out, "utf16_bom.csv", utf16(), encoding="utf-16", newline="\r\n")
    write(out, "unitless.csv", unitless())
    write(out, "digitised_full_cell.csv",
          "capacity_mAh,voltage_V\n" + "".join(f"{q:.5f},{v:.4f}\n" for q, v in full_cell_capacity()))
    write(out, "digitised_specific.csv",
          "capacity_mAh_g,voltage_V\n" + "".join(f"{q:.3f},{v:.5f}\n" for q, v in specific_ocp()))


if __name__ == "__main__":
    main()
