"""The pages of ``sinergi.web.plans``."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
