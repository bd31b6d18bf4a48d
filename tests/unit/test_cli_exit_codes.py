"""The CLI's contract: 0 done, 1 a run that failed, 2 bad input, 130 interrupted; one line per
problem, no traceback unless --debug."""

import pytest

from kinetics import cli
from kinetics.errors import Interrupted


def summary(truncated: bool) -> dict:
    cell = {"parameter_set": "x", "model": "SPMe", "status": "stopped after 1 of 2 steps: step 2 (rest): IDA_CONV_FAIL"
            if truncated else "complete (2 steps)", "truncated": truncated, "rates": [], "notes": [],
            "min_anode_potential_V": 0.01, "time_below_0V_s": 0.0, "wall_time_s": 1.0}
    return {"output_folder": "out", "half_cells": [cell], "full_cells": []}


@pytest.mark.parametrize("truncated, code", [(False, 0), (True, 1)])
def test_simulate_exits_1_when_a_run_failed(monkeypatch, capsys, truncated, code):
    monkeypatch.setattr(cli, "run_study", lambda study, out, progress: summary(truncated))
    assert cli.main(["simulate", "--json", "--quiet"]) == code
    err = capsys.readouterr().err
    assert ("failed: a run stopped after 1 of 2 steps" in err) == truncated


def test_interrupted_exits_130_with_what_was_kept(monkeypatch, capsys):
    def interrupted(study, out, progress):
        raise Interrupted("interrupted after 3 of 14 steps (kept: the completed steps); written to out", None)

    monkeypatch.setattr(cli, "run_study", interrupted)
    assert cli.main(["simulate", "--quiet"]) == 130
    assert capsys.readouterr().err == ("kinetics simulate: interrupted: interrupted after 3 of 14 steps (kept: the "
                                       "completed steps); written to out\n")


def test_an_unexpected_error_is_one_line_unless_debug(monkeypatch, capsys):
    def broken(study, out, progress):
        raise ZeroDivisionError("division by zero")

    monkeypatch.setattr(cli, "run_study", broken)
    assert cli.main(["simulate", "--quiet"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("kinetics simulate: internal error: ZeroDivisionError: division by zero (rerun with --debug")
    assert "Traceback" not in err
    with pytest.raises(ZeroDivisionError):
        cli.main(["--debug", "simulate", "--quiet"])
