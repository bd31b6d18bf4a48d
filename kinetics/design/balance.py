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

from ..cells import Balance, FullCell, HalfCell
from ..protocols import desodiate, sodiate
from ..results import run

BALANCE_CURRENT_mA_g = 20.0  # paper 000's test current for N/P and capacities
_REVERSIBLE: dict[str, float] = {}


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


def balanced(cell: FullCell) -> FullCell:
    """``cell`` carrying its :func:`balance`."""
    return cell if cell.balance is not None else cell.with_balance(balance(cell))
