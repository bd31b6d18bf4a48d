"""An engine that does not break: the robustness matrix, the regressions of the three failures
found by a new user, voltage sweeps in every model, and sodium conservation."""

import json
import subprocess
import sys
import warnings

import numpy as np
import pytest

import kinetics as hk
from kinetics.protocols import triangular_sweep
from kinetics.validation.robustness import full_cell_matrix, half_cell_matrix

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("model", ["SPM", "SPMe", "DFN"])
def test_half_cell_matrix_completes(model):
    """3 shipped anode sets × 20–5000 mA/g × two starting states: every case completes (or is
    refused before solving with its reason); none raises."""
    m = half_cell_matrix(models=(model,))
    assert len(m) == 3 * 7 * 2
    assert set(m["status"]) <= {"completed", "refused"}, m[m["status"] == "stopped"][["set", "start", "current_mA_g",
                                                                                       "reason"]]
    assert (m.loc[m["status"] == "refused", "reason"] != "").all()
    assert (m["status"] == "completed").all(), "the engine refuses no half-cell case today"


def test_full_cell_matrix_completes():
    m = full_cell_matrix()
    assert len(m) == 9 and (m["status"] == "completed").all(), m


def test_regression_dfn_at_500_mA_g_from_3_V():
    """Was: ValueError: zero-size array to reduction operation minimum (the DFN's consistent
    initial conditions failed for a carbon fully desodiated at 3.0 V)."""
    r = hk.run(hk.HalfCell("MPCC-1-ether", "DFN"), [hk.sodiate(500, 0.01), hk.desodiate(500, 3.0)])
    assert not r.truncated
    spme = hk.run(hk.HalfCell("MPCC-1-ether", "SPMe"), [hk.sodiate(500, 0.01), hk.desodiate(500, 3.0)])
    # the DFN resolves the electrolyte through the thickness: within 2 % of the SPMe at 500 mA/g
    assert r.steps["capacity_mAh_g"].iloc[1] == pytest.approx(spme.steps["capacity_mAh_g"].iloc[1], rel=0.02)


def test_regression_a_study_at_1e7_mA_g(tmp_path):
    """Was: AttributeError: 'EmptySolution' object has no attribute 'cycles'. Now each step is
    infeasible at its start: no charge passes, the study completes and says so."""
    config = tmp_path / "study.toml"
    config.write_text('[[half_cell]]\nparameter_set = "MPCC-1-ether"\nrates_mA_g = [1e7]\n')
    out = subprocess.run([sys.executable, "-m", "kinetics.cli", "simulate", "--config", str(config), "--out",
                          str(tmp_path / "run"), "--json", "--quiet"], capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    assert "Traceback" not in out.stderr and "infeasible at its start" in out.stderr
    rate = json.loads(out.stdout)["half_cells"][0]["rates"][0]
    assert rate["reversible_capacity_mAh_g"] == 0.0


def test_regression_full_cell_at_np_0p3_warns_of_plating():
    """Was: 266 mAh/g at 2.64 V without a word. An anode 0.3 × the cathode is driven below 0 V
    vs Na+/Na on charge: the result says how low and for how long, and warns."""
    cell = hk.balanced(hk.FullCell("MPCC-1-ether", "O3-Na0.9TMO2", 0.3))
    with pytest.warns(hk.PlatingWarning, match=r"vs Na\+/Na.*sodium plating risk"):
        r = hk.run(cell, [hk.charge(20, cell.window_V[1]), hk.discharge(20, cell.window_V[0])])
    assert r.min_anode_potential_V < 0 and r.time_below_0V_s > 0
    assert r.steps["min_anode_potential_V"].iloc[0] < 0


@pytest.mark.parametrize("model", ["SPM", "SPMe", "DFN"])
def test_triangular_sweep_at_three_scan_rates(model):
    """Cyclic voltammetry of a carbon half cell from its open-circuit potential (3.0 V) down to
    0.01 V and back, at 0.05, 0.5 and 5 mV/s: the applied voltage is the piecewise-linear sweep
    (the DFN to 1e-6 V; in the SPM and SPMe the output between the solver's internal steps is
    interpolated, which the steps bounded to an eighth of the 2 mV sampling keep within 0.02 mV
    near 2.9 V, where the OCP is steepest: bound 0.5 mV), the current reverses at the vertex, the charge
    out of the reverse sweep is at most the charge in (no sodium is created; 1e-3: the
    trapezoid over 2 mV samples), and the peak sodiation current grows with the scan rate."""
    sim = hk.Simulator(hk.HalfCell("MPCC-1-ether", model))
    peaks = []
    for rate in (0.05, 0.5, 5.0):
        cv = triangular_sweep(0.01, 3.0, rate, cycles=1, first="down")
        r = sim.run([cv])
        t = r.table
        assert not r.truncated and len(t) > 100
        tb, Vb = cv.breakpoints(3.0)
        lag = np.max(np.abs(t["voltage_V"] - np.interp(t["time_s"] - t["time_s"].iloc[0], tb, Vb)))
        assert lag < (1e-6 if model == "DFN" else 5e-4)
        down = t[t["time_s"] - t["time_s"].iloc[0] < tb[1]]
        up = t[t["time_s"] - t["time_s"].iloc[0] > tb[1]]
        assert down["current_mA_g"].min() < 0 < up["current_mA_g"].max()  # sodiation, then desodiation
        i = t["current_mA_g"].to_numpy()
        q_in = -np.trapezoid(np.minimum(i, 0), t["time_s"]) / 3600
        q_out = np.trapezoid(np.maximum(i, 0), t["time_s"]) / 3600
        assert 0 < q_out <= q_in * (1 + 1e-3)
        peaks.append(-down["current_mA_g"].min())
    assert peaks[0] < peaks[1] < peaks[2]


@pytest.mark.parametrize("model", ["SPM", "SPMe", "DFN"])
@pytest.mark.parametrize("rate", [20.0, 1000.0])
def test_sodium_is_conserved_over_a_cycle(model, rate):
    """Sodium in the carbon plus sodium passed to the counter electrode is constant: 1e-6 of the
    charge passed over a sodiation, rest and desodiation (the solver's tolerance), checked from
    the average concentration against ∫I dt of the tidy table."""
    cell = hk.HalfCell("MPCC-1-ether", model)
    with warnings.catch_warnings():
        warnings.simplefilter("error", hk.SimulationWarning)  # no guard fires
        r = hk.run(cell, [hk.sodiate(rate, 0.01), hk.rest(0.5), hk.desodiate(rate, 3.0)])
    t = r.table
    q_total = cell.working.material.ocp.total_capacity_mAh_g
    for _, g in t.groupby("step"):
        i, time_s = g["current_mA_g"].to_numpy(), g["time_s"].to_numpy()
        passed = np.trapezoid(i, time_s) / 3600  # + = out of the carbon [mAh/g]
        gained = (g["sodium_fraction"].iloc[-1] - g["sodium_fraction"].iloc[0]) * q_total
        scale = max(np.trapezoid(np.abs(i), time_s) / 3600, 1.0)
        assert abs(gained + passed) <= 1e-6 * scale, (gained, passed)
