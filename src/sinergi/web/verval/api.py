"""The REST API routes of ``sinergi.web.verval``."""

from ninja import Router

router = Router(tags=["verval"])
