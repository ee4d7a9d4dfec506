"""Record-level demo data of capability transfer (S3 Changji, S5 Golog), through the capacity services.

Deterministic from ``builder.rng``; the scenario figures below are what the engine reports.
"""

from __future__ import annotations

from datetime import date, timedelta

from shanhai.capacity import services
from shanhai.capacity.models import GapLevel, SpecialtyKind, Technique
from shanhai.core import clock
from shanhai.core.periods import add_months, month_of
from shanhai.demo.builder import DemoBuilder
from shanhai.demo.scenarios import S3_PAIRS, S3_PROGRAMME, S5_PROGRAMME_COUNTIES, S5_PROGRAMME_PREFECTURES
from shanhai.partnerships.models import Level, Partnership
from shanhai.workforce.models import Person

# --- the figures the demo gives ----------------------------------------------------------------------
#: S3, programme scope, period 202005..202305.
S3_PERIOD = "202005..202305"
S3_NEW_DEPARTMENTS = 17
S3_TECHNIQUES = 175
#: S3 transfer status as of the end of 2024 (programme scope, period "2024"); sustained + lapsed ⊂ transferred.
S3_STATUS_PERIOD = "2024"
S3_TRANSFERRED = 150
S3_SUSTAINED = 120
S3_LAPSED = 30
#: S5 Golog (org unit 632600), period 2023.
GOLOG_CODE = "632600"
GOLOG_PERIOD = "2023"
GOLOG_TECHNIQUES = 72
GOLOG_GRADE_3_4_SHARE_ABOVE = 50.0
GOLOG_OPERATIONS_GROWTH = 45.2  # operations_growth_on_previous_year, 2023 on 2022
GOLOG_STUDIOS = 3

#: (department code, technique, surgical grade).
TECHNIQUE_CATALOGUE: tuple[tuple[str, str, str], ...] = (
    ("04", "腹腔镜胆囊切除术", "3"),
    ("04", "腹腔镜阑尾切除术", "2"),
    ("04", "腹腔镜疝修补术", "3"),
    ("04", "腹腔镜结直肠癌根治术", "4"),
    ("04", "经皮肝穿刺胆道引流术", "3"),
    ("04", "甲状腺癌根治术", "3"),
    ("04", "乳腺癌改良根治术", "3"),
    ("04", "经尿道前列腺电切术", "3"),
    ("04", "输尿管软镜碎石术", "3"),
    ("04", "经皮肾镜取石术", "4"),
    ("04", "膝关节镜下半月板成形术", "3"),
    ("04", "人工全髋关节置换术", "4"),
    ("04", "人工全膝关节置换术", "4"),
    ("04", "椎间孔镜下腰椎间盘摘除术", "4"),
    ("04", "颅内血肿微创穿刺引流术", "3"),
    ("04", "胸腔镜肺叶切除术", "4"),
    ("04", "静脉曲张射频消融术", "2"),
    ("03", "经皮冠状动脉介入治疗", "4"),
    ("03", "冠状动脉造影术", "3"),
    ("03", "永久起搏器植入术", "4"),
    ("03", "射频消融治疗阵发性室上速", "4"),
    ("03", "无痛胃肠镜检查", "non_surgical"),
    ("03", "内镜下黏膜剥离术", "4"),
    ("03", "内镜逆行胰胆管造影术", "4"),
    ("03", "经支气管镜肺活检术", "3"),
    ("03", "无创呼吸机序贯治疗", "non_surgical"),
    ("03", "连续性血液净化治疗", "non_surgical"),
    ("03", "动静脉内瘘成形术", "3"),
    ("03", "脑卒中静脉溶栓治疗", "non_surgical"),
    ("05", "宫腔镜下子宫内膜息肉切除术", "2"),
    ("05", "腹腔镜下子宫肌瘤剔除术", "3"),
    ("05", "腹腔镜下全子宫切除术", "4"),
    ("05", "新式剖宫产术", "2"),
    ("05", "阴道镜检查及宫颈活检", "non_surgical"),
    ("07", "新生儿经外周中心静脉置管", "non_surgical"),
    ("07", "新生儿呼吸机治疗", "non_surgical"),
    ("07", "小儿支气管镜检查", "non_surgical"),
    ("10", "白内障超声乳化吸除联合人工晶体植入术", "3"),
    ("10", "青光眼小梁切除术", "3"),
    ("11", "鼻内镜下鼻窦开放术", "3"),
    ("11", "支撑喉镜下声带息肉切除术", "2"),
    ("26", "超声引导下神经阻滞麻醉", "non_surgical"),
    ("26", "无痛分娩（椎管内分娩镇痛）", "non_surgical"),
    ("28", "床旁纤维支气管镜吸痰", "non_surgical"),
    ("28", "俯卧位通气治疗", "non_surgical"),
    ("32", "CT引导下经皮肺穿刺活检术", "2"),
    ("32", "冠状动脉CT血管成像", "non_surgical"),
    ("32", "磁共振弥散加权成像", "non_surgical"),
    ("32", "超声引导下甲状腺结节射频消融术", "3"),
    ("20", "急诊经皮冠脉介入绿色通道", "non_surgical"),
    ("21", "脑卒中早期康复训练", "non_surgical"),
    ("12", "根管显微治疗", "non_surgical"),
)

