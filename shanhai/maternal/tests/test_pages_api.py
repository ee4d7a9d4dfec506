"""The MCH pages and API: personal data masked everywhere (and revealed only with the permission, audited),
the pregnancy page, finding a woman by ID number, the grading page, 专案 and referral actions, and the
import of women, pregnancies and visits from XLSX (all or nothing)."""

from __future__ import annotations

import io
import json
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook, load_workbook
from rest_framework.test import APIClient

from conftest import World
from shanhai.accounts.models import Role, User
from shanhai.accounts.services import membership_grant
from shanhai.core.models import AuditAction, AuditEntry
from shanhai.core.tests.factories import make_user
from shanhai.maternal import services
from shanhai.maternal.identity import check_digit
from shanhai.maternal.models import (
    AntenatalVisit,
    CaseStatus,
    Child,
    ChildCheck,
    Delivery,
    MaternalDeath,
    PostpartumVisit,
    Pregnancy,
    Referral,
    ReferralStatus,
    RiskAssessment,
    RiskCase,
    Woman,
)
from shanhai.maternal.tests.factories import Places, grade, make_pregnancy, mch_places, on_day
from shanhai.records.imports import import_rows
from shanhai.records.kinds import kind_of
from shanhai.records.tabular import read_table

NAME, PHONE, CHILD_NAME = "李秀英", "13812345678", "王小明"
REASON = "电话通知产后访视"
LMP = date(2024, 1, 1)


def make_id(born: date, sequence: int) -> str:
    body = f"652325{born:%Y%m%d}{sequence:03d}"
    return body + check_digit(body)


ID_NUMBER = make_id(date(1992, 5, 17), 24)
CLEAR = [NAME, "秀英", ID_NUMBER, "19920517", "1992-05-17", PHONE, "小明"]


def at(day: date, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime(day.year, day.month, day.day, hour, 0))


@dataclass
class MchFile:
    """One woman's whole file at Qitai MCH hospital: one record of every MCH kind."""

    woman: Woman
    pregnancy: Pregnancy
    referral: Referral
    assessment: RiskAssessment
    case: RiskCase
    visit: AntenatalVisit
    delivery: Delivery
    postpartum: PostpartumVisit
    death: MaternalDeath
    child: Child
    check: ChildCheck

    def record_of(self, slug: str) -> Any:
        return {
            "women": self.woman,
            "pregnancies": self.pregnancy,
            "risk-assessments": self.assessment,
            "risk-cases": self.case,
            "referrals": self.referral,
            "antenatal-visits": self.visit,
            "deliveries": self.delivery,
            "maternal-deaths": self.death,
            "postpartum-visits": self.postpartum,
            "children": self.child,
            "child-checks": self.check,
        }[slug]


def build_file(world: World, places: Places) -> MchFile:
    woman = services.woman_create(
        actor=None,
        name=NAME,
        id_number=ID_NUMBER,
        residence=places.township,
        registered_at=world.qitai_mch,
        phone=PHONE,
    )
    pregnancy = make_pregnancy(woman=woman, registered_at=world.qitai_mch, lmp=LMP, registered_day=60)
    referral = services.referral_create(
        actor=None,
        pregnancy=pregnancy,
        from_unit=world.qitai_mch,
        to_unit=world.qitai_hospital,
        reason="筛查阳性，转上级医院评估",
        requested_at=at(on_day(pregnancy, 62)),
    )
    assessment = grade(pregnancy, world.qitai_hospital, ["orange.2.1", "yellow.1.6"], on=on_day(pregnancy, 70))
    visit = services.antenatal_visit_create(
        actor=None, pregnancy=pregnancy, visited_on=on_day(pregnancy, 84), institution=world.qitai_mch
    )
    delivered_on = on_day(pregnancy, 273)
    delivery = services.delivery_create(
        actor=None,
        pregnancy=pregnancy,
        delivered_on=delivered_on,
        place="facility",
        institution=world.qitai_hospital,
        live_births=1,
        discharged_on=on_day(pregnancy, 276),
    )
    postpartum = services.postpartum_visit_create(
        actor=None, pregnancy=pregnancy, visited_on=on_day(pregnancy, 280), institution=world.qitai_mch
    )
    child = services.child_create(
        actor=None,
        mother=pregnancy,
        name=CHILD_NAME,
        sex="male",
        birth_date=delivered_on,
        residence=places.township,
        registered_at=world.qitai_mch,
    )
    check = services.child_check_create(
        actor=None, child=child, kind="newborn_visit", checked_on=on_day(pregnancy, 279), institution=world.qitai_mch
    )
    death = services.maternal_death_create(
        actor=None, pregnancy=pregnancy, died_on=on_day(pregnancy, 290), cause="haemorrhage"
    )
    pregnancy.refresh_from_db()
    return MchFile(
        woman,
        pregnancy,
        referral,
        assessment,
        RiskCase.objects.get(pregnancy=pregnancy),
        visit,
        delivery,
        postpartum,
        death,
        child,
        check,
    )


