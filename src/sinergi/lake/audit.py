"""Who may see NIK and KK in full from the command line, and the record of every run that did.

The data home's ``access.toml`` names the users allowed to reveal identifiers::

    [reveal_identifiers]
    users = ["analis.bappeda", "kabid.sosial"]

Every run that reveals them appends one line to ``audit/identifier_reveals.jsonl``
(who, when, why, which run and file, how many rows). ``user`` is the name the
person stated (``--user``), which anyone can type; ``os_user`` beside it is the
operating-system account that ran the command, so a reveal under a borrowed
name still shows who ran it. The file is only ever appended to; Sinergi never
rewrites it.
"""

from __future__ import annotations

import getpass
import json
import tomllib
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sinergi.errors import LakeError
from sinergi.lake.home import DataHome

ACCESS_FILE = "access.toml"
REVEALS = Path("audit") / "identifier_reveals.jsonl"


def authorise_reveal(home: DataHome, user: str, reason: str | None) -> None:
    """Refuse unless ``user`` is listed in ``access.toml`` and gave a reason.

    Raises:
        LakeError: ``REVEAL_NOT_ALLOWED`` or ``REVEAL_REASON_MISSING``.
    """
    if not (reason or "").strip():
        raise LakeError(
            'Menampilkan NIK dan KK penuh butuh alasan: tambahkan --reason "...".',
            english="Revealing identifiers needs a reason (--reason)",
            code="REVEAL_REASON_MISSING",
        )
    if user not in allowed_users(home):
        raise LakeError(
            f"Pengguna '{user}' tidak berwenang menampilkan NIK dan KK penuh. Minta administrator "
            f"menambahkan nama Anda di {home.root / ACCESS_FILE} bagian [reveal_identifiers].",
            english=f"User {user!r} may not reveal identifiers; see {home.root / ACCESS_FILE}",
            code="REVEAL_NOT_ALLOWED",
        )


def allowed_users(home: DataHome) -> set[str]:
    path = home.root / ACCESS_FILE
    if not path.exists():
        return set()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise LakeError(
            f"Berkas hak akses {path} tidak bisa dibaca: {error}.",
            english=f"Cannot read access file {path}: {error}",
            code="ACCESS_FILE_INVALID",
        ) from None
    users = data.get("reveal_identifiers", {}).get("users", [])
    return {str(u) for u in users} if isinstance(users, list) else set()


def record_reveal(home: DataHome, entry: dict[str, Any]) -> None:
    """Append one reveal to the audit file (``at`` and ``os_user`` are added)."""
    path = home.root / REVEALS
    path.parent.mkdir(parents=True, exist_ok=True)
    line = {"at": datetime.now(UTC).isoformat(timespec="seconds"), **entry, "os_user": os_user()}
    with path.open("a", encoding="utf-8") as handle:
        handle.write(json.dumps(line, ensure_ascii=False, default=str) + "\n")


def os_user() -> str | None:
    """The operating-system account running this process, whatever name was stated."""
    try:
        return getpass.getuser()
    except (OSError, KeyError):  # no login name and no passwd entry (some containers)
        return None


def reveals(home: DataHome) -> list[dict[str, Any]]:
    """Every recorded reveal, oldest first."""
    path = home.root / REVEALS
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
