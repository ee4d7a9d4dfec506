"""Personal data on the MCH pages and API: masked in every list, detail, export and API answer, in
the worklist, the evidence lists and the audit trail; revealed only with the permission, audited."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from django.urls import reverse

from conftest import World
from shanhai.accounts.models import Role, User
from shanhai.accounts.services import membership_grant
from shanhai.core import clock
from shanhai.core.models import AuditAction, AuditEntry
from shanhai.maternal import services
from shanhai.maternal.models import Pregnancy
from tests.maternal.factories import Places, make_pregnancy, on_day
from tests.maternal.mch_file import (
    ID_NUMBER,
    LMP,
    MCH_SLUGS,
    NAME,
    PHONE,
    REASON,
    MchFile,
    api_for,
    assert_masked,
    client_for,
    detail_url,
    make_id,
    xlsx_text,
)


# --- personal data: masked everywhere --------------------------------------------------------------------------
@pytest.mark.parametrize("slug", MCH_SLUGS)
def test_no_page_export_or_api_answer_holds_personal_data_in_clear(mch: MchFile, mch_worker: User, slug: str) -> None:
    client, api = client_for(mch_worker), api_for(mch_worker)
    record = mch.record_of(slug)
    listing = client.get(reverse("records:list", kwargs={"kind": slug}))
    detail = client.get(detail_url(slug, record))
    export = client.get(reverse("records:export", kwargs={"kind": slug}))
    api_list = api.get(f"/api/v1/records/{slug}/")
    api_detail = api.get(f"/api/v1/records/{slug}/{record.public_id}/")

    assert [r.status_code for r in (listing, detail, export, api_list, api_detail)] == [200] * 5
    assert str(record.public_id) in listing.content.decode()
    assert str(record.public_id) in xlsx_text(export.content)
    assert api_list.json()["count"] == 1
    for text in (listing.content.decode(), detail.content.decode(), xlsx_text(export.content)):
        assert_masked(text)
    assert_masked(json.dumps(api_list.json(), ensure_ascii=False))
    assert_masked(json.dumps(api_detail.json(), ensure_ascii=False))


def test_the_woman_and_her_pregnancy_show_masked_values(mch: MchFile, mch_worker: User) -> None:
    woman = api_for(mch_worker).get(f"/api/v1/records/women/{mch.woman.public_id}/").json()
    pregnancy = api_for(mch_worker).get(f"/api/v1/records/pregnancies/{mch.pregnancy.public_id}/").json()
    child = api_for(mch_worker).get(f"/api/v1/records/children/{mch.child.public_id}/").json()

    assert (woman["name"], woman["id_number"], woman["phone"], woman["birth_date"]) == (
        "李**",
        "*" * 16 + ID_NUMBER[-2:],
        "138****5678",
        "****-**-**",
    )
    assert (pregnancy["woman"], pregnancy["woman__name"], pregnancy["woman__phone"]) == (
        str(mch.woman.public_id),
        "李**",
        "138****5678",
    )
    assert child["name"] == "王**"


def test_the_worklist_evidence_and_audit_trail_hold_no_personal_data(
    world: World, places: Places, mch_worker: User, commission_user: User
) -> None:
    pregnancy = make_pregnancy(
        woman=services.woman_create(
            actor=None,
            name=NAME,
            id_number=ID_NUMBER,
            residence=places.township,
            registered_at=world.qitai_mch,
            phone=PHONE,
        ),
        registered_at=world.qitai_mch,
        lmp=clock.today() - timedelta(days=100),
        registered_day=60,
    )
    worklist = client_for(mch_worker).get(reverse("maternal:worklist"))
    home = client_for(mch_worker).get(reverse("maternal:home"))
    delivered = build_file_for_evidence(world, places)
    evidence = client_for(commission_user).get(
        reverse("portal:evidence"), {"indicator": "mch.early_registration_rate", "period": "2024", "org": "652325"}
    )

    assert "李**" in worklist.content.decode()
    assert str(pregnancy.public_id) in worklist.content.decode()
    assert_masked(worklist.content.decode())
    assert_masked(home.content.decode())
    assert evidence.status_code == 200
    assert str(delivered.public_id) in evidence.content.decode()
    assert_masked(evidence.content.decode())
    entries = list(AuditEntry.objects.values_list("object_repr", "changes"))
    assert AuditEntry.objects.filter(object_type="maternal.woman", action=AuditAction.CREATE).count() == 2
    assert_masked(json.dumps(entries, ensure_ascii=False, default=str))


def build_file_for_evidence(world: World, places: Places) -> Pregnancy:
    """A second woman, delivered in 2024, registered early (she is counted by mch.early_registration_rate)."""
    woman = services.woman_create(
        actor=None,
        name="李秀英",
        id_number=make_id(date(1993, 2, 3), 26),
        residence=places.township,
        registered_at=world.qitai_mch,
        phone=PHONE,
    )
    pregnancy = make_pregnancy(woman=woman, registered_at=world.qitai_mch, lmp=LMP, registered_day=60)
    services.antenatal_visit_create(
        actor=None, pregnancy=pregnancy, visited_on=on_day(pregnancy, 70), institution=world.qitai_mch
    )
    services.delivery_create(
        actor=None,
        pregnancy=pregnancy,
        delivered_on=on_day(pregnancy, 273),
        place="facility",
        institution=world.qitai_hospital,
        live_births=1,
    )
    return pregnancy


# --- revealing ----------------------------------------------------------------------------------------------------
def test_revealing_needs_the_permission_and_writes_one_audit_entry(
    world: World, mch: MchFile, mch_worker: User
) -> None:
    url = reverse("records:record_reveal", kwargs={"kind": "pregnancies", "public_id": mch.pregnancy.public_id})

    refused = client_for(mch_worker).post(url, {"reason": REASON})

    assert refused.status_code == 403
    assert NAME not in refused.content.decode()
    attempt = AuditEntry.objects.get(action=AuditAction.REVEAL)
    assert attempt.changes == {"_": {"fields": ["woman__name", "woman__id_number", "woman__phone"], "refused": True}}
    attempt.delete()
    membership_grant(actor=None, user=mch_worker, org_unit=world.qitai_mch, role=Role.DATA_CLERK, reveals_personal=True)
    page = client_for(User.objects.get(pk=mch_worker.pk)).post(url, {"reason": REASON})

    content = page.content.decode()
    assert page.status_code == 200
    assert (NAME in content, ID_NUMBER in content, PHONE in content) == (True, True, True)
    reveal = AuditEntry.objects.get(action=AuditAction.REVEAL)
    assert reveal.changes == {"_": {"fields": ["woman__name", "woman__id_number", "woman__phone"], "reason": REASON}}
    assert reveal.object_id == str(mch.pregnancy.public_id)
    assert_masked(json.dumps(reveal.changes, ensure_ascii=False))


def test_the_pregnancy_page_offers_the_reveal_form_only_with_the_permission(
    mch: MchFile, revealer: User, reader: User
) -> None:
    url = detail_url("pregnancies", mch.pregnancy)

    assert "Reveal personal data" in client_for(revealer).get(url).content.decode()
    assert "Reveal personal data" not in client_for(reader).get(url).content.decode()
