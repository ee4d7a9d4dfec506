"""The woman registry and pregnancies through the services: ID numbers (GB 11643-1999), encryption at
rest and masked audit, dates, one ongoing pregnancy, the end without delivery, the delivery and death
setting the status, and a refused write changing nothing (docs/domain.md §1, §3)."""

import json
from datetime import date as D
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from shanhai.analytics.models import Fact
from shanhai.core import clock
from shanhai.core.models import AuditEntry
from shanhai.maternal import services
from shanhai.maternal.conditions import related_or_none
from shanhai.maternal.identity import check_digit, normalise_id_number
from shanhai.maternal.models import AntenatalVisit, Pregnancy, PregnancyStatus, Woman
from shanhai.maternal.rules import COUNTED_DEATH
from tests.maternal.factories import add_visits, grade, id_number, make_mother, make_pregnancy, on_day

LMP = D(2022, 1, 3)
VALID = "11010519491231002X"  # the GB 11643-1999 example number (a check digit X)


def register(world, places, **values):
    data = {
        "actor": None,
        "name": "古丽娜尔",
        "id_number": VALID,
        "residence": places.township,
        "registered_at": places.township_centre,
    }
    return services.woman_create(**(data | values))


def mch_facts():
    return Fact.objects.filter(metric__gte=600, metric__lt=700)


def fact_table():
    return sorted(mch_facts().values_list("metric", "org_unit_id", "month", "value", "record_count"))


# --- woman registry ---------------------------------------------------------------------------------------------
def test_woman_create_normalises_and_takes_the_date_of_birth_from_the_id(world, places):
    woman = register(world, places, id_number=" 110105 19491231 002x ", phone="+86 138-1234-5678")
    woman = Woman.objects.get(pk=woman.pk)
    assert (woman.name, woman.id_number, woman.phone, woman.birth_date) == (
        "古丽娜尔",
        VALID,
        "13812345678",
        D(1949, 12, 31),
    )
    assert len(woman.id_number_digest) == 64


@pytest.mark.parametrize(
    ("number", "message"),
    [
        ("110105194912310021", "This ID number's check digit is wrong; check the number for a typing error."),
        ("110105199502300026", "The date of birth in this ID number does not exist."),  # 30 February
        ("11010519491231002", "An ID number has 18 characters: 17 digits and a digit or X."),
        ("110105491231002", "An ID number has 18 characters: 17 digits and a digit or X."),  # old 15-digit
        ("11010519491231002Y", "An ID number has 18 characters: 17 digits and a digit or X."),
    ],
    ids=["bad-check-digit", "impossible-date", "17-characters", "15-digit", "letter"],
)
def test_id_number_is_checked(world, places, number, message):
    with pytest.raises(ValidationError) as error:
        register(world, places, id_number=number)
    assert error.value.message_dict == {"id_number": [message]}
    assert Woman.objects.count() == 0
    assert AuditEntry.objects.filter(object_type="maternal.woman").count() == 0


def test_id_number_check_digit_and_future_birth_date():
    assert check_digit("11010519491231002") == "X"
    assert normalise_id_number("11010519491231002x") == VALID
    future = f"652325{clock.today().year + 1}0101002"
    with pytest.raises(ValidationError) as error:
        normalise_id_number(future + check_digit(future))
    assert error.value.messages == ["The date of birth in this ID number does not exist."]


def test_date_of_birth_must_match_the_id_number(world, places):
    with pytest.raises(ValidationError) as error:
        register(world, places, birth_date=D(1949, 12, 30))
    assert error.value.message_dict == {"birth_date": ["The date of birth differs from the one in the ID number."]}
    assert register(world, places, birth_date=D(1949, 12, 31)).birth_date == D(1949, 12, 31)


def test_duplicate_id_number_is_refused_through_the_digest(world, places):
    register(world, places)
    with pytest.raises(ValidationError) as error:
        register(world, places, id_number="11010519491231002x", name="另一个人")
    assert error.value.message_dict == {"id_number": ["A woman with this ID number is already registered."]}
    assert Woman.objects.count() == 1


def test_phone_and_name_are_checked(world, places):
    with pytest.raises(ValidationError) as error:
        register(world, places, phone="12-34")
    assert error.value.message_dict == {
        "phone": ["Enter a phone number of 7 to 15 digits, such as 13812345678 or 0994-1234567."]
    }
    with pytest.raises(ValidationError) as error:
        register(world, places, name="  ")
    assert error.value.message_dict == {"name": ["Enter the woman's name."]}
    assert register(world, places, phone="0086 0994-1234567").phone == "09941234567"


