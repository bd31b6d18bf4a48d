"""Parameters of every fitting problem (GCD fits, GITT refinement, calibration): one abstraction.

A :class:`Parameter` is a parameter-set name (``anode.ocp.pore_filling.capacity``) with a value
(the start of a fit), bounds, whether it varies, and whether it is fitted in log space, in the
manner of lmfit's ``Parameter``; a :class:`Tie` makes one quantity a fixed multiple of another
(``insertion capacity = 1.0 × adsorption capacity``), as a typed object, not a string. The
optimiser works on the transformed variable z of the varied parameters (z = p / scale, or
z = ln p), so that parameters spanning decades (diffusivities, exchange currents) and
parameters of order one are equally well conditioned; :class:`Parameters` maps z to every
value the model reads and carries the chain rule for Jacobians.

Besides set names, ``initial_fraction:<label>`` is the working electrode's sodium fraction at
the start of measured file ``<label>`` (the ``balance`` group), since every file starts from its
own state.

Groups (``--vary ocp,diffusivity``) expand to names so that users need not know every name:

* ``ocp``: the working electrode's stage capacities, potentials and widths;
* ``diffusivity``: its stage diffusivities and the transition minimum (position, depth,
  width), not the activation energy (isothermal data cannot tell it);
* ``kinetics``: the exchange-current densities of the working and counter electrodes and the
  film/contact resistance;
* ``balance``: the initial sodium fraction of each measured file.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..cells import BALANCE_NAMES, FullCell, HalfCell
from ..errors import InvalidValueError, UnknownNameError
from ..physics.form_fits import WIDTH_RANGE
from ..sets import ParameterSet, internal_unit

INITIAL_FRACTION = "initial_fraction"
GROUPS = ("ocp", "diffusivity", "kinetics", "balance")


@dataclass(frozen=True)
class Parameter:
    """One parameter of a fitting problem.

    Parameters
    ----------
    name : str
        Parameter-set name (e.g. ``"anode.diffusivity.pore_filling"``) or
        ``"initial_fraction:<file label>"``.
    value : float
        Start value (fixed value if ``vary`` is false), in the quantity's internal unit (see
        ``kinetics show``).
    lower, upper : float
        Bounds (same unit), lower < upper; the value must lie within them.
    log : bool
        Fit ln(value) instead of value (needs lower > 0).
    vary : bool
        False keeps the value fixed (it is still given to the model).
    """

    name: str
    value: float
    lower: float
    upper: float
    log: bool = False
    vary: bool = True

    def __post_init__(self):
        for what in ("value", "lower", "upper"):
            v = getattr(self, what)
            if not np.isfinite(v):
                raise InvalidValueError(f"{self.name} {what}", v, "a finite number")
        if not self.lower < self.upper:
            raise InvalidValueError(f"{self.name} bounds", (self.lower, self.upper), "lower < upper")
        if self.log and self.lower <= 0:
            raise InvalidValueError(f"{self.name} lower bound", self.lower,
                                    "a positive lower bound for a log-transformed parameter")
        if not self.lower <= self.value <= self.upper:
            raise InvalidValueError(f"{self.name} start", self.value,
                                    f"a start value within its bounds [{self.lower:g}, {self.upper:g}]")

    @property
    def scale(self) -> float:
        """Linear parameters: z = value / scale (|start|, or the bound span if the start is
        within a thousandth of the span of 0, e.g. a fraction starting at 1e-6)."""
        span = self.upper - self.lower
        return abs(self.value) if abs(self.value) > 1e-3 * span else span

    def to_z(self, value: float) -> float:
        return math.log(value) if self.log else value / self.scale

    def from_z(self, z: float) -> float:
        return math.exp(z) if self.log else z * self.scale

    def dvalue_dz(self, value: float) -> float:
        """d value / d z at ``value`` (chain rule for the Jacobian)."""
        return value if self.log else self.scale

    @property
    def is_initial_fraction(self) -> bool:
        return self.name.startswith(INITIAL_FRACTION + ":")

    @property
    def file_label(self) -> str | None:
        return self.name.split(":", 1)[1] if self.is_initial_fraction else None


@dataclass(frozen=True)
class Tie:
    """``name`` = ``factor`` × ``source``: a quantity that follows another of the same unit.

    Example: the sloping capacity shared equally by adsorption and insertion is
    ``Tie("anode.ocp.insertion.capacity", "anode.ocp.adsorption.capacity", 1.0)``.
    """

    name: str
    source: str
    factor: float = 1.0

    def __post_init__(self):
        if not (np.isfinite(self.factor) and self.factor != 0):
            raise InvalidValueError(f"tie {self.name} factor", self.factor, "a finite, non-zero number")
        if self.name == self.source:
            raise InvalidValueError(f"tie {self.name}", self.source, "another parameter")
        units = {n: internal_unit(n) for n in (self.name, self.source)}
        if units[self.name] != units[self.source]:
            raise InvalidValueError(f"tie {self.name} = {self.factor:g} × {self.source}",
                                    f"{units[self.name]} vs {units[self.source]}",
                                    "two quantities of the same unit")


class Parameters:
    """The parameters and ties of one problem: maps the optimiser's vector z (one entry per
    varied parameter) to every value the model reads, with d values / d z.

    Parameters
    ----------
    parameters : sequence of Parameter
    ties : sequence of Tie
        Each tie's source must be one of ``parameters``; a tied name must not be.
    """

    def __init__(self, parameters: Sequence[Parameter], ties: Sequence[Tie] = ()):
        self.parameters = list(parameters)
        self.ties = list(ties)
        names = [p.name for p in self.parameters]
        if len(set(names)) != len(names):
            raise InvalidValueError("parameters", names, "each name once")
        for t in self.ties:
            if t.source not in names:
                raise UnknownNameError(f"source of the tie of {t.name}", t.source, names)
            if t.name in names:
                raise InvalidValueError(f"tie {t.name}", "also a parameter", "a name that is not a parameter")
        if not any(p.vary for p in self.parameters):
            raise InvalidValueError("parameters", names, "at least one parameter that varies")
        self.free = [p for p in self.parameters if p.vary]
        self._by_name = {p.name: p for p in self.parameters}

    @property
    def names(self) -> list[str]:
        """Every name the model is given: parameters, then tied names."""
        return [p.name for p in self.parameters] + [t.name for t in self.ties]

    def values(self, z: np.ndarray) -> dict[str, float]:
        """Every value (parameters and ties) at ``z``."""
        free = iter(z)
        out = {p.name: p.from_z(float(next(free))) if p.vary else p.value for p in self.parameters}
        for t in self.ties:
            out[t.name] = t.factor * out[t.source]
        return out

    def z_of(self, values: Mapping[str, float]) -> np.ndarray:
        return np.array([p.to_z(values[p.name]) for p in self.free])

    @property
    def start(self) -> np.ndarray:
        return self.z_of({p.name: p.value for p in self.parameters})

    @property
    def z_bounds(self) -> tuple[np.ndarray, np.ndarray]:
        return (np.array([p.to_z(p.lower) for p in self.free]), np.array([p.to_z(p.upper) for p in self.free]))

    def dvalues_dz(self, values: Mapping[str, float]) -> np.ndarray:
        """d value / d z: rows in the order of :attr:`names`, columns of the varied parameters."""
        col = {p.name: k for k, p in enumerate(self.free)}
        M = np.zeros((len(self.names), len(self.free)))
        for i, p in enumerate(self.parameters):
            if p.vary:
                M[i, col[p.name]] = p.dvalue_dz(values[p.name])
        for i, t in enumerate(self.ties, start=len(self.parameters)):
            M[i] = t.factor * M[self.names.index(t.source)]
        return M


def default_bounds(name: str, value: float) -> tuple[float, float, bool]:
    """(lower, upper, log) a battery researcher would start from for parameter ``name``.

    Stage capacities ¼–4× their value; stage potentials ±0.2 V; widths, diffusivities,
    exchange currents and radii in log space over a factor 3 (widths), 1000 (diffusivities,
    exchange currents) or 10 (radii) either way; the diffusivity minimum's depth 0–4 decades;
    film resistance 0–100 Ω·cm²; loadings a factor 3 either way (log); initial fractions 0–1.
    """
    rules: tuple[tuple[str, tuple[float, float, bool]], ...] = (
        (r"\.ocp\.[a-z_0-9]+\.capacity$", (0.25 * value, 4.0 * value if value > 0 else 100.0, False)),
        (r"\.ocp\.[a-z_0-9]+\.potential$", (value - 0.2, value + 0.2, False)),
        (r"\.ocp\.[a-z_0-9]+\.width$", (max(0.02, value / 3), min(50.0, value * 3), True)),
        (r"\.ocp\.hysteresis$", (0.0, 0.3, False)),
        (r"\.diffusivity\.minimum_potential$", (value - 0.1, value + 0.1, False)),
        (r"\.diffusivity\.minimum_depth$", (0.0, 4.0, False)),
        (r"\.diffusivity\.minimum_width$", (*WIDTH_RANGE, True)),  # what the GITT analytic fit may return
        (r"activation_energy$", (0.0, 1e5, False)),
        (r"\.diffusivity(\.[a-z_]+)?$", (value / 1e3, value * 1e3, True)),
        (r"exchange_current_density$", (value / 1e3, value * 1e3, True)),
        (r"particle_radius$", (value / 10, value * 10, True)),
        (r"film_resistance$", (0.0, 100.0, False)),
        (r"\.coating\.loading$", (value / 3, value * 3, True)),
        (r"transfer_coefficient$", (0.1, 0.9, False)),
        (r"\.surface\.storage_fraction$", (0.0, 0.99, False)),
        (r"\.surface\.area$", (0.0, 100.0, False)),
        (r"\.surface\.double_layer_capacitance$", (0.0, 1.0, False)),
        (r"(fraction|efficiency)$", (0.0, 1.0, False)),
    )
    if name.startswith(INITIAL_FRACTION + ":"):
        return 0.0, 1.0, False
    for pattern, bounds in rules:
        if re.search(pattern, name):
            return bounds
    return (value / 10, value * 10, True) if value > 0 else (value - 1.0, value + 1.0, False)


def _roles(cell: HalfCell | FullCell) -> tuple[str, ...]:
    return (cell.role,) if isinstance(cell, HalfCell) else ("anode", "cathode")


def _fittable(cell: HalfCell | FullCell) -> list[str]:
    """Names of numeric quantities that a GCD fit can vary (the model reads them): a half cell's
    working electrode and sodium counter electrode; both electrodes of a full cell and its
    balance (:data:`~kinetics.cells.BALANCE_NAMES`)."""
    prefixes = tuple(f"{role}.{part}" for role in _roles(cell)
                     for part in ("ocp.", "diffusivity", "kinetics.", "particle_radius", "surface."))
    prefixes += ("counter.",) if isinstance(cell, HalfCell) else BALANCE_NAMES
    prefixes += ("cell.film_resistance",)
    return [n for n, v in cell.values().items()
            if n.startswith(prefixes) and not isinstance(v, str) and not n.endswith("transfer_coefficient")]


def expand(names: Iterable[str], cell: HalfCell | FullCell, file_labels: Sequence[str]) -> list[str]:
    """Parameter names from names and groups, in order, without repeats; unknown names raise
    with the closest names (and the groups) as suggestions. A full cell's groups cover both
    electrodes; its ``balance`` is each electrode's loading and initial sodium fraction (every
    file starts from that state)."""
    roles = _roles(cell)
    full = isinstance(cell, FullCell)
    fittable = _fittable(cell)
    out: list[str] = []
    for raw in names:
        n = raw.strip()
        if not n:
            continue
        if n == "ocp":
            add = [m for m in fittable for role in roles
                   if re.match(rf"^{role}\.ocp\.[a-z_0-9]+\.(capacity|potential|width)$", m)]
        elif n == "diffusivity":
            add = [m for m in fittable for role in roles if m.startswith(f"{role}.diffusivity")
                   and not m.endswith("activation_energy")]
        elif n == "kinetics":
            add = [m for m in fittable
                   if m.endswith("exchange_current_density") or m == "cell.film_resistance"]
        elif n == "balance":
            add = list(BALANCE_NAMES) if full else [f"{INITIAL_FRACTION}:{label}" for label in file_labels]
        elif n.startswith(INITIAL_FRACTION + ":") and full:
            raise InvalidValueError("--vary", n, "for a full cell, anode.initial_fraction and "
                                    "cathode.initial_fraction (every file starts from the set's state; "
                                    "select steps that do with --step-index or --cycle)")
        elif n.startswith(INITIAL_FRACTION + ":"):
            if n.split(":", 1)[1] not in file_labels:
                raise UnknownNameError("file label", n.split(":", 1)[1], file_labels)
            add = [n]
        elif n in fittable:
            add = [n]
        else:
            raise UnknownNameError("parameter to fit (--vary)", n, list(fittable) + list(GROUPS))
        out.extend(a for a in add if a not in out)
    if not out:
        raise InvalidValueError("--vary", list(names), "at least one parameter name or group")
    return out


def _values_of(source: HalfCell | FullCell | ParameterSet | Mapping[str, Any]) -> Any:
    if isinstance(source, ParameterSet):
        return source.value
    values = source.values() if isinstance(source, HalfCell | FullCell) else source

    def value_of(name: str) -> float:
        if name not in values or isinstance(values[name], str):
            raise UnknownNameError("numeric parameter", name, [k for k, v in values.items() if not isinstance(v, str)])
        return float(values[name])
    return value_of


def make_parameters(names: Sequence[str], source: HalfCell | FullCell | ParameterSet | Mapping[str, Any],
                    start: Mapping[str, float] | None = None,
                    bounds: Mapping[str, tuple[float, float]] | None = None,
                    log: Mapping[str, bool] | None = None,
                    initial_fractions: Mapping[str, float] | None = None) -> list[Parameter]:
    """Parameters for ``names``: start from the cell's (or set's) values, or ``start``; default
    bounds and transforms (or ``bounds``/``log``); checks every start against its bounds."""
    value_of = _values_of(source)
    start, bounds, log = dict(start or {}), dict(bounds or {}), dict(log or {})
    for given in (start, bounds, log):
        for n in given:
            if n not in names:
                raise UnknownNameError("parameter given a start, bounds or log but not varied", n, names)
    out = []
    for n in names:
        if n.startswith(INITIAL_FRACTION + ":"):
            value = (initial_fractions or {}).get(n.split(":", 1)[1], 0.5)
        else:
            value = value_of(n)
        lo, hi, lg = default_bounds(n, value)
        if n in bounds:
            lo, hi = (float(b) for b in bounds[n])
        lg = log.get(n, lg)
        out.append(Parameter(n, float(start.get(n, value)), float(lo), float(hi), bool(lg)))
    return out
