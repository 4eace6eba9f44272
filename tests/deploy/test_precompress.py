"""deploy/precompress.py: the proxy's copy of Streamlit's frontend loses the @font-face rules of
the text fonts the theme replaces with system fonts (so no first visit downloads them; issue 16,
target 4), keeps every other font, and refuses a Streamlit whose stylesheets hold no such rule."""
from __future__ import annotations

import gzip
import re
from pathlib import Path

import pytest

from etl.paths import REPO_ROOT
from tests.deploy.stack import precompress_module, streamlit_static

precompress = precompress_module()

STREAMLIT_STATIC = streamlit_static()  # found, not imported (importing streamlit takes seconds)

SNIPPET = (
    "body{color:red}"
    "@font-face{font-family:Source Sans;font-weight:100 900;font-style:normal;src:url(../media/a.woff2)format(\"woff2\")}"
    "@font-face{font-family:\"Source Code Pro\";font-style:italic;src:url(../media/b.woff2)format(\"woff2\")}"
    "@font-face{font-family:Source Serif;src:url(../media/c.woff2)format(\"woff2\")}"
    "@font-face{font-family:Material Symbols Rounded;src:url(../media/d.woff2)format(\"woff2\")}"
    "@font-face{font-display:block;font-family:KaTeX_Main;src:url(../media/e.woff2)format(\"woff2\")}"
    "p{font-family:Source Sans,sans-serif}"
)


def families(css: str) -> list[str]:
    return re.findall(r"@font-face\{[^{}]*?font-family:\s*[\"']?([^;\"']+)", css)


def test_the_replaced_fonts_rules_go_and_every_other_rule_stays():
    css, dropped = precompress.drop_font_faces(SNIPPET)
    assert dropped == 2
    assert families(css) == ["Source Serif", "Material Symbols Rounded", "KaTeX_Main"]
    # everything but the two rules is left as it was
    assert css.startswith("body{color:red}") and css.endswith("p{font-family:Source Sans,sans-serif}")
    assert len(SNIPPET) - len(css) == sum(len(rule) for rule in re.findall(r"@font-face\{font-family:(?:Source Sans|\"Source Code Pro\");[^}]*\}", SNIPPET))


def test_the_installed_streamlits_stylesheet_loses_its_text_fonts_and_keeps_its_icons():
    [stylesheet] = (STREAMLIT_STATIC / "static" / "css").glob("index.*.css")
    before = stylesheet.read_text(encoding="utf-8")
    assert {"Source Sans", "Source Code Pro", "Material Symbols Rounded"} <= set(families(before))
    after, dropped = precompress.drop_font_faces(before)
    assert dropped >= 2
    left = set(families(after))
    assert left.isdisjoint(precompress.DROPPED_FONT_FAMILIES)
    assert "Material Symbols Rounded" in left  # Streamlit loads its icon font itself, whatever the app shows


def test_the_copy_has_the_rules_dropped_in_its_compressed_files_too(tmp_path):
    source = tmp_path / "source"
    (source / "static" / "css").mkdir(parents=True)
    (source / "static" / "css" / "index.abc.css").write_text(SNIPPET)
    counts = precompress.precompress(source, tmp_path / "copy", brotli_quality=None)
    assert counts["font_faces_dropped"] == 2
    copied = tmp_path / "copy" / "static" / "css" / "index.abc.css"
    assert "Source Sans;" not in copied.read_text()
    assert gzip.decompress(Path(f"{copied}.gz").read_bytes()).decode() == copied.read_text()
    assert "Source Sans;" in (source / "static" / "css" / "index.abc.css").read_text()  # the source is untouched


def test_a_streamlit_whose_stylesheets_hold_none_of_the_rules_is_refused(tmp_path):
    source = tmp_path / "source"
    (source / "static" / "css").mkdir(parents=True)
    (source / "static" / "css" / "index.abc.css").write_text("body{font-family:sans-serif}" * 20)
    with pytest.raises(ValueError, match="moved its fonts"):
        precompress.precompress(source, tmp_path / "copy", brotli_quality=None)


def test_icon_names_are_read_from_code(tmp_path):
    (tmp_path / "page.py").write_text('st.page_link("x", icon=":material/download:")\nicon = ":material/home:"\n')
    (tmp_path / "bundle.js").write_text('c(B,{iconValue:`:material/keyboard_arrow_right:`}),"material/not_an_icon"')
    (tmp_path / "notes.txt").write_text(":material/ignored:")
    assert precompress.icon_names([tmp_path]) == {"download", "home", "keyboard_arrow_right"}


