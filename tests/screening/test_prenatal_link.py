"""A prenatal screening linked to the woman's pregnancy file (issue 14): dated within the pregnancy, her residence
and gestation taken from it, a gestation typed against her last menstrual period refused; the pregnancy's page lists
it with a link to add one."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError

from shanhai.core import clock
from shanhai.screening import services as s
from shanhai.screening.models import PrenatalScreening
from tests.maternal.factories import make_pregnancy
from tests.maternal.mch_file import client_for, detail_url


@pytest.fixture
def pregnancy(world, township):
    lmp = clock.today() - timedelta(days=140)  # 20 weeks today
    return make_pregnancy(residence=township, registered_at=world.qitai_mch, lmp=lmp, registered_day=60)


def _screening(world, pregnancy, **changes):
    values = {
        "pregnancy": pregnancy,
        "screened_on": clock.today() - timedelta(days=4 * 7 - 2),  # 16 weeks after her last menstrual period
        "institution": world.qitai_mch,
        "method": "serum_second",
        "result": "low",
    }
    return values | changes


def test_a_linked_screening_takes_her_residence_and_gestation(world, township, pregnancy):
    record = s.prenatal_screening_create(actor=None, **_screening(world, pregnancy))
    record.refresh_from_db()
    assert (record.pregnancy_id, record.residence_id, record.gestation_weeks) == (pregnancy.pk, township.pk, 16)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"screened_on_days": -3}, "screened_on"),  # before her last menstrual period
        ({"gestation_weeks": 24}, "gestation_weeks"),  # 16 weeks by her last menstrual period
    ],
)
def test_a_linked_screening_out_of_her_pregnancy_is_refused(world, pregnancy, changes, field):
    values = _screening(world, pregnancy)
    if "screened_on_days" in changes:
        values["screened_on"] = pregnancy.last_menstrual_period_on + timedelta(days=changes.pop("screened_on_days"))
    with pytest.raises(ValidationError) as error:
        s.prenatal_screening_create(actor=None, **(values | changes))
    assert field in error.value.message_dict
    assert PrenatalScreening.objects.count() == 0


def test_without_a_pregnancy_residence_and_gestation_are_required(world, pregnancy):
    values = _screening(world, None)
    with pytest.raises(ValidationError) as error:
        s.prenatal_screening_create(actor=None, **values)
    assert {"residence", "gestation_weeks"} <= set(error.value.message_dict)


def test_the_pregnancy_page_lists_her_screenings(world, pregnancy, mch_worker):
    s.prenatal_screening_create(actor=None, **_screening(world, pregnancy, result="high"))
    page = client_for(mch_worker).get(detail_url("pregnancies", pregnancy)).content.decode()
    assert "Prenatal screenings" in page and "High risk" in page
    assert f"/records/prenatal-screenings/new/?pregnancy={pregnancy.public_id}" in page