S3_DEPARTMENTS: tuple[tuple[str, str], ...] = (
    ("重症医学科", "28"),
    ("疼痛科", "27"),
    ("康复医学科", "21"),
    ("介入治疗科", "03"),
    ("血液净化中心", "03"),
    ("新生儿科", "07"),
    ("心血管内科二病区", "03"),
    ("神经外科", "04"),
    ("泌尿外科", "04"),
    ("胸外科", "04"),
    ("麻醉与围术期医学科", "26"),
    ("消化内镜中心", "03"),
    ("肿瘤科", "19"),
    ("眼科", "10"),
    ("病理科", "31"),
    ("老年医学科", "03"),
    ("睡眠医学中心", "03"),
)

GOLOG_STUDIO_NAMES = ("心血管介入专家工作室", "高原病诊疗专家工作室", "妇产科博士工作站")


def _day(builder: DemoBuilder, first: date, last: date) -> date:
    return first + timedelta(days=builder.rng.randint(0, (last - first).days))


def _supporter_staff(partnership: Partnership) -> list[Person]:
    return list(Person.objects.filter(institution__path__startswith=partnership.supporter.path).order_by("id")[:5])


def _technique(
    builder: DemoBuilder, partnership: Partnership, catalogue_entry: tuple[str, str, str], approved_on: date, gap: str
) -> Technique:
    code, name, grade = catalogue_entry
    staff = _supporter_staff(partnership)
    return services.technique_create(
        actor=builder.actor,
        name=name,
        department=builder.department(code),
        surgical_grade=grade,
        partnership=partnership,
        host=partnership.recipient,
        introducing_expert=builder.rng.choice(staff) if staff else None,
        approved_on=approved_on,
        first_case_on=approved_on + timedelta(days=builder.rng.randint(3, 25)),
        gap_level=gap,
    )


def _cases(
    builder: DemoBuilder,
    technique: Technique,
    month: int,
    *,
    expert: int = 0,
    supervised: int = 0,
    independent: int = 0,
) -> None:
    services.technique_month_create(
        actor=builder.actor,
        technique=technique,
        month=month,
        expert_cases=expert,
        supervised_cases=supervised,
        independent_cases=independent,
    )


# --- S3 · Changji ---------------------------------------------------------------------------------
def _s3_partnerships() -> list[Partnership]:
    partnerships = Partnership.objects.filter(programme__name=S3_PROGRAMME, level=Level.INSTITUTION).select_related(
        "supporter", "recipient", "programme"
    )
    by_pair = {(p.supporter.name, p.recipient.name): p for p in partnerships}
    return [by_pair[pair] for pair in S3_PAIRS]


