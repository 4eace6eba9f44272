"""Hostile links: for every page, 200+ query strings (unknown keys, repeated keys, HTML and script
payloads, 10,000-character values, invalid years, unicode) run without an exception, leave every
filter at its default, and no payload text reaches the page, its charts, its links or the URL.

Every payload carries MARKER, so "the payload appears nowhere" is one substring test over the
whole rendered tree (markdown, captions, widget labels and options, chart specs, code blocks).

The whole corpus (~1,800 page runs, ~14 minutes) runs in CI (`-m full_fuzz`); the default run
takes a fixed sample per page (SAMPLE, same seed every run) that always includes the longest and
a repeated-key query. The URL decoding itself is property-tested in test_url_state.py.
"""
from __future__ import annotations

import random
from urllib.parse import parse_qs

import pytest
from google.protobuf import text_format
from streamlit.testing.v1 import AppTest

from app import url_state
from tests.page_registry import DASHBOARD, registered_pages

MARKER = "zq9xss"
PER_PAGE = 200
MIXES = 60  # random combinations, on top of every key x every payload
SAMPLE = 3   # hostile runs per page in the default (fast) test run
PAGES = registered_pages()

PAYLOADS = [
    f"<script>alert('{MARKER}')</script>",
    f"\"><img src=x onerror=alert(1)>{MARKER}",
    f"[{MARKER}](javascript:alert(1))",
    f"**{MARKER}**",
    f"`{MARKER}`",
    f"{MARKER}\n# heading",
    f"$${MARKER}$$",
    f"{MARKER}" * 1667,  # 10,002 characters
    f"POL,{MARKER}",
    f"{MARKER},{MARKER}",
    f"\u202e{MARKER}",
    f"ŻółćБеларусь{MARKER}",
    f"𝕏{MARKER}🙂",
    f"{MARKER}%00",
    f"../../{MARKER}",
    f"{{{MARKER}}}",
    f"{{0.__class__}}{MARKER}",
]
# Values without the marker that must still be refused: invalid years, near-miss tokens.
NEAR_MISSES = ["1800", "99999", "-1", "2019.0", "２０２０", "TRUE", "1", "yes", "Permits", "pol", "POL,POL",
               " mandate", "", ",", "none", "null", "[]", "0x7e3"]
# Streamlit keeps its embed parameters through any rewrite and reads only the options it knows;
# they never reach the page (the rendered-text check covers them), so the URL check skips them.
STREAMLIT_OWNED = {"embed", "embed_options"}
UNKNOWN_KEYS = ["utm_source", "YEAR", "year[]", " measure", "ймя", "chart", "lang", "embed_options", MARKER,
                f"<b>{MARKER}</b>"]


def hostile_queries(page: str, count: int = PER_PAGE, seed: int = 6) -> list[str]:
    """Deterministic hostile query strings: every known key of the page with every payload, then
    random mixes of repeated, unknown and near-miss keys up to `count`."""
    rng = random.Random(f"{seed}-{page}")
    names = list(url_state.PAGE_PARAMS[page]) + ["lang", "chart"]
    queries = [f"{name}={value}" for name in names for value in PAYLOADS]
    queries += [f"{name}={value}" for name in names for value in NEAR_MISSES]
    mixes = 0
    while len(queries) < count or mixes < MIXES:
        mixes += 1
        parts = []
        for _ in range(rng.randint(2, 5)):
            name = rng.choice(names + UNKNOWN_KEYS)
            value = rng.choice(PAYLOADS + NEAR_MISSES)
            parts.append(f"{name}={value}")
            if rng.random() < 0.3:  # the same key twice, once with a value that alone would be valid
                parts.append(f"{name}={rng.choice(['mandate', '2019', 'true', 'POL', 'en'])}")
        queries.append("&".join(parts))
    return queries


def as_params(query: str) -> dict[str, str | list[str]]:
    parsed = parse_qs(query.replace("+", "%2B"), keep_blank_values=True)
    return {key: values[0] if len(values) == 1 else values for key, values in parsed.items()}


def rendered_text(at: AppTest) -> str:
    parts = []

    def walk(node) -> None:
        proto = getattr(node, "proto", None)
        if proto is not None:
            parts.append(text_format.MessageToString(proto, as_utf8=True))
        for child in getattr(node, "children", {}).values():
            walk(child)
    walk(at._tree)
    return "\n".join(parts)


def filter_values(at: AppTest) -> dict[str, object]:
    view = at.session_state[url_state._STATE]["view"]
    return {binding.name: at.session_state[binding.key] for binding in view.bindings}


def test_the_corpus_is_hostile_enough():
    for page in url_state.PAGE_PARAMS:
        queries = hostile_queries(page)
        assert len(queries) >= PER_PAGE
        assert any(len(q) > 10_000 for q in queries)
        assert any(len(names) > len(set(names)) for names in ([p.split("=")[0] for p in q.split("&")]
                                                              for q in queries)), "repeated keys"


def sample(queries: list[str], size: int = SAMPLE, seed: int = 6) -> list[str]:
    """A fixed sample: the longest query, one with a repeated key, and random others."""
    longest = max(queries, key=len)
    repeated = next(q for q in queries if len(keys := [p.split("=")[0] for p in q.split("&")]) > len(set(keys)))
    rest = [q for q in queries if q not in (longest, repeated)]
    return [longest, repeated] + random.Random(seed).sample(rest, size - 2)


def test_the_sample_is_fixed_and_keeps_the_hardest_queries():
    for page in url_state.PAGE_PARAMS:
        queries = hostile_queries(page)
        chosen = sample(queries)
        assert chosen == sample(queries) and len(set(chosen)) == SAMPLE
        assert max(queries, key=len) in chosen


def check_hostile_links(page, queries: list[str]) -> None:
    at = AppTest.from_file(str(DASHBOARD), default_timeout=60)
    at.run()
    at.switch_page(page.file).run()
    assert not at.exception
    defaults = filter_values(at)
    for query in queries:
        at.query_params.clear()
        at.query_params.update(as_params(query))
        at.run()
        assert not at.exception, (query[:200], [e.message for e in at.exception])
        assert filter_values(at) == defaults, query[:200]
        assert MARKER not in rendered_text(at), query[:200]
        ours = {name: value for name, value in at.query_params.items() if name not in STREAMLIT_OWNED}
        assert all(MARKER not in f"{name}={value}" for name, value in ours.items()), query[:200]
        assert set(ours) <= {"lang"}, "the URL is rewritten to its canonical form"


@pytest.mark.parametrize("page", PAGES, ids=[p.url_path for p in PAGES])
def test_a_sample_of_hostile_links_falls_back_to_the_defaults_and_echoes_nothing(built, page):
    check_hostile_links(page, sample(hostile_queries(page.url_path)))


@pytest.mark.full_fuzz
@pytest.mark.parametrize("page", PAGES, ids=[p.url_path for p in PAGES])
def test_hostile_links_fall_back_to_the_defaults_and_echo_nothing(built, page):
    check_hostile_links(page, hostile_queries(page.url_path))
