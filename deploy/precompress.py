"""A copy of the installed Streamlit's frontend (its static/ folder: index.html, the JS bundles, CSS
and fonts) with compressed copies baked beside each text file, for the proxy to send as they are
(deploy/nginx/exiles/http.conf, location /static/; docs/performance.md, issue 16 target 4).

    python deploy/precompress.py DEST [--source DIR] [--brotli-quality 11] [--gzip-level 9]

<file>.gz (gzip, no name or time in the header: the same bytes on every build) is written for
every .js, .css, .json, .svg, .html, .txt and .map file of 256 bytes or more, and <file>.br
(brotli, when the `brotli` package is importable) for every such .js file; fonts (woff2) and
images are compressed already.

The theme draws text in the reader's system fonts (deploy/streamlit/config.toml), yet Streamlit's
frontend draws its first frame, before the theme arrives over the websocket, in its own Source
Sans, and a browser downloads a font as soon as any text asks for it: the copy's stylesheets lose
the @font-face rules of the web fonts the theme replaces (DROPPED_FONT_FAMILIES), so that first
frame is drawn in the system's sans-serif too and no reader downloads them (171 KB of a first
visit). The proxy also turns index.html's preload of Source Sans into a link that fetches
nothing (deploy/nginx/exiles/http.conf). A copy of a Streamlit whose stylesheets hold no such rule
is refused (an upgrade that moved the fonts elsewhere is to be looked at).

Streamlit's frontend also loads its Material Symbols icon font at start (376 KB: ~4,000 icons),
whatever the page shows. It draws an icon from its name (a ligature: the text "download" in that
font is the download icon), and every name it can draw is written `:material/<name>:` in its
bundles, in the Streamlit package or in the app's code (dashboard.py, app/, pages/). The copy's
icon font keeps those icons alone (ICON_FONT_GLOB; fontTools, which fpdf2 brings, and brotli for
woff2): about 100 icons, 11 KB. A name that appears nowhere as `:material/<name>:` would draw
nothing: tests/deploy check every icon drawn on the pages is kept.

Streamlit's frontend fetches its Plotly chunk (PlotlyChart.<hash>.js: all of plotly.js, 4.7 MB,
1.06 MB brotli) and the few modules it needs only when the page's first chart arrives over the
websocket, after the app shell has booted and the page script has run: fetching and compiling it
then is on the critical path of the first chart. The proxy adds a <link rel="modulepreload"> for
each of them to index.html (deploy/nginx/exiles/http.conf, map $exiles_chart_preload), so the
browser fetches and compiles them while the websocket connects and the script runs. Their names
carry Streamlit's content hashes: the copy is refused when the names the proxy preloads are not
exactly the ones the copy's Streamlit imports for a chart (chart_preloads; a Streamlit upgrade
that renames them is to be looked at, and the map updated).

The Plotly chunk holds all of plotly.js, whose index registers every one of its ~47 trace and
component modules when the chunk runs (plotly.js's lib/index.js: `Plotly.register([...])`); each
module is a lazily evaluated wrapper named by its source path (`X=_({"lib/bar.js"(e,t){...}})`)
that runs only when registered. The app draws scatter traces (registered by plotly.js's core) and
bar traces alone (tests/deploy check every figure it makes, and every trace class it names), so
the copy's chunk registers bar alone (KEPT_PLOTLY_MODULES; trim_plotly_modules): the other
modules' code is still sent (same bytes, give or take) but never run, which cuts plotly.js's run in
the browser on every first visit (docs/performance.md, issue 16 target 4). A chunk whose index
is not laid out that way, or that lacks a kept module, is refused.

The deploy/Dockerfile runs it at image build time; tests/deploy's loopback proxy too.
"""
from __future__ import annotations

import argparse
import gzip
import re
import shutil
import sys
from pathlib import Path

TEXT_SUFFIXES = (".js", ".css", ".json", ".svg", ".html", ".txt", ".map")
# the proxy sends <file>.br for JavaScript only (the bulk of the bytes; deploy/nginx/exiles/http.conf)
BROTLI_SUFFIXES = (".js",)
MIN_SIZE = 256  # as gzip_min_length in deploy/nginx/exiles/http.conf
# Streamlit's text fonts that the theme replaces with system fonts (font, headingFont, codeFont);
# tests/deploy check the theme names none of them.
DROPPED_FONT_FAMILIES = ("Source Sans", "Source Code Pro")


