"""Local governments in the page's language, and the map of a filtered list.

Names of Japan's local governments exist in Japanese only: English pages mark
them lang="ja" and name the prefectures in English. Used by the pages of
municipalities/views.py and by the statistics page (reports/views.py).
"""

import json

from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from reports import content_revision
from reports.languages import japanese

from . import activity
from .codes import PREFECTURE_NAMES, PREFECTURE_NAMES_EN, prefecture_name, prefecture_name_en
from .maps import render_japan_map
from .models import LocalGovernment

ENGLISH_PREFECTURES = dict(zip(PREFECTURE_NAMES, PREFECTURE_NAMES_EN, strict=True))


def names_lang() -> str:
    """The attribute for names of Japan's local governments: they have Japanese names
    only, so an English page marks them lang="ja" (empty on Japanese pages)."""
    return "" if japanese() else mark_safe(' lang="ja"')


def localised_prefecture(code: str) -> str:
    """The prefecture of a code, named in the page's language."""
    return prefecture_name(code) if japanese() else prefecture_name_en(code)


def plain_label(place: LocalGovernment) -> str:
    """A name for the page's <title> and feed links, where no part can be marked lang="ja":
    美郷町（島根県） in Japanese; in English, Shimane or "Town in Shimane (324485)"."""
    if japanese():
        return str(place)
    if place.is_prefecture:
        return prefecture_name_en(place.code)
    return _("%(prefecture)sの%(kind)s（%(code)s）") % {
        "prefecture": prefecture_name_en(place.code),
        "kind": place.get_kind_display(),
        "code": place.code,
    }


def detail_url_for():
    """code -> the local government's page, from one reverse(): a map links up to 1,800
    municipalities, and a reverse() each was a fifth of the statistics page's CPU."""
    head, tail = reverse("municipalities:detail", kwargs={"code": "000000"}).rsplit("000000", 1)
    return lambda code: f"{head}{code}{tail}"


def japan_map(*, prefecture_counts, dots, url_for, title, description):
    """render_japan_map in the page's language: on English pages the prefectures are
    named in English, and the municipalities (Japanese names only) are marked lang="ja"."""
    if japanese():
        return render_japan_map(
            prefecture_counts=prefecture_counts,
            dots=dots,
            url_for=url_for,
            title=title,
            description=description,
        )
    return render_japan_map(
        prefecture_counts=prefecture_counts,
        dots=dots,
        url_for=url_for,
        title=title,
        description=description,
        prefecture_name=lambda name: ENGLISH_PREFECTURES.get(name, name),
        dot_lang="ja",
    )


def table_rows(rendered) -> list[dict]:
    """The map's rows for the table beside it, each prefecture named in the page's language."""
    return [{"row": row, "name": localised_prefecture(row.code)} for row in rendered.rows]


def json_ld(data: dict) -> str:
    """Structured data for a <script type="application/ld+json">: escaped like json_script,
    so no value can close the element."""
    text = json.dumps(data, ensure_ascii=False)
    return text.replace("<", "\\u003C").replace(">", "\\u003E").replace("&", "\\u0026")


def filtered_map(params, reports, *, scope: str, selection, request):
    """The map of `reports`, the public reports `params` (a /reports/ query) select:
    a prefecture links to the list narrowed to it, a dot to the municipality's page.
    Its counts are cached per content revision under the Selection, as the list's are."""

    detail_url = detail_url_for()

    def url_for(code: str) -> str:
        if code[2:5] == "000":  # NN000 + check digit: a prefecture
            # The list with the same filters, narrowed to the prefecture (not OR-ed
            # with a prefecture already chosen).
            query = params.copy()
            query.pop("page", None)
            query.setlist("prefecture", [code[:2]])
            return f"{reverse('reports:list')}?{query.urlencode()}"
        return detail_url(code)

    prefecture_counts, dots = content_revision.cached(
        request,
        "map-counts",
        selection,
        lambda: (
            activity.counted_prefectures(selection, request=request),
            activity.municipality_dots(
                activity.counted_local_governments(selection, request=request)
            ),
        ),
        revision=selection.revision,
    )
    return japan_map(
        prefecture_counts=prefecture_counts,
        dots=dots,
        url_for=url_for,
        title=_("%(scope)sの地図") % {"scope": scope},
        description=_(
            "都道府県の色は、その都道府県とその市区町村が参加した活動報告の件数を表します。"
            "円は参加した市区町村です。同じ数字を地図の横の表にも示しています。"
        ),
    )
