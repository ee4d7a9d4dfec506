"""Re-deriving the stored fields: ``pregnancies_refresh`` (many at once) equals the one-by-one refresh in
a fixed number of queries; ``shanhai refresh_mch``: after a change of ``SHANHAI_MCH_RULES`` the stored
fields and the indicator figures follow the new rules (rules.py; docs/domain.md §3.2).

Four women of 半截沟镇 (Qitai) delivered in March 2022, each at a rule's edge:

==  ========================================  =====================  =====================
..  what                                      default rules          14 weeks, 4 visits, 14 days
==  ========================================  =====================  =====================
A   registered day 60, five visits, visited   early, system, pp      early, system, pp
B   registered day 94 (13+3)                  pp                     early, system, pp
C   four antenatal visits                     early, pp              early, system, pp
D   visited on day 20 after discharge         early, system, pp      early
==  ========================================  =====================  =====================
"""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
from django.core.management import call_command

from conftest import World
from shanhai.analytics.engine import Scope, evaluate
from shanhai.analytics.models import Fact
from shanhai.core.periods import parse_period
from shanhai.maternal import services
from shanhai.maternal.indicators import FLAG_METRICS
from shanhai.maternal.models import Child, Pregnancy, PregnancyStatus
from shanhai.maternal.services import registry
from tests.maternal.factories import make_child, make_mother, make_pregnancy, make_woman, mch_places, on_day

pytestmark = pytest.mark.django_db

CODES = ["mch.early_registration_rate", "mch.system_management_rate", "mch.postpartum_visit_rate"]
DELIVERED = date(2022, 3, 15)  # day 273 of each pregnancy


def build_cohort(world: World) -> dict[str, Pregnancy]:
    places = mch_places(world)
    common = {
        "residence": places.township,
        "institution": places.township_centre,
        "delivered_at": world.qitai_hospital,
        "lmp": DELIVERED - timedelta(days=273),
    }
    cohort = {
        "A": make_mother(**common),
        "B": make_mother(**common, registered_day=94, visit_days=(94, 126, 154, 224, 266)),
        "C": make_mother(**common, visit_days=(84, 126, 154, 224)),
        "D": make_mother(**common, postpartum_after=(20,)),
    }
    make_child(residence=places.township, registered_at=places.township_centre, born=DELIVERED, mother=cohort["A"])
    return cohort


def figures(world: World) -> dict[str, tuple[float | None, float | None, float | None]]:
    found = evaluate(CODES, Scope(org_unit=world.qitai), parse_period("2021Oct"))
    return {value.code: (value.numerator, value.denominator, value.value) for value in found}


def stored(cohort: dict[str, Pregnancy]) -> dict[str, tuple[bool, bool, bool]]:
    rows = Pregnancy.objects.filter(pk__in=[p.pk for p in cohort.values()])
    by_pk = {p.pk: (p.is_early_registered, p.is_system_managed, p.is_postpartum_visited) for p in rows}
    return {name: by_pk[p.pk] for name, p in cohort.items()}


def five_visit_count(world: World) -> float:
    """The "five or more antenatal exams" metric (minimum_antenatal_visits) for Qitai in March 2022."""
    facts = Fact.objects.filter(metric=FLAG_METRICS["antenatal_5"].id, month=202203, anc_3=world.qitai.pk)
    return sum(fact.value for fact in facts)


def refresh() -> str:
    out = io.StringIO()
    call_command("refresh_mch", stdout=out)
    return out.getvalue().strip()


def test_a_change_of_the_rules_is_followed_by_the_stored_fields_and_the_figures(world: World, settings) -> None:
    cohort = build_cohort(world)
    assert stored(cohort) == {
        "A": (True, True, True),
        "B": (False, False, True),
        "C": (True, False, True),
        "D": (True, True, True),
    }
    assert figures(world) == {
        "mch.early_registration_rate": (3.0, 4.0, 75.0),
        "mch.system_management_rate": (2.0, 4.0, 50.0),
        "mch.postpartum_visit_rate": (4.0, 4.0, 100.0),
    }
    assert five_visit_count(world) == 3.0
    Child.objects.update(is_high_risk=True)  # a stale stored field of a child (3.2 kg at term: not high-risk)

    settings.SHANHAI_MCH_RULES = {
        "early_registration_days": 98,
        "minimum_antenatal_visits": 4,
        "postpartum_visit_days": 14,
    }
    assert refresh() == f"re-derived 3 of 4 pregnancies and 1 of 1 children; rebuilt {Fact.objects.count()} fact rows"

    assert stored(cohort) == {
        "A": (True, True, True),
        "B": (True, True, True),
        "C": (True, True, True),
        "D": (True, False, False),
    }
    assert figures(world) == {
        "mch.early_registration_rate": (4.0, 4.0, 100.0),
        "mch.system_management_rate": (3.0, 4.0, 75.0),
        "mch.postpartum_visit_rate": (3.0, 4.0, 75.0),
    }
    assert five_visit_count(world) == 4.0
    assert list(Child.objects.values_list("is_high_risk", flat=True)) == [False]
    assert refresh() == f"re-derived 0 of 4 pregnancies and 0 of 1 children; rebuilt {Fact.objects.count()} fact rows"


