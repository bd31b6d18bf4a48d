"""Design sweeps (issue 15): the built-once charge–discharge against the engine's protocol path,
stack masses against PyBOP's, sweeps that resume, keep failed points and give the same rows on
one process, a local pool and a Dask cluster, the optimisation, and ``kinetics design --json``."""

from __future__ import annotations

import json
import subprocess
import sys
import warnings

import pandas as pd
import pybamm
import pytest

from kinetics import cli
from kinetics.design import Design, Grid, Target, optimise_np, sweep
from kinetics.design.stack import FORMATS, Stack, stack_mass
from kinetics.engine.charge_discharge import ChargeDischarge
from kinetics.errors import Interrupted, SimulationWarning
from kinetics.protocols import charge, discharge
from kinetics.results import run

GRID = Grid(np_ratio=(0.9, 1.1), charge_rate=("0.5C", "2C"), discharge_rate=("1C",))
NUMBERS = ["capacity_mAh_g_anode", "energy_density_Wh_kg", "min_anode_potential_V", "stack_energy_density_Wh_kg"]


@pytest.fixture(scope="module")
def cell():
    return Design("MPCC-1-ester", np_ratio=1.05).cell()


@pytest.fixture(scope="module")
def reference_rows():
    return sweep(Design(), GRID, workers=1).rows


def test_built_once_charge_discharge_agrees_with_the_protocol_path(cell):
    """The design runner (one discretised model, currents and cut-offs as inputs) against the
    engine's PyBaMM experiments of the same cell at 100 mA/g: capacities and energy within 0.3 %
    (their output grids differ)."""
    lo, hi = cell.window_V
    out = ChargeDischarge(cell).run(cell.current_A(100), cell.current_A(100), cell.design.temperature_K)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SimulationWarning)
        result = run(cell, [charge(100, hi), discharge(100, lo)])
    steps = result.steps
    mass_g = cell.anode_mass_mg * 1e-3
    assert out.charge_end == out.discharge_end == "cut-off"
    assert out.charge_Ah * 1e3 / mass_g == pytest.approx(steps["capacity_mAh_g"].iloc[0], rel=3e-3)
    assert out.discharge_Ah * 1e3 / mass_g == pytest.approx(steps["capacity_mAh_g"].iloc[1], rel=3e-3)
    assert out.discharge_Wh * 1e3 / mass_g == pytest.approx(result.reversible_capacities()["energy_mWh_g"].iloc[-1],
                                                             rel=3e-3)


def test_stack_mass_follows_pybop_where_their_inputs_coincide(cell):
    """PyBOP 26.3's ``cell_mass()`` on the same thicknesses, fractions and densities: equal to our
    single-sided stack without what we add (the electrolyte in the separator's pores)."""
    pybop = pytest.importorskip("pybop")
    b = cell.balance
    anode = cell.anode_electrode.with_loading(b.anode_loading_mg_cm2)
    cathode = cell.cathode_electrode.with_loading(b.cathode_loading_mg_cm2)
    stack = Stack(FORMATS["coin"], electrolyte_excess=1.0).with_separator_of(25e-6, 0.4)
    area_cm2 = 1.0
    ours = stack_mass(anode, cathode, stack, area_cm2)
    rho_e, rho_cb = stack.electrolyte_density_g_cm3 * 1e3, stack.inert_density_g_cm3 * 1e3
    values = {"Electrode height [m]": 1e-2, "Electrode width [m]": 1e-2, "Electrolyte density [kg.m-3]": rho_e,
              "Separator thickness [m]": 25e-6,
              "Separator density [kg.m-3]": (1 - 0.4) * stack.separator.solid_density_g_cm3 * 1e3}
    for side, e in (("Negative", anode), ("Positive", cathode)):
        cc = stack.collectors["anode" if side == "Negative" else "cathode"]
        values |= {f"{side} electrode thickness [m]": e.thickness_m,
                   f"{side} electrode active material volume fraction": e.coating.active_volume_fraction,
                   f"{side} electrode porosity": e.coating.porosity,
                   f"{side} electrode active material density [kg.m-3]": e.material.density_g_cm3 * 1e3,
                   f"{side} electrode carbon-binder density [kg.m-3]": rho_cb,
                   f"{side} current collector thickness [m]": cc.thickness_m,
                   f"{side} current collector density [kg.m-3]": {"Al": 2700.0, "Cu": 8960.0}[cc.metal]}
    pv = pybamm.ParameterValues(values)
    pybop_g = float(pv.evaluate(pybop.pybamm.parameter_utils.cell_mass())) * 1e3
    separator_electrolyte_g = 0.4 * 25e-4 * rho_e * 1e-3 * area_cm2
    assert ours.stack_g - separator_electrolyte_g == pytest.approx(pybop_g, rel=1e-9)


