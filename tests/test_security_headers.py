"""Security headers on every kind of page, and no inline code the policy would have to allow.

Django's check --deploy does not look at the Content Security Policy, so these tests do.
"""

import re

import pytest

from tests.factories import make_report

pytestmark = pytest.mark.django_db


@pytest.fixture
def report():
    return make_report(title="見出しの報告", photos=1)


def page_urls(report):
    slug = report.slug
    return [
        "/",
        "/reports/",
        "/reports/?office=seoul&q=交流",
        f"/reports/{slug}/",
        f"/en/reports/{slug}/",
        "/offices/",
        "/offices/seoul/",
        "/themes/",
        "/themes/sister-cities/",
        "/accessibility/",
        "/reports/feed/",
        "/reports/calendar.ics",
        f"/reports/{slug}/calendar.ics",
        "/reports.json",
        "/reports.csv",
        "/sitemap.xml",
        "/robots.txt",
        "/no-such-page/",
        "/admin/login/",
    ]


def test_every_page_kind_sends_the_security_headers(client, report):
    missing = {}
    for url in page_urls(report):
        response = client.get(url)
        csp = response.headers.get("Content-Security-Policy", "")
        problems = [
            name
            for name, ok in {
                "default-src": "default-src 'self'" in csp,
                "frame-ancestors": "frame-ancestors 'none'" in csp,
                "nosniff": response.headers.get("X-Content-Type-Options") == "nosniff",
                "referrer": bool(response.headers.get("Referrer-Policy")),
                "coop": response.headers.get("Cross-Origin-Opener-Policy") == "same-origin",
                "frame-options": response.headers.get("X-Frame-Options") == "DENY",
            }.items()
            if not ok
        ]
        if problems:
            missing[url] = problems
    assert missing == {}


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
INLINE_STYLE = re.compile(r"<style[^>]*>|\sstyle=\"", re.IGNORECASE)


def test_public_pages_have_no_inline_script_or_style(client, report):
    found = {}
    for url in page_urls(report):
        if url.startswith("/admin/"):
            continue
        response = client.get(url)
        if not response["Content-Type"].startswith("text/html"):
            continue
        hits = INLINE_SCRIPT.findall(response.text) + INLINE_STYLE.findall(response.text)
        if hits:
            found[url] = hits
    assert found == {}


def test_admin_scripts_carry_the_nonce_of_the_policy(admin_client_logged_in, report):
    response = admin_client_logged_in.get(f"/admin/reports/report/{report.pk}/change/")
    nonce = re.search(r"'nonce-([^']+)'", response.headers["Content-Security-Policy"]).group(1)
    tags = re.findall(r"<(?:style|script)\b[^>]*>", response.text)
    assert tags and all(f'nonce="{nonce}"' in tag for tag in tags)
