"""Import files into snapshots: choose a profile, read, validate, write rows and quarantine.

`import_files` is what ``sinergi import`` and the site's upload call. For every
sheet of every file it keeps the raw file under its SHA-256, writes the
accepted rows as a Parquet snapshot with a manifest and the rejected rows to
quarantine, all or nothing, and returns an `ImportOutcome` the caller can
report. Importing the same file with the same profile again changes nothing.

Files are independent (validation keeps state across a file's batches, never
across files), so they can be imported side by side: with ``workers`` above one
by that many local processes, and with ``engine="spark"`` as one Spark task per
file on the executors. Either way every file is read, validated and written
exactly as this process would, and the snapshots are those of a one-by-one run.
"""

from __future__ import annotations

import difflib
import hashlib
import logging
import multiprocessing
import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, Literal

import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq

from sinergi import __version__
from sinergi.errors import PipelineError, SinergiError
from sinergi.lake.contracts import CONTRACTS, ISSUES, ROW, SHEET
from sinergi.lake.engine import Engine
from sinergi.lake.home import (
    SNAPSHOT_DATA,
    DataHome,
    current_user,
    file_sha256,
    read_manifest,
    write_atomically,
    write_manifest,
)
from sinergi.pipeline.ingest import profiles as profile_rules
from sinergi.pipeline.ingest.profiles import HeaderMatch, Profile
from sinergi.pipeline.ingest.readers import SheetPreview, SheetReader, preview, read_sheet
from sinergi.pipeline.ingest.reasons import REASONS
from sinergi.pipeline.ingest.validate import FileState, validate
from sinergi.reports.formats import id_number

log = logging.getLogger(__name__)

Status = Literal["imported", "unchanged", "failed", "skipped"]
Progress = Callable[[int], None]  # called with the rows just read
SAMPLES_PER_REASON = 20
FILE_SUFFIXES = {".csv", ".txt", ".tsv", ".xlsx", ".xlsm", ".xls", ".ods"}
_PERIOD_IN_NAME = re.compile(r"(?<!\d)(20\d{2})(?:[-_]?(0[1-9]|1[0-2]))?(?!\d)")
_CODED = ("code", "flag")  # kinds whose values a profile can give aliases for
_PERIOD = re.compile(r"20\d{2}(-(0[1-9]|1[0-2]))?")


@dataclass(frozen=True)
class Sample:
    """One occurrence of a reason: where it is and the original text (personal data)."""

    row: int
    sheet: str | None
    field: str | None
    column: str | None  # the file's header label of the field
    code: str
    text: str | None


@dataclass
class ImportOutcome:
    """What happened to one sheet of one file."""

    path: Path
    sheet: str | None
    status: Status
    message: str  # Bahasa Indonesia
    message_en: str
    manifest: dict[str, Any] | None = None
    snapshot: Path | None = None
    samples: dict[str, list[Sample]] = field(default_factory=dict)


def import_files(
    paths: Iterable[Path],
    *,
    home: DataHome,
    profile: str = "auto",
    period: str | None = None,
    scope: str | None = None,
    user: str | None = None,
    today: date | None = None,
    progress: Progress | None = None,
    engine: Engine = "duckdb",
    workers: int = 1,
    force: bool = False,
) -> list[ImportOutcome]:
    """Import every file (folders are searched for data files) and say what became of each sheet.

    Args:
        paths: files or folders.
        home: the data folder.
        profile: a profile name, or ``"auto"`` to pick one from each sheet's headers.
        period: ``YYYY-MM`` (or ``YYYY``) the data describes; default: from the
            file name, else the month of the import.
        scope: the wilayah prefix area names are resolved within, e.g. ``52.05``.
        user: who imports (default: the operating-system user).
        today: the date checks compare with (default: today).
        progress: called with the number of rows read after every batch (files
            imported side by side: after every file).
        engine: ``"spark"`` imports the files as parallel Spark tasks.
        workers: on DuckDB, how many files are imported at once, each in its own
            process (one: here, one after the other).
        force: apply the named ``profile`` even when it fits a sheet below
            `AUTO_THRESHOLD` or maps none of the contract's identity fields
            (otherwise such a sheet fails with the score, the missing columns and
            the best-fitting profile).

    Raises:
        PipelineError: a path does not exist, the period is malformed or the
            profile name is unknown — before anything is written.
    """
    if period is not None and not _PERIOD.fullmatch(period):
        raise PipelineError(
            f"Periode '{period}' tidak sah; tulis YYYY-MM, misalnya 2026-09.",
            english=f"Invalid period {period!r}; expected YYYY-MM.",
            code="PERIOD_INVALID",
        )
    known = profile_rules.load_profiles([home.profiles_dir])
    if profile != "auto" and profile not in known:
        raise PipelineError(
            f"Profil '{profile}' tidak dikenal. Pilihan: {', '.join(sorted(known))}.",
            english=f"Unknown profile {profile!r}.",
            code="PROFILE_UNKNOWN",
        )
    candidates = known if profile == "auto" else {profile: known[profile]}
    run = _Run(
        home, candidates, profile == "auto", period, scope, user or current_user(), today, progress,
        known=known, force=force,
    )  # fmt: skip
    files = _data_files(paths)
    if engine == "spark":
        return _side_by_side(run, files, _on_spark)
    if workers > 1 and len(files) > 1:
        return _side_by_side(run, files, lambda task, jobs: _in_processes(task, jobs, workers))
    outcomes: list[ImportOutcome] = []
    for path in files:
        outcomes += run.file(path)
    return outcomes


