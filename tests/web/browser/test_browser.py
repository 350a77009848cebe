"""The site in a real browser: Playwright drives Debian's chromium through whole user journeys.

Each test is one person's errand in the Indonesian UI, against pytest-django's
``live_server``: sign in and drill down to a desa and export its list; review a
padanan pair; verval a family from the desa to the secretariat; upload a file and
watch its job finish; switch to English and back. On every page the browser must
report no console error, no script error, no failed response and no violation of
the site's strict Content-Security-Policy.

Chromium is Debian's (see ``conftest.py``); the steps are in ``browsing.py``.
"""

from __future__ import annotations

import re
import signal
from collections.abc import Callable
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from browsing import charts_drawn, menu, sign_in, sign_out
from django.contrib.auth.models import User
from django.core.management import call_command
from playwright.sync_api import Page, expect
from python_calamine import CalamineWorkbook

from sinergi.lake.home import DataHome
from sinergi.pipeline.link import decisions
from sinergi.synth.build import SynthResult
from sinergi.web import registry
from sinergi.web.audit.models import AuditEntry
from sinergi.web.uploads.models import Status, Upload
from sinergi.web.verval.models import Decision, Finding

MakeUser = Callable[..., User]

# The live server and the worker must see what each other committed: no test transaction.
pytestmark = pytest.mark.django_db(transaction=True)


def test_analyst_signs_in_drills_down_to_a_desa_and_exports_its_list(
    page: Page, make_user: MakeUser, desas: list[str], problems: list[str], tmp_path: Path
) -> None:
    make_user("ana", "analyst", "52.05", edit="52.05")
    desa = desas[0]
    kecamatan = desa[:8]

    page.goto("/")  # not signed in: the sign-in page, which comes back here after
    expect(page).to_have_url(re.compile(r"/masuk/\?next=/$"))
    sign_in(page, "ana")
    expect(page).to_have_url(re.compile(r"/wilayah/52\.05/$"))
    expect(page.locator("h1")).to_contain_text("52.05")
    expect(page.locator(".tiles")).to_contain_text("keluarga miskin ekstrem")
    charts_drawn(page)
    answer = page.request.get("/wilayah/52.05/")
    assert "default-src 'self'" in answer.headers["content-security-policy"]

    # Down the areas by their links: the regency's table, then the kecamatan's.
    page.locator(f'table a[href="/wilayah/{kecamatan}/"]').click()
    expect(page).to_have_url(re.compile(rf"/wilayah/{re.escape(kecamatan)}/$"))
    expect(page.locator("h1 small")).to_contain_text(kecamatan)
    charts_drawn(page)
    page.locator(f'table a[href="/wilayah/{desa}/"]').click()
    expect(page).to_have_url(re.compile(rf"/wilayah/{re.escape(desa)}/$"))
    expect(page.locator("h1 small")).to_contain_text(desa)
    charts_drawn(page)

    page.get_by_role("link", name="Daftar tindak lanjut desa ini").click()
    expect(page).to_have_url(re.compile(rf"/wilayah/{re.escape(desa)}/tindak-lanjut/$"))
    expect(page.locator("h1")).to_contain_text("Daftar tindak lanjut")

    page.get_by_label("Jenis").select_option("exclusion")
    page.get_by_role("button", name="Saring").click()
    expect(page).to_have_url(re.compile(r"\?jenis=exclusion&program=$"))
    rows = registry.follow_up("exclusion").collect().filter(pl.col("area_code") == desa)
    assert 0 < rows.height < 2000, "the desa has families eligible but not served"
    expect(page.locator("main table tbody tr")).to_have_count(rows.height)

    with page.expect_download() as started:
        page.get_by_role("link", name="Unduh XLSX").click()
    download = started.value
    assert download.suggested_filename == f"tindak_lanjut_{desa}.xlsx"
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    assert saved.read_bytes().startswith(b"PK")
    sheet = CalamineWorkbook.from_path(str(saved)).get_sheet_by_name("Tindak lanjut").to_python()
    assert desa in str(sheet[0][0])  # the title names the desa
    header, body = sheet[1], sheet[2:]
    hids = [row[header.index("ID keluarga")] for row in body]
    reasons = {row[header.index("Alasan")] for row in body}
    assert len(body) == rows.height and sorted(hids) == sorted(rows["hid"])
    assert reasons <= set(rows["reason"])
    areas = pl.read_parquet(registry.run_folder() / "families.parquet").filter(
        pl.col("hid").is_in(hids)
    )
    assert set(areas["area_code"]) == {desa}  # only that desa's families
    entry = AuditEntry.objects.get(username="ana", action="export", what="desa_list")
    assert (entry.area, entry.rows, entry.filters["jenis"]) == (desa, rows.height, "exclusion")


