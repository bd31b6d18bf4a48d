"""The user's cache (issue 16, "Bad input"): used only when private, off on request, a folder that
cannot be used or an entry that cannot be read never stops a run, and ``kinetics cache clear``."""

from __future__ import annotations

import os
import pickle

import pytest

from kinetics import _cache, units
from kinetics.cli import main
from kinetics.errors import SimulationWarning


@pytest.fixture
def cache_root(tmp_path, monkeypatch):
    root = tmp_path / "cache"
    monkeypatch.setenv(_cache.FOLDER_VARIABLE, str(root))
    monkeypatch.delenv(_cache.OFF_VARIABLE, raising=False)
    _cache._usable.cache_clear()
    _cache._WARNED.clear()
    units.registry.cache_clear()
    yield root
    _cache._usable.cache_clear()
    _cache._WARNED.clear()
    units.registry.cache_clear()


def _mAh_g_in_C_kg() -> float:
    return units.convert(1.0, "mAh/g", "C/kg")


def test_units_are_cached_privately_and_read_back(cache_root):
    assert _mAh_g_in_C_kg() == pytest.approx(3600.0)
    entries = [p for p in cache_root.rglob("*.pickle")]
    assert entries, "pint's parsed definitions were not kept"
    assert (cache_root.stat().st_mode & 0o077) == 0  # created private
    units.registry.cache_clear()
    assert _mAh_g_in_C_kg() == pytest.approx(3600.0)  # from the cache


def test_off_by_environment(cache_root, monkeypatch):
    monkeypatch.setenv(_cache.OFF_VARIABLE, "1")
    assert _cache.folder("pint") is None
    assert _mAh_g_in_C_kg() == pytest.approx(3600.0)
    assert not cache_root.exists()


def test_a_home_that_cannot_be_written_runs_without_the_cache_and_says_so_once(cache_root, monkeypatch):
    def read_only(self, *args, **kwargs):
        raise PermissionError(13, "Read-only file system")

    monkeypatch.setattr(type(cache_root), "mkdir", read_only)  # (root can write a chmod-ed folder)
    with pytest.warns(SimulationWarning, match="cannot be written") as seen:
        assert _mAh_g_in_C_kg() == pytest.approx(3600.0)
        assert _cache.folder("models") is None
    assert len(seen) == 1


def test_a_folder_others_can_write_is_never_trusted(cache_root):
    cache_root.mkdir()
    cache_root.chmod(0o777)
    with pytest.warns(SimulationWarning, match="can be written by other users"):
        assert _cache.folder("pint") is None
    assert _mAh_g_in_C_kg() == pytest.approx(3600.0)
    assert not list(cache_root.rglob("*.pickle"))


def test_a_corrupt_entry_is_dropped_and_the_units_rebuilt(cache_root):
    _mAh_g_in_C_kg()
    for entry in cache_root.rglob("*.pickle"):
        entry.write_bytes(b"not a pickle" + pickle.dumps("foreign"))
    units.registry.cache_clear()
    with pytest.warns(SimulationWarning, match="could not be read"):
        assert _mAh_g_in_C_kg() == pytest.approx(3600.0)
    units.registry.cache_clear()
    assert _mAh_g_in_C_kg() == pytest.approx(3600.0)  # rebuilt cache, read without a word


def test_cache_clear_on_the_command_line(cache_root, capsys):
    _mAh_g_in_C_kg()
    assert list(cache_root.rglob("*.pickle"))
    assert main(["cache", "clear"]) == 0
    assert "cleared, 0 files" in capsys.readouterr().out
    assert not cache_root.exists()


def test_processes_filling_the_cache_at_once_all_succeed_without_a_word(cache_root):
    """Four processes start with an empty cache at the same moment: each fills a folder of its own
    and renames it into place, so none reads another's half-written entry."""
    import subprocess
    import sys

    code = ("import warnings; warnings.simplefilter('error'); from kinetics import units; "
            "print(units.convert(1.0, 'mAh/g', 'C/kg'))")
    env = {**os.environ, _cache.FOLDER_VARIABLE: str(cache_root)}
    env.pop(_cache.OFF_VARIABLE, None)
    procs = [subprocess.Popen([sys.executable, "-c", code], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True) for _ in range(4)]
    outs = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0] * 4, [e for _, e in outs]
    assert all(float(o) == pytest.approx(3600.0) for o, _ in outs)
    assert [p.name for p in cache_root.iterdir()] == [next(cache_root.glob("pint-*")).name]


def test_a_stored_ocp_inverse_is_checked_before_it_is_used(cache_root):
    """A foreign or stale entry (a one-node, one-step inverse, 10s of mV wrong) under the key of
    the OCP is found wrong by the 1 µV check, searched again and replaced; a good one is used."""
    import json

    import kinetics as hk
    from kinetics.engine.build import INVERSE_CACHE, verified_inverse

    ocp = hk.HalfCell("MPCC-1-ether").working.material.ocp
    window = (-0.2, 3.3)
    searched = ocp.verified_inverse(window)
    first = verified_inverse(ocp, window)
    (entry,) = (cache_root / INVERSE_CACHE).glob("*.json")
    assert first[1:] == searched[1:] and list(first[0]) == list(searched[0])
    bad = {"nodes": [0.5], "steps": 1, "bound": None}
    assert ocp.inverse_error(window, ([0.5], 1, None)) > 1e-3
    entry.write_text(json.dumps(bad))
    again = verified_inverse(ocp, window)
    assert again[1:] == searched[1:] and list(again[0]) == list(searched[0])
    assert json.loads(entry.read_text()) != bad
    entry.write_text("{ truncated")
    assert verified_inverse(ocp, window)[1] == searched[1]
