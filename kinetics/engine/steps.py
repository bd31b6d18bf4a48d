"""Protocol steps as PyBaMM steps: signs, currents in A, time bounds, sampling and termination."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Literal

import pybamm

from ..protocols import Step, voltage_falls
from . import names


def to_pybamm_steps(steps: Sequence[Step], cell_kind: Literal["half", "full"], current_A: Callable[[float], float],
                    one_c_mA_g: float, capacity_mAh_g: float) -> list[tuple[int, object]]:
    """``(index of our step, pybamm.step)`` pairs for ``steps`` (CC-CV gives two pairs).

    ``current_A`` converts mA/g into A; ``capacity_mAh_g`` bounds each current step's time
    (1.6 × the time to pass the electrode's whole capacity) so a step never runs forever.
    """
    out = []
    for k, s in enumerate(steps):
        if s.direction == "rest":
            seconds = s.duration_h * 3600.0
            out.append((k, pybamm.step.rest(seconds, period=s.sample_period_s or max(seconds / 100.0, 1.0))))
            continue
        i_mA_g = s.current_mA_g(one_c_mA_g)
        sign = names.current_sign(cell_kind, s.direction)
        t_max = s.duration_h * 3600.0 if s.duration_h else 1.6 * capacity_mAh_g / i_mA_g * 3600.0
        term = []
        if s.limit_V is not None:
            term.append(names.voltage_termination(s.limit_V, voltage_falls(cell_kind, s.direction)))
        period = s.sample_period_s or t_max / 400.0
        out.append((k, pybamm.step.current(sign * current_A(i_mA_g), termination=term or None,
                                           duration=t_max, period=period)))
        if s.hold_until_mA_g is not None and s.limit_V is not None:
            out.append((k, pybamm.step.voltage(s.limit_V, termination=names.current_termination(
                current_A(s.hold_until_mA_g)), duration=t_max, period=period)))
    return out
