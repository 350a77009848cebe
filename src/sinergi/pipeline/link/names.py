"""Normalise Indonesian personal names for record linkage: one spelling per name, and a key."""

# The same person is written "H. Moch. Soedjono, S.Pd" in one register and
# "Muhammad Sujono" in another. Splink compares what this module makes of both:
#
# 1. Clean: upper case; apostrophes deleted (they mark the Arabic 'ain inside one
#    word: "Ma'ruf", "Nur'aini" are one token, and typed or curly they must give
#    the same result); accents and other non-ASCII dropped after NFKD ("Ṣiti" ->
#    "SITI"); everything from the first comma on dropped (degrees: "Ahmad,
#    S.Pd." -> "AHMAD"); every other non-letter, digits included, becomes a space
#    (names have no digits: they are row numbers or Excel debris); spaces
#    collapsed and trimmed. See `CLEAN_RULES`.
# 2. Titles, honorifics and degrees removed as whole tokens (`TITLE_RULES`).
#    "H" anywhere is Haji; "M" is never a title (it is Muhammad, step 4), so
#    degrees that begin with a lone letter and end with an ambiguous one ("S H",
#    "M M", "S T") are removed only at the end of the name, where degrees stand.
#    A name that is nothing but titles ("H.", "Drs.") keeps its tokens: an
#    unknown person named "H" is better than a person with no name.
# 3. Patronymic: the first "BIN"/"BINTI"/"BT"/"BTE" that is not the first token
#    ends the name; the father's name after it (up to a further "bin", which
#    starts the grandfather's) goes to ``patronym`` and gets steps 4 and 5 too.
# 4. Canonical forms of tokens that are abbreviations or spelling variants of one
#    name: MOH/MUH/M/MOCHAMAD... -> MUHAMMAD, ST/SITTI -> SITI (`CANONICAL_RULES`).
#    Whole tokens only: "MUHAMMADIYAH" or "STEFANUS" stay as they are.
# 5. Spelling before the 1972 reform (EYD) brought to the current one, per token:
#    OE -> U, DJ -> J, TJ -> C, SJ -> SY, CH -> KH (`OLD_SPELLING_RULES`). In the
#    old spelling a lone J was the sound Y ("TJAHJA" = "CAHYA"), but a modern J
#    is J ("JOHANA", "PANJI"), so J -> Y (and NJ -> NY) is done only in a token
#    that also shows an old digraph (OE, DJ, TJ, SJ, or NJ at its start): the
#    best a rule can do without a dictionary ("JUSUF", a mixed spelling with no
#    old digraph, is settled as a canonical token in step 4 instead). Step 4 runs
#    again afterwards so that old spellings of canonical names ("MOEHAMAD",
#    "ABDOEL") end up canonical.
# 6. ``name_norm`` is the tokens joined by one space, ``name_compact`` the same
#    without spaces ("NUR HAYATI" = "NURHAYATI"), ``first_token`` its first token
#    and ``name_phonetic`` = `phonetic_key` of the compact form.
#
# Every rule is a (regex, replacement) pair in Rust regex syntax without
# look-around or back-references, so the same tuples can be replayed as Spark
# SQL ``regexp_replace`` calls in the same order: replacements write ``${1}``,
# which is ``$1`` in Java; step 5's per-token guard is ``transform(split(...))``
# there, and `PHONETIC_LETTERS`, one pass here, are as many calls there. Spark
# has no NFKD: its ``translate`` of the accented letters, or a UDF, stands in.
# Where a rule can only change a few names (old spellings, doubled letters),
# only those names go through it; and each distinct name is normalised once.

from __future__ import annotations

import string

import polars as pl

__all__ = [
    "APOSTROPHES",
    "CANONICAL_RULES",
    "CLEAN_RULES",
    "DOUBLED",
    "DOUBLES",
    "NAME_COLUMNS",
    "OLD_J_RULE",
    "OLD_SPELLING_GUARD",
    "OLD_SPELLING_RULES",
    "OLD_SPELLING_SIGNS",
    "PATRONYM_CUT",
    "PATRONYM_EXTRACT",
    "PHONETIC_LETTERS",
    "PHONETIC_RULES",
    "TITLE_RULES",
    "Rule",
    "normalise_name",
    "normalise_names",
    "phonetic_key",
]

Rule = tuple[str, str]
"""A regex (Rust syntax, no look-around, no back-references) and its replacement."""

