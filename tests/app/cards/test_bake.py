"""The image's bake of the cards' default views (app/cards/bake.py): read back, each card draws
exactly what a fresh build draws; a stale, foreign or damaged bake is ignored (the card is built,
a line is logged, nothing is raised); no bake is today's behaviour; files are written atomically."""
from __future__ import annotations

import dataclasses
import json
import logging
import pickle
import shutil

import pandas as pd
import plotly.io as pio
import pytest

from app import cards, chart_card, i18n, memo, story, views_claims
from app.cards import bake, warm
from app.cards import fingerprint as code
from tests.app.test_story import paragraphs, story_texts
from tests.app.test_views_claims import assert_same_claims

ONE = "overview-stocks"


@pytest.fixture(autouse=True)
def no_bake_left(release):
    """Every test starts and ends without a bake in the session's release and with no card kept."""
    shutil.rmtree(bake.folder(release), ignore_errors=True)
    cards.clear_built()
    yield
    shutil.rmtree(bake.folder(release), ignore_errors=True)
    cards.clear_built()


def assert_draws_the_same(baked, built, release) -> None:
    """Everything render(), the share menu, the CSV and the images take from a card."""
    assert (baked is None) == (built is None)
    if built is None:
        return
    chart_card.prepare(built, release)
    for field in ("key", "title", "subtitle", "alt", "note", "hint", "events", "cites"):
        assert getattr(baked, field) == getattr(built, field), field
    pd.testing.assert_frame_equal(baked.data, built.data)
    # the figure the page sends, byte for byte; the card's own figure (images, PDF) as a JSON value
    assert pio.to_json(chart_card.sent_figure(baked).to_dict()) == pio.to_json(chart_card.sent_figure(built).to_dict())
    assert (json.loads(pio.to_json(chart_card.drawn_figure(baked)))
            == json.loads(pio.to_json(chart_card.drawn_figure(built))))
    assert chart_card.drawn_caption(baked, release) == chart_card.drawn_caption(built, release)
    pd.testing.assert_frame_equal(chart_card.drawn_table(baked, release), chart_card.drawn_table(built, release))
    pd.testing.assert_frame_equal(chart_card.drawn_conflicts(baked, release),
                                  chart_card.drawn_conflicts(built, release))
    assert chart_card.drawn_conflicts_table(baked, release) == chart_card.drawn_conflicts_table(built, release)
    assert chart_card.drawn_accessible_table(baked, release) == chart_card.drawn_accessible_table(built, release)
    assert chart_card.drawn_embed_heights(baked, release) == chart_card.drawn_embed_heights(built, release)
    assert chart_card.card_csv(baked, release, i18n.language()) == chart_card.card_csv(built, release, i18n.language())


# The default run compares one card of each kind (a whole language's bake is ~10 s of CPU; every
# card in every language, the claims' included, is compared in the slow run): a line chart, a map
# with a year, and a card drawn once per country (its first view).
SAMPLE = {"overview-stocks": None, "poland-applicants-map": None, "asylum-decisions": 1}


def sample() -> dict:
    def first(registered, count):
        return lambda release: registered.default_views(release)[:count]
    return {name: dataclasses.replace(cards.REGISTRY[name], views=first(cards.REGISTRY[name], count))
            if count else cards.REGISTRY[name] for name, count in SAMPLE.items()}


def bake_and_compare(release, languages: tuple[str, ...]) -> int:
    built: dict[tuple, object] = {}
    done = bake.bake(release, languages, log=lambda *_: None, pages=False, rows=False,
                     built=lambda lang, name, view, card: built.__setitem__((lang, name, view), card))
    views = sum(len(registered.default_views(release)) for registered in cards.REGISTRY.values())
    assert done["files"] == len(built) == views * len(languages)
    for (lang, name, view), card in built.items():
        with i18n.speaking(lang):
            baked = bake.load(release, name, view)
            assert baked is not bake.MISSING, (lang, name, view)
            assert_draws_the_same(baked, card, release)
    return len(built)


def test_baked_cards_of_each_kind_draw_what_a_fresh_build_draws_in_english_and_polish(release, monkeypatch):
    monkeypatch.setattr(cards, "REGISTRY", sample())
    assert bake_and_compare(release, ("en", "pl")) == 2 * len(SAMPLE)


@pytest.mark.slow
def test_every_baked_card_draws_what_a_fresh_build_draws_in_english_and_polish(release):
    assert bake_and_compare(release, ("en", "pl")) > 2 * len(cards.REGISTRY)


