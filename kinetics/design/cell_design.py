"""A full-cell design: which electrodes, how they are balanced and loaded, and what surrounds them.

A :class:`Design` names an anode set, a cathode set (and optionally another electrolyte), the N/P
ratio and what it counts (:data:`~kinetics.design.balance.NP_BASES`), the cathode loading, each
coating's porosity, the anode's particle radius and the :class:`~kinetics.design.stack.Stack`
(format, separator, collectors, electrolyte amount). :meth:`Design.cell` is the balanced
:class:`~kinetics.cells.FullCell` a simulation needs; :meth:`Design.mass` its masses and volumes.

Balance: the N/P ratio is the anode's areal capacity over the cathode's, both reversible
(``"reversible"``: half-cell desodiation and sodiation capacities at 20 mA/g) or both first-cycle
(``"first-cycle"``: the anode's simulated first sodiation with its SEI, the cathode's first
charge). Without a loading the anode keeps its set's loading and the cathode's follows from N/P
(paper 000's cells); with a cathode loading the anode's follows. The first-cycle loss (the
electrodes' measured efficiencies; for the anode reproduced by its calibrated SEI) is taken out of
the cathode's sodium before the cell cycles (:meth:`~kinetics.cells.Balance.from_reversible_capacities`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace

from ..cells import Balance, FullCell, HalfCell
from ..errors import InvalidValueError, UnknownNameError
from ..sets import ParameterSet, available, convert, data_directory, load, shipped_file
from .balance import NP_BASES, first_cycle, reversible_capacity
from .stack import Loading, Stack, StackMass, stack_mass

#: Physical bounds of a coating's porosity (calendered electrodes are 0.2–0.5; beyond 0.1–0.8 a
#: coating either has no room for electrolyte or does not hold together).
POROSITY_BOUNDS = (0.1, 0.8)
#: Particle radius bounds [m]: 0.05–50 µm.
RADIUS_BOUNDS_M = (0.05e-6, 50e-6)


def electrolyte_set(name: str) -> ParameterSet:
    """An electrolyte: a shipped electrolyte file by name (``electrolyte-NaPF6-diglyme``), a
    ``.json`` path, or any set that has one."""
    if str(name).lower().endswith(".json") or str(name).lower() in {n.lower() for n in available()}:
        pset = load(name)
    else:
        try:
            pset = load(shipped_file(name))
        except UnknownNameError:
            shipped = [p.stem for p in data_directory().glob("electrolyte-*.json")]
            raise UnknownNameError("--electrolyte", name, shipped) from None
    if not pset.names("electrolyte."):
        raise InvalidValueError("--electrolyte", name, "a set with an electrolyte (electrolyte.* entries)")
    return pset


@dataclass(frozen=True)
class Design:
    """A full cell as designed (see the module docstring).

    Parameters
    ----------
    anode, cathode : str
        Parameter sets: an anode half-cell set, a cathode set.
    np_ratio : float
        N/P ratio (> 0).
    np_basis : {"reversible", "first-cycle"}
    electrolyte : str, optional
        An electrolyte set replacing the anode set's (transport only: the carbon's kinetics and
        first-cycle efficiency stay its set's).
    loading : Loading, optional
        Cathode loading; default: the anode set's loading, the cathode's from N/P.
    anode_porosity, cathode_porosity : float, optional
        Coating porosities (the active-to-inert volume ratio kept); default the sets'.
    anode_particle_radius_m : float, optional
    stack : Stack
    model : {"SPM", "SPMe", "DFN"}
    """

    anode: str = "MPCC-1-ester"
    cathode: str = "O3-Na0.9TMO2"
    np_ratio: float = 1.05
    np_basis: str = "reversible"
    electrolyte: str | None = None
    loading: Loading | None = None
    anode_porosity: float | None = None
    cathode_porosity: float | None = None
    anode_particle_radius_m: float | None = None
    stack: Stack = field(default_factory=Stack)
    model: str = "SPMe"

    def __post_init__(self):
        if not (isinstance(self.np_ratio, int | float) and math.isfinite(self.np_ratio) and self.np_ratio > 0):
            raise InvalidValueError("--np", self.np_ratio, "N/P ratios above 0 (anode over cathode areal capacity)")
        if self.np_basis not in NP_BASES:
            raise InvalidValueError("--np-basis", self.np_basis, " or ".join(NP_BASES))
        for name in ("anode_porosity", "cathode_porosity"):
            v = getattr(self, name)
            if v is not None and not POROSITY_BOUNDS[0] <= v <= POROSITY_BOUNDS[1]:
                raise InvalidValueError(name.replace("_", " "), v, "a porosity from {} to {}".format(*POROSITY_BOUNDS))
        r = self.anode_particle_radius_m
        if r is not None and not RADIUS_BOUNDS_M[0] <= r <= RADIUS_BOUNDS_M[1]:
            raise InvalidValueError("anode particle radius", r, "0.05–50 µm (in m)")

    def with_(self, **changes) -> Design:
        return replace(self, **changes)

    # --- the electrodes ---------------------------------------------------------------------
    def halves(self) -> tuple[HalfCell, HalfCell]:
        """The anode's and the cathode's half cells as designed (porosity, radius, electrolyte),
        at their sets' loadings."""
        anode, cathode = HalfCell(self.anode, self.model, role="anode"), HalfCell(self.cathode, self.model,
                                                                                    role="cathode")
        out = []
        for half, porosity in ((anode, self.anode_porosity), (cathode, self.cathode_porosity)):
            values: dict[str, float] = {}
            if porosity is not None:
                c = half.working.coating
                solid = c.active_volume_fraction / (1.0 - c.porosity)
                values[f"{half.role}.{convert.COATING_FIELDS['porosity']}"] = porosity
                values[f"{half.role}.{convert.COATING_FIELDS['active_volume_fraction']}"] = (1.0 - porosity) * solid
            if half.role == "anode" and self.anode_particle_radius_m is not None:
                values[convert.material_name("anode", "particle_radius_m")] = self.anode_particle_radius_m
            if values:
                half = half.with_values(values)
            if self.electrolyte is not None:
                half = HalfCell(model=half.model, working=half.working, electrolyte=convert.electrolyte(
                    electrolyte_set(self.electrolyte)), counter=half.counter, design=half.design)
            out.append(half)
        return out[0], out[1]

    def window_V(self) -> tuple[float, float]:
        """The full cell's voltage window: the cathode set's ``full_cell.*`` window, else the anode
        half cell's (as :class:`~kinetics.cells.FullCell` chooses)."""
        return convert.full_cell_window(load(self.cathode)) or HalfCell(self.anode, self.model, role="anode").window_V

    def cell(self) -> FullCell:
        """The balanced full cell (simulates each half cell once per design of it, cached)."""
        anode, cathode = self.halves()
        q_a, q_c = reversible_capacity(anode), reversible_capacity(cathode)
        np_a, np_c = q_a, q_c
        if self.np_basis == "first-cycle":
            np_a = first_cycle(anode).sodiated_mAh_g
            np_c = q_c / cathode.working.first_cycle_efficiency
        if self.loading is not None:
            m_c = self.loading.mg_cm2(q_c, cathode.working)
            anode = HalfCell(model=anode.model, working=anode.working.with_loading(self.np_ratio * m_c * np_c / np_a),
                             electrolyte=anode.electrolyte, counter=anode.counter, design=anode.design)
        cell = FullCell(anode, cathode, self.np_ratio, self.model, window_V=self.window_V())
        b = Balance.from_reversible_capacities(cell, q_a, q_c, np_anode_mAh_g=np_a, np_cathode_mAh_g=np_c)
        return cell.with_balance(b)

    def mass(self, cell: FullCell) -> StackMass:
        """Masses and volumes of ``cell`` (:meth:`cell`) in this design's stack."""
        b = cell.balance
        anode = cell.anode_electrode.with_loading(b.anode_loading_mg_cm2)
        cathode = cell.cathode_electrode.with_loading(b.cathode_loading_mg_cm2)
        d = cell.anode_half.design
        stack = self.stack.with_separator_of(d.separator_thickness_m, d.separator_porosity)
        return stack_mass(anode, cathode, stack, d.area_cm2)

    def caveats(self) -> list[str]:
        """What the sets say about how far per-gram figures can be trusted: a loading fitted to a
        cell's voltage together with the specific capacity (ampere-hours identifiable, grams not)."""
        fitted: dict[str, list[str]] = {}
        for role, name in (("anode", self.anode), ("cathode", self.cathode)):
            key = f"{role}.{convert.COATING_FIELDS['loading_mg_cm2']}"
            pset = load(name)
            if key in pset and pset.entry(key).kind == "fitted":
                fitted.setdefault(name, []).append(role)
        return [f"{name}: the {' and '.join(roles)} loading{'s are' if len(roles) > 1 else ' is'} fitted to a cell's "
                "voltage together with the specific capacity (only their product, the areal capacity, is "
                "identified): this design's figures per gram, per kg and per litre, and an 18650's capacity (its "
                "roll length follows the thickness), are not meaningful; areal capacities and volts are"
                for name, roles in fitted.items()]

    def describe(self) -> dict:
        """The design as plain values (JSON)."""
        s = self.stack
        return {"anode": self.anode, "cathode": self.cathode, "electrolyte": self.electrolyte or "the anode set's",
                "np_basis": self.np_basis, "model": self.model, "format": s.format.name,
                "sides": s.sides or s.format.sides,
                "loading": str(self.loading) if self.loading else "the anode set's (cathode from N/P)",
                "collectors": {k: f"{c.metal} {c.thickness_m * 1e6:g} µm" for k, c in s.collectors.items()},
                "electrolyte_excess": s.electrolyte_excess}
