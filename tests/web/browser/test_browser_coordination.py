"""Coordination in a real browser: a rakor, its decision and a follow-up that its OPD completes.

The analyst plans a rakor held today, records who came and a decision with a
follow-up owned by Dinas Sosial; the Dinas Sosial officer signs in and reports it
done with evidence; the analyst sees it done. Every page must report no console
error, failed request or CSP violation (the ``page`` fixture checks).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta

import pytest
from browsing import sign_in, sign_out
from django.contrib.auth.models import User
from django.utils import timezone
from playwright.sync_api import Page, expect

from sinergi.web.coordination.models import FollowUp, Invitee, Meeting

MakeUser = Callable[..., User]

# The live server must see what the test committed: no test transaction.
pytestmark = pytest.mark.django_db(transaction=True)


def test_a_follow_up_goes_from_the_rakor_to_its_opd_and_back_done(
    page: Page, make_user: MakeUser
) -> None:
    make_user("ana", "analyst", "52.05", edit="52.05")
    make_user("dinsos", "opd", "52.05", opd="Dinas Sosial", edit="52.05")
    today = timezone.localdate()

    # The analyst plans a rakor held today.
    sign_in(page, "ana")
    page.goto("/koordinasi/")
    expect(page).to_have_url(re.compile(r"/koordinasi/52\.05/$"))
    expect(page.locator("#kepatuhan")).to_contain_text("0 dari minimal 3 rakor")
    page.get_by_role("link", name="Rakor baru").click()
    page.get_by_label("Judul rapat").fill("Rakor TKPK I")
    page.get_by_label("Tanggal").fill(today.isoformat())
    page.get_by_label("Pukul").fill("09:00")
    page.get_by_label("Tempat").fill("Ruang Rapat Bappeda")
    page.get_by_label("Status").select_option("terlaksana")
    page.get_by_role("button", name="Simpan").click()
    expect(page.get_by_role("status")).to_have_text("Rakor tersimpan.")
    meeting = Meeting.objects.get()
    expect(page).to_have_url(re.compile(rf"/koordinasi/rakor/{meeting.pk}/$"))

    # Who was invited, and who came.
    page.get_by_text("Tambah undangan", exact=True).first.click()
    page.get_by_label("Nama").fill("Nurhayati, S.Sos.")
    page.get_by_label("Instansi/jabatan").fill("Kepala Dinas Sosial")
    page.get_by_label("OPD (bila wakil OPD)").fill("Dinas Sosial")
    page.get_by_role("button", name="Tambah undangan").click()
    expect(page.get_by_role("status")).to_have_text("Undangan ditambahkan.")
    page.get_by_label("Nurhayati, S.Sos.").check()
    page.get_by_role("button", name="Simpan kehadiran").click()
    expect(page.get_by_role("status")).to_have_text("Kehadiran tersimpan.")
    expect(page.locator("#rincian")).to_contain_text("1 dari 1 undangan hadir")
    assert Invitee.objects.get().attended is True

    # A decision and its follow-up, owned by Dinas Sosial.
    page.get_by_text("Tambah keputusan", exact=True).click()
    page.get_by_label("Keputusan").fill("Verval keluarga desil 1–2 bersama desa.")
    page.get_by_role("button", name="Simpan keputusan").click()
    expect(page.get_by_role("status")).to_have_text("Keputusan tersimpan.")
    decision = page.locator("ol.decisions > li").first
    decision.get_by_text("Tambah tindak lanjut", exact=True).click()
    decision.get_by_label("Tindak lanjut").fill("Kirim rekap verval 81 desa ke sekretariat.")
    decision.get_by_label("OPD penanggung jawab").fill("Dinas Sosial")
    decision.get_by_label("Tenggat").fill((today + timedelta(days=30)).isoformat())
    decision.get_by_role("button", name="Simpan tindak lanjut").click()
    expect(page.get_by_role("status")).to_have_text("Tindak lanjut tersimpan.")
    expect(page.locator("ol.decisions")).to_contain_text("Belum dimulai")
    follow_up = FollowUp.objects.get()
    assert (follow_up.owner_opd, follow_up.status) == ("Dinas Sosial", "belum")
    sign_out(page)

    # The Dinas Sosial officer finds it and reports it done, with evidence.
    sign_in(page, "dinsos")
    page.goto("/koordinasi/")
    page.locator("#tindak-lanjut").get_by_role("link", name="Kirim rekap verval").click()
    expect(page).to_have_url(re.compile(rf"/koordinasi/tindak-lanjut/{follow_up.pk}/$"))
    page.get_by_label("Status").select_option("selesai")
    page.get_by_label("Bukti").fill("Surat Dinsos No. 460/112 dan rekap 81 desa")
    page.get_by_role("button", name="Simpan kemajuan").click()
    expect(page.get_by_role("status")).to_have_text("Kemajuan tindak lanjut tersimpan.")
    expect(page.locator("#status-sekarang")).to_contain_text("Selesai")
    expect(page.locator("#riwayat")).to_contain_text("dinsos")
    sign_out(page)

    # The analyst sees it done.
    sign_in(page, "ana")
    page.goto(f"/koordinasi/rakor/{meeting.pk}/")
    expect(page.locator("ol.decisions")).to_contain_text("Selesai")
    page.goto("/koordinasi/52.05/")
    expect(page.locator("#tindak-lanjut")).to_contain_text("Semua tindak lanjut sudah selesai.")
    expect(page.locator("#kepatuhan")).to_contain_text("1 dari minimal 3 rakor")
    done = FollowUp.objects.get()
    assert (done.status, done.evidence) == ("selesai", "Surat Dinsos No. 460/112 dan rekap 81 desa")
    # The day it was marked done, in Jakarta: the test may run across midnight.
    assert done.done_on in (today, timezone.localdate())
