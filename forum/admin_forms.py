"""The forms of the admin page 「フォーラム原稿から下書きを作成」 (forum/admin_views.py).

Step 1, `SourceForm`: the page, pasted or uploaded, and its source's name and month.
Step 2, one `Proposal` per article: a form for the report's fields and two formsets
(events, participants), each field paired with what the parser said of it (a
`Mark`: found, guessed or not found, its note and the words of the source), so
staff check the guesses first. A proposal left out is not validated; one accepted
must have a title, a summary and one of the editor's offices.
"""

import re
from dataclasses import dataclass

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS
from django.utils.translation import gettext_lazy as _

from municipalities.codes import is_code
from municipalities.models import LocalGovernment
from reports.admin_forms import DateInput, Problem, row_field_label
from reports.models import Event, Participant, Report, Theme

from . import pdf
from .drafting import municipality_codes
from .errors import ForumInputError, InputTooLarge
from .parsing import MAX_TEXT_CHARS
from .results import Certainty, Field, ProposedReport

CERTAINTY_LABELS = {
    Certainty.FOUND: _("本文から読み取り"),
    Certainty.GUESSED: _("推定・要確認"),
    Certainty.NOT_FOUND: _("見つからず・要入力"),
}
# A sign besides the words, so the certainty is not told by colour alone.
CERTAINTY_SIGNS = {Certainty.FOUND: "✓", Certainty.GUESSED: "？", Certainty.NOT_FOUND: "！"}


