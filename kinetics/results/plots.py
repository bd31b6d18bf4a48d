"""Figures people expect: GCD curves coloured by rate, dQ/dV, stage occupancy vs capacity.

Drawn with :mod:`kinetics.figures`; every function writes one PNG (300 dpi) and returns its path.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from .. import figures
from .tables import Result


def _finish(fig, ax, path: str | Path, title: str, legend_columns: int = 1) -> Path:
    if ax.get_legend_handles_labels()[0]:
        ax.legend(frameon=False, fontsize=7, ncol=legend_columns)
    ax.set_title(title, fontsize=9)
    fig.tight_layout()
    fig.savefig(path, dpi=300)
    return Path(path)


def _rates(result: Result) -> list[float]:
    return sorted({s.rate_group for s in result.protocol if s.rate_group is not None})


def gcd_by_rate(result: Result, path: str | Path, title: str = "") -> Path:
    """Voltage vs specific capacity of the last cycle at each rate, coloured by current."""
    rates = _rates(result)
    with figures.style():
        fig, ax = figures.subplots(figsize=(4.2, 3.2))
        for rate, colour in zip(rates, figures.colours(len(rates), 0.0, 1.0)):
            steps = [k for k, s in enumerate(result.protocol) if s.rate_group == rate]
            last = steps[-2:] if len(steps) >= 2 else steps
            for k in last:
                g = result.table[result.table["step"] == k]
                label = f"{result.current_mA_g(k):.4g} mA/g" if k == last[0] else None
                ax.plot(g["capacity_mAh_g"], g["voltage_V"], color=colour, label=label)
        ax.set_xlabel("Specific capacity (mAh g$^{-1}$)")
        ax.set_ylabel("Voltage (V)" + (" vs Na$^+$/Na" if result.cell.kind == "half" else ""))
        if result.cell.kind == "half":
            ax.axhline(0.1, color="0.6", lw=0.6, ls="--")
        return _finish(fig, ax, path, title, legend_columns=2)


def dqdv(result: Result, path: str | Path, title: str = "") -> Path:
    """Differential capacity dQ/dV of the lowest-rate cycle (Savitzky–Golay smoothed)."""
    rate = _rates(result)[0] if _rates(result) else None
    steps = [k for k, s in enumerate(result.protocol) if s.rate_group == rate and s.direction != "rest"]
    from scipy.signal import savgol_filter  # scipy.signal: 0.5 s of imports, paid only when drawn

    with figures.style():
        fig, ax = figures.subplots(figsize=(4.2, 3.2))
        for k in steps[-2:]:
            g = result.table[result.table["step"] == k]
            if len(g) < 3 or g["capacity_mAh_g"].iloc[-1] <= 0:
                continue  # a step that passed no charge has no dQ/dV
            v, q = g["voltage_V"].to_numpy(), g["capacity_mAh_g"].to_numpy()
            order = np.argsort(v)
            v, q = v[order], q[order]
            grid = np.linspace(v.min(), v.max(), 600)
            qg = np.interp(grid, v, q)
            d = np.gradient(qg, grid)
            d = savgol_filter(d, 21, 3) if len(d) > 30 else d
            sign = -1 if result.protocol[k].direction in ("sodiate", "discharge") else 1
            ax.plot(grid, sign * np.abs(d), label=result.protocol[k].direction)
        ax.set_xlabel("Voltage (V)")
        ax.set_ylabel("dQ/dV (mAh g$^{-1}$ V$^{-1}$)")
        if result.cell.kind == "half":
            ax.set_xlim(0, 1.5)
        return _finish(fig, ax, path, title or (f"{result.current_mA_g(steps[0]):.4g} mA/g" if steps else ""))


def stage_occupancy(result: Result, path: str | Path, title: str = "") -> Path:
    """Equilibrium occupancy of each stage vs capacity during the lowest-rate sodiation."""
    rate = _rates(result)[0] if _rates(result) else None
    first = [k for k, s in enumerate(result.protocol)
             if s.rate_group == rate and s.direction in ("sodiate", "charge")]
    cols = [c for c in result.table.columns if c.startswith("occupancy_")]
    with figures.style():
        fig, ax = figures.subplots(figsize=(4.2, 3.2))
        if first:
            g = result.table[result.table["step"] == first[0]]
            for c in cols:
                ax.plot(g["capacity_mAh_g"], g[c], label=c.removeprefix("occupancy_").replace("_", " "))
        ax.set_xlabel("Specific capacity (mAh g$^{-1}$)")
        ax.set_ylabel("Stage occupancy (-)")
        ax.set_ylim(-0.02, 1.02)
        return _finish(fig, ax, path, title or "Stage occupancy during sodiation")