def test_analyst_reviews_a_padanan_pair_and_the_decision_is_stored(
    page: Page, make_user: MakeUser, own_home: Path, settings: Any
) -> None:
    make_user("ana", "analyst", "52.05", edit="52.05")
    sign_in(page, "ana")
    menu(page, "Tinjauan padanan")
    expect(page).to_have_url(re.compile(r"/padanan/tinjauan/$"))
    expect(page.locator("h1")).to_contain_text("Tinjauan padanan")
    page.locator("main table").get_by_role("link", name="Tinjau").first.click()
    expect(page.locator("h1")).to_have_text("Mungkinkah ini orang yang sama?")
    first_url = page.url
    keys = page.locator("tr", has_text="Kunci catatan").locator("td.id")
    pair = (keys.nth(0).inner_text(), keys.nth(1).inner_text())
    note = "NIK sama, nama salah ketik"

    page.get_by_label("Alasan (wajib untuk sama atau berbeda)").fill(note)
    page.get_by_role("button", name="Orang yang sama").click()
    expect(page).not_to_have_url(first_url)  # on to the next pair of the queue
    expect(page).to_have_url(re.compile(r"/padanan/tinjauan/[^/]+/[^/]+/\?wilayah=52\.05$"))
    expect(page.locator("h1")).to_have_text("Mungkinkah ini orang yang sama?")
    following = page.locator("tr", has_text="Kunci catatan").locator("td.id")
    assert (following.nth(0).inner_text(), following.nth(1).inner_text()) != pair

    stored = decisions.load(DataHome.resolve(settings.HOME))
    assert stored.height == 1
    row = stored.row(0, named=True)
    assert (row["record_key_l"], row["record_key_r"]) == tuple(sorted(pair))
    assert (row["decision"], row["user"], row["note"]) == ("sama", "ana", note)


def test_village_operator_marks_a_family_and_the_analyst_approves_it(
    page: Page, make_user: MakeUser, desas: list[str]
) -> None:
    desa = desas[0]
    follow_up = registry.follow_up().collect().filter(pl.col("area_code") == desa)
    hid = sorted(follow_up["hid"])[0]
    make_user("ops", "village", desa, edit=desa)
    make_user("ana", "analyst", "52.05", edit="52.05")

    sign_in(page, "ops")
    menu(page, "Verval")
    expect(page).to_have_url(re.compile(rf"/wilayah/{re.escape(desa)}/verval/$"))
    family = page.locator(f"#k-{hid}")
    expect(family).to_contain_text("belum")
    family.get_by_text("Tandai", exact=True).click()
    family.get_by_label("Temuan").select_option("tidak_layak")
    family.get_by_label("Alasan").select_option("pindah")
    family.get_by_label("Catatan").fill("Pindah ke Bima, 2025")
    family.get_by_role("button", name="Simpan temuan").click()
    expect(page.get_by_role("status")).to_have_text("Temuan tersimpan dan menunggu persetujuan.")
    expect(page.locator(f"#k-{hid}")).to_contain_text("Tidak layak · Pindah domisili")
    expect(page.locator(f"#k-{hid}")).to_contain_text("Diajukan")
    finding = Finding.objects.get()
    assert (finding.hid, finding.outcome, finding.reason, finding.status) == (
        hid, "tidak_layak", "pindah", "diajukan",
    )  # fmt: skip
    sign_out(page)

    sign_in(page, "ana")
    menu(page, "Verval")
    expect(page).to_have_url(re.compile(r"/wilayah/52\.05/verval/antrean/$"))
    submitted = page.locator(f"#t-{finding.pk}")
    expect(submitted).to_contain_text("Pindah domisili")
    expect(submitted).to_contain_text("Pindah ke Bima, 2025")
    submitted.get_by_label("Catatan keputusan").fill("Sesuai berita acara")
    submitted.get_by_role("button", name="Setujui").click()
    expect(page.get_by_role("status")).to_be_visible()
    expect(page.locator("main table")).to_contain_text("Tidak ada temuan yang menunggu keputusan.")
    decision = Decision.objects.get()
    assert (decision.finding_id, decision.approved, decision.by_name) == (finding.pk, True, "ana")
    assert Finding.objects.get().status == "disetujui"

    page.goto(f"/wilayah/{desa}/verval/")
    expect(page.locator(f"#k-{hid}")).to_contain_text("Disetujui")
    expect(page.locator("main")).to_contain_text("Sesuai berita acara")


