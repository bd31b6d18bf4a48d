"""Cells from typed objects alone, without any set file: model building reads only typed
objects, so a cell written in a script and the same values in a parameter-set file give the
same results (to the solver's last digits: 1e-9 mAh/g)."""

import numpy as np
import pytest

import kinetics as hk
from kinetics.sets import convert


def carbon_half_cell() -> hk.HalfCell:
    """A hard carbon in an ether electrolyte against sodium, every value written here."""
    carbon = hk.ActiveMaterial(
        "script carbon", hk.ThreeStageOCP((64.4, 1.0, 6.6), (64.4, 0.3, 2.64), (210.1, 0.055, 0.595)),
        hk.StageDiffusivity(1e-14, 3e-15, 3e-15, 0.075, 1.0, 0.08, 25e3),
        exchange_current_A_m2=0.7, exchange_current_activation_J_mol=9760.0, transfer_coefficient=0.5,
        particle_radius_m=1e-6, density_g_cm3=1.6, conductivity_S_m=10.0, one_c_mA_g=300.0)
    return hk.HalfCell(
        working=hk.Electrode("anode", carbon, hk.Coating(1.0, 0.45, 0.45), first_cycle_efficiency=0.9),
        electrolyte=hk.Electrolyte("1 M NaPF6 diglyme", 1000.0, 0.65, 1000.0, 3e-10, 0.3, 0.45, 1.0, 0.0),
        counter=hk.SodiumMetal(322.4), design=hk.CellDesign(0.95, 260e-6, 0.85, 298.15, 2.0, 0.01, 3.0))


def cathode_half_cell() -> hk.HalfCell:
    oxide = hk.ActiveMaterial(
        "script oxide", hk.MultiStageOCP((hk.Stage("high", 35.0, 3.6, 2.5), hk.Stage("middle", 45.0, 3.2, 2.5),
                                          hk.Stage("low", 40.0, 2.8, 3.0))),
        hk.ConstantDiffusivity(1e-14), exchange_current_A_m2=1.0, exchange_current_activation_J_mol=30e3,
        transfer_coefficient=0.5, particle_radius_m=2e-6, density_g_cm3=4.6, conductivity_S_m=10.0,
        one_c_mA_g=120.0)
    return hk.HalfCell(
        working=hk.Electrode("cathode", oxide, hk.Coating(3.0, 0.5, 0.35), first_cycle_efficiency=0.9),
        electrolyte=hk.Electrolyte("1 M NaPF6 EC:PC", 1000.0, 0.89, 1150.0, 2.5e-11, 0.5, 0.45, 1.0, 0.0),
        counter=hk.SodiumMetal(2.5), design=hk.CellDesign(0.95, 260e-6, 0.85, 298.15, 5.0, 2.5, 4.05))


def as_file(cell: hk.HalfCell, path) -> str:
    convert.as_set(cell.parts, path.stem, "written by a test").save(path)
    return str(path)


def test_half_cell_from_typed_objects_equals_its_set_file(tmp_path):
    typed = carbon_half_cell()
    from_file = hk.HalfCell(as_file(typed, tmp_path / "carbon.json"))
    assert from_file.parts == typed.parts
    steps = hk.rate_test([20, 500, 2000])
    a, b = hk.run(typed, steps).rate_table(), hk.run(from_file, steps).rate_table()
    assert np.allclose(a["capacity_mAh_g"], b["capacity_mAh_g"], rtol=0, atol=1e-9)
    assert a["capacity_mAh_g"].iloc[0] == pytest.approx(326.3, abs=0.5)  # close to MPCC-1 ether's values


def test_full_cell_from_typed_objects_equals_its_set_files(tmp_path):
    anode, cathode = carbon_half_cell(), cathode_half_cell()
    typed = hk.balanced(hk.FullCell(anode, cathode, 1.05, window_V=(1.5, 4.0)))
    files = hk.balanced(hk.FullCell(as_file(anode, tmp_path / "a.json"), as_file(cathode, tmp_path / "c.json"), 1.05,
                                    window_V=(1.5, 4.0)))
    assert typed.balance == files.balance
    steps = hk.rate_test([20], window_V=(1.5, 4.0), cell_kind="full")
    a, b = hk.run(typed, steps).steps, hk.run(files, steps).steps
    assert np.allclose(a["capacity_mAh_g"], b["capacity_mAh_g"], rtol=0, atol=1e-9)
    assert np.allclose(a["average_voltage_V"], b["average_voltage_V"], rtol=0, atol=1e-12)
