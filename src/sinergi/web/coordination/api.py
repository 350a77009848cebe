"""The REST API of ``sinergi.web.coordination``."""

from ninja import Router

router = Router(tags=["coordination"])
