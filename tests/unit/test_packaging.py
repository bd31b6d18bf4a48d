"""Every subpackage of kinetics is installed by a non-editable `pip install .`."""

import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def test_every_subpackage_is_listed():
    if not (ROOT / "pyproject.toml").exists():
        pytest.skip("no source tree next to the tests")
    listed = set(tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"])
    found = {".".join(p.parent.relative_to(ROOT).parts) for p in (ROOT / "kinetics").rglob("__init__.py")}
    assert found <= listed, found - listed
