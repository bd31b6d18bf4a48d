r"""Analysis of cyclic voltammograms at several scan rates: peaks, power law, Dunn's split,
Randles–Ševčík and Laviron.

Conventions: potentials in V, scan rates v in mV/s (as the papers state them), currents in mA
with anodic (desodiation of a carbon) positive; the cathodic branch is where the potential falls.

* **Power law** (Lindström et al., J. Phys. Chem. B 101 (1997) 7717; papers 000 and 003):
  :math:`i_p = a v^b`, b from a least-squares line through :math:`\log_{10}|i_p|` against
  :math:`\log_{10} v`, with a 95 % confidence interval from Student's t (n − 2 degrees of freedom).
  b = 1 is surface-limited (capacitive) current, b = 0.5 semi-infinite diffusion. b(V) is the same
  fit at every potential of a branch.
* **Dunn's split** (Wang, Polleux, Lim, Dunn, J. Phys. Chem. C 111 (2007) 14925):
  :math:`i(V) = k_1 v + k_2 v^{1/2}` at every potential, k1 and k2 by least squares over the scan
  rates; the capacitive fraction at v is :math:`\oint |k_1 v|\,dV / \oint |i|\,dV` over both branches.
* **Randles–Ševčík** (Bard & Faulkner, Electrochemical Methods, 2nd ed., eq. 6.2.19, 25 °C
  form generalised to T): :math:`i_p = 0.4463\,n F A C \sqrt{n F v D/(R T)}`, D from the slope
  of i_p against :math:`v^{1/2}` through the origin. A porous electrode's electroactive area is
  not its geometric area: D is an apparent value.
* **Laviron** (J. Electroanal. Chem. 101 (1979) 19): for a surface-confined couple at
  :math:`n\Delta E_p > 200` mV, :math:`E_{pc} = E^0 - \frac{2.303RT}{\alpha nF}\log_{10}\frac{\alpha nFv}{RTk_s}`
  and :math:`E_{pa} = E^0 + \frac{2.303RT}{(1-\alpha)nF}\log_{10}\frac{(1-\alpha)nFv}{RTk_s}`: α from
  the two slopes against log v, k_s from eq. (25) of the paper at each scan rate.

Written by hand: no maintained Python library analyses voltammograms at several scan rates
(b-values, Dunn's split); the fits are numpy/scipy least squares.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from ..errors import InvalidValueError
from ..io.cv import Voltammogram

F = 96485.33212  # C/mol
R = 8.314462618  # J/(mol K)
#: The anodic plateau peak (sodium leaving closed pores) is looked for below this potential [V]:
#: paper 000's redox pair sits at 0.10–0.01 V and the anodic peak moves up with scan rate.
PLATEAU_PEAK_BELOW_V = 0.4
#: A plateau peak stands out by at least this share of the largest anodic current below
#: :data:`PLATEAU_PEAK_BELOW_V` (smaller bumps are noise or shoulders).
PEAK_PROMINENCE = 0.1
#: A cathodic peak within this many samples of the lower vertex is the vertex, not a peak.
VERTEX_SAMPLES = 2
#: Points of the common potential grid of each branch (b(V), Dunn's split).
GRID_POINTS = 400
#: The grid stays this far from each branch's end potentials [V]: at a vertex the current jumps.
VERTEX_MARGIN_V = 0.005
#: Laviron's analysis holds for n·ΔEp above this [V].
LAVIRON_MIN_SEPARATION_V = 0.2
RANDLES_SEVCIK = 0.4463


@dataclass(frozen=True)
class Branch:
    """One sweep direction of one cycle: potential increasing along the arrays."""

    potential_V: np.ndarray
    current_mA: np.ndarray


def branches(v: Voltammogram, cycle: int) -> tuple[Branch, Branch]:
    """(cathodic, anodic) branches of ``cycle`` of ``v``: its samples where the potential falls
    and where it rises, each sorted by potential."""
    if cycle not in v.cycles:
        raise InvalidValueError(f"{v.label}: cycle", cycle, f"one of the file's cycles {v.cycles}")
    k = v.cycle == cycle
    E, i = v.potential_V[k], v.current_mA[k]
    if len(E) < 6:
        raise InvalidValueError(f"{v.label}: cycle {cycle}", f"{len(E)} samples", "a swept cycle")
    dE = np.gradient(E)
    out = []
    for falling in (True, False):
        sel = (dE < 0) if falling else (dE > 0)
        if sel.sum() < 3:
            raise InvalidValueError(f"{v.label}: cycle {cycle}", "one sweep direction only",
                                    "a cycle with a cathodic and an anodic sweep")
        order = np.argsort(E[sel], kind="stable")
        out.append(Branch(E[sel][order], i[sel][order]))
    return out[0], out[1]


def default_cycle(v: Voltammogram) -> int:
    """The cycle analysed when none is given: the second (the first of a fresh electrode holds
    its SEI formation and starts from the open-circuit potential), or the only one."""
    return v.cycles[1] if len(v.cycles) > 1 else v.cycles[0]


# ----------------------------------------------------------------------------- power law
@dataclass(frozen=True)
class PowerLaw:
    """i = a·v^b fitted on log–log axes.

    Attributes
    ----------
    b : float
    interval : tuple of float or None
        95 % confidence interval of b (None from two scan rates: a line through two points has none).
    a_mA : float
        Current at 1 mV/s [mA].
    n : int
        Scan rates used.
    """

    b: float
    interval: tuple[float, float] | None
    a_mA: float
    n: int

    def to_json(self) -> dict:
        return {"value": self.b, "interval": list(self.interval) if self.interval else None, "n_scan_rates": self.n}


def power_law(scan_rates_mV_s: Sequence[float], currents_mA: Sequence[float], what: str = "peak current") -> PowerLaw:
    """b and a of |i| = a·v^b by least squares on log10 axes, with b's 95 % interval."""
    v, i = np.asarray(scan_rates_mV_s, float), np.abs(np.asarray(currents_mA, float))
    if len(v) < 2 or len(np.unique(v)) < 2:
        raise InvalidValueError(f"scan rates of the {what}", list(v), "at least two different scan rates (three for "
                                "a confidence interval): a b-value needs a slope")
    if np.any(i <= 0) or not np.all(np.isfinite(i)):
        raise InvalidValueError(f"{what}s", list(i), "non-zero currents at every scan rate")
    x, y = np.log10(v), np.log10(i)
    from scipy import stats  # scipy.stats and .signal cost 0.6 s of imports: loaded when a voltammogram is analysed

    fit = stats.linregress(x, y)
    interval = None
    if len(v) > 2:
        t = stats.t.ppf(0.975, len(v) - 2)
        interval = (float(fit.slope - t * fit.stderr), float(fit.slope + t * fit.stderr))
    return PowerLaw(float(fit.slope), interval, float(10 ** fit.intercept), len(v))