# --- pregnancies_refresh: many at once, as one by one ---------------------------------------------------------------
DERIVED = (
    "expected_delivery_on",
    "gestation_days_at_registration",
    "screening_result",
    "current_colour",
    "is_purple",
    "highest_colour",
    "was_ever_purple",
    "high_risk_since",
    "antenatal_visit_count",
    "last_antenatal_on",
    "is_early_registered",
    "is_high_risk",
    "is_high_risk_managed",
    "is_postpartum_visited",
    "is_system_managed",
    "status",
)


def derived():
    return list(Pregnancy.objects.order_by("pk").values_list(*DERIVED))


def build_variety(world, places):
    """Pregnancies in several states, each written one by one through the services."""
    make_mother(
        residence=places.township,
        institution=places.township_centre,
        lmp=date(2022, 1, 3),
        delivered_at=world.qitai_hospital,
    )
    make_mother(
        residence=world.qitai,
        institution=world.qitai_hospital,
        lmp=date(2022, 2, 1),
        gradings=[(70, ["red.1.1.1", "purple.syphilis"]), (120, ["yellow.1.2"])],
        visit_days=(100, 150),
        place="home",
        postpartum_after=(29,),
    )
    ended = make_pregnancy(registered_at=places.township_centre, residence=places.township, lmp=date(2022, 3, 1))
    services.pregnancy_end(actor=None, record=ended, ended_on=date(2022, 5, 20), reason="miscarriage")
    ongoing = make_mother(
        residence=places.jimsar,
        institution=places.jimsar_hospital,
        lmp=date(2022, 4, 1),
        gradings=[(62, ["orange.3.6"])],
        visit_days=(80,),
        delivered_day=None,
    )
    services.assessment_create(
        actor=None,
        pregnancy=ongoing,
        kind="screening",
        assessed_on=on_day(ongoing, 61),
        institution=places.township_centre,
        factor_codes=["screening.1.3"],
        assessor_name="李医生",
    )


@pytest.mark.parametrize("write_chunk", [10_000, 2])  # one UPDATE, or one per two changed rows
def test_pregnancies_refresh_equals_the_one_by_one_refresh(
    world, places, django_assert_num_queries, write_chunk, monkeypatch
):
    monkeypatch.setattr(registry, "WRITE_CHUNK", write_chunk)
    build_variety(world, places)
    expected = derived()
    assert len(expected) == 4
    Pregnancy.objects.update(
        screening_result="",
        current_colour="",
        is_purple=False,
        highest_colour="",
        was_ever_purple=False,
        high_risk_since=None,
        antenatal_visit_count=0,
        last_antenatal_on=None,
        is_early_registered=False,
        is_high_risk=False,
        is_high_risk_managed=False,
        is_postpartum_visited=False,
        is_system_managed=False,
        status=PregnancyStatus.ONGOING,
    )
    Pregnancy.objects.filter(pk=Pregnancy.objects.order_by("pk")[2].pk).update(
        status=PregnancyStatus.ENDED
    )  # the ended one: its own status is not derived
    # ids, pregnancies + 3 prefetches, one UPDATE; their scheduled items (due.py): ids, values, visits, postpartum
    # visits, one DELETE, one INSERT
    with django_assert_num_queries(12 if write_chunk > 3 else 13):
        assert services.pregnancies_refresh(Pregnancy.objects.all()) == 3
    assert derived() == expected
    assert services.pregnancies_refresh(Pregnancy.objects.all()) == 0
    for pregnancy in Pregnancy.objects.all():
        services.pregnancy_refresh(pregnancy)
    assert derived() == expected


def test_pregnancies_refresh_takes_the_same_queries_for_more_pregnancies(world, places, django_assert_num_queries):
    for n in range(6):
        make_mother(
            residence=places.township,
            institution=places.township_centre,
            lmp=date(2022, 1, 3) + timedelta(days=n),
            woman=make_woman(residence=places.township, registered_at=places.township_centre),
            gradings=[(62, ["orange.3.6"])],
            grading_at=world.qitai_hospital,
        )
    Pregnancy.objects.update(antenatal_visit_count=0, is_high_risk=False)
    with django_assert_num_queries(12):
        assert services.pregnancies_refresh(Pregnancy.objects.all(), batch_size=100) == 6
    assert set(Pregnancy.objects.values_list("antenatal_visit_count", "is_high_risk")) == {(5, True)}
