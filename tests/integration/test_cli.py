"""The console script: listing, showing, a small study with outputs, and errors."""

import json
import subprocess
import sys


def kinetics(*args, cwd=None, timeout=600):
    return subprocess.run([sys.executable, "-m", "kinetics.cli", *args], capture_output=True,
                          text=True, cwd=cwd, timeout=timeout)


def test_parameter_sets_lists_the_names():
    out = kinetics("parameter-sets", "--json")
    names = {s["name"] for s in json.loads(out.stdout)}
    assert {"MPCC-1-ester", "MPCC-1-ether", "PCC-ester", "O3-Na0.9TMO2"} <= names


def test_show_is_case_insensitive_and_has_sources():
    out = kinetics("show", "mpcc-1-ester", "--json")
    data = json.loads(out.stdout)
    assert data["name"] == "MPCC-1-ester"
    assert all(p["source"] for p in data["parameters"].values())


def test_unknown_set_is_a_clear_error():
    out = kinetics("show", "MPCC-2-ester")
    assert out.returncode == 2
    assert "unknown parameter set 'MPCC-2-ester'" in out.stderr and "Did you mean" in out.stderr
    assert "Traceback" not in out.stderr


def test_small_study_writes_outputs_and_never_overwrites(tmp_path):
    config = tmp_path / "study.toml"
    config.write_text('[[half_cell]]\nparameter_set = "MPCC-1-ester"\nrates_mA_g = [100, 1000]\n'
                      '[[full_cell]]\nanode = "MPCC-1-ester"\nnp_ratio = 1.1\nrates_mA_g = [100]\n'
                      'cycles = 1\n')
    before = config.read_text()
    out1 = kinetics("simulate", "--config", str(config), "--out", str(tmp_path / "run"), "--json",
                    "--quiet")
    assert out1.returncode == 0, out1.stderr
    s1 = json.loads(out1.stdout)
    folder = tmp_path / "run"
    assert s1["output_folder"] == str(folder)
    files = {p.name for p in folder.iterdir()}
    assert {"summary.md", "summary.json", "half_MPCC-1-ester_gcd.png", "half_MPCC-1-ester_steps.csv",
            "half_MPCC-1-ester_timeseries.csv", "half_MPCC-1-ester_dqdv.png",
            "half_MPCC-1-ester_stages.png"} <= files
    assert s1["half_cells"][0]["rates"][0]["reversible_capacity_mAh_g"] > \
        s1["half_cells"][0]["rates"][1]["reversible_capacity_mAh_g"]
    out2 = kinetics("simulate", "--config", str(config), "--out", str(folder), "--json", "--quiet")
    assert json.loads(out2.stdout)["output_folder"] == str(folder) + "-2"
    assert config.read_text() == before


def test_bad_config_key_is_named(tmp_path):
    config = tmp_path / "bad.toml"
    config.write_text('[[half_cell]]\nparameter_set = "MPCC-1-ester"\nrates = [100]\n')
    out = kinetics("simulate", "--config", str(config), "--out", str(tmp_path / "x"))
    assert out.returncode == 2
    assert "'rates'" in out.stderr and "rates_mA_g" in out.stderr
    assert not (tmp_path / "x").exists()
