"""factory_boy factories that create records through the real services."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

import factory

from shanhai.accounts.models import User
from shanhai.accounts.services import membership_grant
from shanhai.core.models import HospitalGrade, OrgUnit, OrgUnitKind
from shanhai.core.services import org_unit_create
from shanhai.partnerships.models import Partnership, Programme
from shanhai.partnerships.services import partnership_create, programme_create
from shanhai.workforce.models import Person
from shanhai.workforce.services import person_create

_codes = itertools.count(1)


class OrgUnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OrgUnit

    code = factory.LazyFunction(lambda: f"T{next(_codes):06d}")
    name = factory.Sequence(lambda n: f"测试机构{n}")
    kind = OrgUnitKind.GENERAL_HOSPITAL
    parent = None
    grade = None

    @classmethod
    def _create(cls, model_class: type, *args: Any, **kwargs: Any) -> OrgUnit:
        grade = kwargs.pop("grade", None)
        if isinstance(grade, str):
            grade = HospitalGrade.objects.get(code=grade)
        return org_unit_create(actor=None, grade=grade, **kwargs)


class ProgrammeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Programme

    name = factory.Sequence(lambda n: f"测试帮扶项目{n}")
    owner = factory.SubFactory(
        OrgUnitFactory, kind=OrgUnitKind.PROVINCE, code=factory.Sequence(lambda n: f"{900000 + n}")
    )
    started_on = dt.date(2020, 1, 1)

    @classmethod
    def _create(cls, model_class: type, *args: Any, **kwargs: Any) -> Programme:
        return programme_create(actor=None, **kwargs)


class PartnershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Partnership

    supporter = factory.SubFactory(OrgUnitFactory)
    recipient = factory.SubFactory(OrgUnitFactory)
    mode = "counterpart"
    started_on = dt.date(2021, 3, 1)

    @classmethod
    def _create(cls, model_class: type, *args: Any, **kwargs: Any) -> Partnership:
        return partnership_create(actor=None, **kwargs)


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    name = factory.Sequence(lambda n: f"王医生{n}")
    gender = "female"
    institution = factory.SubFactory(OrgUnitFactory)
    phone = "13812345678"

    @classmethod
    def _create(cls, model_class: type, *args: Any, **kwargs: Any) -> Person:
        return person_create(actor=None, **kwargs)


def make_user(
    username: str, *, unit: OrgUnit | None = None, role: str = "viewer", password: str = "correct-horse-9"
) -> User:
    user = User.objects.create_user(username=username, password=password, full_name=username)
    if unit is not None:
        membership_grant(actor=None, user=user, org_unit=unit, role=role)
    return user
