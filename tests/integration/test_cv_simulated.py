"""Virtual voltammograms (issue 13): ``kinetics simulate-cv`` writes files that ``kinetics cv``
reads, from the cell's open-circuit potential, and the model's currents obey charge conservation
and the kinetics of a real electrode (the anodic peak moves up with the scan rate)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from kinetics.cells import HalfCell
from kinetics.cli import main
from kinetics.io.cv import read_cv

RATES = (0.5, 1.0, 2.0)


@pytest.fixture(scope="module")
def simulated(tmp_path_factory):
    out = tmp_path_factory.mktemp("simcv") / "sim"
    code = main(["simulate-cv", "--parameter-set", "MPCC-1-ether", "--scan-rates", ",".join(map(str, RATES)),
                 "--window", "0.01:1.5", "--cycles", "2", "--out", str(out), "--json", "--quiet"])
    assert code == 0
    return json.loads((out / "simulate_cv.json").read_text())


def test_the_files_start_at_rest_and_obey_charge_conservation(simulated):
    cell = HalfCell("MPCC-1-ether")
    assert simulated["start_V"] == pytest.approx(cell.window_V[1], abs=1e-6)  # the cell at rest at the top
    for path, rate in zip(simulated["files"], RATES):
        v = read_cv(path, rate, simulated["mass_mg"])
        assert v.cycles == [1, 2]
        assert v.potential_V.min() == pytest.approx(0.01, abs=1e-6)
        k = v.cycle == 2  # a closed cycle 1.5 → 0.01 → 1.5 V: the model has no irreversible loss
        q_in = -np.trapezoid(np.minimum(v.current_mA[k], 0.0), v.time_s[k])
        q_out = np.trapezoid(np.maximum(v.current_mA[k], 0.0), v.time_s[k])
        assert q_out == pytest.approx(q_in, rel=0.02)
        # and no more than the carbon holds between the vertices (its OCP's capacity there)
        ocp = cell.working.material.ocp
        held = (ocp.stoichiometry(0.01, "sodiation") - ocp.stoichiometry(1.5, "sodiation")) * ocp.total_capacity_mAh_g
        assert q_in / 3.6 / simulated["mass_mg"] < held * 1.02  # mA·s → mAh/g


def test_cv_reads_and_analyses_them(simulated, tmp_path, capsys):
    assert main(["cv", *simulated["files"], "--mass-mg", str(simulated["mass_mg"]), "--out", str(tmp_path / "cv"),
                 "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["scan_rates_mV_s"] == pytest.approx(list(RATES), rel=1e-6)
    anodic_V = [p["anodic"]["potential_V"] for p in out["peaks"]]
    assert np.all(np.diff(anodic_V) > 0)  # polarisation: the peak moves up with the scan rate
    assert 0.0 < out["b_values"]["anodic"]["value"] < 1.0


def test_the_model_knows_its_own_capacitive_share(simulated):
    # the shipped set has neither a double layer nor surface storage: all its current is
    # diffusion-limited, and whatever Dunn's split calls capacitive is the method's bias
    for rate, d in simulated["capacitive_fraction"]["by_scan_rate_mV_s"].items():
        assert d["model"] == 0.0
        assert d["bias"] == pytest.approx(d["dunn"], abs=1e-12)
        assert d["dunn"] > 0.3, rate


def test_identify_recovers_kinetics_and_transport_from_noisy_voltammograms(tmp_path, capsys):
    """A CLI round trip: voltammograms of the set with 1 % current noise, identified from a set whose
    exchange current and diffusivities are wrong by factors of 2.5."""
    truth = HalfCell("MPCC-1-ether")
    names = ("anode.kinetics.exchange_current_density", "anode.diffusivity.insertion",
             "anode.diffusivity.pore_filling")
    wrong = truth.pset.with_values({n: truth.values()[n] * f for n, f in zip(names, (2.5, 0.4, 2.5))},
                                   "assumed", "a wrong start for the test")
    start = tmp_path / "wrong.json"
    start.write_text(json.dumps(wrong.to_json()), encoding="utf-8")
    assert main(["simulate-cv", "--parameter-set", "MPCC-1-ether", "--scan-rates", "0.5,1,2", "--window",
                 "0.01:1.5", "--cycles", "1", "--noise", "0.01", "--out", str(tmp_path / "sim"), "--json"]) == 0
    sim = json.loads(capsys.readouterr().out)
    assert main(["cv", *sim["files"], "--mass-mg", str(sim["mass_mg"]), "--parameter-set", str(start), "--identify",
                 "--vary", ",".join(names), "--out", str(tmp_path / "id"), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    for n in names:
        assert out["parameters"][n]["value"] == pytest.approx(truth.values()[n], rel=0.10), n
    # at the noise level: 1 % of the current's RMS, file by file
    for f in sim["files"]:
        v = read_cv(f, None, sim["mass_mg"])
        noise_mA = 0.01 * np.sqrt(np.mean(v.current_mA ** 2))
        assert out["identification"]["rmse_mA_per_file"][Path(f).name] < 1.3 * noise_mA
    written = json.loads((tmp_path / "id" / "identified_set.json").read_text())
    assert "identified from" in written["parameters"][names[0]]["source"]
