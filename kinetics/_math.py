"""Elementwise maths that runs on floats, numpy arrays, PyBaMM symbols and CasADi expressions.

numpy ufuncs already dispatch to PyBaMM symbols; CasADi values get CasADi's own functions
here (calling numpy ufuncs on them works but is deprecated by CasADi).
"""

from __future__ import annotations

from typing import Any

import casadi
import numpy as np

_CASADI = (casadi.MX, casadi.SX, casadi.DM)


def _is_casadi(*args: Any) -> bool:
    return any(isinstance(a, _CASADI) for a in args)


def tanh(x: Any) -> Any:
    return casadi.tanh(x) if _is_casadi(x) else np.tanh(x)


def exp(x: Any) -> Any:
    return casadi.exp(x) if _is_casadi(x) else np.exp(x)


def log(x: Any) -> Any:
    return casadi.log(x) if _is_casadi(x) else np.log(x)


def sqrt(x: Any) -> Any:
    return casadi.sqrt(x) if _is_casadi(x) else np.sqrt(x)


def maximum(a: Any, b: Any) -> Any:
    return casadi.fmax(a, b) if _is_casadi(a, b) else np.maximum(a, b)


def minimum(a: Any, b: Any) -> Any:
    return casadi.fmin(a, b) if _is_casadi(a, b) else np.minimum(a, b)
