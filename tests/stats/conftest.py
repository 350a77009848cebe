"""A data folder holding the small synthetic regency's survey, shared by the stats tests."""

from __future__ import annotations

import pytest

from sinergi.lake.home import DataHome
from sinergi.pipeline.ingest.run import import_files
from sinergi.synth.build import SynthResult


@pytest.fixture(scope="module")
def surveyed(small_regency: SynthResult, tmp_path_factory: pytest.TempPathFactory) -> DataHome:
    home = DataHome.resolve(tmp_path_factory.mktemp("stats") / "home")
    import_files([small_regency.out / "sources" / "survey"], home=home, scope="52.05")
    return home
