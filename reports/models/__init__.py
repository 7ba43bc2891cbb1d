"""The reports app's models: reports (report.py), their events and participants (activity.py), photos (photo.py),
themes (theme.py), the content revision public pages are cached under (revision.py) and the
public reports per key that the counts read (totals.py)."""

from .activity import Event, Participant, clean_country_code, fiscal_year_of
from .photo import Photo, photo_key, photo_upload_to
from .report import Report, ReportQuerySet, SlugRedirect
from .revision import ContentRevision
from .theme import Theme
from .totals import KeyTotal

__all__ = [
    "ContentRevision",
    "Event",
    "KeyTotal",
    "Participant",
    "Photo",
    "Report",
    "ReportQuerySet",
    "SlugRedirect",
    "Theme",
    "clean_country_code",
    "fiscal_year_of",
    "photo_key",
    "photo_upload_to",
]