# ----------------------------------------------------------------------------- peaks
@dataclass(frozen=True)
class Peaks:
    """The plateau pair of one voltammogram.

    The cathodic "peak" of a hard carbon's plateau sits against the lower vertex (the current is
    still rising in magnitude when the sweep turns): the cathodic value is the current at the
    vertex. ``cathodic_peak_V``/``cathodic_peak_mA`` hold a genuine cathodic peak below
    :data:`PLATEAU_PEAK_BELOW_V` if the branch has one (Laviron's analysis needs it), else None.
    """

    file: str
    scan_rate_mV_s: float
    cycle: int
    anodic_V: float
    anodic_mA: float
    cathodic_V: float
    cathodic_mA: float
    cathodic_peak_V: float | None = None
    cathodic_peak_mA: float | None = None

    def to_json(self) -> dict:
        return {"file": self.file, "scan_rate_mV_s": self.scan_rate_mV_s, "cycle": self.cycle,
                "anodic": {"potential_V": self.anodic_V, "current_mA": self.anodic_mA},
                "cathodic": {"potential_V": self.cathodic_V, "current_mA": self.cathodic_mA, "at_vertex": True,
                             "peak": None if self.cathodic_peak_V is None else
                             {"potential_V": self.cathodic_peak_V, "current_mA": self.cathodic_peak_mA}}}


