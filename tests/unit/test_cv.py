"""Voltammogram analysis (issue 13): exactness of b, Dunn's split, Laviron and Randles–Ševčík on
signals built from their own laws; the EC-Lab files in tests/data/cv read and analysed through
``kinetics cv``; bad input named before any number is computed."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy.integrate import quad

from kinetics.analysis.cv import Branch, laviron, plateau_peaks, power_law, randles_sevcik_D, split_branch
from kinetics.cli import main
from kinetics.errors import InvalidValueError
from kinetics.io.cv import Voltammogram, read_cv
from kinetics.workflows.cv import analyse, read_files

CV = Path(__file__).resolve().parents[1] / "data" / "cv"
FILES = sorted(CV.glob("*.mpt"))
RATES = np.array([0.1, 0.2, 0.5, 1.0, 2.0])  # mV/s
F, R, T = 96485.33212, 8.314462618, 298.15


def _signal():
    spec = importlib.util.spec_from_file_location("make_cv_files", CV / "make_cv_files.py")
    module = sys.modules["make_cv_files"] = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _triangle(current, rate: float, lower: float = 0.01, upper: float = 2.0, step: float = 0.002,
              label: str = "synthetic") -> Voltammogram:
    """Two cycles upper → lower → upper at ``rate`` mV/s; ``current(E, cathodic)`` in mA."""
    down = np.arange(upper, lower - 1e-12, -step)
    up = down[::-1][1:]
    E = np.concatenate([down, up[:-1], down, up])
    cycle = np.concatenate([np.ones(len(down) + len(up) - 1), np.full(len(down) + len(up), 2)]).astype(int)
    cathodic = np.concatenate([np.ones(len(down), bool), np.zeros(len(up) - 1, bool),
                               np.ones(len(down), bool), np.zeros(len(up), bool)])
    t = np.arange(len(E)) * step / (rate * 1e-3)
    i = np.array([current(e, c) for e, c in zip(E, cathodic)])
    return Voltammogram(label, t, E, i, cycle, rate, rate)


# ----------------------------------------------------------------------------- exactness
def test_dunn_split_recovers_k1_and_k2_exactly():
    """i = k1(V)·v + k2(V)·v^½ with piecewise-linear k1, k2 (exact under linear interpolation):
    both recovered to 1e-6 relative at every potential, on both branches."""
    rng = np.random.default_rng(3)
    E = np.linspace(0.01, 2.0, 300)
    for sign in (-1.0, 1.0):
        k1 = sign * rng.uniform(0.01, 0.05, E.size)
        k2 = sign * rng.uniform(0.0, 0.2, E.size)
        branches = [Branch(E, k1 * v + k2 * np.sqrt(v)) for v in RATES]
        split = split_branch(RATES, branches)
        k1_true, k2_true = np.interp(split.potential_V, E, k1), np.interp(split.potential_V, E, k2)
        assert np.max(np.abs(split.k1 - k1_true)) <= 1e-6 * np.max(np.abs(k1_true))
        assert np.max(np.abs(split.k2 - k2_true)) <= 1e-6 * np.max(np.abs(k2_true))


def test_b_is_exact_for_peaks_following_a_power_law():
    """Anodic peaks i_p = a·v^b (a Gaussian peak at 0.1 V whose height follows the law): b to 1e-6;
    the interval contains it and shrinks to nothing."""
    a, b = 0.03, 0.67

    def current(rate):
        def i(E, cathodic):
            if cathodic:
                return -a * rate ** b * (0.2 + np.exp(-(E - 0.01) / 0.03))
            return a * rate ** b * (0.2 + np.exp(-((E - 0.1) / 0.03) ** 2))
        return i

    peaks = [plateau_peaks(_triangle(current(v), v), 2) for v in RATES]
    assert all(p.anodic_V == pytest.approx(0.1, abs=1e-9) for p in peaks)
    fit = power_law(RATES, [p.anodic_mA for p in peaks])
    assert fit.b == pytest.approx(b, rel=1e-6)
    assert fit.interval[0] <= fit.b <= fit.interval[1] and fit.interval[1] - fit.interval[0] < 1e-6
    cathodic = power_law(RATES, [p.cathodic_mA for p in peaks])
    assert cathodic.b == pytest.approx(b, rel=1e-6)
    assert all(p.cathodic_V < 0.015 and p.cathodic_peak_V is None for p in peaks)  # at the vertex, 0.01 V


def test_b_interval_from_students_t():
    """Three points off a line: the 95 % interval is b ± t(0.975, 1)·se, se from the residuals."""
    v = np.array([0.1, 1.0, 10.0])
    i = np.array([10 ** -1.0, 10 ** -0.4, 10 ** 0.0])  # log i = -1, -0.4, 0 at log v = -1, 0, 1
    fit = power_law(v, i)
    assert fit.b == pytest.approx(0.5, rel=1e-12)
    # intercept −7/15, residuals −1/30, +2/30, −1/30 → s² = (6/900)/1, Sxx = 2, se = sqrt(1/300);
    # t(0.975, 1) = 12.7062047
    assert fit.interval[1] - fit.b == pytest.approx(12.7062047 * np.sqrt(1 / 300), rel=1e-6)


def test_laviron_recovers_alpha_and_rate_constant():
    """Peak potentials from Laviron's equations (E0 = 0.1 V, α = 0.4, k_s = 0.02 /s, 25 °C)."""
    alpha, ks, E0 = 0.4, 0.02, 0.1
    v = np.array([5.0, 10.0, 20.0, 50.0, 100.0]) * 1e3  # mV/s: fast enough for nΔEp > 200 mV
    f = F / (R * T)
    Epc = E0 - np.log(alpha * f * v * 1e-3 / ks) / (alpha * f)
    Epa = E0 + np.log((1 - alpha) * f * v * 1e-3 / ks) / ((1 - alpha) * f)
    lav = laviron(v, Epa, Epc)
    assert lav.alpha == pytest.approx(alpha, rel=1e-6)
    assert lav.k_s_per_s == pytest.approx(ks, rel=1e-6)
    assert lav.valid


