"""Demo accounts, one per role, for the synthetic regency that `make demo` builds.

Their passwords are printed by `sinergi serve --demo-users` and written in the
README: they are for a local demonstration only, never for real data.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction

from sinergi.domain import wilayah
from sinergi.web.accounts.models import Assignment, Role


@dataclass(frozen=True)
class DemoAccount:
    username: str
    password: str
    role: str
    see_scope: str
    opd: str = ""


def demo_accounts(regency: str, desa: str) -> list[DemoAccount]:
    province = regency.split(".")[0]
    return [
        DemoAccount("admin", "demo-admin-2026", "admin", ""),
        DemoAccount("analis", "demo-analis-2026", "analyst", regency),
        DemoAccount("opd", "demo-opd-2026", "opd", regency, opd="Dinas Sosial"),
        DemoAccount("tkpk", "demo-tkpk-2026", "tkpk", regency),
        DemoAccount("desa", "demo-desa-2026", "village", desa),
        DemoAccount("provinsi", "demo-provinsi-2026", "province", province),
    ]


@transaction.atomic
def create_demo_users(regency: str, desa: str) -> list[DemoAccount]:
    """Create (or reset) the demo accounts and their assignments; returns them."""
    users = get_user_model()
    accounts = demo_accounts(regency, desa)
    for account in accounts:
        user, _ = users.objects.get_or_create(username=account.username)
        user.set_password(account.password)
        user.is_staff = user.is_superuser = account.role == "admin"
        user.save()
        Assignment.objects.filter(user=user).delete()
        scope = wilayah.find(account.see_scope) if account.see_scope else None
        Assignment.objects.create(
            user=user,
            role=Role.objects.get(code=account.role),
            see_scope=scope.code if scope else "",
            edit_scope=scope.code
            if scope and account.role in ("analyst", "opd", "village")
            else "",
            opd=account.opd,
        )
    return accounts
