"""Colours the accessibility check depends on (app/chrome.py, the theme in both configs): text
at least 4.5:1 against what it is drawn on (WCAG 2.1 AA)."""
from __future__ import annotations

import tomllib

from app import chrome
from etl.paths import REPO_ROOT

CONFIGS = [REPO_ROOT / ".streamlit" / "config.toml", REPO_ROOT / "deploy" / "streamlit" / "config.toml"]


def rgb(hex_colour: str) -> tuple[float, ...]:
    text = hex_colour.lstrip("#")
    return tuple(int(text[i:i + 2], 16) for i in (0, 2, 4))


def luminance(colour: tuple[float, ...]) -> float:
    def channel(c: float) -> float:
        c /= 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
    r, g, b = map(channel, colour)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: tuple[float, ...], b: tuple[float, ...]) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def blend(colour: tuple[float, ...], under: tuple[float, ...], alpha: float) -> tuple[float, ...]:
    return tuple(alpha * c + (1 - alpha) * u for c, u in zip(colour, under))


def theme(path) -> dict:
    return tomllib.loads(path.read_text())["theme"]


def test_both_configs_share_one_theme():
    assert theme(CONFIGS[0]) == theme(CONFIGS[1])


def test_captions_and_the_selected_button_reach_4_5_to_1_on_the_page_and_the_sidebar():
    colours = theme(CONFIGS[0])
    backgrounds = [rgb(colours["backgroundColor"]), rgb(colours["secondaryBackgroundColor"])]
    caption = rgb(chrome.CAPTION_GREY)
    primary = rgb(colours["primaryColor"])
    for background in backgrounds:
        assert contrast(caption, background) >= 4.5
        # a selected segmented-control button: the primary colour on a 10 % tint of itself
        assert contrast(primary, blend(primary, background, 0.1)) >= 4.5
    assert chrome.CAPTION_GREY in chrome.ACCESSIBILITY_CSS and "opacity: 1" in chrome.ACCESSIBILITY_CSS