_Job = tuple[int, Path, str]  # a file's place in the list, its path and its digest
_Imported = tuple[int, list[ImportOutcome]]
_Spread = Callable[["_Run", list[_Job]], Iterable[_Imported]]


def _side_by_side(run: _Run, files: list[Path], spread: _Spread) -> list[ImportOutcome]:
    """Files imported at once by ``spread``; a file whose bytes came earlier, here afterwards.

    Two copies of one file would write the same snapshot at once; imported one
    after the other, the second is "unchanged", as in a one-by-one run.
    """
    digests = [file_sha256(path) for path in files]
    first: dict[str, int] = {}
    for index, digest in enumerate(digests):
        first.setdefault(digest, index)
    # Every task checks dates against this process's day and counts rows per file, not per batch.
    task = replace(run, today=run.today or date.today(), progress=None)
    outcomes: dict[int, list[ImportOutcome]] = {}
    jobs = [(index, files[index], digest) for digest, index in first.items()]
    for index, done in spread(task, jobs) if jobs else ():
        outcomes[index] = done
        if run.progress:
            run.progress(_rows_read(done))
    for index, path in enumerate(files):
        if index not in outcomes:
            outcomes[index] = task.file(path, digests[index])
    return [outcome for index in range(len(files)) for outcome in outcomes[index]]


def _rows_read(outcomes: list[ImportOutcome]) -> int:
    imported = [o.manifest for o in outcomes if o.status == "imported" and o.manifest]
    return sum(manifest["counts"]["rows_read"] for manifest in imported)


def _on_spark(task: _Run, jobs: list[_Job]) -> list[_Imported]:
    """One Spark task per file."""
    from sinergi.lake.engine import spark_session

    spread = spark_session().sparkContext.parallelize(jobs, numSlices=len(jobs))
    return spread.map(lambda job: (job[0], task.file(job[1], job[2]))).collect()


def _in_processes(task: _Run, jobs: list[_Job], workers: int) -> Iterable[_Imported]:
    """Each file imported by one of ``workers`` local processes, yielded as each finishes."""
    # Spawned, not forked: a fork copies Polars' and DuckDB's thread pools mid-work.
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(min(workers, len(jobs)), mp_context=context) as pool:
        running = [pool.submit(_import_one, task, job) for job in jobs]
        for finished in as_completed(running):
            yield finished.result()


def _import_one(task: _Run, job: _Job) -> _Imported:
    index, path, digest = job
    return index, task.file(path, digest)


