"""Errors raised by hc-kinetics.

Every public error derives from :class:`KineticsError` and also from the builtin exception a
Python user would expect (``KeyError`` for unknown names, ``ValueError`` for bad values), so
``except ValueError`` keeps working in user code.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable


class KineticsError(Exception):
    """Base class of every error raised by hc-kinetics."""


class UnknownNameError(KineticsError, KeyError):
    """A name (parameter, parameter set, material, electrolyte) that does not exist."""

    def __init__(self, kind: str, name: str, allowed: Iterable[str]):
        allowed = sorted(set(allowed))
        close = difflib.get_close_matches(str(name), allowed, n=3, cutoff=0.5)
        hint = f" Did you mean {', '.join(repr(c) for c in close)}?" if close else ""
        shown = ", ".join(allowed[:12]) + (" ..." if len(allowed) > 12 else "")
        self.message = f"unknown {kind} {name!r}.{hint} Allowed: {shown}"
        self.kind, self.name, self.suggestions = kind, name, close
        super().__init__(self.message)

    def __str__(self) -> str:  # KeyError would otherwise quote the message
        return self.message


class InvalidValueError(KineticsError, ValueError):
    """A value outside what is allowed: names the field, the value and the allowed range."""

    def __init__(self, field: str, value: object, allowed: str):
        self.field, self.value, self.allowed = field, value, allowed
        super().__init__(f"{field} = {value!r} is not allowed: {allowed}")


class ParameterFileError(KineticsError, ValueError):
    """A parameter-set file that cannot be read or is incomplete."""


class NotIdentifiableError(KineticsError, ValueError):
    """A calibration was asked to move a parameter that its targets cannot identify."""


class RunFailedError(KineticsError, RuntimeError):
    """A simulation that was needed whole stopped early (solver failure, infeasible step)."""


class SimulationWarning(UserWarning):
    """A solve that stopped early (solver failure at a high rate, infeasible step), or a
    physical guard that fired (a state outside an electrode's range, sodium not conserved)."""


class PlatingWarning(SimulationWarning):
    """The carbon was driven below 0 V vs Na+/Na: sodium metal could plate on it."""


class Interrupted(KeyboardInterrupt):
    """Ctrl-C during a long run. It is a ``KeyboardInterrupt`` (a script stops as usual);
    ``partial`` holds what was completed (a result, a fit's best point, a study's summary) and
    ``kept`` says what that is."""

    def __init__(self, kept: str, partial: object = None):
        super().__init__(kept)
        self.kept, self.partial = kept, partial
