"""The pages of ``sinergi.web.uploads``: uploading, the job list, a job and its report."""

from django.urls import URLPattern, path

from sinergi.web.uploads import views

urlpatterns: list[URLPattern] = [
    path("unggah/", views.uploads, name="uploads"),
    path("pekerjaan/", views.jobs, name="jobs"),
    path("pekerjaan/<int:pk>/", views.job, name="job"),
    path("pekerjaan/<int:pk>/kemajuan/", views.job_progress, name="job_progress"),
    path("pekerjaan/<int:pk>/laporan/<slug:import_id>/", views.job_report, name="job_report"),
    path("pekerjaan/padanan/", views.analysis_start, name="analysis_start"),
    path("pekerjaan/padanan/<int:pk>/", views.analysis, name="analysis"),
    path("pekerjaan/padanan/<int:pk>/kemajuan/", views.analysis_progress, name="analysis_progress"),
]
