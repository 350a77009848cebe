"""The action plan in a real browser: an OPD officer adds a line and reports its realisation.

On every page the browser must report no console error, no script error, no
failed response and no violation of the site's strict Content-Security-Policy
(the ``page`` fixture checks).
"""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from browsing import charts_drawn, sign_in
from django.contrib.auth.models import User
from django.utils import timezone
from playwright.sync_api import Page, expect

from sinergi.web.audit.models import AuditEntry
from sinergi.web.plans.models import Opd, Plan, PlanVersion, Realisation

MakeUser = Callable[..., User]

# The live server must see what the test committed: no test transaction.
pytestmark = pytest.mark.django_db(transaction=True)


def test_an_officer_adds_a_line_fills_semester_one_and_sees_it_against_the_plan(
    page: Page, make_user: MakeUser
) -> None:
    # given: this year's draft plan of Dompu, and an officer of Dinas Sosial
    year = timezone.localdate().year
    plan = Plan.objects.create(area_code="52.05", year=year)
    PlanVersion.objects.create(plan=plan, number=1)
    Opd.objects.create(area_code="52.05", name="Dinas Sosial", short_name="Dinsos")
    make_user("dinsos", "opd", "52.05", opd="Dinas Sosial", edit="52.05")

    # when: the officer opens the plan and adds a line of the OPD
    sign_in(page, "dinsos")
    page.goto("/rencana/")
    expect(page).to_have_url(re.compile(rf"/rencana/52\.05/{year}/$"))
    expect(page.locator("#status")).to_contain_text("Draf")
    page.get_by_role("link", name="Tambah baris program").click()
    expect(page.get_by_label("Perangkat daerah (OPD)")).to_have_value(str(Opd.objects.get().pk))
    page.get_by_label("Kode", exact=True).fill("1.06.05.2.03")
    page.get_by_label("Program", exact=True).fill("Program Perlindungan dan Jaminan Sosial")
    page.get_by_label("Kegiatan", exact=True).fill("Penyelenggaraan Jaminan Sosial")
    page.get_by_label("Sub kegiatan").fill("Bantuan langsung tunai daerah")
    page.get_by_label("Strategi Inpres 8/2025").select_option("1")
    page.get_by_label("Strategi Perpres 15/2010").select_option("1")
    page.get_by_label("Aktivitas").select_option("langsung")
    page.get_by_label("Alokasi anggaran (Rp)").fill("1800000000")
    page.get_by_label("Jumlah sasaran penerima manfaat").fill("1000")
    page.get_by_label("Satuan sasaran").fill("keluarga")
    page.get_by_label("Kode wilayah lokasi").fill("52.05.06")
    page.get_by_role("button", name="Simpan baris program").click()
    expect(page.get_by_role("status")).to_have_text("Baris program tersimpan.")
    line = plan.current.lines.get()
    row = page.locator(f"#b-{line.key}")
    expect(row).to_contain_text("Bantuan langsung tunai daerah")
    expect(row).to_contain_text("1.800.000.000")

    # and records its semester I realisation
    row.get_by_role("link", name="Realisasi").click()
    page.get_by_label("Semester").select_option("1")
    page.get_by_label("Anggaran terealisasi (Rp)").fill("720000000")
    page.get_by_label("Penerima manfaat terjangkau").fill("400")
    page.get_by_label("Catatan").fill("Tahap I disalurkan Juni")
    page.get_by_role("button", name="Simpan realisasi").click()
    expect(page.get_by_role("status")).to_have_text("Realisasi tersimpan.")
    expect(page.locator("main table").last).to_contain_text("Tahap I disalurkan Juni")

    # then: the plan shows it in the realisation-vs-plan summary and in the matrix
    page.get_by_role("link", name="Kembali ke rencana aksi").click()
    summary = page.locator("#realisasi-rencana")
    expect(summary).to_contain_text("1.800.000.000")
    expect(summary).to_contain_text("720.000.000")
    expect(summary).to_contain_text("40,0%")
    expect(summary.locator("tr", has_text="keluarga")).to_contain_text("400")
    expect(page.locator(f"#b-{line.key}")).to_contain_text("720.000.000")
    charts_drawn(page)
    assert Realisation.objects.get().reached == 400
    assert AuditEntry.objects.filter(username="dinsos", action="write").count() == 2