@pytest.fixture
def places(world: World) -> Places:
    return mch_places(world)


@pytest.fixture
def mch(world: World, places: Places) -> MchFile:
    return build_file(world, places)


@pytest.fixture
def reader(world: World) -> User:
    """A viewer at Qitai MCH hospital: reads its women's files, writes nothing."""
    return make_user("qitai-mch-viewer", unit=world.qitai_mch, role=Role.VIEWER)


@pytest.fixture
def revealer(world: World, mch_worker: User) -> User:
    membership_grant(actor=None, user=mch_worker, org_unit=world.qitai_mch, role=Role.DATA_CLERK, reveals_personal=True)
    return mch_worker


def client_for(user: User) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def api_for(user: User) -> APIClient:
    api = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    api.force_authenticate(user)
    return api


def detail_url(slug: str, record: Any) -> str:
    return reverse("records:detail", kwargs={"kind": slug, "public_id": record.public_id})


def xlsx_text(content: bytes) -> str:
    sheet = load_workbook(io.BytesIO(content)).worksheets[0]
    return "\n".join("\t".join("" if v is None else str(v) for v in row) for row in sheet.iter_rows(values_only=True))


def assert_masked(text: str) -> None:
    assert [value for value in CLEAR if value in text] == []


MCH_SLUGS = [
    "women",
    "pregnancies",
    "risk-assessments",
    "risk-cases",
    "referrals",
    "antenatal-visits",
    "deliveries",
    "maternal-deaths",
    "postpartum-visits",
    "children",
    "child-checks",
]


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
        ID_NUMBER[:6] + "********" + ID_NUMBER[-4:],
        "138****5678",
        "1992-**-**",
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
        lmp=timezone.localdate() - timedelta(days=100),
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
    assert AuditEntry.objects.filter(action=AuditAction.REVEAL).count() == 0
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


# --- the pregnancy page ------------------------------------------------------------------------------------------
def test_the_pregnancy_page_shows_facts_timeline_schedule_case_and_referrals(mch: MchFile, mch_worker: User) -> None:
    content = client_for(mch_worker).get(detail_url("pregnancies", mch.pregnancy)).content.decode()

    for text in [
        "李**",
        "138****5678",
        "2024-01-01",  # LMP
        "2024-10-07",  # EDD
        "G1 P0",
        "2024-03-01 · 奇台县妇幼保健院 · 8+4 weeks",
        "Orange (higher risk)",
        "2.1 较严重心血管疾病",
        "1.6 瘢痕子宫",
        "High-risk case (专案)",
        "李医生",
        "2024-03-14 12:00",  # report due: noon of the grading day + 72 h
        "奇台县妇幼保健院 → 奇台县人民医院",
        "孕早期（13周前）",
        "Maternal death",
        "王**",
    ]:
        assert text in content, text
    assert 'class="state-done">Done' in content
    assert content.count('class="state-missed">Missed') == 4
    assert f"/mch/pregnancies/{mch.pregnancy.public_id}/assess/" in content
    assert f"/records/antenatal-visits/new/?pregnancy={mch.pregnancy.public_id}" not in content  # not ongoing
    assert 'value="accepted"' in content and 'value="declined"' in content and 'value="cancelled"' in content


def test_a_reader_sees_the_page_without_any_action(mch: MchFile, reader: User) -> None:
    content = client_for(reader).get(detail_url("pregnancies", mch.pregnancy)).content.decode()

    assert "李**" in content
    assert "/mch/cases/" not in content
    assert "/mch/referrals/" not in content
    assert "/assess/" not in content


