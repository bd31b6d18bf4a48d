"""The architecture as tests: import-linter's contracts (layers, one door to PyBaMM) and no
function-local import of the package's own modules (the way circles used to be hidden)."""

import ast
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "kinetics"


def test_import_linter_contracts_are_kept():
    if not (ROOT / "pyproject.toml").exists():
        pytest.skip("no source tree next to the tests")
    exe = shutil.which("lint-imports") or str(Path(sys.executable).parent / "lint-imports")
    out = subprocess.run([exe, "--config", str(ROOT / "pyproject.toml")], capture_output=True, text=True,
                         cwd=ROOT, timeout=300)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "2 kept, 0 broken" in out.stdout


def test_no_function_local_imports_of_the_package():
    """Imports of kinetics' own modules sit at module level, so the import graph that the
    contracts check is the whole graph."""
    local = []
    for path in PACKAGE.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                for inner in ast.walk(node):
                    own = (isinstance(inner, ast.ImportFrom) and (inner.level > 0 or (inner.module or "")
                                                                  .startswith("kinetics")))
                    own |= isinstance(inner, ast.Import) and any(a.name.startswith("kinetics")
                                                                 for a in inner.names)
                    if own:
                        local.append(f"{path.relative_to(ROOT)}:{inner.lineno}")
    assert not local, local
