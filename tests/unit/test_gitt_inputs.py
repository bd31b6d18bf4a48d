"""Bad GITT input read from files: missing or wrong units are named, never guessed."""

import subprocess
import sys

import numpy as np
import pandas as pd
import pytest


def run(tmp_path, frame):
    path = tmp_path / "gitt.csv"
    frame.to_csv(path, index=False)
    return subprocess.run([sys.executable, "-m", "kinetics.cli", "gitt", str(path), "--radius-um", "1",
                           "--out", str(tmp_path / "out")], capture_output=True, text=True, timeout=300)


def frame(time="Time [s]", current="Current [mA]", voltage="Voltage [V]"):
    t = np.arange(0.0, 3000.0, 10.0)
    i = np.where((t >= 600) & (t < 1200), -0.05, 0.0)
    return pd.DataFrame({time: t, current: i, voltage: 1.0 - 1e-5 * np.cumsum(i != 0)})


@pytest.mark.parametrize("headers, named", [
    ({"voltage": "Voltage"}, "a column with a unit in V or mV"),
    ({"current": "Current"}, "a current column"),
    ({"current": "Current [furlong]"}, "a current column"),
    ({"time": "Time [parsec]"}, "a time column"),
])
def test_missing_or_wrong_units_are_named(tmp_path, headers, named):
    out = run(tmp_path, frame(**headers))
    assert out.returncode == 2, out.stdout
    assert named in out.stderr and "Traceback" not in out.stderr
    assert not (tmp_path / "out").exists()


def test_file_without_pulses(tmp_path):
    f = frame()
    f["Current [mA]"] = 0.0
    out = run(tmp_path, f)
    assert out.returncode == 2 and "Traceback" not in out.stderr


def test_h_mm_ss_and_date_time_columns(tmp_path):
    from kinetics.io.cycler import read_file

    f = frame()
    spans = pd.to_timedelta(f.pop("Time [s]"), unit="s")
    f.insert(0, "TestTime", [str(s).split("days ")[-1] for s in spans])
    f.to_csv(tmp_path / "landt.csv", index=False)
    data = read_file(tmp_path / "landt.csv")
    assert data["time_s"].iloc[-1] == pytest.approx(2990.0)
    f["TestTime"] = (pd.Timestamp("2026-11-22 08:00:00") + spans).astype(str)
    f.to_csv(tmp_path / "stamps.csv", index=False)
    data = read_file(tmp_path / "stamps.csv")
    assert data["time_s"].iloc[-1] == pytest.approx(2990.0)
    assert data["current_A"].min() == pytest.approx(-5e-5)
