"""The documents pages: who may ask for a TKPK document, its run, and who may download its files."""

from __future__ import annotations

import hashlib
import shutil
from collections.abc import Callable, Iterator
from datetime import time
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from site_clients import signed_in

from sinergi.web.accounts.models import Assignment, Role
from sinergi.web.audit.models import AuditEntry
from sinergi.web.coordination.models import Meeting
from sinergi.web.documents import produce
from sinergi.web.documents.models import DocumentRun
from sinergi.web.uploads.models import Status

MakeUser = Callable[..., User]
REGENCY = "52.05"
OTHER_REGENCY = "52.04"
YEAR = timezone.localdate().year
NAMES_FILE = "LP2KD_5205_2026_nama_alamat.xlsx"


@pytest.fixture
def home(site_home: Path, tmp_path: Path, settings: Any) -> Iterator[Path]:
    """A copy of the site's data folder: documents written here never touch the shared one."""
    copy = tmp_path / "home"
    shutil.copytree(site_home, copy)
    settings.HOME = copy
    yield copy


@pytest.fixture
def compiler(make_user: MakeUser) -> User:
    """A user who may make documents and see people, but not export them."""
    role = Role.objects.create(
        code="penyusun",
        name="Penyusun dokumen",
        name_en="Writer",
        permissions=["see_people", "report"],
    )
    user = User.objects.create_user("dedi")
    Assignment.objects.create(user=user, role=role, see_scope=REGENCY)
    return user


def _analyst(make_user: MakeUser, name: str = "ana", area: str = REGENCY) -> User:
    return make_user(name, "analyst", area, edit=area)


def _request(**fields: str) -> dict[str, str]:
    return {"wilayah": REGENCY, "tahun": str(YEAR), "dokumen": "rat", "pdf": "", **fields}


def _meeting(day_of_year: int = 1, year: int = YEAR, area: str = REGENCY) -> Meeting:
    return Meeting.objects.create(
        area_code=area,
        date=timezone.localdate().replace(year=year, month=1, day=day_of_year),
        start_time=time(9),
        place="Ruang Rapat Bappeda",
        title=f"Rakor {day_of_year}",
        status="terlaksana",
        created_by_name="tes",
    )


def _finished_run(home: Path, files: dict[str, bytes], **fields: Any) -> DocumentRun:
    """A run as the worker leaves it, its files written under the data folder."""
    folder = fields.pop("folder", "reports/dokumen/x")
    (home / folder).mkdir(parents=True)
    for name, content in files.items():
        (home / folder / name).write_bytes(content)
    listed = [
        {"name": name, "bytes": len(content), "sha256": hashlib.sha256(content).hexdigest()}
        for name, content in files.items()
    ]
    values: dict[str, Any] = {
        "username": "ana", "scope": REGENCY, "kind": "lp2kd", "year": YEAR,
        "status": Status.DONE, "progress": 100, "folder": folder, "files": listed,
        "sources": {"diagnosis": "20260101T000000", "rencana": {"versi": 2}},
    }  # fmt: skip
    return DocumentRun.objects.create(**(values | fields))


def test_the_form_is_shown_to_an_analyst_and_refused_to_a_tkpk_member(
    make_user: MakeUser,
) -> None:
    """An analyst gets the form for their regency; a TKPK member, who has no report, a 403."""
    # given
    analyst = signed_in(_analyst(make_user))
    member = signed_in(make_user("tono", "tkpk", REGENCY))
    # when
    page = analyst.get("/dokumen/")
    refused = member.get("/dokumen/")
    # then
    assert page.status_code == 200
    html = page.content.decode()
    assert '<option value="52.05" selected>Kab. Dompu (52.05)</option>' in html
    assert f'name="tahun" value="{YEAR}"' in html
    assert '<option value="lp2kd">' in html and '<option value="notulen">' in html
    assert 'name="nama"' in html  # an analyst may export people: the annex is offered
    assert 'id="id_pdf" checked' in html
    assert refused.status_code == 403
    assert "Peran Anda tidak mengizinkan membuat dokumen TKPK." in refused.content.decode()


def test_a_province_analyst_chooses_the_province_or_one_of_its_regencies(
    make_user: MakeUser,
) -> None:
    """A province scope offers the province first, then each regency; never a kecamatan."""
    # given
    client = signed_in(make_user("pia", "analyst", "52"))
    # when
    html = client.get("/dokumen/").content.decode()
    # then
    assert '<option value="52" selected>' in html
    assert '<option value="52.05">Kab. Dompu (52.05)</option>' in html
    assert '<option value="52.72">Kota Bima (52.72)</option>' in html
    assert '<option value="52.05.01"' not in html


