"""The REST API of ``sinergi.web.plans``."""

from ninja import Router

router = Router(tags=["plans"])
