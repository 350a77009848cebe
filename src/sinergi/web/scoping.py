"""The one door to person-level data: scope check, area filter, masking and the audit row.

Every page, export and API call that shows persons or families reads them
through :func:`read_people`. It refuses (and records the refusal) unless one of
the user's active assignments lets them see people in the area; it applies the
area filter itself, so no caller can forget it; it masks NIK and KK unless the
role in that area allows them; it refuses an unfiltered list above the desa
(search first: a name or a whole NIK/KK, or a single desa; a category filter
alone is not enough); and it writes one audit row with who, what, where, which
filter and how many rows. A NIK or KK searched for is recorded masked.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeAlias

import polars as pl
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _

from sinergi.domain.identity import mask_nik
from sinergi.web import registry
from sinergi.web.accounts.models import Assignment, covers
from sinergi.web.audit.models import AuditEntry

IDENTIFIER_COLUMNS = ("nik", "kk")
User: TypeAlias = AbstractBaseUser | AnonymousUser
# Filters that only narrow a list by category: above the desa they still leave whole
# regencies of people, so they never stand in for a search.
CATEGORY_FILTERS = frozenset({"jenis", "program"})
SEARCH_KEY = "cari"
NAME_MIN = 3  # fewer letters than this would match most of a regency
IDENTIFIER_DIGITS = 16  # a NIK or KK is searched whole, never by a prefix every NIK shares


class SearchFirst(PermissionDenied):
    """A person list above the desa without a search: refused (and audited) until there is one."""


def assignments(user: User) -> list[Assignment]:
    """The user's assignments active today."""
    if not user.is_authenticated:
        return []
    return list(Assignment.objects.active().filter(user=user).select_related("role"))


def may(user: User, permission: str, area: str) -> bool:
    """Whether an active assignment covering ``area`` grants ``permission``."""
    return _grants(assignments(user), permission, area)


def _grants(active: list[Assignment], permission: str, area: str) -> bool:
    return any(a.role.allows(permission) and covers(a.see_scope, area) for a in active)


def may_edit(user: User, permission: str, area: str) -> bool:
    """Whether an active assignment grants ``permission`` with an edit scope covering ``area``.

    Unlike the see scope, an empty edit scope means nowhere, not Indonesia.
    """
    return any(
        a.role.allows(permission) and a.edit_scope and covers(a.edit_scope, area)
        for a in assignments(user)
    )


def may_edit_for_opd(user: User, area: str, opd: str, *, own: str, every: str) -> bool:
    """Whether the user may edit what ``opd`` owns in ``area`` (a program line, a follow-up).

    ``every`` lets an assignment edit for any OPD; ``own`` only for the OPD the
    assignment is bound to. Either way its edit scope must cover ``area``.
    """
    return any(
        a.edit_scope
        and covers(a.edit_scope, area)
        and (a.role.allows(every) or (a.role.allows(own) and a.opd == opd))
        for a in assignments(user)
    )


def may_see_area(user: User, area: str) -> bool:
    """Aggregates of ``area`` are visible to anyone whose see scope covers it."""
    return any(covers(a.see_scope, area) for a in assignments(user))


def home_areas(user: User) -> list[str]:
    """The widest areas the user may see, one per assignment ("" = Indonesia)."""
    scopes = sorted({a.see_scope for a in assignments(user)}, key=len)
    return [s for s in scopes if not any(covers(o, s) and o != s for o in scopes)]


