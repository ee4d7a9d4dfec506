import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from shanhai.core import clock
from shanhai.core.models import AuditEntry, Department
from shanhai.partnerships.models import Partnership
from shanhai.partnerships.services import agreement_add, partnership_create, partnership_update, target_set


def _create(world, **changes):
    data = {
        "actor": None,
        "supporter": world.fuqing_hospital,
        "recipient": world.qitai_mch,
        "mode": "pairing",
        "started_on": dt.date(2022, 1, 1),
    } | changes
    return partnership_create(**data)


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"recipient": "fuqing_hospital"}, "recipient", "must be different"),
        ({"ended_on": dt.date(2021, 12, 31)}, "ended_on", "before the start date"),
        ({"baseline_start": dt.date(2020, 1, 1)}, "baseline_end", "both ends"),
        ({"baseline_start": dt.date(2021, 1, 1), "baseline_end": dt.date(2020, 1, 1)}, "baseline_end", "ends before"),
        ({"mode": "department"}, "department", "department"),
    ],
)
def test_partnership_validation_messages(world, changes, field, message):
    changes = {k: getattr(world, v) if isinstance(v, str) and hasattr(world, v) else v for k, v in changes.items()}
    count = Partnership.objects.count()
    with pytest.raises(ValidationError) as error:
        _create(world, **changes)
    assert field in error.value.message_dict
    assert message in " ".join(error.value.message_dict[field])
    assert Partnership.objects.count() == count


def test_duplicate_active_pairing_is_refused(world):
    with pytest.raises(ValidationError) as error:
        _create(world, recipient=world.qitai_hospital, mode="counterpart", started_on=dt.date(2024, 1, 1))
    assert "already supports" in error.value.message_dict["__all__"][0]


def test_same_pair_in_another_mode_or_after_the_end_is_allowed(world):
    _create(world, recipient=world.qitai_hospital, mode="pairing")
    partnership_update(actor=None, partnership=world.partnership, ended_on=dt.date(2023, 12, 31))
    later = _create(world, recipient=world.qitai_hospital, mode="counterpart", started_on=dt.date(2024, 1, 1))
    assert later.pk


def test_department_takeover_pairs_by_department(world):
    surgery, paediatrics = Department.objects.get(code="04"), Department.objects.get(code="07")
    _create(world, recipient=world.qitai_mch, mode="department", department=surgery)
    _create(world, recipient=world.qitai_mch, mode="department", department=paediatrics)
    with pytest.raises(ValidationError):
        _create(world, recipient=world.qitai_mch, mode="department", department=surgery)


def test_writes_are_audited(world, supporter_user):
    partnership = _create(world, actor=supporter_user)
    entry = AuditEntry.objects.get(object_type="partnerships.partnership", object_id=str(partnership.pk))
    assert entry.action == "create"
    assert entry.actor_name == "fujian-office"
    assert entry.changes["mode"] == [None, "pairing"]
    partnership_update(actor=supporter_user, partnership=partnership, ended_on=dt.date(2025, 6, 30))
    update = AuditEntry.objects.filter(object_id=str(partnership.pk), action="update").get()
    assert update.changes == {"ended_on": [None, "2025-06-30"]}


def test_agreement_and_target_validation(world):
    with pytest.raises(ValidationError) as error:
        agreement_add(
            actor=None, partnership=world.partnership, title="", signed_on=clock.today() + dt.timedelta(days=3)
        )
    assert set(error.value.message_dict) == {"title", "signed_on"}
    with pytest.raises(ValidationError):
        target_set(
            actor=None,
            partnership=world.partnership,
            indicator="no_such_indicator",
            value=1,
            due_on=dt.date(2026, 1, 1),
        )
    target = target_set(
        actor=None, partnership=world.partnership, indicator="agreements_signed", value=2, due_on=dt.date(2026, 1, 1)
    )
    again = target_set(
        actor=None, partnership=world.partnership, indicator="agreements_signed", value=3, due_on=dt.date(2026, 1, 1)
    )
    assert again.pk == target.pk and again.value == 3
