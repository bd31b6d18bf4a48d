"""The only module that knows PyBaMM's key strings and conventions (parameter keys, variable
names, model options, termination strings, slots and current signs).

PyBaMM conventions hidden here:

* a half cell puts the working electrode in PyBaMM's ``"Positive"`` slot and calls the
  counter electrode "lithium metal" (our sodium metal);
* PyBaMM's positive current discharges the cell: in a half cell it *sodiates* the working
  electrode, in a full cell it *desodiates* the anode;
* PyBaMM names the two hysteresis branches "lithiation" and "delithiation" (our sodiation and
  desodiation).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

import pybamm
from pybamm.parameters.lithium_ion_parameters import U_asymptote_approaching_zero, U_asymptotes

from ..cells import POTENTIALS
from ..errors import InvalidValueError

CellKind = Literal["half", "full"]
Direction = Literal["sodiate", "desodiate", "charge", "discharge"]

HALF_CELL_WORKING_SLOT = "Positive"


def slot(cell_kind: CellKind, role: str) -> str:
    """PyBaMM's electrode slot ("Negative"/"Positive") of ``role`` in a cell."""
    if cell_kind == "half":
        return HALF_CELL_WORKING_SLOT
    return "Negative" if role == "anode" else "Positive"


#: PyBaMM's OCP hysteresis with one state h per electrode (Axen et al. 2022):
#: U = (1 + h)/2 · U_delithiation + (1 − h)/2 · U_lithiation, dh/dt = K · (i/(F c_max ε)) · (1 ∓ h)/2,
#: so h = −1 is the sodiation ("lithiation") branch, h = +1 the desodiation branch, and h is frozen
#: at zero current (PyBaMM's models/submodels/interface/open_circuit_potential/one_state_hysteresis_ocp.py).
HYSTERESIS_OPTION = "one-state hysteresis"
#: h of an electrode last sodiated / desodiated.
HYSTERESIS_STATE = {"sodiation": -1.0, "desodiation": 1.0}


def options(cell_kind: CellKind, hysteresis: dict[str, tuple[bool, ...]], contact_resistance: bool,
            double_layer: bool = False) -> dict:
    """PyBaMM model options for a cell.

    ``hysteresis`` maps slot → per particle phase, whether it has two OCP branches (one phase, or
    an electrode's bulk and surface storage: PyBaMM's ``"particle phases"`` "2"). Such a phase
    gets PyBaMM's one-state hysteresis (:data:`HYSTERESIS_OPTION`), whose state h moves only
    under current and keeps its branch at rest. Per-electrode tuples are needed in half cells
    (a single string fails in PyBaMM 26.10's counter-electrode OCP submodel with
    ``UnboundLocalError('ocp_surf')``). ``double_layer``: PyBaMM's differential surface form
    (a double-layer capacitance in each electrode); two phases need at least its algebraic form.
    """
    def ocp(slot_: str):
        kinds = tuple(HYSTERESIS_OPTION if h else "single" for h in hysteresis.get(slot_, (False,)))
        return kinds[0] if len(kinds) == 1 else kinds

    def phases(slot_: str) -> str:
        return str(len(hysteresis.get(slot_, (False,))))

    opts: dict = {}
    slots = ("Negative", "Positive")
    if cell_kind == "half":
        opts["working electrode"] = "positive"
    if any(ocp(s_) != "single" for s_ in slots):
        opts["open-circuit potential"] = tuple(ocp(s_) for s_ in slots)
    if any(phases(s_) != "1" for s_ in slots):
        opts["particle phases"] = tuple(phases(s_) for s_ in slots)
    if double_layer:
        opts["surface form"] = "differential"
    elif "particle phases" in opts:
        opts["surface form"] = "algebraic"
    if contact_resistance:
        opts["contact resistance"] = "true"
    return opts


def double_layer_key(s: str) -> str:
    """PyBaMM key: double-layer capacitance per particle surface [F/m²] of slot ``s``."""
    return f"{s} electrode double-layer capacity [F.m-2]"


#: The model's own split of an electrode's current: PyBaMM variable names by slot, in the sign
#: of PyBaMM's cell current ("Current [A]"); they sum to it. :func:`add_current_split`.
def current_split_variables(s: str) -> dict[str, str]:
    return {"double_layer": f"{s} electrode double-layer current [A]",
            "surface": f"{s} electrode surface-limited current [A]",
            "diffusion": f"{s} electrode diffusion-limited current [A]"}


