"""What can be wrong with a text or a file handed to the parser.

Each error carries a message in Japanese for staff (`str(error)`), so the admin
page and the command show it as it is, and never a traceback.
"""


class ForumInputError(ValueError):
    """Input the parser cannot read; nothing is proposed."""


class EmptyInput(ForumInputError):
    def __init__(self):
        super().__init__("テキストが空です。フォーラムの記事を貼り付けるか、PDF を選んでください。")


class InputTooLarge(ForumInputError):
    def __init__(self, size: int, limit: int, unit: str = "バイト"):
        self.size, self.limit = size, limit
        super().__init__(
            f"大きすぎます（{size:,} {unit}）。上限は {limit:,} {unit}です。"
            "号ごと、またはページを分けて読み込んでください。"
        )


class NoReportFound(ForumInputError):
    def __init__(self):
        super().__init__(
            "記事が見つかりませんでした。「。」で終わる日本語の文を含む本文が必要です。"
            "フォーラムの「CLAIRトピックス」の記事を貼り付けてください。"
        )


class NotAPdf(ForumInputError):
    def __init__(self, detail: str = ""):
        message = "PDF ファイルではないか、壊れていて読めません。"
        if detail:
            message += f"（{detail}）"
        super().__init__(message)


class EncryptedPdf(ForumInputError):
    def __init__(self):
        super().__init__(
            "パスワードで保護された PDF は読めません。保護を外した PDF を選ぶか、テキストを貼り付けてください。"
        )


class PdfWithoutText(ForumInputError):
    def __init__(self, pages: int):
        self.pages = pages
        super().__init__(
            f"この PDF（{pages} ページ）には文字の情報がありません。スキャンした画像だけの PDF と思われます。"
            "文字認識（OCR）をかけた PDF を選ぶか、テキストを貼り付けてください。"
        )


class NotText(ForumInputError):
    def __init__(self):
        super().__init__(
            "文字として読めないファイルです（UTF-8 のテキストではありません）。"
            "テキストは UTF-8 で保存するか、PDF を選んでください。"
        )
