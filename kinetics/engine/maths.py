"""CasADi's array functions under numpy's names, and the PyBaMM node that evaluates one of the
physics functions as a single expression node.

The physics functions take an array namespace ``xp`` (numpy by default); inside the solver they
run on CasADi expressions with :data:`CASADI` (calling numpy ufuncs on CasADi values works but
is deprecated by CasADi).
"""

from __future__ import annotations

import weakref
from types import SimpleNamespace

import casadi
import pybamm

#: The functions the physics modules use, on CasADi expressions.
CASADI = SimpleNamespace(tanh=casadi.tanh, exp=casadi.exp, log=casadi.log, sqrt=casadi.sqrt,
                         maximum=casadi.fmax, minimum=casadi.fmin)


class Kernel(pybamm.Function):
    """A PyBaMM node that evaluates a pure function ``function(*children, xp=...)`` as one node.

    PyBaMM walks expression trees as trees; an unrolled Newton inversion reuses its iterate many
    times and would grow exponentially as a tree. As one node, the function runs on numpy arrays
    (shape checks, python evaluation) and on CasADi expressions, where CasADi's graph shares the
    repeated sub-expressions and differentiates them exactly.
    """

    _count = 0
    #: function → {argument shapes → casadi.Function}: the expression graph of a function is built
    #: once per shape and then called (a call node), instead of being expanded again every time
    #: PyBaMM converts a model that contains it (each experiment chunk, each output variable).
    _compiled: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()

    def __init__(self, function, *children, name=None):
        super().__init__(function, *children, name=name or Kernel.new_name())

    @classmethod
    def new_name(cls) -> str:
        """A name no other kernel has. A node's id follows its name and children: give every node
        of one function the same name (PyBaMM may evaluate a parameter function twice, and must
        find equal ids)."""
        cls._count += 1
        return f"hc-kinetics kernel {cls._count}"

    def create_copy(self, new_children=None, perform_simplifications=True):
        return Kernel(self.function, *self._children_for_copying(new_children), name=self.name)

    def _casadi_evaluate(self, *converted_children):
        shapes = tuple(c.shape for c in converted_children)
        by_shape = Kernel._compiled.setdefault(self.function, {})
        compiled = by_shape.get(shapes)
        if compiled is None:
            args = [casadi.MX.sym(f"a{k}", *shape) for k, shape in enumerate(shapes)]
            compiled = casadi.Function(f"kernel_{len(by_shape)}", args, [self.function(*args, xp=CASADI)])
            by_shape[shapes] = compiled
        return compiled.call(list(converted_children), True, False)[0]
