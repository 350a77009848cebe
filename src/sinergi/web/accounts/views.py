"""A user's own API tokens: list, create (the token shown once), revoke."""

from __future__ import annotations

from datetime import timedelta

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from sinergi.web.accounts.models import ApiToken


class TokenForm(forms.Form):
    name = forms.CharField(
        label=_("Nama token"),
        max_length=100,
        help_text=_("Untuk apa token ini, mis. “skrip laporan bulanan”."),
    )
    days = forms.TypedChoiceField(
        label=_("Berlaku"),
        choices=[
            (30, _("30 hari")),
            (90, _("90 hari")),
            (365, _("1 tahun")),
            (0, _("tanpa batas waktu")),
        ],
        coerce=int,
        initial=90,
    )


@never_cache
@login_required
def api_tokens(request: HttpRequest) -> HttpResponse:
    """The user's tokens and a form for a new one; a new token's text is shown only here, once."""
    new_key = None
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        days = form.cleaned_data["days"]
        expires = timezone.now() + timedelta(days=days) if days else None
        _token, new_key = ApiToken.issue(request.user, form.cleaned_data["name"], expires)
        form = TokenForm()
    return render(
        request,
        "sinergi/accounts/api_tokens.html",
        {
            "form": form,
            "new_key": new_key,
            "tokens": ApiToken.objects.filter(user=request.user),
            "api_root": request.build_absolute_uri(reverse("api:api-root")),
        },
    )


@require_POST
@login_required
def api_token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)
    if token.revoked is None:
        token.revoked = timezone.now()
        token.save(update_fields=["revoked"])
    return redirect("api_tokens")
