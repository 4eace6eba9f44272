"""The view in the URL: every filter of every page is a query parameter, so a copied link reopens
the same view.

Parameters are read through an allowlist (PAGE_PARAMS): known names only, one value each, at
most MAX_VALUE_LENGTH characters, every token mapped to one of the widget's known options (ISO
codes, years in range, indicator ids). Anything else falls back silently to the default, and the
address bar is rewritten to its canonical form: only known parameters, only values that differ
from the default, in a fixed order. URL text is only ever compared with our own tokens; what is
shown, drawn, named or linked is built from the matched option, never from the input.

Where a value comes from, per page run:
- first visit of the page in this session, or the URL changed from outside (a pasted link,
  the browser's back button): the URL;
- the URL is empty because the reader switched pages (Streamlit clears the query on a page
  switch): the view the reader left on that page, so coming back restores it;
- otherwise (a rerun after the reader touched a widget): the widgets.

Why not Streamlit 1.67's `bind="query-params"` (a spike, Nov 2026, AppTest on a two-widget app):
it drops invalid values and keeps the URL canonical, but (1) the URL name is the widget's key,
which is also its session-state key: the short names links use (`year` on two pages) would make
two pages share one remembered value; (2) a multiselect reads repeated keys (`?countries=DEU&
countries=LTU`) and discards `countries=DEU,LTU`, the form the links already in articles use;
(3) the length cap, the unknown-key cleanup, remembered views on page switches and share links
would stay here anyway. So this module keeps the binding; revisit if the platform lets a binding
choose its URL name and list format.
"""
from __future__ import annotations

import functools
import os
import re
from dataclasses import dataclass, field
from typing import Any
from collections.abc import Callable, Sequence
from urllib.parse import urlencode, urlsplit

import streamlit as st

from app import i18n, run_gate

MAX_VALUE_LENGTH = 200
MAX_ITEMS = 12
LANG = "lang"
CHART = "chart"  # one chart card alone, for embedding
# Parameter names per page (by url_path): the allowlist. Names are short words a reader can
# read in a link; each page's own widgets declare the options and defaults.
PAGE_PARAMS: dict[str, tuple[str, ...]] = {
    "overview": ("eurostat",),
    "story": (),
    "claims": (),
    "where": ("measure", "year", "scale", "arrows", "worldwide", "countries", "origins", "origins_year"),
    "lithuania": ("events",),
    "poland": ("year", "eurostat"),
    "asylum": ("since", "countries", "unit", "type", "rate"),
    "briefing": ("charts",),
    "sources": (),
}
DEFAULT_PAGE = "overview"      # served at "/" (the first entry of dashboard.PAGES)
_STATE = "_url_state"          # per session: {"last": {page: canonical}, "explicit_lang": bool}
_CARD_KEY = re.compile(r"^[a-z0-9-]{1,60}$")


def token(option: Any) -> str:
    """How an option is written in a URL: booleans as true/false, everything else as str()."""
    if isinstance(option, bool):
        return "true" if option else "false"
    return str(option)


@dataclass
class Binding:
    name: str
    key: str
    options: tuple
    default: Any
    multi: bool
    limit: int = MAX_ITEMS  # most options a multi-select takes

    def decode(self, raw: list[str] | None) -> Any:
        """The option(s) the URL values name, or the default for anything unexpected."""
        if raw is None or len(raw) != 1 or len(raw[0]) > MAX_VALUE_LENGTH:
            return self.default
        by_token = {token(o): o for o in self.options}
        if not self.multi:
            return by_token.get(raw[0], self.default)
        parts = raw[0].split(",")
        if len(parts) > self.limit or len(set(parts)) != len(parts) or not all(p in by_token for p in parts):
            return self.default
        return [by_token[p] for p in parts]

    def valid(self, value: Any) -> bool:
        if self.multi:
            return isinstance(value, list) and len(value) <= self.limit and all(v in self.options for v in value)
        return value in self.options

    def encode(self, value: Any) -> str | None:
        """The canonical URL value, or None when it is the default (kept out of the URL)."""
        if value == self.default or not self.valid(value):
            return None
        if self.multi and not value:
            return None  # nothing chosen: a view not worth sharing; the link opens the default
        return ",".join(token(v) for v in value) if self.multi else token(value)


