"""``pybamm:<name>`` sets: PyBaMM's tables replaced by smooth forms that reproduce them.

Checked against PyBaMM's own functions evaluated here (not against the converter's own
numbers): each electrode's OCP over the stoichiometry range its cell uses, and the 1C
discharge capacity of the whole cell."""

import numpy as np
import pybamm
import pytest

import kinetics as hk


def pybamm_function(pv, key, *args):
    inputs = {f"a{i}": pybamm.Vector(np.asarray(a, float)) if np.ndim(a) else pybamm.Scalar(float(a))
              for i, a in enumerate(args)}
    return np.asarray(pv.process_symbol(pybamm.FunctionParameter(key, inputs)).evaluate()).ravel()


@pytest.fixture(scope="module")
def chayambuka():
    return hk.load("pybamm:Chayambuka2022"), pybamm.ParameterValues("Chayambuka2022")


@pytest.mark.parametrize("role, slot, lo, hi", [("anode", "Negative", 0.02, 0.95), ("cathode", "Positive", 0.3, 0.99)])
def test_converted_ocp_follows_pybamms(chayambuka, role, slot, lo, hi):
    """Within 15 mV RMS over the range the set's cell uses (the three-stage forms smooth the
    tables' wiggles; the converter reports 8.6 mV for the anode)."""
    pset, pv = chayambuka
    x = np.linspace(lo, hi, 200)
    theirs = pybamm_function(pv, f"{slot} electrode OCP [V]", x)
    ours = hk.HalfCell(pset, role=role).working.material.ocp.potential(x)
    assert np.sqrt(np.mean((ours - theirs) ** 2)) < 0.015


def test_sources_name_the_pybamm_set(chayambuka):
    pset, _ = chayambuka
    assert pset.name == "pybamm:Chayambuka2022"
    assert all("Chayambuka2022" in e.source for e in pset.entries.values() if e.kind == "pybamm")
    with pytest.raises(hk.UnknownNameError, match="Chayambuka2022"):
        hk.load("pybamm:Chayambuka2021")


def test_1c_discharge_capacity_matches_pybamms_own_dfn(chayambuka):
    """PyBaMM's sodium-ion BasicDFN with its tables against hc-kinetics' DFN on the converted set:
    the same cell, 1C to the set's cut-off. 1 %: the smooth forms' fit error (seen +0.36 %)."""
    pset, pv = chayambuka
    i_1c = float(pv["Current function [A]"])
    reference = pybamm.Simulation(pybamm.sodium_ion.BasicDFN(), parameter_values=pv,
                                  solver=pybamm.IDAKLUSolver(rtol=1e-6, atol=1e-6)).solve([0, 4000])
    theirs_Ah = float(reference["Discharge capacity [A.h]"].entries[-1])
    cell = hk.FullCell(pset, pset, None, "DFN")
    result = hk.run(cell, [hk.discharge(i_1c / (cell.anode_mass_mg * 1e-6), float(pv["Lower voltage cut-off [V]"]))])
    ours_Ah = float(result.steps["capacity_mAh_g"].iloc[0]) * cell.anode_mass_mg * 1e-6
    assert ours_Ah == pytest.approx(theirs_Ah, rel=0.01)
