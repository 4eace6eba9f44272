"""Baking and publishing the static edition (app/static_edition/bake.py, site.py), without a
browser: a few cards in two languages, images replaced by placeholders. The files are there,
every link is relative and leads to a file of the site, and each page says what the app's card
says: its Caption's words, its rows in the table and the CSV, its link to the interactive view.

The whole edition, drawn and opened in Chromium, is tests/app/static_edition/test_edition_browser.py."""
from __future__ import annotations

import ast
import hashlib
import io
import json
import os
import shutil
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

import pandas as pd
import pytest

from app import cards, chart_card, formatting, headlines, i18n, image_export, url_state
from app.static_edition import bake, render, site
from etl import cli
from etl.paths import REPO_ROOT, DataPaths
from tests.app.static_edition.test_edition_render import Parsed
from tests.page_registry import registered_pages

NAMES = ["lithuania-threats-per-year", "asylum-decisions"]
LANGS = ["en", "be"]


class PlaceholderImages:
    """Writes a few bytes where each image goes; records what it was given."""
    made: list[PlaceholderImages] = []

    def __init__(self) -> None:
        self.jobs: list = []
        PlaceholderImages.made.append(self)

    def add(self, job) -> None:
        job.path.parent.mkdir(parents=True, exist_ok=True)
        job.path.write_bytes(b"placeholder " + job.fmt.encode())
        self.jobs.append(job)

    def finish(self) -> None:
        pass


class BrokenImages(PlaceholderImages):
    def finish(self) -> None:
        raise bake.BakeError("images could not be drawn: chromium crashed (test)")


def quiet(*_) -> None:
    pass


@pytest.fixture(scope="module")
def baked(built, tmp_path_factory) -> tuple[Path, dict, PlaceholderImages]:
    paths, _ = built
    out = tmp_path_factory.mktemp("edition") / "site"
    sink = PlaceholderImages()
    summary = site.publish(paths, out, names=NAMES, languages=LANGS, images=lambda: sink, log=quiet)
    return out, summary, sink


@pytest.fixture(scope="module")
def edition(baked) -> tuple[Path, dict]:
    return baked[0], baked[1]


def expected_cards(release, lang: str) -> list:
    """The cards of NAMES as the app builds them at their pages' default views, in `lang`."""
    i18n.set_language(lang)
    built_cards = []
    for name in NAMES:
        item = cards.REGISTRY[name]
        for params in item.default_views(release):
            card = cards.build(name, release, **params)
            if card is not None:
                built_cards.append((item, card))
    return built_cards


def pages_of(folder: Path) -> list[Path]:
    return sorted(folder.rglob("*.html"))


# ------------------------------------------------------------------ files and links
def test_every_card_in_every_language_has_its_pages_and_files(edition, release):
    out, summary = edition
    keys = [card.key for _, card in expected_cards(release, "en")]
    assert keys[:1] == ["lithuania-threats-per-year"] and "asylum-decisions-pol" in keys
    assert [k for k in keys if k.startswith("asylum-decisions-")] == [
        f"asylum-decisions-{code.lower()}" for code in cards.asylum.default_destinations(
            cards.asylum.asylum.destination_options(cards.asylum.data.series(release), "2015-01-01"))]
    assert summary["languages"] == LANGS and sorted(summary["cards"]) == sorted(keys)
    for lang in LANGS:
        for key in keys:
            for relative in (f"edition/{lang}/{key}.html", f"embed/{lang}/{key}.html",
                             f"files/{lang}/{key}.csv", f"files/{lang}/{key}.png", f"files/{lang}/{key}.svg"):
                assert (out / relative).is_file(), relative
        assert (out / f"edition/{lang}/index.html").is_file()
    assert (out / "index.html").is_file()
    recorded = json.loads((out / "edition.json").read_text())
    assert {name: (out / name).stat().st_size for name in recorded["files"]} == recorded["files"]


def test_assets_have_hashed_names_and_plotly_is_the_installed_one(edition):
    out, summary = edition
    for name in summary["assets"].values():
        content = (out / "assets" / name).read_bytes()
        assert hashlib.sha256(content).hexdigest()[:8] in name
    assert (out / "assets" / summary["assets"]["plotly"]).read_bytes() == bake.PLOTLY_JS.read_bytes()


def test_every_link_is_relative_and_leads_to_a_file_of_the_site(edition):
    out, _ = edition
    for page in pages_of(out):
        for tag, attrs in Parsed(page.read_text()).tags:
            for attribute in ("href", "src"):
                value = attrs.get(attribute)
                if value is None:
                    continue
                parts = urlsplit(value)
                if parts.scheme:
                    # Only links to sources and to the dashboard leave the site, never a script,
                    # stylesheet or image.
                    assert parts.scheme == "https" or value.startswith("http://localhost:"), (page, value)
                    assert tag == "a", (page, tag, value)
                    continue
                assert not value.startswith("/") and not parts.netloc, (page, value)
                target = (page.parent / parts.path).resolve() if parts.path else page
                assert target.is_file() and target.is_relative_to(out.resolve()), (page, value)
                if parts.fragment:
                    assert f'id="{parts.fragment}"' in target.read_text(), (page, value)


