"""The English switch: every catalogue compiles and is complete, and pages follow the choice."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import polars as pl
import polib
from django.contrib.auth.models import User
from django.test import Client

from sinergi.web import registry
from sinergi.web.translations import WEB, catalogues, compile_catalogues

TRANSLATE_TAG = re.compile(r"""{%\s*translate\s+(["'])(.+?)\1""")


def test_every_catalogue_compiles_and_translates_every_entry(tmp_path: Path) -> None:
    found = catalogues()
    assert {po.parts[-5] for po in found} >= {"pages"}
    for po in found:
        entries = polib.pofile(str(po))
        untranslated = [e.msgid for e in entries if not e.translated()]
        assert not untranslated, f"{po}: {untranslated}"
    copy = tmp_path / "web" / "pages" / "locale" / "en" / "LC_MESSAGES"
    copy.mkdir(parents=True)
    (copy / "django.po").write_bytes((WEB / "pages/locale/en/LC_MESSAGES/django.po").read_bytes())
    assert compile_catalogues(tmp_path / "web") == [copy / "django.mo"]
    assert compile_catalogues(tmp_path / "web") == []  # up to date: nothing rewritten


def test_every_translated_template_string_has_an_english_entry() -> None:
    english = {e.msgid for po in catalogues() for e in polib.pofile(str(po)) if e.translated()}
    missing = {
        (template.name, match.group(2))
        for template in WEB.glob("*/templates/**/*.html")
        for match in TRANSLATE_TAG.finditer(template.read_text("utf-8"))
        if match.group(2) not in english
    }
    assert not missing


GETTEXT = {"_", "gettext", "gettext_lazy", "gettext_noop", "pgettext_lazy"}


def _gettext_literals(source: str) -> set[str]:
    """The string literals a module hands to gettext (the message of pgettext is its second)."""
    found = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) in GETTEXT:
            message = node.args[1 if node.func.id.startswith("p") else 0] if node.args else None
            if isinstance(message, ast.Constant) and isinstance(message.value, str):
                found.add(message.value)
    return found


def test_every_message_of_the_code_has_an_english_entry() -> None:
    english = {e.msgid for po in catalogues() for e in polib.pofile(str(po)) if e.translated()}
    missing = {
        (module.relative_to(WEB).as_posix(), message[:60])
        for module in WEB.rglob("*.py")
        for message in _gettext_literals(module.read_text("utf-8"))
        if message not in english
    }
    assert not missing


def test_pages_switch_to_english_and_back(make_user, desas: list[str]) -> None:
    user: User = make_user("rina", "analyst", "52.05")
    client = Client()
    client.force_login(user)
    indonesian = client.get("/wilayah/52.05/").content.decode()
    assert 'lang="id"' in indonesian and "keluarga miskin ekstrem" in indonesian
    switched = client.post("/i18n/setlang/", {"language": "en"}, HTTP_REFERER="/wilayah/52.05/")
    assert switched.status_code == 302 and switched["Location"] == "/wilayah/52.05/"
    english = client.get("/wilayah/52.05/").content.decode()
    assert 'lang="en"' in english
    assert "extremely poor families" in english and "Sign out" in english
    assert "keluarga miskin ekstrem" not in english
    client.post("/i18n/setlang/", {"language": "id"})
    assert "Keluar" in client.get("/wilayah/52.05/").content.decode()


def test_follow_up_reasons_follow_the_english_switch(make_user, desas: list[str]) -> None:
    client = Client()
    client.force_login(make_user("rina", "analyst", "52.05"))
    rows = registry.follow_up().collect()
    kinds = rows.filter(rows["kind"].is_in(["exclusion", "dokumen"]))
    both = kinds.group_by("area_code").agg(pl.col("kind").n_unique().alias("n"))
    desa = both.filter(pl.col("n") == 2).sort("area_code")["area_code"][0]
    url = f"/wilayah/{desa}/tindak-lanjut/"
    indonesian = client.get(url).content.decode()
    assert "tetapi belum menerima" in indonesian and "KK atau NIK anggota" in indonesian
    client.post("/i18n/setlang/", {"language": "en"})
    english = client.get(url).content.decode()
    assert "but not receiving it" in english and "KK or NIK is missing" in english
    assert "tetapi belum menerima" not in english and "KK atau NIK anggota" not in english
    hid = kinds.filter((kinds["area_code"] == desa) & (kinds["kind"] == "dokumen"))["hid"][0]
    family = client.get(f"/keluarga/{hid}/").content.decode()
    assert "KK or NIK is missing" in family and "KK atau NIK anggota" not in family
