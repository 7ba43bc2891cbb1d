"""A map of Japan as SVG markup, rendered on the server: no JavaScript, no tiles from elsewhere.

`render_japan_map` shades each prefecture by a count (reports, for the page's
filters), puts a dot on each municipality with a count, and makes every shape
and dot a link with an accessible name. It returns the markup, the legend and
the same figures as rows for an HTML table beside the map, for screen readers
and for anyone who would rather read numbers.

The outlines are data/japan-prefectures.json (scripts/derive_japan_map.py);
points are placed with the same projection (geometry.py).

The <svg> is a group (role="group", named by its <title> and <desc>), not an
image: role="img" makes its children presentational, which would hide the
links from assistive technology (axe-core's nested-interactive rule).
Presentation attributes, not a <style> element, so the site's Content
Security Policy has nothing to refuse; focus styles belong in the site's CSS
(`.japan-map a:focus-visible > *`).
"""

import functools
import json
import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from html import escape
from pathlib import Path

from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext, ngettext

from . import geometry

DATA_FILE = Path(__file__).resolve().parent / "data" / "japan-prefectures.json"

# ColorBrewer's "Blues", light to dark; no count is white. Outlines in a grey with
# 7:1 contrast on white; dots orange with a white ring, apart from every blue.
NO_COUNT = "#ffffff"
SHADES = ("#deebf7", "#9ecae1", "#4292c6", "#2171b5", "#08306b")
OUTLINE = "#595959"
DOT, DOT_RING = "#d94801", "#ffffff"


@dataclass(frozen=True)
class Dot:
    """A municipality on the map: its code, its label (美郷町（島根県）), its point and count."""

    code: str
    label: str
    latitude: float
    longitude: float
    count: int


def count_phrase(count: int) -> str:
    # Here, not a {% blocktranslate count %} per dot: a map of 1,800 dots spent
    # more on those than on the rest of its table.
    return ngettext("%(counter)s件", "%(counter)s件", count) % {"counter": count}


@dataclass(frozen=True)
class Step:
    """One class of the colour scale: counts from `low` to `high` are drawn in `colour`."""

    low: int
    high: int
    colour: str
    label: str


@dataclass(frozen=True)
class Row:
    """A line of the table beside the map: a prefecture and its municipalities with counts."""

    code: str
    name: str
    count: int
    url: str
    colour: str
    municipalities: tuple[tuple[Dot, str], ...]  # each dot with its URL
    municipalities_html: SafeString  # the same as <li> items, for the table


@dataclass(frozen=True)
class JapanMap:
    svg: SafeString
    legend: tuple[Step, ...]
    rows: tuple[Row, ...]


@functools.cache
def outlines() -> dict:
    """The derived outline file, read once per process."""
    with DATA_FILE.open(encoding="utf-8") as source:
        return json.load(source)


def scale(highest: int) -> tuple[Step, ...]:
    """Up to five classes from 1 to `highest`: one per count when there are five or
    fewer, otherwise growing geometrically (1–3, 4–7, 8–16, 17–40, 41–100), since
    a few prefectures (Tokyo) have many more reports than the rest."""
    if highest <= 0:
        return ()
    if highest <= len(SHADES):
        bounds = list(range(1, highest + 1))
    else:
        bounds = sorted(
            {math.ceil(highest ** (i / len(SHADES))) for i in range(1, len(SHADES) + 1)}
        )
    steps = []
    low = 1
    for index, high in enumerate(bounds):
        # Spread the colours over the whole range, whatever the number of classes.
        shade = SHADES[round(index * (len(SHADES) - 1) / max(len(bounds) - 1, 1))]
        label = f"{low:,}" if low == high else f"{low:,}–{high:,}"
        steps.append(Step(low, high, shade, label))
        low = high + 1
    return tuple(steps)


def colour_of(count: int, steps: tuple[Step, ...]) -> str:
    if count <= 0:
        return NO_COUNT
    for step in steps:
        if count <= step.high:
            return step.colour
    return NO_COUNT


def _described(count: int) -> str:
    return ngettext("%(name)s：%(count)s件", "%(name)s：%(count)s件", count)


def _link(url: str, name: str, shape: str, lang_attribute: str = "") -> str:
    """A shape as a link; `url` and `name` already escaped."""
    return f'<a href="{url}" aria-label="{name}"{lang_attribute}><title>{name}</title>{shape}</a>'


