"""Plausible Indonesian person names, places of birth and mothers' names, drawn in bulk.

Every draw takes a ``numpy.random.Generator`` and works on whole arrays, so ten
million names take seconds and the same seed always gives the same names.
Names come back as arrays of ``numpy.dtypes.StringDType()`` in Title Case
(``"Muhammad Ilham"``, ``"Siti Aminah"``, ``"Ruslan"``); pyarrow converts such an
array directly, and ``.astype(object)`` gives Python strings.

Sources of the vocabularies
---------------------------
- **Faker ``id_ID`` person provider** (Faker 40.54, MIT licence;
  ``faker.providers.person.id_ID.Provider``), read as class attributes so that
  Faker's own random generator is never used: ``first_names_male`` and
  ``first_names_female`` (from nama.web.id "Indonesia - Jawa" and namafb.com's
  "top 1000 nama populer Indonesia", via fzaninotto/faker), ``last_names_male``
  and ``last_names_female`` (same sources plus Batak marga from id.wikipedia's
  *Daftar marga suku Batak di Toba*). They are mostly Javanese and urban, so
  they get a minority of the weight (``_FAKER_SHARE``).
- **A hand-made list** (``_MALE_GIVEN``, ``_FEMALE_GIVEN``, ``_MALE_SECOND``,
  ``_FEMALE_SECOND``, the compounds and the prefixes below) of the Arabic-derived
  and local forms common in Nusa Tenggara Barat (Bima–Dompu and Sasak) and across
  Muslim Indonesia: Muhammad, Ahmad, Abdul Rahman, Syamsuddin, Jamaluddin, Siti
  Aminah, Nurhayati, Hadijah, Jaenab, Rukayah... Written from general knowledge
  of naming in the region; the weights are judgement, not counts [U in
  DOMAIN.md's grading]. The Sasak titles ``Lalu`` (men) and ``Baiq`` (women) are
  part of the name on a KTP and get a small share.

Name shape (see ``person_names``)
---------------------------------
- First-token skew, as in real name lists: about 10% of men's names start with a
  Muhammad form (``Muhammad``, ``Mohammad``, ``Muhamad``) and about 10% of
  women's with ``Siti``/``Sitti``; ``Nur`` starts another 5% of women's names.
  These shares hold at every age (``_MALE_PREFIXES``, ``_FEMALE_PREFIXES``).
- One token is common among older rural people, two tokens the norm, three
  tokens more common among the young: see ``_TOKEN_SHARES``.
- A patronymic ``bin <father>`` / ``binti <father>`` follows the name of
  ``PATRONYMIC_SHARE`` (3%) of adults; it uses the father's first token.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
from faker.providers.person.id_ID import Provider as _FakerIdPerson
from numpy.dtypes import StringDType

from sinergi.errors import SynthError

StrArray = npt.NDArray[Any]
"""An array of strings (``StringDType``)."""

_STR = StringDType()

PATRONYMIC_SHARE = 0.03
"""Share of adults (18 and over) whose name carries ``bin``/``binti`` and the father's name."""

PATRONYMIC_MIN_AGE = 18
"""Age from which a patronymic may be written."""

_FAKER_SHARE = 0.25
"""Weight of the Faker ``id_ID`` lists within each pool; the local list has the rest."""

# (birth year, share with 1 token, share with 3 tokens); two tokens take the rest.
# Interpolated linearly between the knots and held flat outside them.
_TOKEN_SHARES: tuple[tuple[int, float, float], ...] = (
    (1940, 0.50, 0.05),
    (1960, 0.38, 0.08),
    (1975, 0.25, 0.12),
    (1990, 0.12, 0.20),
    (2010, 0.05, 0.30),
)

# First tokens that open a name and are followed by a given name. Shares are of
# all names of that sex, at every age.
_MALE_PREFIXES: tuple[tuple[str, float], ...] = (
    ("Muhammad", 0.080),
    ("Mohammad", 0.010),
    ("Muhamad", 0.010),
    ("Lalu", 0.010),
)
_FEMALE_PREFIXES: tuple[tuple[str, float], ...] = (
    ("Siti", 0.080),  # +~0.5 pt from the "Nur Nur..." swap in _canonical_names
    ("Sitti", 0.015),
    ("Nur", 0.050),
    ("Baiq", 0.010),
)
MUHAMMAD_FORMS: tuple[str, ...] = ("Muhammad", "Mohammad", "Muhamad")
"""Canonical Muhammad forms that open men's names (``noise`` adds Moh., M., ...)."""

