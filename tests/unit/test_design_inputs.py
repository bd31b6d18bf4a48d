"""``kinetics design`` and the design library (issue 15): bad input refused before anything runs,
with the field named; the pure parts (loadings, N/P lists, equilibrium energy, stack masses)
against numbers worked out independently."""

from __future__ import annotations

import math

import numpy as np
import pytest

from kinetics import cli
from kinetics.cells import HalfCell
from kinetics.design import Design, Grid, Loading, equilibrium, np_values
from kinetics.errors import InvalidValueError
from kinetics.sets import load

BASE = ["design", "--anode", "MPCC-1-ester", "--cathode", "O3-Na0.9TMO2", "--quiet"]


@pytest.mark.parametrize("args, field", [
    (("--np", "0"), "--np"),
    (("--np=-1,1.0",), "--np"),
    (("--np", "0.8:1.2:0"), "--np"),
    (("--np", ","), "--np"),
    (("--np", "a,b"), "--np"),
    (("--np", "1.0", "--np-basis", "cathode"), "--np-basis"),
    (("--np", "1.0", "--loading", "0mg/cm2"), "--loading"),
    (("--np", "1.0", "--loading", "500mg/cm2"), "--loading"),
    (("--np", "1.0", "--loading", "2mg"), "--loading"),
    (("--np", "1.0", "--loading", "900um"), "--loading"),
    (("--np", "1.0", "--electrolyte-excess", "0.5"), "electrolyte excess"),
    (("--np", "1.0", "--sides", "triple"), "--sides"),
    (("--np", "1.0", "--electrolyte", "water"), "--electrolyte"),
    (("--np", "1.0", "--anode-porosity", "0.95"), "anode porosity"),
    (("--np", "1.0", "--cathode-porosity", "0.01"), "cathode porosity"),
    (("--np", "1.0", "--particle-radius", "500"), "particle radius"),
    (("--np", "1.0", "--charge-rates", "fast"), "--charge-rates"),
    (("--np", "1.0", "--discharge-rates=-1C"), "discharge"),
    (("--np", "1.0", "--format", "prismatic"), "--format"),
    (("--np", "1.0", "--temperatures", "200"), "temperature"),
    (("--np", "1.0", "--workers", "0"), "--workers"),
])
def test_kinetics_design_refuses_bad_input_before_running(tmp_path, capsys, args, field):
    code = cli.main([*BASE, "--out", str(tmp_path / "x"), *args])
    err = capsys.readouterr().err
    assert code == 2, err
    assert field in err and "Traceback" not in err
    assert not (tmp_path / "x").exists()


def test_a_cathode_that_cannot_make_the_cell_window_is_refused(tmp_path, capsys):
    low = load("O3-Na0.9TMO2").with_values(
        {"cathode.ocp.high.potential": 1.6, "cathode.ocp.middle.potential": 1.3, "cathode.ocp.low.potential": 1.0,
         "cell.lower_voltage": 0.8, "cell.upper_voltage": 1.8}, "assumed", "a test cathode at 1–1.6 V", new=True)
    path = low.save(tmp_path / "low-cathode.json")
    code = cli.main([*BASE[:4], str(path), "--quiet", "--np", "1.0", "--out", str(tmp_path / "x")])
    err = capsys.readouterr().err
    assert code == 2 and "--cathode" in err and "upper limit" in err, err
    assert not (tmp_path / "x").exists()


def test_an_unreachable_scheduler_is_refused_before_anything_runs(tmp_path, capsys):
    code = cli.main([*BASE, "--np", "1.0", "--scheduler", "tcp://127.0.0.1:9", "--out", str(tmp_path / "x")])
    err = capsys.readouterr().err
    assert code == 2 and "--scheduler" in err and "Traceback" not in err, err
    assert not (tmp_path / "x").exists()


