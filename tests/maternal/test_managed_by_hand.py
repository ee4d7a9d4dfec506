"""High-risk management recorded by hand where the records cannot show it (``Pregnancy.managed_recorded_on`` with a
note; ``rules.is_high_risk_managed``): she then counts as managed; without a note, in the future or before the
registration it is refused; withdrawn, the inference applies again."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError

from conftest import World
from shanhai.core import clock
from shanhai.maternal import services
from shanhai.maternal.models import Pregnancy
from tests.maternal.factories import Places, grade, make_pregnancy


@pytest.fixture
def red(world: World, places: Places) -> Pregnancy:
    """Red since 30 days ago, with its 专案, and no contact since: the records do not show her managed."""
    pregnancy = make_pregnancy(
        residence=places.township, registered_at=world.qitai_mch, lmp=clock.today() - timedelta(days=150)
    )
    grade(pregnancy, world.qitai_hospital, ["red.blood.leukaemia"], on=clock.today() - timedelta(days=30))
    pregnancy.refresh_from_db()
    assert (pregnancy.is_high_risk, pregnancy.is_high_risk_managed) == (True, False)
    return pregnancy


def test_management_recorded_by_hand_counts_and_can_be_withdrawn(red: Pregnancy) -> None:
    on = clock.today() - timedelta(days=3)
    services.pregnancy_update(
        actor=None, record=red, managed_recorded_on=on, managed_note="转诊至乌鲁木齐妇幼保健院专案管理"
    )
    red.refresh_from_db()
    assert (red.managed_recorded_on, red.is_high_risk_managed) == (on, True)

    services.pregnancy_update(actor=None, record=red, managed_recorded_on=None, managed_note="")
    red.refresh_from_db()
    assert red.is_high_risk_managed is False


@pytest.mark.parametrize(
    ("days_ago", "note", "field"),
    [
        (3, "  ", "managed_note"),  # no note
        (-1, "外院管理", "managed_recorded_on"),  # in the future
        (200, "外院管理", "managed_recorded_on"),  # before the registration
        (None, "外院管理", "managed_recorded_on"),  # a note without a date
    ],
)
def test_a_record_by_hand_needs_a_date_and_a_note(red: Pregnancy, days_ago: int | None, note: str, field: str) -> None:
    on = None if days_ago is None else clock.today() - timedelta(days=days_ago)
    with pytest.raises(ValidationError) as error:
        services.pregnancy_update(actor=None, record=red, managed_recorded_on=on, managed_note=note)
    assert field in error.value.message_dict
    red.refresh_from_db()
    assert (red.managed_recorded_on, red.is_high_risk_managed) == (None, False)


def test_the_records_form_records_it_and_the_page_shows_it(red: Pregnancy, world: World) -> None:
    from shanhai.accounts.models import Role
    from tests.core.factories import make_user
    from tests.maternal.mch_file import client_for, detail_url

    clerk = make_user("qitai-mch-clerk-2", unit=world.qitai_mch, role=Role.DATA_CLERK)
    client = client_for(clerk)
    edit = client.get(f"/records/pregnancies/{red.public_id}/edit/")
    assert edit.status_code == 200 and 'name="managed_note"' in edit.content.decode()
    form = edit.context["form"]
    data = {name: "" if form[name].value() is None else form[name].value() for name in form.fields}
    data["woman"] = str(red.woman.public_id)  # the picker's value: her record number
    data |= {"managed_recorded_on": (clock.today() - timedelta(days=1)).isoformat(), "managed_note": "外院专案管理"}
    response = client.post(f"/records/pregnancies/{red.public_id}/edit/", data)
    assert response.status_code == 302, response.context["form"].errors
    red.refresh_from_db()
    assert red.is_high_risk_managed
    assert "外院专案管理" in client.get(detail_url("pregnancies", red)).content.decode()
