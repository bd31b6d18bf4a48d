"""Side reactions and losses (issue 14), checked against numbers counted independently of the
model's own loss variables: the sodium that went in and did not come out (coulomb counting), the
charge passed (for the loss of active material), and where the carbon's potential went (for
plating)."""

from __future__ import annotations

import json
import subprocess
import sys
import warnings

import numpy as np
import pytest

import kinetics as hk
from kinetics.protocols import repeat
from kinetics.results import Simulator

LAM = 1e-3  # share of active material lost per full-capacity half cycle


@pytest.fixture(scope="module")
def aged_half_cell():
    cell = hk.HalfCell("MPCC-1-ether", "SPMe").with_values({"anode.ageing.active_material_loss": LAM})
    result = Simulator(cell, ageing=True).run([repeat([hk.sodiate(200, 0.01), hk.desodiate(200, 3.0)], 8)])
    return cell, result


def test_the_sei_holds_the_sodium_that_did_not_come_back(aged_half_cell):
    """Coulomb counting: Σ(sodiated − desodiated) over the cycles is the sodium bound in the SEI
    plus what the lost active material held (the carbon is empty at 3.0 V after each cycle)."""
    cell, r = aged_half_cell
    c = r.cycles
    kept_back = float((c["capacity_in_mAh_g"] - c["capacity_out_mAh_g"]).sum())
    lost = float(c["sodium_lost_mAh_g"].iloc[-1])
    assert lost == pytest.approx(kept_back, rel=0.01)
    assert c["sei_sodium_mAh_g"].iloc[-1] > 0.9 * lost  # mostly the film; the rest went with lost material
    ce = c["coulombic_efficiency"].to_numpy()
    # formation in the first sodiation, then a passivating film: losses fall cycle by cycle
    assert np.all(np.diff(ce) > 0) and (1 - ce[0]) > 5 * (1 - ce[-1]) and ce[-1] > 0.99


def test_active_material_is_lost_in_proportion_to_the_charge_passed(aged_half_cell):
    """dε/dt = −λ ε₀ |i| / q_A: after passing Q_pass the carbon has lost λ·Q_pass/Q of its active
    material, with Q its full capacity (the set's stage capacities)."""
    cell, r = aged_half_cell
    c = r.cycles
    passed = float((c["capacity_in_mAh_g"] + c["capacity_out_mAh_g"]).sum())
    full = cell.working.material.ocp.total_capacity_mAh_g
    expected = 100.0 * (1.0 - np.exp(-LAM * passed / full))
    assert c["active_material_lost_percent"].iloc[-1] == pytest.approx(expected, rel=0.02)


def test_plating_needs_the_carbon_below_0V_and_grows_with_rate_and_lower_np():
    plated, lowest = {}, {}
    for np_ratio in (1.05, 0.9):
        cell = hk.balanced(hk.FullCell("MPCC-1-ether", "O3-Na0.9TMO2", np_ratio, "SPMe"))
        sim = Simulator(cell, ageing=True)
        for rate in ((100, 500, 1000) if np_ratio == 1.05 else (500,)):
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", hk.PlatingWarning)
                steps = sim.run([hk.charge(rate, cell.window_V[1])]).steps
            plated[np_ratio, rate] = float(steps["plated_mAh_g"].iloc[0])
            lowest[np_ratio, rate] = float(steps["min_anode_potential_V"].iloc[0])
    assert lowest[1.05, 100] > 0.005 and plated[1.05, 100] < 1e-3  # above 0 V: nothing plates
    assert plated[1.05, 100] < plated[1.05, 500] < plated[1.05, 1000]
    assert lowest[1.05, 1000] < 0 and plated[1.05, 1000] > 0.1
    assert plated[0.9, 500] > plated[1.05, 500]


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "kinetics.cli", *args], capture_output=True, text=True, timeout=600)


def test_kinetics_cycle_reports_every_cycle(tmp_path):
    out = tmp_path / "run"
    p = _cli("cycle", "--parameter-set", "MPCC-1-ester", "--cycles", "5", "--charge", "0.5C", "--discharge",
             "200mA/g", "--out", str(out), "--json", "--quiet")
    assert p.returncode == 0, p.stderr
    s = json.loads(p.stdout)
    assert s["cycles_completed"] == 5 and len(s["cycles"]) == 5
    first, last = s["cycles"][0], s["cycles"][-1]
    assert s["ice"] == pytest.approx(100 * first["desodiation_mAh_g"] / first["sodiation_mAh_g"], rel=1e-9)
    assert s["retention"] == pytest.approx(100 * last["desodiation_mAh_g"] / first["desodiation_mAh_g"], rel=1e-9)
    for key in ("coulombic_efficiency", "inventory_lost_mAh_g", "min_carbon_potential_V", "plateau_mAh_g",
                "sloping_mAh_g", "active_material_lost_percent", "film_resistance_ohm", "plated_mAh_g"):
        assert key in last
    assert last["inventory_lost_mAh_g"] > first["inventory_lost_mAh_g"] > 0
    assert {p.name for p in out.iterdir()} >= {"cycles.csv", "cycle_summary.json", "retention.png",
                                              "degradation.png", "curves.png"}


