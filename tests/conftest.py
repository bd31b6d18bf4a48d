"""Shared fixtures and the folder markers. Tolerances are justified where they are written.

Markers follow the folder: every test in ``tests/unit`` is marked ``unit`` (pure functions and
bad input; no PyBaMM model is built there), ``tests/integration`` ``integration`` (real PyBaMM
solves), ``tests/regression`` ``regression`` (certified numbers: papers, calibrations),
``tests/fuzz`` ``fuzz`` (generated bad input, hypothesis: a clear error, never a traceback). Tests
marked ``slow`` are collected first.
"""

from pathlib import Path

import pytest

FOLDERS = ("unit", "integration", "regression", "fuzz")


def pytest_collection_modifyitems(config, items):
    for item in items:
        folder = Path(str(item.fspath)).parent.name
        if folder in FOLDERS:
            item.add_marker(getattr(pytest.mark, folder))
    # the minute-long tests first: on two workers the short ones then fill the gaps at the end
    # instead of one long test running alone while the other worker idles
    items.sort(key=lambda item: item.get_closest_marker("slow") is None)


@pytest.fixture(scope="session")
def mpcc1_ocp():
    from kinetics.cells import HalfCell

    return HalfCell("MPCC-1-ether").working.material.ocp
