"""Running protocols on cells and getting results: :class:`Simulator` and :func:`run`.

The engine (:class:`kinetics.engine.Engine`) builds and solves chunk by chunk; this module turns
each solved chunk into summary rows (and table rows for the steps kept) as it arrives, checks
the physical guards, and says when a run stopped early or was interrupted.
"""

from __future__ import annotations

import time
import warnings
from collections.abc import Mapping, Sequence

import pandas as pd

from ..cells import Balance, FullCell, HalfCell
from ..engine import BuiltModel, CycleSkipping, Engine
from ..errors import Interrupted, PlatingWarning, SimulationWarning
from ..protocols import Protocol, Step, steps_of, voltage_falls
from .tables import (
    AGEING_COLUMNS,
    SUMMARY_COLUMNS,
    TABLE_COLUMNS,
    Result,
    ageing_row,
    cycle_summary,
    guard_notes,
    step_frame,
    summary_row,
)

_IN = ("sodiate", "charge")


class Simulator:
    """A built cell model that runs protocols, re-using the model between runs.

    Parameters
    ----------
    cell : HalfCell or FullCell
        A full cell must carry its balance (:func:`kinetics.balance` computes it), or be given
        one here.
    inputs : sequence of str
        Parameter-set names exposed as input parameters (change them per run via
        ``run(..., inputs={...})`` without rebuilding).
    balance : Balance, optional
        Full cells: the balance to use (the same as ``cell.with_balance(balance)``).
    start : {"desodiated", "sodiated"}
        Half cells: the working electrode starts at rest in equilibrium with the top of the
        window (default) or with its bottom.
    ageing : bool
        Build the electrodes' side reactions and losses (:mod:`kinetics.physics.ageing`: the
        carbon's SEI and plating, loss of active material); off by default.
    """

    def __init__(self, cell: HalfCell | FullCell, inputs: Sequence[str] = (), balance: Balance | None = None,
                 start: str = "desodiated", ageing: bool = False):
        if balance is not None:
            cell = cell.with_balance(balance)
        self.cell = cell
        self.inputs = tuple(inputs)
        self.ageing = ageing
        self.engine = Engine(cell, self.inputs, start, ageing)

    @property
    def built(self) -> BuiltModel:
        return self.engine.built

    @property
    def kind(self) -> str:
        return self.cell.kind

    def run(self, protocol: Protocol, inputs: Mapping[str, float] | None = None,
            progress: bool = False, description: str = "", fast: CycleSkipping | None = None,
            stop_at_lost_cutoff: bool = False) -> Result:
        """Run ``protocol`` (steps and repeat blocks) and return a
        :class:`~kinetics.results.tables.Result`.

        ``fast``: the fast path for long repeat blocks (:class:`~kinetics.engine.CycleSkipping`):
        skipped cycles have no rows; :func:`~kinetics.results.tables.every_cycle` fills them in.
        ``stop_at_lost_cutoff``: a current step of a repeat block that ends without reaching its
        voltage limit (at its time limit, or skipped as already beyond it) ends the run there,
        with that as its failure (a long run whose cell can no longer be cycled).

        A solver failure ends the run with a :class:`~kinetics.errors.SimulationWarning` naming
        the step and the solver's message, and a truncated, still usable result. Ctrl-C raises
        :class:`~kinetics.errors.Interrupted` whose ``partial`` is the result of the completed
        steps. A carbon driven below 0 V vs Na+/Na gives a :class:`~kinetics.errors.PlatingWarning`.
        """
        protocol = tuple(protocol)
        steps = tuple(steps_of(protocol))
        frames, rows, blocks, notes = [], [], [], []
        last_in, failure, interrupted, reached = None, None, False, 0
        t0 = time.perf_counter()
        try:
            for part in self.engine.iter_run(protocol, inputs, progress, description, fast):
                for j, s in enumerate(part.series):
                    k = part.chunk.first_step + j
                    frame = step_frame(k, steps[k], s, self.cell, part.chunk.cycle, occupancies=part.chunk.keep)
                    row = summary_row(k, steps[k], frame, self.kind, last_in, part.chunk.cycle, s.skipped)
                    if self.ageing:
                        row |= ageing_row(s, self.engine.reference_mass_mg)
                    if steps[k].direction in _IN:
                        last_in = row["capacity_mAh_g"]
                    rows.append(row)
                    blocks.append(part.chunk.block)
                    notes += guard_notes(k, steps[k], s, frame, self.cell)
                    if part.chunk.keep:
                        frames.append(frame)
                    lost = stop_at_lost_cutoff and part.chunk.cycle is not None and _cutoff_lost(steps[k], row,
                                                                                                  self.kind)
                    if lost:
                        failure, reached = f"cycle {part.chunk.cycle}: {lost}", k + 1
                        break
                if failure is not None:
                    break
                failure = part.failure
                reached = part.chunk.first_step + len(part.series)  # skipped cycles count as done
        except KeyboardInterrupt:
            interrupted = True
        table = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=TABLE_COLUMNS)
        summary = pd.DataFrame(rows, columns=SUMMARY_COLUMNS + (AGEING_COLUMNS if self.ageing else []))
        result = Result(table, summary, steps, self.cell, time.perf_counter() - t0, n_completed=reached,
                        cycles=cycle_summary(summary, blocks), failure=failure, interrupted=interrupted, notes=notes)
        if interrupted:
            raise Interrupted(result.status(), result)
        for n in notes:
            warnings.warn(n, PlatingWarning if "plating" in n else SimulationWarning, stacklevel=2)
        if result.truncated:
            warnings.warn(f"run {result.status()}; the result is truncated", SimulationWarning, stacklevel=2)
        return result


#: How far [V] a current step may end from its voltage limit and still count as having reached it.
CUTOFF_TOLERANCE_V = 0.005


def _cutoff_lost(step, row: dict, cell_kind: str) -> str | None:
    """Why a current step did not reach its voltage limit, or None."""
    if not isinstance(step, Step) or step.limit_V is None or step.direction == "rest" or step.hold_until_mA_g:
        return None
    if row["skipped"]:
        return f"{step.direction} skipped: {row['skipped']}"
    end = row["end_voltage_V"]
    falls = voltage_falls(cell_kind, step.direction)
    if (end > step.limit_V + CUTOFF_TOLERANCE_V) if falls else (end < step.limit_V - CUTOFF_TOLERANCE_V):
        return (f"the {step.direction} step ended at {end:.3f} V without reaching its {step.limit_V:g} V cut-off "
                "(its time limit): the cell can no longer be cycled this way")
    return None


def run(cell: HalfCell | FullCell, protocol: Protocol, progress: bool = False,
        inputs: Mapping[str, float] | None = None, description: str = "") -> Result:
    """Build ``cell`` and run ``protocol`` once (see :class:`Simulator` for repeated runs)."""
    return Simulator(cell, tuple(inputs or ())).run(protocol, inputs, progress, description)
