"""Hypothesis strategies for hostile input: query strings as raw bytes, and hostile text.

Query strings are built as bytes and sent as the WSGI environ's QUERY_STRING, so
what reaches Django is what a real server would pass on: invalid percent-encoding,
invalid UTF-8 and NUL bytes included, never re-encoded by the test client.
"""

import contextlib
import io
import logging
import os
import string
import struct
import zlib

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

# Planted in values; must never come back unescaped in a page, feed or export.
MARKERS = ("<script>xss", '"><svg onload=xss>', "'><img src=x onerror=xss>")
RAW_MARKERS = ("<script>xss", "<svg onload=xss", "<img src=x onerror=xss")

# The parameters of /reports/ (reports/filters.py), the pages' own (page, the
# sitemap's p), and names nothing reads.
PARAMETERS = ("q", "office", "theme", "fy", "date_from", "date_to", "page", "sort", "p")
OTHER_KEYS = ("x", "", "utm_source", "format", "lang", "csrfmiddlewaretoken", "__proto__")

OFFICES = ("seoul", "paris", "new-york", "jet-division", "tokyo", "SEOUL")
THEMES = ("multicultural", "sister-cities", "no-such-theme", "Multicultural")

# Settings profiles: "ci" (the default) is what every run of the suite does;
# "sweep" is the 10,000-request run documented in docs/security.md.
settings.register_profile(
    "ci",
    max_examples=300,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    database=None,
)
settings.register_profile(
    "sweep",
    max_examples=10_400,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    database=None,
)
PROFILE = os.environ.get("HYPOTHESIS_PROFILE", "ci")
settings.load_profile(PROFILE)


# Examples per test in each profile: the public sweep sends one request an example.
BUDGETS = {
    "ci": {
        "public": 300,
        "reflection": 25,
        "admin": 30,
        "admin_pages": 60,
        "login": 50,
        "import": 60,
    },
    "sweep": {
        "public": 10_400,
        "reflection": 200,
        "admin": 300,
        "admin_pages": 1000,
        "login": 500,
        "import": 500,
    },
}


def budget(test: str) -> int:
    return BUDGETS.get(PROFILE, BUDGETS["ci"])[test]


@contextlib.contextmanager
def quiet_logs():
    """Refused requests (400, 403, 404) come by the thousand; server errors still log
    (clair.request: the access log line of every request)."""
    levels = {
        "django.request": logging.ERROR,
        "django.security": logging.CRITICAL,
        "clair.request": logging.ERROR,
        "axes": logging.ERROR,  # a line or two per failed login
    }
    saved = {name: logging.getLogger(name).level for name in levels}
    for name, level in levels.items():
        logging.getLogger(name).setLevel(level)
    try:
        yield
    finally:
        for name, level in saved.items():
            logging.getLogger(name).setLevel(level)


def collecting() -> bool:
    """In the sweep, count every server error instead of stopping at the first."""
    return PROFILE == "sweep"


SQL_AND_WILDCARDS = ("%", "_", "%%", "'", "''", "\\", "';--", "' OR '1'='1", ";--", "*", "[a-z]")
NUMBERS = (
    "0",
    "-1",
    "-0",
    "1e5",
    "2025.0",
    "99999999999999999999999999999",
    "-99999999999999999999999999999",
    "9" * 400,
    str(2**63),
    str(-(2**63) - 1),
    "NaN",
    "inf",
    "0x10",
    "１２",  # full-width digits
    "٣",  # an Arabic-Indic digit
    "1 2",
    " 3 ",
)
DATES = (
    "2025-13-45",
    "2025-02-29",
    "2024-02-29",
    "0000-01-01",
    "0001-01-01",
    "9999-12-31",
    "99999-01-01",
    "-2025-01-01",
    "2025-1-1",
    "2025/01/01",
    "01/02/2025",
    "2025-01-01T00:00:00",
    "2025-01-01\x00",
    "２０２５-０１-０１",
    "today",
)

