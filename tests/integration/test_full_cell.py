"""Full cell: N/P balancing and the first-cycle sodium loss."""

import pytest

import kinetics as hk


@pytest.fixture(scope="module")
def ester_cell():
    cell = hk.balanced(hk.FullCell("MPCC-1-ester", "O3-Na0.9TMO2", 1.05))
    return cell, cell.balance


def test_np_ratio_is_the_ratio_of_simulated_areal_capacities(ester_cell):
    """N/P (paper 000: anode over cathode reversible capacity) checked by simulating each
    electrode at its balanced loading in its own half cell at 20 mA/g, independently of the
    balance's arithmetic: the areal capacities [mAh/cm²] stand in the ratio 1.05. 1 %: the
    balance uses each material's mAh/g at the set's loading; the cathode's at its balanced
    loading differs by the electrolyte's share of polarisation (seen 0.2 %)."""
    cell, b = ester_cell
    areal = {}
    for half, loading in ((cell.anode_half, b.anode_loading_mg_cm2), (cell.cathode_half, b.cathode_loading_mg_cm2)):
        half = hk.HalfCell(model=half.model, working=half.working.with_loading(loading),
                           electrolyte=half.electrolyte, counter=half.counter, design=half.design)
        lo, hi = half.window_V
        q = hk.run(half, [hk.sodiate(20, lo), hk.desodiate(20, hi)]).reversible_capacities()["capacity_mAh_g"]
        areal[half.role] = float(q.iloc[-1]) * loading * 1e-3
    assert areal["anode"] / areal["cathode"] == pytest.approx(1.05, rel=0.01)


def test_first_cycle_loss_hand_computed_from_the_efficiencies(ester_cell):
    """Hand-computed in units of the anode's reversible areal capacity A, with paper 000's ester
    ICE of 84.0 % and the cathode's assumed 90 %: the cathode holds A/1.05 reversibly and
    releases A/(1.05 × 0.90) = 1.05820 A on the first charge; the anode keeps A(1/0.84 − 1) =
    0.19048 A; 0.86772 A remains to cycle."""
    cell, b = ester_cell
    assert cell.anode_electrode.first_cycle_efficiency == 0.84
    assert cell.cathode_electrode.first_cycle_efficiency == 0.90
    A = b.anode_reversible_mAh_g * b.anode_loading_mg_cm2 * 1e-3
    assert b.first_charge_mAh_cm2 / A == pytest.approx(1.05820, abs=1e-5)
    assert b.anode_first_cycle_loss_mAh_cm2 / A == pytest.approx(0.19048, abs=1e-5)
    assert b.cyclable_mAh_cm2 / A == pytest.approx(0.86772, abs=1e-5)


def test_the_simulated_cell_moves_the_cyclable_sodium_and_no_more(ester_cell):
    """Sodium conservation through the solver: a slow first charge moves almost all the sodium
    the cathode was given (the cyclable inventory) into the anode, never more (the cathode
    stops at its upper window, a few per cent short at 5 mA/g)."""
    cell, b = ester_cell
    r = hk.run(cell, [hk.charge(5, cell.window_V[1])])
    moved = float(r.steps["capacity_mAh_g"].iloc[0]) * b.anode_loading_mg_cm2 * 1e-3
    assert 0.97 * b.cyclable_mAh_cm2 < moved <= b.cyclable_mAh_cm2 * (1 + 1e-6)


def test_full_cell_cycles(ester_cell):
    cell, b = ester_cell
    r = hk.Simulator(cell).run(hk.rate_test([20], cycles=2, window_V=cell.window_V, cell_kind="full"))
    rev = r.reversible_capacities()
    assert not r.truncated
    assert 200 < rev["capacity_mAh_g"].iloc[-1] < 330
    assert 2.5 < rev["average_voltage_V"].iloc[-1] < 3.5


def test_pybamm_set_as_given_and_balanced():
    """pybamm:<name> works as a full cell as given, and re-balanced by N/P (both half cells)."""
    pset = hk.load("pybamm:Chayambuka2022")
    given = hk.FullCell(pset, pset, None)
    b = hk.balance(given)
    assert b.cathode_to_anode_mass > 0 and 0 < b.anode_initial_fraction < 1
    r = hk.Simulator(given).run([hk.discharge(c_rate=0.5, until_V=2.0)])
    assert r.steps["capacity_mAh_g"].iloc[0] > 100
    balanced = hk.balance(hk.FullCell(pset, pset, 1.1))
    assert balanced.cathode_reversible_mAh_g < balanced.anode_reversible_mAh_g  # different electrodes
