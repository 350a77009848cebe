"""Django app configuration of ``sinergi.web.pages``."""

from django.apps import AppConfig


class PagesConfig(AppConfig):
    name = "sinergi.web.pages"
    label = "sinergi_pages"
    default_auto_field = "django.db.models.BigAutoField"
