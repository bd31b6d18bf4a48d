"""Cells: a carbon (or cathode) half cell against sodium metal, and a carbon // cathode full cell.

Cells are made of the typed objects of :mod:`kinetics.physics` (a script can build them without
any file) or from parameter sets, which :mod:`kinetics.sets.convert` turns into those objects.
Users speak of anode, cathode, sodiate and desodiate, mg/cm², µm and mA/g; how PyBaMM names
things is the engine's business.

A full cell is *given* its balance (loadings and initial sodium fractions, :class:`Balance`):
either stated by its sets (``np_ratio=None``), passed in, or computed beforehand by
:func:`kinetics.design.balance`, which simulates both half cells. Building a model never runs a
simulation.
"""

from __future__ import annotations

import copy
from dataclasses import asdict, dataclass, field, replace
from typing import Any, Literal

import numpy as np

from .errors import InvalidValueError, UnknownNameError
from .physics.materials import CellDesign, Electrode, Electrolyte, SodiumMetal
from .sets import Entry, ParameterSet, convert, internal_unit, load

ModelName = Literal["SPM", "SPMe", "DFN"]
MODELS: tuple[str, ...] = ("SPM", "SPMe", "DFN")


def model_name(name: str) -> ModelName:
    """Validate a model name (case-insensitive) and return its canonical spelling."""
    for m in MODELS:
        if str(name).lower() == m.lower():
            return m  # type: ignore[return-value]
    raise UnknownNameError("model", name, MODELS)


def _as_set(p: str | ParameterSet) -> ParameterSet:
    return p if isinstance(p, ParameterSet) else load(p)


@dataclass(frozen=True, init=False)
class HalfCell:
    """A working electrode (carbon anode or cathode) against sodium metal.

    Parameters
    ----------
    parameter_set : str or ParameterSet, optional
        A half-cell set, e.g. ``"MPCC-1-ether"`` (case-insensitive), a path to a ``.json`` set,
        or a loaded set.
    model : {"SPM", "SPMe", "DFN"}
        PyBaMM model family.
    role : {"anode", "cathode"}, optional
        Which electrode of the set works against sodium; needed only for sets that describe
        both (``pybamm:<name>``), otherwise the one the set has.
    working, electrolyte, counter, design : typed objects, keyword only
        Instead of a set: the working :class:`~kinetics.physics.Electrode`, the
        :class:`~kinetics.physics.Electrolyte`, the :class:`~kinetics.physics.SodiumMetal`
        counter electrode and the :class:`~kinetics.physics.CellDesign`.

    Examples
    --------
    >>> cell = HalfCell("MPCC-1-ether")  # doctest: +SKIP
    >>> cell.active_mass_mg  # doctest: +SKIP
    """

    working: Electrode
    electrolyte: Electrolyte
    counter: SodiumMetal
    design: CellDesign
    model: ModelName
    source_set: ParameterSet | None = field(repr=False, compare=False)

    kind = "half"

    def __init__(self, parameter_set: str | ParameterSet | None = None, model: str = "SPMe",
                 role: str | None = None, *, working: Electrode | None = None,
                 electrolyte: Electrolyte | None = None, counter: SodiumMetal | None = None,
                 design: CellDesign | None = None):
        typed = {"working": working, "electrolyte": electrolyte, "counter": counter, "design": design}
        if parameter_set is not None:
            given = [k for k, v in typed.items() if v is not None]
            if given:
                raise InvalidValueError(", ".join(given), "given with a parameter set",
                                        "either a parameter set or typed objects, not both")
            pset = _as_set(parameter_set)
            parts = convert.half_cell_parts(pset, role)
            typed = {"working": parts.working, "electrolyte": parts.electrolyte, "counter": parts.counter,
                     "design": parts.design}
        else:
            pset = None
            kinds = {"working": Electrode, "electrolyte": Electrolyte, "counter": SodiumMetal,
                     "design": CellDesign}
            for k, cls in kinds.items():
                if not isinstance(typed[k], cls):
                    raise InvalidValueError(k, typed[k], f"a {cls.__name__} (or give a parameter set instead)")
            if role is not None and role != typed["working"].role:
                raise InvalidValueError("role", role, f"the working electrode's role {typed['working'].role!r}")
        for k, v in typed.items():
            object.__setattr__(self, k, v)
        object.__setattr__(self, "model", model_name(model))
        object.__setattr__(self, "source_set", pset)

    # --- what the cell is made of ---------------------------------------------------------
    @property
    def role(self) -> str:
        """Role of the working electrode ("anode" or "cathode")."""
        return self.working.role

    @property
    def parts(self) -> convert.HalfCellParts:
        return convert.HalfCellParts(self.working, self.electrolyte, self.counter, self.design)

    @property
    def name(self) -> str:
        """The set's name, or the working material's for a cell made of typed objects."""
        return self.source_set.name if self.source_set is not None else self.working.material.name

    @property
    def pset(self) -> ParameterSet:
        """The parameter set this cell came from; for a cell made of typed objects, a set that
        holds them (every entry marked ``assumed``, source "typed objects")."""
        if self.source_set is not None:
            return self.source_set
        return convert.as_set(self.parts, self.name, "given as typed objects in a script")

    def values(self) -> dict[str, Any]:
        """Every quantity by its parameter-set name (internal units)."""
        return convert.values_of(self.parts)

    def with_values(self, values: dict[str, float]) -> HalfCell:
        """A copy with quantities changed by their parameter-set names."""
        parts = convert.with_values(self.parts, values)
        cell = HalfCell(model=self.model, working=parts.working, electrolyte=parts.electrolyte,
                        counter=parts.counter, design=parts.design)
        if self.source_set is not None:
            changed = self.source_set.with_values(values, "assumed", "changed by HalfCell.with_values", new=True)
            object.__setattr__(cell, "source_set", changed)
        return cell

    def with_model(self, model: str) -> HalfCell:
        """The same cell with another model family."""
        cell = copy.copy(self)
        object.__setattr__(cell, "model", model_name(model))
        return cell

    # --- derived quantities ---------------------------------------------------------------
    @property
    def active_mass_mg(self) -> float:
        """Active-material mass of the working electrode [mg]."""
        return self.working.coating.loading_mg_cm2 * self.design.area_cm2

    def current_A(self, specific_current_mA_g: float) -> float:
        """Cell current [A] for a specific current [mA/g of working active material]."""
        return specific_current_mA_g * 1e-3 * self.active_mass_mg * 1e-3

    @property
    def window_V(self) -> tuple[float, float]:
        """(lower, upper) voltage limits [V vs Na+/Na] of this cell's tests."""
        return self.design.window_V


