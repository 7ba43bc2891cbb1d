"""import_reports with generated malformed files: a clear CommandError, nothing written.

tests/test_import_export.py names each known malformation with its message; this
adds what a property test can: arbitrary mutations of a valid line, at the byte
level and at the JSON level, and random bytes. A mutation that still makes a valid
line is imported like any other (and checked to be valid); everything else must
be refused as a whole, with every error on a line of its own.
"""

import json
import re
import shutil
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.management import CommandError, call_command
from hypothesis import given, settings
from hypothesis import strategies as st

from reports.models import Event, Participant, Photo, Report
from tests import hostile
from tests.test_import_export import line

pytestmark = pytest.mark.django_db

ERROR_LINE = re.compile(r"line \d+: \S.*|\.\.\. and \d+ more")


def valid_line(external_id: str = "hostile-1") -> dict:
    return line(external_id, photos=[{"file": "photos/a.png", "caption": "写真", "alt": "代替"}])


def counts() -> tuple[int, ...]:
    return tuple(model.objects.count() for model in (Report, Event, Participant, Photo))


def media_files() -> list[Path]:
    root = Path(django_settings.MEDIA_ROOT)
    return sorted(path for path in root.rglob("*") if path.is_file()) if root.exists() else []


def reset():
    """Back to an empty database and media folder after an example that imported."""
    Report.objects.all().delete()
    shutil.rmtree(django_settings.MEDIA_ROOT, ignore_errors=True)


# Strategies --------------------------------------------------------------------

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats()
    | st.sampled_from(("", " ", "seoul", "2022-09-17", "published", "\x00", "\ud800"))
    | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3)
    ),
    max_leaves=8,
)


def paths(data: dict) -> list[tuple]:
    """Every place in a line where a value can be replaced."""
    found = []
    for key, value in data.items():
        found.append((key,))
        if isinstance(value, list):
            for index, item in enumerate(value):
                found.append((key, index))
                if isinstance(item, dict):
                    found += [(key, index, name) for name in item]
    return found


@st.composite
def json_mutations(draw) -> bytes:
    """A valid line with values replaced by others of any type, keys dropped or added."""
    data = valid_line()
    for _ in range(draw(st.integers(1, 4))):
        where = draw(st.sampled_from(paths(data)))
        target = data
        for step in where[:-1]:
            target = target[step]
        action = draw(st.sampled_from(("replace", "replace", "drop", "add")))
        if action == "replace":
            target[where[-1]] = draw(json_values)
        elif action == "drop" and isinstance(target, dict):
            del target[where[-1]]
        elif isinstance(target, dict):
            target[draw(st.text(min_size=1, max_size=10))] = draw(json_values)
    text = json.dumps(data, ensure_ascii=draw(st.booleans()), allow_nan=True)
    return text.encode("utf-8", "surrogatepass")


@st.composite
def byte_mutations(draw) -> bytes:
    """A valid line cut short, with bytes overwritten, deleted or inserted."""
    data = bytearray(json.dumps(valid_line(), ensure_ascii=False).encode())
    for _ in range(draw(st.integers(1, 5))):
        at = draw(st.integers(0, len(data)))
        how = draw(st.sampled_from(("truncate", "overwrite", "delete", "insert")))
        if how == "truncate":
            del data[at:]
        elif how == "overwrite" and at < len(data):
            data[at] = draw(st.integers(0, 255))
        elif how == "delete":
            del data[at : at + draw(st.integers(1, 20))]
        else:
            data[at:at] = draw(
                st.sampled_from((b"\xff", b"\xc3", b"\x00", b'"', b"{", b"}", b",", b"\n", b"\\u"))
                | st.binary(min_size=1, max_size=10)
            )
    return bytes(data)


@st.composite
def huge_lines(draw) -> bytes:
    """A valid line whose body brings it to around the 1,000,000-byte limit."""
    base = json.dumps(valid_line(), ensure_ascii=False).encode()
    size = draw(st.integers(1_000_000 - 10, 1_000_000 + 10))
    data = json.loads(base)
    data["body"] = "a" * (size - len(base) + len(data["body"].encode()))
    return json.dumps(data, ensure_ascii=False).encode()


malformed_lines = st.one_of(
    json_mutations(),
    byte_mutations(),
    st.binary(max_size=200),
    st.text(max_size=200).map(lambda text: text.encode("utf-8", "surrogatepass")),
    huge_lines(),
)


@st.composite
def files(draw) -> bytes:
    """A file whose last line is malformed, after a valid one: all or nothing."""
    first = json.dumps(valid_line("valid-0"), ensure_ascii=False).encode()
    last = draw(malformed_lines)
    ending = draw(st.sampled_from((b"\n", b"", b"\r\n")))
    return first + b"\n" + last + ending


# The test ----------------------------------------------------------------------


def test_import_refuses_malformed_files_clearly_and_writes_nothing(tmp_path):
    (tmp_path / "photos").mkdir()
    (tmp_path / "photos" / "a.png").write_bytes(hostile.image_bytes("PNG"))
    path = tmp_path / "reports.jsonl"
    outcomes = {"refused": 0, "imported": 0}

    @settings(max_examples=hostile.budget("import"))
    @given(content=files(), dry_run=st.booleans())
    def attempt(content, dry_run):
        path.write_bytes(content)
        options = ["--dry-run"] if dry_run else []
        try:
            call_command(
                "import_reports", str(path), *options, stdout=StringIO(), stderr=StringIO()
            )
        except CommandError as exc:
            heading, *errors = str(exc).split("\n")
            assert re.fullmatch(
                rf"{re.escape(str(path))}: (1 error|\d+ errors), nothing was imported:", heading
            )
            assert errors and all(ERROR_LINE.fullmatch(error) for error in errors), str(exc)
            assert counts() == (0, 0, 0, 0)
            assert media_files() == []
            outcomes["refused"] += 1
            return
        if dry_run:  # a valid file, checked: still nothing written
            assert counts() == (0, 0, 0, 0)
            assert media_files() == []
            outcomes["imported"] += 1
            return
        # The mutation left a valid file: both lines are in, valid and whole.
        reports = list(Report.objects.order_by("pk"))
        assert [report.external_id for report in reports][:1] == ["valid-0"]
        for report in reports:
            report.full_clean()
            for photo in report.photos.all():
                assert Path(photo.image.path).is_file()
        reset()
        outcomes["imported"] += 1

    attempt()
    print(f"\nhostile imports: {outcomes['refused']} refused, {outcomes['imported']} imported")
    assert outcomes["refused"] > 0