SITI_FORMS: tuple[str, ...] = ("Siti", "Sitti")
"""Canonical Siti forms that open women's names (``noise`` adds St.)."""

# Single-token given names, weight 1 (occasional) to 5 (very common).
_MALE_GIVEN: tuple[tuple[str, int], ...] = (
    ("Ahmad", 5),
    ("Abdullah", 3),
    ("Syamsuddin", 3),
    ("Ruslan", 3),
    ("Mansyur", 3),
    ("Arifin", 3),
    ("Ismail", 3),
    ("Ibrahim", 3),
    ("Hamzah", 3),
    ("Jamaluddin", 3),
    ("Nurdin", 3),
    ("Saifullah", 2),
    ("Ilham", 3),
    ("Rizal", 3),
    ("Zainal", 3),
    ("Abubakar", 3),
    ("Suharto", 1),
    ("Usman", 3),
    ("Hasan", 3),
    ("Husain", 2),
    ("Yusuf", 3),
    ("Sulaiman", 2),
    ("Idris", 2),
    ("Ramli", 3),
    ("Salahuddin", 2),
    ("Syafruddin", 3),
    ("Amiruddin", 3),
    ("Najamuddin", 2),
    ("Jufri", 3),
    ("Muhtar", 2),
    ("Kamaruddin", 2),
    ("Hasanuddin", 3),
    ("Akbar", 2),
    ("Ilyas", 2),
    ("Arsyad", 3),
    ("Rahmat", 3),
    ("Hidayat", 2),
    ("Taufik", 2),
    ("Sahril", 2),
    ("Iwan", 2),
    ("Agus", 3),
    ("Budi", 2),
    ("Syarifuddin", 3),
    ("Darwis", 2),
    ("Hamid", 2),
    ("Junaidi", 3),
    ("Subhan", 2),
    ("Firdaus", 2),
    ("Sudirman", 2),
    ("Sukardi", 2),
    ("Samsul", 3),
    ("Muhlis", 2),
    ("Adnan", 2),
    ("Aminullah", 2),
    ("Burhanuddin", 2),
    ("Mustafa", 2),
    ("Irfan", 2),
    ("Fajar", 2),
    ("Rizki", 2),
    ("Anwar", 2),
    ("Ramadhan", 2),
    ("Fadli", 2),
    ("Haerul", 2),
    ("Zulkifli", 2),
    ("Saharuddin", 2),
    ("Nasrullah", 2),
    ("Ardiansyah", 2),
    ("Asrul", 2),
    ("Syahrul", 2),
    ("Syukri", 2),
    ("Muhsin", 2),
    ("Sahnan", 1),
    ("Zulkarnaen", 2),
    ("Saparudin", 2),
    ("Rusdi", 2),
    ("Hirman", 1),
    ("Mahsun", 2),
    ("Rifai", 2),
    ("Nasrudin", 2),
    ("Ahyar", 1),
    ("Haerudin", 2),
    ("Khairul", 2),
    ("Kurniawan", 1),
    ("Suryadi", 2),
    ("Mahmud", 2),
    ("Jainuddin", 1),
    ("Ikhsan", 2),
    ("Fathurrahman", 1),
    ("Wahyudin", 2),
    ("Sahabuddin", 1),
)
_FEMALE_GIVEN: tuple[tuple[str, int], ...] = (
    ("Aminah", 3),
    ("Nurhayati", 4),
    ("Hadijah", 3),
    ("Jaenab", 3),
    ("Rukayah", 3),
    ("Fatimah", 4),
    ("Hasanah", 3),
    ("Nurjannah", 3),
    ("Maryam", 3),
    ("Aisyah", 3),
    ("Mariam", 2),
    ("Salmah", 3),
    ("Sumiati", 3),
    ("Halimah", 3),
    ("Rahmah", 2),
    ("Khadijah", 2),
    ("Saodah", 2),
    ("Juhariah", 2),
    ("Hafsah", 2),
    ("Rabiah", 2),
    ("Zubaedah", 2),
    ("Nurmi", 2),
    ("Saenab", 2),
    ("Mardiah", 2),
    ("Suryani", 3),
    ("Wahyuni", 3),
    ("Nuraini", 3),
    ("Hartini", 2),
    ("Rohani", 2),
    ("Kartini", 2),
    ("Sumarni", 2),
    ("Herlina", 2),
    ("Erni", 2),
    ("Ernawati", 2),
    ("Masitah", 2),
    ("Mulyati", 2),
    ("Hamidah", 2),
    ("Rosmawati", 2),
    ("Ramlah", 2),
    ("Syarifah", 2),
    ("Marlina", 2),
    ("Asmah", 2),
    ("Hajrah", 2),
    ("Juleha", 1),
    ("Nursiah", 2),
    ("Nurbaya", 1),
    ("Rosidah", 1),
    ("Ainun", 2),
    ("Fitriani", 2),
    ("Rahmawati", 2),
    ("Sulastri", 2),
    ("Sukmawati", 2),
    ("Nurlaela", 2),
    ("Sri", 3),
    ("Jumriah", 1),
    ("Musdalifah", 1),
    ("Nurhasanah", 2),
    ("Sahidah", 1),
    ("Syamsiah", 2),
    ("Rosmini", 1),
    ("Aisah", 1),
    ("Hasnah", 2),
    ("Zaenab", 2),
    ("Zuhriah", 1),
    ("Kalsum", 2),
)
# Second (and third) tokens: a second given name or a family-like name.
_MALE_SECOND: tuple[tuple[str, int], ...] = (
    ("Hidayat", 3),
    ("Saputra", 3),
    ("Firmansyah", 3),
    ("Ramadhan", 3),
    ("Hamzah", 2),
    ("Ibrahim", 2),
    ("Ismail", 2),
    ("Yusuf", 2),
    ("Hasan", 2),
    ("Abdullah", 2),
    ("Rahman", 3),
    ("Arifin", 2),
    ("Kurniawan", 2),
    ("Setiawan", 2),
    ("Hakim", 2),
    ("Alamsyah", 2),
    ("Syahputra", 2),
    ("Fadillah", 2),
    ("Maulana", 2),
    ("Akbar", 2),
    ("Gunawan", 1),
    ("Prasetyo", 1),
    ("Salim", 2),
    ("Haris", 2),
    ("Fauzi", 2),
    ("Rahmat", 2),
    ("Nurdin", 2),
    ("Idris", 2),
    ("Effendi", 1),
    ("Iskandar", 2),
    ("Husain", 2),
    ("Marzuki", 2),
    ("Amin", 2),
    ("Mahmud", 2),
    ("Yahya", 2),
    ("Anwar", 2),
    ("Zakaria", 2),
    ("Usman", 2),
    ("Syahrir", 1),
    ("Jailani", 1),
)
_FEMALE_SECOND: tuple[tuple[str, int], ...] = (
    ("Hasanah", 3),
    ("Aminah", 2),
    ("Lestari", 2),
    ("Wahyuni", 3),
    ("Rahmawati", 3),
    ("Handayani", 2),
    ("Fitriani", 2),
    ("Ningsih", 2),
    ("Hayati", 3),
    ("Safitri", 2),
    ("Maryam", 2),
    ("Zahra", 2),
    ("Kurniasih", 1),
    ("Purnamasari", 1),
    ("Sari", 2),
    ("Yanti", 2),
    ("Rahmah", 2),
    ("Aulia", 2),
    ("Nurhasanah", 2),
    ("Anggraini", 2),
    ("Ramadhani", 2),
    ("Febriani", 1),
    ("Oktaviani", 1),
    ("Amalia", 2),
    ("Fatimah", 2),
    ("Hadijah", 1),
    ("Aisyah", 2),
    ("Jannah", 1),
    ("Khairunnisa", 1),
    ("Marlina", 1),
)
# Given names written as two tokens; they count as two.
_MALE_COMPOUND: tuple[tuple[str, int], ...] = (
    ("Abdul Rahman", 3),
    ("Abdul Karim", 2),
    ("Abdul Malik", 2),
    ("Abdul Hamid", 2),
    ("Abdul Gani", 2),
    ("Abdul Azis", 2),
    ("Abdul Muis", 1),
    ("Abdul Haris", 2),
    ("Abdul Majid", 2),
    ("Abdul Wahab", 2),
    ("Abdul Latif", 2),
    ("Abu Bakar", 2),
    ("Abdul Rasyid", 1),
    ("Abdul Kadir", 2),
)
_FEMALE_COMPOUND: tuple[tuple[str, int], ...] = (
    ("Nur Hayati", 3),
    ("Nur Aini", 2),
    ("Nur Jannah", 2),
    ("Sri Wahyuni", 3),
    ("Sri Rahayu", 2),
    ("Nur Aisyah", 1),
    ("Sri Mulyani", 2),
    ("Nur Halimah", 1),
)
# Faker entries that are our prefixes must not also be single given names.
_NOT_GIVEN = frozenset(
    {p for p, _ in _MALE_PREFIXES} | {p for p, _ in _FEMALE_PREFIXES} | {"Siti", "Nurul"}
)

