"""Full-cell fitting (issue 12): recovery of a synthetic MPCC-1 // O3-Na0.9TMO2 cell at N/P 1.05,
the electrode balance from a slow charge/discharge, prediction bands, and three-electrode files.

The synthetic cell starts where a real full cell's test starts: at rest at the lower cut-off
(1.5 V), reached from the balance's fully discharged state by a slow charge (so every file starts
from the same, known state: the truth's ``anode.initial_fraction``/``cathode.initial_fraction``).
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from kinetics.analysis.ocv_balance import fit_balance, ocv_curves
from kinetics.cells import FullCell
from kinetics.cli import main
from kinetics.design.balance import balanced
from kinetics.engine import Replayer
from kinetics.fitting import fit, make_parameters, predict
from kinetics.fitting.fit import band_mV
from kinetics.fitting.full_cell import balance_start, cell_voltage_data
from kinetics.io.cycler import read_time_series
from kinetics.io.gcd import read_gcd
from kinetics.protocols import ReplayStep, Step
from kinetics.results import Simulator, cycler_frame

RATES_mA_g = (20.0, 100.0, 300.0)
NOISE_mV = 2.0
KINETICS = ("anode.diffusivity.insertion", "anode.kinetics.exchange_current_density", "cathode.diffusivity",
            "cathode.kinetics.exchange_current_density")


def _truth() -> FullCell:
    cell = balanced(FullCell("MPCC-1-ether", "O3-Na0.9TMO2", 1.05, "SPMe"))
    lo = cell.window_V[0]
    table = Simulator(cell).run((Step("charge", 5.0, limit_V=lo),)).table
    caps, v = cell.capacities_Ah(), cell.values()
    x_a = float(table["sodium_fraction"].iloc[-1])
    x_c = v["cathode.initial_fraction"] - (x_a - v["anode.initial_fraction"]) * caps["anode"] / caps["cathode"]
    return cell.with_values({"anode.initial_fraction": x_a, "cathode.initial_fraction": x_c})


def _write(cell: FullCell, steps, path, noise_mV: float, seed: int):
    table = Simulator(cell).run(steps).table.drop_duplicates("time_s")
    frame = cycler_frame(table, "full", cell.anode_mass_mg)
    frame["Voltage [V]"] += np.random.default_rng(seed).normal(0.0, noise_mV * 1e-3, len(frame))
    frame.to_csv(path, index=False)
    return path


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory):
    cell = _truth()
    folder = tmp_path_factory.mktemp("full_cell")
    lo, hi = cell.window_V
    q = cell.anode_electrode.material.ocp.total_capacity_mAh_g
    files = [_write(cell, (Step("charge", rate, limit_V=hi, sample_period_s=q / rate * 3.6),
                           Step("discharge", rate, limit_V=lo, sample_period_s=q / rate * 3.6)),
                    folder / f"full_{rate:g}mAg.csv", NOISE_mV, k)
             for k, rate in enumerate(RATES_mA_g)]
    return cell, files


@pytest.mark.slow
def test_full_cell_recovery_and_bands(synthetic):
    """Must show: both capacities and initial fractions within 2 % (absolute 0.02 in fraction for
    the anode's, which starts at x ≈ 0.05), one diffusivity and one exchange current of each
    electrode within 5 % or flagged, the truth within 3 standard errors of every parameter not
    flagged; a held-out rate predicted with a band that covers the model's own error."""
    truth, files = synthetic
    mass = truth.anode_mass_mg
    data = [read_gcd(f, mass, cell_kind="full") for f in files]
    estimate, _ = balance_start(truth, data)
    wrong = {"anode.diffusivity.insertion": 3.0, "anode.kinetics.exchange_current_density": 0.4,
             "cathode.diffusivity": 0.3, "cathode.kinetics.exchange_current_density": 2.5}
    values = truth.values()
    start = {**estimate, **{n: values[n] * f for n, f in wrong.items()}}
    names = [*estimate, *KINETICS]
    bounds = {n: (start[n] / 3, start[n] * 3) for n in estimate if n.endswith("loading")}
    result = fit(truth, data, make_parameters(names, truth, start, bounds), max_evaluations=80)
    for n in names:  # shown with pytest -s (the README quotes these lines)
        print(f"{n:45s} truth {values[n]:.5g}  fitted {result.values[n]:.5g} ± {result.stderr[n]:.2g}  "
              f"({(result.values[n] / values[n] - 1) * 100:+.2f} %)")
    print(f"RMSE {result.rmse_all_mV:.2f} mV, {result.n_evaluations} evaluations, {result.wall_time_s:.1f} s")
    assert result.converged, result.message
    assert result.rmse_all_mV == pytest.approx(NOISE_mV, rel=0.1)
    caps_fit, caps_true = truth.capacities_Ah(result.values), truth.capacities_Ah()
    for role in ("anode", "cathode"):
        assert caps_fit[role] == pytest.approx(caps_true[role], rel=0.02)
    assert result.values["anode.initial_fraction"] == pytest.approx(values["anode.initial_fraction"], abs=0.02)
    assert result.values["cathode.initial_fraction"] == pytest.approx(values["cathode.initial_fraction"], rel=0.02)
    for n in names:
        if n in result.not_identifiable:
            continue
        assert abs(result.values[n] - values[n]) < 3 * result.stderr[n], n
    for n in KINETICS:  # within 5 % or flagged (the anode's diffusivity has a standard error of about 9 %)
        assert abs(result.values[n] / values[n] - 1) < 0.05 or n in result.not_identifiable, n

    # prediction of a fourth rate, with its band
    held = read_gcd(_write(truth, (Step("charge", 200.0, limit_V=truth.window_V[1], sample_period_s=6.0),
                                   Step("discharge", 200.0, limit_V=truth.window_V[0], sample_period_s=6.0)),
                           files[0].parent / "full_200mAg.csv", 0.0, 9), mass, cell_kind="full")
    rmse, curves = predict(result, [held])
    print(f"held-out 200 mA/g: RMSE {rmse[held.label]:.2f} mV, band {band_mV(curves)[held.label]:.2f} mV")
    assert rmse[held.label] < 2.0  # noise-free held-out file: only the parameters' errors remain
    band = np.concatenate([c.band_V for c in curves])
    error = np.concatenate([np.abs(c.model_V - c.data_V) for c in curves])
    assert np.all(band > 0)
    assert np.mean(error < band) > 0.9  # a 95 % band covers (nearly) all of the prediction's error


def test_fit_ocv_recovers_the_windows(tmp_path, capsys):
    """Must show: a synthetic C/25 charge and discharge with 1 mV noise gives both electrodes'
    windows within 0.01 in stoichiometry and capacities within 1 %."""
    cell = _truth()
    lo, hi = cell.window_V
    rate = cell.anode_electrode.material.one_c_mA_g / 25
    table = Simulator(cell).run((Step("charge", rate, limit_V=hi, sample_period_s=60.0),
                                 Step("discharge", rate, limit_V=lo, sample_period_s=60.0))).table
    path = _write(cell, (Step("charge", rate, limit_V=hi, sample_period_s=60.0),
                         Step("discharge", rate, limit_V=lo, sample_period_s=60.0)), tmp_path / "c25.csv", 1.0, 3)
    caps = cell.capacities_Ah()
    v = cell.values()
    x_a = table["sodium_fraction"].to_numpy()
    x_c = v["cathode.initial_fraction"] - (x_a - v["anode.initial_fraction"]) * caps["anode"] / caps["cathode"]
    result = fit_balance(ocv_curves(read_time_series(path)), cell.anode_electrode.material.ocp,
                         cell.cathode_electrode.material.ocp)
    for role, x in (("anode", x_a), ("cathode", x_c)):
        assert result.values[f"{role}_capacity_Ah"] == pytest.approx(caps[role], rel=0.01)
        assert result.windows[role] == pytest.approx((x.min(), x.max()), abs=0.01)
    assert result.sodium_inventory_Ah == pytest.approx(caps["sodium_inventory"], rel=0.01)

    # the command: the same numbers in its JSON, the three plots in one figure, nothing else written
    assert main(["fit-ocv", str(path), "--anode", "MPCC-1-ether", "--cathode", "O3-Na0.9TMO2",
                 "--out", str(tmp_path / "out"), "--json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["anode"]["capacity_Ah"] == pytest.approx(result.values["anode_capacity_Ah"], rel=1e-9)
    assert summary["cathode"]["window"] == pytest.approx(list(result.windows["cathode"]), abs=1e-9)
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["c25_balance.csv", "c25_balance.json",
                                                                     "c25_balance.png"]

# ----------------------------------------------------------------------------- three-electrode files
# A synthetic cell with a sodium reference electrode in the middle of the separator, charged and
# discharged; the file holds what EC-Lab writes for such a cell (``Ewe/V``: the cathode, the working
# electrode, against the reference; ``Ece/V``: the anode, the counter electrode; ``Ecell/V``), with
# 1 mV of noise on each potential. The two electrodes' exchange currents are what the cell voltage
# alone cannot separate (their overpotentials add up); against each electrode's own potential they
# are recovered.
THREE_E_RATE_mA_g = 300.0
THREE_E_NOISE_mV = 1.0
EXCHANGE = ("anode.kinetics.exchange_current_density", "cathode.kinetics.exchange_current_density")


def _three_electrode_file(cell, path, seed: int = 0):
    """A charge to 80 % of the smaller electrode's capacity, a rest and a discharge, logged every
    few seconds as an EC-Lab export of a three-electrode cell."""
    caps = cell.capacities_Ah()
    current_A = THREE_E_RATE_mA_g * cell.anode_mass_mg * 1e-6
    duration = 0.8 * min(caps["anode"], caps["cathode"]) / current_A * 3600.0
    steps = [ReplayStep("rest", 0.0, 60.0, np.arange(0.0, 60.0, 5.0)),
             ReplayStep("sodiate", THREE_E_RATE_mA_g, duration, np.linspace(0.0, duration, 300, endpoint=False)),
             ReplayStep("rest", 0.0, 600.0, np.arange(0.0, 600.0, 10.0)),
             ReplayStep("desodiate", THREE_E_RATE_mA_g, duration, np.linspace(0.0, duration, 301))]
    replayer = Replayer(cell, [])
    rng = np.random.default_rng(seed)
    columns = {}
    for header, potential in (("Ewe/V", "cathode"), ("Ece/V", "anode"), ("Ecell/V", "cell")):
        outs = replayer.replay(steps, {}, None, False, potential)
        columns[header] = np.concatenate([o.voltage_V for o in outs]) + rng.normal(0.0, THREE_E_NOISE_mV * 1e-3,
                                                                                  sum(len(o.time_s) for o in outs))
    starts = np.cumsum([0.0] + [s.duration_s for s in steps[:-1]])
    time = np.concatenate([t0 + s.output_times_s for t0, s in zip(starts, steps)])
    current = np.concatenate([np.full(len(s.output_times_s), {"rest": 0.0, "sodiate": 1.0, "desodiate": -1.0}
                                      [s.direction] * current_A * 1e3) for s in steps])
    pd.DataFrame({"time/s": time, "<I>/mA": current, **columns}).to_csv(path, sep="\t", index=False)
    return path


@pytest.fixture(scope="module")
def three_electrode(tmp_path_factory):
    cell = _truth()
    folder = tmp_path_factory.mktemp("three_electrode")
    return cell, _three_electrode_file(cell, folder / "three_electrode.txt"), folder


def test_reading_each_electrode(three_electrode):
    """The anode's and the cathode's columns are told apart by their range, both give the
    current's direction of the cell, and their difference is the cell voltage."""
    cell, path, _ = three_electrode
    mass = cell.anode_mass_mg
    anode = read_gcd(path, mass, cell_kind="full", potential_column="Ece/V")
    cathode = read_gcd(path, mass, cell_kind="full", potential_column="Ewe/V")
    whole = read_gcd(path, mass, cell_kind="full", potential_column="Ecell/V", potential="cell")
    assert (anode.potential, cathode.potential) == ("anode", "cathode")
    assert anode.label.endswith("[anode]") and cathode.label.endswith("[cathode]")
    kinds = [s.kind for s in anode.segments]
    assert kinds == [s.kind for s in cathode.segments] == ["rest", "sodiate", "rest", "desodiate"]
    # on charge (the anode sodiates) the anode's potential falls and the cathode's rises
    charge = 1
    assert anode.segments[charge].voltage_V[-1] < anode.segments[charge].voltage_V[0] - 0.5
    assert cathode.segments[charge].voltage_V[-1] > cathode.segments[charge].voltage_V[0] + 0.5
    (combined,) = cell_voltage_data([anode, cathode])
    assert whole.label == combined.label == str(path)
    for seg, ref in zip(combined.segments, whole.segments):
        # three independent 1 mV noises: the difference of two is within 6 mV of the third
        assert np.max(np.abs(seg.voltage_V - ref.voltage_V)) < 6 * THREE_E_NOISE_mV * 1e-3


def test_wrong_electrode_and_column_are_clear_errors(three_electrode):
    cell, path, _ = three_electrode
    with pytest.raises(Exception, match="Ewx/V.*one of.*Ewe/V"):
        read_gcd(path, cell.anode_mass_mg, cell_kind="full", potential_column="Ewx/V")
    with pytest.raises(Exception, match="working.*one of \\['cell', 'anode', 'cathode'\\]"):
        read_gcd(path, cell.anode_mass_mg, cell_kind="full", potential_column="Ewe/V", potential="working")


@pytest.mark.slow
def test_exchange_currents_from_each_electrodes_potential(three_electrode, capsys):
    """Both exchange currents from 2.5× and 0.4× the truth: within 5 % and identifiable against
    the two electrode potentials (``kinetics fit --potential-column``); against the cell voltage
    alone they are correlated and uncertain."""
    cell, path, folder = three_electrode
    values = cell.values()
    set_path = cell.pset.save(folder / "truth.json")
    start = {EXCHANGE[0]: 2.5 * values[EXCHANGE[0]], EXCHANGE[1]: 0.4 * values[EXCHANGE[1]]}
    argv = ["fit", str(path), "--parameter-set", str(set_path), "--vary", ",".join(EXCHANGE),
            "--mass-mg", repr(cell.anode_mass_mg), "--potential-column", "anode=Ece/V",
            "--potential-column", "cathode=Ewe/V", "--out", str(folder / "fit3e"), "--json", "--quiet"]
    for name, value in start.items():
        argv += ["--start", name, repr(value)]
    assert main(argv) == 0
    summary = json.loads(capsys.readouterr().out)
    print(json.dumps({k: summary[k] for k in ("parameters", "rmse_mV", "not_identifiable")}, indent=1))
    assert summary["not_identifiable"] == []
    for name in EXCHANGE:
        assert summary["parameters"][name]["value"] == pytest.approx(values[name], rel=0.05)
    assert max(summary["rmse_mV"].values()) == pytest.approx(THREE_E_NOISE_mV, rel=0.15)

    # the same two against the cell voltage of the same file: their overpotentials add up, so they
    # come out nearly fully correlated and with standard errors many times larger
    data = [read_gcd(path, cell.anode_mass_mg, cell_kind="full", potential_column="Ecell/V", potential="cell")]
    alone = fit(cell, data, make_parameters(list(EXCHANGE), cell, start), max_evaluations=40)
    print("cell voltage alone:", {n: f"{alone.values[n]:.4g} ± {alone.stderr[n]:.2g}" for n in EXCHANGE},
          f"correlation {alone.correlation[0, 1]:.4f}")
    assert abs(alone.correlation[0, 1]) > 0.99
    for name in EXCHANGE:
        assert alone.stderr[name] > 5 * summary["parameters"][name]["stderr"]
