"""GITT round trip: a virtual GITT of MPCC-1 analysed and identified by `kinetics gitt`.

The virtual cell is the shipped MPCC-1 (ether) set with slow stage diffusivities (1e-15, 3e-16,
3e-16 m²/s, a one-decade minimum: 3e-17 m²/s), a hundredfold below the shipped ones: inside the
range GITT studies report for hard carbons (1e-13–1e-16 m²/s, with a drop of one to two decades at
the plateau onset), and slow enough that at the minimum R²/D ≈ 9 h ≫ the 40 min rest, so
relaxation is incomplete, as in real hard carbons; with the shipped (fast) diffusivities a 10 min
pulse never satisfies τ ≪ L²/D and every analytic D is flagged. Its plateau keeps the 0.1–0.01 V
width of paper 000's GCD plateau (ω = 0.595) without hysteresis: the shipped set's narrower
plateau branches (ω = 0.397, 30 mV apart) are so flat that the relaxation voltages carry little
information on the pore-filling diffusivity (the refinement then reports it as poorly
identified). Protocol of paper 003 (50 mA/g, 10 min pulses, 40 min rests) to 0.01 V, 1 mV Gaussian
noise, no smoothing.
"""

import json
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

import kinetics as hk
from kinetics.virtual import virtual_gitt

pytestmark = pytest.mark.slow
D_NAMES = ["anode.diffusivity.adsorption", "anode.diffusivity.insertion", "anode.diffusivity.pore_filling"]


@pytest.fixture(scope="module")
def truth():
    base = hk.load("MPCC-1-ether")
    pset = base.with_values({**dict(zip(D_NAMES, (1e-15, 3e-16, 3e-16))), "anode.diffusivity.minimum_depth": 1.0,
                             "anode.ocp.pore_filling.width": 0.595, "anode.ocp.hysteresis": 0.0},
                            "assumed", "GITT round-trip test: slow MPCC-1 diffusivities, GCD-wide plateau")
    return hk.HalfCell(pset, "SPMe")


@pytest.fixture(scope="module")
def run(truth, tmp_path_factory):
    folder = tmp_path_factory.mktemp("gitt")
    frame = virtual_gitt(truth, noise_mV=1.0, seed=3)
    path = folder / "virtual_gitt.csv"
    frame.to_csv(path, index=False, float_format="%.10g")
    out = subprocess.run([sys.executable, "-m", "kinetics.cli", "gitt", str(path), "--mass-mg",
                          str(truth.active_mass_mg), "--radius-um", "1", "--direction", "sodiate",
                          "--out", str(folder / "out"), "--json"],
                         capture_output=True, text=True, timeout=900)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout), folder / "out"


def test_pulses_found_and_few_skipped(run):
    summary, _ = run
    assert summary["n_pulses"] >= 38  # 325 mAh/g in 8.33 mAh/g pulses
    assert summary["n_skipped"] <= 0.1 * summary["n_pulses"]
    assert summary["pulses"][-1]["skipped"].startswith("truncated pulse")


def test_ocp_stages_recovered(run, truth):
    """A sodiation GITT's relaxed potentials lie on the sodiation branch (the hysteresis state
    keeps it at rest): the stages recovered are that branch's."""
    summary, _ = run
    ocp = truth.working.material.ocp
    true = {s.name: (s, u) for s, u in zip(ocp.stages, ocp.branch_potentials("sodiation"))}
    for stage in summary["ocp"]["stages"]:
        t, u = true[stage["name"]]
        assert abs(stage["potential_V"] - u) < 5e-3, stage
        assert abs(stage["capacity_mAh_g"] / t.capacity_mAh_g - 1) < 0.03, stage


