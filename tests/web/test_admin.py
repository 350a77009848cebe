"""The admin site: only an active manage_users assignment (or a superuser) gets in; audited."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

from django.contrib.auth.models import User
from django.test import Client

from sinergi.web.accounts.models import Assignment, Role
from sinergi.web.audit.models import AuditEntry

MakeUser = Callable[..., User]


def _staff(user: User) -> Client:
    user.is_staff = True
    user.save()
    client = Client()
    client.force_login(user)
    return client


def test_staff_status_alone_does_not_open_the_admin(make_user: MakeUser) -> None:
    yesterday = date.today() - timedelta(days=1)
    ended = _staff(make_user("lama", "admin", "52.05", ends=yesterday))
    analyst = _staff(make_user("ana", "analyst", "52.05"))  # no manage_users
    for client in (ended, analyst):
        for url in ("/admin/", "/admin/sinergi_accounts/assignment/"):
            response = client.get(url)
            assert response.status_code == 302 and "/admin/login/" in response["Location"], url
    admin = _staff(make_user("adm", "admin", "52.05"))
    assert admin.get("/admin/").status_code == 200
    root = User.objects.create_superuser("root", password="pw-root")
    superuser = Client()
    superuser.force_login(root)
    assert superuser.get("/admin/").status_code == 200


def test_changes_to_assignments_and_roles_are_audited(
    make_user: MakeUser, desas: list[str]
) -> None:
    admin = _staff(make_user("adm", "admin", "52.05"))
    ops = make_user("ops", "village", desas[0])
    assignment = Assignment.objects.get(user=ops)
    url = f"/admin/sinergi_accounts/assignment/{assignment.pk}/change/"
    response = admin.post(
        url,
        {
            "user": ops.pk,
            "role": assignment.role.pk,
            "see_scope": desas[0],
            "edit_scope": desas[0],
            "opd": "",
            "starts": "",
            "ends": "",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    entry = AuditEntry.objects.get(username="adm", action="write", what="assignment")
    assert entry.area == desas[0]
    assert entry.filters["pengguna"] == "ops" and entry.filters["perubahan"] == "ubah"
    assert "edit_scope" in entry.filters["kolom"]
    role = Role.objects.get(code="tkpk")
    deleted = admin.post(
        f"/admin/sinergi_accounts/role/{role.pk}/delete/", {"post": "yes"}, follow=False
    )
    assert deleted.status_code == 302
    gone = AuditEntry.objects.get(username="adm", action="write", what="role")
    assert gone.filters["peran"] == "tkpk" and gone.filters["perubahan"] == "hapus"


def test_changes_to_users_are_audited_password_named_not_shown(make_user: MakeUser) -> None:
    admin = _staff(make_user("adm", "admin", "52.05"))
    ops = make_user("ops", "village", "52.05")
    changed = admin.post(
        f"/admin/auth/user/{ops.pk}/change/",
        {
            "username": "ops",
            "is_active": "on",
            "is_staff": "on",
            "date_joined_0": "2026-01-01",
            "date_joined_1": "00:00:00",
            "initial-date_joined_0": "2026-01-01",
            "initial-date_joined_1": "00:00:00",
        },
    )
    assert changed.status_code == 302, changed.context["adminform"].form.errors
    entry = AuditEntry.objects.get(username="adm", action="write", what="user")
    assert entry.filters["pengguna"] == "ops" and entry.filters["staf"] == "True"
    assert "is_staff" in entry.filters["kolom"]
    secret = "Sandi-baru-2026-panjang"
    renewed = admin.post(
        f"/admin/auth/user/{ops.pk}/password/",
        {"password1": secret, "password2": secret},
    )
    assert renewed.status_code == 302
    password = AuditEntry.objects.filter(username="adm", what="user").latest("pk")
    assert password.filters["kolom"] == "password"
    assert secret not in str(password.filters)
    ops.refresh_from_db()
    assert ops.check_password(secret)
