"""The hosted topology on loopback (what `docker compose up --scale app=2` runs, without Docker):
Debian's nginx with deploy/nginx/ in front of two `streamlit run dashboard.py` replicas with the
production config and EXILE_READ_ONLY=1. The websocket opens from the public origin only; the
security headers are there (framing allowed for /embed/ only); no path redirects off-site;
metrics are not public; a session sticks to its replica; the static edition is served gzip'd,
typed and cached, and in place of the app when both replicas are down; an embed renders inside an
<iframe> on another origin while an edition page refuses to be framed."""
from __future__ import annotations

import asyncio
import gzip
import http.client
import os
import re
import threading
import tomllib
import uuid
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import aiohttp
import pytest

from tests.deploy.stack import (CHART_MARKER, FIXTURE_CARD, STREAMLIT_CONFIG, Nginx, precompress_module, index_bundles,
                               streamlit_static)
from tests.deploy.streamlit_client import SUBPROTOCOL, open_websocket, rerun_message, run_page, websocket_url
from tests.streamlit_server import free_port, run_coroutine

pytestmark = pytest.mark.proxy

RENDER_TIMEOUT_MS = int(os.environ.get("EXILE_BROWSER_RENDER_TIMEOUT_MS", "120000"))

EMBED = f"/embed/en/{FIXTURE_CARD}.html"
EDITION_PAGE = f"/edition/en/{FIXTURE_CARD}.html"


