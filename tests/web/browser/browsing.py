"""What a person does in the browser tests, step by step: sign in and out, use the menu."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

WAIT_MS = 20_000  # generous: plotly.min.js is 4 MB and CI machines are slow


def sign_in(page: Page, username: str) -> None:
    """Through the sign-in form, as a person would; ``make_user`` gave the password."""
    page.goto("/masuk/")
    expect(page).to_have_title(re.compile("^Masuk"))
    page.get_by_label("Nama pengguna").fill(username)
    page.get_by_label("Kata sandi").fill("pw-" + username)
    page.locator("main").get_by_role("button", name="Masuk").click()
    expect(page.locator("header .signout")).to_contain_text(username)


def sign_out(page: Page) -> None:
    page.locator("header").get_by_role("button", name="Keluar").click()
    expect(page).to_have_url(re.compile(r"/masuk/$"))


def charts_drawn(page: Page) -> None:
    """Every Plotly chart of the page drawn by charts.js (no inline script, CSP intact)."""
    charts = page.locator(".chart")
    expect(charts.first).to_be_attached()
    expect(page.locator(".chart:not(:has(.main-svg))")).to_have_count(0)
    assert charts.count() >= 1


def menu(page: Page, name: str) -> None:
    page.locator("nav.menu").get_by_role("link", name=name, exact=True).click()
