from django import template

from reports.text import highlight

register = template.Library()


@register.simple_tag
def search_snippet(report, terms):
    """The summary or body excerpt where the search terms occur, highlighted.

    Falls back to the plain summary when the match was elsewhere (venue, participants).
    """
    if terms:
        for text in (report.display_summary, report.body):
            snippet = highlight(text, terms)
            if snippet:
                return snippet
    return report.display_summary