def add_current_split(model, s: str, weights: tuple) -> None:
    """Define in ``model`` the split of slot ``s``'s current (:func:`current_split_variables`):
    each particle phase's faradaic current (∫ a·j dV over the electrode) and the double layer's
    (the rest of the cell current), and, with two phases, the capacity-weighted average particle
    concentration under its one-phase name (:func:`average_concentration_variable`)."""
    low = s.lower()
    volume = (pybamm.Parameter(f"{s} electrode thickness [m]") * pybamm.Parameter(CELL["height"])
              * pybamm.Parameter(CELL["width"]))
    sign = -1.0 if s == "Positive" else 1.0  # PyBaMM: discharge current sodiates the positive slot
    v = model.variables
    out = current_split_variables(s)
    if len(weights) == 1:
        bulk = sign * volume * v[f"X-averaged {low} electrode volumetric interfacial current density [A.m-3]"]
        surface = 0.0 * bulk
    else:
        bulk, surface = (sign * volume * v[f"X-averaged {low} electrode {p} volumetric interfacial current "
                                           "density [A.m-3]"] for p in ("primary", "secondary"))
        v[average_concentration_variable(s)] = sum(
            w * v[f"Average {low} {p} particle concentration [mol.m-3]"]
            for w, p in zip(weights, ("primary", "secondary")))
    v[out["diffusion"]] = bulk
    v[out["surface"]] = surface
    v[out["double_layer"]] = v[VARIABLES["current"]] - bulk - surface


#: PyBaMM's key prefixes of an electrode's two particle phases: the bulk (diffusion-limited) and
#: the surface (surface-limited) storage.
PHASE_PREFIXES = ("Primary: ", "Secondary: ")
#: Keys of :func:`electrode_keys` that belong to a particle phase (the rest to the electrode).
PHASE_KEYS = ("diffusivity", "exchange_current", "c_max", "c_init", "active_fraction", "radius", "entropic",
              "ocp", "ocp_sodiation", "ocp_desodiation", "hysteresis_decay_sod", "hysteresis_decay_desod",
              "hysteresis_initial")


def electrode_keys(s: str) -> dict[str, str]:
    """Our field → PyBaMM key for an electrode in slot ``s`` ("Negative" or "Positive")."""
    low = s.lower()
    return {
        "ocp": f"{s} electrode OCP [V]",
        "ocp_sodiation": f"{s} electrode lithiation OCP [V]",
        "ocp_desodiation": f"{s} electrode delithiation OCP [V]",
        "diffusivity": f"{s} particle diffusivity [m2.s-1]",
        "exchange_current": f"{s} electrode exchange-current density [A.m-2]",
        "c_max": f"Maximum concentration in {low} electrode [mol.m-3]",
        "c_init": f"Initial concentration in {low} electrode [mol.m-3]",
        "thickness": f"{s} electrode thickness [m]",
        "active_fraction": f"{s} electrode active material volume fraction",
        "porosity": f"{s} electrode porosity",
        "radius": f"{s} particle radius [m]",
        "conductivity": f"{s} electrode conductivity [S.m-1]",
        "transfer_coefficient": f"{s} electrode charge transfer coefficient",  # read by sets import only
        "entropic": f"{s} electrode OCP entropic change [V.K-1]",
        "bruggeman_e": f"{s} electrode Bruggeman coefficient (electrolyte)",
        "bruggeman_s": f"{s} electrode Bruggeman coefficient (electrode)",
        "hysteresis_decay_sod": f"{s} particle lithiation hysteresis decay rate",
        "hysteresis_decay_desod": f"{s} particle delithiation hysteresis decay rate",
        "hysteresis_initial": f"Initial hysteresis state in {low} electrode",
        "hysteresis_state": f"X-averaged {low} electrode hysteresis state",
    }


COUNTER = {
    "exchange_current": "Exchange-current density for lithium metal electrode [A.m-2]",
    "conductivity": "Negative electrode conductivity [S.m-1]",
    "thickness": "Negative electrode thickness [m]",
    "molar_volume": "Lithium metal partial molar volume [m3.mol-1]",
}