# --- finding a woman by ID number ---------------------------------------------------------------------------------
def test_finding_a_woman_by_id_number_goes_to_her_page(mch: MchFile, mch_worker: User) -> None:
    client = Client(HTTP_ACCEPT_LANGUAGE="en", enforce_csrf_checks=True)
    client.force_login(mch_worker)
    page = client.get(reverse("maternal:woman_find"))
    token = page.cookies["csrftoken"].value

    found = client.post(reverse("maternal:woman_find"), {"id_number": ID_NUMBER.lower(), "csrfmiddlewaretoken": token})
    no_token = client.post(reverse("maternal:woman_find"), {"id_number": ID_NUMBER})

    assert found.status_code == 302
    assert found["Location"] == detail_url("women", mch.woman)
    assert ID_NUMBER not in found["Location"]
    assert no_token.status_code == 403


def test_an_unknown_and_an_unseen_woman_get_the_same_answer(mch: MchFile, outsider: User, mch_worker: User) -> None:
    url = reverse("maternal:woman_find")
    unseen = client_for(outsider).post(url, {"id_number": ID_NUMBER})
    unknown = client_for(mch_worker).post(url, {"id_number": make_id(date(1990, 1, 1), 12)})
    bad = client_for(mch_worker).post(url, {"id_number": ID_NUMBER[:-1] + ("0" if ID_NUMBER[-1] != "0" else "1")})

    message = "No woman with this ID number among the records you can see."
    assert (unseen.status_code, unknown.status_code) == (200, 200)
    assert message in unseen.content.decode() and message in unknown.content.decode()
    assert ID_NUMBER not in unseen.content.decode()
    assert "This ID number&#x27;s check digit is wrong; check the number for a typing error." in bad.content.decode()
    assert ID_NUMBER[:-1] not in bad.content.decode()


def test_registering_the_same_id_number_twice_is_refused_on_the_form(
    mch: MchFile, mch_worker: User, places: Places
) -> None:
    response = client_for(mch_worker).post(
        reverse("records:create", kwargs={"kind": "women"}),
        {
            "name": "张丽",
            "id_number": ID_NUMBER,
            "phone": "",
            "residence": places.township.pk,
            "registered_at": mch.woman.registered_at_id,
        },
    )

    assert response.status_code == 200
    assert "A woman with this ID number is already registered." in response.content.decode()
    assert f'value="{ID_NUMBER[:6]}********{ID_NUMBER[-4:]}"' in response.content.decode()
    assert Woman.objects.count() == 1
    assert_masked(response.content.decode())


# --- the grading page ---------------------------------------------------------------------------------------------
@pytest.fixture
def ongoing(world: World, places: Places) -> Pregnancy:
    """A woman 20 weeks pregnant today, registered at Qitai MCH and referred to Qitai People's Hospital."""
    lmp = timezone.localdate() - timedelta(days=140)
    pregnancy = make_pregnancy(residence=places.township, registered_at=world.qitai_mch, lmp=lmp, registered_day=60)
    services.referral_create(
        actor=None,
        pregnancy=pregnancy,
        from_unit=world.qitai_mch,
        to_unit=world.qitai_hospital,
        reason="筛查阳性",
        requested_at=timezone.now() - timedelta(days=1),
    )
    return pregnancy


def grading_url(pregnancy: Pregnancy, name: str = "assessment_create") -> str:
    return reverse(f"maternal:{name}", kwargs={"public_id": pregnancy.public_id})


def test_ticking_factors_gives_their_colour(ongoing: Pregnancy, hospital_admin: User) -> None:
    client = client_for(hospital_admin)
    grade_url = grading_url(ongoing, "assessment_grade")

    none = client.post(grade_url, {"kind": "grading"})
    yellow = client.post(grade_url, {"kind": "grading", "factor_codes": ["yellow.1.1"]})
    red = client.post(
        grade_url, {"kind": "grading", "factor_codes": ["yellow.1.1", "red.blood.leukaemia", "orange.2.2"]}
    )
    purple = client.post(grade_url, {"kind": "grading", "factor_codes": ["purple.syphilis"]})
    both = client.post(grade_url, {"kind": "grading", "factor_codes": ["orange.2.2", "purple.hiv_aids"]})
    positive = client.post(grade_url, {"kind": "screening", "factor_codes": ["screening.1.1", "screening.2.2"]})
    negative = client.post(grade_url, {"kind": "screening"})

    def badges(response: Any) -> list[str]:
        content = response.content.decode()
        return [c for c in ("green", "yellow", "orange", "red", "purple") if f"colour colour-{c}" in content]

    assert [badges(r) for r in (none, yellow, red, purple, both)] == [
        ["green"],
        ["yellow"],
        ["red"],
        ["purple"],
        ["orange", "purple"],
    ]
    assert "Positive" in positive.content.decode() and "2 items ticked" in positive.content.decode()
    assert "Negative" in negative.content.decode()