def build_s3(builder: DemoBuilder) -> None:
    rng = builder.rng
    partnerships = _s3_partnerships()
    # 175 techniques: 7 partnerships × 15 + 5 × 14, each host's names drawn without repetition.
    counts = [15] * 7 + [14] * 5
    drawn: dict[int, list[tuple[str, str, str]]] = {}
    plan: list[tuple[Partnership, tuple[str, str, str]]] = []
    for partnership, count in zip(partnerships, counts, strict=True):
        pool = drawn.setdefault(partnership.recipient_id, rng.sample(TECHNIQUE_CATALOGUE, len(TECHNIQUE_CATALOGUE)))
        plan += [(partnership, pool.pop()) for _ in range(count)]
    # Outcomes by position: 120 sustained, 30 lapsed, 15 transferring, 10 introduced only.
    outcomes = ["sustained"] * S3_SUSTAINED + ["lapsed"] * S3_LAPSED + ["transferring"] * 15 + ["introduced"] * 10
    rng.shuffle(outcomes)
    gaps = [GapLevel.COUNTY] * 40 + [GapLevel.PREFECTURE] * 25 + [GapLevel.REGION] * 8 + [GapLevel.PROVINCE] * 2
    gaps += [GapLevel.NONE] * (S3_TECHNIQUES - len(gaps))
    rng.shuffle(gaps)
    for (partnership, entry), outcome, gap in zip(plan, outcomes, gaps, strict=True):
        latest = date(2022, 12, 31) if outcome in {"sustained", "lapsed"} else date(2023, 3, 31)
        approved_on = _day(builder, date(2020, 6, 1), latest)
        technique = _technique(builder, partnership, entry, approved_on, gap)
        start = month_of(approved_on)
        _cases(builder, technique, start, expert=rng.randint(1, 4))
        if outcome == "introduced":
            continue
        _cases(builder, technique, add_months(start, 2), expert=rng.randint(0, 2), supervised=rng.randint(1, 4))
        if outcome == "transferring":
            continue
        _cases(builder, technique, add_months(start, 4), supervised=rng.randint(0, 2), independent=rng.randint(1, 5))
        if outcome == "sustained":  # the recipient keeps reporting after the batch went home
            _cases(builder, technique, 202312, independent=rng.randint(2, 8))
            _cases(builder, technique, 202410, independent=rng.randint(2, 8))
            # ... and on to last month, so "sustained" holds today too (no draws from rng: the rest of the
            # demo must not depend on the day it is loaded).
            month = add_months(202410, 6)
            while month < month_of(clock.today()):
                _cases(builder, technique, month, independent=2 + month % 5)
                month = add_months(month, 6)
    hosts = [p for p in partnerships]
    for index, (name, code) in enumerate(S3_DEPARTMENTS):
        partnership = hosts[index % len(hosts)]
        services.specialty_create(
            actor=builder.actor,
            name=name,
            kind=SpecialtyKind.NEW_DEPARTMENT,
            established_on=_day(builder, date(2020, 7, 1), date(2023, 4, 30)),
            partnership=partnership,
            host=partnership.recipient,
            department=builder.department(code),
        )
    builder.counts["techniques"] += S3_TECHNIQUES
    builder.counts["specialties"] += S3_NEW_DEPARTMENTS


# --- S5 · Golog --------------------------------------------------------------------------------------
GOLOG_PREFECTURE_HOSPITAL = "果洛州人民医院"
GOLOG_COUNTY_HOSPITALS = (
    "玛沁县人民医院",
    "班玛县人民医院",
    "甘德县人民医院",
    "达日县人民医院",
    "久治县人民医院",
    "玛多县人民医院",
)
#: Monthly operations of 2022 per institution (before the group-style teams arrived in force).
GOLOG_BASE_OPERATIONS = {
    GOLOG_PREFECTURE_HOSPITAL: 190,
    "玛沁县人民医院": 60,
    "班玛县人民医院": 28,
    "甘德县人民医院": 24,
    "达日县人民医院": 26,
    "久治县人民医院": 22,
    "玛多县人民医院": 18,
}
SHARE_2022 = (0.26, 0.35, 0.29, 0.10)
SHARE_2023 = (0.17, 0.30, 0.35, 0.18)


def _split(total: int, shares: tuple[float, float, float, float]) -> tuple[int, int, int, int]:
    g1, g2, g3 = (round(total * s) for s in shares[:3])
    return g1, g2, g3, total - g1 - g2 - g3


