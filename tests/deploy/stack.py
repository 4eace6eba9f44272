"""The hosted topology on loopback, without Docker: Debian's nginx with the SAME configuration files
as the proxy container (deploy/nginx/exiles/, templates/ rendered as the image's entrypoint
renders them) in front of Streamlit replicas that run the image's layout (dashboard.py beside
.streamlit/config.toml = deploy/streamlit/config.toml) with EXILE_READ_ONLY=1.

Used by tests/deploy/test_proxy.py and bench/bench_proxy.py. nginx never runs as root: as root
(CI), it is started as `nobody` over a world-readable copy of its folder; its pid, logs and temp
files stay in that folder. Every process is started here and stopped here, by its own pid.
"""
from __future__ import annotations

import functools
import gzip
import hashlib
import importlib.util
import io
import json
import os
import re
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from etl.paths import REPO_ROOT
from tests.streamlit_server import free_port, stop, wait_until_healthy

DEPLOY = REPO_ROOT / "deploy"
NGINX_DIR = DEPLOY / "nginx"
STREAMLIT_CONFIG = DEPLOY / "streamlit" / "config.toml"
NGINX = Path(shutil.which("nginx") or "/usr/sbin/nginx")
DEBIAN_MIME_TYPES = Path("/etc/nginx/mime.types")
BROTLI_MODULE = Path("/usr/lib/nginx/modules/ngx_http_brotli_filter_module.so")
NOBODY = 65534
START_TIMEOUT = 90

# The static edition's contract (etl site): the fixture below has exactly this layout.
FIXTURE_CARD = "fixture-card"
FIXTURE_LANGS = ("en", "pl")
CHART_MARKER = "drawn by the edition script"


DOCKERFILE = DEPLOY / "Dockerfile"


def dockerfile_stages() -> dict[str, str]:
    """Each build stage of deploy/Dockerfile, its text by its name."""
    parts = re.split(r"^FROM ", DOCKERFILE.read_text(encoding="utf-8"), flags=re.M)[1:]
    return {re.search(r" AS ([\w-]+)", part.splitlines()[0]).group(1): "FROM " + part
            for part in parts}


def image_env(stage: str = "app") -> dict[str, str]:
    """The variables a build stage of deploy/Dockerfile sets with ENV (a later ENV wins)."""
    env: dict[str, str] = {}
    for line in dockerfile_stages()[stage].replace("\\\n", " ").splitlines():
        if line.startswith("ENV "):
            for pair in shlex.split(line[4:]):
                name, _, value = pair.partition("=")
                env[name] = value
    return env


def image_allocator() -> dict[str, str]:
    """The app image's allocator for a server started on this machine (deploy/Dockerfile: jemalloc by
    LD_PRELOAD, with its MALLOC_CONF): the library where this machine's Debian installed
    libjemalloc2. Empty where it is not installed: the server then runs on glibc's allocator."""
    env = image_env("app")
    found = sorted(Path("/usr/lib").glob(f"*/{Path(env['LD_PRELOAD']).name}"))
    return {"LD_PRELOAD": str(found[0]), "MALLOC_CONF": env["MALLOC_CONF"]} if found else {}


def render_template(template: Path, values: dict[str, str]) -> str:
    """What the nginx image's entrypoint does (envsubst of the variables it is given)."""
    text = template.read_text(encoding="utf-8")
    for name, value in values.items():
        text = text.replace("${" + name + "}", value)
    left = re.findall(r"\$\{EXILE_[A-Z_]+\}", text)
    if left:
        raise ValueError(f"{template.name}: no value for {left}")
    return text


# ------------------------------------------------------------------ the static edition fixture

def _hashed(name: str, ext: str, content: bytes) -> str:
    return f"{name}-{hashlib.sha256(content).hexdigest()[:8]}.{ext}"


def _png() -> bytes:
    from PIL import Image
    out = io.BytesIO()
    Image.new("RGB", (40, 20), (0, 114, 178)).save(out, format="PNG")
    return out.getvalue()


