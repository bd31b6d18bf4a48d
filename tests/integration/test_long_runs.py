"""Long runs: a 1,000-cycle repeat block in flat memory, with a summary of every cycle and the
time series of the cycles asked for; Ctrl-C keeps every completed step."""

import json
import subprocess
import sys
import textwrap

import pytest

import kinetics as hk
from kinetics.protocols import repeat

pytestmark = pytest.mark.slow

SCRIPT = textwrap.dedent("""
    import json, os, resource, sys, warnings
    import kinetics as hk
    from kinetics.protocols import repeat
    warnings.simplefilter("ignore")
    def rss_MB():
        return int(open("/proc/self/statm").read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 1e6
    baseline = rss_MB()  # after import
    sim = hk.Simulator(hk.HalfCell("MPCC-1-ether", "SPM"))
    r = sim.run([repeat([hk.sodiate(1000, 0.3), hk.desodiate(1000, 1.0)], int(sys.argv[1]))])
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e3
    print(json.dumps({"growth_MB": peak - baseline, "cycles": len(r.cycles), "kept": sorted(set(r.table["cycle"])),
                      "ce": r.cycles["coulombic_efficiency"].tolist()[-1], "steps": len(r.steps)}))
""")


def _run(cycles: int) -> dict:
    out = subprocess.run([sys.executable, "-c", SCRIPT, str(cycles)], capture_output=True, text=True, timeout=900)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_a_thousand_cycles_in_flat_memory():
    """Peak memory above the post-import baseline grows by at most 50 MB from a 10-cycle to a
    1,000-cycle SPM run (PyBaMM's own experiment with save_at_cycles went from 205 to 397 MB
    on Chen2020 here): every cycle is summarised as it completes and only the kept cycles'
    time series stay (the first, every 100th, the last)."""
    short, long = _run(10), _run(1000)
    assert long["growth_MB"] - short["growth_MB"] <= 50, (short, long)
    assert long["cycles"] == 1000 and long["steps"] == 2000
    assert long["kept"] == [1] + list(range(100, 1001, 100))
    assert long["ce"] == pytest.approx(1.0, abs=1e-6)  # no side reactions: sodium out = sodium in


def test_ctrl_c_keeps_the_completed_steps(monkeypatch):
    """A KeyboardInterrupt in the middle of a run (here raised when the third chunk starts)
    ends it with `Interrupted`, whose partial result holds the completed steps."""
    from kinetics.engine import solve

    real, calls = solve.Engine._simulation, {"n": 0}

    def simulation(self, pieces, chunk):
        calls["n"] += 1
        if calls["n"] == 3:
            raise KeyboardInterrupt
        return real(self, pieces, chunk)

    monkeypatch.setattr(solve.Engine, "_simulation", simulation)
    with pytest.raises(hk.Interrupted) as caught:
        hk.run(hk.HalfCell("MPCC-1-ether", "SPM"), [repeat([hk.sodiate(1000, 0.3), hk.desodiate(1000, 1.0)], 5)])
    partial = caught.value.partial
    assert partial.interrupted and partial.n_completed == 4 and len(partial.cycles) == 2
    assert "interrupted after 4 of 10 steps" in caught.value.kept


def test_ctrl_c_in_kinetics_simulate_writes_what_was_completed(tmp_path):
    """SIGINT to a running `kinetics simulate`: exit 130, one line saying what was kept and
    where, a complete output folder (summary marked interrupted) and no half-written folder."""
    import os
    import signal
    import time

    config = tmp_path / "study.toml"
    config.write_text('[[half_cell]]\nparameter_set = "MPCC-1-ether"\nmodel = "DFN"\ncycles = 3\n'
                      'rates_mA_g = [20, 50, 100, 200, 500, 1000, 2000]\n')
    proc = subprocess.Popen([sys.executable, "-m", "kinetics.cli", "simulate", "--config", str(config), "--out",
                             str(tmp_path / "run")], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    seen, t0 = b"", time.time()
    while b"| 3/42" not in seen and time.time() - t0 < 300:  # the progress bar: three steps done
        chunk = os.read(proc.stderr.fileno(), 4096)
        if not chunk:  # the process ended
            break
        seen += chunk
    assert proc.poll() is None, "the study finished before it could be interrupted"
    proc.send_signal(signal.SIGINT)
    _, rest = proc.communicate(timeout=300)
    err = (seen + rest).decode()
    assert proc.returncode == 130, err
    line = [x for x in err.splitlines() if "interrupted" in x][-1]
    assert "kinetics simulate: interrupted: interrupted after" in line and str(tmp_path / "run") in line
    summary = json.loads((tmp_path / "run" / "summary.json").read_text())
    assert summary["interrupted"] and summary["half_cells"][0]["truncated"]
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no temporary folder left
    assert "Traceback" not in err