def test_residence_is_a_region_and_registration_an_institution(world, places):
    with pytest.raises(ValidationError) as error:
        register(world, places, residence=world.qitai_hospital)
    assert error.value.message_dict == {"residence": ["Choose a county or a township."]}
    with pytest.raises(ValidationError) as error:
        register(world, places, registered_at=world.qitai)
    assert error.value.message_dict == {"registered_at": ["Choose an institution, not a region."]}


def test_personal_fields_are_encrypted_at_rest(world, places):
    woman = register(world, places, phone="13812345678")
    with connection.cursor() as cursor:
        cursor.execute("SELECT name, id_number, phone, id_number_digest FROM maternal_woman WHERE id = %s", [woman.pk])
        raw = cursor.fetchone()
    stored = " ".join(str(value) for value in raw)
    for clear in ("古丽娜尔", VALID, "13812345678", "19491231"):
        assert clear not in stored
    assert Woman.objects.get(pk=woman.pk).name == "古丽娜尔"


def test_audit_entries_hold_masked_values_only(world, places):
    woman = register(world, places, phone="13812345678")
    new_number = id_number(D(1990, 7, 15))
    services.woman_update(actor=None, record=woman, name="古丽娜尔·艾力", phone="13998765432", id_number=new_number)
    entries = list(AuditEntry.objects.filter(object_type="maternal.woman").order_by("id"))
    assert [e.action for e in entries] == ["create", "update"]
    created = entries[0].changes
    assert (created["name"], created["id_number"], created["phone"], created["birth_date"]) == (
        [None, "古***"],
        [None, "****************2X"],
        [None, "138****5678"],
        [None, "****-**-**"],
    )
    updated = entries[1].changes
    assert "birth_date" not in updated  # both masked alike: the change does not show
    assert updated["name"] == ["古***", "古******"]
    assert [e.object_repr for e in entries] == ["古***", "古******"]
    dump = json.dumps([(e.changes, e.object_repr) for e in entries], ensure_ascii=False)
    for clear in (
        "古丽娜尔",
        "艾力",
        VALID,
        new_number,
        "13812345678",
        "13998765432",
        "19491231",
        "1949-12-31",
        "1990-07-15",
    ):
        assert clear not in dump


def test_a_new_id_number_brings_its_date_of_birth_and_digest(world, places):
    woman = register(world, places)
    digest = woman.id_number_digest
    woman = services.woman_update(actor=None, record=woman, id_number=id_number(D(1990, 7, 15)))
    assert woman.birth_date == D(1990, 7, 15)
    assert woman.id_number_digest not in ("", digest)
    with pytest.raises(ValidationError):
        register(world, places, id_number=woman.id_number)
    assert register(world, places, id_number=VALID).birth_date == D(1949, 12, 31)  # the old number is free again


def test_woman_with_pregnancies_is_not_deleted(world, places):
    woman = register(world, places)
    make_pregnancy(registered_at=places.township_centre, lmp=LMP, woman=woman)
    with pytest.raises(ValidationError) as error:
        services.woman_delete(actor=None, record=woman)
    assert error.value.messages == ["This woman has pregnancies on record; delete those first."]


# --- pregnancies --------------------------------------------------------------------------------------------------
def test_pregnancy_dates_and_one_ongoing_pregnancy(world, places):
    pregnancy = make_pregnancy(
        registered_at=places.township_centre, residence=places.township, lmp=LMP, registered_day=75
    )
    assert (pregnancy.expected_delivery_on, pregnancy.gestation_days_at_registration) == (D(2022, 10, 10), 75)
    with pytest.raises(ValidationError) as error:
        make_pregnancy(registered_at=places.township_centre, lmp=D(2022, 2, 1), woman=pregnancy.woman)
    assert error.value.message_dict == {"woman": ["This woman already has an ongoing pregnancy on record."]}
    with pytest.raises(ValidationError) as error:
        make_pregnancy(registered_at=places.township_centre, residence=places.township, lmp=LMP, registered_day=-1)
    assert error.value.message_dict == {
        "last_menstrual_period_on": ["The last menstrual period is after the registration."]
    }
    with pytest.raises(ValidationError) as error:
        make_pregnancy(registered_at=places.township_centre, residence=places.township, lmp=LMP, gravidity=2, parity=2)
    assert error.value.message_dict == {
        "parity": ["Parity must be lower than gravidity (this pregnancy counts in gravidity)."]
    }


