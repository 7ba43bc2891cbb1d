"""Counts computed once per change for the whole site (issue 18): one computation of
a value at a time, and with REDIS_URL one cache for every worker and node."""

import os
import socket
import subprocess
import sys
import threading
import time

import pytest
from django.conf import settings

from reports import content_revision

pytestmark = pytest.mark.django_db(transaction=True)

REDIS = ("127.0.0.1", 6379)


def redis_up() -> bool:
    try:
        socket.create_connection(REDIS, timeout=0.5).close()
        return True
    except OSError:
        return False


needs_redis = pytest.mark.skipif(
    not redis_up() and os.environ.get("REQUIRE_REDIS") != "1",
    reason="no Redis on 127.0.0.1:6379",
)


def slow_count(calls):
    def compute():
        calls.append(1)
        time.sleep(0.3)
        return 42

    return compute


def test_two_workers_asking_for_the_same_uncounted_value_compute_it_once():
    calls, results = [], []
    workers = [
        threading.Thread(
            target=lambda: results.append(
                content_revision.cached(None, "test-count", ("same",), slow_count(calls))
            )
        )
        for _ in range(4)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert (len(calls), results) == (1, [42, 42, 42, 42])


def test_a_waiting_worker_computes_the_value_itself_when_the_other_fails():
    started = threading.Event()

    def failing():
        started.set()
        time.sleep(0.2)
        raise RuntimeError("the database went away")

    def first():
        with pytest.raises(RuntimeError):
            content_revision.cached(None, "test-count", ("fails",), failing)

    thread = threading.Thread(target=first)
    thread.start()
    started.wait()
    assert content_revision.cached(None, "test-count", ("fails",), lambda: 7) == 7
    thread.join()


# With Redis: separate processes, as gunicorn workers are ------------------------

PROCESS = """
import os, sys, time, django
os.environ["DJANGO_SETTINGS_MODULE"] = "clair_portal.settings"
django.setup()
from django.core.cache import caches
from reports import content_revision

def compute():
    caches["default"].incr("test:computations")
    time.sleep(1)
    return "counted"

print(type(caches["default"]).__name__, content_revision.cached(None, "shared", (sys.argv[1],), compute))
"""


def run_workers(n: int, key: str, database_url: str) -> list[str]:
    env = {
        **os.environ,
        "DEBUG": "1",
        "REDIS_URL": "redis://127.0.0.1:6379/15",
        "DATABASE_URL": database_url,
    }
    workers = [
        subprocess.Popen(
            [sys.executable, "-c", PROCESS, key],
            env=env,
            cwd=settings.BASE_DIR,
            stdout=subprocess.PIPE,
            text=True,
        )
        for _ in range(n)
    ]
    return [worker.communicate(timeout=60)[0].strip() for worker in workers]


@pytest.fixture
def redis_db15():
    from django.core.cache.backends.redis import RedisCache

    shared = RedisCache("redis://127.0.0.1:6379/15", {"KEY_PREFIX": "clair:default"})
    shared.clear()
    shared.set("test:computations", 0, None)
    yield shared
    shared.clear()


@pytest.fixture
def database_url(tmp_path):
    """A database the worker processes can open: the test database itself on
    PostgreSQL; an SQLite file with the migrations applied otherwise."""
    db = settings.DATABASES["default"]
    if db["ENGINE"].endswith("postgresql"):
        return f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    path = tmp_path / "workers.sqlite3"
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--verbosity", "0"],
        env={**os.environ, "DEBUG": "1", "DATABASE_URL": f"sqlite:///{path}"},
        cwd=settings.BASE_DIR,
        check=True,
    )
    return f"sqlite:///{path}"


@needs_redis
def test_with_redis_workers_share_the_cache_and_count_a_value_once(redis_db15, database_url):
    outputs = run_workers(4, f"k{time.time_ns()}", database_url)
    assert outputs == ["RedisCache counted"] * 4
    assert redis_db15.get("test:computations") == 1


def test_without_redis_each_process_keeps_its_own_cache():
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='clair_portal.settings'; django.setup(); from django.core.cache import caches; print(type(caches['default']).__name__)",
        ],
        env={**{k: v for k, v in os.environ.items() if k != "REDIS_URL"}, "DEBUG": "1"},
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.strip() == "LocMemCache"