def render_japan_map(
    *,
    prefecture_counts: Mapping[str, int],
    dots: Iterable[Dot] = (),
    url_for: Callable[[str], str],
    title: str,
    description: str = "",
    element_id: str = "japan-map",
    prefecture_name: Callable[[str], str] = str,
    dot_lang: str = "",
) -> JapanMap:
    """The map, its legend and its table rows.

    `prefecture_counts` maps 6-digit prefecture codes to counts (missing: 0);
    `dots` are the municipalities to mark (those without a count are left off);
    `url_for(code)` gives the link of a prefecture or municipality;
    `prefecture_name(name)` a prefecture's name in the page's language;
    `dot_lang` the language of the dots' names where it is not the page's: municipalities
    have Japanese names only, so an English page marks their links lang="ja".
    """
    data = outlines()
    dots = sorted((dot for dot in dots if dot.count > 0), key=lambda dot: (-dot.count, dot.code))
    # Each link once: the map and its table both link every prefecture and municipality.
    url_for = functools.cache(url_for)
    # A map of 1,800 dots translated and escaped each one's phrase, name and link two or
    # three times: 35 ms of a statistics page's CPU. Once per count and per dot instead.
    # A call renders in one language.
    phrase, items_phrase = functools.cache(_described), functools.cache(count_phrase)
    lang_attribute = f' lang="{escape(dot_lang)}"' if dot_lang else ""

    @functools.cache
    def escaped_url(code: str) -> str:
        return escape(url_for(code))

    def described(name: str, count: int) -> str:
        return escape(phrase(count) % {"name": name, "count": f"{count:,}"})

    counts = {code: prefecture_counts.get(code, 0) for code in data["prefectures"]}
    steps = scale(max(counts.values(), default=0))
    title_id, description_id = f"{element_id}-title", f"{element_id}-desc"
    legend_text = (gettext("凡例（件数）"), gettext("自治体（円の大きさは件数）"))

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="{" ".join(map(str, data["view_box"]))}"'
        f' id="{escape(element_id)}" class="japan-map" role="group"'
        f' aria-labelledby="{title_id}" aria-describedby="{description_id}">',
        f'<title id="{title_id}">{escape(title)}</title>',
        f'<desc id="{description_id}">{escape(description)}</desc>',
    ]
    for inset in data["projection"]["insets"]:
        x, y, width, height = inset["frame"]
        parts.append(
            f'<rect x="{x}" y="{y}" width="{width}" height="{height}" fill="none"'
            f' stroke="{OUTLINE}" stroke-width="1" aria-hidden="true"/>'
        )
    parts.append('<g class="prefectures">')
    for code, outline in data["prefectures"].items():
        shape = (
            f'<path d="{outline["d"]}" fill="{colour_of(counts[code], steps)}"'
            f' stroke="{OUTLINE}" stroke-width="0.8" stroke-linejoin="round"/>'
        )
        name = described(prefecture_name(outline["name"]), counts[code])
        parts.append(_link(escaped_url(code), name, shape))
    parts.append('</g><g class="municipalities">')
    for dot in dots:
        cx, cy = geometry.project(dot.longitude, dot.latitude)
        radius = round(min(3 + 1.5 * math.sqrt(dot.count - 1), 10), 1)
        shape = (
            f'<circle cx="{cx}" cy="{cy}" r="{radius}" fill="{DOT}"'
            f' stroke="{DOT_RING}" stroke-width="1.2"/>'
        )
        name = described(dot.label, dot.count)
        parts.append(_link(escaped_url(dot.code), name, shape, lang_attribute))
    parts.append("</g>")
    parts.append(_legend(steps, legend_text, data["view_box"]))
    parts.append("</svg>")

    by_prefecture: dict[str, list] = {}
    for dot in dots:
        by_prefecture.setdefault(dot.code[:2], []).append((dot, url_for(dot.code)))
    rows = []
    for code, outline in data["prefectures"].items():
        municipalities = tuple(sorted(by_prefecture.get(code[:2], []), key=lambda d: d[0].code))
        rows.append(
            Row(
                code=code,
                name=outline["name"],
                count=counts[code],
                url=url_for(code),
                colour=colour_of(counts[code], steps),
                municipalities=municipalities,
                municipalities_html=_items(
                    municipalities, lang_attribute, escaped_url, items_phrase
                ),
            )
        )
    # Every piece of text above went through escape(); the numbers are ours.
    return JapanMap(svg=mark_safe("".join(parts)), legend=steps, rows=tuple(rows))


def _items(municipalities, lang_attribute: str, escaped_url, phrase) -> SafeString:
    """The table's municipalities as <li> items. Made here, not by a template loop: for
    1,800 municipalities the loop was 40 ms of a statistics page's CPU, this is 3 ms."""
    return mark_safe(
        "".join(
            f'<li><a href="{escaped_url(dot.code)}"{lang_attribute}>{escape(dot.label)}</a>'
            f" {escape(phrase(dot.count))}</li>"
            for dot, _url in municipalities
        )
    )


def _legend(steps: tuple[Step, ...], text: tuple[str, str], view_box: list) -> str:
    """Swatches in the Pacific east of Honshu; the table repeats them for screen readers."""
    heading, dots = text
    x, y = view_box[2] - 150, 440
    lines = [
        '<g class="legend" aria-hidden="true" font-size="14" fill="#1a1a1a">',
        f'<circle cx="{x + 10}" cy="{y - 5}" r="6" fill="{DOT}" stroke="{DOT_RING}"/>'
        f'<text x="{x + 28}" y="{y}" font-size="12">{escape(dots)}</text>',
        f'<text x="{x}" y="{y + 30}">{escape(heading)}</text>',
    ]
    y += 30
    for index, step in enumerate((Step(0, 0, NO_COUNT, "0"), *steps)):
        top = y + 12 + index * 24
        lines.append(
            f'<rect x="{x}" y="{top}" width="20" height="16" fill="{step.colour}"'
            f' stroke="{OUTLINE}"/><text x="{x + 28}" y="{top + 13}">{escape(step.label)}</text>'
        )
    lines.append("</g>")
    return "".join(lines)
