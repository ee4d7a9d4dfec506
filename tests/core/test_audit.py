from shanhai.core.models import AuditEntry
from shanhai.core.personal import mask_id_number, mask_name, mask_phone
from shanhai.core.selectors import audit_entries
from shanhai.workforce.services import person_update
from tests.core.factories import PersonFactory


def test_masking_functions():
    assert mask_phone("13812345678") == "138****5678"
    assert mask_phone("0994-1234567") == "099*****4567"
    assert mask_phone("") == ""
    assert mask_name("张三丰") == "张**"
    assert mask_name("李") == "李*"
    assert mask_id_number("110101199003074514") == "****************14"


def test_person_audit_never_holds_the_phone_number(world, hospital_admin):
    person = PersonFactory(institution=world.qitai_hospital, phone="13812345678")
    person_update(actor=hospital_admin, person=person, phone="13987654321")
    entries = AuditEntry.objects.filter(object_type="workforce.person").order_by("id")
    assert [e.action for e in entries] == ["create", "update"]
    assert entries[1].changes == {"phone": ["138****5678", "139****4321"]}
    assert entries[1].object_id == str(person.public_id)
    text = " ".join(str(e.changes) + e.object_repr for e in entries)
    assert "13812345678" not in text and "13987654321" not in text


def test_audit_entries_are_scoped_to_subtrees(world):
    PersonFactory(institution=world.qitai_mch)
    PersonFactory(institution=world.haikou_hospital)
    in_changji = audit_entries(paths=[world.changji.path], object_type="workforce.person")
    assert in_changji.count() == 1
    assert audit_entries(paths=None, object_type="workforce.person").count() == 2
