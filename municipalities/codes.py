"""The arithmetic of the 全国地方公共団体コード (JIS X 0402) and the prefecture numbers (JIS X 0401).

Pure: used by the models, the loader and the derivation scripts alike.
"""

# 47 names read better as one string than as a list of 47 lines.
PREFECTURE_NAMES = (  # noqa: SIM905
    "北海道 青森県 岩手県 宮城県 秋田県 山形県 福島県 茨城県 栃木県 群馬県 埼玉県 千葉県 東京都 "
    "神奈川県 新潟県 富山県 石川県 福井県 山梨県 長野県 岐阜県 静岡県 愛知県 三重県 滋賀県 京都府 "
    "大阪府 兵庫県 奈良県 和歌山県 鳥取県 島根県 岡山県 広島県 山口県 徳島県 香川県 愛媛県 高知県 "
    "福岡県 佐賀県 長崎県 熊本県 大分県 宮崎県 鹿児島県 沖縄県"
).split()

# As the prefectures write their own names in English (Hokkaido has no suffix;
# Tokyo, Kyoto and Osaka take -to and -fu in official use, plain names here).
PREFECTURE_NAMES_EN = (  # noqa: SIM905
    "Hokkaido Aomori Iwate Miyagi Akita Yamagata Fukushima Ibaraki Tochigi Gunma Saitama Chiba "
    "Tokyo Kanagawa Niigata Toyama Ishikawa Fukui Yamanashi Nagano Gifu Shizuoka Aichi Mie Shiga "
    "Kyoto Osaka Hyogo Nara Wakayama Tottori Shimane Okayama Hiroshima Yamaguchi Tokushima Kagawa "
    "Ehime Kochi Fukuoka Saga Nagasaki Kumamoto Oita Miyazaki Kagoshima Okinawa"
).split()


def check_digit(code: str) -> str:
    """The sixth digit of a code: weights 6..2 on the first five, modulus 11 (総務省's rule)."""
    remainder = sum(int(d) * w for d, w in zip(code[:5], (6, 5, 4, 3, 2), strict=True)) % 11
    return str((11 - remainder) % 10)


def is_code(value: str) -> bool:
    """Six ASCII digits whose last is the check digit of the first five."""
    return (
        len(value) == 6 and value.isascii() and value.isdigit() and check_digit(value) == value[5]
    )


def prefecture_code_of(code: str) -> str:
    """The 6-digit code of the prefecture a code (or 2-digit number) belongs to: NN000 + check."""
    first_five = code[:2] + "000"
    return first_five + check_digit(first_five)


def prefecture_name_en(code: str) -> str:
    """The prefecture's name in English, by the same numbering."""
    return PREFECTURE_NAMES_EN[int(code[:2]) - 1]


def prefecture_name(code: str) -> str:
    """The prefecture of a 6-digit code or 2-digit number, by JIS X 0401's fixed numbering."""
    return PREFECTURE_NAMES[int(code[:2]) - 1]
