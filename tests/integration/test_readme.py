"""The README's scripting example runs as printed and is at most 15 lines."""

import re
import runpy
from pathlib import Path

import pytest

README = Path(__file__).resolve().parents[2] / "README.md"


def test_readme_script_runs(tmp_path, monkeypatch):
    if not README.exists():
        pytest.skip("no README next to the tests (installed package without its source tree)")
    block = re.search(r"```python\n(.*?)```", README.read_text(encoding="utf-8"), re.S).group(1)
    assert len(block.strip().splitlines()) <= 15
    script = tmp_path / "example.py"
    script.write_text(block, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    runpy.run_path(str(script))
    assert (tmp_path / "gcd.png").stat().st_size > 10_000