def get(stack, path: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    """One raw request (the path sent exactly as written, no redirect followed)."""
    connection = http.client.HTTPConnection("127.0.0.1", stack.nginx.port, timeout=60)
    try:
        connection.request("GET", path, headers=headers or {})
        response = connection.getresponse()
        body = response.read()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, body
    finally:
        connection.close()


def asset(stack, kind: str) -> str:
    """The fixture's hashed edition script ("js"), stylesheet ("css") or library ("min.js")."""
    names = [p.name for p in (stack.nginx.tree / "site" / "assets").iterdir()]
    if kind == "min.js":
        return "/assets/" + next(name for name in names if name.endswith(".min.js"))
    return "/assets/" + next(name for name in names if name.endswith(f".{kind}") and not name.endswith(".min.js"))


def csp(headers: dict[str, str]) -> dict[str, str]:
    directives = (part.strip().split(" ", 1) for part in headers["content-security-policy"].split(";") if part.strip())
    return {name: value for name, value, *_ in ((*d, "") for d in directives)}


# ------------------------------------------------------------------ websocket and origin

def test_the_websocket_opens_from_the_public_origin_and_not_from_another(replicas_up):
    url = replicas_up.nginx.url

    async def statuses():
        async with aiohttp.ClientSession() as session:
            return {origin: await open_websocket(session, url, origin)
                    for origin in (url, "http://evil.example", f"http://127.0.0.1:{free_port()}", "null", None)}

    opened = run_coroutine(statuses())
    assert opened[url] == 101
    # Streamlit alone would accept any origin on 127.0.0.1 or localhost, whatever the port: the
    # proxy's check is the one that refuses it
    assert opened["http://evil.example"] == 403
    assert [origin for origin, status in opened.items() if origin not in (url, None) and status != 403] == []
    # a client that sends no Origin (a script, a health check) is no browser page: let through
    assert opened[None] == 101


def test_the_websocket_is_compressed_through_the_proxy(replicas_up):
    """permessage-deflate (production config enableWebsocketCompression) is negotiated end to end:
    nginx passes the offer and the answer through, and a page's messages arrive deflated."""
    url = replicas_up.nginx.url

    async def extensions():
        async with aiohttp.ClientSession() as session:
            async with session.ws_connect(websocket_url(url), protocols=(SUBPROTOCOL,), headers={"Origin": url},
                                          compress=15) as ws:
                await ws.send_bytes(rerun_message("", "", url))
                message = await ws.receive(timeout=60)
                return ws.compress, message.type  # the window bits agreed on; 0: no compression

    compress, first = run_coroutine(extensions())
    assert compress > 0
    assert first == aiohttp.WSMsgType.BINARY  # and the session works over it


def test_a_page_runs_through_the_proxy_within_the_production_message_limit(replicas_up):
    """The Where page (the largest figure, the map) runs over the proxied websocket; its largest
    message leaves at least twice its size under server.maxMessageSize."""
    limit = tomllib.loads(STREAMLIT_CONFIG.read_text())["server"]["maxMessageSize"] * 10**6

    async def run():
        async with aiohttp.ClientSession() as session:
            return await run_page(session, replicas_up.nginx.url, "where", origin=replicas_up.nginx.url)

    page = run_coroutine(run())
    assert page.ok, (page.finished, page.exceptions)
    assert page.charts >= 1
    assert 2 * page.largest_message <= limit, f"largest message {page.largest_message} B, limit {limit} B"


# ------------------------------------------------------------------ headers

@pytest.mark.parametrize("path, framing", [
    ("/", "'self'"),
    ("/_stcore/health", "'self'"),
    ("/index.html", "'self'"),
    (EDITION_PAGE, "'self'"),
    (EMBED, "*"),
    (f"/files/en/{FIXTURE_CARD}.svg", "'none'"),
])
def test_security_headers(replicas_up, path, framing):
    status, headers, _ = get(replicas_up, path)
    assert status == 200
    assert headers["strict-transport-security"].startswith("max-age=")
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "strict-origin-when-cross-origin"
    assert headers["server"] == "nginx"  # no version
    policy = csp(headers)
    assert policy["frame-ancestors"] == framing
    assert policy["object-src" if "object-src" in policy else "default-src"] in ("'none'",)
    if framing == "*":
        assert "x-frame-options" not in headers
    elif framing == "'self'":
        assert headers["x-frame-options"] == "SAMEORIGIN"


def test_the_app_csp_allows_streamlit_and_no_third_party(replicas_up):
    _, headers, _ = get(replicas_up, "/")
    policy = csp(headers)
    assert policy["default-src"] == "'self'"
    assert policy["connect-src"] == "'self'"
    assert "unsafe-eval'" not in policy["script-src"].replace("wasm-unsafe-eval", "")
    assert "http" not in headers["content-security-policy"]  # no third-party origin anywhere


# ------------------------------------------------------------------ open redirects and private endpoints

@pytest.mark.parametrize("path", [
    "//evil.example/", "//evil.example/%2e%2e", "///evil.example/", "/\\evil.example", "/%2F%2Fevil.example",
    "/%5Cevil.example", "/%2fevil.example/", "/\\/evil.example/", "/edition", "/edition//evil.example",
    "/where/", "/where//evil.example", "/embed/..//evil.example", "/.//evil.example", "/assets//evil.example",
    "/_stcore//evil.example",
])
def test_no_path_redirects_off_site(replicas_up, path):
    status, headers, _ = get(replicas_up, path)
    if 300 <= status < 400:
        target = urlsplit(urljoin(f"{replicas_up.nginx.url}{path}", headers["location"]))
        assert (target.scheme, target.netloc) == ("http", f"127.0.0.1:{replicas_up.nginx.port}"), headers["location"]
    if path.startswith(("//", "/\\", "/%2F", "/%5C", "/%2f")):
        assert status == 400


def test_metrics_and_the_agent_api_are_not_public(replicas_up):
    assert get(replicas_up, "/_stcore/metrics")[0] == 404
    assert get(replicas_up, "/_stcore/agent/openapi.json")[0] == 404
    # the replica itself serves its metrics: the proxy is what hides them
    replica = replicas_up.replicas[0]
    connection = http.client.HTTPConnection("127.0.0.1", replica.port, timeout=30)
    connection.request("GET", "/_stcore/metrics")
    assert connection.getresponse().status == 200
    connection.close()


# ------------------------------------------------------------------ sticky sessions

def test_a_session_sticks_to_one_replica(replicas_up):
    nginx = replicas_up.nginx
    replicas = {replica.address for replica in replicas_up.replicas}
    _, first, _ = get(replicas_up, "/")
    cookie = first["set-cookie"].split(";")[0]
    assert cookie.startswith("exiles_route=")

    run = uuid.uuid4().hex
    for i in range(20):
        get(replicas_up, f"/?sticky={run}-{i}", {"Cookie": cookie})

    async def websocket():
        async with aiohttp.ClientSession() as session:
            return await open_websocket(session, nginx.url, nginx.url, headers={"Cookie": cookie}, query=f"route={run}")

    # the websocket the page opens carries the same cookie, and reaches the same replica
    assert run_coroutine(websocket()) == 101
    served = nginx.upstream_of(f"sticky={run}")
    assert len(served) == 20 and len(set(served)) == 1 and served[0] in replicas
    stream = nginx.logged_upstreams(f"/_stcore/stream?route={run}")
    assert stream == served[:1]

    # without the cookie, requests spread over both replicas
    spread = uuid.uuid4().hex
    for i in range(20):
        get(replicas_up, f"/?spread={spread}-{i}")
    assert set(nginx.upstream_of(f"spread={spread}")) == replicas


# ------------------------------------------------------------------ the static edition

@pytest.mark.parametrize("path, content_type", [
    (EDITION_PAGE, "text/html"),
    (EMBED, "text/html"),
    (f"/files/en/{FIXTURE_CARD}.csv", "text/csv"),
    (f"/files/en/{FIXTURE_CARD}.png", "image/png"),
    (f"/files/en/{FIXTURE_CARD}.svg", "image/svg+xml"),
    ("js", "text/javascript"),
    ("css", "text/css"),
])
def test_content_types(stack, path, content_type):
    if path in ("js", "css"):
        path = asset(stack, path)
    status, headers, _ = get(stack, path)
    assert status == 200
    assert headers["content-type"].split(";")[0] == content_type


def test_hashed_assets_are_cached_for_a_year_and_pages_briefly(stack):
    for kind in ("js", "css", "min.js"):
        _, headers, _ = get(stack, asset(stack, kind))
        assert headers["cache-control"] == "public, max-age=31536000, immutable"
    for page in (EDITION_PAGE, EMBED, "/index.html"):
        _, headers, _ = get(stack, page)
        assert headers["cache-control"] == "public, max-age=300"


@pytest.mark.parametrize("path", [EDITION_PAGE, EMBED, "js", "css", f"/files/en/{FIXTURE_CARD}.csv", "/"])
def test_text_is_gzipped(replicas_up, path):
    if path in ("js", "css"):
        path = asset(replicas_up, path)
    _, headers, _ = get(replicas_up, path, {"Accept-Encoding": "gzip"})
    assert headers.get("content-encoding") == "gzip"
    assert "Accept-Encoding" in headers.get("vary", "")


def test_the_edition_index_is_served_where_its_relative_links_resolve(stack):
    status, _, body = get(stack, "/index.html")
    assert status == 200 and body == (stack.nginx.tree / "site" / "index.html").read_bytes()
    for path in ("/edition/", "/edition"):
        status, headers, _ = get(stack, path)
        assert (status, headers["location"]) == (302, "/index.html")
    # every relative link of the index, resolved from /index.html, is served
    links = re.findall(r'(?:href|src)="([^"]+)"', body.decode())
    assert links and [link for link in links if get(stack, urljoin("/index.html", link))[0] != 200] == []


def test_a_baked_compressed_copy_is_sent_as_it_is(stack):
    css = asset(stack, "css")
    _, headers, body = get(stack, css, {"Accept-Encoding": "gzip"})
    assert headers.get("content-encoding") == "gzip"
    assert body == (stack.nginx.tree / "site" / css.lstrip("/")).with_suffix(".css.gz").read_bytes()
    # a client that takes no gzip gets the file itself
    _, headers, body = get(stack, css)
    assert "content-encoding" not in headers and body == (stack.nginx.tree / "site" / css.lstrip("/")).read_bytes()


def test_brotli_where_nginx_has_the_module(stack):
    from tests.deploy.stack import BROTLI_MODULE
    if not BROTLI_MODULE.exists():
        pytest.skip(f"{BROTLI_MODULE} is missing (apt-get install -y libnginx-mod-http-brotli-filter)")
    _, headers, _ = get(stack, EDITION_PAGE, {"Accept-Encoding": "br, gzip"})
    assert headers.get("content-encoding") == "br"


# ------------------------------------------------------------------ Streamlit's frontend

def _bundle(stack, in_copy: bool) -> tuple[str, bytes]:
    """A JS bundle of the installed Streamlit in the proxy's compressed copy (the app's entry
    script), or one missing from it (the dataframe chunk), with its bytes as Streamlit has them."""
    if in_copy:
        path = next(p for p in index_bundles() if re.fullmatch(r"/static/js/index\.[\w-]+\.js", p))
        assert (stack.nginx.tree / "app-static" / path.lstrip("/")).exists()
    else:
        path = "/static/js/" + next(p.name for p in (streamlit_static() / "static" / "js").glob("DataFrame.*.js"))
        assert not (stack.nginx.tree / "app-static" / path.lstrip("/")).exists()
    return path, (streamlit_static() / path.lstrip("/")).read_bytes()


def _sent_by(stack, path: str) -> str:
    """Who answered the last logged request for path: a replica's address, or "-" (nginx, from disk)."""
    return stack.nginx.logged_upstreams(f"GET {path} ")[-1]


def test_streamlits_bundles_come_compressed_from_the_proxys_copy(replicas_up):
    import brotli
    path, original = _bundle(replicas_up, in_copy=True)
    # a browser that takes brotli (every current one): the baked .br, as it is
    status, headers, body = get(replicas_up, path, {"Accept-Encoding": "gzip, deflate, br, zstd"})
    assert (status, headers.get("content-encoding")) == (200, "br")
    assert body == (replicas_up.nginx.tree / "app-static" / (path.lstrip("/") + ".br")).read_bytes()
    assert brotli.decompress(body) == original  # never compressed a second time on the way
    assert headers["content-type"].split(";")[0] in ("application/x-javascript", "text/javascript",
                                                      "application/javascript")
    assert headers["cache-control"] == "public, max-age=31536000, immutable"
    assert "Accept-Encoding" in headers["vary"]
    assert "script-src 'self'" in headers["content-security-policy"]
    assert _sent_by(replicas_up, path) == "-"
    # gzip only: the baked .gz
    status, headers, body = get(replicas_up, path, {"Accept-Encoding": "gzip"})
    assert (status, headers.get("content-encoding")) == (200, "gzip")
    assert gzip.decompress(body) == original
    assert body == (replicas_up.nginx.tree / "app-static" / (path.lstrip("/") + ".gz")).read_bytes()
    # neither: the file itself
    status, headers, body = get(replicas_up, path)
    assert (status, headers.get("content-encoding"), body) == (200, None, original)
    assert headers["content-type"].split(";")[0] in ("text/javascript", "application/javascript")
    # the compressed copies are not addressable on their own
    assert get(replicas_up, path + ".br", {"Accept-Encoding": "br"})[0] == 404
    # a bundle too small to be worth compressing (no .br baked) is sent as it is, from the copy
    tiny = next(p for p in index_bundles() if p.endswith(".js") and (streamlit_static() / p.lstrip("/")).stat().st_size < 256)
    status, headers, body = get(replicas_up, tiny, {"Accept-Encoding": "gzip, deflate, br, zstd"})
    assert (status, body) == (200, (streamlit_static() / tiny.lstrip("/")).read_bytes())
    assert headers.get("content-encoding") is None and _sent_by(replicas_up, tiny) == "-"


def test_a_bundle_missing_from_the_copy_comes_from_the_app(replicas_up):
    """(a replica of another Streamlit version during a rollout: its bundles have other names)"""
    path, original = _bundle(replicas_up, in_copy=False)
    status, headers, body = get(replicas_up, path, {"Accept-Encoding": "gzip, deflate, br"})
    assert status == 200
    assert _sent_by(replicas_up, path) in [replica.address for replica in replicas_up.replicas]
    encoding = headers.get("content-encoding")
    if encoding == "br":  # the brotli filter module, where this host has it
        import brotli
        body = brotli.decompress(body)
    elif encoding == "gzip":
        body = gzip.decompress(body)
    assert encoding in ("br", "gzip") and body == original


# ------------------------------------------------------------------ limits

def _burst(url: str, path: str, count: int, source: str) -> list[int]:
    async def run():
        connector = aiohttp.TCPConnector(local_addr=(source, 0), limit=50)
        async with aiohttp.ClientSession(connector=connector) as session:
            async def one():
                async with session.get(url + path) as response:
                    await response.read()
                    return response.status
            return await asyncio.gather(*(one() for _ in range(count)))
    return run_coroutine(run())


def test_a_request_rate_limit_per_address(stack):
    # from an address of its own (127.0.0.0/8 is all loopback), so other tests keep their budget
    statuses = _burst(stack.nginx.url, EDITION_PAGE, 600, "127.0.0.2")
    assert statuses.count(200) >= 200  # the burst passes
    assert statuses.count(429) > 0     # then the rate holds
    assert set(statuses) <= {200, 429}
    # another address is not affected
    assert _burst(stack.nginx.url, EDITION_PAGE, 5, "127.0.0.3") == [200] * 5


def test_open_websockets_are_capped_per_address(replicas_up):
    url = replicas_up.nginx.url

    async def run():
        connector = aiohttp.TCPConnector(local_addr=("127.0.0.4", 0), limit=0)
        async with aiohttp.ClientSession(connector=connector) as session:
            opened, refused = [], []
            for _ in range(21):
                try:
                    opened.append(await session.ws_connect(url.replace("http", "ws") + "/_stcore/stream",
                                                           protocols=("streamlit",), headers={"Origin": url}))
                except aiohttp.WSServerHandshakeError as error:
                    refused.append(error.status)
            for ws in opened:
                await ws.close()
            return len(opened), refused

    opened, refused = run_coroutine(run())
    assert (opened, refused) == (20, [429])


# ------------------------------------------------------------------ in a browser

@pytest.fixture
def other_origin(tmp_path, stack):
    """A page on another origin (a second loopback server, another port) framing an embed page and
    an edition page of the proxy."""
    (tmp_path / "article.html").write_text(
        "<!DOCTYPE html><html><body><h1>An article</h1>"
        f'<iframe id="embed" src="{stack.nginx.url}{EMBED}" width="600" height="400"></iframe>'
        f'<iframe id="edition" src="{stack.nginx.url}{EDITION_PAGE}" width="600" height="400"></iframe>'
        "</body></html>")
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(SimpleHTTPRequestHandler, directory=str(tmp_path)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/article.html"
    finally:
        server.shutdown()
        server.server_close()


def test_an_embed_renders_inside_an_iframe_on_another_origin(chromium_browser, other_origin):
    context = chromium_browser.new_context()
    page = context.new_page()
    violations: list[str] = []
    page.on("console", lambda message: violations.append(message.text) if "Content Security Policy" in message.text else None)
    page.goto(other_origin)
    embed = page.frame_locator("#embed")
    # the page's script ran (the CSP let it) and drew the chart placeholder
    embed.locator('[data-drawn="1"]').wait_for(timeout=30_000)
    assert embed.locator(f"text={CHART_MARKER} (1 trace)").count() == 1
    # the edition page refuses to be framed by another origin: Chromium shows its error page
    for _ in range(100):  # the embed has loaded by now; give the refusal a moment all the same
        edition_frame = page.frame(name="edition")
        if edition_frame is not None and edition_frame.url.startswith("chrome-error://"):
            break
        page.wait_for_timeout(100)
    assert edition_frame is not None and edition_frame.url.startswith("chrome-error://"), edition_frame
    # the only thing the CSP refused is the framing of the edition page (not the embed's data
    # block, script or styles)
    assert violations and all("frame-ancestors 'self'" in text for text in violations), violations
    context.close()


def test_the_app_through_the_proxy_in_a_browser(chromium_browser, replicas_up):
    """The dashboard draws its charts under the proxy's CSP (nothing blocked but the third-party
    favicon), and a chart's CSV download (a media file held by the replica of this session)
    arrives through the proxy."""
    context = chromium_browser.new_context(locale="en-GB", viewport={"width": 1400, "height": 1800},
                                           accept_downloads=True)
    page = context.new_page()
    blocked: list[str] = []
    page.add_init_script("document.addEventListener('securitypolicyviolation', e => "
                         "console.log('CSP-VIOLATION ' + e.violatedDirective + ' ' + e.blockedURI))")
    page.on("console", lambda message: blocked.append(message.text) if message.text.startswith("CSP-VIOLATION") else None)
    page.goto(replicas_up.nginx.url + "/")
    page.wait_for_selector(".js-plotly-plot", timeout=120_000)
    page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]', timeout=120_000)
    unexpected = [text for text in blocked
                  if not (text.startswith("CSP-VIOLATION img-src https://fonts.gstatic.com/"))]
    assert unexpected == []
    card_data = page.locator('[data-testid="stExpander"]').filter(has_text="Chart data").first
    card_data.locator("summary").click()
    button = card_data.locator('[data-testid="stDownloadButton"] button')
    button.wait_for(state="visible")
    with page.expect_download(timeout=60_000) as download:
        button.click()
    assert Path(download.value.path()).read_text().startswith("indicator,")
    context.close()


# Each icon drawn (an element in the icon font, laid out: not inside a collapsed expander, whose
# content is not displayed): its name, its width and its font size in px.
ICONS_DRAWN = """() => [...document.querySelectorAll('body *')]
  .filter(e => e.children.length === 0 && e.textContent.trim() && e.getClientRects().length > 0
               && getComputedStyle(e).fontFamily.includes('Material Symbols'))
  .map(e => [e.textContent.trim(), e.getBoundingClientRect().width, parseFloat(getComputedStyle(e).fontSize)])"""


@pytest.mark.parametrize("path", ["/", "/where?lang=be"])
def test_a_first_visit_through_the_proxy_downloads_no_text_font_and_a_cut_icon_font(chromium_browser, replicas_up, path):
    """The theme draws text in system fonts; with the proxy's copy of Streamlit's frontend (no
    @font-face of its text fonts, the icon font cut to the icons named) and index.html's font
    preload turned off, a first visit loads one font file, the cut Material Symbols (which
    Streamlit's frontend loads itself at start; issue 16, target 4: 171 + 365 KB less per first
    visit), and every icon on the page is drawn as an icon, not as its name in letters."""
    context = chromium_browser.new_context(locale="en-GB", viewport={"width": 1300, "height": 900})
    page = context.new_page()
    fonts: list[tuple[str, int]] = []

    def finished(request) -> None:
        if request.resource_type == "font":
            fonts.append((request.url.rsplit("/", 1)[-1].split(".")[0], request.sizes()["responseBodySize"]))

    page.on("requestfinished", finished)
    page.goto(replicas_up.nginx.url + path)
    page.wait_for_selector(".js-plotly-plot .main-svg", timeout=RENDER_TIMEOUT_MS)
    page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]', timeout=RENDER_TIMEOUT_MS)
    # every font the drawn page asked for has been asked for once document.fonts is ready
    loaded = page.evaluate("async () => { await document.fonts.ready;"
                           " return [...document.fonts].filter(f => f.status === 'loaded').map(f => f.family); }")
    for _ in range(RENDER_TIMEOUT_MS // 100):  # the font's requestfinished event, after it is ready
        if fonts:
            break
        page.wait_for_timeout(100)
    icons = page.evaluate(ICONS_DRAWN)
    context.close()
    assert {family.strip('"') for family in loaded} == {"Material Symbols Rounded"}, loaded
    assert [name for name, _ in fonts] == ["MaterialSymbols-Rounded"], fonts
    assert fonts[0][1] < 50_000, fonts  # the cut font (the whole one is 376 KB)
    assert len(icons) >= 5, icons  # the navigation's page icons at least
    # an icon is about one em wide; a name the font lacks would be drawn in letters (or nothing)
    assert [icon for icon in icons if not 0.5 * icon[2] <= icon[1] <= 1.5 * icon[2]] == [], icons


@pytest.mark.browser
def test_a_first_visit_fetches_the_chart_modules_once_while_the_app_boots(chromium_browser, replicas_up):
    """index.html through the proxy preloads the first chart's modules (map $exiles_chart_preload in
    deploy/nginx/exiles/http.conf; issue 16, target 4): Chromium requests Streamlit's Plotly chunk
    before the session's websocket opens (before, only once the first chart had arrived over it),
    once (the import uses the preload's response: no second megabyte), and draws the chart. The
    Briefing page, which draws no chart, preloads nothing."""
    _, _, home = get(replicas_up, "/")
    _, _, briefing = get(replicas_up, "/briefing")
    assert home.count(b'rel="modulepreload" crossorigin href="./static/js/PlotlyChart.') == 1
    assert b"PlotlyChart." not in briefing and b"</head>" in briefing

    context = chromium_browser.new_context(locale="en-GB", viewport={"width": 1300, "height": 900})
    page = context.new_page()
    events: list[str] = []
    page.on("request", lambda request: events.append("chart chunk") if "/PlotlyChart." in request.url else None)
    page.on("websocket", lambda socket: events.append("websocket"))
    page.goto(replicas_up.nginx.url + "/")
    page.wait_for_selector(".js-plotly-plot .main-svg", timeout=RENDER_TIMEOUT_MS)
    page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]', timeout=RENDER_TIMEOUT_MS)
    seen = list(events)
    context.close()
    assert seen[0] == "chart chunk" and seen.count("chart chunk") == 1, seen
    assert "websocket" in seen, seen


