"""The sidebar's sections, and links to pages that may not exist yet (other apps add them)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import template
from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

register = template.Library()


@dataclass(frozen=True)
class Section:
    url_name: str
    label: str | Promise
    needs_audit: bool = False
    needs_user_management: bool = False
    #: A context value shown as a count beside the link (e.g. unread notices), when not zero.
    badge: str = ""


SECTIONS: tuple[Section, ...] = (
    Section("portal:home", _("Overview")),
    Section("portal:dashboard", _("Dashboard")),
    Section("portal:ranking", _("Ranking")),
    Section("portal:org_tree", _("Organisations")),
    Section("partnerships:programme_list", _("Programmes")),
    Section("partnerships:partnership_list", _("Partnerships")),
    Section("workforce:person_list", _("People")),
    Section("records:index", _("Assistance records")),
    Section("maternal:home", _("Maternal & child health")),
    Section("telehealth:inbox", _("Remote collaboration"), badge="unread_notices"),
    Section("telehealth:discussion_list", _("Case discussions")),
    Section("portal:catalogue", _("Indicator catalogue")),
    Section("portal:audit_list", _("Audit log"), needs_audit=True),
    Section("accounts:user_list", _("Users"), needs_user_management=True),
)


@dataclass(frozen=True)
class NavLink:
    url: str
    label: str | Promise
    is_active: bool
    count: int = 0


def _is_active(url: str, path: str) -> bool:
    return path == url if url == "/" else path.startswith(url)


@register.simple_tag(takes_context=True)
def nav_sections(context: dict[str, Any]) -> list[NavLink]:
    """Sections whose page exists and that the user may open, the current one marked active."""
    request = context.get("request")
    path = request.path if request is not None else ""
    scope = context.get("user_scope")
    found = []
    for section in SECTIONS:
        if section.needs_audit and not (scope is not None and scope.can_audit):
            continue
        if section.needs_user_management and not (scope is not None and scope.can_manage_users):
            continue
        try:
            url = reverse(section.url_name)
        except NoReverseMatch:
            continue
        count = context.get(section.badge, 0) if section.badge else 0
        found.append((url, section.label, int(count() if callable(count) else count or 0)))
    # The longest matching URL wins: /partnerships/programmes/ is Programmes, not Partnerships.
    matching = [url for url, _label, _count in found if _is_active(url, path)]
    current = max(matching, key=len, default=None)
    return [NavLink(url, label, url == current, count) for url, label, count in found]


@register.simple_tag
def optional_url(url_name: str, *args: Any) -> str:
    """The URL of a named page, or "" while that page is not built yet."""
    try:
        return reverse(url_name, args=args)
    except NoReverseMatch:
        return ""