_OTHER_PLACES: tuple[tuple[str, int], ...] = (
    ("Mataram", 6),
    ("Bima", 5),
    ("Dompu", 4),
    ("Sumbawa Besar", 3),
    ("Selong", 3),
    ("Praya", 3),
    ("Taliwang", 2),
    ("Tanjung", 1),
    ("Gerung", 2),
    ("Surabaya", 3),
    ("Makassar", 3),
    ("Ujung Pandang", 2),
    ("Jakarta", 3),
    ("Denpasar", 2),
    ("Kupang", 2),
    ("Malang", 1),
    ("Yogyakarta", 1),
    ("Bandung", 1),
    ("Semarang", 1),
    ("Ende", 1),
    ("Raba", 1),
    ("Labuan Bajo", 1),
    ("Balikpapan", 1),
    ("Kendari", 1),
    ("Palu", 1),
)
_LOCAL_PLACE_SHARE = 0.85
"""Share of persons born in one of the regency's own places (``place_of_birth``)."""


@dataclass(frozen=True)
class _Pool:
    """Strings with their cumulative draw probabilities, one table per sex.

    ``values`` holds the men's entries then the women's; ``cdf[0]`` and ``cdf[1]``
    are the cumulative probabilities of the men's and the women's part (the
    women's indices start at ``offset``). A pool with no sex uses ``cdf[0]`` only.
    """

    values: StrArray
    cdf: tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]
    offset: int

    def draw(self, rng: np.random.Generator, female: npt.NDArray[np.bool_]) -> StrArray:
        """One value per entry of ``female``, from that sex's table."""
        u = rng.random(len(female))
        men = np.minimum(np.searchsorted(self.cdf[0], u, side="right"), self.offset - 1)
        if not self.offset < len(self.values):
            return self.values[men]
        women = np.searchsorted(self.cdf[1], u, side="right")
        women = self.offset + np.minimum(women, len(self.values) - self.offset - 1)
        return self.values[np.where(female, women, men)]


