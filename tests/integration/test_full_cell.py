"""Full cell: N/P balancing and the first-cycle sodium loss."""

import pytest

import kinetics as hk


@pytest.fixture(scope="module")
def ester_cell():
    cell = hk.FullCell("MPCC-1-ester", "O3-Na0.9TMO2", 1.05)
    return cell, hk.balance(cell)


def test_np_ratio_definition(ester_cell):
    """N/P = anode over cathode reversible areal capacity at 20 mA/g (paper 000's definition)."""
    cell, b = ester_cell
    np_ratio = (b.anode_reversible_mAh_g * b.anode_loading_mg_cm2) / (
        b.cathode_reversible_mAh_g * b.cathode_loading_mg_cm2)
    assert np_ratio == pytest.approx(1.05, rel=1e-12)


def test_first_cycle_loss_from_efficiencies(ester_cell):
    cell, b = ester_cell
    ice = cell.anode_electrode.first_cycle_efficiency
    assert ice == pytest.approx(0.84)
    expected = b.anode_reversible_mAh_g * b.anode_loading_mg_cm2 * 1e-3 * (1 / ice - 1)
    assert b.anode_first_cycle_loss_mAh_cm2 == pytest.approx(expected, rel=1e-12)
    assert b.cyclable_mAh_cm2 < b.anode_reversible_mAh_g * b.anode_loading_mg_cm2 * 1e-3


def test_full_cell_cycles(ester_cell):
    cell, b = ester_cell
    r = hk.Simulator(cell, balance=b).run(hk.rate_test([20], cycles=2, window_V=cell.window_V,
                                                       cell_kind="full"))
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
    r = hk.Simulator(given, balance=b).run([hk.discharge(c_rate=0.5, until_V=2.0)])
    assert r.steps["capacity_mAh_g"].iloc[0] > 100
    balanced = hk.balance(hk.FullCell(pset, pset, 1.1))
    assert balanced.cathode_reversible_mAh_g < balanced.anode_reversible_mAh_g  # different electrodes
