"""Reporting completeness (issue 13, item 2): who owed a month's report and who has not sent it."""

from __future__ import annotations

import datetime as dt

from django.test import Client

from shanhai.analytics.engine import Scope
from shanhai.capacity.services import workload_report_create
from shanhai.core.periods import parse_period
from shanhai.portal.home import home_parts
from shanhai.portal.reporting import completeness, reporting_month
from shanhai.workforce import services as s
from tests.portal.test_evidence import person

D = dt.date


def by_code(rows):  # type: ignore[no-untyped-def]
    return {row.report.code: row for row in rows}


def test_a_posting_owes_a_work_log_for_each_month_it_is_in_progress(world):
    lin = person(world.fuqing_hospital, "林建国", "231")
    posting = s.posting_create(
        actor=None, person=lin, partnership=world.partnership, host=world.qitai_hospital, started_on=D(2023, 3, 10)
    )
    s.posting_log_create(actor=None, posting=posting, month=202303, patients=12)
    receiving, supporting = Scope(org_unit=world.qitai), Scope(org_unit=world.fujian, side="supporter")
    march = by_code(completeness(receiving, 202303))["posting-logs"]
    assert (march.expected, march.received, march.rate, march.missing) == (1, 1, 100.0, [])
    april = by_code(completeness(receiving, 202304))["posting-logs"]
    assert (april.expected, april.received, april.rate) == (1, 0, 0.0)
    assert [(d.reporter, d.unit) for d in april.missing] == [("林建国 · 2023-03-10", "奇台县人民医院")]
    # The supporting province sees its expert's missing log; nobody was posted before March: nothing due.
    assert by_code(completeness(supporting, 202304))["posting-logs"].expected == 1
    assert completeness(receiving, 202302) == []
    # A missing work log is what the indicators show as not reported, never 0.
    from shanhai.analytics.engine import evaluate

    [patients] = evaluate(["expert_patient_visits"], receiving, parse_period("202304"))
    assert patients.is_reported is False


def test_an_institution_that_reported_owes_the_following_months(world, admin):
    workload_report_create(actor=admin, institution=world.qitai_hospital, month=202301, outpatient_visits=1200)
    rows = by_code(completeness(Scope(org_unit=world.changji), 202302))
    assert [(d.reporter, d.received) for d in rows["workload-reports"].due] == [("奇台县人民医院", False)]
    assert "workload-reports" not in by_code(completeness(Scope(org_unit=world.changji), 202402))  # a year later


def test_the_page_lists_who_has_not_reported_and_stays_in_scope(client: Client, world, commission_user, outsider):
    lin = person(world.fuqing_hospital, "林建国", "231")
    s.posting_create(
        actor=None, person=lin, partnership=world.partnership, host=world.qitai_hospital, started_on=D(2023, 3, 10)
    )
    client.force_login(commission_user)
    response = client.get("/indicators/reporting/", {"month": "2023-04"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "林建国 · 2023-03-10" in page and "0 of 1 received" in page
    assert "is not a month" in client.get("/indicators/reporting/", {"month": "2023-13"}).content.decode()
    client.force_login(outsider)
    assert client.get("/indicators/reporting/", {"org": world.qitai.code, "month": "2023-04"}).status_code == 404


def test_a_programme_office_home_counts_the_months_reports(world, commission_user, monkeypatch):
    lin = person(world.fuqing_hospital, "林建国", "231")
    s.posting_create(
        actor=None, person=lin, partnership=world.partnership, host=world.qitai_hospital, started_on=D(2023, 3, 10)
    )
    today = D(2023, 5, 3)
    assert reporting_month(today) == 202304
    [report] = home_parts(commission_user, today)["reporting"]  # type: ignore[misc]
    [row] = report.rows
    assert (row.report.code, row.expected, row.received) == ("posting-logs", 1, 0)
