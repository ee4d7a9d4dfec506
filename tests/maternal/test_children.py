"""Children through the services: from a delivery, death age bands, one check per kind, masked audit."""

from datetime import date as D
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError

from shanhai.core.models import AuditEntry
from shanhai.maternal import services
from shanhai.maternal.models import Child, DeathAge
from shanhai.maternal.rules import death_age
from tests.maternal.factories import make_child, make_mother, make_pregnancy

LMP = D(2022, 1, 3)


def test_children_of_a_delivery(world, places):
    twins = make_mother(residence=places.township, institution=world.qitai_hospital, lmp=LMP, live_births=2)
    born = twins.delivery.delivered_on
    with pytest.raises(ValidationError) as error:
        make_child(
            residence=places.township, registered_at=places.township_centre, born=born - timedelta(days=2), mother=twins
        )
    assert error.value.message_dict == {"birth_date": ["The date of birth differs from the mother's delivery date."]}
    make_child(residence=places.township, registered_at=places.township_centre, born=born, mother=twins)
    make_child(
        residence=places.township, registered_at=places.township_centre, born=born + timedelta(days=1), mother=twins
    )
    with pytest.raises(ValidationError) as error:
        make_child(residence=places.township, registered_at=places.township_centre, born=born, mother=twins)
    assert error.value.message_dict == {"mother": ["Every live birth of this delivery is registered already."]}
    with pytest.raises(ValidationError) as error:
        services.delivery_update(actor=None, record=twins.delivery, live_births=1, stillbirths=1)
    assert error.value.message_dict == {"live_births": ["More children are registered from this delivery."]}
    ongoing = make_pregnancy(registered_at=places.township_centre, residence=places.township, lmp=LMP)
    with pytest.raises(ValidationError) as error:
        make_child(residence=places.township, registered_at=places.township_centre, born=born, mother=ongoing)
    assert error.value.message_dict == {"mother": ["Record the mother's delivery, with its live births, first."]}


@pytest.mark.parametrize(
    ("days", "band"),
    [
        (0, DeathAge.NEONATAL),
        (27, DeathAge.NEONATAL),
        (28, DeathAge.INFANT),
        (365, DeathAge.UNDER_FIVE),  # 2021-03-01 + 365 days = 2022-03-01, the first birthday
        (364, DeathAge.INFANT),
        (1825, DeathAge.UNDER_FIVE),  # 2026-02-28: the fifth birthday is 2026-03-01
        (1826, DeathAge.OLDER),
    ],
)
def test_death_age_bands(days, band):
    """Neonatal = within 28 days of birth (days 0–27; domain.md §3.2), infant < 1 year, under 5."""
    born = D(2021, 3, 1)
    assert death_age(born, born + timedelta(days=days)) == band


def test_child_checks_one_per_kind(world, places):
    child = make_child(residence=places.township, registered_at=places.township_centre, born=D(2021, 1, 15))
    services.child_check_create(
        actor=None, child=child, kind="m3", checked_on=D(2021, 4, 16), institution=places.township_centre
    )
    with pytest.raises(ValidationError) as error:
        services.child_check_create(
            actor=None, child=child, kind="m3", checked_on=D(2021, 4, 20), institution=places.township_centre
        )
    assert error.value.message_dict == {"kind": ["This check is already on record for the child."]}
    with pytest.raises(ValidationError) as error:
        services.child_delete(actor=None, record=child)
    assert error.value.messages == ["This child has health checks on record; delete those first."]


def test_child_name_is_masked_in_the_audit(world, places):
    child = make_child(residence=places.township, registered_at=places.township_centre, born=D(2021, 1, 15))
    entry = AuditEntry.objects.get(object_type="maternal.child")
    assert (entry.changes["name"], entry.object_repr) == ([None, "王**"], "王** · 2021-01-15")
    assert Child.objects.get(pk=child.pk).name == "王小明"