def write_fixture_site(site: Path) -> dict[str, str]:
    """A small static edition in the contract's layout; returns the hashed asset names
    {"js": "assets/edition-<sha8>.js", "css": ...}. The script marks every chart element as drawn,
    so a browser test can tell that it ran (and that the CSP allowed it)."""
    js = ("// The fixture's stand-in for the edition's chart script (over gzip_min_length, like a real one).\n"
          "(function () {\n"
          "  'use strict';\n"
          "  function draw(element) {\n"
          "    var figure = JSON.parse(document.getElementById(element.getAttribute('data-chart')).textContent);\n"
          f"    element.textContent = {json.dumps(CHART_MARKER)} + ' (' + figure.data.length + ' trace)';\n"
          "    element.setAttribute('data-drawn', '1');\n"
          "  }\n"
          "  document.querySelectorAll('[data-chart]').forEach(draw);\n"
          "  document.documentElement.setAttribute('data-edition-script', 'ran');\n"
          "}());\n").encode()
    css = ("body { font-family: sans-serif; margin: 1rem; color: #1F2328; }\n"
           ".chart { min-height: 120px; border: 1px solid #d0d7de; }\n" * 8).encode()
    assets = {"js": f"assets/{_hashed('edition', 'js', js)}", "css": f"assets/{_hashed('edition', 'css', css)}"}
    (site / "assets").mkdir(parents=True)
    (site / assets["js"]).write_bytes(js)
    (site / assets["css"]).write_bytes(css)
    # as the proxy image bakes it (deploy/Dockerfile, stage site): the CSS with a compressed copy
    # beside it (sent as it is), the script without (compressed on the fly)
    (site / (assets["css"] + ".gz")).write_bytes(gzip.compress(css, compresslevel=9, mtime=0))
    # the bake names a vendored library with its own suffix kept: plotly-<sha8>.min.js
    library = b"/* a stand-in for plotly.min.js */\n"
    assets["library"] = f"assets/plotly-{hashlib.sha256(library).hexdigest()[:8]}.min.js"
    (site / assets["library"]).write_bytes(library)
    paragraph = "<p>" + "Valid residence permits held by citizens of Belarus on 31 December. " * 12 + "</p>"

    def page(title: str, depth: int, body: str) -> str:
        up = "../" * depth
        return (f"<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{title}</title>"
                f"<link rel=\"stylesheet\" href=\"{up}{assets['css']}\"></head><body>{body}"
                f"<script src=\"{up}{assets['js']}\"></script></body></html>\n")

    links = "".join(f'<li><a href="edition/{lang}/index.html">{lang}</a></li>' for lang in FIXTURE_LANGS)
    (site / "index.html").write_text(page("Static edition", 0, f"<h1>Static edition</h1><ul>{links}</ul>{paragraph}"))
    for lang in FIXTURE_LANGS:
        for folder in ("edition", "embed", "files"):
            (site / folder / lang).mkdir(parents=True)
        # the figure travels as an inline JSON data block (never executed, so `script-src 'self'`
        # holds), drawn by the hashed script
        figure = json.dumps({"data": [{"type": "bar", "x": ["POL"], "y": [1]}]})
        chart = (f'<div class="chart" data-chart="{FIXTURE_CARD}">chart</div>'
                 f'<script type="application/json" id="{FIXTURE_CARD}">{figure}</script>'
                 f'<img src="../../files/{lang}/{FIXTURE_CARD}.png" alt="chart">')
        (site / "edition" / lang / "index.html").write_text(
            page(f"Edition {lang}", 2, f'<h1>Edition</h1><a href="{FIXTURE_CARD}.html">card</a>{paragraph}'))
        (site / "edition" / lang / f"{FIXTURE_CARD}.html").write_text(page("Card", 2, f"<h1>Card</h1>{chart}{paragraph}"))
        (site / "embed" / lang / f"{FIXTURE_CARD}.html").write_text(page("Embed", 2, f"<h1>Embed</h1>{chart}{paragraph}"))
        (site / "files" / lang / f"{FIXTURE_CARD}.csv").write_text(
            "indicator,origin,destination,period_end,value\n" + "permits_stock,BLR,POL,2024-12-31,1\n" * 40)
        (site / "files" / lang / f"{FIXTURE_CARD}.png").write_bytes(_png())
        (site / "files" / lang / f"{FIXTURE_CARD}.svg").write_text(
            '<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20">'
            + '<rect width="40" height="20" fill="#0072B2"/>' * 20 + "</svg>\n")
    return assets


