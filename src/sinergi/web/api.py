"""The REST API (django-ninja): the site's resources for scripts, same scoping and audit."""

from ninja import NinjaAPI

from sinergi.web.review.api import router as review_router
from sinergi.web.verval.api import router as verval_router

api = NinjaAPI(title="Sinergi API", version="1", urls_namespace="api")
api.add_router("/padanan", review_router)
api.add_router("/verval", verval_router)
