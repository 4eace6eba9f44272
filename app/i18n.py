"""The translation layer: every string a reader sees goes through `t()`.

Message catalogues are YAML files, one per part of the app and language
(app/locales/<lang>/<namespace>.yml: key -> text with {named} placeholders); a key is
'<namespace>.<key>', e.g. 'overview.title'. A message that puts a count next to a noun is a
mapping of CLDR plural categories instead of one text ({one: "{count} row", other: "{count} rows"};
Polish, Lithuanian and Belarusian also need few and many), called with `count=<number>`: the
language's own CLDR rule picks the form ("1 wiersz", "44 wiersze", "45 wierszy"). Numbers, dates
and country names come from CLDR through babel, so they follow
each language's own conventions (decimal comma, month names, 'Białoruś', 'Baltarusija').
The language lives in the URL (?lang=pl); without it the browser's language decides.
"""
from __future__ import annotations

import logging
import string
import threading
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path

import pycountry
from babel import Locale
from babel.numbers import format_decimal

from etl.yaml_io import read_yaml

LOCALES_DIR = Path(__file__).resolve().parent / "locales"
# The English title, description and note of an indicator are written once, in the ETL's
# metadata file (which every release also carries in pub_metadata): the English `indicators`
# namespace is read from there, and only pl/lt/be have an indicators.yml of their own.
INDICATOR_METADATA_DIR = Path(__file__).resolve().parents[1] / "etl" / "metadata" / "indicators"
INDICATOR_FIELDS = ("title", "description", "note")
LANGUAGES = {"en": "English", "pl": "Polski", "lt": "Lietuvių", "be": "Беларуская"}
BABEL_LOCALE = {"en": "en_GB", "pl": "pl_PL", "lt": "lt_LT", "be": "be_BY"}
DEFAULT = "en"
SESSION_KEY = "_lang"
# Outside a Streamlit session (tests, scripts, PDF rendering) the language is process-wide;
# inside one it is the session's own, so two readers in different languages never mix.
_process = {"lang": DEFAULT}


Message = str | dict[str, str]  # a text, or its CLDR plural forms


class MissingMessage(KeyError):
    """No language has the message: a wrong key (or a probe for an optional message)."""


class MissingTranslation(UserWarning):
    """English has the message but the reader's language does not: the page shows the English
    text (a reader sees words, not a traceback) and the warning makes the gap visible in tests
    and logs; tests/app/test_i18n_catalogues.py fails on it before a release."""


_log = logging.getLogger(__name__)

@cache
def catalogue(lang: str) -> dict[str, Message]:
    messages: dict[str, Message] = {}
    for path in sorted((LOCALES_DIR / lang).glob("*.yml")):
        for key, text in (read_yaml(path) or {}).items():
            messages[f"{path.stem}.{key}"] = ({str(k): str(v) for k, v in text.items()} if isinstance(text, dict)
                                              else str(text))
    if lang == DEFAULT:
        messages |= english_indicator_texts()
    return messages


def english_indicator_texts() -> dict[str, str]:
    """'indicators.<id>.<field>' -> the English text of etl/metadata/indicators/<id>.yml, in
    file order (translators keep that order in their indicators.yml)."""
    texts: dict[str, str] = {}
    for path in sorted(INDICATOR_METADATA_DIR.glob("*.yml")):
        meta = read_yaml(path) or {}
        texts |= {f"indicators.{path.stem}.{field}": str(meta[field]) for field in INDICATOR_FIELDS if field in meta}
    return texts


def placeholders(message: Message) -> set[str]:
    texts = message.values() if isinstance(message, dict) else [message]
    return {name for text in texts for _, name, _, _ in string.Formatter().parse(text) if name}


def plural_categories(lang: str) -> set[str]:
    """The CLDR plural categories a plural message needs in `lang` ('other' always)."""
    return set(Locale.parse(BABEL_LOCALE[lang]).plural_form.tags) | {"other"}


def plural_category(count: float, lang: str | None = None) -> str:
    return Locale.parse(BABEL_LOCALE[lang or language()]).plural_form(count)


