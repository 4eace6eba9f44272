"""The proxy's configuration without starting anything: nginx accepts it (`nginx -t`, both the
tests' main file and the container's), every template variable has a value in the image, the
app's Content-Security-Policy allows exactly the inline script Streamlit's index.html carries,
and the Kubernetes Ingress headers say the same as nginx's."""
from __future__ import annotations

import base64
import hashlib
import importlib.util
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from etl.paths import REPO_ROOT
from tests.deploy.stack import DEBIAN_MIME_TYPES, NGINX, NGINX_DIR, Nginx, render_template, write_fixture_site

DOCKERFILE = REPO_ROOT / "deploy" / "Dockerfile"
K8S = REPO_ROOT / "deploy" / "k8s"


def require_nginx() -> None:
    if not NGINX.exists():
        pytest.skip(f"{NGINX} is missing (apt-get install -y nginx); .ci/run installs it")


def header_value(conf: str, name: str) -> str:
    match = re.search(rf'add_header {name} "([^"]*)"', (NGINX_DIR / "exiles" / conf).read_text())
    assert match, f"{conf} sets no {name}"
    return match.group(1)


def proxy_stage_env() -> dict[str, str]:
    """The ENV of the Dockerfile's proxy stage (what the nginx entrypoint renders templates with)."""
    stage = DOCKERFILE.read_text().split(" AS proxy", 1)[1]
    block = re.search(r"^ENV (.*?)(?=^\S)", stage, re.S | re.M).group(1)
    return dict(re.findall(r"(\w+)=(\S+)", block))


def test_nginx_accepts_the_configuration(tmp_path):
    require_nginx()
    write_fixture_site(tmp_path / "site")
    nginx = Nginx.create(tmp_path / "site", ["127.0.0.1:9", "127.0.0.1:10"])
    try:
        checked = nginx.check()
        assert checked.returncode == 0, checked.stderr + (nginx.error_log.read_text() if nginx.error_log.exists() else "")
    finally:
        nginx.cleanup()