def test_randles_sevcik_against_the_25_degree_textbook_form():
    """i_p = 2.69e5 n^{3/2} A D^{1/2} C v^{1/2} (A, cm², cm²/s, mol/cm³, V/s; Bard & Faulkner):
    D back within the constant's rounding (2.69e5 vs 2.6857e5)."""
    D_cm2_s, A_cm2, C = 3e-10, 1.131, 0.02
    ip_mA = 2.69e5 * A_cm2 * np.sqrt(D_cm2_s) * C * np.sqrt(RATES * 1e-3) * 1e3
    assert randles_sevcik_D(RATES, ip_mA, A_cm2, C) * 1e4 == pytest.approx(D_cm2_s, rel=0.005)


# ----------------------------------------------------------------------------- the EC-Lab files
def test_the_files_are_what_the_script_writes(tmp_path):
    """The shipped .mpt files are byte-identical to what make_cv_files.py writes."""
    module = _signal()
    for v in module.SCAN_RATES_mV_s:
        text = module.mpt(v, v in module.COMMA).encode("cp1252")
        assert (CV / f"hc_cv_{v:g}mVs.mpt").read_bytes() == text


def test_both_decimal_locales_read_alike():
    point, comma = read_cv(CV / "hc_cv_0.1mVs.mpt"), read_cv(CV / "hc_cv_0.2mVs.mpt")
    assert point.cycles == comma.cycles == [1, 2]
    assert point.measured_scan_rate_mV_s == pytest.approx(0.1, rel=1e-9)
    assert comma.measured_scan_rate_mV_s == pytest.approx(0.2, rel=1e-9)
    assert np.array_equal(point.potential_V, comma.potential_V)
    # Dunn's form: i(0.2)/i(0.1) = (k1·0.2 + k2·√0.2)/(k1·0.1 + k2·√0.1) lies between √2 and 2
    ratio = comma.current_mA / point.current_mA
    assert np.all((ratio > np.sqrt(2) - 1e-9) & (ratio < 2 + 1e-9))


