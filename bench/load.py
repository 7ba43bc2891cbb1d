"""Serve the portal with gunicorn on loopback and drive it with wrk.

gunicorn runs the production configuration (DEBUG off, a secret key, compressed
static files from collectstatic), its sync workers on 127.0.0.1. wrk keeps a
fixed number of connections busy (closed loop) and a small Lua script reports
the 50th, 95th and 99th percentiles. Without wrk (`--quick` only, e.g. in CI),
a sequential Python client stands in, and the figures say so.
"""

import http.client
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

WRK_SCRIPT = """
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("BENCH %d %d %d %d %d %d %d\\n", summary.requests, summary.duration,
    latency:percentile(50), latency:percentile(95), latency:percentile(99),
    e.status, e.connect + e.read + e.write + e.timeout))
end
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """gunicorn with `workers` sync workers, started and stopped by the benchmark."""

    def __init__(self, workers: int, env: dict, log_path: Path | None = None):
        self.workers = workers
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        # The request log (a JSON line per request) is written as in production, to a
        # file rather than the terminal; only its tail is shown if the server fails.
        # Closed in stop(), hence no context manager.
        if log_path:
            self.log = open(log_path, "w+")  # noqa: SIM115
        else:
            self.log = tempfile.TemporaryFile("w+")  # noqa: SIM115
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "clair_portal.wsgi",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                str(workers),
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env=env,
            stderr=self.log,
        )
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(self.base + "/healthz", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    self.log.seek(0)
                    tail = "".join(self.log.readlines()[-20:])
                    raise SystemExit(f"bench: gunicorn did not start:\n{tail}") from None
                time.sleep(0.2)

    def worker_memory_mb(self) -> list[float]:
        """Resident memory of each worker (not the master), in MB."""
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        sizes = []
        for pid in children.read_text().split():
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    sizes.append(round(int(line.split()[1]) / 1024, 1))
        return sizes

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.log.close()


def have_wrk() -> bool:
    return shutil.which("wrk") is not None


def wrk(url: str, *, seconds: float, connections: int, threads: int = 2) -> dict:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(WRK_SCRIPT)
    try:
        output = subprocess.run(
            [
                "wrk",
                f"-t{min(threads, connections)}",
                f"-c{connections}",
                f"-d{max(1, round(seconds))}s",
                "--timeout",
                "30s",
                "-s",
                script.name,
                url,
            ],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    finally:
        os.unlink(script.name)
    line = next(line for line in output.splitlines() if line.startswith("BENCH "))
    requests, duration_us, p50, p95, p99, bad_status, errors = map(int, line.split()[1:])
    return {
        "requests": requests,
        "rps": round(requests / (duration_us / 1e6), 1),
        "p50_ms": round(p50 / 1000, 2),
        "p95_ms": round(p95 / 1000, 2),
        "p99_ms": round(p99 / 1000, 2),
        "non_2xx": bad_status,
        "errors": errors,
        "client": "wrk",
    }


def python_client(url: str, *, seconds: float) -> dict:
    """One keep-alive connection, one request at a time (the fallback without wrk)."""
    host_port, path = url.removeprefix("http://").split("/", 1)
    host, port = host_port.split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=30)
    latencies, bad = [], 0
    began = time.perf_counter()
    while time.perf_counter() - began < seconds or not latencies:
        start = time.perf_counter()
        conn.request("GET", "/" + path)
        response = conn.getresponse()
        response.read()
        latencies.append((time.perf_counter() - start) * 1000)
        bad += not 200 <= response.status < 300
    elapsed = time.perf_counter() - began
    conn.close()
    cuts = statistics.quantiles(latencies, n=100) if len(latencies) > 1 else latencies * 99
    return {
        "requests": len(latencies),
        "rps": round(len(latencies) / elapsed, 1),
        "p50_ms": round(cuts[49], 2),
        "p95_ms": round(cuts[94], 2),
        "p99_ms": round(cuts[98], 2),
        "non_2xx": bad,
        "errors": 0,
        "client": "python (1 connection)",
    }


def drive(url: str, *, seconds: float, warmup: float, connections: int) -> dict:
    """Warm up (discarded), then measure; the result counts the warm-up requests too."""
    if have_wrk():
        warm = wrk(url, seconds=warmup, connections=connections) if warmup else {}
        result = wrk(url, seconds=seconds, connections=connections)
    else:
        warm = python_client(url, seconds=warmup) if warmup else {}
        result = python_client(url, seconds=seconds)
    if not result["requests"]:
        # A page slower than the whole measuring time: no latency to report (wrk says 0).
        result.update(p50_ms=None, p95_ms=None, p99_ms=None, rps=0.0)
    return {**result, "warmup_requests": warm.get("requests", 0)}