# ------------------------------------------------------------------ the proxy's copy of Streamlit's frontend

def streamlit_static() -> Path:
    """The installed Streamlit's frontend folder (found, not imported: importing takes seconds)."""
    return Path(importlib.util.find_spec("streamlit").origin).parent / "static"


@functools.cache
def precompress_module():
    """deploy/precompress.py (a script, not a package), loaded once."""
    spec = importlib.util.spec_from_file_location("exiles_deploy_precompress", DEPLOY / "precompress.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def index_bundles() -> list[str]:
    """The /static/ paths Streamlit's index.html loads first (its entry script and stylesheets)."""
    html = (streamlit_static() / "index.html").read_text()
    return sorted("/" + ref.removeprefix("./") for ref in re.findall(r'(?:src|href)="(\./static/[^"]+)"', html))


def write_app_static(dest: Path) -> list[str]:
    """The proxy image's copy of Streamlit's frontend (deploy/precompress.py), cut to index.html,
    the bundles it names, the first chart's modules and the icon font (brotli at quality 5: the
    image's 11 takes minutes for the whole folder); every other bundle is missing from it, as after
    a Streamlit upgrade of the replicas. Returns the /static/ paths in the copy."""
    source = dest.with_name(dest.name + "-source")
    precompress = precompress_module()
    # the chart's modules (the copy's Plotly chunk is trimmed: its plotly.js registers only what the
    # app draws) and the icon font, which the copy cuts to the icons named (deploy/precompress.py)
    bundles = index_bundles() + sorted(
        ["/static/js/" + name for name in precompress.chart_preloads(streamlit_static())]
        + ["/" + str(path.relative_to(streamlit_static())) for path in streamlit_static().glob(precompress.ICON_FONT_GLOB)])
    for path in ["/index.html", *bundles]:
        target = source / path.lstrip("/")
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(streamlit_static() / path.lstrip("/"), target)
    precompress.precompress(source, dest, brotli_quality=5)
    shutil.rmtree(source)
    return bundles


# ------------------------------------------------------------------ nginx

def _as_root() -> bool:
    return os.geteuid() == 0


def _main_conf(tree: Path, workers: int, access_log: bool, brotli: bool) -> str:
    logs, temp = tree / "logs", tree / "temp"
    return "\n".join([
        "# The loopback tests' main file: what deploy/nginx/nginx.conf sets for the container, with",
        "# paths in this temporary folder. The rest is deploy/nginx/exiles/ and templates/, unchanged.",
        f"worker_processes {workers};",
        f"pid {logs / 'nginx.pid'};",
        f"error_log {logs / 'error.log'} warn;",
        f"load_module {BROTLI_MODULE};" if brotli else "# no brotli module on this host",
        "events { worker_connections 8192; }",
        "http {",
        f"    include {DEBIAN_MIME_TYPES};",
        "    default_type application/octet-stream;",
        # which replica answered each request (the sticky-session test reads it from here), and the
        # bytes sent to the client, headers included (bench/bench_first_chart.py)
        "    log_format probe '$request_id \"$request\" $status \"$upstream_addr\" \"$http_origin\" $bytes_sent';",
        f"    access_log {logs / 'access.log'} probe;" if access_log else "    access_log off;",
        "    sendfile on;",
        "    tcp_nopush on;",
        *(f"    {name}_temp_path {temp / name};" for name in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")),
        "    include exiles/brotli.conf;" if brotli else "",
        "    include exiles/http.conf;",
        "}",
        ""])


@dataclass
class Nginx:
    """Debian's nginx on 127.0.0.1:port with the deploy/ configuration, upstreams given."""
    tree: Path
    port: int
    public_origin: str
    upstreams: list[str]
    workers: int = 1
    access_log: bool = True
    app_max_conns: int | None = None
    # the brotli filter module, loaded where this host has it (the production image has none)
    brotli: bool = field(default_factory=BROTLI_MODULE.exists)
    # the configuration's folder: deploy/nginx, or another revision's (bench/bench_first_chart.py)
    nginx_dir: Path = NGINX_DIR
    process: subprocess.Popen | None = None

    @classmethod
    def create(cls, site: Path, upstreams: list[str], workers: int = 1, access_log: bool = True,
               app_max_conns: int | None = None, app_static: Path | None = None,
               brotli: bool | None = None, nginx_dir: Path = NGINX_DIR) -> Nginx:
        """app_static: the proxy's copy of Streamlit's frontend (deploy/precompress.py), moved
        into place; None: an empty folder (every /static/ request goes on to the app)."""
        tree = Path(tempfile.mkdtemp(prefix="exiles-nginx-"))
        port = free_port()
        nginx = cls(tree=tree, port=port, public_origin=f"http://127.0.0.1:{port}", upstreams=upstreams,
                    workers=workers, access_log=access_log, app_max_conns=app_max_conns,
                    brotli=BROTLI_MODULE.exists() if brotli is None else brotli, nginx_dir=nginx_dir)
        nginx._write(site, app_static)
        return nginx

    @property
    def url(self) -> str:
        return self.public_origin

    @property
    def conf(self) -> Path:
        return self.tree / "conf" / "nginx.conf"

    @property
    def error_log(self) -> Path:
        return self.tree / "logs" / "error.log"

    @property
    def access_log_path(self) -> Path:
        return self.tree / "logs" / "access.log"

    def _write(self, site: Path, app_static: Path | None) -> None:
        conf = self.tree / "conf"
        shutil.copytree(self.nginx_dir / "exiles", conf / "exiles")
        (conf / "local").mkdir()
        values = {"EXILE_PUBLIC_ORIGIN": self.public_origin, "EXILE_PROXY_PORT": f"127.0.0.1:{self.port}",
                  "EXILE_SITE_ROOT": str(self.tree / "site"), "EXILE_APP_STATIC_ROOT": str(self.tree / "app-static")}
        # every template as the image's entrypoint renders them, but the upstreams (loopback ports)
        for template in sorted((self.nginx_dir / "templates").glob("*.conf.template")):
            if template.name != "upstream.conf.template":
                (conf / "local" / template.name.removesuffix(".template")).write_text(render_template(template, values))
        if app_static is not None:
            shutil.copytree(app_static, self.tree / "app-static")
        else:
            (self.tree / "app-static").mkdir()
        limit = f" max_conns={self.app_max_conns}" if self.app_max_conns else ""
        (conf / "local" / "upstream.conf").write_text(
            "".join(f"server {address}{limit} max_fails=1 fail_timeout=10s;\n" for address in self.upstreams))
        shutil.copytree(site, self.tree / "site")
        for folder in ("logs", "temp"):
            (self.tree / folder).mkdir()
        self.conf.write_text(_main_conf(self.tree, self.workers, self.access_log, self.brotli))
        self.tree.chmod(0o755)
        if _as_root():
            for path in [self.tree, *self.tree.rglob("*")]:
                os.chown(path, NOBODY, NOBODY, follow_symlinks=False)

    def _command(self, *extra: str) -> list[str]:
        return [str(NGINX), "-p", str(self.tree), "-c", str(self.conf), "-e", str(self.error_log), *extra]

    def _user(self) -> dict:
        return {"user": NOBODY, "group": NOBODY, "extra_groups": []} if _as_root() else {}

    def check(self) -> subprocess.CompletedProcess:
        """`nginx -t` on this configuration."""
        return subprocess.run(self._command("-t", "-q"), capture_output=True, text=True, **self._user())

    def start(self) -> None:
        self.process = subprocess.Popen(self._command("-g", "daemon off;"), stdout=subprocess.DEVNULL,
                                        stderr=subprocess.PIPE, **self._user())
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"nginx exited with {self.process.returncode}: "
                                   f"{self.process.stderr.read().decode() if self.process.stderr else ''}"
                                   f"{self.error_log.read_text() if self.error_log.exists() else ''}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError(f"nginx did not listen on {self.port}")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGQUIT)  # graceful: workers finish, master exits
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None

    def upstream_of(self, marker: str) -> list[str]:
        """The replicas ($upstream_addr) that answered the logged requests containing marker."""
        lines = self.access_log_path.read_text().splitlines() if self.access_log_path.exists() else []
        return [re.findall(r'"([^"]*)"', line)[1] for line in lines if marker in line]

    def logged_upstreams(self, marker: str, timeout: float = 5.0) -> list[str]:
        """upstream_of(marker) once at least one such request is logged (nginx writes a request's line
        when it ends: after its response has gone, for a websocket after the tunnel has closed,
        which can trail the client's close); [] after `timeout` seconds."""
        deadline = time.monotonic() + timeout
        while not (answered := self.upstream_of(marker)) and time.monotonic() < deadline:
            time.sleep(0.05)
        return answered

    def cleanup(self) -> None:
        self.stop()
        shutil.rmtree(self.tree, ignore_errors=True)


# ------------------------------------------------------------------ Streamlit replicas

def make_app_tree(folder: Path) -> Path:
    """The image's layout: the code beside the production .streamlit/config.toml (the checkout's
    own development config is not read). The code is linked, not copied."""
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy2(REPO_ROOT / "dashboard.py", folder / "dashboard.py")
    for name in ("app", "pages", "etl"):
        (folder / name).symlink_to(REPO_ROOT / name, target_is_directory=True)
    (folder / ".streamlit").mkdir()
    shutil.copy2(STREAMLIT_CONFIG, folder / ".streamlit" / "config.toml")
    (folder / "home").mkdir()
    return folder


@dataclass
class Replica:
    """`python -m app.serve` (the image's CMD: the preload, then `streamlit run dashboard.py`) with the
    production config on 127.0.0.1:port."""
    app_tree: Path
    data_root: Path
    public_origin: str
    log: Path
    port: int = field(default_factory=free_port)
    process: subprocess.Popen | None = None

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    def environment(self) -> dict[str, str]:
        env = {name: value for name, value in os.environ.items() if not name.startswith("STREAMLIT_")}
        env.update({"EXILE_DATA_DIR": str(self.data_root), "EXILE_READ_ONLY": "1",
                    "EXILE_PUBLIC_URL": self.public_origin,
                    "STREAMLIT_SERVER_CORS_ALLOWED_ORIGINS": self.public_origin,
                    # no ~/.streamlit of the machine's user: only the image's config counts
                    "HOME": str(self.app_tree / "home"),
                    **image_allocator()})
        return env

    def start(self) -> None:
        with self.log.open("a") as out:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "app.serve",  # the image's CMD: preload, then streamlit run
                 "--server.port", str(self.port), "--server.address", "127.0.0.1"],
                cwd=self.app_tree, env=self.environment(), stdout=out, stderr=subprocess.STDOUT)

    def wait_healthy(self) -> None:
        if self.process is None:
            raise RuntimeError(f"streamlit on {self.port} was never started")
        wait_until_healthy(f"http://{self.address}", self.process, self.log, START_TIMEOUT)

    def stop(self) -> None:
        if self.process is not None:
            stop(self.process, 15)
        self.process = None

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None


