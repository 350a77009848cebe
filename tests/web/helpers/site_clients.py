"""Who a site test speaks as: a signed-in browser session or the bearer of an API token."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.test import Client

from sinergi.web.accounts.models import ApiToken


def signed_in(user: User) -> Client:
    """A client with ``user``'s session, as after signing in on the page."""
    client = Client()
    client.force_login(user)
    return client


def api_client(user: User) -> Client:
    """A client that sends a new API token of ``user`` on every request."""
    _token, key = ApiToken.issue(user, "tes")
    return Client(headers={"authorization": f"Bearer {key}"})
