"""The pages of ``sinergi.web.verval``."""

from django.urls import URLPattern, path

from sinergi.web.verval import views

urlpatterns: list[URLPattern] = [
    path("verval/", views.start, name="verval"),
    path("wilayah/<str:code>/verval/", views.desa, name="verval_desa"),
    path("wilayah/<str:code>/verval/usulan/", views.propose, name="verval_propose"),
    path("wilayah/<str:code>/verval/antrean/", views.queue, name="verval_queue"),
]
