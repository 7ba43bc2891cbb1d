"""Print the parser's accuracy per field on the seed page and on the unseen texts.

    .venv/bin/python bench/forum_accuracy.py

Compares every report with the values worked out by hand (tests/data/*-expected.json,
scored as in tests/forum_helpers.py) and lists any field marked found whose value
is wrong (there must be none).
"""

import datetime
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    sys.path.insert(0, str(ROOT))
    from forum.parsing import parse_text
    from tests.forum_helpers import DATA, OFFICES, THEME_SLUGS, accuracy, expected, invented

    status = 0
    for text, values in (
        ("forum-vol436.txt", "forum-vol436-expected.json"),
        ("forum-unseen.txt", "forum-unseen-expected.json"),
        ("forum-blind.txt", "forum-blind-expected.json"),
    ):
        hand = expected(values)
        result = parse_text(
            (DATA / text).read_text(encoding="utf-8"),
            offices=OFFICES,
            theme_slugs=THEME_SLUGS,
            issue=datetime.date.fromisoformat(hand["issue"]),
        )
        print(f"\n{text}")
        for name, (right, total) in accuracy(result, hand).items():
            print(f"  {name:<22} {right:>3}/{total:<3} {right / total:6.1%}")
        wrong = invented(result, hand)
        print(f"  found but wrong: {len(wrong)}")
        for line in wrong:
            print(f"    {line}")
            status = 1
    return status


if __name__ == "__main__":
    sys.exit(main())
