"""Full cells (issue 12): bad input is refused before any solve, with what was found and what is
allowed; the balance's algebra against hand-computed numbers; the commercial cell's files read."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from kinetics.analysis.ocv_balance import check_curves, fit_balance, ocv_curves
from kinetics.cells import HalfCell, cell_of
from kinetics.errors import InvalidValueError
from kinetics.fitting.fit import check_data
from kinetics.fitting.parameters import expand
from kinetics.io.gcd import GCDData, Segment, read_gcd

HAKADI = Path(__file__).resolve().parents[1] / "data" / "hakadi-18650"
ANODE = HalfCell("MPCC-1-ether").working.material.ocp
CATHODE = HalfCell("O3-Na0.9TMO2").working.material.ocp


def _series(current_A: float, hours: float, v0: float, v1: float) -> pd.DataFrame:
    t = np.linspace(0.0, hours * 3600.0, 400)
    return pd.DataFrame({"time_s": t, "current_A": np.full_like(t, current_A), "voltage_V": np.linspace(v0, v1, 400)})


def test_fit_ocv_refuses_a_fast_curve_and_names_its_rate():
    curves = ocv_curves(_series(1.0, 1.0, 2.0, 3.5))  # 1 A·h passed at 1 A: 1C
    with pytest.raises(InvalidValueError, match=r"C/1 \(1C") as e:
        check_curves(curves, ANODE, CATHODE, "fast.csv")
    assert "C/20" in str(e.value)


def test_fit_ocv_refuses_a_voltage_the_electrodes_cannot_make():
    curves = ocv_curves(_series(0.01, 25.0, 3.0, 5.5))  # C/25, but up to 5.5 V
    with pytest.raises(InvalidValueError, match="a voltage these electrodes can make"):
        check_curves(curves, ANODE, CATHODE, "high.csv")


def test_balance_algebra_on_a_hand_made_curve():
    """A curve built from the two OCPs with known capacities and start fractions (no kinetics,
    no noise) is fitted back exactly: the algebra of x(Q), not a simulation."""
    q = np.linspace(0.0, 0.9, 300)  # A·h charged
    xa0, xc0, Ca, Cc = 0.05, 0.95, 1.0, 1.1
    v = CATHODE.potential(xc0 - q / Cc, "desodiation") - ANODE.potential(xa0 + q / Ca, "sodiation")
    frame = pd.DataFrame({"time_s": q * 3600 / 0.02, "current_A": 0.02, "voltage_V": v})
    fit = fit_balance(ocv_curves(frame), ANODE, CATHODE)
    assert fit.values["anode_capacity_Ah"] == pytest.approx(Ca, rel=1e-4)
    assert fit.values["cathode_capacity_Ah"] == pytest.approx(Cc, rel=1e-4)
    assert fit.windows["anode"] == pytest.approx((xa0, xa0 + 0.9 / Ca), abs=1e-4)
    assert fit.sodium_inventory_Ah == pytest.approx(xa0 * Ca + xc0 * Cc, rel=1e-4)
    assert fit.rmse_mV < 0.01


def test_a_full_cell_cannot_pass_more_than_its_electrodes_hold():
    cell = cell_of("hakadi-18650", "SPMe")
    caps = cell.capacities_Ah()
    too_much = 1.2 * min(caps["anode"], caps["cathode"])  # A·h
    current_mA_g = 100.0
    q_mAh_g = too_much * 1e6 / cell.anode_mass_mg
    t = np.linspace(0.0, q_mAh_g / current_mA_g * 3600.0, 50)
    seg = Segment("sodiate", current_mA_g, float(t[-1]), t, np.linspace(2.0, 4.0, 50))
    data = GCDData("big.csv", (seg,), "big.csv", cell.anode_mass_mg)
    with pytest.raises(InvalidValueError, match="anode.coating.loading and cathode.coating.loading"):
        check_data([data], cell)
    check_data([data], cell, varied=["anode.coating.loading"])  # fitted loadings may grow


def test_full_cell_parameter_groups_and_a_per_file_fraction_refused():
    cell = cell_of("hakadi-18650", "SPMe")
    assert expand(["balance"], cell, ["a.csv"]) == ["anode.coating.loading", "cathode.coating.loading",
                                                     "anode.initial_fraction", "cathode.initial_fraction"]
    kinetics = expand(["kinetics"], cell, ["a.csv"])
    assert {"anode.kinetics.exchange_current_density", "cathode.kinetics.exchange_current_density"} <= set(kinetics)
    with pytest.raises(InvalidValueError, match="anode.initial_fraction"):
        expand(["initial_fraction:a.csv"], cell, ["a.csv"])


def test_commercial_cell_extract_reads_as_one_discharge_and_one_charge():
    """The extract's first sample is the end of the CC-CV top-up (+0.1 A): it joins the
    discharge instead of making a one-sample 'charge'."""
    cell = cell_of("hakadi-18650", "SPMe")
    data = read_gcd(HAKADI / "cell1_0.5C_discharge_recharge.csv", cell.anode_mass_mg,
                    columns="time=ms,voltage=V,current=A", cell_kind="full")
    kinds = [s.kind for s in data.segments]
    assert kinds == ["desodiate", "sodiate"]  # a full cell's discharge desodiates its anode
    delivered_mAh = data.segments[0].capacity_mAh_g[-1] * cell.anode_mass_mg * 1e-3
    assert delivered_mAh == pytest.approx(1545, rel=0.01)  # the data README's 0.5C discharge capacity


def test_a_constant_voltage_phase_is_named_not_fitted_as_a_staircase(tmp_path):
    """A CC charge followed by a CV phase (current decaying every sample): the file holds steps of
    changing current; the error says so and how to select the constant-current steps."""
    t = np.arange(0.0, 400.0, 1.0)
    current = np.where(t < 200, 1.0, np.exp(-(t - 200) / 15.0))
    voltage = np.where(t < 200, 3.0 + t / 200.0, 4.0)
    path = tmp_path / "cccv.csv"
    pd.DataFrame({"time_s": t, "current_A": current, "voltage_V": voltage}).to_csv(path, index=False)
    with pytest.raises(InvalidValueError, match="constant-voltage phase or a second protocol.*--step-index"):
        read_gcd(path, 1000.0, cell_kind="full")


def test_balance_with_a_refined_stage_finds_the_stage_it_was_made_with():
    """The hand-made curve of a cathode whose middle stage sits 60 mV above the set's: refining
    that stage's potential with the balance finds it (exact data, so to 1e-4 V)."""
    true_cathode = CATHODE.with_stage("middle", potential_V=CATHODE.stage("middle").potential_V + 0.06)
    q = np.linspace(0.0, 0.9, 300)
    v = true_cathode.potential(0.95 - q / 1.1, "desodiation") - ANODE.potential(0.05 + q, "sodiation")
    frame = pd.DataFrame({"time_s": q * 3600 / 0.02, "current_A": 0.02, "voltage_V": v})
    fit = fit_balance(ocv_curves(frame), ANODE, CATHODE, refine=("cathode.ocp.middle.potential",))
    assert fit.values["cathode.ocp.middle.potential"] == pytest.approx(true_cathode.stage("middle").potential_V,
                                                                       abs=1e-4)
    assert fit.values["cathode_capacity_Ah"] == pytest.approx(1.1, rel=1e-4)
    with pytest.raises(InvalidValueError, match="<anode|cathode>.ocp.<stage>"):
        fit_balance(ocv_curves(frame), ANODE, CATHODE, refine=("cathode.middle.potential",))


