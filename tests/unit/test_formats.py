"""Cycler exports in their real layouts (``tests/data/formats``, provenance in its README.md).

Every synthetic file carries the same known signal: a carbon-vs-sodium half cell at rest for 120 s
at 2.0 V, sodiated at -0.5 mA for 3600 s (2.0 V falling to 0.0100 V), at rest for 120 s,
desodiated at +0.5 mA for 3600 s, at rest for 120 s; 252 samples 30 s apart. Each test reads one
file through the public readers and checks time [s], current [A] with the file's sign (negative
while sodiating; Maccor writes an unsigned ``Amps`` column whose sign is its ``State`` column)
and voltage [V] against that signal, to the precision the file is written with. Two files are
excerpts of real exports (``arbin_pyprobe_sample.csv``, ``maccor_cellpy_excerpt.txt``) and are
checked against values read off the files by hand.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import numpy as np
import pytest

from kinetics.analysis.ocp_fit import read_ocp_table
from kinetics.errors import InvalidValueError
from kinetics.io.cycler import read_time_series
from kinetics.io.gcd import read_gcd

FORMATS = Path(__file__).resolve().parents[1] / "data" / "formats"


def _generator():
    name = "_formats_make_files"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, FORMATS / "make_files.py")
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module  # dataclasses look their module up while the file runs
        spec.loader.exec_module(module)
    return sys.modules[name]


MAKE = _generator()
ROWS = MAKE.signal()
T_S = np.array([r.t for r in ROWS])
I_A = np.array([r.i_mA for r in ROWS]) * 1e-3
V_V = np.array([r.v for r in ROWS])

N_ROWS = 252
I_TOL_A = 1e-9  #: every file writes the 0.5 mA steps exactly
SAMPLE_S = 30.0

#: file and the voltage tolerance its number format allows (half its last digit, rounded up)
SYNTHETIC = [
    ("biologic_us.mpt", 1e-7),  # 2.0000000E+000
    ("biologic_eu.mpt", 1e-7),  # 2,0000000E+000
    ("neware_export.csv", 1e-4),  # 2.0000
    ("arbin_export.csv", 1e-6),  # 2.0000000
    ("maccor_export.txt", 1e-5),  # 2.00000
    ("landt_export.xlsx", 1e-4),  # 2.0 (rounded to 4 decimals)
    ("semicolon_decimal_comma.csv", 1e-6),  # 2,000000
    ("utf16_bom.csv", 1e-6),  # 2.000000
]


def test_signal_is_the_one_the_readme_states():
    """The generator's signal against its independent statement (guards the expected values)."""
    assert len(ROWS) == N_ROWS
    assert T_S[0] == 0.0 and T_S[-1] == 7530.0 and np.all(np.diff(T_S) == SAMPLE_S)
    sod = I_A < 0
    assert np.all(I_A[sod] == -0.5e-3) and sod.sum() == 120
    assert T_S[sod][-1] - T_S[sod][0] == 3600.0 - SAMPLE_S
    assert V_V[0] == 2.0 and V_V.min() == pytest.approx(0.0100012, abs=1e-7)


def test_files_are_what_the_generator_writes(tmp_path):
    """The checked-in files are byte for byte what make_files.py writes."""
    MAKE.main(tmp_path)
    for name in MAKE.GENERATED:
        assert (tmp_path / name).read_bytes() == (FORMATS / name).read_bytes(), name
    for path in FORMATS.iterdir():
        assert path.stat().st_size < 50_000, path.name


