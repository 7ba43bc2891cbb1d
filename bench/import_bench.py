"""Benchmark import_reports: generate N synthetic reports as JSONL and time the import.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/clair .venv/bin/python bench/import_bench.py -n 10000

Runs against a fresh database made for the run and dropped afterwards (SQLite: a
file in a temporary folder; PostgreSQL: <name>_bench beside the DATABASE_URL one),
never the database itself. Each import runs in its own process, so its peak
memory (maxrss) is its own: first the import into the empty database, then the
same file again (every report unchanged). Prints reports per second and memory.
"""

import argparse
import json
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

OFFICES = ["seoul", "paris", "london", "singapore", "new-york", "beijing", "sydney"]
THEMES = ["sister-cities", "staff-exchange", "multicultural", "tourism-culture", "economy-trade"]
STATUSES = ["published"] * 7 + ["draft", "review", "withdrawn"]
CITIES = [
    ("ソウル", "KR"),
    ("パリ", "FR"),
    ("ロンドン", "GB"),
    ("上海市", "CN"),
    ("シドニー", "AU"),
]
PARAGRAPH = (
    "クレア事務所は現地の自治体と協力し、日本の自治体職員を対象とした研修と意見交換会を開催しました。"
    "参加者は地域の課題や先進的な取り組みを共有し、今後の交流の可能性について活発に議論しました。"
)


def synthetic_report(n: int, rng: random.Random, photo: str | None) -> dict:
    year = 2000 + n % 26
    month, day = 1 + n % 12, 1 + n % 28
    city, country = rng.choice(CITIES)
    events = [
        {
            "start": f"{year}-{month:02d}-{day:02d}",
            "end": f"{year}-{month:02d}-{min(day + k, 28):02d}",
            "venue": f"会場 {k + 1}",
            "city": city,
            "country": country,
            "format": rng.choice(["in_person", "online", "hybrid"]),
        }
        for k in range(rng.randint(0, 3))
    ]
    status = rng.choice(STATUSES)
    return {
        "external_id": f"bench-{n:07d}",
        "office": rng.choice(OFFICES),
        "title": f"ベンチマーク用の活動報告 第{n}号: {city}での自治体職員交流",
        "summary": f"{city}で開かれた交流事業の報告です（{n}）。",
        "body": "\n\n".join([PARAGRAPH] * rng.randint(2, 5)),
        "themes": rng.sample(THEMES, rng.randint(1, 3)),
        "status": status,
        "published_at": f"{year}-{month:02d}-{day:02d}T09:00:00+09:00"
        if status == "published"
        else None,
        "fiscal_year": None if events else year,
        "source": "自治体国際化フォーラム (benchmark)",
        "events": events,
        "participants": [
            {
                "name": f"参加団体 {k + 1}",
                "country": country,
                "municipalities": rng.randint(1, 40),
                "people": rng.randint(5, 900),
                "qualifier": rng.choice(["exact", "about", "at_least"]),
            }
            for k in range(rng.randint(1, 3))
        ],
        "photos": (
            [{"file": photo, "caption": "交流の様子", "alt": "会議室で話し合う参加者"}]
            if photo
            else []
        ),
    }


def write_file(path: Path, count: int, photos_every: int) -> None:
    rng = random.Random(count)
    photo = None
    if photos_every:
        from PIL import Image

        (path.parent / "photos").mkdir(exist_ok=True)
        Image.new("RGB", (800, 600), (30, 90, 160)).save(path.parent / "photos/p.jpg")
        photo = "photos/p.jpg"
    with open(path, "w", encoding="utf-8") as out:
        for n in range(count):
            use_photo = photo if photos_every and n % photos_every == 0 else None
            report = synthetic_report(n, rng, use_photo)
            out.write(json.dumps(report, ensure_ascii=False) + "\n")


def child(path: str) -> None:
    """One import in this process; print its time and peak memory as JSON."""
    import django

    django.setup()
    from django.core.management import call_command

    before = resource.getrusage(resource.RUSAGE_SELF)
    started = time.perf_counter()
    call_command("import_reports", path, stdout=sys.stderr)
    elapsed = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_SELF)
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    print(
        json.dumps(
            {
                "seconds": elapsed,
                "cpu_seconds": cpu,
                "maxrss_kb": after.ru_maxrss,
                "baseline_kb": before.ru_maxrss,
            }
        )
    )


def fresh_database(workdir: Path) -> tuple[str, object, str]:
    """A new empty, migrated database; returns its URL, the connection and its name."""
    import django

    django.setup()
    from django.db import connection

    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        settings["TEST"]["NAME"] = str(workdir / "bench.sqlite3")
    else:  # not test_<name>, which a test run may be using
        settings["TEST"]["NAME"] = f"{settings['NAME']}_bench"
    name = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    if connection.vendor == "sqlite":
        url = f"sqlite:///{name}"
    else:
        auth = settings["USER"] + (f":{settings['PASSWORD']}" if settings["PASSWORD"] else "")
        url = f"postgres://{auth}@{settings['HOST']}:{settings['PORT'] or 5432}/{name}"
    return url, connection, name


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", "--reports", type=int, default=10_000)
    parser.add_argument(
        "--photos-every", type=int, default=0, help="one photo on every Nth report (0: none)"
    )
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("SECRET_KEY", "benchmark-only-not-secret")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clair_portal.settings")
    if args.child:
        child(args.child)
        return

    workdir = Path(tempfile.mkdtemp(prefix="clair-bench-"))
    os.environ["MEDIA_ROOT"] = str(workdir / "media")
    try:
        path = workdir / "reports.jsonl"
        write_file(path, args.reports, args.photos_every)
        url, connection, name = fresh_database(workdir)
        env = {**os.environ, "DATABASE_URL": url, "DEBUG": ""}
        print(
            f"{args.reports:,} reports ({path.stat().st_size / 1e6:.1f} MB of JSONL) "
            f"on {connection.vendor}, Python {sys.version.split()[0]}"
        )
        try:
            for label in ("import into an empty database", "import again (all unchanged)"):
                result = subprocess.run(
                    [sys.executable, __file__, "--child", str(path)],
                    env=env,
                    check=True,
                    capture_output=True,
                    text=True,
                )
                figures = json.loads(result.stdout.strip().splitlines()[-1])
                summary = result.stderr.strip().splitlines()[-1]
                print(
                    f"  {label}: {figures['seconds']:.1f} s "
                    f"(CPU {figures['cpu_seconds']:.1f} s in the importing process), "
                    f"{args.reports / figures['seconds']:,.0f} reports/s, "
                    f"peak memory {figures['maxrss_kb'] / 1024:.0f} MB "
                    f"(after start-up {figures['baseline_kb'] / 1024:.0f} MB)\n    {summary}"
                )
        finally:
            connection.creation.destroy_test_db(name, verbosity=0)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
