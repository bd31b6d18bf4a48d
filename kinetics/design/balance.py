"""Full-cell balancing by the N/P ratio: the reversible capacity of each electrode, simulated
in its own half cell, and the cell's :class:`~kinetics.cells.Balance`.

The N/P ratio is the anode's reversible areal capacity over the cathode's, both at the papers'
test current of 20 mA/g, as paper 000 uses it ("the capacity ratio of the negative to …
positive electrodes (N/P ratio) is kept in the range of 1–1.05"). Each reversible capacity is
simulated here in its own half cell against sodium metal (sodiate then desodiate at 20 mA/g;
the desodiation capacity is the reversible one) and kept per half cell, so balancing the same
electrodes at another N/P ratio simulates nothing. How the measured first-cycle efficiencies
enter is :meth:`kinetics.cells.Balance.from_reversible_capacities`; nothing here is tuned to
full-cell numbers.
"""

from __future__ import annotations

import json
import warnings
from dataclasses import dataclass

from ..cells import Balance, FullCell, HalfCell
from ..errors import InvalidValueError, RunFailedError, SimulationWarning
from ..protocols import desodiate, sodiate
from ..results import Simulator, run

BALANCE_CURRENT_mA_g = 20.0  # paper 000's test current for N/P and capacities
_REVERSIBLE: dict[str, float] = {}
_FIRST: dict[str, FirstCycle] = {}


def _key(cell: HalfCell, current_mA_g: float) -> str:
    values = {k: v for k, v in cell.values().items()}
    return json.dumps([values, cell.model, current_mA_g], sort_keys=True, default=str)


def reversible_capacity(cell: HalfCell, current_mA_g: float = BALANCE_CURRENT_mA_g) -> float:
    """Half-cell reversible (desodiation) capacity [mAh/g] at ``current_mA_g`` (cached per cell
    values, model and current)."""
    key = _key(cell, current_mA_g)
    if key not in _REVERSIBLE:
        lo, hi = cell.window_V
        result = run(cell, [sodiate(current_mA_g, lo), desodiate(current_mA_g, hi)])
        _REVERSIBLE[key] = float(result.reversible_capacities()["capacity_mAh_g"].iloc[-1])
    return _REVERSIBLE[key]


def balance(cell: FullCell) -> Balance:
    """The balance of ``cell``: the one it carries (given, or stated by its sets with
    ``np_ratio=None``), else computed by its N/P ratio from the half cells' reversible
    capacities at 20 mA/g."""
    if cell.balance is not None:
        return cell.balance
    return Balance.from_reversible_capacities(cell, reversible_capacity(cell.anode_half),
                                              reversible_capacity(cell.cathode_half))


@dataclass(frozen=True)
class FirstCycle:
    """A half cell's simulated first cycle with ageing on: sodium in and out [mAh/g]."""

    sodiated_mAh_g: float
    desodiated_mAh_g: float

    @property
    def efficiency(self) -> float:
        return self.desodiated_mAh_g / self.sodiated_mAh_g


def first_cycle(cell: HalfCell, current_mA_g: float = BALANCE_CURRENT_mA_g, simulator: Simulator | None = None,
                inputs: dict[str, float] | None = None) -> FirstCycle:
    """Sodiate the fresh electrode to the bottom of its window and desodiate it to the top at
    ``current_mA_g`` with its side reactions on (the SEI its first sodiation forms); a run that
    stops early raises :class:`RunFailedError`. Without ``simulator`` and ``inputs`` the result is
    kept per cell values, model and current (like :func:`reversible_capacity`)."""
    key = _key(cell, current_mA_g) if simulator is None and inputs is None else None
    if key in _FIRST:
        return _FIRST[key]
    sim = simulator or Simulator(cell, ageing=True)
    lo, hi = cell.window_V
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SimulationWarning)
        r = sim.run([sodiate(current_mA_g, lo), desodiate(current_mA_g, hi)], inputs)
    if r.truncated:
        raise RunFailedError(f"{cell.name} first cycle: {r.status()}")
    q = r.steps["capacity_mAh_g"].to_numpy()
    result = FirstCycle(float(q[0]), float(q[1]))
    if key is not None:
        _FIRST[key] = result
    return result


#: What a full cell's N/P ratio counts: the electrodes' reversible capacities, or their first-cycle
#: ones (the anode's first sodiation with its SEI, the cathode's first charge).
NP_BASES = ("reversible", "first-cycle")


def fresh(cell: FullCell, basis: str = "reversible") -> FullCell:
    """``cell`` as assembled, for runs with ageing (:meth:`Balance.from_reversible_capacities`
    with ``fresh``): the anode's first-cycle loss is not booked beforehand but formed by its SEI
    in the run, out of the cathode's sodium. ``basis``: what the N/P ratio counts
    (:data:`NP_BASES`); the anode's first-cycle capacity is its simulated first sodiation at
    20 mA/g, the cathode's its first charge (reversible capacity / its ICE)."""
    if basis not in NP_BASES:
        raise InvalidValueError("--np-basis", basis, " or ".join(NP_BASES))
    q_a, q_c = reversible_capacity(cell.anode_half), reversible_capacity(cell.cathode_half)
    np_a = np_c = None
    if basis == "first-cycle":
        np_a = first_cycle(cell.anode_half).sodiated_mAh_g
        np_c = q_c / cell.cathode_electrode.first_cycle_efficiency
    return cell.with_balance(Balance.from_reversible_capacities(cell, q_a, q_c, fresh=True, np_anode_mAh_g=np_a,
                                                                np_cathode_mAh_g=np_c))


def balanced(cell: FullCell) -> FullCell:
    """``cell`` carrying its :func:`balance`."""
    return cell if cell.balance is not None else cell.with_balance(balance(cell))
