"""A diagnosed small regency as the site's data folder, and users of every role."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from django.contrib.auth.models import User

from sinergi.lake.home import DataHome, latest_run_folder
from sinergi.pipeline.diagnose.run import diagnose
from sinergi.pipeline.ingest.run import import_files
from sinergi.pipeline.link.run import link
from sinergi.synth.build import SynthResult
from sinergi.web import registry
from sinergi.web.accounts.models import Assignment, Role
from sinergi.web.accounts.roles import sync_roles


@pytest.fixture(scope="session")
def site_home(small_regency: SynthResult, tmp_path_factory: pytest.TempPathFactory) -> Path:
    home = DataHome.resolve(tmp_path_factory.mktemp("site") / "home")
    import_files([small_regency.out / "sources"], home=home, scope="52.05")
    link(home)
    diagnose(home)
    return home.root


@pytest.fixture(autouse=True)
def _site_data(site_home: Path, settings: Any) -> Iterator[None]:
    settings.HOME = site_home
    registry.clear_caches()
    yield


@pytest.fixture
def desas(site_home: Path) -> list[str]:
    """The desa codes that have families, most families first."""
    folder = latest_run_folder(DataHome.resolve(site_home), "diagnostics")
    assert folder is not None
    families = pl.read_parquet(folder / "families.parquet")
    counts = families.group_by("area_code").len().sort(["len", "area_code"], descending=True)
    return counts["area_code"].to_list()


@pytest.fixture
def make_user(db: None) -> object:
    sync_roles()

    def make(
        name: str, role: str, see: str, opd: str = "", edit: str = "", **dates: object
    ) -> User:
        user = User.objects.create_user(name, password="pw-" + name)
        Assignment.objects.create(
            user=user,
            role=Role.objects.get(code=role),
            see_scope=see,
            edit_scope=edit,
            opd=opd,
            **dates,
        )
        return user

    return make
