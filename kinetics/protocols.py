"""Protocols: galvanostatic sodiation/desodiation, rests, CC-CV and rate tests.

Currents are specific currents in mA per gram of active material (the working electrode in a
half cell, the anode in a full cell), or C-rates with an explicit 1C in mA/g (each material's
``one_c_current`` entry: 300 mA/g for the carbons here). The engine
(:mod:`kinetics.engine.steps`) turns steps into PyBaMM's; this module knows no solver.

Verbs: in a half cell ``sodiate``/``desodiate`` act on the working electrode; in a full cell
``charge`` sodiates the anode and ``discharge`` desodiates it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np

from .errors import InvalidValueError, UnknownNameError

Direction = Literal["sodiate", "desodiate", "charge", "discharge", "rest"]
DIRECTIONS = ("sodiate", "desodiate", "charge", "discharge", "rest")
#: Directions whose current makes the cell voltage fall (half cell: carbon potential falls).
_FALLING = {"half": {"sodiate", "discharge"}, "full": {"discharge", "desodiate"}}


@dataclass(frozen=True)
class Step:
    """One protocol step.

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
    sample_period_s : float, optional
        Output (logging) period [s], as a cycler's record interval; default 1/400 of the
        step's time bound (current steps) or 1/100 of the rest.
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

    def __post_init__(self):
        if self.direction not in DIRECTIONS:
            raise UnknownNameError("step direction", self.direction, DIRECTIONS)
        if self.sample_period_s is not None and not (np.isfinite(self.sample_period_s)
                                                     and self.sample_period_s > 0):
            raise InvalidValueError("sample_period_s", self.sample_period_s, "a positive period in s")
        if self.direction == "rest":
            if self.duration_h is None or not self.duration_h > 0:
                raise InvalidValueError("rest duration_h", self.duration_h, "a positive duration in h")
            return
        if (self.specific_current_mA_g is None) == (self.c_rate is None):
            raise InvalidValueError("current", (self.specific_current_mA_g, self.c_rate),
                                    "exactly one of specific_current_mA_g and c_rate")
        value = self.specific_current_mA_g if self.c_rate is None else self.c_rate
        if not (np.isfinite(value) and value > 0):
            field = "specific_current_mA_g" if self.c_rate is None else "c_rate"
            raise InvalidValueError(field, value, "a positive current (direction sets the sign)")
        if self.limit_V is None and self.duration_h is None:
            raise InvalidValueError("limit_V", None, "a voltage limit or a duration_h for a current step")
        if self.hold_until_mA_g is not None and not self.hold_until_mA_g > 0:
            raise InvalidValueError("hold_until_mA_g", self.hold_until_mA_g, "a positive current in mA/g")

    def current_mA_g(self, one_c_mA_g: float) -> float:
        """Specific current [mA/g] of this step."""
        if self.direction == "rest":
            return 0.0
        return self.specific_current_mA_g if self.c_rate is None else self.c_rate * one_c_mA_g


def sodiate(mA_g: float | None = None, until_V: float = 0.01, *, c_rate: float | None = None,
            hold_until_mA_g: float | None = None, label: str = "") -> Step:
    """Galvanostatic sodiation of the working electrode (half cell) down to ``until_V``."""
    return Step("sodiate", mA_g, c_rate, until_V, hold_until_mA_g, label=label)


def desodiate(mA_g: float | None = None, until_V: float = 3.0, *, c_rate: float | None = None,
              hold_until_mA_g: float | None = None, label: str = "") -> Step:
    """Galvanostatic desodiation of the working electrode (half cell) up to ``until_V``."""
    return Step("desodiate", mA_g, c_rate, until_V, hold_until_mA_g, label=label)


def charge(mA_g: float | None = None, until_V: float = 4.0, *, c_rate: float | None = None,
           hold_until_mA_g: float | None = None, label: str = "") -> Step:
    """Full cell: charge (sodiate the anode) at mA/g of anode up to ``until_V``."""
    return Step("charge", mA_g, c_rate, until_V, hold_until_mA_g, label=label)


def discharge(mA_g: float | None = None, until_V: float = 1.5, *, c_rate: float | None = None,
              label: str = "") -> Step:
    """Full cell: discharge (desodiate the anode) at mA/g of anode down to ``until_V``."""
    return Step("discharge", mA_g, c_rate, until_V, label=label)