def _weights(local: tuple[tuple[str, float], ...], faker: tuple[str, ...]) -> dict[str, float]:
    """Merge a weighted local list with a uniform Faker list holding ``_FAKER_SHARE``."""
    weights: dict[str, float] = {}
    local_total = sum(w for _, w in local)
    faker_ok = [n for n in dict.fromkeys(faker) if re.fullmatch(r"[A-Z][a-z]+", n)]
    faker_ok = [n for n in faker_ok if n not in _NOT_GIVEN]
    local_share = 1.0 - _FAKER_SHARE if faker_ok else 1.0
    for name, w in local:
        weights[name] = weights.get(name, 0.0) + local_share * w / local_total
    for name in faker_ok:
        weights[name] = weights.get(name, 0.0) + _FAKER_SHARE / len(faker_ok)
    return weights


def _pool(
    men: tuple[tuple[str, float], ...],
    women: tuple[tuple[str, float], ...] = (),
    men_faker: tuple[str, ...] = (),
    women_faker: tuple[str, ...] = (),
) -> _Pool:
    """Build a pool from the men's and (optionally) the women's weighted lists."""
    parts = [_weights(men, men_faker)]
    if women:
        parts.append(_weights(women, women_faker))
    cdfs = []
    for w in parts:
        p = np.array(list(w.values()))
        cdfs.append(np.cumsum(p / p.sum()))
    values = [name for w in parts for name in w]
    return _Pool(np.array(values, dtype=_STR), (cdfs[0], cdfs[-1]), offset=len(parts[0]))


