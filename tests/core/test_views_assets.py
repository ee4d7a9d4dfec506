"""Templates and static files: nothing loads from another host; error pages leak nothing."""

from __future__ import annotations

import re
from pathlib import Path

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.views.defaults import server_error

import shanhai

PACKAGE = Path(shanhai.__file__).resolve().parent
ABSOLUTE_URL = re.compile(r"https?://([a-z0-9.-]+)", re.IGNORECASE)
PROTOCOL_RELATIVE_URL = re.compile(r"""(?:src|href|action)\s*=\s*["']?//|url\(\s*["']?//""", re.IGNORECASE)
#: XML namespace names are identifiers, never fetched.
NAMESPACE_HOSTS = {"www.w3.org"}
#: Hosts the vendored minified files may name besides: their own licence notices.
VENDOR_ALLOWED_HOSTS = {"www.apache.org", "github.com", "konvajs.org"}


def template_and_static_files() -> list[Path]:
    files = [*PACKAGE.glob("templates/**/*"), *PACKAGE.glob("*/templates/**/*"), *PACKAGE.glob("static/**/*")]
    return sorted(f for f in files if f.is_file())


def test_the_scan_sees_our_files():
    names = {f.relative_to(PACKAGE).as_posix() for f in template_and_static_files()}
    assert {
        "templates/base.html",
        "static/shanhai/app.css",
        "static/shanhai/app.js",
        "static/vendor/htmx/htmx.min.js",
        "static/vendor/echarts/echarts.min.js",
    } <= names


def test_no_template_or_static_file_refers_to_an_external_host():
    offenders = []
    for path in template_and_static_files():
        relative = path.relative_to(PACKAGE).as_posix()
        if relative.startswith("static/vendor/") and not relative.endswith(".js"):
            continue  # licence texts and the vendoring README
        text = path.read_text(encoding="utf-8", errors="replace")
        for match in ABSOLUTE_URL.finditer(text):
            host = match.group(1).lower()
            if host in NAMESPACE_HOSTS or (relative.startswith("static/vendor/") and host in VENDOR_ALLOWED_HOSTS):
                continue
            offenders.append(f"{relative}: {match.group(0)}")
        offenders += [f"{relative}: {m.group(0)}" for m in PROTOCOL_RELATIVE_URL.finditer(text)]
    assert offenders == []


def test_static_files_are_found_by_the_finders():
    for name in ("shanhai/app.css", "shanhai/app.js", "vendor/htmx/htmx.min.js", "vendor/echarts/echarts.min.js"):
        assert finders.find(name) == str(PACKAGE / "static" / name)


def test_vendored_assets_are_the_pinned_versions():
    htmx = (PACKAGE / "static/vendor/htmx/htmx.min.js").read_text()
    echarts = (PACKAGE / "static/vendor/echarts/echarts.min.js").read_text()
    assert 'this.version="4.0.1"' in htmx
    assert 't.version="6.1.0"' in echarts
    assert (PACKAGE / "static/vendor/htmx/LICENSE").is_file()
    assert (PACKAGE / "static/vendor/echarts/LICENSE").is_file()


def test_templates_have_no_inline_scripts():
    for path in [*PACKAGE.glob("templates/**/*.html"), *PACKAGE.glob("*/templates/**/*.html")]:
        text = path.read_text(encoding="utf-8")
        for tag in re.findall(r"<script\b[^>]*>", text):
            assert "src=" in tag, f"{path}: {tag}"
        assert not re.search(r"\son[a-z]+=", text), f"{path} has an inline event handler"


def test_server_error_page_shows_no_request_data(db):
    request = RequestFactory().get("/org/?secret-query=s3cr3t", HTTP_COOKIE="sessionid=s3cr3t-session")
    response = server_error(request)
    assert response.status_code == 500
    content = response.content.decode()
    assert "s3cr3t" not in content
    assert "/org/" not in content
    assert "Something went wrong on our side" in content


def test_error_template_uses_no_request_variables():
    source = (PACKAGE / "templates/500.html").read_text()
    assert re.findall(r"{{\s*([^}|]+?)\s*(?:\|[^}]*)?}}", source) == ["LANGUAGE_CODE"]
    assert "<!doctype html>" in render_to_string("500.html")
