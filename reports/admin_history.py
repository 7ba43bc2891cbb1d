"""A report's history page in the staff's words.

django-simple-history shows each change as its raw values: "draft → review",
"None → 2025", times in UTC. Here a status reads by its name (下書き → 確認待ち),
a time in the portal's time zone, and nothing as "—".
"""

import datetime

from django.utils import formats, timezone
from simple_history.template_utils import HistoricalRecordContextHelper

NOTHING = "—"


class ReportHistoryContext(HistoricalRecordContextHelper):
    def prepare_delta_change_value(self, change, value):
        field = self.model._meta.get_field(change.field)
        if value is None or value == "" or value == []:
            return NOTHING
        if field.choices:
            return dict(field.flatchoices).get(value, value)
        if isinstance(value, datetime.datetime):
            return formats.localize(timezone.localtime(value))
        if isinstance(value, datetime.date):
            return formats.localize(value)
        return super().prepare_delta_change_value(change, value)

    def stringify_delta_change_values(self, change, old, new):
        # A list of themes reads as Japanese does, 多文化共生、教育, not as Python's [...].
        old, new = ("、".join(map(str, v)) if isinstance(v, list) else v for v in (old, new))
        return super().stringify_delta_change_values(change, old, new)