def _session_state():
    from streamlit.runtime.scriptrunner import get_script_run_ctx
    ctx = get_script_run_ctx(suppress_warning=True)
    return ctx.session_state if ctx is not None else None


def set_language(lang: str) -> str:
    lang = lang if lang in LANGUAGES else DEFAULT
    state = _session_state()
    if state is None:
        _process["lang"] = lang
    else:
        state[SESSION_KEY] = lang
    return lang


_speaking = threading.local()


@contextmanager
def speaking(lang: str) -> Iterator[None]:
    """Every t() on this thread in `lang` for the block: for work a session hands to another thread
    (a download drawn when its button is clicked runs outside the page's run)."""
    before = getattr(_speaking, "lang", None)
    _speaking.lang = lang
    try:
        yield
    finally:
        _speaking.lang = before


def language() -> str:
    override = getattr(_speaking, "lang", None)
    if override is not None:
        return override
    state = _session_state()
    if state is None:
        return _process["lang"]
    # One look-up, not `in` then `[]`: each takes the session state's lock and lets the script
    # runner check for a newer rerun, and t() asks for the language dozens of times a run.
    try:
        return state[SESSION_KEY]
    except KeyError:
        return DEFAULT


def babel_locale(lang: str | None = None) -> str:
    return BABEL_LOCALE[lang or language()]


def format_count(count: float, lang: str) -> str:
    """A count as the language writes it: '1,234' in English, '1 234' in Polish."""
    decimals = "" if float(count).is_integer() else ".0"
    return format_decimal(count, format="#,##0" + decimals, locale=BABEL_LOCALE[lang])


def t(key: str, lang: str | None = None, **params) -> str:
    """The message `key` in the current language, with {placeholders} filled in.

    `count`, when given, is a number: it picks the plural form of a plural message and is
    written with the language's digit grouping ("1 234" in Polish)."""
    lang = lang or language()
    message = catalogue(lang).get(key)
    if message is None:
        message = catalogue(DEFAULT).get(key)
        if message is None:
            raise MissingMessage(f"no message {key!r} in app/locales/{lang}/")
        _warn_untranslated(key, lang)
        lang = DEFAULT  # the English text, with English plural forms and digit grouping
    if "count" in params and not isinstance(params["count"], str):
        count = params["count"]
        if isinstance(message, dict):
            form = plural_category(count, lang)
            message = message.get(form, message["other"])
        params["count"] = format_count(count, lang)
    elif isinstance(message, dict):
        if "count" not in params:
            raise TypeError(f"{key!r} has plural forms: call t() with count=<number>")
        message = message["other"]  # a count already written out (e.g. "–" for no data)
    return message.format(**params) if params else message


@cache
def _warn_untranslated(key: str, lang: str) -> None:
    """Once per key and language: a page rerun must not fill the log with the same gap."""
    _log.warning("no %r in app/locales/%s/: showing the English text", key, lang)
    warnings.warn(MissingTranslation(f"no {key!r} in app/locales/{lang}/: showing the English text"), stacklevel=3)


def pick_language(url_value: str | None, browser_locale: str | None) -> str:
    """URL first (only known codes), then the browser's language, then English."""
    if url_value in LANGUAGES:
        return url_value
    if browser_locale:
        primary = browser_locale.replace("_", "-").split("-")[0].lower()
        if primary in LANGUAGES:
            return primary
    return DEFAULT


@cache
def _territories(lang: str) -> dict[str, str]:
    return dict(Locale.parse(BABEL_LOCALE[lang]).territories)


def country(iso3: str, lang: str | None = None) -> str:
    """A country's name in the reader's language, from CLDR; aggregates come from the catalogue."""
    lang = lang or language()
    if iso3 == "XKX":
        return _territories(lang).get("XK", iso3)
    record = pycountry.countries.get(alpha_3=iso3)
    if record is None:
        return t(f"place.{iso3}", lang)
    return _territories(lang).get(record.alpha_2, record.name)