def test_an_analyst_of_a_kecamatan_has_no_tkpk_to_make_documents_for(
    make_user: MakeUser,
) -> None:
    response = signed_in(make_user("kiki", "analyst", "52.05.01")).get("/dokumen/")
    assert response.status_code == 403
    assert "wilayah Anda tidak mencakup satu pun" in response.content.decode()


def test_a_request_is_queued_made_and_its_files_listed_and_downloaded(
    make_user: MakeUser, home: Path
) -> None:
    """Posting creates a queued run and its task; made, the run lists its files to download."""
    # given
    client = signed_in(_analyst(make_user))
    meeting = _meeting(5)
    # when
    response = client.post("/dokumen/", _request(dokumen="notulen", rakor=str(meeting.pk)))
    # then
    run = DocumentRun.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/dokumen/{run.pk}/"
    assert (run.kind, run.scope, run.year, run.username, run.status) == (
        "notulen", REGENCY, YEAR, "ana", Status.QUEUED,
    )  # fmt: skip
    assert (run.meeting, run.pdf, run.names) == (meeting, False, False)
    queued = DBTaskResult.objects.get(id=run.task_result_id)
    assert queued.status == "READY" and queued.args_kwargs["args"] == [run.pk]
    page = client.get(f"/dokumen/{run.pk}/").content.decode()
    assert f'hx-get="/dokumen/{run.pk}/kemajuan/"' in page and 'hx-trigger="every 1s"' in page
    assert '<progress value="0" max="100">' in page and "/berkas/" not in page

    # when the worker makes it
    paths = produce.make(run)

    # then
    run.refresh_from_db()
    assert (run.status, run.progress, run.error) == (Status.DONE, 100, "")
    assert [p.name for p in paths] == [f["name"] for f in run.files]
    assert run.sources["rakor"] == [meeting.pk]
    done = client.get(f"/dokumen/{run.pk}/kemajuan/").content.decode()
    assert "hx-get" not in done and '<progress value="100" max="100">' in done
    for listed in run.files:
        assert f'href="/dokumen/{run.pk}/berkas/{listed["name"]}/"' in done
        assert listed["sha256"][:12] + "…" in done
    assert f'<th>rakor</th><td class="id">[{meeting.pk}]</td>' in done
    first = run.files[0]
    download = client.get(f"/dokumen/{run.pk}/berkas/{first['name']}/")
    assert download.status_code == 200
    assert download["Content-Disposition"] == f'attachment; filename="{first["name"]}"'
    assert hashlib.sha256(b"".join(download.streaming_content)).hexdigest() == first["sha256"]
    entry = AuditEntry.objects.get(what="document")
    assert (entry.action, entry.username, entry.area) == ("export", "ana", REGENCY)
    assert entry.filters == {"dokumen": "notulen", "tahun": str(YEAR), "berkas": first["name"]}


def test_the_run_page_shows_files_sizes_and_sources(make_user: MakeUser, home: Path) -> None:
    """Sizes are in the Indonesian number format, the SHA-256 shortened, the sources plain."""
    # given
    run = _finished_run(home, {"a.docx": b"x" * 12345})
    # when
    html = signed_in(_analyst(make_user)).get(f"/dokumen/{run.pk}/").content.decode()
    # then
    assert "<td>12.345</td>" in html
    assert hashlib.sha256(b"x" * 12345).hexdigest()[:12] + "…" in html
    assert '<th>diagnosis</th><td class="id">20260101T000000</td>' in html
    assert '<th>rencana</th><td class="id">{&quot;versi&quot;: 2}</td>' in html
    assert "Kab. Dompu" in html and "<td>ana</td>" in html


