"""Build once (issue 16): steps that differ only in their numbers run on one built model, engines
of equal cells share it, and nothing that changes the model's structure is shared by mistake."""

from __future__ import annotations

import numpy as np
import pytest

import kinetics as hk
from kinetics.engine import Engine, clear_built
from kinetics.protocols import desodiate, drive, hold, rate_test, sodiate
from kinetics.results import Simulator


def _capacities(result) -> np.ndarray:
    return result.steps["capacity_mAh_g"].to_numpy()


def test_a_rate_test_runs_on_one_built_model_with_the_numbers_of_separate_builds():
    """Sodiations and desodiations at every current run on one built model; a run at a current
    on the model that last ran another gives the capacities of a model built for it alone, and
    every step ends at its own limit."""
    cell = hk.HalfCell("MPCC-1-ether", "SPM")
    clear_built()
    sim = Simulator(cell)
    together = sim.run(rate_test((20, 200, 1000), 1, cell.window_V, "half"))
    assert len(sim.engine._sims) == 1
    ends = together.steps["end_voltage_V"].to_numpy()
    assert ends[0::2] == pytest.approx(0.01, abs=1e-6) and ends[1::2] == pytest.approx(3.0, abs=1e-6)
    for rate in (200, 1000):
        shared = _capacities(sim.run([sodiate(rate, 0.01), desodiate(rate, 3.0)]))
        clear_built()
        alone = _capacities(hk.run(cell, [sodiate(rate, 0.01), desodiate(rate, 3.0)]))
        assert shared == pytest.approx(alone, rel=1e-6)
        assert alone[0] < _capacities(together)[0] - 10.0  # less than at 20 mA/g: the current changed


def test_engines_of_equal_cells_share_their_model_and_different_cells_do_not():
    clear_built()
    a = Engine(hk.HalfCell("MPCC-1-ether", "SPM"))
    b = Engine(hk.HalfCell("mpcc-1-ether", "SPM"))  # the same set by another spelling
    c = Engine(hk.HalfCell("MPCC-1-ether", "SPM").with_values({"anode.kinetics.exchange_current_density": 0.35}))
    assert a.built is b.built
    assert c.built is not a.built


def test_a_hold_at_another_voltage_and_two_drive_tables_printed_alike_are_not_confused():
    """Holds share a model (the voltage is an input) and still hold their own voltage; two drive
    tables whose printed forms numpy abbreviates to the same text build their own models."""
    cell = hk.HalfCell("MPCC-1-ether", "SPM")
    clear_built()
    sim = Simulator(cell)
    r = sim.run([sodiate(100, 0.2), hold(0.2, duration_h=0.1), hold(0.4, duration_h=0.1)])
    end = r.steps["end_voltage_V"].to_numpy()
    assert end[1:] == pytest.approx([0.2, 0.4], abs=1e-6)
    t = np.linspace(0, 360, 2001)
    first = drive("current_mA_g", 0.1, table=(t, np.full_like(t, -100.0)))
    second = drive("current_mA_g", 0.1, table=(t, np.where((t >= 90) & (t < 270), -300.0, -100.0)))
    assert str(np.column_stack(first.table)) == str(np.column_stack(second.table))
    q1 = _capacities(sim.run([first]))[0]
    q2 = _capacities(sim.run([second]))[0]
    # 100 mA/g for 0.1 h is 10 mAh/g; the second passes 300 mA/g over its middle half: 20 mAh/g
    assert q1 == pytest.approx(10.0, rel=1e-3)
    assert q2 == pytest.approx(20.0, rel=2e-3)
