"""ThreeStageOCP: consistency of U(x) and x(U), monotonicity, smoothness, CasADi use."""

import casadi
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kinetics.errors import InvalidValueError
from kinetics.physics.ocp import STAGE_BOUNDARIES_V, MultiStageOCP, Stage, ThreeStageOCP, potential_from_stoichiometry

U_GRID = np.linspace(0.005, 3.0, 6001)


def random_ocp(q, u, w):
    return ThreeStageOCP((q[0], u[0], w[0]), (q[1], u[1], w[1]), (q[2], u[2], w[2]))


# Ranges that cover hard and soft carbons: adsorption centred 0.5–1.5 V and broad, insertion
# 0.12–0.45 V, a plateau at 0.02–0.1 V whose 5–95 % span is at least 30 mV (ω ≥ 0.2).
stage_params = st.tuples(
    st.tuples(st.floats(5, 300), st.floats(5, 300), st.floats(5, 300)),
    st.tuples(st.floats(0.5, 1.5), st.floats(0.12, 0.45), st.floats(0.02, 0.1)),
    st.tuples(st.floats(3, 20), st.floats(0.8, 6), st.floats(0.2, 1.5)),
)


@settings(max_examples=60, deadline=None, derandomize=True)
@given(stage_params)
def test_inverse_agrees_to_a_tenth_of_a_millivolt(params):
    """U(x(U)) = U within 0.1 mV everywhere between 0.005 and 3.0 V (the issue's requirement)."""
    ocp = random_ocp(*params)
    x = ocp.stoichiometry(U_GRID)
    # Where a stage gap leaves x(U) flat, one unit of double precision in x moves U by more
    # than 1e-5 V: no inverse can do better there, so such points are excluded (they do not
    # occur in the shipped sets, which test_shipped_sets_inverse_everywhere checks in full).
    dxdU = np.abs(np.gradient(x, U_GRID))
    resolvable = 4e-16 * np.maximum(x, 1 - x) / np.maximum(dxdU, 1e-300) < 1e-5
    inside = (x > 1e-12) & (x < 1 - 1e-12) & resolvable
    assert np.max(np.abs(ocp.potential(x[inside]) - U_GRID[inside])) < 1e-4


@pytest.mark.parametrize("name", ["MPCC-1-ether", "PCC-ester", "O3-Na0.9TMO2"])
def test_shipped_sets_inverse_everywhere(name):
    from kinetics.cells import HalfCell

    ocp = HalfCell(name).working.material.ocp
    grid = np.linspace(0.005, 3.0, 6001) if ocp.stages[-1].potential_V < 1 else np.linspace(2.0, 4.5, 6001)
    x = ocp.stoichiometry(grid)
    assert np.max(np.abs(ocp.potential(x) - grid)) < 1e-4


@settings(max_examples=40, deadline=None, derandomize=True)
@given(stage_params)
def test_potential_is_monotone_decreasing(params):
    ocp = random_ocp(*params)
    lo, hi = ocp.stoichiometry_window()
    x = np.linspace(hi, lo, 4000)[::-1]
    U = ocp.potential(x)
    assert np.all(np.diff(U) < 0)


def test_smooth_at_stage_joins(mpcc1_ocp):
    """dU/dx from U(x) matches 1/(dx/dU) (analytic) at and between stage joins."""
    ocp = mpcc1_ocp
    for U in (1.2, 0.5, 0.3, 0.1, 0.055, 0.02):
        x = float(ocp.stoichiometry(U))
        h = 1e-6
        numeric = (ocp.potential(x + h) - ocp.potential(x - h)) / (2 * h)
        dU = 1e-6
        analytic = 2 * dU / (ocp.stoichiometry(U + dU) - ocp.stoichiometry(U - dU))
        assert numeric == pytest.approx(analytic, rel=1e-3)  # finite differences of a smooth map


def test_reference_root_finder_agrees(mpcc1_ocp):
    for x in (1e-4, 0.1, 0.3, 0.5, 0.7, 0.9, 0.97):
        assert mpcc1_ocp.potential(x) == pytest.approx(mpcc1_ocp.potential_exact(x), abs=1e-6)