def test_the_icon_font_keeps_the_icons_named_and_no_other(tmp_path):
    from fontTools.ttLib import TTFont
    [source] = STREAMLIT_STATIC.glob(precompress.ICON_FONT_GLOB)
    cut = tmp_path / source.name
    cut.write_bytes(source.read_bytes())
    assert precompress.subset_icon_font(cut, {"download", "home", "no_such_icon"}) == 2
    assert cut.stat().st_size < source.stat().st_size / 20
    font = TTFont(str(cut))
    # the ligatures left are the two icons', spelled with their letters
    cmap = font.getBestCmap()
    spelled = set()
    for lookup in font["GSUB"].table.LookupList.Lookup:
        for table in lookup.SubTable:
            table = getattr(table, "ExtSubTable", table)
            for first, entries in getattr(table, "ligatures", {}).items():
                spelled |= {(first, *entry.Component) for entry in entries}
    names = {"".join(chr(code) for glyph in sequence for code, name in cmap.items() if name == glyph)
             for sequence in spelled}
    assert names == {"download", "home"}


# ------------------------------------------------------------------ the first chart's preloads

ENTRY = ('const __vite__mapDeps=(i,m=__vite__mapDeps,d=(m.f||(m.f=["./Other.a1.js","./rt.b2.js","./PlotlyChart.c3-x.js",'
         '"./wrap.d4.js","../css/Other.e5.css"])))=>i.map(i=>d[i]);'
         'x=(0,U.lazy)(()=>H(()=>import(`./Other.a1.js`),__vite__mapDeps([0,1,4]),import.meta.url)),'
         'y=(0,U.lazy)(()=>H(()=>import(`./PlotlyChart.c3-x.js`),__vite__mapDeps([2,1,3]),import.meta.url));')


# a chart chunk laid out as Streamlit 1.67's: plotly.js's modules as lazily run wrappers named by
# their paths, and plotly.js's index registering its trace and component modules
PLOTLY_CHUNK = ('var Fu=_({"src/traces/bar/index.js"(e,t){t.exports={name:`bar`}}}),Iu=_({"lib/bar.js"(e,t){'
                't.exports=Fu()}}),hee=_({"lib/box.js"(e,t){t.exports=1}}),rae=_({"lib/calendars.js"(e,t){t.exports=2}});'
                'return _({"lib/index.js"(e,t){var n=bu();n.register([Iu(),hee(),rae()]),t.exports=n}})')


def frontend(folder: Path, entry_js: str) -> Path:
    """A Streamlit frontend of an index.html (its entry script, one modulepreload), its entry and the
    chart chunks it names (PLOTLY_CHUNK)."""
    (folder / "static" / "js").mkdir(parents=True)
    for chunk in re.findall(r"import\(`\./(PlotlyChart\.[\w-]+\.js)`\)", entry_js):
        (folder / "static" / "js" / chunk).write_text(PLOTLY_CHUNK)
    (folder / "index.html").write_text(
        '<head><script type="module" crossorigin src="./static/js/index.f6.js"></script>\n'
        '<link rel="modulepreload" crossorigin href="./static/js/rt.b2.js"></head>')
    (folder / "static" / "js" / "index.f6.js").write_text(entry_js)
    return folder


def conf_preloading(path: Path, names: list[str]) -> Path:
    links = "".join(f'<link rel="modulepreload" crossorigin href="./static/js/{name}">' for name in names)
    path.write_text('map $uri $exiles_chart_preload {\n    "~^/briefing/?$"  "";\n'
                    f"    default '{links}';\n}}\n")
    return path


def test_the_chart_preloads_are_the_chart_chunk_and_what_it_needs_that_index_html_does_not_preload(tmp_path):
    assert precompress.lazy_imports(ENTRY, "PlotlyChart") == ["PlotlyChart.c3-x.js", "rt.b2.js", "wrap.d4.js"]
    assert precompress.lazy_imports(ENTRY, "Other") == ["Other.a1.js", "rt.b2.js"]  # the CSS is no module
    assert precompress.chart_preloads(frontend(tmp_path, ENTRY)) == ["PlotlyChart.c3-x.js", "wrap.d4.js"]


def test_the_proxy_preloads_what_the_installed_streamlit_imports_for_a_chart():
    """The map in deploy/nginx/exiles/http.conf names the installed Streamlit's Plotly chunk (all of
    plotly.js, megabytes) and each module it needs, and nothing else."""
    wanted = precompress.check_chart_preloads(STREAMLIT_STATIC)
    assert wanted[0].startswith("PlotlyChart.") and (STREAMLIT_STATIC / "static" / "js" / wanted[0]).stat().st_size > 10**6
    assert all((STREAMLIT_STATIC / "static" / "js" / name).is_file() for name in wanted)


def test_a_copy_whose_chart_chunk_the_proxy_does_not_preload_is_refused(tmp_path):
    """A Streamlit upgrade renames its hashed chunks: the copy (the image build) is refused until the
    proxy's map names the new ones; a Streamlit that imports no Plotly chunk at all is refused too."""
    source = frontend(tmp_path / "source", ENTRY)
    stale = conf_preloading(tmp_path / "stale.conf", ["PlotlyChart.OLD.js", "wrap.d4.js"])
    with pytest.raises(ValueError, match="update the map"):
        precompress.precompress(source, tmp_path / "copy", brotli_quality=None, http_conf=stale)
    fresh = conf_preloading(tmp_path / "fresh.conf", ["PlotlyChart.c3-x.js", "wrap.d4.js"])
    assert precompress.check_chart_preloads(source, fresh) == ["PlotlyChart.c3-x.js", "wrap.d4.js"]
    renamed = frontend(tmp_path / "renamed", ENTRY.replace("PlotlyChart", "PlotlyFigure"))
    with pytest.raises(ValueError, match="renamed its Plotly chunk"):
        precompress.check_chart_preloads(renamed, fresh)


