"""Two people edit one record: the later save is refused instead of silently overwriting the first."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from conftest import World
from shanhai.accounts.models import User
from shanhai.core.models import AuditEntry
from shanhai.outreach.models import Donation
from shanhai.outreach.services import donation_create
from shanhai.records.concurrency import version_of


def _client(user: User) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def _donation(world: World, actor: User) -> Donation:
    """The donation as the pages load it (the version is taken from what is stored)."""
    created = donation_create(
        actor=actor,
        donor=world.fuqing_hospital,
        recipient=world.qitai_hospital,
        partnership=world.partnership,
        kind="funds",
        amount=Decimal("200000"),
        donated_on=date(2023, 9, 1),
        description="专项资金",
    )
    return Donation.objects.get(pk=created.pk)


def _form(world: World, amount: str, version: str) -> dict[str, object]:
    return {
        "donor": world.fuqing_hospital.pk,
        "recipient": world.qitai_hospital.pk,
        "partnership": world.partnership.pk,
        "kind": "funds",
        "amount": amount,
        "donated_on": "2023-09-01",
        "description": "专项资金",
        "version": version,
    }


def test_the_edit_form_carries_the_version_it_was_opened_on(world: World, hospital_admin: User) -> None:
    donation = _donation(world, hospital_admin)
    url = reverse("records:edit", kwargs={"kind": "donations", "public_id": donation.public_id})
    content = _client(hospital_admin).get(url).content.decode()
    assert f'name="version" value="{version_of(donation)}"' in content


def test_a_save_after_someone_elses_is_refused_and_changes_nothing(
    world: World, hospital_admin: User, supporter_user: User
) -> None:
    donation = _donation(world, hospital_admin)
    opened_on = version_of(donation)
    url = reverse("records:edit", kwargs={"kind": "donations", "public_id": donation.public_id})
    first = _client(supporter_user).post(url, _form(world, "210000", opened_on))
    assert first.status_code == 302
    updates = AuditEntry.objects.filter(object_type="outreach.donation", action="update").count()

    second = _client(hospital_admin).post(url, _form(world, "999000", opened_on))

    assert second.status_code == 400
    assert "Someone else saved this record after you opened it. Nothing was saved" in second.content.decode()
    donation.refresh_from_db()
    assert donation.amount == Decimal("210000")
    assert AuditEntry.objects.filter(object_type="outreach.donation", action="update").count() == updates
    # The form keeps what the user typed, now on the current version: saving again keeps it deliberately.
    form = second.context["form"]
    assert form["amount"].value() == "999000"
    assert form["version"].value() == version_of(donation)
    third = _client(hospital_admin).post(url, _form(world, "999000", form["version"].value()))
    assert third.status_code == 302
    donation.refresh_from_db()
    assert donation.amount == Decimal("999000")


def test_the_version_changes_with_every_save(world: World, hospital_admin: User) -> None:
    donation = _donation(world, hospital_admin)
    before = version_of(donation)
    url = reverse("records:edit", kwargs={"kind": "donations", "public_id": donation.public_id})
    assert _client(hospital_admin).post(url, _form(world, "230000", before)).status_code == 302
    assert version_of(Donation.objects.get(pk=donation.pk)) != before


# --- the API: ETag on reads, If-Match on changes and deletes ---------------------------------------------
def _api(user: User) -> APIClient:
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.force_authenticate(user)
    return client


def test_a_read_names_the_version_and_a_change_on_it_succeeds(world: World, hospital_admin: User) -> None:
    donation = _donation(world, hospital_admin)
    url = f"/api/v1/records/donations/{donation.public_id}/"
    read = _api(hospital_admin).get(url)
    assert read["ETag"] == f'"{version_of(donation)}"'
    changed = _api(hospital_admin).patch(url, {"amount": "250000"}, format="json", HTTP_IF_MATCH=read["ETag"])
    assert changed.status_code == 200
    assert changed["ETag"] == f'"{version_of(Donation.objects.get(pk=donation.pk))}"' != read["ETag"]


def test_a_change_or_delete_on_an_old_version_is_412_and_writes_nothing(
    world: World, hospital_admin: User, supporter_user: User
) -> None:
    donation = _donation(world, hospital_admin)
    url = f"/api/v1/records/donations/{donation.public_id}/"
    old = _api(hospital_admin).get(url)["ETag"]
    assert _api(supporter_user).patch(url, {"amount": "210000"}, format="json").status_code == 200
    updates = AuditEntry.objects.filter(object_type="outreach.donation", action="update").count()

    late = _api(hospital_admin).patch(url, {"amount": "999000"}, format="json", HTTP_IF_MATCH=old)
    assert late.status_code == 412
    assert late.json() == {
        "detail": "Someone else saved this record after you opened it. Nothing was saved: check the current "
        "values, then save again to keep yours."
    }
    gone = _api(hospital_admin).delete(url, HTTP_IF_MATCH=old)
    assert gone.status_code == 412
    donation.refresh_from_db()
    assert donation.amount == Decimal("210000")
    assert AuditEntry.objects.filter(object_type="outreach.donation", action="update").count() == updates
    assert AuditEntry.objects.filter(object_type="outreach.donation", action="delete").count() == 0


def test_without_if_match_or_with_a_star_the_change_is_made(world: World, hospital_admin: User) -> None:
    donation = _donation(world, hospital_admin)
    url = f"/api/v1/records/donations/{donation.public_id}/"
    assert _api(hospital_admin).patch(url, {"amount": "260000"}, format="json").status_code == 200
    assert _api(hospital_admin).patch(url, {"amount": "270000"}, format="json", HTTP_IF_MATCH="*").status_code == 200
    donation.refresh_from_db()
    assert donation.amount == Decimal("270000")