@pytest.mark.slow
def test_every_baked_card_draws_what_a_fresh_build_draws_in_every_language(release):
    assert bake_and_compare(release, tuple(i18n.LANGUAGES)) >= 4 * len(cards.REGISTRY)


@pytest.fixture(scope="module")
def one_card_baked(app_data) -> dict:
    """A bake of one card in English and Polish, made once for the module: its files' bytes."""
    from app import data
    release = data.ensure_release(show_progress=False)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(cards, "REGISTRY", {ONE: cards.REGISTRY[ONE]})
        bake.bake(release, ("en", "pl"), log=lambda *_: None, pages=False, rows=False)
    files = taken_away(release, bake.folder(release).rglob("*.pkl"))
    cards.clear_built()
    return files


def taken_away(release, paths) -> dict:
    """The bytes of the baked files at `paths`, the release's bake folder then removed."""
    files = {path: path.read_bytes() for path in paths}
    shutil.rmtree(bake.folder(release))
    return files


def put_back(files: dict) -> None:
    for path, blob in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(blob)


@pytest.fixture
def one_card(release, one_card_baked, no_bake_left):
    """That bake in place in the release folder; its path in English."""
    put_back(one_card_baked)
    return bake.path_of(release, "en", ONE, cards.view_key(ONE, {}))


def is_baked(card) -> bool:
    return isinstance(card.build, bake.BakedFigure)


def test_the_server_reads_a_view_on_its_first_ask_then_keeps_it_and_builds_other_views(release, one_card, monkeypatch):
    read: list[tuple] = []
    real = bake.load
    monkeypatch.setattr(bake, "load", lambda *args: read.append(args[1:]) or real(*args))
    card = cards.build(ONE, release)
    assert is_baked(card) and read == [(ONE, cards.view_key(ONE, {}))]  # that view only, not the whole bake
    assert cards.build(ONE, release, compare=False) is card  # kept: a default given names the same view
    assert len(read) == 1
    other = cards.build(ONE, release, compare=True)  # not a default view: built on demand
    assert other is not None and not is_baked(other)
    with i18n.speaking("pl"):
        polish = cards.build(ONE, release)
        assert is_baked(polish) and polish.title != card.title
    with i18n.speaking("lt"):  # a language the bake does not hold
        assert not is_baked(cards.build(ONE, release))


def test_no_bake_builds_as_before_and_says_nothing(release, caplog):
    assert not bake.folder(release).exists()
    with caplog.at_level(logging.WARNING):
        card = cards.build(ONE, release)
    assert not is_baked(card) and not caplog.records


def test_a_bake_switched_off_is_not_read(release, one_card, monkeypatch):
    monkeypatch.setenv(bake.BAKE_ENV, "0")
    assert not is_baked(cards.build(ONE, release))


def test_a_bake_made_by_other_code_is_ignored_with_a_log_line(release, one_card, monkeypatch, caplog):
    monkeypatch.setattr(code, "CURRENT", "0" * 64)  # the code changed since the bake
    monkeypatch.setattr(bake, "_warned", set())
    with caplog.at_level(logging.WARNING, logger=bake.__name__):
        card = cards.build(ONE, release)
    assert card is not None and not is_baked(card)
    assert any("fingerprint" in record.getMessage() for record in caplog.records)


def test_a_bake_of_another_release_or_view_is_ignored(release, one_card, monkeypatch, caplog):
    head, payload = bake._split(one_card.read_bytes())
    header = json.loads(head)
    one_card.write_bytes(bake.encode({**header, "release_id": "20000101T000000Z-00000000"}, payload))
    monkeypatch.setattr(bake, "_warned", set())
    with caplog.at_level(logging.WARNING, logger=bake.__name__):
        assert bake.load(release, ONE, cards.view_key(ONE, {})) is bake.MISSING
    assert any("release_id" in record.getMessage() for record in caplog.records)
    # a file copied under another view's name
    other = bake.path_of(release, "en", ONE, cards.view_key(ONE, {"compare": True}))
    shutil.copy(bake.path_of(release, "pl", ONE, cards.view_key(ONE, {})), other)
    assert bake.load(release, ONE, cards.view_key(ONE, {"compare": True})) is bake.MISSING


