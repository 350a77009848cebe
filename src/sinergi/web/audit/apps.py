"""Django app configuration of ``sinergi.web.audit``."""

from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "sinergi.web.audit"
    label = "sinergi_audit"
    default_auto_field = "django.db.models.BigAutoField"