def rest(hours: float, label: str = "") -> Step:
    """Open-circuit rest [h]."""
    return Step("rest", duration_h=hours, label=label)


def rate_test(currents_mA_g: Sequence[float] = (20, 50, 100, 200, 500, 1000, 2000),
              cycles: int = 1, window_V: tuple[float, float] = (0.01, 3.0),
              cell_kind: Literal["half", "full"] = "half", rest_h: float = 0.0) -> tuple[Step, ...]:
    """A rate test as in the papers: at each current, ``cycles`` × (sodiate, desodiate).

    Half cell: sodiate to ``window_V[0]`` then desodiate to ``window_V[1]``. Full cell: charge
    to ``window_V[1]`` then discharge to ``window_V[0]``. Each step carries ``rate_group`` (its
    current) and a label such as ``"200 mA/g, cycle 1"``.
    """
    lo, hi = window_V
    if not lo < hi:
        raise InvalidValueError("window_V", window_V, "(lower, upper) with lower < upper")
    if int(cycles) != cycles or cycles < 1:
        raise InvalidValueError("cycles", cycles, "a positive whole number")
    currents = list(currents_mA_g)
    if not currents:
        raise InvalidValueError("currents_mA_g", currents, "at least one current")
    steps: list[Step] = []
    first, second = (("sodiate", lo), ("desodiate", hi)) if cell_kind == "half" else (
        ("charge", hi), ("discharge", lo))
    for i in currents:
        for n in range(int(cycles)):
            label = f"{i:g} mA/g, cycle {n + 1}"
            steps.append(Step(first[0], float(i), None, first[1], label=label, rate_group=float(i)))
            if rest_h:
                steps.append(Step("rest", duration_h=rest_h, label=label, rate_group=float(i)))
            steps.append(Step(second[0], float(i), None, second[1], label=label, rate_group=float(i)))
    return tuple(steps)


def gitt(pulse_mA_g: float = 50.0, pulse_min: float = 10.0, rest_min: float = 40.0,
         direction: Literal["sodiate", "desodiate"] = "sodiate", until_V: float = 0.01,
         n_pulses: int = 60, first_rest_min: float = 0.0) -> tuple[Step, ...]:
    """A GITT pulse/rest train (paper 003's protocol by default: "a pulse current of 50 mA g^{-1}
    for 10 min with a duration of 40 min", read as a 40 min rest).

    Each pulse stops early at ``until_V``; PyBaMM then skips the remaining pulses, which ends the
    train (a truncated last pulse, as on a cycler).
    """
    if direction not in ("sodiate", "desodiate"):
        raise UnknownNameError("GITT direction", direction, ("sodiate", "desodiate"))
    for field, value in (("pulse_mA_g", pulse_mA_g), ("pulse_min", pulse_min), ("rest_min", rest_min)):
        if not (np.isfinite(value) and value > 0):
            raise InvalidValueError(field, value, "a positive number")
    if int(n_pulses) != n_pulses or n_pulses < 1:
        raise InvalidValueError("n_pulses", n_pulses, "a positive whole number")
    steps: list[Step] = [rest(first_rest_min / 60.0, "initial rest")] if first_rest_min > 0 else []
    for k in range(int(n_pulses)):
        label = f"pulse {k + 1}"
        steps.append(Step(direction, float(pulse_mA_g), None, until_V, duration_h=pulse_min / 60.0,
                          label=label))
        steps.append(rest(rest_min / 60.0, label))
    return tuple(steps)


def check_window(steps: Iterable[Step], window_V: tuple[float, float], cell_kind: str) -> None:
    """Raise if a step's voltage limit lies outside the cell's window or on the wrong side."""
    lo, hi = window_V
    for k, s in enumerate(steps):
        if s.limit_V is None or s.direction == "rest":
            continue
        if not lo - 1e-9 <= s.limit_V <= hi + 1e-9:
            raise InvalidValueError(f"step {k} ({s.direction}) limit_V", s.limit_V,
                                    f"a voltage inside the cell's window {lo}–{hi} V")


def voltage_falls(cell_kind: str, direction: str) -> bool:
    """Whether the cell voltage falls during a current step in ``direction`` (half cell: the
    carbon's potential falls while it is sodiated)."""
    return direction in _FALLING[cell_kind]


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
