"""The desa follow-up list: which family, why, which program fits and which OPD acts on it.

One row per family and reason: a program the family is eligible for but does
not receive (exclusion), a program it receives without meeting the rule
(inclusion, to verify), a double receipt, or a flag of the settings
(out-of-school children, missing documents, ...). The lake keeps only ids and
reasons; names, NIK and addresses are joined when a workbook is written.
"""

from __future__ import annotations

import polars as pl

from sinergi.pipeline.diagnose.rules import RuleSet
from sinergi.pipeline.diagnose.sql import RuleSql
from sinergi.pipeline.diagnose.status import Assessment

# Without a KK or NIK no program can pay a family: Disdukcapil acts first.
BLOCKED = " (terhalang dokumen: lengkapi KK/NIK di Disdukcapil dulu)"
KINDS = {
    "exclusion": "Layak {name} tetapi belum menerima",
    "inclusion": "Menerima {name} tetapi tidak memenuhi syarat: verifikasi ulang",
    "unregistered": "Menerima {name} tetapi tidak ditemukan di registri: padankan atau "
    "usulkan masuk DTSEN",
    "double": "Tercatat menerima {name} lebih dari sekali dalam satu periode",
}


FOLLOW_UP_ORDER = ("area_code", "hid", "kind", "program")


def follow_up(
    assessment: Assessment, rule_set: RuleSet, sql: RuleSql | None = None
) -> pl.DataFrame:
    """Rows ``hid``, ``area_code``, ``kind``, ``reason``, ``program``, ``opd``, sorted by desa."""
    families = assessment.families
    parts = []
    for program in rule_set.programs:
        if program.id not in assessment.listed:
            continue
        for kind, template in KINDS.items():
            flagged = families.filter(pl.col(f"{kind}_{program.id}"))
            reason = template.format(name=program.name)
            parts.append(
                flagged.select(
                    "hid",
                    "area_code",
                    pl.lit(kind).alias("kind"),
                    pl.when(pl.col("missing_documents") & (kind == "exclusion"))
                    .then(pl.lit(reason + BLOCKED))
                    .otherwise(pl.lit(reason))
                    .alias("reason"),
                    pl.lit(program.id).alias("program"),
                    pl.lit(program.opd).alias("opd"),
                )
            )
    flags = {f"_flag_{f.id}": f.when.condition() for f in rule_set.settings.follow_ups}
    marked = (sql or RuleSql()).add(families, flags)
    for flag in rule_set.settings.follow_ups:
        parts.append(
            marked.filter(pl.col(f"_flag_{flag.id}")).select(
                "hid",
                "area_code",
                pl.lit(flag.id).alias("kind"),
                pl.lit(flag.label).alias("reason"),
                pl.lit(flag.program).alias("program"),
                pl.lit(flag.opd).alias("opd"),
            )
        )
    return pl.concat(parts, how="vertical").sort(FOLLOW_UP_ORDER, nulls_last=True)