@dataclass
class PageView:
    page: str                                     # url_path in the page registry (allowlist key)
    public_path: str                              # path in the browser ("" for the default page)
    source: str                                   # "url", "remembered" or "widgets"
    incoming: dict[str, list[str]]                # this page's parameters as found in the URL
    bindings: list[Binding] = field(default_factory=list)
    focus: str | None = None                      # a chart card key, matched against rendered cards
    rendered_cards: list[str] = field(default_factory=list)
    finishers: list = field(default_factory=list)  # run when the page is done (all filters known)
    # While the finishers run: the base address and the view's canonical query, the same for every
    # share menu they fill (see finish_with; query() and link() read them)
    fixed: tuple[str, dict[str, str]] | None = None
    sections_running: int = 0                     # sections (fragments) now running in this run

    def when_finished(self, callback) -> None:
        self.finishers.append(callback)

    def when_known(self, callback) -> None:
        """Run `callback` (a share menu's filling) once every filter of the page is known: when
        the page's or the section's run ends (filters drawn below the caller are not bound yet),
        or right away when this run is only the caller's own small fragment's (a card's share
        menu opened: no filter is drawn in it, each is as the page's last run left it)."""
        if fragment_only() and not self.sections_running:
            finish_with(self, [callback])
        else:
            self.when_finished(callback)

    def bind(self, name: str, key: str, options: Sequence, default: Any, multi: bool = False,
             limit: int = MAX_ITEMS) -> str:
        """Declare a widget's URL parameter and put its value into session state before the
        widget is drawn. Returns the widget key; the widget itself must not pass a default."""
        if name not in PAGE_PARAMS.get(self.page, ()):
            raise KeyError(f"{name!r} is not an allowed URL parameter of page {self.page!r}")
        binding = Binding(name, key, tuple(options), default, multi, min(limit, MAX_ITEMS))
        names = [b.name for b in self.bindings]
        if name in names:  # a section's rerun binds again: the parameter keeps its place in the URL
            self.bindings[names.index(name)] = binding
        else:
            self.bindings.append(binding)
        if self.source == "url":
            value = binding.decode(self.incoming.get(name))
        elif self.source == "remembered":
            remembered = _state()["last"].get(self.page, {})
            value = binding.decode([remembered[name]] if name in remembered else None)
        else:
            value = st.session_state.get(key, binding.default)
            if binding.multi and isinstance(value, list):
                value = [v for v in value if v in binding.options]  # options can change with other filters
            if not binding.valid(value):
                value = binding.default
        if key not in st.session_state or st.session_state[key] != value:
            st.session_state[key] = value
        return key

    def value(self, name: str) -> Any:
        binding = next(b for b in self.bindings if b.name == name)
        return st.session_state.get(binding.key, binding.default)

    def canonical(self) -> dict[str, str]:
        """This page's parameters that differ from their defaults, in declaration order."""
        params = {}
        for binding in self.bindings:
            encoded = binding.encode(st.session_state.get(binding.key, binding.default))
            if encoded is not None:
                params[binding.name] = encoded
        return params


def _state() -> dict:
    if _STATE not in st.session_state:
        st.session_state[_STATE] = {"last": {}, "explicit_lang": False, "view": None}
    return st.session_state[_STATE]


def _page_params(page: str) -> dict[str, list[str]]:
    allowed = PAGE_PARAMS.get(page, ())
    return {name: st.query_params.get_all(name) for name in st.query_params if name in allowed}


def begin(page: str, public_path: str | None = None) -> PageView:
    """Start a page run: decide where the page's values come from (see the module docstring)."""
    state = _state()
    incoming = _page_params(page)
    last = state["last"].get(page)
    last_as_lists = {name: [value] for name, value in (last or {}).items()}
    if last is None:
        source = "url"
    elif incoming == last_as_lists and not _has_foreign(page):
        source = "widgets"
    elif not incoming and last:
        source = "remembered"
    else:
        source = "url"
    view = PageView(page, page if public_path is None else public_path, source, incoming)
    chart = st.query_params.get_all(CHART)
    if len(chart) == 1 and _CARD_KEY.match(chart[0]):
        view.focus = chart[0]  # only ever compared with card keys, see chart_card.render
    state["view"] = view
    return view


