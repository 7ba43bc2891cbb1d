"""The report admin with the page 「フォーラム原稿から下書きを作成」 added.

The forum app builds on the reports app, not the other way round: it registers
the report admin again with its page (forum/admin_views.py), after the reports
app has registered it (INSTALLED_APPS lists reports before forum).
"""

from django.contrib import admin

from reports.admin import ReportAdmin
from reports.models import Report

from .admin_views import ForumDraftsAdminMixin

admin.site.unregister(Report)


@admin.register(Report)
class ReportWithForumDraftsAdmin(ForumDraftsAdminMixin, ReportAdmin):
    pass
