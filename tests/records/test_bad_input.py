"""Bad input never becomes a server error: an invalid period, an integer beyond its column's range, an empty
value for a field that cannot be empty, a sort on a column, a record deleted twice. Each gets a 400 (or 404)
with a message in the user's language, and nothing changes."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import pytest
from django.http import Http404
from django.test import Client
from rest_framework.test import APIClient

from conftest import World
from shanhai.accounts.models import User
from shanhai.core.models import AuditEntry
from shanhai.maternal.models import Pregnancy, RiskAssessment
from shanhai.outreach.models import Donation, OutreachEvent
from shanhai.outreach.services import donation_create
from shanhai.records.kinds import kind_of
from tests.maternal.factories import grade, make_pregnancy, mch_places

PERIOD_MESSAGE = (
    "“{code}” is not a period. Use 202305 (month), 2023Q2 (quarter), 2023 (year), 2021Oct (MCH year) "
    "or 202001..202305 (range)."
)


def _client(user: User, language: str = "en") -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(user)
    return client


def _api(user: User, language: str = "en") -> APIClient:
    client = APIClient(HTTP_ACCEPT_LANGUAGE=language)
    client.force_authenticate(user)
    return client


def _donation(world: World, actor: User) -> Donation:
    return donation_create(
        actor=actor,
        donor=world.fuqing_hospital,
        recipient=world.qitai_hospital,
        partnership=world.partnership,
        kind="funds",
        amount=Decimal("1000"),
        donated_on=date(2023, 9, 1),
        description="专项资金",
    )


# --- periods ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("code", ["L", "0000", "9999Oct", "000001", "202305..0000", "2023..L"])
def test_an_invalid_period_on_the_api_list_is_a_400_naming_it(world: World, admin: User, code: str) -> None:
    _donation(world, admin)
    answer = _api(admin).get("/api/v1/records/donations/", {"period": code})
    assert answer.status_code == 400
    assert list(answer.json()) == ["period"]


def test_the_api_period_message_names_the_code_in_the_users_language(world: World, admin: User) -> None:
    answer = _api(admin).get("/api/v1/records/donations/", {"period": "L"})
    assert answer.json() == {"period": [PERIOD_MESSAGE.format(code="L")]}
    answer = _api(admin, "zh-hans").get("/api/v1/records/donations/", {"period": "L"})
    assert answer.json() == {
        "period": [
            "“L”不是有效的统计期。请使用 202305（月）、2023Q2（季度）、2023（年）、2021Oct（妇幼年度）或 202001..202305（区间）。"
        ]
    }


@pytest.mark.parametrize("slug", ["donations", "risk-assessments", "postings", "workload-reports"])
def test_an_invalid_period_on_a_list_page_is_a_400_with_the_message_on_the_filter(
    world: World, admin: User, slug: str
) -> None:
    for headers in ({}, {"HTTP_HX_REQUEST": "true"}):
        answer = _client(admin).get(f"/records/{slug}/", {"period": "2023Q5"}, **headers)
        assert answer.status_code == 400
        assert PERIOD_MESSAGE.format(code="2023Q5") in answer.content.decode()
        assert answer.context["table"].paginator.count == 0


def test_a_period_outside_the_years_a_period_may_name_says_so(world: World, admin: User) -> None:
    answer = _api(admin).get("/api/v1/records/donations/", {"period": "0000"})
    assert answer.json() == {"period": ["“0000” is not a period between the years 1900 and 2100."]}
    answer = _api(admin, "zh-hans").get("/api/v1/records/donations/", {"period": "9999Oct"})
    assert answer.json() == {"period": ["“9999Oct”不是 1900 年至 2100 年之间的统计期。"]}


def test_an_invalid_period_on_an_export_is_a_400(world: World, admin: User) -> None:
    answer = _client(admin).get("/records/donations/export/", {"period": "2023Q5"})
    assert answer.status_code == 400
    assert PERIOD_MESSAGE.format(code="2023Q5") in answer.content.decode()


def test_a_valid_period_still_filters(world: World, admin: User) -> None:
    _donation(world, admin)
    assert _api(admin).get("/api/v1/records/donations/", {"period": "2023"}).json()["count"] == 1
    assert _api(admin).get("/api/v1/records/donations/", {"period": "2022"}).json()["count"] == 0


# --- integers out of range --------------------------------------------------------------------------
def _event(world: World, **values: object) -> dict[str, object]:
    return {
        "kind": "义诊",
        "held_on": "2023-05-02",
        "place": world.qitai_hospital.code,
        "partnership": world.partnership.pk,
        "services": "体检",
        "people_seen": 120,
    } | values


@pytest.mark.parametrize("people_seen", [10**20, "1e20", 2**63, 2**31])
def test_an_integer_beyond_its_fields_range_is_a_400(world: World, admin: User, people_seen: object) -> None:
    answer = _api(admin).post("/api/v1/records/outreach-events/", _event(world, people_seen=people_seen), format="json")
    assert answer.status_code == 400
    assert list(answer.json()) == ["people_seen"]
    assert OutreachEvent.objects.count() == 0


def test_the_largest_integer_the_field_holds_is_accepted(world: World, admin: User) -> None:
    answer = _api(admin).post("/api/v1/records/outreach-events/", _event(world, people_seen=2**31 - 1), format="json")
    assert answer.status_code == 201, answer.json()
    assert OutreachEvent.objects.get().people_seen == 2**31 - 1


def test_the_bound_is_told_in_the_form_and_refused_there_too(world: World, admin: User) -> None:
    form = _event(world, people_seen="100000000000000000000") | {"partnership": str(world.partnership.pk)}
    answer = _client(admin).post("/records/outreach-events/new/", form)
    assert answer.status_code == 400
    assert "Ensure this value is less than or equal to 2147483647." in answer.content.decode()
    assert OutreachEvent.objects.count() == 0


def test_a_small_integer_field_is_bounded_by_its_own_range(world: World, admin: User) -> None:
    pregnancy = make_pregnancy(residence=world.qitai, registered_at=world.qitai_mch, lmp=date(2024, 1, 1))
    path = f"/api/v1/records/pregnancies/{pregnancy.public_id}/"
    answer = _api(admin).patch(path, {"gravidity": 40000}, format="json")
    assert answer.status_code == 400
    assert answer.json() == {"gravidity": ["Ensure this value is less than or equal to 32767."]}
    pregnancy.refresh_from_db()
    assert pregnancy.gravidity == 1


def test_an_amount_beyond_its_fields_digits_is_a_400(world: World, admin: User) -> None:
    answer = _api(admin).post("/api/v1/records/outreach-events/", _event(world, medicine_value="1e20"), format="json")
    assert answer.status_code == 400
    assert list(answer.json()) == ["medicine_value"]
    assert OutreachEvent.objects.count() == 0


# --- empty values for fields that cannot be empty ---------------------------------------------------
@pytest.mark.parametrize("key", ["gravidity", "parity"])
def test_emptying_gravidity_or_parity_is_a_400_and_keeps_the_value(world: World, admin: User, key: str) -> None:
    pregnancy = make_pregnancy(
        residence=world.qitai, registered_at=world.qitai_mch, lmp=date(2024, 1, 1), gravidity=3, parity=1
    )
    audited = AuditEntry.objects.count()
    answer = _api(admin).patch(f"/api/v1/records/pregnancies/{pregnancy.public_id}/", {key: None}, format="json")
    assert answer.status_code == 400
    assert answer.json() == {key: ["This cannot be left empty."]}
    answer = _api(admin, "zh-hans").patch(
        f"/api/v1/records/pregnancies/{pregnancy.public_id}/", {key: None}, format="json"
    )
    assert answer.json() == {key: ["此项不能为空。"]}
    pregnancy.refresh_from_db()
    assert (pregnancy.gravidity, pregnancy.parity) == (3, 1)
    assert AuditEntry.objects.count() == audited


def test_a_new_pregnancy_without_gravidity_and_parity_takes_the_defaults(world: World, admin: User) -> None:
    pregnancy = make_pregnancy(residence=world.qitai, registered_at=world.qitai_mch, lmp=date(2024, 1, 1))
    assert (Pregnancy.objects.get(pk=pregnancy.pk).gravidity, pregnancy.parity) == (1, 0)


# --- sorting ------------------------------------------------------------------------------------------
def test_every_sortable_column_of_every_kind_sorts_its_list(world: World, admin: User) -> None:
    places = mch_places(world)
    pregnancy = make_pregnancy(residence=places.township, registered_at=world.qitai_mch, lmp=date(2024, 1, 1))
    grade(pregnancy, world.qitai_hospital, ["yellow.1.2"], on=date(2024, 3, 1))
    assert RiskAssessment.objects.count() == 1
    client = _client(admin)
    for slug in ("risk-assessments", "pregnancies", "donations", "postings", "outreach-events"):
        kind = kind_of(slug)
        for column in kind.columns:
            if column.in_list and column.sort_path:
                for order in (column.key, f"-{column.key}"):
                    answer = client.get(f"/records/{slug}/", {"sort": order})
                    assert answer.status_code == 200, (slug, order)


def test_sorting_assessments_by_the_confirmed_colour_orders_by_colour(world: World, admin: User) -> None:
    places = mch_places(world)
    pregnancy = make_pregnancy(residence=places.township, registered_at=world.qitai_mch, lmp=date(2024, 1, 1))
    grade(pregnancy, world.qitai_hospital, ["yellow.1.2"], on=date(2024, 3, 1))
    grade(pregnancy, world.qitai_hospital, [], on=date(2024, 3, 2))
    answer = _client(admin).get("/records/risk-assessments/", {"sort": "confirmed_colour"})
    assert answer.status_code == 200
    colours = [row.record.colour for row in answer.context["table"].page.object_list]
    assert colours == sorted(colours)


# --- a CSV cell beyond the csv module's field limit ----------------------------------------------------
def test_a_csv_cell_longer_than_the_csv_field_limit_is_a_message_and_writes_nothing(
    world: World, hospital_admin: User
) -> None:
    header = "捐赠方（代码或名称）,受赠方（代码或名称）,帮扶关系（编号）,类型,金额（元）,日期,说明\n"
    good = f"H350181001,H652325001,{world.partnership.pk},funds,50000,2023-05-01,\n"
    long = f'H350181001,H652325001,{world.partnership.pk},funds,50000,2023-05-01,"{"长" * 131_073}"\n'
    upload = io.BytesIO((header + good + long).encode("utf-8"))
    upload.name = "d.csv"
    answer = _client(hospital_admin).post("/records/donations/import/", {"file": upload})
    assert answer.status_code == 400
    assert (
        "Line 3 of the CSV file cannot be read: a cell is longer than 131072 characters, or a quote is not closed."
        in answer.content.decode()
    )
    assert Donation.objects.count() == 0


# --- a record deleted twice ---------------------------------------------------------------------------
def test_a_second_delete_of_the_same_record_is_a_404_and_audited_once(world: World, admin: User) -> None:
    donation = _donation(world, admin)
    kind = kind_of("donations")
    stale = Donation.objects.get(pk=donation.pk)
    kind.delete(actor=admin, record=donation)
    with pytest.raises(Http404):
        kind.delete(actor=admin, record=stale)
    assert AuditEntry.objects.filter(action="delete").count() == 1


def test_an_update_of_a_record_deleted_meanwhile_is_a_404(world: World, admin: User) -> None:
    donation = _donation(world, admin)
    kind = kind_of("donations")
    stale = Donation.objects.get(pk=donation.pk)
    kind.delete(actor=admin, record=donation)
    with pytest.raises(Http404):
        kind.update(actor=admin, record=stale, description="改")
    assert Donation.objects.count() == 0