@dataclass(frozen=True)
class _Vocabulary:
    """Every pool a name is drawn from."""

    prefixes: _Pool
    prefix_share: tuple[float, float]
    given: _Pool
    second: _Pool
    compound: _Pool
    places: _Pool


@functools.cache
def _place_pool(places: tuple[tuple[str, float], ...]) -> _Pool:
    """A birthplace pool of a regency's own (a tuple, so a build reuses it per chunk)."""
    return _pool(places)


@functools.cache
def _vocabulary() -> _Vocabulary:
    """Build the pools once per process."""
    f = _FakerIdPerson
    return _Vocabulary(
        prefixes=_pool(_MALE_PREFIXES, _FEMALE_PREFIXES),
        prefix_share=(sum(s for _, s in _MALE_PREFIXES), sum(s for _, s in _FEMALE_PREFIXES)),
        given=_pool(_MALE_GIVEN, _FEMALE_GIVEN, f.first_names_male, f.first_names_female),
        second=_pool(_MALE_SECOND, _FEMALE_SECOND, f.last_names_male, f.last_names_female),
        compound=_pool(_MALE_COMPOUND, _FEMALE_COMPOUND),
        places=_pool(_OTHER_PLACES),
    )


def _token_counts(
    rng: np.random.Generator, birth_year: npt.NDArray[Any]
) -> tuple[npt.NDArray[Any], npt.NDArray[np.float64]]:
    """Draw 1, 2 or 3 tokens per person (older: more often 1), and the 1-token share."""
    years = np.array([k[0] for k in _TOKEN_SHARES], dtype=float)
    p1 = np.interp(birth_year, years, [k[1] for k in _TOKEN_SHARES])
    p3 = np.interp(birth_year, years, [k[2] for k in _TOKEN_SHARES])
    u = rng.random(len(birth_year))
    return np.where(u < p1, 1, np.where(u < 1.0 - p3, 2, 3)), p1


def _distinct(
    rng: np.random.Generator,
    pool: _Pool,
    female: npt.NDArray[np.bool_],
    first: StrArray,
    drawn: StrArray,
) -> StrArray:
    """Redraw, once, the entries of ``drawn`` that repeat ``first`` ("Hamzah Hamzah")."""
    same = np.flatnonzero(drawn == first)
    if len(same):
        drawn[same] = pool.draw(rng, female[same])
    return drawn


def _join(*parts: StrArray) -> StrArray:
    """Join arrays of tokens with single spaces."""
    out = parts[0]
    for part in parts[1:]:
        out = np.strings.add(np.strings.add(out, " "), part)
    return out


# Name shapes: G given, P prefix, S second token, C two-token compound.
_G, _PG, _PGS, _GS, _C, _GGS, _CS = range(7)


def _shapes(
    rng: np.random.Generator, female: npt.NDArray[np.bool_], birth_year: npt.NDArray[Any]
) -> npt.NDArray[Any]:
    """Pick each person's name shape from the token count and the prefix share."""
    vocab = _vocabulary()
    n = len(female)
    tokens, p1 = _token_counts(rng, birth_year)
    # Prefixes only open multi-token names, at the rate that keeps their share of
    # all names of a sex the same at every age.
    share = np.where(female, vocab.prefix_share[1], vocab.prefix_share[0])
    q = np.minimum(share / np.maximum(1.0 - p1, 1e-9), 0.95)
    prefixed = (tokens > 1) & (rng.random(n) < q)
    compound = rng.random(n) < np.where(tokens == 2, 0.2, 0.5)
    return np.select(
        [
            tokens == 1,
            prefixed & (tokens == 2),
            prefixed,
            (tokens == 2) & ~compound,
            tokens == 2,
            ~compound,
        ],
        [_G, _PG, _PGS, _GS, _C, _GGS],
        default=_CS,
    )


