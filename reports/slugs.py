"""Short, readable report addresses: /reports/2025-japan-korea-officials-workshop/.

A slug is made once, when a report is created without one: the year of its first
event (or its fiscal year), then the words of its English title where there is
one; otherwise its office and the words of its Japanese title that can be read
without a dictionary (kana romanised, Latin letters and digits), at most a few
words long: 2025-sydney-seminaa. It never changes by itself afterwards: HQ may
change a published report's slug, and its old slug then redirects (SlugRedirect,
see reports/views.py).

Not a romaniser of kanji: the one maintained for Python (pykakasi) holds 127 MB
of dictionary in every worker that loads it, and is GPL-licensed.
"""

import re
import unicodedata

from django.utils.text import slugify

from .models import Report, SlugRedirect

MAX_LENGTH = 60  # of the words part; a year, an office code and a suffix may come too
WORD = re.compile(r"[a-z0-9]+")

# Hepburn for hiragana (katakana are folded onto them first).
KANA = dict(
    zip(
        "あいうえおかきくけこさしすせそたちつてとなにぬねのはひふへほまみむめもやゆよ"
        "らりるれろわをんがぎぐげござじずぜぞだぢづでどばびぶべぼぱぴぷぺぽゔ",
        [
            "a",
            "i",
            "u",
            "e",
            "o",
            "ka",
            "ki",
            "ku",
            "ke",
            "ko",
            "sa",
            "shi",
            "su",
            "se",
            "so",
            "ta",
            "chi",
            "tsu",
            "te",
            "to",
            "na",
            "ni",
            "nu",
            "ne",
            "no",
            "ha",
            "hi",
            "fu",
            "he",
            "ho",
            "ma",
            "mi",
            "mu",
            "me",
            "mo",
            "ya",
            "yu",
            "yo",
            "ra",
            "ri",
            "ru",
            "re",
            "ro",
            "wa",
            "o",
            "n",
            "ga",
            "gi",
            "gu",
            "ge",
            "go",
            "za",
            "ji",
            "zu",
            "ze",
            "zo",
            "da",
            "ji",
            "zu",
            "de",
            "do",
            "ba",
            "bi",
            "bu",
            "be",
            "bo",
            "pa",
            "pi",
            "pu",
            "pe",
            "po",
            "vu",
        ],
        strict=True,
    )
)
SMALL = {"ゃ": "ya", "ゅ": "yu", "ょ": "yo", "ぁ": "a", "ぃ": "i", "ぅ": "u", "ぇ": "e", "ぉ": "o"}
# Words a title can be read by: a run of hiragana (two or more: not a particle such
# as を or で), of katakana, or of Latin letters and digits.
READABLE = re.compile(r"[ぁ-ゖ]{2,}|[ァ-ヺー]+|[A-Za-z0-9]+")


def romanise_kana(run: str) -> str:
    """ "ワークショップ" -> "waakushoppu": kana by Hepburn, as a Japanese reader spells it."""
    hiragana = "".join(chr(ord(c) - 0x60) if "ァ" <= c <= "ヶ" else c for c in run)
    out: list[str] = []
    double = False
    for ch in hiragana:
        if ch == "っ":
            double = True
            continue
        if ch == "ー":
            if out and out[-1]:
                out.append(out[-1][-1])  # the long vowel written out: waa
            continue
        if ch in SMALL and out and out[-1]:
            previous = out.pop()
            consonant = previous[:-1]  # ki -> k, shi -> sh, fu -> f, te -> t
            vowel = SMALL[ch]
            if vowel.startswith("y") and consonant in ("sh", "ch", "j"):
                vowel = vowel[1:]  # sho, cha, ju
            elif not vowel.startswith("y") and not consonant:
                consonant = "w"  # ウィ -> wi
            out.append(consonant + vowel)
            continue
        roman = KANA.get(ch, SMALL.get(ch, ""))
        if double and roman:
            roman = roman[0] + roman
        double = False
        out.append(roman)
    return "".join(out)


def readable_words(title: str) -> str:
    """The parts of a Japanese title that read without a dictionary, as slug words."""
    text = unicodedata.normalize("NFKC", title)
    return " ".join(
        run.lower() if run.isascii() else romanise_kana(run) for run in READABLE.findall(text)
    )


def words_of(title: str, title_en: str = "", office_code: str = "") -> str:
    """The words of the slug: the English title's, else the office's and the title's."""
    source = title_en.strip() or f"{office_code} {readable_words(title)}"
    # Dashes and other punctuation separate words ("Japan–Korea"); slugify would join them.
    words = WORD.findall(slugify(re.sub(r"[^\w\s]", " ", source)))
    kept, length = [], 0
    for word in words:
        if kept and length + 1 + len(word) > MAX_LENGTH:
            break
        kept.append(word[:MAX_LENGTH])
        length += len(word) + (1 if kept else 0)
    return "-".join(kept) or "report"


def slug_taken(slug: str, *, exclude_pk: int | None = None) -> bool:
    reports = Report.objects.filter(slug=slug)
    if exclude_pk is not None:
        reports = reports.exclude(pk=exclude_pk)
    return reports.exists() or SlugRedirect.objects.filter(old_slug=slug).exists()


def unique_slug(
    *,
    title: str,
    title_en: str = "",
    office_code: str = "",
    year: int | None = None,
    exclude_pk: int | None = None,
    reserved=None,
) -> str:
    """A slug for a new report that no report, and no old address, has.

    `reserved(slug)` names slugs taken by something not yet saved (later lines
    of an import).
    """
    base = words_of(title, title_en, office_code)
    if year and not base.startswith(f"{year}-"):
        base = f"{year}-{base}"
    slug, n = base, 2
    while slug_taken(slug, exclude_pk=exclude_pk) or (reserved and reserved(slug)):
        slug, n = f"{base}-{n}", n + 1
    return slug