def test_the_callers_instance_is_current_after_each_write(world, places):
    pregnancy = make_pregnancy(registered_at=places.township_centre, residence=places.township, lmp=LMP)
    add_visits(pregnancy, places.township_centre, [84, 126])
    assert (pregnancy.antenatal_visit_count, pregnancy.last_antenatal_on) == (2, on_day(pregnancy, 126))
    grade(pregnancy, world.qitai_hospital, ["orange.3.6"], on=on_day(pregnancy, 130))
    assert (pregnancy.current_colour, pregnancy.is_high_risk, pregnancy.is_high_risk_managed) == ("orange", True, False)
    add_visits(pregnancy, places.township_centre, [150])
    assert pregnancy.is_high_risk_managed is True


def test_validators_see_the_stored_state_not_a_stale_instance(world, places):
    pregnancy = make_pregnancy(registered_at=places.township_centre, residence=places.township, lmp=LMP)
    assert related_or_none(pregnancy, "delivery") is None  # caches "no delivery" on this instance
    services.delivery_create(
        actor=None,
        pregnancy=Pregnancy.objects.get(pk=pregnancy.pk),
        delivered_on=on_day(pregnancy, 270),
        institution=world.qitai_hospital,
    )
    with pytest.raises(ValidationError) as error:
        add_visits(pregnancy, places.township_centre, [275])
    assert error.value.message_dict == {
        "visited_on": ["An antenatal visit cannot be after the delivery or end of the pregnancy."]
    }
    assert AntenatalVisit.objects.count() == 0


def test_end_without_delivery(world, places):
    pregnancy = make_pregnancy(registered_at=places.township_centre, residence=places.township, lmp=LMP)
    with pytest.raises(ValidationError) as error:
        services.pregnancy_update(actor=None, record=pregnancy, status=PregnancyStatus.ENDED)
    assert error.value.message_dict == {"ended_on": ["Give the date and the reason the pregnancy ended."]}
    pregnancy = services.pregnancy_end(actor=None, record=pregnancy, ended_on=D(2022, 3, 20), reason="miscarriage")
    assert (pregnancy.status, pregnancy.ended_on, pregnancy.end_reason) == ("ended", D(2022, 3, 20), "miscarriage")
    with pytest.raises(ValidationError) as error:
        services.delivery_create(actor=None, pregnancy=pregnancy, delivered_on=D(2022, 3, 25), place="home")
    assert error.value.message_dict == {"pregnancy": ["This pregnancy ended without delivery."]}
    with pytest.raises(ValidationError):
        add_visits(pregnancy, places.township_centre, [80])  # 2022-03-24, after the end
    # a new pregnancy may now be registered; the ended one stays out of every cohort
    make_pregnancy(registered_at=places.township_centre, lmp=D(2022, 6, 1), woman=pregnancy.woman)
    assert mch_facts().count() == 0


def test_delivery_sets_the_status_and_withdrawing_it_restores_it(world, places):
    mother = make_mother(residence=places.township, institution=places.township_centre, lmp=LMP, postpartum_after=())
    assert mother.status == "delivered"
    with pytest.raises(ValidationError) as error:
        services.pregnancy_update(actor=None, record=mother, status=PregnancyStatus.DELIVERED)
    assert error.value.message_dict == {"status": ["Record the delivery or the death; the status follows."]}
    with pytest.raises(ValidationError) as error:
        services.pregnancy_end(actor=None, record=mother, ended_on=on_day(mother, 270), reason="other")
    assert error.value.message_dict == {
        "status": ["This pregnancy has a delivery on record; it did not end without one."]
    }
    services.delivery_delete(actor=None, record=mother.delivery)
    mother.refresh_from_db()
    assert (mother.status, mother.antenatal_visit_count) == ("ongoing", 5)


