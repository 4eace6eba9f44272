"""Every registered page rendered once per (page, language) in a test process, under a recorder of
what the app's formatting layer wrote, shared by the modules that read rendered pages without changing
them (tests/page_registry.SHARED_RENDER_MODULES, through the `rendered` fixture of tests/app/conftest.py):
the every-number sweep, which needs the record, the reader-output checks, the every-page run and the
read-only language checks. tests/conftest.py schedules those modules as one unit of work on one
xdist worker, so a page is rendered once for all of them; the recorder is on only while they run and
is switched off, its renders dropped, when a test of any other module starts."""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import pytest

from app import cards, formatting, i18n, memo
from app.card import ChartCard
from tests.app.i18n_checks import page_in


def forms(value: float) -> set[float]:
    """How a published value may reach a reader: as is, rounded, to one decimal, or a share as %."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return set()
    out = {float(value), float(round(value)), round(float(value), 1)}
    if abs(value) <= 1:
        out |= {round(100 * value), round(100 * value, 1)}
    return out


@dataclass
class Written:
    """What the formatting layer wrote: numbers (with the function that wrote each) and dates."""
    numbers: dict[float, str] = field(default_factory=dict)
    dates: set[str] = field(default_factory=set)

    def add(self, other: Written) -> None:
        for number, where in other.numbers.items():
            self.numbers.setdefault(number, where)
        self.dates |= other.dates


class FormattingRecorder:
    """Wraps the formatting layer: every number it writes and every date string it produces, for
    the page being rendered (`render()`).

    What the app makes once and keeps (a built card, a card's caption or table, a page's shaping:
    memo.Kept.once and ChartCard.once) is written once, when it is made: the recorder keeps what
    each made thing wrote and hands it to every later render that asks for that thing, so a page
    that reuses a card another page built is credited with that card's numbers and no other's."""

    def __init__(self, monkeypatch):
        self.stack: list[Written] = [Written()]
        self.made: dict[tuple, Written] = {}
        for name in ("number", "value_with_unit"):
            original = getattr(formatting, name)
            monkeypatch.setattr(formatting, name, self._numbers(original, name))
        for name in ("date", "period", "year_or_date"):
            original = getattr(formatting, name)
            monkeypatch.setattr(formatting, name, self._dates(original))
        original_count = i18n.format_count

        def format_count(count, lang):
            self._write(float(count), "i18n.format_count")
            return original_count(count, lang)
        monkeypatch.setattr(i18n, "format_count", format_count)

        kept_once, card_once = memo.Kept.once, ChartCard.once

        def kept(store, release, name, make):
            key = ("kept", id(store), str(release.paths.root), release.release_id, i18n.language(), name)
            return self._through(key, lambda made: kept_once(store, release, name, made), make)

        def card(card, name, make):
            return self._through(("card", id(card), name), lambda made: card_once(card, name, made), make)
        monkeypatch.setattr(memo.Kept, "once", kept)
        monkeypatch.setattr(ChartCard, "once", card)

    def render(self) -> Written:
        """Start recording a page's render: what it writes, and what the kept things it uses wrote."""
        self.stack = [Written()]
        return self.stack[0]

    def _through(self, key: tuple, call, make):
        def recording():
            self.stack.append(Written())
            try:
                return make()
            finally:
                self.made[key] = self.stack.pop()
        value = call(recording)
        if key in self.made:  # made now or earlier in this module: its writing counts for this render
            for written in self.stack:
                written.add(self.made[key])
        return value

    def _write(self, number: float, where: str) -> None:
        for written in self.stack:
            written.numbers.setdefault(number, where)

    def _numbers(self, original, name):
        def wrapper(value, *args, **kwargs):
            try:
                number = float(value)
            except (TypeError, ValueError):
                number = None
            if number is not None and not math.isnan(number):
                unit = args[0] if args else kwargs.get("unit")
                for form in forms(number) | ({round(100 * number), round(100 * number, 1)} if unit == "share" else set()):
                    self._write(form, f"formatting.{name}")
            return original(value, *args, **kwargs)
        return wrapper

    def _dates(self, original):
        def wrapper(*args, **kwargs):
            out = original(*args, **kwargs)
            for written in self.stack:
                written.dates.add(out)
            return out
        return wrapper


class RecordedPages:
    """(page, language) -> (the rendered AppTest, what its render wrote), made on first ask. The
    formatting layer stays wrapped from the first render until close(): whatever the app makes and
    keeps in between is made under the recorder, so every render is credited with what it used.
    Cards and page shaping kept from before the first render are forgotten once, for the same reason."""

    def __init__(self) -> None:
        self.renders: dict[tuple[str, str], tuple] = {}
        self.patch: pytest.MonkeyPatch | None = None
        self.recorder: FormattingRecorder | None = None

    def get(self, page: str, lang: str) -> tuple:
        if self.recorder is None:
            self.patch = pytest.MonkeyPatch()
            self.recorder = FormattingRecorder(self.patch)
            cards.clear_built()
        if (page, lang) not in self.renders:
            written = self.recorder.render()
            self.renders[(page, lang)] = (page_in(page, lang), written)
            i18n.set_language("en")
        return self.renders[(page, lang)]

    def close(self) -> None:
        """Unwrap the formatting layer and drop the renders (a no-op when nothing was rendered)."""
        if self.patch is not None:
            self.patch.undo()
        self.renders.clear()
        self.patch = self.recorder = None


SHARED = RecordedPages()
