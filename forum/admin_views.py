"""The admin page 「フォーラム原稿から下書きを作成」, reached from the report list.

A mixin for ReportAdmin adds its URL (/admin/reports/report/forum-drafts/), so the
report admin grows by a line. One view, two steps in the same form: the page is
read and its proposals shown beside it; the proposals staff accept are written as
drafts (forum.drafting), then the report list opens on the drafts.

Office editors read the page with their own offices only and are offered the
articles of those offices; an office they do not hold is no choice of the form.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _

from reports import roles

from . import drafting
from .admin_forms import Proposal, SourceForm
from .errors import ForumInputError

TEMPLATE = "admin/reports/report/forum_drafts.html"


class ForumDraftsAdminMixin:
    def get_urls(self):
        own = [
            path(
                "forum-drafts/",
                self.admin_site.admin_view(self.forum_drafts_view),
                name="reports_report_forum_drafts",
            )
        ]
        return [*own, *super().get_urls()]

    def forum_drafts_view(self, request):
        offices = roles.offices_of(request.user)
        if not (self.has_add_permission(request) and offices.exists()):
            raise PermissionDenied
        posted = request.method == "POST"
        source_form = SourceForm(request.POST if posted else None, request.FILES or None)
        proposals, left_out, page_errors, text = [], 0, [], ""
        if posted and source_form.is_valid():
            data = source_form.cleaned_data
            text = data["page"]
            try:
                result = drafting.proposals_read(
                    text=text,
                    offices=list(offices),
                    source=data["source"],
                    issue=drafting.issue_month(data["year"], data["month"]),
                )
            except ForumInputError as exc:
                source_form.add_input_error(str(exc))
            else:
                codes = {office.code for office in offices}
                accepting = request.POST.get("step") == "accept"
                offered = [
                    report
                    for report in result.reports
                    if roles.sees_all_offices(request.user) or report.office.value in codes
                ]
                left_out = len(result.reports) - len(offered)
                proposals = [
                    Proposal(report, offices=offices, data=request.POST if accepting else None)
                    for report in offered
                ]
                if accepting:
                    done = self._forum_drafts_accept(request, proposals, data["source"])
                    if isinstance(done, HttpResponseRedirect):
                        return done
                    page_errors = done
        problems = [p for proposal in proposals for p in proposal.problems()]
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("フォーラム原稿から下書きを作成"),
            "source_form": source_form,
            "text": text,
            "proposals": proposals,
            "left_out": left_out,
            "page_errors": page_errors,
            "problems": problems,
            "has_view_permission": self.has_view_permission(request),
        }
        return TemplateResponse(request, TEMPLATE, context)

    def _forum_drafts_accept(self, request, proposals, source):
        """Write the accepted proposals; a redirect when done, else the page's errors."""
        # Every proposal checked, not only up to the first with an error: all are shown.
        valid = [proposal.is_valid() for proposal in proposals]
        if not all(valid):
            return []
        chosen = [proposal for proposal in proposals if proposal.included]
        if not chosen:
            return [_("下書きにする記事を一つ以上選んでください。")]
        try:
            written = drafting.drafts_write(
                lines=[proposal.import_line(source=source) for proposal in chosen],
                user=request.user,
            )
        except drafting.DraftsRejected as exc:
            for index, problems in exc.problems.items():
                for problem in problems:
                    chosen[index].form.add_error(None, problem)
            return []
        self.message_user(
            request,
            _(
                "フォーラム原稿から下書きを %(created)d 件作成し、%(updated)d 件更新しました"
                "（変更なし %(unchanged)d 件）。"
            )
            % {
                "created": written.created,
                "updated": written.updated,
                "unchanged": written.unchanged,
            },
            messages.SUCCESS,
        )
        changelist = reverse("admin:reports_report_changelist")
        return HttpResponseRedirect(f"{changelist}?status__exact=draft")