def test_a_sweep_resumes_where_it_was_interrupted(tmp_path, reference_rows):
    folder = tmp_path / "sweep"

    def stop_after_first_design(rows):
        raise KeyboardInterrupt

    with pytest.raises(Interrupted, match="resume"):
        sweep(Design(), GRID, out=folder, workers=1, on_rows=stop_after_first_design)
    kept = (folder / "points.jsonl").read_text().splitlines()
    assert len(kept) == 2  # the first design's two points
    with open(folder / "points.jsonl", "a") as f:
        f.write('{"np_ratio": 1.1, "cut by the interrup')  # a torn last line is run again
    again = sweep(Design(), GRID, out=folder, workers=1)
    assert again.n_resumed == 2 and again.n_designs == 1
    pd.testing.assert_frame_equal(again.rows[NUMBERS], reference_rows[NUMBERS])


def test_a_failing_point_is_a_row_with_its_error_and_the_sweep_goes_on():
    grid = Grid(np_ratio=(1.0,), charge_rate=("0.5C", "5000C"), discharge_rate=("1C",))
    rows = sweep(Design(), grid, workers=1).rows
    assert pd.isna(rows["error"].iloc[0]) and "past its voltage cut-off" in rows["error"].iloc[1]
    assert rows["energy_density_Wh_kg"].iloc[0] > 100


@pytest.mark.slow
def test_local_pool_and_dask_cluster_give_the_same_rows(reference_rows):
    pool = sweep(Design(), GRID, workers=2).rows
    pd.testing.assert_frame_equal(pool[NUMBERS], reference_rows[NUMBERS])
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as c:
        result = sweep(Design(), GRID, scheduler=c.scheduler_address)
    assert result.where.startswith("Dask")
    pd.testing.assert_frame_equal(result.rows[NUMBERS], reference_rows[NUMBERS])


def test_a_script_without_a_main_guard_gets_a_clear_error_not_a_broken_pool(tmp_path):
    """Workers are spawned: each imports the user's script again, which (unguarded) starts a sweep
    of its own and dies. The user must read what to do, not ``BrokenProcessPool``."""
    script = tmp_path / "my_sweep.py"
    script.write_text("from kinetics.design import Design, Grid, sweep\n"
                      "sweep(Design(), Grid(np_ratio=(0.9, 1.1)), workers=2)\n")
    out = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=300)
    assert out.returncode != 0
    last = out.stderr.strip().splitlines()[-1]
    assert last.startswith("RuntimeError") and 'if __name__ == "__main__":' in last, out.stderr[-2000:]


def test_optimal_n_p_meets_its_margin_and_beats_every_feasible_point():
    target = Target(charge_rate="1C", discharge_rate="0.5C", min_margin_V=0.01, bounds=(0.9, 1.3), scan=4)
    o = optimise_np(Design(), target, workers=1)
    assert o.status == "optimal"
    assert o.row["min_anode_potential_V"] >= 0.01
    feasible = [r for r in o.evaluations if r["min_anode_potential_V"] >= 0.01]
    assert o.row["energy_density_Wh_kg"] == max(r["energy_density_Wh_kg"] for r in feasible)
    assert 0.9 < o.np_ratio < 1.1  # the margin bound, between the scan's infeasible 0.9 and feasible 1.03


def test_kinetics_design_json_rows_and_files(tmp_path, capsys):
    code = cli.main(["design", "--anode", "MPCC-1-ester", "--cathode", "O3-Na0.9TMO2", "--np", "0.9,1.05",
                     "--charge-rates", "1C", "--discharge-rates", "0.2C,2C", "--format", "pouch", "--workers", "1",
                     "--out", str(tmp_path / "d"), "--json", "--quiet"])
    out = capsys.readouterr()
    assert code == 0, out.err
    summary = json.loads(out.out)
    assert len(summary["rows"]) == 4
    for r in summary["rows"]:
        assert {"np_ratio", "charge_rate", "discharge_rate", "capacity_mAh_g_anode", "average_voltage_V",
                "energy_density_Wh_kg", "stack_energy_density_Wh_kg", "min_anode_potential_V", "error"} <= set(r)
        # a pouch's stack carries collectors, separator and electrolyte: well below the active basis
        assert 0.2 * r["energy_density_Wh_kg"] < r["stack_energy_density_Wh_kg"] < r["energy_density_Wh_kg"]
    below = [r for r in summary["rows"] if r["np_ratio"] < 1]
    assert all(r["plating"] for r in below)
    for name in ("rows.csv", "summary.json", "energy_and_margin_vs_np.png", "heatmap_energy.png", "ragone.png"):
        assert (tmp_path / "d" / name).exists(), name


def test_another_electrolyte_changes_the_transport_and_keeps_the_full_cell_window():
    cell = Design("MPCC-1-ester", electrolyte="electrolyte-NaPF6-diglyme").cell()
    assert "diglyme" in cell.electrolyte.name
    assert cell.window_V == Design().window_V() != cell.anode_half.window_V
