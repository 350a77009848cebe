"""The pages of ``sinergi.web.progress``."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
