"""The pages of ``sinergi.web.verval``."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