# Text values built from characters that break things: NUL and other controls,
# quotes, markup, wildcards, surrogates' neighbours, right-to-left marks.
awkward_text = st.text(
    alphabet=st.one_of(
        st.sampled_from("\x00\x01\x08\x0b\x1f\x7f\u0085\u2028\u202e\ufeff\ufffd<>&\"'%_\\;"),
        st.characters(codec="utf-8"),
        st.sampled_from("交流姉妹都市ソウルｶﾀｶﾅ"),
    ),
    max_size=30,
)

markers = st.one_of(
    st.sampled_from(MARKERS),
    st.builds(lambda marker, text: text + marker + text, st.sampled_from(MARKERS), awkward_text),
)
values = st.one_of(
    markers,
    markers,
    st.sampled_from(SQL_AND_WILDCARDS),
    st.sampled_from(NUMBERS),
    st.sampled_from(DATES),
    st.sampled_from(OFFICES + THEMES + ("newest", "oldest", "relevance", "sideways")),
    st.integers().map(str),
    st.dates().map(lambda d: d.isoformat()),
    awkward_text,
    st.builds(
        lambda text, n: text * n, st.sampled_from(("交", "a", "%", "<", " ")), st.just(10_000)
    ),
)


def percent_encode(data: bytes, *, safe: bytes = b"") -> bytes:
    keep = set((string.ascii_letters + string.digits + "-._~").encode()) | set(safe)
    return b"".join(bytes([b]) if b in keep else b"%%%02X" % b for b in data)


@st.composite
def encoded(draw, text: str) -> bytes:
    """One of the ways a client may put `text` on the wire, valid or not."""
    raw = text.encode("utf-8", "surrogatepass")
    how = draw(st.sampled_from(("percent", "plus", "raw", "truncated", "broken", "latin-1")))
    if how == "percent":
        return percent_encode(raw)
    if how == "plus":
        return percent_encode(raw, safe=b" ").replace(b" ", b"+")
    if how == "raw":  # unencoded bytes, as a careless client sends them
        return raw.replace(b"&", b"%26").replace(b"#", b"%23")
    if how == "truncated":  # a multi-byte character cut short
        return percent_encode(raw) + draw(st.sampled_from((b"%E4%BA", b"%E4", b"%C3", b"%F0%9F")))
    if how == "broken":  # invalid percent escapes
        return percent_encode(raw) + draw(st.sampled_from((b"%", b"%Z", b"%zz", b"%%", b"%G0")))
    # invalid UTF-8: bytes that are not UTF-8 at all, raw or escaped
    junk = draw(st.binary(min_size=1, max_size=8)) + b"\xff\xfe\xc0\x80"
    return draw(st.sampled_from((junk, percent_encode(junk))))


@st.composite
def keys(draw, parameters=PARAMETERS) -> bytes:
    known = st.sampled_from(parameters)
    name = draw(st.one_of(known, known, known, st.sampled_from(OTHER_KEYS), awkward_text))
    form = draw(st.sampled_from(("plain", "plain", "plain", "array", "index", "nested", "encoded")))
    if form == "array":
        name += "[]"
    elif form == "index":
        name += f"[{draw(st.integers(-1, 3))}]"
    elif form == "nested":
        name += "[a][b]"
    if form == "encoded":
        return draw(encoded(name))
    return percent_encode(name.encode("utf-8", "surrogatepass"), safe=b"[]")


@st.composite
def pair(draw, parameters=PARAMETERS) -> bytes:
    key = draw(keys(parameters))
    shape = draw(st.sampled_from(("key=value", "key=value", "key=", "key", "=value")))
    value = draw(encoded(draw(values)))
    return {
        "key=value": key + b"=" + value,
        "key=": key + b"=",
        "key": key,
        "=value": b"=" + value,
    }[shape]


