"""What the browser, proxy and fragment tests (and the benches) share about a real `streamlit run`
process: a free port, starting it on the session's build, waiting until it answers its health
check (or failing with its log), and stopping it."""
from __future__ import annotations

import asyncio
import concurrent.futures
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def stop(process: subprocess.Popen, timeout: float) -> None:
    """Terminate, and kill what does not end within `timeout` s."""
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@contextmanager
def running_dashboard(data_root: Path, log: Path, timeout: float,
                      environment: dict[str, str] | None = None) -> Iterator[str]:
    """`streamlit run dashboard.py` on a free loopback port, reading data_root (and `environment`
    on top of this process's); stopped on exit."""
    port = free_port()
    env = {**os.environ, "EXILE_DATA_DIR": str(data_root), **(environment or {})}
    with log.open("w") as out:
        server = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "dashboard.py", "--server.port", str(port),
             "--server.address", "127.0.0.1", "--server.headless", "true", "--server.fileWatcherType", "none",
             "--browser.gatherUsageStats", "false"],
            cwd=REPO_ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    base_url = f"http://127.0.0.1:{port}"
    try:
        wait_until_healthy(base_url, server, log, timeout)
        yield base_url
    finally:
        stop(server, 10)


def wait_until_healthy(base_url: str, server: subprocess.Popen, log: Path, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"streamlit exited with {server.returncode}:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(f"{base_url}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"streamlit did not answer {base_url}/_stcore/health within {timeout} s:\n{log.read_text()}")


def run_coroutine(coroutine):
    """asyncio.run on a thread of its own: Playwright's sync API (tests/conftest.py
    chromium_browser) keeps an event loop running on the test thread while the browser lives."""
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coroutine).result()
