"""The pages of ``sinergi.web.review``."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
