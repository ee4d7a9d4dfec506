"""Every repository path the documentation cites exists (issue 13, item 9): README.md, docs/*.md, each
shanhai/<app>/README.md (and every other README.md under shanhai/ and bench/).

A cited path is a `backticked` token or a Markdown link target that names a file or folder of the repository:
from the root (``shanhai/…``, ``tests/…``, ``docs/…``, …), from ``shanhai/`` by app (``records/README.md``), or,
in an app's README, from the app's folder (``selectors/grading.py``). URLs, runtime paths (``var/…``), patterns
(``<kind>``, ``*``), paths inside an npm tarball (``package/…``, ``dist/…``: static/vendor/README.md), paths in another repository
written ``repo:path`` and bare file names are not paths here. Template and static names (``maternal/x.html``) count
as cited where a templates or static folder holds them.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "shanhai"
ROOT_ENTRIES = {"shanhai", "tests", "docs", "bench", ".ci", "Makefile", "README.md", "pyproject.toml", "conftest.py"}
APPS = {p.name for p in PACKAGE.iterdir() if p.is_dir() and (p / "__init__.py").exists()}
TOKEN = re.compile(r"`([^`\n]+)`|\]\(([^)\s]+)\)")
NOT_A_PATH = re.compile(r"[<>*{}$\s|,;=\"'…]|://|^/|^\.\.?/|^var/|^~|^\d|^(package|dist)/|^[\w.-]+:")
#: Folders an app's README names relative to the app or to shanhai/.
FOLDERS = {"templates", "static", "selectors", "services", "data", "management", "migrations", "locale"}
FILE_NAME = re.compile(r"^[\w.-]+\.(py|md|html|js|css|json|txt|toml|yml|yaml|sh|po|svg)$")


def documents() -> list[Path]:
    readmes = [*PACKAGE.glob("**/README.md"), *(ROOT / "bench").glob("**/README.md")]
    return [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md")), *sorted(readmes)]


def cited_paths(text: str) -> list[str]:
    """The tokens of a Markdown text that look like repository paths, cleaned of ``::test``, ``:line``,
    ``#anchor`` and trailing punctuation."""
    paths = []
    for match in TOKEN.finditer(text):
        token = (match.group(1) or match.group(2)).strip()
        token = re.split(r"::|#|:(?=\d)", token)[0].rstrip(".:")
        token = re.sub(r"\(\)$", "", token)
        if "/" not in token or NOT_A_PATH.search(token):
            continue
        first, last = token.split("/")[0], token.rstrip("/").split("/")[-1]
        if "." in first and first not in ROOT_ENTRIES and not first.startswith("."):
            continue  # a module path (shanhai.core.x/…) or a host name
        if first in ROOT_ENTRIES or first in APPS or first in FOLDERS or FILE_NAME.match(last):
            paths.append(token)  # not: URL fragments (assess/grade/), rates (60/10m), service names (x_create/update)
    return paths


def candidates(token: str, document: Path) -> list[Path]:
    """Where a cited path may live: from the root, from shanhai/ by app, from the document's folder, or as a
    template or static file name."""
    first = token.split("/")[0]
    places = [ROOT / token, document.parent / token, PACKAGE / token]
    if first in APPS:
        places.append(PACKAGE / token)
    places += [PACKAGE / "templates" / token, PACKAGE / "static" / token]
    places += [app / folder / token for app in PACKAGE.iterdir() for folder in ("templates", "static")]
    return places


def missing_paths(document: Path, text: str | None = None) -> list[str]:
    text = document.read_text(encoding="utf-8") if text is None else text
    return [
        token
        for token in dict.fromkeys(cited_paths(text))
        if not any(place.exists() for place in candidates(token.rstrip("/"), document))
    ]


@pytest.mark.parametrize("document", documents(), ids=lambda p: str(p.relative_to(ROOT)))
def test_every_cited_path_exists(document: Path) -> None:
    assert missing_paths(document) == []


def test_the_check_finds_a_missing_path_and_passes_a_present_one() -> None:
    text = (
        "See `shanhai/accounts/README.md`, [the map](docs/architecture.md), `tests/test_acceptance.py::TestX`,\n"
        "`records/README.md`, `selectors.py`, `/api/v1/docs/`, `var/secret_key`, `https://example.org/x`,\n"
        "`smart-anc:input/x.md`, `60/10m`, `course_create/update/delete`, `assess/grade/`,\n"
        "but also `shanhai/portal/nothing_here.py` and [gone](docs/gone.md) and `scoping.py` and `ghost/notes.md`."
    )
    readme = PACKAGE / "accounts" / "README.md"
    assert missing_paths(readme, text) == ["shanhai/portal/nothing_here.py", "docs/gone.md", "ghost/notes.md"]


def test_every_document_is_checked() -> None:
    names = {str(p.relative_to(ROOT)) for p in documents()}
    assert {"README.md", "docs/architecture.md", "shanhai/accounts/README.md", "shanhai/portal/README.md"} <= names
