"""axe-core (from npm, pinned in package.json) run inside the page under test."""

import json
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"
# WCAG 2.0, 2.1 and 2.2, levels A and AA: the portal's target.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def pinned_version() -> str:
    """The axe-core version that package-lock.json installs."""
    lock = json.loads((ROOT / "package-lock.json").read_text(encoding="utf-8"))
    return lock["packages"]["node_modules/axe-core"]["version"]


def violations(page, source: str) -> list[dict]:
    """Inject axe-core into the page as it is now and return what it finds."""
    # Evaluated through the DevTools protocol, not as a <script> tag: the site's
    # Content Security Policy (rightly) refuses inline scripts, and stays on in these tests.
    page.evaluate(source)
    results = page.evaluate(
        """tags => axe.run(document, {
            runOnly: {type: "tag", values: tags},
            resultTypes: ["violations"],
        })""",
        AXE_TAGS,
    )
    return results["violations"]


def describe(found: list[dict]) -> str:
    """One line per rule (id, impact, help, link), then one per offending element."""
    lines = []
    for violation in found:
        lines.append(
            f"- {violation['id']} ({violation['impact']}): {violation['help']} "
            f"<{violation['helpUrl']}>"
        )
        for node in violation["nodes"]:
            lines.append(f"    at {' '.join(map(str, node['target']))}")
    return "\n".join(lines)
