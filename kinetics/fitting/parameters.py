"""Fitted parameters: names checked against the parameter set, bounds, log transforms, groups.

A :class:`FitParameter` is a parameter-set name (``anode.ocp.pore_filling.capacity``) with a
start value, bounds and whether it is fitted in log space; the optimiser works on the
transformed variable z (z = p / scale, or z = ln p), so that parameters spanning decades
(diffusivities, exchange currents) and parameters of order one are equally well conditioned.

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

import numpy as np

from ..errors import InvalidValueError, UnknownNameError
from ..parameter_sets import ParameterSet

INITIAL_FRACTION = "initial_fraction"
GROUPS = ("ocp", "diffusivity", "kinetics", "balance")


@dataclass(frozen=True)
class FitParameter:
    """One fitted parameter.

    Parameters
    ----------
    name : str
        Parameter-set name (e.g. ``"anode.diffusivity.pore_filling"``) or
        ``"initial_fraction:<file label>"``.
    start : float
        Start value, in the quantity's internal unit (see ``kinetics show``).
    lower, upper : float
        Bounds (same unit), lower < upper; the start must lie within them.
    log : bool
        Fit ln(value) instead of value (needs lower > 0).
    """

    name: str
    start: float
    lower: float
    upper: float
    log: bool = False

    def __post_init__(self):
        for what in ("start", "lower", "upper"):
            v = getattr(self, what)
            if not np.isfinite(v):
                raise InvalidValueError(f"{self.name} {what}", v, "a finite number")
        if not self.lower < self.upper:
            raise InvalidValueError(f"{self.name} bounds", (self.lower, self.upper), "lower < upper")
        if self.log and self.lower <= 0:
            raise InvalidValueError(f"{self.name} lower bound", self.lower,
                                    "a positive lower bound for a log-transformed parameter")
        if not self.lower <= self.start <= self.upper:
            raise InvalidValueError(f"{self.name} start", self.start,
                                    f"a start value within its bounds [{self.lower:g}, {self.upper:g}]")

    @property
    def scale(self) -> float:
        """Linear parameters: z = value / scale (|start|, or the bound span if start is 0)."""
        return abs(self.start) if self.start != 0 else (self.upper - self.lower)

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


def default_bounds(name: str, value: float) -> tuple[float, float, bool]:
    """(lower, upper, log) a battery researcher would start from for parameter ``name``.

    Stage capacities ¼–4× their value; stage potentials ±0.2 V; widths, diffusivities,
    exchange currents and radii in log space over a factor 3 (widths), 1000 (diffusivities,
    exchange currents) or 10 (radii) either way; the diffusivity minimum's depth 0–4 decades;
    film resistance 0–100 Ω·cm²; initial fractions 0–1.
    """
    rules: tuple[tuple[str, tuple[float, float, bool]], ...] = (
        (r"\.ocp\.[a-z_0-9]+\.capacity$", (0.25 * value, 4.0 * value if value > 0 else 100.0, False)),
        (r"\.ocp\.[a-z_0-9]+\.potential$", (value - 0.2, value + 0.2, False)),
        (r"\.ocp\.[a-z_0-9]+\.width$", (max(0.02, value / 3), min(50.0, value * 3), True)),
        (r"\.ocp\.hysteresis$", (0.0, 0.3, False)),
        (r"\.diffusivity\.minimum_potential$", (value - 0.1, value + 0.1, False)),
        (r"\.diffusivity\.minimum_depth$", (0.0, 4.0, False)),
        (r"\.diffusivity\.minimum_width$", (0.01, 0.5, True)),
        (r"activation_energy$", (0.0, 1e5, False)),
        (r"\.diffusivity(\.[a-z_]+)?$", (value / 1e3, value * 1e3, True)),
        (r"exchange_current_density$", (value / 1e3, value * 1e3, True)),
        (r"particle_radius$", (value / 10, value * 10, True)),
        (r"film_resistance$", (0.0, 100.0, False)),
        (r"transfer_coefficient$", (0.1, 0.9, False)),
        (r"(fraction|efficiency)$", (0.0, 1.0, False)),
    )
    if name.startswith(INITIAL_FRACTION + ":"):
        return 0.0, 1.0, False
    for pattern, bounds in rules:
        if re.search(pattern, name):
            return bounds
    return (value / 10, value * 10, True) if value > 0 else (value - 1.0, value + 1.0, False)


def _fittable(pset: ParameterSet, role: str) -> list[str]:
    """Names of numeric parameters that a GCD fit can vary (the model reads them)."""
    prefixes = (f"{role}.ocp.", f"{role}.diffusivity", f"{role}.kinetics.", f"{role}.particle_radius",
                "counter.", "cell.film_resistance")
    out = []
    for n in pset.names():
        if n.startswith(prefixes) and not isinstance(pset.entries[n].value, str):
            if n.endswith("transfer_coefficient") or n.endswith(".name"):
                continue
            out.append(n)
    return out


def expand(names: Iterable[str], pset: ParameterSet, role: str, file_labels: Sequence[str]) -> list[str]:
    """Parameter names from names and groups, in order, without repeats; unknown names raise
    with the closest names (and the groups) as suggestions."""
    fittable = _fittable(pset, role)
    out: list[str] = []
    for raw in names:
        n = raw.strip()
        if not n:
            continue
        if n == "ocp":
            stage = rf"^{role}\.ocp\.[a-z_0-9]+\.(capacity|potential|width)$"
            add = [m for m in fittable if re.match(stage, m)]
        elif n == "diffusivity":
            add = [m for m in fittable if m.startswith(f"{role}.diffusivity")
                   and not m.endswith("activation_energy")]
        elif n == "kinetics":
            add = [m for m in fittable
                   if m.endswith("exchange_current_density") or m == "cell.film_resistance"]
        elif n == "balance":
            add = [f"{INITIAL_FRACTION}:{label}" for label in file_labels]
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


def make_parameters(names: Sequence[str], pset: ParameterSet, start: Mapping[str, float] | None = None,
                    bounds: Mapping[str, tuple[float, float]] | None = None,
                    log: Mapping[str, bool] | None = None,
                    initial_fractions: Mapping[str, float] | None = None) -> list[FitParameter]:
    """FitParameters for ``names``: start from the set (or ``start``), default bounds and
    transforms (or ``bounds``/``log``); checks every start against its bounds."""
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
            value = pset.value(n)
        lo, hi, lg = default_bounds(n, value)
        if n in bounds:
            lo, hi = (float(b) for b in bounds[n])
        lg = log.get(n, lg)
        out.append(FitParameter(n, float(start.get(n, value)), float(lo), float(hi), bool(lg)))
    return out
