"""Draft reports from a Forum page, with the portal's data: what the admin page and
`drafts_from_text` share.

The parser (forum.parsing) knows nothing of the database; this module gives it the
offices, the themes and the municipalities directory, turns its proposals into
lines of the import format (with the local governments it found), and writes
accepted lines as drafts through the importer's one write path
(reports.importing.reports_write), so a draft from the Forum is stored exactly as
`import_reports` would store the same line.
"""

import datetime
import re
from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _

from municipalities.services import gazetteer, suggestions_for
from reports import roles
from reports.importing import format_context, reports_write
from reports.interchange import parse_report, report_matches
from reports.models import Report, Theme

from .local_governments import Finder, finder_from_suggest
from .parsing import parse_text
from .results import ParseResult, ProposedReport

# What stable_external_id makes: a line the page writes may only touch such a report.
EXTERNAL_ID = re.compile(r"forum-[0-9a-f]{24}(?:-[0-9]+)?")
CHANGE_REASON = "フォーラム原稿から下書き"


def municipalities_finder() -> Finder:
    """The municipalities directory as the parser's finder, its gazetteer built once
    (20-45 ms) for every article of the page."""
    names = gazetteer()
    return finder_from_suggest(lambda texts: suggestions_for(texts=texts, names=names))


def issue_month(year: int | None, month: int | None) -> datetime.date | None:
    """The issue's month for dates without a year. A year alone stands for its
    December: every month and day of the text then falls in that year."""
    if not year:
        return None
    return datetime.date(year, month or 12, 1)


def proposals_read(
    *, text: str, offices, source: str = "", issue: datetime.date | None = None
) -> ParseResult:
    """The reports a page proposes, read with the portal's themes and local governments.

    Raises forum.errors.ForumInputError (a message in Japanese) for unreadable text.
    """
    return parse_text(
        text,
        offices=offices,
        source=source,
        issue=issue,
        find_local_governments=municipalities_finder(),
        theme_slugs=list(Theme.objects.values_list("slug", flat=True)),
    )


def municipality_codes(report: ProposedReport) -> list[str]:
    """The local governments the article names unambiguously (ambiguous ones are staff's)."""
    codes = []
    for named in report.local_governments:
        place = named.place
        if place.kind == "local_government" and place.code and place.code not in codes:
            codes.append(place.code)
    return codes


def import_line(report: ProposedReport, *, source: str) -> dict:
    """The proposal as a line of `import_reports`: status draft, with its local governments."""
    return {**report.to_import_line(source=source), "municipalities": municipality_codes(report)}


class DraftsRejected(Exception):
    """Lines that cannot be written; `problems` maps a line's index to its messages."""

    def __init__(self, problems: dict[int, list[str]]):
        self.problems = problems
        super().__init__("; ".join(f"{i}: {' '.join(m)}" for i, m in problems.items()))


@dataclass
class DraftsWritten:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


def drafts_write(*, lines: list[dict], user) -> DraftsWritten:
    """Write accepted lines as drafts, all or none; raise DraftsRejected saying why.

    Whatever a line says, it is stored as a draft: publishing is a step of its own
    (reports.publishing). A line updates the report with its external ID only when
    that is a draft of the Forum the user may work on, so a second acceptance of a
    page updates its drafts, and a posted ID can neither reach another office's
    report nor unpublish one.
    """
    context = format_context(base_dir=None)
    allowed = set(roles.offices_of(user).values_list("code", flat=True))
    ids = [line.get("external_id") for line in lines]
    stored = {
        report.external_id: report
        for report in Report.objects.filter(external_id__in=[i for i in ids if i])
        .select_related("office")
        .prefetch_related(
            "themes", "local_governments", "partners", "events", "participants", "photos"
        )
    }
    problems: dict[int, list[str]] = {}
    items = []
    result = DraftsWritten()
    for index, line in enumerate(lines):
        line = {**line, "status": Report.Status.DRAFT, "published_at": None}
        data, errors = parse_report(line, context)
        if not EXTERNAL_ID.fullmatch(str(line.get("external_id", ""))):
            errors.append(
                _("この記事の識別子（外部 ID）が正しくありません。もう一度読み込んでください。")
            )
        if data is not None and data.office is not None and data.office.code not in allowed:
            errors.append(_("担当していない事務所の報告は作成できません。"))
        report = stored.get(line.get("external_id"))
        if report is not None and not (
            report.status == Report.Status.DRAFT and roles.may_work_on(user, report)
        ):
            errors.append(
                _(
                    "この記事から作った報告はすでに下書きではない（または担当外の）ため、"
                    "ここからは更新できません。報告の編集画面で変更してください。"
                )
            )
        if errors:
            problems[index] = errors
        elif report is not None and report_matches(report, data):
            result.unchanged += 1
        else:
            items.append((data, report))
    if problems:
        raise DraftsRejected(problems)
    with transaction.atomic():
        for _report, created in reports_write(items=items, user=user, change_reason=CHANGE_REASON):
            if created:
                result.created += 1
            else:
                result.updated += 1
    return result
