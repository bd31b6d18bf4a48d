"""GITT analysis: pulse detection, per-pulse quantities and the Weppner–Huggins diffusivity.

For a pulse of duration τ at constant current (Weppner & Huggins, J. Electrochem. Soc. 124
(1977) 1569), with L the diffusion length:

.. math::

    D = \\frac{4 L^2}{\\pi \\tau} \\left(\\frac{\\Delta E_s}{\\Delta E_t}\\right)^2,
    \\qquad L = \\frac{R}{3} \\ \\text{(spheres of radius R)} \\quad\\text{or}\\quad
    L = \\frac{m_B V_M}{M_B S} = \\frac{V_\\mathrm{active}}{S}

(the molar-volume form: active volume over electrode–electrolyte area; for spheres V/S = R/3).
ΔE_s is the change of the relaxed potential across the pulse and ΔE_t the change during the
pulse without the IR drop. The √t form uses the slope dE/d√t of a straight-line fit over an
early window of the pulse:

.. math::

    D = \\frac{4}{\\pi} \\left(L\\,\\frac{\\Delta E_s/\\tau}{dE/d\\sqrt{t}}\\right)^2

Each potential is estimated by a straight-line fit over a stretch of samples (the end of a
rest, the end of a pulse, E against √t early in a pulse), not read from one noisy sample; the
data themselves are never smoothed. Both forms assume τ ≪ L²/D, an E(x) that is linear over
one pulse, complete relaxation and negligible surface kinetics; pulses where the data say
otherwise keep their D with a flag that names the reason, or are skipped with the reason.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .. import figures
from ..errors import InvalidValueError

PULSE_THRESHOLD = 0.05  # a sample is in a pulse when |I| exceeds 5 % of the largest |I|
MIN_RELAXED_CHANGE_V = 1e-3  # below this ΔE_s is within the noise of a two-phase plateau
#: Largest τ·D/L² = (4/π)(ΔE_s/ΔE_t)² at which τ ≪ L²/D is taken to hold (its one-sided 95 %
#: upper bound, from the noise of the fitted potentials, must stay below it); above it the
#: particle partly equilibrates within the pulse and the W–H value underestimates D (its
#: ceiling, at ΔE_s = ΔE_t, is 4L²/(πτ)).
MAX_TAU_D_OVER_L2 = 0.3
#: A rest whose drift (3 standard errors clear of zero) would still move the potential by more
#: than this share of |ΔE_s| over another half of the rest has not relaxed.
DRIFT_SHARE = 0.1
#: Largest relative uncertainty of D (from the noise of the fitted potentials) accepted.
MAX_D_UNCERTAINTY = 0.5
FIT_SHARE = 0.2  # share of a pulse (at least FIT_MIN samples) fitted for its end value
REST_FIT_SHARE = 0.5  # share of a rest fitted for its end value and its drift
FIT_MIN = 5


@dataclass(frozen=True)
class Pulse:
    """Rows ``start`` to ``stop`` (exclusive) of a pulse and its median current."""

    start: int
    stop: int  # exclusive
    current: float


def pulses_of(time_s: np.ndarray, current: np.ndarray) -> list[Pulse]:
    """Contiguous runs of samples with |I| above :data:`PULSE_THRESHOLD` of the largest |I|."""
    if len(time_s) != len(current) or len(time_s) < 3:
        raise InvalidValueError("data", len(time_s), "at least three samples of time and current")
    if np.any(np.diff(time_s) < 0):
        k = int(np.flatnonzero(np.diff(time_s) < 0)[0]) + 1
        raise InvalidValueError("time", f"{time_s[k - 1]:g} s then {time_s[k]:g} s at row {k}",
                                "time that never goes backwards")
    on = np.abs(current) > PULSE_THRESHOLD * np.max(np.abs(current))
    edges = np.flatnonzero(np.diff(on.astype(int))) + 1
    bounds = np.r_[0, edges, len(on)]
    return [Pulse(int(a), int(b), float(np.median(current[a:b])))
            for a, b in zip(bounds[:-1], bounds[1:]) if on[a]]


def direction_parts(time_s, current_A) -> list[slice]:
    """Row ranges of the directions in a GITT file: one range, or two when the pulses change
    sign (a sodiation GITT followed by a desodiation GITT). The rest between the two belongs to
    both: it ends the first part and starts the second."""
    t = np.asarray(time_s, float)
    pulses = pulses_of(t, np.asarray(current_A, float))
    signs = [np.sign(p.current) for p in pulses]
    for k in range(1, len(pulses)):
        if signs[k] != signs[0]:
            return [slice(0, pulses[k].start), slice(pulses[k - 1].stop, len(t))]
    return [slice(0, len(t))]


def _end_value(t: np.ndarray, v: np.ndarray, at: float,
               share: float = FIT_SHARE) -> tuple[float, float, float, float]:
    """A straight line through the last ``share`` of (t, v) (at least :data:`FIT_MIN` samples):
    its value at ``at`` [V], its slope [V/s], and the standard errors of both."""
    n = max(FIT_MIN, int(np.ceil(share * len(t))))
    tt, vv = t[-n:], v[-n:]
    if len(tt) < 3 or np.ptp(tt) <= 0:
        return float(vv[-1]), 0.0, 0.0, 0.0
    dt = tt - at
    A = np.column_stack([np.ones_like(dt), dt])
    coef, *_ = np.linalg.lstsq(A, vv, rcond=None)
    resid = vv - A @ coef
    s2 = float(resid @ resid) / max(len(tt) - 2, 1)
    cov = s2 * np.linalg.inv(A.T @ A)
    return float(coef[0]), float(coef[1]), float(np.sqrt(cov[0, 0])), float(np.sqrt(cov[1, 1]))


def diffusion_length(radius_m: float | None = None, volume_m3: float | None = None,
                     area_m2: float | None = None) -> float:
    """L [m]: R/3 for spheres of radius R, or V/S (active volume over interfacial area)."""
    if radius_m is not None:
        if not (np.isfinite(radius_m) and radius_m > 0):
            raise InvalidValueError("particle radius", radius_m, "a positive radius")
        return radius_m / 3.0
    if volume_m3 is None or area_m2 is None:
        raise InvalidValueError("diffusion length", None, "a particle radius, or the active volume and the "
                                "electrode–electrolyte area (molar-volume form)")
    for name, value in (("active volume", volume_m3), ("area", area_m2)):
        if not (np.isfinite(value) and value > 0):
            raise InvalidValueError(name, value, "a positive number")
    return volume_m3 / area_m2


def analyse(time_s, current_A, voltage_V, mass_g: float, radius_m: float | None = None,
            volume_m3: float | None = None, area_m2: float | None = None,
            sqrt_window: tuple[float, float] = (0.05, 0.4), direction: str | None = None) -> pd.DataFrame:
    """Per-pulse GITT quantities and diffusivities.

    Parameters
    ----------
    time_s, current_A, voltage_V : arrays
        Time [s], current [A] (sign as recorded), working-electrode potential [V]. Rows with
        NaN are dropped.
    mass_g : float
        Active mass [g] (for the specific capacity of each pulse).
    radius_m : float, optional
        Particle radius R [m] (L = R/3).
    volume_m3, area_m2 : float, optional
        Active-material volume [m³] and electrode–electrolyte area [m²] (L = V/S), instead of R.
    sqrt_window : (float, float)
        Fractions of the pulse over which E is fitted against √t (user-settable early window).
    direction : {"sodiate", "desodiate"}, optional
        The stated direction: checked against the data (the potential falls while sodiating).

    Returns
    -------
    pandas.DataFrame
        One row per pulse: ``pulse``, ``voltage_V`` (relaxed potential after the pulse's rest),
        ``start_voltage_V`` (relaxed potential before it), ``capacity_mAh_g`` (cumulative),
        ``charge_fraction`` (of all the charge the experiment passed), ``ir_drop_V``,
        ``dE_s_V``, ``dE_t_V``, ``tau_s``, ``rest_s``, ``drift_mV_h`` (slope at the end of the
        rest), ``D_m2_s`` (ΔE_s/ΔE_t form), ``D_sqrt_m2_s`` (√t form), ``skipped`` (why no D
        was computed, or empty) and ``flag`` (why a computed D is not physical, or empty).
    """
    t = np.asarray(time_s, float)
    i = np.asarray(current_A, float)
    v = np.asarray(voltage_V, float)
    if not (np.isfinite(mass_g) and mass_g > 0):
        raise InvalidValueError("active mass", mass_g, "a positive mass (a mass of zero gives no mAh/g)")
    L = diffusion_length(radius_m, volume_m3, area_m2)
    if direction not in (None, "sodiate", "desodiate"):
        raise InvalidValueError("direction", direction, "'sodiate' or 'desodiate'")
    keep = np.isfinite(t) & np.isfinite(i) & np.isfinite(v)
    t, i, v = t[keep], i[keep], v[keep]
    pulses = pulses_of(t, i)
    if not pulses:
        raise InvalidValueError("current", "no pulse found", "pulses whose |I| stands out from rests")
    main_sign = np.sign(np.median([p.current for p in pulses]))
    taus = np.array([t[p.stop - 1] - t[max(p.start - 1, 0)] for p in pulses])
    typical = float(np.median(taus))
    charge = np.concatenate([[0.0], np.cumsum(0.5 * (np.abs(i[1:]) + np.abs(i[:-1])) * np.diff(t))])
    total_charge = charge[-1]
    rows = []
    for k, p in enumerate(pulses):
        rest_from = pulses[k - 1].stop if k else 0
        after_stop = pulses[k + 1].start if k + 1 < len(pulses) else len(t)
        t0 = t[max(p.start - 1, 0)]
        tau = float(t[p.stop - 1] - t0)
        reason = ""
        if p.start - rest_from < 2:
            reason = "no rest before the pulse"
        elif after_stop - p.stop < 3:
            reason = "no rest after the pulse"
        elif np.sign(p.current) != main_sign:
            reason = "current of the opposite sign to the other pulses"
        elif tau < 0.95 * typical:
            reason = f"truncated pulse ({tau:.0f} s of a typical {typical:.0f} s)"
        E0, _, sE0, _ = (_end_value(t[rest_from:p.start], v[rest_from:p.start], t0, REST_FIT_SHARE)
                         if p.start > rest_from else (np.nan, 0.0, 0.0, 0.0))
        rest_t, rest_v = t[p.stop:after_stop], v[p.stop:after_stop]
        if len(rest_t) >= 3:
            E_relaxed, drift, sEr, s_drift = _end_value(rest_t, rest_v, rest_t[-1], REST_FIT_SHARE)
        else:
            E_relaxed, drift, sEr, s_drift = np.nan, np.nan, 0.0, 0.0
        ts = t[p.start:p.stop] - t0
        vs = v[p.start:p.stop]
        E_end = _end_value(ts, vs, tau)[0] if len(ts) >= 2 else float(vs[-1])
        window = (ts >= sqrt_window[0] * tau) & (ts <= sqrt_window[1] * tau)
        slope = icpt = np.nan
        if window.sum() >= 3:
            slope, icpt = np.polyfit(np.sqrt(ts[window]), vs[window], 1)
        E_first = float(icpt) if np.isfinite(icpt) else float(vs[0])
        dEs = E_relaxed - E0
        dEt = E_end - E_first
        D = D_sqrt = np.nan
        flag = ""
        if not reason:
            if not np.isfinite(dEt) or abs(dEt) < 1e-6:
                reason = "no potential change during the pulse"
            elif np.sign(dEs) != np.sign(dEt):
                reason = "relaxed and transient changes of opposite sign"
            else:
                D = 4.0 * L ** 2 / (np.pi * tau) * (dEs / dEt) ** 2
                if np.isfinite(slope) and slope != 0:
                    D_sqrt = 4.0 / np.pi * (L * (dEs / tau) / slope) ** 2
                rest_len = float(rest_t[-1] - rest_t[0])
                tau_D = 4.0 / np.pi * (dEs / dEt) ** 2  # τ·D/L²
                uncertainty = 2.0 * np.hypot(sE0, sEr) / abs(dEs)
                if abs(dEs) < MIN_RELAXED_CHANGE_V:
                    flag = (f"ΔE_s = {dEs * 1e3:.2f} mV: a two-phase plateau, where the method's "
                            "assumptions fail; D is not physical")
                elif tau_D * (1.0 + 1.64 * uncertainty) > MAX_TAU_D_OVER_L2:
                    flag = (f"τ·D/L² = {tau_D:.2f} (±{uncertainty * 100:.0f} %): τ ≪ L²/D is not "
                            "established (the particle partly equilibrates within the pulse); D is "
                            "underestimated")
                elif (abs(drift) > 3 * s_drift
                      and abs(drift) * REST_FIT_SHARE * rest_len > DRIFT_SHARE * abs(dEs)):
                    flag = (f"relaxation incomplete (still {drift * 3.6e6:+.2f} mV/h at the end of the "
                            "rest): ΔE_s and D are biased")
                elif uncertainty > MAX_D_UNCERTAINTY:
                    flag = (f"ΔE_s = {dEs * 1e3:.2f} ± {np.hypot(sE0, sEr) * 1e3:.2f} mV: D uncertain by "
                            f"±{uncertainty * 100:.0f} % from the noise")
                elif np.isfinite(D_sqrt) and not 0.1 < D_sqrt / D < 10:
                    flag = "the two forms disagree by more than 10×"
        rows.append({
            "pulse": k + 1, "voltage_V": float(E_relaxed) if np.isfinite(E_relaxed) else float(E_end),
            "start_voltage_V": float(E0),
            "capacity_mAh_g": float(charge[p.stop - 1] / 3.6 / mass_g),
            "charge_fraction": float(charge[p.stop - 1] / total_charge), "ir_drop_V": float(E_first - E0),
            "dE_s_V": float(dEs), "dE_t_V": float(dEt), "tau_s": tau,
            "rest_s": float(rest_t[-1] - rest_t[0]) if len(rest_t) else 0.0,
            "drift_mV_h": float(drift * 3.6e6) if np.isfinite(drift) else np.nan,
            "current_A": float(p.current), "D_m2_s": float(D), "D_sqrt_m2_s": float(D_sqrt),
            "skipped": reason, "flag": flag,
        })
    table = pd.DataFrame(rows)
    _check_direction(table, direction)
    return table


def _check_direction(table: pd.DataFrame, direction: str | None) -> None:
    """A stated direction must match the data: the potential falls while sodiating."""
    if direction is None:
        return
    moved = table.loc[table["skipped"] == "", "dE_t_V"]
    if len(moved) and np.sign(np.median(moved)) != (-1.0 if direction == "sodiate" else 1.0):
        raise InvalidValueError("direction", direction, f"the direction of the data: the potential "
                                f"{'rises' if np.median(moved) > 0 else 'falls'} during the pulses (check "
                                "the current's sign convention or the stated direction)")


def plot_diffusivity(table: pd.DataFrame, path, truth: tuple[np.ndarray, np.ndarray] | None = None,
                     model: tuple[np.ndarray, np.ndarray] | None = None) -> None:
    """D vs relaxed potential on a log scale (both forms; flagged pulses as crosses), with the
    model-based D(U) and a known truth when given, in the style of the papers' GITT figures."""
    ok = table[table["skipped"] == ""]
    good, bad = ok[ok["flag"] == ""], ok[ok["flag"] != ""]
    fig, ax = figures.subplots(figsize=(4.2, 3.2))
    ax.semilogy(good["voltage_V"], good["D_m2_s"], "o", ms=4, label="W–H, ΔE$_s$/ΔE$_t$ form")
    ax.semilogy(good["voltage_V"], good["D_sqrt_m2_s"], "s", ms=3, mfc="none", label="W–H, √t form")
    if len(bad):
        ax.semilogy(bad["voltage_V"], bad["D_m2_s"], "x", color="C3", label="flagged (see table)")
    if model is not None:
        ax.semilogy(model[0], model[1], "-", color="C2", label="model-based D(U)")
    if truth is not None:
        ax.semilogy(truth[0], truth[1], "--", color="0.3", lw=1.0, label="truth")
    ax.set_xlabel("Relaxed potential vs Na$^+$/Na (V)")
    ax.set_ylabel("D$_{Na^+}$ (m$^2$ s$^{-1}$)")
    ax.legend(frameon=False, fontsize=7)
    fig.tight_layout()
    fig.savefig(path, dpi=300)
