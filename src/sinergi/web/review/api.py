"""The REST API routes of ``sinergi.web.review``."""

from ninja import Router

router = Router(tags=["review"])
