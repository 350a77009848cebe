"""Fixtures shared by every layer's tests: the small synthetic regency later tests build on."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from sinergi.synth.build import SynthResult, synthesize
from sinergi.synth.config import SynthConfig, default_calibration
from sinergi.synth.programs import Amounts
from sinergi.synth.province import synthesize_province

SMALL_PERSONS = 2000


def build_small_regency(out: Path, *, seed: int = 1, persons: int = SMALL_PERSONS) -> SynthResult:
    """Kabupaten Dompu (52.05) with ``persons`` persons, as `sinergi synth` makes it."""
    config = SynthConfig(
        regency="52.05",
        persons=persons,
        seed=seed,
        out=out,
        calibration=default_calibration("52.05"),
    )
    return synthesize(config, Amounts.from_reference())


@pytest.fixture(scope="session")
def regency_builder() -> Callable[..., SynthResult]:
    """Builds a Dompu regency into a folder: ``regency_builder(out, seed=1, persons=2000)``."""
    return build_small_regency


@pytest.fixture(scope="session")
def small_regency(tmp_path_factory: pytest.TempPathFactory) -> SynthResult:
    """The 2,000-person Dompu fixture, built once per test session."""
    return build_small_regency(tmp_path_factory.mktemp("synth") / "dompu")


@pytest.fixture(scope="session")
def medium_regency(tmp_path_factory: pytest.TempPathFactory) -> SynthResult:
    """A 40,000-person Dompu for statistical properties that need more households."""
    return build_small_regency(tmp_path_factory.mktemp("synth") / "dompu40k", persons=40_000)


@pytest.fixture(scope="session")
def small_province(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """All ten NTB regencies (province 52) with 2,500 persons, as `sinergi synth --province`."""
    out = tmp_path_factory.mktemp("province") / "ntb"
    synthesize_province("52", 2_500, 3, out, workers=2)
    return out
