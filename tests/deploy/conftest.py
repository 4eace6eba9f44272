"""The loopback topology for the proxy tests (tests/deploy/stack.py): Debian's nginx with the
deploy/ configuration in front of two production-configured Streamlit replicas reading the
session's temporary build. Skipped with the reason where nginx is not installed (.ci/run installs
it)."""
from __future__ import annotations

import pytest

from tests.deploy.stack import NGINX, Stack


def require_nginx() -> None:
    if not NGINX.exists():
        pytest.skip(f"{NGINX} is missing (apt-get install -y nginx); .ci/run installs it")


@pytest.fixture(scope="module")
def stack(built, tmp_path_factory):
    require_nginx()
    paths, _ = built
    running = Stack.start(tmp_path_factory.mktemp("stack"), paths.root, replicas=2)
    try:
        yield running
    finally:
        running.cleanup()


@pytest.fixture
def replicas_up(stack):
    """The stack with both replicas running (a test before may have stopped them)."""
    stack.start_replicas()
    return stack
