"""Evidence lists: the records behind a number, filtered as the engine computed it, count = number."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

import pytest
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse

from shanhai.analytics import engine
from shanhai.analytics.registry import registry
from shanhai.capacity.services import workload_report_create
from shanhai.core.models import Department, ProfessionalTitle
from shanhai.core.periods import parse_period
from shanhai.outreach.models import DonationKind
from shanhai.outreach.services import donation_create
from shanhai.portal.evidence import indicator_evidence, term_records, term_total
from shanhai.workforce import services as s
from shanhai.workforce.models import PostType
from shanhai.workforce.services import person_create

D = dt.date


def person(unit, name, title):
    return person_create(
        actor=None,
        name=name,
        gender="male",
        institution=unit,
        title=ProfessionalTitle.objects.get(code=title),
        department=Department.objects.get(code="04"),
    )


@pytest.fixture
def records(world):
    lin = person(world.fuqing_hospital, "林建国", "231")
    chen = person(world.fuqing_hospital, "陈晓明", "233")

    def post(who, start, end=None, **kwargs):
        return s.posting_create(
            actor=None,
            person=who,
            partnership=world.partnership,
            host=world.qitai_hospital,
            started_on=start,
            ended_on=end,
            **kwargs,
        )

    a = post(lin, D(2021, 4, 10), D(2021, 9, 30), post=PostType.DEPARTMENT_HEAD)
    post(chen, D(2021, 6, 1), None, term="short")
    post(lin, D(2022, 1, 1), D(2022, 3, 31), term="short")
    post(lin, D(2021, 3, 1), D(2021, 3, 31))
    s.posting_log_create(actor=None, posting=a, month=202104, patients=100, operations_grade_1=2, operations_grade_3=4)
    s.posting_log_create(actor=None, posting=a, month=202105, patients=50, operations_grade_4=1)
    for kind, amount, on in (
        (DonationKind.FUNDS, "10000.50", D(2021, 5, 1)),
        (DonationKind.EQUIPMENT, "250000", D(2021, 7, 9)),
        (DonationKind.FUNDS, "300", D(2022, 2, 1)),
    ):
        donation_create(
            actor=None,
            donor=world.fuqing_hospital,
            recipient=world.qitai_hospital,
            partnership=world.partnership,
            kind=kind,
            amount=Decimal(amount),
            donated_on=on,
        )
    for month, g1, g3, g4 in ((202103, 40, 10, None), (202104, 30, 12, 3)):
        workload_report_create(
            actor=None,
            institution=world.qitai_hospital,
            month=month,
            operations_grade_1=g1,
            operations_grade_2=0,
            operations_grade_3=g3,
            operations_grade_4=g4,
        )
    return world


SCOPES = {
    "county": lambda w: engine.Scope(org_unit=w.qitai),
    "programme": lambda w: engine.Scope(programme=w.programme),
    "partnership": lambda w: engine.Scope(partnership=w.partnership),
    "supporting side": lambda w: engine.Scope(org_unit=w.fujian, side="supporter"),
}
CODES = [
    "postings_started",
    "experts_on_post",
    "experts_dispatched",
    "experts_senior_share",
    "leadership_posts_held",
    "expert_patient_visits",
    "expert_operations",
    "donations_total",
    "donations_funds",
    "partnerships_active",
    "supporting_institutions",
    "supporters_grade_3a_share",
]


def numbers(code, scope, period, user):
    found = indicator_evidence(registry.get(code), scope, parse_period(period), user)
    return found, {
        side: sum(item.number for item in found.lists if item.side == side) for side in ("numerator", "denominator")
    }


@pytest.mark.parametrize("scope_name", SCOPES)
@pytest.mark.parametrize("period", ["2021", "2021Q2", "202101..202203", "2022"])
def test_every_list_adds_up_to_the_engine(records, admin, scope_name, period):
    scope = SCOPES[scope_name](records)
    for code in CODES:
        found, sides = numbers(code, scope, period, admin)
        value = found.value
        assert found.complete, code
        if not value.is_reported:
            assert sides["numerator"] == 0, (code, sides)
            continue
        assert sides["numerator"] == pytest.approx(value.numerator), code
        if value.denominator is not None:
            assert sides["denominator"] == pytest.approx(value.denominator), code
        for item in found.lists:
            if item.how == "count":
                assert item.count == item.number, (code, item.title)


def test_flow_stock_ratio_and_measure_lists(records, admin):
    scope, period = engine.Scope(org_unit=records.qitai), parse_period("2021")
    started, _ = numbers("postings_started", scope, "2021", admin)
    assert [(i.kind, i.count, i.number, i.how) for i in started.lists] == [("postings", 3, 3.0, "count")]
    assert started.value.value == 3

    on_post, _ = numbers("experts_on_post", scope, "2021", admin)
    (stock,) = on_post.lists
    assert (stock.count, stock.number, on_post.value.value) == (1, 1.0, 1)  # chen, open-ended
    assert [p.person.name for p in stock.records] == ["陈晓明"]

    dispatched, _ = numbers("experts_dispatched", scope, "2021", admin)
    (people,) = dispatched.lists
    assert (people.count, people.number, people.how, dispatched.value.value) == (3, 2.0, "distinct", 2)

    share, _sides = numbers("experts_senior_share", scope, "2021", admin)
    assert [(i.side, i.number) for i in share.lists] == [("numerator", 1.0), ("denominator", 2.0)]
    assert share.value.value == 50

    operations, _ = numbers("grade_3_4_share", scope, "2021", admin)
    assert [(i.side, i.kind, i.count, i.number, i.how) for i in operations.lists] == [
        ("numerator", "workload-reports", 2, 25.0, "sum"),
        ("denominator", "workload-reports", 2, 95.0, "sum"),
    ]
    assert operations.value.value == pytest.approx(26.3)

    donations, _ = numbers("donations_total", scope, "2021", admin)
    assert [(i.kind, i.count, i.number) for i in donations.lists] == [("donations", 2, 260000.5)]

    metric = registry.metrics["posting.left"]
    left = term_records(metric, "closing", scope, period)
    assert (left.count(), term_total(metric, left)) == (2, 2.0)  # March (sits in April) and September


def test_a_programme_scope_selects_no_workload_report(records, admin):
    found, sides = numbers("operations_total", engine.Scope(programme=records.programme), "2021", admin)
    assert (found.value.is_reported, sides["numerator"], [i.count for i in found.lists]) == (False, 0, [0])


def test_tile_links_to_the_page_and_the_page_shows_the_list(records, admin):
    scope = engine.Scope(programme=records.programme)
    value = engine.evaluate_one("postings_started", scope, parse_period("2021"))
    html = render_to_string("includes/indicator_tile.html", {"value": value})
    url = value.evidence_url
    assert f'href="{url.replace("&", "&amp;")}"' in html
    parts = urlsplit(url)
    assert parts.path == reverse("portal:evidence")
    assert parse_qs(parts.query) == {
        "indicator": ["postings_started"],
        "period": ["2021"],
        "programme": [str(records.programme.pk)],
    }
    client = Client()
    client.force_login(admin)
    response = client.get(url)
    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-count="3"' in page and 'data-number="3"' in page
    assert page.count('href="/records/postings/') >= 2
    records_url = reverse("records:list", kwargs={"kind": "postings"})
    assert f"{records_url}?period=2021&amp;programme={records.programme.pk}" in page


def test_unreported_values_link_nowhere(records):
    value = engine.evaluate_one("postings_started", engine.Scope(org_unit=records.hainan), parse_period("2021"))
    assert (value.is_reported, value.evidence_url) == (False, "")
    assert "href" not in render_to_string("includes/indicator_tile.html", {"value": value})


def test_outsider_gets_404_and_bad_input_400(records, outsider, admin):
    client = Client()
    client.force_login(outsider)
    url = reverse("portal:evidence")
    for params in (
        {"indicator": "postings_started", "period": "2021", "org": "652325"},
        {"indicator": "postings_started", "period": "2021", "programme": records.programme.pk},
        {"indicator": "postings_started", "period": "2021", "partnership": records.partnership.pk},
        {"indicator": "postings_started", "period": "2021"},
    ):
        assert client.get(url, params).status_code == 404, params
    client.force_login(admin)
    assert client.get(url, {"indicator": "nope", "period": "2021", "org": "652325"}).status_code == 400
    assert client.get(url, {"indicator": "postings_started", "period": "20x", "org": "652325"}).status_code == 400


def test_supporting_side_user_sees_only_records_in_their_scope(records, supporter_user):
    """Fujian's office reads what was credited to its partnerships, and nothing else."""
    client = Client()
    client.force_login(supporter_user)
    url = reverse("portal:evidence")
    response = client.get(
        url, {"indicator": "postings_started", "period": "2021", "org": "350000", "side": "supporter"}
    )
    assert response.status_code == 200
    assert 'data-count="3"' in response.content.decode()
    # Qitai's own numbers (recipient side) are not theirs to open.
    assert client.get(url, {"indicator": "postings_started", "period": "2021", "org": "652325"}).status_code == 404
    found, _ = numbers(
        "operations_total", engine.Scope(org_unit=records.fujian, side="supporter"), "2021", supporter_user
    )
    assert [i.count for i in found.lists] == [0]


def test_grid_cells_link_to_their_own_row_and_month(records):
    grid = engine.evaluate_grid(
        ["postings_started"], engine.Scope(org_unit=records.changji), parse_period("2021"), group="unit", monthly=True
    )
    qitai = next(row for row in grid.rows if row.code == "652325")
    cell = grid.get("postings_started", qitai.key, 202104)
    assert (cell.value, cell.evidence_params) == (1, {"org": "652325"})
    assert parse_qs(urlsplit(cell.evidence_url).query) == {
        "indicator": ["postings_started"],
        "period": ["202104"],
        "org": ["652325"],
    }
    # Nothing started in May, but Qitai keeps postings since March: 0, not "not reported"; before March unknown.
    may = grid.get("postings_started", qitai.key, 202105)
    assert (may.value, may.is_reported) == (0, True)
    assert grid.get("postings_started", qitai.key, 202102).is_reported is False
    assert grid.get("postings_started", qitai.key, 202102).evidence_url == ""