NAME_COLUMNS = ("name_norm", "patronym", "name_compact", "name_phonetic", "first_token")
"""Columns of `normalise_names`, all strings, null when nothing is left of the name."""

# --- Step 1 -----------------------------------------------------------------

APOSTROPHES: Rule = ("['`´‘’ʼʻ′]", "")
"""Applied before NFKD, which would turn "´" into a space and an accent."""

CLEAN_RULES: tuple[Rule, ...] = (
    (r"[^\x00-\x7F]", ""),  # the accents NFKD split off, and anything without an ASCII form
    (r"(?s),.*", ""),  # degrees follow a comma: "AHMAD, S.PD."
    (r"[^A-Z]+", " "),
    (r"^ | $", ""),
)

# --- Step 2 -----------------------------------------------------------------

# Titles and honorifics that stand before a name, and degrees written as one token.
_TITLES = (
    # Hajj, religion and respect
    "H", "HJ", "HJH", "HAJI", "HAJAH", "HAJJAH", "KH", "TGH", "KYAI", "KIAI", "UST",
    "USTADZ", "USTAZ", "USTADZAH", "USTAZAH", "NY", "TN", "SDR", "SDRA", "SDRI", "IBU",
    "BPK", "BP", "BAPAK",
    # the deceased
    "ALM", "ALMH", "ALHM", "ALMRH", "ALMARHUM", "ALMARHUMAH",
    # academic and professional
    "DRS", "DRA", "DR", "DRG", "DRH", "IR", "PROF", "NS", "BD",
    "SPD", "SPDI", "SE", "SEI", "SH", "SHI", "SAG", "SKOM", "SSOS", "SKM", "SIP", "SST",
    "SKEP", "SKED", "SFARM", "SPSI", "STP", "SSI", "SHUT", "SIKOM",
    "AMD", "AMA", "AMK", "AMDKEB", "AMDKEP", "AMDKES",
    "MPD", "MPDI", "MSI", "MAG", "MH", "MKES", "MKOM", "MM", "MT", "MSC", "MHUM",
)  # fmt: skip

# Degrees that became several tokens ("S.Pd.I" -> "S PD I"); the later tokens are
# never name parts, so these go wherever they stand.
_DEGREES = (
    "S PD I", "S PD", "S PDI", "S SOS I", "S SOS", "S KOM", "S AG", "S IP", "S KM", "S KEP",
    "S KED", "S FARM", "S PSI", "S HI", "S EI", "S TP", "S SI", "S HUT", "S IKOM", "S TR",
    "A MD KEB", "A MD KEP", "A MD KES", "A MD", "A MA PD", "A MA", "A MK",
    "M PD I", "M PD", "M SI", "M AG", "M KES", "M KOM", "M HUM", "M SC", "M SOS", "M HI",
)  # fmt: skip

# Degrees whose tokens could be initials ("M" is Muhammad, "S E" two initials, "ST"
# is Siti): removed only as the last tokens of a name, where degrees stand.
_END_DEGREES = (
    "S E I", "S E", "S H I", "S H", "S T", "S S", "S P", "M M", "M H", "M T", "M E", "ST",
)  # fmt: skip


def _tokens(words: tuple[str, ...]) -> str:
    """One alternation, longest first: an engine that takes the first fitting one gets it all."""
    return "|".join(sorted(words, key=len, reverse=True))


TITLE_RULES: tuple[Rule, ...] = (
    (rf"\b(?:{_tokens(_DEGREES)})\b", ""),
    # Before the single tokens, or "AHMAD S H" would lose the "H" and keep the "S".
    (rf"(?: +(?:{_tokens(_END_DEGREES)}))+ *$", ""),
    # "K.H." (Kyai Haji) written with its dots: a "K" before "H" opening a name.
    (r"^K H\b", ""),
    (rf"\b(?:{_tokens(_TITLES)})\b", ""),
    (" {2,}", " "),
    ("^ | $", ""),
)

# --- Step 3 -----------------------------------------------------------------

_BIN = "BINTI|BIN|BTE|BT"
PATRONYM_CUT: Rule = (rf" (?:{_BIN})\b.*$", "")
"""Removes the patronymic from the name; the leading space spares a first token "BIN"."""
PATRONYM_EXTRACT = rf" (?:{_BIN}) (.+?)(?: (?:{_BIN})\b.*)?$"
"""Group 1 is the father's name, without a grandfather's after a further "bin"."""

# --- Step 4 -----------------------------------------------------------------

