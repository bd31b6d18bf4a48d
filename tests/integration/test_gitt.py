"""Virtual GITT of MPCC-1 (paper 003's protocol) and the analytic (Weppner–Huggins) analysis.

Groundwork of the GITT issue: the analytic D(x) must place the minimum and the U-turn where
the model's D(x) has them. The virtual cell has MPCC-1's diffusivities a hundredfold below the
shipped ones (as in ``test_gitt_identify``): with the shipped values the particle relaxes within a
10 min pulse everywhere (τ ≈ R²/D), where the method's assumption fails. Its magnitude is not
asserted: outside the minimum the particle still partly relaxes within a pulse. Its plateau keeps
the 0.1–0.01 V width of paper 000's GCD plateau without hysteresis (see ``test_gitt_identify``).
"""

import warnings

import numpy as np
import pytest

import kinetics as hk
from kinetics.analysis.gitt import analyse
from kinetics.errors import InvalidValueError
from kinetics.protocols import gitt


@pytest.fixture(scope="module")
def virtual_gitt():
    slow = {"anode.diffusivity.adsorption": 1e-15, "anode.diffusivity.insertion": 3e-16,
            "anode.diffusivity.pore_filling": 3e-16, "anode.diffusivity.minimum_depth": 1.0,
            "anode.ocp.pore_filling.width": 0.595, "anode.ocp.hysteresis": 0.0}
    cell = hk.HalfCell("MPCC-1-ether").with_values(slow)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = hk.run(cell, gitt(pulse_mA_g=50, pulse_min=10, rest_min=40, until_V=0.01))
    mass_g = cell.active_mass_mg * 1e-3
    t = result.table
    current_A = t["current_mA_g"].to_numpy() * mass_g * 1e-3
    table = analyse(t["time_s"].to_numpy(), current_A, t["voltage_V"].to_numpy(), mass_g,
                    radius_m=cell.working.material.particle_radius_m)
    return cell, table


def test_pulses_found_and_truncated_ones_flagged(virtual_gitt):
    _, table = virtual_gitt
    valid = table[table["skipped"] == ""]
    assert len(valid) >= 35  # 326 mAh/g / 8.33 mAh/g per pulse
    assert table["skipped"].str.startswith("truncated pulse").sum() >= 1
    assert np.all(valid["D_m2_s"] > 1e-18) and np.all(valid["D_m2_s"] < 1e-12)


def test_minimum_and_u_turn_in_the_right_place(virtual_gitt):
    cell, table = virtual_gitt
    valid = table[table["skipped"] == ""]
    i_min = int(np.argmin(valid["D_m2_s"].to_numpy()))
    assert 0.05 <= valid["voltage_V"].iloc[i_min] <= 0.1  # model minimum at 0.075 V
    d, u = valid["D_m2_s"].to_numpy(), valid["voltage_V"].to_numpy()
    assert np.max(d[u < u[i_min] - 0.02]) > 1.3 * d[i_min]  # U-turn in pore filling
    assert valid["D_m2_s"].iloc[0] > 1.3 * valid["D_m2_s"].iloc[i_min]


def test_bad_gitt_input():
    t = np.arange(10.0)
    with pytest.raises(InvalidValueError, match="backwards"):
        analyse(t[::-1], np.ones(10), np.ones(10), 1e-3, radius_m=1e-6)
    with pytest.raises(InvalidValueError, match="no pulse"):
        analyse(t, np.zeros(10), np.ones(10), 1e-3, radius_m=1e-6)
    with pytest.raises(InvalidValueError, match="mass of zero"):
        analyse(t, np.ones(10), np.ones(10), 0.0, radius_m=1e-6)
    with pytest.raises(InvalidValueError, match="particle radius"):
        analyse(t, np.ones(10), np.ones(10), 1e-3, radius_m=0.0)
    with pytest.raises(InvalidValueError, match="diffusion length"):
        analyse(t, np.ones(10), np.ones(10), 1e-3)
    with pytest.raises(InvalidValueError, match="n_pulses"):
        gitt(n_pulses=0)


