"""The double layer and the surface-limited storage of a carbon (issue 13), checked against
numbers computed by hand from the set's values: a capacitor's current C·v where nothing
faradaic happens, and the surface phase's charge equal to its share of the adsorption stage."""

from __future__ import annotations

import numpy as np
import pytest

from kinetics.cells import HalfCell
from kinetics.virtual import CV_COLUMNS, CV_SPLIT_COLUMNS, virtual_cv

AREA_M2_G, C_F_M2 = 8.0, 0.15  # 8 m²/g (BET below 10, paper 000), 15 µF/cm²
SHARE = 0.5
RATE = 2.0  # mV/s

TIME, POTENTIAL, CURRENT, CYCLE = CV_COLUMNS


@pytest.fixture(scope="module")
def cv():
    cell = HalfCell("MPCC-1-ether").with_values({"anode.surface.area": AREA_M2_G,
                                                 "anode.surface.double_layer_capacitance": C_F_M2,
                                                 "anode.surface.storage_fraction": SHARE})
    return cell, virtual_cv(cell, [RATE], (0.01, 3.0), cycles=1)[RATE]


def test_double_layer_current_is_the_capacitance_times_the_scan_rate(cv):
    cell, frame = cv
    # above 2.5 V the carbon holds no sodium to speak of: the double layer's current is C·S·m·v
    high = frame[(frame[POTENTIAL] > 2.6) & (frame[POTENTIAL] < 2.9)]
    expected_mA = C_F_M2 * AREA_M2_G * cell.active_mass_mg * 1e-3 * RATE * 1e-3 * 1e3
    down = high[np.gradient(frame[POTENTIAL].to_numpy())[high.index] < 0]
    up = high[np.gradient(frame[POTENTIAL].to_numpy())[high.index] > 0]
    assert down[CV_SPLIT_COLUMNS["double_layer"]].median() == pytest.approx(-expected_mA, rel=0.02)
    assert up[CV_SPLIT_COLUMNS["double_layer"]].median() == pytest.approx(expected_mA, rel=0.02)
    # and it is what the cell's current is there (no faradaic current to speak of)
    assert up[CURRENT].median() == pytest.approx(expected_mA, rel=0.05)


def test_surface_phase_holds_its_share_of_the_adsorption_stage(cv):
    cell, frame = cv
    t, i_surface = frame[TIME].to_numpy(), frame[CV_SPLIT_COLUMNS["surface"]].to_numpy()
    V = frame[POTENTIAL].to_numpy()
    down = np.arange(len(V)) <= np.argmin(V)  # the cathodic half-cycle, 3.0 → 0.01 V
    q_mAh_g = -np.trapezoid(i_surface[down], t[down]) / 3.6 / cell.active_mass_mg
    ocp = cell.working.material.ocp
    stage = ocp.stage("adsorption")
    # the surface phase is not limited by diffusion: it fills to equilibrium with 0.01 V, i.e. its
    # share of the adsorption stage's capacity filled between 3.0 and 0.01 V
    filled = ocp.occupancies(0.01)["adsorption"] - ocp.occupancies(3.0)["adsorption"]
    assert q_mAh_g == pytest.approx(SHARE * stage.capacity_mAh_g * filled, rel=0.02)

