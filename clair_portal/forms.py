"""The admin's login form."""

from django.contrib.admin.forms import AdminAuthenticationForm
from django.core.validators import MaxLengthValidator


class AdminLoginForm(AdminAuthenticationForm):
    """Django's, refusing a username longer than any user's (150) before authenticating.

    Django sets the field's max_length from the user model but never checks it, so
    any length went to authenticate(), and django-axes then recorded the failed
    login in a 255-character column: a 500 on PostgreSQL for a long username.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["username"]
        field.validators.append(MaxLengthValidator(field.max_length))
