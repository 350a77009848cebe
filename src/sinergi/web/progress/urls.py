"""The pages of ``sinergi.web.progress``."""

from django.urls import URLPattern, path

from sinergi.web.progress import views

urlpatterns: list[URLPattern] = [
    path("capaian/", views.start, name="progress"),
    path("capaian/<str:code>/", views.scorecard_page, name="progress_area"),
    path("capaian/<str:code>/target/", views.target_page, name="progress_target"),
    path("capaian/<str:code>/cakupan/", views.coverage_page, name="progress_coverage"),
    path("capaian/<str:code>/cakupan/xlsx/", views.coverage_export, name="progress_coverage_xlsx"),
]