def test_nginx_accepts_the_containers_main_file(tmp_path):
    """deploy/nginx/nginx.conf laid out as in the image (/etc/nginx), its /tmp paths moved into a
    temporary folder. The compose upstream template needs nginx >= 1.27.3 (`resolve`), newer than
    Debian's: a plain server line stands in for it here."""
    require_nginx()
    conf = tmp_path / "etc-nginx"
    shutil.copytree(NGINX_DIR / "exiles", conf / "exiles")
    shutil.copy(DEBIAN_MIME_TYPES, conf / "mime.types")
    (conf / "local").mkdir()
    env = proxy_stage_env()
    site = tmp_path / "site"
    write_fixture_site(site)
    values = {**env, "EXILE_SITE_ROOT": str(site), "EXILE_PROXY_PORT": "127.0.0.1:1",
              "EXILE_APP_STATIC_ROOT": str(tmp_path / "app-static")}
    for template in (NGINX_DIR / "templates").glob("*.conf.template"):
        if template.name != "upstream.conf.template":
            (conf / "local" / template.name.removesuffix(".template")).write_text(render_template(template, values))
    (conf / "local" / "upstream.conf").write_text("server 127.0.0.1:9;\n")
    main = (NGINX_DIR / "nginx.conf").read_text().replace("/tmp/", f"{tmp_path}/")
    (conf / "nginx.conf").write_text(main)
    checked = subprocess.run([str(NGINX), "-t", "-q", "-p", str(tmp_path), "-c", str(conf / "nginx.conf"),
                              "-e", str(tmp_path / "error.log")], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stderr


def test_every_template_variable_has_a_value_in_the_image():
    env = proxy_stage_env()
    used = set()
    for template in (NGINX_DIR / "templates").glob("*.template"):
        used |= set(re.findall(r"\$\{(\w+)\}", template.read_text()))
        render_template(template, env)  # raises on a variable without a value
    assert used <= set(env), used - set(env)
    assert env["NGINX_ENVSUBST_OUTPUT_DIR"] == "/etc/nginx/local"  # where exiles/http.conf includes local/ from


def test_brotli_is_only_ever_included_where_the_module_is_loaded():
    for conf in NGINX_DIR.rglob("*.conf"):
        live = [line for line in conf.read_text().splitlines() if "brotli.conf" in line and not line.strip().startswith("#")]
        assert live == [], conf


def test_the_app_csp_allows_exactly_streamlits_inline_script():
    # found, not imported (importing streamlit takes seconds)
    html = (Path(importlib.util.find_spec("streamlit").origin).parent / "static" / "index.html").read_text()
    inline = re.findall(r"<script(?![^>]*\bsrc=)[^>]*>(.*?)</script>", html, re.S)
    hashes = {f"'sha256-{base64.b64encode(hashlib.sha256(body.encode()).digest()).decode()}'" for body in inline}
    script_src = dict(part.strip().split(" ", 1) for part in header_value("headers-app.conf", "Content-Security-Policy").split(";"))["script-src"]
    assert {token for token in script_src.split() if token.startswith("'sha256-")} == hashes


def test_the_static_csp_allows_no_inline_script_and_embeds_alone_may_be_framed():
    edition = header_value("headers-edition.conf", "Content-Security-Policy")
    embed = header_value("headers-embed.conf", "Content-Security-Policy")
    assert "script-src 'self';" in edition and "unsafe" not in edition.split("style-src")[0]
    assert edition.replace("frame-ancestors 'self'", "frame-ancestors *") == embed


@pytest.mark.parametrize("configmap, conf", [
    ("exiles-app-headers", "headers-app.conf"),
    ("exiles-edition-headers", "headers-edition.conf"),
    ("exiles-embed-headers", "headers-embed.conf"),
])
def test_the_ingress_sends_the_same_headers_as_nginx(configmap, conf):
    documents = [d for path in K8S.glob("*.yaml") for d in yaml.safe_load_all(path.read_text()) if d]
    data = next(d["data"] for d in documents if d["kind"] == "ConfigMap" and d["metadata"]["name"] == configmap)
    text = (NGINX_DIR / "exiles" / conf).read_text() + (NGINX_DIR / "exiles" / "headers-common.conf").read_text()
    nginx_headers = dict(re.findall(r'add_header ([\w-]+) "([^"]*)" always;', text))
    assert data == nginx_headers


def test_the_proxy_turns_off_exactly_streamlits_text_font_preload():
    """index.html preloads Source Sans whatever the theme says; the proxy's sub_filter rewrites the
    one `as="font"` there is (the theme draws in system fonts; issue 16, target 4)."""
    html = (Path(importlib.util.find_spec("streamlit").origin).parent / "static" / "index.html").read_text()
    conf = (NGINX_DIR / "exiles" / "http.conf").read_text()
    [(target, replacement)] = [pair for pair in re.findall(r"sub_filter '([^']+)' '([^']+)';", conf) if "font" in pair[0]]
    assert html.count(target) == 1
    link = re.search(r"<link[^>]*" + re.escape(target) + r"[^>]*>", html, re.S).group(0)
    assert 'rel="preload"' in link and "SourceSansVF-Upright" in link
    assert replacement.startswith('as="x-')  # names no destination: the preload fetches nothing
    # sub_filter reads the app's HTML uncompressed
    location = conf.split("    location / {", 1)[1].split("}", 1)[0]
    assert 'proxy_set_header Accept-Encoding "";' in location and "sub_filter " in location


def test_the_proxy_adds_the_first_charts_preloads_to_index_html_on_every_page_but_the_briefing():
    """index.html gets the chart's modulepreloads before its one </head> (the map's value: which
    modules, tests/deploy/test_precompress.py), except on the page that draws no chart."""
    html = (Path(importlib.util.find_spec("streamlit").origin).parent / "static" / "index.html").read_text()
    conf = (NGINX_DIR / "exiles" / "http.conf").read_text()
    location = conf.split("    location / {", 1)[1].split("}", 1)[0]
    assert "sub_filter '</head>' '$exiles_chart_preload</head>';" in location
    assert html.count("</head>") == 1
    block = re.search(r"map \$uri \$exiles_chart_preload \{(.*?)\n\}", conf, re.S).group(1)
    assert re.findall(r'^\s*"([^"]+)"\s+"";', block, re.M) == ["~^/briefing/?$"]
    from tests.page_registry import registered_pages
    chartless = [page.url_path for page in registered_pages() if "chart_card.render" not in
                 (REPO_ROOT / page.file).read_text()]
    assert chartless == ["briefing"]
