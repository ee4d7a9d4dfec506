"""The workforce kinds through the generic record pages and API: access, validation, detail extras."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from shanhai.accounts.models import Role
from shanhai.analytics.models import Fact
from shanhai.core.models import ProfessionalTitle
from shanhai.workforce import services as s
from shanhai.workforce.models import Batch, Posting, PostingLog, VisitingTrip
from shanhai.workforce.services import person_create
from tests.core.factories import make_user

D = dt.date


def api(user) -> APIClient:
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.force_authenticate(user)
    return client


@pytest.fixture
def expert(world):
    return person_create(
        actor=None,
        name="林建国",
        gender="male",
        institution=world.fuqing_hospital,
        title=ProfessionalTitle.objects.get(code="231"),
    )


@pytest.fixture
def posting(world, expert):
    posting = s.posting_create(
        actor=None,
        person=expert,
        partnership=world.partnership,
        host=world.qitai_hospital,
        started_on=D(2021, 4, 1),
        ended_on=D(2021, 6, 30),
    )
    s.posting_log_create(actor=None, posting=posting, month=202104, patients=120, operations_grade_3=4)
    s.posting_log_create(actor=None, posting=posting, month=202105, patients=80, operations_grade_1=1)
    return posting


def test_posting_created_through_the_api(world, hospital_admin, expert):
    response = api(hospital_admin).post(
        "/api/v1/records/postings/",
        {
            "person": str(expert.public_id),
            "partnership": str(world.partnership.pk),
            "host": world.qitai_hospital.code,
            "post": "department_head",
            "term": "long",
            "started_on": "2021-04-01",
            "ended_on": "2021-06-30",
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["flag"] == "Long-term posting shorter than 6 months"
    posting = Posting.objects.get()
    assert (posting.post, posting.host, posting.person) == ("department_head", world.qitai_hospital, expert)
    assert Fact.objects.filter(metric=201).count() == 1


def test_overlap_comes_back_as_400(world, hospital_admin, posting, expert):
    response = api(hospital_admin).post(
        "/api/v1/records/postings/",
        {
            "person": str(expert.public_id),
            "partnership": str(world.partnership.pk),
            "host": world.qitai_hospital.code,
            "started_on": "2021-06-01",
        },
        format="json",
    )
    assert response.status_code == 400
    assert "林建国 is already posted to 奇台县人民医院 from 2021-04-01 to 2021-06-30" in str(response.json())
    assert Posting.objects.count() == 1


def test_scope_and_read_only_users(world, posting, outsider, mch_worker):
    url = f"/api/v1/records/postings/{posting.public_id}/"
    assert api(outsider).get(url).status_code == 404
    assert api(mch_worker).get(url).status_code == 404
    viewer = make_user("qitai-viewer", unit=world.qitai_hospital, role=Role.VIEWER)
    assert api(viewer).get(url).status_code == 200
    assert api(viewer).patch(url, {"ended_on": "2021-12-31"}, format="json").status_code == 403
    assert api(viewer).delete(url).status_code == 403
    posting.refresh_from_db()
    assert posting.ended_on == D(2021, 6, 30)
    assert PostingLog.objects.count() == 2


def test_supporting_side_sees_and_writes(world, posting, supporter_user):
    url = f"/api/v1/records/postings/{posting.public_id}/"
    client = api(supporter_user)
    refused = client.patch(url, {"ended_on": "2021-04-30"}, format="json")
    assert refused.status_code == 400
    assert "Work logs exist for months outside these dates (2021-05); delete those logs first." in str(refused.json())
    response = client.patch(url, {"ended_on": "2021-05-31"}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["ended_on"] == "2021-05-31"


def test_delete_posting_withdraws_log_facts(world, posting, hospital_admin):
    assert api(hospital_admin).delete(f"/api/v1/records/postings/{posting.public_id}/").status_code == 204
    assert not PostingLog.objects.exists()
    assert not Fact.objects.filter(metric__gte=200, metric__lt=300).exists()


def test_work_log_through_the_api(world, posting, hospital_admin):
    client = api(hospital_admin)
    created = client.post(
        "/api/v1/records/posting-logs/",
        {"posting": str(posting.public_id), "month": "2021-06", "patients": 90, "consultations": 5},
        format="json",
    )
    assert created.status_code == 201, created.json()
    duplicate = client.post(
        "/api/v1/records/posting-logs/", {"posting": str(posting.public_id), "month": "2021-06"}, format="json"
    )
    assert duplicate.status_code == 400
    assert "This posting already has a work log for 2021-06; edit that one instead." in str(duplicate.json())
    assert PostingLog.objects.count() == 3


def test_posting_detail_page_shows_the_work_log(client, world, posting, hospital_admin):
    client.force_login(hospital_admin)
    response = client.get(reverse("records:detail", kwargs={"kind": "postings", "public_id": posting.public_id}))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Monthly work log" in html
    assert "2021-04" in html and "2021-05" in html
    assert '<td class="numeric">200</td>' in html  # patients in all
    assert f"/records/posting-logs/new/?posting={posting.public_id}" in html
    assert "This long-term posting is shorter than 6 months." in html


def test_work_log_form_takes_the_posting_from_the_query(client, world, posting, hospital_admin):
    client.force_login(hospital_admin)
    url = reverse("records:create", kwargs={"kind": "posting-logs"})
    assert client.get(f"{url}?posting={posting.public_id}").status_code == 200
    response = client.post(url, {"posting": posting.pk, "month": "2021-06", "patients": "15"})
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "records:detail", kwargs={"kind": "postings", "public_id": posting.public_id}
    )
    assert PostingLog.objects.get(month=202106).patients == 15


@pytest.mark.parametrize("kind", ["batches", "postings", "posting-logs", "visiting-trips", "placements"])
def test_list_and_template_pages(client, world, posting, admin, kind):
    client.force_login(admin)
    assert client.get(reverse("records:list", kwargs={"kind": kind})).status_code == 200
    assert client.get(reverse("records:template", kwargs={"kind": kind})).status_code == 200


def test_batches_belong_to_the_programme_owner(world, supporter_user, hospital_admin):
    batch = s.batch_create(actor=None, programme=world.programme, number=1, started_on=D(2021, 3, 1))
    url = f"/api/v1/records/batches/{batch.public_id}/"
    assert api(hospital_admin).get(url).status_code == 200  # sees the programme through its partnership
    assert api(hospital_admin).patch(url, {"name": "第一批"}, format="json").status_code == 403
    response = api(supporter_user).patch(url, {"name": "第一批"}, format="json")
    assert response.status_code == 200, response.json()
    assert Batch.objects.get().name == "第一批"


def test_visiting_trip_through_the_api(world, expert, hospital_admin):
    response = api(hospital_admin).post(
        "/api/v1/records/visiting-trips/",
        {
            "partnership": str(world.partnership.pk),
            "host": world.qitai_hospital.code,
            "started_on": "2021-07-12",
            "experts": str(expert.public_id),
            "purpose": "普外科巡诊",
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    trip = VisitingTrip.objects.get()
    assert list(trip.experts.all()) == [expert]
    assert trip.ended_on == D(2021, 7, 12)
    assert response.json()["expert_count"] == 1


def test_placement_through_the_api(world, hospital_admin):
    staff = person_create(actor=None, name="马玉兰", gender="female", institution=world.qitai_hospital)
    response = api(hospital_admin).post(
        "/api/v1/records/placements/",
        {
            "person": str(staff.public_id),
            "partnership": str(world.partnership.pk),
            "host": world.fuqing_hospital.code,
            "kind": "study",
            "started_on": "2021-05-01",
            "ended_on": "2021-10-31",
            "new_post": "head_nurse",
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["home"] == world.qitai_hospital.code


def test_postings_import_all_or_nothing(world, expert, hospital_admin):
    from shanhai.records.imports import import_rows
    from shanhai.records.kinds import kind_of

    headers = ["Expert", "Partnership (number)", "Host institution", "Post held", "Term", "Start date", "End date"]
    first = [
        "林建国",
        world.partnership.pk,
        "H652325001",
        "Department head (科主任)",
        "short",
        "2021-04-01",
        "2021-06-30",
    ]
    clash = ["林建国", world.partnership.pk, "奇台县人民医院", "", "", "2021/06/01", ""]
    result = import_rows(kind_of("postings"), hospital_admin, headers, [first, clash])
    assert [(e.row, e.message) for e in result.errors] == [
        (
            3,
            "林建国 is already posted to 奇台县人民医院 from 2021-04-01 to 2021-06-30; "
            "postings of one person cannot overlap.",
        )
    ]
    assert not Posting.objects.exists()
    result = import_rows(kind_of("postings"), hospital_admin, headers, [first])
    assert result.ok and result.created == 1
    posting = Posting.objects.get()
    assert (posting.post, posting.term) == ("department_head", "short")
    logs = import_rows(
        kind_of("posting-logs"),
        hospital_admin,
        ["Posting (record number)", "Month", "Patients seen", "Grade 4 operations"],
        [[str(posting.public_id), "2021年5月", 66, 2]],
    )
    assert logs.ok, logs.errors
    assert PostingLog.objects.get().operations == 2
