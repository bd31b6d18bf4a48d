"""Paper 000 Fig. 6e / paper 003 Fig. 5e: the two GITT shapes of D(Na+) vs potential, as the
shipped MPCC-1 (minimum and U-turn) and PCC (monotone fall) sets express them.

Run: python experiments/diffusivity_shapes.py [output folder]
"""

import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

import kinetics as hk  # noqa: E402

out = Path(sys.argv[1] if len(sys.argv) > 1 else "experiment-output")
out.mkdir(parents=True, exist_ok=True)
fig, ax = plt.subplots(figsize=(4, 3))
for name in ("MPCC-1-ether", "PCC-ester"):
    material = hk.HalfCell(name).working.material
    U = np.linspace(1.5, 0.01, 400)
    x = material.ocp.stoichiometry(U)
    ax.semilogy(U, material.diffusivity(x, material.ocp), label=name.split("-e")[0])
ax.invert_xaxis()
ax.set_xlabel("Potential (V vs Na$^+$/Na)")
ax.set_ylabel("D (m$^2$ s$^{-1}$)")
ax.legend(frameon=False)
fig.tight_layout()
fig.savefig(out / "diffusivity_shapes.png", dpi=300)
print(f"written to {out}")
