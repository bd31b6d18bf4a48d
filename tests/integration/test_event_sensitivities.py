"""Exact gradients of capacities at voltage cut-offs (event-time sensitivities) against central
finite differences, for a sodiation and the desodiation that follows it (whose start moves with
the first step's end)."""

import numpy as np
import pytest

import kinetics as hk
from kinetics.fitting.capacity import CapacityModel, CapacityStep

NAMES = ["anode.diffusivity.pore_filling", "anode.kinetics.exchange_current_density",
         "anode.ocp.pore_filling.capacity"]
# The capacity below 0.1 V is interpolated linearly between samples; at the default period
# (≈ 5 s here) that interpolation error moves with the parameters and puts 2 % into the
# finite difference of its smallest derivative (pore-filling D): 2 s gives 0.2 %, 0.5 s 0.03 %.
SAMPLE_PERIOD_S = 1.0


@pytest.fixture(scope="module")
def model():
    return CapacityModel(hk.HalfCell("MPCC-1-ether", "SPMe"), NAMES,
                         [CapacityStep("sodiate", 500.0, 0.01),
                          CapacityStep("desodiate", 500.0, 3.0, 0.1, sample_period_s=SAMPLE_PERIOD_S)])


def test_capacity_gradients_match_central_differences(model, monkeypatch):
    """Within 1 % (seen ≤ 0.22 %, the desodiation's chained diffusivity term). A tight solver
    tolerance makes the differences a trustworthy reference, and of two steps (1e-4 and 1e-2 of the
    value) the better is taken: the pore-filling diffusivity hardly moves the capacity at 500 mA/g
    (d ln Q / d ln D ≈ 1e-3), so a 1e-4 step leaves its difference in the solver's noise."""
    import kinetics.engine.solve as solve

    monkeypatch.setattr(solve, "SOLVER_SETTINGS", {"rtol": 1e-9, "atol": 1e-9})
    fresh = CapacityModel(model.cell, NAMES, model.steps)
    exact = fresh.evaluate(gradient=True)
    for n in NAMES:
        errors = {}
        for step in (1e-4, 1e-2):
            h = step * fresh.defaults[n]
            up, down = fresh.evaluate({n: fresh.defaults[n] + h}), fresh.evaluate({n: fresh.defaults[n] - h})
            pairs = [(exact[k].d_capacity[n], (up[k].capacity_mAh_g - down[k].capacity_mAh_g) / (2 * h))
                     for k in (0, 1)]
            pairs.append((exact[1].d_below[n], (up[1].below_mAh_g - down[1].below_mAh_g) / (2 * h)))
            for j, (e, fd) in enumerate(pairs):
                errors[j] = min(errors.get(j, np.inf), abs(e / fd - 1.0))
        assert max(errors.values()) < 0.01, (n, errors)


def test_values_equal_the_simulators(model):
    """The capacities are those of an ordinary run of the same protocol (to 1e-9: the model with
    input parameters and the one without evaluate the same expressions in another order)."""
    r = hk.run(model.cell, list(model.protocol))
    values = model.evaluate()
    assert [v.capacity_mAh_g for v in values] == pytest.approx(r.steps["capacity_mAh_g"].tolist(), rel=1e-9)
    assert values[1].below_mAh_g == pytest.approx(r.steps["capacity_below_0.1V_mAh_g"].iloc[1], rel=1e-9)