def test_the_page_lists_the_catalogue_by_colour_and_sends_csrf_with_htmx(
    ongoing: Pregnancy, hospital_admin: User
) -> None:
    content = client_for(hospital_admin).get(grading_url(ongoing) + "?kind=grading").content.decode()

    assert 'value="red.blood.leukaemia"' in content
    assert "白血病" in content
    assert 'hx-post="' + grading_url(ongoing, "assessment_grade") + '"' in content
    assert "hx-headers:inherited" in content and "X-CSRFToken" in content
    assert (
        content.index("colour colour-yellow")
        < content.index("colour colour-orange")
        < content.index("colour colour-red")
    )


def test_confirming_the_computed_colour_records_the_grading_and_opens_the_case(
    ongoing: Pregnancy, hospital_admin: User, world: World
) -> None:
    data = {
        "kind": "grading",
        "assessed_on": timezone.localdate().isoformat(),
        "institution": world.qitai_hospital.pk,
        "factor_codes": ["orange.2.2", "yellow.1.1"],
        "confirmed_colour": "orange",
        "assessor_name": "马医生",
    }
    response = client_for(hospital_admin).post(grading_url(ongoing), data)

    assert response.status_code == 302
    assert response["Location"] == detail_url("pregnancies", ongoing)
    assessment = RiskAssessment.objects.get(pregnancy=ongoing)
    assert (assessment.colour, assessment.factor_codes, assessment.assessor_name) == (
        "orange",
        ["orange.2.2", "yellow.1.1"],
        "马医生",
    )
    assert RiskCase.objects.get(pregnancy=ongoing).colour == "orange"


def test_confirming_another_colour_is_refused_with_the_services_message(
    ongoing: Pregnancy, hospital_admin: User, world: World
) -> None:
    data = {
        "kind": "grading",
        "assessed_on": timezone.localdate().isoformat(),
        "institution": world.qitai_hospital.pk,
        "factor_codes": ["orange.2.2"],
        "confirmed_colour": "yellow",
    }
    response = client_for(hospital_admin).post(grading_url(ongoing), data)

    assert response.status_code == 400
    assert "The factors give Orange (higher risk). Check the factors, or confirm Orange (higher risk)." in (
        response.content.decode()
    )
    assert 'value="orange.2.2" checked' in response.content.decode()
    assert RiskAssessment.objects.count() == 0


def test_a_township_centre_sees_only_screening_and_is_refused_a_grading(
    ongoing: Pregnancy, places: Places, world: World
) -> None:
    clerk = make_user("township-clerk", unit=places.township, role=Role.DATA_CLERK)
    client = client_for(clerk)
    page = client.get(grading_url(ongoing) + "?kind=grading").content.decode()
    graded = client.post(
        grading_url(ongoing),
        {
            "kind": "grading",
            "assessed_on": timezone.localdate().isoformat(),
            "institution": places.township_centre.pk,
            "factor_codes": ["orange.2.2"],
            "confirmed_colour": "orange",
        },
    )
    screened = client.post(
        grading_url(ongoing),
        {
            "kind": "screening",
            "assessed_on": timezone.localdate().isoformat(),
            "institution": places.township_centre.pk,
            "factor_codes": ["screening.1.1"],
        },
    )

    assert 'value="screening.1.1"' in page
    assert 'value="red.blood.leukaemia"' not in page
    assert 'href="?kind=grading"' not in page
    assert graded.status_code == 400
    assert "Grading is done at level-2 or higher institutions with midwifery services" in graded.content.decode()
    assert screened.status_code == 302
    assert list(RiskAssessment.objects.values_list("kind", "screening_result")) == [("screening", "positive")]


def test_a_reader_may_not_open_the_grading_page(ongoing: Pregnancy, world: World) -> None:
    viewer = make_user("hospital-viewer", unit=world.qitai_hospital, role=Role.VIEWER)

    assert client_for(viewer).get(grading_url(ongoing)).status_code == 403
    assert client_for(viewer).post(grading_url(ongoing, "assessment_grade"), {"kind": "grading"}).status_code == 403