def read_people(
    user: User,
    frame: pl.LazyFrame,
    *,
    what: str,
    area: str,
    filters: Mapping[str, Any] | None = None,
    action: str = "read",
    search: str | None = None,
    offset: int = 0,
    limit: int | None = None,
) -> pl.DataFrame:
    """Rows of ``frame`` (a lake table with ``area_code``) in ``area``, for ``user``.

    Args:
        what: what is read, for the audit log (``desa_list``, ``family``, ...).
        area: the wilayah code the read is about; rows outside it are never returned.
        filters: the filters the caller applied to ``frame``, recorded as they are.
            Above the desa level a read needs a search, or a filter naming
            something specific (a family, a pair, a work queue, an annex): the
            category filters (``CATEGORY_FILTERS``) alone are not enough.
        action: ``read`` or ``export``.
        search: a name (at least ``NAME_MIN`` letters, matched within the head's
            or person's name) or a whole NIK/KK; applied here, recorded under
            ``cari`` in the audit filters (a NIK/KK masked).
        offset, limit: the page of the matching rows to return.

    Raises:
        PermissionDenied: no active assignment lets the user see people in
            ``area`` (or export there); ``SearchFirst`` for a list above a desa
            without a search, or a search too short to be one. Both are audited.
    """
    filters = dict(filters or {})
    term = search_term(search)
    if term:
        filters[SEARCH_KEY] = masked_term(term)
    active = assignments(user)  # one query for every check below
    needed = "export" if action == "export" else "see_people"
    if not (_grants(active, "see_people", area) and _grants(active, needed, area)):
        audit(user, "denied", what, area, filters)
        raise PermissionDenied(_("Anda tidak berwenang melihat data orang di wilayah ini."))
    if term and not valid_search(term):
        audit(user, "denied", what, area, filters)
        raise SearchFirst(
            _("Cari dengan sedikitnya %(letters)d huruf nama, atau %(digits)d angka NIK/KK.")
            % {"letters": NAME_MIN, "digits": IDENTIFIER_DIGITS}
        )
    specific = any(v for k, v in filters.items() if k not in CATEGORY_FILTERS)
    if _level(area) != "desa" and not specific:
        audit(user, "denied", what, area, filters)
        raise SearchFirst(_("Pilih satu desa atau cari dengan nama/NIK lebih dulu."))
    rows = frame.filter(registry.within(area))
    if term:
        rows = matching(rows, term)
    if offset:
        rows = rows.slice(offset)
    rows_read = (rows.head(limit) if limit else rows).collect()
    shown = _grants(active, "see_identifiers", area)
    if not shown:
        rows_read = rows_read.with_columns(
            pl.col(c).map_elements(mask_nik, return_dtype=pl.String)
            for c in IDENTIFIER_COLUMNS
            if c in rows_read.columns
        )
    audit(user, action, what, area, filters, rows=rows_read.height, shown=shown)
    return rows_read


def read_family(user: User, hid: str, *, what: str) -> tuple[str, pl.DataFrame]:
    """The area and members of family ``hid`` for ``user``, through :func:`read_people`.

    Raises:
        Http404: the family is unknown, or outside the user's area: a 403 would tell
            that the id exists elsewhere (the refusal is still audited as ``denied``).
    """
    code = registry.family_area(hid)
    if code is None:
        raise Http404(_("Keluarga tidak ditemukan."))
    try:
        members = read_people(
            user, registry.members(hid), what=what, area=code, filters={"hid": hid}
        )
    except PermissionDenied as refused:
        raise Http404(_("Keluarga tidak ditemukan.")) from refused
    return code, members


def search_term(text: str | None) -> str:
    """The search as matched: spaces collapsed; a NIK/KK typed with spaces or dots as digits."""
    term = " ".join((text or "").split())
    digits = term.replace(" ", "").replace(".", "").replace("-", "")
    return digits if digits.isdigit() else term


def valid_search(term: str) -> bool:
    """A whole NIK/KK, or a name of at least ``NAME_MIN`` letters."""
    if term.isdigit():
        return len(term) == IDENTIFIER_DIGITS
    return sum(ch.isalpha() for ch in term) >= NAME_MIN


def masked_term(term: str) -> str:
    """The search as the audit log keeps it: a NIK/KK never whole."""
    return mask_nik(term) if term.isdigit() else term


def matching(frame: pl.LazyFrame, term: str) -> pl.LazyFrame:
    """Rows of ``frame`` whose NIK or KK is ``term``, or whose name holds it (any case).

    The name is the head's on a follow-up list (``head_name``), else the person's.
    Matched on unmasked values, so a role that sees NIKs masked can still find one.
    """
    columns = frame.collect_schema().names()
    if term.isdigit():
        found = [pl.col(c) == term for c in IDENTIFIER_COLUMNS if c in columns]
    else:
        name = "head_name" if "head_name" in columns else "name"
        found = [pl.col(name).str.to_lowercase().str.contains(term.lower(), literal=True)]
    return frame.filter(pl.any_horizontal(found) if found else pl.lit(False))


def _level(area: str) -> str:
    return {2: "provinsi", 4: "kabupaten", 6: "kecamatan"}.get(len(area.replace(".", "")), "desa")


def audit(
    user: User,
    action: str,
    what: str,
    area: str,
    filters: Mapping[str, Any] | None = None,
    *,
    rows: int = 0,
    shown: bool = False,
) -> None:
    """Write one audit row: who, what (``read``, ``export``, ``denied``, ``write``...), where."""
    AuditEntry.objects.create(
        user=user if user.is_authenticated else None,
        username=user.get_username() if user.is_authenticated else "(anonim)",
        action=action,
        what=what,
        area=area[:13],  # the longest wilayah code; a crafted longer one is cut, not a 500
        filters={k: str(v) for k, v in (filters or {}).items() if v not in (None, "")},
        rows=rows,
        identifiers_shown=shown,
    )
