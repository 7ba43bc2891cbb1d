from django.contrib.admin.apps import AdminConfig


class PortalAdminConfig(AdminConfig):
    """Django's admin, on the portal's AdminSite (clair_portal/admin_site.py)."""

    default_site = "clair_portal.admin_site.PortalAdminSite"
