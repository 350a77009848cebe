"""Persons and household characteristics of one chunk of the frame (a run of whole villages).

A chunk is generated from its own random stream, so the output does not depend
on how many chunks run before it, and memory stays bounded by the chunk size.
Persons are returned as columns (``dict`` of numpy arrays), one row per person,
with ``household`` indexing the frame.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cache, cached_property

import numpy as np

from sinergi.domain import identity, wilayah
from sinergi.synth import names
from sinergi.synth.codes import ASSETS, HOUSING, OCCUPATIONS
from sinergi.synth.frame import Frame

Columns = dict[str, np.ndarray]

# The dusun names below and the wider birthplace list of ``names`` are NTB's, the
# province of the demo regency; a regency elsewhere gets generic names instead, so
# that Jakarta or Merauke does not read as Bima-Dompu.
NTB = "52"
DUSUN_NAMES = (
    "Mekar Sari",
    "Sumber Rejeki",
    "Nae",
    "Karijawa",
    "Sori Na'e",
    "Doro",
    "Tolo",
    "Rasa Bou",
    "Mada Oi",
    "Lune",
    "Bara",
    "Kampo",
    "Ncera",
    "Sarae",
)
GENERIC_DUSUN_NAMES = (
    "Mekar Sari",
    "Sumber Rejeki",
    "Sukamaju",
    "Mekar Jaya",
    "Suka Damai",
    "Karya Bakti",
    "Harapan Jaya",
    "Kampung Baru",
    "Tanjung Sari",
    "Sumber Sari",
    "Maju Bersama",
    "Sejahtera",
    "Bukit Indah",
    "Tengah",
)
# Birthplaces beyond the regency for a regency outside NTB: the other regencies of its
# province (the neighbours people move from), then the large cities of the country.
NEIGHBOUR_WEIGHT = 3.0
BIG_CITIES: tuple[tuple[str, float], ...] = (
    ("Jakarta", 4),
    ("Surabaya", 3),
    ("Medan", 2),
    ("Bandung", 2),
    ("Makassar", 2),
    ("Semarang", 1),
    ("Palembang", 1),
    ("Yogyakarta", 1),
    ("Malang", 1),
    ("Denpasar", 1),
    ("Balikpapan", 1),
    ("Manado", 1),
)


@dataclass(frozen=True)
class Locale:
    """The place words of one regency: its dusun names and where its people are born.

    ``other_places`` is None for NTB, whose weighted list lives in ``names``.
    """

    dusun: tuple[str, ...]
    local_places: tuple[str, ...]
    other_places: tuple[tuple[str, float], ...] | None

    @staticmethod
    @cache
    def of(regency: str, districts: tuple[str, ...]) -> Locale:
        """The locale of ``regency`` whose villages lie in ``districts`` (names)."""
        if regency.startswith(NTB):
            return Locale(DUSUN_NAMES, tuple(sorted(set(districts))), None)
        area = wilayah.get(regency)
        own = short_name(area)
        neighbours = [
            short_name(other)
            for other in wilayah.children(area.parent_code or "")
            if other.code != area.code
        ]
        others = [(name, NEIGHBOUR_WEIGHT) for name in dict.fromkeys(neighbours) if name != own]
        others += [(city, w) for city, w in BIG_CITIES if city not in {own, *neighbours}]
        return Locale(GENERIC_DUSUN_NAMES, tuple(sorted({*districts, own})), tuple(others))


def short_name(regency: wilayah.Area) -> str:
    """How a birthplace names a regency: "Merauke", "Jakarta Pusat", "Kepulauan Seribu"."""
    name = regency.label.removeprefix("Kab. ").removeprefix("Kota ")
    return name.removeprefix("Administrasi ")


@dataclass
class SerialRegistry:
    """Hands out NIK and KK serial numbers, unique per 12-digit prefix across chunks."""

    next_serial: dict[str, int] = field(default_factory=dict)

    def take(self, prefix: str) -> int:
        serial = self.next_serial.get(prefix, 1)
        self.next_serial[prefix] = serial + 1
        return serial


@dataclass
class Chunk:
    """Persons and households of a run of whole villages."""

    households: np.ndarray  # frame indices of the chunk's households
    people: Columns
    homes: Columns  # one row per household of the chunk, aligned with ``households``

    @cached_property
    def home_row(self) -> np.ndarray:
        """For each person, the row of their household in ``homes``."""
        return np.searchsorted(self.households, self.people["household"])

    @cached_property
    def head_row(self) -> np.ndarray:
        """For each household of the chunk, the person row of its head."""
        heads = np.flatnonzero(self.people["relationship"] == 1)
        rows = np.empty(len(self.households), dtype=np.int64)
        rows[self.home_row[heads]] = heads
        return rows

    def homes_of(self, person_rows: np.ndarray) -> Columns:
        """The household columns of each given person row."""
        home = self.home_row[person_rows]
        return {name: values[home] for name, values in self.homes.items()}


def generate_chunk(
    frame: Frame,
    households: np.ndarray,
    first_person_id: int,
    reference: date,
    serials: SerialRegistry,
    nik_districts: NikDistricts,
    rng: np.random.Generator,
) -> Chunk:
    """Generate the persons and homes of ``households`` (frame indices).

    Args:
        nik_districts: the districts a NIK may carry other than the household's own.
    """
    relationship, sex, age, household = _compose(frame, households, rng)
    rank = frame.rank[household]
    people: Columns = {
        "person_id": np.arange(first_person_id, first_person_id + len(household), dtype=np.int64),
        "household": household,
        "relationship": relationship,
        "sex": sex,
        "age": age,
    }
    people["birth_date"] = _birth_dates(age, reference, rng)
    people |= _schooling(age, rank, rng)
    people |= _work_and_health(age, sex, relationship, rank, people["in_school"], rng)
    people["marital"] = _marital(
        relationship, age, frame.head_female[household], frame.size[household] == 1
    )
    people["name"], people["mother_name"] = _names(people, rng)
    locale = frame_locale(frame)
    people["birth_place"] = names.place_of_birth(
        rng, len(household), list(locale.local_places), locale.other_places
    )
    village_district = frame.district_codes()[frame.village[household]]
    people["nik"], people["nik_district"] = _niks(
        people, village_district, rank, serials, nik_districts, rng
    )
    homes = _homes(frame, households, reference, serials, locale.dusun, rng)
    return Chunk(households=households, people=people, homes=homes)


def frame_locale(frame: Frame) -> Locale:
    """The locale of the frame's regency (every village of a frame is in one regency)."""
    districts = tuple(wilayah.get(a.parent_code or "").name for a in frame.villages)
    return Locale.of(frame.villages[0].code[:5], districts)