ICON_FONT_GLOB = "static/media/MaterialSymbols-*.woff2"
ICON_NAME = re.compile(r":material/([a-z0-9_]+):")
REPO = Path(__file__).resolve().parent.parent
APP_CODE = ("dashboard.py", "app", "pages")


def icon_names(roots: list[Path]) -> set[str]:
    """Every `:material/<name>:` in the .js and .py files under roots (files or folders)."""
    names: set[str] = set()
    for root in roots:
        files = [root] if root.is_file() else [p for p in root.rglob("*") if p.suffix in (".js", ".py") and p.is_file()]
        for path in files:
            names |= set(ICON_NAME.findall(path.read_text(encoding="utf-8", errors="replace")))
    return names


def subset_icon_font(path: Path, names: set[str]) -> int:
    """Rewrite the woff2 icon font at path with the icons of `names` alone (their ligatures and the
    letters they are spelled with); returns how many icons were kept. Names the font has no icon
    for are left out (they draw nothing in the full font either)."""
    from fontTools import subset
    from fontTools.ttLib import TTFont

    font = TTFont(str(path))
    cmap = font.getBestCmap()
    ligatures: dict[tuple[str, ...], str] = {}
    for lookup in font["GSUB"].table.LookupList.Lookup:
        for table in lookup.SubTable:
            table = getattr(table, "ExtSubTable", table)
            for first, entries in getattr(table, "ligatures", {}).items():
                for entry in entries:
                    ligatures[(first, *entry.Component)] = entry.LigGlyph
    letters = sorted({ord(char) for name in names for char in name})
    keep = set()
    for name in names:
        spelled = tuple(cmap.get(ord(char), "") for char in name)
        if spelled in ligatures:
            keep.add(ligatures[spelled])
    options = subset.Options()
    options.flavor = "woff2"
    options.layout_features = ["*"]
    options.layout_closure = False  # no other icon spelled with the same letters
    subsetter = subset.Subsetter(options)
    subsetter.populate(glyphs=sorted(keep), unicodes=letters)
    subsetter.subset(font)
    font.save(str(path))
    return len(keep)


def font_face_rule(family: str) -> re.Pattern[str]:
    """An @font-face rule of `family` as Streamlit's minified CSS writes it (no nested braces)."""
    return re.compile(r"@font-face\{font-family:\s*[\"']?" + re.escape(family) + r"[\"']?;[^{}]*\}")


def drop_font_faces(css: str, families: tuple[str, ...] = DROPPED_FONT_FAMILIES) -> tuple[str, int]:
    """css without the @font-face rules of `families`; returns it and how many rules went."""
    dropped = 0
    for family in families:
        css, count = font_face_rule(family).subn("", css)
        dropped += count
    return css, dropped


CHART_CHUNK = "PlotlyChart"  # Streamlit's lazily imported module that draws st.plotly_chart
HTTP_CONF = REPO / "deploy" / "nginx" / "exiles" / "http.conf"
VITE_DEPS = re.compile(r"__vite__mapDeps=\(i,m=__vite__mapDeps,d=\(m\.f\|\|\(m\.f=\[([^\]]*)\]\)\)")
MODULEPRELOAD = re.compile(r'<link rel="modulepreload" crossorigin href="\./static/js/([^"]+)">')


def lazy_imports(index_js: str, chunk: str) -> list[str]:
    """The .js files (names under static/js/) Streamlit's entry script loads for the lazily imported
    module `chunk` (`import(`./<chunk>.<hash>.js`)` and the files Vite's preload helper fetches with
    it, from the entry script's __vite__mapDeps table), the chunk first. [] if it imports none."""
    table = VITE_DEPS.search(index_js)
    call = re.search(r"import\(`\./" + re.escape(chunk) + r"\.[\w-]+\.js`\),__vite__mapDeps\(\[([0-9,]*)\]\)",
                     index_js)
    if table is None or call is None:
        return []
    files = re.findall(r'"([^"]*)"', table.group(1))
    names = [files[int(i)] for i in call.group(1).split(",") if i]
    return [name.removeprefix("./") for name in names if name.endswith(".js") and name.startswith("./")]