@dataclass
class _Run:
    """One call of `import_files`: its settings, applied file by file and sheet by sheet."""

    home: DataHome
    profiles: Mapping[str, Profile]
    auto: bool
    period: str | None
    scope: str | None
    user: str
    today: date | None
    progress: Progress | None
    known: Mapping[str, Profile] = field(default_factory=dict)  # every profile, to name the best
    force: bool = False

    def file(self, path: Path, sha256: str | None = None) -> list[ImportOutcome]:
        """Import every sheet of one file (``sha256``: its digest, when already known)."""
        try:
            sheets = preview(path)
        except SinergiError as error:
            return [_failed(path, None, error.pesan, error.english)]
        if not any(cell for sheet in sheets for row in sheet.rows for cell in row):
            return [
                _failed(
                    path,
                    None,
                    f"Berkas kosong: {path.name} tidak berisi data apa pun. Periksa bahwa berkas "
                    "yang diunggah benar, lalu ekspor ulang dari sumbernya.",
                    "The file is empty.",
                )
            ]
        sha256 = sha256 or file_sha256(path)
        outcomes = []
        for sheet in sheets:
            try:
                outcomes.append(self.sheet(path, sha256, sheet, several=len(sheets) > 1))
            except SinergiError as error:
                outcomes.append(_failed(path, sheet.sheet, error.pesan, error.english))
        return outcomes

    def sheet(
        self, path: Path, sha256: str, sheet: SheetPreview, *, several: bool
    ) -> ImportOutcome:
        found = profile_rules.find_header_row(sheet.rows, sheet.first_row, self.profiles)
        if found is None and several:
            return ImportOutcome(
                path, sheet.sheet, "skipped",
                "Lembar ini tidak berisi tabel yang dikenali; dilewati.",
                "No known table on this sheet; skipped.",
            )  # fmt: skip
        if found is None:
            given = None if self.auto else next(iter(self.profiles.values()))
            return _no_header(path, sheet, self.known or self.profiles, given)
        header_row = found[0]
        reader = read_sheet(path, sheet=sheet.sheet, header_row=header_row, previewed=sheet)
        ranked = profile_rules.rank_profiles(reader.header, self.profiles)
        match = profile_rules.choose_profile(ranked) if self.auto else ranked[0]
        if match is None:
            return _no_profile(path, sheet.sheet, ranked)
        if not self.auto and not self.force:
            refused = _poor_fit(path, sheet.sheet, match, reader.header, self.known)
            if refused is not None:
                return refused
        import_id = self._import_id(sha256, sheet.sheet, match.profile.name)
        existing = self.home.find_snapshot(import_id)
        if existing is None and not self.scope and not self.period:
            # Run again without --wilayah/--period: an import of these bytes with either is it.
            existing = self._earlier(sha256, sheet.sheet, match.profile)
        if existing is not None:
            manifest = read_manifest(existing)
            done = manifest["import_id"]
            return ImportOutcome(
                path, sheet.sheet, "unchanged",
                f"Sudah diimpor pada {manifest['imported_at']} (impor {done}, wilayah "
                f"{manifest.get('scope') or '-'}, periode {manifest['period']}); tidak ada yang "
                "berubah. Untuk mengimpor ulang dengan wilayah atau periode lain, sebutkan "
                "--wilayah atau --period.",
                f"Already imported at {manifest['imported_at']} (import {done}); nothing "
                "changed.",
                manifest, existing,
            )  # fmt: skip
        return self._write(path, sha256, reader, header_row, match, import_id)

    def _earlier(self, sha256: str, sheet: str | None, profile: Profile) -> Path | None:
        """The latest snapshot of these bytes, sheet and profile, whatever its scope and period."""
        found = []
        for path in self.home.root.glob(f"snapshots/{profile.source}/*/*/manifest.json"):
            manifest = read_manifest(path.parent)
            same_file = manifest["file"]["sha256"] == sha256 and manifest["file"]["sheet"] == sheet
            if same_file and manifest["profile"]["name"] == profile.name:
                found.append((manifest["imported_at"], path.parent))
        return max(found)[1] if found else None

    def _import_id(self, sha256: str, sheet: str | None, profile: str) -> str:
        """What makes two imports the same: the bytes, the sheet, the profile, and the scope and
        period the user gave, so that a re-import with a corrected ``--wilayah`` or ``--period``
        is written anew (without either, the id is what it was before they counted)."""
        key = f"{sha256}:{sheet or ''}:{profile}"
        if self.scope or self.period:
            scope = re.sub(r"[^0-9]", "", self.scope or "")  # 52.05 and 5205 are one area
            key += f":wilayah={scope}:periode={self.period or ''}"
        return hashlib.sha256(key.encode()).hexdigest()[:16]

    def _write(
        self, path: Path, sha256: str, reader: SheetReader, header_row: int, match: HeaderMatch,
        import_id: str,
    ) -> ImportOutcome:  # fmt: skip
        sheet = reader.sheet
        profile = match.profile
        contract = CONTRACTS[profile.contract]
        period = self.period or _period_from_name(path.name) or _this_month(self.today)
        aliases = {f.name: profile.aliases(f.name) for f in contract.fields if f.kind in _CODED}
        state = FileState()
        tally = _Tally(dict(match.mapping), {f: a[0] for f, a in profile.columns.items()})
        snapshot = self.home.snapshot_dir(profile.source, period, import_id)
        quarantine_path = self.home.quarantine_path(import_id)
        with write_atomically(snapshot) as partial, write_atomically(quarantine_path) as q_partial:
            partial.mkdir(parents=True)
            accepted_out = pq.ParquetWriter(
                partial / SNAPSHOT_DATA, contract.schema(), compression="zstd"
            )
            quarantine_out: pq.ParquetWriter | None = None
            for batch in reader.batches():
                frame = _contract_frame(batch, match)
                checked = validate(
                    frame, contract, aliases=aliases, scope=self.scope,
                    today=self.today or date.today(), state=state,
                )  # fmt: skip
                accepted_out.write_table(checked.accepted)
                rejected = _quarantine_rows(batch, checked.rejected)
                if quarantine_out is None:
                    quarantine_out = pq.ParquetWriter(
                        q_partial, rejected.schema, compression="zstd"
                    )
                quarantine_out.write_table(rejected.cast(quarantine_out.schema))
                tally.add(len(batch), checked.accepted, checked.rejected)
                if self.progress:
                    self.progress(len(batch))
            accepted_out.close()
            if quarantine_out is None:  # an empty sheet still leaves a readable quarantine file
                quarantine_out = pq.ParquetWriter(q_partial, _empty_quarantine(reader.header))
            quarantine_out.close()
            tally.check(path, sheet)
            raw = self.home.keep_raw(path, sha256)
            manifest = {
                "import_id": import_id,
                "source": profile.source,
                "period": period,
                "contract": contract.name,
                "profile": {
                    "name": profile.name, "title": profile.title, "score": round(match.score, 3),
                    "chosen": "auto" if self.auto else "given",
                },
                "file": {
                    "name": path.name, "sha256": sha256, "bytes": path.stat().st_size,
                    "raw": str(raw.relative_to(self.home.root)), "sheet": sheet,
                    "header_row": header_row, "encoding": reader.encoding,
                    "delimiter": reader.delimiter,
                },
                "columns": match.mapping,
                "constants": profile.constants,
                "unmatched_columns": match.unmatched,
                "counts": {
                    "rows_read": tally.rows, "accepted": tally.accepted,
                    "quarantined": tally.quarantined, "blank_rows": reader.blank_rows,
                },
                "reasons": tally.reasons(),
                "quarantine": str(quarantine_path.relative_to(self.home.root)),
                "scope": self.scope,
                "imported_at": datetime.now(UTC).isoformat(timespec="seconds"),
                "user": self.user,
                "sinergi_version": __version__,
            }  # fmt: skip
            write_manifest(partial, manifest)
        log.info(
            "imported %s sheet=%s as %s: %d read, %d accepted, %d quarantined",
            path.name, sheet, profile.name, tally.rows, tally.accepted, tally.quarantined,
        )  # fmt: skip
        return ImportOutcome(
            path, sheet, "imported",
            f"{id_number(tally.rows)} baris dibaca: {id_number(tally.accepted)} diterima, "
            f"{id_number(tally.quarantined)} dikarantina ({match.describe()}).",
            f"{tally.rows} rows read: {tally.accepted} accepted, {tally.quarantined} quarantined.",
            manifest, snapshot, tally.samples,
        )  # fmt: skip


