"""Where an event took place: venue, city and country, as far as the text says.

A small gazetteer (countries, the cities and regions the Forum's reports name
most, Japan's prefectures, US and Australian states) gives countries; place
names themselves are read from the phrase 「<place>で／にて／において」 next to the
event's date, so a city that is not in the gazetteer is still found. The rules
are in docs/forum-drafts.md, "Venue, city, country".
"""

import re

COUNTRIES = {
    "日本": "JP", "韓国": "KR", "大韓民国": "KR", "中国": "CN", "中華人民共和国": "CN",
    "台湾": "TW", "米国": "US", "アメリカ": "US", "アメリカ合衆国": "US", "全米": "US",
    "カナダ": "CA", "英国": "GB", "イギリス": "GB", "イングランド": "GB", "スコットランド": "GB",
    "フランス": "FR", "ドイツ": "DE", "イタリア": "IT", "スペイン": "ES", "オランダ": "NL",
    "ベルギー": "BE", "スイス": "CH", "オーストリア": "AT", "デンマーク": "DK",
    "スウェーデン": "SE", "ノルウェー": "NO", "フィンランド": "FI", "アイルランド": "IE",
    "ポーランド": "PL", "ポルトガル": "PT", "チェコ": "CZ", "ハンガリー": "HU",
    "シンガポール": "SG", "インドネシア": "ID", "マレーシア": "MY", "タイ": "TH",
    "ベトナム": "VN", "フィリピン": "PH", "インド": "IN", "オーストラリア": "AU", "豪州": "AU",
    "ニュージーランド": "NZ", "ブラジル": "BR", "メキシコ": "MX", "モンゴル": "MN",
    "カンボジア": "KH", "ラオス": "LA", "ミャンマー": "MM", "ブルネイ": "BN",
}  # fmt: skip

CITIES = {
    "東京": "JP", "ソウル": "KR", "釜山": "KR", "仁川": "KR", "大邱": "KR", "済州": "KR",
    "蔚山": "KR", "光州": "KR", "大田": "KR", "水原": "KR", "安山": "KR", "北京": "CN",
    "上海": "CN", "大連": "CN", "広州": "CN", "天津": "CN", "重慶": "CN", "成都": "CN",
    "西安": "CN", "瀋陽": "CN", "青島": "CN", "杭州": "CN", "台北": "TW", "高雄": "TW",
    "パリ": "FR", "リヨン": "FR", "マルセイユ": "FR", "ストラスブール": "FR", "ボルドー": "FR",
    "ロンドン": "GB", "マンチェスター": "GB", "エディンバラ": "GB", "バーミンガム": "GB",
    "リバプール": "GB", "グラスゴー": "GB", "ベルリン": "DE", "ミュンヘン": "DE",
    "ハンブルク": "DE", "フランクフルト": "DE", "デュッセルドルフ": "DE", "ローマ": "IT",
    "ミラノ": "IT", "マドリード": "ES", "バルセロナ": "ES", "アムステルダム": "NL",
    "ブリュッセル": "BE", "ジュネーブ": "CH", "チューリッヒ": "CH", "ウィーン": "AT",
    "コペンハーゲン": "DK", "ストックホルム": "SE", "ヘルシンキ": "FI", "オスロ": "NO",
    "ダブリン": "IE", "ワルシャワ": "PL", "リスボン": "PT", "プラハ": "CZ",
    "ニューヨーク": "US", "ワシントン": "US", "ワシントンD.C.": "US", "ロサンゼルス": "US",
    "サンフランシスコ": "US", "シアトル": "US", "シカゴ": "US", "ボストン": "US",
    "ホノルル": "US", "ソルトレイクシティ": "US", "ポートランド": "US", "アトランタ": "US",
    "デンバー": "US", "ヒューストン": "US", "ダラス": "US", "サンディエゴ": "US",
    "フィラデルフィア": "US", "トロント": "CA", "バンクーバー": "CA", "モントリオール": "CA",
    "シドニー": "AU", "メルボルン": "AU", "ブリスベン": "AU", "パース": "AU",
    "アデレード": "AU", "キャンベラ": "AU", "ホバート": "AU", "ダーウィン": "AU",
    "ゴールドコースト": "AU", "オークランド": "NZ", "ウェリントン": "NZ",
    "クライストチャーチ": "NZ", "ジャカルタ": "ID", "バリ": "ID", "スラバヤ": "ID",
    "クアラルンプール": "MY", "ペナン": "MY", "バンコク": "TH", "チェンマイ": "TH",
    "ハノイ": "VN", "ホーチミン": "VN", "ダナン": "VN", "マニラ": "PH", "セブ": "PH",
    "ウランバートル": "MN", "ニューデリー": "IN", "デリー": "IN", "ムンバイ": "IN",
    "シンガポール": "SG", "香港": "HK", "マカオ": "MO",
}  # fmt: skip

