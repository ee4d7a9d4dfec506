"""Training kinds through the generic record pages and API, and the mentorship action views."""

import datetime as dt

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from shanhai.training import services
from shanhai.training.models import Course, MentorshipHandover, Outcome
from tests.core.factories import PersonFactory, make_user


@pytest.fixture
def cast(world):
    return {
        "mentor": PersonFactory(name="陈主任", institution=world.fuqing_hospital),
        "successor": PersonFactory(name="郑主任", institution=world.fuqing_hospital),
        "apprentices": [PersonFactory(name=f"徒弟{i}", institution=world.qitai_hospital) for i in range(2)],
    }


@pytest.fixture
def mentorship(world, cast):
    return services.mentorship_create(
        actor=None,
        mentor=cast["mentor"],
        partnership=world.partnership,
        started_on=dt.date(2023, 3, 1),
        goals="腹腔镜胆囊切除术",
        apprentices=cast["apprentices"],
    )


@pytest.fixture
def course(world, cast):
    course = services.course_create(
        actor=None,
        title="急诊急救技能培训班",
        kind="training_course",
        started_on=dt.date(2024, 5, 10),
        ended_on=dt.date(2024, 5, 12),
        organiser=world.fuqing_hospital,
        partnership=world.partnership,
        hours=18,
        participants=cast["apprentices"],
    )
    services.course_session_create(actor=None, course=course, on=dt.date(2024, 5, 11), kind="hands_on",
                                   topic="心肺复苏实操", hours=3)  # fmt: skip
    services.course_group_create(actor=None, course=course, institution=world.qitai_mch, count=12)
    return course


def test_course_pages(client, hospital_admin, outsider, course):
    client.force_login(hospital_admin)
    listing = client.get(reverse("records:list", kwargs={"kind": "courses"}))
    assert listing.status_code == 200
    assert "急诊急救技能培训班" in listing.content.decode()
    page = client.get(reverse("records:detail", kwargs={"kind": "courses", "public_id": course.public_id}))
    assert page.status_code == 200
    html = page.content.decode()
    assert "心肺复苏实操" in html and "奇台县妇幼保健院" in html
    assert "14 person-times in all" in html
    client.force_login(outsider)
    assert (
        client.get(reverse("records:detail", kwargs={"kind": "courses", "public_id": course.public_id})).status_code
        == 404
    )


def test_mentorship_page_and_hand_over(client, world, hospital_admin, cast, mentorship):
    client.force_login(hospital_admin)
    url = reverse("records:detail", kwargs={"kind": "mentorships", "public_id": mentorship.public_id})
    html = client.get(url).content.decode()
    assert "徒弟0" in html and "徒弟1" in html and "Hand over" in html
    hand_over = reverse("training:mentorship_hand_over", kwargs={"public_id": mentorship.public_id})
    response = client.post(hand_over, {"successor": cast["mentor"].pk, "on": "2024-03-01"})
    assert response.status_code == 200
    assert "Choose a successor other than the current mentor." in response.content.decode()
    response = client.post(hand_over, {"successor": cast["successor"].pk, "on": "2024-03-01", "note": "期满返闽"})
    assert response.status_code == 302 and response["Location"] == url
    assert MentorshipHandover.objects.get().to_mentor == cast["successor"]
    assert "陈主任 handed over to 郑主任 on 2024-03-01" in client.get(url).content.decode()


def test_complete_view_and_read_only_users(client, world, hospital_admin, mentorship):
    pair = mentorship.apprenticeships.order_by("id").first()
    complete = reverse("training:apprenticeship_complete", kwargs={"public_id": pair.public_id})
    reader = make_user("qitai-reader", unit=world.qitai_hospital, role="viewer")
    client.force_login(reader)
    assert client.post(complete, {"on": "2024-06-01", "is_backbone": "on"}).status_code == 403
    hand_over = reverse("training:mentorship_hand_over", kwargs={"public_id": mentorship.public_id})
    assert client.get(hand_over).status_code == 403
    client.force_login(hospital_admin)
    assert client.post(complete, {"on": "2024-06-01", "is_backbone": "on"}).status_code == 302
    pair.refresh_from_db()
    assert (pair.outcome, pair.is_backbone, pair.backbone_on) == (Outcome.COMPLETED, True, dt.date(2024, 6, 1))
    assert client.get(reverse("training:handovers_due")).status_code == 200


def test_api_course_create_update_delete(world, hospital_admin, outsider, cast):
    api = APIClient()
    api.force_authenticate(hospital_admin)
    created = api.post(
        "/api/v1/records/courses/",
        {
            "title": "高危孕产妇管理讲座",
            "kind": "lecture",
            "started_on": "2024-04-02",
            "organiser": "H350181001",
            "partnership": str(world.partnership.pk),
            "hours": 2.5,
            "participants": "；".join(str(p.public_id) for p in cast["apprentices"]),
        },
        format="json",
    )
    assert created.status_code == 201, created.json()
    body = created.json()
    course = Course.objects.get(public_id=body["public_id"])
    assert (course.kind, course.recipient, course.hours, course.participants.count()) == (
        "lecture", world.qitai_hospital, 2.5, 2
    )  # fmt: skip
    url = f"/api/v1/records/courses/{body['public_id']}/"
    assert api.patch(url, {"hours": 3}, format="json").status_code == 200
    course.refresh_from_db()
    assert course.hours == 3
    stranger = APIClient()
    stranger.force_authenticate(outsider)
    assert stranger.get(url).status_code == 404
    bad = api.post("/api/v1/records/courses/", {"title": "x", "kind": "lecture", "started_on": "2024-04-02",
                                                "ended_on": "2024-04-01", "organiser": "H350181001",
                                                "partnership": str(world.partnership.pk)}, format="json")  # fmt: skip
    assert bad.status_code == 400
    assert bad.json() == {"ended_on": ["The course ends (2024-04-01) before it starts (2024-04-02)."]}
    assert api.delete(url).status_code == 204
    assert not Course.objects.exists()


def test_api_mentorship_with_apprentices(world, hospital_admin, cast):
    api = APIClient()
    api.force_authenticate(hospital_admin)
    created = api.post(
        "/api/v1/records/mentorships/",
        {
            "mentor": str(cast["mentor"].public_id),
            "partnership": str(world.partnership.pk),
            "started_on": "2023-03-01",
            "goals": "胃镜下止血",
            "apprentices": "徒弟0；徒弟1",
        },
        format="json",
    )
    assert created.status_code == 201, created.json()
    body = created.json()
    assert sorted(body["apprentices"].split("；")) == sorted(str(p.public_id) for p in cast["apprentices"])
    listing = api.get("/api/v1/records/apprenticeships/").json()
    assert listing["count"] == 2
