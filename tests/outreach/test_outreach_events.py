from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from shanhai.analytics.engine import Scope
from shanhai.analytics.models import Fact
from shanhai.core.models import AuditEntry
from shanhai.outreach.models import OutreachEvent
from shanhai.outreach.services import outreach_event_create, outreach_event_delete, outreach_event_update
from shanhai.records.kinds import kind_of
from shanhai.records.lookup import Lookup
from tests.core.factories import PersonFactory
from tests.outreach.conftest import D, figures

CODES = ["outreach_events", "outreach_people_seen", "outreach_medicine_value"]


def bazaar(world, place, **overrides):
    values = {
        "kind": "medical_bazaar",
        "held_on": D(2022, 7, 15),
        "place": place,
        "partnership": world.partnership,
        "people_seen": 120,
        "medicine_value": Decimal("2500.50"),
        "services": ["exam", "dispensing"],
        "team_size": 12,
    }
    return outreach_event_create(actor=None, **(values | overrides))


def test_events_count_people_and_medicines_on_the_place(world, township):
    bazaar(world, township)
    bazaar(world, world.qitai, held_on=D(2022, 9, 1), people_seen=80, medicine_value=Decimal("1000"))
    bazaar(world, township, held_on=D(2023, 1, 5), people_seen=7, medicine_value=None, kind="free_clinic")

    assert figures(CODES, Scope(partnership=world.partnership), "2022") == {
        "outreach_events": 2.0,
        "outreach_people_seen": 200.0,
        "outreach_medicine_value": 3500.5,
    }
    assert figures(CODES, Scope(org_unit=township), "2022..2023") == {
        "outreach_events": 2.0,
        "outreach_people_seen": 127.0,
        "outreach_medicine_value": 2500.5,
    }
    assert figures(CODES, Scope(programme=world.programme), "2021") == {
        "outreach_events": None,
        "outreach_people_seen": None,
        "outreach_medicine_value": None,
    }
    place_facts = Fact.objects.filter(org_unit_id=township.pk, metric=501)
    assert sorted(place_facts.values_list("month", "programme_id", "partnership_id")) == [
        (202207, world.programme.pk, world.partnership.pk),
        (202301, world.programme.pk, world.partnership.pk),
    ]


def test_editing_and_deleting_an_event_changes_the_indicators(world, township):
    event = bazaar(world, township)
    outreach_event_update(actor=None, record=event, people_seen=150, held_on=D(2022, 8, 2))
    assert figures(CODES, Scope(org_unit=world.qitai), "202208") == {
        "outreach_events": 1.0,
        "outreach_people_seen": 150.0,
        "outreach_medicine_value": 2500.5,
    }
    assert figures(["outreach_events"], Scope(org_unit=world.qitai), "202207") == {"outreach_events": None}
    outreach_event_delete(actor=None, record=event)
    assert Fact.objects.filter(metric__in=[501, 502, 503]).count() == 0
    assert figures(CODES, Scope(org_unit=world.qitai), "2022")["outreach_events"] is None
    assert list(
        AuditEntry.objects.filter(object_type="outreach.outreachevent").values_list("action", flat=True).order_by("id")
    ) == [
        "create",
        "update",
        "delete",
    ]


def test_services_are_stored_in_choice_order(world, township):
    event = bazaar(world, township, services=["dispensing", "exam", "consultation"])
    assert event.services == "exam,consultation,dispensing"
    outreach_event_update(actor=None, record=event, services=["health_education"])
    event.refresh_from_db()
    assert event.service_values == ["health_education"]


def test_place_must_be_within_the_recipients_county(world):
    with pytest.raises(ValidationError) as error:
        bazaar(world, world.changji)
    assert error.value.message_dict == {
        "place": ["昌吉回族自治州 is outside 奇台县, the area of the partnership's recipient 奇台县人民医院."]
    }
    assert OutreachEvent.objects.count() == 0


def test_date_must_fall_within_the_partnership_and_not_in_the_future(world, township):
    with pytest.raises(ValidationError) as error:
        bazaar(world, township, held_on=D(2021, 2, 28))
    assert error.value.message_dict == {
        "held_on": ["The partnership starts on 2021-03-01; the date cannot be earlier."]
    }
    with pytest.raises(ValidationError) as error:
        bazaar(world, township, held_on=D(2099, 1, 1))
    assert error.value.message_dict == {"held_on": ["The date cannot be in the future."]}
    assert Fact.objects.filter(metric__in=[501, 502, 503]).count() == 0


def test_team_size_is_at_least_the_named_team(world, township):
    people = [PersonFactory(institution=world.fuqing_hospital, name=f"专家{i}") for i in range(3)]
    with pytest.raises(ValidationError) as error:
        bazaar(world, township, team=people, team_size=2)
    assert error.value.message_dict == {"team_size": ["The team size (2) is smaller than the 3 team members named."]}
    event = bazaar(world, township, team=people, team_size=5)
    assert sorted(p.name for p in event.team.all()) == ["专家0", "专家1", "专家2"]
    outreach_event_update(actor=None, record=event, team=people[:1])
    assert [p.name for p in event.team.all()] == ["专家0"]


def test_cells_read_chinese_words(world, admin):
    kind = kind_of("outreach-events")
    lookup = Lookup(admin)
    assert kind.column("kind").parse("医疗巴扎", lookup) == "medical_bazaar"
    assert kind.column("kind").parse("义诊", lookup) == "free_clinic"
    assert kind.column("kind").parse("Mobile clinic", lookup) == "mobile_clinic"
    services = kind.column("services")
    assert services.parse("体检；咨询；化验；发药", lookup) == ["exam", "consultation", "lab_tests", "dispensing"]
    assert services.parse("健康教育, exam", lookup) == ["exam", "health_education"]
    assert services.parse("", lookup) == []
    with pytest.raises(ValidationError) as error:
        services.parse("体检；按摩", lookup)
    assert error.value.messages == [
        "“按摩” is not one of: Physical examination、Consultation、Laboratory tests、Dispensing medicines、Health education."
    ]


def test_columns_match_the_create_service(world):
    import inspect

    kind = kind_of("outreach-events")
    parameters = set(inspect.signature(kind.create).parameters) - {"actor"}
    assert {c.key for c in kind.importable_columns} == parameters
