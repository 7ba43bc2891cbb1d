"""Word lists for the synthetic reports: CLAIR-style titles, summaries and bodies.

Sentences are assembled from templates and these lists, so the text has the
vocabulary, the length and the word frequencies of real activity reports (交流
is everywhere; 琥珀 is not). The planted words below appear nowhere else.
"""

# Words planted at known frequencies (see generate.PLANTED): the searches of the
# benchmark. None of them occurs in the lists below, so the expected number of
# results is exact.
RARE_2 = "琥珀"  # two characters, in 0.01 % of reports
RARE_5 = "伝統工芸品"  # five characters: 伝統 and 工芸 are common on their own
RARE_EN = "Hokusai"  # an English word, in English titles and summaries
COMMON_2 = "交流"  # two characters, in most reports (not planted: the vocabulary has it)

# Cities where each office works (overseas offices) or that staff visit (HQ divisions).
OFFICE_CITIES = {
    "seoul": ["ソウル", "釜山", "大邱", "仁川", "光州", "大田", "済州", "水原"],
    "paris": ["パリ", "リヨン", "マルセイユ", "ストラスブール", "ミラノ", "ローマ", "マドリード"],
    "london": [
        "ロンドン",
        "マンチェスター",
        "エディンバラ",
        "ダブリン",
        "ヘルシンキ",
        "ストックホルム",
    ],
    "singapore": ["シンガポール", "バンコク", "ジャカルタ", "マニラ", "ハノイ", "クアラルンプール"],
    "new-york": ["ニューヨーク", "ワシントン", "シアトル", "トロント", "ボストン", "シカゴ"],
    "beijing": ["北京", "上海", "大連", "成都", "広州", "天津", "西安"],
    "sydney": ["シドニー", "メルボルン", "ブリスベン", "オークランド", "パース", "アデレード"],
}
JAPANESE_CITIES = [
    "東京", "大阪", "名古屋", "札幌", "福岡", "仙台", "広島", "金沢", "松江", "鳥羽",
    "新潟", "熊本", "長崎", "函館", "高松", "松山", "岐阜", "富山", "盛岡", "那覇",
]  # fmt: skip
MUNICIPALITIES = [
    "北海道", "青森県", "岩手県", "宮城県", "秋田県", "山形県", "福島県", "茨城県", "栃木県",
    "群馬県", "埼玉県", "千葉県", "神奈川県", "新潟県", "富山県", "石川県", "福井県", "山梨県",
    "長野県", "岐阜県", "静岡県", "愛知県", "三重県", "滋賀県", "京都府", "兵庫県", "奈良県",
    "和歌山県", "鳥取県", "島根県", "岡山県", "広島県", "山口県", "徳島県", "香川県", "愛媛県",
    "高知県", "佐賀県", "熊本県", "大分県", "宮崎県", "鹿児島県", "沖縄県", "横浜市", "川崎市",
    "神戸市", "京都市", "北九州市", "浜松市", "鳥羽市", "飯田市", "豊岡市", "鯖江市", "高山市",
    "別府市", "萩市", "小樽市", "弘前市", "倉敷市", "今治市",
]  # fmt: skip

# Per theme (by slug): topics that titles and bodies talk about.
THEME_TOPICS = {
    "sister-cities": ["姉妹都市交流", "友好交流", "自治体間交流", "青少年交流", "記念式典"],
    "staff-exchange": ["職員研修", "人材交流", "派遣研修", "行政視察", "職員相互派遣"],
    "multicultural": ["多文化共生", "外国人住民支援", "日本語教室", "やさしい日本語", "相談窓口"],
    "tourism-culture": [
        "観光プロモーション",
        "日本文化紹介",
        "インバウンド誘致",
        "旅行博",
        "文化祭",
    ],
    "economy-trade": ["地域産品の販路開拓", "食品輸出", "商談会", "見本市", "地場産業"],
    "jet-programme": ["JETプログラム", "外国語指導助手", "国際交流員", "帰国JET", "JET同窓会"],
    "environment": ["環境政策", "ごみ処理", "脱炭素", "再生可能エネルギー", "リサイクル"],
    "disaster-resilience": ["防災", "治水対策", "災害対応", "避難訓練", "復興支援"],
    "education": ["教育交流", "学校間交流", "留学生", "語学教育", "高校生派遣"],
    "welfare-health": ["高齢者福祉", "子育て支援", "地域医療", "介護人材", "健康づくり"],
    "regional-revitalisation": ["地域活性化", "移住促進", "まちづくり", "中心市街地", "関係人口"],
    "local-government-systems": ["地方自治制度", "地方財政", "広域連携", "行政改革", "住民自治"],
    "public-participation": ["市民参加", "官民連携", "NPO協働", "住民ワークショップ", "公民連携"],
}
THEME_EN = {
    "sister-cities": ["sister city exchange", "friendship exchange", "youth exchange"],
    "staff-exchange": ["staff training", "study visit", "secondment"],
    "multicultural": ["multicultural coexistence", "support for foreign residents"],
    "tourism-culture": ["tourism promotion", "Japanese culture", "travel fair"],
    "economy-trade": ["local products", "food export", "business meeting", "trade fair"],
    "jet-programme": ["JET Programme", "assistant language teachers", "JET alumni"],
    "environment": ["environmental policy", "waste management", "decarbonisation"],
    "disaster-resilience": ["disaster resilience", "flood control", "evacuation drill"],
    "education": ["school exchange", "language education", "student exchange"],
    "welfare-health": ["elderly care", "child-rearing support", "community health"],
    "regional-revitalisation": ["regional revitalisation", "migration to rural areas"],
    "local-government-systems": ["local government systems", "local finance"],
    "public-participation": ["public participation", "public-private partnership"],
}
EVENT_KINDS = [
    "セミナー", "意見交換会", "視察", "研修", "フォーラム", "展示会", "説明会", "ワークショップ",
    "シンポジウム", "商談会", "レセプション", "講演会", "交流会", "訪問団受け入れ",
]  # fmt: skip
EVENT_KINDS_EN = [
    "seminar",
    "meeting",
    "study tour",
    "forum",
    "exhibition",
    "reception",
    "symposium",
]
VENUE_KINDS = [
    "市庁舎", "国際会議場", "日本国総領事館", "日本文化センター", "大学", "ホテル", "展示場",
    "市民会館", "公民館", "県庁", "図書館",
]  # fmt: skip
PARTICIPANT_KINDS = [
    "日本の自治体", "来場者", "現地自治体職員", "企業関係者", "大学生", "高校生", "在住日本人",
    "地方議員", "報道関係者", "JET参加者",
]  # fmt: skip

