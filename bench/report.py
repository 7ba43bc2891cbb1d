"""The machine's description and the results as JSON and a Markdown table."""

import json
import os
import platform
import subprocess
from pathlib import Path

import django
from django.db import connection


def machine() -> dict:
    cpu = ""
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    mem_kb = 0
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal:"):
            mem_kb = int(line.split()[1])
    with connection.cursor() as cursor:
        cursor.execute("SELECT version()")
        pg_version = cursor.fetchone()[0].split(" on ")[0]
        settings = {}
        for name in ("shared_buffers", "work_mem", "effective_cache_size", "jit"):
            cursor.execute(f"SHOW {name}")
            settings[name] = cursor.fetchone()[0]
    try:
        wrk = subprocess.run(["wrk", "-v"], capture_output=True, text=True).stdout.split()[1]
    except (OSError, IndexError):
        wrk = None
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "ram_gb": round(mem_kb / 1024 / 1024, 1),
        "os": platform.platform(),
        "python": platform.python_version(),
        "django": django.get_version(),
        "postgresql": pg_version,
        "postgresql_settings": settings,
        "wrk": wrk,
    }


def fmt(value, digits=1) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:,.{digits}f}"
    return f"{value:,}" if isinstance(value, int) else str(value)


def speed_up(naive_ms: float, page_ms: float | None) -> float | None:
    """How many times faster than the naive scan; none when the page was not measured."""
    return naive_ms / max(page_ms, 0.01) if page_ms is not None else None


def markdown(results: dict) -> str:
    m, run, gen = results["machine"], results["run"], results["generation"]
    counts = gen["counts"]
    lines = [
        f"# Benchmark: {counts['reports']:,} reports",
        "",
        f"{results['finished_at']} · {m['cpu']}, {m['cores']} cores, {m['ram_gb']} GB RAM · "
        f"{m['postgresql']} (shared_buffers {m['postgresql_settings']['shared_buffers']}) · "
        f"Python {m['python']}, Django {m['django']} · "
        f"gunicorn {run['workers']} sync workers"
        + ("" if run.get("page_cache", True) else " **without the page cache**")
        + f" · {run['client']}, {run['connections']} "
        f"connections, {run['seconds']} s per page after {run['warmup']} s warm-up",
        "",
        f"Data: {counts['reports']:,} reports ({counts['public']:,} public), "
        f"{counts['events']:,} events, {counts['participants']:,} participant rows, "
        f"bodies of {counts['body_chars_mean']} characters on average. "
        + (
            f"Generated in {gen['timings']['total_s']} s (rows {gen['timings']['copy_s']} s, "
            f"indexes {gen['timings']['indexes_s']} s, vacuum and analyse "
            f"{gen['timings']['vacuum_analyze_s']} s)"
            if gen.get("timings")
            else "Generated earlier"
        )
        + ("; reused by this run." if gen.get("reused") else "."),
        "",
        "| Page | p50 ms | p95 ms | p99 ms | req/s | queries (first / repeat / 304) "
        "| first request ms | main query ms | plan | 304 |",
        "| --- | ---: | ---: | ---: | ---: | --- | ---: | ---: | --- | --- |",
    ]
    for page in results["pages"]:
        r = page["results"]
        load = r.get("load", {})
        main = r.get("main_query") or {}
        plan = "–"
        if main:
            plan = "**SEQ SCAN**" if main["seq_scan_of_reports"] else "index"
        if any(p["seq_scan_of_reports"] for p in r.get("plans", [])) and plan == "index":
            plan = "index (seq scan in another query)"
        conditional = {304: "yes", None: "–"}.get(r.get("conditional_status"), "no")
        queries = f"{r['queries_cold']} / {r['queries_warm']} / {fmt(r.get('queries_304'))}"
        name = page["name"]
        if "rows" in r:
            name += f" ({r['rows']:,} reports)"
        lines.append(
            f"| {name} | {fmt(load.get('p50_ms'), 2)} | {fmt(load.get('p95_ms'), 2)} "
            f"| {fmt(load.get('p99_ms'), 2)} | {fmt(load.get('rps'))} | {queries} "
            f"| {fmt(r['cold_ms'])} | {fmt(main.get('execution_ms'), 2)} | {plan} "
            f"| {conditional} |"
        )
    lines += [
        "",
        "Searches against the naive peer (`icontains` over the same normalised text, counted "
        "and sliced as a plain django-filter list does):",
        "",
        "| Word | results | naive ms | first request ms | speed-up | p50 ms (load) | speed-up |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for page in results["pages"]:
        r = page["results"]
        if "naive" not in r:
            continue
        naive, load = r["naive"], r.get("load", {})
        lines.append(
            f"| {page['word']} | {fmt(r['count'])} | {fmt(naive['ms'])} | {fmt(r['cold_ms'])} "
            f"| {fmt(naive['ms'] / max(r['cold_ms'], 0.01))}× | {fmt(load.get('p50_ms'), 2)} "
            f"| {fmt(speed_up(naive['ms'], load.get('p50_ms')), 0)}× |"
        )
    memory = results.get("worker_memory_mb") or []
    lines += [
        "",
        f"gunicorn workers after {fmt(results.get('requests_served'))} requests: "
        f"{', '.join(f'{size} MB' for size in memory)} resident.",
    ]
    if results["failures"]:
        lines += ["", "**Failures:**", ""] + [f"- {failure}" for failure in results["failures"]]
    return "\n".join(lines) + "\n"


def write(results: dict, out: Path) -> tuple[Path, Path]:
    out.mkdir(parents=True, exist_ok=True)
    stem = f"{results['generation']['counts']['reports']}-reports-{results['stamp']}"
    if not results["run"].get("page_cache", True):
        stem += "-no-page-cache"
    json_path, md_path = out / f"{stem}.json", out / f"{stem}.md"
    json_path.write_text(json.dumps(results, ensure_ascii=False, indent=1) + "\n")
    md_path.write_text(markdown(results))
    return json_path, md_path