def test_a_notulen_names_one_rakor_of_the_area_and_year(make_user: MakeUser, home: Path) -> None:
    """The rakor choice lists the area's meetings of the year; one of another year is refused."""
    # given
    client = signed_in(_analyst(make_user))
    this_year, last_year = _meeting(5), _meeting(6, year=YEAR - 1)
    # when
    page = client.get("/dokumen/").content.decode()
    refused = client.post("/dokumen/", _request(dokumen="notulen", rakor=str(last_year.pk)))
    accepted = client.post("/dokumen/", _request(dokumen="notulen", rakor=str(this_year.pk)))
    # then
    assert f'<option value="{this_year.pk}">05-01-{YEAR} · Rakor 5</option>' in page
    assert f'value="{last_year.pk}"' not in page
    assert refused.status_code == 400
    assert "Rakor ini bukan rakor wilayah dan tahun yang dipilih." in refused.content.decode()
    run = DocumentRun.objects.get()
    assert accepted["Location"] == f"/dokumen/{run.pk}/"
    assert (run.kind, run.meeting) == ("notulen", this_year)
    last_years = client.get(f"/dokumen/?wilayah={REGENCY}&tahun={YEAR - 1}").content.decode()
    assert f'<option value="{last_year.pk}">06-01-{YEAR - 1} · Rakor 6</option>' in last_years


def test_a_rakor_is_ignored_for_a_yearly_document_and_names_only_go_with_lp2kd(
    make_user: MakeUser, home: Path
) -> None:
    # given
    client = signed_in(_analyst(make_user))
    meeting = _meeting(5)
    # when
    client.post("/dokumen/", _request(dokumen="rat", rakor=str(meeting.pk), nama="on"))
    client.post("/dokumen/", _request(dokumen="lp2kd", nama="on", pdf="on"))
    # then
    rat, lp2kd = DocumentRun.objects.order_by("pk")
    assert (rat.kind, rat.meeting, rat.names) == ("rat", None, False)
    assert (lp2kd.kind, lp2kd.names, lp2kd.pdf) == ("lp2kd", True, True)


def test_the_names_annex_is_not_offered_and_refused_without_export(
    compiler: User, home: Path
) -> None:
    """A role without export is not offered the annex; posting it anyway is a 403, audited."""
    # given
    client = signed_in(compiler)
    # when
    page = client.get("/dokumen/")
    response = client.post("/dokumen/", _request(dokumen="lp2kd", nama="on"))
    # then
    assert page.status_code == 200 and 'name="nama"' not in page.content.decode()
    assert response.status_code == 403
    assert "peran Anda tidak mengizinkan mengekspor data orang" in response.content.decode()
    assert not DocumentRun.objects.exists()
    entry = AuditEntry.objects.get()
    assert (entry.action, entry.what, entry.area, entry.username) == (
        "denied", "document", REGENCY, "dedi",
    )  # fmt: skip
    assert entry.filters == {"dokumen": "lp2kd", "tahun": str(YEAR), "lampiran": "nama_alamat"}
    invalid = client.post("/dokumen/", _request(dokumen="", nama="on"))
    assert invalid.status_code == 403  # refused whatever else the request got wrong
    assert AuditEntry.objects.filter(action="denied").count() == 2
    assert client.post("/dokumen/", _request(dokumen="lp2kd")).status_code == 302


def test_another_regencys_user_can_neither_see_nor_download_a_run(
    make_user: MakeUser, home: Path
) -> None:
    """Outside the see scope a run is a 404, like one that does not exist, and unlisted."""
    # given
    run = _finished_run(home, {"a.docx": b"abc"})
    client = signed_in(_analyst(make_user, "beni", OTHER_REGENCY))
    # when
    pages = [
        client.get(f"/dokumen/{run.pk}/"),
        client.get(f"/dokumen/{run.pk}/kemajuan/"),
        client.get(f"/dokumen/{run.pk}/berkas/a.docx/"),
        client.get(f"/dokumen/{run.pk + 1}/"),
    ]
    listing = client.get("/dokumen/").content.decode()
    # then
    assert [p.status_code for p in pages] == [404, 404, 404, 404]
    assert f"/dokumen/{run.pk}/" not in listing
    assert "Belum ada dokumen di wilayah Anda." in listing
    assert not AuditEntry.objects.exists()
    assert (
        f'href="/dokumen/{run.pk}/"'
        in signed_in(_analyst(make_user)).get("/dokumen/").content.decode()
    )


