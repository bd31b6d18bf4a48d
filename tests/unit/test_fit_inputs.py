"""Bad input to fitting: every case is a clear error naming the field, before any solve."""

import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

import kinetics as hk
from kinetics.errors import InvalidValueError, UnknownNameError
from kinetics.fitting import make_parameters
from kinetics.fitting.fit import check_data
from kinetics.fitting.parameters import Parameter, expand
from kinetics.io.gcd import parse_data_argument, read_gcd
from kinetics.physics.form_fits import WIDTH_RANGE
from kinetics.protocols import Current

MASS_MG = 0.95


@pytest.fixture(scope="module")
def cell():
    return hk.HalfCell("MPCC-1-ether", "SPMe")


def cycler_csv(path, rate_mA_g=20.0, n=200, v_top=1.5, v_bottom=0.02):
    """A crude sodiation + desodiation at ``rate_mA_g`` (cycler sign: negative = sodiation)."""
    i_A = rate_mA_g * MASS_MG * 1e-6
    t = np.linspace(0, 3600 * 300 / rate_mA_g, n)
    frame = pd.DataFrame({
        "Time [s]": np.r_[t, t[-1] + 1 + t],
        "Current [A]": np.r_[np.full(n, -i_A), np.full(n, i_A)],
        "Voltage [V]": np.r_[np.linspace(v_top, v_bottom, n), np.linspace(v_bottom + 0.01, v_top, n)],
    })
    frame.to_csv(path, index=False)
    return path


def test_reader_detects_directions_currents_and_cycles(tmp_path):
    d = read_gcd(cycler_csv(tmp_path / "a.csv"), mass_mg=MASS_MG)
    assert [s.kind for s in d.segments] == ["sodiate", "desodiate"]
    assert d.segments[0].current_mA_g == pytest.approx(20.0, rel=1e-12)
    assert d.segments[0].capacity_mAh_g[-1] == pytest.approx(300.0, rel=1e-9)


def test_opposite_sign_convention_reads_the_same(tmp_path):
    p = cycler_csv(tmp_path / "a.csv")
    frame = pd.read_csv(p)
    frame["Current [mA]"] = -frame.pop("Current [A]") * 1e3
    frame.to_csv(tmp_path / "b.csv", index=False)
    d = read_gcd(tmp_path / "b.csv", mass_mg=MASS_MG)
    assert [s.kind for s in d.segments] == ["sodiate", "desodiate"]
    assert d.segments[1].current_mA_g == pytest.approx(20.0, rel=1e-12)


def test_excel_file_and_stated_current_that_agrees(tmp_path):
    frame = pd.read_csv(cycler_csv(tmp_path / "a.csv"))
    frame.to_excel(tmp_path / "a.xlsx", index=False)
    d = read_gcd(f"{tmp_path / 'a.xlsx'}@20mA/g", mass_mg=MASS_MG)
    assert len(d.curves) == 2


def test_digitised_curve_with_current_in_mA(tmp_path):
    q = np.linspace(0, 300, 40)
    pd.DataFrame({"Capacity [mAh/g]": q, "Voltage [V]": np.linspace(1.2, 0.01, 40)}).to_csv(
        tmp_path / "fig.csv", index=False)
    d = read_gcd(f"{tmp_path / 'fig.csv'}@0.019mA", mass_mg=MASS_MG)
    (seg,) = d.segments
    assert seg.kind == "sodiate"
    assert seg.current_mA_g == pytest.approx(20.0, rel=1e-12)
    assert seg.duration_s == pytest.approx(300 / 20 * 3600, rel=1e-12)


@pytest.mark.parametrize("text, current", [("c.csv@0.254mA", Current(0.254, "mA")),
                                           ("c.csv@20mA/g", Current(20.0, "mA/g")),
                                           ("c.csv@0.1C", Current(0.1, "C")),
                                           ("c.csv", None)])
def test_data_argument(text, current):
    assert parse_data_argument(text)[1] == current


@pytest.mark.parametrize("text", ["c.csv@fast", "c.csv@20mV", "c.csv@-3mA"])
def test_bad_data_argument(text):
    with pytest.raises(InvalidValueError, match="DATA"):
        parse_data_argument(text)


def test_too_few_points(tmp_path):
    pd.DataFrame({"Capacity [mAh/g]": [0, 100, 200], "Voltage [V]": [1.0, 0.5, 0.1]}).to_csv(
        tmp_path / "few.csv", index=False)
    with pytest.raises(InvalidValueError, match="at least 10 rows"):
        read_gcd(f"{tmp_path / 'few.csv'}@20mA/g")