@pytest.mark.browser
@pytest.mark.parametrize("path", ["/where", "/poland"])
def test_every_chart_draws_with_the_copys_plotly_that_registers_what_the_app_draws(chromium_browser, replicas_up, path):
    """The proxy sends its copy's Plotly chunk, whose plotly.js registers bar alone besides its core's
    scatter (deploy/precompress.trim_plotly_modules; issue 16, target 4), and every chart of the
    page is drawn with it: each trace of each figure has its module (none left out as of an
    unknown type) and is drawn."""
    context = chromium_browser.new_context(locale="en-GB", viewport={"width": 1300, "height": 900})
    try:
        page = context.new_page()
        chunks = []
        page.on("response", lambda response: chunks.append(response) if "/PlotlyChart." in response.url else None)
        page.goto(replicas_up.nginx.url + path)
        page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]', timeout=RENDER_TIMEOUT_MS)
        charts = page.locator(".stPlotlyChart").count()
        page.wait_for_function(f"document.querySelectorAll('.js-plotly-plot .main-svg').length >= {charts}",
                               timeout=RENDER_TIMEOUT_MS)
        drawn = page.evaluate("""[...document.querySelectorAll('.js-plotly-plot')].map(gd => ({
            traces: gd.data.length, full: gd._fullData.length,
            unknown: gd._fullData.filter(t => !t._module).length,
            types: [...new Set(gd._fullData.map(t => t.type))],
            drawn: gd.querySelectorAll('.trace').length}))""")
        registered = precompress_module().PLOTLY_INDEX.search(chunks[0].body().decode()).group(2)
    finally:
        context.close()
    assert len(chunks) == 1 and re.fullmatch(r"[\w$]+\(\)", registered), registered
    assert charts >= 5 and len(drawn) == charts, (charts, drawn)
    for chart in drawn:
        assert chart["unknown"] == 0 and chart["traces"] == chart["full"] > 0 and chart["drawn"] > 0, chart
        assert set(chart["types"]) <= precompress_module().DRAWN_PLOTLY_TRACES, chart


