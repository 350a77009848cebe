"""The pages of ``sinergi.web.coordination``."""

from django.urls import URLPattern, path, register_converter

from sinergi.web.coordination import views


class RecordId:
    """A record id: 1 to 18 digits, so no id in a URL overflows the database's bigint."""

    regex = "[0-9]{1,18}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int) -> str:
        return str(value)


register_converter(RecordId, "record")

urlpatterns: list[URLPattern] = [
    path("koordinasi/", views.start, name="coordination"),
    # Records by id first: their first segment is a word, never a wilayah code.
    path("koordinasi/sk/<record:pk>/ubah/", views.decree_edit, name="coordination_decree_edit"),
    path(
        "koordinasi/sk/<record:decree>/anggota/baru/",
        views.member_form,
        name="coordination_member_new",
    ),
    path(
        "koordinasi/sk/<record:decree>/pokja/baru/", views.group_form, name="coordination_group_new"
    ),
    path(
        "koordinasi/anggota/<record:pk>/ubah/", views.member_form, name="coordination_member_edit"
    ),
    path(
        "koordinasi/anggota/<record:pk>/hapus/",
        views.member_remove,
        name="coordination_member_remove",
    ),
    path("koordinasi/pokja/<record:pk>/ubah/", views.group_form, name="coordination_group_edit"),
    path(
        "koordinasi/pokja/<record:pk>/hapus/", views.group_remove, name="coordination_group_remove"
    ),
    path("koordinasi/agenda/<record:pk>/ubah/", views.agenda_form, name="coordination_agenda_edit"),
    path(
        "koordinasi/agenda/<record:pk>/hapus/",
        views.agenda_remove,
        name="coordination_agenda_remove",
    ),
    path("koordinasi/rakor/<record:pk>/", views.meeting, name="coordination_meeting"),
    path(
        "koordinasi/rakor/<record:pk>/ubah/", views.meeting_form, name="coordination_meeting_edit"
    ),
    path("koordinasi/rakor/<record:pk>/undangan/", views.invitee_add, name="coordination_invitee"),
    path(
        "koordinasi/undangan/<record:pk>/hapus/",
        views.invitee_remove,
        name="coordination_invitee_remove",
    ),
    path(
        "koordinasi/rakor/<record:pk>/kehadiran/", views.attendance, name="coordination_attendance"
    ),
    path("koordinasi/rakor/<record:pk>/notulen/", views.minutes, name="coordination_minutes"),
    path(
        "koordinasi/rakor/<record:pk>/bahan/", views.material_add, name="coordination_material_add"
    ),
    path("koordinasi/bahan/<record:pk>/", views.material, name="coordination_material"),
    path(
        "koordinasi/rakor/<record:pk>/keputusan/", views.decision_add, name="coordination_decision"
    ),
    path(
        "koordinasi/keputusan/<record:pk>/tindak-lanjut/",
        views.follow_up_add,
        name="coordination_follow_up_add",
    ),
    path("koordinasi/tindak-lanjut/<record:pk>/", views.follow_up, name="coordination_follow_up"),
    path(
        "koordinasi/tindak-lanjut/<record:pk>/ubah/",
        views.follow_up_edit,
        name="coordination_follow_up_edit",
    ),
    # An area's pages.
    path("koordinasi/<str:code>/", views.area, name="coordination_area"),
    path("koordinasi/<str:code>/keanggotaan/", views.membership, name="coordination_membership"),
    path("koordinasi/<str:code>/sk/baru/", views.decree_new, name="coordination_decree_new"),
    path("koordinasi/<str:code>/agenda/baru/", views.agenda_form, name="coordination_agenda_new"),
    path("koordinasi/<str:code>/rakor/baru/", views.meeting_form, name="coordination_meeting_new"),
    path(
        "koordinasi/<str:code>/kepatuhan/<int:year>/",
        views.compliance,
        name="coordination_compliance",
    ),
]
