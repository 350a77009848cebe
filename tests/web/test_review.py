"""The padanan review queue: scoped, masked, audited reads; decisions; the next run using them."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from django.contrib.auth.models import User
from django.test import Client

from sinergi.lake.home import DataHome
from sinergi.pipeline.link import decisions
from sinergi.pipeline.link.run import link
from sinergi.web import registry
from sinergi.web.accounts.models import ApiToken, Role
from sinergi.web.audit.models import AuditEntry
from sinergi.web.review import queue

MakeUser = Callable[..., User]
Keys = tuple[str, str]


def _client(user: User) -> Client:
    """Signed in for the pages, and with an API token for the REST routes."""
    _token, key = ApiToken.issue(user, "tes")
    client = Client(headers={"authorization": f"Bearer {key}"})
    client.force_login(user)
    return client


def _page(keys: Keys) -> str:
    return f"/padanan/tinjauan/{keys[0]}/{keys[1]}/"


def _api(keys: Keys) -> str:
    return f"/api/padanan/tinjauan/{keys[0]}/{keys[1]}"


def _post_json(client: Client, url: str, body: dict[str, Any]) -> Any:
    return client.post(url, json.dumps(body), content_type="application/json")


def _keys(frame: pl.DataFrame) -> list[Keys]:
    return [(str(a), str(b)) for a, b in frame.select(queue.KEYS).rows()]


@pytest.fixture
def own_home(site_home: Path, tmp_path: Path, settings: Any) -> DataHome:
    """A copy of the data folder, so decisions written here stay in this test."""
    copy = tmp_path / "home"
    shutil.copytree(site_home, copy)
    settings.HOME = copy
    return DataHome.resolve(copy)


@pytest.fixture
def pending() -> pl.DataFrame:
    return queue.pending().collect()


@pytest.fixture
def review_desas(pending: pl.DataFrame) -> list[str]:
    """Desas holding pairs with both records inside, most pairs first."""
    inside_one = pending.filter(pl.col("area_code").str.len_chars() == 13)
    counts = inside_one.group_by("area_code").len().sort(["len", "area_code"], descending=True)
    assert counts.height >= 2 and counts["len"][0] >= 2, "the small regency has review pairs"
    return counts["area_code"].to_list()


@pytest.fixture
def straddling(own_home: DataHome, review_desas: list[str]) -> pl.DataFrame:
    """The queue of a copy of the data folder where one pair's second record lies in another desa.

    A person who moved: the small regency has too few of them to count on one
    being left undecided, so one pair of the busiest desa is made so.
    """
    here, there = review_desas[0], review_desas[1]
    moved = _pairs_in(queue.pending().collect(), here)[0][1]
    records = registry.run_folder("linked") / "records.parquet"
    pl.read_parquet(records).with_columns(
        area_code=pl.when(pl.col("record_key") == moved)
        .then(pl.lit(there))
        .otherwise(pl.col("area_code"))
    ).write_parquet(records)
    registry.clear_caches()
    return queue.pending().collect()


def _pairs_in(pending: pl.DataFrame, area: str) -> list[Keys]:
    return _keys(pending.filter(registry.within(area)))


def _reviewer(make_user: MakeUser, name: str = "rina", see: str = "52.05") -> User:
    return make_user(name, "analyst", see, edit=see)


def test_the_queue_holds_only_pairs_whose_both_records_lie_in_the_area(
    straddling: pl.DataFrame,
) -> None:
    pending = straddling
    assert pending.height > 0 and set(pending["area_code"].str.len_chars()) <= {5, 8, 13}
    for row in pending.iter_rows(named=True):
        for side in ("area_code_l", "area_code_r"):
            here = row[side]
            assert here == row["area_code"] or here.startswith(row["area_code"] + ".")
    across = pending.filter(pl.col("area_code_l") != pl.col("area_code_r"))
    assert across.height > 0 and (across["area_code"].str.len_chars() < 13).all()


def test_reviewer_sees_the_pending_pairs_of_a_desa_with_their_weights(
    make_user: MakeUser, pending: pl.DataFrame, review_desas: list[str]
) -> None:
    desa = review_desas[0]
    response = _client(_reviewer(make_user)).get(f"/padanan/tinjauan/?wilayah={desa}")
    assert response.status_code == 200
    shown = response.context["pairs"]
    expected = pending.filter(pl.col("area_code") == desa)
    assert response.context["total"] == expected.height
    assert [(p["record_key_l"], p["record_key_r"]) for p in shown] == _keys(expected)[:25]
    page = response.content.decode()
    first = shown[0]
    assert first["left"]["name"] in page and first["right"]["name"] in page
    assert f'href="{_page((first["record_key_l"], first["record_key_r"]))}?wilayah={desa}"' in page
    entry = AuditEntry.objects.get(username="rina", what="review_queue")
    assert (entry.action, entry.area, entry.rows) == ("read", desa, 2 * len(shown))
    assert entry.identifiers_shown


def test_the_queue_defaults_to_the_users_area_and_is_paged(
    make_user: MakeUser, pending: pl.DataFrame
) -> None:
    client = _client(_reviewer(make_user))
    first = client.get("/padanan/tinjauan/")
    assert first.context["area_code"] == "52.05"
    assert first.context["total"] == pending.height > 25
    assert len(first.context["pairs"]) == 25
    second = client.get("/padanan/tinjauan/?wilayah=52.05&halaman=2")
    keys = [(p["record_key_l"], p["record_key_r"]) for p in second.context["pairs"]]
    assert keys == _keys(pending)[25:50]
    assert client.get("/padanan/tinjauan/?halaman=abc").status_code == 200
    assert client.get("/padanan/tinjauan/?wilayah=52.05&halaman=99999").context["pairs"] == []
    assert client.get("/padanan/tinjauan/?wilayah=bukan-kode").status_code == 404


def test_the_pair_page_shows_both_records_side_by_side(
    make_user: MakeUser, pending: pl.DataFrame, review_desas: list[str]
) -> None:
    keys = _pairs_in(pending, review_desas[0])[0]
    response = _client(_reviewer(make_user)).get(_page(keys))
    assert response.status_code == 200
    pair = response.context["pair"]
    fields = {f["label"]: f for f in pair["fields"]}
    assert set(fields) >= {"Nama", "NIK", "KK", "Jenis kelamin", "Tanggal lahir", "Desa", "Alamat"}
    assert fields["Desa"]["same"] is True and fields["Desa"]["left"] not in ("-", review_desas[0])
    page = response.content.decode()
    assert fields["Nama"]["left"] in page and fields["Nama"]["right"] in page
    assert 'class="agree"' in page
    assert {e["comparison"] for e in pair["evidence"]} >= {"NIK", "Nama"}
    for label in ("Orang yang sama", "Orang berbeda", "Lewati"):
        assert label in page
    entry = AuditEntry.objects.get(username="rina", what="review_pair")
    assert (entry.action, entry.area, entry.rows) == ("read", review_desas[0], 2)
    assert entry.filters["pasangan"] == " ".join(keys)


def test_reviewer_decides_a_pair_and_the_decision_is_a_new_record_with_who_and_why(
    make_user: MakeUser, own_home: DataHome, review_desas: list[str]
) -> None:
    desa = review_desas[0]
    before = _pairs_in(queue.pending().collect(), desa)
    client = _client(_reviewer(make_user))
    response = client.post(
        _page(before[0]) + f"?wilayah={desa}",
        {"decision": "sama", "note": "NIK sama, nama salah ketik"},
    )
    assert response.status_code == 302
    assert response["Location"] == _page(before[1]) + f"?wilayah={desa}"  # on to the next pair
    stored = decisions.load(own_home)
    assert stored.height == 1
    row = stored.row(0, named=True)
    assert (row["record_key_l"], row["record_key_r"]) == tuple(sorted(before[0]))
    assert (row["decision"], row["user"], row["note"]) == (
        "sama",
        "rina",
        "NIK sama, nama salah ketik",
    )
    # Decided pairs leave the queue, in the page, the pair page and the API alike.
    after = client.get(f"/padanan/tinjauan/?wilayah={desa}").context
    assert before[0] not in [(p["record_key_l"], p["record_key_r"]) for p in after["pairs"]]
    assert after["total"] == len(before) - 1
    assert client.get(_page(before[0])).status_code == 404
    assert client.get(_api(before[0])).status_code == 404
    # A second decision, on another pair, is appended.
    answer = _post_json(
        client, _api(before[1]) + "/keputusan", {"decision": "beda", "note": "ibu dan anak"}
    )
    assert answer.status_code == 201 and answer.json()["user"] == "rina"
    stored = decisions.load(own_home)
    assert stored.height == 2 and stored["decision"].to_list() == ["sama", "beda"]


def test_skip_moves_on_and_decides_nothing(
    make_user: MakeUser, own_home: DataHome, review_desas: list[str]
) -> None:
    desa = review_desas[0]
    keys = _pairs_in(queue.pending().collect(), desa)
    client = _client(_reviewer(make_user))
    response = client.post(_page(keys[0]) + f"?wilayah={desa}", {"decision": "lewati", "note": ""})
    assert response.status_code == 302 and response["Location"].startswith(_page(keys[1]))
    last = client.post(_page(keys[-1]) + f"?wilayah={desa}", {"decision": "lewati"})
    assert last["Location"].startswith(_page(keys[0]))  # wraps round to the first pair
    assert decisions.load(own_home).is_empty()


def test_a_reason_is_required_to_decide(
    make_user: MakeUser, own_home: DataHome, review_desas: list[str]
) -> None:
    keys = _pairs_in(queue.pending().collect(), review_desas[0])[0]
    client = _client(_reviewer(make_user))
    for note in ("", "   "):
        response = client.post(_page(keys), {"decision": "sama", "note": note})
        assert response.status_code == 422
        assert "Tuliskan alasan keputusan Anda." in response.content.decode()
        answer = _post_json(client, _api(keys) + "/keputusan", {"decision": "beda", "note": note})
        assert answer.status_code == 422
    assert (
        _post_json(
            client, _api(keys) + "/keputusan", {"decision": "mungkin", "note": "x"}
        ).status_code
        == 422
    )
    assert client.post(_page(keys), {"decision": "mungkin", "note": "x"}).status_code == 422
    assert decisions.load(own_home).is_empty()


def test_a_desa_reviewer_cannot_reach_another_desa_by_page_url_or_api(
    make_user: MakeUser, straddling: pl.DataFrame, review_desas: list[str], own_home: DataHome
) -> None:
    pending = straddling
    # My desa: one with pairs inside it and a pair reaching out of it.
    straddling = pending.filter(pl.col("area_code_l") != pl.col("area_code_r"))
    ends = {*straddling["area_code_l"], *straddling["area_code_r"]}
    mine = next(desa for desa in review_desas if desa in ends)
    other = next(desa for desa in review_desas if desa != mine)
    across = straddling.filter((pl.col("area_code_l") == mine) | (pl.col("area_code_r") == mine))
    foreign = _pairs_in(pending, other)[0]
    # An analyst bound to one desa: may review there, and nowhere else.
    client = _client(_reviewer(make_user, "desa", see=mine))
    own = client.get(f"/padanan/tinjauan/?wilayah={mine}")
    assert own.status_code == 200 and own.context["total"] == len(_pairs_in(pending, mine))
    assert client.get(_page(_pairs_in(pending, mine)[0])).status_code == 200
    review = pl.read_parquet(registry.run_folder("linked") / "review.parquet")
    outside = review.filter(pl.col("record_key_l").is_in([foreign[0], *across["record_key_l"]]))
    names = {n for n in [*outside["name_l"], *outside["name_r"]] if n and len(n) >= 6}
    refused = [
        client.get(f"/padanan/tinjauan/?wilayah={other}"),
        client.get(f"/padanan/tinjauan/?wilayah={mine[:8]}"),  # the kecamatan around my desa
        client.get(_page(foreign)),
        client.get(_page((foreign[1], foreign[0]))),  # the keys the other way round
        client.post(_page(foreign), {"decision": "beda", "note": "coba"}),
        client.get(f"/api/padanan/tinjauan?wilayah={other}"),
        client.get(_api(foreign)),
        _post_json(client, _api(foreign) + "/keputusan", {"decision": "sama", "note": "coba"}),
    ]
    # A pair with one record in my desa and one outside is not mine either.
    for keys in _keys(across):
        refused += [client.get(_page(keys)), client.get(_api(keys))]
    assert across.height > 0
    for response in refused:
        assert response.status_code == 403
        assert not any(name in response.content.decode() for name in names)
    assert decisions.load(own_home).is_empty()
    reads = AuditEntry.objects.filter(username="desa", action="read")
    assert {e.area for e in reads} == {mine}
    assert AuditEntry.objects.filter(username="desa", action="denied").count() == len(refused)


def test_village_operators_and_tkpk_members_may_not_review(
    make_user: MakeUser, pending: pl.DataFrame, review_desas: list[str]
) -> None:
    desa = review_desas[0]
    keys = _pairs_in(pending, desa)[0]
    for user in (make_user("ops", "village", desa, edit=desa), make_user("tkpk", "tkpk", "52.05")):
        client = _client(user)
        for response in (
            client.get(f"/padanan/tinjauan/?wilayah={desa}"),
            client.get("/padanan/tinjauan/"),
            client.get(_page(keys)),
            client.get(f"/api/padanan/tinjauan?wilayah={desa}"),
            client.get(_api(keys)),
        ):
            assert response.status_code == 403
        assert not AuditEntry.objects.filter(username=user.username, action="read").exists()
        assert AuditEntry.objects.filter(username=user.username, action="denied").count() == 5


def test_reading_is_not_deciding_without_an_edit_scope(
    make_user: MakeUser, own_home: DataHome, review_desas: list[str]
) -> None:
    keys = _pairs_in(queue.pending().collect(), review_desas[0])[0]
    client = _client(make_user("lihat", "analyst", "52.05"))  # edit scope empty: nowhere
    page = client.get(_page(keys))
    assert page.status_code == 200 and not page.context["may_decide"]
    assert 'name="decision"' not in page.content.decode()
    assert client.post(_page(keys), {"decision": "sama", "note": "x"}).status_code == 403
    assert client.post(_page(keys), {"decision": "lewati"}).status_code == 403
    answer = _post_json(client, _api(keys) + "/keputusan", {"decision": "sama", "note": "x"})
    assert answer.status_code == 403
    assert decisions.load(own_home).is_empty()


def test_identifiers_are_masked_unless_the_role_shows_them(
    make_user: MakeUser, pending: pl.DataFrame, review_desas: list[str]
) -> None:
    # Roles are configuration: a deployment may let reviewers decide without seeing NIK/KK.
    Role.objects.create(code="peninjau", name="Peninjau", name_en="Reviewer",
                        permissions=["see_people", "review"])  # fmt: skip
    desa = review_desas[0]
    with_nik = pending.filter(pl.col("same_nik"))
    keys = _keys(with_nik)[0]
    masked, clear = make_user("mask", "peninjau", "52.05"), make_user("ana", "analyst", "52.05")
    seen = _client(clear).get(_page(keys)).context["pair"]
    nik = seen["left"]["nik"]
    assert len(nik) == 16 and nik.isdigit()
    hidden = _client(masked).get(_page(keys))
    pair = hidden.context["pair"]
    assert "*" in pair["left"]["nik"] and pair["left"]["nik"][:4] == nik[:4]
    assert nik not in hidden.content.decode()
    # Agreement is judged on the real numbers, so a masked reviewer still sees that they agree.
    assert {f["label"]: f["same"] for f in pair["fields"]}["NIK"] is True
    api_pair = _client(masked).get(_api(keys)).json()
    assert nik not in json.dumps(api_pair) and api_pair["agree"]["nik"] is True
    listed = _client(masked).get(f"/api/padanan/tinjauan?wilayah={desa}").json()
    assert all("*" in i["left"]["nik"] for i in listed["items"] if i["left"]["nik"])
    shown = {(e.username, e.identifiers_shown) for e in AuditEntry.objects.filter(action="read")}
    assert shown == {("ana", True), ("mask", False)}


def test_the_api_lists_reads_and_refuses_like_the_pages(
    make_user: MakeUser, pending: pl.DataFrame, review_desas: list[str]
) -> None:
    desa = review_desas[0]
    client = _client(_reviewer(make_user))
    listed = client.get(f"/api/padanan/tinjauan?wilayah={desa}&limit=1&offset=1")
    assert listed.status_code == 200
    body = listed.json()
    keys = _pairs_in(pending, desa)
    assert (body["wilayah"], body["total"], len(body["items"])) == (desa, len(keys), 1)
    item = body["items"][0]
    assert (item["record_key_l"], item["record_key_r"]) == keys[1]
    # Above 0.97 too: a pair whose names disagree, or with twins' NIKs, waits for a person.
    assert item["match_probability"] >= 0.5 and item["left"]["desa"] == desa
    default = client.get("/api/padanan/tinjauan").json()
    assert (default["wilayah"], default["total"], len(default["items"])) == (
        "52.05",
        pending.height,
        25,
    )
    one = client.get(_api(keys[0]))
    assert one.status_code == 200 and one.json()["evidence"]
    assert client.get(_api(("p3ke:tidakada", "dtks:tidakada"))).status_code == 404
    assert client.get(_api(("bukan%20kunci", "x"))).status_code == 422
    assert client.get("/api/padanan/tinjauan?wilayah=52.0").status_code == 422
    assert client.get("/api/padanan/tinjauan?limit=0").status_code == 422
    reads = AuditEntry.objects.filter(username="rina", action="read")
    assert sorted(e.what for e in reads) == ["review_pair", "review_queue", "review_queue"]


def test_every_read_is_audited(
    make_user: MakeUser, pending: pl.DataFrame, review_desas: list[str]
) -> None:
    desa = review_desas[0]
    keys = _pairs_in(pending, desa)[0]
    client = _client(_reviewer(make_user))
    for url, what in (
        (f"/padanan/tinjauan/?wilayah={desa}", "review_queue"),
        (_page(keys), "review_pair"),
        (f"/api/padanan/tinjauan?wilayah={desa}", "review_queue"),
        (_api(keys), "review_pair"),
    ):
        before = AuditEntry.objects.count()
        assert client.get(url).status_code == 200
        assert AuditEntry.objects.count() == before + 1
        entry = AuditEntry.objects.order_by("-id").first()
        assert entry is not None and (entry.what, entry.action, entry.area) == (what, "read", desa)
        assert entry.rows > 0


def test_the_next_padanan_run_applies_the_decisions(
    make_user: MakeUser, own_home: DataHome, review_desas: list[str]
) -> None:
    keys = _pairs_in(queue.pending().collect(), review_desas[0])
    same, different = keys[0], keys[1]
    client = _client(_reviewer(make_user))
    client.post(_page(same), {"decision": "sama", "note": "satu orang"})
    answer = _post_json(
        client, _api(different) + "/keputusan", {"decision": "beda", "note": "dua orang"}
    )
    assert answer.status_code == 201
    run = link(own_home)
    assert json.loads((run.folder / "manifest.json").read_text())["decisions_applied"] == 2
    links = pl.read_parquet(run.folder / "links.parquet")
    for keys_, status in ((same, "diterima"), (different, "ditolak")):
        a, b = keys_
        row = links.filter(
            ((pl.col("record_key_l") == a) & (pl.col("record_key_r") == b))
            | ((pl.col("record_key_l") == b) & (pl.col("record_key_r") == a))
        )
        assert row.height == 1
        assert (row["basis"].item(), row["status"].item()) == ("keputusan", status)
    # Both records of the pair judged the same are now one person.
    records = pl.read_parquet(run.folder / "records.parquet")
    assert records.filter(pl.col("record_key").is_in(list(same)))["pid"].n_unique() == 1
    # And neither pair waits for review again.
    assert not set(_keys(queue.pending().collect())) & {same, different}