def _lowest_peak(E: np.ndarray, i: np.ndarray) -> int | None:
    """Index of the lowest-potential local maximum of ``i`` standing out by :data:`PEAK_PROMINENCE`
    of max |i|, or None."""
    from scipy import signal

    found, _ = signal.find_peaks(i, prominence=PEAK_PROMINENCE * max(np.max(np.abs(i)), 1e-30))
    return int(found[0]) if len(found) else None


def plateau_peaks(v: Voltammogram, cycle: int, below_V: float = PLATEAU_PEAK_BELOW_V) -> Peaks:
    """The anodic plateau peak (the local maximum of the anodic current at the lowest potential
    below ``below_V`` whose prominence is at least :data:`PEAK_PROMINENCE` of the largest anodic
    current there: the first sodium to leave, from the pores, before the insertion wave), the
    cathodic plateau current at the lower vertex, and a genuine cathodic peak below ``below_V``
    above the vertex if there is one."""
    cat, ano = branches(v, cycle)
    sel = ano.potential_V < below_V
    if sel.sum() < 5 or cat.potential_V.min() >= below_V:
        raise InvalidValueError(f"{v.label}: sweep", f"lowest potential {ano.potential_V.min():.3g} V",
                                f"a sweep that reaches the plateau, below {below_V:g} V")
    E, i = ano.potential_V[sel], ano.current_mA[sel]
    k = _lowest_peak(E, i)
    if k is None:
        raise InvalidValueError(f"{v.label}: anodic plateau peak (cycle {cycle})", "none",
                                f"a local maximum of the anodic current below {below_V:g} V (the current "
                                f"{'rises' if i[-1] > i[0] else 'falls'} monotonically from {E[0]:.3g} to "
                                f"{E[-1]:.3g} V)")
    low = cat.potential_V < below_V
    Ec, ic = cat.potential_V[low], cat.current_mA[low]
    j = _lowest_peak(Ec, -ic)
    genuine = j is not None and j > VERTEX_SAMPLES
    return Peaks(v.label, v.scan_rate_mV_s, cycle, float(E[k]), float(i[k]), float(Ec[0]), float(ic[0]),
                 float(Ec[j]) if genuine else None, float(ic[j]) if genuine else None)


# ----------------------------------------------------------------------------- common grid
def common_grid(branch_list: Sequence[Branch]) -> np.ndarray:
    """Potentials [V] covered by every branch (less :data:`VERTEX_MARGIN_V` at each end)."""
    lo = max(b.potential_V.min() for b in branch_list) + VERTEX_MARGIN_V
    hi = min(b.potential_V.max() for b in branch_list) - VERTEX_MARGIN_V
    if not hi > lo:
        raise InvalidValueError("potential windows of the voltammograms", f"{lo:.3g}–{hi:.3g} V",
                                "sweeps over a common potential range (files from one electrode)")
    return np.linspace(lo, hi, GRID_POINTS)


def on_grid(b: Branch, grid: np.ndarray) -> np.ndarray:
    """The branch's current [mA] interpolated onto ``grid``."""
    E, idx = np.unique(b.potential_V, return_index=True)
    return np.interp(grid, E, b.current_mA[idx])


