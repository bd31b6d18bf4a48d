"""The virtual carbon of the GITT benchmarks (``bench_gitt.py``, ``bench_regression.py``).

It is the cell of ``tests/integration/test_gitt_identify.py`` (keep the two in step): the shipped
MPCC-1 (ether) set with slow stage diffusivities (1e-15, 3e-16, 3e-16 m²/s, a one-decade minimum),
inside the range GITT studies report for hard carbons, so that relaxation at the minimum is
incomplete within a 40 min rest; and its plateau as wide as paper 000's GCD plateau (0.1–0.01 V,
ω = 0.595) without hysteresis: the shipped set's narrower plateau branches (ω = 0.397, 30 mV apart)
are so flat that the relaxation voltages say little about the pore-filling diffusivity.
"""

from __future__ import annotations

D_NAMES = ["anode.diffusivity.adsorption", "anode.diffusivity.insertion", "anode.diffusivity.pore_filling"]
TRUTH = {**dict(zip(D_NAMES, (1e-15, 3e-16, 3e-16))), "anode.diffusivity.minimum_depth": 1.0,
         "anode.ocp.pore_filling.width": 0.595, "anode.ocp.hysteresis": 0.0}


def truth_set():
    """The benchmark's true parameter set (a :class:`kinetics.sets.ParameterSet`)."""
    import kinetics as hk

    return hk.load("MPCC-1-ether").with_values(TRUTH, "assumed", "GITT benchmark truth (slow MPCC-1 diffusivities, "
                                                                 "GCD-wide plateau)")
