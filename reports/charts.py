"""Bar charts as SVG markup, rendered on the server: no JavaScript, no service elsewhere.

One horizontal bar per row, the label left of it and the figure after it, so
the chart reads without colour and prints as it shows. The <svg> is an image
(role="img") named by its <title>; its <desc> says that the same figures are in
the table beside it, which is what a screen reader should read. Presentation
attributes and classes only, not a <style> element, so the site's Content
Security Policy has nothing to refuse; portal.css gives the bars system colours
in forced-colours (high-contrast) mode.
"""

from html import escape

from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

BAR = "#0031d8"  # DADS blue-900: 8.6:1 on white
TEXT = "#1a1a1a"
WIDTH = 640
LABEL_WIDTH = 230
FIGURE_WIDTH = 120
ROW_HEIGHT = 28
BAR_HEIGHT = 18
MAX_LABEL = 17  # characters; longer labels are cut with an ellipsis (the table has them whole)


def _shorten(label: str) -> str:
    return label if len(label) <= MAX_LABEL else label[: MAX_LABEL - 1] + "…"


def bar_chart(rows, *, title: str, element_id: str, labels_lang: str = "") -> SafeString:
    """rows: (label, value, [text shown, ...]); the text defaults to the value."""
    lang = f' lang="{escape(labels_lang)}"' if labels_lang else ""
    rows = list(rows)
    if not rows:
        return mark_safe("")
    highest = max(row[1] for row in rows) or 1
    span = WIDTH - LABEL_WIDTH - FIGURE_WIDTH
    height = ROW_HEIGHT * len(rows) + 8
    title_id, desc_id = f"{element_id}-title", f"{element_id}-desc"
    # Outside the f-string: makemessages does not look inside one.
    same_figures = gettext("同じ数値を下の表に示しています。")
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}"'
        f' class="chart" id="{escape(element_id)}" role="img"'
        f' aria-labelledby="{title_id}" aria-describedby="{desc_id}">',
        f'<title id="{title_id}">{escape(title)}</title>',
        f'<desc id="{desc_id}">{escape(same_figures)}</desc>',
    ]
    for index, row in enumerate(rows):
        label, value = row[0], row[1]
        shown = row[2] if len(row) > 2 else f"{value:,}"
        y = 4 + index * ROW_HEIGHT
        middle = y + ROW_HEIGHT / 2
        length = round(span * value / highest, 1)
        parts.append(
            f'<text x="{LABEL_WIDTH - 8}" y="{middle}" text-anchor="end"'
            f' dominant-baseline="middle" font-size="14" fill="{TEXT}"{lang}>'
            f"{escape(_shorten(label))}</text>"
        )
        if length > 0:
            parts.append(
                f'<rect class="chart__bar" x="{LABEL_WIDTH}" y="{middle - BAR_HEIGHT / 2}"'
                f' width="{length}" height="{BAR_HEIGHT}" fill="{BAR}"/>'
            )
        parts.append(
            f'<text x="{LABEL_WIDTH + length + 6}" y="{middle}" dominant-baseline="middle"'
            f' font-size="14" fill="{TEXT}">{escape(str(shown))}</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 (every text above is escaped)
