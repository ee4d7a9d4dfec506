"""Demo workforce records (issue 3): postings with monthly work logs, batches, visiting trips and
placements for scenarios S2, S3 and S5, created through the workforce services.

Deterministic from ``builder.rng``. The scenario totals are exact for any seed (work-log counts are
split by seeded weights that always add up to the target), so the constants below hold.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from shanhai.core import clock
from shanhai.core.models import OrgUnit
from shanhai.core.periods import month_of, months_between
from shanhai.demo.builder import DemoBuilder
from shanhai.demo.people import StaffMaker
from shanhai.demo.scenarios import (
    S2_DEPARTMENTS,
    S2_PROGRAMME,
    S3_ENDED,
    S3_PAIRS,
    S3_PROGRAMME,
    S3_STARTED,
    S5_BEIJING_YUSHU,
    S5_PROGRAMME_BEIJING,
)
from shanhai.partnerships.models import Mode, Partnership, Programme
from shanhai.workforce.models import Gender, Person, PlacementKind, Posting, PostingTerm, PostType
from shanhai.workforce.services import (
    add_months_to,
    batch_create,
    placement_create,
    posting_create,
    posting_log_create,
    visiting_trip_create,
)

#: S2 · Liaocheng → Gangcha since 2013 (period 201301..the current month).
S2_FIRST_MONTH = 201301
S2_EXPECTED = {"experts_dispatched": 97, "staff_placed": 34}
#: S3 · Fujian's 8th batch in Changji, 2020-05..2023-05 (the sources say 130+, 120,000+ and 7,000+).
S3_PERIOD = "202005..202305"
S3_EXPECTED = {
    "experts_dispatched": 133,
    "expert_patient_visits": 121_000,
    "expert_operations": 7_100,
    "visiting_trips": 14,
    "visiting_experts": 121,
    "staff_placed": 150,
    "expert_batches": 1,
}
S3_MINIMUMS = {"experts_dispatched": 130, "expert_patient_visits": 120_000, "expert_operations": 7_000}
#: S5 · Beijing → Yushu since 2016: 8 batches, 131 experts (period 201608..the current month).
S5_FIRST_MONTH = 201608
S5_EXPECTED = {"experts_dispatched": 131, "expert_batches": 8}


def s2_period() -> str:
    return f"{S2_FIRST_MONTH}..{month_of(clock.today())}"


def s5_period() -> str:
    return f"{S5_FIRST_MONTH}..{month_of(clock.today())}"


CN_NUMBERS = ("一", "二", "三", "四", "五", "六", "七", "八", "九", "十")
#: Departments of dispatched experts and whether they operate.
SURGICAL = {"04", "05", "10", "11", "12"}
S3_DEPARTMENTS = ("03", "04", "04", "05", "07", "20", "26", "28", "32", "19", "10", "21", "50", "69", "04", "05", "03")
SENIOR_TITLES = ("231", "232", "232", "232", "233")
NURSE_TITLES = ("N1", "N2", "N2", "N3")
AFTER_RETURN = (
    "回院后牵头开展腹腔镜胆囊切除术，带教科室年轻医师。",
    "回院后推广危重孕产妇早期识别与快速反应流程。",
    "回院后开展无痛胃肠镜检查，填补科室技术空白。",
    "回院后负责科室质控，建立疑难病例讨论制度。",
    "回院后开展床旁超声与规范化影像报告。",
    "回院后在科室推行加速康复外科（ERAS）路径。",
    "回院后组建院内急救培训小组，开展心肺复苏培训。",
    "回院后参与胸痛中心、卒中中心建设。",
)
TRIP_PURPOSES = (
    "心血管内科巡诊、教学查房与疑难病例讨论",
    "普外科手术示教与围手术期管理培训",
    "妇产科危重孕产妇救治演练与产科质控",
    "儿科常见病规范诊疗巡讲与义诊",
    "医学影像诊断培训与远程会诊平台对接",
    "急诊急救技能培训与胸痛中心建设指导",
    "中医适宜技术推广与名中医义诊",
    "护理管理与专科护士带教",
    "重症医学科建设评估与查房",
    "县域医共体慢病管理下沉指导",
)


class _People:
    """New staff for the records: names and phones in the style of ``demo/people.py``."""

    def __init__(self, builder: DemoBuilder) -> None:
        self.builder = builder
        self.rng = builder.rng
        self.maker = StaffMaker(builder)

    def make(self, unit: OrgUnit, department: str | None, title: str) -> Person:
        female = (department or "").startswith(("05", "06", "69")) or self.rng.random() < 0.4
        gender = Gender.FEMALE if female else Gender.MALE
        return self.maker.person(unit, gender=gender, department=department, title=title)

    def expert(self, unit: OrgUnit, department: str | None, titles: tuple[str, ...] = SENIOR_TITLES) -> Person:
        return self.make(unit, department, self.rng.choice(NURSE_TITLES if department == "69" else titles))


def _split(total: int, weights: list[float]) -> list[int]:
    """Integers proportional to ``weights`` that add up to ``total`` exactly."""
    whole = sum(weights)
    shares = [int(total * w / whole) for w in weights]
    remainder = total - sum(shares)
    order = sorted(range(len(weights)), key=lambda i: -weights[i])
    for index in order[:remainder]:
        shares[index] += 1
    return shares


def _day(rng: Any, first: date, last: date) -> date:
    return first + timedelta(days=rng.randrange((last - first).days + 1))


def _partnership(programme: Programme, supporter: OrgUnit, recipient: OrgUnit, **filters: Any) -> Partnership:
    return Partnership.objects.get(programme=programme, supporter=supporter, recipient=recipient, **filters)


# --- S2 · Liaocheng → Gangcha ----------------------------------------------------------------------------
def _build_s2(builder: DemoBuilder, people: _People) -> None:
    b, rng = builder, builder.rng
    programme = b.programmes[S2_PROGRAMME]
    host = b.unit("刚察县人民医院")
    counterpart = _partnership(programme, b.unit("聊城市人民医院"), host, mode=Mode.COUNTERPART)
    by_department = {
        (supporter, code): _partnership(programme, b.unit(supporter), host, department__code=code)
        for supporter, code, _name in S2_DEPARTMENTS
    }
    # 70 clinicians in 2013–2022 (7 a year) on the counterpart partnership, 27 since 2023 (9 a year) on
    # the 以院包科 department partnerships: 97 in all, one posting each.
    years = [(year, 7) for year in range(2013, 2023)] + [(year, 9) for year in (2023, 2024, 2025)]
    index = 0
    for year, count in years:
        for _n in range(count):
            supporter, code, specialty = S2_DEPARTMENTS[index % len(S2_DEPARTMENTS)]
            index += 1
            start = _day(rng, date(year, 1, 5), date(year, 9 if year == 2025 else 11, 28))
            long_term = rng.random() < 0.8
            months = rng.choice((6, 6, 12, 12, 12)) if long_term else rng.choice((1, 2, 3))
            end: date | None = add_months_to(start, months) - timedelta(days=1)
            if year == 2025 and long_term and rng.random() < 0.4:
                end = None  # still on post
            post = PostType.MEMBER
            if code == "69" and rng.random() < 0.5:
                post = PostType.HEAD_NURSE
            elif long_term and rng.random() < 0.3:
                post = PostType.DEPARTMENT_HEAD
            partnership = counterpart if year < 2023 else by_department[(supporter, code)]
            posting_create(
                actor=b.actor,
                # A posted expert comes from the partnership's supporting hospital (services check it).
                person=people.expert(partnership.supporter, code),
                partnership=partnership,
                host=host,
                department=b.department(code),
                post=post,
                term=PostingTerm.LONG if long_term else PostingTerm.SHORT,
                started_on=start,
                ended_on=end,
                note=f"{specialty}驻点帮扶",
            )
            b.counts["postings"] += 1
    # 34 Gangcha clinicians placed (挂职) in Liaocheng since 2014.
    for n in range(34):
        year = 2014 + n * 12 // 34
        start = _day(rng, date(year, 2, 1), date(year, 10, 31))
        anorectal = year >= 2023 and n % 4 == 0
        partnership = by_department[("聊城市中医医院", "04")] if anorectal else counterpart
        department = "04" if anorectal else rng.choice(("03", "04", "05", "20", "32", "69"))
        placement_create(
            actor=b.actor,
            person=people.make(host, department, rng.choice(("233", "233", "234", "N3", "N4"))),
            partnership=partnership,
            host=partnership.supporter,
            department=b.department(department),
            kind=PlacementKind.ATTACHMENT,
            started_on=start,
            ended_on=add_months_to(start, rng.choice((3, 6, 6, 12))) - timedelta(days=1),
            after_return=rng.choice(AFTER_RETURN),
            new_post=PostType.DEPARTMENT_HEAD if rng.random() < 0.2 else "",
        )
        b.counts["placements"] += 1


# --- S3 · Fujian → Changji, 8th batch ----------------------------------------------------------------------
#: Postings per pair (in the order of ``S3_PAIRS``): 133 in all.
S3_POSTINGS_PER_PAIR = (16, 14, 14, 12, 10, 12, 10, 10, 9, 8, 9, 9)
#: Placements per pair: 150 in all.
S3_PLACEMENTS_PER_PAIR = (13, 13, 13, 13, 13, 13, 12, 12, 12, 12, 12, 12)
#: Unique visiting experts per trip: 121 in all, 14 trips.
S3_TRIP_SIZES = (9, 9, 9, 9, 9, 9, 9, 9, 9, 8, 8, 8, 8, 8)
S3_ROTATIONS = (date(2020, 5, 20), date(2021, 6, 1), date(2022, 5, 15))


def _build_s3(builder: DemoBuilder, people: _People) -> None:
    b, rng = builder, builder.rng
    programme = b.programmes[S3_PROGRAMME]
    batch = batch_create(
        actor=b.actor,
        programme=programme,
        number=8,
        name="福建省第八批援疆医疗队",
        started_on=S3_STARTED,
        ended_on=S3_ENDED,
    )
    b.counts["batches"] += 1
    pairs = [
        (b.unit(supporter), b.unit(recipient), _partnership(programme, b.unit(supporter), b.unit(recipient)))
        for supporter, recipient in S3_PAIRS
    ]
    # Postings: one cadre (副院长) per pair for the whole three years, then experts in rotations.
    plans: list[tuple[Posting, float, float]] = []  # posting, patient weight, operation weight
    for (supporter, recipient, partnership), count in zip(pairs, S3_POSTINGS_PER_PAIR, strict=True):
        for n in range(count):
            if n == 0:
                department, post, term = "03", PostType.VICE_PRESIDENT, PostingTerm.LONG
                start, end = date(2020, 5, 20), date(2023, 5, 19)
            else:
                department = rng.choice(S3_DEPARTMENTS)
                term = PostingTerm.SHORT if rng.random() < 0.18 else PostingTerm.LONG
                if term == PostingTerm.SHORT:
                    start = _day(rng, date(2020, 6, 1), date(2022, 12, 31))
                    end = add_months_to(start, 3) - timedelta(days=1)
                else:
                    start = rng.choice(S3_ROTATIONS)
                    months = 12 if start == S3_ROTATIONS[-1] else rng.choice((12, 18))
                    end = add_months_to(start, months) - timedelta(days=1)
                if department == "69":
                    post = PostType.HEAD_NURSE if rng.random() < 0.3 else PostType.MEMBER
                else:
                    post = PostType.DEPARTMENT_HEAD if rng.random() < 0.25 else PostType.MEMBER
            posting = posting_create(
                actor=b.actor,
                person=people.expert(supporter, department, ("231", "232") if n == 0 else SENIOR_TITLES),
                partnership=partnership,
                batch=batch,
                host=recipient,
                department=b.department(department),
                post=post,
                term=term,
                started_on=start,
                ended_on=end,
                note="福建省第八批医疗人才援疆" + ("（管理干部）" if n == 0 else ""),
            )
            b.counts["postings"] += 1
            patients = 0.3 if n == 0 else 0.5 if department == "69" else 1.0
            operations = 1.0 if department in SURGICAL and n else 0.0
            plans.append((posting, patients, operations))
    _s3_logs(builder, plans)
    _s3_trips(builder, people, pairs)
    for (supporter, recipient, partnership), count in zip(pairs, S3_PLACEMENTS_PER_PAIR, strict=True):
        for _n in range(count):
            department = rng.choice(S3_DEPARTMENTS)
            start = _day(rng, date(2020, 6, 1), date(2022, 11, 30))
            placement_create(
                actor=b.actor,
                person=people.make(recipient, department, rng.choice(("233", "233", "234", "N3", "N4", "T3"))),
                partnership=partnership,
                host=supporter,
                department=b.department(department),
                kind=PlacementKind.STUDY,
                started_on=start,
                ended_on=add_months_to(start, rng.choice((3, 6, 6))) - timedelta(days=1),
                after_return=rng.choice(AFTER_RETURN),
                new_post=PostType.HEAD_NURSE if department == "69" and rng.random() < 0.2 else "",
            )
            b.counts["placements"] += 1


def _s3_logs(builder: DemoBuilder, plans: list[tuple[Posting, float, float]]) -> None:
    """One work-log row per posting-month; totals exactly as in ``S3_EXPECTED``."""
    rng = builder.rng
    rows: list[tuple[Posting, int, float, float]] = []
    for posting, patient_weight, operation_weight in plans:
        assert posting.ended_on is not None
        for month in months_between(month_of(posting.started_on), month_of(posting.ended_on)):
            rows.append(
                (posting, month, patient_weight * rng.uniform(0.7, 1.3), operation_weight * rng.uniform(0.5, 1.5))
            )
    patients = _split(S3_EXPECTED["expert_patient_visits"], [r[2] for r in rows])
    operations = _split(S3_EXPECTED["expert_operations"], [r[3] for r in rows])
    for (posting, month, _p, _o), seen, ops in zip(rows, patients, operations, strict=True):
        grade_4, grade_3, grade_2 = ops // 10, ops // 4, ops * 35 // 100
        posting_log_create(
            actor=builder.actor,
            posting=posting,
            month=month,
            patients=seen,
            operations_grade_1=ops - grade_4 - grade_3 - grade_2,
            operations_grade_2=grade_2,
            operations_grade_3=grade_3,
            operations_grade_4=grade_4,
            teaching_sessions=rng.randint(1, 6),
            consultations=rng.randint(2, 20),
        )
        builder.counts["posting_logs"] += 1


def _s3_trips(builder: DemoBuilder, people: _People, pairs: list[tuple[OrgUnit, OrgUnit, Partnership]]) -> None:
    """14 trips with 121 distinct experts; the two pairs visited twice bring back two experts each."""
    b, rng = builder, builder.rng
    teams: list[list[Person]] = []
    for index, size in enumerate(S3_TRIP_SIZES):
        supporter, recipient, partnership = pairs[index % len(pairs)]
        team = [people.expert(supporter, rng.choice(S3_DEPARTMENTS), ("231", "232")) for _n in range(size)]
        if index >= len(pairs):
            team += teams[index - len(pairs)][:2]
        teams.append(team)
        start = _day(rng, date(2020, 7, 1), date(2023, 4, 30))
        visiting_trip_create(
            actor=b.actor,
            partnership=partnership,
            host=recipient,
            started_on=start,
            ended_on=start + timedelta(days=rng.randint(3, 7)),
            experts=team,
            purpose=f"{supporter.name}专家团队赴{recipient.name}：{rng.choice(TRIP_PURPOSES)}",
        )
        b.counts["visiting_trips"] += 1


# --- S5 · Beijing → Yushu ---------------------------------------------------------------------------------
def _build_s5(builder: DemoBuilder, people: _People) -> None:
    b, rng = builder, builder.rng
    programme = b.programmes[S5_PROGRAMME_BEIJING]
    host = b.unit("玉树州人民医院")
    partnerships = [_partnership(programme, b.unit(name), host) for name in S5_BEIJING_YUSHU]
    for number in range(1, 9):
        started = date(2015 + number, 8, 1)
        ended = date(2016 + number, 7, 31)
        batch = batch_create(
            actor=b.actor,
            programme=programme,
            number=number,
            name=f"北京市第{CN_NUMBERS[number - 1]}批援玉树医疗队",
            started_on=started,
            ended_on=ended,
        )
        b.counts["batches"] += 1
        for n in range(17 if number <= 3 else 16):  # 3 × 17 + 5 × 16 = 131
            partnership = partnerships[n % len(partnerships)]
            department = "03" if n == 0 else rng.choice(S3_DEPARTMENTS)
            if n == 0 or rng.random() < 0.8:
                term, start, end = PostingTerm.LONG, started, ended
            else:
                term = PostingTerm.SHORT
                start = _day(rng, started, date(started.year + 1, 3, 31))
                end = min(ended, add_months_to(start, rng.choice((3, 4, 6))) - timedelta(days=1))
            post = PostType.VICE_PRESIDENT if n == 0 else PostType.MEMBER
            if n and term == PostingTerm.LONG and rng.random() < 0.2:
                post = PostType.HEAD_NURSE if department == "69" else PostType.DEPARTMENT_HEAD
            posting_create(
                actor=b.actor,
                person=people.expert(partnership.supporter, department),
                partnership=partnership,
                batch=batch,
                host=host,
                department=b.department(department),
                post=post,
                term=term,
                started_on=start,
                ended_on=end,
                note=f"北京市第{CN_NUMBERS[number - 1]}批援青干部人才（玉树）",
            )
            b.counts["postings"] += 1


def build_workforce_records(builder: DemoBuilder) -> None:
    """Postings, work logs, batches, visiting trips and placements of S2, S3 and S5 (after ``build_people``)."""
    people = _People(builder)
    _build_s2(builder, people)
    _build_s3(builder, people)
    _build_s5(builder, people)