def test_cli_on_the_five_files(tmp_path, capsys):
    """``kinetics cv --json``: the documented keys; the capacitive share of the known signal
    (∮|k1·v| dV / ∮|i| dV by quadrature of the signal's own functions) within 1e-3."""
    assert main(["cv", *map(str, FILES), "--mass-mg", "1.5", "--out", str(tmp_path / "cv"), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["scan_rates_mV_s"] == pytest.approx(list(RATES), rel=1e-9)
    assert set(out["b_values"]) == {"cathodic", "anodic"}
    for branch in out["b_values"].values():
        assert branch["n_scan_rates"] == 5 and branch["interval"][0] < branch["value"] < branch["interval"][1]
    assert "vertex" in out["b_values"]["cathodic"]["note"]
    assert [p["anodic"]["potential_V"] for p in out["peaks"]] == pytest.approx([0.1] * 5, abs=1e-9)
    module = _signal()
    split = pd.read_csv(tmp_path / "cv" / "cv_split.csv")  # the potential range each branch is integrated over
    grid = {name == "cathodic": (g["potential_V"].min(), g["potential_V"].max()) for name, g in split.groupby("branch")}
    for v in RATES:
        cap = tot = 0.0
        for cathodic, (lo, hi) in grid.items():
            cap += quad(lambda E, c=cathodic, r=v: abs(module.k1_mA(E, c)) * r, lo, hi, limit=200)[0]
            tot += quad(lambda E, c=cathodic, r=v: abs(module.current_mA(E, r, c)), lo, hi, limit=200)[0]
        assert out["capacitive_fraction"][f"{v:g}"] == pytest.approx(cap / tot, abs=1e-3)
    shares = [out["capacitive_fraction"][f"{v:g}"] for v in RATES]
    assert np.all(np.diff(shares) > 0)
    for name in ("cv_overlay.png", "cv_power_law.png", "cv_b_of_potential.png", "cv_dunn.png", "cv_split.csv"):
        assert (tmp_path / "cv" / name).stat().st_size > 1000


# ----------------------------------------------------------------------------- bad input
def _csv(tmp_path, name: str, v: Voltammogram, cycle: bool = True, sign: float = 1.0) -> Path:
    frame = {"time/s": v.time_s, "Ewe/V": v.potential_V, "<I>/mA": sign * v.current_mA}
    if cycle:
        frame["cycle number"] = v.cycle
    path = tmp_path / name
    pd.DataFrame(frame).to_csv(path, index=False)
    return path


def _hc(rate):
    module = _signal()
    return lambda E, cathodic: module.current_mA(E, rate, cathodic)


def test_bad_input_is_named(tmp_path):
    slow, fast = _triangle(_hc(0.1), 0.1), _triangle(_hc(1.0), 1.0)
    with pytest.raises(InvalidValueError, match="cycle column.*never guessed"):
        read_cv(_csv(tmp_path, "nocycle.csv", slow, cycle=False))
    with pytest.raises(InvalidValueError, match="two or more scan rates"):
        analyse(read_files([_csv(tmp_path, "one.csv", slow)]))
    with pytest.raises(InvalidValueError, match="one file per scan rate"):
        read_files([_csv(tmp_path, "a.csv", slow), _csv(tmp_path, "b.csv", slow)])
    with pytest.raises(InvalidValueError, match="stated scan rate.*1 mV/s"):
        read_files([_csv(tmp_path, "a.csv", slow), _csv(tmp_path, "f.csv", fast)], [0.1, 0.5])
    shifted = _triangle(_hc(1.0), 1.0, lower=0.1)
    with pytest.raises(InvalidValueError, match="lower vertex potentials.*one window"):
        read_files([_csv(tmp_path, "a.csv", slow), _csv(tmp_path, "s.csv", shifted)])
    high = [_triangle(_hc(v), v, lower=0.5) for v in (0.1, 1.0)]
    with pytest.raises(InvalidValueError, match="reaches the plateau"):
        analyse(read_files([_csv(tmp_path, f"h{k}.csv", h) for k, h in enumerate(high)]))
    flat = [_triangle(lambda E, c, v=v: (-1 if c else 1) * 0.01 * v * (1 + E), v) for v in (0.1, 1.0)]
    with pytest.raises(InvalidValueError, match="anodic plateau peak.*none"):
        analyse(read_files([_csv(tmp_path, f"m{k}.csv", h) for k, h in enumerate(flat)]))


def test_a_reversed_file_is_read_with_a_note(tmp_path):
    """A file that records anodic current as negative reads as the same currents, with a note."""
    v = _triangle(_hc(0.5), 0.5)
    straight, turned = read_cv(_csv(tmp_path, "s.csv", v)), read_cv(_csv(tmp_path, "t.csv", v, sign=-1.0))
    assert np.array_equal(straight.current_mA, turned.current_mA)
    assert any("sign turned" in n for n in turned.notes) and not any("sign" in n for n in straight.notes)


def test_the_header_mass_is_used_and_files_of_different_electrodes_are_refused(tmp_path):
    """EC-Lab states the active mass in its header: it is used (and said), and two files whose
    headers state different masses are files of different electrodes."""
    v = read_cv(FILES[0])
    assert v.mass_mg == pytest.approx(1.5) and any("header" in n for n in v.notes)
    other = tmp_path / "other_electrode.mpt"
    other.write_bytes(FILES[1].read_bytes().replace(b"Mass of active material : 1,500 mg",
                                                    b"Mass of active material : 2,400 mg"))
    assert read_cv(other).mass_mg == pytest.approx(2.4)
    with pytest.raises(InvalidValueError, match="active masses.*one mass for every file"):
        read_files([FILES[0], other])
    assert len(read_files([FILES[0], other], mass_mg=1.5)) == 2  # a stated mass settles it


def test_identification_replays_the_legs_between_the_vertices():
    from kinetics.fitting.cv import sweep_legs

    v = _triangle(lambda E, cathodic: -1.0 if cathodic else 1.0, rate=0.5, lower=0.01, upper=2.0)
    f = sweep_legs(v, last_cycle=2, points=300)
    # two triangles: 2.0 → 0.01 → 2.0 → 0.01 → 2.0 V at 0.5 mV/s, each leg 3980 s
    assert [leg.start_V for leg in f.legs] == pytest.approx([2.0, 0.01, 2.0, 0.01], abs=1e-9)
    assert [leg.slope_V_s for leg in f.legs] == pytest.approx([-5e-4, 5e-4, -5e-4, 5e-4], rel=1e-9)
    assert sum(leg.duration_s for leg in f.legs) == pytest.approx(4 * 1.99 / 5e-4, rel=1e-9)
    assert len(f.time_s) <= 300 and f.scale_mA == pytest.approx(1.0)
    # the compared samples are the legs' output times, in order
    starts = np.cumsum([0.0] + [leg.duration_s for leg in f.legs[:-1]])
    outputs = np.concatenate([s + leg.output_times_s for s, leg in zip(starts, f.legs)
                              if leg.output_times_s is not None])
    assert outputs == pytest.approx(f.time_s)
    assert len(sweep_legs(v, last_cycle=1).legs) == 2