_PREFECTURES = [
    "北海道",
    "青森県",
    "岩手県",
    "宮城県",
    "秋田県",
    "山形県",
    "福島県",
    "茨城県",
    "栃木県",
    "群馬県",
    "埼玉県",
    "千葉県",
    "東京都",
    "神奈川県",
    "新潟県",
    "富山県",
    "石川県",
    "福井県",
    "山梨県",
    "長野県",
    "岐阜県",
    "静岡県",
    "愛知県",
    "三重県",
    "滋賀県",
    "京都府",
    "大阪府",
    "兵庫県",
    "奈良県",
    "和歌山県",
    "鳥取県",
    "島根県",
    "岡山県",
    "広島県",
    "山口県",
    "徳島県",
    "香川県",
    "愛媛県",
    "高知県",
    "福岡県",
    "佐賀県",
    "長崎県",
    "熊本県",
    "大分県",
    "宮崎県",
    "鹿児島県",
    "沖縄県",
]
_US_STATES = [
    "アラバマ",
    "アラスカ",
    "アリゾナ",
    "アーカンソー",
    "カリフォルニア",
    "コロラド",
    "コネチカット",
    "デラウェア",
    "フロリダ",
    "ジョージア",
    "ハワイ",
    "アイダホ",
    "イリノイ",
    "インディアナ",
    "アイオワ",
    "カンザス",
    "ケンタッキー",
    "ルイジアナ",
    "メイン",
    "メリーランド",
    "マサチューセッツ",
    "ミシガン",
    "ミネソタ",
    "ミシシッピ",
    "ミズーリ",
    "モンタナ",
    "ネブラスカ",
    "ネバダ",
    "ニューハンプシャー",
    "ニュージャージー",
    "ニューメキシコ",
    "ニューヨーク",
    "ノースカロライナ",
    "ノースダコタ",
    "オハイオ",
    "オクラホマ",
    "オレゴン",
    "ペンシルベニア",
    "ロードアイランド",
    "サウスカロライナ",
    "サウスダコタ",
    "テネシー",
    "テキサス",
    "ユタ",
    "バーモント",
    "バージニア",
    "ワシントン",
    "ウェストバージニア",
    "ウィスコンシン",
    "ワイオミング",
]
_AU_STATES = [
    "ニューサウスウェールズ",
    "ビクトリア",
    "クイーンズランド",
    "南オーストラリア",
    "西オーストラリア",
    "タスマニア",
]
_KR_PROVINCES = [
    "京畿道",
    "江原道",
    "忠清北道",
    "忠清南道",
    "全羅北道",
    "全羅南道",
    "慶尚北道",
    "慶尚南道",
    "済州道",
    "済州特別自治道",
]

REGIONS = dict.fromkeys(_PREFECTURES, "JP")
REGIONS.update({f"{name}州": "US" for name in _US_STATES})
REGIONS.update({f"{name}州": "AU" for name in _AU_STATES})
REGIONS.update(dict.fromkeys(_KR_PROVINCES, "KR"))
REGIONS.update({"西ジャワ州": "ID", "東ジャワ州": "ID", "中部ジャワ州": "ID", "バリ州": "ID"})

# Words that end like a place but are not one (a trade fair is a 見本市).
_NOT_PLACES = re.compile(
    r"^(?:同|当|本|各|全|両|他|市内|県内|州内|都内|区内|町内|村内|現地|地元|見本市|都市|朝市|夜市|欧州|"
    r"姉妹都市|友好都市|大都市|中核市|政令市)"
)
_MINISTRY = re.compile(
    r"(?:総務|外務|文部科学|経済産業|国土交通|農林水産|財務|法務|防衛|厚生労働|環境|内閣|商務|民政)省$"
)
_PROVINCE = re.compile(
    r"^[\u4e00-\u9fff]{2,4}?[省州道](?=[\u4e00-\u9fff\u30a0-\u30ff]+(?:市|区|県|町|村)$)"
)
_KATAKANA = re.compile(r"^[\u30a0-\u30ff・]+$")
_PLACE_SUFFIX = re.compile(r"(?:都|道|府|県|州|省|市|区|町|村|郡|シティ|特別市|広域市)$")
_PLACE_RUN = re.compile(r"[\u4e00-\u9fff々\u30a0-\u30ffA-Za-z・.]+$")
_INSIDE = re.compile(r"(?:市内|都内|県内|州内|区内|町内|村内|近郊|郊外)$")
_DIRECTION = re.compile(r"^(?:北|南|東|西|中|北東|北西|南東|南西|中央|中西|中東)部")
_AT = re.compile(r"(?:で|にて|において|を会場に|を舞台に)(?![はもき])")
_AND = re.compile(r"(?:と|・|、|および|及び)$")
_VENUE_QUOTED = re.compile(r"「(?P<venue>[^「」]{2,60})」(?:で|にて|において|を会場に)")
_VENUE_NAMED = re.compile(
    r"(?P<venue>[\u4e00-\u9fff々\u30a0-\u30ffA-Za-z0-9・]{2,40}?"
    r"(?:ホール|会館|センター|ホテル|会議場|コンベンション|大学|庁舎|公民館|アリーナ|プラザ|ドーム|"
    r"スタジアム|博物館|美術館|記念館|公園|会議室|市役所|県庁|都庁|大使館|総領事館))"
    r"(?:で|にて|において|を会場に)"
)
_ALL_PLACES = {**COUNTRIES, **CITIES, **REGIONS}
_KNOWN = re.compile(
    "|".join(re.escape(name) for name in sorted(_ALL_PLACES, key=len, reverse=True))
)


