"""Protocols: one current grammar, the step kinds, repeat blocks and their bad input, all
refused with the field, the value and what is allowed before any solve."""

import numpy as np
import pytest

import kinetics as hk
from kinetics.errors import InvalidValueError
from kinetics.protocols import (
    Current,
    Repeat,
    check,
    chunks,
    drive,
    hold,
    linear_sweep,
    repeat,
    steps_of,
    triangular_sweep,
)

MASS_MG, ONE_C = 0.95, 300.0


@pytest.mark.parametrize("text, mA_g", [
    ("20mA/g", 20.0), ("2A/g", 2000.0), ("0.5C", 150.0), ("C/20", 15.0), ("1.5A", 1.5e3 / 0.95e-3),
    ("0.19mA", 200.0), ("19µA", 20.0), ("19uA", 20.0), ("1e3mA/g", 1000.0),
])
def test_one_grammar(text, mA_g):
    """Each form against a hand-computed mA/g for a 0.95 mg electrode whose 1C is 300 mA/g."""
    assert Current.parse(text).mA_g(MASS_MG, ONE_C) == pytest.approx(mA_g, rel=1e-12)


@pytest.mark.parametrize("text", ["20 mA", "fast", "-3mA", "20mV", "0mA/g", "C/0", "20mAh"])
def test_unparseable_currents_are_named(text):
    with pytest.raises(InvalidValueError, match="current.*without spaces"):
        Current.parse(text)


def test_the_grammar_is_the_same_for_steps_data_and_rate_tests():
    from kinetics.io.gcd import parse_data_argument

    assert hk.sodiate("0.5C").current == Current(0.5, "C") == parse_data_argument("f.csv@0.5C")[1]
    assert hk.sodiate(20).current == Current(20.0, "mA/g")
    steps = hk.rate_test(["20mA/g", "0.5C"])
    assert [s.current for s in steps] == [Current(20.0, "mA/g")] * 2 + [Current(0.5, "C")] * 2
    with pytest.raises(InvalidValueError, match="20 mA"):
        hk.rate_test(["20 mA"])


def test_sweep_breakpoints_are_the_vertices():
    cv = triangular_sweep(0.01, 3.0, 0.5, cycles=2)
    t, V = cv.breakpoints(2.5)
    assert V.tolist() == [2.5, 0.01, 3.0, 0.01, 3.0]
    # 2.49 V, then three legs of 2.99 V, at 0.5 mV/s
    assert np.diff(t).tolist() == pytest.approx([2.49 / 5e-4] + [2.99 / 5e-4] * 3, rel=1e-12)
    assert linear_sweep(0.5, 1.0).breakpoints(0.5)[0].tolist() == [0.0]


@pytest.mark.parametrize("make, named", [
    (lambda: triangular_sweep(0.01, 3.0, 0.0), "scan_rate_mV_s"),
    (lambda: triangular_sweep(0.01, 3.0, -1.0), "scan_rate_mV_s"),
    (lambda: triangular_sweep(3.0, 0.01, 1.0), "lower_V < upper_V"),
    (lambda: repeat([hk.sodiate(20), hk.desodiate(20)], 0), "repeat cycles"),
    (lambda: repeat([], 3), "repeat block"),
    (lambda: repeat([repeat([hk.rest(1)], 2)], 2), "cannot hold a Repeat"),
    (lambda: repeat([hk.rest(1)], 5, keep_cycles=[6]), "keep_cycles"),
    (lambda: hold(0.01), "until_mA_g or a duration_h"),
    (lambda: drive("current_mA_g", 1.0), "exactly one of function and table"),
    (lambda: drive("current_mA_g", 1.0, function=lambda t: np.log(t - 1)), "finite number"),
    (lambda: drive("power_W", 1.0, function=np.sin), "drive quantity"),
])
def test_bad_step_kinds(make, named):
    with pytest.raises((InvalidValueError, KeyError), match=named):
        make()


@pytest.mark.parametrize("protocol, named", [
    ([triangular_sweep(0.01, 3.5, 1.0)], "vertex = 3.5"),
    ([hold(-0.1, until_mA_g=5)], "voltage_V = -0.1"),
    ([hk.sodiate(200, 0.01, hold_until_mA_g=300)], "hold_until_mA_g = 300.*below the step's 200 mA/g"),
    ([hk.sodiate("0.1C", 0.01, hold_until_mA_g=40)], "below the step's 30 mA/g"),
    ([hk.sodiate(20, -0.5)], "limit_V = -0.5"),
    ([], "non-empty"),
])
def test_protocol_checks_against_the_cell(protocol, named):
    with pytest.raises(InvalidValueError, match=named):
        check(protocol, (0.01, 3.0), "half", lambda c: c.mA_g(MASS_MG, ONE_C))


def test_repeat_blocks_expand_into_cycles_and_keep_what_is_asked():
    block = [hk.sodiate(200), hk.desodiate(200)]
    protocol = [hk.rest(0.1), repeat(block, 1000, label="ageing")]
    parts = chunks(protocol)
    assert len(parts) == 1001 and len(steps_of(protocol)) == 2001
    assert parts[1].cycle == 1 and parts[-1].cycle == 1000 and parts[-1].first_step == 1999
    kept = {p.cycle for p in parts if p.keep and p.cycle}
    assert kept == {1, 1000} | set(range(100, 1001, 100))
    assert Repeat(tuple(block), 5).kept() == frozenset(range(1, 6))
    assert Repeat(tuple(block), 50, keep_cycles=(7, 3)).kept() == frozenset({3, 7})