def assert_signal(frame, v_tol: float) -> None:
    t = frame["time_s"].to_numpy(float)
    i = frame["current_A"].to_numpy(float)
    v = frame["voltage_V"].to_numpy(float)
    assert len(t) == N_ROWS
    np.testing.assert_allclose(t - t[0], T_S, rtol=0, atol=1e-6)
    np.testing.assert_allclose(i, I_A, rtol=0, atol=I_TOL_A)
    np.testing.assert_allclose(v, V_V, rtol=0, atol=v_tol)
    # the same, stated plainly
    assert v[0] == pytest.approx(2.0, abs=v_tol)
    sod = i < 0
    assert np.all(np.abs(i[sod] + 0.5e-3) <= I_TOL_A)
    assert abs((t[sod][-1] - t[sod][0]) - 3600.0) <= SAMPLE_S
    assert v[sod].min() == pytest.approx(0.0100, abs=max(v_tol, 2e-6))
    assert np.all(np.diff(t) > 0), "time must not restart (Neware's step time does)"


@pytest.mark.parametrize("name, v_tol", SYNTHETIC, ids=[n for n, _ in SYNTHETIC])
def test_reads_the_known_signal(name, v_tol):
    assert_signal(read_time_series(FORMATS / name), v_tol)


def test_unitless_columns_need_a_statement():
    """The Hakadi layout (time in ms, current in A, no units in the header) is read only with
    ``columns=``; without it the error names the columns it found."""
    with pytest.raises(InvalidValueError) as err:
        read_time_series(FORMATS / "unitless.csv")
    for name in ("step", "mode", "time", "voltage", "current"):
        assert name in str(err.value)
    frame = read_time_series(FORMATS / "unitless.csv",
                             columns={"time": "ms", "voltage": "V", "current": "A"})
    assert_signal(frame, 1e-4)


@pytest.mark.parametrize("name", ["arbin_export.csv", "neware_export.csv"])
def test_cycle_and_step_selection(name):
    """Arbin ``Cycle_Index``/``Step_Index``, Neware ``Cycle ID``/``Step ID``: one cycle, steps 1-5
    (rest, sodiation, rest, desodiation, rest)."""
    path = FORMATS / name
    assert len(read_time_series(path, cycle=1)) == N_ROWS
    sod = read_time_series(path, step_index=2)
    assert len(sod) == 120
    assert np.all(np.abs(sod["current_A"].to_numpy() + 0.5e-3) <= I_TOL_A)
    t = sod["time_s"].to_numpy(float)
    assert t[-1] - t[0] == pytest.approx(3600.0 - SAMPLE_S, abs=1e-6)
    assert sod["voltage_V"].iloc[0] == pytest.approx(2.0, abs=1e-4)
    des = read_time_series(path, cycle=1, step_index=4)
    assert len(des) == 120 and np.all(des["current_A"].to_numpy() > 0)
    with pytest.raises(InvalidValueError):
        read_time_series(path, cycle=2)


@pytest.mark.parametrize("name", ["biologic_us.mpt", "neware_export.csv", "maccor_export.txt"])
def test_gcd_segments_from_exports(name):
    data = read_gcd(FORMATS / name, mass_mg=2.0)
    assert [s.kind for s in data.segments] == ["rest", "sodiate", "rest", "desodiate", "rest"]
    sod, des = data.segments[1], data.segments[3]
    assert sod.current_mA_g == pytest.approx(250.0, rel=1e-6)  # 0.5 mA / 2 mg
    assert des.current_mA_g == pytest.approx(250.0, rel=1e-6)
    assert sod.duration_s == pytest.approx(3600.0, abs=1e-6)
    assert des.duration_s == pytest.approx(3600.0, abs=1e-6)


def test_digitised_full_cell_with_stated_current():
    """``capacity_mAh,voltage_V``: 30 points, 0 to 0.6 mAh, 4.0 V to 2.0 V; at 0.5 mA with 2 mg
    that is 250 mA/g and 300 mAh/g, reached after 4320 s."""
    data = read_gcd(f"{FORMATS / 'digitised_full_cell.csv'}@0.5mA", mass_mg=2.0)
    (seg,) = data.segments
    assert len(seg.time_s) == 30
    assert seg.current_mA_g == pytest.approx(250.0, rel=1e-9)
    assert seg.capacity_mAh_g[0] == pytest.approx(0.0, abs=1e-9)
    assert seg.capacity_mAh_g[-1] == pytest.approx(300.0, rel=1e-6)
    assert seg.duration_s == pytest.approx(4320.0, rel=1e-6)
    assert seg.voltage_V[0] == pytest.approx(4.0) and seg.voltage_V[-1] == pytest.approx(2.0)


