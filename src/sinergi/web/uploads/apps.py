"""Django app configuration of ``sinergi.web.uploads``."""

from django.apps import AppConfig


class UploadsConfig(AppConfig):
    name = "sinergi.web.uploads"
    label = "sinergi_uploads"
    default_auto_field = "django.db.models.BigAutoField"
