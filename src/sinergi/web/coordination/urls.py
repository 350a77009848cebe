"""The pages of ``sinergi.web.coordination``."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
