from django import template

from reports.languages import url_in

register = template.Library()


@register.simple_tag(takes_context=True)
def url_in_language(context, language: str) -> str:
    """This page's URL (query string kept, so filters survive) in another language."""
    request = context.get("request")
    if request is None:  # the 500 page renders without a request
        return "/" if language == "ja" else f"/{language}/"
    return url_in(request.get_full_path(), language)
