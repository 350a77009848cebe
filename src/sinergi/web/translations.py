"""Compiles the site's translation catalogues (``.po``, kept in git) into the ``.mo`` Django reads.

The ``.mo`` files are build output, so they are never committed: the site
compiles any that are missing or older than their ``.po`` when it starts.
"""

from __future__ import annotations

import logging
import os
import tempfile
from pathlib import Path

import polib

log = logging.getLogger(__name__)
WEB = Path(__file__).parent


def catalogues(root: Path = WEB) -> list[Path]:
    """Every ``django.po`` of the site's apps."""
    return sorted(root.glob("*/locale/*/LC_MESSAGES/django.po"))


def compile_catalogues(root: Path = WEB) -> list[Path]:
    """Write the ``.mo`` beside each stale ``.po``; returns the files written."""
    written = []
    for po in catalogues(root):
        mo = po.with_suffix(".mo")
        if mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
            continue
        try:
            # Written aside and renamed: several server processes may start at once.
            handle, partial = tempfile.mkstemp(dir=mo.parent, suffix=".mo.partial")
            os.close(handle)
            polib.pofile(str(po)).save_as_mofile(partial)
            os.replace(partial, mo)
        except OSError as error:
            log.warning("cannot compile translations %s: %s", po, error)
            continue
        written.append(mo)
    return written