def chart_preloads(static: Path) -> list[str]:
    """What the proxy should modulepreload for the first chart, for the Streamlit frontend in
    `static` (index.html and static/js/): the chart chunk and the modules it needs that index.html
    does not preload already. Raises ValueError when the entry script imports no chart chunk."""
    html = (static / "index.html").read_text(encoding="utf-8")
    entry = re.search(r'<script type="module" crossorigin src="\./static/js/([^"]+)">', html)
    if entry is None:
        raise ValueError(f"{static}/index.html: no module entry script; has Streamlit changed its index.html?")
    needed = lazy_imports((static / "static" / "js" / entry.group(1)).read_text(encoding="utf-8"), CHART_CHUNK)
    if not needed:
        raise ValueError(f"{static}: Streamlit's entry script imports no {CHART_CHUNK} chunk; has it renamed "
                         "its Plotly chunk? (deploy/nginx/exiles/http.conf preloads it; docs/performance.md)")
    preloaded = set(MODULEPRELOAD.findall(html)) | {entry.group(1)}
    return [name for name in needed if name not in preloaded]


# plotly.js's trace modules the app draws besides scatter (which its core registers itself).
KEPT_PLOTLY_MODULES = ("bar",)
CORE_PLOTLY_TRACES = ("scatter",)
DRAWN_PLOTLY_TRACES = frozenset(CORE_PLOTLY_TRACES + KEPT_PLOTLY_MODULES)  # what the copy's plotly.js draws
PLOTLY_LIB_MODULE = re.compile(r'(?<![\w$.])([\w$]+)=[\w$]+\(\{"lib/([\w-]+)\.js"')
PLOTLY_INDEX = re.compile(r'"lib/index\.js"\([\w$]+,[\w$]+\)\{var ([\w$]+)=[\w$]+\(\);\1\.register\(\[([\w$(),]*)\]\)')


def trim_plotly_modules(chunk: str, keep: tuple[str, ...] = KEPT_PLOTLY_MODULES) -> tuple[str, list[str]]:
    """The chart chunk's text with plotly.js's index registering only the modules `keep` (names of
    plotly.js's lib/<name>.js), and the names of the modules it no longer registers. ValueError when
    the chunk holds no such index (or more than one), when an item of its list is not a lib/<name>.js
    module, or when a kept module is not in the list."""
    found = list(PLOTLY_INDEX.finditer(chunk))
    if len(found) != 1:
        raise ValueError(f"{len(found)} plotly.js indexes (lib/index.js registering its modules) in the chart chunk, "
                         "not one: has Streamlit changed how it bundles plotly.js? (deploy/precompress.py)")
    items = re.findall(r"([\w$]+)\(\)", found[0].group(2))
    lib_modules: dict[str, str] = {}  # wrapper -> lib/<name>.js, its first definition (one pass: 4.7 MB)
    for module in PLOTLY_LIB_MODULE.finditer(chunk):
        lib_modules.setdefault(module.group(1), module.group(2))
    names = {}
    for item in items:
        if item not in lib_modules:
            raise ValueError(f"plotly.js's index registers {item}(), which is no lib/<name>.js module of the chunk")
        names[item] = lib_modules[item]
    missing = set(keep) - set(names.values())
    if missing:
        raise ValueError(f"plotly.js's index registers no {sorted(missing)}: the app's charts need them")
    start, end = found[0].span(2)
    trimmed = chunk[:start] + ",".join(f"{item}()" for item in items if names[item] in keep) + chunk[end:]
    return trimmed, [name for name in names.values() if name not in keep]


def configured_preloads(http_conf: str) -> list[str]:
    """The .js files the proxy's map $exiles_chart_preload (deploy/nginx/exiles/http.conf) preloads."""
    block = re.search(r"map \$uri \$exiles_chart_preload \{(.*?)\n\}", http_conf, re.S)
    if block is None:
        return []
    default = re.search(r"^\s*default\s+'([^']*)';", block.group(1), re.M)
    return MODULEPRELOAD.findall(default.group(1)) if default else []


def check_chart_preloads(static: Path, http_conf: Path = HTTP_CONF) -> list[str]:
    """The chart preloads of the frontend in `static`, if the proxy's configuration preloads exactly
    those; else ValueError naming both (the copy is refused)."""
    wanted = chart_preloads(static)
    configured = configured_preloads(http_conf.read_text(encoding="utf-8"))
    if configured != wanted:
        raise ValueError(f"{http_conf}: map $exiles_chart_preload preloads {configured}, but this Streamlit "
                         f"imports {wanted} for its first chart: update the map (docs/performance.md, "
                         "issue 16 target 4)")
    return wanted


def streamlit_static() -> Path:
    """The installed Streamlit's frontend folder (served by Streamlit at /, /static/...)."""
    import streamlit
    return Path(streamlit.__file__).resolve().parent / "static"