TITLE_TEMPLATES = [
    "{city}で{topic}に関する{kind}を開催",
    "{muni}と{city}の{topic}{years}周年記念{kind}",
    "{topic}{kind}（{city}）の報告",
    "{city}の自治体職員が{muni}を訪問し{topic}について意見交換",
    "{muni}の{topic}を{city}で紹介",
    "{city}における{topic}の取り組み",
    "第{nth}回{topic}{kind}を{city}で実施",
    "{muni}訪問団による{city}での{topic}",
]
TITLE_EN_TEMPLATES = [
    "{kind_en} on {topic_en} in {city_en}",
    "{muni_en} and {city_en}: {years} years of {topic_en}",
    "Report: {topic_en} {kind_en}",
]
SUMMARY_TEMPLATES = [
    "{date_text}、{office}は{city}で{topic}をテーマとした{kind}を開催し、{muni}など{n}の自治体から{people}人が参加しました。",
    "{office}は{muni}と協力し、{city}の関係者を対象に{topic}の{kind}を行いました。",
    "{city}の{venue}で開かれた{kind}に{office}が参加し、日本の{topic}の事例を紹介しました。",
    "{muni}の職員が{city}を訪れ、{topic}の現場を視察するとともに、現地の担当者と意見交換を行いました。",
]
SUMMARY_EN_TEMPLATES = [
    "{office_en} held a {kind_en} on {topic_en} in {city_en} with {people} participants.",
    "Officials from {muni_en} visited {city_en} to learn about {topic_en}.",
]
BODY_SENTENCES = [
    "{office}は{date_text}、{city}の{venue}において{topic}をテーマとした{kind}を開催しました。",
    "当日は{muni}をはじめとする日本の自治体の職員のほか、現地の自治体や関係団体から約{people}人が参加しました。",
    "冒頭、{office}の所長があいさつを述べ、日本と{country}の自治体間の交流の歴史を振り返りました。",
    "続いて{muni}の担当者が、地域における{topic}の取り組みと今後の課題について講演しました。",
    "参加者からは、{topic}を進めるうえでの住民との合意形成や財源の確保について多くの質問が寄せられました。",
    "後半のパネルディスカッションでは、{city}の担当者と日本側の参加者が{topic2}の事例を紹介し合いました。",
    "会場には{muni}の特産品や観光パンフレットを紹介するブースも設けられ、多くの来場者でにぎわいました。",
    "{kind}の後には交流会が開かれ、参加者同士が名刺を交換しながら今後の協力について話し合いました。",
    "{city}では近年、{topic2}への関心が高まっており、日本の自治体の経験に学びたいとの声が多く聞かれました。",
    "今回の訪問では、{city}の市長を表敬訪問したほか、関連施設の視察も行いました。",
    "{office}では今後も、{topic}に関する情報を日本の自治体に提供するとともに、現地とのネットワークづくりを支援していきます。",
    "本事業は、{muni}と{city}の姉妹都市提携{years}周年を記念して実施されたものです。",
    "参加した{muni}の職員は「現地の取り組みを直接見ることができ、大変参考になった」と話していました。",
    "なお、{kind}の資料は{office}のウェブサイトで公開しています。",
    "{country}では地方分権改革が進められており、自治体の役割が大きく変わりつつあります。",
    "今後は、オンラインでの意見交換も組み合わせながら、継続的な交流を図る予定です。",
    "{topic}の分野では、日本の自治体の先進的な事例に対する関心が高く、具体的な質問が相次ぎました。",
    "視察先では、担当者から施設の概要や運営上の工夫について説明を受けました。",
    # 伝統工芸 and 工芸品 hold every bigram of RARE_5 between them: candidates that
    # the bigram index returns and the substring check then rejects.
    "会場では{muni}の伝統工芸の実演が行われ、来場者の関心を集めました。",
    "物産コーナーでは地元の工芸品や加工食品が販売されました。",
]
COUNTRY_OF_OFFICE = {
    "seoul": "韓国",
    "paris": "フランス",
    "london": "英国",
    "singapore": "シンガポール",
    "new-york": "米国",
    "beijing": "中国",
    "sydney": "オーストラリア",
}
COUNTRY_CODES = {
    "seoul": "KR",
    "paris": "FR",
    "london": "GB",
    "singapore": "SG",
    "new-york": "US",
    "beijing": "CN",
    "sydney": "AU",
}
CITY_EN = {
    "ソウル": "Seoul", "パリ": "Paris", "ロンドン": "London", "シンガポール": "Singapore",
    "ニューヨーク": "New York", "北京": "Beijing", "シドニー": "Sydney", "東京": "Tokyo",
}  # fmt: skip
SOURCES = "自治体国際化フォーラム Vol. {vol} ({year}年{month}月)"
