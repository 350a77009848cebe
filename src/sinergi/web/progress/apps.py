"""Django app configuration of ``sinergi.web.progress``."""

from django.apps import AppConfig


class ProgressConfig(AppConfig):
    name = "sinergi.web.progress"
    label = "sinergi_progress"
    default_auto_field = "django.db.models.BigAutoField"
