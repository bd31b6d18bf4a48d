"""Solid and electrolyte transport: the stage-dependent diffusivity D(x, T) and smooth
electrolyte property laws.

All functions are numpy-ufunc expressions, so they evaluate on floats and on PyBaMM symbols
(parameters may be ``pybamm.InputParameter``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..errors import InvalidValueError
from ..units import GAS_CONSTANT, REFERENCE_TEMPERATURE_K
from .ocp import ANODE_STAGE_NAMES, MultiStageOCP, stoichiometry_from_potential

LN10 = float(np.log(10.0))


def arrhenius(T: Any, activation_energy_J_mol: Any, T_ref: float = REFERENCE_TEMPERATURE_K) -> Any:
    """Arrhenius factor exp(−E_a/R · (1/T − 1/T_ref)) [-]."""
    return np.exp(-activation_energy_J_mol / GAS_CONSTANT * (1.0 / T - 1.0 / T_ref))


def _sigmoid(z: Any) -> Any:
    return 0.5 * (1.0 + np.tanh(0.5 * z))


def stage_weights(x: Any, fractions: Sequence, blend: float) -> list:
    """Smooth partition of unity over the stages in stoichiometry.

    Stage j (in potential order, highest first) owns the interval
    [Σ_{k<j} X_k, Σ_{k≤j} X_k] of x; the edges are smoothed over ``blend`` [-]. One sigmoid
    per inner edge, shared by the two stages it separates (this runs at every particle node).
    """
    edges = []
    total = 0.0
    for X in fractions[:-1]:
        total = total + X
        edges.append(_sigmoid((x - total) / blend))
    raw = []
    for j in range(len(fractions)):
        w = edges[j - 1] if j > 0 else 1.0
        if j < len(fractions) - 1:
            w = w * (1.0 - edges[j])
        raw.append(w)
    norm = sum(raw)
    return [w / norm for w in raw]


def stage_diffusivity(
    x: Any,
    T: Any,
    fractions: Sequence,
    potentials: Sequence,
    widths: Sequence,
    stage_D: Sequence,
    minimum_potential_V: Any,
    minimum_depth_decades: Any,
    minimum_width: Any,
    activation_energy_J_mol: Any,
    blend: float = 0.03,
) -> Any:
    """Solid diffusivity D(x, T) [m²/s] of a multi-stage electrode.

    .. math::

        \\ln D = \\sum_j w_j(x) \\ln D_j
                 - d\\,\\ln 10\\,\\exp\\!\\left(-\\tfrac12\\left(\\frac{x - x_m}{\\sigma}\\right)^2\\right)
                 - \\frac{E_a}{R}\\left(\\frac1T - \\frac1{T_\\mathrm{ref}}\\right)

    with stage weights w_j from :func:`stage_weights`, the transition minimum at the sodium
    fraction :math:`x_m = x(U_m)` in equilibrium with ``minimum_potential_V``, depth ``d``
    [decades] and width σ [-]. Always positive and smooth. It expresses both GITT shapes of
    the seed papers: a monotone fall (D_1 > D_2 > D_3, d = 0; graphitic PCC, paper 000) and
    a fall to a minimum near 0.1–0.05 V with a U-turn during pore filling (d > 0, D_3 above
    the minimum; MPCC-1, paper 000 Fig. 6e; anthracite-FJH, paper 003 Fig. 5e-f).
    """
    weights = stage_weights(x, fractions, blend)
    log_D = sum(w * np.log(D) for w, D in zip(weights, stage_D))
    x_min = stoichiometry_from_potential(minimum_potential_V, fractions, potentials, widths)
    dip = minimum_depth_decades * LN10 * np.exp(-0.5 * ((x - x_min) / minimum_width) ** 2)
    return np.exp(log_D - dip) * arrhenius(T, activation_energy_J_mol)


@dataclass(frozen=True)
class ConstantDiffusivity:
    """One solid diffusivity D(T) [m²/s] with an Arrhenius factor (e.g. a layered-oxide cathode).

    Parameters
    ----------
    value_m2_s : float
        Diffusivity at the reference temperature [m²/s].
    activation_energy_J_mol : float
        Arrhenius activation energy [J/mol].
    """

    value_m2_s: float
    activation_energy_J_mol: float = 0.0

    def __post_init__(self):
        if not (np.isfinite(self.value_m2_s) and 1e-22 < self.value_m2_s < 1e-8):
            raise InvalidValueError("value_m2_s", self.value_m2_s, "a diffusivity between 1e-22 and 1e-8 m²/s")
        if not (np.isfinite(self.activation_energy_J_mol) and 0 <= self.activation_energy_J_mol < 2e5):
            raise InvalidValueError("activation_energy_J_mol", self.activation_energy_J_mol,
                                    "an activation energy between 0 and 200 kJ/mol")

    def __call__(self, x: Any, ocp: MultiStageOCP | None = None, T: Any = REFERENCE_TEMPERATURE_K) -> Any:
        """D [m²/s] at sodium fraction ``x`` (independent of x)."""
        return self.value_m2_s * arrhenius(T, self.activation_energy_J_mol) + 0.0 * x


@dataclass(frozen=True)
class StageDiffusivity:
    """State-dependent solid diffusivity D(x, T) of a three-stage carbon.

    Parameters
    ----------
    adsorption_m2_s, insertion_m2_s, pore_filling_m2_s : float
        Diffusivity of each stage [m²/s] at the reference temperature.
    minimum_potential_V : float
        Potential [V vs Na+/Na] of the transition minimum between insertion and pore filling.
    minimum_depth_decades : float
        Depth of the minimum [decades below the stage-weighted value], >= 0.
    minimum_width : float
        Width σ of the minimum in sodium fraction [-], > 0.
    activation_energy_J_mol : float
        Arrhenius activation energy [J/mol].
    """

    adsorption_m2_s: float
    insertion_m2_s: float
    pore_filling_m2_s: float
    minimum_potential_V: float = 0.08
    minimum_depth_decades: float = 0.0
    minimum_width: float = 0.05
    activation_energy_J_mol: float = 0.0

    def __post_init__(self):
        for name in ("adsorption_m2_s", "insertion_m2_s", "pore_filling_m2_s"):
            v = getattr(self, name)
            if not (np.isfinite(v) and 1e-22 < v < 1e-8):
                raise InvalidValueError(name, v, "a diffusivity between 1e-22 and 1e-8 m²/s")
        if not (np.isfinite(self.minimum_depth_decades) and 0 <= self.minimum_depth_decades <= 4):
            raise InvalidValueError("minimum_depth_decades", self.minimum_depth_decades,
                                    "a depth between 0 and 4 decades")
        if not (np.isfinite(self.minimum_width) and 0.005 <= self.minimum_width <= 0.5):
            raise InvalidValueError("minimum_width", self.minimum_width,
                                    "a width between 0.005 and 0.5 (sodium fraction)")
        if not (np.isfinite(self.activation_energy_J_mol) and 0 <= self.activation_energy_J_mol < 2e5):
            raise InvalidValueError("activation_energy_J_mol", self.activation_energy_J_mol,
                                    "an activation energy between 0 and 200 kJ/mol")

    #: The stages whose diffusivities this law holds, in the order of :attr:`stage_values`.
    stage_names = ANODE_STAGE_NAMES

    @property
    def stage_values(self) -> tuple[float, float, float]:
        """(D_adsorption, D_insertion, D_pore_filling) [m²/s]."""
        return (self.adsorption_m2_s, self.insertion_m2_s, self.pore_filling_m2_s)

    def __call__(self, x: Any, ocp: MultiStageOCP, T: Any = REFERENCE_TEMPERATURE_K) -> Any:
        """D [m²/s] at sodium fraction ``x`` of an electrode whose stages are ``ocp``."""
        return stage_diffusivity(
            x, T, ocp.fractions, [s.potential_V for s in ocp.stages], [s.width for s in ocp.stages],
            self.stage_values, self.minimum_potential_V, self.minimum_depth_decades,
            self.minimum_width, self.activation_energy_J_mol)


def electrolyte_conductivity(c_e: Any, T: Any, kappa_ref: Any, c_ref: Any, Ea: Any = 0.0) -> Any:
    """Electrolyte conductivity [S/m]: a smooth Kohlrausch-type maximum at ``c_ref``.

    κ(c) = κ_ref · (c/c_ref) · exp(1 − c/c_ref) · Arrhenius(E_a), which peaks at c_ref with
    value κ_ref, vanishes at c = 0 and decays at high concentration, as measured for
    NaPF6 solutions (e.g. the conductivity table of Chayambuka et al. 2022).
    """
    r = np.maximum(c_e, 1e-3) / c_ref
    return kappa_ref * r * np.exp(1.0 - r) * arrhenius(T, Ea)


def electrolyte_diffusivity(c_e: Any, T: Any, D_ref: Any, c_ref: Any, slope: Any = 0.0,
                            Ea: Any = 0.0) -> Any:
    """Electrolyte salt diffusivity [m²/s]: D_ref · exp(−slope · (c/c_ref − 1)) · Arrhenius."""
    return D_ref * np.exp(-slope * (c_e / c_ref - 1.0)) * arrhenius(T, Ea)
