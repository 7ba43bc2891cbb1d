"""A PostgreSQL cluster of our own: initdb in a temporary folder, a free loopback port,
and, when asked, a streaming replica of it (pg_basebackup) on another port.

The load and fault test and the replica check stop and start them in the middle of
a run; the server on 5432 is never touched.
"""

import contextlib
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from .load import free_port


def pg_bindir() -> Path:
    found = shutil.which("pg_ctl")
    if found:
        return Path(found).resolve().parent
    candidates = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"))
    if not candidates:
        raise SystemExit("faults: PostgreSQL's server programs (initdb, pg_ctl) are not installed")
    return candidates[-1].parent


class Cluster:
    """A throwaway PostgreSQL cluster that this script may stop and start at will."""

    def __init__(self, *, replica_of: "Cluster | None" = None):
        self.bindir = pg_bindir()
        self.folder = Path(tempfile.mkdtemp(prefix="clair-faults-pg-"))
        self.data = self.folder / "data"
        self.port = free_port()
        # initdb refuses to run as root: the cluster then belongs to the postgres user.
        self.as_owner = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        if self.as_owner:
            shutil.chown(self.folder, "postgres")
        if replica_of is None:
            # initdb's pg_hba.conf lets 127.0.0.1 replicate with trust, as a replica needs.
            self._run("initdb", "-D", str(self.data), "-U", "postgres", "-A", "trust", "-E", "UTF8",
                      "--no-locale")  # fmt: skip
        else:
            # A streaming replica: a base backup of the primary that follows it (-R).
            self._run("pg_basebackup", "-h", "127.0.0.1", "-p", str(replica_of.port), "-U",
                      "postgres", "-D", str(self.data), "-R", "-X", "stream", "-c", "fast")  # fmt: skip
        self.start()

    @property
    def url(self) -> str:
        return self.url_of("clair_faults")

    def url_of(self, database: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def sql(self, database: str, statement: str) -> str:
        """Runs one statement with psql; its output, unaligned."""
        found = subprocess.run(
            [str(self.bindir / "psql"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "-d", database,
             "-XAtc", statement],
            check=True, capture_output=True, text=True,
        )  # fmt: skip
        return found.stdout.strip()

    def _run(self, program: str, *args: str) -> None:
        subprocess.run(
            [*self.as_owner, str(self.bindir / program), *args],
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )

    def start(self) -> None:
        options = f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.folder}"
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.folder / "log"), "-w",
                  "-o", options, "start")  # fmt: skip

    def stop(self) -> None:
        # Fast shutdown: what a crash or a failover does to open connections.
        self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")

    def ready(self) -> bool:
        return (
            subprocess.run(
                [str(self.bindir / "pg_isready"), "-q", "-h", "127.0.0.1", "-p", str(self.port)]
            ).returncode
            == 0
        )

    def remove(self) -> None:
        with contextlib.suppress(subprocess.CalledProcessError):
            self.stop()
        shutil.rmtree(self.folder, ignore_errors=True)
