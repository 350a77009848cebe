"""What the review pages and the API share: who may review where, scoped reads, decisions."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import polars as pl
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from sinergi.domain import wilayah
from sinergi.pipeline.link import decisions
from sinergi.web import registry, scoping
from sinergi.web.review import queue

AREA_CODE = r"^[0-9]{2}(\.[0-9]{2}(\.[0-9]{2}(\.[0-9]{4})?)?)?$"
DECISIONS = ("sama", "beda")
NOTE_LIMIT = 1000
# The rows of the side-by-side table: label, field of a record, agreement column of the pair.
FIELDS = (
    (gettext_noop("Nama"), "name", "same_name"),
    ("NIK", "nik", "same_nik"),
    ("KK", "kk", "same_kk"),
    (gettext_noop("Jenis kelamin"), "sex", "same_sex"),
    (gettext_noop("Tanggal lahir"), "birth_date", "same_birth_date"),
    (gettext_noop("Desa"), "desa_name", "same_area_code"),
    (gettext_noop("Alamat"), "address", "same_address"),
    (gettext_noop("Sumber"), "source", "same_source"),
)


def is_area_code(text: str) -> bool:
    return re.fullmatch(AREA_CODE, text) is not None


def default_area(user: scoping.User) -> str | None:
    """The user's own (widest) area; for a nationwide user, the regency of the first pair."""
    homes = scoping.home_areas(user)
    if not homes:
        return None
    if homes[0]:
        return homes[0]
    first = _pending().select(pl.col("area_code").str.slice(0, 5)).head(1).collect()
    return str(first.item()) if first.height and is_area_code(str(first.item())) else None


def require_review(user: scoping.User, area: str, what: str) -> None:
    """Refuse, and record the refusal, unless the user may review pairs in ``area``."""
    if not scoping.may(user, "review", area):
        scoping.audit(user, "denied", what, area)
        raise PermissionDenied(_("Anda tidak berwenang meninjau padanan di wilayah ini."))


def require_decide(user: scoping.User, area: str) -> None:
    """Refuse, and record the refusal, unless the user's edit scope lets them decide in ``area``."""
    if not (scoping.may(user, "review", area) and scoping.may_edit(user, "review", area)):
        scoping.audit(user, "denied", "review_decision", area)
        raise PermissionDenied(_("Anda tidak berwenang memutuskan padanan di wilayah ini."))


def queue_page(
    user: scoping.User, area: str, offset: int, limit: int
) -> tuple[int, list[dict[str, Any]]]:
    """How many pairs wait in ``area``, and ``limit`` of them from ``offset``, read for ``user``."""
    require_review(user, area, "review_queue")
    pairs = _pending().filter(registry.within(area))
    total = int(pairs.select(pl.len()).collect().item())
    shown = pairs.slice(offset, limit).collect()
    rows = scoping.read_people(
        user,
        queue.sides(shown.lazy()),
        what="review_queue",
        area=area,
        filters={"status": "ditinjau", "offset": offset},
    )
    return total, [_named(pair) for pair in queue.side_by_side(shown, rows)]


def waiting_below(area: str) -> list[dict[str, Any]]:
    """Pending pairs per area one level below ``area`` (counts only, no person data)."""
    width = {2: 5, 5: 8, 8: 13}.get(len(area))
    if width is None:
        return []
    below = (
        _pending()
        .filter(pl.col("area_code").str.starts_with(area + "."))
        .group_by(pl.col("area_code").str.slice(0, width).alias("code"))
        .len()
        .sort("code")
        .collect()
    )
    return [
        {"code": code, "name": wilayah.name_or_code(code), "pairs": count}
        for code, count in below.iter_rows()
    ]