def test_casadi_differentiates_the_inverse(mpcc1_ocp):
    ocp = mpcc1_ocp
    x = casadi.MX.sym("x")
    U = potential_from_stoichiometry(x, ocp.fractions, [s.potential_V for s in ocp.stages],
                                     [s.width for s in ocp.stages], nodes=ocp.nodes)
    f = casadi.Function("f", [x], [U, casadi.jacobian(U, x)])
    for x0 in (0.2, 0.5, 0.8):
        u, dudx = (float(v) for v in f(x0))
        assert u == pytest.approx(ocp.potential(x0), abs=1e-9)
        dU = 1e-7
        expected = 2 * dU / (ocp.stoichiometry(u + dU) - ocp.stoichiometry(u - dU))
        assert dudx == pytest.approx(expected, rel=1e-4)


def test_window_capacities_equal_the_integral_of_the_differential_capacity(mpcc1_ocp):
    """Paper 000's windows (>0.5, 0.5–0.1, <0.1 V) against an independent computation: the
    integral of the differential capacity −dQ/dU = Q_total · Σ_j X_j s_j(1 − s_j)/(ω_j RT/F)
    (from the isotherm's derivative, not from x(U) at the window edges) by Simpson's rule on a
    fine grid; Simpson on 20001 points is exact to ~1e-9 of the total here."""
    from scipy.integrate import simpson

    from kinetics.units import thermal_voltage

    ocp = mpcc1_ocp
    assert STAGE_BOUNDARIES_V == (0.5, 0.1)
    vt = thermal_voltage(ocp.temperature_K)

    def dq_du(U):
        out = 0.0
        for X, s in zip(ocp.fractions, ocp.stages):
            occ = 1.0 / (1.0 + np.exp((U - s.potential_V) / (s.width * vt)))
            out = out + X * occ * (1 - occ) / (s.width * vt)
        return ocp.total_capacity_mAh_g * out

    windows = {"above_0.5V": (0.5, 3.0), "0.5V_to_0.1V": (0.1, 0.5), "below_0.1V": (0.01, 0.1)}
    w = ocp.window_capacities_mAh_g()
    for name, (lo, hi) in windows.items():
        U = np.linspace(lo, hi, 20001)
        assert w[name] == pytest.approx(simpson(dq_du(U), x=U), rel=1e-7), name
    caps = ocp.stage_capacities_mAh_g()
    assert set(caps) == {"adsorption", "insertion", "pore_filling"}


def test_hysteresis_branches_bracket_the_mean():
    ocp = ThreeStageOCP((80, 1.0, 6.6), (80, 0.3, 2.6), (190, 0.055, 0.6), hysteresis_V=0.02)
    x = float(ocp.stoichiometry(0.05))
    assert ocp.potential(x, "sodiation") < ocp.potential(x) < ocp.potential(x, "desodiation")
    assert ocp.potential(x, "desodiation") - ocp.potential(x, "sodiation") == pytest.approx(0.02, abs=2e-3)


@pytest.mark.parametrize("kwargs, field", [
    (dict(adsorption=(-5, 1.0, 6), insertion=(80, 0.3, 2.6), pore_filling=(190, 0.05, 0.6)), "capacity"),
    (dict(adsorption=(80, 0.2, 6), insertion=(80, 0.3, 2.6), pore_filling=(190, 0.05, 0.6)), "potentials"),
    (dict(adsorption=(80, 1.0, 0.0), insertion=(80, 0.3, 2.6), pore_filling=(190, 0.05, 0.6)), "width"),
])
def test_bad_stage_values_name_the_field(kwargs, field):
    with pytest.raises(InvalidValueError, match=field):
        ThreeStageOCP(**kwargs)


def test_zero_total_capacity_is_rejected():
    with pytest.raises(InvalidValueError, match="capacities"):
        MultiStageOCP((Stage("a", 0.0, 1.0, 1.0), Stage("b", 0.0, 0.5, 1.0)))
