"""Named functional forms: which law a set's electrode uses for each process.

A set names the form of each electrode's OCP and solid diffusivity with a text entry,

* ``<role>.ocp.model``: ``"multi-stage"`` (:class:`~kinetics.physics.ocp.MultiStageOCP`: stages
  ``<role>.ocp.<stage>.capacity|potential|width``, optional ``<role>.ocp.hysteresis``);
* ``<role>.diffusivity.model``: ``"stage"`` (:class:`~kinetics.physics.transport.StageDiffusivity`:
  ``<role>.diffusivity.adsorption|insertion|pore_filling|minimum_potential|minimum_depth|
  minimum_width|activation_energy``) or ``"constant"``
  (:class:`~kinetics.physics.transport.ConstantDiffusivity`: ``<role>.diffusivity`` and an optional
  ``<role>.diffusivity_activation_energy``).

An unknown form is refused when the file is loaded, naming the file and the entry. A file
without the key still loads with the documented default: ``multi-stage`` for every OCP,
``stage`` for an anode's diffusivity and ``constant`` for a cathode's.
"""

from __future__ import annotations

from collections.abc import Mapping

from ..errors import ParameterFileError

#: process → the forms hc-kinetics implements
FORMS: dict[str, tuple[str, ...]] = {
    "ocp": ("multi-stage",),
    "diffusivity": ("stage", "constant"),
}
#: (process, role) → the form of a set that does not name one
DEFAULTS: dict[tuple[str, str], str] = {
    ("ocp", "anode"): "multi-stage",
    ("ocp", "cathode"): "multi-stage",
    ("diffusivity", "anode"): "stage",
    ("diffusivity", "cathode"): "constant",
}


def form_entry(role: str, process: str) -> str:
    """The entry that names ``process``'s form for electrode ``role``, e.g. ``anode.ocp.model``."""
    return f"{role}.{process}.model"


def check_forms(values: Mapping[str, object], where: str) -> None:
    """Raise :class:`ParameterFileError` for any ``<role>.<process>.model`` entry that names an
    unknown form (``where`` names the file)."""
    for name, value in values.items():
        parts = name.split(".")
        if len(parts) == 3 and parts[2] == "model":
            process = parts[1]
            if process not in FORMS:
                raise ParameterFileError(f"{where}: entry {name!r} names the form of {process!r}, which has "
                                         f"no named forms (processes with forms: {', '.join(FORMS)})")
            if value not in FORMS[process]:
                raise ParameterFileError(f"{where}: entry {name!r} = {value!r} is not a known functional "
                                         f"form; allowed: {', '.join(repr(f) for f in FORMS[process])}")