def _contract_frame(batch: pl.DataFrame, match: HeaderMatch) -> pl.DataFrame:
    """The batch with its mapped columns renamed to contract fields and the constants added."""
    columns = [pl.col(c) for c in ("_row", "_sheet", "_defect", "_line")]
    columns += [pl.col(label).alias(name) for name, label in match.mapping.items()]
    columns += [
        pl.lit(value, dtype=pl.String).alias(name)
        for name, value in match.profile.constants.items()
    ]
    return batch.select(columns)


def _quarantine_rows(batch: pl.DataFrame, rejected: pl.DataFrame) -> pa.Table:
    """The rejected rows as the file had them (every column as text) with their reasons."""
    rows = batch.join(rejected, on="_row", how="inner", maintain_order="left")
    first = ["_row", "_sheet", "_reasons", "_line"]
    rest = [c for c in rows.columns if c not in first and c != "_defect"]
    return rows.select(first + rest).to_arrow()


def _empty_quarantine(header: Sequence[str]) -> pa.Schema:
    reason = pa.struct([("code", pa.string()), ("field", pa.string()), ("text", pa.string())])
    fields = [
        pa.field("_row", pa.int64()),
        pa.field("_sheet", pa.string()),
        pa.field("_reasons", pa.list_(reason)),
        pa.field("_line", pa.string()),
    ]
    return pa.schema(fields + [pa.field(label, pa.string()) for label in header])