_CANONICAL: dict[str, tuple[str, ...]] = {
    "MUHAMMAD": (
        "M", "MOH", "MOHD", "MOCH", "MUH", "MUHD", "MHD", "MHMD", "MUHAMAD", "MOHAMMAD",
        "MOHAMAD", "MOCHAMMAD", "MOCHAMAD", "MOKHAMMAD", "MOKHAMAD", "MUCHAMMAD",
        "MUCHAMAD", "MUKHAMMAD", "MUKHAMAD", "MOHAMMED", "MOHAMED", "MUHAMMED", "MUHAMED",
    ),
    "AHMAD": ("ACHMAD", "AKHMAD", "ACHMAT", "AKHMAT", "AHMAT", "AHMED"),
    "ABDUL": ("ABD", "ABDOEL", "ABDUL"),
    "SITI": ("ST", "SITTI"),
    # "NURUL" (of the light) is a name of its own and stays.
    "NUR": ("NOER", "NOOR", "NOUR"),
    "MUKHTAR": ("MOCHTAR", "MUCHTAR", "MOKHTAR"),
    # "Jusuf" mixes spellings and has no old digraph for step 5 to see.
    "YUSUF": ("JUSUF", "JOESOEF", "YOESOEF", "YUSUP", "JUSUP"),
    # Sasak titles that are part of the name (Lombok); "L." is how forms abbreviate Lalu.
    "LALU": ("L",),
    "BAIQ": ("BQ",),
}  # fmt: skip

CANONICAL_RULES: tuple[Rule, ...] = tuple(
    (rf"\b(?:{_tokens(variants)})\b", canonical) for canonical, variants in _CANONICAL.items()
)

# --- Step 5 -----------------------------------------------------------------

OLD_SPELLING_GUARD = "OE|DJ|TJ|SJ|^NJ"
"""A token matching this is in the old spelling, so its lone J (and NJ) is a Y."""
OLD_J_RULE: Rule = ("(^|[^DTS])J", "${1}Y")
"""Applied, per token, to guarded tokens only; DJ, TJ and SJ keep their J for the rules below."""
OLD_SPELLING_SIGNS = r"OE|DJ|TJ|SJ|CH|\bNJ"
"""A name step 5 can change: the others skip it."""

OLD_SPELLING_RULES: tuple[Rule, ...] = (
    ("OE", "U"),
    ("DJ", "J"),
    ("TJ", "C"),
    ("SJ", "SY"),
    ("CHR", "KR"),  # "CHRISTINA" is "KRISTINA", not "KHRISTINA"
    ("CH", "KH"),
)

# --- The phonetic key (`phonetic_key`) --------------------------------------

_LETTERS = string.ascii_uppercase
DOUBLED = "|".join(c + c for c in _LETTERS)
"""A name with a doubled letter: "AA|BB|...|ZZ"."""
DOUBLES: Rule = (
    "|".join(f"({c}){c}+" for c in _LETTERS),
    "".join(f"${{{i}}}" for i in range(1, len(_LETTERS) + 1)),
)
"""Every run of one letter becomes one letter: "(A)A+|(B)B+|..." puts back the one group
that took part ("${1}${2}...", the others are empty); one pass instead of 26."""

# Letters that spell one sound, replaced in one pass (leftmost match first, so
# "DZ" before "Z"); in Spark, the same pairs in this order as ``regexp_replace``.
PHONETIC_LETTERS: tuple[Rule, ...] = (
    ("DZ", "J"),  # DZULKIFLI = ZULKIFLI
    ("Z", "J"),  # ZAENAB = JAENAB (Sundanese has no z), RIZKI = RIJKI
    ("KH", "H"),  # KHADIJAH = HADIJAH, RAKHMAT (RACHMAT) = RAHMAT, KHAIRUL = HAIRUL
    ("SY", "S"),  # SYAMSUL = SAMSUL
    ("TS", "S"),  # UTSMAN = USMAN
    ("PH", "P"),
    ("V", "P"),  # NOVI = NOPI
    ("F", "P"),  # FATIMAH = PATIMAH, ARIFIN = ARIPIN (no f in many regional languages)
    ("Q", "K"),  # TAUFIQ = TAUFIK
    ("X", "KS"),
    ("AE", "AI"),  # ZAENAL = ZAINAL, ISMAEL = ISMAIL
    ("AO", "AU"),  # SAODAH = SAUDAH, MAOLANA = MAULANA
)