@st.composite
def well_formed_pair(draw, parameters=PARAMETERS) -> bytes:
    """A known parameter with any value, correctly encoded: what a form would send."""
    key = draw(st.sampled_from(parameters)).encode()
    text = draw(values).encode("utf-8", "surrogatepass")
    return key + b"=" + percent_encode(text)


@st.composite
def query_strings(draw, parameters=PARAMETERS) -> bytes:
    """A whole query string: repeated keys, odd separators, sometimes too many fields.

    One in three is well formed (known parameters, valid encoding, any values), so
    that values get past the parsing to the filters, messages and links that
    could reflect them.
    """
    if draw(st.integers(0, 2)) == 0:
        return b"&".join(draw(st.lists(well_formed_pair(parameters), min_size=1, max_size=4)))
    pairs = draw(st.lists(pair(parameters), min_size=1, max_size=8))
    if draw(st.integers(0, 9)) == 0:  # the same key many times (office=…&office=…)
        pairs += [pairs[0]] * draw(st.integers(2, 50))
    if draw(st.integers(0, 24)) == 0:  # past DATA_UPLOAD_MAX_NUMBER_FIELDS (1000)
        pairs += [b"office=seoul"] * 1001
    separator = draw(st.sampled_from((b"&", b"&", b"&", b";", b"&&", b"&amp;")))
    query = separator.join(pairs)
    if draw(st.booleans()):
        query = draw(st.sampled_from((b"", b"?", b"&", b"#"))) + query
    return query


# Paths whose last segment is generated: an unknown slug, office, theme or section.
PATH_TEMPLATES = (
    "/reports/{}/",
    "/reports/{}/calendar.ics",
    "/en/reports/{}/",
    "/offices/{}/",
    "/offices/{}/feed/",
    "/themes/{}/",
    "/en/themes/{}/feed/",
    "/sitemap-{}.xml",
    "/{}",
    "/en/{}",
)


@st.composite
def hostile_paths(draw) -> str:
    """A path with a generated segment, percent-encoded: the client decodes it to the
    bytes of PATH_INFO, as a server does, so any byte (NUL, invalid UTF-8) gets there."""
    text = draw(st.one_of(values, awkward_text))
    raw = draw(st.one_of(st.just(text.encode("utf-8", "surrogatepass")), st.binary(max_size=12)))
    return draw(st.sampled_from(PATH_TEMPLATES)).format(percent_encode(raw).decode() or "%00")


# Request headers that views or middleware read (conditional GET, language, session,
# proxy); values as a server passes them (latin-1 text, no CR, LF or NUL).
HEADERS = (
    "HTTP_IF_NONE_MATCH",
    "HTTP_IF_MODIFIED_SINCE",
    "HTTP_ACCEPT_LANGUAGE",
    "HTTP_COOKIE",
    "HTTP_REFERER",
    "HTTP_USER_AGENT",
    "HTTP_X_FORWARDED_PROTO",
    "HTTP_X_FORWARDED_FOR",
    "HTTP_X_REQUEST_ID",
    "HTTP_RANGE",
)
HEADER_VALUES = (
    "*",
    '"abc"',
    'W/"x", "y"',
    "Sun, 06 Nov 1994 08:49:37 GMT",
    "Sun, 06 Nov 99999 08:49:37 GMT",
    "-1",
    "en;q=abc, ja;q=2",
    "zz-ZZ",
    "sessionid=nonsense; messages=garbage; csrftoken=x",
    "bytes=0-1,5-",
    "https, http",
)


@st.composite
def headers(draw) -> dict[str, str]:
    chosen = draw(st.lists(st.sampled_from(HEADERS), max_size=3, unique=True))
    result = {}
    for name in chosen:
        value = draw(st.one_of(st.sampled_from(HEADER_VALUES), values))
        value = value.encode("utf-8", "surrogatepass").decode("latin-1")
        result[name] = "".join(ch for ch in value if ch not in "\r\n\x00")
    return result