class _Tally:
    """Counts rows and reasons across batches and keeps the first few samples of each reason."""

    def __init__(self, columns: dict[str, str], expected: dict[str, str]) -> None:
        self.columns = columns  # field -> the file's header
        self.expected = expected  # field -> the profile's first header alias
        self.rows = self.accepted = self.quarantined = 0
        self.counts: Counter[str] = Counter()
        self.samples: dict[str, list[Sample]] = {}

    def add(self, rows: int, accepted: pa.Table, rejected: pl.DataFrame) -> None:
        self.rows += rows
        self.accepted += accepted.num_rows
        self.quarantined += rejected.height
        issues = pl.from_arrow(accepted.select([ROW, SHEET, ISSUES]))
        assert isinstance(issues, pl.DataFrame)
        sheet = issues[SHEET][0] if issues.height else None
        self._count(issues.select(ROW, pl.col(ISSUES).alias("_reasons")), sheet)
        self._count(rejected.select(ROW, "_reasons"), sheet)

    def _count(self, frame: pl.DataFrame, sheet: str | None) -> None:
        flat = frame.explode("_reasons").drop_nulls("_reasons").unnest("_reasons")
        if not flat.height:
            return
        self.counts.update(dict(flat["code"].value_counts().iter_rows()))
        for (code, *_), group in flat.group_by("code", maintain_order=True):
            kept = self.samples.setdefault(str(code), [])
            room = SAMPLES_PER_REASON - len(kept)
            for row, name, text in group.head(room).select(ROW, "field", "text").iter_rows():
                column = self._column(name)
                kept.append(Sample(row, sheet, name, column, str(code), text))

    def _column(self, name: str | None) -> str | None:
        """The file's header(s) of a field, or of a group of fields (``nik,kk,name``), as a user
        reads them; a field the file lacks by the header the profile expects."""
        if not name:
            return None
        fields = name.split(",")
        if len(fields) == 1:
            return self.columns.get(name)
        labels = [self.columns[f] for f in fields if f in self.columns]
        if not labels:
            labels = [f"({self.expected[f]} tidak ada)" for f in fields if f in self.expected]
        return " / ".join(labels) or None

    def reasons(self) -> dict[str, dict[str, Any]]:
        return {
            code: {"count": count, "severity": REASONS[code].severity}
            for code, count in sorted(self.counts.items())
        }

    def check(self, path: Path, sheet: str | None) -> None:
        """Refuse to finish an import that lost or invented a row (a bug, never the data)."""
        if self.accepted + self.quarantined != self.rows:
            raise PipelineError(
                f"{path.name}: {self.rows} baris dibaca tetapi {self.accepted} diterima + "
                f"{self.quarantined} dikarantina; impor dibatalkan, tidak ada yang ditulis.",
                english=f"{path.name} sheet {sheet}: accepted + quarantined != rows read",
                code="ROWS_LOST",
            )


def _no_profile(path: Path, sheet: str | None, ranked: Sequence[HeaderMatch]) -> ImportOutcome:
    if not ranked or ranked[0].score == 0:
        return _failed(
            path, sheet,
            "Tidak ada baris judul kolom yang cocok dengan profil mana pun. Tambahkan profil Anda "
            "sendiri di folder profiles/ dalam folder data (lihat docs/import.md).",
            "No header row matches any profile.",
        )  # fmt: skip
    best = ranked[0]
    if best.accepted and len(ranked) > 1:
        runner_up = ranked[1]
        return _failed(
            path, sheet,
            f"Kolom berkas ini cocok dengan dua profil hampir sama baiknya: {best.profile.title} "
            f"({best.score:.0%}) dan {runner_up.profile.title} ({runner_up.score:.0%}). Pilih "
            f"salah satu dengan --profile {best.profile.name} atau --profile "
            f"{runner_up.profile.name}.",
            f"Two profiles fit almost equally: {best.profile.name}, {runner_up.profile.name}.",
        )  # fmt: skip
    unmatched = ", ".join(f"'{h}'" for h in best.unmatched[:15]) or "-"
    return _failed(
        path, sheet,
        f"Profil tidak bisa dipilih dengan yakin: {best.describe()}. Kolom yang tidak dikenali: "
        f"{unmatched}. Pilih profil dengan --profile {best.profile.name} atau tambahkan profil "
        "sendiri (lihat docs/import.md).",
        f"No profile fits well enough; closest is {best.profile.name} ({best.score:.0%}).",
    )  # fmt: skip


