"""Tags for the <head> of every page: canonical and hreflang links, sharing metadata."""

from urllib.parse import urlencode

from django import template
from django.conf import settings
from django.template.loader_tags import BLOCK_CONTEXT_KEY
from django.urls import Resolver404, resolve
from django.utils.safestring import mark_safe

from reports.languages import url_in

register = template.Library()


def canonical_query(context) -> str:
    """The part of the query string that makes this page's content what it is.

    A list page keeps its filters (each filtered list is a page of its own, which
    a shared or bookmarked link must reach) and its page number past the first;
    every other parameter (tracking tags, a page=1, an empty field of the filter
    form) is noise that would split one page into many URLs. Pages that are
    neither filtered nor paginated keep no query at all. Parameters come in the
    filter form's order, values sorted, so equal lists get equal URLs.
    """
    request = context["request"]
    pairs = []
    filterset = context.get("filter")
    if filterset is not None and hasattr(filterset, "form"):
        for name in filterset.form.fields:
            pairs += [(name, value) for value in sorted(request.GET.getlist(name)) if value]
    page_obj = context.get("page_obj")
    if page_obj is not None and page_obj.number > 1:
        pairs.append(("page", page_obj.number))
    return urlencode(pairs)


@register.simple_tag(takes_context=True)
def page_urls(context) -> dict | None:
    """This page's canonical URL and its hreflang alternates, all absolute.

    None when there is no request (the 500 page) or the path is no page of the
    portal (a 404 for an unknown address).
    """
    request = context.get("request")
    if request is None:
        return None
    if getattr(request, "resolver_match", None) is None:  # resolved already for a view
        try:
            resolve(request.path_info)
        except Resolver404:
            return None
    query = canonical_query(context)
    path = f"{request.path}?{query}" if query else request.path
    alternates = [
        {"hreflang": code, "url": request.build_absolute_uri(url_in(path, code))}
        for code, _name in settings.LANGUAGES
    ]
    # x-default: the Japanese page, which the bare URLs serve whatever the browser asks.
    default = next(a["url"] for a in alternates if a["hreflang"] == settings.LANGUAGE_CODE)
    alternates.append({"hreflang": "x-default", "url": default})
    return {"canonical": request.build_absolute_uri(path), "alternates": alternates}


@register.simple_tag(takes_context=True)
def absolute_uri(context, url: str) -> str:
    """`url` made absolute with this request's scheme and host (share tags need that)."""
    request = context.get("request")
    return request.build_absolute_uri(url) if request is not None else url


@register.simple_tag(takes_context=True)
def repeat_block(context, name: str) -> str:
    """The content of block `name` of this page once more, e.g. the title for og:title.

    Renders the block exactly as `{% block %}` does (the most derived version,
    with block.super), so a page sets its title and description once.
    """
    block_context = context.render_context.get(BLOCK_CONTEXT_KEY)
    blocks = block_context.blocks.get(name) if block_context is not None else None
    if not blocks:
        return ""
    # blocks[0] is the base template's node; rendering it renders the child's override.
    return mark_safe(blocks[0].render(context).strip())
