from django import forms
from django.utils.translation import gettext_lazy as _

MAX_QUERY_LENGTH = 100


class LocalGovernmentSearchForm(forms.Form):
    """The search box of /municipalities/: a name or reading (LocalGovernmentQuerySet.matching)."""

    q = forms.CharField(
        label=_("自治体名・よみ"),
        required=False,
        max_length=MAX_QUERY_LENGTH,
        help_text=_("漢字・ひらがな・カタカナ・団体コードで探せます。例: みさとちょう"),
        error_messages={
            "max_length": _("%(limit_value)d 文字以内で入力してください。"),
        },
    )