@dataclass(frozen=True)
class Balance:
    """Loadings and initial state of a full cell.

    Attributes
    ----------
    np_ratio : float
        N/P ratio (NaN when the sets state the state instead).
    anode_reversible_mAh_g, cathode_reversible_mAh_g : float
        Half-cell reversible capacities at the balance current [mAh/g].
    anode_loading_mg_cm2, cathode_loading_mg_cm2 : float
        Active-material loadings [mg/cm²]; the cathode's follows from N/P.
    cathode_to_anode_mass : float
        Cathode over anode active mass [-].
    first_charge_mAh_cm2 : float
        Sodium the cathode releases on the first charge [mAh/cm²].
    anode_first_cycle_loss_mAh_cm2 : float
        Sodium the anode keeps in its first cycle [mAh/cm²].
    cyclable_mAh_cm2 : float
        Sodium inventory that can cycle after the first cycle [mAh/cm²].
    anode_initial_fraction, cathode_initial_fraction : float
        Sodium fractions of the discharged cell [-].
    """

    np_ratio: float
    anode_reversible_mAh_g: float
    cathode_reversible_mAh_g: float
    anode_loading_mg_cm2: float
    cathode_loading_mg_cm2: float
    cathode_to_anode_mass: float
    first_charge_mAh_cm2: float
    anode_first_cycle_loss_mAh_cm2: float
    cyclable_mAh_cm2: float
    anode_initial_fraction: float
    cathode_initial_fraction: float

    @classmethod
    def from_reversible_capacities(cls, cell: FullCell, anode_mAh_g: float, cathode_mAh_g: float,
                                   fresh: bool = False, np_anode_mAh_g: float | None = None,
                                   np_cathode_mAh_g: float | None = None) -> Balance:
        """Balance a full cell by its N/P ratio from its electrodes' reversible capacities [mAh/g]
        in half cells (see :func:`kinetics.design.balance`).

        The cathode loading follows from N/P = (q_a m_a)/(q_c m_c) (``np_anode_mAh_g`` and
        ``np_cathode_mAh_g``: other capacities the N/P counts, e.g. the first cycle's). The
        sodium lost in the first cycle is not replaced: the cathode's first charge releases
        q_c m_c / ICE_c, the anode keeps q_a m_a (1/ICE_a − 1) in its first sodiation, and what
        remains (never more than either electrode can reversibly hold) is the cyclable
        inventory; it starts in the cathode as far as the cathode can hold it. ``fresh``: the
        cell as assembled, for runs whose anode forms its SEI itself (ageing on): no anode loss
        is taken beforehand; the sodium the cathode cannot take back after its first charge
        (its own first-cycle loss, kept as bookkeeping) starts in the anode.
        """
        if cell.np_ratio is None:
            raise InvalidValueError("np_ratio", None, "a positive N/P ratio to balance by")
        anode, cathode = cell.anode_electrode, cell.cathode_electrode
        q_a, q_c = anode_mAh_g, cathode_mAh_g
        m_a = anode.coating.loading_mg_cm2 * 1e-3  # g/cm²
        m_c = (np_anode_mAh_g or q_a) * m_a / (cell.np_ratio * (np_cathode_mAh_g or q_c))
        first_charge = q_c * m_c / cathode.first_cycle_efficiency
        loss = 0.0 if fresh else q_a * m_a * (1.0 / anode.first_cycle_efficiency - 1.0)
        available = max(first_charge - loss, 0.0)
        cyclable = min(available, q_c * m_c, q_a * m_a)
        ocp_a, ocp_c = anode.material.ocp, cathode.material.ocp
        x_a_empty = float(ocp_a.stoichiometry(cell.anode_half.window_V[1], "desodiation"))
        x_c_empty = float(ocp_c.stoichiometry(cell.cathode_half.window_V[1], "desodiation"))
        in_cathode = min(available, q_c * m_c)
        x_c0 = x_c_empty + in_cathode / (ocp_c.total_capacity_mAh_g * m_c)
        x_a0 = x_a_empty + (available - in_cathode) / (ocp_a.total_capacity_mAh_g * m_a)
        return cls(cell.np_ratio, q_a, q_c, m_a * 1e3, m_c * 1e3, m_c / m_a, first_charge, loss, cyclable,
                   x_a0, x_c0)

    @classmethod
    def as_given(cls, anode: Electrode, cathode: Electrode) -> Balance:
        """The loadings and initial sodium fractions the electrodes state themselves (no N/P)."""
        if anode.initial_fraction is None or cathode.initial_fraction is None:
            raise InvalidValueError("np_ratio", None, "a positive N/P ratio (these electrodes give no "
                                    "initial sodium fractions to keep)")
        m_a, m_c = anode.coating.loading_mg_cm2, cathode.coating.loading_mg_cm2
        x_a, x_c = anode.initial_fraction, cathode.initial_fraction
        q_a, q_c = anode.material.ocp.total_capacity_mAh_g, cathode.material.ocp.total_capacity_mAh_g
        inventory = (x_a * q_a * m_a + x_c * q_c * m_c) * 1e-3
        nan = float("nan")
        return cls(nan, nan, nan, m_a, m_c, m_c / m_a, nan, 0.0, inventory, x_a, x_c)

    def to_json(self) -> dict[str, float]:
        return asdict(self)


