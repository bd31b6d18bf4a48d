"""`kinetics fit-ocp`: recovery on synthetic data, real LG M50 files, and clear errors."""

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from kinetics.analysis.ocp_fit import fit_ocp
from kinetics.errors import InvalidValueError
from kinetics.physics.ocp import ThreeStageOCP

DATA = Path(__file__).resolve().parents[1] / "data" / "lgm50"


def test_recovers_a_three_stage_carbon(tmp_path):
    truth = ThreeStageOCP((70, 1.0, 6.6), (70, 0.3, 2.6), (190, 0.055, 0.6))
    U = np.linspace(1.5, 0.01, 150)
    q = truth.stoichiometry(U) * truth.total_capacity_mAh_g
    path = tmp_path / "ocv.csv"
    pd.DataFrame({"Capacity [mAh/g]": q, "Ewe [mV]": U * 1e3}).to_csv(path, index=False)
    fit = fit_ocp(path)
    assert fit.abscissa == "specific capacity"
    assert fit.rmse_mV < 1.0
    stages = {s["name"]: s for s in fit.stages()}
    # the plateau is the best-determined stage; the table ends at 1.5 V, so the broad
    # adsorption stage is only partly seen
    assert stages["pore_filling"]["potential_V"] == pytest.approx(0.055, abs=3e-3)
    assert stages["insertion"]["potential_V"] == pytest.approx(0.3, abs=0.03)


def test_real_lgm50_files_fit_with_several_stages():
    anode = fit_ocp(DATA / "anode_OCP_2_lit.csv", n_stages=5)
    assert anode.rmse_mV < 15.0  # graphite staging plateaus; one 1.33 V point at x = 0.0005
    cathode = fit_ocp(DATA / "cathode_OCP_2_delit.csv", n_stages=5)
    assert cathode.rmse_mV < 2.0
    assert len(cathode.stages()) == 5


def test_whole_cell_capacity_needs_a_stated_scale():
    with pytest.raises(InvalidValueError, match="--capacity-ah"):
        fit_ocp(DATA / "anode_OCP_3_lit.csv")
    fit = fit_ocp(DATA / "anode_OCP_3_lit.csv", capacity_Ah=5.0, n_stages=5)
    assert fit.abscissa == "stoichiometry" and fit.rmse_mV < 30.0


def test_cli_json_keys(tmp_path):
    cmd = [sys.executable, "-m", "kinetics.cli", "fit-ocp", str(DATA / "cathode_OCP_2_delit.csv"),
           "--json", "--out", str(tmp_path / "fit")]
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert {"stages", "rmse_mV"} <= set(data)
    assert all({"name", "capacity_fraction", "potential_V", "width"} <= set(s) for s in data["stages"])
    assert (tmp_path / "fit" / "cathode_OCP_2_delit_ocp_fit.png").exists()


def test_no_potential_column(tmp_path):
    path = tmp_path / "bad.csv"
    pd.DataFrame({"Stoichiometry": np.linspace(0, 1, 20), "Temperature [K]": 298.0}).to_csv(path)
    with pytest.raises(InvalidValueError, match="potential column"):
        fit_ocp(path)


def test_too_few_rows(tmp_path):
    path = tmp_path / "short.csv"
    pd.DataFrame({"Stoichiometry": [0.1, 0.5, 0.9], "Voltage [V]": [1.0, 0.5, 0.1]}).to_csv(path)
    with pytest.raises(InvalidValueError, match="at least 10"):
        fit_ocp(path)
