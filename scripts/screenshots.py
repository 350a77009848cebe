"""Screenshots of each main page of a running Sinergi demo, for the README.

    python scripts/screenshots.py [--url http://127.0.0.1:8000] [--out docs/screenshots]

Signs in with the demo accounts (`sinergi serve --demo-users`, README) against a site
that is already running (`make demo`), drives Debian's chromium with Playwright, and
writes ``NN-name.png`` into ``--out``. Read-only: it submits no decision, finding or
upload; the language switch is a cookie of its own browser context. Each image is
1280 pixels wide, the whole page down to ``--max-height``, reduced to 256 colours
when Pillow is installed. Exits non-zero when the site cannot be reached or an
account cannot sign in.
"""

from __future__ import annotations

import argparse
import io
import sys
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from playwright.sync_api import Browser, FloatRect, Page, expect, sync_playwright

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"  # Debian's package; never a browser Playwright downloads
WIDTH, HEIGHT = 1280, 800
WAIT_MS = 60_000  # a 250,000-person demo takes a while to draw a regency


class Failure(Exception):
    """Something the person running the script must fix; printed without a traceback."""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", default="http://127.0.0.1:8000", help="the running demo site")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    parser.add_argument("--chromium", default=CHROMIUM, help="the chromium executable")
    parser.add_argument("--max-height", type=int, default=2000, help="pixels, for long pages")
    args = parser.parse_args(argv)
    url = args.url.rstrip("/")
    try:
        reachable(url)
        if not Path(args.chromium).exists():
            raise Failure(f"{args.chromium} tidak ada: pasang chromium (apt-get install chromium).")
        args.out.mkdir(parents=True, exist_ok=True)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=args.chromium)
            try:
                problems = Shots(browser, url, args.out, args.max_height).take()
            finally:
                browser.close()
    except Failure as failure:
        sys.stderr.write(f"screenshots: {failure}\n")
        return 1
    for problem in problems:
        sys.stderr.write(f"peringatan: {problem}\n")
    return 0


def reachable(url: str) -> None:
    try:
        with urllib.request.urlopen(f"{url}/masuk/", timeout=15) as answer:
            answer.read(1)
    except (urllib.error.URLError, OSError) as error:
        raise Failure(
            f"situs Sinergi tidak terjangkau di {url} ({error}). Jalankan dulu `make demo` "
            "atau `sinergi serve --home sinergi-data --demo-users`, lalu ulangi."
        ) from error