ELECTROLYTE = {
    "conductivity": "Electrolyte conductivity [S.m-1]",
    "diffusivity": "Electrolyte diffusivity [m2.s-1]",
    "transference": "Cation transference number",
    "thermodynamic_factor": "Thermodynamic factor",
    "c_init": "Initial concentration in electrolyte [mol.m-3]",
}

SEPARATOR = {
    "thickness": "Separator thickness [m]",
    "porosity": "Separator porosity",
    "bruggeman_e": "Separator Bruggeman coefficient (electrolyte)",
}

CELL = {
    "height": "Electrode height [m]",
    "width": "Electrode width [m]",
    "capacity": "Nominal cell capacity [A.h]",
    "current": "Current function [A]",
    "lower_cutoff": "Lower voltage cut-off [V]",
    "upper_cutoff": "Upper voltage cut-off [V]",
    "ambient_T": "Ambient temperature [K]",
    "initial_T": "Initial temperature [K]",
    "reference_T": "Reference temperature [K]",
    "contact_resistance": "Contact resistance [Ohm]",
    "n_parallel": "Number of electrodes connected in parallel to make a cell",
    "n_series": "Number of cells connected in series to make a battery",
}

#: PyBaMM's imposed cell voltage in its voltage operating mode (a function of time).
VOLTAGE_FUNCTION = "Voltage function [V]"

VARIABLES = {
    "time": "Time [s]",
    "current": "Current [A]",
    "voltage": "Voltage [V]",
    "charge": "Discharge capacity [A.h]",  # ∫I dt, a state of the model (+ = discharged)
}

def potential_variable(cell_kind: CellKind, potential: str) -> str:
    """PyBaMM's variable of ``potential`` (one of :data:`kinetics.cells.POTENTIALS`) in a cell: ``"cell"`` is the
    terminal voltage; an electrode's is PyBaMM's "3E potential" (its current-collector potential
    minus the electrolyte potential at the reference electrode, :meth:`insert_reference_electrode`:
    the electrode's OCP, overpotentials and its own part of the electrolyte's drop).
    ``"working"`` is a half cell's carbon, ``"anode"``/``"cathode"`` a full cell's electrodes."""
    allowed = POTENTIALS[cell_kind]
    if potential not in allowed:
        raise InvalidValueError(f"measured potential of a {cell_kind} cell", potential, f"one of {list(allowed)}")
    if potential == "cell":
        return VARIABLES["voltage"]
    return f"{slot(cell_kind, potential)} electrode 3E potential [V]"


def ocp_asymptote(sto):
    """The term PyBaMM (≥ 25) adds to every electrode OCP near stoichiometry 0 and 1
    (``U_asymptotes``: 1 mV at sto = 0.001, 1 V at sto = 0). An OCP function that returns
    ``U(x) − ocp_asymptote(sto)`` makes PyBaMM's OCP exactly U(x): hc-kinetics' OCPs have their
    own limits, and the barrier would otherwise add up to 1 V in the first and last per mille
    of PyBaMM's concentration range (seen as a ~4 V spike at the start of a sodiation)."""
    return U_asymptotes(sto)


def ocp_wall(sto, sto_full, margin: float = 0.005):
    """A smooth wall that only acts on states outside 0 ≤ sto ≤ ``sto_full`` (which a fit's
    trial parameters can drive the model into): PyBaMM's asymptote shape, shifted by
    ``margin`` so that it is below 1e-15 V inside the range, 1 V at ``margin`` beyond it and
    then rising linearly. Positive below 0, negative above ``sto_full``."""
    return U_asymptote_approaching_zero(sto + margin) - U_asymptote_approaching_zero(sto_full - sto + margin)


def model_class(name: str):
    """PyBaMM's model class for "SPM", "SPMe" or "DFN" (its lithium-ion family, which PyBaMM
    also uses for sodium-ion cells given sodium parameters)."""
    return getattr(pybamm.lithium_ion, name)


def average_concentration_variable(s: str) -> str:
    """PyBaMM variable: volume-averaged particle concentration of slot ``s``."""
    return f"Average {s.lower()} particle concentration [mol.m-3]"


def electrode_potential_variable(s: str) -> str:
    """PyBaMM variable: solid–electrolyte potential difference across slot ``s`` [V] (one value
    per through-thickness node)."""
    return f"{s} electrode surface potential difference [V]"


