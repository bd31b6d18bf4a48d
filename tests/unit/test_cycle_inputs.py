"""Bad input to ``kinetics cycle`` (issue 14): refused with the field named, before any model is
built or any folder written."""

from __future__ import annotations

import pytest

from kinetics import cli


@pytest.mark.parametrize("args, field", [
    (("--cycles", "0"), "--cycles"),
    (("--cycles", "-3"), "--cycles"),
    (("--np", "1.1"), "--np"),
    (("--np-basis", "first-cycle"), "--np-basis"),
    (("--cathode", "O3-Na0.9TMO2", "--np", "0.1"), "--np"),
    (("--cathode", "O3-Na0.9TMO2", "--np-basis", "cathode"), "--np-basis"),
    (("--charge=-5mA/g",), "charge"),
    (("--discharge=fast",), "discharge"),
])
def test_kinetics_cycle_refuses_bad_input_before_solving(tmp_path, capsys, args, field):
    code = cli.main(["cycle", "--parameter-set", "MPCC-1-ether", "--out", str(tmp_path / "x"), "--quiet", *args])
    err = capsys.readouterr().err
    assert code == 2, err
    assert field in err and "Traceback" not in err
    assert not (tmp_path / "x").exists()