def _canonical_names(
    rng: np.random.Generator, female: npt.NDArray[np.bool_], birth_year: npt.NDArray[Any]
) -> StrArray:
    """Names without patronymic, one per person."""
    v = _vocabulary()
    shape = _shapes(rng, female, birth_year)
    out = np.empty(len(female), dtype=_STR)
    for kind in range(7):
        rows = np.flatnonzero(shape == kind)
        if not len(rows):
            continue
        fem = female[rows]
        if kind == _G:
            out[rows] = v.given.draw(rng, fem)
        elif kind in (_PG, _PGS):
            prefix = v.prefixes.draw(rng, fem)
            given = v.given.draw(rng, fem)
            # "Nur Nurhayati" reads wrong: such a name becomes "Siti Nurhayati".
            prefix[(prefix == "Nur") & np.strings.startswith(given, "Nur")] = "Siti"
            if kind == _PG:
                out[rows] = _join(prefix, given)
            else:
                second = _distinct(rng, v.second, fem, given, v.second.draw(rng, fem))
                out[rows] = _join(prefix, given, second)
        elif kind == _GS:
            given = v.given.draw(rng, fem)
            out[rows] = _join(given, _distinct(rng, v.second, fem, given, v.second.draw(rng, fem)))
        elif kind == _C:
            out[rows] = v.compound.draw(rng, fem)
        elif kind == _GGS:
            given = v.given.draw(rng, fem)
            middle = _distinct(rng, v.given, fem, given, v.given.draw(rng, fem))
            second = _distinct(rng, v.second, fem, middle, v.second.draw(rng, fem))
            out[rows] = _join(given, middle, second)
        else:
            out[rows] = _join(v.compound.draw(rng, fem), v.second.draw(rng, fem))
    return out


def _check_sex(sex: npt.NDArray[Any]) -> None:
    bad = ~np.isin(sex, ["L", "P"])
    if bad.any():
        value = str(sex[np.flatnonzero(bad)[0]])
        raise SynthError(
            f"Jenis kelamin harus 'L' atau 'P' (ditemukan {value!r} pada {int(bad.sum())} baris).",
            english=f"Sex must be 'L' or 'P' (found {value!r} in {int(bad.sum())} rows).",
            code="SYNTH_BAD_SEX",
        )


def first_tokens(names: npt.ArrayLike) -> StrArray:
    """The first token of each name (``"Muhammad Ilham"`` -> ``"Muhammad"``).

    Examples:
        >>> first_tokens(["Muhammad Ilham", "Ruslan"]).tolist()
        ['Muhammad', 'Ruslan']
    """
    arr = np.asarray(names, dtype=_STR)
    return np.strings.partition(arr, np.array(" ", dtype=_STR))[0]


def person_names(
    rng: np.random.Generator,
    sex: npt.ArrayLike,
    birth_year: npt.ArrayLike,
    father_first_names: npt.ArrayLike | None = None,
    *,
    year: int = 2026,
) -> StrArray:
    """Draw one canonical name per person, in Title Case.

    Older people more often carry one token (``Ruslan``, ``Jaenab``); most names
    have two (``Siti Aminah``, ``Ilham Hidayat``, ``Abdul Rahman``), younger people
    more often three. About 10% of men's names open with a Muhammad form and 10%
    of women's with Siti/Sitti, at every age. ``PATRONYMIC_SHARE`` of adults
    (aged ``PATRONYMIC_MIN_AGE`` or more in ``year``) get ``bin``/``binti`` and the
    father's first token, or a drawn male given name where none is known.

    Args:
        rng: the generator all randomness comes from.
        sex: ``"L"`` (laki-laki) or ``"P"`` (perempuan) per person.
        birth_year: year of birth per person.
        father_first_names: the father's name (or its first token) per person;
            ``None`` or empty entries where unknown.
        year: the reference year that decides who is an adult.

    Returns:
        An array of ``StringDType`` names, one per person.

    Raises:
        SynthError: ``SYNTH_BAD_SEX`` for a sex other than L/P, ``SYNTH_BAD_SHAPE``
            when the arrays differ in length.

    Examples:
        >>> rng = np.random.default_rng(1)
        >>> names = person_names(rng, np.array(["L", "P"]), np.array([1950, 1995]))
        >>> len(names), all(n.istitle() for n in names)
        (2, True)
    """
    sex_arr = np.asarray(sex)
    years = np.asarray(birth_year)
    _check_lengths(sex=sex_arr, birth_year=years)
    _check_sex(sex_arr)
    out = _canonical_names(rng, sex_arr == "P", years)

    adult = years <= year - PATRONYMIC_MIN_AGE
    rows = np.flatnonzero(adult & (rng.random(len(out)) < PATRONYMIC_SHARE))
    if len(rows):
        father = _father_tokens(rng, father_first_names, rows, len(out))
        word = np.where(sex_arr[rows] == "L", " bin ", " binti ").astype(_STR)
        out[rows] = np.strings.add(np.strings.add(out[rows], word), father)
    return out


