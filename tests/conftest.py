"""Shared fixtures. Tolerances are justified where they are written."""

import warnings

import pytest

warnings.filterwarnings("ignore", category=DeprecationWarning)


@pytest.fixture(scope="session")
def mpcc1_ocp():
    from kinetics.cell import HalfCell

    return HalfCell("MPCC-1-ether").working.material.ocp