PHONETIC_RULES: tuple[Rule, ...] = (
    ("IY([AEIOU])", "I${1}"),  # SUPRIYADI = SUPRIADI, RIYANTI = RIANTI
    ("UW([AEIOU])", "U${1}"),  # JUWITA = JUITA
    ("Y([^AEIOU]|$)", "I${1}"),  # HENDY = HENDI, RAYHAN = RAIHAN
    ("W([^AEIOU]|$)", "U${1}"),  # MAWLANA = MAULANA
    # H is only heard at the start and between vowels
    ("([^AEIOU])H", "${1}"),  # RAMADHAN = RAMADAN, FATHUL = FATUL, SHOLEH = SOLEH
    ("([AEIOU])H([^AEIOU]|$)", "${1}${2}"),  # AMINAH = AMINA, ABDULLAH = ABDULA
)
"""The key: spaces out, `DOUBLES`, `PHONETIC_LETTERS`, these in order, `DOUBLES` again."""


def _apply(expr: pl.Expr, rules: tuple[Rule, ...]) -> pl.Expr:
    for pattern, replacement in rules:
        expr = expr.str.replace_all(pattern, replacement)
    return expr


def _nonempty(column: str) -> pl.Expr:
    """The column, null where it is empty (a column, not an expression, so it is computed once)."""
    return pl.when(pl.col(column).str.len_bytes() > 0).then(pl.col(column)).alias(column)


def _run(values: pl.Series, rules: tuple[Rule, ...]) -> pl.Series:
    return values.to_frame().select(_apply(pl.col(values.name), rules)).to_series()


def _rows(values: pl.Series, pattern: str) -> pl.Series:
    return values.str.contains(pattern).fill_null(False).arg_true()


def _old_spelling(values: pl.Series) -> pl.Series:
    """Step 5 on names that show an old spelling, then step 4 again on them."""
    token = pl.element()
    return _run(
        values.str.split(" ")
        .list.eval(
            pl.when(token.str.contains(OLD_SPELLING_GUARD))
            .then(token.str.replace_all(*OLD_J_RULE))
            .otherwise(token)
        )
        .list.join(" "),
        OLD_SPELLING_RULES + CANONICAL_RULES,
    )


def _canonical_spelling(values: pl.Series) -> pl.Series:
    """Steps 4, 5 and 4 again, on cleaned, title-free names or patronyms."""
    values = _run(values, CANONICAL_RULES)
    # Step 5 changes only the few names with an old spelling; the rest skip it.
    old = _rows(values, OLD_SPELLING_SIGNS)
    if old.is_empty():
        return values
    return values.scatter(old, _old_spelling(values.gather(old)))


def _collapse_doubles(values: pl.Series) -> pl.Series:
    # The 26 capture groups make this the dearest rule; most names have no double.
    doubled = _rows(values, DOUBLED)
    if doubled.is_empty():
        return values
    return values.scatter(doubled, values.gather(doubled).str.replace_all(*DOUBLES))


def _phonetic(values: pl.Series) -> pl.Series:
    """`phonetic_key`, but empty where the name is empty."""
    values = _collapse_doubles(values.str.replace_all(" ", "", literal=True))
    values = values.str.replace_many(
        [old for old, _ in PHONETIC_LETTERS], [new for _, new in PHONETIC_LETTERS], leftmost=True
    )
    return _collapse_doubles(_run(values, PHONETIC_RULES))