# ------------------------------------------------------------------ saturated, then down

def test_the_static_edition_stands_in_when_every_replica_is_full(replicas_up):
    """A second nginx over the same replicas, each taking one connection (max_conns=1, what
    EXILE_APP_MAX_CONNS sets in compose): with one open session on each, a new reader gets the
    static edition; when a session closes, the app again."""
    site = replicas_up.nginx.tree / "site"
    full = Nginx.create(site, [r.address for r in replicas_up.replicas], app_max_conns=1)
    full.start()
    try:
        index = (site / "index.html").read_bytes()

        async def scenario():
            async with aiohttp.ClientSession() as session:
                opened = []
                for i in range(2):  # a different route cookie each: the second goes to the free replica
                    opened.append(await session.ws_connect(
                        full.url.replace("http", "ws") + "/_stcore/stream", protocols=("streamlit",),
                        headers={"Origin": full.url, "Cookie": f"exiles_route={i:032x}"}))
                async with session.get(full.url + "/") as response:
                    saturated = (response.status, await response.read())
                for ws in opened:
                    await ws.close()
                await asyncio.sleep(0.5)
                async with session.get(full.url + "/") as response:
                    freed = (response.status, await response.read())
                return saturated, freed

        saturated, freed = run_coroutine(scenario())
        assert saturated == (200, index)
        assert freed[0] == 200 and freed[1] != index
        assert set(full.upstream_of("/_stcore/stream")) == {r.address for r in replicas_up.replicas}
    finally:
        full.cleanup()


# ------------------------------------------------------------------ every replica down (keep last)

def test_the_static_edition_stands_in_when_every_replica_is_down(stack):
    stack.start_replicas()
    status, _, body = get(stack, "/")
    assert status == 200 and b"Static edition" not in body  # the app, while it runs

    stack.stop_replicas()
    index = (stack.nginx.tree / "site" / "index.html").read_bytes()
    for path in ("/", "/where?lang=pl"):
        status, headers, body = get(stack, path)
        assert (status, body) == (200, index), path
        assert headers["cache-control"] == "no-store"
        assert csp(headers)["frame-ancestors"] == "'self'"
    # health checks through the proxy say the truth
    assert get(stack, "/_stcore/health")[0] == 502
    # and the edition itself is untouched
    assert get(stack, EMBED)[0] == 200