# --- 专案 and referral actions ----------------------------------------------------------------------------------
@pytest.fixture
def graded(ongoing: Pregnancy, world: World) -> RiskCase:
    grade(ongoing, world.qitai_hospital, ["red.blood.leukaemia"], on=timezone.localdate())
    return RiskCase.objects.get(pregnancy=ongoing)


def case_url(case: RiskCase, action: str) -> str:
    return reverse(f"maternal:case_{action}", kwargs={"public_id": case.public_id})


def test_a_case_is_assigned_reported_and_closed(graded: RiskCase, mch_worker: User) -> None:
    client = client_for(mch_worker)
    reported = timezone.localtime().replace(second=0, microsecond=0)

    early_close = client.post(case_url(graded, "close"), {"close_note": "产后42天无异常"})
    assigned = client.post(case_url(graded, "assign"), {"responsible_name": "阿依古丽"})
    report = client.post(case_url(graded, "report"), {"reported_at": reported.strftime("%Y-%m-%dT%H:%M")})
    closed = client.post(case_url(graded, "close"), {"close_note": "产后42天无异常"})

    assert [r.status_code for r in (early_close, assigned, report, closed)] == [302] * 4
    graded.refresh_from_db()
    assert (graded.responsible_name, graded.reported_at, graded.status, graded.close_note) == (
        "阿依古丽",
        reported,
        CaseStatus.CLOSED,
        "产后42天无异常",
    )
    assert early_close["Location"] == detail_url("pregnancies", graded.pregnancy)


def test_closing_before_the_report_shows_the_services_message(graded: RiskCase, mch_worker: User) -> None:
    response = client_for(mch_worker).post(case_url(graded, "close"), {"close_note": "无"}, follow=True)

    assert [str(m) for m in response.context["messages"]] == [
        "Report the case to the MCH institution before closing it."
    ]
    graded.refresh_from_db()
    assert graded.status == CaseStatus.OPEN


def test_a_referral_moves_only_to_its_allowed_next_states(ongoing: Pregnancy, hospital_admin: User) -> None:
    referral = Referral.objects.get(pregnancy=ongoing)
    url = reverse("maternal:referral_move", kwargs={"public_id": referral.public_id})
    client = client_for(hospital_admin)

    skipped = client.post(url, {"status": "arrived"}, follow=True)
    accepted = client.post(url, {"status": "accepted"}, follow=True)
    arrived = client.post(url, {"status": "arrived"}, follow=True)

    assert [str(m) for m in skipped.context["messages"]] == ["A referral that is “Requested” cannot become “Arrived”."]
    assert [str(m) for m in accepted.context["messages"]] == ["The referral is updated."]
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.ARRIVED
    assert referral.accepted_at is not None and referral.arrived_at is not None
    content = arrived.content.decode()
    assert 'value="returned"' in content and 'value="cancelled"' not in content


# --- importing women, pregnancies and visits ----------------------------------------------------------------------
def workbook(headers: list[str], rows: list[list[Any]]) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def upload(client: Client, slug: str, content: bytes) -> Any:
    file = io.BytesIO(content)
    file.name = f"{slug}.xlsx"
    return client.post(reverse("records:import", kwargs={"kind": slug}), {"file": file})


WOMEN_HEADERS = [
    "Name",
    "ID number",
    "Phone",
    "Residence (county or township)",
    "Registering institution (code or name)",
]
PREGNANCY_HEADERS = [
    "Woman (record number or ID number)",
    "Registration date",
    "Registering institution (code or name)",
    "Last menstrual period",
    "Gravidity",
    "Parity",
]
VISIT_HEADERS = ["Pregnancy (record number or ID number)", "Date", "Institution (code or name)"]


def women_rows(places: Places, world: World) -> list[list[Any]]:
    return [
        ["李秀英", make_id(date(1992, 5, 17), 24), "13812345678", places.township.code, world.qitai_mch.code],
        ["张丽", make_id(date(1990, 8, 9), 42), "", "奇台县", world.qitai_mch.name],
    ]


