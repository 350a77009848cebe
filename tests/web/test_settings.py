"""The site's settings read from the environment: clock, cookies and HSTS."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

SHOWN = "TIME_ZONE", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "SECURE_HSTS_SECONDS"


def _settings(tmp_path: Path, **env: str) -> dict[str, object]:
    """The settings as a fresh process reads them with ``env`` (and nothing else of ours)."""
    code = (
        "import json, sinergi.web.settings as s; "
        f"print(json.dumps({{k: getattr(s, k) for k in {SHOWN!r}}}))"
    )
    base = {"SINERGI_HOME": str(tmp_path), "SINERGI_SECRET_KEY": "tests", "PATH": "/usr/bin"}
    done = subprocess.run(
        [sys.executable, "-c", code], env=base | env, capture_output=True, text=True, check=True
    )
    shown: dict[str, object] = json.loads(done.stdout)
    return shown


def test_cookies_are_https_only_with_hsts_unless_plain_http_is_asked_for(tmp_path: Path) -> None:
    default = _settings(tmp_path)
    plain = _settings(tmp_path, SINERGI_INSECURE_COOKIES="1")
    assert default["SESSION_COOKIE_SECURE"] is default["CSRF_COOKIE_SECURE"] is True
    assert default["SECURE_HSTS_SECONDS"] == 365 * 24 * 3600
    assert plain["SESSION_COOKIE_SECURE"] is plain["CSRF_COOKIE_SECURE"] is False
    assert plain["SECURE_HSTS_SECONDS"] == 0


def test_the_clock_is_wib_unless_the_secretariat_names_its_own(tmp_path: Path) -> None:
    assert _settings(tmp_path)["TIME_ZONE"] == "Asia/Jakarta"
    assert _settings(tmp_path, SINERGI_TIME_ZONE="Asia/Makassar")["TIME_ZONE"] == "Asia/Makassar"
