"""What every admin page of the portal shares: guards against tampered requests, and
reference data that only superusers change. Both apps' admins stand on these."""

from django.contrib import messages
from django.contrib.admin import helpers
from django.contrib.admin.options import IncorrectLookupParameters
from django.db import transaction
from django.utils.translation import gettext

from reports import reference

MAX_ID = 2**63 - 1  # the largest id a (big) integer column holds


def is_id(text: str) -> bool:
    """A database id as a URL or form holds it: ASCII digits only (int() takes "٣"
    and " 3"), and no larger than a column holds (SQLite raises OverflowError)."""
    return text.isascii() and text.isdigit() and int(text) <= MAX_ID


class TamperedRequestMixin:
    """Answers requests no admin page sends, that Django's admin took for a 500.

    - An empty ?_to_field= means the primary key, as no ?_to_field= does: Django
      skips its check of the parameter when it is empty, then looks the empty
      name up as a field (FieldDoesNotExist on the change and delete pages).
    - An action on rows that are not ids (_selected_action=abc) selects nothing:
      Django filters pk__in with them as they come (ValueError in every action).
    - A list address with a NUL character, or a date hierarchy past the calendar,
      is a wrong filter: the list with ?e=1, as Django answers other wrong filters.
    """

    def get_object(self, request, object_id, from_field=None):
        return super().get_object(request, object_id, from_field or None)

    def get_changelist_instance(self, request):
        # Django's choice filters (status) pass their parameter to the query
        # unchecked, and PostgreSQL answers a NUL character with an error, not a
        # miss. Such a list address is a wrong filter: the admin's answer to those
        # is the list with ?e=1.
        if any("\x00" in key or "\x00" in "".join(values) for key, values in request.GET.lists()):
            raise IncorrectLookupParameters
        try:
            return super().get_changelist_instance(request)
        except OverflowError as exc:
            # The date hierarchy makes dates of ?first_date__year= (and __month,
            # __day) and the day after the range, catching only ValueError: a year
            # of -59181109403674, or December 9999 (its end is in year 10000).
            raise IncorrectLookupParameters(exc) from exc

    def response_action(self, request, queryset, *args, **kwargs):
        selected = request.POST.getlist(helpers.ACTION_CHECKBOX_NAME)
        if not all(is_id(value) for value in selected):
            # Django's own message for an action without a selection.
            self.message_user(
                request,
                gettext(
                    "Items must be selected in order to perform actions on them. No items "
                    "have been changed."
                ),
                messages.WARNING,
            )
            return None  # back to the list, as Django does then
        return super().response_action(request, queryset, *args, **kwargs)


class SuperuserOnlyEditMixin(TamperedRequestMixin):
    """Reference data: staff may look, only superusers change.

    Changes clear this process's cache of reference data; other processes
    pick them up within reference.REFERENCE_TTL.
    """

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        transaction.on_commit(reference.clear)

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        transaction.on_commit(reference.clear)

    def has_add_permission(self, request, *args):
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser
