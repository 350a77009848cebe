"""Django app configuration of ``sinergi.web.pages``."""

from django.apps import AppConfig


class PagesConfig(AppConfig):
    name = "sinergi.web.pages"
    label = "sinergi_pages"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from sinergi.web.translations import compile_catalogues

        compile_catalogues()
