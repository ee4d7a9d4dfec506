import datetime as dt

import pytest

from shanhai.capacity import services
from shanhai.core.models import Department
from tests.core.factories import PersonFactory


@pytest.fixture
def surgery(db):
    return Department.objects.get(code="04")


@pytest.fixture
def expert(world):
    return PersonFactory(name="林专家", institution=world.fuqing_hospital)


@pytest.fixture
def make_technique(world, admin, surgery):
    def make(**overrides):
        values = {
            "actor": admin,
            "name": "腹腔镜胆囊切除术",
            "department": surgery,
            "surgical_grade": "3",
            "partnership": world.partnership,
            "host": world.qitai_hospital,
            "approved_on": dt.date(2021, 6, 10),
        } | overrides
        return services.technique_create(**values)

    return make


@pytest.fixture
def add_month(admin):
    def add(technique, month, expert=0, supervised=0, independent=0):
        return services.technique_month_create(
            actor=admin,
            technique=technique,
            month=month,
            expert_cases=expert,
            supervised_cases=supervised,
            independent_cases=independent,
        )

    return add
