"""The language of the page being rendered, for data that exists in two languages."""

from django.utils.translation import get_language


def japanese() -> bool:
    """True on Japanese pages (and outside a request, Japanese being the default)."""
    return (get_language() or "ja").startswith("ja")
