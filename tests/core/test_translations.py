"""The Chinese catalogue: complete, consistent with its compiled copy, current with the sources, and used."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.test import Client
from django.utils import translation
from django.utils.translation import gettext

PACKAGE_DIR = Path(settings.BASE_DIR) / "shanhai"
CATALOGUE_DIR = PACKAGE_DIR / "locale" / "zh_Hans" / "LC_MESSAGES"
PO_PATH = CATALOGUE_DIR / "django.po"
MO_PATH = CATALOGUE_DIR / "django.mo"

#: A python-format placeholder: ``%(name)s``, ``%(month)02d``, ``%s``, ``%d``; ``%%`` is a literal.
PLACEHOLDER = re.compile(r"%(?:\((?P<name>\w+)\))?[-#0 +]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa]")
#: Han characters, CJK punctuation and full-width forms: every translation has at least one.
CHINESE = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")


def placeholders(text: str) -> set[str]:
    return {match.group(0) for match in PLACEHOLDER.finditer(text.replace("%%", ""))}


def translated(entry: polib.POEntry | polib.MOEntry) -> str:
    return entry.msgstr_plural[0] if entry.msgid_plural else entry.msgstr


@pytest.fixture(scope="module")
def catalogue() -> polib.POFile:
    return polib.pofile(str(PO_PATH))


def test_the_header_declares_simplified_chinese(catalogue: polib.POFile) -> None:
    assert catalogue.metadata["Language"] == "zh_Hans"
    assert catalogue.metadata["Plural-Forms"] == "nplurals=1; plural=0;"
    assert catalogue.metadata["Content-Type"] == "text/plain; charset=UTF-8"
    assert not catalogue.metadata_is_fuzzy


def test_every_entry_is_translated_into_chinese(catalogue: polib.POFile) -> None:
    entries = [entry for entry in catalogue if not entry.obsolete]
    assert len(entries) > 300  # the whole UI, not a stub
    assert [entry.msgid for entry in entries if "fuzzy" in entry.flags] == []
    assert [entry.msgid for entry in entries if not translated(entry).strip()] == []
    assert [entry.msgid for entry in entries if not CHINESE.search(translated(entry))] == []
    assert [entry.msgid for entry in entries if entry.msgid_plural and set(entry.msgstr_plural) != {0}] == []


def test_translations_keep_the_placeholders(catalogue: polib.POFile) -> None:
    wrong = []
    for entry in catalogue:
        if entry.obsolete or "python-format" not in entry.flags:
            continue
        expected = placeholders(entry.msgid) | placeholders(entry.msgid_plural or "")
        if placeholders(translated(entry)) != expected:
            wrong.append(entry.msgid)
    assert wrong == []


def test_the_compiled_catalogue_matches_the_po_file(catalogue: polib.POFile) -> None:
    compiled = polib.mofile(str(MO_PATH))
    expected = {(entry.msgctxt, entry.msgid): translated(entry) for entry in catalogue if not entry.obsolete}
    assert {(entry.msgctxt, entry.msgid): translated(entry) for entry in compiled if entry.msgid} == expected


@pytest.mark.skipif(
    not all(shutil.which(tool) for tool in ("xgettext", "msgmerge", "msguniq")), reason="GNU gettext is not installed"
)
def test_the_catalogue_is_current(catalogue: polib.POFile, tmp_path: Path) -> None:
    """Extract the msgids of a copy of the package, as `makemessages` does, and compare them."""
    source = tmp_path / "shanhai"
    shutil.copytree(PACKAGE_DIR, source, ignore=shutil.ignore_patterns("static", "locale", "__pycache__"))
    (source / "locale").mkdir()
    environment = {name: value for name, value in os.environ.items() if name != "DJANGO_SETTINGS_MODULE"}
    subprocess.run(
        [sys.executable, "-m", "django", "makemessages", "-l", "zh_Hans", "--no-location", "--ignore", "static/*"],
        cwd=source,
        env=environment,
        check=True,
        capture_output=True,
    )
    fresh = polib.pofile(str(source / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"))
    committed = {(entry.msgid, entry.msgid_plural) for entry in catalogue if not entry.obsolete}
    extracted = {(entry.msgid, entry.msgid_plural) for entry in fresh}
    assert sorted(extracted - committed) == [], "new strings: run makemessages, translate them, run compilemessages"
    assert sorted(committed - extracted) == [], "strings no longer used: run makemessages --no-obsolete"


def test_key_strings_are_chinese_by_default() -> None:
    with translation.override("zh-hans"):
        assert gettext("not reported") == "未上报"
        assert gettext("Filter") == "筛选"  # ours, not Django's 过滤器
        assert gettext("Search") == "搜索"
        assert gettext("Partnerships") == "帮扶关系"
        assert gettext("Counterpart support (对口支援)") == "对口支援"


@pytest.mark.parametrize(
    ("accept_language", "heading", "lang"),
    [
        ("zh-hans", "<h1>登录</h1>", 'lang="zh-hans"'),
        ("zh-CN,zh;q=0.9", "<h1>登录</h1>", 'lang="zh-hans"'),
        ("en", "<h1>Log in</h1>", 'lang="en"'),
    ],
)
def test_the_login_page_speaks_the_browsers_language(
    client: Client, db: None, accept_language: str, heading: str, lang: str
) -> None:
    content = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE=accept_language).content.decode()
    assert heading in content
    assert lang in content


def test_the_language_cookie_wins_over_the_browser(client: Client, db: None) -> None:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    content = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "<h1>Log in</h1>" in content
    assert "登录" not in content