def compressible(path: Path) -> bool:
    return path.suffix in TEXT_SUFFIXES and path.stat().st_size >= MIN_SIZE


def precompress(source: Path, dest: Path, brotli_quality: int | None = 11, gzip_level: int = 9,
                icons_from: list[Path] | None = None, http_conf: Path | None = HTTP_CONF) -> dict[str, int]:
    """Copy source to dest (which must not exist), drop the replaced fonts' @font-face rules and
    bake the compressed copies; returns the counts {"files", "gz", "br", "font_faces_dropped"}.
    brotli_quality None (or the package missing): no .br files. icons_from: where the app names
    its icons besides the copy's bundles and the Streamlit package (default: this checkout's
    dashboard.py, app/ and pages/); the count "icons" is how many the icon font kept. http_conf:
    the proxy configuration whose chart preloads must match the copy's Streamlit (check_chart_preloads;
    None: not checked); the count "chart_preloads" is how many files it preloads. The chart chunk's
    plotly.js registers KEPT_PLOTLY_MODULES alone (trim_plotly_modules; "plotly_modules_dropped":
    how many it no longer registers)."""
    if dest.exists():
        raise FileExistsError(f"{dest} exists: give a new folder")
    try:
        import brotli
    except ImportError:
        brotli = None
    if brotli_quality is None:
        brotli = None
    shutil.copytree(source, dest)
    counts = {"files": 0, "gz": 0, "br": 0, "font_faces_dropped": 0, "icons": 0, "chart_preloads": 0,
              "plotly_modules_dropped": 0}
    if (dest / "index.html").exists():
        chunk = dest / "static" / "js" / chart_preloads(dest)[0]
        trimmed, dropped_modules = trim_plotly_modules(chunk.read_text(encoding="utf-8"))
        chunk.write_text(trimmed, encoding="utf-8")
        counts["plotly_modules_dropped"] = len(dropped_modules)
    icon_fonts = sorted(dest.glob(ICON_FONT_GLOB))
    if icon_fonts:
        import streamlit
        app_code = icons_from if icons_from is not None else [REPO / name for name in APP_CODE]
        names = icon_names([dest / "static" / "js", Path(streamlit.__file__).resolve().parent, *app_code])
        for font in icon_fonts:
            counts["icons"] = subset_icon_font(font, names)
    for path in sorted(p for p in dest.rglob("*") if p.is_file()):
        counts["files"] += 1
        if path.suffix == ".css":
            css, dropped = drop_font_faces(path.read_text(encoding="utf-8"))
            if dropped:
                path.write_text(css, encoding="utf-8")
                counts["font_faces_dropped"] += dropped
        if not compressible(path):
            continue
        data = path.read_bytes()
        path.with_name(path.name + ".gz").write_bytes(gzip.compress(data, compresslevel=gzip_level, mtime=0))
        counts["gz"] += 1
        if brotli is not None and path.suffix in BROTLI_SUFFIXES:
            path.with_name(path.name + ".br").write_bytes(brotli.compress(data, quality=brotli_quality))
            counts["br"] += 1
    if (dest / "index.html").exists() and http_conf is not None:
        counts["chart_preloads"] = len(check_chart_preloads(dest, http_conf))
    if any(p.suffix == ".css" for p in dest.rglob("*")) and counts["font_faces_dropped"] == 0:
        raise ValueError(f"{source}: no @font-face rule of {DROPPED_FONT_FAMILIES} in its stylesheets; "
                         "has Streamlit moved its fonts? (docs/performance.md, issue 16 target 4)")
    return counts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("dest", type=Path, help="the folder to create")
    parser.add_argument("--source", type=Path, default=None, help="default: the installed Streamlit's static/")
    parser.add_argument("--brotli-quality", type=int, default=11, help="0-11; -1: no .br files")
    parser.add_argument("--gzip-level", type=int, default=9)
    args = parser.parse_args(argv)
    quality = None if args.brotli_quality < 0 else args.brotli_quality
    counts = precompress(args.source or streamlit_static(), args.dest, quality, args.gzip_level)
    print(f"{args.dest}: {counts['files']} files, {counts['gz']} .gz, {counts['br']} .br,"
          f" {counts['font_faces_dropped']} @font-face rules dropped, {counts['icons']} icons kept,"
          f" {counts['chart_preloads']} chart modules preloaded by the proxy,"
          f" {counts['plotly_modules_dropped']} plotly.js modules not registered")
    if quality is not None and counts["br"] == 0 and counts["gz"]:
        print("no .br written: the brotli package is not installed", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
