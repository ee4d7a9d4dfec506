"""First screens open on the year of the latest data in the user's scope, not on an empty current year."""

import datetime as dt

from shanhai.analytics import facts
from shanhai.analytics.engine import Scope, latest_month_with_data, latest_period_with_data
from shanhai.core.periods import parse_period
from shanhai.partnerships.models import Partnership


def facts_in_2022_only(world) -> None:
    Partnership.objects.filter(pk=world.partnership.pk).update(started_on=dt.date(2022, 5, 1))
    facts.rebuild()


def test_the_latest_period_with_data_is_the_year_of_the_latest_fact(world):
    facts_in_2022_only(world)
    today = dt.date(2026, 3, 1)
    assert latest_month_with_data(Scope(org_unit=world.qitai_hospital), today=today) == 202205
    assert latest_month_with_data(Scope(org_unit=world.xinjiang), today=today) == 202205  # the region roll-up
    assert latest_period_with_data(Scope(org_unit=world.changji), today=today) == parse_period("2022")
    assert latest_period_with_data(Scope(org_unit=world.changji), kind="mch_year", today=today).code == "2021Oct"
    assert latest_period_with_data(Scope(), today=today).code == "2022"


def test_without_data_it_is_this_year_and_later_months_are_ignored(world):
    facts_in_2022_only(world)
    assert latest_period_with_data(Scope(org_unit=world.hainan), today=dt.date(2026, 3, 1)).code == "2026"
    assert latest_period_with_data(Scope(org_unit=world.qitai), today=dt.date(2022, 4, 30)).code == "2022"
    assert latest_month_with_data(Scope(org_unit=world.qitai), today=dt.date(2022, 4, 30)) is None


def test_supporting_side_data_counts(world):
    facts_in_2022_only(world)
    assert latest_period_with_data(Scope(org_unit=world.fujian, side="supporter")).code == "2022"


def test_home_without_a_period_shows_the_data_year(client, hospital_admin, world):
    facts_in_2022_only(world)
    client.force_login(hospital_admin)
    response = client.get("/")
    assert response.context["period"] == parse_period("2022")
    content = response.content.decode()
    assert "Year 2022" in content
    assert 'value="2022"' in content  # the period input shows the code it stands for
    assert "period=2021" in content  # the same period last year


def test_dashboard_and_ranking_without_a_period_show_the_data_year(client, commission_user, world):
    facts_in_2022_only(world)
    client.force_login(commission_user)
    assert client.get("/indicators/dashboard/").context["period"].code == "2022"
    assert client.get("/indicators/ranking/").context["period"].code == "2022"
    assert client.get("/indicators/dashboard/", {"period": "2020-2023"}).context["period"].code == "2020..2023"


def test_the_dashboard_takes_a_range_from_the_picker(client, commission_user, world):
    client.force_login(commission_user)
    response = client.get("/indicators/dashboard/", {"period_from": "2022-01", "period_to": "2022-06"})
    assert response.context["period"].code == "202201..202206"
    assert "January 2022 to June 2022" in response.content.decode()
