"""Synthetic reports at scale, loaded with COPY.

Reports get 1-3 of the 13 themes, 0-3 events and 0-3 participant rows, 0-5
Japanese local governments (most name one to five, a few big cities and the
prefectures more often than the rest) and, for overseas offices, 0-2 partners
of the office's country (bench partners, made once), one of the 12 offices, Japanese titles and bodies assembled from bench/vocabulary.py
(English titles on some), and a publication time spread over 1989 to today, a
few scheduled, drafts or withdrawn. The derived columns (search text, first and
last date, fiscal year) are computed by Report.refresh_derived_fields itself,
so the data is exactly what the portal's write paths would store.

Loading: secondary indexes are dropped, two processes build the rows and COPY
them in chunks, then the indexes are rebuilt (the GIN index in one session, the
b-trees in another) and the tables are vacuumed and analysed.
"""

import datetime
import io
import math
import multiprocessing
import random
import threading
import time
from dataclasses import dataclass, field

import psycopg2
from django.db import connection, models
from django.utils import timezone

from municipalities.models import LocalGovernment, Partner
from offices.models import Office
from reports import facet_keys
from reports.models import ContentRevision, Event, Participant, Photo, Report, Theme
from reports.text import normalize

from . import vocabulary as v

CHUNK = 5_000
# Raised when the generated data changes shape: older data is then not reused.
DATA_VERSION = 2  # 2: links to local governments and partners abroad
# How many local governments a report names (0 to 5), and how often.
PLACES_PER_REPORT = ((0, 1, 2, 3, 4, 5), (15, 40, 20, 12, 8, 5))
# Named far more often than the rest, as in real reports: the big cities.
POPULAR_PLACES = ("130001", "141003", "271004", "231002", "011002", "401307", "261009")
PARTNERS_PER_COUNTRY = 40
SEED = 20260201
START = datetime.datetime(1989, 4, 1, 9, 0, tzinfo=datetime.UTC)
# Share of reports in each status; "scheduled" is published with a future time.
STATUSES = [("published", 0.95), ("scheduled", 0.005), ("draft", 0.02), ("review", 0.015)]
STATUSES.append(("withdrawn", 1 - sum(share for _, share in STATUSES)))
# Planted words: every `period`-th report (from `offset`) carries the word.
PLANTED = {v.RARE_2: (10_000, 7), v.RARE_5: (200, 3), v.RARE_EN: (2_000, 11)}
PHOTO_SHARE = 0.3


def planted(word: str, index: int) -> bool:
    period, offset = PLANTED[word]
    return index % period == offset % period


@dataclass
class Refs:
    """What every worker needs: ids of the reference rows and the clock."""

    offices: list[tuple[int, str, str]]  # id, code, name_ja
    themes: list[tuple[int, str]]  # id, slug
    now: datetime.datetime
    total: int
    places: list[str] = field(default_factory=list)  # codes of current municipalities
    prefectures: list[str] = field(default_factory=list)  # codes of the 47 prefectures
    partners: dict = field(default_factory=dict)  # country -> [partner id]


@dataclass
class Chunk:
    reports: io.StringIO = field(default_factory=io.StringIO)
    events: io.StringIO = field(default_factory=io.StringIO)
    participants: io.StringIO = field(default_factory=io.StringIO)
    themes: io.StringIO = field(default_factory=io.StringIO)
    places: io.StringIO = field(default_factory=io.StringIO)
    partners: io.StringIO = field(default_factory=io.StringIO)
    photos: io.StringIO = field(default_factory=io.StringIO)
    counts: dict = field(default_factory=dict)


def copy_value(value) -> str:
    if value is None:
        return "\\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, str):
        return (
            value.replace("\\", "\\\\")
            .replace("\t", "\\t")
            .replace("\n", "\\n")
            .replace("\r", "\\r")
        )
    return str(value)


def copy_line(values) -> str:
    return "\t".join(copy_value(value) for value in values) + "\n"


def columns(model, exclude=("id",)) -> list[models.Field]:
    return [f for f in model._meta.concrete_fields if f.column not in exclude]


