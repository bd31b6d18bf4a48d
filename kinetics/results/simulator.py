"""Running protocols on cells and getting results: :class:`Simulator` and :func:`run`.

The engine (:class:`kinetics.engine.Engine`) builds and solves; this module turns what it solved
into a :class:`~kinetics.results.tables.Result` and says when a run stopped early.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence

from ..cells import Balance, FullCell, HalfCell
from ..engine import BuiltModel, Engine
from ..errors import SimulationWarning
from ..protocols import Step
from .tables import Result, summarise, tidy


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
    """

    def __init__(self, cell: HalfCell | FullCell, inputs: Sequence[str] = (), balance: Balance | None = None):
        if balance is not None:
            cell = cell.with_balance(balance)
        self.cell = cell
        self.inputs = tuple(inputs)
        self.engine = Engine(cell, self.inputs)

    @property
    def built(self) -> BuiltModel:
        return self.engine.built

    @property
    def kind(self) -> str:
        return self.cell.kind

    def run(self, steps: Sequence[Step], inputs: Mapping[str, float] | None = None,
            progress: bool = False, description: str = "") -> Result:
        """Run ``steps`` and return a :class:`~kinetics.results.tables.Result`.

        A solver failure (e.g. at a high rate) ends the run with a
        :class:`~kinetics.errors.SimulationWarning` and a truncated, still usable result.
        """
        steps = tuple(steps)
        raw = self.engine.run(steps, inputs, progress, description)
        table = tidy(raw, steps, self.cell)
        if raw.truncated:
            warnings.warn(f"run stopped after {len(raw.series)} of {len(steps)} steps: {raw.failure}; "
                          "the result is truncated", SimulationWarning, stacklevel=2)
        return Result(table, summarise(table, steps, self.kind), steps, self.cell, raw.wall_time_s,
                      n_completed=len(raw.series))


def run(cell: HalfCell | FullCell, steps: Sequence[Step], progress: bool = False,
        inputs: Mapping[str, float] | None = None, description: str = "") -> Result:
    """Build ``cell`` and run ``steps`` once (see :class:`Simulator` for repeated runs)."""
    return Simulator(cell, tuple(inputs or ())).run(steps, inputs, progress, description)
