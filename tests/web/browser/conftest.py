"""The browser tests' fixtures: Debian's chromium, a watched page per test, a writable home.

Chromium is never downloaded: the tests launch ``/usr/bin/chromium`` (Debian's
package; ``make test`` installs it) and fail, loudly, when it is missing. On every
page the browser must report no console error, no script error, no failed response
and no violation of the site's strict Content-Security-Policy.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from browsing import WAIT_MS
from playwright.sync_api import Browser, Page, Playwright, sync_playwright

from sinergi.web import registry

CHROMIUM = Path("/usr/bin/chromium")

# Reports every CSP violation to the console, where the page's problems are collected
# (Chromium logs most violations itself; this catches the ones it reports only as events).
REPORT_CSP = """
document.addEventListener("securitypolicyviolation", (event) => {
  const blocked = event.blockedURI || "inline";
  console.error(`CSP violation: ${event.violatedDirective} blocked ${blocked}`);
});
"""


@pytest.fixture(scope="module")
def _orm_beside_playwright() -> Iterator[None]:
    """Lets the test thread use the ORM while Playwright's event loop lives in it.

    Playwright's sync API keeps an asyncio event loop running in the test's own
    thread (greenlets switch in and out of it), so Django's async-safety check
    takes every ORM call here (users made, rows checked, the worker run) for a
    call from async code and raises SynchronousOnlyOperation. Nothing here is
    async: the ORM runs only while Playwright is idle. Set for this module only.
    """
    kept = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    yield
    if kept is None:
        del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = kept


@pytest.fixture(scope="module")
def browser(_orm_beside_playwright: None) -> Iterator[Browser]:
    """One chromium for the module: Debian's, never one Playwright downloads."""
    if not CHROMIUM.exists():
        pytest.fail(
            f"{CHROMIUM} is missing: install Debian's chromium (apt-get install chromium). "
            "The browser tests must run, never skip.",
            pytrace=False,
        )
    playwright: Playwright = sync_playwright().start()
    try:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM))
        yield launched
        launched.close()
    finally:
        playwright.stop()


@pytest.fixture(autouse=True)
def _orm_allowed(_orm_beside_playwright: None) -> None:
    """Every test here (and its fixtures, make_user included) after the switch above."""


@pytest.fixture
def problems() -> list[str]:
    """What went wrong on the pages of one test: console errors, script errors, bad responses."""
    return []


@pytest.fixture
def page(browser: Browser, live_server: Any, problems: list[str]) -> Iterator[Page]:
    """A fresh context (cookies, storage) per test, watched for problems on every page."""
    context = browser.new_context(
        base_url=live_server.url,
        viewport={"width": 1280, "height": 900},
        locale="id-ID",
        accept_downloads=True,
    )
    context.set_default_timeout(WAIT_MS)
    context.add_init_script(REPORT_CSP)
    tab = context.new_page()

    def console(message: Any) -> None:
        if message.type == "error":
            problems.append(f"console error on {tab.url}: {message.text}")

    def response(answer: Any) -> None:
        if answer.status >= 400:
            problems.append(f"HTTP {answer.status} for {answer.url}")

    tab.on("console", console)
    tab.on("pageerror", lambda error: problems.append(f"script error on {tab.url}: {error}"))
    tab.on("response", response)
    yield tab
    context.close()
    assert problems == [], "the browser reported problems:\n" + "\n".join(problems)


@pytest.fixture
def own_home(site_home: Path, tmp_path: Path, settings: Any) -> Path:
    """A copy of the data folder for a test that writes into it (decisions, imports)."""
    copy = tmp_path / "home"
    shutil.copytree(site_home, copy)
    settings.HOME = copy
    registry.clear_caches()
    return copy
