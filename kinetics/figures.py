"""The one way hc-kinetics makes a figure: matplotlib's object API without pyplot.

No pyplot means no global figure registry to close and no backend switched under a user's feet
(a library that calls ``matplotlib.use("Agg")`` changes a notebook's backend); ``savefig``
renders PNG and PDF with Agg whatever the backend. matplotlib is imported when the first figure
is made (about 0.3 s; pyplot would be 0.6 s), so commands that draw nothing do not pay for it.
Every figure is drawn with :data:`STYLE` (9 pt text, thin axes).
"""

from __future__ import annotations

from contextlib import contextmanager
from typing import Any

import numpy as np

STYLE = {"font.size": 9, "axes.linewidth": 0.8, "lines.linewidth": 1.2, "figure.dpi": 100}


@contextmanager
def style():
    """:data:`STYLE` while a figure is drawn."""
    import matplotlib

    with matplotlib.rc_context(STYLE):
        yield


def subplots(nrows: int = 1, ncols: int = 1, *, figsize: tuple[float, float], constrained_layout: bool = False,
             **kwargs: Any):
    """A figure and its axes, as ``pyplot.subplots`` gives them (``kwargs``: ``sharex``,
    ``height_ratios``, …); nothing to close."""
    from matplotlib.figure import Figure

    fig = Figure(figsize=figsize, layout="constrained" if constrained_layout else None)
    return fig, fig.subplots(nrows, ncols, **kwargs)


def colours(n: int, low: float = 0.0, high: float = 0.9) -> np.ndarray:
    """``n`` colours of viridis from ``low`` to ``high`` (readable in grey and by colour-blind
    readers)."""
    import matplotlib

    return matplotlib.colormaps["viridis"](np.linspace(low, high, max(n, 1)))