def test_ageing_values_out_of_bounds_are_named():
    with pytest.raises(hk.InvalidValueError, match="sei_barrier_per_m"):
        hk.HalfCell("MPCC-1-ether").with_values({"anode.ageing.sei_barrier_factor": -1.0})



def test_a_full_cell_fades_faster_than_its_half_cell():
    """The same carbon, the same ageing values, the same 200 mA/g: the half cell's sodium foil
    replaces what the SEI takes, the full cell's cathode cannot. The full cell's first cycle takes
    its SEI out of the cathode's sodium (no bookkeeping loss: the fresh balance books none)."""
    from kinetics.design.balance import fresh
    from kinetics.validation.retention import retention_percent

    half = hk.HalfCell("MPCC-1-ester", "SPMe")
    full = fresh(hk.FullCell("MPCC-1-ester", "O3-Na0.9TMO2", 1.05, "SPMe"))
    assert full.balance.anode_first_cycle_loss_mAh_cm2 == 0.0
    kept_half, kept_full = retention_percent(half, 30, 200.0), retention_percent(full, 30, 200.0)
    assert kept_full < kept_half - 2.0, (kept_full, kept_half)


def test_kinetics_cycle_full_cell_counts_np_both_ways(tmp_path):
    p = _cli("cycle", "--parameter-set", "MPCC-1-ester", "--cathode", "O3-Na0.9TMO2", "--np", "1.05",
             "--np-basis", "first-cycle", "--cycles", "3", "--charge", "200mA/g", "--out", str(tmp_path / "f"),
             "--json", "--quiet")
    assert p.returncode == 0, p.stderr
    s = json.loads(p.stdout)
    assert s["cell"] == "full" and s["np_basis"] == "first-cycle"
    assert s["np_first_cycle"] == pytest.approx(1.05, rel=1e-6)
    assert s["np_reversible"] != pytest.approx(1.05, rel=1e-3)  # the other basis, computed
    assert 0 < s["ice"] < 100 and len(s["cycles"]) == 3


def test_a_cell_that_can_no_longer_reach_its_cutoff_stops_with_a_message(tmp_path):
    """A film that never passivates (β tiny) and reacts fast carries the whole current above the
    cut-off: the sodiation ends at its time limit, not at 0.01 V. The run stops there with a message
    naming the cycle and the step, exits 1, and writes what it completed (here: no whole cycle)."""
    pset = hk.load("MPCC-1-ether").with_values({"anode.ageing.sei_exchange_current_density": 50.0,
                                                 "anode.ageing.sei_barrier_factor": 1e5},
                                                "assumed", "test: a film that never stops growing", new=True)
    path = tmp_path / "leaky.json"
    pset.save(path)
    out = tmp_path / "run"
    p = _cli("cycle", "--parameter-set", str(path), "--cycles", "5", "--charge", "300mA/g", "--model", "SPM",
             "--out", str(out), "--json", "--quiet")
    assert p.returncode == 1, p.stderr
    s = json.loads(p.stdout)
    assert s["stopped_early"] and "cycle 1" in s["status"] and "cut-off" in s["status"], s["status"]
    assert "Traceback" not in p.stderr
    assert s["cycles_completed"] == len(s["cycles"]) == 0
    assert (out / "cycle_summary.json").exists() and (out / "cycles.csv").exists()


def test_a_set_of_a_whole_cell_cycles_as_that_cell(tmp_path):
    """The commercial 18650's set describes both electrodes and states the cell charged: it cycles
    as that full cell, discharge first, with no first-cycle efficiency to report."""
    p = _cli("cycle", "--parameter-set", "hakadi-18650", "--cycles", "2", "--charge", "0.5C",
             "--out", str(tmp_path / "c"), "--json", "--quiet")
    assert p.returncode == 0, p.stderr
    s = json.loads(p.stdout)
    assert s["cell"] == "full" and s["ice"] is None and s["protocol"].startswith("discharge")
    assert all(c["desodiation_mAh_g"] > 0 for c in s["cycles"]) and len(s["cycles"]) == 2
