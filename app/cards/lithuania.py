"""Lithuania cards: Belarusians judged a security threat, the decisions that followed, the running
totals since the questionnaire, and the permit holders. Shaping is app/views_lithuania.py."""
from __future__ import annotations

from app import data, events, figures
from app import views_country as country
from app import views_lithuania as lithuania
from app.card import ChartCard
from app.cards.overview import SINCE
from app.i18n import t

EVENT_GROUPS = ["restrictions", "security"]  # the events drawn on the holders chart by default


def threats(release: data.Release) -> ChartCard:
    flow = lithuania.threat_flow(data.series(release), data.facts(release))
    return ChartCard(
        key="lithuania-threats-per-year",
        title=t("lithuania.threats_title"),
        subtitle=t("lithuania.threats_subtitle"),
        data=flow,
        build=lambda frame: country.year_bars(frame, t("lithuania.threats_y")),
        alt=lithuania.threat_flow_alt(flow),
        note=country.join_notes(t("lithuania.threats_note"), country.disagreement_note(flow),
                                  t("lithuania.threats_note_first_year")),
    )


def outcomes(release: data.Release) -> ChartCard:
    decided = lithuania.screening_outcomes(data.series(release), data.facts(release))
    return ChartCard(
        key="lithuania-decisions-by-outcome",
        title=t("lithuania.outcomes_title"),
        subtitle=t("lithuania.outcomes_subtitle"),
        data=decided,
        build=lambda frame: country.year_bars(frame, t("lithuania.outcomes_y")),
        alt=lithuania.outcomes_alt(decided),
        note=lithuania.outcomes_note(decided),
    )


def _questionnaire_since(release: data.Release) -> str:
    """When the security questionnaire began, as the running totals' titles say it."""
    total = lithuania.threats_since_questionnaire(data.series(release), data.facts(release))
    return country.month_year(total["period_start"].min(), governed=True)


def threats_since_questionnaire(release: data.Release) -> ChartCard:
    total = lithuania.threats_since_questionnaire(data.series(release), data.facts(release))
    since = _questionnaire_since(release)
    return ChartCard(
        key="lithuania-threats-since-questionnaire",
        title=t("lithuania.since_threats_title"),
        subtitle=t("lithuania.since_threats_subtitle", since=since),
        data=total,
        build=lambda frame: country.colour_by_series(
            figures.lines(frame, t("lithuania.since_threats_y", since=since), height=380), frame),
        alt=lithuania.running_total_alt(total, "since_threats"),
        note=t("lithuania.since_threats_note", since=since),
    )


def decisions_since_questionnaire(release: data.Release) -> ChartCard:
    total = lithuania.decisions_since_questionnaire(data.series(release), data.facts(release))
    since = _questionnaire_since(release)
    return ChartCard(
        key="lithuania-decisions-since-questionnaire",
        title=t("lithuania.since_decisions_title"),
        subtitle=t("lithuania.since_decisions_subtitle", since=since),
        data=total,
        build=lambda frame: country.colour_by_series(
            figures.lines(frame, t("lithuania.since_decisions_y", since=since), height=380), frame),
        alt=lithuania.running_total_alt(total, "since_decisions"),
        note=t("lithuania.since_decisions_note"),
    )


def holders(release: data.Release, event_groups: tuple[str, ...] | list[str] = tuple(EVENT_GROUPS)) -> ChartCard:
    """Belarusians holding a Lithuanian residence permit, with the chosen groups of events."""
    held = lithuania.permit_holders(data.series(release), data.facts(release))
    shown = events.country_events(release, ["LTU"], since=SINCE)
    shown = shown[shown["event_category"].isin(lithuania.event_categories(list(event_groups)))]
    return ChartCard(
        key="lithuania-permit-holders",
        title=t("lithuania.holders_title"),
        subtitle=t("lithuania.holders_subtitle"),
        hint=t("common.events_hint"),
        events=events.listed(shown),
        data=held,
        build=lambda frame: figures.add_events(
            country.colour_by_series(figures.lines(frame, t("lithuania.holders_y"), height=460), frame), shown),
        alt=lithuania.holders_alt(held),
        note=country.join_notes(t("lithuania.holders_note"), country.gap_note(held)),
    )
