"""Read replicas: public pages read a real streaming replica, staff and writes the
primary; a lagging or stopped replica costs no request (clair_portal/replicas.py).

The check starts its own primary and replica (initdb, pg_basebackup) on free
loopback ports and runs `python -m bench.replicas`, as an operator would. It runs
with the PostgreSQL suite, on a machine with PostgreSQL's server programs.
"""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent
HAS_SERVER_PROGRAMS = bool(
    shutil.which("pg_basebackup") or list(Path("/usr/lib/postgresql").glob("*/bin/pg_basebackup"))
)

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql" or not HAS_SERVER_PROGRAMS,
    reason="a streaming replica needs PostgreSQL and its server programs",
)


@pytest.fixture(scope="module")
def replica_check():
    found = subprocess.run(
        [sys.executable, "-m", "bench.replicas"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    return found.returncode, [
        line for line in found.stdout.splitlines() if line[:4] in ("ok  ", "FAIL")
    ]


def outcome(lines: list[str], check: str) -> str:
    [line] = [line for line in lines if check in line]
    return line[:4].strip()


def test_the_replica_check_passes_as_a_whole(replica_check):
    returncode, lines = replica_check
    assert returncode == 0, "\n".join(lines)


@pytest.mark.parametrize(
    "check",
    [
        "a public list reads the replica only",
        "a report's page reads the replica only",
        "a staff page reads the primary only",
        "a signed-in member of staff reads public pages from the primary",
        "a change is on the staff's next page at once",
        "the public page shows it from the replica once replayed",
        "public pages read the primary",  # with the replica behind
        "with the replica stopped, every public request succeeds from the primary",
        "the replica is read again once it is back",
    ],
)
def test_each_replica_behaviour_is_checked_and_holds(replica_check, check):
    _returncode, lines = replica_check
    assert outcome(lines, check) == "ok"