def test_a_good_set_of_files_imports_women_then_pregnancies_then_visits(
    world: World, places: Places, mch_worker: User
) -> None:
    client = client_for(mch_worker)
    ids = [row[1] for row in women_rows(places, world)]
    women = upload(client, "women", workbook(WOMEN_HEADERS, women_rows(places, world)))
    pregnancies = upload(
        client,
        "pregnancies",
        workbook(
            PREGNANCY_HEADERS,
            [
                [ids[0], "2024-03-01", world.qitai_mch.code, "2024-01-01", 2, 1],
                [ids[1].lower(), "2024-04-02", "奇台县妇幼保健院", "2024-02-10", None, None],
            ],
        ),
    )
    visits = upload(
        client,
        "antenatal-visits",
        workbook(
            VISIT_HEADERS,
            [
                [ids[0], "2024-03-01", world.qitai_mch.code],
                [ids[0], "2024-05-10", world.qitai_mch.code],
                [ids[1], "2024-04-02", world.qitai_mch.code],
            ],
        ),
    )

    assert [r.status_code for r in (women, pregnancies, visits)] == [200, 200, 200]
    assert Woman.objects.count() == 2
    assert sorted(Pregnancy.objects.values_list("registered_on", "gravidity", "parity")) == [
        (date(2024, 3, 1), 2, 1),
        (date(2024, 4, 2), 1, 0),
    ]
    first = Pregnancy.objects.get(registered_on=date(2024, 3, 1))
    assert (first.antenatal_visit_count, first.is_early_registered) == (2, True)
    for response in (women, pregnancies, visits):
        assert_masked(response.content.decode())


def test_one_bad_row_imports_nothing_and_names_every_problem(world: World, places: Places, mch_worker: User) -> None:
    good, duplicate = women_rows(places, world)
    bad_checksum = [
        "马兰",
        good[1][:-1] + ("1" if good[1][-1] != "1" else "2"),
        "",
        places.township.code,
        world.qitai_mch.code,
    ]
    duplicate[1] = good[1]
    result = import_rows(kind_of("women"), mch_worker, WOMEN_HEADERS, [good, bad_checksum, duplicate])

    assert [(e.row, e.column, e.message) for e in result.errors] == [
        (3, "ID number", "This ID number's check digit is wrong; check the number for a typing error."),
        (4, "ID number", "A woman with this ID number is already registered."),
    ]
    assert (result.created, Woman.objects.count()) == (0, 0)
    assert_masked(json.dumps(result.errors_as_dicts(), ensure_ascii=False))


def test_a_pregnancy_of_an_unknown_or_unseen_woman_is_refused(world: World, places: Places, mch_worker: User) -> None:
    unknown = make_id(date(1991, 1, 1), 58)
    other = services.woman_create(
        actor=None,
        name="阿依夏",
        id_number=make_id(date(1994, 4, 4), 60),
        residence=places.jimsar,
        registered_at=places.jimsar_hospital,
    )
    rows = [
        [unknown, "2024-03-01", world.qitai_mch.code, "2024-01-01", 1, 0],
        [make_id(date(1994, 4, 4), 60), "2024-03-01", world.qitai_mch.code, "2024-01-01", 1, 0],
        ["not-a-number", "2024-03-01", world.qitai_mch.code, "2024-01-01", 1, 0],
    ]
    result = import_rows(kind_of("pregnancies"), mch_worker, PREGNANCY_HEADERS, rows)

    column = "Woman (record number or ID number)"
    assert [(e.row, e.column, e.message) for e in result.errors] == [
        (2, column, "No woman with this ID number among the records you can see."),
        (3, column, "No woman with this ID number among the records you can see."),
        (4, column, "An ID number has 18 characters: 17 digits and a digit or X."),
    ]
    assert Pregnancy.objects.count() == 0
    errors = json.dumps(result.errors_as_dicts(), ensure_ascii=False)
    assert (unknown in errors, other.id_number in errors) == (False, False)


def test_the_export_of_women_reimports_to_the_same_records(mch: MchFile, mch_worker: User) -> None:
    export = client_for(mch_worker).get(reverse("records:export", kwargs={"kind": "women"}))
    headers, rows = read_table("women.xlsx", export.content)

    result = import_rows(kind_of("women"), mch_worker, headers, rows)

    assert (result.errors, result.created, result.updated) == ([], 0, 1)
    mch.woman.refresh_from_db()
    assert (mch.woman.name, mch.woman.id_number, mch.woman.phone) == (NAME, ID_NUMBER, PHONE)


def test_the_mch_pages_are_in_the_menu(mch_worker: User) -> None:
    content = client_for(mch_worker).get(reverse("maternal:home")).content.decode()

    assert '<a href="/mch/"' in content
    assert "/indicators/dashboard/?indicator=mch.early_registration_rate" in content
