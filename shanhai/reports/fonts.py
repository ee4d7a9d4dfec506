"""The Chinese font shipped with Shanhai (a subset of Noto Sans CJK SC, OFL): reports never rely on system fonts."""

from __future__ import annotations

from functools import cache
from pathlib import Path

FONT_PATH = Path(__file__).resolve().parent / "fonts" / "NotoSansSC-Shanhai.otf"
#: The family name inside the font file (matplotlib looks fonts up by it).
FONT_FAMILY = "Noto Sans CJK SC"
#: The name the PDF's stylesheet gives it in ``@font-face``, so WeasyPrint takes the shipped file.
CSS_FAMILY = "Shanhai Sans SC"
#: The East-Asian font named in DOCX runs: DOCX files do not embed fonts, so the reader's Word or
#: LibreOffice draws the text; 宋体 is on every Chinese Windows and fontconfig maps it elsewhere.
DOCX_EAST_ASIA_FONT = "宋体"


@cache
def matplotlib_family() -> str:
    """Register the shipped font with matplotlib once; return the family name to use."""
    from matplotlib import font_manager

    font_manager.fontManager.addfont(str(FONT_PATH))
    return font_manager.FontProperties(fname=str(FONT_PATH)).get_name()


def font_url() -> str:
    return FONT_PATH.as_uri()