def _no_header(
    path: Path, sheet: SheetPreview, known: Mapping[str, Profile], given: Profile | None = None
) -> ImportOutcome:
    """No row among a sheet's first rows fits (the named profile, or any): show what it holds."""
    number, labels = _likely_header(sheet)
    shown = _quoted(labels)
    ranked = profile_rules.rank_profiles(labels, known) if known else []
    if ranked and ranked[0].score > 0:
        best, how = ranked[0].profile, f"{ranked[0].score:.0%}".replace(".", ",")
    else:
        best, how = _closest_profile(labels, known or ({given.name: given} if given else {})), ""
    expected = _quoted([aliases[0] for aliases in best.columns.values()], limit=10)
    if given is not None:
        head = (
            f"Tidak ada baris judul kolom yang cocok dengan profil {given.title} "
            f"(--profile {given.name}): tidak satu pun kolomnya dikenali."
        )
    else:
        head = "Tidak ada baris judul kolom yang cocok dengan profil mana pun."
    if how:
        closest = f"Profil yang paling cocok: {best.title} ({how}), --profile {best.name}."
    else:
        closest = (
            f"Profil yang paling mendekati: {best.title} (--profile {best.name}), tetapi tidak "
            f"satu pun kolomnya dikenali; profil itu mengharapkan kolom seperti {expected}."
        )
    return _failed(
        path, sheet.sheet,
        f"{head} Judul kolom berkas ini (baris {number}): {shown}. {closest} Periksa bahwa "
        "berkasnya benar, samakan judul kolomnya dengan profil, atau tambahkan profil Anda "
        "sendiri di folder profiles/ dalam folder data (lihat docs/import.md).",
        f"No header row matches {'profile ' + given.name if given else 'any profile'}; "
        f"closest is {best.name}.",
    )  # fmt: skip


def _likely_header(sheet: SheetPreview) -> tuple[int, list[str]]:
    """The row that most looks like a header when none fits: the first of the widest rows."""
    widths = [sum(1 for cell in row if cell and cell.strip()) for row in sheet.rows]
    at = widths.index(max(widths)) if widths else 0
    numbers = sheet.row_numbers or [sheet.first_row + i for i in range(len(sheet.rows))]
    row = sheet.rows[at] if sheet.rows else []
    return numbers[at] if at < len(numbers) else sheet.first_row, [
        " ".join(cell.split()) for cell in row if cell and cell.strip()
    ]


def _closest_profile(labels: Sequence[str], profiles: Mapping[str, Profile]) -> Profile:
    """When no header is an alias of any profile: the profile whose aliases look most alike.

    Each label counts with its best `difflib` likeness to one of a profile's aliases.
    """
    keys = [key for key in (profile_rules.header_key(label) for label in labels[:60]) if key]

    def likeness(profile: Profile) -> float:
        aliases = [profile_rules.header_key(a) for names in profile.columns.values() for a in names]
        total = 0.0
        for key in keys:
            matcher = difflib.SequenceMatcher(b=key, autojunk=False)
            best = 0.0
            for alias in aliases:
                matcher.set_seq1(alias)
                if matcher.real_quick_ratio() > best and matcher.quick_ratio() > best:
                    best = max(best, matcher.ratio())
            total += best
        return total

    return max(sorted(profiles.values(), key=lambda p: p.name), key=likeness)


