"""Django app configuration of ``sinergi.web.verval``."""

from django.apps import AppConfig


class VervalConfig(AppConfig):
    name = "sinergi.web.verval"
    label = "sinergi_verval"
    default_auto_field = "django.db.models.BigAutoField"
