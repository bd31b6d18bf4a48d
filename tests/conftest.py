"""Shared fixtures and the folder markers. Tolerances are justified where they are written.

Markers follow the folder: every test in ``tests/unit`` is marked ``unit`` (pure functions and
bad input; no PyBaMM model is built there), ``tests/integration`` ``integration`` (real PyBaMM
solves), ``tests/regression`` ``regression`` (certified numbers: papers, calibrations),
``tests/fuzz`` ``fuzz`` (generated bad input, hypothesis: a clear error, never a traceback).
"""

from pathlib import Path

import pytest

FOLDERS = ("unit", "integration", "regression", "fuzz")


def pytest_collection_modifyitems(config, items):
    for item in items:
        folder = Path(str(item.fspath)).parent.name
        if folder in FOLDERS:
            item.add_marker(getattr(pytest.mark, folder))


@pytest.fixture(scope="session")
def mpcc1_ocp():
    from kinetics.cells import HalfCell

    return HalfCell("MPCC-1-ether").working.material.ocp
