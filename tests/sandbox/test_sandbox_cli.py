"""`python -m noko_core.sandbox` runs in the foreground and stops cleanly on SIGTERM."""

from __future__ import annotations

import socket
import subprocess
import sys
import time

import requests


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_cli_serves_and_stops_on_sigterm() -> None:
    port = _free_port()
    command = [sys.executable, "-m", "noko_core.sandbox", "--port", str(port), "--token", "cli-t"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        assert f"http://127.0.0.1:{port}/v2" in line and "cli-t" in line

        headers = {"X-NokoToken": "cli-t", "User-Agent": "cli-test/1"}
        deadline = time.monotonic() + 30
        while True:
            try:
                response = requests.get(
                    f"http://127.0.0.1:{port}/v2/account", headers=headers, timeout=10
                )
                break
            except requests.ConnectionError:
                assert time.monotonic() < deadline
                time.sleep(0.2)
        assert response.status_code == 200
    finally:
        process.terminate()
        returncode = process.wait(timeout=30)
    assert returncode == 0
