"""After a change, count and render the pages people use before anyone asks for them.

Every change starts a new content revision (content_revision.py), and the first
visitor of each page after it pays for its counts and its render: at 100,000
reports a third of a second for the list, over a second for a common word.
warm() requests the pages most visitors land on (the list, each office, each
theme, each fiscal year with reports, the statistics, the home page, the English
list, and the searches most asked for over the last day) in this process,
through Django's test client, so that their counts and pages are in the cache
when visitors come. It helps other processes only through a shared cache
(REDIS_URL): the `warm_pages --watch` command runs it after every change.

Searches are counted as they are asked for (record_search, on the list's every
GET, page cache or not) in one cache entry per day: an estimate, since two
workers recording at once may lose one of the two, which is enough to rank them.
"""

import datetime
import time
from collections import Counter
from dataclasses import dataclass
from urllib.parse import urlencode, urlsplit

from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from . import facets, reference
from .selection import Selection
from .text import split_terms

KEPT_SEARCHES = 200  # distinct searches kept per day
SEARCH_KEY = "popular-searches:{day}"


def record_search(q: str) -> None:
    """Count one request for the search `q` (its normalised words) today."""
    terms = " ".join(split_terms(q or ""))
    if not terms or len(terms) > 100:
        return
    key = SEARCH_KEY.format(day=timezone.localdate().isoformat())
    counts = cache.get(key) or {}
    counts[terms] = counts.get(terms, 0) + 1
    if len(counts) > KEPT_SEARCHES:
        counts = dict(Counter(counts).most_common(KEPT_SEARCHES // 2))
    cache.set(key, counts, 2 * 24 * 3600)


def popular_searches(limit: int) -> list[str]:
    """The searches asked for most today and yesterday, most asked first."""
    today = timezone.localdate()
    total: Counter = Counter()
    for day in (today, today - datetime.timedelta(days=1)):
        total.update(cache.get(SEARCH_KEY.format(day=day.isoformat())) or {})
    return [terms for terms, _n in sorted(total.items(), key=lambda row: (-row[1], row[0]))][:limit]


def paths(searches: int = 10) -> list[str]:
    """What warm() requests, most visited first."""
    found = ["/reports/", "/"]
    found += [f"/reports/?{urlencode({'office': office.code})}" for office in reference.offices()]
    found += [f"/reports/?{urlencode({'theme': theme.slug})}" for theme in reference.themes()]
    years = facets.counts(Selection()).fy
    found += [f"/reports/?{urlencode({'fy': year})}" for year in sorted(years, reverse=True)]
    found += [f"/reports/?{urlencode({'q': terms})}" for terms in popular_searches(searches)]
    found += ["/reports/stats/", "/en/reports/"]
    return found


@dataclass
class Warmed:
    path: str
    status: int
    seconds: float


def warm(base_url: str, *, searches: int = 10) -> list[Warmed]:
    """Requests every page of paths() as a visitor of `base_url` would: pages are kept
    under their absolute URL, so the host and scheme must be the ones visitors use."""
    parts = urlsplit(base_url)
    client = Client(HTTP_HOST=parts.netloc, raise_request_exception=False)
    done = []
    for path in paths(searches):
        started = time.perf_counter()
        response = client.get(path, secure=parts.scheme == "https")
        done.append(Warmed(path, response.status_code, time.perf_counter() - started))
    return done