def country_in(text: str) -> tuple[str, str] | None:
    """(country code, the name) of the first place of the gazetteer the text names.

    A name followed by 「の」 (「米国の自治体職員を日本に招き」) says where people come
    from rather than where the event is: another place, if any, is preferred.
    """
    matches = list(_KNOWN.finditer(text))
    if not matches:
        return None
    where = [m for m in matches if not text.startswith("の", m.end())] or matches
    return _ALL_PLACES[where[0].group()], where[0].group()


def _city_of(run: str) -> str | None:
    """The city a place run names: 「青森県黒石市」 is 黒石市, 「フランス北東部オーブ県」 オーブ県."""
    run = _INSIDE.sub("", run)
    for name in sorted(COUNTRIES, key=len, reverse=True):
        if run.startswith(name) and len(run) > len(name):
            run = _DIRECTION.sub("", run[len(name) :])
            if _KATAKANA.match(run) and run not in COUNTRIES:
                return run  # 「英国ハロゲート」: a foreign name after its country is a place
            break
    if not run or _NOT_PLACES.match(run) or _MINISTRY.search(run):
        return None
    run = _PROVINCE.sub("", run)  # 「遼寧省大連市」 is 大連市
    for name in sorted(REGIONS, key=len, reverse=True):
        if run.startswith(name) and len(run) > len(name):
            rest = run[len(name) :]
            if _PLACE_SUFFIX.search(rest) or rest in CITIES or rest.endswith("シティ"):
                return rest
    if run in COUNTRIES:
        return None
    if _PLACE_SUFFIX.search(run) or run in CITIES or run in REGIONS:
        return run
    return None


_HELD = re.compile(r"(?:開催|実施|行われ|行い|開か)")


def place_phrase(text: str, *, event: bool = False) -> tuple[str, str, tuple[int, int]] | None:
    """(city, the words it was read from, their span) of the first 「<place>で」 in the text.

    Two places joined by 「と」 are both kept: 「東京都と青森県黒石市において」 is 東京都・黒石市.
    With `event`, only a place followed by 「開催」「実施」「行われ」 counts.
    """
    for match in _AT.finditer(text):
        if event and not _HELD.match(text, match.end()):
            continue
        head = text[: match.start()]
        run = _PLACE_RUN.search(head)
        if not run:
            continue
        city = _city_of(run.group())
        if city is None and head[: run.start()].endswith("の"):
            # 「東京都新宿区の京王プラザホテルにおいて」: the place of the venue.
            run = _PLACE_RUN.search(head[: run.start() - 1])
            city = _city_of(run.group()) if run else None
        if city is None:
            continue
        cities = [city]
        start = run.start()
        joined = _AND.search(text[:start])
        if joined:
            other = _PLACE_RUN.search(text[: joined.start()])
            if other and (first := _city_of(other.group())):
                cities.insert(0, first)
                start = other.start()
        return "・".join(cities), text[start : match.end()], (start, match.end())
    return None


def city_named(text: str) -> tuple[str, tuple[int, int]] | None:
    """A city of the gazetteer the text names (not a country, not a region)."""
    for match in _KNOWN.finditer(text):
        if match.group() in CITIES:
            return match.group(), (match.start(), match.end())
    return None


def venue_phrase(text: str) -> tuple[str, tuple[int, int]] | None:
    """The venue of 「「…」で開催」 or 「…センターで」, with its span."""
    match = _VENUE_QUOTED.search(text) or _VENUE_NAMED.search(text)
    if not match:
        return None
    return match.group("venue"), (match.start("venue"), match.end("venue"))


def country_of_place(words: str) -> str | None:
    """The country of the place words (「ユタ州ソルトレイクシティにて」: US)."""
    found = country_in(words)
    return found[0] if found else None