def test_no_script_comes_from_elsewhere(edition):
    out, summary = edition
    for page in pages_of(out):
        scripts = [attrs["src"] for tag, attrs in Parsed(page.read_text()).tags if tag == "script" and "src" in attrs]
        assert all(src.rsplit("/", 1)[-1] in summary["assets"].values() and "://" not in src for src in scripts), page


# ------------------------------------------------------------------ same words and numbers as the app
@pytest.mark.parametrize("lang", LANGS)
def test_each_card_page_prints_the_apps_caption_table_and_link(edition, release, lang):
    out, _ = edition
    for item, card in expected_cards(release, lang):
        link = url_state.link(url_state.PageView(item.page, bake.public_path(item.page), "url", {}), card.key)
        caption = card.caption(release, link)  # the Caption the app's share menu makes for this card
        for folder in ("edition", "embed"):
            page = (out / folder / lang / f"{card.key}.html").read_text()
            parsed = Parsed(page)
            text = parsed.plain()
            for words in (caption.title, caption.subtitle, caption.note, caption.caveat, caption.data_as_of):
                assert " ".join(words.split()) in text, (card.key, words)
            hrefs = [attrs.get("href") for tag, attrs in parsed.tags if tag == "a"]
            for ref in caption.sources:
                assert ref.publisher in text and ref.url in hrefs, (card.key, ref)
            assert caption.link in hrefs
            images = [attrs for tag, attrs in parsed.tags if tag == "img"]
            assert [(img["src"], img["alt"]) for img in images] == [(f"../../files/{lang}/{card.key}.png", caption.alt)]
            assert f'<html lang="{lang}">' in page
        full = (out / "edition" / lang / f"{card.key}.html").read_text()
        for ref in caption.sources:
            assert render.source_item(ref) in full  # every source in full: title, date, licence


@pytest.mark.parametrize("lang", LANGS)
def test_the_table_holds_exactly_the_plotted_figures(edition, release, lang):
    out, _ = edition
    for _, card in expected_cards(release, lang):
        page = (out / "edition" / lang / f"{card.key}.html").read_text()
        data_table = read_tables(page)[-1]
        expected = chart_card.reader_table(card.data, release)
        assert list(data_table[0]) == list(expected.columns)
        figures_column = list(expected.columns).index(i18n.t("common.col_value"))
        shown = [row[figures_column] for row in data_table[1:]]
        assert shown == [formatting.value_with_unit(v, u) for v, u in zip(card.data["value"], card.data["unit"])]


def read_tables(page: str) -> list[list[list[str]]]:
    """Each <table> of a page as rows of cell texts (header row first)."""
    from html.parser import HTMLParser

    class Tables(HTMLParser):
        def __init__(self):
            super().__init__(convert_charrefs=True)
            self.tables, self.cell = [], None

        def handle_starttag(self, tag, attrs):
            if tag == "table":
                self.tables.append([])
            elif tag == "tr":
                self.tables[-1].append([])
            elif tag in ("td", "th"):
                self.cell = []

        def handle_endtag(self, tag):
            if tag in ("td", "th") and self.cell is not None:
                self.tables[-1][-1].append("".join(self.cell).strip())
                self.cell = None

        def handle_data(self, data):
            if self.cell is not None:
                self.cell.append(data)

    parser = Tables()
    parser.feed(page)
    return parser.tables


@pytest.mark.parametrize("lang", LANGS)
def test_the_csv_is_the_apps_download_of_the_plotted_rows(edition, release, lang):
    out, _ = edition
    for _, card in expected_cards(release, lang):
        baked = (out / "files" / lang / f"{card.key}.csv").read_bytes()
        assert baked == chart_card.export_table(card.data, release).to_csv(index=False).encode("utf-8")
        assert pd.read_csv(io.BytesIO(baked))["value"].tolist() == card.data["value"].tolist()


def test_the_images_are_the_apps_export_figures_with_the_caption_drawn_in(baked, release):
    sink = baked[2]
    by_path = {job.path.relative_to(sink.jobs[0].path.parents[2]).as_posix(): job for job in sink.jobs}
    assert len(by_path) == len(sink.jobs) == 2 * len(LANGS) * len(expected_cards(release, "en"))
    i18n.set_language("be")
    item, card = expected_cards(release, "be")[0]
    job = by_path[f"files/be/{card.key}.png"]
    link = url_state.link(url_state.PageView(item.page, bake.public_path(item.page), "url", {}), card.key)
    exported = image_export.export_figure(card, release, link=link)
    assert job.figure.to_plotly_json() == exported.to_plotly_json()
    assert {j.fmt for j in sink.jobs} == {"png", "svg"}


