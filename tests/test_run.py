"""``wuchang run`` serves /healthz, runs the jobs and stops cleanly on SIGTERM."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

from storage.db import head_revision


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_run_serves_and_stops_on_sigterm(tmp_path: Path) -> None:
    port = _free_port()
    env = {**os.environ, "WUCHANG_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path}/run.db",
           "WUCHANG_HTTP_PORT": str(port), "NO_PROXY": "127.0.0.1"}
    process = subprocess.Popen([sys.executable, "-c", "from bot.cli import main; main()", "run"],
                               cwd=tmp_path, env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.monotonic() + 30
        health = None
        while time.monotonic() < deadline:
            try:
                health = httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).json()
                break
            except httpx.HTTPError:
                time.sleep(0.2)
        assert health is not None and health["ok"] is True
        assert health["schema"] == head_revision() and health["database"] == "ok"
        assert health["outbox"]["pending"] == 0
        process.send_signal(signal.SIGTERM)
        output, _ = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 0, output
    assert "scheduler started with" in output
    assert "wuchang stopped" in output