REPORT_FIELDS = columns(Report, exclude=())
EVENT_FIELDS = columns(Event)
PARTICIPANT_FIELDS = columns(Participant)
PHOTO_FIELDS = columns(Photo)


def photo_value(f: models.Field, report_id: int, position: int):
    """A stored photo row whose files are named but not written (pages only link them)."""
    name = f.name
    if name == "report":
        return report_id
    if isinstance(f, models.FileField):
        return f"photos/bench/{report_id}-{position}-{name}.jpg"
    if name.endswith("width"):
        return {"thumb_width": 400, "display_width": 1200}.get(name, 1600)
    if name.endswith("height"):
        return {"thumb_height": 300, "display_height": 900}.get(name, 1200)
    if name == "position":
        return position
    if name in ("caption", "alt_text"):
        return "意見交換会の様子"
    if f.has_default():
        return f.get_default()
    if f.null:
        return None
    if isinstance(f, models.CharField | models.TextField):
        return ""
    raise ValueError(f"bench: no synthetic value for Photo.{name}")


class Writer:
    """Builds the reports of one chunk, deterministically from (seed, chunk start)."""

    def __init__(self, refs: Refs, seed: int, start: int):
        self.refs = refs
        self.rng = random.Random(f"{seed}-{start}")
        self.span = (refs.now - datetime.timedelta(days=1) - START).total_seconds()

    def pick(self, items):
        return items[self.rng.randrange(len(items))]

    def places(self) -> set[str]:
        rng, refs = self.rng, self.refs
        chosen = set()
        for _ in range(rng.choices(*PLACES_PER_REPORT)[0]):
            x = rng.random()
            if x < 0.15:
                chosen.add(self.pick(POPULAR_PLACES))
            elif x < 0.3:
                chosen.add(self.pick(refs.prefectures))
            else:
                chosen.add(self.pick(refs.places))
        return chosen

    def status(self) -> str:
        x = self.rng.random()
        for name, share in STATUSES:
            if x < share:
                return name
            x -= share
        return "published"

    def report(self, index: int, chunk: Chunk) -> None:
        rng, refs = self.rng, self.refs
        report_id = index + 1
        office_id, office_code, office_name = self.pick(refs.offices)
        cities = v.OFFICE_CITIES.get(office_code, v.JAPANESE_CITIES)
        city = self.pick(cities)
        country = v.COUNTRY_OF_OFFICE.get(office_code, "日本")
        country_code = v.COUNTRY_CODES.get(office_code, "JP")
        n_themes = rng.choices((1, 2, 3), (55, 35, 10))[0]
        themes = rng.sample(refs.themes, n_themes)
        slug = themes[0][1]
        words = {
            "office": office_name,
            "city": city,
            "country": country,
            "muni": self.pick(v.MUNICIPALITIES),
            "topic": self.pick(v.THEME_TOPICS[slug]),
            "topic2": self.pick(v.THEME_TOPICS[themes[-1][1]]),
            "kind": self.pick(v.EVENT_KINDS),
            "venue": city + self.pick(v.VENUE_KINDS),
            "years": rng.choice((10, 20, 25, 30, 40, 50)),
            "nth": rng.randint(2, 30),
            "n": rng.randint(3, 40),
            "people": rng.choice((30, 50, 80, 100, 120, 150, 200, 300, 500, 800)),
        }
        status = self.status()
        moment = START + datetime.timedelta(seconds=self.span * (index + rng.random()) / refs.total)
        if status == "scheduled":
            status = "published"
            moment = refs.now + datetime.timedelta(days=rng.randint(30, 90))
        first = (moment - datetime.timedelta(days=rng.randint(3, 60))).date()
        words["date_text"] = f"{first.year}年{first.month}月{first.day}日"

        events = []
        for k in range(rng.choices((0, 1, 2, 3), (10, 60, 20, 10))[0]):
            start = first + datetime.timedelta(days=k * rng.randint(1, 20))
            online = rng.random() < 0.1
            events.append(
                Event(
                    report_id=report_id,
                    start_date=start,
                    end_date=start + datetime.timedelta(days=rng.choice((0, 0, 0, 1, 2))),
                    venue="オンライン" if online else city + self.pick(v.VENUE_KINDS),
                    city="" if online else city,
                    country="" if online else country_code,
                    format="online" if online else rng.choice(("in_person", "hybrid")),
                )
            )
        participants = []
        for position in range(rng.choices((0, 1, 2, 3), (30, 40, 20, 10))[0]):
            kind = self.pick(v.PARTICIPANT_KINDS)
            participants.append(
                Participant(
                    report_id=report_id,
                    name=kind if rng.random() < 0.7 else words["muni"],
                    country="JP" if kind == "日本の自治体" else "",
                    municipalities=rng.randint(2, 40) if kind == "日本の自治体" else None,
                    people=rng.choice((None, 12, 30, 45, 80, 120, 300, 800)),
                    qualifier=rng.choices(("exact", "about", "at_least"), (70, 20, 10))[0],
                    position=position,
                )
            )

        title = self.pick(v.TITLE_TEMPLATES).format(**words)
        summary = self.pick(v.SUMMARY_TEMPLATES).format(**words)
        paragraphs = []
        for _ in range(rng.randint(3, 5)):
            sentences = rng.sample(v.BODY_SENTENCES, rng.randint(2, 4))
            paragraphs.append("".join(s.format(**words) for s in sentences))
        if planted(v.RARE_2, index):
            paragraphs.append(f"{words['muni']}産の{v.RARE_2}を使った装飾品も紹介されました。")
        if planted(v.RARE_5, index):
            paragraphs.append(f"{words['muni']}の{v.RARE_5}を紹介するブースも設けられました。")
        title_en = summary_en = ""
        if rng.random() < 0.4 or planted(v.RARE_EN, index):
            english = {
                "kind_en": self.pick(v.EVENT_KINDS_EN),
                "topic_en": self.pick(v.THEME_EN[slug]),
                "city_en": v.CITY_EN.get(city, "the city"),
                "muni_en": "a Japanese municipality",
                "office_en": "CLAIR",
                "years": words["years"],
                "people": words["people"],
            }
            title_en = self.pick(v.TITLE_EN_TEMPLATES).format(**english).capitalize()
            summary_en = self.pick(v.SUMMARY_EN_TEMPLATES).format(**english)
            if planted(v.RARE_EN, index):
                summary_en += f" An exhibition of {v.RARE_EN} prints was also held."

        report = Report(
            id=report_id,
            title=title[:200],
            title_en=title_en[:200],
            slug=f"bench-{report_id}",
            office_id=office_id,
            summary=summary,
            summary_en=summary_en,
            body="\n\n".join(paragraphs),
            status=status,
            published_at=None if status in ("draft", "review") else moment,
            source=v.SOURCES.format(
                vol=100 + index * 400 // refs.total, year=moment.year, month=moment.month
            ),
            fiscal_year=None if events or rng.random() < 0.5 else first.year,
            created_at=moment - datetime.timedelta(days=2),
            updated_at=moment,
        )
        report.refresh_derived_fields(save=False, events=events, participants=participants)

        chunk.reports.write(copy_line(getattr(report, f.attname) for f in REPORT_FIELDS))
        for event in events:
            chunk.events.write(copy_line(getattr(event, f.attname) for f in EVENT_FIELDS))
        for row in participants:
            chunk.participants.write(copy_line(getattr(row, f.attname) for f in PARTICIPANT_FIELDS))
        for theme_id, _slug in themes:
            chunk.themes.write(f"{report_id}\t{theme_id}\n")
        for code in self.places():
            chunk.places.write(f"{report_id}\t{code}\n")
        partners = refs.partners.get(v.COUNTRY_CODES.get(office_code), [])
        if partners:
            for partner_id in rng.sample(partners, rng.choices((0, 1, 2), (60, 30, 10))[0]):
                chunk.partners.write(f"{report_id}\t{partner_id}\n")
        if rng.random() < PHOTO_SHARE:
            chunk.photos.write(copy_line(photo_value(f, report_id, 0) for f in PHOTO_FIELDS))

        public = report.status == "published" and report.published_at <= refs.now
        counts = chunk.counts
        counts["events"] = counts.get("events", 0) + len(events)
        counts["participants"] = counts.get("participants", 0) + len(participants)
        counts["public"] = counts.get("public", 0) + public
        counts["body_chars"] = counts.get("body_chars", 0) + len(report.body)
        for word in PLANTED:
            if public and normalize(word) in report.search_text:
                counts[word] = counts.get(word, 0) + 1


