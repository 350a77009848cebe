"""Django app configuration of ``sinergi.web.coordination``."""

from django.apps import AppConfig


class CoordinationConfig(AppConfig):
    name = "sinergi.web.coordination"
    label = "sinergi_coordination"
    default_auto_field = "django.db.models.BigAutoField"
