"""The worklist on a fixed day: antenatal contacts due and overdue by gestation, deliveries to record,
postpartum visits and 42-day checks, children's checks by age, open 专案 and referrals not followed up;
filters; the user's scope; a fixed number of queries whatever the rows."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from conftest import World
from shanhai.accounts.models import User
from shanhai.core import clock
from shanhai.maternal import selectors, services
from shanhai.maternal.models import Pregnancy, RiskCase
from tests.maternal.factories import Places, add_visits, grade, make_child, make_pregnancy, mch_places, on_day
from tests.maternal.mch_file import client_for

TODAY = date(2025, 6, 16)
NOW = timezone.make_aware(datetime(2025, 6, 16, 12, 0))


def days_ago(days: int) -> date:
    return TODAY - timedelta(days=days)


def at(day: date) -> datetime:
    return timezone.make_aware(datetime(day.year, day.month, day.day, 10, 0))


class Cohort:
    """Women and children at Qitai MCH hospital on 2025-06-16, one for each case the worklist knows."""

    def __init__(self, world: World, places: Places) -> None:
        def pregnancy(lmp_days_ago: int, registered_day: int = 60, **kw: Any) -> Pregnancy:
            return make_pregnancy(
                residence=places.township,
                registered_at=world.qitai_mch,
                lmp=days_ago(lmp_days_ago),
                registered_day=registered_day,
                **kw,
            )

        mch, hospital = world.qitai_mch, world.qitai_hospital
        # A: 17+1 weeks, early contact made → the 16–20 week contact is due; an orange case not reported.
        self.a = pregnancy(120)
        add_visits(self.a, mch, [70])
        grade(self.a, hospital, ["orange.2.2"], on=on_day(self.a, 100))
        # B: 22+6 weeks, registered at 4+2 weeks, never seen → two contacts overdue, one due; a red case, reported.
        self.b = pregnancy(160, registered_day=30)
        grade(self.b, hospital, ["red.blood.leukaemia"], on=on_day(self.b, 150))
        case = RiskCase.objects.get(pregnancy=self.b)
        services.case_update(actor=None, record=case, reported_at=at(on_day(self.b, 151)))
        # C: registered late at 21+3 weeks with a visit then → only the 28–36 week contact is due.
        self.c = pregnancy(200, registered_day=150)
        add_visits(self.c, mch, [150])
        # D: 42+6 weeks and no delivery on record.
        self.d = pregnancy(300)
        # E, F, G: delivered 5, 40 and 60 days ago.
        self.e = self.delivered(pregnancy(285), world, days_ago(5))
        self.f = self.delivered(pregnancy(320), world, days_ago(40))
        self.g = self.delivered(pregnancy(340), world, days_ago(60), visit_after=5)
        # Referrals: C's requested 20 days ago, B's accepted (30 days ago), A's only 3 days ago.
        services.referral_create(
            actor=None,
            pregnancy=self.c,
            from_unit=mch,
            to_unit=hospital,
            reason="筛查阳性",
            requested_at=at(days_ago(20)),
        )
        accepted = services.referral_create(
            actor=None, pregnancy=self.b, from_unit=mch, to_unit=hospital, reason="红色", requested_at=at(days_ago(30))
        )
        services.referral_move(actor=None, record=accepted, status="accepted", at=at(days_ago(29)))
        services.referral_create(
            actor=None, pregnancy=self.a, from_unit=mch, to_unit=hospital, reason="橙色", requested_at=at(days_ago(3))
        )
        # Children: newborn (I), 3 months with the newborn visit done (J), 12 months (K), 76 days (L), dead, 8 years.
        child = {"residence": places.township, "registered_at": mch}
        self.i = make_child(born=days_ago(3), **child)
        self.j = make_child(born=date(2025, 3, 7), **child)
        services.child_check_create(
            actor=None, child=self.j, kind="newborn_visit", checked_on=date(2025, 3, 10), institution=mch
        )
        self.k = make_child(born=date(2024, 6, 1), **child)
        self.l = make_child(born=date(2025, 4, 1), **child)
        make_child(born=date(2025, 5, 1), died_on=date(2025, 5, 3), **child)
        make_child(born=date(2017, 6, 1), **child)

    @staticmethod
    def delivered(pregnancy: Pregnancy, world: World, on: date, *, visit_after: int | None = None) -> Pregnancy:
        services.delivery_create(
            actor=None,
            pregnancy=pregnancy,
            delivered_on=on,
            place="facility",
            institution=world.qitai_hospital,
            live_births=1,
            discharged_on=on + timedelta(days=2),
        )
        if visit_after is not None:
            services.postpartum_visit_create(
                actor=None,
                pregnancy=pregnancy,
                visited_on=on + timedelta(days=2 + visit_after),
                institution=world.qitai_mch,
            )
        return pregnancy


@pytest.fixture
def places(world: World) -> Places:
    return mch_places(world)


@pytest.fixture
def cohort(world: World, places: Places) -> Cohort:
    return Cohort(world, places)


def items(work: selectors.Worklist) -> dict[str, list[tuple[str, Any, str]]]:
    return {s.code: [(i.state, i.subject_id, i.code) for i in s.items] for s in work.sections}


def test_every_section_lists_what_is_due_and_overdue_today(cohort: Cohort, mch_worker: User) -> None:
    c = cohort
    work = selectors.worklist(mch_worker, today=TODAY, now=NOW)

    assert items(work) == {
        "antenatal": [
            ("overdue", c.b.public_id, "early"),
            ("overdue", c.b.public_id, "mid_1"),
            ("due", c.b.public_id, "mid_2"),
            ("due", c.a.public_id, "mid_1"),
            ("due", c.c.public_id, "late_1"),
        ],
        "postpartum": [("overdue", c.f.public_id, "visit"), ("due", c.e.public_id, "visit")],
        "check_42": [("overdue", c.g.public_id, "check_42"), ("due", c.f.public_id, "check_42")],
        "outcome": [("overdue", c.d.public_id, "outcome")],
        "child": [
            ("overdue", c.l.public_id, "m1"),
            ("due", c.i.public_id, "newborn_visit"),
            ("due", c.k.public_id, "m12"),
            ("due", c.j.public_id, "m3"),
        ],
        "case": [("overdue", c.a.public_id, "orange"), ("due", c.b.public_id, "red")],
        "referral": [("overdue", c.b.public_id, "accepted"), ("overdue", c.c.public_id, "requested")],
    }
    assert [(s.code, s.due_count, s.overdue_count) for s in work.sections] == [
        ("antenatal", 3, 2),
        ("postpartum", 1, 1),
        ("check_42", 1, 1),
        ("outcome", 0, 1),
        ("child", 3, 1),
        ("case", 1, 1),
        ("referral", 0, 2),
    ]
    assert (work.total, work.overdue_count) == (18, 9)


def test_a_child_who_dies_leaves_the_worklist(cohort: Cohort, mch_worker: User) -> None:
    """The child section reads the stored items alone (no test on the child's row): the death recorded on the
    child must take its checks away."""
    child = cohort.i
    assert child.public_id in [
        i.subject_id
        for i in selectors.worklist(mch_worker, today=TODAY, now=NOW, section="child").section("child").items
    ]

    services.child_update(actor=None, record=child, died_on=days_ago(1))

    shown = selectors.worklist(mch_worker, today=TODAY, now=NOW, section="child").section("child")
    assert child.public_id not in [i.subject_id for i in shown.items]
    assert (shown.due_count, shown.overdue_count) == (2, 1)


def test_deadlines_and_notes(cohort: Cohort, mch_worker: User) -> None:
    work = selectors.worklist(mch_worker, today=TODAY, now=NOW)
    antenatal, postpartum, case = work.section("antenatal"), work.section("postpartum"), work.section("case")

    assert [(i.deadline, i.what, i.note) for i in antenatal.items][3] == (
        days_ago(120) + timedelta(days=146),
        "Weeks 16–20",  # the window's name in the active language
        "17+1 weeks",
    )
    assert [(i.deadline, i.is_late) for i in postpartum.items] == [
        (days_ago(38) + timedelta(days=7), True),
        (days_ago(3) + timedelta(days=7), False),
    ]
    assert [(i.deadline_text, i.note, i.colour) for i in case.items] == [
        ("2025-05-30 12:00", "Report due", "orange"),  # graded at noon of 2025-05-27, 72 h to report
        ((days_ago(160) + timedelta(days=174)).isoformat(), "Next antenatal contact", "red"),
    ]
    assert case.items[0].what == "Orange (higher risk) · case manager 李医生"
    assert case.colour_counts == [("red", 1), ("orange", 1)]


def test_the_mch_home_counts_the_users_scope(cohort: Cohort, mch_worker: User, outsider: User) -> None:
    overview = selectors.mch_overview(mch_worker, today=TODAY, now=NOW)

    assert (overview.ongoing, overview.purple, overview.not_graded) == (4, 0, 2)
    assert [(code, count) for code, _label, count in overview.by_colour] == [
        ("green", 0),
        ("yellow", 0),
        ("orange", 1),
        ("red", 1),
    ]
    assert (overview.open_cases, overview.reports_overdue, overview.worklist.overdue_count) == (2, 1, 9)
    assert selectors.mch_overview(outsider, today=TODAY, now=NOW).ongoing == 0


def test_the_filters_narrow_by_item_colour_and_unit(
    cohort: Cohort, world: World, places: Places, commission_user: User, mch_worker: User
) -> None:
    elsewhere = make_pregnancy(
        residence=places.jimsar, registered_at=places.jimsar_hospital, lmp=days_ago(120), registered_day=60
    )

    orange = selectors.worklist(mch_worker, today=TODAY, now=NOW, colour="orange")
    referrals = selectors.worklist(mch_worker, today=TODAY, now=NOW, section="referral")
    jimsar = selectors.worklist(commission_user, today=TODAY, now=NOW, unit=places.jimsar)
    qitai = selectors.worklist(commission_user, today=TODAY, now=NOW, unit=world.qitai)

    assert items(orange) == {
        "antenatal": [("due", cohort.a.public_id, "mid_1")],
        "postpartum": [],
        "check_42": [],
        "outcome": [],
        "case": [("overdue", cohort.a.public_id, "orange")],
        "referral": [],
    }
    assert [s.code for s in referrals.sections] == ["referral"]
    assert items(jimsar)["antenatal"] == [
        ("overdue", elsewhere.public_id, "early"),
        ("due", elsewhere.public_id, "mid_1"),
    ]
    assert jimsar.total == 2
    assert qitai.total == 18
    assert selectors.worklist(mch_worker, today=TODAY, now=NOW).total == 18  # Jimsar is not the clerk's


def test_the_outsider_has_an_empty_worklist(cohort: Cohort, outsider: User) -> None:
    assert selectors.worklist(outsider, today=TODAY, now=NOW).total == 0


def test_the_worklist_takes_a_fixed_number_of_queries(
    cohort: Cohort, world: World, places: Places, mch_worker: User, django_assert_num_queries: Any
) -> None:
    # 9 to count and order every section (the scope; the user's units, whether its residents alone are too many to
    # list, its women and their pregnancies, read once; the stored items of the pregnancies, of the children; the 专案
    # and the referrals), 2 to load the pregnancies and children shown
    with django_assert_num_queries(11):
        selectors.worklist(mch_worker, today=TODAY, now=NOW)
    for lmp in (110, 130, 150, 170):
        make_pregnancy(residence=places.township, registered_at=world.qitai_mch, lmp=days_ago(lmp))
    make_child(born=days_ago(2), residence=places.township, registered_at=world.qitai_mch)
    fresh = User.objects.get(pk=mch_worker.pk)  # its scope is read again, as on every request
    with django_assert_num_queries(11):
        work = selectors.worklist(fresh, today=TODAY, now=NOW)
    assert work.total == 18 + (1 + 2 + 3 + 3) + 1  # the early contact overdue for each, later ones by age


def _shown(work: Any) -> dict[str, list[tuple[str, Any, str]]]:
    return {s.code: [(i.state, i.subject_id, i.code) for i in s.items] for s in work.sections}


def _counts(work: Any) -> dict[str, tuple[int, int, list[tuple[str, int]]]]:
    return {s.code: (s.due_count, s.overdue_count, s.colour_counts) for s in work.sections}


def test_pages_of_the_worklist_are_slices_of_the_whole_and_counted_whole(
    cohort: Cohort, world: World, places: Places, mch_worker: User, django_assert_num_queries: Any
) -> None:
    for lmp in (110, 130, 150, 170):
        make_pregnancy(residence=places.township, registered_at=world.qitai_mch, lmp=days_ago(lmp))
    whole = selectors.worklist(mch_worker, today=TODAY, now=NOW)
    everything = _shown(whole)
    assert whole.total == sum(len(items) for items in everything.values())
    for limit in (1, 2, 3, 5):
        for offset in range(0, 12, limit):
            page = selectors.worklist(mch_worker, today=TODAY, now=NOW, limit=limit, offset=offset)
            assert _counts(page) == _counts(whole)
            assert page.total == whole.total and page.overdue_count == whole.overdue_count
            assert _shown(page) == {code: items[offset : offset + limit] for code, items in everything.items()}
            for section in page.sections:
                assert section.has_more == (section.count > limit or offset > 0)
    fresh = User.objects.get(pk=mch_worker.pk)
    with django_assert_num_queries(9):  # counts only: no item is made, so nothing more is loaded
        counted = selectors.worklist(fresh, today=TODAY, now=NOW, limit=0)
    assert _counts(counted) == _counts(whole) and all(not s.items for s in counted.sections)


def test_the_page_is_printable_and_masked(
    world: World, places: Places, mch_worker: User, django_assert_max_num_queries: Any
) -> None:
    today = clock.today()
    pregnancy = make_pregnancy(
        residence=places.township, registered_at=world.qitai_mch, lmp=today - timedelta(days=120)
    )
    client = client_for(mch_worker)
    with django_assert_max_num_queries(16):
        response = client.get(reverse("maternal:worklist"), {"section": "antenatal"})

    content = response.content.decode()
    assert response.status_code == 200
    assert "data-print" in content and "maternal/mch.js" in content and "maternal/mch.css" in content
    assert "张**" in content and "张秀英" not in content
    assert f"/records/pregnancies/{pregnancy.public_id}/" in content


def test_an_unknown_filter_value_shows_everything_with_the_error(cohort: Cohort, mch_worker: User) -> None:
    response = client_for(mch_worker).get(reverse("maternal:worklist"), {"unit": "nowhere"})

    assert response.status_code == 200
    assert "Select a valid choice. nowhere is not one of the available choices." in response.content.decode()


def test_a_prefecture_home_counts_what_its_institutions_registered_without_the_worklist(
    cohort: Cohort, world: World, commission_user: User, django_assert_max_num_queries: Any
) -> None:
    with django_assert_max_num_queries(3):  # the scope, the ongoing pregnancies, the open cases
        overview = selectors.mch_overview(commission_user, today=TODAY, now=NOW)

    there = {"registered_at__path__startswith": world.changji.path}
    ongoing = Pregnancy.objects.filter(status="ongoing", **there)
    assert overview.worklist is None and overview.areas == (world.changji,)
    assert overview.ongoing == ongoing.count() > 0
    assert [(code, count) for code, _label, count in overview.by_colour] == [
        (colour, ongoing.filter(current_colour=colour).count()) for colour in ("green", "yellow", "orange", "red")
    ]
    assert overview.purple == ongoing.filter(is_purple=True).count()
    assert overview.not_graded == ongoing.filter(current_colour="").count()
    cases = RiskCase.objects.filter(status="open", **{f"pregnancy__{k}": v for k, v in there.items()})
    assert overview.open_cases == cases.count() > 0
    assert overview.reports_overdue == cases.filter(reported_at__isnull=True, report_due_at__lt=NOW).count()

    content = client_for(commission_user).get(reverse("maternal:home")).content.decode()
    assert "Registered at the institutions of" in content and "choose an organisation" in content
    assert reverse("maternal:worklist") + "?section=" not in content  # no worklist counts per section


def test_the_worklist_page_shows_the_first_items_of_each_section_then_pages(
    world: World, places: Places, mch_worker: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    from shanhai.maternal import views

    today = clock.today()
    for lmp in (100, 110, 120):  # the early contact overdue for each
        make_pregnancy(residence=places.township, registered_at=world.qitai_mch, lmp=today - timedelta(days=lmp))
    monkeypatch.setattr(views, "WORKLIST_SHOWN_PER_SECTION", 1)
    monkeypatch.setattr(views, "WORKLIST_PAGE_SIZE", 2)
    client = client_for(mch_worker)
    whole = selectors.worklist(mch_worker).section("antenatal")
    assert whole.count >= 3

    content = client.get(reverse("maternal:worklist")).content.decode()
    assert f"1 of {whole.count} shown" in content and "?section=antenatal" in content

    first = client.get(reverse("maternal:worklist"), {"section": "antenatal"}).content.decode()
    pages = -(-whole.count // 2)
    assert f"Page 1 of {pages}" in first and "section=antenatal&amp;page=2" in first and 'rel="prev"' not in first
    last = client.get(reverse("maternal:worklist"), {"section": "antenatal", "page": pages}).content.decode()
    assert f"Page {pages} of {pages}" in last and 'rel="prev"' in last and 'rel="next"' not in last
    odd = client.get(reverse("maternal:worklist"), {"section": "antenatal", "page": "x"})
    assert odd.status_code == 200 and "Page 1 of" in odd.content.decode()
