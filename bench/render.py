"""What rendering a page costs the web process, with the page cache off and counts cached.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/clair_bench_100k \\
        .venv/bin/python -m bench.render --rounds 30

Uses the database `python -m bench --reports N` generated (it never writes). Runs as
production does (DEBUG off, cached templates), renders every page afresh
(PUBLIC_PAGE_CACHE=0) after one request that fills the count cache, and prints per page
the CPU time of this process (time.process_time: Python, templates and the driver, not
the database server's work) and the wall time, median and 95th percentile.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

PAGES = [
    ("/reports/", "list"),
    ("/reports/?page=2", "list, page 2"),
    ("/reports/?office=seoul&fy=2024", "list: office + fiscal year"),
    ("/reports/?prefecture=13", "list: prefecture (東京都)"),
    ("/reports/?country=KR", "list: country (KR)"),
    ("/reports/?q=交流", "search: common 2-char (交流)"),
    ("/reports/?q=伝統工芸品", "search: 5-char (伝統工芸品)"),
    ("/en/reports/", "list, English"),
    ("/reports/stats/", "statistics: all reports"),
]


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.render", description=__doc__)
    parser.add_argument("--rounds", type=int, default=30)
    args = parser.parse_args(argv)

    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clair_portal.settings")
    os.environ["DEBUG"] = "0"
    os.environ.setdefault("SECRET_KEY", "bench-render-" + "x" * 50)
    os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    os.environ["PUBLIC_PAGE_CACHE"] = "0"
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client

    from reports.models import Report

    call_command("collectstatic", interactive=False, verbosity=0)
    client = Client()
    print(f"{Report.objects.count():,} reports, {args.rounds} renders a page, page cache off")
    cpu: dict[str, list[float]] = {name: [] for _path, name in PAGES}
    wall: dict[str, list[float]] = {name: [] for _path, name in PAGES}
    for path, _name in PAGES:
        assert client.get(path, headers={"host": "127.0.0.1"}).status_code == 200, path
    for _ in range(args.rounds):
        for path, name in PAGES:
            began_cpu, began = time.process_time(), time.perf_counter()
            response = client.get(path, headers={"host": "127.0.0.1"})
            cpu[name].append((time.process_time() - began_cpu) * 1000)
            wall[name].append((time.perf_counter() - began) * 1000)
            assert response.status_code == 200, (path, response.status_code)
    print("| Page rendered afresh | CPU median ms | CPU p95 ms | wall median ms | wall p95 ms |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for _path, name in PAGES:
        print(
            f"| {name} | {statistics.median(cpu[name]):.1f} | {percentile(cpu[name], 0.95):.1f}"
            f" | {statistics.median(wall[name]):.1f} | {percentile(wall[name], 0.95):.1f} |"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
