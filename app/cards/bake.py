"""The bake: every registered card's default views, in every language, made once when the
production image is built, so that the serving process reads them instead of building them
("static pages baked for readers, the interactive tool for explorers"; issue 16, target 2).

    python -m app.cards.bake                  bake the published release (data/releases/<id>/bake/)
    python -m app.cards.bake --languages en   one language only

Baked: the registry's default views and the views the pages ask for at their default state.
One file per (language, card, view): data/releases/<id>/bake/<lang>/<card>.<view digest>.pkl,
holding the card and everything app/chart_card.py's render() and share menu draw from it (the
sent figure, caption, reader table, accessible table, conflicts, embed heights). The card's
figure itself is made from the sent figure's dict when something asks for it (an image, the
briefing PDF): render() does not.

Baked too, once per release (not per language): the rows some pages make from the release and
write their texts from in each language (`ROWS`: the claims' evidence, the story's chapters; no
text of any language in them), in data/releases/<id>/bake/rows/<name>.pkl, read by
`memo.per_release` on the first ask of a process (issue 16, target 2: a process whose first
claims or story page is already in a new language).

The serving process (app/cards `build`) loads a view's file the first time that view is asked
for in that language, then keeps the card like one it built; a view without a file is built as
before. A file is used only if its header names the release it was built from and the code that
made it (`fingerprint`, app/cards/fingerprint.py: every file of app/, the catalogues and fonts
included, the etl modules app/ imports, and the versions of the libraries that shape what is
drawn); anything else (another release or code, a truncated
or corrupt file, a bake switched off with EXILE_BAKE=0) is logged once and the card is built. No
bake at all (a fresh clone) is today's behaviour: nothing is logged, every card is built.

Why pickle is safe here: the files are written by the image's own build (`python -m etl build`
then this command, as root, before the server's user exists: that user cannot write them), and
read only from the release folder the manifest names, never from a path a request names. The
header (plain JSON) is checked before the payload is unpickled: its sha256 and length must match.
"""
from __future__ import annotations

import argparse
import contextlib
import gc
import hashlib
import importlib
import json
import logging
import os
import pickle
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import plotly.graph_objects as go

from app import data, i18n
from app.card import ChartCard
from app.cards import fingerprint as code
from etl.atomic import write_bytes_atomic
from etl.paths import REPO_ROOT

FORMAT = code.FORMAT
MAGIC = b"EXILE-CARD-BAKE\n"
BAKE_ENV = "EXILE_BAKE"   # "0": never read a bake (benchmarks, debugging)
FOLDER = "bake"
ROWS_FOLDER = "rows"   # bake/rows/<name>.pkl: the language-free rows (ROWS)

_log = logging.getLogger(__name__)
_warned: set[tuple[str, str]] = set()
_warned_lock = threading.Lock()


class MissingType:
    """No baked file for this view: build it."""

    def __repr__(self) -> str:
        return "MISSING"


MISSING = MissingType()


def enabled() -> bool:
    return os.environ.get(BAKE_ENV, "").strip().lower() not in {"0", "false", "no", "off"}


def folder(release: data.Release) -> Path:
    return release.paths.releases / release.release_id / FOLDER


def fingerprint() -> str:
    """The code running (app/cards/fingerprint.py): computed when app/cards was imported."""
    return code.CURRENT


def view_digest(view: tuple) -> str:
    """A view's name in a file name: the digest of its key (app/cards view_key, made of our own
    parameter names and allowlisted values)."""
    return hashlib.sha256(repr(view).encode()).hexdigest()[:16]


def path_of(release: data.Release, lang: str, name: str, view: tuple) -> Path:
    return folder(release) / lang / f"{name}.{view_digest(view)}.pkl"


@dataclass(frozen=True)
class Rows:
    """Rows a page makes once per release and shares between languages (`memo.per_release(...,
    baked=True)` under `name`): `make` ("module:function", the release in, a list out, with no
    memo and no bake) makes them; each item read back must be an instance of `item`
    ("module:Class"), or the file is refused."""
    make: str
    item: str

    @staticmethod
    def _resolve(spec: str) -> Any:
        module, attribute = spec.split(":")
        return getattr(importlib.import_module(module), attribute)

    def made(self, release: data.Release) -> list:
        return self._resolve(self.make)(release)

    def holds(self, value: object) -> bool:
        kind = self._resolve(self.item)
        return isinstance(value, list) and all(isinstance(item, kind) for item in value)


