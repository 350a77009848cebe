"""The site's URLs."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from sinergi.web.api import api
from sinergi.web.pages import views
from sinergi.web.pages.plotly_css import plotly_stylesheet

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path(
        "masuk/",
        auth_views.LoginView.as_view(template_name="sinergi/login.html"),
        name="login",
    ),
    path("keluar/", auth_views.LogoutView.as_view(), name="logout"),
    path("wilayah/<str:code>/", views.area, name="area"),
    path("wilayah/<str:code>/tindak-lanjut/", views.desa_list, name="desa_list"),
    path(
        "wilayah/<str:code>/tindak-lanjut/xlsx/",
        views.desa_list_export,
        name="desa_list_export",
    ),
    path("keluarga/<str:hid>/", views.family, name="family"),
    path("grafik/plotly.css", plotly_stylesheet, name="plotly_css"),
    path("", include("sinergi.web.review.urls")),
    path("", include("sinergi.web.verval.urls")),
    path("", include("sinergi.web.uploads.urls")),
    path("", include("sinergi.web.plans.urls")),
    path("", include("sinergi.web.coordination.urls")),
    path("", include("sinergi.web.progress.urls")),
    path("", include("sinergi.web.documents.urls")),
    path("", include("sinergi.web.accounts.urls")),
    path("api/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]

# Unknown paths under /api/ answer JSON, as every API error does.
handler404 = "sinergi.web.pages.views.not_found"
