"""`make bench-mch [SIZE=200000] [DB=both|sqlite|postgres] [RUNS=7]`: the MCH worklist and indicators at scale.

Per database, in its own process (so each one's peak memory is its own), on a fresh database (SQLite: a file in
a temp directory; PostgreSQL: a database ``shanhai_bench_mch`` at PGURL, dropped afterwards):

1. **Build** one province of 10 prefectures × 10 counties × 10 townships; per county a county MCH hospital
   graded 2A and a health commission, per township a health centre. Then SIZE pregnancies, one woman each
   (name, ID number and phone encrypted: the encryption is also timed apart), in chunks of model instances
   (not the services, not ``maternal.bulk``): screening and grading, 专案, referrals, antenatal visits on the
   five-contact schedule, deliveries since 2021-10-01, maternal deaths, postpartum visits and 42-day checks,
   children with newborn screening and the 0–6 checks, and about a third of the pregnancies ongoing today (some
   past 42 weeks). They are written by :class:`Writer`, not ``bulk_create``: the same column values (each
   field's ``pre_save`` and ``get_db_prep_save``, foreign keys from the related objects, primary keys from a
   counter per table), sent by ``COPY … FROM STDIN`` on PostgreSQL (then each id sequence set past the largest
   id) and by ``executemany`` of one prepared INSERT on SQLite, where the inserts alone run with
   ``journal_mode=MEMORY`` and ``synchronous=OFF`` (the settings' WAL and NORMAL restored after; a crash then
   leaves a broken file, which a build throws away anyway). A few women of the first chunk are read back
   through the ORM and compared with the generated ones. Then the product's derivations over everything:
   ``services.pregnancies_refresh`` (every derived field starts blank), ``services.children_refresh``,
   both of which also write the worklist's stored items (``maternal/due.py``; a separate ``due_refresh`` step
   runs only if ``services`` has one, and shows "—" otherwise), then
   ``analytics.facts.rebuild()`` and, on PostgreSQL, ``VACUUM ANALYZE``. Every step is timed.
2. **Measure** (median of RUNS after a warm-up): ``selectors.worklist`` for a county user (health commission:
   the whole county), the county MCH hospital's clerk and a township health centre's clerk; the worklist page
   and the pregnancies list page (records framework, first page) through Django's test client as the county user
   (server time and query count); ``engine.evaluate`` of every ``mch.*`` indicator for the province, a
   prefecture and a county for an MCH year (``2025Oct`` style); peak memory of the build (VmHWM) and of the
   worklist (tracemalloc, and VmHWM after a reset).

Prints the figures as tables with the command that produced them. The data is deterministic for a seed
(``--seed``) and a day: "today" is the real day, because the worklist page has no other. ``--keep DIR`` keeps
the databases (SQLite under DIR, the PostgreSQL database left in place) and ``--reuse DIR`` measures the reads
again on them without building, showing the kept build's figures: build once, then measure each fix. With
``--reuse``, ``--rebuild-facts`` runs ``facts.rebuild()`` first and ``--refresh`` runs every derivation step
above (the refreshes, ``due_refresh`` if present, ``facts.rebuild()``, ``VACUUM ANALYZE``), each timed.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shlex
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.worker import peak_mib, timed  # noqa: E402

PGURL = os.environ.get("PGURL", "postgres://postgres@127.0.0.1:5432")
PG_DB = "shanhai_bench_mch"
DEFAULTS = {"size": 200_000, "db": "both", "runs": 7}

PREFECTURES = COUNTIES = TOWNSHIPS = 10
#: Deliveries run from the start of the MCH year 2021Oct to yesterday.
FIRST_DELIVERY = date(2021, 10, 1)
ONGOING_SHARE = 1 / 3
ENDED_SHARE = 0.03
CHUNK = 5000
#: Registered at the county MCH hospital (the rest at the township health centre).
MCH_REGISTRATION_SHARE = 0.4
COLOUR_MIX = (("green", 0.70), ("yellow", 0.205), ("orange", 0.062), ("red", 0.033))
PURPLE_SHARE = 0.012
#: (check kind, first day of age, last day of age) for the children's checks as they are made.
CHILD_CHECK_AGES = (
    ("newborn_visit", 3, 10),
    ("m1", 28, 35),
    ("m3", 90, 100),
    ("m6", 182, 195),
    ("m8", 243, 255),
    ("m12", 365, 380),
    ("m18", 547, 560),
    ("m24", 730, 745),
    ("m30", 912, 925),
    ("m36", 1095, 1110),
    ("y4", 1461, 1480),
    ("y5", 1826, 1845),
    ("y6", 2191, 2210),
)
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢"
GIVEN = "秀英华玉兰芳丽敏静燕娟霞红梅琳雪婷慧颖晶洁莉萍倩媛佳欣怡瑶"
STEPS = (
    "tree and users",
    "generate objects",
    "women",
    "pregnancies",
    "assessments",
    "cases",
    "referrals",
    "antenatal_visits",
    "deliveries",
    "deaths",
    "postpartum_visits",
    "children",
    "child_checks",
    "pregnancies_refresh",
    "children_refresh",
    "due_refresh",
    "facts.rebuild",
    "vacuum analyze",
)


# --- the org tree ------------------------------------------------------------------------------------------
@dataclass
class Township:
    id: int
    centre_id: int
    county: int  # index into Tree.counties


@dataclass
class County:
    id: int
    code: str
    mch_id: int
    commission_id: int
    region_digits: str  # the ID numbers' first six digits


@dataclass
class Tree:
    units: list[dict[str, Any]] = field(default_factory=list)
    counties: list[County] = field(default_factory=list)
    townships: list[Township] = field(default_factory=list)


def tree(grade_id: int) -> Tree:
    """1 province, 10 prefectures, 100 counties (each with an MCH hospital graded 2A and a health commission),
    1,000 townships (each with a health centre): 2,311 units with explicit ids."""
    t = Tree()

    def add(code: str, name: str, kind: str, parent: dict[str, Any] | None, **extra: Any) -> dict[str, Any]:
        uid = len(t.units) + 1
        path = f"{parent['path'] if parent else '/'}{uid}/"
        ancestors = [int(p) for p in path.strip("/").split("/")]
        unit = {"id": uid, "code": code, "name": name, "kind": kind, "level": len(ancestors), "path": path}
        unit["parent_id"] = parent["id"] if parent else None
        for k in range(1, 7):
            unit[f"anc_{k}"] = ancestors[k - 1] if k <= len(ancestors) else None
        t.units.append(unit | extra)
        return unit

    province = add("B", "基准省", "province", None)
    for p in range(1, PREFECTURES + 1):
        prefecture = add(f"B-{p:02d}", f"基准省第{p}市", "prefecture", province)
        for c in range(1, COUNTIES + 1):
            code = f"B-{p:02d}-{c:02d}"
            county = add(code, f"{prefecture['name']}第{c}县", "county", prefecture)
            mch = add(f"{code}-MCH", f"{county['name']}妇幼保健院", "mch_hospital", county, grade_id=grade_id)
            commission = add(f"{code}-HC", f"{county['name']}卫生健康局", "health_commission", county)
            t.counties.append(County(county["id"], code, mch["id"], commission["id"], f"61{p:02d}{c:02d}"))
            for w in range(1, TOWNSHIPS + 1):
                township = add(f"{code}-{w:02d}", f"{county['name']}第{w}镇", "township", county)
                centre = add(f"{code}-{w:02d}-THC", f"{township['name']}卫生院", "township_health_centre", township)
                t.townships.append(Township(township["id"], centre["id"], len(t.counties) - 1))
    return t


# --- the records -------------------------------------------------------------------------------------------------
@dataclass
class Chunk:
    """Unsaved records of a few thousand pregnancies, saved in this order (foreign keys point backwards)."""

    women: list[Any] = field(default_factory=list)
    pregnancies: list[Any] = field(default_factory=list)
    assessments: list[Any] = field(default_factory=list)
    cases: list[Any] = field(default_factory=list)
    referrals: list[Any] = field(default_factory=list)
    antenatal_visits: list[Any] = field(default_factory=list)
    deliveries: list[Any] = field(default_factory=list)
    deaths: list[Any] = field(default_factory=list)
    postpartum_visits: list[Any] = field(default_factory=list)
    children: list[Any] = field(default_factory=list)
    child_checks: list[Any] = field(default_factory=list)


class Generator:
    """Draws pregnancies and everything recorded about them (deterministic for a seed and a day)."""

    def __init__(self, t: Tree, seed: int, today: date, now: datetime) -> None:
        from shanhai.maternal import risk
        from shanhai.maternal.rules import mch_rules

        self.t, self.rng, self.today, self.now = t, random.Random(seed), today, now
        self.catalogue = risk.RiskCatalogue.load()
        self.factors = {
            colour: [f.code for f in self.catalogue.factors_of(risk.Colour(colour))]
            for colour in ("yellow", "orange", "red", "purple")
        }
        self.screening = [item.code for item in self.catalogue.screening_items]
        self.schedule = mch_rules().antenatal_schedule
        self.grades: dict[tuple[str, ...], tuple[str, bool]] = {}
        self.ids: set[str] = set()
        self.sequences: dict[str, int] = {}
        self.delivery_days = (today - FIRST_DELIVERY).days

    # --- small draws -------------------------------------------------------------------------------------
    def name(self) -> str:
        rng = self.rng
        return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))

    def id_number(self, county: County, born: date) -> str:
        from shanhai.maternal.identity import check_digit

        for sequence in range(500):
            body = f"{county.region_digits}{born:%Y%m%d}{(self.rng.randrange(500) + sequence) % 500 * 2:03d}"
            number = body + check_digit(body)
            if number not in self.ids:
                self.ids.add(number)
                return number
        raise RuntimeError("no free ID number")

    def number(self, letters: str, unit_id: int, day: date) -> str:
        """A record number as ``services.numbers`` gives them: per institution and year, in order
        (``YC-…`` pregnancies, ``ET-…`` children; the unit's id stands for its code)."""
        prefix = f"{letters}-B{unit_id}-{day.year}"
        self.sequences[prefix] = self.sequences.get(prefix, 0) + 1
        return f"{prefix}-{self.sequences[prefix]:05d}"

    def colour(self) -> tuple[str, bool]:
        roll, total = self.rng.random(), 0.0
        chosen = "green"
        for colour, share in COLOUR_MIX:
            total += share
            if roll < total:
                chosen = colour
                break
        return chosen, self.rng.random() < PURPLE_SHARE

    def graded(self, codes: list[str]) -> tuple[str, bool]:
        from shanhai.maternal import risk

        key = tuple(codes)
        if key not in self.grades:
            grading = risk.grade(self.catalogue, codes)
            self.grades[key] = (grading.colour.value, grading.purple)
        return self.grades[key]

    def factor_codes(self, colour: str, purple: bool) -> list[str]:
        codes = [] if colour == "green" else [self.rng.choice(self.factors[colour])]
        return codes + ([self.rng.choice(self.factors["purple"])] if purple else [])

    def noon(self, day: date) -> datetime:
        from django.utils import timezone

        return min(timezone.make_aware(datetime.combine(day, datetime.min.time().replace(hour=12))), self.now)

    # --- one chunk ------------------------------------------------------------------------------------------
    def chunk(self, count: int) -> Chunk:
        c = Chunk()
        for _ in range(count):
            self.pregnancy(c)
        return c

    def pregnancy(self, c: Chunk) -> None:
        from shanhai.maternal.derived import derive_dates
        from shanhai.maternal.identity import id_number_digest
        from shanhai.maternal.models import EndReason, Pregnancy, PregnancyStatus, Woman

        rng, today = self.rng, self.today
        township = rng.choice(self.t.townships)
        county = self.t.counties[township.county]
        roll = rng.random()
        delivered_on: date | None = None
        ended_day: int | None = None
        if roll < ONGOING_SHARE:
            length = rng.randint(42, 300)  # days of gestation today; past 294: the outcome is to be recorded
            lmp = today - timedelta(days=length)
            late = rng.random() < 0.05 and length > 100
            registration = rng.randint(92, min(length, 150)) if late else rng.randint(40, min(length, 88))
            last = length  # visits before today
        elif roll < ONGOING_SHARE + ENDED_SHARE:
            lmp = FIRST_DELIVERY - timedelta(days=200) + timedelta(days=rng.randrange(self.delivery_days))
            registration = rng.randint(42, 88)
            ended_day = registration + rng.randint(5, 70)
            last = ended_day
        else:
            delivered_on = FIRST_DELIVERY + timedelta(days=rng.randrange(self.delivery_days))
            length = rng.randint(240, 258) if rng.random() < 0.05 else rng.randint(259, 293)
            lmp = delivered_on - timedelta(days=length)
            registration = rng.randint(92, 170) if rng.random() < 0.08 else rng.randint(42, 88)
            last = length
        at_mch = rng.random() < MCH_REGISTRATION_SHARE
        registered_at = county.mch_id if at_mch else township.centre_id
        born = lmp - timedelta(days=rng.randint(20 * 365, 40 * 365))
        woman = Woman(
            name=self.name(),
            id_number=self.id_number(county, born),
            birth_date=born,
            phone=f"13{rng.randrange(10**9):09d}",
            residence_id=township.id,
            registered_at_id=registered_at,
        )
        woman.id_number_digest = id_number_digest(woman.id_number)
        pregnancy = Pregnancy(
            woman=woman,
            registered_on=lmp + timedelta(days=registration),
            registered_at_id=registered_at,
            last_menstrual_period_on=lmp,
            gravidity=rng.randint(1, 3),
            parity=rng.choice((0, 0, 1)),
        )
        pregnancy.number = self.number("YC", registered_at, pregnancy.registered_on)
        if ended_day is not None:
            pregnancy.status = PregnancyStatus.ENDED
            pregnancy.ended_on = lmp + timedelta(days=ended_day)
            pregnancy.end_reason = rng.choice((EndReason.MISCARRIAGE, EndReason.INDUCED))
        for name, value in derive_dates(pregnancy).items():
            setattr(pregnancy, name, value)
        c.women.append(woman)
        c.pregnancies.append(pregnancy)
        colour, purple = self.colour()
        self.antenatal(c, pregnancy, township, county, registration, last, colour, purple, ongoing=roll < ONGOING_SHARE)
        if delivered_on is not None:
            self.delivery(c, pregnancy, township, county, delivered_on, colour)

    def assessment(
        self, c: Chunk, pregnancy: Any, kind: str, day: int, unit: int, codes: list[str], **values: Any
    ) -> Any:
        from shanhai.maternal.models import RiskAssessment

        assessment = RiskAssessment(
            pregnancy=pregnancy,
            kind=kind,
            assessed_on=pregnancy.last_menstrual_period_on + timedelta(days=day),
            institution_id=unit,
            assessor_name="医生",
            catalogue_version=self.catalogue.version,
            factor_codes=codes,
            **values,
        )
        c.assessments.append(assessment)
        return assessment

    def antenatal(
        self,
        c: Chunk,
        pregnancy: Any,
        township: Township,
        county: County,
        registration: int,
        last: int,
        colour: str,
        purple: bool,
        *,
        ongoing: bool,
    ) -> None:
        """Screening at registration; grading at the county MCH hospital (after a referral when the township
        centre screened positive); the five contacts, some skipped; two more for orange and red."""
        from shanhai.maternal.models import AntenatalVisit

        rng = self.rng
        registered_at = pregnancy.registered_at_id
        positive = rng.random() < (0.5 if colour != "green" or purple else 0.08)
        items = [rng.choice(self.screening)] if positive else []
        self.assessment(
            c,
            pregnancy,
            "screening",
            registration,
            registered_at,
            items,
            screening_result="positive" if items else "negative",
        )
        visits: list[tuple[int, int]] = [(registration, registered_at)]
        graded_on = registration if registered_at == county.mch_id else None
        if graded_on is None and items and registration + 3 < last:
            arrived = min(registration + rng.randint(3, 10), last - 1)
            self.referral(c, pregnancy, township.centre_id, county.mch_id, arrived, colour, purple)
            visits.append((arrived, county.mch_id))
            graded_on = arrived
        skip = 0.15 if ongoing else 0.07
        for index, window in enumerate(self.schedule[1:]):
            first = max(window.first_day, visits[-1][0] + 14)
            if first > window.last_day or rng.random() < skip:
                continue
            day = rng.randint(first, window.last_day)
            if day >= last:
                break
            unit = county.mch_id if index >= 1 or rng.random() < 0.5 else township.centre_id
            visits.append((day, unit))
            if graded_on is None and unit == county.mch_id:
                graded_on = day
        if colour in ("orange", "red"):
            for _ in range(2):
                day = visits[-1][0] + rng.randint(10, 16)
                if day >= last or day < 196:
                    break
                visits.append((day, county.mch_id))
        c.antenatal_visits += [
            AntenatalVisit(
                pregnancy=pregnancy,
                visited_on=pregnancy.last_menstrual_period_on + timedelta(days=day),
                institution_id=unit,
                gestation_days=day,
            )
            for day, unit in visits
        ]
        if ongoing and rng.random() < 0.03:
            self.pending_referral(c, pregnancy, township.centre_id, county.mch_id)
        if graded_on is None:
            return
        codes = self.factor_codes(colour, purple)
        grading = self.grading(c, pregnancy, graded_on, county.mch_id, codes)
        case = self.open_case(c, pregnancy, grading, last, ongoing)
        later = [day for day, unit in visits if unit == county.mch_id and day >= 196 and day > graded_on]
        if later and rng.random() < 0.05:
            colour2, purple2 = self.colour()
            second = self.grading(c, pregnancy, later[0], county.mch_id, self.factor_codes(colour2, purple2))
            self.escalate(c, pregnancy, case, second, last, ongoing)

    def grading(self, c: Chunk, pregnancy: Any, day: int, unit: int, codes: list[str]) -> Any:
        colour, purple = self.graded(codes)
        assessed_on = pregnancy.last_menstrual_period_on + timedelta(days=day)
        return self.assessment(
            c,
            pregnancy,
            "grading",
            day,
            unit,
            codes,
            colour=colour,
            is_purple=purple,
            confirmed_at=self.noon(assessed_on),
        )

    def open_case(self, c: Chunk, pregnancy: Any, grading: Any, last: int, ongoing: bool) -> Any:
        """The 专案 an orange, red or purple grading opens (rules.needs_case / report_deadline)."""
        from shanhai.maternal.models import RiskCase
        from shanhai.maternal.rules import needs_case, report_deadline

        if not needs_case(grading.colour, grading.is_purple):
            return None
        opened = grading.confirmed_at
        case = RiskCase(
            pregnancy=pregnancy,
            opened_at=opened,
            opened_by=grading,
            colour=grading.colour if grading.colour in ("orange", "red") else "",
            is_purple=grading.is_purple,
            responsible_name="专案医生",
            report_due_at=report_deadline(opened, grading.colour, grading.is_purple),
        )
        if not (ongoing and self.rng.random() < 0.1):
            hours = (case.report_due_at - opened).total_seconds() / 3600
            case.reported_at = min(opened + timedelta(hours=self.rng.uniform(1, hours - 1)), self.now)
        end = pregnancy.last_menstrual_period_on + timedelta(days=last + 45)
        if not ongoing and end < self.today and case.reported_at is not None:
            case.status, case.closed_at, case.close_note = "closed", self.noon(end), "产后42天检查无异常，结案"
        c.cases.append(case)
        return case

    def escalate(self, c: Chunk, pregnancy: Any, case: Any, grading: Any, last: int, ongoing: bool) -> None:
        from shanhai.maternal.models import colour_rank
        from shanhai.maternal.rules import needs_case, report_deadline

        if case is None:
            self.open_case(c, pregnancy, grading, last, ongoing)
            return
        if needs_case(grading.colour, grading.is_purple) and colour_rank(grading.colour) > colour_rank(case.colour):
            case.colour = grading.colour
            due = report_deadline(grading.confirmed_at, grading.colour, grading.is_purple)
            case.report_due_at = min(case.report_due_at, due)
            if case.reported_at is not None and case.reported_at < grading.confirmed_at:
                case.reported_at = min(grading.confirmed_at + timedelta(hours=2), self.now)

    def referral(
        self, c: Chunk, pregnancy: Any, from_id: int, to_id: int, arrived: int, colour: str, purple: bool
    ) -> None:
        from shanhai.maternal.models import Referral

        requested = self.noon(pregnancy.registered_on) - timedelta(hours=2)
        arrived_at = max(self.noon(pregnancy.last_menstrual_period_on + timedelta(days=arrived)), requested)
        back = colour in ("green", "yellow") and not purple and arrived_at + timedelta(days=1) <= self.now
        c.referrals.append(
            Referral(
                pregnancy=pregnancy,
                from_unit_id=from_id,
                to_unit_id=to_id,
                reason="筛查阳性，转县妇幼保健院评估",
                status="returned" if back else "arrived",
                requested_at=requested,
                accepted_at=requested + timedelta(hours=1),
                arrived_at=arrived_at,
                returned_at=arrived_at + timedelta(days=1) if back else None,
            )
        )

    def pending_referral(self, c: Chunk, pregnancy: Any, from_id: int, to_id: int) -> None:
        """A referral still requested or accepted, made 1–40 days ago (after 14 the worklist flags it)."""
        from shanhai.maternal.models import Referral

        requested = max(self.now - timedelta(days=self.rng.randint(1, 40)), self.noon(pregnancy.registered_on))
        accepted = self.rng.random() < 0.5
        c.referrals.append(
            Referral(
                pregnancy=pregnancy,
                from_unit_id=from_id,
                to_unit_id=to_id,
                reason="复查，转上级评估",
                status="accepted" if accepted else "requested",
                requested_at=requested,
                accepted_at=requested + timedelta(hours=1) if accepted else None,
            )
        )

    def delivery(
        self, c: Chunk, pregnancy: Any, township: Township, county: County, delivered_on: date, colour: str
    ) -> None:
        from shanhai.maternal.models import Delivery, MaternalDeath, PostpartumVisit

        rng, today = self.rng, self.today
        roll = rng.random()
        place = "home" if roll < 0.003 else "en_route" if roll < 0.005 else "facility"
        institution = None
        if place == "facility":
            institution = county.mch_id if rng.random() < 0.85 or colour in ("orange", "red") else township.centre_id
        caesarean = institution == county.mch_id and rng.random() < 0.35
        twins, stillbirth = rng.random() < 0.01, rng.random() < 0.004
        discharged = delivered_on + timedelta(days=rng.randint(4, 6) if caesarean else rng.randint(1, 3))
        dies = rng.random() < 0.0002
        delivery = Delivery(
            pregnancy=pregnancy,
            delivered_on=delivered_on,
            place=place,
            institution_id=institution,
            mode="caesarean" if caesarean else "vaginal",
            live_births=0 if stillbirth else 2 if twins else 1,
            stillbirths=1 if stillbirth else 0,
            is_modern_method=place != "home",
            discharged_on=discharged if institution and discharged <= today and not dies else None,
        )
        c.deliveries.append(delivery)
        if dies:
            c.deaths.append(
                MaternalDeath(
                    pregnancy=pregnancy,
                    died_on=delivered_on + timedelta(days=1),
                    cause="haemorrhage",
                    place_id=institution,
                    reported_on=delivered_on + timedelta(days=2),
                )
            )
        else:
            start = delivery.discharged_on or delivered_on
            visit_on = start + timedelta(days=rng.randint(2, 9) if rng.random() < 0.95 else rng.randint(30, 40))
            if visit_on <= today and rng.random() < 0.97:
                c.postpartum_visits.append(
                    PostpartumVisit(
                        pregnancy=pregnancy, kind="visit", visited_on=visit_on, institution_id=township.centre_id
                    )
                )
            check_on = delivered_on + timedelta(days=rng.randint(42, 50))
            if check_on <= today and rng.random() < 0.9:
                c.postpartum_visits.append(
                    PostpartumVisit(
                        pregnancy=pregnancy, kind="check_42", visited_on=check_on, institution_id=county.mch_id
                    )
                )
        for _ in range(delivery.live_births):
            self.child(c, pregnancy, township, delivery)

    def child(self, c: Chunk, pregnancy: Any, township: Township, delivery: Any) -> None:
        from shanhai.maternal.derived import derive_child
        from shanhai.maternal.models import Child, ChildCheck

        rng, today = self.rng, self.today
        born = delivery.delivered_on
        weeks = (born - pregnancy.last_menstrual_period_on).days // 7
        weight = max(900, min(4700, int(rng.gauss(3300 if weeks >= 37 else 2300, 380))))
        roll = rng.random()
        died = None
        if roll < 0.003:
            died = born + timedelta(days=rng.randint(0, 26))
        elif roll < 0.005:
            died = born + timedelta(days=rng.randint(30, 330))
        if died is not None and died > today:
            died = None
        screened = born + timedelta(days=rng.randint(3, 7))
        child = Child(
            mother=pregnancy,
            name=self.name() if rng.random() < 0.95 else None,
            sex=rng.choice(("female", "male")),
            birth_date=born,
            birth_weight_grams=weight,
            gestation_weeks=weeks,
            residence_id=township.id,
            registered_at_id=delivery.institution_id or pregnancy.registered_at_id,
            newborn_screened_on=screened if rng.random() < 0.988 and screened <= today and not died else None,
            hearing_screened_on=born + timedelta(days=2) if born + timedelta(days=2) <= today else None,
            died_on=died,
        )
        child.number = self.number("ET", child.registered_at_id, born)
        for name, value in derive_child(child).items():
            setattr(child, name, value)
        c.children.append(child)
        for kind, first, final in CHILD_CHECK_AGES:
            on = born + timedelta(days=rng.randint(first, final))
            if on > today or (died is not None and on >= died):
                break
            if rng.random() < 0.04:
                continue
            c.child_checks.append(
                ChildCheck(
                    child=child,
                    kind=kind,
                    checked_on=on,
                    institution_id=township.centre_id,
                    weight_grams=int(weight + 20 * (on - born).days),
                )
            )


# --- the writer ------------------------------------------------------------------------------------------------
class Writer:
    """Writes unsaved model instances as ``bulk_create`` would, without its SQL building: primary keys from a
    counter per table (starting after the table's largest id: the tables are empty in a fresh build), foreign
    keys from the related objects the generator assigned, and every concrete field's column value as Django
    writes it (``field.pre_save(obj, add=True)``, so auto_now / auto_now_add get theirs, then
    ``field.get_db_prep_save``: UUIDs, JSON and encrypted fields come out as they would through the ORM).

    PostgreSQL: one ``COPY … FROM STDIN`` per call (psycopg 3, ``write_row``); :meth:`finish` sets each table's
    id sequence past its largest id, so the product's later inserts work. SQLite: ``executemany`` of one
    prepared INSERT on the raw connection (AUTOINCREMENT's ``sqlite_sequence`` follows explicit ids by itself).
    """

    def __init__(self, connection: Any) -> None:
        from django.db import connections, models

        # the connection itself, not django.db.connection's proxy: get_db_prep_save reads it for every value
        self.connection = connections[connection.alias]
        self.next_id: dict[type, int] = {}
        self.plans: dict[type, tuple[list[Any], list[tuple[str, str]], str]] = {}
        self.pure = {
            models.BooleanField,
            models.CharField,
            models.DateField,
            models.ForeignKey,
            models.IntegerField,
            models.PositiveIntegerField,
            models.PositiveSmallIntegerField,
            models.SmallIntegerField,
            models.TextField,
        }

    def plan(self, model: type) -> tuple[list[Any], list[tuple[str, str]], str]:
        if model not in self.plans:
            meta = model._meta  # type: ignore[attr-defined]
            fields = list(meta.concrete_fields)
            # (cache name, attname) of each foreign key, as Model._prepare_related_fields_for_save resolves them
            relations = [(f.cache_name, f.attname) for f in fields if f.is_relation]
            quote = self.connection.ops.quote_name
            columns = ", ".join(quote(f.column) for f in fields)
            table = quote(meta.db_table)
            if self.connection.vendor == "postgresql":
                sql = f"COPY {table} ({columns}) FROM STDIN"
            else:
                sql = f"INSERT INTO {table} ({columns}) VALUES ({', '.join('?' * len(fields))})"
            with self.connection.cursor() as cursor:
                cursor.execute(f"SELECT MAX({quote(meta.pk.column)}) FROM {table}")
                self.next_id[model] = (cursor.fetchone()[0] or 0) + 1
            self.plans[model] = (fields, relations, sql)
        return self.plans[model]

    def converter(self, field: Any) -> tuple[Callable[[Any, bool], Any], Callable[[Any], Any]]:
        """``field.pre_save`` and a function of the value giving ``field.get_db_prep_save(value, connection)``.
        For fields of exactly the plain types below (not subclasses: the encrypted fields, whose output is
        random, and date-times are not among them) that conversion depends on the value alone, so it is
        remembered per (type, value): days, codes, counts and foreign keys repeat across rows."""
        prep, connection = field.get_db_prep_save, self.connection
        if type(field) not in self.pure:
            return field.pre_save, lambda value: prep(value, connection)
        memo: dict[tuple[type, Any], Any] = {}

        def convert(value: Any) -> Any:
            key = (type(value), value)
            try:
                return memo[key]
            except KeyError:
                result = prep(value, connection)
                if len(memo) < 20_000:  # unique numbers and the like would only fill it
                    memo[key] = result
                return result
            except TypeError:  # unhashable
                return prep(value, connection)

        return field.pre_save, convert

    def write(self, objects: list[Any]) -> None:
        """Insert ``objects`` (all of one model, unsaved, their related objects written before them)."""
        if not objects:
            return
        model = type(objects[0])
        fields, relations, sql = self.plan(model)
        connection, alias = self.connection, self.connection.alias
        pk_attname = model._meta.pk.attname
        prepared = [self.converter(f) for f in fields]
        next_id = self.next_id[model]
        rows = []
        for obj in objects:
            obj.__dict__[pk_attname] = next_id
            next_id += 1
            cache = obj._state.fields_cache
            for cache_name, attname in relations:
                related = cache.get(cache_name)
                if related is not None and obj.__dict__.get(attname) is None:
                    if related.pk is None:
                        raise ValueError(f"{model.__name__}.{cache_name}: related object not written yet")
                    obj.__dict__[attname] = related.pk
            rows.append([convert(pre_save(obj, True)) for pre_save, convert in prepared])
            obj._state.adding, obj._state.db = False, alias
        self.next_id[model] = next_id
        raw = connection.connection
        if connection.vendor == "postgresql":
            with raw.cursor() as cursor, cursor.copy(sql) as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            raw.executemany(sql, rows)

    def finish(self) -> None:
        """PostgreSQL: each written table's id sequence (or identity) set past its largest id."""
        from django.core.management.color import no_style

        if self.connection.vendor == "postgresql" and self.plans:
            with self.connection.cursor() as cursor:
                for sql in self.connection.ops.sequence_reset_sql(no_style(), list(self.plans)):
                    cursor.execute(sql)


@contextmanager
def sqlite_fast(connection: Any) -> Iterator[None]:
    """SQLite, during the inserts only: ``journal_mode=MEMORY`` and ``synchronous=OFF`` (a crash mid-build
    leaves a broken file, which a build throws away anyway); the settings' WAL and NORMAL are restored after."""
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        journal = cursor.fetchone()[0]
        cursor.execute("PRAGMA synchronous")
        synchronous = cursor.fetchone()[0]
        cursor.execute("PRAGMA journal_mode=MEMORY")
        cursor.execute("PRAGMA synchronous=OFF")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA journal_mode={journal}")
            cursor.execute(f"PRAGMA synchronous={int(synchronous)}")


# --- the build ----------------------------------------------------------------------------------------------------
def load_tree(t: Tree) -> None:
    from django.core.management.color import no_style
    from django.db import connection

    from shanhai.core.models import OrgUnit

    OrgUnit.objects.bulk_create([OrgUnit(**u) for u in t.units], batch_size=1000)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for sql in connection.ops.sequence_reset_sql(no_style(), [OrgUnit]):
                cursor.execute(sql)


def make_users(t: Tree) -> dict[str, Any]:
    """The county user (health commission viewer: the whole county), the county MCH hospital's clerk and the
    first township health centre's clerk, all of the first county."""
    from shanhai.accounts.models import Role, User
    from shanhai.accounts.services import membership_grant
    from shanhai.core.models import OrgUnit

    county = t.counties[0]
    centre = next(w.centre_id for w in t.townships if w.county == 0)
    users = {}
    for username, unit_id, role in (
        ("bench-county", county.commission_id, Role.VIEWER),
        ("bench-mch", county.mch_id, Role.DATA_CLERK),
        ("bench-township", centre, Role.DATA_CLERK),
        ("bench-province", t.units[0]["id"], Role.VIEWER),
    ):
        user = User.objects.filter(username=username).first()  # --reuse of a build made before this user
        if user is None:
            user = User.objects.create_user(username=username, password=None, full_name=username)
            membership_grant(actor=None, user=user, org_unit=OrgUnit.objects.get(pk=unit_id), role=role)
        users[username] = user
    return users


def encryption_seconds(women: list[Any]) -> float:
    """What encrypting the women's three personal fields costs, measured apart (the writer does it again)."""
    from django.db import connection

    from shanhai.maternal.models import Woman

    fields = [Woman._meta.get_field(name) for name in ("name", "id_number", "phone")]
    started = time.perf_counter()
    for woman in women:
        for f in fields:
            f.get_db_prep_save(getattr(woman, f.attname), connection)  # type: ignore[union-attr]
    return time.perf_counter() - started


def check_read_back(women: list[Any]) -> None:
    """A few women of the first chunk read back through the ORM equal the ones generated, every field (the
    encrypted name, ID number and phone decrypted): the writer wrote what Django would."""
    from shanhai.maternal.models import Woman

    fields = Woman._meta.concrete_fields
    stored = Woman.objects.in_bulk([w.pk for w in women])
    for woman in women:
        for f in fields:
            if getattr(stored[woman.pk], f.attname) != getattr(woman, f.attname):
                raise AssertionError(f"woman {woman.pk}: {f.attname} reads back different from what was written")


def refresh(steps: dict[str, float], rows: dict[str, int]) -> None:
    """The product's derivations over every record, each step timed into ``steps`` (its rows into ``rows``):
    ``pregnancies_refresh``, ``children_refresh``, ``due_refresh`` when ``maternal.services`` has one (the
    worklist's stored due items), ``facts.rebuild()``, and ``VACUUM ANALYZE`` on PostgreSQL."""
    from django.db import connection, transaction

    from shanhai.analytics import facts
    from shanhai.maternal import services
    from shanhai.maternal.models import Child, Pregnancy

    def step(name: str, fn: Callable[[], Any], what: str) -> None:
        started = time.perf_counter()
        result = fn()
        steps[name] = time.perf_counter() - started
        if isinstance(result, int):
            rows[name] = result
        count = f"{result:,} {what} in " if isinstance(result, int) else ""
        print(f"  {name}: {count}{steps[name]:.1f} s", flush=True)

    step("pregnancies_refresh", lambda: services.pregnancies_refresh(Pregnancy.objects.all()), "changed")
    if hasattr(services, "children_refresh"):
        step("children_refresh", lambda: services.children_refresh(Child.objects.all()), "changed")
    if hasattr(services, "due_refresh"):
        step("due_refresh", services.due_refresh, "rows")

    def rebuild() -> int:
        with transaction.atomic():
            return facts.rebuild()

    step("facts.rebuild", rebuild, "facts")

    def vacuum() -> None:
        if connection.vendor == "postgresql":  # as autovacuum would, in time; SQLite is left as the product leaves it
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE")  # the refreshes left a dead version of every changed row

    step("vacuum analyze", vacuum, "")


def build(size: int, seed: int, out: dict[str, Any]) -> tuple[Tree, dict[str, Any]]:
    from django.db import connection, transaction
    from django.utils import timezone

    from shanhai.core.models import HospitalGrade

    steps: dict[str, float] = dict.fromkeys(STEPS, 0.0)
    del steps["children_refresh"], steps["due_refresh"]  # set by refresh() when the product has them
    rows: dict[str, int] = {}
    started = time.perf_counter()
    t = tree(HospitalGrade.objects.get(code="2A").pk)
    with transaction.atomic():
        load_tree(t)
        users = make_users(t)
    steps["tree and users"] = time.perf_counter() - started
    rows["tree and users"] = len(t.units)
    now = timezone.now()
    generator = Generator(t, seed, timezone.localdate(now), now)
    encryption = 0.0
    done = 0
    writer = Writer(connection)
    with sqlite_fast(connection):
        while done < size:
            count = min(CHUNK, size - done)
            started = time.perf_counter()
            chunk = generator.chunk(count)
            steps["generate objects"] += time.perf_counter() - started
            encryption += encryption_seconds(chunk.women)
            with transaction.atomic():
                for name in Chunk.__dataclass_fields__:
                    objects = getattr(chunk, name)
                    started = time.perf_counter()
                    writer.write(objects)
                    steps[name] += time.perf_counter() - started
                    rows[name] = rows.get(name, 0) + len(objects)
            if not done:
                check_read_back(chunk.women[:5])
            done += count
            if done % 50_000 == 0 or done == size:
                print(f"  … {done:,} pregnancies saved ({sum(steps.values()):.0f} s so far)", flush=True)
    writer.finish()  # the id sequences (PostgreSQL): a few ms
    out["encryption_s"] = encryption
    out["peak_mib_after_insert"] = peak_mib()

    refresh(steps, rows)
    out["peak_mib_after_refresh"] = peak_mib()
    out["steps"], out["rows"] = steps, rows
    out["build_s"] = sum(steps.values())
    out["peak_mib_build"] = peak_mib()
    return t, users


# --- the measurements ---------------------------------------------------------------------------------------------
def queries_of(fn: Callable[[], Any]) -> tuple[int, list[tuple[float, str]]]:
    """How many queries one call makes, and the three slowest (seconds, SQL head)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        fn()
    slowest = sorted(((float(q["time"]), q["sql"][:300]) for q in captured.captured_queries), reverse=True)[:3]
    return len(captured), slowest


def rss_mib() -> float:
    """Resident memory of this process now, in MiB (0 where /proc is missing)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def reset_peak() -> bool:
    """Reset VmHWM to the current RSS (Linux ≥ 4.0), so the next peak is the next step's."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return False
    return True


def measure(t: Tree, users: dict[str, Any], runs: int, period_code: str, out: dict[str, Any]) -> None:
    import tracemalloc

    from django.test import Client
    from django.urls import reverse

    from shanhai.analytics.engine import Scope, evaluate, indicators_for
    from shanhai.core.models import OrgUnit
    from shanhai.core.periods import parse_period
    from shanhai.maternal import selectors
    from shanhai.maternal.views import WORKLIST_SHOWN_PER_SECTION

    m: dict[str, Any] = {}
    # As the page asks: every section counted whole, its first WORKLIST_SHOWN_PER_SECTION items made;
    # and, for the county, every item made (what the selector did before it took a limit).
    for label, username, limit in (
        ("worklist county", "bench-county", WORKLIST_SHOWN_PER_SECTION),
        ("worklist county, every item made", "bench-county", None),
        ("worklist mch", "bench-mch", WORKLIST_SHOWN_PER_SECTION),
        ("worklist township", "bench-township", WORKLIST_SHOWN_PER_SECTION),
    ):
        user = users[username]
        median, times, work = timed(lambda user=user, limit=limit: selectors.worklist(user, limit=limit), runs)
        count, slowest = queries_of(lambda user=user, limit=limit: selectors.worklist(user, limit=limit))
        m[label] = {
            "ms": median,
            "runs": times,
            "queries": count,
            "slowest": slowest,
            "items": {s.code: s.count for s in work.sections},
            "total": work.total,
        }
        print(f"  {label}: {median:.0f} ms, {count} queries, {work.total:,} items", flush=True)

    county_user = users["bench-county"]
    tracemalloc.start()
    selectors.worklist(county_user)
    _current, traced = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    out["worklist_traced_mib"] = traced / 2**20

    county_client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans", HTTP_HOST="127.0.0.1")
    county_client.force_login(county_user)
    province_client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans", HTTP_HOST="127.0.0.1")
    province_client.force_login(users["bench-province"])
    client = county_client
    for label, url, page_client in (
        ("worklist page", reverse("maternal:worklist"), county_client),
        ("worklist page, antenatal, page 2", reverse("maternal:worklist") + "?section=antenatal&page=2", county_client),
        ("pregnancies list page", reverse("records:list", kwargs={"kind": "pregnancies"}), county_client),
        ("MCH home, county user", reverse("maternal:home"), county_client),
        ("MCH home, province user", reverse("maternal:home"), province_client),
    ):

        def get(url: str = url, page_client: Any = page_client) -> int:
            response = page_client.get(url)
            assert response.status_code == 200, (url, response.status_code)
            return len(response.content)

        median, times, size = timed(get, runs)
        count, slowest = queries_of(get)
        m[label] = {"ms": median, "runs": times, "queries": count, "slowest": slowest, "bytes": size, "url": url}
        print(f"  {label}: {median:.0f} ms, {count} queries, {size / 1024:.0f} KiB", flush=True)
    reset_peak()
    out["worklist_page_rss_before_mib"] = rss_mib()
    client.get(reverse("maternal:worklist"))
    out["worklist_page_peak_mib"] = peak_mib()

    period = parse_period(period_code)
    codes = [i.code for i in indicators_for("maternal")]
    additive = [c for c in codes if c != "mch.under_three_management_rate"]
    province = OrgUnit.objects.get(code="B")
    prefecture = OrgUnit.objects.get(code="B-01")
    county = OrgUnit.objects.get(code=t.counties[0].code)
    for label, unit, chosen in (
        ("indicators province", province, codes),
        ("indicators prefecture", prefecture, codes),
        ("indicators county", county, codes),
        ("  of which under-3 (province)", province, ["mch.under_three_management_rate"]),
        ("  without under-3 (province)", province, additive),
    ):
        median, times, values = timed(
            lambda unit=unit, chosen=chosen: evaluate(chosen, Scope(org_unit=unit), period), runs
        )
        count, slowest = queries_of(lambda unit=unit, chosen=chosen: evaluate(chosen, Scope(org_unit=unit), period))
        m[label] = {
            "ms": median,
            "runs": times,
            "queries": count,
            "slowest": slowest,
            "values": {v.code: v.value for v in values},
        }
        print(f"  {label}: {median:.0f} ms, {count} queries", flush=True)
    out["indicator_codes"] = codes
    out["measurements"] = m


def reuse(kept: Path, out: dict[str, Any]) -> tuple[Tree, dict[str, Any]]:
    """The tree and users of a database built earlier with ``--keep``, and that build's figures."""
    from django.db import transaction

    from shanhai.accounts.models import User
    from shanhai.core.models import HospitalGrade

    out.update(json.loads(kept.read_text()))
    t = tree(HospitalGrade.objects.get(code="2A").pk)
    with transaction.atomic():
        make_users(t)  # the users a build made before a user was added lack it
    users = {user.username: user for user in User.objects.filter(username__startswith="bench-")}
    return t, users


def worker_main(size: int, seed: int, runs: int, period_code: str, result: Path) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shanhai.project.settings")
    os.environ.setdefault("SHANHAI_PLAIN_STATIC", "1")
    import django

    django.setup()
    import importlib

    from django.core.management import call_command
    from django.db import connection
    from django.urls import get_resolver

    # The product's modules as they are at the start (every view through the URLs too): a 1M build runs for
    # hours, and a module first imported then would come from the checkout as it is by then.
    get_resolver().url_patterns  # noqa: B018
    for module in ("analytics.engine", "analytics.facts", "maternal.selectors", "maternal.services"):
        importlib.import_module(f"shanhai.{module}")

    out: dict[str, Any] = {"vendor": connection.vendor}
    kept = Path(os.environ["SHANHAI_VAR_DIR"]) / "bench-mch-build.json"
    if os.environ.get("BENCH_MCH_REUSE"):
        started = time.perf_counter()
        call_command("migrate", verbosity=0)  # indexes added since the build
        migrated = time.perf_counter() - started
        t, users = reuse(kept, out)
        out["reuse_migrate_s"] = migrated
        print(f"  reusing the database built {out['built_at']} ({out['size']:,} pregnancies)", flush=True)
        print(f"  pending migrations applied in {migrated:.1f} s", flush=True)
        if os.environ.get("BENCH_MCH_REFRESH"):
            print("  refreshing the derived fields and the facts …", flush=True)
            steps: dict[str, float] = {}
            rows: dict[str, int] = {}
            refresh(steps, rows)
            out["reuse_refresh"] = {"steps": steps, "rows": rows}
        elif os.environ.get("BENCH_MCH_REBUILD_FACTS"):
            from django.db import transaction

            from shanhai.analytics import facts

            started = time.perf_counter()
            with transaction.atomic():
                count = facts.rebuild()
            out["reuse_facts_s"], out["reuse_facts_rows"] = time.perf_counter() - started, count
            print(f"  facts.rebuild: {count:,} facts in {out['reuse_facts_s']:.1f} s", flush=True)
    else:
        started = time.perf_counter()
        call_command("migrate", verbosity=0)
        out["migrate_s"] = time.perf_counter() - started
        t, users = build(size, seed, out)
        out["size"], out["built_at"] = size, datetime.now().isoformat(timespec="minutes")
        kept.write_text(json.dumps(out, default=str))
        print(f"  built in {out['build_s']:.0f} s; peak memory {out['peak_mib_build']:.0f} MiB", flush=True)
    measure(t, users, runs, period_code, out)
    out["peak_mib"] = max(out["peak_mib_build"], peak_mib())
    result.write_text(json.dumps(out, default=str))


# --- the driver ------------------------------------------------------------------------------------------------------
def _pg_admin(sql: str) -> None:
    import psycopg

    with psycopg.connect(f"{PGURL}/postgres", autocommit=True) as con:
        con.execute(sql)


def last_mch_year(today: date) -> str:
    """The last MCH year (1 Oct – 30 Sep) that ended before today, as a period code (``2024Oct``)."""
    year = today.year - 1 if today >= date(today.year, 10, 1) else today.year - 2
    return f"{year}Oct"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", type=int, default=DEFAULTS["size"], help="pregnancies (default 200,000)")
    parser.add_argument("--db", choices=["both", "sqlite", "postgres"], default=DEFAULTS["db"])
    parser.add_argument("--runs", type=int, default=DEFAULTS["runs"])
    parser.add_argument("--seed", type=int, default=2025)
    parser.add_argument("--period", default="", help="MCH period for the indicators (default: the last whole MCH year)")
    parser.add_argument("--save", type=Path, default=None, help="write every measurement to this JSON file")
    parser.add_argument("--keep", type=Path, default=None, help="keep the SQLite file here and the PostgreSQL database")
    parser.add_argument(
        "--reuse",
        type=Path,
        default=None,
        help="measure again on the databases an earlier --keep run left here (no build; its build figures are shown)",
    )
    parser.add_argument(
        "--rebuild-facts",
        action="store_true",
        help="with --reuse: run facts.rebuild() first (metrics added since the build), timed apart",
    )
    parser.add_argument(
        "--refresh",
        action="store_true",
        help="with --reuse: run pregnancies_refresh, children_refresh, due_refresh (if the product has it), "
        "facts.rebuild() and, on PostgreSQL, VACUUM ANALYZE first (a change of the derivations), each timed",
    )
    parser.add_argument("--worker", default="", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    period = args.period or last_mch_year(date.today())
    if args.worker:
        worker_main(args.size, args.seed, args.runs, period, Path(args.worker))
        return 0
    given = {
        "SIZE": (args.size, DEFAULTS["size"]),
        "DB": (args.db, DEFAULTS["db"]),
        "RUNS": (args.runs, DEFAULTS["runs"]),
    }
    command = "make bench-mch " + " ".join(f"{k}={v}" for k, (v, d) in given.items() if v != d)
    raw = shlex.join(sys.argv[1:] if argv is None else argv)
    if args.keep or args.reuse or args.save:
        command = f"python bench/mch.py {raw}"
    print(f"$ {command.strip()}   (python bench/mch.py {raw})")
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())} (2 cores; other work skews timings)")
    results: dict[str, dict[str, Any]] = {}
    with tempfile.TemporaryDirectory(prefix="shanhai-bench-mch-") as tmp:
        for vendor in ("sqlite", "postgresql"):
            if args.db not in ("both", vendor.removesuffix("ql")):
                continue
            var = (args.reuse or args.keep or Path(tmp)) / f"var-{vendor}"
            var.mkdir(parents=True, exist_ok=True)
            env = {"SHANHAI_VAR_DIR": str(var), "SHANHAI_PLAIN_STATIC": "1"}
            if args.reuse:
                env["BENCH_MCH_REUSE"] = "1"
                if args.rebuild_facts:
                    env["BENCH_MCH_REBUILD_FACTS"] = "1"
                if args.refresh:
                    env["BENCH_MCH_REFRESH"] = "1"
                database = var / "bench-mch.sqlite3"
                env["DATABASE_URL"] = f"sqlite:///{database}" if vendor == "sqlite" else f"{PGURL}/{PG_DB}"
            elif vendor == "sqlite":
                database = var / "bench-mch.sqlite3"
                for suffix in ("", "-wal", "-shm"):
                    Path(f"{database}{suffix}").unlink(missing_ok=True)
                env["DATABASE_URL"] = f"sqlite:///{database}"
            else:
                _pg_admin(f"DROP DATABASE IF EXISTS {PG_DB}")
                _pg_admin(f"CREATE DATABASE {PG_DB}")
                env["DATABASE_URL"] = f"{PGURL}/{PG_DB}"
            print(f"{vendor}: {'measuring again' if args.reuse else f'{args.size:,} pregnancies'} …", flush=True)
            result = Path(tmp) / f"mch-{vendor}.json"
            started = time.perf_counter()
            try:
                subprocess.run(
                    [
                        sys.executable,
                        str(Path(__file__).resolve()),
                        "--worker",
                        str(result),
                        "--size",
                        str(args.size),
                        "--seed",
                        str(args.seed),
                        "--runs",
                        str(args.runs),
                        "--period",
                        period,
                    ],
                    check=True,
                    env={**os.environ, **env},
                    cwd=ROOT,
                )
            finally:
                if vendor == "postgresql" and args.keep is None and args.reuse is None:
                    _pg_admin(f"DROP DATABASE IF EXISTS {PG_DB}")
            results[vendor] = json.loads(result.read_text())
            results[vendor]["wall_s"] = time.perf_counter() - started
    if args.save:
        args.save.write_text(json.dumps({"size": args.size, "period": period, **results}, default=str))
    print(report(command.strip(), args, period, results))
    return 0


