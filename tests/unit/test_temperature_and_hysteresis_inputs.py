"""Bad temperatures, unsourced activation energies and impossible hysteresis gaps are refused at
load (or when a step is written), naming the field, before any model is built."""

import dataclasses
import json
import subprocess
import sys

import pytest

import kinetics as hk
from kinetics.errors import InvalidValueError, ParameterFileError
from kinetics.physics import ThreeStageOCP
from kinetics.protocols import Step, rate_test
from kinetics.sets import load


@pytest.mark.parametrize("T", [200.0, 400.0, float("nan")])
def test_a_cell_temperature_outside_233_to_353_K_is_named(T):
    design = hk.HalfCell("MPCC-1-ether").design
    with pytest.raises(InvalidValueError, match="temperature_K.*233 and 353 K"):
        dataclasses.replace(design, temperature_K=T)
    with pytest.raises(InvalidValueError, match="temperature_K"):
        hk.HalfCell("MPCC-1-ether").with_values({"cell.temperature": T})


@pytest.mark.parametrize("T", [150.0, 373.15])
def test_a_step_temperature_outside_the_range_is_named(T):
    with pytest.raises(InvalidValueError, match="step temperature_K"):
        Step("sodiate", 20.0, limit_V=0.01, temperature_K=T)
    with pytest.raises(InvalidValueError, match="step temperature_K"):
        rate_test([20], temperature_K=T)


def test_a_study_at_500_K_is_refused_before_any_solve(tmp_path):
    config = tmp_path / "hot.toml"
    config.write_text('[[half_cell]]\nparameter_set = "MPCC-1-ether"\nrates_mA_g = [20]\ntemperature_K = 500\n')
    out = subprocess.run([sys.executable, "-m", "kinetics.cli", "simulate", "--config", str(config),
                          "--out", str(tmp_path / "out")], capture_output=True, text=True, timeout=300)
    assert out.returncode == 2, out.stderr
    assert "temperature_K = 500" in out.stderr and "Traceback" not in out.stderr
    assert not (tmp_path / "out").exists()


def test_an_activation_energy_without_a_source_is_refused_at_load(tmp_path):
    raw = json.loads(json.dumps({"format": "hc-kinetics parameter set 1", "name": "mine",
                                 "include": ["MPCC-1-ether"], "parameters": {}}))
    raw["parameters"]["anode.kinetics.activation_energy"] = {"value": 30.0, "unit": "kJ/mol", "kind": "assumed",
                                                             "source": " "}
    path = tmp_path / "mine.json"
    path.write_text(json.dumps(raw))
    with pytest.raises(ParameterFileError, match="anode.kinetics.activation_energy.*source"):
        load(path)
    del raw["parameters"]["anode.kinetics.activation_energy"]["source"]
    path.write_text(json.dumps(raw))
    with pytest.raises(ParameterFileError, match="anode.kinetics.activation_energy.*lacks 'source'"):
        load(path)


def test_a_hysteresis_larger_than_its_plateau_potential_is_refused():
    with pytest.raises(InvalidValueError, match="hysteresis_V.*'pore_filling', 0.055 V"):
        ThreeStageOCP((80, 1.0, 6.6), (80, 0.3, 2.6), (190, 0.055, 0.4), hysteresis_V=0.06)
    with pytest.raises(InvalidValueError, match="hysteresis_V"):
        hk.HalfCell("MPCC-1-ether").with_values({"anode.ocp.hysteresis": 0.08})
