"""Pickers (issue 13 item 6): a reference with many targets is typed, with suggestions from one scope-limited
endpoint; the value is read by the column's import parser, so what it offers is never refused and what lies out
of scope is refused with the import's message. Through the donations kind and a programme office in Fujian that
sees more institutions than a ``<select>`` should hold."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from conftest import World
from shanhai.accounts.models import User
from shanhai.core.models import OrgUnitKind
from shanhai.outreach.models import Donation
from shanhai.records.columns.picker import SELECT_LIMIT, SUGGESTION_LIMIT, ReferenceTextField
from shanhai.records.forms import RecordForm
from shanhai.records.kinds import kind_of
from shanhai.records.lookup import Lookup
from tests.core.factories import OrgUnitFactory

DONATIONS = kind_of("donations")
PICK_DONOR = reverse("records:pick", kwargs={"kind": "donations", "key": "donor"})


@pytest.fixture
def many_hospitals(world: World) -> list[str]:
    """More branches of Fuqing hospital than a ``<select>`` should list; their codes."""
    return [
        OrgUnitFactory(
            code=f"H3501812{n:02d}",
            name=f"福清市医院第{n}分院",
            kind=OrgUnitKind.GENERAL_HOSPITAL,
            parent=world.fuqing_hospital,
        ).code
        for n in range(SELECT_LIMIT + 5)
    ]


def _client(user: User) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def _offered(html: str) -> list[str]:
    return re.findall(r'data-picker-value="([^"]+)"', html)


def test_a_large_set_is_typed_with_suggestions_and_a_small_one_stays_a_select(
    world: World, supporter_user: User, many_hospitals: list[str]
) -> None:
    form = RecordForm(DONATIONS, supporter_user)

    assert isinstance(form.fields["donor"], ReferenceTextField)
    assert form.fields["donor"].widget.url == PICK_DONOR  # type: ignore[attr-defined]
    assert form.fields["partnership"].__class__.__name__ == "ModelChoiceField"  # one partnership: a select
    page = _client(supporter_user).get(reverse("records:create", kwargs={"kind": "donations"})).content.decode()
    assert many_hospitals[-1] not in page
    assert f'hx-post="{PICK_DONOR}"' in page and "picker.js" in page


def test_the_endpoint_suggests_only_targets_in_scope_and_each_one_is_accepted(
    world: World, supporter_user: User, many_hospitals: list[str]
) -> None:
    response = _client(supporter_user).post(PICK_DONOR, {"q": "医院"})

    offered = _offered(response.content.decode())
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert len(offered) == SUGGESTION_LIMIT
    assert world.haikou_hospital.code not in offered  # 海口市人民医院 matches, but lies outside her sight
    lookup = Lookup(supporter_user)
    column = DONATIONS.column("donor")
    assert all(column.parse(code, lookup).code == code for code in offered)


def test_suggestions_match_a_code_or_a_name(world: World, supporter_user: User, many_hospitals: list[str]) -> None:
    client = _client(supporter_user)

    by_code = _offered(client.post(PICK_DONOR, {"q": "H350181001"}).content.decode())
    by_name = _offered(client.post(PICK_DONOR, {"q": "第12分院"}).content.decode())
    elsewhere = client.post(PICK_DONOR, {"q": world.haikou_hospital.code}).content.decode()

    assert by_code == ["H350181001"]
    assert by_name == ["H350181212"]
    assert _offered(elsewhere) == [] and "Nothing found among the records you can see." in elsewhere


def test_the_endpoint_takes_a_post_from_a_writer_for_a_reference_column_only(
    world: World, supporter_user: User, outsider: User
) -> None:
    client = _client(supporter_user)

    assert client.get(PICK_DONOR, {"q": "医院"}).status_code == 405
    assert (
        client.post(reverse("records:pick", kwargs={"kind": "donations", "key": "amount"}), {"q": "1"}).status_code
        == 404
    )
    assert (
        client.post(reverse("records:pick", kwargs={"kind": "nothing", "key": "donor"}), {"q": "1"}).status_code == 404
    )
    assert _client(outsider).post(PICK_DONOR, {"q": "医院"}).status_code == 403


def _post_donation(client: Client, donor: str, world: World) -> int:
    return client.post(
        reverse("records:create", kwargs={"kind": "donations"}),
        {
            "donor": donor,
            "recipient": world.qitai_hospital.code,
            "partnership": world.partnership.pk,
            "kind": "funds",
            "amount": "1000",
            "donated_on": "2024-03-01",
        },
    ).status_code


def test_a_typed_code_saves(world: World, supporter_user: User, many_hospitals: list[str]) -> None:
    status = _post_donation(_client(supporter_user), many_hospitals[3], world)

    assert status == 302
    donation = Donation.objects.get()
    assert (donation.donor.code, donation.amount, donation.donated_on) == (
        many_hospitals[3],
        Decimal("1000.00"),
        date(2024, 3, 1),
    )


def test_a_code_out_of_scope_is_refused_with_the_import_message(
    world: World, supporter_user: User, many_hospitals: list[str]
) -> None:
    response = _client(supporter_user).post(
        reverse("records:create", kwargs={"kind": "donations"}),
        {"donor": world.haikou_hospital.code, "kind": "funds", "amount": "1000", "donated_on": "2024-03-01"},
    )

    assert response.status_code == 400
    message = f"No organisation with the code or name “{world.haikou_hospital.code}” among those you can see."
    assert message in response.content.decode()
    assert Donation.objects.count() == 0


def test_a_residence_picker_offers_regions_only(world: World, mch_worker: User) -> None:
    response = _client(mch_worker).post(
        reverse("records:pick", kwargs={"kind": "women", "key": "residence"}), {"q": "奇台"}
    )

    assert _offered(response.content.decode()) == [world.qitai.code]  # not 奇台县妇幼保健院 nor 奇台县人民医院


def test_a_records_own_unit_is_offered_only_where_the_user_may_write(world, supporter_user, commission_user):
    """A programme office sees partner hospitals, but registers no woman there: the registering institution's
    picker offers, and its parse accepts, only units the user may write at (issue 13: choices then refused)."""
    import pytest as _pytest
    from django.core.exceptions import ValidationError

    from shanhai.records.kinds import kind_of
    from shanhai.records.lookup import Lookup

    column = kind_of("pregnancies").column("registered_at")
    fujian = Lookup(supporter_user)
    assert world.qitai_hospital in fujian.units()  # a partner's hospital is visible …
    assert not column.target_queryset(fujian).filter(pk=world.qitai_mch.pk).exists()  # … but not offered
    with _pytest.raises(ValidationError):
        column.parse(world.qitai_mch.code, fujian)
    changji = Lookup(commission_user)
    assert column.parse(world.qitai_mch.code, changji) == world.qitai_mch
    # A kind without a partnership gets the same rule for its own unit without saying so.
    assert kind_of("workload-reports").column("institution").writable is True


def test_picker_suggestions_are_rate_limited(world: World, supporter_user: User, rate_limits: dict) -> None:
    """Suggestions count against the ``pick`` limit (issue 13): beyond it, 429 and nothing is suggested."""
    rate_limits["pick"] = "2/h"
    client = _client(supporter_user)
    assert client.post(PICK_DONOR, {"q": "福清"}).status_code == 200
    assert client.post(PICK_DONOR, {"q": "福清"}).status_code == 200
    refused = client.post(PICK_DONOR, {"q": "福清"})
    assert refused.status_code == 429 and refused["Retry-After"]
    html = refused.content.decode()
    assert "福清市医院" not in html and 'role="alert"' in html and "<html" not in html  # a list item, not a page
