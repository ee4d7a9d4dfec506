"""Mentorships (师带徒): pairs, hand-over, logbook, backbones, indicators and the hand-over selector."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from shanhai.analytics import engine
from shanhai.analytics.models import Fact
from shanhai.core.models import AuditEntry
from shanhai.core.periods import parse_period
from shanhai.training import services
from shanhai.training.models import Apprenticeship, MentorshipHandover, Outcome
from shanhai.training.selectors import mentorships_needing_handover
from shanhai.workforce.models import Posting
from tests.core.factories import PartnershipFactory, PersonFactory
from tests.training.test_courses import fact_table

CODES = ["mentorships_active", "apprentices", "backbones_trained"]


def figures(scope, period):
    return {v.code: v.value for v in engine.evaluate(CODES, scope, parse_period(period))}


@pytest.fixture
def cast(world):
    mentor = PersonFactory(name="陈主任", institution=world.fuqing_hospital)
    successor = PersonFactory(name="郑主任", institution=world.fuqing_hospital)
    apprentices = [PersonFactory(name=f"徒弟{i}", institution=world.qitai_hospital) for i in range(3)]
    return mentor, successor, apprentices


def make_mentorship(world, cast, **overrides):
    mentor, _successor, apprentices = cast
    values = {
        "actor": None,
        "mentor": mentor,
        "partnership": world.partnership,
        "started_on": dt.date(2023, 3, 1),
        "goals": "腹腔镜胆囊切除术；胃镜下止血",
        "apprentices": apprentices[:2],
    } | overrides
    return services.mentorship_create(**values)


def test_one_to_many_mentorship_and_its_indicators(world, cast):
    mentorship = make_mentorship(world, cast)
    assert [a.apprentice.name for a in mentorship.apprenticeships.order_by("id")] == ["徒弟0", "徒弟1"]
    assert list(mentorship.apprentices.order_by("name").values_list("name", flat=True)) == ["徒弟0", "徒弟1"]
    scope = engine.Scope(partnership=world.partnership)
    # no backbone yet, but apprenticeships are kept here: 0; before the first pair, not reported
    assert figures(scope, "2023") == {"mentorships_active": 2, "apprentices": 2, "backbones_trained": 0}
    assert figures(scope, "2022") == {"mentorships_active": None, "apprentices": None, "backbones_trained": None}
    assert figures(engine.Scope(org_unit=world.fujian, side="supporter"), "2023")["apprentices"] == 2
    assert figures(engine.Scope(org_unit=world.hainan), "2023")["apprentices"] is None


def test_sign_off_completes_and_records_a_backbone(world, cast):
    mentorship = make_mentorship(world, cast)
    first, second = mentorship.apprenticeships.order_by("id")
    services.mentorship_milestone_create(actor=None, apprenticeship=first, on=dt.date(2023, 6, 1),
                                         kind="supervised_cases", cases=12)  # fmt: skip
    sign_off = services.mentorship_milestone_create(actor=None, apprenticeship=first, on=dt.date(2024, 2, 10),
                                                    kind="sign_off", note="考核合格")  # fmt: skip
    first.refresh_from_db()
    assert (first.outcome, first.ended_on, first.is_backbone, first.backbone_on) == (
        Outcome.COMPLETED, dt.date(2024, 2, 10), True, dt.date(2024, 2, 10)
    )  # fmt: skip
    scope = engine.Scope(partnership=world.partnership)
    assert figures(scope, "2024") == {"mentorships_active": 1, "apprentices": 2, "backbones_trained": 1}
    assert figures(scope, "2023") == {"mentorships_active": 2, "apprentices": 2, "backbones_trained": 0}
    services.apprenticeship_complete(actor=None, record=second, on=dt.date(2024, 12, 1), is_backbone=False)
    assert figures(scope, "2025") == {"mentorships_active": 0, "apprentices": None, "backbones_trained": 0}
    assert figures(scope, "2024")["backbones_trained"] == 1
    # deleting the sign-off reopens the pair and withdraws the backbone
    services.mentorship_milestone_delete(actor=None, record=sign_off)
    assert figures(scope, "2024") == {"mentorships_active": 1, "apprentices": 2, "backbones_trained": 0}
    first.refresh_from_db()
    assert (first.outcome, first.ended_on, first.is_backbone) == (Outcome.IN_PROGRESS, None, False)


def test_hand_over_keeps_the_pairs_and_the_history(world, cast):
    mentor, successor, _apprentices = cast
    mentorship = make_mentorship(world, cast)
    services.mentorship_hand_over(actor=None, record=mentorship, successor=successor, on=dt.date(2024, 3, 1),
                                  note="原导师援派期满返闽")  # fmt: skip
    mentorship.refresh_from_db()
    assert mentorship.mentor == successor
    handover = MentorshipHandover.objects.get()
    assert (handover.from_mentor, handover.to_mentor, handover.on) == (mentor, successor, dt.date(2024, 3, 1))
    entry = AuditEntry.objects.filter(action="update").latest("at")
    assert entry.object_type == "training.mentorship"
    assert entry.changes["_"] == {"handover": {"from": "陈主任", "to": "郑主任", "on": "2024-03-01"}}
    assert figures(engine.Scope(partnership=world.partnership), "2024")["mentorships_active"] == 2
    with pytest.raises(ValidationError) as error:
        services.mentorship_hand_over(actor=None, record=mentorship, successor=successor, on=dt.date(2024, 2, 1))
    assert error.value.message_dict == {
        "successor": ["Choose a successor other than the current mentor."],
        "on": ["The hand-over cannot be before 2024-03-01."],
    }
    assert MentorshipHandover.objects.count() == 1


def test_mentorships_needing_handover(world, cast, admin, hospital_admin, outsider):
    mentor, successor, _apprentices = cast
    mentorship = make_mentorship(world, cast)
    today = dt.date(2024, 6, 1)
    posting = Posting.objects.create(person=mentor, partnership=world.partnership, host=world.qitai_hospital,
                                     started_on=dt.date(2023, 1, 1), ended_on=dt.date(2024, 12, 31))  # fmt: skip
    assert list(mentorships_needing_handover(admin, today=today)) == []
    posting.ended_on = dt.date(2024, 5, 31)
    posting.save()
    assert list(mentorships_needing_handover(admin, today=today)) == [mentorship]
    assert list(mentorships_needing_handover(hospital_admin, today=today)) == [mentorship]
    assert list(mentorships_needing_handover(outsider, today=today)) == []
    services.mentorship_hand_over(actor=None, record=mentorship, successor=successor, on=dt.date(2024, 5, 31))
    Posting.objects.create(person=successor, partnership=world.partnership, host=world.qitai_hospital,
                           started_on=dt.date(2024, 5, 20))  # fmt: skip
    assert list(mentorships_needing_handover(admin, today=today)) == []


def test_update_apprentices_and_partnership(world, cast, rebuild_facts):
    _mentor, _successor, apprentices = cast
    mentorship = make_mentorship(world, cast)
    other = PartnershipFactory(supporter=world.fuqing_hospital, recipient=world.qitai_mch, mode="pairing",
                               started_on=dt.date(2020, 6, 1), programme=world.programme)  # fmt: skip
    services.mentorship_update(actor=None, record=mentorship, apprentices=[apprentices[1], apprentices[2]])
    assert sorted(mentorship.apprenticeships.values_list("apprentice__name", flat=True)) == ["徒弟1", "徒弟2"]
    services.mentorship_update(actor=None, record=mentorship, partnership=other)
    assert figures(engine.Scope(partnership=world.partnership), "2025")["mentorships_active"] is None
    assert figures(engine.Scope(partnership=other), "2099")["mentorships_active"] == 2
    first = mentorship.apprenticeships.get(apprentice=apprentices[1])
    services.mentorship_milestone_create(actor=None, apprenticeship=first, on=dt.date(2024, 1, 1),
                                         kind="independent_cases", cases=3)  # fmt: skip
    with pytest.raises(ValidationError) as error:
        services.mentorship_update(actor=None, record=mentorship, apprentices=[apprentices[2]])
    assert error.value.message_dict == {
        "apprentices": [
            "徒弟1 already has logbook entries or an outcome; record a withdrawal instead of removing them."
        ]
    }
    assert mentorship.apprenticeships.count() == 2
    services.apprenticeship_update(actor=None, record=first, outcome="withdrawn", ended_on=dt.date(2024, 2, 1))
    incremental = fact_table()
    rebuild_facts()
    assert fact_table() == incremental
    services.mentorship_delete(actor=None, record=mentorship)
    assert not Apprenticeship.objects.exists()
    assert not Fact.objects.filter(metric__in=[311, 312, 313]).exists()


def test_validation_messages(world, cast):
    mentor, _successor, apprentices = cast
    with pytest.raises(ValidationError) as error:
        make_mentorship(world, cast, goals=" ", apprentices=[], started_on=dt.date(2020, 1, 1))
    assert error.value.message_dict == {
        "goals": ["Describe the techniques the apprentices are to master."],
        "started_on": ["This is before the partnership started (2021-03-01)."],
        "apprentices": ["Name at least one apprentice."],
    }
    with pytest.raises(ValidationError) as error:
        make_mentorship(world, cast, apprentices=[mentor])
    assert error.value.message_dict == {"apprentices": ["The mentor cannot be their own apprentice."]}
    mentorship = make_mentorship(world, cast)
    pair = mentorship.apprenticeships.first()
    with pytest.raises(ValidationError) as error:
        services.apprenticeship_update(actor=None, record=pair, is_backbone=True)
    assert error.value.message_dict == {
        "is_backbone": ["Only an apprentice who completed can be recorded as a technical backbone."],
        "backbone_on": [f"Enter the date from which {pair.apprentice.name} is a technical backbone."],
    }
    with pytest.raises(ValidationError) as error:
        services.mentorship_milestone_create(actor=None, apprenticeship=pair, on=dt.date(2023, 1, 1),
                                             kind="supervised_cases")  # fmt: skip
    assert error.value.message_dict == {
        "on": ["This is before the apprenticeship started (2023-03-01)."],
        "cases": ["Enter how many cases (at least 1)."],
    }
    with pytest.raises(ValidationError) as error:
        services.apprenticeship_create(actor=None, mentorship=mentorship, apprentice=apprentices[0])
    assert error.value.message_dict == {"apprentice": ["徒弟0 is already an apprentice of this mentorship."]}
    assert Apprenticeship.objects.count() == 2