def report(command: str, args: Any, period: str, results: dict[str, dict[str, Any]]) -> str:
    vendors = list(results)
    head = "| | " + " | ".join(vendors) + " |"
    rule = "|---|" + "---|" * len(vendors)
    lines = [
        f"Shanhai MCH bench: {results[vendors[0]].get('size', args.size):,} pregnancies in 1 province × 10 × 10 × 10 townships; median of {args.runs} "
        f"runs after a warm-up; indicators for {period}",
        f"command: {command}",
        "",
        "Build (seconds; rows)",
        "",
        head,
        rule,
    ]
    for step in STEPS:
        cells = []
        for v in vendors:
            r = results[v]
            count = r["rows"].get(step)
            if step not in r["steps"]:
                cells.append("—")  # a build made before the step existed, or the product has no such function
                continue
            cells.append(f"{r['steps'][step]:.1f} s" + (f" ({count:,})" if count is not None else ""))
        lines.append(f"| {step} | " + " | ".join(cells) + " |")
    lines.append(
        "| encryption of the women's 3 fields, measured apart | "
        + " | ".join(f"{results[v]['encryption_s']:.1f} s" for v in vendors)
        + " |"
    )
    lines.append("| **build total** | " + " | ".join(f"**{results[v]['build_s']:.0f} s**" for v in vendors) + " |")
    if any("reuse_facts_s" in results[v] for v in vendors):
        lines.append(
            "| --reuse: facts.rebuild() again (rows) | "
            + " | ".join(
                f"{results[v].get('reuse_facts_s', 0):.1f} s ({results[v].get('reuse_facts_rows', 0):,})"
                for v in vendors
            )
            + " |"
        )
    if any("reuse_refresh" in results[v] for v in vendors):
        names = list(next(results[v]["reuse_refresh"]["steps"] for v in vendors if "reuse_refresh" in results[v]))
        for name in names:
            cells = []
            for v in vendors:
                again = results[v].get("reuse_refresh", {"steps": {}, "rows": {}})
                count = again["rows"].get(name)
                seconds = again["steps"].get(name)
                cells.append(
                    "—" if seconds is None else f"{seconds:.1f} s" + (f" ({count:,})" if count is not None else "")
                )
            lines.append(f"| --reuse --refresh: {name} | " + " | ".join(cells) + " |")
    if any("reuse_migrate_s" in results[v] for v in vendors):
        lines.append(
            "| --reuse: pending migrations | "
            + " | ".join(f"{results[v].get('reuse_migrate_s', 0):.1f} s" for v in vendors)
            + " |"
        )
    lines.append(
        "| peak memory: after inserts / after refresh / build | "
        + " | ".join(
            f"{results[v]['peak_mib_after_insert']:.0f} / {results[v]['peak_mib_after_refresh']:.0f} / "
            f"{results[v]['peak_mib_build']:.0f} MiB"
            for v in vendors
        )
        + " |"
    )
    lines += ["", "Reads (median ms; queries)", "", head, rule]
    for label in results[vendors[0]]["measurements"]:
        cells = []
        for v in vendors:
            m = results[v]["measurements"][label]
            extra = (
                f", {m['total']:,} items" if "total" in m else f", {m['bytes'] / 1024:.0f} KiB" if "bytes" in m else ""
            )
            cells.append(f"{m['ms']:.0f} ms ({m['queries']} q{extra})")
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    lines.append(
        "| worklist memory: Python peak of the county selector (tracemalloc) / process RSS before → peak of the page | "
        + " | ".join(
            f"{results[v]['worklist_traced_mib']:.1f} MiB / {results[v]['worklist_page_rss_before_mib']:.0f} → "
            f"{results[v]['worklist_page_peak_mib']:.0f} MiB"
            for v in vendors
        )
        + " |"
    )
    first = results[vendors[0]]["measurements"]
    lines += [
        "",
        "Worklist items of the county user: "
        + ", ".join(f"{k} {n:,}" for k, n in first["worklist county"]["items"].items()),
    ]
    values = first["indicators province"]["values"]
    lines.append(
        "Province values: "
        + ", ".join(f"{k.removeprefix('mch.')} {'—' if v is None else v}" for k, v in values.items())
    )
    for v in vendors:
        lines.append(
            f"{v}: process wall time {results[v]['wall_s']:.0f} s, peak memory {results[v]['peak_mib']:.0f} MiB"
        )
    lines.append(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    return "\n".join(lines)


if __name__ == "__main__":
    raise SystemExit(main())
