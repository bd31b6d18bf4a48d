"""The per-step summary and the plateau-capacity function on hand-computed curves."""

import numpy as np
import pandas as pd
import pytest

from kinetics.protocols import Step
from kinetics.results import capacity_below, summarise


def test_capacity_below_on_a_straight_line():
    """A voltage falling linearly from 1.0 to 0.0 V over 100 mAh/g passes 10 mAh/g below 0.1 V,
    however the samples straddle the threshold (linear interpolation within an interval)."""
    for n in (3, 11, 101, 1000):
        q = np.linspace(0, 100, n)
        assert capacity_below(q, 1.0 - q / 100) == pytest.approx(10.0, rel=1e-12)
    q = np.array([0.0, 50.0, 100.0])
    assert capacity_below(q, np.array([0.05, 0.05, 0.05])) == 100.0
    assert capacity_below(q, np.array([0.5, 0.5, 0.5])) == 0.0
    assert capacity_below(np.array([0.0]), np.array([0.0])) == 0.0


def test_summary_of_a_hand_made_cycle():
    """Sodiate 0→300 mAh/g with V from 1.0 to 0.0 V, desodiate 0→270 mAh/g at a constant 0.5 V:
    energy = ∫V dQ = 150 and 135 mWh/g, average voltages 0.5 V, below 0.1 V 30 mAh/g and 0, CE 0.9."""
    q1, q2 = np.linspace(0, 300, 301), np.linspace(0, 270, 271)
    table = pd.concat([
        pd.DataFrame({"step": 0, "time_s": q1 * 36, "capacity_mAh_g": q1, "voltage_V": 1 - q1 / 300,
                      "current_mA_g": -10.0}),
        pd.DataFrame({"step": 1, "time_s": 11000 + q2 * 36, "capacity_mAh_g": q2, "voltage_V": 0.5,
                      "current_mA_g": 10.0}),
    ], ignore_index=True)
    steps = (Step("sodiate", 10.0, limit_V=0.0, label="a"), Step("desodiate", 10.0, limit_V=3.0, label="a"))
    s = summarise(table, steps, "half")
    assert list(s["capacity_mAh_g"]) == [300.0, 270.0]
    assert s["energy_mWh_g"].tolist() == pytest.approx([150.0, 135.0], rel=1e-12)
    assert s["average_voltage_V"].tolist() == pytest.approx([0.5, 0.5], rel=1e-12)
    assert s["capacity_below_0.1V_mAh_g"].tolist() == pytest.approx([30.0, 0.0], abs=1e-9)
    assert np.isnan(s["coulombic_efficiency"].iloc[0]) and s["coulombic_efficiency"].iloc[1] == pytest.approx(0.9)
    assert s["duration_h"].tolist() == pytest.approx([3.0, 2.7], rel=1e-12)
    assert s["current_mA_g"].tolist() == [10.0, 10.0]
