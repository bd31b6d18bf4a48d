"""The engine's robustness matrix: every model × shipped anode set × current × starting state in
half cells, and every model × current in full cells, each run once. A case completes, is
refused before solving with its reason, or stops with the step and the solver's message; it
never raises from inside numpy, pandas or PyBaMM. ``python experiments/engine_matrix.py``
prints it for the README.
"""

from __future__ import annotations

import time
import warnings
from collections.abc import Sequence

import pandas as pd

from ..cells import FullCell, HalfCell
from ..design import balanced
from ..errors import KineticsError, SimulationWarning
from ..protocols import Step, charge
from ..results import Simulator

MODELS = ("SPM", "SPMe", "DFN")
ANODE_SETS = ("MPCC-1-ether", "MPCC-1-ester", "PCC-ester")
CURRENTS_mA_g = (20, 50, 200, 500, 1000, 2000, 5000)
FULL_CURRENTS_mA_g = (20, 500, 2000)
STARTS = ("desodiated", "sodiated")


def _case(sim: Simulator, protocol) -> dict:
    t0 = time.perf_counter()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", SimulationWarning)
            r = sim.run(protocol)
    except KineticsError as e:  # refused before solving, with the reason
        return {"status": "refused", "reason": str(e), "capacities_mAh_g": [],
                "wall_time_s": time.perf_counter() - t0}
    return {"status": "stopped" if r.truncated else "completed", "reason": r.failure or "",
            "capacities_mAh_g": r.steps["capacity_mAh_g"].round(2).tolist(),
            "min_anode_potential_V": r.min_anode_potential_V, "wall_time_s": time.perf_counter() - t0}


def half_cell_matrix(models: Sequence[str] = MODELS, sets: Sequence[str] = ANODE_SETS,
                     currents_mA_g: Sequence[float] = CURRENTS_mA_g, starts: Sequence[str] = STARTS) -> pd.DataFrame:
    """One row per case: from the desodiated start a full sodiation to the window's bottom, from
    the sodiated start a full desodiation to its top, at the current."""
    rows = []
    for model in models:
        for name in sets:
            for start in starts:
                cell = HalfCell(name, model)
                sim = Simulator(cell, start=start)
                lo, hi = cell.window_V
                direction, limit = ("sodiate", lo) if start == "desodiated" else ("desodiate", hi)
                for i in currents_mA_g:
                    protocol = [Step(direction, float(i), limit_V=limit)]
                    rows.append({"model": model, "set": name, "start": start, "current_mA_g": i,
                                 **_case(sim, protocol)})
    return pd.DataFrame(rows)


def full_cell_matrix(models: Sequence[str] = MODELS, currents_mA_g: Sequence[float] = FULL_CURRENTS_mA_g,
                     anode: str = "MPCC-1-ether", cathode: str = "O3-Na0.9TMO2",
                     np_ratio: float = 1.05) -> pd.DataFrame:
    """One row per case: the balanced full cell charged from its discharged state at the current
    [mA/g of anode], to the top of its window."""
    rows = []
    for model in models:
        cell = balanced(FullCell(anode, cathode, np_ratio, model))
        sim = Simulator(cell)
        hi = cell.window_V[1]
        for i in currents_mA_g:
            rows.append({"model": model, "set": f"{anode}//{cathode}", "start": "discharged", "current_mA_g": i,
                         **_case(sim, [charge(float(i), hi)])})
    return pd.DataFrame(rows)