def test_a_stated_balance_survives_the_set_it_is_saved_in(tmp_path):
    """A full cell whose balance was stated (no N/P ratio) keeps it through its one set: both
    loadings and both fractions, so the capacities are those of the cell, not of its sets."""
    cell = cell_of("hakadi-18650", "SPMe")
    stated = {"anode.coating.loading": 5.0, "cathode.coating.loading": 6.5, "anode.initial_fraction": 0.02,
              "cathode.initial_fraction": 0.97}
    moved = cell.with_values(stated)
    again = cell_of(str(moved.pset.save(tmp_path / "moved.json")), "SPMe")
    assert {n: again.values()[n] for n in stated} == stated
    # capacity = loading × area × the material's capacity per gram, each electrode
    for role in ("anode", "cathode"):
        q = (moved.anode_electrode if role == "anode" else moved.cathode_electrode).material.ocp.total_capacity_mAh_g
        assert again.capacities_Ah()[role] == pytest.approx(stated[f"{role}.coating.loading"] * 700.0 * q * 1e-6,
                                                            rel=1e-12)


def test_a_three_electrode_potential_column_is_named_and_checked(tmp_path):
    """BioLogic's three-electrode columns: an electrode's potential is read by its header, the
    electrode told by its range (or stated), and a column that is not there is named."""
    t = np.arange(0.0, 3600.0, 10.0)
    i = np.where(t < 1800.0, 2.0, -2.0)  # mA: charge, then discharge
    anode = np.where(t < 1800.0, 0.9 - t / 1800.0 * 0.8, 0.1 + (t - 1800.0) / 1800.0 * 0.8)
    cathode = np.where(t < 1800.0, 3.0 + t / 1800.0, 4.0 - (t - 1800.0) / 1800.0)
    path = tmp_path / "3e.txt"
    pd.DataFrame({"time/s": t, "<I>/mA": i, "Ewe/V": cathode, "Ece/V": anode,
                  "Ecell/V": cathode - anode}).to_csv(path, sep="\t", index=False)
    a = read_gcd(path, 10.0, cell_kind="full", potential_column="Ece/V")
    c = read_gcd(path, 10.0, cell_kind="full", potential_column="Ewe/V")
    assert (a.potential, c.potential) == ("anode", "cathode")
    assert [s.kind for s in a.curves] == [s.kind for s in c.curves] == ["sodiate", "desodiate"]
    assert a.curves[0].current_mA_g == pytest.approx(200.0)  # 2 mA on 10 mg of anode
    with pytest.raises(InvalidValueError, match="'Ewx/V'.*one of 'time/s'"):
        read_gcd(path, 10.0, cell_kind="full", potential_column="Ewx/V")
    with pytest.raises(InvalidValueError, match="potential_column"):
        read_gcd(path, 10.0, cell_kind="full", potential="anode")
    half = read_gcd(path, 10.0, potential_column="Ece/V")
    assert half.potential == "working" and half.curves[0].kind == "sodiate"  # the carbon's potential falls