def test_capacity_in_mAh_labelled_mAh_per_g(tmp_path, cell):
    q = np.linspace(0, 0.31, 40)  # mAh of a 0.95 mg electrode, labelled as mAh/g
    pd.DataFrame({"Capacity [mAh/g]": q, "Voltage [V]": np.linspace(1.2, 0.01, 40)}).to_csv(
        tmp_path / "fig.csv", index=False)
    d = read_gcd(f"{tmp_path / 'fig.csv'}@20mA/g", mass_mg=MASS_MG)
    with pytest.raises(InvalidValueError, match="looks like mAh.*326"):
        check_data([d], cell)


def test_stated_current_disagrees_with_the_file(tmp_path):
    with pytest.raises(InvalidValueError, match="stated current.*20 mA/g"):
        read_gcd(f"{cycler_csv(tmp_path / 'a.csv')}@200mA/g", mass_mg=MASS_MG)


def test_cycler_file_needs_the_mass(tmp_path):
    with pytest.raises(InvalidValueError, match="active mass"):
        read_gcd(cycler_csv(tmp_path / "a.csv"))


def test_time_going_backwards(tmp_path):
    frame = pd.read_csv(cycler_csv(tmp_path / "a.csv"))
    frame.loc[50, "Time [s]"] = -1.0
    frame.to_csv(tmp_path / "b.csv", index=False)
    with pytest.raises(InvalidValueError, match="never goes backwards"):
        read_gcd(tmp_path / "b.csv", mass_mg=MASS_MG)


def test_data_outside_the_window(tmp_path, cell):
    d = read_gcd(cycler_csv(tmp_path / "a.csv", v_top=4.5), mass_mg=MASS_MG)
    with pytest.raises(InvalidValueError, match="window 0.01–3 V"):
        check_data([d], cell)


def test_bounds_and_start():
    with pytest.raises(InvalidValueError, match="lower < upper"):
        Parameter("anode.ocp.pore_filling.capacity", 200.0, 300.0, 300.0)
    with pytest.raises(InvalidValueError, match="within its bounds"):
        Parameter("anode.ocp.pore_filling.capacity", 500.0, 50.0, 400.0)
    with pytest.raises(InvalidValueError, match="positive lower bound"):
        Parameter("anode.diffusivity.pore_filling", 1e-15, 0.0, 1e-12, log=True)


def test_start_outside_default_bounds(cell):
    with pytest.raises(InvalidValueError, match="within its bounds"):
        make_parameters(["anode.ocp.pore_filling.capacity"], cell,
                        start={"anode.ocp.pore_filling.capacity": 5000.0})


def test_unknown_name_suggests(cell):
    with pytest.raises(UnknownNameError, match="anode.ocp.pore_filling.capacity"):
        expand(["anode.ocp.porefilling.capacity"], cell, ["a.csv"])


def test_groups_expand(cell):
    names = expand(["ocp", "kinetics", "balance"], cell, ["a.csv"])
    assert "anode.ocp.pore_filling.potential" in names and "anode.ocp.insertion.width" in names
    assert {"anode.kinetics.exchange_current_density", "counter.exchange_current_density",
            "cell.film_resistance"} <= set(names)
    assert "initial_fraction:a.csv" in names
    diffusivity = expand(["diffusivity"], cell, [])
    assert "anode.diffusivity.minimum_depth" in diffusivity
    assert not any(n.endswith("activation_energy") for n in diffusivity)


def test_cli_unknown_parameter_is_a_clear_error_and_writes_nothing(tmp_path):
    p = cycler_csv(tmp_path / "a.csv")
    out = subprocess.run([sys.executable, "-m", "kinetics.cli", "fit", str(p),
                          "--parameter-set", "MPCC-1-ether",
                          "--vary", "anode.ocp.porefilling.capacity", "--mass-mg", str(MASS_MG),
                          "--out", str(tmp_path / "out")], capture_output=True, text=True, timeout=300)
    assert out.returncode == 2
    assert "Did you mean 'anode.ocp.pore_filling.capacity'" in out.stderr
    assert "Traceback" not in out.stderr
    assert not (tmp_path / "out").exists()


def test_every_width_of_the_diffusivity_minimum_the_gitt_analysis_can_give_can_start_a_refinement():
    """The analytic D(x) fit of ``kinetics gitt`` may return a width down to WIDTH_RANGE's lower
    end; the refinement that starts from it must accept it (it refused 0.0067 below a bound of
    0.01, and ``bench_gitt``'s identification stopped with an error)."""
    name = "anode.diffusivity.minimum_width"
    for width in (WIDTH_RANGE[0], 0.0067, WIDTH_RANGE[1]):
        pset = hk.load("MPCC-1-ether").with_values({name: width}, "assumed", "test")
        (p,) = make_parameters([name], pset)
        assert p.lower <= width <= p.upper
