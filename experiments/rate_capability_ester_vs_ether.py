"""Paper 000, Fig. 5c/5d: MPCC-1 rate capability in ester vs ether electrolyte, and the
plateau share falling with current (the loss is mostly plateau capacity).

Run: python experiments/rate_capability_ester_vs_ether.py [output folder]
"""

import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

import kinetics as hk  # noqa: E402

out = Path(sys.argv[1] if len(sys.argv) > 1 else "experiment-output")
out.mkdir(parents=True, exist_ok=True)
rates = [20, 50, 100, 200, 500, 1000, 2000]
fig, (a1, a2) = plt.subplots(1, 2, figsize=(7, 3))
for name in ("MPCC-1-ester", "MPCC-1-ether"):
    table = hk.run(hk.HalfCell(name), hk.rate_test(rates), progress=True).rate_table()
    table.to_csv(out / f"{name}_rates.csv", index=False)
    a1.semilogx(table["rate_mA_g"], table["capacity_mAh_g"], "o-", label=name)
    a2.semilogx(table["rate_mA_g"], table["plateau_share"], "o-", label=name)
a1.set_xlabel("Current (mA g$^{-1}$)")
a1.set_ylabel("Reversible capacity (mAh g$^{-1}$)")
a2.set_xlabel("Current (mA g$^{-1}$)")
a2.set_ylabel("Share below 0.1 V (-)")
a1.legend(frameon=False)
fig.tight_layout()
fig.savefig(out / "rate_capability.png", dpi=300)
print(f"written to {out}")
