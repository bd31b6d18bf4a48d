"""Bad input and failures that need a built model: named before any solve, or turned into a
finite residual instead of a crash."""

import numpy as np
import pandas as pd
import pytest

import kinetics as hk
from kinetics.errors import InvalidValueError, UnknownNameError
from kinetics.fitting import fit, make_parameters
from kinetics.fitting.fit import Fitter
from kinetics.fitting.model import CurveModel
from kinetics.io.gcd import read_gcd

MASS_MG = 0.95


def test_limit_outside_window_before_solve():
    sim = hk.Simulator(hk.HalfCell("MPCC-1-ether"))
    with pytest.raises(InvalidValueError, match="window"):
        sim.run([hk.sodiate(20, -0.5)])


def test_unknown_input_parameter():
    with pytest.raises(UnknownNameError, match="anode.ocp.pore_filling.capacity"):
        hk.Simulator(hk.HalfCell("MPCC-1-ether"), ["anode.ocp.pore_filing.capacity"])


def test_a_full_cell_without_its_balance_is_refused_before_building():
    with pytest.raises(InvalidValueError, match="kinetics.balance"):
        hk.Simulator(hk.FullCell("MPCC-1-ester", "O3-Na0.9TMO2", 1.05))


def _one_cycle(tmp_path):
    n, i_A = 200, 20 * MASS_MG * 1e-6
    t = np.linspace(0, 3600 * 15, n)
    pd.DataFrame({"Time [s]": np.r_[t, t[-1] + 1 + t], "Current [A]": np.r_[np.full(n, -i_A), np.full(n, i_A)],
                  "Voltage [V]": np.r_[np.linspace(1.5, 0.02, n), np.linspace(0.03, 1.5, n)]}).to_csv(
        tmp_path / "a.csv", index=False)
    return read_gcd(tmp_path / "a.csv", mass_mg=MASS_MG)


def _fail(*args, **kwargs):
    raise RuntimeError("IDA_CONV_FAIL")


def test_solver_failure_is_a_large_finite_residual(tmp_path, monkeypatch):
    cell = hk.HalfCell("MPCC-1-ether", "SPMe")
    d = _one_cycle(tmp_path)
    fitter = Fitter(cell, [d], make_parameters(["anode.kinetics.exchange_current_density"], cell))
    monkeypatch.setattr(fitter.model, "simulate", _fail)
    r, _ = fitter.evaluate(fitter.z_of({"anode.kinetics.exchange_current_density": 0.7}))
    assert np.all(np.isfinite(r)) and np.allclose(r, 1.0, atol=1e-12)
    assert fitter.failures and "IDA_CONV_FAIL" in fitter.failures[0]
    J = fitter.jacobian(fitter.z_of({"anode.kinetics.exchange_current_density": 0.8}))
    assert np.all(J == 0.0)


def test_a_fit_that_cannot_solve_its_model_does_not_claim_convergence(tmp_path, monkeypatch):
    # every residual is the flat failed-solve value, so the optimiser's gradient test passes at
    # once: the fit must still say that nothing was solved
    cell = hk.HalfCell("MPCC-1-ether", "SPMe")
    d = _one_cycle(tmp_path)
    monkeypatch.setattr(CurveModel, "simulate", _fail)
    result = fit(cell, [d], make_parameters(["anode.kinetics.exchange_current_density"], cell), progress=False)
    assert not result.converged
    assert "cannot be solved" in result.message and "a.csv" in result.message
    assert all(np.isnan(v) for v in result.stderr.values())
