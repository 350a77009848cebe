"""Uploads and jobs: a file is kept, imported by the worker with progress, and reported on."""

from __future__ import annotations

import hashlib
import shutil
import signal
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django_tasks_db.models import DBTaskResult
from site_clients import signed_in

from sinergi.lake.home import DataHome, latest_run_folder
from sinergi.synth.build import SynthResult
from sinergi.web.audit.models import AuditEntry
from sinergi.web.uploads.models import AnalysisRun, Status, Upload

# The worker is another "process" that must see what the request committed.
pytestmark = pytest.mark.django_db(transaction=True)

MakeUser = Callable[..., User]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def home(site_home: Path, tmp_path: Path, settings: Any) -> Iterator[Path]:
    """A copy of the site's data folder: imports here never touch the shared one."""
    copy = tmp_path / "home"
    shutil.copytree(site_home, copy)
    settings.HOME = copy
    yield copy


@pytest.fixture
def sources(small_regency: SynthResult) -> Path:
    return small_regency.out / "sources"


def _post(client: Client, name: str, content: bytes, wilayah: str = "52.05", **extra: str) -> Any:
    data = {"berkas": SimpleUploadedFile(name, content), "wilayah": wilayah, "profil": "auto"}
    return client.post("/unggah/", {**data, **extra})


def run_worker() -> None:
    """What `manage.py db_worker --batch` does, in this process; its signal handlers undone."""
    kept = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)}
    try:
        call_command(
            "db_worker", "--batch", "--no-startup-delay", "--interval=0", "--no-reload",
            verbosity=0,
        )  # fmt: skip
    finally:
        for number, handler in kept.items():
            signal.signal(number, handler)


def _pkh_part(sources: Path, lines: int = 40) -> bytes:
    """The first rows of the regency's PKH list: a real file the data folder has not seen."""
    text = (sources / "programs" / "pkh_2026.csv").read_bytes()
    return b"".join(text.splitlines(keepends=True)[:lines])


def test_an_upload_is_kept_queued_imported_and_reported(
    make_user: MakeUser, home: Path, site_home: Path, sources: Path
) -> None:
    client = signed_in(make_user("ana", "analyst", "52.05", edit="52.05"))
    content = _pkh_part(sources)
    response = _post(client, "pkh_2026.csv", content)
    upload = Upload.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/pekerjaan/{upload.pk}/"
    assert (upload.status, upload.progress, upload.scope, upload.username) == (
        Status.QUEUED, 0, "52.05", "ana",
    )  # fmt: skip
    kept = home / "uploads" / str(upload.pk) / "pkh_2026.csv"
    assert upload.stored_path == f"uploads/{upload.pk}/pkh_2026.csv"
    assert kept.read_bytes() == content and upload.size == len(content)
    assert upload.sha256 == hashlib.sha256(content).hexdigest()
    queued = DBTaskResult.objects.get(id=upload.task_result_id)
    assert queued.status == "READY" and queued.args_kwargs["args"] == [upload.pk]

    page = client.get(f"/pekerjaan/{upload.pk}/").content.decode()
    assert f'hx-get="/pekerjaan/{upload.pk}/kemajuan/"' in page and 'hx-trigger="every 1s"' in page
    assert '<progress value="0" max="100">' in page

    run_worker()

    upload.refresh_from_db()
    assert (upload.status, upload.progress, upload.error) == (Status.DONE, 100, "")
    summary = upload.summary
    assert summary["rows_read"] == len(content.splitlines()) - 1
    assert summary["accepted"] + summary["quarantined"] == summary["rows_read"]
    [import_id] = summary["imports"]
    [sheet] = summary["sheets"]
    assert (sheet["status"], sheet["profile"], sheet["source"]) == ("imported", "pkh", "pkh")
    snapshot = DataHome(home).find_snapshot(import_id)
    assert snapshot is not None and (snapshot / "data.parquet").exists()
    assert DataHome(site_home).find_snapshot(import_id) is None  # the shared folder untouched
    assert kept.read_bytes() == content  # the original stays as it came
    assert upload.report_path == f"reports/impor/{import_id}.xlsx"
    assert DBTaskResult.objects.get(id=upload.task_result_id).status == "SUCCESSFUL"

    done = client.get(f"/pekerjaan/{upload.pk}/kemajuan/").content.decode()
    assert "hx-get" not in done and '<progress value="100" max="100">' in done
    assert "Unduh XLSX" in done and f"/pekerjaan/{upload.pk}/laporan/{import_id}/" in done

    report = client.get(f"/pekerjaan/{upload.pk}/laporan/{import_id}/")
    assert report.status_code == 200 and report["Content-Type"] == XLSX
    assert b"".join(report.streaming_content).startswith(b"PK")
    entry = AuditEntry.objects.get(what="import_report")
    assert (entry.action, entry.area, entry.identifiers_shown) == ("export", "52.05", True)


