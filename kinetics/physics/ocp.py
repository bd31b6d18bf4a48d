"""Multi-stage open-circuit potentials: the three-stage carbon anode and layered-oxide cathodes.

All stages of an electrode are in equilibrium at one potential *U*. Stage *j* holds a share
:math:`X_j` of the electrode's sodium capacity and is filled according to a logistic isotherm
(the multi-species, multi-reaction form of Verbrugge et al. [1]_, Baker & Verbrugge [2]_):

.. math::

    x(U) = \\sum_j \\frac{X_j}{1 + \\exp\\left(\\dfrac{(U - U_j) F}{\\omega_j R T}\\right)},
    \\qquad \\sum_j X_j = 1

with characteristic potential :math:`U_j` [V vs Na+/Na] and dimensionless width (ideality
factor) :math:`\\omega_j`. The carbon anode has three stages (paper 000, in-situ XRD/XPS):
adsorption on defects, edges and C=O groups (OCV–0.5 V), insertion between pseudo-graphitic
layers (0.5–0.1 V) and closed-pore filling (the plateau, 0.1–0.01 V).

The inverse :math:`U(x)` has no closed form. :func:`potential_from_stoichiometry` evaluates it
with an explicit initial guess (the layer-cake identity :math:`U(x) = U_a + \\int_{U_a}^{U_b}
\\mathbf{1}[x(u) > x]\\,du` on a node grid adapted to the stages, linearly interpolated in
each cell) followed by a fixed number of Newton steps on :math:`\\mathrm{logit}\\,x(U)`. Every
operation is a numpy ufunc, so the same code runs on floats and on PyBaMM symbols (stage
parameters may be ``pybamm.InputParameter``); given CasADi's functions as the array namespace
``xp`` (the engine does this) it runs on CasADi expressions, which differentiate it exactly. Measured
accuracy: below 0.1 mV between 0.005 and 3.0 V over the whole range of carbon parameters
(property-based test in ``tests/unit/test_ocp.py``; about 2 µV worst case). For fixed
parameters, :meth:`MultiStageOCP.verified_inverse` picks fewer nodes and steps and proves them
to 1 µV over the window in use.

References
----------
.. [1] M. Verbrugge, D. Baker, B. Koch, X. Xiao, W. Gu, J. Electrochem. Soc. 164 (2017) E3243.
.. [2] D. R. Baker, M. W. Verbrugge, J. Electrochem. Soc. 165 (2018) A3952.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Literal

import numpy as np
from scipy.optimize import brentq

from ..errors import InvalidValueError, UnknownNameError
from ..units import REFERENCE_TEMPERATURE_K, thermal_voltage

Branch = Literal["mean", "sodiation", "desodiation"]
#: The carbon anode's three stages, highest potential first (paper 000).
ANODE_STAGE_NAMES = ("adsorption", "insertion", "pore_filling")
#: Names given to the stages of a three-stage cathode OCP, highest potential first.
CATHODE_STAGE_NAMES = ("high", "middle", "low")
#: Window edges [V vs Na+/Na] at which paper 000 separates the three stages.
STAGE_BOUNDARIES_V = (0.5, 0.1)
NEWTON_STEPS = 6
MAX_STEP_V = 0.2
_TINY = 1e-12


# ----------------------------------------------------------------------------- pure functions
def stage_occupancy(U: Any, potential: Any, width: Any, T: float = REFERENCE_TEMPERATURE_K,
                    xp: Any = np) -> Any:
    """Filled fraction of one stage at potential ``U`` [V]: 1 / (1 + exp((U − U_j)F/(ω_j R T))).

    Written with tanh so that it never overflows: 1/(1+e^z) = (1 − tanh(z/2))/2. ``xp`` is the
    array namespace (numpy by default; PyBaMM symbols dispatch numpy's ufuncs themselves).
    """
    z = (U - potential) / (2.0 * width * thermal_voltage(T))
    return 0.5 * (1.0 - xp.tanh(z))


def stoichiometry_from_potential(
    U: Any, fractions: Sequence, potentials: Sequence, widths: Sequence, T: float = REFERENCE_TEMPERATURE_K,
    xp: Any = np,
) -> Any:
    """x(U) = Σ_j X_j s_j(U), the sodium fraction in equilibrium with potential ``U`` [V]."""
    return sum(X * stage_occupancy(U, U0, w, T, xp) for X, U0, w in zip(fractions, potentials, widths))


def _x_and_complement(U, fractions, potentials, widths, T, xp):
    """x(U), 1 − x(U) and dx/dU, each summed stage by stage (no cancellation near 0 or 1)."""
    x = 0.0
    y = 0.0
    dx = 0.0
    for X, U0, w in zip(fractions, potentials, widths):
        a = w * thermal_voltage(T)
        z = (U - U0) / (2.0 * a)
        t = xp.tanh(z)
        x = x + X * 0.5 * (1.0 - t)
        y = y + X * 0.5 * (1.0 + t)
        dx = dx - X * 0.25 * (1.0 - t * t) / a
    return xp.maximum(x, 1e-300), xp.maximum(y, 1e-300), dx


def guess_nodes(potentials: Sequence[float], widths: Sequence[float], T: float = REFERENCE_TEMPERATURE_K,
                max_spacing_V: float = 0.05) -> np.ndarray:
    """Fixed potential nodes [V] for the initial guess of :func:`potential_from_stoichiometry`.

    Twenty-nine nodes per stage at U_j + q·ω_j RT/F, q = −14…14, plus fill-in nodes so that no
    gap exceeds ``max_spacing_V``. Built from float parameter values once, when a model is
    built; Newton steps absorb later changes of the (input) parameters.
    """
    vt = thermal_voltage(T)
    nodes = [U0 + q * w * vt for U0, w in zip(potentials, widths) for q in np.linspace(-14, 14, 29)]
    # cover the stages' tails to occupancies of ~1e-13 (30 widths), within 1 V below the
    # lowest and 3.5 V above the highest stage potential
    lo = max(min(U0 - 30 * w * vt for U0, w in zip(potentials, widths)), min(potentials) - 1.0)
    hi = min(max(U0 + 30 * w * vt for U0, w in zip(potentials, widths)), max(potentials) + 3.5)
    nodes = np.unique(np.concatenate([nodes, [lo, hi]]))
    filled = [nodes[0]]
    for u in nodes[1:]:
        gap = u - filled[-1]
        if gap > max_spacing_V:
            filled.extend(np.linspace(filled[-1], u, int(np.ceil(gap / max_spacing_V)) + 1)[1:-1])
        if u - filled[-1] > 1e-6:
            filled.append(u)
    return np.asarray(filled)


def potential_from_stoichiometry(
    x: Any,
    fractions: Sequence,
    potentials: Sequence,
    widths: Sequence,
    T: float = REFERENCE_TEMPERATURE_K,
    nodes: np.ndarray | None = None,
    newton_steps: int = NEWTON_STEPS,
    max_step_V: float | None = MAX_STEP_V,
    xp: Any = np,
) -> Any:
    """U(x) [V], the inverse of :func:`stoichiometry_from_potential`, as an explicit expression.

    Parameters
    ----------
    x : float, array or pybamm.Symbol
        Sodium fraction, 0 < x < 1.
    fractions, potentials, widths : sequences of floats or pybamm symbols
        X_j (summing to 1), U_j [V] and ω_j [-] of each stage.
    T : float
        Temperature [K] of the isotherm.
    nodes : array, optional
        Guess nodes [V]; default :func:`guess_nodes` of the (float) parameters.
    newton_steps : int
        Newton steps on logit x(U) after the guess.
    max_step_V : float or None
        Bound δ on each Newton step (δ·tanh(step/δ)); None for plain Newton steps, safe only
        where :meth:`MultiStageOCP.verified_inverse` checked the result.
    xp : namespace
        Array functions (``tanh``, ``log``, ``maximum``, ``minimum``): numpy by default; the
        engine passes CasADi's to evaluate the inverse on CasADi expressions.
    """
    if nodes is None:
        nodes = guess_nodes([float(p) for p in potentials], [float(w) for w in widths], T)
    x = xp.maximum(xp.minimum(x, 1.0 - _TINY), _TINY)
    # layer-cake guess: U = U_0 + Σ_k ΔU_k · clip((x_k − x)/(x_k − x_{k+1}), 0, 1)
    xs = [stoichiometry_from_potential(float(u), fractions, potentials, widths, T, xp) for u in nodes]
    U = float(nodes[0])
    for k in range(len(nodes) - 1):
        ramp = (xs[k] - x) / xp.maximum(xs[k] - xs[k + 1], 1e-300)
        U = U + float(nodes[k + 1] - nodes[k]) * xp.maximum(xp.minimum(ramp, 1.0), 0.0)
    target = xp.log(x) - xp.log(1.0 - x)
    for _ in range(newton_steps):
        xx, yy, dx = _x_and_complement(U, fractions, potentials, widths, T, xp)
        residual = xp.log(xx) - xp.log(yy) - target
        slope = xp.minimum(dx * (1.0 / xx + 1.0 / yy), -1e-300)
        # bounded Newton step: δ·tanh(step/δ) equals the step near convergence and never
        # jumps further than δ = 0.2 V from a poor point in a flat region between stages
        U = U - (residual / slope if max_step_V is None
                 else max_step_V * xp.tanh(residual / slope / max_step_V))
    return U


# ----------------------------------------------------------------------------- objects
@dataclass(frozen=True)
class Stage:
    """One storage stage of an electrode.

    Parameters
    ----------
    name : str
        Stage name (``adsorption``, ``insertion``, ``pore_filling`` for carbons).
    capacity_mAh_g : float
        Specific capacity of the stage when completely filled [mAh/g of active material].
    potential_V : float
        Characteristic potential U_j [V vs Na+/Na] (half-filled stage).
    width : float
        Ideality factor ω_j [-]; the occupancy goes from 5 % to 95 % over 2·ln(19)·ω_j·RT/F.
    """

    name: str
    capacity_mAh_g: float
    potential_V: float
    width: float

    def __post_init__(self):
        if not np.isfinite(self.capacity_mAh_g) or self.capacity_mAh_g < 0:
            raise InvalidValueError(f"stage {self.name!r} capacity_mAh_g", self.capacity_mAh_g,
                                    "a finite capacity >= 0 mAh/g")
        if not np.isfinite(self.potential_V) or not -1.0 < self.potential_V < 6.0:
            raise InvalidValueError(f"stage {self.name!r} potential_V", self.potential_V,
                                    "a potential between -1 and 6 V vs Na+/Na")
        if not np.isfinite(self.width) or not 0.02 <= self.width <= 50:
            raise InvalidValueError(f"stage {self.name!r} width", self.width,
                                    "an ideality factor between 0.02 and 50")


@dataclass(frozen=True)
class MultiStageOCP:
    """Open-circuit potential of an electrode made of stages in mutual equilibrium.

    Parameters
    ----------
    stages : tuple of Stage
        In any order; internally sorted by potential, highest first.
    hysteresis_V : float
        Gap [V] between the sodiation and desodiation branches of ``hysteresis_stage``
        (sodiation at U_j − h/2, desodiation at U_j + h/2). 0 gives one branch.
    hysteresis_stage : str, optional
        The stage that shows hysteresis; default the lowest-potential stage (the plateau).
    temperature_K : float
        Temperature of the isotherms [K].
    """

    stages: tuple[Stage, ...]
    hysteresis_V: float = 0.0
    hysteresis_stage: str | None = None
    temperature_K: float = REFERENCE_TEMPERATURE_K
    _nodes: np.ndarray = field(init=False, repr=False, compare=False)
    _verified: dict = field(init=False, repr=False, compare=False)

    def __post_init__(self):
        stages = tuple(sorted(self.stages, key=lambda s: -s.potential_V))
        if not stages:
            raise InvalidValueError("stages", self.stages, "at least one stage")
        names = [s.name for s in stages]
        if len(set(names)) != len(names):
            raise InvalidValueError("stages", names, "unique stage names")
        if self.total_capacity_mAh_g <= 0:
            raise InvalidValueError("stage capacities", [s.capacity_mAh_g for s in stages],
                                    "capacities summing to more than 0 mAh/g")
        if not np.isfinite(self.hysteresis_V) or not 0 <= self.hysteresis_V < 0.5:
            raise InvalidValueError("hysteresis_V", self.hysteresis_V, "a gap between 0 and 0.5 V")
        if self.hysteresis_stage is not None and self.hysteresis_stage not in names:
            raise UnknownNameError("hysteresis stage", self.hysteresis_stage, names)
        carrier = stages[-1] if self.hysteresis_stage is None else stages[names.index(self.hysteresis_stage)]
        if self.hysteresis_V > 0 and self.hysteresis_V >= carrier.potential_V:
            # its sodiation branch, U − h/2, would come within h/2 of sodium metal (and below it
            # for h > 2U): a gap larger than the stage's own potential is not a hysteresis
            raise InvalidValueError("hysteresis_V", self.hysteresis_V,
                                    f"a gap smaller than the potential of the stage that carries it "
                                    f"('{carrier.name}', {carrier.potential_V:g} V)")
        object.__setattr__(self, "stages", stages)
        object.__setattr__(self, "_verified", {})
        object.__setattr__(self, "_nodes", guess_nodes(
            [s.potential_V for s in stages], [s.width for s in stages], self.temperature_K))

    # --- parameters ---------------------------------------------------------------------------
    @property
    def total_capacity_mAh_g(self) -> float:
        """Capacity of all stages together [mAh/g] (x from 0 to 1)."""
        return float(sum(s.capacity_mAh_g for s in self.stages))

    @property
    def fractions(self) -> tuple[float, ...]:
        """X_j: each stage's share of the total capacity."""
        q = self.total_capacity_mAh_g
        return tuple(s.capacity_mAh_g / q for s in self.stages)

    @property
    def nodes(self) -> np.ndarray:
        """Guess nodes [V] used by :meth:`potential`."""
        return self._nodes

    def stage(self, name: str) -> Stage:
        """The stage called ``name``."""
        for s in self.stages:
            if s.name == name:
                return s
        raise UnknownNameError("stage", name, [s.name for s in self.stages])

    @property
    def hysteresis_index(self) -> int:
        """Index (in potential order) of the stage with hysteresis."""
        if self.hysteresis_stage is None:
            return len(self.stages) - 1
        return [s.name for s in self.stages].index(self.hysteresis_stage)

    def branch_potentials(self, branch: Branch = "mean") -> tuple[float, ...]:
        """Stage potentials [V] of one branch (hysteresis shifts one stage by ∓h/2)."""
        return branch_shift([s.potential_V for s in self.stages], self.hysteresis_index,
                            self.hysteresis_V, branch)

    def with_stage(self, name: str, **changes: float) -> MultiStageOCP:
        """A copy with one stage's fields changed, e.g. ``with_stage("pore_filling", width=0.4)``."""
        stages = tuple(replace(s, **changes) if s.name == name else s for s in self.stages)
        self.stage(name)
        return replace(self, stages=stages)

    # --- equilibrium functions ----------------------------------------------------------------
    def stoichiometry(self, U: Any, branch: Branch = "mean") -> Any:
        """Sodium fraction x [-] in equilibrium with potential ``U`` [V vs Na+/Na]."""
        return stoichiometry_from_potential(U, self.fractions, self.branch_potentials(branch),
                                            [s.width for s in self.stages], self.temperature_K)

    def potential(self, x: Any, branch: Branch = "mean") -> Any:
        """Equilibrium potential U(x) [V vs Na+/Na]; floats, arrays or PyBaMM symbols."""
        return potential_from_stoichiometry(x, self.fractions, self.branch_potentials(branch),
                                            [s.width for s in self.stages], self.temperature_K,
                                            self.nodes)

    def occupancies(self, U: Any, branch: Branch = "mean") -> dict[str, Any]:
        """Filled fraction of each stage [-] at potential ``U`` [V]."""
        pots = self.branch_potentials(branch)
        return {s.name: stage_occupancy(U, p, s.width, self.temperature_K)
                for s, p in zip(self.stages, pots)}

    def capacity_between(self, U_high: float, U_low: float, branch: Branch = "mean") -> float:
        """Equilibrium capacity [mAh/g] stored between ``U_high`` and ``U_low`` [V]."""
        if U_low >= U_high:
            raise InvalidValueError("voltage window", (U_low, U_high), "U_low < U_high")
        dx = self.stoichiometry(U_low, branch) - self.stoichiometry(U_high, branch)
        return float(dx * self.total_capacity_mAh_g)

    def stage_capacities_mAh_g(self) -> dict[str, float]:
        """Each stage's specific capacity [mAh/g]."""
        return {s.name: s.capacity_mAh_g for s in self.stages}

    def window_capacities_mAh_g(self, U_top: float = 3.0, U_bottom: float = 0.01) -> dict[str, float]:
        """Equilibrium capacity [mAh/g] above 0.5 V, between 0.5 and 0.1 V and below 0.1 V.

        The windows are those of paper 000 (adsorption, insertion, plateau), bounded by
        ``U_top`` and ``U_bottom``.
        """
        hi, lo = STAGE_BOUNDARIES_V
        return {
            "above_0.5V": self.capacity_between(U_top, hi),
            "0.5V_to_0.1V": self.capacity_between(hi, lo),
            "below_0.1V": self.capacity_between(lo, U_bottom),
        }

    def stoichiometry_window(self, U_top: float = 3.0, U_bottom: float = 0.005) -> tuple[float, float]:
        """(x at ``U_top``, x at ``U_bottom``): the usable stoichiometry range."""
        return float(self.stoichiometry(U_top)), float(self.stoichiometry(U_bottom))

    def verified_inverse(self, window_V: tuple[float, float],
                         tol_V: float = 1e-6) -> tuple[np.ndarray, int, float | None]:
        """The cheapest (guess nodes, Newton steps, step bound) whose U(x) is within ``tol_V``
        everywhere in ``window_V``, checked against x(U) on 4001 potentials (both branches if
        hysteretic).

        For a model whose stage parameters are fixed numbers this replaces the robust default
        (dense nodes, six bounded steps) by a thinned node set; cost ≈ nodes + 10 × steps
        (+ 2 per step for a bound).
        """
        key = (tuple(window_V), tol_V)
        if key in self._verified:
            return self._verified[key]
        checks = self._inverse_checks(window_V)
        # every 10th of those potentials: a candidate whose error there exceeds the tolerance fails
        # on all of them too, so most candidates are rejected at a tenth of the cost
        coarse = [(x[::10], u[::10], pots) for x, u, pots in checks]
        best = (self.nodes, NEWTON_STEPS, MAX_STEP_V)
        best_cost = len(self.nodes) + 12 * NEWTON_STEPS
        for nodes in self._candidate_nodes():
            for bound in (None, MAX_STEP_V, MAX_STEP_V / 4):
                for steps in range(2, NEWTON_STEPS + 1):
                    cost = len(nodes) + (10 if bound is None else 12) * steps
                    if cost >= best_cost:
                        break
                    candidate = (nodes, steps, bound)
                    if all(self._inverse_error(c, candidate) < tol_V for c in (coarse, checks)):
                        best, best_cost = candidate, cost
                        break
        self._verified[key] = best
        return best

    def inverse_error(self, window_V: tuple[float, float], inverse: tuple[np.ndarray, int, float | None]) -> float:
        """The largest error [V] of ``inverse`` (guess nodes, Newton steps, step bound) over
        ``window_V``: |U(x(U)) − U| on the 4001 potentials :meth:`verified_inverse` checks (a
        stored inverse is verified with it before it is used)."""
        return self._inverse_error(self._inverse_checks(window_V), inverse)

    def _inverse_checks(self, window_V: tuple[float, float]) -> list[tuple[np.ndarray, np.ndarray, tuple]]:
        U = np.linspace(window_V[0], window_V[1], 4001)
        branches = ("mean",) if self.hysteresis_V == 0 else ("sodiation", "desodiation")
        checks = []
        for b in branches:
            pots = self.branch_potentials(b)
            x = stoichiometry_from_potential(U, self.fractions, pots, [s.width for s in self.stages],
                                             self.temperature_K)
            ok = (x > 1e-12) & (x < 1 - 1e-12)
            checks.append((x[ok], U[ok], pots))
        return checks

    def _inverse_error(self, checks, inverse) -> float:
        nodes, steps, bound = inverse
        widths = [s.width for s in self.stages]
        with np.errstate(all="ignore"):
            err = max(np.max(np.abs(potential_from_stoichiometry(x, self.fractions, pots, widths, self.temperature_K,
                                                                 np.asarray(nodes, float), steps, bound) - u))
                      for x, u, pots in checks)
        return float(err) if np.isfinite(err) else np.inf

    def _candidate_nodes(self):
        """Subsets of the robust nodes, sparsest first: every k-th node, and nodes kept where
        the sodium fraction has moved by δ (the guess interpolates linearly in x)."""
        x = self.stoichiometry(self.nodes)
        for delta in (0.06, 0.04, 0.025):
            keep = [0]
            for k in range(1, len(self.nodes)):
                if abs(x[k] - x[keep[-1]]) >= delta or self.nodes[k] - self.nodes[keep[-1]] >= 0.3:
                    keep.append(k)
            yield np.unique(np.r_[self.nodes[keep], self.nodes[-1]])
        for stride in (12, 8, 6, 4, 3, 2, 1):
            yield np.unique(np.concatenate([self.nodes[::stride], self.nodes[-1:]]))

    def potential_exact(self, x: float, branch: Branch = "mean") -> float:
        """U(x) [V] by bracketing root finding (brentq); a slow reference for tests."""
        if not 0 < x < 1:
            raise InvalidValueError("x", x, "a sodium fraction strictly between 0 and 1")
        lo, hi = self.nodes[0] - 5.0, self.nodes[-1] + 5.0
        return brentq(lambda u: float(self.stoichiometry(u, branch)) - x, lo, hi, xtol=1e-14,
                      rtol=1e-14, maxiter=500)


def branch_shift(potentials: Sequence, index: int, hysteresis: Any, branch: Branch) -> tuple:
    """Potentials with stage ``index`` moved by −h/2 (sodiation) or +h/2 (desodiation)."""
    sign = {"mean": 0.0, "sodiation": -0.5, "desodiation": 0.5}[branch]
    return tuple(p + sign * hysteresis if i == index else p for i, p in enumerate(potentials))


def ThreeStageOCP(
    adsorption: tuple[float, float, float],
    insertion: tuple[float, float, float],
    pore_filling: tuple[float, float, float],
    hysteresis_V: float = 0.0,
    temperature_K: float = REFERENCE_TEMPERATURE_K,
) -> MultiStageOCP:
    """The carbon anode OCP of paper 000: adsorption, insertion and closed-pore filling.

    Each argument is ``(capacity_mAh_g, potential_V, width)`` of that stage. The stage
    potentials must be ordered adsorption > insertion > pore filling. Hysteresis, if any,
    acts on the pore-filling plateau.

    Examples
    --------
    >>> ocp = ThreeStageOCP((80, 0.9, 8.0), (80, 0.3, 2.6), (190, 0.055, 0.6))
    >>> round(ocp.window_capacities_mAh_g()["below_0.1V"])  # doctest: +SKIP
    """
    parts = {"adsorption": adsorption, "insertion": insertion, "pore_filling": pore_filling}
    stages = []
    for name, values in parts.items():
        if len(values) != 3:
            raise InvalidValueError(name, values, "(capacity_mAh_g, potential_V, width)")
        stages.append(Stage(name, *map(float, values)))
    if not stages[0].potential_V > stages[1].potential_V > stages[2].potential_V:
        raise InvalidValueError("stage potentials", [s.potential_V for s in stages],
                                "adsorption > insertion > pore_filling potential")
    return MultiStageOCP(tuple(stages), hysteresis_V=hysteresis_V,
                         hysteresis_stage="pore_filling", temperature_K=temperature_K)
