"""StageDiffusivity: positive, smooth, and able to express both GITT shapes of the seeds."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kinetics.errors import InvalidValueError
from kinetics.physics.ocp import ThreeStageOCP
from kinetics.physics.transport import StageDiffusivity, arrhenius

OCP = ThreeStageOCP((80, 1.0, 6.6), (80, 0.3, 2.64), (190, 0.055, 0.595))
X = np.linspace(1e-4, 0.97, 3000)


@settings(max_examples=60, deadline=None, derandomize=True)
@given(st.floats(1e-16, 1e-12), st.floats(1e-16, 1e-12), st.floats(1e-16, 1e-12), st.floats(0, 3),
       st.floats(0.01, 0.3), st.floats(0.02, 0.2))
def test_positive_and_finite(d1, d2, d3, depth, width, u_min):
    D = StageDiffusivity(d1, d2, d3, u_min, depth, width)(X, OCP)
    assert np.all(np.isfinite(D)) and np.all(D > 0)


def test_closed_pore_rich_shape_minimum_and_u_turn():
    """MPCC-1-like: high in adsorption, minimum near 0.1–0.05 V, U-turn in the plateau, ≥1.5 decades."""
    D = StageDiffusivity(1e-14, 3e-15, 3e-15, 0.075, 2.0, 0.06)
    d = D(X, OCP)
    U = OCP.potential(X)
    i_min = int(np.argmin(d))
    assert 0.05 <= U[i_min] <= 0.1
    assert d[-1] > 3 * d[i_min]  # U-turn during pore filling
    assert np.log10(d[0] / d[i_min]) >= 1.5


def test_graphitic_shape_keeps_falling():
    """PCC-like: monotone fall through insertion that keeps falling in the plateau."""
    d = StageDiffusivity(1e-14, 1e-15, 1e-16, 0.075, 0.0, 0.06)(X, OCP)
    assert np.all(np.diff(np.log(d)) <= 1e-12)


def test_smooth():
    d = np.log(StageDiffusivity(1e-14, 3e-15, 3e-15, 0.075, 2.0, 0.06)(X, OCP))
    second = np.diff(d, 2) / np.diff(X)[0] ** 2
    assert np.max(np.abs(second)) < 1e5  # bounded curvature: no kinks at stage joins


def test_arrhenius_against_hand_computed_factors():
    """Hand-computed: E_a = 30 kJ/mol speeds up 2.140× from 25 to 45 °C
    (exp(30000/8.31446 × (1/298.15 − 1/318.15)) = exp(0.76077)); the rule of thumb that a rate
    doubles per 10 K near room temperature holds for E_a ≈ 52.9 kJ/mol; at the reference
    temperature the factor is exactly one, and it is 1 at any temperature for E_a = 0."""
    assert arrhenius(318.15, 30e3) == pytest.approx(2.14000, rel=1e-4)
    assert arrhenius(308.15, 52.9e3) == pytest.approx(2.0, rel=2e-3)
    assert arrhenius(298.15, 30e3) == 1.0
    assert arrhenius(250.0, 0.0) == 1.0


def test_bad_values():
    with pytest.raises(InvalidValueError, match="adsorption_m2_s"):
        StageDiffusivity(-1e-14, 1e-15, 1e-15)
    with pytest.raises(InvalidValueError, match="minimum_depth"):
        StageDiffusivity(1e-14, 1e-15, 1e-15, minimum_depth_decades=-1)