def hostile_text(max_size: int = 30):
    """Text for form fields: markup, controls, wildcards, long runs, any Unicode."""
    return st.one_of(
        st.sampled_from(MARKERS),
        st.sampled_from(SQL_AND_WILDCARDS),
        awkward_text,
        st.text(max_size=max_size),
        st.builds(
            lambda c, n: c * n,
            st.sampled_from(("交", "a", "<", "\x00", " ")),
            st.integers(150, 10_000),
        ),
    )


# Files -----------------------------------------------------------------------


def image_bytes(fmt: str, size: tuple[int, int] = (48, 32)) -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, format=fmt)
    return buffer.getvalue()


def png_claiming(width: int, height: int) -> bytes:
    """A small valid PNG whose header claims width × height pixels."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 1024))
        + chunk(b"IEND", b"")
    )


def jpeg_claiming(width: int, height: int) -> bytes:
    """A small valid JPEG whose frame header (SOF0) claims width × height pixels."""
    data = bytearray(image_bytes("JPEG"))
    sof = data.index(b"\xff\xc0")
    data[sof + 5 : sof + 9] = struct.pack(">HH", height, width)
    return bytes(data)


SVG_WITH_SCRIPT = (
    b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)">'
    b"<script>alert(document.cookie)</script><rect width='10' height='10'/></svg>"
)
NOT_IMAGES = (
    b"",
    SVG_WITH_SCRIPT,
    b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF",
    b"<html><script>xss</script></html>",
    b"GIF89a\x01\x00\x01\x00\x00\x00\x00;",
    b"\xff\xd8\xff",  # a JPEG's first bytes and nothing else
    b"\x89PNG\r\n\x1a\n",
    b"RIFF\x00\x00\x00\x00WEBPVP8 ",
    b"PK\x03\x04" + bytes(26),
)
FILE_NAMES = (
    "photo.jpg",
    "photo.png",
    "photo.webp",
    "photo.svg",
    "photo",
    ".jpg",
    "../../../etc/passwd.jpg",
    "<script>xss</script>.jpg",
    "写真.JPG",
    "a" * 300 + ".jpg",
    "photo.jpg.exe",
    "con.jpg",
)
CONTENT_TYPES = ("image/jpeg", "image/png", "image/webp", "image/svg+xml", "text/html", "")


@st.composite
def mutated_images(draw) -> bytes:
    """A valid JPEG, PNG or WebP, cut short, or with bytes overwritten."""
    data = bytearray(image_bytes(draw(st.sampled_from(("JPEG", "PNG", "WEBP")))))
    if draw(st.booleans()):
        return bytes(data[: draw(st.integers(0, len(data) - 1))])
    for _ in range(draw(st.integers(1, 8))):
        data[draw(st.integers(0, len(data) - 1))] = draw(st.integers(0, 255))
    return bytes(data)


# Sides at the limits: of WebP (16,383), JPEG (65,535), the renditions (400, 1,200).
EXTREME_SIDES = st.sampled_from((0, 1, 399, 401, 1201, 16_383, 16_384, 20_000, 65_535))

hostile_file_bytes = st.one_of(
    st.builds(jpeg_claiming, EXTREME_SIDES, EXTREME_SIDES),
    st.builds(png_claiming, EXTREME_SIDES, EXTREME_SIDES),
    st.sampled_from(NOT_IMAGES),
    st.binary(max_size=2048),
    mutated_images(),
    st.builds(png_claiming, st.integers(0, 2**31 - 1), st.integers(0, 2**31 - 1)),
    st.builds(jpeg_claiming, st.integers(0, 65535), st.integers(0, 65535)),
)


@st.composite
def hostile_uploads(draw):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(
        draw(st.sampled_from(FILE_NAMES)),
        draw(hostile_file_bytes),
        content_type=draw(st.sampled_from(CONTENT_TYPES)),
    )


def png_upload():
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("photo.png", image_bytes("PNG"), content_type="image/png")
