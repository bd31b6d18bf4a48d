"""From a GITT file to a calibrated parameter set: the analytic identification
(:mod:`kinetics.analysis.identify`) followed by a model-based refinement that fits the pulse and
rest transients themselves, all pulses at once, with the half-cell model
(:mod:`kinetics.fitting.fit`).

The refinement varies the stage-diffusivity law (stage values and the transition minimum) and
the carbon's exchange-current density, starting from the analytic values, with the OCP fixed
at the relaxed-potential fit. It corrects what the Weppner–Huggins analysis assumes away: a
pulse that is not short against L²/D, an OCP that is not linear over a pulse, relaxation that
is not complete at the end of a 40 min rest, and surface kinetics.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

import pandas as pd

from ..analysis.identify import DiffusivityFit, fit_gitt_ocp, fit_stage_diffusivity
from ..analysis.ocp_fit import OCPFit
from ..cells import HalfCell
from ..errors import Interrupted, InvalidValueError
from ..io.gcd import GCDData
from ..physics.transport import StageDiffusivity
from ..sets import ParameterSet
from .fit import FitResult, fit
from .parameters import make_parameters

#: Samples compared per pulse or rest in the refinement (spread in time over each step).
REFINE_POINTS = 30
_D_NAMES = StageDiffusivity.stage_names


@dataclass
class GITTIdentification:
    """The identified OCP and diffusivity, their quality, and the resulting parameter set."""

    ocp_fit: OCPFit
    diffusivity_fit: DiffusivityFit
    analytic_set: ParameterSet
    refinement: FitResult | None
    parameter_set: ParameterSet

    def to_json(self) -> dict:
        role = "anode"
        out = {"ocp": {"stages": self.ocp_fit.stages(), "rmse_mV": self.ocp_fit.rmse_mV},
               "diffusivity_analytic": _d_json(self.analytic_set, role)
               | {"rmse_decades": self.diffusivity_fit.rmse_decades,
                  "n_pulses": self.diffusivity_fit.n_points},
               "diffusivity": _d_json(self.parameter_set, role)}
        if self.refinement is not None:
            r = self.refinement
            out["refinement"] = {"rmse_mV": r.rmse_all_mV, "n_evaluations": r.n_evaluations,
                                 "wall_time_s": r.wall_time_s, "converged": r.converged,
                                 "message": r.message, "notes": r.notes,
                                 "stderr": r.stderr}
        return out


def _d_json(pset: ParameterSet, role: str) -> dict:
    p = f"{role}.diffusivity"
    return {"stage_values_m2_s": {n: pset.value(f"{p}.{n}") for n in _D_NAMES},
            "minimum_potential_V": pset.value(f"{p}.minimum_potential"),
            "minimum_depth_decades": pset.value(f"{p}.minimum_depth"),
            "minimum_width": pset.value(f"{p}.minimum_width")}


def analytic_set(base: ParameterSet, ocp_fit: OCPFit, d_fit: DiffusivityFit, source: str,
                 role: str = "anode", direction: str = "sodiate") -> ParameterSet:
    """``base`` with the OCP stages and D(x) law identified analytically.

    The relaxed potentials of one direction lie on that direction's branch (the hysteresis
    state keeps it at rest), so the plateau stage's fitted potential is moved to the mean of the
    branches with the set's hysteresis h: + h/2 from a sodiation GITT, − h/2 from a desodiation
    one (a GITT in both directions identifies h itself: ``kinetics gitt``)."""
    stages = [n.split(".")[2] for n in base.names(f"{role}.ocp.") if n.endswith(".capacity")]
    fitted = sorted(ocp_fit.ocp.stages, key=lambda s: -s.potential_V)
    ordered = sorted(stages, key=lambda n: -base.value(f"{role}.ocp.{n}.potential"))
    if len(fitted) != len(ordered):
        raise InvalidValueError("stages", len(fitted), f"{len(ordered)} stages, as the set has")
    h_name = f"{role}.ocp.hysteresis"
    shift = (0.5 if direction == "sodiate" else -0.5) * (base.value(h_name) if h_name in base else 0.0)
    values = {}
    for name, s in zip(ordered, fitted):
        values |= {f"{role}.ocp.{name}.capacity": s.capacity_mAh_g,
                   f"{role}.ocp.{name}.potential": s.potential_V + (shift if name == ordered[-1] else 0.0),
                   f"{role}.ocp.{name}.width": s.width}
    D = d_fit.diffusivity
    p = f"{role}.diffusivity"
    values |= {f"{p}.{n}": v for n, v in zip(_D_NAMES, D.stage_values)}
    values |= {f"{p}.minimum_potential": D.minimum_potential_V, f"{p}.minimum_depth": D.minimum_depth_decades,
               f"{p}.minimum_width": D.minimum_width}
    return base.with_values(values, "fitted", source)


def identify(base: ParameterSet, data: GCDData, table: pd.DataFrame, direction: str = "sodiate",
             model: str = "SPMe", refine: bool = True, progress: bool = False,
             refine_names: Sequence[str] | None = None) -> GITTIdentification:
    """OCP and D(x) from a GITT, optionally refined against the transients.

    Parameters
    ----------
    base : ParameterSet
        The half-cell set whose other values (electrolyte, kinetics, geometry) are kept.
    data : GCDData
        The GITT file as segments (pulses and rests).
    table : pandas.DataFrame
        :func:`kinetics.analysis.gitt.analyse` of the same data.
    refine_names : sequence of str, optional
        Parameters of the model-based refinement (default: the D(x) law and the exchange
        current).
    """
    label = data.label
    ocp_fit = fit_gitt_ocp(table)
    d_fit = fit_stage_diffusivity(table, ocp_fit.ocp, direction)
    src = (f"identified from {label} by `kinetics gitt` (analytic: OCP fitted to the relaxed potentials, "
           f"RMSE {ocp_fit.rmse_mV:.2f} mV; D(x) law fitted to the Weppner–Huggins values)")
    first = analytic_set(base, ocp_fit, d_fit, src, direction=direction)
    if not refine:
        return GITTIdentification(ocp_fit, d_fit, first, None, first)
    role = "anode"
    names = list(refine_names or [f"{role}.diffusivity.{n}" for n in _D_NAMES]
                 + [f"{role}.diffusivity.minimum_potential", f"{role}.diffusivity.minimum_depth",
                    f"{role}.diffusivity.minimum_width", f"{role}.kinetics.exchange_current_density"])
    cell = HalfCell(first, model)
    fitted = replace(data, fitted_kinds=("sodiate", "desodiate", "rest"))
    try:
        result = fit(cell, [fitted], make_parameters(names, cell), progress=progress, grid_points=REFINE_POINTS)
    except Interrupted as e:  # keep the analytic identification; the refinement's best point is reported
        raise Interrupted(f"refinement {e.kept}; kept: the analytic identification",
                          GITTIdentification(ocp_fit, d_fit, first, e.partial, first)) from None
    refined = first
    src2 = (f"identified from {label} by `kinetics gitt` (model-based refinement: {cell.model} fitted to "
            f"every pulse and rest, RMSE {result.rmse_all_mV:.2f} mV)")
    for n in names:
        refined = refined.with_values({n: result.values[n]}, "fitted",
                                      f"{src2}: {result.values[n]:.6g} ± {result.stderr[n]:.2g}")
    refined = replace(refined, name=f"{base.name}-gitt", description=f"{base.description}; identified "
                      f"from GITT {label}")
    return GITTIdentification(ocp_fit, d_fit, first, result, refined)
