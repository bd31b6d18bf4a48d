"""Parameter sets: every value has a unit, a kind and a source; files round-trip; bad names."""

import json

import pytest

import kinetics as hk
from kinetics.errors import InvalidValueError, UnknownNameError
from kinetics.sets import KINDS, load


def test_listed_sets_are_the_issue_names():
    names = {n.lower() for n in hk.available()}
    assert {"mpcc-1-ester", "mpcc-1-ether", "pcc-ester", "o3-na0.9tmo2"} <= names


@pytest.mark.parametrize("name", ["MPCC-1-ester", "mpcc-1-ETHER", "PCC-ester", "o3-na0.9tmo2"])
def test_every_value_has_unit_kind_and_source(name):
    pset = load(name)
    assert pset.entries
    for key, e in pset.entries.items():
        assert e.kind in KINDS, key
        assert len(e.source) > 10, key
        if not isinstance(e.value, str):
            pset.value(key)  # converts with its unit


def test_both_mpcc1_sets_share_the_carbon():
    a, b = load("MPCC-1-ester"), load("MPCC-1-ether")
    # the first cycle's loss and the SEI that forms it belong to the carbon in its electrolyte
    in_electrolyte = {"anode.first_cycle_efficiency", "anode.ageing.sei_exchange_current_density"}
    carbon = [n for n in a.names("anode.") if n not in in_electrolyte]
    assert carbon and all(a.entries[n] == b.entries[n] for n in carbon)
    differs = {n for n in a.entries if n in b.entries and a.entries[n] != b.entries[n]}
    assert differs <= {n for n in a.entries if n.startswith(("electrolyte.", "counter.", "cell."))} | in_electrolyte


def test_unknown_set_suggests():
    with pytest.raises(UnknownNameError, match="MPCC-1-ester"):
        load("MPCC1-ester")


def test_unknown_parameter_suggests():
    with pytest.raises(UnknownNameError, match="anode.ocp.pore_filling.capacity"):
        load("MPCC-1-ester").value("anode.ocp.pore_filing.capacity")


def test_save_reload_roundtrip(tmp_path):
    pset = load("MPCC-1-ether")
    changed = pset.with_values({"anode.ocp.pore_filling.capacity": 201.5}, "fitted", "test fit")
    path = changed.save(tmp_path / "fitted.json")
    again = load(path)
    assert again.value("anode.ocp.pore_filling.capacity") == 201.5
    assert again.entry("anode.ocp.pore_filling.capacity").kind == "fitted"
    assert {k: e.value for k, e in again.entries.items()} == {k: e.value for k, e in changed.entries.items()}
    raw = json.loads(path.read_text())
    assert raw["parameters"]["cell.area"]["source"]


def test_save_never_overwrites(tmp_path):
    path = tmp_path / "mine.json"
    path.write_text("user data")
    with pytest.raises(InvalidValueError, match="does not exist yet"):
        load("MPCC-1-ether").save(path)
    assert path.read_text() == "user data"


def test_bad_file_is_reported(tmp_path):
    path = tmp_path / "bad.json"
    path.write_text(json.dumps({"format": "hc-kinetics parameter set 1", "name": "x",
                                "parameters": {"anode.density": {"value": 1.6, "unit": "g/cm^3"}}}))
    with pytest.raises(ValueError, match="lacks"):
        load(path)


def test_data_directory_ships_every_set():
    """The folder the package reads (installed or source) holds every file the sets include."""
    from kinetics.sets import data_directory

    stems = {p.stem for p in data_directory().glob("*.json")}
    assert {"MPCC-1-ester", "MPCC-1-ether", "PCC-ester", "O3-Na0.9TMO2", "carbon-MPCC-1", "carbon-PCC",
            "electrolyte-NaPF6-ester", "electrolyte-NaPF6-diglyme"} <= stems


def _write_set(path, entries):
    raw = {"format": "hc-kinetics parameter set 1", "name": "mine", "include": ["carbon-MPCC-1",
                                                                                "electrolyte-NaPF6-ester"],
           "parameters": {k: {"value": v, "unit": "", "kind": "assumed", "source": "a test set"}
                          for k, v in entries.items()}}
    for k in ("cell.area", "cell.separator_thickness", "cell.separator_porosity", "cell.temperature",
              "cell.film_resistance", "cell.lower_voltage", "cell.upper_voltage"):
        raw["parameters"][k] = load("MPCC-1-ether").entries[k].to_json()
    path.write_text(json.dumps(raw))
    return path


def test_unknown_functional_form_is_refused_at_load(tmp_path):
    path = _write_set(tmp_path / "mine.json", {"anode.diffusivity.model": "arrhenius-table"})
    with pytest.raises(ValueError, match=r"mine\.json.*'anode\.diffusivity\.model' = 'arrhenius-table'.*"
                                         r"'stage', 'constant'"):
        load(path)


def test_named_forms_and_the_documented_default(tmp_path):
    """Shipped sets name their forms; a file without the key loads with the default (stage
    diffusivity for an anode); naming 'constant' for an anode that has no single value is an
    error naming the missing entry, not a silent stage law."""
    shipped = load("MPCC-1-ether")
    assert shipped.text("anode.ocp.model") == "multi-stage"
    assert shipped.text("anode.diffusivity.model") == "stage"
    assert load("O3-Na0.9TMO2").text("cathode.diffusivity.model") == "constant"
    unnamed = hk.HalfCell(_write_set(tmp_path / "plain.json", {}))
    assert type(unnamed.working.material.diffusivity).__name__ == "StageDiffusivity"
    constant = _write_set(tmp_path / "constant.json", {"anode.diffusivity.model": "constant"})
    with pytest.raises(UnknownNameError, match="anode.diffusivity"):
        hk.HalfCell(constant)
