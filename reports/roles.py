"""Who may do what with reports.

Two roles, created as groups by migration 0006:
- 事務所編集者 (office editors) write the reports of the offices they belong to
  (Office.editors) and submit them for review;
- 本部編集者 (HQ editors) edit every report, publish and withdraw, and import.
Superusers may do everything. The permission codenames are the gate for each
kind of action; office membership narrows which reports an office editor reaches.
"""

from django.db.models import QuerySet

from offices.models import Office

from .models import Report

OFFICE_EDITORS = "事務所編集者"
HQ_EDITORS = "本部編集者"


def sees_all_offices(user) -> bool:
    """Superusers and HQ editors work on every office's reports."""
    if not (user.is_active and user.is_staff):
        return False
    if user.is_superuser:
        return True
    cached = getattr(user, "_clair_sees_all", None)
    if cached is None:
        cached = user.groups.filter(name=HQ_EDITORS).exists()
        user._clair_sees_all = cached  # once per request: the user object lives that long
    return cached


def offices_of(user) -> QuerySet[Office]:
    """The offices whose reports `user` may work on."""
    if sees_all_offices(user):
        return Office.objects.all()
    return Office.objects.filter(editors=user)


def office_ids_of(user) -> set[int]:
    cached = getattr(user, "_clair_office_ids", None)
    if cached is None:
        cached = set(offices_of(user).values_list("pk", flat=True))
        user._clair_office_ids = cached
    return cached


def reports_for(user, queryset: QuerySet[Report] | None = None) -> QuerySet[Report]:
    """`queryset` narrowed to the reports `user` may see in the admin."""
    queryset = Report.objects.all() if queryset is None else queryset
    if sees_all_offices(user):
        return queryset
    return queryset.filter(office_id__in=office_ids_of(user))


def may_work_on(user, report: Report) -> bool:
    return sees_all_offices(user) or report.office_id in office_ids_of(user)


def may_publish(user) -> bool:
    return user.is_active and user.has_perm("reports.publish_report")


def may_import(user) -> bool:
    return user.is_active and user.has_perm("reports.import_reports")


def may_delete(user, report: Report) -> bool:
    """Office editors may delete their own unpublished work (editions included); a
    report that has been published is HQ's to withdraw or delete."""
    if not (user.has_perm("reports.delete_report") and may_work_on(user, report)):
        return False
    return may_publish(user) or may_edit_in_place(user, report)


def may_edit_in_place(user, report: Report) -> bool:
    """HQ changes any report; office editors change drafts and reports under review.

    A report that has been published (live, scheduled or withdrawn) is changed by
    office editors only through an edition (reports/publishing.py), so no change
    reaches the public before HQ approves it.
    """
    if may_publish(user):
        return True
    return report.status in (Report.Status.DRAFT, Report.Status.REVIEW)