def test_a_workbook_already_imported_is_done_and_says_so(
    make_user: MakeUser, home: Path, sources: Path
) -> None:
    client = signed_in(make_user("ana", "analyst", "52.05", edit="52.05"))
    content = (sources / "p3ke" / "P3KE_Keluarga_520501.xlsx").read_bytes()
    assert _post(client, "P3KE_Keluarga_520501.xlsx", content).status_code == 302
    run_worker()
    upload = Upload.objects.get()
    assert upload.status == Status.DONE and upload.progress == 100
    [sheet] = upload.summary["sheets"]
    assert sheet["status"] == "unchanged" and sheet["message"].startswith("Sudah diimpor")
    assert sheet["rows_read"] > 0


def test_a_file_no_profile_fits_fails_in_indonesian_and_is_kept(
    make_user: MakeUser, home: Path
) -> None:
    client = signed_in(make_user("ana", "analyst", "52.05", edit="52.05"))
    content = b"warna;buah;jumlah\nmerah;apel;3\nkuning;pisang;5\n"
    snapshots = sorted((home / "snapshots").glob("*/*/*"))
    assert _post(client, "buah.csv", content).status_code == 302
    run_worker()
    upload = Upload.objects.get()
    assert (upload.status, upload.progress, upload.summary["imports"]) == (Status.FAILED, 100, [])
    assert "Profil tidak bisa dipilih dengan yakin" in upload.error
    assert "'warna', 'buah'" in upload.error  # names the headers nobody recognised
    assert (home / upload.stored_path).read_bytes() == content
    page = client.get(f"/pekerjaan/{upload.pk}/").content.decode()
    assert "Berkas asli tetap tersimpan" in page and "hx-get" not in page
    assert sorted((home / "snapshots").glob("*/*/*")) == snapshots


def test_a_broken_workbook_fails_with_a_clear_message(make_user: MakeUser, home: Path) -> None:
    client = signed_in(make_user("ana", "analyst", "52.05", edit="52.05"))
    content = b"PK\x03\x04" + bytes(range(256)) * 40  # a zip header, then nothing sensible
    assert _post(client, "daftar.xlsx", content).status_code == 302
    run_worker()
    upload = Upload.objects.get()
    assert upload.status == Status.FAILED
    assert "tidak dapat dibaca" in upload.error and "daftar.xlsx" in upload.error
    assert (home / upload.stored_path).read_bytes() == content


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("daftar.csv", b"MZ\x90\x00\x03\x00\x00\x00" * 100, "bukan teks CSV/TSV/TXT"),
        ("setup.exe", b"MZ\x90\x00\x03\x00", "Jenis berkas tidak diterima"),
        ("daftar.xlsx", b"NIK;NAMA\n1;2\n", "bukan buku kerja Excel .xlsx"),
        ("unicode.txt", "NIK\tNAMA\n".encode("utf-16"), "UTF-16"),
        ("kosong.csv", b"", "kosong"),
    ],
)
def test_what_is_not_a_data_file_is_refused_on_the_form(
    make_user: MakeUser, home: Path, name: str, content: bytes, message: str
) -> None:
    client = signed_in(make_user("ana", "analyst", "52.05", edit="52.05"))
    response = _post(client, name, content)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Upload.objects.exists() and not (home / "uploads").exists()