def test_analytic_diffusivity_where_the_method_holds(run, truth):
    summary, folder = run
    table = pd.read_csv(folder / "gitt_pulses.csv")
    table[["skipped", "flag"]] = table[["skipped", "flag"]].fillna("")
    ocp, D = truth.working.material.ocp, truth.working.material.diffusivity
    q_end = table["capacity_mAh_g"].to_numpy(float)
    x_mid = 0.5 * (q_end + np.r_[0.0, q_end[:-1]]) / ocp.total_capacity_mAh_g
    d_true = D(x_mid, ocp)
    computed = (table["skipped"] == "").to_numpy()
    valid = computed & (table["flag"] == "").to_numpy()
    assert valid.sum() >= 3
    ratio = table["D_m2_s"].to_numpy(float)[valid] / d_true[valid]
    assert np.all((ratio > 0.5) & (ratio < 2.0)), ratio
    # the minimum and the U-turn, in the right place (all computed values, flagged included)
    d = table["D_m2_s"].to_numpy(float)[computed]
    u = table["voltage_V"].to_numpy(float)[computed]
    assert 0.05 <= u[np.argmin(d)] <= 0.1  # the model's minimum sits at 0.075 V
    assert np.max(d[u < u[np.argmin(d)] - 0.02]) > 2 * np.min(d)  # U-turn in pore filling
    assert np.max(d[u > 0.15]) > 2 * np.min(d)  # higher above the plateau


def test_model_based_diffusivity_and_voltage(run, truth):
    summary, _ = run
    assert summary["refinement"]["rmse_mV"] <= 3.0
    identified = hk.HalfCell(hk.load(summary["identified_set"]), "SPMe")
    ocp_t, D_t = truth.working.material.ocp, truth.working.material.diffusivity
    ocp_f, D_f = identified.working.material.ocp, identified.working.material.diffusivity
    x = np.linspace(0.02, 0.95, 60)  # the range the GITT sampled (it ends at 0.01 V, x ≈ 0.96)
    ratio = D_f(x, ocp_f) / D_t(x, ocp_t)
    assert np.all(np.abs(ratio - 1) < 0.2), ratio
    entry = hk.load(summary["identified_set"]).entries["anode.diffusivity.pore_filling"]
    assert entry.kind == "fitted" and "identified from" in entry.source


def test_hysteresis_from_a_file_with_both_directions(tmp_path):
    """A sodiation GITT then a desodiation GITT of the same virtual cell (the shipped MPCC-1 set,
    30 mV between its plateau branches, with slow diffusivities) in one file: its rests keep each
    direction's branch (one-state hysteresis), each direction is analysed and fitted on its own,
    and the gap between their plateau stages is the set's hysteresis, within 2 mV."""
    base = hk.load("MPCC-1-ether")
    truth = hk.HalfCell(base.with_values(dict(zip(D_NAMES, (1e-15, 3e-16, 3e-16))), "assumed", "slow D"), "SPMe")
    gap = truth.working.material.ocp.hysteresis_V
    assert gap == pytest.approx(0.03, abs=0)
    first = virtual_gitt(truth, noise_mV=1.0, seed=3)
    second = virtual_gitt(truth, direction="desodiate", noise_mV=1.0, seed=4).iloc[1:]
    second = second.assign(**{"Time [s]": second["Time [s]"] + first["Time [s]"].iloc[-1]})
    path = tmp_path / "both.csv"
    pd.concat([first, second]).to_csv(path, index=False, float_format="%.10g")
    out = subprocess.run([sys.executable, "-m", "kinetics.cli", "gitt", str(path), "--mass-mg",
                          str(truth.active_mass_mg), "--radius-um", "1", "--no-refine",
                          "--out", str(tmp_path / "out"), "--json"],
                         capture_output=True, text=True, timeout=900)
    assert out.returncode == 0, out.stderr
    summary = json.loads(out.stdout)
    assert summary["directions"] == ["sodiate", "desodiate"]
    h = summary["hysteresis"]
    assert abs(h["hysteresis_V"] - gap) < 2e-3, h
    assert abs(h["mean_potential_V"] - 0.055) < 5e-3, h
    identified = hk.load(summary["identified_set"])
    assert identified.value("anode.ocp.hysteresis") == pytest.approx(h["hysteresis_V"], rel=1e-12)
