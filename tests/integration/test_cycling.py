"""The fast path for long runs (issue 14): cycle skipping against the full simulation of the same
cell and protocol, cycle by cycle."""

from __future__ import annotations

import numpy as np

import kinetics as hk
from kinetics.engine import CycleSkipping
from kinetics.protocols import repeat
from kinetics.results import Simulator, every_cycle

N = 200


def test_the_fast_path_agrees_with_the_full_simulation_at_every_cycle():
    """200 cycles of MPCC-1 (ether) at 300 mA/g with its SEI and loss of active material: the fast
    path's desodiation capacity (simulated or interpolated) is within 1 % of the full run's at every
    cycle, and so is the sodium the side reactions took; it solves at most a quarter of the cycles."""
    cell = hk.HalfCell("MPCC-1-ether", "SPMe")
    assert cell.working.ageing.active_material_loss > 0 and cell.working.ageing.sei
    sim = Simulator(cell, ageing=True)
    protocol = [repeat([hk.sodiate(300, 0.01), hk.desodiate(300, 3.0)], N, keep_cycles=[1])]
    full = sim.run(protocol).cycles
    fast_run = sim.run(protocol, fast=CycleSkipping())
    fast = every_cycle(fast_run.cycles, N)
    assert not fast_run.truncated and len(fast) == len(full) == N
    assert fast["simulated"].sum() <= N // 4
    for column in ("capacity_out_mAh_g", "sodium_lost_mAh_g"):
        error = np.abs(fast[column].to_numpy() / full[column].to_numpy() - 1.0)
        assert error.max() < 0.01, (column, int(error.argmax()) + 1, error.max())
    fade = 1.0 - full["capacity_out_mAh_g"].iloc[-1] / full["capacity_out_mAh_g"].iloc[0]
    assert fade > 0.02  # the check is on a cell that fades, not a flat line