def tables() -> dict[str, tuple[str, list[str]]]:
    """COPY target of each part of a chunk: (table, columns)."""
    through = Report.themes.through._meta
    return {
        "reports": (Report._meta.db_table, [f.column for f in REPORT_FIELDS]),
        "events": (Event._meta.db_table, [f.column for f in EVENT_FIELDS]),
        "participants": (Participant._meta.db_table, [f.column for f in PARTICIPANT_FIELDS]),
        "themes": (
            through.db_table,
            [through.get_field("report").column, through.get_field("theme").column],
        ),
        "places": link_table(Report.local_governments.through, "localgovernment"),
        "partners": link_table(Report.partners.through, "partner"),
        "photos": (Photo._meta.db_table, [f.column for f in PHOTO_FIELDS]),
    }


def link_table(through, target: str) -> tuple[str, list[str]]:
    meta = through._meta
    return meta.db_table, [meta.get_field("report").column, meta.get_field(target).column]


def bench_partners() -> dict:
    """PARTNERS_PER_COUNTRY partners abroad in each office's country: made once, kept."""
    for country in v.COUNTRY_CODES.values():
        for n in range(1, PARTNERS_PER_COUNTRY + 1):
            Partner.objects.get_or_create(
                slug=f"bench-{country.lower()}-{n}",
                defaults={
                    "name": f"ベンチ市{n}（{country}）",
                    "name_en": f"Bench City {n} ({country})",
                    "country": country,
                },
            )
    partners: dict = {}
    for pk, country in Partner.objects.filter(slug__startswith="bench-").values_list(
        "pk", "country"
    ):
        partners.setdefault(country, []).append(pk)
    return partners


