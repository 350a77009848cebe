"""Django app configuration of ``sinergi.web.documents``."""

from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "sinergi.web.documents"
    label = "sinergi_documents"
    default_auto_field = "django.db.models.BigAutoField"
