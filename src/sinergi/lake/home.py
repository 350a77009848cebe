"""The data folder: where raw files, snapshots and quarantine live, and how they are written safely.

Layout (DESIGN.md, "Data folder")::

    raw/<sha256>.<ext>                          every imported file, byte for byte
    snapshots/<source>/<period>/<import>/       accepted rows (data.parquet) + manifest.json
    quarantine/<import>.parquet                 rejected rows with their reasons
    profiles/*.toml                             the users' own mapping profiles

Everything is written under a hidden ``.partial`` name first and renamed into
place, so a crash leaves either the whole result or nothing a reader would see.
A snapshot counts as present only when its ``manifest.json`` is.
"""

from __future__ import annotations

import getpass
import hashlib
import json
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sinergi.errors import LakeError

DEFAULT_HOME = Path("sinergi-data")
MANIFEST = "manifest.json"
SNAPSHOT_DATA = "data.parquet"
_CHUNK = 4 << 20


def current_user() -> str:
    """Who runs this process, as recorded in manifests (the operating-system user)."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


def file_sha256(path: Path) -> str:
    """The SHA-256 of a file's bytes, read in chunks so a large file costs no memory."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(_CHUNK):
            digest.update(block)
    return digest.hexdigest()


@dataclass(frozen=True)
class DataHome:
    """One data folder (``SINERGI_HOME``, default ``./sinergi-data``).

    Examples:
        >>> DataHome(Path("/tmp/x")).snapshot_dir("dtsen", "2026-09", "ab12").as_posix()
        '/tmp/x/snapshots/dtsen/2026-09/ab12'
    """

    root: Path

    @classmethod
    def resolve(cls, root: Path | None = None) -> DataHome:
        """The given folder, else ``$SINERGI_HOME``, else ``./sinergi-data``."""
        return cls(root or Path(os.environ.get("SINERGI_HOME") or DEFAULT_HOME))

    @property
    def profiles_dir(self) -> Path:
        return self.root / "profiles"

    def snapshot_dir(self, source: str, period: str, import_id: str) -> Path:
        return self.root / "snapshots" / source / period / import_id

    def quarantine_path(self, import_id: str) -> Path:
        return self.root / "quarantine" / f"{import_id}.parquet"

    def keep_raw(self, path: Path, sha256: str) -> Path:
        """Copy a file into ``raw/`` under its SHA-256 (once; the copy never changes)."""
        kept = self.root / "raw" / f"{sha256}{path.suffix.lower()}"
        if not kept.exists():
            with write_atomically(kept) as partial:
                shutil.copyfile(path, partial)
        return kept

    def find_snapshot(self, import_id: str) -> Path | None:
        """The finished snapshot folder of an import, if there is one."""
        found = sorted(self.root.glob(f"snapshots/*/*/{import_id}/{MANIFEST}"))
        return found[0].parent if found else None

    def manifests(self) -> Iterator[dict[str, Any]]:
        """The manifests of every finished snapshot, oldest import first."""
        paths = self.root.glob(f"snapshots/*/*/*/{MANIFEST}")
        loaded = [read_manifest(p.parent) for p in paths]
        yield from sorted(loaded, key=lambda m: (m.get("imported_at", ""), m["import_id"]))


def read_manifest(snapshot: Path) -> dict[str, Any]:
    """The manifest of a snapshot folder."""
    path = snapshot / MANIFEST
    try:
        manifest: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise LakeError(
            f"Manifest {path} tidak bisa dibaca ({error}).",
            english=f"Cannot read manifest {path}: {error}",
            code="MANIFEST_UNREADABLE",
        ) from error
    return manifest


def write_manifest(folder: Path, manifest: dict[str, Any]) -> None:
    (folder / MANIFEST).write_text(
        json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True) + "\n", encoding="utf-8"
    )


LATEST = "LATEST"


def write_run(
    home: DataHome, kind: str, run_id: str, tables: dict[str, Any], manifest: dict[str, Any]
) -> Path:
    """Write a pipeline run's Polars tables (eager or lazy) and manifest to
    ``<home>/<kind>/<run_id>/``, then point ``<kind>/LATEST`` at it; a run that fails
    leaves nothing behind."""
    target = home.root / kind / run_id
    with write_atomically(target) as partial:
        partial.mkdir(parents=True)
        for name, table in tables.items():
            if hasattr(table, "sink_parquet"):  # a lazy frame streams: never all in memory
                table.sink_parquet(partial / f"{name}.parquet")
            else:
                table.write_parquet(partial / f"{name}.parquet")
        (partial / "manifest.json").write_text(
            json.dumps(manifest, ensure_ascii=False, indent=2, default=str) + "\n",
            encoding="utf-8",
        )
    with write_atomically(home.root / kind / LATEST) as partial:
        partial.write_text(run_id + "\n", encoding="utf-8")
    return target


def latest_run_folder(home: DataHome, kind: str) -> Path | None:
    """The folder of the latest finished run of ``kind`` (``linked``, ``diagnostics``)."""
    pointer = home.root / kind / LATEST
    if not pointer.exists():
        return None
    folder = home.root / kind / pointer.read_text(encoding="utf-8").strip()
    return folder if folder.is_dir() else None


@contextmanager
def write_atomically(target: Path) -> Iterator[Path]:
    """Yield a hidden partial path beside ``target``; rename it into place only on success.

    Works for a file or a folder. An existing ``target`` is replaced.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.partial")
    _remove(partial)
    try:
        yield partial
    except BaseException:
        _remove(partial)
        raise
    if target.exists() and target.is_dir():
        shutil.rmtree(target)
    partial.replace(target)


def _remove(path: Path) -> None:
    if path.is_dir():
        shutil.rmtree(path)
    elif path.exists():
        path.unlink()
