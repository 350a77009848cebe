"""The account pages: a user's own API tokens."""

from django.urls import URLPattern, path

from sinergi.web.accounts import views

urlpatterns: list[URLPattern] = [
    path("akun/token-api/", views.api_tokens, name="api_tokens"),
    path("akun/token-api/<int:pk>/cabut/", views.api_token_revoke, name="api_token_revoke"),
]
