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
    None: not checked); the count "chart_preloads" is how many files it preloads."""
    if dest.exists():
        raise FileExistsError(f"{dest} exists: give a new folder")
    try:
        import brotli
    except ImportError:
        brotli = None
    if brotli_quality is None:
        brotli = None
    shutil.copytree(source, dest)
    counts = {"files": 0, "gz": 0, "br": 0, "font_faces_dropped": 0, "icons": 0, "chart_preloads": 0}
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
          f" {counts['chart_preloads']} chart modules preloaded by the proxy")
    if quality is not None and counts["br"] == 0 and counts["gz"]:
        print("no .br written: the brotli package is not installed", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
