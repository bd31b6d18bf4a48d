"""Typed objects: the one carrier of every parameter. Bad fields are named before any solve;
a set and its typed objects convert into each other without loss; ties check their units."""

import dataclasses

import pytest

import kinetics as hk
from kinetics.errors import InvalidValueError, UnknownNameError
from kinetics.fitting import Parameter, Parameters, Tie
from kinetics.sets import convert


@pytest.fixture(scope="module")
def parts():
    return hk.HalfCell("MPCC-1-ether").parts


def test_set_and_typed_objects_convert_without_loss(parts):
    again = convert.half_cell_parts(convert.values_of(parts))
    assert again == parts
    as_set = convert.as_set(parts, "copy", "a test")
    assert convert.half_cell_parts(as_set) == parts
    assert all(e.kind == "assumed" and e.source == "a test" for e in as_set.entries.values())


def test_with_values_changes_only_what_it_names(parts):
    changed = convert.with_values(parts, {"anode.ocp.pore_filling.capacity": 250.0,
                                          "counter.exchange_current_density": 3.0})
    assert changed.working.material.ocp.stage("pore_filling").capacity_mAh_g == 250.0
    assert changed.counter.exchange_current_A_m2 == 3.0
    assert changed.electrolyte == parts.electrolyte and changed.design == parts.design
    with pytest.raises(UnknownNameError, match="anode.ocp.pore_filling.capacity"):
        convert.with_values(parts, {"anode.ocp.pore_filing.capacity": 1.0})


@pytest.mark.parametrize("obj, field, value, named", [
    ("material", "particle_radius_m", 0.0, "particle_radius_m"),
    ("material", "particle_radius_m", 1.0, "1 µm is 1e-6"),  # a radius in µm where metres are meant
    ("material", "transfer_coefficient", 1.5, "transfer_coefficient"),
    ("material", "exchange_current_A_m2", None, "exchange_current_A_m2"),
    ("coating", "porosity", 0.7, "active_volume_fraction \\+ porosity"),
    ("electrolyte", "transference_number", 1.2, "transference_number"),
    ("counter", "exchange_current_A_m2", -1.0, "exchange_current_A_m2"),
    ("design", "separator_porosity", 0.0, "separator_porosity"),
    ("design", "upper_voltage_V", 0.0, "voltage window"),
])
def test_missing_or_unphysical_fields_are_named(parts, obj, field, value, named):
    target = {"material": parts.working.material, "coating": parts.working.coating,
              "electrolyte": parts.electrolyte, "counter": parts.counter, "design": parts.design}[obj]
    with pytest.raises(InvalidValueError, match=named):
        dataclasses.replace(target, **{field: value})


def test_a_cell_refuses_objects_of_the_wrong_kind(parts):
    with pytest.raises(InvalidValueError, match="counter"):
        hk.HalfCell(working=parts.working, electrolyte=parts.electrolyte, counter=parts.design, design=parts.design)
    with pytest.raises(InvalidValueError, match="either a parameter set or typed objects"):
        hk.HalfCell("MPCC-1-ether", working=parts.working)


def test_tie_between_different_units_is_refused():
    with pytest.raises(InvalidValueError, match="same unit"):
        Tie("anode.ocp.insertion.capacity", "anode.ocp.insertion.potential")
    tie = Tie("anode.ocp.insertion.capacity", "anode.ocp.adsorption.capacity", 1.0)
    problem = Parameters([Parameter("anode.ocp.adsorption.capacity", 80.0, 30.0, 150.0)], [tie])
    values = problem.values(problem.z_of({"anode.ocp.adsorption.capacity": 64.4}))
    assert values["anode.ocp.insertion.capacity"] == values["anode.ocp.adsorption.capacity"] == 64.4
    with pytest.raises(UnknownNameError, match="source of the tie"):
        Parameters([Parameter("anode.ocp.pore_filling.capacity", 80.0, 30.0, 150.0)], [tie])