def surface_potential_variable(s: str) -> str:
    """PyBaMM variable: x-averaged solid–electrolyte potential difference of slot ``s`` [V]."""
    return f"X-averaged {s.lower()} electrode surface potential difference [V]"


def current_sign(cell_kind: CellKind, direction: Direction) -> int:
    """Sign of PyBaMM's current for a step that moves sodium in ``direction``.

    Half cell: sodiate/desodiate refer to the working electrode. Full cell: charge
    sodiates the anode, discharge desodiates it; sodiate/desodiate refer to the anode.
    """
    if cell_kind == "half":
        table = {"sodiate": 1, "desodiate": -1, "discharge": 1, "charge": -1}
    else:
        table = {"sodiate": -1, "desodiate": 1, "charge": -1, "discharge": 1}
    return table[direction]


def voltage_termination(limit_V: float, falling: bool) -> str:
    """PyBaMM's termination string of a step that ends when the voltage crosses ``limit_V``."""
    return f"{'<' if falling else '>'}{limit_V} V"


#: The input parameter PyBaMM's experiments set to each step's start time [s] (a step's value
#: that is a function of time reads its own time as ``pybamm.t`` minus this).
START_TIME_INPUT = "start time"


#: PyBaMM's SEI law for the carbon's film (:mod:`kinetics.physics.ageing`): electron tunnelling,
#: self-limiting as the film thickens.
SEI_OPTION = "tunnelling limited"
PLATING_OPTION = "irreversible"
LAM_OPTION = "current-driven"

#: PyBaMM keys of the SEI and plating laws (one set of values per cell in PyBaMM 26.10).
AGEING_KEYS = {
    "sei_exchange_current": "SEI reaction exchange current density [A.m-2]",
    "sei_barrier": "Tunneling barrier factor [m-1]",
    "sei_initial_thickness": "Initial SEI thickness [m]",
    "sei_resistivity": "SEI resistivity [Ohm.m]",
    "sei_molar_volume": "SEI partial molar volume [m3.mol-1]",
    "sei_sodium_ratio": "Ratio of lithium moles to SEI moles",
    "sei_activation_energy": "SEI growth activation energy [J.mol-1]",
    "plating_exchange_current": "Exchange-current density for plating [A.m-2]",
    "plating_transfer_coefficient": "Lithium plating transfer coefficient",
    "plated_initial": "Initial plated lithium concentration [mol.m-3]",
    "plated_typical": "Typical plated lithium concentration [mol.m-3]",
}


def lam_rate_key(s: str) -> str:
    """PyBaMM key: the current-driven rate of change of slot ``s``'s active-material fraction
    [1/s], a function of (current density [A/m²], T [K])."""
    return f"{s} electrode current-driven LAM rate"


def ageing_options(sei: Sequence[str], plating: Sequence[str], lam: Sequence[str]) -> dict:
    """PyBaMM options for side reactions on the slots listed (per-electrode tuples: a plain
    string would also put them on a half cell's sodium counter electrode)."""
    def per_slot(on: Sequence[str], option: str) -> tuple[str, str]:
        return tuple(option if s in on else "none" for s in ("Negative", "Positive"))  # type: ignore[return-value]

    opts = {}
    if sei:
        opts["SEI"] = per_slot(sei, SEI_OPTION)
    if plating:
        opts["lithium plating"] = per_slot(plating, PLATING_OPTION)
    if lam:
        opts["loss of active material"] = per_slot(lam, LAM_OPTION)
    return opts


def ageing_variables(s: str) -> dict[str, str]:
    """What ageing did to slot ``s``, as PyBaMM variables (our key → name): capacity lost to the
    SEI and to plated sodium [A.h], active material lost [%], SEI thickness [m] and the film's
    overpotential [V]. Only those a model defines are read."""
    low = s.lower()
    return {"sei_loss_Ah": f"Loss of capacity to {low} SEI [A.h]",
            "plated_Ah": f"Loss of capacity to {low} lithium plating [A.h]",
            "lam_loss_mol": f"Loss of lithium due to loss of active material in {low} electrode [mol]",
            "active_material_lost_percent": f"Loss of active material in {low} electrode [%]",
            "sei_thickness_m": f"X-averaged {low} SEI thickness [m]",
            "film_overpotential_V": f"X-averaged {low} electrode SEI film overpotential [V]"}