def test_a_folder_of_something_else_is_not_touched(tmp_path, capsys):
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "notes.txt").write_text("my notes")
    code = cli.main([*BASE, "--np", "1.0", "--out", str(folder)])
    err = capsys.readouterr().err
    assert code == 2 and "--out" in err, err
    assert [p.name for p in folder.iterdir()] == ["notes.txt"]


def test_n_p_lists_and_ranges():
    assert np_values("0.8:1.4:7") == pytest.approx((0.8, 0.9, 1.0, 1.1, 1.2, 1.3, 1.4))
    assert np_values("1.05") == (1.05,)
    assert np_values("0.9, 1.0") == (0.9, 1.0)
    with pytest.raises(InvalidValueError):
        np_values("")


def test_loadings_in_mass_or_capacity():
    cathode = HalfCell("O3-Na0.9TMO2").working  # 4.6 g/cm³, 50 % active by volume
    assert Loading.parse("10mg/cm2").mg_cm2(100.0, cathode) == 10.0
    assert Loading.parse("0.01g/cm^2").mg_cm2(100.0, cathode) == pytest.approx(10.0)
    # 1.5 mAh/cm² of a 100 mAh/g cathode is 15 mg/cm²
    assert Loading.parse("1.5mAh/cm2").mg_cm2(100.0, cathode) == pytest.approx(15.0)
    # 50 µm of a coating 50 % oxide at 4.6 g/cm³: 5e-3 cm × 2.3 g/cm³ = 11.5 mg/cm²
    assert Loading.parse("50um").mg_cm2(100.0, cathode) == pytest.approx(11.5)
    assert Loading.parse("0.05mm").value == pytest.approx(50.0)


def test_a_grid_is_every_combination_and_refuses_zero_points():
    g = Grid(np_ratio=(0.9, 1.0, 1.1), charge_rate=("0.5C", "1C"), discharge_rate=("0.2C",))
    assert len(g.points()) == 6
    with pytest.raises(InvalidValueError, match="at least one"):
        Grid(np_ratio=())
    with pytest.raises(InvalidValueError, match="--np"):
        Design(np_ratio=math.nan)


def test_equilibrium_energy_of_linear_potentials():
    """Linear OCPs give a voltage linear in the charge passed, so E = Q (V_high + V_low)/2 and Q
    follows from the two states: U_c(x_c) − U_a(x_a) = V with x_a Q_a + x_c Q_c = Q_Na."""
    Q_a, Q_c, Q_Na = 2.0, 3.0, 2.4

    def U_a(x):
        return 0.8 - 0.7 * np.asarray(x)

    def U_c(x):
        return 4.4 - 1.6 * np.asarray(x)

    # V(x_a) = 4.4 − 1.6 (Q_Na − 2 x_a)/3 − 0.8 + 0.7 x_a = 2.32 + (3.2/3 + 0.7) x_a
    slope = 3.2 / 3 + 0.7
    x_hi, x_lo = (4.0 - 2.32) / slope, (2.5 - 2.32) / slope
    e = equilibrium(U_a, U_c, Q_a, Q_c, Q_Na, (2.5, 4.0))
    assert e.anode_window == pytest.approx((x_hi, x_lo), rel=1e-9)
    assert e.capacity_Ah == pytest.approx(Q_a * (x_hi - x_lo), rel=1e-9)
    assert e.energy_Wh == pytest.approx(e.capacity_Ah * (4.0 + 2.5) / 2, rel=1e-9)
    with pytest.raises(InvalidValueError, match="voltage limit"):
        equilibrium(U_a, U_c, Q_a, Q_c, Q_Na, (2.5, 6.0))


def test_a_design_of_fitted_loadings_says_its_per_gram_figures_are_not_meaningful():
    assert Design("hakadi-18650", "hakadi-18650").caveats()  # loadings fitted to unit-less 18650 files
    assert Design("MPCC-1-ester", "O3-Na0.9TMO2").caveats() == []
