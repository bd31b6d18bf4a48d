"""The four real files (and three slips) of the measured-files issue, as a new user met them."""

import importlib.util
import json
from pathlib import Path

import numpy as np
import pytest

import kinetics as hk
from kinetics.analysis.ocp_fit import fit_ocp
from kinetics.cli import main
from kinetics.errors import InvalidValueError
from kinetics.fitting.fit import check_data
from kinetics.io.cycler import read_time_series
from kinetics.io.gcd import read_gcd
from kinetics.protocols import Step, with_window_limits

FORMATS = Path(__file__).resolve().parents[1] / "data" / "formats"
PYBAMM_U_N = Path(importlib.util.find_spec("pybamm").origin).parent / "input/parameters/sodium_ion/data/U_n.csv"
HAKADI = Path(__file__).resolve().parents[2].parent / "shared/external-data/hakadi-18650/static_test_1c-1-1.csv"


def test_a_digitised_full_cell_discharge_with_snake_case_headers():
    data = read_gcd(f"{FORMATS / 'digitised_full_cell.csv'}@0.5mA", mass_mg=2.0)
    (curve,) = data.curves
    assert curve.current_mA_g == pytest.approx(250.0, rel=1e-12)  # 0.5 mA / 2 mg
    assert curve.voltage_V[0] > curve.voltage_V[-1]


def test_pybamm_sodium_ion_ocp_table_fits_three_stages_from_the_wheel(tmp_path, capsys):
    assert main(["fit-ocp", str(PYBAMM_U_N), "--json", "--out", str(tmp_path / "out")]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["abscissa"] == "stoichiometry" and len(summary["stages"]) == 3
    assert summary["rmse_mV"] < 30.0  # seen 20.3 mV: the table's first point sits at 1.32 V
    assert fit_ocp(PYBAMM_U_N, n_stages=3).rmse_mV == pytest.approx(summary["rmse_mV"], rel=1e-9)


def test_biologic_mpt_in_a_european_locale(tmp_path):
    series = read_time_series(FORMATS / "biologic_eu.mpt")
    us = read_time_series(FORMATS / "biologic_us.mpt")
    np.testing.assert_allclose(series.to_numpy(), us.to_numpy(), rtol=0, atol=1e-12)
    assert series["current_A"].abs().max() == pytest.approx(5e-4, rel=1e-9)


def test_an_empty_file_given_to_gitt_is_one_line_exit_2(tmp_path, capsys):
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    assert main(["gitt", str(empty), "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "empty" in err[0] and "Traceback" not in err[0]
    assert not (tmp_path / "out").exists()


def test_random_bytes_given_to_fit_are_one_line_exit_2(tmp_path, capsys):
    junk = tmp_path / "junk.csv"
    junk.write_bytes(np.random.default_rng(1).bytes(4096))
    before = junk.read_bytes()
    code = main(["fit", str(junk), "--parameter-set", "MPCC-1-ether", "--vary", "anode.particle_radius",
                 "--mass-mg", "1", "--out", str(tmp_path / "out")])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2 and len(err) == 1 and "junk.csv" in err[0]
    assert junk.read_bytes() == before and not (tmp_path / "out").exists()


def test_one_path_as_a_string_is_one_file(tmp_path):
    one = str(FORMATS / "biologic_us.mpt")
    assert len(read_time_series(one)) == len(read_time_series([one])) > 100


def test_a_step_without_a_cut_off_takes_the_cells_window():
    protocol = with_window_limits([hk.charge("20mA/g"), hk.discharge("20mA/g")], (2.0, 4.2), "full")
    assert [s.limit_V for s in protocol] == [4.2, 2.0]
    half = with_window_limits([hk.sodiate("20mA/g"), hk.desodiate("20mA/g", 1.5)], (0.005, 2.5), "half")
    assert [s.limit_V for s in half] == [0.005, 1.5]
    with pytest.raises(InvalidValueError, match="limit_V"):
        Step("discharge", 20.0)  # a bare step still needs a limit or a duration


@pytest.mark.skipif(not HAKADI.exists(), reason="the shared external data are not next to this checkout")
def test_the_hakadi_18650_file_reads_with_one_column_statement():
    with pytest.raises(InvalidValueError, match="--columns time=s,voltage=V,current=A"):
        read_time_series(HAKADI)
    series = read_time_series(HAKADI, columns="time=ms,voltage=V,current=A")
    assert series["voltage_V"].between(1.45, 4.15).all()
    assert series["time_s"].iloc[-1] == pytest.approx(14834.324, rel=1e-9)  # ms → s


def test_a_time_in_ms_stated_as_s_is_caught_before_any_solve():
    cell = hk.HalfCell("MPCC-1-ether")
    right = read_gcd(FORMATS / "unitless.csv", mass_mg=2.0, columns="time=ms,voltage=V,current=A")
    check_data([right], cell)  # 0.5 mA on 2 mg for 1 h: 250 mAh/g per curve
    wrong = read_gcd(FORMATS / "unitless.csv", mass_mg=2.0, columns="time=s,voltage=V,current=A")
    with pytest.raises(InvalidValueError, match="ms read as s"):
        check_data([wrong], cell)


def test_a_current_a_thousand_times_too_large_is_caught_before_any_solve():
    cell = hk.HalfCell("MPCC-1-ether")
    micrograms = read_gcd(FORMATS / "unitless.csv", mass_mg=0.0002, columns="time=ms,voltage=V,current=A")
    with pytest.raises(InvalidValueError, match="check the current's unit and --mass-mg"):
        check_data([micrograms], cell)
