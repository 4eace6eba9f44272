"""An indicator's title, description and note in the reader's language.

The English text is written once, in etl/metadata/indicators/<id>.yml, and travels with every
release in pub_metadata; app/i18n.py reads it as the English `indicators` catalogue (there is no
app/locales/en/indicators.yml). Translations live under '<id>.title', '<id>.description' and
'<id>.note' in app/locales/<pl|lt|be>/indicators.yml; the catalogue tests fail on a missing one.
"""
from __future__ import annotations

from app.i18n import t

FIELDS = ("title", "description", "note")


def indicator_text(indicator_id: str, field: str) -> str:
    """E.g. indicator_text("eurostat_valid_permits_stock", "note") -> the caveat, translated."""
    if field not in FIELDS:
        raise ValueError(f"an indicator's translated text is one of {FIELDS}, not {field!r}")
    return t(f"indicators.{indicator_id}.{field}")
