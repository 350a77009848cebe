"""The REST API of ``sinergi.web.progress``."""

from ninja import Router

router = Router(tags=["progress"])
