"""The import's line checker against a Django form per line, on the same lines.

    DEBUG=1 .venv/bin/python -m bench.line_checks -n 5000

Checks `n` valid lines of the import format twice: with reports/interchange.py's
parse_report (what import_reports does), and with a forms.Form for the report's
own fields plus a form per event and per participant row (the nearest a form per
line can come: it checks fewer things, e.g. not that a fiscal year is a JSON
number). Prints microseconds per line for each. Reads the database once for the
offices, themes and local governments, as the import does.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def line(n: int) -> dict:
    return {
        "external_id": f"bench-{n:07d}",
        "office": "seoul",
        "title": f"ソウルで自治体職員の交流会を開催しました（第{n}回）",
        "summary": "日韓の自治体職員が多文化共生について意見を交わしました。",
        "body": "第一段落です。\n\n第二段落です。" * 5,
        "themes": ["sister-cities", "multicultural"],
        "municipalities": ["352047"],
        "partners": [],
        "status": "published",
        "published_at": "2025-12-20T09:00:00+09:00",
        "fiscal_year": 2025,
        "source": "自治体国際化フォーラム Vol. 436",
        "events": [
            {
                "start": "2025-12-18",
                "end": "2025-12-19",
                "venue": "ソウル市内",
                "city": "ソウル",
                "country": "KR",
                "format": "in_person",
            }
        ],
        "participants": [
            {"name": "日本の自治体", "country": "JP", "municipalities": 18, "people": 27},
            {"name": "韓国の自治体", "country": "KR", "municipalities": 15, "people": 25},
        ],
        "photos": [],
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.line_checks", description=__doc__)
    parser.add_argument("-n", type=int, default=5000)
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clair_portal.settings")
    import django

    django.setup()
    from django import forms

    from reports.importing import format_context
    from reports.interchange import parse_report
    from reports.models import Event, Participant, Report

    context = format_context(base_dir=None)

    class ReportForm(forms.Form):
        external_id = forms.CharField(max_length=100)
        office = forms.ChoiceField(choices=[(c, c) for c in context.offices])
        title = forms.CharField(max_length=200)
        summary = forms.CharField()
        body = forms.CharField(required=False)
        themes = forms.MultipleChoiceField(choices=[(s, s) for s in context.themes])
        status = forms.ChoiceField(choices=Report.Status.choices)
        published_at = forms.DateTimeField(required=False)
        fiscal_year = forms.IntegerField(min_value=1900, max_value=2200, required=False)
        source = forms.CharField(max_length=200, required=False)

    class EventForm(forms.Form):
        start = forms.DateField()
        end = forms.DateField()
        venue = forms.CharField(max_length=200, required=False)
        city = forms.CharField(max_length=100, required=False)
        country = forms.CharField(max_length=2, required=False)
        format = forms.ChoiceField(choices=Event.Format.choices)

    class ParticipantForm(forms.Form):
        name = forms.CharField(max_length=200)
        country = forms.CharField(max_length=2, required=False)
        municipalities = forms.IntegerField(min_value=0, required=False)
        people = forms.IntegerField(min_value=0, required=False)
        qualifier = forms.ChoiceField(choices=Participant.Qualifier.choices, required=False)

    def with_forms(obj) -> bool:
        # The codes against the set, as the importer does: a choice field of 1,788
        # choices, copied into every form, would cost the form ten times more.
        valid = all(code in context.local_governments for code in obj["municipalities"])
        valid &= ReportForm(obj).is_valid()
        valid &= all(EventForm(row).is_valid() for row in obj["events"])
        return valid & all(ParticipantForm(row).is_valid() for row in obj["participants"])

    lines = [line(n) for n in range(args.n)]
    results = {}
    for name, check in (
        ("parse_report (the importer)", lambda obj: parse_report(obj, context)[1] == []),
        ("a form per line", with_forms),
    ):
        runs = []
        for _ in range(3):
            began = time.perf_counter()
            assert all(check(obj) for obj in lines), name
            runs.append((time.perf_counter() - began) / args.n * 1e6)
        results[name] = statistics.median(runs)
    print(f"{args.n:,} valid lines, median of 3 runs")
    print("| Check | µs per line |")
    print("| --- | ---: |")
    for name, micros in results.items():
        print(f"| {name} | {micros:,.0f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
