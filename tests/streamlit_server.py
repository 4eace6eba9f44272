"""What the browser and proxy tests share about a real `streamlit run` process: waiting until it
answers its health check, or failing with its log."""
from __future__ import annotations

import asyncio
import concurrent.futures
import subprocess
import time
import urllib.request
from pathlib import Path


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