def load_range(args) -> dict:
    """Worker: build and COPY reports [start, stop) in chunks; return the counts."""
    dsn, refs, seed, start, stop = args
    targets = tables()
    counts: dict = {}
    conn = psycopg2.connect(dsn)
    with conn.cursor() as cursor:
        # Reference rows exist and the data is consistent by construction: skip
        # the per-row foreign key triggers (and any other trigger) while loading.
        cursor.execute("SET session_replication_role = replica")
        # Bigger batches for the GIN index's pending list: fewer, cheaper merges.
        cursor.execute("SET gin_pending_list_limit = '32MB'")
        cursor.execute("SET work_mem = '64MB'")
        for first in range(start, stop, CHUNK):
            writer = Writer(refs, seed, first)
            chunk = Chunk()
            for index in range(first, min(first + CHUNK, stop)):
                writer.report(index, chunk)
            for part, (table, cols) in targets.items():
                buffer = getattr(chunk, part)
                buffer.seek(0)
                cursor.copy_expert(f"COPY {table} ({', '.join(cols)}) FROM STDIN", buffer)
            conn.commit()
            for key, value in chunk.counts.items():
                counts[key] = counts.get(key, 0) + value
    conn.close()
    return counts


def secondary_indexes(cursor, table_names: list[str]) -> list[tuple[str, str]]:
    """(name, definition) of the indexes that no constraint owns: dropped while loading."""
    cursor.execute(
        """
        SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid)
        FROM pg_index i
        WHERE i.indrelid = ANY(%s::regclass[])
          AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)
        """,
        (table_names,),
    )
    return cursor.fetchall()


def run_sql_parallel(dsn: str, batches: list[list[str]]) -> None:
    """Run each batch of statements in its own session, the batches side by side."""
    errors = []

    def run(statements):
        try:
            conn = psycopg2.connect(dsn)
            conn.autocommit = True
            with conn.cursor() as cursor:
                cursor.execute("SET maintenance_work_mem = '512MB'")
                for sql in statements:
                    cursor.execute(sql)
            conn.close()
        except Exception as error:  # reported after the other sessions finish
            errors.append(error)

    threads = [threading.Thread(target=run, args=(batch,)) for batch in batches if batch]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]


