"""The demo builder: the one place that turns scenario tables into records, through the real services.

It keeps the units it created by code, gives institutions codes of the demo scheme and counts
what it made, so the scenario modules read as data plus a few calls.
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from shanhai.accounts.models import User
from shanhai.core.models import Department, HospitalGrade, OrgUnit, OrgUnitKind, ProfessionalTitle
from shanhai.core.services import org_unit_create
from shanhai.partnerships.models import Level, Mode, Partnership, Programme
from shanhai.partnerships.services import agreement_add, partnership_create, programme_create, target_set

#: Code prefixes of the demo scheme (documented in the demo README).
HOSPITAL_PREFIX = "H"
UNIVERSITY_PREFIX = "U"
COMMISSION_PREFIX = "W"


class StaffSize:
    """How many demo people an institution gets (see ``people.py``)."""

    NONE = 0
    SMALL = 1
    LARGE = 2


@dataclass
class DemoBuilder:
    actor: User
    rng: random.Random
    units: dict[str, OrgUnit] = field(default_factory=dict)
    staff_sizes: dict[str, int] = field(default_factory=dict)
    programmes: dict[str, Programme] = field(default_factory=dict)
    partnerships: list[Partnership] = field(default_factory=list)
    counts: Counter[str] = field(default_factory=Counter)
    _sequence: Counter[str] = field(default_factory=Counter)
    _grades: dict[str, HospitalGrade] = field(default_factory=dict)
    _departments: dict[str, Department] = field(default_factory=dict)
    _titles: dict[str, ProfessionalTitle] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._grades = {grade.code: grade for grade in HospitalGrade.objects.all()}
        self._departments = {department.code: department for department in Department.objects.all()}
        self._titles = {title.code: title for title in ProfessionalTitle.objects.all()}

    # --- code lists --------------------------------------------------------------------------
    def grade(self, code: str) -> HospitalGrade:
        return self._grades[code]

    def department(self, code: str) -> Department:
        return self._departments[code]

    def title(self, code: str) -> ProfessionalTitle:
        return self._titles[code]

    # --- the org tree --------------------------------------------------------------------------
    def unit(self, code: str) -> OrgUnit:
        return self.units[code]

    def region(
        self,
        *,
        code: str,
        name: str,
        kind: str,
        parent: str | None,
        short_name: str = "",
        valid_from: date | None = None,
    ) -> OrgUnit:
        unit = org_unit_create(
            actor=self.actor,
            code=code,
            name=name,
            kind=kind,
            short_name=short_name,
            parent=self.units[parent] if parent else None,
            valid_from=valid_from,
        )
        self.units[code] = unit
        self.counts["units"] += 1
        return unit

    def institution(
        self,
        *,
        name: str,
        kind: str,
        parent: str,
        grade: str | None = None,
        short_name: str = "",
        staff: int = StaffSize.NONE,
        prefix: str = HOSPITAL_PREFIX,
    ) -> OrgUnit:
        """Create an institution under the unit with code ``parent``; return it (also kept by name).

        Codes: ``H``/``U`` + the region code + a three-digit sequence, ``W`` + the region code for a
        health commission, the parent institution's code + ``-NN`` for a campus.
        """
        if name in self.units:
            raise ValueError(f"demo institution {name} defined twice")
        parent_unit = self.units[parent]
        if kind == OrgUnitKind.HEALTH_COMMISSION:
            code = f"{COMMISSION_PREFIX}{parent_unit.code}"
        elif kind == OrgUnitKind.CAMPUS:
            self._sequence[parent_unit.code] += 1
            code = f"{parent_unit.code}-{self._sequence[parent_unit.code]:02d}"
        else:
            self._sequence[parent_unit.code] += 1
            code = f"{prefix}{parent_unit.code}{self._sequence[parent_unit.code]:03d}"
        unit = org_unit_create(
            actor=self.actor,
            code=code,
            name=name,
            kind=kind,
            parent=parent_unit,
            short_name=short_name,
            grade=self.grade(grade) if grade else None,
        )
        self.units[code] = unit
        self.units[name] = unit
        self.staff_sizes[code] = staff
        self.counts["units"] += 1
        return unit

    # --- programmes and partnerships -----------------------------------------------------------
    def programme(
        self,
        *,
        name: str,
        owner: str,
        started_on: date,
        ended_on: date | None = None,
        short_name: str = "",
        description: str = "",
    ) -> Programme:
        programme = programme_create(
            actor=self.actor,
            name=name,
            owner=self.units[owner],
            started_on=started_on,
            ended_on=ended_on,
            short_name=short_name,
            description=description,
        )
        self.programmes[name] = programme
        self.counts["programmes"] += 1
        return programme

    def partnership(
        self,
        *,
        supporter: str,
        recipient: str,
        mode: Mode,
        started_on: date,
        programme: Programme | None = None,
        level: Level = Level.INSTITUTION,
        department: str | None = None,
        ended_on: date | None = None,
        description: str = "",
        agreement: tuple[str, date] | None = None,
    ) -> Partnership:
        """Supporter and recipient are given by name or code; ``agreement`` is (title, signed on)."""
        partnership = partnership_create(
            actor=self.actor,
            supporter=self.units[supporter],
            recipient=self.units[recipient],
            mode=mode,
            started_on=started_on,
            programme=programme,
            level=level,
            department=self.department(department) if department else None,
            ended_on=ended_on,
            description=description,
        )
        if agreement is not None:
            title, signed_on = agreement
            agreement_add(actor=self.actor, partnership=partnership, title=title, signed_on=signed_on)
            self.counts["agreements"] += 1
        self.partnerships.append(partnership)
        self.counts["partnerships"] += 1
        return partnership

    def target(self, partnership: Partnership, *, indicator: str, value: float, due_on: date, note: str = "") -> None:
        target_set(
            actor=self.actor, partnership=partnership, indicator=indicator, value=value, due_on=due_on, note=note
        )
        self.counts["targets"] += 1