def test_only_a_role_that_may_export_people_downloads_the_names_file(
    make_user: MakeUser, compiler: User, home: Path
) -> None:
    """The names-and-addresses file needs see_people and export; each try is audited."""
    # given
    run = _finished_run(home, {"a.docx": b"abc", NAMES_FILE: b"PK names"}, names=True)
    writer, analyst = signed_in(compiler), signed_in(_analyst(make_user))
    # when
    page = writer.get(f"/dokumen/{run.pk}/").content.decode()
    refused = writer.get(f"/dokumen/{run.pk}/berkas/{NAMES_FILE}/")
    plain = writer.get(f"/dokumen/{run.pk}/berkas/a.docx/")
    allowed = analyst.get(f"/dokumen/{run.pk}/berkas/{NAMES_FILE}/")
    # then
    assert f"/berkas/{NAMES_FILE}/" not in page and "memuat nama dan alamat" in page
    assert refused.status_code == 403
    assert plain.status_code == 200 and b"".join(plain.streaming_content) == b"abc"
    assert allowed.status_code == 200 and b"".join(allowed.streaming_content) == b"PK names"
    rows = AuditEntry.objects.order_by("pk").values_list("username", "action", "filters")
    assert list(rows) == [
        ("dedi", "denied", {"dokumen": "lp2kd", "tahun": str(YEAR), "berkas": NAMES_FILE}),
        ("dedi", "export", {"dokumen": "lp2kd", "tahun": str(YEAR), "berkas": "a.docx"}),
        ("ana", "export", {"dokumen": "lp2kd", "tahun": str(YEAR), "berkas": NAMES_FILE}),
    ]


def test_an_annex_with_whole_niks_is_only_for_those_who_may_see_them(
    make_user: MakeUser, home: Path
) -> None:
    """An OPD officer may export people but not see NIK/KK: only a masked annex is theirs."""
    # given
    whole = _finished_run(
        home, {NAMES_FILE: b"PK whole"}, names=True, summary={"names_identifiers": True},
        folder="reports/dokumen/whole",
    )  # fmt: skip
    masked = _finished_run(
        home, {NAMES_FILE: b"PK masked"}, names=True, summary={"names_identifiers": False}
    )
    officer = signed_in(make_user("opd1", "opd", REGENCY, opd="dinsos"))
    # when
    page = officer.get(f"/dokumen/{whole.pk}/").content.decode()
    refused = officer.get(f"/dokumen/{whole.pk}/berkas/{NAMES_FILE}/")
    allowed = officer.get(f"/dokumen/{masked.pk}/berkas/{NAMES_FILE}/")
    # then
    assert f"/berkas/{NAMES_FILE}/" not in page
    assert refused.status_code == 403
    assert allowed.status_code == 200 and b"".join(allowed.streaming_content) == b"PK masked"
    rows = AuditEntry.objects.order_by("pk").values_list("action", "identifiers_shown")
    assert list(rows) == [("denied", False), ("export", False)]


def test_the_annex_records_whether_its_asker_may_see_identifiers(
    make_user: MakeUser, home: Path
) -> None:
    # given
    officer = make_user("opd2", "opd", REGENCY, opd="dinsos")
    analyst = _analyst(make_user)
    # when
    runs = [
        produce.create(user, user.get_username(), "lp2kd", REGENCY, YEAR, pdf=False, names=True)
        for user in (officer, analyst)
    ]
    for run in runs:
        produce.make(run)
    # then
    shown = [DocumentRun.objects.get(pk=run.pk).summary["names_identifiers"] for run in runs]
    assert shown == [False, True]


def test_a_file_the_run_does_not_list_or_an_unfinished_run_gives_404(
    make_user: MakeUser, home: Path
) -> None:
    # given
    done = _finished_run(home, {"a.docx": b"abc"})
    (home / done.folder / "other.docx").write_bytes(b"not listed")
    queued = DocumentRun.objects.create(
        username="ana", scope=REGENCY, kind="rat", year=YEAR, folder=done.folder, files=done.files
    )
    client = signed_in(_analyst(make_user))
    # when
    responses = [
        client.get(f"/dokumen/{done.pk}/berkas/other.docx/"),
        client.get(f"/dokumen/{done.pk}/berkas/..%2Fx%2Fa.docx/"),
        client.get(f"/dokumen/{queued.pk}/berkas/a.docx/"),
    ]
    # then
    assert [r.status_code for r in responses] == [404, 404, 404]
    assert not AuditEntry.objects.exists()


def test_the_documents_page_follows_the_english_switch(make_user: MakeUser) -> None:
    # given
    client = signed_in(_analyst(make_user))
    client.post("/i18n/setlang/", {"language": "en"})
    # when
    html = client.get("/dokumen/").content.decode()
    # then
    assert "TKPK documents" in html and "Make document" in html
    assert '<option value="rat">Annual Action Plan (RAT)</option>' in html
    assert "Buat dokumen" not in html
