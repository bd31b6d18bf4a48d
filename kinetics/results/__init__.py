"""Results: running protocols (:class:`Simulator`, :func:`run`), the tidy time series and
per-step summaries (:class:`Result`), and the figures people expect (:mod:`.plots`)."""

from .simulator import Simulator, run
from .tables import (
    CYCLER_COLUMNS,
    PLATEAU_EDGE_V,
    Result,
    capacity_below,
    cycle_summary,
    cycler_frame,
    every_cycle,
    summarise,
)

__all__ = ["CYCLER_COLUMNS", "PLATEAU_EDGE_V", "Result", "Simulator", "capacity_below", "cycler_frame", "every_cycle",
           "run", "summarise", "cycle_summary"]