class SourceForm(forms.Form):
    """The page to read: pasted text or a file (PDF or UTF-8 text), and its source."""

    text = forms.CharField(
        label=_("フォーラムの記事（貼り付け）"),
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 12, "cols": 80}),
        help_text=_(
            "「CLAIRトピックス」のページのテキストを貼り付けるか、下でファイルを選んでください。"
        ),
    )
    file = forms.FileField(
        label=_("または PDF・テキストファイル"),
        required=False,
        help_text=_("PDF（文字情報のあるもの）または UTF-8 のテキスト。%(mb)d MB まで。")
        % {"mb": pdf.MAX_UPLOAD_BYTES // (1024 * 1024)},
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.txt,application/pdf,text/plain"}),
    )
    source = forms.CharField(
        label=_("出典"),
        max_length=Report._meta.get_field("source").max_length,
        help_text=_(
            "例: 自治体国際化フォーラム Vol. 436 (2026年2月)。下書きの「出典」に記録されます。"
        ),
    )
    year = forms.IntegerField(
        label=_("発行年（任意）"),
        required=False,
        min_value=2000,
        max_value=2100,
        help_text=_("年の書かれていない日付に使います。空欄ならページのフッターから読みます。"),
    )
    month = forms.TypedChoiceField(
        label=_("発行月（任意）"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", "—"), *[(m, _("%(m)d 月") % {"m": m}) for m in range(1, 13)]],
    )

    def clean_text(self):
        # Browsers post line breaks as CR LF; the parser's offsets are into the text with LF.
        text = self.cleaned_data["text"].replace("\r\n", "\n")
        if len(text) > MAX_TEXT_CHARS:
            raise forms.ValidationError(str(InputTooLarge(len(text), MAX_TEXT_CHARS, "文字")))
        return text

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload:
            return ""
        if upload.size > pdf.MAX_UPLOAD_BYTES:  # refused before it is read
            raise forms.ValidationError(str(InputTooLarge(upload.size, pdf.MAX_UPLOAD_BYTES)))
        try:
            return pdf.read_upload(upload.read())
        except ForumInputError as exc:
            raise forms.ValidationError(str(exc)) from None

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        text, from_file = cleaned.get("text", ""), cleaned.get("file", "")
        if text.strip() and from_file:
            raise forms.ValidationError(
                _("貼り付けたテキストとファイルの両方があります。どちらか一方にしてください。")
            )
        if cleaned.get("month") and not cleaned.get("year"):
            self.add_error("year", _("発行月を選んだときは発行年も入れてください。"))
        cleaned["page"] = from_file or text
        cleaned["from_file"] = bool(from_file)
        return cleaned

    def add_input_error(self, message: str) -> None:
        """A parser's message, at the field the page came from."""
        self.add_error("file" if self.cleaned_data.get("from_file") else "text", message)


class ProposalForm(forms.Form):
    """One article's report. Fields are checked as required only when it is accepted."""

    include = forms.BooleanField(label=_("この記事を下書きにする"), required=False, initial=True)
    external_id = forms.CharField(widget=forms.HiddenInput, max_length=100)
    title = forms.CharField(
        label=_("タイトル"), required=False, max_length=Report._meta.get_field("title").max_length
    )
    office = forms.ModelChoiceField(
        label=_("事務所・部署"), queryset=None, required=False, to_field_name="code"
    )
    summary = forms.CharField(
        label=_("要約"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    body = forms.CharField(
        label=_("本文"), required=False, widget=forms.Textarea(attrs={"rows": 8})
    )
    themes = forms.ModelMultipleChoiceField(
        label=_("テーマ"),
        queryset=Theme.objects.all(),
        required=False,
        to_field_name="slug",
        widget=forms.CheckboxSelectMultiple,
    )
    fiscal_year = forms.IntegerField(
        label=_("年度"), required=False, min_value=1900, max_value=2200
    )
    municipalities = forms.CharField(
        label=_("参加した自治体（団体コード）"),
        required=False,
        help_text=_("6 桁の団体コードを空白で区切って入力します。"),
    )

    def __init__(self, *args, offices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["office"].queryset = offices

    def clean_municipalities(self):
        codes = [c for c in re.split(r"[\s,、]+", self.cleaned_data["municipalities"]) if c]
        wrong = [c for c in codes if not is_code(c)]
        known = set(LocalGovernment.objects.filter(pk__in=codes).values_list("pk", flat=True))
        wrong += [c for c in codes if c not in known and c not in wrong]
        if wrong:
            raise forms.ValidationError(
                _("団体コードではありません: %(codes)s") % {"codes": "、".join(wrong)}
            )
        return list(dict.fromkeys(codes))

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("include"):
            return cleaned
        for name in ("title", "summary", "office"):
            if name not in self.errors and not cleaned.get(name):
                self.add_error(name, _("下書きにする記事には必要です。"))
        return cleaned


class EventForm(forms.ModelForm):
    class Meta:
        model = Event
        fields = ["start_date", "end_date", "venue", "city", "country", "format"]
        widgets = {"start_date": DateInput, "end_date": DateInput}


class ParticipantForm(forms.ModelForm):
    class Meta:
        model = Participant
        fields = ["name", "country", "municipalities", "people", "qualifier"]


EventFormSet = forms.formset_factory(EventForm, extra=1, can_delete=True)
ParticipantFormSet = forms.formset_factory(ParticipantForm, extra=1, can_delete=True)


@dataclass(frozen=True)
class Mark:
    """What the parser said of a field: shown beside it."""

    certainty: str  # a Certainty, or "" for a row staff add
    note: str = ""
    excerpt: str = ""

    @property
    def label(self) -> str:
        return CERTAINTY_LABELS.get(self.certainty, "")

    @property
    def sign(self) -> str:
        return CERTAINTY_SIGNS.get(self.certainty, "")


def mark(field: Field | None) -> Mark:
    if field is None:
        return Mark("")
    return Mark(field.certainty, field.note, field.evidence.excerpt if field.evidence else "")


@dataclass
class Row:
    field: forms.BoundField
    mark: Mark


class Proposal:
    """The forms of one proposed report, and what the parser said of each field."""

    def __init__(self, report: ProposedReport, *, offices, data=None):
        self.report = report
        self.number = report.position
        prefix = f"p{report.position}"
        self.form = ProposalForm(
            data, prefix=prefix, offices=offices, initial=self._initial(report)
        )
        self.events = EventFormSet(
            data,
            prefix=f"{prefix}-events",
            initial=[
                {
                    "start_date": e.start.value,
                    "end_date": e.end.value,
                    "venue": e.venue.value,
                    "city": e.city.value,
                    "country": e.country.value,
                    "format": e.format.value,
                }
                for e in report.events
            ],
        )
        self.participants = ParticipantFormSet(
            data,
            prefix=f"{prefix}-participants",
            initial=[
                {name: getattr(row, name).value for name in Participant.FORMAT_KEYS}
                for row in report.participants
            ],
        )
        for formset, item in ((self.events, Event), (self.participants, Participant)):
            for index, form in enumerate(formset.forms):
                for field in form.fields.values():
                    label = row_field_label(item._meta.verbose_name, index, field.label)
                    field.widget.attrs["aria-label"] = label

    @staticmethod
    def _initial(report: ProposedReport) -> dict:
        return {
            "include": True,
            "external_id": report.external_id,
            "title": report.title.value,
            "office": report.office.value,
            "summary": report.summary.value,
            "body": report.body.value,
            "themes": [theme.slug for theme in report.themes],
            "fiscal_year": report.fiscal_year.value,
            "municipalities": " ".join(municipality_codes(report)),
        }

    @property
    def included(self) -> bool:
        return self.form.is_valid() and self.form.cleaned_data["include"]

    def is_valid(self) -> bool:
        if not self.form.is_valid():
            return False
        if not self.form.cleaned_data["include"]:
            return True  # left out: its rows are not checked
        return self.events.is_valid() & self.participants.is_valid()

    # What the template shows ------------------------------------------------------

    def rows(self) -> list[Row]:
        report, form = self.report, self.form
        return [
            Row(form["title"], mark(report.title)),
            Row(form["office"], mark(report.office)),
            Row(form["summary"], mark(report.summary)),
            Row(form["body"], mark(report.body)),
            Row(form["fiscal_year"], mark(report.fiscal_year)),
            Row(form["themes"], self._themes_mark()),
            Row(form["municipalities"], self._municipalities_mark()),
        ]

    def _themes_mark(self) -> Mark:
        words = "、".join(w for theme in self.report.themes for w in theme.words)
        note = _("キーワードから推定しました: %(words)s") % {"words": words} if words else ""
        return Mark(Certainty.GUESSED if words else Certainty.NOT_FOUND, note)

    def _municipalities_mark(self) -> Mark:
        named = [n for n in self.report.local_governments if n.place.kind == "local_government"]
        found = [f"{n.place.label}（{n.place.code}）" for n in named if n.place.code]
        unsure = [
            _("「%(name)s」は %(candidates)s のどれか")
            % {
                "name": n.place.name,
                "candidates": "、".join(f"{c.label}（{c.code}）" for c in n.place.candidates),
            }
            for n in named
            if not n.place.code
        ]
        note = "。".join(str(part) for part in (*found, *unsure))
        certainty = Certainty.NOT_FOUND if unsure or not found else Certainty.FOUND
        return Mark(certainty, note or self.report.local_governments_note)

    def event_rows(self) -> list[list[Row]]:
        return _formset_rows(self.events, self.report.events)

    def participant_rows(self) -> list[list[Row]]:
        return _formset_rows(self.participants, self.report.participants)

    # What an accepted proposal writes ---------------------------------------------

    def import_line(self, *, source: str) -> dict:
        """The corrected fields as a line of the import format, always a draft."""
        data = self.form.cleaned_data
        events = [
            {
                "start": e["start_date"].isoformat() if e.get("start_date") else None,
                "end": e["end_date"].isoformat() if e.get("end_date") else None,
                "venue": e["venue"],
                "city": e["city"],
                "country": e["country"] or None,
                "format": e["format"],
            }
            for e in _kept(self.events)
        ]
        participants = [
            {**{k: p[k] for k in Participant.FORMAT_KEYS}, "country": p["country"] or None}
            for p in _kept(self.participants)
        ]
        return {
            "external_id": data["external_id"],
            "office": data["office"].code,
            "title": data["title"],
            "summary": data["summary"],
            "body": data["body"],
            "themes": [theme.slug for theme in data["themes"]],
            "municipalities": data["municipalities"],
            "status": Report.Status.DRAFT,
            "fiscal_year": data["fiscal_year"],
            "source": source,
            "events": events,
            "participants": participants,
        }

    def problems(self) -> list[Problem]:
        """Every error of the proposal, each linking to its field (the summary at the top)."""
        where = _("記事 %(number)d") % {"number": self.number}
        result = []
        for name, messages in self.form.errors.items():
            label = where if name == NON_FIELD_ERRORS else f"{where}: {self.form[name].label}"
            anchor = (
                f"proposal-{self.number}"
                if name == NON_FIELD_ERRORS
                else self.form[name].id_for_label
            )
            result += [Problem(str(label), str(m), anchor) for m in messages]
        for formset, item in ((self.events, Event), (self.participants, Participant)):
            for index, form in enumerate(formset.forms):
                for name, messages in form.errors.items():
                    if name == NON_FIELD_ERRORS:
                        label = f"{item._meta.verbose_name} {index + 1}"
                        anchor = f"{formset.prefix}-{index}"
                    else:
                        label = row_field_label(item._meta.verbose_name, index, form[name].label)
                        anchor = form[name].id_for_label
                    result += [Problem(f"{where}: {label}", str(m), anchor) for m in messages]
        return result


def _kept(formset) -> list[dict]:
    return [
        form.cleaned_data
        for form in formset.forms
        if form.cleaned_data and not form.cleaned_data.get("DELETE")
    ]


def _formset_rows(formset, proposed) -> list[list[Row]]:
    rows = []
    for index, form in enumerate(formset.forms):
        item = proposed[index] if index < len(proposed) else None
        rows.append(
            [
                Row(form[name], mark(getattr(item, _PROPOSED_NAMES.get(name, name), None)))
                for name in form.fields
                if name != "DELETE"
            ]
            + [Row(form["DELETE"], Mark(""))]
        )
    return rows


_PROPOSED_NAMES = {"start_date": "start", "end_date": "end"}
