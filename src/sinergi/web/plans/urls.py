"""The pages of ``sinergi.web.plans``."""

from django.urls import URLPattern, path

from sinergi.web.plans import transfer, views

PLAN = "rencana/<str:code>/<int:year>/"
LINE = PLAN + "baris/<str:key>/"

urlpatterns: list[URLPattern] = [
    path("rencana/", views.start, name="plans"),
    path("rencana/<str:code>/opd/", views.opds, name="plan_opds"),
    path(PLAN, views.plan_page, name="plan"),
    path(PLAN + "buat/", views.create, name="plan_create"),
    path(PLAN + "baris/baru/", views.line_form, name="plan_line_new"),
    path(LINE + "ubah/", views.line_form, name="plan_line_edit"),
    path(LINE + "hapus/", views.line_delete, name="plan_line_delete"),
    path(LINE + "realisasi/", views.realisation, name="plan_realisation"),
    path(PLAN + "versi/", views.versions, name="plan_versions"),
    path(PLAN + "versi/baru/", views.new_version, name="plan_new_version"),
    path(PLAN + "kunci/", views.lock, name="plan_lock"),
    path(PLAN + "xlsx/", transfer.export, name="plan_export"),
    path(PLAN + "impor/", transfer.import_page, name="plan_import"),
]
