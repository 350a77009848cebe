"""The padanan model's SQL: the cheap test in front of the NIK edit distance changes no level."""

from __future__ import annotations

import random

import duckdb

from sinergi.pipeline.link.model import _one_edit_apart


def _edits(nik: str) -> list[str]:
    """Every NIK one edit from ``nik``: each substitution, transposition, insertion, deletion."""
    found = []
    for i in range(len(nik)):
        found.append(nik[:i] + str((int(nik[i]) + 1) % 10) + nik[i + 1 :])
        found.append(nik[:i] + nik[i + 1 :])
        found.append(nik[:i] + "7" + nik[i:])
        if i + 1 < len(nik):
            found.append(nik[:i] + nik[i + 1] + nik[i] + nik[i + 2 :])
    return found


def test_the_guard_keeps_every_pair_one_edit_apart_and_only_those() -> None:
    draw = random.Random(7)
    niks = ["5205014501900001", "5205010101010001", "520501450190001", "52050145019000012"]
    niks += ["".join(draw.choice("0123456789") for _ in range(16)) for _ in range(40)]
    pairs = [(a, b) for a in niks for b in _edits(a)]
    # Two edits apart, and pairs of unrelated NIKs.
    pairs += [(a, c) for a in niks[:10] for b in _edits(a)[::5] for c in _edits(b)[::7]]
    pairs += [(a, b) for a in niks for b in niks]
    connection = duckdb.connect()
    connection.execute("CREATE TABLE pairs (nik_l VARCHAR, nik_r VARCHAR)")
    connection.executemany("INSERT INTO pairs VALUES (?, ?)", pairs)
    guarded, plain, disagreeing = connection.sql(
        f"SELECT count(*) FILTER ({_one_edit_apart('damerau_levenshtein')}),"
        " count(*) FILTER (damerau_levenshtein(nik_l, nik_r) <= 1),"
        f" count(*) FILTER (({_one_edit_apart('damerau_levenshtein')})"
        " <> (damerau_levenshtein(nik_l, nik_r) <= 1)) FROM pairs"
    ).fetchall()[0]
    assert disagreeing == 0
    assert guarded == plain > len(niks) * 40  # the one-edit pairs were there to be kept
