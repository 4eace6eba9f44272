"""Streamlit markdown helpers shared by the chart card, headlines and page texts.

Kept apart from app/chart_card.py so that modules the card itself needs (estimates, headlines)
can escape text without importing the card (no import cycle)."""
from __future__ import annotations

import re

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$])")


def md(text: str) -> str:
    """Escape text for Streamlit markdown so titles with brackets or asterisks print as written."""
    return _MD_SPECIAL.sub(r"\\\1", str(text))