def check_empty_or_bench(cursor) -> None:
    table = Report._meta.db_table
    cursor.execute(f"SELECT count(*) FROM {table} WHERE slug NOT LIKE 'bench-%%'")
    if cursor.fetchone()[0]:
        raise SystemExit(
            "bench: this database holds reports that the benchmark did not make; "
            "point DATABASE_URL at a database of its own (its data is replaced)."
        )


def generate(dsn: str, total: int, *, seed: int = SEED, jobs: int = 2, log=print) -> dict:
    """Replace the reports of the database with `total` synthetic ones; return counts and timings."""
    timings = {}
    began = time.monotonic()
    targets = tables()
    table_names = [table for table, _cols in targets.values()]
    with connection.cursor() as cursor:
        check_empty_or_bench(cursor)
        history = Report.history.model._meta.db_table
        cursor.execute(f"TRUNCATE {', '.join(table_names)}, {history} RESTART IDENTITY CASCADE")
        # The GIN index stays: the loading sessions compute the bigrams in
        # parallel, whereas CREATE INDEX would compute them in one (PostgreSQL 15).
        dropped = [
            (name, definition)
            for name, definition in secondary_indexes(cursor, table_names)
            if " USING gin " not in definition
        ]
        for name, _definition in dropped:
            cursor.execute(f"DROP INDEX {name}")
    refs = Refs(
        offices=list(Office.objects.order_by("pk").values_list("pk", "code", "name_ja")),
        themes=list(Theme.objects.order_by("pk").values_list("pk", "slug")),
        now=timezone.now(),
        total=total,
        places=list(
            LocalGovernment.objects.current().municipalities().values_list("pk", flat=True)
        ),
        prefectures=list(LocalGovernment.objects.prefectures().values_list("pk", flat=True)),
        partners=bench_partners(),
    )
    connection.close()  # the workers are forked

    step = math.ceil(total / jobs / CHUNK) * CHUNK
    ranges = [(dsn, refs, seed, s, min(s + step, total)) for s in range(0, total, step)]
    with multiprocessing.get_context("fork").Pool(len(ranges)) as pool:
        parts = pool.map(load_range, ranges)
    counts = {"reports": total}
    for part in parts:
        for key, value in part.items():
            counts[key] = counts.get(key, 0) + value
    timings["copy_s"] = round(time.monotonic() - began, 1)
    log(f"  rows copied in {timings['copy_s']} s")

    mark = time.monotonic()
    facet_keys.refresh_all()  # the load ran without the triggers that keep them
    timings["facet_keys_s"] = round(time.monotonic() - mark, 1)
    log(f"  facet keys filled in {timings['facet_keys_s']} s")

    mark = time.monotonic()
    report_table = Report._meta.db_table
    definitions = [definition for _name, definition in dropped]
    run_sql_parallel(
        dsn,
        [
            definitions[::2],
            [
                *definitions[1::2],
                f"SELECT setval(pg_get_serial_sequence('{report_table}', 'id'), {max(total, 1)})",
            ],
        ],
    )
    timings["indexes_s"] = round(time.monotonic() - mark, 1)
    log(f"  {len(dropped)} indexes rebuilt in {timings['indexes_s']} s")

    mark = time.monotonic()
    # VACUUM sets the visibility map (index-only scans); ANALYZE gives the planner
    # the statistics it would have in production, the bigram frequencies included.
    run_sql_parallel(
        dsn,
        [
            [f"VACUUM (ANALYZE) {report_table}"],
            [f"VACUUM (ANALYZE) {table}" for table in table_names if table != report_table],
        ],
    )
    timings["vacuum_analyze_s"] = round(time.monotonic() - mark, 1)
    ContentRevision.bump()  # the load ran without triggers: tell the caches
    timings["total_s"] = round(time.monotonic() - began, 1)
    log(f"  vacuumed and analysed in {timings['vacuum_analyze_s']} s")
    counts["body_chars_mean"] = round(counts.pop("body_chars", 0) / max(total, 1))
    return {"counts": counts, "timings": timings}