class Shots:
    def __init__(self, browser: Browser, url: str, out: Path, max_height: int) -> None:
        self.browser, self.url, self.out, self.max_height = browser, url, out, max_height
        self.problems: list[str] = []

    def take(self) -> list[str]:
        with self.signed_in(None) as page:
            self.shot(page, "/masuk/", "01-masuk.png")
        with self.signed_in("desa") as page:
            desa = area_code(page)
            if desa.count(".") != 3:
                raise Failure(f"akun demo 'desa' terikat pada {desa}, bukan sebuah desa.")
            self.shot(page, f"/wilayah/{desa}/tindak-lanjut/", "05-daftar-tindak-lanjut.png")
            family = page.locator("main table tbody a[href^='/keluarga/']").first
            self.shot(page, family.get_attribute("href") or "", "06-keluarga.png")
            # The mark form of the first family opened (a <details>, nothing is sent).
            first_form = page.locator("main details summary").first
            self.shot(page, "/verval/", "09-verval.png", prepare=first_form.click)
        with self.signed_in("analis") as page:
            regency = area_code(page)
            self.shot(page, f"/wilayah/{regency}/", "02-dasbor-kabupaten.png")
            self.shot(page, f"/wilayah/{desa[:8]}/", "03-kecamatan.png")
            self.shot(page, f"/wilayah/{desa}/", "04-desa.png")
            self.shot(page, "/padanan/tinjauan/", "07-tinjauan-padanan.png")
            pair = page.locator("main table").get_by_role("link", name="Tinjau").first
            self.shot(page, pair.get_attribute("href") or "", "08-pasangan.png")
            self.shot(page, "/unggah/", "10-unggah.png")
            self.shot(page, "/pekerjaan/", "11-pekerjaan.png")
            self.shot(page, "/api/docs", "13-api-docs.png", ready=".swagger-ui .info")
            # English is a cookie of this browser context only: nothing changes on the site.
            page.goto(f"/wilayah/{regency}/")
            english = page.locator("header").get_by_role("button", name="English")
            self.shot(page, "", "12-dasbor-english.png", act=english.click)
            expect(page.locator("html")).to_have_attribute("lang", "en")
        return self.problems

    @contextmanager
    def signed_in(self, username: str | None) -> Iterator[Page]:
        """A fresh browser context, signed in as the demo account ``username`` (or nobody)."""
        context = self.browser.new_context(
            base_url=self.url, viewport={"width": WIDTH, "height": HEIGHT}, locale="id-ID"
        )
        context.set_default_timeout(WAIT_MS)
        page = context.new_page()
        page.on("console", lambda m: self.note(page, m.text) if m.type == "error" else None)
        page.on("pageerror", lambda error: self.note(page, str(error)))
        try:
            if username:
                page.goto("/masuk/")
                page.locator("#id_username").fill(username)
                page.locator("#id_password").fill(f"demo-{username}-2026")
                with page.expect_navigation():
                    page.locator("main button[type=submit]").click()
                if "/masuk/" in page.url:
                    raise Failure(
                        f"tidak bisa masuk sebagai '{username}': jalankan situs dengan "
                        "`sinergi serve --demo-users` (README, akun demo)."
                    )
            yield page
        finally:
            context.close()

    def note(self, page: Page, text: str) -> None:
        self.problems.append(f"{page.url}: {text}")

    def shot(
        self,
        page: Page,
        path: str,
        name: str,
        *,
        act: Callable[[], object] | None = None,
        ready: str | None = None,
        prepare: Callable[[], object] | None = None,
    ) -> None:
        """Open ``path`` (or do ``act`` on the page), wait until it is drawn, save ``name``."""
        if act is not None:
            with page.expect_navigation():
                act()
        else:
            answer = page.goto(path)
            if answer is None or answer.status >= 400:
                status = answer.status if answer else "tanpa jawaban"
                raise Failure(f"{path} menjawab {status}.")
        if "/masuk/" in page.url and name != "01-masuk.png":
            raise Failure(f"{path} membuka halaman masuk: sesi berakhir?")
        if ready:
            expect(page.locator(ready).first).to_be_visible()
        # Every Plotly chart drawn by charts.js before the picture is taken.
        expect(page.locator(".chart:not(:has(.main-svg))")).to_have_count(0)
        page.wait_for_load_state("networkidle")
        if prepare is not None:
            prepare()
        height = page.evaluate("document.documentElement.scrollHeight")
        clip: FloatRect = {"x": 0, "y": 0, "width": WIDTH, "height": min(height, self.max_height)}
        image = page.screenshot(full_page=True, clip=clip, animations="disabled")
        target = self.out / name
        target.write_bytes(smaller(image))
        sys.stdout.write(f"{target}\n")
        sys.stdout.flush()


def area_code(page: Page) -> str:
    """The account's own area: where the site sends it after signing in (/wilayah/<code>/)."""
    page.goto("/")
    path = page.url.split("://", 1)[-1].split("/", 1)[-1]
    parts = path.strip("/").split("/")
    if len(parts) != 2 or parts[0] != "wilayah":
        raise Failure(f"setelah masuk, / membuka {page.url}, bukan dasbor sebuah wilayah.")
    return parts[1]


def smaller(png: bytes) -> bytes:
    """The PNG in 256 colours (a quarter of the bytes, same look for a web page)."""
    try:
        from PIL import Image
    except ImportError:  # Pillow is optional: keep Chromium's PNG as it is
        return png
    image = Image.open(io.BytesIO(png)).convert("RGB")
    reduced = image.quantize(colors=256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    buffer = io.BytesIO()
    reduced.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue() if buffer.tell() < len(png) else png


if __name__ == "__main__":
    sys.exit(main())