ROWS: dict[str, Rows] = {
    "claims.rows": Rows("app.views_claims:made_claim_rows", "app.views_claims:ClaimRows"),
    "story.chapters": Rows("app.story:made_chapters", "app.story:Chapter"),
}


def rows_path(release: data.Release, name: str) -> Path:
    return folder(release) / ROWS_FOLDER / f"{name}.pkl"


# ------------------------------------------------------------------------------------- writing

def record(card: ChartCard | None, release: data.Release) -> dict | None:
    """What the bake keeps of a card, in the current language: its fields (not its figure
    function) and everything render() and the share menu draw from it (chart_card.PREPARED; the
    sent figure as its dict and its JSON)."""
    if card is None:
        return None
    from app import chart_card
    made = chart_card.prepared(card, release)
    figure = chart_card.drawn_figure(card)
    return {
        "fields": {name: getattr(card, name) for name in card.__dataclass_fields__
                   if card.__dataclass_fields__[name].init and name != "build"},
        "made": {name: value for name, value in made.items() if name != "sent_figure"},
        "sent": dict(made["sent_figure"].to_dict()), "sent_json": made["sent_figure"].json(),
        "grid": (figure._grid_str, figure._grid_ref),
    }


def encode(header: dict, payload: bytes) -> bytes:
    header = {**header, "length": len(payload), "sha256": hashlib.sha256(payload).hexdigest()}
    return MAGIC + json.dumps(header, sort_keys=True).encode("utf-8") + b"\n" + payload


@contextlib.contextmanager
def not_reading() -> Iterator[None]:
    """Within: nothing is read from a bake (what is baked is made fresh, never from an earlier bake)."""
    previous = os.environ.get(BAKE_ENV)
    os.environ[BAKE_ENV] = "0"
    try:
        yield
    finally:
        if previous is None:
            os.environ.pop(BAKE_ENV, None)
        else:
            os.environ[BAKE_ENV] = previous


def write(path: Path, header: dict, value: object) -> int:
    """One bake file, atomically; its size."""
    payload = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    blob = encode({"format": FORMAT, "fingerprint": fingerprint(), **header}, payload)
    write_bytes_atomic(path, blob)
    return len(blob)


def remove_unwritten(paths: Iterable[Path], written: set[Path]) -> None:
    """An earlier bake's files among `paths` that this bake did not write."""
    for path in paths:
        if path not in written:
            path.unlink(missing_ok=True)


def bake_rows(release: data.Release, log=print) -> dict[str, Any]:
    """Make every `ROWS` entry from the release, fresh, and write one file each; files of names no
    longer baked are removed. Returns what was written."""
    began = time.process_time()
    written: set[Path] = set()
    size = 0
    for name, rows in ROWS.items():
        path = rows_path(release, name)
        size += write(path, {"release_id": release.release_id, "rows": name}, rows.made(release))
        written.add(path)
    remove_unwritten((folder(release) / ROWS_FOLDER).glob("*.pkl"), written)
    done = {"files": len(written), "bytes": size, "cpu_s": round(time.process_time() - began, 2)}
    log(f"Baked the pages' rows ({', '.join(ROWS)}) of release {release.release_id}: "
        f"{size / 1e6:.2f} MB, {done['cpu_s']} s of CPU")
    return done