def pair(user: scoping.User, key_a: str, key_b: str) -> dict[str, Any]:
    """One pending pair with both records side by side, read for ``user``.

    Raises:
        Http404: no such pair waits for a decision.
        PermissionDenied: the user may not review where both records lie.
    """
    found = _find(key_a, key_b)
    area = str(found["area_code"].item())
    require_review(user, area, "review_pair")
    rows = scoping.read_people(
        user,
        queue.sides(found.lazy()),
        what="review_pair",
        area=area,
        filters={"status": "ditinjau", "pasangan": " ".join(found.select(queue.KEYS).row(0))},
    )
    joined = queue.side_by_side(found, rows)
    if not joined:
        raise PermissionDenied(_("Anda tidak berwenang meninjau padanan di wilayah ini."))
    shown = _named(joined[0])
    shown["fields"] = [
        {
            "label": _(label),
            "left": _text(shown["left"].get(field)),
            "right": _text(shown["right"].get(field)),
            "same": shown[same],
            "identifier": field in scoping.IDENTIFIER_COLUMNS,
        }
        for label, field, same in FIELDS
    ]
    shown["evidence"] = queue.evidence(shown)
    return shown


def pair_area(key_a: str, key_b: str) -> str:
    """The area of a pending pair (where both records lie); Http404 if no such pair waits."""
    return str(_find(key_a, key_b)["area_code"].item())


def decide(user: scoping.User, key_a: str, key_b: str, decision: str, note: str) -> dict[str, str]:
    """Record the user's decision on a pending pair (a new record; the latest one counts).

    Raises:
        Http404: no such pair waits for a decision.
        PermissionDenied: the user may not decide where both records lie.
        ValueError: an unknown decision or an empty note.
    """
    found = _find(key_a, key_b)
    require_decide(user, str(found["area_code"].item()))
    note = note.strip()
    if decision not in DECISIONS:
        raise ValueError(_("Pilih 'sama' atau 'beda'."))
    if not note:
        raise ValueError(_("Tuliskan alasan keputusan Anda."))
    if len(note) > NOTE_LIMIT:
        raise ValueError(_("Alasan terlalu panjang (paling banyak 1000 huruf)."))
    key_l, key_r = found.select(queue.KEYS).row(0)
    decisions.record(queue.home(), key_l, key_r, decision, user=user.get_username(), note=note)
    return {
        "record_key_l": key_l,
        "record_key_r": key_r,
        "decision": decision,
        "user": user.get_username(),
        "note": note,
    }


def next_pair(area: str, key_a: str, key_b: str) -> tuple[str, str] | None:
    """The pending pair of ``area`` after this one (keys only), wrapping round; None if none.

    Called before a decision is recorded, while this pair still holds its place.
    """
    keys = _pending().filter(registry.within(area)).select(queue.KEYS).collect().rows()
    here = {(key_a, key_b), (key_b, key_a)}
    at = next((i for i, k in enumerate(keys) if k in here), -1)
    for candidate in [*keys[at + 1 :], *keys[: max(at, 0)]]:
        if candidate not in here:
            return candidate
    return None


def _pending() -> pl.LazyFrame:
    try:
        return queue.pending()
    except registry.NoDiagnosis as missing:
        raise Http404(_("Belum ada hasil padanan (`sinergi link`) di folder data.")) from missing


def _find(key_a: str, key_b: str) -> pl.DataFrame:
    try:
        found = queue.find(key_a, key_b)
    except registry.NoDiagnosis as missing:
        raise Http404(_("Belum ada hasil padanan (`sinergi link`) di folder data.")) from missing
    if not found.height:
        raise Http404(_("Pasangan ini tidak ada di antrean atau sudah diputuskan."))
    return found


def _named(pair: dict[str, Any]) -> dict[str, Any]:
    for side in ("left", "right"):
        desa = pair[side].get("desa")
        pair[side]["desa_name"] = wilayah.name_or_code(desa) if desa else None
    pair["area_name"] = wilayah.name_or_code(pair["area_code"]) if pair["area_code"] else "-"
    return pair


def _text(value: object) -> str:
    if value is None or value == "":
        return "-"
    if isinstance(value, date):
        return date_format(value, "j F Y")
    return str(value)
