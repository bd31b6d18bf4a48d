"""Temperature as a variable: Arrhenius factors on solid diffusion, both exchange currents and the
electrolyte's transport, per cell or per step.

The independent check is time–temperature superposition: if every rate process of a cell slows by
the same Arrhenius factor a(T) = exp(−E_a/R · (1/T − 1/T_ref)), the cell at T and current I follows
the same dimensionless trajectory as the cell at T_ref and current I/a (time stretched by 1/a), so
it delivers the same capacity. What breaks it is only the thermal voltage RT/F in the kinetic and
diffusion-potential terms (8 % smaller at 273 K) and the temperature-independent film resistance
(set to zero here).
"""

import math
import warnings

import pytest

import kinetics as hk
from kinetics.errors import SimulationWarning
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
