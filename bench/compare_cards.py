"""Everything drawn from every card, in every language, compared between two checkouts (a change
meant to be invisible: the same figures, captions, tables, CSV and embed heights).

    python bench/compare_cards.py dump OUT.pkl        (run from each checkout, same EXILE_DATA_DIR)
    python bench/compare_cards.py compare A.pkl B.pkl

Figures are compared as JSON values (key order aside); everything else as text."""
from __future__ import annotations

import json
import logging
import pickle
import sys
import warnings
from pathlib import Path

# Views besides the default ones: a changed year, measure, scale, toggle and event selection.
EXTRA: dict[str, list[dict]] = {
    "poland-applicants-map": [{"year": 2023}], "poland-applicants-by-voivode": [{"year": 2023}],
    "poland-residence-documents": [{"with_eurostat": False}], "overview-stocks": [{"compare": True}],
    "where-map": [{"measure_key": "permits", "scale": "per_1000", "arrows": True}],
    "lithuania-permit-holders": [{"event_groups": ()}],
}


def dump(out: Path) -> None:
    warnings.filterwarnings("ignore")
    logging.disable(logging.WARNING)
    sys.path.insert(0, str(Path.cwd()))
    import plotly.io as pio

    from app import cards, chart_card, data, i18n
    release = data.ensure_release(show_progress=False)
    drawn: dict[tuple, dict | None] = {}
    for lang in i18n.LANGUAGES:
        i18n.set_language(lang)
        for registered in cards._CARDS:
            for view in registered.default_views(release) + EXTRA.get(registered.name, []):
                card = cards.build(registered.name, release, **view)
                key = (lang, registered.name, json.dumps(view, sort_keys=True, default=str))
                if card is None:
                    drawn[key] = None
                    continue
                figure = card.build(card.data)
                caption = card.caption(release)
                table = chart_card.reader_table(card.data, release)
                drawn[key] = dict(
                    fig=pio.to_json(figure, validate=False),
                    sent=pio.to_json(chart_card.SentFigure(figure).to_dict(), validate=False),
                    title=card.title, subtitle=card.subtitle, alt=card.alt, note=card.note, hint=card.hint,
                    events=list(card.events), cites=list(card.cites), rows=card.data.to_json(default_handler=str),
                    caption=repr(caption), table=table.to_json(),
                    conflicts=chart_card.conflicts_for(card.data, release).to_json(),
                    accessible=chart_card.accessible_table(table, caption.title),
                    heights={width: chart_card.embed_height(caption, figure.layout.height or 420, width)
                             for width in chart_card.EMBED_WIDTHS},
                    csv=chart_card.export_table(card.data, release).to_csv(index=False))
    out.write_bytes(pickle.dumps(drawn))
    print(len(drawn), "cards dumped")


def compare(first: Path, second: Path) -> int:
    a, b = pickle.loads(first.read_bytes()), pickle.loads(second.read_bytes())  # noqa: S301 (our own dumps)
    if a.keys() != b.keys():
        print("different cards:", sorted(set(a) ^ set(b)))
        return 1

    def same(field: str, x, y) -> bool:
        return json.loads(x) == json.loads(y) if field in ("fig", "sent") else x == y
    different = [(key, field) for key in a for field in (a[key] or {}) if not same(field, a[key][field], b[key][field])]
    print(f"{len(a)} cards compared; {len(different)} differences")
    for key, field in different[:40]:
        print(" ", key, field)
    return 1 if different else 0


if __name__ == "__main__":
    if sys.argv[1:2] == ["dump"]:
        dump(Path(sys.argv[2]))
    else:
        sys.exit(compare(Path(sys.argv[2]), Path(sys.argv[3])))