def test_the_index_lists_every_card_page_by_page_after_the_overviews_opening(edition, release):
    out, _ = edition
    for lang in LANGS:
        page = (out / "edition" / lang / "index.html").read_text()
        i18n.set_language(lang)
        assert Parsed(render.inline_markdown(headlines.intro(release))).plain() in Parsed(page).plain()
        # Pages in the dashboard's order; on a page, cards in the registry's (the page's) order.
        page_order = [entry.url_path for entry in registered_pages()]
        registry_order = list(cards.REGISTRY)
        expected = sorted(expected_cards(release, lang),
                          key=lambda pair: (page_order.index(pair[0].page), registry_order.index(pair[0].name)))
        order = [page.index(f'id="{card.key}"') for _, card in expected]
        assert order == sorted(order)
        headings = [page.index(f'id="heading-{p}"') for p in dict.fromkeys(item.page for item, _ in expected)]
        assert headings == sorted(headings) and headings[0] < order[0]


def test_the_edition_follows_the_dashboards_pages_and_languages():
    assert bake.PAGE_ORDER == [page.url_path for page in registered_pages()]
    assert list(site.LANGUAGES) == list(i18n.LANGUAGES) == bake.LANGUAGES


def test_links_to_the_dashboard_use_the_public_address(built, tmp_path, monkeypatch):
    monkeypatch.setenv("EXILE_PUBLIC_URL", "https://exiles.example/dash")
    paths, _ = built
    site.publish(paths, tmp_path / "site", names=["where-over-time"], languages=["pl"], images=PlaceholderImages,
                 log=quiet)
    page = (tmp_path / "site" / "edition" / "pl" / "where-over-time.html").read_text()
    assert 'href="https://exiles.example/dash/where?lang=pl#where-over-time"' in page


# ------------------------------------------------------------------ publishing
@pytest.fixture
def data_copy(built, tmp_path) -> DataPaths:
    """A data folder of its own (the session's build is shared read-only)."""
    paths, _ = built
    shutil.copytree(paths.root, tmp_path / "data", ignore=shutil.ignore_patterns("raw"))
    return DataPaths(tmp_path / "data")


def leftovers(folder: Path) -> list[str]:
    return [p.name for p in folder.iterdir() if p.name.endswith((".partial", ".old", ".tmp"))]


def test_publish_links_data_site_to_the_releases_edition_and_skips_when_complete(data_copy):
    manifest = json.loads(data_copy.manifest.read_text())
    target = data_copy.releases / manifest["release_id"] / "site"
    first = site.publish(data_copy, names=["where-over-time"], languages=["en"], images=PlaceholderImages, log=quiet)
    link = data_copy.root / "site"
    assert not first["skipped"] and link.is_symlink() and not os.readlink(link).startswith("/")
    assert link.resolve() == target.resolve() and (link / "edition" / "en" / "where-over-time.html").is_file()
    made = len(PlaceholderImages.made)
    started = time.perf_counter()
    again = site.publish(data_copy, names=["where-over-time"], languages=["en"], images=PlaceholderImages, log=quiet)
    assert again["skipped"] and time.perf_counter() - started < 1.5
    assert len(PlaceholderImages.made) == made, "nothing was baked"
    # A file gone (or changed) makes the edition incomplete: baked again, replacing the old one,
    # while a reader through the link keeps finding a whole edition.
    (target / "files" / "en" / "where-over-time.csv").unlink()
    stop, misses, reads = threading.Event(), [], [0]

    def reader() -> None:
        while not stop.is_set():
            try:
                json.loads((link / "edition.json").read_text())
                (link / "edition" / "en" / "where-over-time.html").stat()
                reads[0] += 1
            except (OSError, ValueError) as error:
                misses.append(repr(error))

    watching = threading.Thread(target=reader)
    watching.start()
    try:
        third = site.publish(data_copy, names=["where-over-time"], languages=["en"], images=PlaceholderImages,
                             log=quiet)
    finally:
        stop.set()
        watching.join()
    assert misses == [] and reads[0] > 0
    assert not third["skipped"] and (target / "files" / "en" / "where-over-time.csv").is_file()
    assert link.resolve() == target.resolve()
    assert not leftovers(target.parent) and not leftovers(data_copy.root)


