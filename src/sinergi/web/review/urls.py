"""The pages of ``sinergi.web.review``: the padanan review queue and one pair."""

from django.urls import URLPattern, path

from sinergi.web.review import views

urlpatterns: list[URLPattern] = [
    path("padanan/tinjauan/", views.review_queue, name="review_queue"),
    path("padanan/tinjauan/<str:key_l>/<str:key_r>/", views.review_pair, name="review_pair"),
]