def test_digitised_specific_capacity_ocp_table():
    """``capacity_mAh_g,voltage_V``: 40 points, 0 to 300 mAh/g, 1.5 V to 0.01 V."""
    a, U, kind, dropped = read_ocp_table(FORMATS / "digitised_specific.csv")
    assert kind == "specific capacity" and dropped == 0 and len(a) == 40
    assert a[0] == pytest.approx(0.0) and a[-1] == pytest.approx(300.0)
    assert U[0] == pytest.approx(1.5) and U[-1] == pytest.approx(0.01)


def test_pybamm_sodium_ion_ocp_table():
    """PyBaMM's own Chayambuka2022 negative-electrode OCP, read from the installed wheel
    (located without importing PyBaMM: ``find_spec`` gives the package's ``__init__.py``)."""
    spec = importlib.util.find_spec("pybamm")
    if spec is None or spec.origin is None:
        pytest.skip("pybamm is not installed")
    path = Path(spec.origin).parent / "input" / "parameters" / "sodium_ion" / "data" / "U_n.csv"
    assert path.exists()
    a, U, kind, dropped = read_ocp_table(path)
    assert kind == "stoichiometry" and dropped == 0 and len(a) == 20
    assert np.all((a >= 0) & (a <= 1))
    assert a[0] == pytest.approx(0.001436794) and U[0] == pytest.approx(1.318963892)


def test_real_arbin_mits_pro_sample():
    """13 real rows (PyProBE's sample): ``Test Time (s)``, ``Current (A)``, ``Voltage (V)``,
    a tab-guarded ``Date Time``; rest, then a charge at +2.65 A from row 12."""
    frame = read_time_series(FORMATS / "arbin_pyprobe_sample.csv")
    t = frame["time_s"].to_numpy(float)
    assert len(t) == 13
    assert t[-1] - t[0] == pytest.approx(301.214 - 30.0005, abs=1e-9)
    np.testing.assert_allclose(frame["current_A"].to_numpy(float)[[0, 10, 11, 12]],
                               [0.0, 0.0, 2.647604, 2.650138], rtol=0, atol=1e-12)
    np.testing.assert_allclose(frame["voltage_V"].to_numpy(float)[[0, 11, 12]],
                               [3.534595, 3.594547, 3.599601], rtol=0, atol=1e-12)


def test_real_maccor_text_excerpt():
    """8 real rows (cellpy's Maccor sample): three preamble lines, ``TestTime`` as
    ``  0d 00:01:0.879999995231628``, unsigned ``Amps`` that ``State`` D makes negative."""
    frame = read_time_series(FORMATS / "maccor_cellpy_excerpt.txt")
    np.testing.assert_allclose(
        frame["time_s"].to_numpy(float),
        [0.0, 5.0, 5.05000019073486, 9.3100004196167, 30.8799991607666, 60.879999995231628,
         90.8799991607666, 120.879999995231628], rtol=0, atol=1e-9)
    np.testing.assert_allclose(frame["current_A"].to_numpy(float),
                               [0.0, 0.0, -0.50401, -0.50011, -0.50004, -0.49996, -0.49996, -0.50004],
                               rtol=0, atol=1e-12)
    np.testing.assert_allclose(frame["voltage_V"].to_numpy(float),
                               [3.46250, 3.46197, 3.41627, 3.41115, 3.40604, 3.40116, 3.39734, 3.39406],
                               rtol=0, atol=1e-12)
