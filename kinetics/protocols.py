"""Protocols: what a cycler does to a cell, step by step, without any solver.

Step kinds
----------
* :class:`Step` — constant current until a voltage limit or for a duration (``sodiate``,
  ``desodiate``, ``charge``, ``discharge``), with an optional constant-voltage hold (CC-CV), or
  an open-circuit ``rest``;
* :class:`Hold` — a constant voltage until the current falls below a value or for a duration;
* :class:`Sweep` — a voltage swept linearly at a scan rate through vertex potentials
  (``linear_sweep``, ``triangular_sweep``: cyclic voltammetry), applied as a piecewise-linear
  function of time through its breakpoints;
* :class:`Drive` — a current or voltage that is a function of time (or a table);
* :class:`Repeat` — a block of steps repeated N times (long runs), keeping the time series only
  of the cycles asked for and a summary of every cycle.

Currents have one grammar everywhere (:class:`Current`): ``"20mA/g"``, ``"2A/g"``, ``"0.5C"``,
``"C/20"``, ``"1.5A"``, ``"200mA"``, ``"50µA"``; a bare number is mA/g. Specific currents are per
gram of active material of the working electrode (half cell) or the anode (full cell); 1C is
each material's ``one_c_current`` (300 mA/g for the carbons here).

Verbs: in a half cell ``sodiate``/``desodiate`` act on the working electrode; in a full cell
``charge`` sodiates the anode and ``discharge`` desodiates it. The engine
(:mod:`kinetics.engine.steps`) turns steps into PyBaMM's.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Literal

import numpy as np

from .errors import InvalidValueError, UnknownNameError
from .units import check_temperature, quantity

Direction = Literal["sodiate", "desodiate", "charge", "discharge", "rest"]
DIRECTIONS = ("sodiate", "desodiate", "charge", "discharge", "rest")
#: Directions whose current makes the cell voltage fall (half cell: carbon potential falls).
_FALLING = {"half": {"sodiate", "discharge"}, "full": {"discharge", "desodiate"}}

_NUMBER = r"[0-9]*\.?[0-9]+(?:[eE][-+]?[0-9]+)?"
_GRAMMAR = ("a current written without spaces: a specific current (20mA/g, 2A/g), a C-rate (0.5C, C/20) or a "
            "current (1.5A, 200mA, 50µA)")


# ----------------------------------------------------------------------------- currents
@dataclass(frozen=True)
class Current:
    """A current in hc-kinetics' one grammar.

    Attributes
    ----------
    value : float
        Magnitude (> 0); the step's direction sets the sign.
    unit : str
        ``"C"`` (C-rate: 1C is the material's ``one_c_current``), a specific current (``mA/g``,
        ``A/g``, …) or a current (``A``, ``mA``, ``µA``).
    """

    value: float
    unit: str

    def __post_init__(self):
        if not (np.isfinite(self.value) and self.value > 0):
            raise InvalidValueError("current", f"{self.value}{self.unit}", "a positive current (direction sets "
                                    "the sign)")
        if self.unit != "C":
            try:
                q = quantity(1.0, self.unit)
            except InvalidValueError:
                raise InvalidValueError("current", str(self), _GRAMMAR) from None
            if not (q.check("[current]") or q.check("[current]/[mass]")):
                raise InvalidValueError("current", str(self), _GRAMMAR)

    @classmethod
    def parse(cls, text: str, field_name: str = "current") -> Current:
        """``"20mA/g"`` → Current(20, "mA/g"); ``"C/20"`` → Current(0.05, "C"). Spaces are refused
        (``"20 mA"``): one token per current, as in ``curve.csv@20mA``."""
        raw = str(text)
        m = re.fullmatch(rf"({_NUMBER})([A-Za-zµμ/]+)", raw)
        if m:
            value, unit = float(m.group(1)), m.group(2).replace("μ", "µ").replace("uA", "µA")
        else:
            m = re.fullmatch(rf"C/({_NUMBER})", raw)
            if not m or float(m.group(1)) <= 0:
                raise InvalidValueError(field_name, raw, _GRAMMAR)
            value, unit = 1.0 / float(m.group(1)), "C"
        try:
            return cls(value, unit)
        except InvalidValueError:
            raise InvalidValueError(field_name, raw, _GRAMMAR) from None

    @property
    def is_absolute(self) -> bool:
        """A current in A (not per gram, not a C-rate)."""
        return self.unit != "C" and quantity(1.0, self.unit).check("[current]")

    def mA_g(self, mass_mg: float | None, one_c_mA_g: float | None) -> float:
        """The current in mA/g of active material (``mass_mg`` for currents in A, ``one_c_mA_g``
        for C-rates)."""
        if self.unit == "C":
            if not one_c_mA_g:
                raise InvalidValueError("1C", one_c_mA_g, f"the material's 1C in mA/g to turn {self} into mA/g")
            return self.value * one_c_mA_g
        q = quantity(self.value, self.unit)
        if self.is_absolute:
            if not mass_mg:
                raise InvalidValueError("active mass", mass_mg,
                                        f"a positive mass in mg (--mass-mg) to turn {self} into mA/g")
            return float(q.to("mA").magnitude) / (mass_mg * 1e-3)
        return float(q.to("mA/g").magnitude)

    def __str__(self) -> str:
        return f"{self.value:g}{self.unit}"


def as_current(value: Current | str | float, field_name: str = "current") -> Current:
    """A :class:`Current` from a Current, a grammar string, or a number of mA/g."""
    if isinstance(value, Current):
        return value
    if isinstance(value, str):
        return Current.parse(value, field_name)
    if isinstance(value, bool) or not isinstance(value, int | float | np.floating | np.integer):
        raise InvalidValueError(field_name, value, _GRAMMAR + ", or a number of mA/g")
    try:
        return Current(float(value), "mA/g")
    except InvalidValueError:
        raise InvalidValueError(field_name, value, "a positive current (direction sets the sign)") from None


def _positive(name: str, value: float | None, allowed: str, optional: bool = True) -> None:
    if value is None and optional:
        return
    if value is None or not (np.isfinite(value) and value > 0):
        raise InvalidValueError(name, value, allowed)


# ----------------------------------------------------------------------------- step kinds
@dataclass(frozen=True)
class Step:
    """A constant-current step (with an optional CC-CV hold) or an open-circuit rest.

    Attributes
    ----------
    direction : {"sodiate", "desodiate", "charge", "discharge", "rest"}
    specific_current_mA_g : float, optional
        Constant current [mA/g of active material], > 0.
    c_rate : float, optional
        Alternatively, a C-rate (1C = the material's ``one_c_current`` in mA/g).
    limit_V : float, optional
        Voltage at which the step ends [V].
    hold_until_mA_g : float, optional
        CC-CV: after reaching ``limit_V``, hold it until the current falls below this [mA/g].
    duration_h : float, optional
        Rest duration, or a time limit for a current step [h].
    label : str
        Free text carried into the results (e.g. "20 mA/g, cycle 1").
    rate_group : float, optional
        The rate [mA/g] a rate test groups this step under.
    sample_period_s : float, optional
        Output (logging) period [s], as a cycler's record interval; default 1/400 of the
        step's time bound (current steps) or 1/100 of the rest.
    current : Current or str, optional
        Alternatively, the current in the one grammar (``"20mA/g"``, ``"0.5C"``, ``"1.5A"``).
    temperature_K : float, optional
        Cell temperature during this step [K] (233–353 K); default the cell's.
    to_window : bool
        The step ends at the cell's window limit in its direction (``limit_V`` is filled in when
        the protocol meets a cell: :func:`with_window_limits`). What ``sodiate()``,
        ``desodiate()``, ``charge()`` and ``discharge()`` do when no ``until_V`` is given.
    """

    direction: Direction
    specific_current_mA_g: float | None = None
    c_rate: float | None = None
    limit_V: float | None = None
    hold_until_mA_g: float | None = None
    duration_h: float | None = None
    label: str = ""
    rate_group: float | None = None
    sample_period_s: float | None = None
    current: Current | str | None = None
    temperature_K: float | None = None
    to_window: bool = False

    def __post_init__(self):
        if self.direction not in DIRECTIONS:
            raise UnknownNameError("step direction", self.direction, DIRECTIONS)
        check_temperature("step temperature_K", self.temperature_K)
        _positive("sample_period_s", self.sample_period_s, "a positive period in s")
        if self.direction == "rest":
            _positive("rest duration_h", self.duration_h, "a positive duration in h", optional=False)
            return
        given = [v is not None for v in (self.specific_current_mA_g, self.c_rate, self.current)]
        if sum(given) != 1:
            raise InvalidValueError("current", (self.specific_current_mA_g, self.c_rate, self.current),
                                    "exactly one of specific_current_mA_g, c_rate and current")
        if self.current is not None:
            current = as_current(self.current)
        elif self.c_rate is not None:
            current = as_current(self.c_rate, "c_rate")
            current = Current(current.value, "C")
        else:
            current = as_current(self.specific_current_mA_g, "specific_current_mA_g")
        object.__setattr__(self, "current", current)
        if self.limit_V is None and self.duration_h is None and not self.to_window:
            raise InvalidValueError("limit_V", None, "a voltage limit or a duration_h for a current step")
        _positive("duration_h", self.duration_h, "a positive duration in h")
        _positive("hold_until_mA_g", self.hold_until_mA_g, "a positive current in mA/g")
        if self.hold_until_mA_g is not None and self.limit_V is None and not self.to_window:
            raise InvalidValueError("hold_until_mA_g", self.hold_until_mA_g, "a CC-CV hold needs the step's limit_V")

    def current_mA_g(self, one_c_mA_g: float | None = None, mass_mg: float | None = None) -> float:
        """Specific current [mA/g] of this step (0 for a rest)."""
        if self.direction == "rest":
            return 0.0
        return self.current.mA_g(mass_mg, one_c_mA_g)


@dataclass(frozen=True)
class Hold:
    """A constant voltage ``voltage_V`` held until |I| falls below ``until_mA_g`` or for
    ``duration_h`` (whichever comes first; at least one is needed)."""

    voltage_V: float
    until_mA_g: float | None = None
    duration_h: float | None = None
    label: str = ""
    rate_group: float | None = None
    sample_period_s: float | None = None
    temperature_K: float | None = None

    direction = "hold"

    def __post_init__(self):
        if not np.isfinite(self.voltage_V):
            raise InvalidValueError("hold voltage_V", self.voltage_V, "a finite voltage")
        if self.until_mA_g is None and self.duration_h is None:
            raise InvalidValueError("hold", None, "an end current until_mA_g or a duration_h")
        _positive("hold until_mA_g", self.until_mA_g, "a positive current in mA/g")
        _positive("hold duration_h", self.duration_h, "a positive duration in h")
        _positive("sample_period_s", self.sample_period_s, "a positive period in s")
        check_temperature("step temperature_K", self.temperature_K)


@dataclass(frozen=True)
class Sweep:
    """A voltage swept at ``scan_rate_mV_s`` from its start through ``vertices_V`` in turn:
    V(t) is piecewise linear between the breakpoints (start, vertex 1, vertex 2, …).

    Attributes
    ----------
    vertices_V : tuple of float
        The potentials the sweep turns at (the last is where it ends) [V].
    scan_rate_mV_s : float
        Scan rate [mV/s] > 0.
    start_V : float or None
        Start potential [V]; None starts where the cell is (its open-circuit potential when the
        sweep follows the start or a rest), so that no voltage jump opens the sweep.
    sample_period_s : float, optional
        Output period [s]; default every 2 mV of sweep.
    """

    vertices_V: tuple[float, ...]
    scan_rate_mV_s: float
    start_V: float | None = None
    label: str = ""
    rate_group: float | None = None
    sample_period_s: float | None = None
    temperature_K: float | None = None

    direction = "sweep"

    def __post_init__(self):
        vertices = tuple(float(v) for v in self.vertices_V)
        if not vertices or not all(np.isfinite(vertices)):
            raise InvalidValueError("sweep vertices_V", self.vertices_V, "one or more finite potentials")
        object.__setattr__(self, "vertices_V", vertices)
        _positive("scan_rate_mV_s", self.scan_rate_mV_s, "a positive scan rate in mV/s", optional=False)
        if self.start_V is not None and not np.isfinite(self.start_V):
            raise InvalidValueError("sweep start_V", self.start_V, "a finite potential or None (from the cell)")
        _positive("sample_period_s", self.sample_period_s, "a positive period in s")
        check_temperature("step temperature_K", self.temperature_K)

    def breakpoints(self, start_V: float) -> tuple[np.ndarray, np.ndarray]:
        """(times [s from the start], potentials [V]) of the piecewise-linear V(t)."""
        V = np.array([start_V, *self.vertices_V])
        t = np.concatenate([[0.0], np.cumsum(np.abs(np.diff(V)) / (self.scan_rate_mV_s * 1e-3))])
        keep = np.r_[True, np.diff(t) > 0]  # a vertex equal to the start adds no leg
        return t[keep], V[keep]

    def period_s(self) -> float:
        return self.sample_period_s or 2.0 / self.scan_rate_mV_s


@dataclass(frozen=True)
class Drive:
    """A current or a voltage that is a function of time, for ``duration_h``.

    Attributes
    ----------
    quantity : {"current_mA_g", "voltage_V"}
        What is driven. A current is positive when sodium leaves the working electrode (half
        cell) or the anode (full cell), as in the results' ``current_mA_g``.
    function : callable, optional
        f(t) of the time [s] from the start of the step, written with numpy functions (it is
        evaluated on the solver's symbolic time).
    table : (times_s, values) arrays, optional
        Alternatively, samples interpolated linearly (times from 0).
    limits_V : (lower, upper), optional
        The step ends if the voltage leaves this window.
    """

    quantity: Literal["current_mA_g", "voltage_V"]
    duration_h: float
    function: Callable[[float], float] | None = None
    table: tuple[np.ndarray, np.ndarray] | None = None
    limits_V: tuple[float, float] | None = None
    label: str = ""
    rate_group: float | None = None
    sample_period_s: float | None = None
    temperature_K: float | None = None

    direction = "drive"

    def __post_init__(self):
        if self.quantity not in ("current_mA_g", "voltage_V"):
            raise UnknownNameError("drive quantity", self.quantity, ("current_mA_g", "voltage_V"))
        _positive("drive duration_h", self.duration_h, "a positive duration in h", optional=False)
        if (self.function is None) == (self.table is None):
            raise InvalidValueError("drive", (self.function, self.table), "exactly one of function and table")
        if self.table is not None:
            t, v = (np.asarray(a, float) for a in self.table)
            if t.ndim != 1 or t.shape != v.shape or len(t) < 2 or t[0] != 0 or np.any(np.diff(t) <= 0) \
                    or not np.all(np.isfinite(v)):
                raise InvalidValueError("drive table", f"{t.shape} times, {v.shape} values",
                                        "two equal-length arrays, times increasing from 0, finite values")
            object.__setattr__(self, "table", (t, v))
        else:
            with np.errstate(all="ignore"):
                probe = [self.function(float(t)) for t in np.linspace(0.0, self.duration_h * 3600.0, 5)]
            if not all(np.isscalar(p) and np.isfinite(p) for p in probe):
                raise InvalidValueError("drive function", probe[:2], "a finite number at every time")
        if self.limits_V is not None and not self.limits_V[0] < self.limits_V[1]:
            raise InvalidValueError("drive limits_V", self.limits_V, "(lower, upper) with lower < upper")
        _positive("sample_period_s", self.sample_period_s, "a positive period in s")
        check_temperature("step temperature_K", self.temperature_K)


StepKind = Step | Hold | Sweep | Drive


@dataclass(frozen=True)
class Repeat:
    """``block`` repeated ``cycles`` times as one long run.

    Attributes
    ----------
    block : tuple of steps
        One cycle (any step kinds but another Repeat).
    cycles : int
        Number of cycles, >= 1.
    keep_cycles : tuple of int or None
        The cycles (1-based) whose time series the result keeps; every cycle gets its summary
        row. None keeps all of up to 20 cycles, else the first, every tenth of the run and the last.
    """

    block: tuple[StepKind, ...]
    cycles: int
    keep_cycles: tuple[int, ...] | None = None
    label: str = ""

    def __post_init__(self):
        block = tuple(self.block)
        if not block:
            raise InvalidValueError("repeat block", self.block, "at least one step")
        for s in block:
            if not isinstance(s, Step | Hold | Sweep | Drive):
                raise InvalidValueError("repeat block", type(s).__name__, "steps (a Repeat cannot hold a Repeat)")
        object.__setattr__(self, "block", block)
        if isinstance(self.cycles, bool) or int(self.cycles) != self.cycles or self.cycles < 1:
            raise InvalidValueError("repeat cycles", self.cycles, "a whole number of cycles >= 1")
        object.__setattr__(self, "cycles", int(self.cycles))
        if self.keep_cycles is not None:
            keep = tuple(sorted({int(c) for c in self.keep_cycles}))
            if any(not 1 <= c <= self.cycles for c in keep):
                raise InvalidValueError("keep_cycles", self.keep_cycles, f"cycle numbers from 1 to {self.cycles}")
            object.__setattr__(self, "keep_cycles", keep)

    def kept(self) -> frozenset[int]:
        """The cycles whose time series are kept."""
        if self.keep_cycles is not None:
            return frozenset(self.keep_cycles)
        if self.cycles <= 20:
            return frozenset(range(1, self.cycles + 1))
        tenth = max(self.cycles // 10, 1)
        return frozenset({1, self.cycles} | set(range(tenth, self.cycles + 1, tenth)))


Protocol = Sequence[StepKind | Repeat]


@dataclass(frozen=True)
class Chunk:
    """What the engine solves in one go: one step, or one cycle of a repeat block.

    Attributes
    ----------
    steps : tuple of steps
    cycle : int or None
        The cycle number within its repeat block (1-based); None for a step of its own.
    block : int or None
        Index of the repeat block in the protocol; None for a step of its own.
    keep : bool
        Whether the result keeps this chunk's time series.
    """

    steps: tuple[StepKind, ...]
    cycle: int | None = None
    block: int | None = None
    keep: bool = True
    first_step: int = field(default=0, compare=False)


def chunks(protocol: Protocol) -> list[Chunk]:
    """The protocol as the engine solves it: one chunk per step, one per cycle of a block.
    ``first_step`` numbers the steps of the whole run in order."""
    out, k = [], 0
    for b, item in enumerate(protocol):
        if isinstance(item, Repeat):
            kept = item.kept()
            for c in range(1, item.cycles + 1):
                out.append(Chunk(item.block, c, b, c in kept, k))
                k += len(item.block)
        else:
            out.append(Chunk((item,), None, None, True, k))
            k += 1
    return out


def steps_of(protocol: Protocol) -> list[StepKind]:
    """Every step of the run, in order (repeat blocks expanded)."""
    return [s for c in chunks(protocol) for s in c.steps]


# ----------------------------------------------------------------------------- builders
def sodiate(current: Current | str | float | None = None, until_V: float | None = None, *, c_rate: float | None = None,
            hold_until_mA_g: float | None = None, label: str = "") -> Step:
    """Galvanostatic sodiation of the working electrode (half cell) down to ``until_V`` (default:
    the cell's lower window limit). ``current``: ``"20mA/g"``, ``"0.5C"``, ``"0.2mA"`` or a number
    of mA/g."""
    return _current_step("sodiate", current, until_V, c_rate, hold_until_mA_g, label)


def desodiate(current: Current | str | float | None = None, until_V: float | None = None, *,
              c_rate: float | None = None, hold_until_mA_g: float | None = None, label: str = "") -> Step:
    """Galvanostatic desodiation of the working electrode (half cell) up to ``until_V`` (default:
    the cell's upper window limit)."""
    return _current_step("desodiate", current, until_V, c_rate, hold_until_mA_g, label)


def charge(current: Current | str | float | None = None, until_V: float | None = None, *, c_rate: float | None = None,
           hold_until_mA_g: float | None = None, label: str = "") -> Step:
    """Full cell: charge (sodiate the anode) at mA/g of anode up to ``until_V`` (default: the
    cell's upper window limit)."""
    return _current_step("charge", current, until_V, c_rate, hold_until_mA_g, label)


def discharge(current: Current | str | float | None = None, until_V: float | None = None, *,
              c_rate: float | None = None, label: str = "") -> Step:
    """Full cell: discharge (desodiate the anode) at mA/g of anode down to ``until_V`` (default:
    the cell's lower window limit)."""
    return _current_step("discharge", current, until_V, c_rate, None, label)


def _current_step(direction, current, until_V, c_rate, hold_until_mA_g, label) -> Step:
    if current is not None and c_rate is not None:
        raise InvalidValueError("current", (current, c_rate), "a current or a c_rate, not both")
    return Step(direction, None, c_rate, until_V, hold_until_mA_g, label=label,
                current=None if current is None else as_current(current), to_window=until_V is None)


def rest(hours: float, label: str = "") -> Step:
    """Open-circuit rest [h]."""
    return Step("rest", duration_h=hours, label=label)


def hold(voltage_V: float, until_mA_g: float | None = None, duration_h: float | None = None, label: str = "") -> Hold:
    """Hold ``voltage_V`` until |I| < ``until_mA_g`` [mA/g] or for ``duration_h``."""
    return Hold(voltage_V, until_mA_g, duration_h, label)


def linear_sweep(to_V: float, scan_rate_mV_s: float, start_V: float | None = None, label: str = "") -> Sweep:
    """Sweep linearly from the start (default: where the cell is) to ``to_V`` at ``scan_rate_mV_s``."""
    return Sweep((to_V,), scan_rate_mV_s, start_V, label)


def triangular_sweep(lower_V: float, upper_V: float, scan_rate_mV_s: float, cycles: int = 1,
                     first: Literal["down", "up"] = "down", start_V: float | None = None, label: str = "") -> Sweep:
    """Cyclic voltammetry: from the start (default: the cell's open-circuit potential) to the
    first vertex, then between ``lower_V`` and ``upper_V`` for ``cycles`` cycles."""
    if not lower_V < upper_V:
        raise InvalidValueError("sweep vertices", (lower_V, upper_V), "lower_V < upper_V")
    if isinstance(cycles, bool) or int(cycles) != cycles or cycles < 1:
        raise InvalidValueError("sweep cycles", cycles, "a whole number of cycles >= 1")
    if first not in ("down", "up"):
        raise UnknownNameError("first sweep direction", first, ("down", "up"))
    pair = (lower_V, upper_V) if first == "down" else (upper_V, lower_V)
    return Sweep(pair * int(cycles), scan_rate_mV_s, start_V, label)


def drive(quantity: Literal["current_mA_g", "voltage_V"], duration_h: float,
          function: Callable[[float], float] | None = None, table: tuple | None = None,
          limits_V: tuple[float, float] | None = None, label: str = "") -> Drive:
    """A current [mA/g, + = sodium out of the working electrode/anode] or voltage [V] as a
    function of time [s] (or a table) for ``duration_h``."""
    return Drive(quantity, duration_h, function, table, limits_V, label)


def repeat(block: Iterable[StepKind], cycles: int, keep_cycles: Iterable[int] | None = None, label: str = "") -> Repeat:
    """``block`` repeated ``cycles`` times (see :class:`Repeat` for which time series are kept)."""
    return Repeat(tuple(block), cycles, None if keep_cycles is None else tuple(keep_cycles), label)


def rate_test(currents_mA_g: Sequence[float | str | Current] = (20, 50, 100, 200, 500, 1000, 2000),
              cycles: int = 1, window_V: tuple[float, float] = (0.01, 3.0),
              cell_kind: Literal["half", "full"] = "half", rest_h: float = 0.0,
              temperature_K: float | None = None) -> tuple[Step, ...]:
    """A rate test as in the papers: at each current, ``cycles`` × (sodiate, desodiate).

    Half cell: sodiate to ``window_V[0]`` then desodiate to ``window_V[1]``. Full cell: charge
    to ``window_V[1]`` then discharge to ``window_V[0]``. Each step carries ``rate_group`` (its
    current in mA/g; for a C-rate or an absolute current, its value) and a label such as
    ``"200 mA/g, cycle 1"``. ``temperature_K`` runs every step at that temperature [K]
    (default: the cell's).
    """
    lo, hi = window_V
    if not lo < hi:
        raise InvalidValueError("window_V", window_V, "(lower, upper) with lower < upper")
    if isinstance(cycles, bool) or int(cycles) != cycles or cycles < 1:
        raise InvalidValueError("cycles", cycles, "a positive whole number")
    currents = [as_current(i, "rate") for i in currents_mA_g]
    if not currents:
        raise InvalidValueError("currents_mA_g", list(currents_mA_g), "at least one current")
    steps: list[Step] = []
    first, second = (("sodiate", lo), ("desodiate", hi)) if cell_kind == "half" else (("charge", hi), ("discharge", lo))
    for i in currents:
        text = f"{i.value:g} mA/g" if i.unit == "mA/g" else str(i)
        for n in range(int(cycles)):
            label = f"{text}, cycle {n + 1}"
            T = temperature_K
            steps.append(Step(first[0], limit_V=first[1], label=label, rate_group=i.value, current=i, temperature_K=T))
            if rest_h:
                steps.append(Step("rest", duration_h=rest_h, label=label, rate_group=i.value, temperature_K=T))
            steps.append(Step(second[0], limit_V=second[1], label=label, rate_group=i.value, current=i,
                              temperature_K=T))
    return tuple(steps)


def gitt(pulse_mA_g: float = 50.0, pulse_min: float = 10.0, rest_min: float = 40.0,
         direction: Literal["sodiate", "desodiate"] = "sodiate", until_V: float = 0.01,
         n_pulses: int = 60, first_rest_min: float = 0.0) -> tuple[Step, ...]:
    """A GITT pulse/rest train (paper 003's protocol by default: "a pulse current of 50 mA g^{-1}
    for 10 min with a duration of 40 min", read as a 40 min rest).

    Each pulse stops early at ``until_V``; the run then ends (a truncated last pulse, as on a
    cycler).
    """
    if direction not in ("sodiate", "desodiate"):
        raise UnknownNameError("GITT direction", direction, ("sodiate", "desodiate"))
    for name, value in (("pulse_mA_g", pulse_mA_g), ("pulse_min", pulse_min), ("rest_min", rest_min)):
        _positive(name, value, "a positive number", optional=False)
    if int(n_pulses) != n_pulses or n_pulses < 1:
        raise InvalidValueError("n_pulses", n_pulses, "a positive whole number")
    steps: list[Step] = [rest(first_rest_min / 60.0, "initial rest")] if first_rest_min > 0 else []
    for k in range(int(n_pulses)):
        label = f"pulse {k + 1}"
        steps.append(Step(direction, float(pulse_mA_g), None, until_V, duration_h=pulse_min / 60.0, label=label))
        steps.append(rest(rest_min / 60.0, label))
    return tuple(steps)


# ----------------------------------------------------------------------------- checks
def voltage_falls(cell_kind: str, direction: str) -> bool:
    """Whether the cell voltage falls during a current step in ``direction`` (half cell: the
    carbon's potential falls while it is sodiated)."""
    return direction in _FALLING[cell_kind]


def with_window_limits(protocol: Protocol, window_V: tuple[float, float], cell_kind: str) -> Protocol:
    """``protocol`` with every ``to_window`` step ending at the cell's window limit in its
    direction (lower while the voltage falls, upper while it rises)."""
    lo, hi = window_V

    def fill(s):
        if isinstance(s, Step) and s.to_window and s.limit_V is None:
            return replace(s, limit_V=lo if voltage_falls(cell_kind, s.direction) else hi)
        return s

    if not isinstance(protocol, Sequence) or isinstance(protocol, str):
        return protocol
    return tuple(replace(p, block=tuple(fill(s) for s in p.block)) if isinstance(p, Repeat) else fill(p)
                 for p in protocol)


def check(protocol: Protocol, window_V: tuple[float, float], cell_kind: str,
          mA_g_of: Callable[[Current], float]) -> None:
    """Bad input before any solve: a limit, hold or vertex outside the cell's window, a direction
    the cell does not have, a CC-CV hold whose end current is not below its step's current.
    ``mA_g_of`` turns a :class:`Current` into the cell's mA/g."""
    lo, hi = window_V
    if not isinstance(protocol, Sequence) or isinstance(protocol, str) or not protocol:
        raise InvalidValueError("protocol", protocol, "a non-empty sequence of steps")
    inside = f"a voltage inside the cell's window {lo:g}–{hi:g} V"
    verbs = {"half": ("sodiate", "desodiate", "charge", "discharge", "rest"),
             "full": ("charge", "discharge", "sodiate", "desodiate", "rest")}[cell_kind]
    for k, s in enumerate(steps_of(protocol)):
        where = f"step {k + 1} ({s.direction}{', ' + s.label if s.label else ''})"
        if isinstance(s, Step):
            if s.direction not in verbs:
                raise InvalidValueError(f"{where} direction", s.direction, f"one of {verbs}")
            if s.limit_V is not None and s.direction != "rest" and not lo - 1e-9 <= s.limit_V <= hi + 1e-9:
                raise InvalidValueError(f"{where} limit_V", s.limit_V, inside)
            if s.hold_until_mA_g is not None:
                i = mA_g_of(s.current)
                if not s.hold_until_mA_g < i:
                    raise InvalidValueError(f"{where} hold_until_mA_g", s.hold_until_mA_g,
                                            f"an end current below the step's {i:g} mA/g (the hold would end at once)")
        elif isinstance(s, Hold):
            if not lo - 1e-9 <= s.voltage_V <= hi + 1e-9:
                raise InvalidValueError(f"{where} voltage_V", s.voltage_V, inside)
        elif isinstance(s, Sweep):
            for v in (*s.vertices_V, *(() if s.start_V is None else (s.start_V,))):
                if not lo - 1e-9 <= v <= hi + 1e-9:
                    raise InvalidValueError(f"{where} vertex", v, inside)


@dataclass(frozen=True)
class ReplayStep:
    """A step of a measured protocol replayed for a fit: a constant specific current for a
    fixed duration (so step ends never move with the parameters), with the times at which the
    model's voltage is wanted.

    Attributes
    ----------
    direction : {"sodiate", "desodiate", "rest"}
        What happens to the working electrode of a half cell.
    current_mA_g : float
        Magnitude of the specific current [mA/g]; 0 for a rest.
    duration_s : float
        Length of the step [s].
    output_times_s : numpy.ndarray or None
        Times from the start of the step [s] at which the voltage is returned; None for a step
        that only carries the state.
    """

    direction: str
    current_mA_g: float
    duration_s: float
    output_times_s: np.ndarray | None = None