@dataclass(frozen=True)
class BranchSplit:
    """b(V) and Dunn's k1(V), k2(V) of one branch on its common grid (v in mV/s, i in mA)."""

    potential_V: np.ndarray = field(repr=False)
    current_mA: np.ndarray = field(repr=False)  # (scan rates, grid)
    b: np.ndarray = field(repr=False)
    k1: np.ndarray = field(repr=False)  # mA per (mV/s)
    k2: np.ndarray = field(repr=False)  # mA per (mV/s)^½


def split_branch(scan_rates_mV_s: np.ndarray, branch_list: Sequence[Branch]) -> BranchSplit:
    """b(V) from log|i| against log v, and Dunn's k1, k2 by least squares of
    i = k1·v + k2·v^½ over the scan rates, at every potential of the common grid."""
    v = np.asarray(scan_rates_mV_s, float)
    grid = common_grid(branch_list)
    currents = np.vstack([on_grid(b, grid) for b in branch_list])
    A = np.column_stack([v, np.sqrt(v)])
    k, *_ = np.linalg.lstsq(A, currents, rcond=None)
    x = np.log10(v) - np.log10(v).mean()
    with np.errstate(divide="ignore", invalid="ignore"):
        y = np.log10(np.abs(currents))
        b = (x @ (y - y.mean(axis=0))) / (x @ x)
    return BranchSplit(grid, currents, b, k[0], k[1])


@dataclass(frozen=True)
class DunnSplit:
    """Dunn's decomposition of a set of voltammograms.

    Attributes
    ----------
    scan_rates_mV_s : numpy.ndarray
    cathodic, anodic : BranchSplit
    capacitive_fraction : numpy.ndarray
        ∮|k1·v| dV / ∮|i| dV per scan rate (both branches).
    """

    scan_rates_mV_s: np.ndarray
    cathodic: BranchSplit
    anodic: BranchSplit
    capacitive_fraction: np.ndarray


def dunn_split(scan_rates_mV_s: Sequence[float], cathodic: Sequence[Branch], anodic: Sequence[Branch]) -> DunnSplit:
    """Dunn's split and b(V) of voltammograms at ``scan_rates_mV_s`` (one cathodic and one anodic
    branch each)."""
    v = np.asarray(scan_rates_mV_s, float)
    if len(np.unique(v)) < 2:
        raise InvalidValueError("scan rates", list(v), "at least two different scan rates for Dunn's split")
    c, a = split_branch(v, cathodic), split_branch(v, anodic)
    cap = np.zeros(len(v))
    total = np.zeros(len(v))
    for s in (c, a):
        cap += np.trapezoid(np.abs(np.outer(v, s.k1)), s.potential_V, axis=1)
        total += np.trapezoid(np.abs(s.current_mA), s.potential_V, axis=1)
    return DunnSplit(v, c, a, cap / total)


# ----------------------------------------------------------------------------- Randles–Ševčík
def randles_sevcik_D(scan_rates_mV_s: Sequence[float], peak_currents_mA: Sequence[float], area_cm2: float,
                     concentration_mol_cm3: float, n: int = 1, temperature_K: float = 298.15) -> float:
    """Apparent diffusivity [m²/s] from i_p = 0.4463 nFAC·sqrt(nFvD/RT): the least-squares slope
    s of |i_p| against v^½ through the origin gives D = (s / (0.4463 nFAC))² · RT/(nF)."""
    for name, value, unit in (("--area-cm2", area_cm2, "cm²"), ("--concentration-mol-cm3", concentration_mol_cm3,
                                                                "mol/cm³")):
        if not (np.isfinite(value) and value > 0):
            raise InvalidValueError(name, value, f"a positive value in {unit}")
    v = np.asarray(scan_rates_mV_s, float) * 1e-3  # V/s
    i = np.abs(np.asarray(peak_currents_mA, float)) * 1e-3  # A
    x = np.sqrt(v)
    s = float(x @ i / (x @ x))  # A/(V/s)^½
    A, C = area_cm2 * 1e-4, concentration_mol_cm3 * 1e6  # m², mol/m³
    return (s / (RANDLES_SEVCIK * n * F * A * C)) ** 2 * R * temperature_K / (n * F)


