"""Benchmark 5: resident memory of ``wuchang run`` on the city data, and ``wuchang --help``."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from bench.common import Figure, at_most, below

SETTLE_SECONDS = 8.0


def wuchang() -> str:
    """The ``wuchang`` console script of this interpreter's environment."""
    beside = Path(sys.executable).with_name("wuchang")
    return str(beside) if beside.exists() else shutil.which("wuchang") or "wuchang"


def help_time(runs: int = 3) -> Figure:
    """Median wall time of ``wuchang --help`` in a fresh process, after one warm-up run."""
    times = []
    for _ in range(runs + 1):
        started = time.perf_counter()
        subprocess.run([wuchang(), "--help"], check=True, capture_output=True)
        times.append(time.perf_counter() - started)
    measured = sorted(times[1:])[len(times[1:]) // 2]
    return below("help wuchang --help wall time", 0.5, measured, "s",
                 f"median of {runs} after a warm-up")


def resident_memory(url: str, work: Path) -> Figure:
    """VmRSS of ``wuchang run`` on ``url``, idle after it settles; then SIGTERM."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    environment = {key: value for key, value in os.environ.items()
                   if not key.startswith("WUCHANG_")}
    environment.update(WUCHANG_DATABASE_URL=url, WUCHANG_HTTP_HOST="127.0.0.1",
                       WUCHANG_HTTP_PORT=str(port))
    process = subprocess.Popen([wuchang(), "run"], cwd=work, env=environment,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        time.sleep(SETTLE_SECONDS)
        if process.poll() is not None:
            raise RuntimeError(process.stderr.read().decode()[-2000:] if process.stderr else "")
        status = Path(f"/proc/{process.pid}/status").read_text()
        kilobytes = next(int(line.split()[1]) for line in status.splitlines()
                         if line.startswith("VmRSS:"))
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    return at_most("memory wuchang run idle RSS", 200, kilobytes / 1024, "MB",
                   f"city database, read after {SETTLE_SECONDS:g} s")
