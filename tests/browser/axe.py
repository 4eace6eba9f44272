"""axe-core (npm, pinned in tests/browser/package.json; .ci/run runs `npm ci --prefix tests/browser`)
injected into a Playwright page: what the accessibility tests and their measurement share."""
from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

AXE_JS = Path(__file__).parent / "node_modules" / "axe-core" / "axe.min.js"
BLOCKING = ("critical", "serious")
# Drawn charts: every Plotly chart of the page has its SVG, and Streamlit's script has finished.
CHARTS_DRAWN = """() => {
  const charts = document.querySelectorAll('[data-testid="stPlotlyChart"]');
  return [...charts].every(c => c.querySelector('svg.main-svg'));
}"""


def axe_version() -> str:
    return json.loads((AXE_JS.parent / "package.json").read_text())["version"]


@dataclass(frozen=True)
class Violation:
    rule: str
    impact: str
    targets: tuple[str, ...]
    where: str  # page and language

    def __str__(self) -> str:
        shown = ", ".join(self.targets[:5]) + (f" (+{len(self.targets) - 5} more)" if len(self.targets) > 5 else "")
        return f"{self.where}: {self.rule} [{self.impact}] at {shown}"


def run_axe(page, where: str) -> list[Violation]:
    """Every violation axe reports on the page as it is now (WCAG 2.x A/AA and best practice)."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(content=AXE_JS.read_text(encoding="utf-8"))
    result = page.evaluate("""async () => {
      const r = await axe.run(document, {resultTypes: ['violations']});
      return r.violations.map(v => ({id: v.id, impact: v.impact,
                                     targets: v.nodes.map(n => n.target.join(' '))}));
    }""")
    return [Violation(v["id"], v["impact"] or "", tuple(v["targets"]), where) for v in result]


def blocking(violations: list[Violation]) -> list[Violation]:
    return [v for v in violations if v.impact in BLOCKING]


def count_by_rule(violations: list[Violation]) -> Counter:
    """Nodes per 'rule (impact)'."""
    return Counter({f"{v.rule} ({v.impact})": len(v.targets) for v in violations})
