"""Suggested themes: a table of words per theme (docs/forum-drafts.md, "Themes").

A theme is suggested when an article's title and body name one of its specific
words (「姉妹都市」, 「ごみ」) or three of its general ones (「文化」, 「伝統」, 「アート」);
each word counts once however often it is used, and a general word inside a
specific one found (「多文化」 in 「多文化共生」) does not count again.
Every suggestion is a guess, listed with the words that made it, for staff to
accept or drop. The slugs are those of reports/migrations/0002_load_themes.py.
"""

import re
from dataclasses import dataclass

# slug: (specific words, general words)
KEYWORDS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "sister-cities": (
        ("姉妹都市", "友好都市", "姉妹提携", "友好提携", "姉妹校", "自治体交流", "自治体間交流",
         "地域間交流", "都市間交流", "友好交流", "姉妹州", "友好県"),
        ("交流協定", "提携"),
    ),
    "staff-exchange": (
        ("公務員交流", "職員交流", "幹部交流", "人材交流", "研修員", "招聘", "招へい", "実務者",
         "実務担当者", "幹部職員", "自治体幹部", "研修生", "人材育成", "職員派遣", "自治体職員協力交流",
         "視察ツアー", "視察団", "研修ツアー"),
        ("派遣", "視察", "研修"),
    ),
    "multicultural": (
        ("多文化共生", "外国人住民", "共生社会", "外国人材", "在住外国人", "移民", "地域国際化協会",
         "国際交流協会", "日本語教育", "やさしい日本語", "外国人相談", "難民"),
        ("多文化", "外国人", "国際交流財団"),
    ),
    "tourism-culture": (
        ("観光", "美食", "食文化", "伝統文化", "旅行", "インバウンド", "芸術", "祭り", "ツーリズム",
         "伝統工芸", "文化交流", "世界遺産", "日本文化"),
        ("文化", "伝統", "アート", "博覧会", "音楽", "スポーツ"),
    ),
    "economy-trade": (
        ("物産", "販路", "輸出", "食品展", "見本市", "商談", "テストマーケティング", "海外展開",
         "海外進出", "地域産品", "特産品", "地場産品", "経済交流", "ビジネス", "投資", "企業誘致"),
        ("経済", "企業", "事業者", "産業", "貿易"),
    ),
    "jet-programme": (
        ("JET", "JETAA", "語学指導", "国際交流員", "ALT", "CIR"),
        (),
    ),
    "environment": (
        ("ごみ", "廃棄物", "リサイクル", "気候変動", "脱炭素", "森林保全", "再生可能エネルギー",
         "ゼロカーボン", "環境保全", "環境政策", "カーボンニュートラル", "温暖化"),
        ("環境", "森林", "緑", "エネルギー"),
    ),
    "disaster-resilience": (
        ("防災", "災害", "治水", "洪水", "豪雨", "地震", "津波", "減災", "流域対策", "避難", "復興"),
        ("水害",),
    ),
    "education": (
        ("教育改革", "学校", "言語教育", "留学", "生徒", "学生", "授業", "教員", "教育交流", "高校",
         "大学生"),
        ("教育",),
    ),
    "welfare-health": (
        ("福祉", "高齢者", "介護", "医療", "ウェルビーイング", "子育て", "障害", "保健"),
        ("健康",),
    ),
    "regional-revitalisation": (
        ("地域活性化", "地域振興", "地域発展", "まちづくり", "人口減少", "人口流出", "地方創生",
         "過疎", "移住", "中心市街地", "地域づくり"),
        ("地域課題", "活性化"),
    ),
    "local-government-systems": (
        ("地方自治制度", "行財政", "地方財政", "自治制度", "行政改革", "地方行政", "地方分権",
         "住民自治", "議会制度"),
        ("行政運営", "政策", "地方自治"),
    ),
    "public-participation": (
        ("市民参加", "市民参画", "市民協働", "官民連携", "公民連携", "民間との連携", "住民参加",
         "住民参画", "NPO", "ボランティア", "PPP"),
        ("協働", "意識啓発", "市民活動"),
    ),
}  # fmt: skip

GENERAL_WORDS_NEEDED = 3


@dataclass(frozen=True)
class ThemeSuggestion:
    slug: str
    words: tuple[str, ...]  # the words that suggested it, in the order the text uses them
    spans: tuple[tuple[int, int], ...]  # where, in the text read (first use of each word)


def _pattern(word: str) -> re.Pattern:
    # Latin words whole (「JET」 not in 「JETRO」... but 「JETAA」 is its own word).
    if word.isascii():
        return re.compile(rf"(?<![A-Za-z]){re.escape(word)}(?![A-Za-z])")
    return re.compile(re.escape(word))


_PATTERNS = {
    slug: [(word, 2, _pattern(word)) for word in specific]
    + [(word, 1, _pattern(word)) for word in general]
    for slug, (specific, general) in KEYWORDS.items()
}


def suggest_themes(text: str, *, slugs=None) -> list[ThemeSuggestion]:
    """The themes the text's words suggest, in the table's order (the portal's display order).

    `slugs` limits the suggestions to the themes the portal has.
    """
    suggestions = []
    for slug, patterns in _PATTERNS.items():
        if slugs is not None and slug not in slugs:
            continue
        found = []
        for word, weight, pattern in patterns:
            match = pattern.search(text)
            if match and not any(word in other for other, _, _ in found):
                found.append((word, weight, match.span()))
        specific = any(weight == 2 for _, weight, _ in found)
        if specific or len(found) >= GENERAL_WORDS_NEEDED:
            found.sort(key=lambda entry: entry[2])
            suggestions.append(
                ThemeSuggestion(
                    slug,
                    tuple(word for word, _, _ in found),
                    tuple(span for _, _, span in found),
                )
            )
    return suggestions