def test_a_file_over_the_size_cap_is_refused(
    make_user: MakeUser, home: Path, settings: Any
) -> None:
    settings.UPLOAD_MAX_BYTES = 1024 * 1024
    client = signed_in(make_user("ana", "analyst", "52.05", edit="52.05"))
    # Just over the cap, within the room a form's other fields take: the form refuses it.
    response = _post(client, "besar.csv", b"NIK;NAMA\n" + b"1;a\n" * 263_000)
    assert response.status_code == 400 and "Berkas terlalu besar: batasnya 1 MB" in (
        response.content.decode()
    )
    # Far over: refused from its Content-Length, before the body is read (here a body
    # that claims 5 GB: reading it would fail or hang).
    huge = client.post(
        "/unggah/",
        {"berkas": SimpleUploadedFile("besar.csv", b"NIK;NAMA\n1;a\n"), "wilayah": "52.05"},
        CONTENT_LENGTH=str(5 * 1024**3),
    )
    assert huge.status_code == 413
    assert "Berkas terlalu besar: batasnya 1 MB" in huge.content.decode()
    assert not Upload.objects.exists() and not (home / "uploads").exists()


def test_the_upload_cap_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    import importlib

    from sinergi.web import settings as site_settings

    monkeypatch.setenv("SINERGI_UPLOAD_MAX_BYTES", str(5 * 1024 * 1024))
    try:
        assert importlib.reload(site_settings).UPLOAD_MAX_BYTES == 5 * 1024 * 1024
    finally:
        monkeypatch.delenv("SINERGI_UPLOAD_MAX_BYTES")
        importlib.reload(site_settings)


def test_an_unknown_wilayah_is_refused_on_the_form(make_user: MakeUser, home: Path) -> None:
    client = signed_in(make_user("ana", "analyst", "52.05", edit="52.05"))
    response = _post(client, "pkh.csv", b"NIK;NAMA\n1;a\n", wilayah="52.05.99")
    assert (
        response.status_code == 400 and "tidak ada dalam daftar kode" in response.content.decode()
    )


@pytest.mark.parametrize(
    ("role", "see", "edit", "wilayah"),
    [
        ("tkpk", "52.05", "52.05", "52.05"),  # no upload permission at all
        ("analyst", "52.05", "", "52.05"),  # an empty edit scope is nowhere
        ("analyst", "52.05", "52.05.01", "52.05"),  # wider than the edit scope
        ("analyst", "52.05", "52.05.01", "52.05.02"),  # beside it
    ],
)
def test_uploading_outside_the_edit_scope_is_refused_and_stores_nothing(
    make_user: MakeUser, home: Path, sources: Path, role: str, see: str, edit: str, wilayah: str
) -> None:
    client = signed_in(make_user("ana", role, see, edit=edit))
    response = _post(client, "pkh_2026.csv", _pkh_part(sources), wilayah=wilayah)
    assert response.status_code == 403
    if edit and role != "tkpk":  # the form says why, beside the wilayah, in Bahasa Indonesia
        assert "tidak berwenang mengunggah data untuk wilayah ini" in response.content.decode()
        assert response.context["form"].errors["wilayah"]
    assert not Upload.objects.exists() and not DBTaskResult.objects.exists()
    assert not (home / "uploads").exists()
    if not edit or role == "tkpk":
        assert client.get("/unggah/").status_code == 403


def test_the_form_offers_the_edit_scope_and_the_shipped_profiles(
    make_user: MakeUser, home: Path
) -> None:
    client = signed_in(make_user("ana", "analyst", "52.05", edit="52.05.01"))
    page = client.get("/unggah/").content.decode()
    assert 'value="52.05.01"' in page and 'enctype="multipart/form-data"' in page
    assert '<option value="auto" selected>' in page and '<option value="pkh">' in page
    assert 'style="' not in page and "<script>" not in page and "hx-on" not in page


def _job(scope: str, name: str = "daftar.csv") -> Upload:
    return Upload.objects.create(username="someone", scope=scope, file_name=name)


def test_the_jobs_page_lists_only_jobs_in_the_see_scope(make_user: MakeUser, home: Path) -> None:
    regency, district, beside, other = (
        _job("52.05", "kabupaten.csv"), _job("52.05.01", "kecamatan.csv"),
        _job("52.05.02", "sebelah.csv"), _job("53.01", "provinsi_lain.csv"),
    )  # fmt: skip
    AnalysisRun.objects.create(username="someone", scope="52.05")
    viewer = signed_in(make_user("dis", "tkpk", "52.05.01"))
    page = viewer.get("/pekerjaan/").content.decode()
    assert "kecamatan.csv" in page
    assert not any(n in page for n in ("kabupaten.csv", "sebelah.csv", "provinsi_lain.csv"))
    assert "Padanan dan diagnosis" not in page
    assert viewer.get(f"/pekerjaan/{district.pk}/").status_code == 200
    for job in (regency, beside, other):
        assert viewer.get(f"/pekerjaan/{job.pk}/").status_code == 404
        assert viewer.get(f"/pekerjaan/{job.pk}/kemajuan/").status_code == 404

    province = signed_in(make_user("prov", "province", "52")).get("/pekerjaan/").content.decode()
    assert all(n in province for n in ("kabupaten.csv", "kecamatan.csv", "sebelah.csv"))
    assert "provinsi_lain.csv" not in province and "Padanan dan diagnosis" in province
    assert "Jalankan padanan" not in province  # no upload permission, no button

    nobody = Client()
    nobody.force_login(User.objects.create_user("nobody"))
    assert nobody.get("/pekerjaan/").status_code == 403


