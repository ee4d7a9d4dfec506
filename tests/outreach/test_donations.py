from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from shanhai.analytics.engine import Scope
from shanhai.outreach.models import Donation
from shanhai.outreach.services import donation_create, donation_delete, donation_update
from tests.outreach.conftest import D, figures

CODES = ["donations_total", "donations_funds", "donations_equipment", "donations_medicines"]


def donate(world, **overrides):
    values = {
        "donor": world.fuqing_hospital,
        "recipient": world.qitai_hospital,
        "partnership": world.partnership,
        "kind": "funds",
        "amount": Decimal("200000"),
        "donated_on": D(2022, 5, 20),
        "description": "专项帮扶资金",
    }
    return donation_create(actor=None, **(values | overrides))


def test_totals_by_kind(world):
    donate(world)
    donate(world, amount=Decimal("150000"), donated_on=D(2023, 5, 1))
    donate(world, kind="equipment", amount=Decimal("368000.50"), description="彩色多普勒超声诊断仪一台")
    donate(world, kind="medicines", amount=Decimal("12000"))

    assert figures(CODES, Scope(programme=world.programme), "2022") == {
        "donations_total": 580000.5,
        "donations_funds": 200000.0,
        "donations_equipment": 368000.5,
        "donations_medicines": 12000.0,
    }
    assert figures(["donations_funds"], Scope(org_unit=world.qitai), "2020..2023") == {"donations_funds": 350000.0}
    assert figures(["donations_total"], Scope(org_unit=world.fujian), "2022") == {"donations_total": None}
    assert figures(["donations_total"], Scope(org_unit=world.fujian, side="supporter"), "2022") == {
        "donations_total": 580000.5
    }


def test_changing_the_kind_moves_the_amount(world):
    donation = donate(world)
    donation_update(actor=None, record=donation, kind="equipment", amount=Decimal("90000"))
    assert figures(CODES, Scope(partnership=world.partnership), "2022") == {
        "donations_total": 90000.0,
        "donations_funds": 0,  # donations are kept here: none of a kind is 0
        "donations_equipment": 90000.0,
        "donations_medicines": 0,
    }
    donation_delete(actor=None, record=donation)  # none left at all: not reported
    assert figures(["donations_total"], Scope(partnership=world.partnership), "2022") == {"donations_total": None}


def test_donor_and_recipient_must_be_the_partnerships_ends(world):
    with pytest.raises(ValidationError) as error:
        donate(world, donor=world.haikou_hospital, recipient=world.qitai_mch, amount=Decimal("0"))
    assert error.value.message_dict == {
        "donor": ["The donor must be 福清市医院, the partnership's supporting side, or one of its units."],
        "recipient": ["The recipient must be 奇台县人民医院, the partnership's receiving side, or one of its units."],
        "amount": ["Enter an amount above zero."],
    }
    assert Donation.objects.count() == 0


def test_update_is_validated_and_changes_nothing_when_refused(world):
    donation = donate(world)
    with pytest.raises(ValidationError) as error:
        donation_update(actor=None, record=donation, donated_on=D(2020, 1, 1))
    assert error.value.message_dict == {
        "donated_on": ["The partnership starts on 2021-03-01; the date cannot be earlier."]
    }
    donation.refresh_from_db()
    assert donation.donated_on == D(2022, 5, 20)
    assert figures(["donations_funds"], Scope(partnership=world.partnership), "2022") == {"donations_funds": 200000.0}
