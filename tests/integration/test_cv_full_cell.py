"""A full cell's virtual voltammogram (issue 13, "applied to a half cell (and a full cell)"):
``kinetics simulate-cv --cathode`` sweeps the cell voltage from the cell as assembled, and at a
slow scan rate the charge it passes between the vertices is what the two electrodes' open-circuit
potentials hold between those cell voltages (the equilibrium of ``kinetics.design``, solved from
the OCPs alone, without the DAE model)."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from kinetics.cells import FullCell
from kinetics.cli import main
from kinetics.design import balanced, equilibrium_of
from kinetics.virtual import CV_ANODE_POTENTIAL, CV_COLUMNS

TIME, VOLTAGE, CURRENT, CYCLE = CV_COLUMNS
RATE = 0.1  # mV/s: 7 h per leg over 1.5–4 V, close to equilibrium


@pytest.fixture(scope="module")
def simulated(tmp_path_factory):
    out = tmp_path_factory.mktemp("fullcv") / "sim"
    code = main(["simulate-cv", "--parameter-set", "MPCC-1-ether", "--cathode", "O3-Na0.9TMO2", "--np", "1.05",
                 "--scan-rates", str(RATE), "--cycles", "1", "--out", str(out), "--json", "--quiet"])
    assert code == 0
    summary = json.loads((out / "simulate_cv.json").read_text())
    return summary, pd.read_csv(summary["files"][0])


def test_a_slow_sweep_passes_the_equilibrium_capacity_between_the_vertices(simulated):
    summary, frame = simulated
    cell = balanced(FullCell("MPCC-1-ether", "O3-Na0.9TMO2", 1.05, "SPMe"))
    assert summary["cell"] == "full" and summary["mass_mg"] == pytest.approx(cell.anode_mass_mg, rel=1e-12)
    eq = equilibrium_of(cell)  # anode fractions at 4.0 and 1.5 V from U_c(x_c) − U_a(x_a) = V
    held_mAh_g = cell.anode_electrode.material.ocp.total_capacity_mAh_g * (eq.anode_window[0] - eq.anode_window[1])

    t, V, i_mA = (frame[c].to_numpy() for c in (TIME, VOLTAGE, CURRENT))
    q = np.concatenate([[0.0], np.cumsum(0.5 * (i_mA[1:] + i_mA[:-1]) * np.diff(t))]) / (3.6 * summary["mass_mg"])
    top = int(np.argmax(V))  # mAh/g of anode above; the sweep: rest potential → 4.0 → 1.5 V
    enters = int(np.argmax(V >= 1.5))
    assert 0 < enters < top < len(V) - 1
    assert q[top] - q[enters] == pytest.approx(held_mAh_g, rel=0.01)  # charged from 1.5 to 4.0 V
    assert q[top] - q[-1] == pytest.approx(held_mAh_g, rel=0.01)  # discharged from 4.0 to 1.5 V


def test_the_cell_starts_as_assembled_and_charging_is_positive(simulated):
    summary, frame = simulated
    V, i_mA, carbon = (frame[c].to_numpy() for c in (VOLTAGE, CURRENT, CV_ANODE_POTENTIAL))
    assert summary["start_V"] == pytest.approx(V[0], abs=0) and V[0] < summary["window_V"][0]  # carbon empty
    assert summary["window_V"] == [1.5, 4.0] and V.max() == pytest.approx(4.0, abs=1e-6)
    rising = np.r_[np.diff(V) > 0, False]
    busy = np.abs(i_mA) > 0.05 * np.abs(i_mA).max()
    assert np.all(i_mA[rising & busy] > 0) and np.all(i_mA[~rising & busy] < 0)  # EC-Lab: oxidation at Ewe > 0
    top = int(np.argmax(V))
    assert carbon[top] < carbon[0] and carbon.min() > 0.0  # the carbon sodiates while the cell charges, no plating


def test_np_without_a_cathode_and_a_window_beyond_the_cells_are_refused(tmp_path, capsys):
    assert main(["simulate-cv", "--parameter-set", "MPCC-1-ether", "--np", "1.1", "--scan-rates", "1",
                 "--out", str(tmp_path / "x")]) == 2
    assert "--np" in capsys.readouterr().err and not (tmp_path / "x").exists()
    assert main(["simulate-cv", "--parameter-set", "MPCC-1-ether", "--cathode", "O3-Na0.9TMO2", "--window", "1:4.5",
                 "--scan-rates", "1", "--out", str(tmp_path / "y")]) == 2
    assert "inside the cell's window 1.5–4 V" in capsys.readouterr().err and not (tmp_path / "y").exists()
