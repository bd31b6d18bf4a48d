"""Can MPCC-1's double layer and surface-limited storage reproduce paper 000's CV numbers?

Paper 000 reports for MPCC-1 b = 0.67 for the anodic plateau peak and a Dunn
capacitive share of 39.5 % at 0.1 mV/s. Issue 13 asks to calibrate the two new CV parameters on
those two numbers: the double layer (C·S, bounded by S < 10 m²/g, "All samples exhibit a low
specific surface area (<10 m2 g−1)", and C = 5–20 µF/cm²: at most 2 F/g) and the share s of the
adsorption stage stored without diffusion limitation (0 ≤ s < 1).

This script simulates the five-scan-rate study (0.1, 0.2, 0.5, 1, 2 mV/s, two cycles 0.01–3 V,
SPMe) of MPCC-1-ether at the corners and the middle of that box and prints b and the capacitive
share at 0.1 mV/s, so that anyone can see whether the two numbers lie inside what the two
parameters reach, before any calibration is stored. Run from the repository root::

    python experiments/cv_calibration.py         # about 8 minutes here
"""

from __future__ import annotations

import itertools
import time
import warnings

from kinetics.analysis.cv import scan_rate_study
from kinetics.cells import HalfCell
from kinetics.io.cv import Voltammogram
from kinetics.virtual import CV_COLUMNS, virtual_cv

RATES = (0.1, 0.2, 0.5, 1.0, 2.0)
AREA_M2_G = 10.0  # the paper's upper bound
CAPACITANCES_F_M2 = (0.0, 0.2)  # none, and 20 µF/cm² (the cited upper end): 0 and 2 F/g
SHARES = (0.0, 0.5, 0.99)
PAPER = {"b": 0.67, "capacitive at 0.1 mV/s": 0.395}


#: What else moves b (not CV parameters; for the explanation): the plateau's series polarisation made
#: small, and the solid diffusivities made small. Factors on the set's values; film resistance set.
FAST_SERIES = {"anode.kinetics.exchange_current_density": 100.0, "counter.exchange_current_density": 100.0,
               "anode.diffusivity.adsorption": 100.0, "anode.diffusivity.insertion": 100.0,
               "anode.diffusivity.pore_filling": 100.0, "electrolyte.conductivity": 10.0,
               "electrolyte.diffusivity": 10.0}
SLOW_SOLID = {"anode.diffusivity.adsorption": 1e-3, "anode.diffusivity.insertion": 1e-3,
              "anode.diffusivity.pore_filling": 1e-3}


def study(C: float, s: float, factors: dict | None = None, film: float | None = None) -> tuple[float, float]:
    values = {"anode.surface.storage_fraction": s}
    if C > 0:
        values |= {"anode.surface.area": AREA_M2_G, "anode.surface.double_layer_capacitance": C}
    base = HalfCell("MPCC-1-ether").values()
    values |= {n: base[n] * f for n, f in (factors or {}).items()}
    if film is not None:
        values["cell.film_resistance"] = film
    cell = HalfCell("MPCC-1-ether").with_values(values)
    frames = virtual_cv(cell, RATES, cell.window_V, cycles=2)
    t, E, i, c = CV_COLUMNS
    vs = [Voltammogram(f"{r:g}", f[t].to_numpy(), f[E].to_numpy(), f[i].to_numpy(), f[c].to_numpy().astype(int),
                       r, r, cell.active_mass_mg) for r, f in frames.items()]
    result = scan_rate_study(vs)
    return result.anodic.b, float(result.split.capacitive_fraction[0])


def main() -> None:
    warnings.simplefilter("ignore")
    print(f"MPCC-1-ether SPMe, {RATES} mV/s, 0.01–3 V; paper 000: b = {PAPER['b']}, "
          f"capacitive share {PAPER['capacitive at 0.1 mV/s']:.1%} at 0.1 mV/s")
    print(f"{'C·S [F/g]':>10s} {'s':>5s} {'b':>7s} {'capacitive 0.1 mV/s':>20s} {'wall':>6s}")
    for C, s in itertools.product(CAPACITANCES_F_M2, SHARES):
        t0 = time.perf_counter()
        b, share = study(C, s)
        print(f"{C * AREA_M2_G:10.1f} {s:5.2f} {b:7.3f} {share:19.1%} {time.perf_counter() - t0:5.0f}s")
    print("not CV parameters, for the explanation (no double layer, s = 0):")
    for label, factors, film in (("series polarisation small: both exchange currents and the stage D ×100, "
                                  "electrolyte ×10, film 0.01 Ω·cm²", FAST_SERIES, 0.01),
                                 ("stage diffusivities ÷1000", SLOW_SOLID, None)):
        t0 = time.perf_counter()
        b, share = study(0.0, 0.0, factors, film)
        print(f"  {label}: b {b:.3f}, capacitive {share:.1%} ({time.perf_counter() - t0:.0f}s)")


if __name__ == "__main__":
    main()
