"""The pages of ``sinergi.web.uploads``."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