def page_views(log=print) -> list[tuple[str, dict[str, Any]]]:
    """The views the pages ask for at their default state: every page of pages/ run once, in
    English, in Streamlit's AppTest (the views are the same in every language). A page may pass a
    filter's default value explicitly (the Where and Poland maps' latest year), which names another
    view than the registry's default, and the story draws views of its own. A page that fails to
    run is logged and skipped: its cards are built when readers ask, as without a bake."""
    from streamlit.testing.v1 import AppTest

    from app import cards
    try:
        with not_reading():  # the pages build what they draw, never read an earlier bake
            cards.clear_built()
            app = AppTest.from_file(str(REPO_ROOT / "dashboard.py"), default_timeout=600)
            app.run()
            for page in sorted((REPO_ROOT / "pages").glob("*.py")):
                app.switch_page(f"pages/{page.name}").run()
                if app.exception:
                    log(f"bake: page {page.name} failed to run ({app.exception[0].message}): "
                        "its own views are not baked")
            return cards.asked_views()
    finally:
        cards.clear_built()


def bake(release: data.Release, languages: tuple[str, ...] = tuple(i18n.LANGUAGES), log=print,
         built: Callable[[str, str, tuple, ChartCard | None], None] | None = None,
         pages: bool = True, rows: bool = True) -> dict[str, Any]:
    """Build every registered card's default views, and (`pages`) the views the pages ask for at
    their default state, in each language, fresh (never from an earlier bake), and write one file
    per view, each atomically; files of an earlier bake in these languages no longer written are
    removed; then (`rows`) the pages' language-free rows (`bake_rows`). Returns what was written.
    `built(lang, name, view, card)` is told each card as built and prepared (tests compare it with
    what is read back)."""
    from app import cards
    began = time.process_time()
    views = cards.views_to_make(release, page_views(log) if pages else [])
    with not_reading():
        done = _bake_cards(release, languages, views, log, built)
        if rows:
            made = bake_rows(release, log)
            done.update(files=done["files"] + made["files"], bytes=done["bytes"] + made["bytes"])
    done["cpu_s"] = round(time.process_time() - began, 2)
    return done


def _bake_cards(release: data.Release, languages: tuple[str, ...], views: list, log,
                built: Callable[[str, str, tuple, ChartCard | None], None] | None) -> dict[str, Any]:
    from app import cards
    began = time.process_time()
    target = folder(release)
    written: set[Path] = set()
    size = 0
    for lang in languages:
        with i18n.speaking(lang):
            for name, key, view in views:
                card = cards.REGISTRY[name].build(release, **view)
                kept = record(card, release)
                if built is not None:
                    built(lang, name, key, card)
                path = path_of(release, lang, name, key)
                size += write(path, {"release_id": release.release_id, "lang": lang, "card": name,
                                     "view": repr(key)}, kept)
                written.add(path)
    for lang in languages:  # an earlier bake's views of these languages that are no longer baked
        remove_unwritten((target / lang).glob("*.pkl"), written)
    done = {"release_id": release.release_id, "files": len(written), "bytes": size,
            "cpu_s": round(time.process_time() - began, 2), "languages": list(languages)}
    log(f"Baked {done['files']} card views ({', '.join(languages)}) of release {release.release_id}: "
        f"{size / 1e6:.1f} MB in {target}, {done['cpu_s']} s of CPU")
    return done


# ------------------------------------------------------------------------------------- reading

def _warn_once(where: Path, reason: str) -> None:
    key = (str(where), reason)
    with _warned_lock:
        if key in _warned:
            return
        _warned.add(key)
    _log.warning("card bake not used (%s): %s; cards are built instead", reason, where)


class BakedFigure:
    """A baked card's figure function: the figure made again from the dict it was sent as (and
    its subplot grid), the first time something asks for it (ChartCard.once keeps it)."""

    def __init__(self, sent: dict, grid: tuple, frame: Any) -> None:
        self.sent, self.grid, self.frame = sent, grid, frame

    def __call__(self, frame: Any) -> go.Figure:
        if frame is not self.frame:
            raise ValueError("a baked card draws its own rows only")
        import copy
        return go.Figure({**copy.deepcopy(self.sent), "_grid_str": self.grid[0], "_grid_ref": self.grid[1]})


def card_of(kept: dict) -> ChartCard:
    """The baked card, as a card built and prepared (chart_card.prepare) would be."""
    from app.sent_figure import SentFigure, SentSpec
    fields = {**kept["fields"], "build": BakedFigure(kept["sent"], kept["grid"], kept["fields"]["data"])}
    sent = SentFigure.of_spec(SentSpec(kept["sent"], kept["sent_json"]))
    return ChartCard.restored(fields, {**kept["made"], "sent_figure": sent})


