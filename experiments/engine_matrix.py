"""Print the engine's robustness matrix (kinetics.validation.robustness) as markdown for the README.

Run: ``python experiments/engine_matrix.py`` (about 5 minutes on 2 cores).
"""

import sys

import pandas as pd

from kinetics.validation.robustness import full_cell_matrix, half_cell_matrix


def main() -> int:
    half, full = half_cell_matrix(), full_cell_matrix()
    for name, frame in (("Half cells", half), ("Full cells", full)):
        print(f"\n{name} (capacity of each step [mAh/g]): "
              + ", ".join(f"{n} {s}" for s, n in frame["status"].value_counts().items()))
        table = frame.assign(result=[
            ("/".join(f"{x:.0f}" for x in c) or "—") + ("" if s == "completed" else f" ({s})")
            for s, c in zip(frame["status"], frame["capacities_mAh_g"])])
        wide = table.pivot_table(index=["set", "start", "model"], columns="current_mA_g", values="result",
                                 aggfunc="first")
        wide.columns = [f"{c:g} mA/g" for c in wide.columns]
        print(wide.reset_index().to_markdown(index=False))
        bad = frame[frame["status"] != "completed"]
        for _, r in bad.iterrows():
            print(f"- {r['model']} {r['set']} {r['start']} {r['current_mA_g']:g} mA/g: {r['status']}: {r['reason']}")
    return 0


if __name__ == "__main__":
    pd.set_option("display.width", 250)
    sys.exit(main())