def test_stated_direction_opposite_to_the_data(virtual_gitt_csv):
    frame = virtual_gitt_csv
    with pytest.raises(InvalidValueError, match="the potential falls during the pulses"):
        analyse(frame["Time [s]"].to_numpy(), frame["Current [A]"].to_numpy(),
                frame["Voltage [V]"].to_numpy(), 1e-3, radius_m=1e-6, direction="desodiate")


def test_nan_rows_and_a_pulse_without_rest(virtual_gitt_csv):
    def table_of(f):
        return analyse(f["Time [s]"].to_numpy(), f["Current [A]"].to_numpy(), f["Voltage [V]"].to_numpy(),
                       1e-3, radius_m=1e-6)

    frame = virtual_gitt_csv.copy()
    frame.loc[frame.index[5:9], "Voltage [V]"] = np.nan  # NaN rows in the first rest are dropped
    clean, with_nan = table_of(virtual_gitt_csv), table_of(frame)
    assert len(with_nan) == len(clean)
    assert np.allclose(with_nan["D_m2_s"], clean["D_m2_s"], rtol=1e-6, equal_nan=True)
    # cut the file inside the last pulse: that pulse has no rest and is reported, not analysed
    pulse_rows = np.flatnonzero(np.abs(frame["Current [A]"].to_numpy()) > 0)
    cut = frame.iloc[: pulse_rows[-1]]
    table = analyse(cut["Time [s]"].to_numpy(), cut["Current [A]"].to_numpy(), cut["Voltage [V]"].to_numpy(),
                    1e-3, radius_m=1e-6)
    assert table["skipped"].iloc[-1] == "no rest after the pulse"
    assert np.isnan(table["D_m2_s"].iloc[-1])


@pytest.fixture(scope="module")
def virtual_gitt_csv():
    from kinetics.virtual import virtual_gitt

    return virtual_gitt(hk.HalfCell("MPCC-1-ether"), until_V=0.5, noise_mV=0.5, seed=0)


def test_virtual_gitt_file_round_trip(tmp_path):
    """The virtual GITT written as a cycler CSV gives the same pulses through `kinetics gitt`."""
    import json
    import subprocess
    import sys

    slow = {"anode.diffusivity.adsorption": 1e-15, "anode.diffusivity.insertion": 3e-16,
            "anode.diffusivity.pore_filling": 3e-16, "anode.diffusivity.minimum_depth": 1.0,
            "anode.ocp.pore_filling.width": 0.595, "anode.ocp.hysteresis": 0.0}
    cell = hk.HalfCell("MPCC-1-ether").with_values(slow)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = hk.run(cell, gitt(n_pulses=5, until_V=0.01, first_rest_min=10))
    path = result.save_cycler_csv(tmp_path / "virtual_gitt.csv", cell.active_mass_mg)
    with pytest.raises(InvalidValueError, match="does not exist yet"):
        result.save_cycler_csv(path, cell.active_mass_mg)
    cmd = [sys.executable, "-m", "kinetics.cli", "gitt", str(path), "--radius-um", "1.0",
           "--mass-mg", str(cell.active_mass_mg), "--out", str(tmp_path / "out"), "--json"]
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    pulses = json.loads(out.stdout)["pulses"]
    assert len(pulses) == 5 and not pulses[0]["skipped"]
    direct = analyse(result.table["time_s"].to_numpy(),
                     result.table["current_mA_g"].to_numpy() * cell.active_mass_mg * 1e-6,
                     result.table["voltage_V"].to_numpy(), cell.active_mass_mg * 1e-3, radius_m=1e-6)
    assert pulses[0]["D_m2_s"] == pytest.approx(direct["D_m2_s"].iloc[0], rel=1e-6, abs=0)
