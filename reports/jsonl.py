"""Reading a JSON Lines file one line at a time: bounded memory, exact messages.

A line too long, not UTF-8 or not JSON gets a message naming what is wrong
(and where), never an exception; a key given twice in an object is an error
rather than the silent "last one wins" of json.loads.
"""

import codecs
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from .interchange import show

MAX_LINE_BYTES = 1_000_000  # a report is a few kilobytes; a longer line is not a report


@dataclass(slots=True)
class RawLine:
    number: int
    text: str | None  # None when the line could not be read
    error: str | None
    last: bool  # the file ends without a newline after this line
    position: int  # bytes read so far, for progress


def read_lines(path: Path, *, max_bytes: int = MAX_LINE_BYTES) -> Iterator[RawLine]:
    """The non-blank lines of a JSONL file, one at a time, never more than `max_bytes` in memory."""
    with open(path, "rb") as stream:
        number = 0
        while raw := stream.readline(max_bytes + 1):
            number += 1
            if len(raw) > max_bytes and not raw.endswith(b"\n"):
                while raw and not raw.endswith(b"\n"):  # skip the rest of the line
                    raw = stream.readline(1 << 20)
                yield RawLine(
                    number, None, f"longer than {max_bytes:,} bytes", False, stream.tell()
                )
                continue
            if number == 1 and raw.startswith(codecs.BOM_UTF8):  # as Windows editors save
                raw = raw[len(codecs.BOM_UTF8) :]
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                message = f"not valid UTF-8 (byte 0x{raw[exc.start]:02x} at byte {exc.start + 1} of the line)"
                yield RawLine(number, None, message, False, stream.tell())
                continue
            if text.strip():
                yield RawLine(number, text, None, not raw.endswith(b"\n"), stream.tell())


class _DuplicateKey(ValueError):
    pass


def _unique_keys(pairs):
    result = {}
    for key, value in pairs:
        if key in result:
            raise _DuplicateKey(key)
        result[key] = value
    return result


def _no_constant(name):
    raise ValueError(f"{name} is not allowed in JSON")


def parse_json(line: RawLine) -> tuple[object, str | None]:
    """The JSON value of a line, or an error saying what is wrong with it."""
    try:
        return json.loads(
            line.text, object_pairs_hook=_unique_keys, parse_constant=_no_constant
        ), None
    except _DuplicateKey as exc:
        return None, f"field {show(exc.args[0])} appears twice"
    except json.JSONDecodeError as exc:
        message = f"invalid JSON: {exc.msg} (column {exc.colno})"
        if line.last:
            message += "; the file ends inside this line: is it truncated?"
        elif exc.pos >= len(line.text.rstrip()) or exc.msg.startswith("Unterminated"):
            message += "; the line ends too early"
        return None, message
    except (ValueError, RecursionError) as exc:
        return None, f"invalid JSON: {exc}"