def test_exchange_swaps_two_folders_in_one_step(tmp_path):
    first, second = tmp_path / "first", tmp_path / "second"
    for folder in (first, second):
        folder.mkdir()
        (folder / "name").write_text(folder.name)
    assert site.exchange(first, second)  # Linux (renameat2); elsewhere publish renames twice
    assert (first / "name").read_text() == "second" and (second / "name").read_text() == "first"


def test_a_failed_bake_keeps_the_previous_edition_and_leaves_nothing_behind(data_copy):
    site.publish(data_copy, names=["where-over-time"], languages=["en"], images=PlaceholderImages, log=quiet)
    link = data_copy.root / "site"
    before = json.loads((link / "edition.json").read_text())
    with pytest.raises(bake.BakeError):
        site.publish(data_copy, names=["where-over-time"], languages=["en"], images=BrokenImages, force=True,
                     log=quiet)
    assert json.loads((link / "edition.json").read_text()) == before
    assert not leftovers(link.resolve().parent)


def test_publish_refuses_to_replace_a_folder_that_is_not_an_edition(built, tmp_path):
    paths, _ = built
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "notes.txt").write_text("keep me")
    with pytest.raises(site.SiteError, match="not a static edition"):
        site.publish(paths, tmp_path / "mine", names=["where-over-time"], languages=["en"],
                     images=PlaceholderImages, log=quiet)
    assert (tmp_path / "mine" / "notes.txt").read_text() == "keep me" and not leftovers(tmp_path)


def test_the_command_bakes_into_a_folder_and_fails_clearly_without_a_release(built, tmp_path, monkeypatch, capsys):
    paths, _ = built
    monkeypatch.setattr(bake, "BrowserImages", lambda workers: PlaceholderImages())
    monkeypatch.setattr(bake, "LANGUAGES", ["lt"])
    monkeypatch.setattr(site, "LANGUAGES", ("lt",))
    monkeypatch.setattr(bake, "page_cards", lambda names=None: [("where", [cards.REGISTRY["where-over-time"]])])
    # the story page (nine charts) has its own test: the command's test bakes one card
    monkeypatch.setattr(bake, "bake_story", lambda *args, **kwargs: 0)
    assert cli.main(["--data-dir", str(paths.root), "site", "--out", str(tmp_path / "out"), "--quiet"]) == 0
    assert (tmp_path / "out" / "edition" / "lt" / "where-over-time.html").is_file()
    (tmp_path / "empty").mkdir()
    assert cli.main(["--data-dir", str(tmp_path / "empty"), "site"]) == 6
    assert "no published release" in capsys.readouterr().err


def test_the_server_never_imports_the_static_edition_and_the_etl_only_for_its_command():
    """dashboard.py, pages/ and app/ outside the package do not import it; etl/ imports the app
    only inside the `site` command."""
    for path in [REPO_ROOT / "dashboard.py", *(REPO_ROOT / "pages").glob("*.py"), *(REPO_ROOT / "app").rglob("*.py")]:
        if "static_edition" in path.parts:
            continue
        assert "static_edition" not in path.read_text(encoding="utf-8"), path
    for path in (REPO_ROOT / "etl").rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        top = [node for node in tree.body if isinstance(node, (ast.Import, ast.ImportFrom))]
        names = [alias.name for node in top for alias in node.names] + [
            node.module or "" for node in top if isinstance(node, ast.ImportFrom)]
        assert not [name for name in names if name == "app" or name.startswith("app.")], path


def test_the_story_page_is_baked_with_the_apps_sentences_and_charts(release, tmp_path):
    """edition/<lang>/story.html tells the app's story: its opening, every chapter's heading and
    every paragraph in the words app/story.py fills from the release, each chart the registry's
    card at the story's view (own files, `story-<card>`), with its link to the interactive view;
    the index links to it."""
    from app import story
    images = PlaceholderImages()
    bake.bake(release, tmp_path / "site", images, languages=["pl"], names=["overview-stocks"], log=quiet,
              with_story=True)
    page = (tmp_path / "site" / "edition" / "pl" / "story.html").read_text(encoding="utf-8")
    i18n.set_language("pl")
    try:
        def text(markdown: str) -> str:
            return Parsed(str(render.inline_markdown(markdown))).plain()
        plain = Parsed(page).plain()
        assert text(story.intro(release)) in plain
        for chapter in story.chapters(release):
            assert chapter.heading in plain
            for paragraph in chapter.paragraphs():
                assert text(paragraph.text()) in plain, paragraph.key
            for chart in chapter.charts():
                assert (tmp_path / "site" / "files" / "pl" / f"story-{chart.card}.csv").exists()
                assert chart.link().replace("&", "&amp;") in page
    finally:
        i18n.set_language("en")
    assert 'href="story.html"' in (tmp_path / "site" / "edition" / "pl" / "index.html").read_text(encoding="utf-8")
