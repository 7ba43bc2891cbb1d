"""Draft reports from the pages of 自治体国際化フォーラム (docs/forum-drafts.md).

`forum.parsing.parse_text` reads the text of a 「CLAIRトピックス」 page, as copied
from a PDF viewer or extracted by `forum.pdf.extract_text`, and proposes one report
per article, every field with how sure it is and the words it came from. Pure
Python: it never touches the database (offices and the local-government finder
are passed in), so the admin page and the command share it.
"""
