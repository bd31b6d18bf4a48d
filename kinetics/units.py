"""Unit handling at the boundary (pint). Everything inside hc-kinetics is SI floats.

The few conversions that battery researchers' units need (mAh/g, mg/cm², µm, mA/g) are
done here and only here.
"""

from __future__ import annotations

import os
import shutil
import warnings
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from . import _cache
from .errors import InvalidValueError, SimulationWarning

if TYPE_CHECKING:
    import pint

FARADAY = 96485.33212  # C/mol, CODATA 2018 exact
GAS_CONSTANT = 8.314462618  # J/(mol K), CODATA 2018 exact
REFERENCE_TEMPERATURE_K = 298.15
#: Temperatures a cell may be simulated at [K]: −40 to +80 °C, the operating range of liquid-
#: electrolyte sodium-ion cells (beyond it the electrolytes freeze or decompose and the Arrhenius
#: laws fitted near room temperature are extrapolated too far).
TEMPERATURE_RANGE_K = (233.0, 353.0)


def check_temperature(field: str, value: float | None) -> None:
    """Raise :class:`InvalidValueError` naming ``field`` if ``value`` [K] is outside
    :data:`TEMPERATURE_RANGE_K` (None passes: not given)."""
    lo, hi = TEMPERATURE_RANGE_K
    if value is not None and not (isinstance(value, int | float) and lo <= value <= hi):
        raise InvalidValueError(field, value, f"a temperature between {lo:g} and {hi:g} K (−40 to +80 °C)")


@lru_cache(maxsize=1)
def registry() -> pint.UnitRegistry:
    """The one pint registry of hc-kinetics, with ``C`` left free for C-rates.

    pint's parsed definitions are kept in the user's cache (:mod:`kinetics._cache`, pint's own
    ``cache_folder``): the registry then takes about 0.07 s instead of 0.35 s. pint writes its
    cache files in place, so a first process fills a folder of its own and renames it into place
    (another process sees a complete folder or none); an entry that cannot be read is dropped
    and the registry built without the cache."""
    import pint  # 0.3 s: imported with the first unit, not with the package

    folder = _cache.folder("")
    if folder is None:
        return _registry(None)
    target = folder / f"pint-{pint.__version__}"
    if target.is_dir():
        try:
            return _registry(target)
        except Exception as e:  # noqa: BLE001 - a corrupt entry of any kind: never trusted, rebuilt without
            shutil.rmtree(target, ignore_errors=True)
            warnings.warn(f"pint's cached unit definitions in {target} could not be read ({type(e).__name__}); "
                          "removed, and the units built without them", SimulationWarning, stacklevel=2)
            return _registry(None)
    private = folder / f".pint-{os.getpid()}"
    ureg = _registry(private)
    try:
        private.rename(target)
    except OSError:  # another process put its folder there first
        shutil.rmtree(private, ignore_errors=True)
    return ureg


def _registry(cache_folder: Path | None) -> pint.UnitRegistry:
    import pint

    ureg = pint.UnitRegistry(autoconvert_offset_to_baseunit=True, cache_folder=cache_folder)
    ureg.define("mAh = milliampere * hour")
    return ureg


def quantity(value: float, unit: str) -> pint.Quantity:
    """A pint quantity; an unknown unit raises :class:`InvalidValueError`."""
    import pint

    try:
        return registry().Quantity(float(value), unit)
    except (pint.errors.UndefinedUnitError, pint.errors.DefinitionSyntaxError, ValueError) as e:
        raise InvalidValueError("unit", unit, f"a unit pint understands ({e})") from None


def convert(value: float, unit: str, target: str, field: str = "value") -> float:
    """Convert ``value`` in ``unit`` to ``target`` and return a float.

    Raises
    ------
    InvalidValueError
        If the units are not compatible (names ``field``).
    """
    import pint

    q = quantity(value, unit)
    try:
        return float(q.to(target).magnitude)
    except pint.errors.DimensionalityError:
        raise InvalidValueError(field, f"{value} {unit}", f"a quantity convertible to {target}") from None


def specific_capacity_to_concentration(q_mAh_g: float, density_g_cm3: float) -> float:
    """Sodium concentration [mol/m³] that stores ``q_mAh_g`` in a solid of ``density_g_cm3``.

    c = q · 3.6 C/mAh · ρ / F, with ρ in g/m³.
    """
    return q_mAh_g * 3.6 * density_g_cm3 * 1e6 / FARADAY


def concentration_to_specific_capacity(c_mol_m3: float, density_g_cm3: float) -> float:
    """Specific capacity [mAh/g] of sodium at ``c_mol_m3`` in a solid of ``density_g_cm3``."""
    return c_mol_m3 * FARADAY / (3.6 * density_g_cm3 * 1e6)


def thermal_voltage(temperature_K: float = REFERENCE_TEMPERATURE_K) -> float:
    """RT/F [V]."""
    return GAS_CONSTANT * temperature_K / FARADAY