@dataclass(frozen=True, init=False)
class FullCell:
    """A carbon anode against a cathode, balanced by the N/P ratio.

    The N/P ratio is the anode's reversible areal capacity over the cathode's, both at the
    papers' test current of 20 mA/g, as paper 000 uses it; each reversible capacity is
    simulated in its own half cell against sodium metal by :func:`kinetics.design.balance`,
    which returns the cell with its :class:`Balance`. The cathode loading follows from the
    anode loading and N/P; the sodium lost in the first cycle is not replaced.

    Parameters
    ----------
    anode : str, ParameterSet or HalfCell
        An anode half-cell set (its electrolyte and cell design are used), or the anode's half
        cell made of typed objects.
    cathode : str, ParameterSet or HalfCell
        A cathode set, or the cathode's half cell.
    np_ratio : float or None
        N/P ratio (> 0), see above. ``None`` keeps the loadings and initial sodium fractions
        the electrodes state (``initial_fraction``; converted ``pybamm:<name>`` sets have them).
    model : {"SPM", "SPMe", "DFN"}
    balance : Balance, optional
        The cell's balance, if already known.
    window_V : (float, float), optional
        Full-cell voltage window [V]; default: the cathode set's ``full_cell.*`` window, else the
        anode half cell's.
    """

    anode_half: HalfCell
    cathode_half: HalfCell
    np_ratio: float | None
    model: ModelName
    window_V: tuple[float, float]
    balance: Balance | None = field(repr=False)

    kind = "full"

    def __init__(self, anode: str | ParameterSet | HalfCell = "MPCC-1-ether",
                 cathode: str | ParameterSet | HalfCell = "O3-Na0.9TMO2", np_ratio: float | None = 1.05,
                 model: str = "SPMe", *, balance: Balance | None = None,
                 window_V: tuple[float, float] | None = None):
        model = model_name(model)
        halves = {}
        for role, given in (("anode", anode), ("cathode", cathode)):
            half = given if isinstance(given, HalfCell) else HalfCell(_as_set(given), model, role=role)
            if half.role != role:
                raise InvalidValueError(role, half.name, f"a half cell whose working electrode is the {role}")
            halves[role] = half.with_model(model)
        if np_ratio is not None and not (np.isfinite(np_ratio) and np_ratio > 0):
            raise InvalidValueError("np_ratio", np_ratio,
                                    "a positive N/P ratio (anode over cathode reversible capacity)")
        if window_V is None:
            source = halves["cathode"].source_set
            window_V = (convert.full_cell_window(source) if source is not None else None) or \
                halves["anode"].window_V
        lo, hi = (float(v) for v in window_V)
        if not lo < hi:
            raise InvalidValueError("window_V", window_V, "(lower, upper) with lower < upper")
        if np_ratio is None and balance is None:
            balance = Balance.as_given(halves["anode"].working, halves["cathode"].working)
        for k, v in (("anode_half", halves["anode"]), ("cathode_half", halves["cathode"]), ("np_ratio", np_ratio),
                     ("model", model), ("window_V", (lo, hi)), ("balance", balance)):
            object.__setattr__(self, k, v)

    def with_balance(self, balance: Balance) -> FullCell:
        """The same cell given its balance."""
        return FullCell(self.anode_half, self.cathode_half, self.np_ratio, self.model, balance=balance,
                        window_V=self.window_V)

    @property
    def anode_electrode(self) -> Electrode:
        return self.anode_half.working

    @property
    def cathode_electrode(self) -> Electrode:
        return self.cathode_half.working

    @property
    def electrolyte(self) -> Electrolyte:
        """The full cell's electrolyte: the anode half cell's."""
        return self.anode_half.electrolyte

    @property
    def design(self) -> CellDesign:
        """The anode half cell's geometry and conditions with the full-cell window."""
        return replace(self.anode_half.design, lower_voltage_V=self.window_V[0], upper_voltage_V=self.window_V[1])

    @property
    def anode_set(self) -> ParameterSet:
        return self.anode_half.pset

    @property
    def cathode_set(self) -> ParameterSet:
        return self.cathode_half.pset

    @property
    def name(self) -> str:
        return f"{self.anode_half.name}//{self.cathode_half.name}"

    @property
    def anode_mass_mg(self) -> float:
        """Anode active mass [mg] (its loading in the balance, else in its half cell)."""
        loading = (self.balance.anode_loading_mg_cm2 if self.balance is not None
                   else self.anode_electrode.coating.loading_mg_cm2)
        return loading * self.design.area_cm2

    def current_A(self, specific_current_mA_g: float) -> float:
        """Cell current [A] for a specific current [mA/g of anode active material]."""
        return specific_current_mA_g * 1e-6 * self.anode_mass_mg

    # --- the full cell as parameter-set names (fitting) ------------------------------------
    def _given_balance(self) -> Balance:
        if self.balance is None:
            raise InvalidValueError("full cell balance", None, "a Balance: compute it with kinetics.balance(cell) "
                                    "(simulates both half cells) or give FullCell(..., balance=...)")
        return self.balance

    def values(self) -> dict[str, Any]:
        """Every quantity by its parameter-set name (internal units): the anode half cell's
        (anode, electrolyte, cell), the cathode's ``cathode.*``, and the balance as
        :data:`BALANCE_NAMES` (loadings [mg/cm²] and the initial sodium fractions)."""
        b = self._given_balance()
        out = dict(self.anode_half.values())
        out |= {k: v for k, v in self.cathode_half.values().items() if k.startswith("cathode.")}
        out |= dict(zip(BALANCE_NAMES, (b.anode_loading_mg_cm2, b.cathode_loading_mg_cm2,
                                        b.anode_initial_fraction, b.cathode_initial_fraction)))
        return out

    def with_values(self, values: dict[str, float]) -> FullCell:
        """A copy with quantities changed by their parameter-set names; the balance becomes the
        given loadings and initial fractions (no N/P ratio: the state is stated)."""
        current = self.values()
        for name in values:
            if name not in current or isinstance(current[name], str):
                raise UnknownNameError("numeric parameter of the full cell", name,
                                       [k for k, v in current.items() if not isinstance(v, str)])
        state = {n: float(values.get(n, current[n])) for n in BALANCE_NAMES}
        rest = {k: float(v) for k, v in values.items() if k not in BALANCE_NAMES}
        anode = self.anode_half.with_values({k: v for k, v in rest.items() if not k.startswith("cathode.")})
        cathode = self.cathode_half.with_values({k: v for k, v in rest.items() if k.startswith("cathode.")})
        electrodes = []
        for role, half in (("anode", anode), ("cathode", cathode)):
            e = half.working.with_loading(state[f"{role}.coating.loading"])
            electrodes.append(replace(e, initial_fraction=state[convert.initial_fraction_name(role)]))
        return FullCell(anode, cathode, None, self.model, balance=Balance.as_given(*electrodes),
                        window_V=self.window_V)

    def capacities_Ah(self, values: dict[str, float] | None = None) -> dict[str, float]:
        """Each electrode's full capacity [A·h] (total specific capacity × loading × area) and the
        sodium inventory [A·h] (Σ x·capacity) at the cell's values, or at ``values`` (names)."""
        v = {**self.values(), **(values or {})}
        area = v["cell.area"]
        out = {}
        inventory = 0.0
        for role in ("anode", "cathode"):
            q = convert.total_capacity_mAh_g(v, role) * v[f"{role}.coating.loading"] * 1e-3 * area * 1e-3
            out[role] = q
            inventory += v[convert.initial_fraction_name(role)] * q
        out["sodium_inventory"] = inventory
        return out

    @property
    def pset(self) -> ParameterSet:
        """One set that holds the whole cell: the full-cell set both halves came from, or the
        anode set with the cathode set's ``cathode.*`` entries, each half cell's window, the
        full-cell window and the balance (kind ``derived``, saying how it was obtained)."""
        a, c = self.anode_half.pset, self.cathode_half.pset
        if a is c or (a.name == c.name and a.entries == c.entries):
            base = dict(a.entries)
        else:
            base = dict(a.entries) | {k: e for k, e in c.entries.items() if k.startswith("cathode.")}
        for role, half in (("anode", self.anode_half), ("cathode", self.cathode_half)):
            for edge, v in zip(("lower_voltage", "upper_voltage"), half.window_V):
                base.setdefault(f"{role}.{edge}", Entry(float(v), "V", "derived", f"the {role} half cell's window"))
        for edge, v in zip(("lower_voltage", "upper_voltage"), self.window_V):
            base[f"full_cell.{edge}"] = Entry(float(v), "V", "derived", "the full cell's voltage window")
        how = (f"balanced at N/P {self.np_ratio:g} from simulated half-cell capacities (kinetics.design.balance)"
               if self.np_ratio is not None else "the state the cell was given")
        for name, v in zip(BALANCE_NAMES, [self.values()[n] for n in BALANCE_NAMES]):
            if name not in base or base[name].value != v:  # the cell's own balance, not its sets' defaults
                unit = internal_unit(name)
                base[name] = Entry(float(v), "" if unit == "dimensionless" else unit, "derived", how)
        return ParameterSet(self.name if a is not c else a.name, "full-cell", base,
                            f"full cell {self.name}")


#: The balance of a full cell as parameter-set names: each electrode's active loading [mg/cm²]
#: (its capacity at fixed area) and its sodium fraction at the start of a measured file.
BALANCE_NAMES = ("anode.coating.loading", "cathode.coating.loading", "anode.initial_fraction",
                 "cathode.initial_fraction")

#: What a measured potential of each kind of cell can be: the cell voltage, or one electrode's
#: potential against a sodium reference electrode placed in the middle of the separator (a
#: three-electrode cell): a half cell's carbon (``"working"``), a full cell's anode or cathode.
POTENTIALS = {"half": ("cell", "working"), "full": ("cell", "anode", "cathode")}


def cell_of(parameter_set: str | ParameterSet, model: str = "SPMe") -> HalfCell | FullCell:
    """The cell a set describes: a full cell (in the state the set states) for a set with both
    electrodes, else the set's half cell."""
    pset = _as_set(parameter_set)
    if pset.names("anode.") and pset.names("cathode."):
        return FullCell(pset, pset, None, model)
    return HalfCell(pset, model)
