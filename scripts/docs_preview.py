"""The first pages of the latest generated documents as PNG images, for a person to look at.

    python scripts/docs_preview.py [--home sinergi-data] [--out DIR] [--pages 2]

Takes the newest folder of each kind under ``<home>/reports/dokumen/`` (written by
``make demo`` or ``sinergi report``), renders the first ``--pages`` pages of every
PDF in it with poppler's ``pdftoppm``, and writes ``<document>-<page>.png`` into
``--out``. Exits non-zero when there is no document with a PDF yet.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
from pathlib import Path

KINDS = ("rpkd", "rat", "lp2kd", "notulen")


def latest_folders(documents: Path) -> list[Path]:
    """The newest folder of each kind (folder names end in a sortable time stamp)."""
    found = []
    for kind in KINDS:
        folders = sorted(documents.glob(f"{kind}_*"), key=lambda p: p.name.rsplit("_", 1)[-1])
        if folders:
            found.append(folders[-1])
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--home", type=Path, default=Path("sinergi-data"))
    parser.add_argument("--out", type=Path, default=None)
    parser.add_argument("--pages", type=int, default=2)
    args = parser.parse_args()
    out: Path = args.out or args.home / "reports" / "pratinjau"
    if shutil.which("pdftoppm") is None:
        sys.stderr.write("pdftoppm tidak ada: pasang poppler-utils (make docs-preview).\n")
        return 2
    pdfs = [pdf for folder in latest_folders(args.home / "reports" / "dokumen")
            for pdf in sorted(folder.glob("*.pdf"))]  # fmt: skip
    if not pdfs:
        sys.stderr.write(
            f"Belum ada dokumen PDF di {args.home / 'reports' / 'dokumen'}: jalankan `make demo` "
            "atau `sinergi report ...` lebih dulu.\n"
        )
        return 1
    out.mkdir(parents=True, exist_ok=True)
    for old in out.glob("*.png"):  # pages of documents since replaced
        old.unlink()
    for pdf in pdfs:
        subprocess.run(
            ["pdftoppm", "-png", "-r", "70", "-f", "1", "-l", str(args.pages), str(pdf),
             str(out / pdf.stem)],
            check=True,
        )  # fmt: skip
    images = sorted(out.glob("*.png"))
    sys.stdout.write(f"{len(images)} halaman dari {len(pdfs)} dokumen di {out}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