def test_the_report_needs_identifiers_in_the_scope_and_refusals_are_audited(
    make_user: MakeUser, home: Path, sources: Path
) -> None:
    analyst = signed_in(make_user("ana", "analyst", "52.05", edit="52.05"))
    _post(analyst, "pkh_2026.csv", _pkh_part(sources))
    run_worker()
    upload = Upload.objects.get()
    [import_id] = upload.summary["imports"]
    member = signed_in(make_user("tk", "tkpk", "52.05"))  # sees people, NIK masked
    page = member.get(f"/pekerjaan/{upload.pk}/").content.decode()
    assert "Unduh XLSX" not in page and "memuat NIK/KK" in page
    assert member.get(f"/pekerjaan/{upload.pk}/laporan/{import_id}/").status_code == 403
    entry = AuditEntry.objects.get(what="import_report")
    assert (entry.username, entry.action, entry.identifiers_shown) == ("tk", "denied", False)
    assert analyst.get(f"/pekerjaan/{upload.pk}/laporan/0000000000000000/").status_code == 404


def test_padanan_and_diagnosis_run_as_a_job(make_user: MakeUser, home: Path) -> None:
    client = signed_in(make_user("ana", "analyst", "52.05", edit="52.05"))
    before = latest_run_folder(DataHome(home), "diagnostics")
    response = client.post("/pekerjaan/padanan/")
    run = AnalysisRun.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/pekerjaan/padanan/{run.pk}/"
    assert client.post("/pekerjaan/padanan/").status_code == 403  # one at a time
    assert client.get("/pekerjaan/padanan/").status_code == 405

    run_worker()

    run.refresh_from_db()
    assert (run.status, run.progress) == (Status.DONE, 100)
    after = latest_run_folder(DataHome(home), "diagnostics")
    assert after is not None and after != before and after.name == run.summary["diagnosis_run"]
    assert run.summary["link_counts"]["persons"] > 0
    page = client.get(f"/pekerjaan/padanan/{run.pk}/kemajuan/").content.decode()
    assert "hx-get" not in page and run.summary["diagnosis_run"] in page


def test_the_job_page_follows_the_english_switch(make_user: MakeUser, home: Path) -> None:
    client = signed_in(make_user("ana", "analyst", "52.05", edit="52.05"))
    upload = Upload.objects.create(
        username="ana", scope="52.05", file_name="pkh.csv", status=Status.DONE, progress=100,
        message="Selesai",
        summary={
            "rows_read": 3, "accepted": 2, "quarantined": 1, "imports": ["ab"],
            "sheets": [{"sheet": None, "status": "imported", "message": "3 baris dibaca",
                        "message_en": "3 rows read", "import_id": "ab", "rows_read": 3,
                        "accepted": 2, "quarantined": 1,
                        "reasons": {"NIK_EMPTY": 1}, "report": None}],
        },
    )  # fmt: skip
    client.post("/i18n/setlang/", {"language": "en"})
    page = client.get(f"/pekerjaan/{upload.pk}/").content.decode()
    assert 'lang="en"' in page
    assert all(w in page for w in ("Progress", "done", "Done", "rows read", "Result per sheet"))
    assert "The NIK is empty" in page
    assert "3 rows read" in page and "3 baris dibaca" not in page  # the sheet's own message
    client.post("/i18n/setlang/", {"language": "id"})
    assert "3 baris dibaca" in client.get(f"/pekerjaan/{upload.pk}/").content.decode()
    client.post("/i18n/setlang/", {"language": "en"})
    assert "Upload and import" in client.get("/unggah/").content.decode()
