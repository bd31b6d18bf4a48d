"""The one progress display of every long command (simulate, validate, calibrate, fit, gitt).

A thin wrapper of ``tqdm`` writing to stderr, so that ``--json`` output on stdout stays clean;
disabled, it costs nothing. Usage::

    with Progress(total=7, description="MPCC-1-ether half cell", enabled=True) as bar:
        bar.advance(status="20 mA/g sodiate")
"""

from __future__ import annotations

import contextlib
import signal
import sys
from collections.abc import Iterator
from typing import IO

from tqdm import tqdm

#: Set by :func:`remembered_interrupts`' handler: a Ctrl-C that a compiled solver swallowed (its
#: KeyboardInterrupt cleared inside the C++ call) still stops the run at the next unit of work.
_PENDING = {"interrupt": False}


@contextlib.contextmanager
def remembered_interrupts() -> Iterator[None]:
    """While active, SIGINT raises KeyboardInterrupt as usual and is also remembered, so that
    :meth:`Progress.advance` raises it again if a solver swallowed it (the CLI runs every command
    inside this; the previous handler is restored afterwards)."""
    def handler(signum, frame):
        _PENDING["interrupt"] = True
        raise KeyboardInterrupt

    try:
        previous = signal.signal(signal.SIGINT, handler)
    except ValueError:  # not the main thread: leave signals alone
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
        _PENDING["interrupt"] = False


class Progress:
    """A progress bar (``total`` known) or counter (``total=None``) on ``stream`` (stderr).

    Parameters
    ----------
    total : int or None
        Number of units of work, if known.
    description : str
        Shown before the bar, e.g. ``"fit"``.
    enabled : bool
        False shows nothing.
    unit : str
        Name of one unit of work ("step", "evaluation", "row").
    """

    def __init__(self, total: int | None, description: str, enabled: bool = True, unit: str = "step",
                 stream: IO[str] | None = None):
        self._bar = tqdm(total=total, desc=description.strip(), disable=not enabled, unit=unit, leave=True,
                         file=stream or sys.stderr, dynamic_ncols=True, mininterval=0.2)

    def advance(self, n: int = 1, status: str = "") -> None:
        """Count ``n`` units done; ``status`` is shown after the bar. Raises KeyboardInterrupt
        if a Ctrl-C was remembered but swallowed (see :func:`remembered_interrupts`)."""
        if _PENDING["interrupt"]:
            _PENDING["interrupt"] = False
            raise KeyboardInterrupt
        if status:
            self._bar.set_postfix_str(status, refresh=False)
        self._bar.update(n)

    def status(self, text: str) -> None:
        """Show ``text`` after the bar without counting work."""
        self._bar.set_postfix_str(text)

    def close(self) -> None:
        self._bar.close()

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
