"""Documents in a real browser: the analyst asks for the year's RAT, watches the job, downloads it.

The page must report no console error, failed request or CSP violation (the
``page`` fixture checks); the file that comes down is the DOCX the run recorded.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from browsing import menu, sign_in
from django.contrib.auth.models import User
from django.utils import timezone
from docx import Document
from playwright.sync_api import Page, expect
from test_browser import run_worker

from sinergi.lake.home import file_sha256
from sinergi.web.documents.models import DocumentRun
from sinergi.web.plans.demo import seed_demo_plan

MakeUser = Callable[..., User]

# The live server and the worker must see what each other committed: no test transaction.
pytestmark = pytest.mark.django_db(transaction=True)


def test_analyst_makes_the_rat_and_downloads_it(
    page: Page, make_user: MakeUser, own_home: Path, tmp_path: Path
) -> None:
    year = timezone.localdate().year
    seed_demo_plan("52.05", year)
    make_user("ana", "analyst", "52.05", edit="52.05")

    sign_in(page, "ana")
    menu(page, "Dokumen")
    expect(page.get_by_label("Wilayah TKPK")).to_have_value("52.05")
    expect(page.get_by_label("Tahun")).to_have_value(str(year))
    page.get_by_label("Dokumen").select_option("rat")
    page.get_by_label("Sertakan PDF").uncheck()
    # As for uploads: the worker runs in this thread only between the browser's polls.
    page.route("**/kemajuan/", lambda route: route.continue_())
    page.get_by_role("button", name="Buat dokumen").click()

    expect(page).to_have_url(re.compile(r"/dokumen/\d+/$"))
    progress = page.locator("#kemajuan")
    expect(progress).to_contain_text("antri")
    with page.expect_response(lambda answer: answer.url.endswith("/kemajuan/")):
        pass

    run_worker()

    expect(progress).to_contain_text("selesai")
    name = f"RAT_5205_{year}.docx"
    with page.expect_download() as download:
        progress.get_by_role("link", name=name).click()
    saved = tmp_path / name
    download.value.save_as(saved)
    run = DocumentRun.objects.get()
    recorded = {f["name"]: f["sha256"] for f in run.files}
    assert file_sha256(saved) == recorded[name]
    headings = [p.text for p in Document(str(saved)).paragraphs if p.style.name == "Heading 1"]
    assert headings == [
        "I. Ringkasan Anggaran",
        "II. Matriks Rencana Aksi",
        "III. Target Indikator",
    ]
    assert run.username == "ana"
