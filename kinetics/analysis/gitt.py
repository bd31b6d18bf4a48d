"""GITT analysis: pulse detection, per-pulse quantities and the Weppner–Huggins diffusivity.

For a pulse of duration τ at constant current on spherical particles of radius R
(Weppner & Huggins, J. Electrochem. Soc. 124 (1977) 1569):

.. math::

    D = \\frac{4}{\\pi \\tau} \\left(\\frac{R}{3}\\right)^2
        \\left(\\frac{\\Delta E_s}{\\Delta E_t}\\right)^2

with ΔE_s the change of the relaxed potential across the pulse and ΔE_t the potential change
during the pulse without the IR drop. The √t form uses the slope dE/d√t of a straight-line fit
over an early window of the pulse instead of ΔE_t/√τ:

.. math::

    D = \\frac{4}{\\pi} \\left(\\frac{R}{3}\\,\\frac{\\Delta E_s/\\tau}{dE/d\\sqrt{t}}\\right)^2

(the first form is the second with dE/d√t = ΔE_t/√τ)

Both assume τ ≪ R²/D, a linear E(x) over one pulse and negligible surface kinetics; pulses
where the data say otherwise are reported with the reason, never smoothed.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..errors import InvalidValueError

PULSE_THRESHOLD = 0.05  # a sample is in a pulse when |I| exceeds 5 % of the largest |I|
MIN_RELAXED_CHANGE_V = 1e-3  # below this ΔE_s is within the noise of a two-phase plateau


@dataclass(frozen=True)
class Segment:
    start: int
    stop: int  # exclusive
    current: float


def segments(time_s: np.ndarray, current: np.ndarray) -> list[Segment]:
    """Contiguous runs of samples with |I| above :data:`PULSE_THRESHOLD` of the largest |I|."""
    if len(time_s) != len(current) or len(time_s) < 3:
        raise InvalidValueError("data", len(time_s), "at least three samples of time and current")
    if np.any(np.diff(time_s) < 0):
        raise InvalidValueError("time", "decreasing", "time that never goes backwards")
    on = np.abs(current) > PULSE_THRESHOLD * np.max(np.abs(current))
    edges = np.flatnonzero(np.diff(on.astype(int))) + 1
    bounds = np.r_[0, edges, len(on)]
    return [Segment(int(a), int(b), float(np.median(current[a:b])))
            for a, b in zip(bounds[:-1], bounds[1:]) if on[a]]


def analyse(time_s, current_A, voltage_V, radius_m: float, mass_g: float,
            sqrt_window: tuple[float, float] = (0.05, 0.4)) -> pd.DataFrame:
    """Per-pulse GITT quantities and diffusivities.

    Parameters
    ----------
    time_s, current_A, voltage_V : arrays
        Time [s], current [A] (sign as recorded), working-electrode potential [V].
    radius_m : float
        Particle radius R [m].
    mass_g : float
        Active mass [g] (for the specific capacity of each pulse).
    sqrt_window : (float, float)
        Fractions of the pulse over which E is fitted against √t.

    Returns
    -------
    pandas.DataFrame
        One row per pulse: ``pulse``, ``voltage_V`` (relaxed potential after the pulse),
        ``capacity_mAh_g`` (cumulative), ``charge_fraction`` (of all the charge the experiment
        passed), ``ir_drop_V``, ``dE_s_V``, ``dE_t_V``, ``tau_s``,
        ``D_m2_s`` (ΔE_s/ΔE_t form), ``D_sqrt_m2_s`` (√t form), ``skipped`` (why no D was
        computed, or empty) and ``flag`` (why a computed D is not physical, or empty).
    """
    t = np.asarray(time_s, float)
    i = np.asarray(current_A, float)
    v = np.asarray(voltage_V, float)
    if not (radius_m > 0 and mass_g > 0):
        raise InvalidValueError("radius_m / mass_g", (radius_m, mass_g), "positive values")
    keep = np.isfinite(t) & np.isfinite(i) & np.isfinite(v)
    t, i, v = t[keep], i[keep], v[keep]
    pulses = segments(t, i)
    if not pulses:
        raise InvalidValueError("current", "no pulse found", "pulses whose |I| stands out from rests")
    taus = np.array([t[p.stop - 1] - t[max(p.start - 1, 0)] for p in pulses])
    typical = float(np.median(taus))
    charge = np.concatenate([[0.0], np.cumsum(0.5 * (np.abs(i[1:]) + np.abs(i[:-1])) * np.diff(t))])
    total_charge = charge[-1]
    rows = []
    for k, p in enumerate(pulses):
        before = p.start - 1
        after_stop = pulses[k + 1].start if k + 1 < len(pulses) else len(t)
        reason = ""
        tau = float(t[p.stop - 1] - t[max(before, 0)])
        if before < 0:
            reason = "no rest before the pulse"
        elif after_stop - p.stop < 2:
            reason = "no rest after the pulse"
        elif tau < 0.95 * typical:
            reason = f"truncated pulse ({tau:.0f} s of a typical {typical:.0f} s)"
        E0 = v[max(before, 0)]
        E_first = v[p.start]
        E_end = v[p.stop - 1]
        E_relaxed = v[after_stop - 1] if after_stop - p.stop >= 2 else np.nan
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
                D = 4.0 / (np.pi * tau) * (radius_m / 3.0) ** 2 * (dEs / dEt) ** 2
                ts = t[p.start:p.stop] - t[max(before, 0)]
                window = (ts >= sqrt_window[0] * tau) & (ts <= sqrt_window[1] * tau)
                if window.sum() >= 3:
                    slope = np.polyfit(np.sqrt(ts[window]), v[p.start:p.stop][window], 1)[0]
                    D_sqrt = 4.0 / np.pi * ((radius_m / 3.0) * (dEs / tau) / slope) ** 2
                if abs(dEs) < MIN_RELAXED_CHANGE_V:
                    flag = (f"ΔE_s = {dEs * 1e3:.2f} mV: a two-phase plateau, where the method's "
                            "assumptions fail; D is not physical")
                elif np.isfinite(D_sqrt) and not 0.1 < D_sqrt / D < 10:
                    flag = "the two forms disagree by more than 10×"
        rows.append({
            "pulse": k + 1, "voltage_V": float(E_relaxed) if np.isfinite(E_relaxed) else float(E_end),
            "capacity_mAh_g": float(charge[p.stop - 1] / 3.6 / mass_g),
            "charge_fraction": float(charge[p.stop - 1] / total_charge), "ir_drop_V": float(E_first - E0),
            "dE_s_V": float(dEs), "dE_t_V": float(dEt), "tau_s": tau, "D_m2_s": float(D),
            "D_sqrt_m2_s": float(D_sqrt), "skipped": reason, "flag": flag,
        })
    return pd.DataFrame(rows)


def plot_diffusivity(table: pd.DataFrame, path) -> None:
    """D vs potential on a log scale, both forms; flagged pulses as open symbols."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    ok = table[table["skipped"] == ""]
    good, bad = ok[ok["flag"] == ""], ok[ok["flag"] != ""]
    fig, ax = plt.subplots(figsize=(4.2, 3.2))
    ax.semilogy(good["voltage_V"], good["D_m2_s"], "o", ms=4, label="ΔE_s/ΔE_t form")
    ax.semilogy(good["voltage_V"], good["D_sqrt_m2_s"], "s", ms=3, mfc="none", label="√t form")
    if len(bad):
        ax.semilogy(bad["voltage_V"], bad["D_m2_s"], "x", color="C3", label="flagged (not physical)")
    ax.set_xlabel("Relaxed potential (V)")
    ax.set_ylabel("D (m$^2$ s$^{-1}$)")
    ax.legend(frameon=False, fontsize=7)
    fig.tight_layout()
    fig.savefig(path, dpi=300)
    plt.close(fig)