def phonetic_key(names: pl.Series) -> pl.Series:
    """The Indonesian phonetic key of already-normalised names (``name_norm`` or compact).

    The key is the name without spaces in which spellings of one sound, as they
    really vary in Indonesian registers, are made one (`PHONETIC_RULES`):

    * a doubled letter is one letter (MUHAMMAD/MUHAMAD, ABDULLAH/ABDULAH);
    * DZ and Z are J (DZULKIFLI/ZULKIFLI; Sundanese writes ZAENAB as JAENAB),
      KH is H (KHADIJAH/HADIJAH, RACHMAT via RAKHMAT/RAHMAT), SY and TS are S
      (SYAMSUL/SAMSUL, UTSMAN/USMAN), PH, V and F are P (FATIMAH/PATIMAH,
      ARIFIN/ARIPIN: many regional languages have no f), Q is K, X is KS;
    * AE is AI (ZAENAL/ZAINAL), AO is AU (SAODAH/SAUDAH), IY and UW before a
      vowel are I and U (SUPRIYADI/SUPRIADI), Y and W not before a vowel are I
      and U (HENDY/HENDI, RAYHAN/RAIHAN);
    * H is kept only at the start and between vowels (RAMADHAN/RAMADAN,
      FATHUL/FATUL, AMINAH/AMINA), which also makes "NUR HAYATI" and "NURHAYATI" agree.

    The first letter is never dropped (only mapped like the others: FATIMAH and
    PATIMAH share a key). Vowels are otherwise kept as written, so names that
    differ by sex or by a sound stay apart: PUTRI/PUTRA, AGUS/AGUNG,
    WAHYU/WAHYUNI, IWAN/IRWAN, SITI AMINAH/SITI ROHANA. J is not Y (JUSUF is made
    YUSUF as a whole token in `normalise_names`, not here: a general J = Y
    would merge JANAH and YANAH, JULI and YULI). Null or empty in, null out.

    Examples:
        >>> names = pl.Series(["RAMADHAN", "RAMADAN", "FATHUR RAHMAN", "FATURAHMAN"])
        >>> phonetic_key(names).to_list()
        ['RAMADAN', 'RAMADAN', 'PATURAMAN', 'PATURAMAN']
        >>> names = pl.Series(["KHAIRUL", "HENDY", "DZULKIFLI", "PUTRI", "PUTRA", None])
        >>> phonetic_key(names).to_list()
        ['HAIRUL', 'HENDI', 'JULKIPLI', 'PUTRI', 'PUTRA', None]
    """
    key = _phonetic(names.cast(pl.String))
    return key.to_frame("key").select(_nonempty("key")).to_series().alias(names.name)


def _normalise_distinct(raw: pl.Series) -> pl.DataFrame:
    """`normalise_names` for distinct, non-null values, with the input kept as ``raw``."""
    cleaned = pl.col("raw").str.to_uppercase().str.replace_all(*APOSTROPHES)
    untitled = _apply(pl.col("cleaned"), TITLE_RULES)
    parts = (
        raw.to_frame("raw")
        .with_columns(_apply(cleaned.str.normalize("NFKD"), CLEAN_RULES).alias("cleaned"))
        .with_columns(_nonempty("cleaned"), untitled.alias("whole"))
        .with_columns(
            pl.when(pl.col("whole").str.len_bytes() > 0)
            .then(pl.col("whole"))
            .otherwise(pl.col("cleaned"))
        )
        .select(
            "raw",
            pl.col("whole").str.replace(*PATRONYM_CUT).alias("name_norm"),
            pl.col("whole").str.extract(PATRONYM_EXTRACT, 1).alias("patronym"),
        )
    )
    name_norm = _canonical_spelling(parts["name_norm"])
    return (
        parts.with_columns(name_norm, _canonical_spelling(parts["patronym"]))
        .with_columns(
            pl.col("name_norm").str.replace_all(" ", "", literal=True).alias("name_compact"),
            _phonetic(name_norm).alias("name_phonetic"),
            pl.col("name_norm").str.extract(r"^([^ ]+)", 1).alias("first_token"),
        )
        .with_columns(_nonempty(column) for column in NAME_COLUMNS)
    )


def normalise_names(names: pl.Series) -> pl.DataFrame:
    """One row per input value, columns NAME_COLUMNS (all pl.String, null when nothing is left).

    Each distinct value is normalised once (a register repeats its names a lot)
    and the result is joined back in the input's order.

    Examples:
        >>> frame = normalise_names(pl.Series(["H. Moch. Soedjono bin Achmad, S.Pd", "  "]))
        >>> frame.row(0, named=True)  # doctest: +NORMALIZE_WHITESPACE
        {'name_norm': 'MUHAMMAD SUJONO', 'patronym': 'AHMAD',
         'name_compact': 'MUHAMMADSUJONO', 'name_phonetic': 'MUHAMADSUJONO',
         'first_token': 'MUHAMMAD'}
        >>> frame.row(1)
        (None, None, None, None, None)
    """
    frame = names.cast(pl.String).to_frame("raw")
    distinct = _normalise_distinct(frame["raw"].drop_nulls().unique())
    return frame.join(distinct, on="raw", how="left", maintain_order="left").select(NAME_COLUMNS)


def normalise_name(name: str | None) -> dict[str, str | None]:
    """The same for one name (calls normalise_names on a one-element Series); for docs and tests.

    Examples:
        >>> normalise_name("Hj. Siti Nur'aini")["name_norm"]
        'SITI NURAINI'
        >>> normalise_name("Drs.")["name_norm"]
        'DRS'
    """
    return normalise_names(pl.Series([name], dtype=pl.String)).row(0, named=True)
