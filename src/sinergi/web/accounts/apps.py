"""Django app configuration of ``sinergi.web.accounts``."""

from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "sinergi.web.accounts"
    label = "sinergi_accounts"
    default_auto_field = "django.db.models.BigAutoField"