@pytest.mark.parametrize("damage", ["truncated", "flipped", "garbage", "empty", "bad pickle"])
def test_a_damaged_file_is_ignored_and_the_card_built(release, one_card, damage, monkeypatch, caplog):
    blob = one_card.read_bytes()
    if damage == "truncated":
        blob = blob[:len(blob) // 2]
    elif damage == "flipped":
        blob = blob[:-10] + bytes([blob[-10] ^ 0xFF]) + blob[-9:]
    elif damage == "garbage":
        blob = b"\x80\x04garbage" * 50
    elif damage == "empty":
        blob = b""
    else:  # the header's digest matches, the payload is no card: still no traceback
        head, _ = bake._split(blob)
        blob = bake.encode(json.loads(head), pickle.dumps({"fields": 1}))
    one_card.write_bytes(blob)
    monkeypatch.setattr(bake, "_warned", set())
    with caplog.at_level(logging.WARNING, logger=bake.__name__):
        card = cards.build(ONE, release)
    assert card is not None and not is_baked(card)
    assert caplog.records and "cards are built instead" in caplog.records[0].getMessage()


def test_the_bake_writes_each_file_atomically_and_removes_what_it_no_longer_bakes(release, monkeypatch):
    monkeypatch.setattr(cards, "REGISTRY", {ONE: cards.REGISTRY[ONE]})
    written: list = []
    real = bake.write_bytes_atomic
    monkeypatch.setattr(bake, "write_bytes_atomic", lambda path, blob: written.append(path) or real(path, blob))
    leftover = bake.folder(release) / "en" / f"{ONE}.0000000000000000.pkl"
    polish = bake.folder(release) / "pl" / f"{ONE}.0000000000000000.pkl"  # a language not baked now
    for path in (leftover, polish):
        path.parent.mkdir(parents=True)
        path.write_bytes(b"an earlier bake's view")
    bake.bake(release, ("en",), log=lambda *_: None, pages=False, rows=False)
    polish.unlink()  # kept: the bake removes what it no longer bakes in the languages it bakes only
    files = sorted(bake.folder(release).rglob("*"))
    assert [path for path in files if path.is_file()] == written == [bake.path_of(release, "en", ONE,
                                                                                   cards.view_key(ONE, {}))]
    # a bake that fails mid-write leaves the file it was replacing whole, and no temporary file
    before = written[0].read_bytes()

    def killed(path, blob):
        raise OSError("disk full")
    monkeypatch.setattr(bake, "write_bytes_atomic", lambda path, blob: real(path, killed))
    with pytest.raises(TypeError):
        bake.bake(release, ("en",), log=lambda *_: None, pages=False, rows=False)
    assert written[0].read_bytes() == before
    assert [path.name for path in bake.folder(release).rglob("*") if path.is_file()] == [written[0].name]


def test_the_bake_keeps_exactly_what_chart_card_prepares_and_reads_it_through_the_card(release, monkeypatch):
    card = cards.REGISTRY[ONE].build(release)
    kept = bake.record(card, release)
    assert kept is not None
    assert set(kept["made"]) | {"sent_figure"} == set(chart_card.PREPARED) <= set(card.made())
    # one list: a thing chart_card comes to prepare is baked with no change to the bake
    monkeypatch.setattr(chart_card, "PREPARED", (*chart_card.PREPARED, "figure"))
    kept = bake.record(cards.REGISTRY[ONE].build(release), release)
    assert kept is not None and "figure" in kept["made"]
    restored = bake.card_of(kept)
    assert restored.made()["figure"] is kept["made"]["figure"]


def test_the_bake_and_the_warm_up_make_the_views_one_function_names(release, monkeypatch):
    key = cards.view_key(ONE, {"compare": True})
    asked: list = []

    def views_to_make(release, extra):
        asked.append(extra)
        return [(ONE, key, {"compare": True})]
    monkeypatch.setattr(cards, "views_to_make", views_to_make)
    done = bake.bake(release, ("en",), log=lambda *_: None, pages=False, rows=False)
    assert done["files"] == 1 and bake.path_of(release, "en", ONE, key).exists()
    cards.clear_built()
    assert warm.warm(release, ("pl",)) == 1
    assert asked == [[], []]  # the bake without pages asks for none besides; no reader asked yet
    with i18n.speaking("pl"):
        assert "embed_heights" in cards.build(ONE, release, compare=True).made()
        assert not cards.build(ONE, release).made()  # the default view was not in the list


def test_views_to_make_are_the_default_views_then_those_asked_each_once(release):
    made = cards.views_to_make(release, [(ONE, {"compare": False}), ("poland-applicants-map", {"year": 2023}),
                                         ("no-such-card", {})])
    names = [name for name, _, _ in made]
    defaults = sum(len(registered.default_views(release)) for registered in cards.REGISTRY.values())
    assert len(made) == defaults + 1  # compare=False is the default view; an unknown name is left out
    assert names.count(ONE) == 1 and names[-1] == "poland-applicants-map"
    assert made[-1] == ("poland-applicants-map", cards.view_key("poland-applicants-map", {"year": 2023}),
                        {"year": 2023})


@pytest.mark.slow
def test_every_page_at_its_default_state_reads_baked_cards_only(release, monkeypatch):
    """The bake holds what the pages ask for before a reader chooses, the views they name by a
    filter's default value (the Where and Poland maps' latest year) and the story's included."""
    from streamlit.testing.v1 import AppTest

    from tests.page_registry import DASHBOARD, registered_pages
    bake.bake(release, ("en",), log=lambda *_: None)
    cards.clear_built()
    missed: list[tuple] = []
    real = bake.load

    def load(release, name, view):
        baked = real(release, name, view)
        if baked is bake.MISSING:
            missed.append((name, view))
        return baked
    monkeypatch.setattr(bake, "load", load)
    app = AppTest.from_file(str(DASHBOARD), default_timeout=300)
    app.run()
    for page in registered_pages():
        app.switch_page(page.file).run()
        assert not app.exception, (page.file, [e.message for e in app.exception])
    assert not missed


# ------------------------------------------------------------------ the pages' language-free rows
# (bake.ROWS: the claims' evidence rows, the story's chapters; read by memo.per_release on a
# process's first ask, so that a first claims or story page in a new language does not make them)
@pytest.fixture(scope="module")
def rows_files(app_data) -> dict:
    """The rows baked once for the module: their files' bytes."""
    from app import data
    release = data.ensure_release(show_progress=False)
    bake.bake_rows(release, log=lambda *_: None)
    files = taken_away(release, (bake.folder(release) / bake.ROWS_FOLDER).glob("*.pkl"))
    memo.clear()
    return files


@pytest.fixture
def rows_baked(release, rows_files, no_bake_left):
    """Those rows in place in the release folder; the process's kept rows forgotten."""
    put_back(rows_files)
    memo.clear()
    yield rows_files
    memo.clear()


def not_made(monkeypatch) -> None:
    """Making the rows now fails the test: they must come from the bake."""
    def fail(release):
        raise AssertionError("made, not read from the bake")
    monkeypatch.setattr(views_claims, "made_claim_rows", fail)
    monkeypatch.setattr(story, "made_chapters", fail)


def made_fresh(release, lang: str) -> tuple[list, list]:
    """The claims and the story made from the release in `lang`, no bake read, nothing kept."""
    memo.clear()
    with bake.not_reading(), i18n.speaking(lang):
        fresh = views_claims.cards(release), story.chapters(release)
    memo.clear()
    return fresh


def claims_page_texts(claims: list, release) -> list:
    """What the claims page shows of each claim besides its card: the figure tables and labels."""
    shown = []
    for claim in claims:
        for cut in (claim.at_article, claim.later):
            if cut is not None and not cut.figures.empty:
                shown.append(views_claims.figure_table(cut.figures, release).to_dict("split"))
        if views_claims.chartable(claim.series_rows):
            shown.append(views_claims.chart_labels(claim.series_rows, release, lines=True))
    return shown


def story_page(chapters: list) -> list:
    """What the story page shows of its chapters besides their cards: headings, sentences, charts' views and links."""
    return story_texts(chapters) + [(chart.card, chart.params, chart.link())
                                    for chapter in chapters for chart in chapter.charts()]


@pytest.mark.parametrize("lang", [pytest.param(lang, marks=[] if lang in ("en", "pl") else pytest.mark.slow)
                                  for lang in i18n.LANGUAGES])
def test_the_pages_rows_read_from_the_bake_write_what_a_fresh_build_writes(release, rows_baked, lang, monkeypatch):
    fresh_claims, fresh_chapters = made_fresh(release, lang)
    not_made(monkeypatch)
    with i18n.speaking(lang):
        baked_claims, baked_chapters = views_claims.cards(release), story.chapters(release)
        assert_same_claims(baked_claims, fresh_claims)
        assert claims_page_texts(baked_claims, release) == claims_page_texts(fresh_claims, release)
        assert story.intro(release) and story_page(baked_chapters) == story_page(fresh_chapters)
        for kept, again in zip(paragraphs(baked_chapters), paragraphs(fresh_chapters)):
            for name, value in kept.figures().items():  # each figure still recomputes from its rows
                assert value.value == again.figures()[name].value, (kept.key, name)
    assert sorted(path.name for path in rows_baked) == sorted(f"{name}.pkl" for name in bake.ROWS)


def test_the_pages_rows_are_read_once_per_process_and_shared_by_every_language(release, rows_baked, monkeypatch):
    read: list[str] = []
    real = bake.load_rows
    monkeypatch.setattr(bake, "load_rows", lambda release, name: read.append(name) or real(release, name))
    not_made(monkeypatch)
    with i18n.speaking("be"):
        rows = views_claims.claim_rows(release)
        chapters = story.chapters(release)
    with i18n.speaking("lt"):
        assert views_claims.claim_rows(release) is rows and story.chapters(release) is chapters
    assert read == ["claims.rows", "story.chapters"]


def test_stale_rows_are_refused_and_made_again(release, rows_baked, monkeypatch, caplog):
    monkeypatch.setattr(code, "CURRENT", "0" * 64)  # the code changed since the bake
    monkeypatch.setattr(bake, "_warned", set())
    with caplog.at_level(logging.WARNING, logger=bake.__name__):
        assert bake.load_rows(release, "claims.rows") is bake.MISSING
        rows = views_claims.claim_rows(release)  # made from the release instead
    assert any("fingerprint" in record.getMessage() for record in caplog.records)
    fresh = views_claims.made_claim_rows(release)
    assert [claim.claim_id for claim in rows] == [claim.claim_id for claim in fresh]
    for made, again in zip(rows, fresh):
        pd.testing.assert_frame_equal(made.series_rows, again.series_rows)


def test_rows_of_another_release_or_name_damaged_or_of_another_kind_are_refused(release, rows_baked, monkeypatch,
                                                                               caplog):
    monkeypatch.setattr(bake, "_warned", set())
    path = bake.rows_path(release, "claims.rows")
    head, payload = bake._split(path.read_bytes())
    header = json.loads(head)
    cases = {
        "release_id": bake.encode({**header, "release_id": "20000101T000000Z-00000000"}, payload),
        "rows": bake.encode({**header, "rows": "story.chapters"}, payload),  # renamed: another name's file
        "truncated": path.read_bytes()[:-100],
        "not the rows it names": bake.encode(header, pickle.dumps([{"claim_id": "C01"}])),
    }
    with caplog.at_level(logging.WARNING, logger=bake.__name__):
        for reason, blob in cases.items():
            path.write_bytes(blob)
            assert bake.load_rows(release, "claims.rows") is bake.MISSING, reason
            assert reason.split()[-1] in caplog.text, reason
        path.write_bytes(bake.encode(header, payload))
        assert bake.load_rows(release, "claims.rows") is not bake.MISSING
        monkeypatch.setenv(bake.BAKE_ENV, "0")
        assert bake.load_rows(release, "claims.rows") is bake.MISSING  # switched off
        monkeypatch.delenv(bake.BAKE_ENV)
        assert bake.load_rows(release, "no.such.rows") is bake.MISSING
        path.unlink()
        caplog.clear()
        assert bake.load_rows(release, "claims.rows") is bake.MISSING and not caplog.records  # no bake: silent


def test_the_bake_writes_the_rows_once_not_per_language_and_removes_rows_it_no_longer_bakes(release, monkeypatch):
    leftover = bake.rows_path(release, "old.rows")
    leftover.parent.mkdir(parents=True)
    leftover.write_bytes(b"an earlier bake's rows")
    monkeypatch.setattr(cards, "REGISTRY", {ONE: cards.REGISTRY[ONE]})
    made: list[str] = []
    real = bake.write
    monkeypatch.setattr(bake, "write", lambda path, header, value: made.append(path.name) or real(path, header, value))
    done = bake.bake(release, ("en", "pl"), log=lambda *_: None, pages=False)
    rows = sorted(f"{name}.pkl" for name in bake.ROWS)
    assert done["files"] == 2 + len(rows) and sorted(name for name in made if name in rows) == rows
    assert sorted(path.name for path in (bake.folder(release) / bake.ROWS_FOLDER).iterdir()) == rows
