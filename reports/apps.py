from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "reports"
    verbose_name = _("活動報告")

    def ready(self):
        from django.db.backends.signals import connection_created
        from django.db.models.signals import post_migrate

        from . import count_revision, facet_keys, key_totals
        from .content_revision import install_triggers
        from .search import guard_connection

        # After every migrate (tests included): the triggers that bump the
        # content revision on each write, see reports/content_revision.py.
        post_migrate.connect(install_triggers, sender=self, dispatch_uid="reports.triggers")
        # And the triggers that keep each report's facet keys (reports/facet_keys.py).
        post_migrate.connect(
            facet_keys.install_triggers, sender=self, dispatch_uid="reports.facet_keys"
        )
        # And those that bump the count and search revisions (reports/count_revision.py).
        post_migrate.connect(
            count_revision.install_triggers, sender=self, dispatch_uid="reports.count_revision"
        )
        # And those that keep the public reports per key (reports/key_totals.py), after
        # the facet keys' own, which they count.
        post_migrate.connect(
            key_totals.install_triggers, sender=self, dispatch_uid="reports.key_totals"
        )
        connection_created.connect(guard_connection, dispatch_uid="reports.search_plans")