def _has_foreign(page: str) -> bool:
    """Parameters that are not this page's: a hand-edited URL, so the URL decides."""
    allowed = set(PAGE_PARAMS.get(page, ())) | {LANG, CHART}
    return any(name not in allowed for name in st.query_params)


def current() -> PageView:
    """The view of the page being run (dashboard.py begins it before the page runs)."""
    view = _state()["view"]
    if view is None:
        raise RuntimeError("url_state.begin() was not called for this run")
    return view


def current_or_none() -> PageView | None:
    """The view of this run, or None when no page view was begun (a card drawn outside a page)."""
    try:
        return _state().get("view")
    except Exception:  # no Streamlit session at all
        return None


def note_card(key: str) -> bool:
    """Record a rendered chart card; True when the URL asks for this card alone."""
    view = _state().get("view")
    if view is None:
        return False
    if key not in view.rendered_cards:  # a section's reruns draw its cards again
        view.rendered_cards.append(key)
    return view.focus == key


def focused() -> str | None:
    view = _state().get("view")
    return view.focus if view is not None else None


def pick_language(browser_locale: str | None) -> str:
    """URL first, then the language this session already reads in, then the browser's."""
    state = _state()
    values = st.query_params.get_all(LANG)
    if len(values) == 1 and values[0] in i18n.LANGUAGES:
        state["explicit_lang"] = True
        return values[0]
    if state["explicit_lang"] and i18n.SESSION_KEY in st.session_state:
        return st.session_state[i18n.SESSION_KEY]
    return i18n.pick_language(None, browser_locale)


def query(view: PageView, with_language: bool, with_chart: bool = False) -> dict[str, str]:
    params = dict(view.fixed[1] if view.fixed else view.canonical())
    if with_chart and view.focus in view.rendered_cards:
        params[CHART] = view.focus
    if with_language:
        params[LANG] = i18n.language()
    return params


def finish() -> None:
    """After the page ran: write the canonical query into the address bar (only if it differs,
    so no history entries pile up) and remember it for the reader's return to the page."""
    state = _state()
    view = state["view"]
    if view is None:
        return
    finish_with(view, view.finishers)
    _write_url(view)
    if view.focus is not None and view.focus not in view.rendered_cards:
        st.rerun()  # the URL named no card of this page: show the whole page instead of nothing


def _write_url(view: PageView) -> None:
    state = _state()
    canonical = query(view, with_language=state["explicit_lang"], with_chart=True)
    state["last"][view.page] = {k: v for k, v in canonical.items() if k not in (LANG, CHART)}
    present = {name: st.query_params.get_all(name) for name in st.query_params}
    if present != {name: [value] for name, value in canonical.items()}:
        st.query_params.from_dict(canonical)


def fragment_only() -> bool:
    """True when this run is an st.fragment's rerun alone (a reader changed a widget inside it):
    dashboard.py, begin() and finish() do not run."""
    from streamlit.runtime.scriptrunner import get_script_run_ctx
    ctx = get_script_run_ctx(suppress_warning=True)
    return bool(ctx is not None and ctx.fragment_ids_this_run)


def section(body: Callable[[], None] | None = None, *, key: str | None = None) -> Any:
    """A page section (its own widgets and the cards they filter) as an st.fragment: a change of
    one of its widgets reruns this section alone, not the page. On such a rerun the section does
    what finish() does for a page: its widgets are read as the reader set them (not from the URL),
    the share menus of its cards are filled, and the address bar gets the page's canonical query
    (every filter of the page: the bindings of the other sections are kept from the page's last
    run). The share links of cards outside the section keep the view of the page's last full run.

    With a `key` (`@section(key="...")`), a widget's on_change callback can rerun this section
    and others by name instead of the page (rerun_sections): a control shared by several
    sections reruns those sections, one after the other in one run, each as above."""
    def wrap(body: Callable[[], None]) -> Callable[[], None]:
        @st.fragment(key=key)
        @run_gate.gated
        @functools.wraps(body)
        def run() -> None:
            view = current()
            alone = fragment_only()
            if alone:
                view.source = "widgets"
                first = len(view.finishers)
            view.sections_running += 1
            try:
                body()
            finally:
                view.sections_running -= 1
            if alone:
                finish_with(view, view.finishers[first:])
                del view.finishers[first:]
                _write_url(view)
        return run
    return wrap if body is None else wrap(body)