def _father_tokens(
    rng: np.random.Generator, fathers: npt.ArrayLike | None, rows: npt.NDArray[Any], n: int
) -> StrArray:
    """The father's first token for ``rows``, or a drawn male given name where unknown."""
    drawn = _vocabulary().given.draw(rng, np.zeros(len(rows), dtype=bool))
    if fathers is None:
        return drawn
    known = np.asarray(fathers, dtype=object)
    _check_lengths(sex=np.empty(n), father_first_names=known)
    picked = known[rows]
    picked = np.where(picked == None, "", picked)  # noqa: E711 (elementwise)
    tokens = first_tokens(picked.astype(str))
    return np.where(np.strings.str_len(tokens) > 0, tokens, drawn).astype(_STR)


def _check_lengths(**arrays: npt.NDArray[Any]) -> None:
    sizes = {name: len(a) for name, a in arrays.items()}
    if len(set(sizes.values())) > 1:
        listed = ", ".join(f"{k}={v}" for k, v in sizes.items())
        raise SynthError(
            f"Panjang larik tidak sama ({listed}); berikan satu nilai per orang.",
            english=f"Arrays differ in length ({listed}); give one value per person.",
            code="SYNTH_BAD_SHAPE",
        )


def mother_names(rng: np.random.Generator, n: int) -> StrArray:
    """Draw ``n`` birth mothers' names, for the DTKS ``nama_ibu_kandung`` column.

    Mothers are women born 1935–1994 (so their names lean to the older shapes),
    with no patronymic, as the column is usually written.

    Examples:
        >>> names = mother_names(np.random.default_rng(3), 4)
        >>> len(names), all(n.istitle() for n in names)
        (4, True)
    """
    years = rng.integers(1935, 1995, n)
    return _canonical_names(rng, np.ones(n, dtype=bool), years)


def place_of_birth(
    rng: np.random.Generator,
    n: int,
    local_places: list[str],
    other_places: tuple[tuple[str, float], ...] | None = None,
) -> StrArray:
    """Draw ``n`` places of birth: mostly the regency's own places, some other cities.

    ``_LOCAL_PLACE_SHARE`` (85%) of persons are born in one of ``local_places``
    (chosen uniformly, e.g. the regency and its district names); the rest in the
    weighted ``other_places``, by default a list of NTB towns and large Indonesian
    cities (Mataram, Bima, Surabaya, Makassar, the older name Ujung Pandang...).
    With no local places, every draw comes from that list.

    Examples:
        >>> places = place_of_birth(np.random.default_rng(0), 5, ["Dompu", "Woja"])
        >>> len(places)
        5
    """
    others = _vocabulary().places if other_places is None else _place_pool(other_places)
    index = np.minimum(
        np.searchsorted(others.cdf[0], rng.random(n), side="right"), len(others.values) - 1
    )
    if not local_places:
        return others.values[index]
    choices = np.concatenate([others.values, np.array(local_places, dtype=_STR)])
    local = rng.random(n) < _LOCAL_PLACE_SHARE
    index[local] = len(others.values) + rng.integers(0, len(local_places), int(local.sum()))
    return choices[index]
