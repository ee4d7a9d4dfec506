"""Personal data in record kinds: masked everywhere by default, revealed only with the
``reveals_personal`` permission and a reason, and every reveal audited without the values.

Exercised through the workforce ``staff`` kind, whose phone column is ``Personal``.
"""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from openpyxl import Workbook, load_workbook
from rest_framework.test import APIClient

from conftest import World
from shanhai.accounts.models import Membership, Role, User
from shanhai.accounts.scoping import scope_of
from shanhai.accounts.services import membership_grant
from shanhai.core.models import AuditAction, AuditEntry
from shanhai.core.personal import mask_phone, normalise_phone
from shanhai.records.columns import KEEP, Personal
from shanhai.records.imports import import_rows
from shanhai.records.kinds import kind_of
from shanhai.records.lookup import Lookup
from shanhai.workforce.models import Person
from tests.core.factories import PersonFactory

STAFF = kind_of("staff")
PHONE = "13812345678"
MASKED = "138****5678"
REASON = "电话通知下周复诊"
HEADERS = ["Name", "Gender", "Institution", "Department", "Professional title", "Phone"]
MASKED_MESSAGE = "This value is masked; enter the full value."
REASON_MESSAGE = "Give the reason for viewing personal data."


@pytest.fixture
def doctor(world: World) -> Person:
    return PersonFactory(name="阿依古丽", institution=world.qitai_hospital, phone=PHONE)


@pytest.fixture
def revealer(world: World, hospital_admin: User) -> User:
    """The Qitai hospital admin, whose membership also lets them reveal personal data."""
    membership_grant(
        actor=None,
        user=hospital_admin,
        org_unit=world.qitai_hospital,
        role=Role.INSTITUTION_ADMIN,
        reveals_personal=True,
    )
    return hospital_admin


def _client(user: User, *, enforce_csrf: bool = False) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en", enforce_csrf_checks=enforce_csrf)
    client.force_login(user)
    return client


def _api(user: User) -> APIClient:
    api = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    api.force_authenticate(user)
    return api


def _url(name: str, person: Person | None = None) -> str:
    kwargs: dict[str, Any] = {"kind": "staff"}
    if person is not None:
        kwargs["public_id"] = person.public_id
    return reverse(f"records:{name}", kwargs=kwargs)


def _api_url(person: Person, suffix: str = "") -> str:
    return f"/api/v1/records/staff/{person.public_id}/{suffix}"


def _reveals() -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(action=AuditAction.REVEAL))


