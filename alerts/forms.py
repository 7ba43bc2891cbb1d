from django import forms
from django.contrib.auth.base_user import BaseUserManager
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from . import saved_search
from .models import Alert


class AlertRequestForm(forms.Form):
    """The sign-up form: an address, daily or weekly, and the page's search (hidden)."""

    email = forms.EmailField(
        label=_("メールアドレス"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    frequency = forms.ChoiceField(
        label=_("頻度"),
        choices=Alert.Frequency.choices,
        initial=Alert.Frequency.DAILY,
        widget=forms.RadioSelect,
    )
    query = forms.CharField(required=False, max_length=1000, widget=forms.HiddenInput)

    def clean_email(self):
        # The domain is case-insensitive; the part before @ may not be, so it is kept.
        return BaseUserManager.normalize_email(self.cleaned_data["email"])

    def clean_query(self):
        # Sent back by the browser, so checked again: only the list's valid parameters.
        return saved_search.normalise(QueryDict(self.cleaned_data["query"]))