# ----------------------------------------------------------------------------- Laviron
@dataclass(frozen=True)
class Laviron:
    """α and k_s [1/s] of a surface-confined couple from its peak potentials."""

    alpha: float
    k_s_per_s: float
    k_s_each: np.ndarray
    valid: bool


def laviron(scan_rates_mV_s: Sequence[float], anodic_V: Sequence[float], cathodic_V: Sequence[float], n: int = 1,
            temperature_K: float = 298.15) -> Laviron:
    """Laviron's analysis: slopes m_a = dE_pa/dlog10 v = 2.303RT/((1−α)nF) and
    m_c = dE_pc/dlog10 v = −2.303RT/(αnF) give α = m_a/(m_a − m_c); k_s from eq. (25) at each scan
    rate, log10 k_s = α log10(1−α) + (1−α) log10 α − log10(RT/(nFv)) − α(1−α)nFΔE_p/(2.303RT),
    reported as their geometric mean. ``valid``: every n·ΔE_p above :data:`LAVIRON_MIN_SEPARATION_V`."""
    v = np.asarray(scan_rates_mV_s, float) * 1e-3
    Ea, Ec = np.asarray(anodic_V, float), np.asarray(cathodic_V, float)
    if len(v) < 2:
        raise InvalidValueError("scan rates for Laviron's analysis", len(v), "at least two (three for a check)")
    x = np.log10(v)
    m_a, m_c = np.polyfit(x, Ea, 1)[0], np.polyfit(x, Ec, 1)[0]
    if not (m_a > 0 > m_c):
        raise InvalidValueError("peak potentials against log v", f"slopes {m_a:.3g} and {m_c:.3g} V/decade",
                                "an anodic peak moving up and a cathodic peak moving down with scan rate")
    alpha = m_a / (m_a - m_c)
    f = n * F / (R * temperature_K)
    dE = Ea - Ec
    log_k = (alpha * np.log10(1 - alpha) + (1 - alpha) * np.log10(alpha) - np.log10(1 / (f * v))
             - alpha * (1 - alpha) * f * dE / np.log(10))
    k = 10 ** log_k
    return Laviron(float(alpha), float(10 ** np.mean(log_k)), k, bool(np.all(n * dE > LAVIRON_MIN_SEPARATION_V)))


@dataclass(frozen=True)
class ScanRateStudy:
    """Voltammograms at several scan rates analysed together: each file's plateau peaks, the
    anodic and cathodic power laws, each file's branches and Dunn's split."""

    cycles: dict[str, int]
    peaks: list[Peaks]
    anodic: PowerLaw
    cathodic: PowerLaw
    pairs: list[tuple[Branch, Branch]]
    split: DunnSplit

    @property
    def scan_rates_mV_s(self) -> np.ndarray:
        return np.array([p.scan_rate_mV_s for p in self.peaks])


def scan_rate_study(vs: Sequence[Voltammogram], cycle: int | None = None) -> ScanRateStudy:
    """Peaks, b-values and Dunn's split of ``vs`` (cycle ``cycle`` of each, default
    :func:`default_cycle`)."""
    cycles = {v.label: (cycle if cycle is not None else default_cycle(v)) for v in vs}
    peaks = [plateau_peaks(v, cycles[v.label]) for v in vs]
    rates = np.array([p.scan_rate_mV_s for p in peaks])
    anodic = power_law(rates, [p.anodic_mA for p in peaks], "anodic peak current")
    cathodic = power_law(rates, [p.cathodic_mA for p in peaks], "cathodic plateau current")
    pairs = [branches(x, cycles[x.label]) for x in vs]
    split = dunn_split(rates, [c for c, _ in pairs], [a for _, a in pairs])
    return ScanRateStudy(cycles, peaks, anodic, cathodic, pairs, split)