def _xlsx(headers: list[str], rows: list[list[object]]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _upload(name: str, content: bytes) -> io.BytesIO:
    file = io.BytesIO(content)
    file.name = name
    return file


def _form(person: Person, **changes: str) -> dict[str, Any]:
    return {
        "name": person.name,
        "gender": person.gender,
        "institution": person.institution_id,
        "department": "",
        "title": "",
        "phone": MASKED,
        **changes,
    }


# --- the column -----------------------------------------------------------------------------------
def test_the_column_reads_masked_text_as_keep_and_checks_clear_text(world: World, hospital_admin: User) -> None:
    column = STAFF.column("phone")
    lookup = Lookup(hospital_admin)

    assert isinstance(column, Personal)
    assert repr(KEEP) == "KEEP"
    assert column.parse(MASKED, lookup) is KEEP
    assert column.parse(" +86 138-1234-5678 ", lookup) == PHONE
    assert column.parse("0994-1234567", lookup) == "09941234567"
    assert column.parse("", lookup) == ""
    with pytest.raises(ValidationError) as error:
        column.parse("12345", lookup)
    assert error.value.messages == ["Enter a phone number of 7 to 15 digits, such as 13812345678 or 0994-1234567."]
    assert column.same(PHONE, KEEP) is True
    assert column.same(PHONE, PHONE) is True
    assert column.same(PHONE, "13912345678") is False
    assert column.sort_path is None


def test_every_non_empty_phone_is_masked_with_at_least_one_star() -> None:
    assert [mask_phone(v) for v in ["13812345678", "0994-1234567", "12345678", "1234567", "12345", "12", ""]] == [
        "138****5678",
        "099*****4567",
        "****5678",
        "***4567",
        "***45",
        "**",
        "",
    ]
    assert normalise_phone("0086 (0994) 1234567") == "09941234567"


# --- masked by default ----------------------------------------------------------------------------
def test_the_phone_is_masked_on_the_list_the_detail_page_the_export_and_the_api(
    world: World, doctor: Person, revealer: User
) -> None:
    client = _client(revealer)

    listing = client.get(_url("list")).content.decode()
    detail = client.get(_url("detail", doctor)).content.decode()
    exported = client.get(_url("export"))
    sheet = load_workbook(io.BytesIO(exported.content)).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    api_list = _api(revealer).get("/api/v1/records/staff/")
    api_detail = _api(revealer).get(_api_url(doctor))

    assert MASKED in listing and PHONE not in listing
    assert MASKED in detail and PHONE not in detail
    assert rows == [
        ("Record number", *HEADERS),
        (str(doctor.public_id), "阿依古丽", "Female", "H652325001", None, None, MASKED),
    ]
    assert [r["phone"] for r in api_list.json()["results"]] == [MASKED]
    assert api_detail.json()["phone"] == MASKED
    assert PHONE not in api_list.content.decode() + api_detail.content.decode()
    assert _reveals() == []


def test_an_exported_list_reimports_without_touching_the_phone(
    world: World, doctor: Person, hospital_admin: User
) -> None:
    client = _client(hospital_admin)
    exported = client.get(_url("export"))

    response = client.post(_url("import"), {"file": _upload("staff.xlsx", exported.content)})

    assert response.status_code == 200
    assert "staff.xlsx: every row imported — 0 new, 1 updated." in response.content.decode()
    doctor.refresh_from_db()
    assert (doctor.name, doctor.phone) == ("阿依古丽", PHONE)
    assert AuditEntry.objects.filter(object_type="workforce.person", action=AuditAction.UPDATE).count() == 0


def test_a_new_row_with_a_masked_phone_is_refused_and_nothing_is_written(
    world: World, doctor: Person, hospital_admin: User
) -> None:
    rows: list[list[object]] = [
        ["马医生", "male", "H652325001", "", "", "13912345678"],
        ["王医生", "female", "H652325001", "", "", MASKED],
    ]

    result = import_rows(STAFF, hospital_admin, HEADERS, rows)

    assert [(e.row, e.column, e.message) for e in result.errors] == [(3, "Phone", MASKED_MESSAGE)]
    assert (result.created, result.updated) == (0, 0)
    assert list(Person.objects.values_list("name", flat=True)) == ["阿依古丽"]
    # the doctor's creation, and the refused import itself
    assert sorted(AuditEntry.objects.filter(object_type="workforce.person").values_list("action", flat=True)) == [
        "create",
        "import_refused",
    ]


def test_a_masked_phone_cannot_create_through_the_form_or_the_api(world: World, hospital_admin: User) -> None:
    form = {"name": "马医生", "gender": "male", "institution": world.qitai_hospital.pk, "phone": MASKED}

    page = _client(hospital_admin).post(_url("create"), form)
    api = _api(hospital_admin).post(
        "/api/v1/records/staff/",
        {"name": "马医生", "gender": "male", "institution": "H652325001", "phone": MASKED},
        format="json",
    )

    assert page.status_code == 400
    assert page.context["form"].errors == {"phone": [MASKED_MESSAGE]}
    assert (api.status_code, api.json()) == (400, {"phone": [MASKED_MESSAGE]})
    assert Person.objects.count() == 0


def test_the_edit_form_starts_masked_and_keeps_the_phone_unless_a_new_one_is_typed(
    world: World, doctor: Person, hospital_admin: User
) -> None:
    client = _client(hospital_admin)

    page = client.get(_url("edit", doctor)).content.decode()
    kept = client.post(_url("edit", doctor), _form(doctor, gender="male"))
    doctor.refresh_from_db()
    phone_after_keep = doctor.phone
    replaced = client.post(_url("edit", doctor), _form(doctor, phone="+86 139-1234-5678"))
    doctor.refresh_from_db()

    assert f'value="{MASKED}"' in page and PHONE not in page
    assert (kept.status_code, replaced.status_code) == (302, 302)
    assert phone_after_keep == PHONE
    assert (doctor.gender, doctor.phone) == ("male", "13912345678")
    updates = AuditEntry.objects.filter(object_type="workforce.person", action=AuditAction.UPDATE).order_by("id")
    assert [entry.changes for entry in updates] == [
        {"gender": ["female", "male"]},
        {"phone": [MASKED, "139****5678"]},
    ]


def test_a_refused_edit_shows_the_untouched_phone_masked_and_a_newly_typed_one_as_typed(
    world: World, doctor: Person, hospital_admin: User
) -> None:
    client = _client(hospital_admin)

    untouched = client.post(_url("edit", doctor), _form(doctor, gender="nope"))
    retyped = client.post(_url("edit", doctor), _form(doctor, gender="nope", phone="13900002222"))
    doctor.refresh_from_db()

    assert (untouched.status_code, retyped.status_code) == (400, 400)
    assert f'name="phone" value="{MASKED}"' in untouched.content.decode() and PHONE not in untouched.content.decode()
    assert 'name="phone" value="13900002222"' in retyped.content.decode()
    assert (doctor.gender, doctor.phone) == ("female", PHONE)


def test_an_api_patch_with_the_masked_phone_changes_nothing(world: World, doctor: Person, hospital_admin: User) -> None:
    response = _api(hospital_admin).patch(_api_url(doctor), {"phone": MASKED}, format="json")

    assert (response.status_code, response.json()["phone"]) == (200, MASKED)
    doctor.refresh_from_db()
    assert doctor.phone == PHONE
    assert AuditEntry.objects.filter(object_type="workforce.person", action=AuditAction.UPDATE).count() == 0


# --- the permission -------------------------------------------------------------------------------
def test_the_permission_follows_the_membership_flag(world: World, hospital_admin: User, admin: User) -> None:
    assert scope_of(hospital_admin).reveal_paths == ()

    membership_grant(
        actor=admin,
        user=hospital_admin,
        org_unit=world.qitai_hospital,
        role=Role.INSTITUTION_ADMIN,
        reveals_personal=True,
    )
    scope = scope_of(User.objects.get(pk=hospital_admin.pk))

    assert scope.reveal_paths == (world.qitai_hospital.path,)
    assert (scope.can_reveal_path(world.qitai_hospital.path), scope.can_reveal_path(world.qitai_mch.path)) == (
        True,
        False,
    )
    assert scope_of(admin).can_reveal_path(world.haikou_hospital.path) is True
    assert Membership.objects.get(user=hospital_admin).reveals_personal is True
    entry = AuditEntry.objects.filter(object_type="accounts.membership", action=AuditAction.UPDATE).get()
    assert (entry.actor, entry.changes) == (admin, {"reveals_personal": [False, True]})


# --- revealing ------------------------------------------------------------------------------------
def test_without_the_permission_there_is_no_form_and_a_reveal_is_403(
    world: World, doctor: Person, hospital_admin: User
) -> None:
    client = _client(hospital_admin)

    detail = client.get(_url("detail", doctor)).content.decode()
    page = client.post(_url("record_reveal", doctor), {"reason": REASON})
    api = _api(hospital_admin).post(_api_url(doctor, "reveal/"), {"reason": REASON}, format="json")

    assert _url("record_reveal", doctor) not in detail
    assert (page.status_code, api.status_code) == (403, 403)
    assert PHONE not in page.content.decode() + api.content.decode()
    assert [(e.actor, e.changes) for e in _reveals()] == [
        (hospital_admin, {"_": {"fields": ["phone"], "refused": True}})
    ] * 2


def test_with_the_permission_the_phone_is_shown_and_the_viewing_audited_without_it(
    world: World, doctor: Person, revealer: User
) -> None:
    client = _client(revealer)

    detail = client.get(_url("detail", doctor)).content.decode()
    page = client.post(_url("record_reveal", doctor), {"reason": f"  {REASON} "})
    api = _api(revealer).post(_api_url(doctor, "reveal/"), {"reason": "核对联系方式"}, format="json")

    assert f'action="{_url("record_reveal", doctor)}"' in detail
    assert page.status_code == 200
    content = page.content.decode()
    assert PHONE in content and MASKED not in content
    assert "Personal data is shown in full. This viewing is recorded in the audit trail." in content
    assert "no-store" in page["Cache-Control"]
    assert (api.status_code, api.json(), "no-store" in api["Cache-Control"]) == (200, {"phone": PHONE}, True)
    entries = AuditEntry.objects.filter(action=AuditAction.REVEAL).order_by("id")
    assert [(e.actor, e.object_type, e.object_id, e.org_unit, e.changes) for e in entries] == [
        (
            revealer,
            "workforce.person",
            str(doctor.public_id),
            world.qitai_hospital,
            {"_": {"fields": ["phone"], "reason": REASON}},
        ),
        (
            revealer,
            "workforce.person",
            str(doctor.public_id),
            world.qitai_hospital,
            {"_": {"fields": ["phone"], "reason": "核对联系方式"}},
        ),
    ]
    for entry in AuditEntry.objects.all():
        stored = [entry.actor_name, entry.action, entry.object_type, entry.object_id, entry.object_repr, entry.org_path]
        assert PHONE not in " ".join(stored) + repr(entry.changes)


def test_the_audit_trail_lists_a_reveal(world: World, doctor: Person, revealer: User, admin: User) -> None:
    _client(revealer).post(_url("record_reveal", doctor), {"reason": REASON})

    trail = _client(admin).get(reverse("portal:audit_list")).content.decode()

    assert '<span class="badge badge-reveal">Reveal personal data</span>' in trail
    assert REASON in trail and PHONE not in trail


def test_a_system_administrator_may_reveal(world: World, doctor: Person, admin: User) -> None:
    response = _api(admin).post(_api_url(doctor, "reveal/"), {"reason": REASON}, format="json")

    assert (response.status_code, response.json()) == (200, {"phone": PHONE})
    assert len(_reveals()) == 1


def test_out_of_scope_is_404_even_with_the_permission_elsewhere(
    world: World, doctor: Person, mch_worker: User, outsider: User
) -> None:
    membership_grant(actor=None, user=mch_worker, org_unit=world.qitai_mch, role=Role.DATA_CLERK, reveals_personal=True)

    statuses = [
        _client(user).post(_url("record_reveal", doctor), {"reason": REASON}).status_code
        for user in (mch_worker, outsider)
    ]
    statuses += [
        _api(user).post(_api_url(doctor, "reveal/"), {"reason": REASON}, format="json").status_code
        for user in (mch_worker, outsider)
    ]

    assert statuses == [404, 404, 404, 404]
    assert _reveals() == []


@pytest.mark.parametrize("reason", ["", "   ", "看看"])
def test_a_missing_or_too_short_reason_is_refused_and_nothing_audited(
    world: World, doctor: Person, revealer: User, reason: str
) -> None:
    page = _client(revealer).post(_url("record_reveal", doctor), {"reason": reason})
    api = _api(revealer).post(_api_url(doctor, "reveal/"), {"reason": reason}, format="json")

    assert page.status_code == 400
    assert page.context["reveal_form"].errors == {"reason": [REASON_MESSAGE]}
    assert PHONE not in page.content.decode()
    assert (api.status_code, api.json()) == (400, {"reason": [REASON_MESSAGE]})
    assert _reveals() == []


def test_a_reveal_needs_a_post_with_the_csrf_token(world: World, doctor: Person, revealer: User) -> None:
    client = _client(revealer, enforce_csrf=True)

    assert client.get(_url("record_reveal", doctor)).status_code == 405
    assert client.post(_url("record_reveal", doctor), {"reason": REASON}).status_code == 403
    assert _reveals() == []


def test_the_reveal_endpoint_is_documented(openapi_schema: dict[str, Any]) -> None:
    schema = openapi_schema
    operation = schema["paths"]["/api/v1/records/staff/{public_id}/reveal/"]["post"]

    assert operation["operationId"] == "staff_reveal"
    assert sorted(operation["responses"]) == ["200", "400", "401", "403", "404", "415", "429"]
    assert operation["requestBody"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/RevealRequest"
    }
    assert "/api/v1/records/donations/{public_id}/reveal/" not in schema["paths"]  # no personal columns