def test_a_real_three_electrode_file_reads_per_electrode():
    """The measured LG M50 GITT (a three-electrode cell with a lithium reference; the reader does
    not care which metal): each electrode's column is told apart by its range, all three
    potentials give the same protocol, and cathode − anode is the file's own cell voltage."""
    from kinetics.fitting.full_cell import cell_voltage_data

    path = Path(__file__).resolve().parents[1] / "data" / "lgm50" / "GITT" / "pulse_5.csv"
    mass = 10_000.0  # mg: only scales mA/g here
    anode = read_gcd(path, mass, cell_kind="full", potential_column="Negative electrode potential [V]")
    cathode = read_gcd(path, mass, cell_kind="full", potential_column="Positive electrode potential [V]")
    cell = read_gcd(path, mass, cell_kind="full")
    assert (anode.potential, cathode.potential, cell.potential) == ("anode", "cathode", "cell")
    protocol = [(s.kind, s.current_mA_g, s.duration_s) for s in cell.segments]
    assert [k for k, _, _ in protocol] == ["rest", "desodiate", "rest"]  # a discharge pulse
    for d in (anode, cathode):
        assert [(s.kind, s.current_mA_g, s.duration_s) for s in d.segments] == protocol
    (difference,) = cell_voltage_data([anode, cathode])
    for a, b in zip(difference.segments, cell.segments):
        assert np.max(np.abs(a.voltage_V - b.voltage_V)) < 1e-5