def load(release: data.Release, name: str, view: tuple) -> ChartCard | None | MissingType:
    """The baked card of this view in the current language, None if the view draws nothing,
    MISSING if there is no usable file (then the caller builds it)."""
    if not enabled():
        return MISSING
    lang = i18n.language()
    path = path_of(release, lang, name, view)
    kept = _read(release, path, {"format": FORMAT, "release_id": release.release_id, "lang": lang, "card": name,
                                 "view": repr(view)})
    if kept is MISSING:
        return MISSING
    try:
        return None if kept is None else card_of(kept)  # type: ignore[arg-type]
    except Exception as exc:  # a bake never takes a page down: the card is built instead
        _warn_once(path, f"unreadable: {type(exc).__name__}")
        return MISSING


def load_rows(release: data.Release, name: str) -> object:
    """The baked rows `name` (`ROWS`) of this release, MISSING if there is no usable file (then the
    caller makes them): made by other code or for another release, damaged, or not what `name`
    holds."""
    if not enabled() or name not in ROWS:
        return MISSING
    path = rows_path(release, name)
    value = _read(release, path, {"format": FORMAT, "release_id": release.release_id, "rows": name})
    if value is MISSING:
        return MISSING
    try:
        holds = ROWS[name].holds(value)
    except Exception:
        holds = False
    if not holds:
        _warn_once(path, "unreadable: not the rows it names")
        return MISSING
    return value


def _read(release: data.Release, path: Path, expected: dict) -> object:
    """The unpickled payload of a bake file whose header names what is `expected`, the release
    and the code running; MISSING otherwise (logged once, except a missing file)."""
    try:
        blob = path.read_bytes()
    except FileNotFoundError:
        return MISSING
    except OSError as exc:
        _warn_once(path, f"unreadable: {exc}")
        return MISSING
    try:
        head, payload = _split(blob)
        header = json.loads(head)
    except ValueError:
        _warn_once(path, "not a bake file")
        return MISSING
    wrong = [field for field, value in expected.items() if header.get(field) != value]
    if wrong:
        _warn_once(folder(release), f"made for another {', '.join(wrong)}")
        return MISSING
    if header.get("fingerprint") != fingerprint():
        _warn_once(folder(release), "made by other code (fingerprint differs)")
        return MISSING
    if header.get("length") != len(payload) or header.get("sha256") != hashlib.sha256(payload).hexdigest():
        _warn_once(path, "truncated or corrupt")
        return MISSING
    try:
        return _unpickled(payload)
    except Exception as exc:  # a bake never takes a page down: what it holds is made instead
        _warn_once(path, f"unreadable: {type(exc).__name__}")
        return MISSING


def _unpickled(payload: bytes) -> object:
    """The payload's objects, made without a garbage collection in the middle: unpickling makes
    thousands of objects (a story's chapters: ~100 frames), which would start full collections
    walking the whole of a serving process's memory (measured: ~0.25 s of a story's first run)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        return pickle.loads(payload)  # noqa: S301 (written by the image's own build: see the docstring)
    finally:
        if enabled:
            gc.enable()


def _split(blob: bytes) -> tuple[bytes, bytes]:
    """The header line and the payload of a bake file."""
    if not blob.startswith(MAGIC):
        raise ValueError("no magic")
    head, newline, payload = blob[len(MAGIC):].partition(b"\n")
    if not newline:
        raise ValueError("no header")
    return head, payload


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m app.cards.bake", description=__doc__.split("\n\n")[0])
    parser.add_argument("--languages", nargs="+", choices=list(i18n.LANGUAGES), default=list(i18n.LANGUAGES))
    parser.add_argument("--no-pages", action="store_true",
                        help="bake the registry's default views only, without running the pages")
    args = parser.parse_args(argv)
    from app.bare_mode import quiet_streamlit
    quiet_streamlit()
    release = data.ensure_release(show_progress=False)
    bake(release, tuple(args.languages), pages=not args.no_pages)
    return 0


if __name__ == "__main__":
    sys.exit(main())