def run_worker() -> None:
    """What `manage.py db_worker --batch` does, in this thread; its signal handlers undone."""
    kept = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)}
    try:
        call_command(
            "db_worker", "--batch", "--no-startup-delay", "--interval=0", "--no-reload",
            verbosity=0,
        )  # fmt: skip
    finally:
        for number, handler in kept.items():
            signal.signal(number, handler)


def test_analyst_uploads_a_file_and_watches_the_job_finish(
    page: Page, make_user: MakeUser, own_home: Path, small_regency: SynthResult, tmp_path: Path
) -> None:
    # The first rows of the regency's PKH list: a real file the data folder has not seen.
    lines = (small_regency.out / "sources" / "programs" / "pkh_2026.csv").read_bytes()
    part = tmp_path / "pkh_2026.csv"
    part.write_bytes(b"".join(lines.splitlines(keepends=True)[:40]))
    make_user("ana", "analyst", "52.05", edit="52.05")

    sign_in(page, "ana")
    menu(page, "Unggah data")
    expect(page.locator("h1")).to_have_text("Unggah data")
    expect(page.get_by_label("Wilayah impor (kode Kemendagri)")).to_have_value("52.05")
    page.get_by_label("Berkas (CSV, TSV, TXT atau XLSX)").set_input_files(part)
    # The progress polls wait in the browser while the worker runs in this thread: with
    # SQLite the live server shares this thread's connection, so the two must not overlap.
    # Playwright answers a routed request only when this thread calls into it again.
    page.route("**/kemajuan/", lambda route: route.continue_())
    page.get_by_role("button", name="Unggah dan impor").click()

    expect(page).to_have_url(re.compile(r"/pekerjaan/\d+/$"))
    upload = Upload.objects.get()
    progress = page.locator("#kemajuan")
    expect(progress).to_contain_text("antri")
    expect(progress.locator("progress")).to_have_attribute("value", "0")
    page.evaluate("window.sinergiSamePage = true")  # gone if the page were loaded again
    with page.expect_response(lambda answer: answer.url.endswith("/kemajuan/")):
        pass  # a poll came back: the next one is a second away and will wait for the worker

    run_worker()

    expect(progress).to_contain_text("selesai")
    expect(progress.locator("progress")).to_have_attribute("value", "100")
    expect(progress).to_contain_text("baris dibaca")
    expect(progress.locator(".tile").first).to_contain_text("39")
    expect(progress.get_by_role("link", name="Unduh XLSX")).to_be_visible()
    assert page.evaluate("window.sinergiSamePage") is True  # HTMX swapped it in, no reload
    upload.refresh_from_db()
    assert (upload.status, upload.progress, upload.summary["rows_read"]) == (Status.DONE, 100, 39)
    assert page.url.endswith(f"/pekerjaan/{upload.pk}/")


def test_the_english_switch_and_back(page: Page, make_user: MakeUser) -> None:
    make_user("ana", "analyst", "52.05", edit="52.05")
    sign_in(page, "ana")
    expect(page.locator("html")).to_have_attribute("lang", "id")
    page.locator("header").get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page).to_have_url(re.compile(r"/wilayah/52\.05/$"))
    expect(page.locator("header .tagline")).to_have_text("Integrated data for poverty reduction")
    expect(page.locator(".tiles")).to_contain_text("extremely poor families")
    expect(page.locator("nav.menu")).to_contain_text("My area")
    charts_drawn(page)

    page.locator("header").get_by_role("button", name="Bahasa Indonesia").click()
    expect(page.locator("html")).to_have_attribute("lang", "id")
    expect(page.locator("header .tagline")).to_have_text("Data terpadu penanggulangan kemiskinan")
    expect(page.locator(".tiles")).to_contain_text("keluarga miskin ekstrem")
    expect(page.locator("nav.menu")).to_contain_text("Wilayah saya")
