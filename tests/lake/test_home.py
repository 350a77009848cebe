"""The data folder: raw copies under their hash, atomic writes, manifests."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from sinergi.errors import LakeError
from sinergi.lake.home import DataHome, file_sha256, read_manifest, write_atomically, write_manifest


def test_sha256_of_a_file_equals_hashlib_of_its_bytes(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_bytes(b"nik;nama\n" * 100_000)
    assert file_sha256(path) == hashlib.sha256(path.read_bytes()).hexdigest()


def test_raw_copy_is_kept_once_under_its_hash(tmp_path: Path) -> None:
    home = DataHome(tmp_path / "home")
    source = tmp_path / "Data PKH.XLSX"
    source.write_bytes(b"isi")
    sha = file_sha256(source)
    kept = home.keep_raw(source, sha)
    assert kept == tmp_path / "home" / "raw" / f"{sha}.xlsx"
    assert kept.read_bytes() == b"isi"
    source.write_bytes(b"berubah")  # a later change to the user's file never touches the copy
    assert home.keep_raw(source, sha).read_bytes() == b"isi"


def test_a_failed_write_leaves_nothing_behind(tmp_path: Path) -> None:
    target = tmp_path / "snap" / "abc"
    with pytest.raises(RuntimeError), write_atomically(target) as partial:
        partial.mkdir(parents=True)
        (partial / "data.parquet").write_bytes(b"setengah")
        raise RuntimeError("crash")
    assert not target.exists()
    assert list((tmp_path / "snap").iterdir()) == []


def test_a_finished_write_replaces_the_target_whole(tmp_path: Path) -> None:
    target = tmp_path / "report.xlsx"
    target.write_bytes(b"lama")
    with write_atomically(target) as partial:
        partial.write_bytes(b"baru")
    assert target.read_bytes() == b"baru"
    assert [p.name for p in tmp_path.iterdir()] == ["report.xlsx"]


def test_snapshots_count_only_with_their_manifest(tmp_path: Path) -> None:
    home = DataHome(tmp_path)
    folder = home.snapshot_dir("dtsen", "2026-09", "id1")
    folder.mkdir(parents=True)
    assert home.find_snapshot("id1") is None
    write_manifest(folder, {"import_id": "id1", "imported_at": "2026-11-23T00:00:00+00:00"})
    assert home.find_snapshot("id1") == folder
    assert [m["import_id"] for m in home.manifests()] == ["id1"]


def test_unreadable_manifest_names_the_file(tmp_path: Path) -> None:
    (tmp_path / "manifest.json").write_text("{rusak", encoding="utf-8")
    with pytest.raises(LakeError, match=r"manifest\.json"):
        read_manifest(tmp_path)


def test_home_comes_from_the_environment_when_not_given(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SINERGI_HOME", str(tmp_path))
    assert DataHome.resolve().root == tmp_path
    assert DataHome.resolve(tmp_path / "x").root == tmp_path / "x"
    monkeypatch.delenv("SINERGI_HOME")
    assert DataHome.resolve().root == Path("sinergi-data")
