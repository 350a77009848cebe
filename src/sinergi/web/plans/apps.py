"""Django app configuration of ``sinergi.web.plans``."""

from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "sinergi.web.plans"
    label = "sinergi_plans"
    default_auto_field = "django.db.models.BigAutoField"