@dataclass
class Stack:
    """nginx in front of N replicas, all on loopback."""
    nginx: Nginx
    replicas: list[Replica]

    @classmethod
    def start(cls, workdir: Path, data_root: Path, replicas: int = 2, workers: int = 1, access_log: bool = True,
              app_max_conns: int | None = None, app_static: Path | None = None) -> Stack:
        """app_static: the proxy's copy of Streamlit's frontend; None: write_app_static's cut copy."""
        site = workdir / "site"
        if not site.exists():
            write_fixture_site(site)
        if app_static is None:
            app_static = workdir / "app-static"
            if not app_static.exists():
                write_app_static(app_static)
        app_tree = make_app_tree(workdir / "app-tree")
        ports = [free_port() for _ in range(replicas)]
        nginx = Nginx.create(site, [f"127.0.0.1:{port}" for port in ports], workers=workers,
                             access_log=access_log, app_max_conns=app_max_conns, app_static=app_static)
        members = [Replica(app_tree, data_root, nginx.public_origin, workdir / f"replica-{i}.log", port=port)
                   for i, port in enumerate(ports)]
        stack = cls(nginx, members)
        try:
            stack.start_replicas()
            nginx.start()
        except BaseException:
            stack.cleanup()
            raise
        return stack

    def start_replicas(self) -> None:
        for replica in self.replicas:
            if not replica.running:
                replica.start()
        for replica in self.replicas:
            replica.wait_healthy()

    def stop_replicas(self) -> None:
        for replica in self.replicas:
            replica.stop()

    def cleanup(self) -> None:
        self.stop_replicas()
        self.nginx.cleanup()