# ------------------------------------------------------------------ plotly.js's modules the app draws


def test_the_copys_plotly_registers_the_kept_modules_alone(tmp_path):
    """The chart chunk's plotly.js index registers bar alone (scatter is its core's); the other
    modules' code stays, never run; the compressed copies hold the trimmed chunk."""
    trimmed, dropped = precompress.trim_plotly_modules(PLOTLY_CHUNK)
    assert trimmed == PLOTLY_CHUNK.replace("n.register([Iu(),hee(),rae()])", "n.register([Iu()])")
    assert dropped == ["box", "calendars"]
    source = frontend(tmp_path / "source", ENTRY)
    counts = precompress.precompress(source, tmp_path / "copy", brotli_quality=None, http_conf=None)
    chunk = tmp_path / "copy" / "static" / "js" / "PlotlyChart.c3-x.js"
    assert chunk.read_text() == trimmed and gzip.decompress(chunk.with_name(chunk.name + ".gz").read_bytes()).decode() == trimmed
    assert counts["plotly_modules_dropped"] == 2
    assert (source / "static" / "js" / "PlotlyChart.c3-x.js").read_text() == PLOTLY_CHUNK  # the source is left as it is


@pytest.mark.parametrize("chunk, problem", [
    (PLOTLY_CHUNK.replace('"lib/index.js"', '"lib/core.js"'), "0 plotly.js indexes"),
    (PLOTLY_CHUNK + ";" + PLOTLY_CHUNK[PLOTLY_CHUNK.index("return ") + 7:], "2 plotly.js indexes"),
    (PLOTLY_CHUNK.replace('"lib/box.js"', '"src/box.js"'), "hee\\(\\), which is no lib/<name>.js"),
    (PLOTLY_CHUNK.replace("[Iu(),hee(),rae()]", "[hee(),rae()]"), "registers no \\['bar'\\]"),
])
def test_a_chunk_whose_plotly_is_not_laid_out_as_read_is_refused(chunk, problem):
    with pytest.raises(ValueError, match=problem):
        precompress.trim_plotly_modules(chunk)


def test_the_installed_streamlits_plotly_registers_bar_alone_once_trimmed():
    """Streamlit's own chunk: every item of plotly.js's list is a lib/<name>.js module, bar among
    them and scatter not (its core registers it); trimmed, the list is bar's alone and nothing else
    of the chunk changes."""
    name = precompress.chart_preloads(STREAMLIT_STATIC)[0]
    chunk = (STREAMLIT_STATIC / "static" / "js" / name).read_text(encoding="utf-8")
    trimmed, dropped = precompress.trim_plotly_modules(chunk)
    assert len(dropped) >= 40 and {"box", "pie", "scattergl", "calendars"} <= set(dropped)
    assert "scatter" not in dropped and "bar" not in dropped
    listed = precompress.PLOTLY_INDEX.search(chunk).group(2)
    kept = precompress.PLOTLY_INDEX.search(trimmed).group(2)
    assert re.fullmatch(r"[\w$]+\(\)", kept) and kept in listed.split(",")
    assert trimmed == chunk.replace(listed, kept, 1)


def test_the_app_names_no_plotly_trace_but_those_the_proxys_copy_registers():
    """Every plotly trace class the app's code makes (go.<Trace>(...) in app/, pages/ and
    dashboard.py) is one the copy's plotly.js draws: scatter (its core) or a kept module (the
    figures the cards build are checked in tests/app/test_cards.py)."""
    import ast
    import plotly.graph_objects as go
    from plotly.basedatatypes import BaseTraceType
    traces = {name for name in dir(go) if isinstance(getattr(go, name), type) and issubclass(getattr(go, name), BaseTraceType)}
    used = set()
    for path in [REPO_ROOT / "dashboard.py", *(REPO_ROOT / "app").rglob("*.py"), *(REPO_ROOT / "pages").glob("*.py")]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "go":
                used |= {node.attr.lower()} if node.attr in traces else set()
            # traces come as go.<Trace> alone: no plotly.express, no trace class imported by name
            if isinstance(node, ast.ImportFrom):
                assert not str(node.module).startswith(("plotly.graph_objects", "plotly.express")), path
            if isinstance(node, ast.Import):
                assert all(not alias.name.startswith("plotly.express") and
                           (alias.name != "plotly.graph_objects" or alias.asname == "go") for alias in node.names), path
    assert used and used <= precompress.DRAWN_PLOTLY_TRACES, used
