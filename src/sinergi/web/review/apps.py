"""Django app configuration of ``sinergi.web.review``."""

from django.apps import AppConfig


class ReviewConfig(AppConfig):
    name = "sinergi.web.review"
    label = "sinergi_review"
    default_auto_field = "django.db.models.BigAutoField"
