"""Global search (issue 13, item 6): one box in the sidebar finds institutions, people, consultations, pregnancies
(建册号) and children by their number, any record by its record number, and a woman by her ID number — each within the user's scope.

Women's names and phones are stored encrypted (``django-fernet-encrypted-fields``): a database cannot search them,
so a woman is found by her exact ID number (through its keyed digest, as duplicates are) and shown masked; her
file opens only for users who may see it. The query is posted, never put in a URL (an ID number would land in
access logs, history and the language switch's return address), and the page is ``no-store`` like every other.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.debug import sensitive_post_parameters, sensitive_variables
from django.views.decorators.http import require_http_methods

from shanhai.accounts.requests import AuthenticatedHttpRequest
from shanhai.core.models import OrgUnit
from shanhai.core.personal import mask_id_number, mask_name
from shanhai.maternal.identity import id_number_digest, normalise_id_number
from shanhai.records.kinds import all_kinds, kind_of
from shanhai.records.selectors import record_list
from shanhai.workforce.selectors import people_visible_to

LIMIT = 20


@dataclass(frozen=True)
class Hit:
    group: str
    label: str
    detail: str
    url: str


def _institutions(text: str) -> list[Hit]:
    units = OrgUnit.objects.filter(Q(name__icontains=text) | Q(code__iexact=text)).order_by("level", "name")[:LIMIT]
    return [Hit("institutions", u.name, u.code, reverse("portal:org_detail", kwargs={"code": u.code})) for u in units]


def _people(request: AuthenticatedHttpRequest, text: str) -> list[Hit]:
    people = people_visible_to(request.user).filter(name__icontains=text).order_by("name")[:LIMIT]
    staff = kind_of("staff")
    return [
        Hit(
            "people",
            p.name,
            p.institution.name,
            reverse("records:detail", kwargs={"kind": staff.slug, "public_id": p.public_id}),
        )
        for p in people
    ]


def _consultations(request: AuthenticatedHttpRequest, text: str) -> list[Hit]:
    if not text.upper().startswith("HZ"):
        return []
    found = record_list(kind_of("consultations"), request.user).filter(number__icontains=text)[:LIMIT]
    return [
        Hit(
            "records",
            c.number,
            str(c._meta.verbose_name),
            reverse("records:detail", kwargs={"kind": "consultations", "public_id": c.public_id}),
        )
        for c in found
    ]


#: Readable numbers of MCH records (``maternal.services.numbers``): a pregnancy's 建册号, a child's number.
MCH_NUMBERS = (("YC-", "pregnancies"), ("ET-", "children"))


def _mch_numbers(request: AuthenticatedHttpRequest, text: str) -> list[Hit]:
    """Pregnancies and children by their number, or its beginning (``YC-H652325002-2024``); shown with the
    masked name the record's ``__str__`` gives."""
    hits = []
    for letters, slug in MCH_NUMBERS:
        if text.upper().startswith(letters):
            kind = kind_of(slug)
            found = record_list(kind, request.user).filter(number__startswith=text.upper()).order_by("number")[:LIMIT]
            hits += [
                Hit(
                    "records",
                    record.number,
                    f"{str(kind.name).capitalize()} · {record}",
                    reverse("records:detail", kwargs={"kind": slug, "public_id": record.public_id}),
                )
                for record in found
            ]
    return hits


def _record_number(request: AuthenticatedHttpRequest, text: str) -> list[Hit]:
    try:
        number = uuid.UUID(text)
    except ValueError:
        return []
    hits = []
    for kind in all_kinds():
        record = record_list(kind, request.user).filter(public_id=number).first()
        if record is not None:
            url = reverse("records:detail", kwargs={"kind": kind.slug, "public_id": number})
            hits.append(Hit("records", str(kind.name).capitalize(), str(number), url))
    return hits


@sensitive_variables("text")
def _woman(request: AuthenticatedHttpRequest, text: str) -> list[Hit]:
    try:
        digest = id_number_digest(normalise_id_number(text))
    except ValidationError:
        return []
    kind = kind_of("women")
    women = record_list(kind, request.user).filter(id_number_digest=digest)[:1]
    return [
        Hit(
            "women",
            mask_name(w.name),  # masked: the search reveals nothing
            mask_id_number(w.id_number),
            reverse("records:detail", kwargs={"kind": kind.slug, "public_id": w.public_id}),
        )
        for w in women
    ]


@login_required
@require_http_methods(["GET", "POST"])
@sensitive_post_parameters("q")
@sensitive_variables("text")
def search(request: AuthenticatedHttpRequest) -> HttpResponse:
    text = " ".join(request.POST.get("q", "").split())[:100] if request.method == "POST" else ""
    groups: dict[str, list[Hit]] = {}
    if len(text) >= 2:
        for hit in [
            *_record_number(request, text),
            *_consultations(request, text),
            *_mch_numbers(request, text),
            *_woman(request, text),
            *_institutions(text),
            *_people(request, text),
        ]:
            groups.setdefault(hit.group, []).append(hit)
    context: dict[str, Any] = {"query": text, "groups": groups, "too_short": 0 < len(text) < 2}
    return render(request, "portal/search.html", context)