def test_delivery_dates_against_visits(world, places):
    mother = make_mother(residence=places.township, institution=places.township_centre, lmp=LMP)
    with pytest.raises(ValidationError) as error:
        services.delivery_update(actor=None, record=mother.delivery, delivered_on=on_day(mother, 260))
    assert error.value.message_dict == {"delivered_on": ["Some antenatal visits on record are after this date."]}
    with pytest.raises(ValidationError) as error:
        services.delivery_update(
            actor=None, record=mother.delivery, delivered_on=on_day(mother, 285), discharged_on=on_day(mother, 288)
        )
    assert error.value.message_dict == {"delivered_on": ["Some postpartum visits on record are before this date."]}
    with pytest.raises(ValidationError) as error:
        services.delivery_delete(actor=None, record=mother.delivery)
    assert error.value.messages == [
        "Postpartum visits or children are recorded after this delivery; delete those first."
    ]
    with pytest.raises(ValidationError) as error:
        services.delivery_create(
            actor=None,
            pregnancy=make_pregnancy(registered_at=places.township_centre, residence=places.township, lmp=LMP),
            delivered_on=D(2022, 10, 1),
            place="facility",
        )
    assert error.value.message_dict == {"institution": ["A delivery in a facility names the institution."]}


def test_changing_the_lmp_re_dates_the_visits(world, places):
    pregnancy = make_pregnancy(registered_at=places.township_centre, residence=places.township, lmp=LMP)
    add_visits(pregnancy, places.township_centre, [84, 126])
    assert sorted(AntenatalVisit.objects.values_list("gestation_days", flat=True)) == [84, 126]
    pregnancy = services.pregnancy_update(actor=None, record=pregnancy, last_menstrual_period_on=D(2021, 12, 27))
    assert sorted(AntenatalVisit.objects.values_list("gestation_days", flat=True)) == [91, 133]
    assert (pregnancy.expected_delivery_on, pregnancy.gestation_days_at_registration) == (D(2022, 10, 3), 67)
    with pytest.raises(ValidationError) as error:
        services.pregnancy_update(
            actor=None, record=pregnancy, registered_on=D(2022, 4, 1), last_menstrual_period_on=D(2022, 3, 30)
        )
    assert error.value.message_dict == {
        "last_menstrual_period_on": ["Some antenatal visits on record are before this date."]
    }


def test_only_a_bare_pregnancy_is_deleted(world, places):
    pregnancy = make_pregnancy(registered_at=places.township_centre, residence=places.township, lmp=LMP)
    add_visits(pregnancy, places.township_centre, [84])
    with pytest.raises(ValidationError) as error:
        services.pregnancy_delete(actor=None, record=pregnancy)
    assert error.value.messages == [
        "This pregnancy has assessments, visits or outcomes on record; it cannot be deleted."
    ]
    services.antenatal_visit_delete(actor=None, record=AntenatalVisit.objects.get())
    services.pregnancy_delete(actor=None, record=pregnancy)
    assert Pregnancy.objects.count() == 0


def test_maternal_death_dates_and_cause(world, places):
    mother = make_mother(residence=places.township, institution=places.township_centre, lmp=LMP)
    delivered = mother.delivery.delivered_on
    with pytest.raises(ValidationError) as error:
        services.maternal_death_create(
            actor=None, pregnancy=mother, died_on=delivered + timedelta(days=43), cause="haemorrhage"
        )
    assert error.value.message_dict == {"died_on": ["A maternal death is within 42 days after the pregnancy ends."]}
    with pytest.raises(ValidationError) as error:
        services.maternal_death_create(actor=None, pregnancy=mother, died_on=D(2021, 12, 1), cause="haemorrhage")
    assert error.value.message_dict == {"died_on": ["The date of death is before this pregnancy."]}
    death = services.maternal_death_create(
        actor=None, pregnancy=mother, died_on=delivered + timedelta(days=42), cause="accident"
    )
    assert (Pregnancy.objects.get(pk=mother.pk).status, COUNTED_DEATH.holds(death)) == (
        "maternal_death",
        False,
    )
    services.maternal_death_delete(actor=None, record=death)
    assert Pregnancy.objects.get(pk=mother.pk).status == "delivered"


def test_a_failed_write_changes_nothing(world, places):
    mother = make_mother(residence=places.township, institution=places.township_centre, lmp=LMP, postpartum_after=())
    before = (fact_table(), AuditEntry.objects.count(), Pregnancy.objects.values().get(pk=mother.pk))
    with pytest.raises(ValidationError):
        services.postpartum_visit_create(
            actor=None,
            pregnancy=mother,
            visited_on=mother.delivery.delivered_on - timedelta(days=1),
            institution=places.township_centre,
        )
    assert (fact_table(), AuditEntry.objects.count(), Pregnancy.objects.values().get(pk=mother.pk)) == before
