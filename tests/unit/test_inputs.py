"""Bad input: clear errors naming the field, the value and what is allowed, before any solve."""

import pytest

import kinetics as hk
from kinetics.errors import InvalidValueError, UnknownNameError
from kinetics.physics.materials import Coating
from kinetics.protocols import Step


def test_non_positive_current():
    with pytest.raises(InvalidValueError, match="current = -20"):
        hk.sodiate(-20)
    with pytest.raises(InvalidValueError, match="c_rate"):
        hk.desodiate(c_rate=0)


def test_inverted_window():
    with pytest.raises(InvalidValueError, match="window_V"):
        hk.rate_test([20], window_V=(3.0, 0.01))


def test_unknown_direction():
    with pytest.raises(UnknownNameError, match="sodiate"):
        Step("sodiat", 20.0, limit_V=0.01)


@pytest.mark.parametrize("np_ratio", [0, -1.0, float("nan")])
def test_bad_np_ratio(np_ratio):
    with pytest.raises(InvalidValueError, match="np_ratio"):
        hk.FullCell("MPCC-1-ester", "O3-Na0.9TMO2", np_ratio)


def test_unknown_model():
    with pytest.raises(UnknownNameError, match="SPMe"):
        hk.HalfCell("MPCC-1-ether", model="SPME2")


def test_bad_loading():
    with pytest.raises(InvalidValueError, match="loading_mg_cm2"):
        Coating(0.0, 0.45, 0.45)


def test_bad_stage_shares_in_a_set(tmp_path):
    pset = hk.load("MPCC-1-ether").with_values({"anode.ocp.insertion.capacity": -10.0}, "fitted", "t")
    with pytest.raises(InvalidValueError, match="insertion"):
        hk.HalfCell(pset)


def test_errors_are_builtin_kinds():
    assert issubclass(InvalidValueError, ValueError)
    assert issubclass(UnknownNameError, KeyError)