def build_golog_workload(builder: DemoBuilder) -> None:
    rng = builder.rng
    names = list(GOLOG_BASE_OPERATIONS)
    plan: dict[tuple[str, int], int] = {}
    for name in names:
        for month in range(1, 13):
            plan[(name, 202200 + month)] = round(GOLOG_BASE_OPERATIONS[name] * rng.uniform(0.85, 1.15))
            plan[(name, 202300 + month)] = round(GOLOG_BASE_OPERATIONS[name] * 1.452 * rng.uniform(0.88, 1.12))
    total_2022 = sum(v for (_n, m), v in plan.items() if m < 202300)
    total_2023 = sum(v for (_n, m), v in plan.items() if m > 202300)
    plan[(GOLOG_PREFECTURE_HOSPITAL, 202312)] += round(total_2022 * (1 + GOLOG_OPERATIONS_GROWTH / 100)) - total_2023
    for (name, month), operations in sorted(plan.items()):
        base = GOLOG_BASE_OPERATIONS[name]
        later = month > 202300
        g1, g2, g3, g4 = _split(operations, SHARE_2023 if later else SHARE_2022)
        report = services.workload_report_create(
            actor=builder.actor,
            institution=builder.unit(name),
            month=month,
            outpatient_visits=round(base * 26 * rng.uniform(0.9, 1.1) * (1.15 if later else 1)),
            emergency_visits=round(base * 3 * rng.uniform(0.8, 1.2)),
            discharges=round(base * 1.6 * rng.uniform(0.9, 1.1) * (1.2 if later else 1)),
            operations_grade_1=g1,
            operations_grade_2=g2,
            operations_grade_3=g3,
            operations_grade_4=g4,
            # 玛多 did not count referrals out of the county in 2022: not reported, not zero.
            referrals_out=None
            if (name == "玛多县人民医院" and not later)
            else round(base * 0.4 * rng.uniform(0.8, 1.2) * (0.7 if later else 1)),
        )
        services.workload_report_approve(actor=builder.actor, record=report)
    builder.counts["workload_reports"] += len(plan)


def build_golog_techniques(builder: DemoBuilder) -> None:
    rng = builder.rng
    county = list(
        Partnership.objects.filter(programme__name=S5_PROGRAMME_COUNTIES, recipient__name__in=GOLOG_COUNTY_HOSPITALS)
        .select_related("supporter", "recipient", "programme")
        .order_by("recipient__code", "id")
    )
    prefecture = list(
        Partnership.objects.filter(programme__name=S5_PROGRAMME_PREFECTURES, recipient__name=GOLOG_PREFECTURE_HOSPITAL)
        .select_related("supporter", "recipient", "programme")
        .order_by("id")
    )
    # 42 at the county hospitals (13 partnerships) and 30 at the prefecture hospital (10 partnerships).
    plan = [(p, date(2023, 1, 1)) for p in county for _ in range(3)] + [(county[0], date(2023, 1, 1))] * 3
    plan += [(p, date(2023, 7, 1)) for p in prefecture for _ in range(3)]
    pools: dict[int, list[tuple[str, str, str]]] = {}
    for partnership, earliest in plan:
        pool = pools.setdefault(partnership.recipient_id, rng.sample(TECHNIQUE_CATALOGUE, len(TECHNIQUE_CATALOGUE)))
        approved_on = _day(builder, earliest, date(2023, 11, 30))
        gap = rng.choice([GapLevel.COUNTY, GapLevel.COUNTY, GapLevel.PREFECTURE, GapLevel.NONE])
        technique = _technique(builder, partnership, pool.pop(), approved_on, gap)
        start = month_of(approved_on)
        _cases(builder, technique, start, expert=rng.randint(1, 3), supervised=rng.randint(0, 2))
        if rng.random() < 0.6:
            _cases(
                builder, technique, add_months(start, 1), supervised=rng.randint(1, 3), independent=rng.randint(0, 2)
            )
    for index, name in enumerate(GOLOG_STUDIO_NAMES):
        partnership = prefecture[index]
        staff = _supporter_staff(partnership)
        services.specialty_create(
            actor=builder.actor,
            name=name,
            kind=SpecialtyKind.WORKSTATION if "博士" in name else SpecialtyKind.EXPERT_STUDIO,
            established_on=date(2023, 9 + index, 15),
            partnership=partnership,
            host=partnership.recipient,
            lead_expert=staff[0] if staff else None,
        )
    builder.counts["techniques"] += len(plan)
    builder.counts["specialties"] += len(GOLOG_STUDIO_NAMES)


def build_capacity_records(builder: DemoBuilder) -> None:
    """New techniques and departments of S3 and S5 Golog, and Golog's monthly workload reports."""
    build_s3(builder)
    build_golog_techniques(builder)
    build_golog_workload(builder)
