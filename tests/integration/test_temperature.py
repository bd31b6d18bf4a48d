"""Temperature as a variable: Arrhenius factors on solid diffusion, both exchange currents and the
electrolyte's transport, per cell or per step.

The independent check is time–temperature superposition: if every rate process of a cell slows by
the same Arrhenius factor a(T) = exp(−E_a/R · (1/T − 1/T_ref)), the cell at T and current I follows
the same dimensionless trajectory as the cell at T_ref and current I/a (time stretched by 1/a), so
it delivers the same capacity. What breaks it is only the thermal voltage RT/F in the kinetic and
diffusion-potential terms (8 % smaller at 273 K) and the temperature-independent film resistance
(set to zero here). The diffusion-limited case is also checked against a hand calculation: the
series solution for a sphere under constant surface flux with an Arrhenius diffusivity.
"""

import math
import warnings

import numpy as np
import pytest
from scipy.optimize import brentq

import kinetics as hk
from kinetics.errors import SimulationWarning
from kinetics.protocols import Step
from kinetics.units import GAS_CONSTANT, REFERENCE_TEMPERATURE_K

ACTIVATION_ENERGIES = ("anode.diffusivity.activation_energy", "anode.kinetics.activation_energy",
                       "electrolyte.activation_energy", "counter.activation_energy")
T_COLD = 273.15


def arrhenius_factor(E_J_mol: float, T: float = T_COLD) -> float:
    return math.exp(-E_J_mol / GAS_CONSTANT * (1.0 / T - 1.0 / REFERENCE_TEMPERATURE_K))


def capacity(cell: hk.HalfCell, current_mA_g: float, temperature_K: float | None = None) -> float:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SimulationWarning)
        steps = hk.rate_test([current_mA_g], window_V=cell.window_V, temperature_K=temperature_K)
        return float(hk.run(cell, steps).rate_table()["capacity_mAh_g"].iloc[0])


def test_one_activation_energy_everywhere_is_a_time_stretch():
    E = 20e3
    cell = hk.HalfCell("MPCC-1-ether").with_values({**{n: E for n in ACTIVATION_ENERGIES},
                                                    "cell.film_resistance": 0.0})
    a = arrhenius_factor(E)
    cold = capacity(cell, 1000.0, T_COLD)
    warm_equivalent = capacity(cell, 1000.0 / a)
    warm = capacity(cell, 1000.0)
    assert cold < 0.9 * warm  # the cold cell really is slower (the check below is not trivial)
    assert cold == pytest.approx(warm_equivalent, rel=0.02)  # seen 0.5 %


def test_mpcc1_at_0C_falls_as_its_activation_energies_imply():
    """With the shipped activation energies (9.76 kJ/mol for both exchange currents, 16 for solid
    diffusion, 17.1 for the electrolyte), the 0 °C capacity at 1 A/g lies between the 25 °C
    capacities at 1 A/g divided by the factors of the smallest and the largest activation energy
    (every process slowed by the least, and by the most); the 20 mA/g capacity falls by less."""
    cell = hk.HalfCell("MPCC-1-ether")
    values = cell.values()
    energies = [values[n] for n in ACTIVATION_ENERGIES]
    fast, slow = arrhenius_factor(min(energies)), arrhenius_factor(max(energies))
    cold = capacity(cell, 1000.0, T_COLD)
    upper, lower = capacity(cell, 1000.0 / fast), capacity(cell, 1000.0 / slow)
    assert lower * 0.98 <= cold <= upper * 1.02, (lower, cold, upper)
    warm = capacity(cell, 1000.0)
    fall_1000 = 1.0 - cold / warm
    fall_20 = 1.0 - capacity(cell, 20.0, T_COLD) / capacity(cell, 20.0)
    assert fall_1000 > 0.05
    assert 0.0 <= fall_20 < fall_1000


def sphere_capacity_mAh_g(current_mA_g: float, D: float, radius_m: float, total_mAh_g: float,
                          x_start: float, x_limit: float) -> float:
    """Capacity [mAh/g] a sphere of constant diffusivity D takes at constant current until its surface
    fraction reaches ``x_limit``, from the classical series solution for a sphere under a constant
    surface flux (Crank, *The Mathematics of Diffusion*, 2nd ed., ch. 6):
    x_s − x_0 = J (3τ + 1/5 − 2 Σ exp(−α_n² τ)/α_n²), τ = D t/R², tan α_n = α_n,
    J = (i / 3600 Q) R² / (3D); the capacity is 3Jτ*·Q."""
    alphas = np.array([brentq(lambda a: math.sin(a) - a * math.cos(a), n * math.pi + 1e-9,
                              n * math.pi + math.pi / 2 - 1e-9) for n in range(1, 400)])
    J = current_mA_g / (3600.0 * total_mAh_g) * radius_m**2 / (3.0 * D)
    tau = brentq(lambda t: J * (3 * t + 0.2 - 2 * np.sum(np.exp(-alphas**2 * t) / alphas**2)) - (x_limit - x_start),
                 1e-12, 10.0)
    return 3.0 * J * tau * total_mAh_g


def test_diffusion_limited_capacity_at_0C_is_the_sphere_solution_with_arrhenius_D():
    """A hand calculation independent of PyBaMM: the MPCC-1 carbon with one diffusivity for every
    stage (3e-16 m²/s, slow enough that 1 A/g is diffusion-limited), fast interface and electrolyte,
    no film and no hysteresis, so the 0.01 V cut-off is reached when the particle's surface reaches
    x(0.01 V). Its sodiation capacity at 1 A/g, at 25 °C and at 0 °C (D × a(16 kJ/mol) = × 0.55),
    against the analytic sphere solution (seen within 0.1 %)."""
    D = 3e-16
    cell = hk.HalfCell("MPCC-1-ether").with_values({
        "anode.ocp.hysteresis": 0.0, "anode.diffusivity.adsorption": D, "anode.diffusivity.insertion": D,
        "anode.diffusivity.pore_filling": D, "anode.diffusivity.minimum_depth": 0.0,
        "anode.kinetics.exchange_current_density": 1e4, "counter.exchange_current_density": 1e4,
        "electrolyte.conductivity": 100.0, "electrolyte.diffusivity": 1e-8, "cell.film_resistance": 0.0})
    material = cell.working.material
    ocp, radius = material.ocp, material.particle_radius_m
    x_start, x_limit = float(ocp.stoichiometry(cell.window_V[1])), float(ocp.stoichiometry(0.01))
    factor = arrhenius_factor(cell.values()["anode.diffusivity.activation_energy"])
    capacities = {}
    for T, D_T in ((REFERENCE_TEMPERATURE_K, D), (T_COLD, D * factor)):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", SimulationWarning)
            run = hk.run(cell, [Step("sodiate", 1000.0, limit_V=0.01, temperature_K=T)])
        model = float(run.steps["capacity_mAh_g"].iloc[0])
        hand = sphere_capacity_mAh_g(1000.0, D_T, radius, ocp.total_capacity_mAh_g, x_start, x_limit)
        assert model == pytest.approx(hand, rel=0.01), T
        capacities[T] = (model, hand)
    (warm, warm_hand), (cold, cold_hand) = capacities[REFERENCE_TEMPERATURE_K], capacities[T_COLD]
    assert cold / warm < 0.9  # the diffusivity really limits (seen 0.83)
    assert cold / warm == pytest.approx(cold_hand / warm_hand, abs=0.005)