def _poor_fit(
    path: Path, sheet: str | None, match: HeaderMatch, header: Sequence[str],
    known: Mapping[str, Profile],
) -> ImportOutcome | None:  # fmt: skip
    """A named profile that fits too badly to be applied without ``force``, else None.

    Refused: below the threshold with headers the profile does not know, or
    with no identity field mapped (every row would stand for nobody); it is far
    likelier the wrong profile. A file whose every header the profile knows
    passes however low it scores: the score only says that it is a narrow
    extract of a wide layout, which is what a user naming the profile expects.
    """
    profile = match.profile
    percent, threshold = round(match.score * 100), round(profile_rules.AUTO_THRESHOLD * 100)
    problems, problems_en = [], []
    if not match.accepted and match.unmatched:
        problems.append(
            f"hanya cocok {percent}% dengan kolom berkas ini (ambang {threshold}%), dan "
            f"{len(match.unmatched)} kolom berkas tidak dikenalnya: {_quoted(match.unmatched)}"
        )
        problems_en.append(f"fits {percent}% (threshold {threshold}%)")
    lacking = _identity_lacking(match)
    if lacking:
        problems.append(
            "tidak ada kolom pengenal yang ditemukan (" + "; ".join(lacking) + "), jadi baris "
            "tidak bisa mewakili siapa pun"
        )
        problems_en.append("no identity field is mapped")
    if not problems:
        return None
    missing = _quoted(match.missing_labels, limit=15)
    ranked = profile_rules.rank_profiles(header, known) if known else []
    best = ranked[0] if ranked else None
    advice = ""
    if best is not None and best.profile.name != profile.name and best.score > 0:
        advice = (
            f" Profil yang paling cocok dengan berkas ini: {best.profile.title} "
            f"({round(best.score * 100)}%), --profile {best.profile.name}."
        )
    return _failed(
        path, sheet,
        f"Profil {profile.title} (--profile {profile.name}) tidak dipakai: "
        f"{'; '.join(problems)}. Kolom profil yang tidak ada di berkas: {missing}.{advice} "
        "Bila Anda yakin profil ini benar, ulangi dengan --force untuk tetap memakainya. "
        "Tidak ada yang ditulis.",
        f"Profile {profile.name} refused: {', '.join(problems_en)}; missing: "
        f"{', '.join(match.missing)}; best fit: {best.profile.name if best else '-'}.",
    )  # fmt: skip


def _identity_lacking(match: HeaderMatch) -> list[str]:
    """Each group of identity (or required) fields none of which the file fills, in labels."""
    profile = match.profile
    contract = CONTRACTS[profile.contract]
    filled = set(match.mapping) | set(profile.constants)
    lacking = []
    for group in contract.must_have:
        if len(group) == 1 and contract.field(group[0]).kind == "area":
            continue  # the area can come from the village and district names instead
        if filled.intersection(group):
            continue
        names = [
            profile.columns[name][0] if name in profile.columns else contract.field(name).meaning
            for name in group
        ]
        lacking.append(" / ".join(names))
    return lacking


def _quoted(labels: Sequence[str], *, limit: int = 20) -> str:
    shown = ", ".join(f"'{label}'" for label in labels[:limit])
    more = len(labels) - limit
    return (shown + (f" dan {more} lainnya" if more > 0 else "")) or "-"


def _failed(path: Path, sheet: str | None, message: str, english: str) -> ImportOutcome:
    # INFO, not WARNING: the outcome tells the user, in Bahasa Indonesia; the CLI shows
    # WARNING records on the terminal, where this English line would only repeat it.
    log.info("import of %s sheet=%s failed: %s", path.name, sheet, english)
    return ImportOutcome(path, sheet, "failed", message, english)


def _data_files(paths: Iterable[Path]) -> list[Path]:
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files += sorted(
                p for p in path.rglob("*")
                if p.is_file() and p.suffix.lower() in FILE_SUFFIXES and not p.name.startswith(".")
            )  # fmt: skip
        elif path.is_file():
            files.append(path)
        else:
            raise PipelineError(
                f"Berkas atau folder '{path}' tidak ada.",
                english=f"No such file or folder: {path}",
                code="PATH_MISSING",
            )
    return files


def _period_from_name(name: str) -> str | None:
    """``dtsen_extract_2026-09.csv`` → 2026-09, ``dtks_siksng_202412.txt`` → 2024-12.

    Examples:
        >>> _period_from_name("pkh_2026.csv"), _period_from_name("P3KE_Keluarga_520501.xlsx")
        ('2026', None)
    """
    found = _PERIOD_IN_NAME.search(name)
    if not found:
        return None
    year, month = found.groups()
    return f"{year}-{month}" if month else year


def _this_month(today: date | None) -> str:
    return (today or date.today()).strftime("%Y-%m")
