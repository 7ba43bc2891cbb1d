from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "reports"
    verbose_name = _("活動報告")

    def ready(self):
        from django.db.backends.signals import connection_created
        from django.db.models.signals import post_migrate

        from .revision import install_triggers

        # After every migrate (tests included): the triggers that bump the
        # content revision on each write, see reports/revision.py.
        post_migrate.connect(install_triggers, sender=self, dispatch_uid="reports.triggers")
        connection_created.connect(guard_search_plans, dispatch_uid="reports.search_plans")


def guard_search_plans(sender, connection, **kwargs):
    from .models import plan_bigram_queries_without_seq_scans

    if connection.vendor == "postgresql":
        connection.execute_wrappers.append(plan_bigram_queries_without_seq_scans)
