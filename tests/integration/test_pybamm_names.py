"""PyBaMM's names, table-driven: every key hc-kinetics writes is one PyBaMM's model asks for,
every key the model asks for is written, and the translations of our fields are PyBaMM's own
spellings (checked against the model's parameter list, not retyped)."""

import pytest

import kinetics as hk
from kinetics.engine import build, names

#: Keys the engine sets that no model variant reads, each with its reason.
NOT_READ = {
    "Nominal cell capacity [A.h]": "read by PyBaMM's experiments and solution summaries, not by the model",
}

#: (our field, slot, PyBaMM's key) — PyBaMM 26.10 spellings
TABLE = [
    ("ocp", "Positive", "Positive electrode OCP [V]"),
    ("diffusivity", "Positive", "Positive particle diffusivity [m2.s-1]"),
    ("exchange_current", "Negative", "Negative electrode exchange-current density [A.m-2]"),
    ("c_max", "Negative", "Maximum concentration in negative electrode [mol.m-3]"),
    ("c_init", "Positive", "Initial concentration in positive electrode [mol.m-3]"),
    ("radius", "Negative", "Negative particle radius [m]"),
    ("active_fraction", "Positive", "Positive electrode active material volume fraction"),
]


@pytest.fixture(scope="module")
def built():
    pset = hk.load("pybamm:Chayambuka2022")
    out = {}
    for model in ("SPM", "SPMe", "DFN"):
        out[("half", model)] = build(hk.HalfCell("MPCC-1-ether", model))
        out[("full", model)] = build(hk.FullCell(pset, pset, None, model))  # the sets' own state: no solve
    return out


@pytest.mark.parametrize("field, slot, key", TABLE)
def test_translation_table(field, slot, key, built):
    assert names.electrode_keys(slot)[field] == key
    cell_kind = "half" if slot == "Positive" and field != "c_max" else "full"
    assert key in built[(cell_kind, "SPMe")].model.get_parameter_info()


def test_counter_electrode_keys_are_pybamms(built):
    wanted = built[("half", "DFN")].model.get_parameter_info()
    for key in names.COUNTER.values():
        assert key in wanted, key


@pytest.mark.parametrize("kind", ["half", "full"])
@pytest.mark.parametrize("model", ["SPM", "SPMe", "DFN"])
def test_every_key_written_is_read_and_every_key_read_is_written(kind, model, built):
    b = built[(kind, model)]
    wanted = set(b.model.get_parameter_info())
    written = set(b.parameter_values.keys())
    assert wanted - written == set(), "the model asks for keys hc-kinetics does not write"
    # a key no model variant reads is misspelt or silently ignored (e.g. a charge-transfer
    # coefficient under PyBaMM's symmetric Butler–Volmer kinetics); the SPM reads a subset
    read = set().union(*(set(built[(kind, m)].model.get_parameter_info()) for m in ("SPM", "SPMe", "DFN")))
    assert written - read - set(NOT_READ) == set(), "keys hc-kinetics writes that no model reads"


def test_a_transfer_coefficient_the_model_would_ignore_is_refused():
    from kinetics.errors import InvalidValueError

    pset = hk.load("MPCC-1-ether").with_values({"anode.kinetics.transfer_coefficient": 0.4}, "assumed", "test")
    with pytest.raises(InvalidValueError, match="anode.kinetics.transfer_coefficient.*symmetric"):
        build(hk.HalfCell(pset))


@pytest.mark.parametrize("model", ["SPMe", "DFN"])
def test_ageing_keys_are_read_and_complete(model):
    """With ageing on (SEI and loss of active material on the half cell's carbon, plating on the
    full cell's anode) every key written is read and every key read is written."""
    half = hk.HalfCell("MPCC-1-ether", model).with_values({"anode.ageing.active_material_loss": 1e-3})
    pset = hk.load("pybamm:Chayambuka2022")
    for cell in (half, hk.FullCell(pset, pset, None, model)):
        b, plain = build(cell, ageing=True), build(cell)
        wanted, written = set(b.model.get_parameter_info()), set(b.parameter_values.keys())
        assert wanted - written == set()
        # ageing writes no key its model leaves unread (the plain build's unread keys are the rule above's)
        assert written - wanted == set(plain.parameter_values.keys()) - set(plain.model.get_parameter_info())
        assert any(k in wanted for k in names.AGEING_KEYS.values())
