"""Page shaping made once per release and language (app/memo.py)."""
from __future__ import annotations

from app import i18n, memo


def test_made_once_per_release_and_language_and_forgotten_on_clear(release):
    calls: list[str] = []

    def make() -> list[str]:
        calls.append(i18n.language())
        return [i18n.t("common.share")]

    memo.clear()
    first = memo.once(release, "test.share", make)
    assert memo.once(release, "test.share", make) is first and calls == ["en"]
    i18n.set_language("pl")
    polish = memo.once(release, "test.share", make)
    assert polish == [i18n.t("common.share", lang="pl")] and calls == ["en", "pl"]
    assert memo.once(release, ("test.share", 2024), make) is not polish  # another name, made anew
    memo.clear()
    assert memo.once(release, "test.share", make) is not polish
    assert calls == ["en", "pl", "pl", "pl"]
