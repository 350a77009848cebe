"""The pages of ``sinergi.web.documents``: the request form, a run with its progress, its files."""

from django.urls import URLPattern, path

import sinergi.web.coordination.urls  # noqa: F401  registers the <record:> converter used here
from sinergi.web.documents import views

urlpatterns: list[URLPattern] = [
    path("dokumen/", views.documents, name="documents"),
    path("dokumen/<record:pk>/", views.document_run, name="document_run"),
    path(
        "dokumen/<record:pk>/kemajuan/", views.document_run_progress, name="document_run_progress"
    ),
    path("dokumen/<record:pk>/berkas/<str:name>/", views.document_file, name="document_file"),
]