def in_section() -> bool:
    """True while a section's body runs (in a page's run or in the section's own rerun)."""
    view = current_or_none()
    return bool(view is not None and view.sections_running)


def finish_with(view: PageView, callbacks: list) -> None:
    """Run the finishers (the share menus): every filter is known and none changes while they
    run, so the view's query and the base address are made once for all the links they draw."""
    view.fixed = (base_url(), view.canonical())
    try:
        for callback in callbacks:
            callback()
    finally:
        view.fixed = None


def rerun_sections(*keys: str) -> None:
    """From a widget's on_change callback: rerun the keyed sections named (in this order) instead
    of the widget's own section. When the change reruns the page anyway (AppTest reruns the page
    for every change; so does a widget outside any section), the callback leaves it so."""
    if fragment_only():
        st.rerun(list(keys))


def link(view: PageView, card_key: str | None = None, alone: bool = False) -> str:
    """An absolute link to the view (language included), optionally to one chart card: as an
    anchor, or alone for an embed. Built from our own tokens only."""
    params = query(view, with_language=True)
    if alone and card_key:
        params[CHART] = card_key
        params["embed"] = "true"
    text = f"{view.fixed[0] if view.fixed else base_url()}/{view.public_path}"
    if params:
        text += "?" + urlencode(params)
    if card_key and not alone:
        text += f"#{card_key}"
    return text


# Set where the proxy (or the bucket behind the CDN) serves the static edition beside the app
# (compose.yaml, deploy/k8s): embed snippets of a page's default view then point at the edition's
# page of the card, so an embedded chart in an article never needs a Python process.
STATIC_EMBEDS_ENV = "EXILE_STATIC_EMBEDS"


def embed_link(view: PageView, card_key: str) -> str:
    """The address an embed snippet frames: the static edition's `/embed/<lang>/<card>.html` when
    it is served (EXILE_STATIC_EMBEDS) and the view is the page's default (the view the edition
    bakes); otherwise the app's view of the card alone."""
    static = os.environ.get(STATIC_EMBEDS_ENV, "").strip().lower() in {"1", "true", "yes", "on"}
    if static and not query(view, with_language=False):
        return f"{base_url()}/embed/{i18n.language()}/{card_key}.html"
    return link(view, card_key, alone=True)


def page_link(page: str, anchor: str | None = None, params: dict[str, str] | None = None) -> str:
    """A link to a page, in the current language (for printed packs and the story): at its
    default view, or at the view `params` names (the page's own URL parameters)."""
    unknown = set(params or {}) - set(PAGE_PARAMS.get(page, ()))
    if unknown:
        raise KeyError(f"{sorted(unknown)} are not URL parameters of page {page!r}")
    path = "" if page == DEFAULT_PAGE else page
    query = urlencode({**(params or {}), LANG: i18n.language()})
    return f"{base_url()}/{path}?{query}" + (f"#{anchor}" if anchor else "")


_HOST = re.compile(r"^[A-Za-z0-9.\-]{1,253}(:\d{1,5})?$")


def base_url() -> str:
    """Where the dashboard is served: EXILE_PUBLIC_URL when set (behind a proxy), else the
    address the reader's browser used, checked, else localhost on the configured port."""
    # The browser's address is asked for only when no usable public address is set.
    for candidate in (make() for make in (lambda: os.environ.get("EXILE_PUBLIC_URL"), _browser_base)):
        if candidate:
            parts = urlsplit(candidate)
            if parts.scheme in ("http", "https") and _HOST.match(parts.netloc):
                path = "/".join(p for p in parts.path.split("/") if re.fullmatch(r"[A-Za-z0-9._~-]+", p))
                return f"{parts.scheme}://{parts.netloc}" + (f"/{path}" if path else "")
    return f"http://localhost:{st.get_option('server.port')}"


def _browser_base() -> str | None:
    try:
        url = st.context.url
    except Exception:  # outside a running app (tests, PDF builds)
        return None
    if not url:
        return None
    parts = urlsplit(url)
    prefix = st.get_option("server.baseUrlPath").strip("/")
    return f"{parts.scheme}://{parts.netloc}" + (f"/{prefix}" if prefix else "")