def _compose(
    frame: Frame, households: np.ndarray, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Relationship, sex and age of every member, head first, household by household."""
    relationship: list[int] = []
    sex: list[str] = []
    age: list[int] = []
    owner: list[int] = []
    for h in households.tolist():
        members = _members(
            int(frame.size[h]), bool(frame.head_female[h]), bool(frame.elderly_alone[h]), rng
        )
        for rel, member_sex, member_age in members:
            relationship.append(rel)
            sex.append(member_sex)
            age.append(member_age)
            owner.append(h)
    return (
        np.array(relationship, dtype=np.int8),
        np.array(sex, dtype=object),
        np.array(age, dtype=np.int16),
        np.array(owner, dtype=np.int64),
    )


def _members(
    size: int, head_female: bool, elderly_alone: bool, rng: np.random.Generator
) -> list[tuple[int, str, int]]:
    """(relationship code, sex, age) of each member of one household, head first."""
    head_sex = "P" if head_female else "L"
    if size == 1:
        head_age = int(rng.integers(60, 92)) if elderly_alone else int(rng.integers(19, 60))
        return [(1, head_sex, head_age)]
    head_age = int(np.clip(rng.normal(46, 12), 21, 88))
    members = [(1, head_sex, head_age)]
    mother_age = head_age if head_female else None
    if not head_female and rng.random() < 0.93:
        mother_age = int(np.clip(head_age - rng.integers(-2, 9), 17, 90))
        members.append((2, "P", mother_age))
    if len(members) < size and head_age < 55 and rng.random() < 0.10:
        parent_age = min(head_age + int(rng.integers(22, 34)), 98)
        members.append((6, "P" if rng.random() < 0.7 else "L", parent_age))
    parent_age = min(head_age, mother_age) if mother_age is not None else head_age
    while len(members) < size:
        child_age = parent_age - int(rng.integers(17, 43))
        if parent_age >= 58 and child_age >= 20 and size - len(members) >= 2 and rng.random() < 0.5:
            # An adult child living with the parents brings a spouse or a child of their own.
            members.append((3, "L" if rng.random() < 0.5 else "P", child_age))
            if rng.random() < 0.4:
                members.append(
                    (4, "P" if rng.random() < 0.7 else "L", child_age + int(rng.integers(-3, 4)))
                )
            else:
                members.append((5, "L" if rng.random() < 0.51 else "P", int(rng.integers(0, 16))))
            continue
        if child_age < 0:
            child_age = int(rng.integers(0, 6))
        members.append((3, "L" if rng.random() < 0.51 else "P", child_age))
    return members[:size]


def _birth_dates(age: np.ndarray, reference: date, rng: np.random.Generator) -> np.ndarray:
    """Birth dates consistent with the age at ``reference`` (datetime64[D])."""
    ref = np.datetime64(reference, "D")
    days_back = (age.astype(np.int64) * 36525) // 100 + rng.integers(1, 365, len(age))
    return ref - days_back.astype("timedelta64[D]")


def _schooling(age: np.ndarray, rank: np.ndarray, rng: np.random.Generator) -> Columns:
    """School participation (Regsosek 412), attending level and highest completed level.

    Out-of-school rates rise with age and poverty: about 1.5% at 7-12, 7% at
    13-15 and 22% at 16-18 overall, near BPS's school-participation figures.
    """
    poor = 1.0 - rank
    out_of_school_chance = np.select(
        [age < 7, age <= 12, age <= 15, age <= 18, age <= 24],
        [0.5, 0.005 + 0.02 * poor, 0.03 + 0.08 * poor, 0.10 + 0.25 * poor, 0.95 - 0.35 * rank],
        1.0,
    )
    in_school = (age >= 5) & (rng.random(len(age)) >= out_of_school_chance)
    # SD from 6 (a 5-year-old pupil is in TK/PAUD), as PKH and the diagnosis count them.
    level = np.select(
        [age <= 5, age <= 12, age <= 15, age <= 18], ["PAUD", "SD", "SMP", "SMA"], "PT"
    )
    attending = np.where(in_school, level, "")
    # Highest completed level of everyone: cohort and welfare raise it.
    birth_year_effect = (2000 - (2026 - age)) / -25.0
    score = rng.normal(0, 1, len(age)) + 1.6 * (rank - 0.5) - birth_year_effect
    completed = np.searchsorted(np.array([-1.6, -0.9, 0.0, 0.6, 1.7]), score).astype(np.int8)
    cap = np.select([age < 7, age < 13, age < 16, age < 19, age < 22], [0, 1, 2, 3, 4], 5)
    completed = np.minimum(completed, cap).astype(np.int8)
    never = (age >= 7) & ~in_school & (completed == 0)
    participation = np.where(in_school, 2, np.where(never | (age < 5), 1, 3)).astype(np.int8)
    return {
        "school_participation": participation,
        "in_school": in_school,
        "school_level": attending.astype(object),
        "education": completed,
    }


def _work_and_health(
    age: np.ndarray,
    sex: np.ndarray,
    relationship: np.ndarray,
    rank: np.ndarray,
    in_school: np.ndarray,
    rng: np.random.Generator,
) -> Columns:
    n = len(age)
    poorest = np.array([share for _, _, share, _ in OCCUPATIONS])
    richest = np.array([share for _, _, _, share in OCCUPATIONS])
    mix = (1 - rank)[:, None] * poorest + rank[:, None] * richest
    cumulative = np.cumsum(mix / mix.sum(axis=1, keepdims=True), axis=1)
    pick = (rng.random(n)[:, None] > cumulative).sum(axis=1)
    idle = (age < 15) | in_school | (rng.random(n) < np.where(sex == "P", 0.25, 0.0))
    idle |= (age >= 65) & (rng.random(n) < 0.6)
    pick = np.where(idle, 0, np.minimum(pick, len(OCCUPATIONS) - 1))
    occupation = np.array([label for label, _, _, _ in OCCUPATIONS], dtype=object)[pick]
    informal = np.array([informal for _, informal, _, _ in OCCUPATIONS])[pick]

    # Washington Group style: the worst level of difficulty across the six domains.
    severe_chance = np.select([age < 18, age < 60, age < 75], [0.01, 0.025, 0.10], 0.25)
    severe_chance = severe_chance * (1.3 - 0.6 * rank)
    u = rng.random(n)
    disability = np.where(
        u < severe_chance * 0.3,
        4,
        np.where(u < severe_chance, 3, np.where(u < severe_chance + 0.08 + 0.002 * age, 2, 1)),
    ).astype(np.int8)
    domains = np.array(
        ["Penglihatan", "Pendengaran", "Berjalan", "Mengingat", "Mengurus Diri", "Komunikasi"]
    )
    disability_domain = np.where(disability >= 2, domains[rng.integers(0, 6, n)], "").astype(object)
    chronic = rng.random(n) < np.where(age >= 60, 0.20, 0.03)
    pregnant = (
        (sex == "P") & (age >= 17) & (age <= 45) & (relationship <= 2) & (rng.random(n) < 0.06)
    )
    abroad_chance = np.where(
        (age >= 20) & (age <= 45) & (relationship != 1), 0.02 + 0.04 * (1 - rank), 0
    )
    abroad = rng.random(n) < abroad_chance
    return {
        "occupation": occupation,
        "informal_worker": informal & ~abroad,
        "disability": disability,
        "disability_domain": disability_domain,
        "chronic_illness": chronic,
        "pregnant": pregnant,
        "presence": np.where(abroad, 4, 1).astype(np.int8),
    }


def _marital(
    relationship: np.ndarray, age: np.ndarray, head_female: np.ndarray, alone: np.ndarray
) -> np.ndarray:
    """Marital status (1 belum kawin, 2 kawin, 3 cerai hidup, 4 cerai mati).

    A head living alone is widowed from 50 on and unmarried before.
    """
    status = np.where(np.isin(relationship, (2, 4)), 2, 1)
    status = np.where((relationship == 1) & ~head_female & (age >= 19), 2, status)
    status = np.where((relationship == 1) & head_female, np.where(age >= 50, 4, 3), status)
    status = np.where(relationship == 6, 4, status)
    status = np.where((relationship == 1) & alone, np.where(age >= 50, 4, 1), status)
    return status.astype(np.int8)


def _names(people: Columns, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Canonical names (fathers' first names feed patronymics) and mothers' names."""
    n = len(people["person_id"])
    birth_year = people["birth_date"].astype("datetime64[Y]").astype(int) + 1970
    household = people["household"]
    relationship = people["relationship"]
    sex = people["sex"]
    result = np.empty(n, dtype=object)
    heads = relationship == 1
    result[heads] = names.person_names(rng, sex[heads], birth_year[heads])
    # Each household's head is its first member: broadcast the head's name to members.
    first_of_household = np.flatnonzero(heads)
    head_row = first_of_household[
        np.searchsorted(first_of_household, np.arange(n), side="right") - 1
    ]
    fathers_first = np.array(
        [
            name.split()[0] if head_sex == "L" else None
            for name, head_sex in zip(result[head_row], sex[head_row], strict=True)
        ],
        dtype=object,
    )
    rest = ~heads
    result[rest] = names.person_names(rng, sex[rest], birth_year[rest], fathers_first[rest])
    # The mother of a child is the head's wife (or the female head); others get a name drawn anew.
    wife = (relationship == 2) | ((relationship == 1) & (sex == "P"))
    mother_of_household = {int(household[i]): result[i] for i in np.flatnonzero(wife)}
    mother = names.mother_names(rng, n)
    children = np.flatnonzero(relationship == 3)
    for i in children:
        known = mother_of_household.get(int(household[i]))
        if known is not None:
            mother[i] = known
    return result, mother


def _niks(
    people: Columns,
    village_district: np.ndarray,
    rank: np.ndarray,
    serials: SerialRegistry,
    nik_districts: NikDistricts,
    rng: np.random.Generator,
) -> tuple[np.ndarray, np.ndarray]:
    """True NIK of each person (None when never registered) and the district it carries."""
    n = len(village_district)
    age = people["age"]
    # Some people never got a NIK: mostly young children of poor families (DOMAIN 1.2:
    # adminduk completion for the extreme poor is a national task).
    unregistered = rng.random(n) < np.where(age < 5, 0.06 * (1 - rank), 0.003)
    place = rng.random(n)
    district = village_district.copy()
    for choices, chosen in (
        (nik_districts.own, place < 0.12),
        (nik_districts.retired, place > 0.995),
        (nik_districts.outside, (place > 0.955) & (place <= 0.995)),
    ):
        if choices and chosen.any():
            district[chosen] = np.array(choices, dtype=object)[
                rng.integers(0, len(choices), chosen.sum())
            ]
    niks = np.empty(n, dtype=object)
    birth = people["birth_date"].astype(object)
    for i in range(n):
        if unregistered[i]:
            continue
        born: date = birth[i]
        sex = people["sex"][i]
        prefix = identity.make_nik(district[i], born, sex, 1)[:12]
        niks[i] = identity.make_nik(district[i], born, sex, serials.take(prefix))
    return niks, district


def _homes(
    frame: Frame,
    households: np.ndarray,
    reference: date,
    serials: SerialRegistry,
    dusun_names: tuple[str, ...],
    rng: np.random.Generator,
) -> Columns:
    """Housing, assets, address and KK number of each household of the chunk."""
    n = len(households)
    rank = np.clip(frame.rank[households] + 0.08 * frame.urban[households], 0, 1)
    homes: Columns = {name: item.draw(rng, rank) for name, item in HOUSING.items()}
    homes["floor_area"] = np.round(
        frame.size[households] * rng.lognormal(np.log(6 + 14 * rank), 0.35), 0
    ).astype(np.int32)
    for asset, (poorest, richest) in ASSETS.items():
        homes[asset] = rng.random(n) < poorest + (richest - poorest) * rank
    homes["dusun"] = np.array(dusun_names, dtype=object)[rng.integers(0, len(dusun_names), n)]
    homes["rt"] = rng.integers(1, 21, n).astype(np.int16)
    homes["rw"] = rng.integers(1, 7, n).astype(np.int16)
    districts = frame.district_codes()[frame.village[households]]
    start = date(2005, 1, 1).toordinal()
    registered = rng.integers(start, (reference - timedelta(days=30)).toordinal(), n)
    kk = np.empty(n, dtype=object)
    for i in range(n):
        when = date.fromordinal(int(registered[i]))
        prefix = identity.make_kk(districts[i], when, 1)[:12]
        kk[i] = identity.make_kk(districts[i], when, serials.take(prefix))
    homes["kk"] = kk
    return homes


@dataclass(frozen=True)
class NikDistricts:
    """District codes a NIK of the regency's residents may carry besides their own district.

    A NIK's area is where the person was registered, not where they live
    (DOMAIN 3.1): 12% carry another district of the regency, 4% a district
    elsewhere in the province, and 0.5% a code that no longer exists because a
    district split renumbered the codes (warn, don't reject).
    """

    own: list[str]
    retired: list[str]
    outside: list[str]

    @classmethod
    def of_regency(cls, regency: str) -> NikDistricts:
        own = [area.code for area in wilayah.children(regency)]
        last = max(int(code.rsplit(".", 1)[1]) for code in own)
        retired = [f"{regency}.{last + k:02d}" for k in (1, 2)]
        province = regency[:2]
        outside = [
            district.code
            for other in wilayah.children(province)
            if other.code != regency
            for district in wilayah.children(other.code)
        ]
        return cls(own=own, retired=retired, outside=outside)
