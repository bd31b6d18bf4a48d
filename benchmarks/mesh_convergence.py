"""Mesh convergence of the default mesh (issue 16, "a mesh chosen by a convergence study").

hc-kinetics solves on PyBaMM's default mesh (20 points per electrode, separator and particle).
This compares it with coarser and finer meshes (every domain and particle scaled alike) for an
MPCC-1 ether half cell sodiated to 0.01 V, at the papers' slowest (20 mA/g) and a fast
(1000 mA/g) current, in the SPMe (the default model) and the DFN, against a fine reference (80
points everywhere): the capacity's relative error and the largest voltage error over the
common capacity range. It also times each solve, so the trade-off is in one table.

Run: ``python benchmarks/mesh_convergence.py``; the summary goes into ``benchmarks/README.md``.
"""

from __future__ import annotations

import time
import warnings

import numpy as np
import pybamm
from history import record

from kinetics import HalfCell
from kinetics.engine import build, make_solver
from kinetics.engine.steps import Translation
from kinetics.protocols import sodiate

SCALES = {"coarse (10)": 10, "default (20)": 20, "fine (40)": 40, "reference (80)": 80}
CURRENTS_mA_g = (20.0, 1000.0)


def _points(n: int) -> dict[str, int]:
    return {"x_n": n, "x_s": n, "x_p": n, "r_n": n, "r_p": n}


def _solve(cell: HalfCell, n: int, mA_g: float) -> tuple[np.ndarray, np.ndarray, float]:
    built = build(cell)
    step = sodiate(mA_g, 0.01)
    one_c = cell.working.material.one_c_mA_g
    translation = Translation("half", cell.current_A, lambda c: c.mA_g(cell.active_mass_mg, one_c),
                              cell.working.material.ocp.total_capacity_mAh_g)
    (piece,) = translation.steps(step)
    sim = pybamm.Simulation(built.model, parameter_values=built.parameter_values,
                            experiment=pybamm.Experiment([piece.step]), var_pts=_points(n),
                            solver=make_solver(["Discharge capacity [A.h]", "Voltage [V]"]))
    t0 = time.perf_counter()
    sol = sim.solve(inputs=piece.inputs)
    seconds = time.perf_counter() - t0
    q = np.asarray(sol["Discharge capacity [A.h]"].entries) / (cell.active_mass_mg * 1e-6)  # mAh/g
    return q, np.asarray(sol["Voltage [V]"].entries), seconds


def main() -> None:
    warnings.simplefilter("ignore")
    print("Mesh convergence: MPCC-1 ether half cell sodiated to 0.01 V; errors against 80 points everywhere\n")
    print(f"{'model':5s} {'mA/g':>6s} {'mesh':>15s} {'capacity [mAh/g]':>17s} {'capacity error':>15s} "
          f"{'max |ΔV| [mV]':>14s} {'build+solve [s]':>16s}")
    for model in ("SPMe", "DFN"):
        cell = HalfCell("MPCC-1-ether", model)
        for mA_g in CURRENTS_mA_g:
            runs = {name: _solve(cell, n, mA_g) for name, n in SCALES.items()}
            q_ref, v_ref, _ = runs["reference (80)"]
            for name, (q, v, seconds) in runs.items():
                top = min(q[-1], q_ref[-1])
                grid = np.linspace(0.02 * top, 0.98 * top, 400)
                dv = np.max(np.abs(np.interp(grid, q, v) - np.interp(grid, q_ref, v_ref))) * 1e3
                err = (q[-1] - q_ref[-1]) / q_ref[-1]
                print(f"{model:5s} {mA_g:6g} {name:>15s} {q[-1]:17.2f} {err:+14.3%} {dv:14.2f} {seconds:16.2f}")
                if name == "default (20)":
                    record(f"mesh {model} {mA_g:g} mA/g", {"capacity_error": err, "max_voltage_error_mV": dv})


if __name__ == "__main__":
    main()
