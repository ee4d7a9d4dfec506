"""Make the shipped Chinese font: Noto Sans CJK SC cut down to what Shanhai's text can use.

Run from the repository root (fontTools is a dependency of matplotlib)::

    .venv/bin/python shanhai/reports/fonts/subset.py /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc

The characters: printable ASCII, Latin-1 punctuation and signs, the whole GB2312 repertoire (its
6,763 hanzi and its symbols, CJK punctuation and full-width forms included), the rest of the CJK
Symbols and Punctuation and Halfwidth and Fullwidth Forms blocks, and a few signs the pages use
(→ – — ‰ ¥ · “ ” ‘ ’ … ≥ ≤ × ÷ ±). Font number 2 of the collection is Simplified Chinese (SC).
"""

from __future__ import annotations

import sys
from pathlib import Path

from fontTools import subset

HERE = Path(__file__).resolve().parent
OUTPUT = HERE / "NotoSansSC-Shanhai.otf"
SC_FONT_NUMBER = 2
EXTRA = "→←↑↓–—‰¥·“”‘’…≥≤×÷±°№℃■□▲△●○★☆"


def gb2312() -> set[str]:
    """Every character GB2312 encodes (rows 0xA1–0xF7, cells 0xA1–0xFE)."""
    characters = set()
    for row in range(0xA1, 0xF8):
        for cell in range(0xA1, 0xFF):
            try:
                characters.add(bytes([row, cell]).decode("gb2312"))
            except UnicodeDecodeError:
                continue
    return characters


def characters() -> str:
    chosen = gb2312() | set(EXTRA)
    chosen |= {chr(c) for c in range(0x20, 0x7F)}  # ASCII
    chosen |= {chr(c) for c in range(0xA0, 0x100)}  # Latin-1 signs
    chosen |= {chr(c) for c in range(0x3000, 0x3040)}  # CJK symbols and punctuation
    chosen |= {chr(c) for c in range(0xFF01, 0xFF5F)}  # full-width forms
    chosen |= {chr(c) for c in range(0xFFE0, 0xFFE7)}  # full-width signs (￥ …)
    return "".join(sorted(chosen))


def main(source: str) -> None:
    options = [
        source,
        f"--font-number={SC_FONT_NUMBER}",
        f"--text={characters()}",
        f"--output-file={OUTPUT}",
        "--layout-features=*",
        "--name-IDs=*",
        "--name-languages=*",
        "--notdef-outline",
        "--no-hinting",
    ]
    subset.main(options)
    print(f"{OUTPUT.name}: {OUTPUT.stat().st_size:,} bytes")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
