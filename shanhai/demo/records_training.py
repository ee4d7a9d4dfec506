"""Demo training records (courses, counted groups, mentorships) for scenarios S1, S3, S4 and S5.

Everything goes through the training services; names come from the builder's seeded RNG, so the
same seed gives the same records. Call :func:`build_training_records` after ``build_people``.
The figures each scenario must show are the constants below (asserted by
``tests/training/test_demo_training.py``).
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from shanhai.core.models import OrgUnit, OrgUnitKind
from shanhai.demo.builder import DemoBuilder
from shanhai.demo.people import StaffMaker
from shanhai.demo.scenarios import (
    BAOJI_COUNTIES,
    QITAI_CAMPUS_PEOPLES,
    S1_PROGRAMME,
    S3_PAIRS,
    S3_PROGRAMME,
    S5_BEIJING_YUSHU,
    S5_PROGRAMME_BEIJING,
)
from shanhai.partnerships.models import Partnership
from shanhai.training.models import CourseKind, MilestoneKind, SessionKind
from shanhai.training.services import (
    course_create,
    course_group_create,
    course_session_create,
    mentorship_create,
    mentorship_hand_over,
    mentorship_milestone_create,
)
from shanhai.workforce.models import Gender, Person

# --- expected figures -------------------------------------------------------------------------------
S1_COURSE_TITLE = "奇台县妇幼健康服务能力提升研修班"
S1_COURSE_PERIOD = "202510"
S1_PERSON_TIMES = 16
S1_SITE_VISITS = 4
S3_COURSES = 12
S3_PERSON_TIMES = 520
S3_PERIOD = "202005..202305"
S5_BACKBONES = 101
S5_PERSON_TIMES = 3000
S5_COURSES = 30
S5_APPRENTICES_IN_TRAINING = 8
S5_PERIOD = "201608..202512"
S5_HANDOVERS = 3
S4_COURSES = 7
S4_PERSON_TIMES = 1028
S4_PERIOD = "2022"

# --- S1 · the 2025 MCH study course in Fuqing ------------------------------------------------------------
S1_TOPICS = (
    "生育政策解读",
    "高危儿规范化管理",
    "孕产妇心理评估",
    "高危孕产妇分级管理",
    "儿童保健全流程服务",
)
S1_SITES = ("福清市妇幼保健院", "福清市医院", "福清市音西街道社区卫生服务中心", "福清市龙田镇中心卫生院")
#: Where the 16 trainees work (by name as the scenarios built them) and how many from each.
S1_TRAINEES = (("奇台县妇幼保健院", 7), (QITAI_CAMPUS_PEOPLES, 3))
S1_TOWNSHIP_TRAINEES = 6


def _partnership(supporter: str, recipient: str, programme: str) -> Partnership:
    return Partnership.objects.select_related("recipient", "programme").get(
        supporter__name=supporter, recipient__name=recipient, programme__name=programme
    )


class _People:
    """New demo people (seeded names, unique mobiles), counted in the builder's summary."""

    def __init__(self, builder: DemoBuilder) -> None:
        self.builder = builder
        self.maker = StaffMaker(builder)

    def make(self, unit: OrgUnit, *, department: str, title: str, female: bool | None = None) -> Person:
        rng = self.builder.rng
        is_female = female if female is not None else rng.random() < 0.5
        gender = Gender.FEMALE if is_female else Gender.MALE
        return self.maker.person(unit, gender=gender, department=department, title=title)


def _staff(unit: OrgUnit, count: int, people: _People, *, department: str, title: str) -> list[Person]:
    """``count`` staff of ``unit``: those the demo already has, then new ones."""
    existing = list(Person.objects.filter(institution=unit).order_by("id")[:count])
    while len(existing) < count:
        existing.append(people.make(unit, department=department, title=title, female=True))
    return existing


def build_s1(builder: DemoBuilder, people: _People) -> None:
    b = builder
    partnership = _partnership("福清市妇幼保健院", "奇台县妇幼保健院", S1_PROGRAMME)
    trainees: list[Person] = []
    for name, count in S1_TRAINEES:
        trainees += _staff(b.unit(name), count, people, department="05.02", title="232")
    townships = [
        u for code, u in b.units.items() if code.startswith("H652325") and u.kind == OrgUnitKind.TOWNSHIP_HEALTH_CENTRE
    ]
    for unit in sorted(townships, key=lambda u: u.code)[:S1_TOWNSHIP_TRAINEES]:
        trainees += _staff(unit, 1, people, department="02", title="231")
    trainers = _staff(b.unit("福清市妇幼保健院"), 2, people, department="05.01", title="234")
    start = date(2025, 10, 16)
    course = course_create(
        actor=b.actor,
        title=S1_COURSE_TITLE,
        kind=CourseKind.STUDY_COURSE,
        started_on=start,
        ended_on=date(2025, 10, 21),
        place="福建省福清市",
        organiser=b.unit("福清市妇幼保健院"),
        partnership=partnership,
        recipient=b.unit("652325"),
        hours=Decimal(40),
        trainers=trainers,
        participants=trainees,
        description="闽奇妇幼结对帮扶：奇台县公立医院、妇幼保健院及乡镇卫生院妇幼骨干赴福清跟班研修6天，"
        "采取专题讲座、实操培训、交流研讨、答疑解惑和实地参观相结合的方式。",
    )
    sessions: list[tuple[int, str, str, int, str]] = [
        (0, SessionKind.LECTURE, S1_TOPICS[0], 3, "福清市妇幼保健院学术报告厅"),
        (0, SessionKind.LECTURE, S1_TOPICS[1], 3, "福清市妇幼保健院学术报告厅"),
        (1, SessionKind.LECTURE, S1_TOPICS[2], 3, "福清市妇幼保健院学术报告厅"),
        (1, SessionKind.HANDS_ON, "高危孕产妇筛查与转诊实操", 4, "福清市妇幼保健院产科"),
        (2, SessionKind.LECTURE, S1_TOPICS[3], 3, "福清市妇幼保健院学术报告厅"),
        (2, SessionKind.HANDS_ON, "新生儿复苏与高危儿随访实操", 4, "福清市妇幼保健院新生儿科"),
        (3, SessionKind.LECTURE, S1_TOPICS[4], 3, "福清市妇幼保健院学术报告厅"),
        (3, SessionKind.EXCHANGE, "闽奇两地妇幼工作交流研讨", 3, "福清市妇幼保健院会议室"),
        (4, SessionKind.QA, "妇幼业务答疑解惑", 2, "福清市妇幼保健院会议室"),
    ]
    sessions += [(4 + i // 2, SessionKind.SITE_VISIT, f"实地参观{site}", 3, site) for i, site in enumerate(S1_SITES)]
    for offset, kind, topic, hours, place in sessions:
        course_session_create(
            actor=b.actor,
            course=course,
            on=start + timedelta(days=offset),
            kind=kind,
            topic=topic,
            hours=hours,
            place=place,
        )


# --- S3 · short-term training in Fujian for Changji staff, 2020–2023 ----------------------------------------
#: (title, kind, start, days, place, person-times): one course per supporter → recipient pair of S3_PAIRS.
S3_COURSES_TABLE: tuple[tuple[str, str, date, int, str, int], ...] = (
    ("昌吉州急诊急救能力提升培训班", CourseKind.TRAINING_COURSE, date(2020, 9, 14), 5, "福州市", 48),
    ("胸痛中心建设与规范化诊疗培训班", CourseKind.TRAINING_COURSE, date(2020, 11, 9), 5, "福州市", 42),
    ("重症医学科护理骨干研修班", CourseKind.STUDY_COURSE, date(2021, 3, 22), 10, "福州市", 36),
    ("中医适宜技术推广培训班", CourseKind.TRAINING_COURSE, date(2021, 5, 17), 5, "福州市", 55),
    ("危重孕产妇救治与产科质量管理培训班", CourseKind.TRAINING_COURSE, date(2021, 7, 12), 5, "福州市", 46),
    ("县级医院管理干部研修班", CourseKind.STUDY_COURSE, date(2021, 10, 18), 7, "福州市", 40),
    ("三明医改经验与医保支付方式改革培训班", CourseKind.TRAINING_COURSE, date(2022, 4, 11), 4, "泉州市", 52),
    ("基层医院腔镜外科技术培训班", CourseKind.SURGICAL_DEMO, date(2022, 6, 20), 5, "莆田市", 38),
    ("医学影像诊断能力提升培训班", CourseKind.TRAINING_COURSE, date(2022, 8, 15), 5, "漳州市", 44),
    ("县域医共体信息化与健康云平台培训班", CourseKind.TRAINING_COURSE, date(2022, 11, 7), 4, "福清市", 41),
    ("医院感染防控骨干研修班", CourseKind.STUDY_COURSE, date(2023, 2, 20), 7, "厦门市", 39),
    ("慢性病规范化管理培训班", CourseKind.TRAINING_COURSE, date(2023, 4, 10), 5, "三明市", 39),
)


def build_s3(builder: DemoBuilder) -> None:
    b = builder
    changji_county_hospitals = [
        b.unit(name)
        for name in ("昌吉市人民医院", "阜康市人民医院", "呼图壁县人民医院", "玛纳斯县人民医院", "吉木萨尔县人民医院")
    ]
    for (supporter, recipient), (title, kind, start, days, place, total) in zip(
        S3_PAIRS, S3_COURSES_TABLE, strict=True
    ):
        partnership = _partnership(supporter, recipient, S3_PROGRAMME)
        course = course_create(
            actor=b.actor,
            title=title,
            kind=kind,
            started_on=start,
            ended_on=start + timedelta(days=days - 1),
            place=f"福建省{place}",
            organiser=b.unit(supporter),
            partnership=partnership,
            hours=Decimal(days * 7),
            description="福建第八批医疗人才援疆：组织昌吉州医务人员赴闽短期培训。",
        )
        # the recipient's own staff, and a share from a neighbouring county hospital
        others = [u for u in changji_county_hospitals if u.pk != partnership.recipient_id]
        guest = b.rng.choice(others)
        guests = b.rng.randint(5, 12)
        course_group_create(actor=b.actor, course=course, institution=partnership.recipient, count=total - guests)
        course_group_create(actor=b.actor, course=course, institution=guest, count=guests)


# --- S5 · Beijing → Yushu: mentorships (师带徒) and prefecture-wide training ---------------------------------------
S5_GOALS = (
    "腹腔镜胆囊切除术；腹腔镜阑尾切除术",
    "高危孕产妇识别与产后出血处置；剖宫产术",
    "新生儿窒息复苏；小儿重症肺炎诊治",
    "无痛胃肠镜检查；消化道出血内镜下止血",
    "CT、MRI常见病影像诊断",
    "椎管内麻醉与气管插管；围术期管理",
    "急性心肌梗死溶栓与胸痛中心流程",
    "高原病诊治；包虫病手术治疗",
)
#: Apprentices per mentorship (one-to-one and one-to-many): 101 complete as technical backbones.
S5_GROUP_SIZES = (
    1,
    1,
    2,
    3,
    4,
    1,
    2,
    5,
    3,
    1,
    2,
    4,
    3,
    1,
    2,
    3,
    5,
    2,
    1,
    3,
    4,
    2,
    3,
    1,
    2,
    4,
    3,
    2,
    5,
    3,
    2,
    2,
    3,
    4,
    3,
    4,
    2,
    3,
)
S5_ACTIVE_GROUP_SIZES = (2, 1, 3, 2)
S5_SUFFIXES = {
    CourseKind.TRAINING_COURSE: "培训班",
    CourseKind.LECTURE: "专题讲座",
    CourseKind.TEACHING_ROUND: "教学查房",
    CourseKind.SURGICAL_DEMO: "手术示教",
}
S5_COURSE_TOPICS = (
    "高原地区常见急危重症救治",
    "孕产妇危急重症识别与转诊",
    "儿童常见病规范化诊疗",
    "包虫病筛查与防治",
    "基层慢性病管理",
    "院感防控与护理质量",
    "藏医药适宜技术",
    "心电图判读与胸痛识别",
    "合理用药与抗菌药物管理",
    "医学影像基础诊断",
)


def build_s5(builder: DemoBuilder, people: _People) -> None:
    b = builder
    rng = b.rng
    partnerships = [_partnership(name, "玉树州人民医院", S5_PROGRAMME_BEIJING) for name in S5_BEIJING_YUSHU]
    yushu = b.unit("玉树州人民医院")
    assert sum(S5_GROUP_SIZES) == S5_BACKBONES and sum(S5_ACTIVE_GROUP_SIZES) == S5_APPRENTICES_IN_TRAINING

    def mentor_for(partnership: Partnership) -> Person:
        return people.make(partnership.supporter, department=rng.choice(("03", "04", "05", "07")), title="234")

    # completed mentorships: started 2017–2023, every apprentice signed off 14–20 months later
    for index, size in enumerate(S5_GROUP_SIZES):
        partnership = partnerships[index % len(partnerships)]
        started = date(2017 + index * 7 // len(S5_GROUP_SIZES), rng.randint(1, 12), 1)
        apprentices = [people.make(yushu, department="04", title="231") for _ in range(size)]
        mentorship = mentorship_create(
            actor=b.actor,
            mentor=mentor_for(partnership),
            partnership=partnership,
            started_on=started,
            goals=S5_GOALS[index % len(S5_GOALS)],
            apprentices=apprentices,
        )
        if index % 11 == 5:  # the mentor's posting ended: handed over to a colleague, never dropped
            mentorship_hand_over(
                actor=b.actor,
                record=mentorship,
                successor=mentor_for(partnership),
                on=started + timedelta(days=180),
                note="原导师援派期满返京，徒弟交由接任专家继续带教。",
            )
        for apprenticeship in mentorship.apprenticeships.order_by("id"):
            supervised_on = started + timedelta(days=rng.randint(150, 240))
            mentorship_milestone_create(
                actor=b.actor,
                apprenticeship=apprenticeship,
                on=supervised_on,
                kind=MilestoneKind.SUPERVISED_CASES,
                cases=rng.randint(15, 40),
                note="在导师指导下完成手术/操作",
            )
            mentorship_milestone_create(
                actor=b.actor,
                apprenticeship=apprenticeship,
                on=started + timedelta(days=rng.randint(420, 600)),
                kind=MilestoneKind.SIGN_OFF,
                note="出师考核合格，认定为技术骨干",
            )
    # mentorships still in training (2025)
    for index, size in enumerate(S5_ACTIVE_GROUP_SIZES):
        partnership = partnerships[index % len(partnerships)]
        mentorship_create(
            actor=b.actor,
            mentor=mentor_for(partnership),
            partnership=partnership,
            started_on=date(2025, 3 + index, 1),
            goals=S5_GOALS[(index + 3) % len(S5_GOALS)],
            apprentices=[people.make(yushu, department="03", title="231") for _ in range(size)],
        )

    # prefecture-wide training: 30 courses × 100 person-times, counted by institution
    prefecture = b.unit("632700")
    county_hospitals = [
        b.unit(n) for n in ("杂多县人民医院", "称多县人民医院", "治多县人民医院", "囊谦县人民医院", "曲麻莱县人民医院")
    ]
    per_course = S5_PERSON_TIMES // S5_COURSES
    kinds = (CourseKind.TRAINING_COURSE, CourseKind.LECTURE, CourseKind.TEACHING_ROUND, CourseKind.SURGICAL_DEMO)
    for index in range(S5_COURSES):
        partnership = partnerships[index % len(partnerships)]
        start = date(2017 + index * 8 // S5_COURSES, rng.randint(4, 10), rng.randint(1, 25))
        topic = S5_COURSE_TOPICS[index % len(S5_COURSE_TOPICS)]
        kind = kinds[index % len(kinds)]
        course = course_create(
            actor=b.actor,
            title=f"{topic}{S5_SUFFIXES[kind]}"
            if kind == CourseKind.TRAINING_COURSE
            else f"{topic}（{S5_SUFFIXES[kind]}）",
            kind=kind,
            started_on=start,
            ended_on=start + timedelta(days=2 if kind == CourseKind.TRAINING_COURSE else 0),
            place="玉树州人民医院",
            organiser=partnership.supporter,
            partnership=partnership,
            recipient=prefecture,
            hours=Decimal(18 if kind == CourseKind.TRAINING_COURSE else 3),
            description="北京援青专家面向玉树州州、县两级医务人员开展培训。",
        )
        chosen = rng.sample(county_hospitals, rng.randint(2, 4))
        shares = [rng.randint(8, 15) for _ in chosen]
        course_group_create(actor=b.actor, course=course, institution=yushu, count=per_course - sum(shares))
        for unit, share in zip(chosen, shares, strict=True):
            course_group_create(actor=b.actor, course=course, institution=unit, count=share)


# --- S4 · Baoji: the city MCH hospital trains the midwifery staff of the counties and towns, 2022 ----------------
#: (title, start, days, person-times): seven courses, 1,028 person-times (the report: "7 期, 1000 余人").
S4_COURSES_TABLE: tuple[tuple[str, date, int, int], ...] = (
    ("孕产妇妊娠风险筛查与评估培训班", date(2022, 3, 15), 2, 168),
    ("危重孕产妇救治技能培训班", date(2022, 4, 19), 3, 142),
    ("新生儿复苏技术培训班", date(2022, 5, 24), 2, 156),
    ("产科质量与母婴安全管理培训班", date(2022, 6, 21), 2, 128),
    ("产后出血防治与急救演练培训班", date(2022, 8, 16), 2, 151),
    ("高危儿管理与儿童保健培训班", date(2022, 9, 20), 2, 137),
    ("助产技术规范化培训班", date(2022, 11, 15), 3, 146),
)


def _split_evenly(total: int, parts: int) -> list[int]:
    """``total`` in ``parts`` whole shares, the first ones one larger (no RNG: the later builders' draws stay)."""
    return [total // parts + (1 if index < total % parts else 0) for index in range(parts)]


def build_s4(builder: DemoBuilder) -> None:
    """Seven courses run by 宝鸡市妇幼保健院 for Baoji's midwifery staff, counted by county MCH institution
    (each county's group stands for its MCH hospital, people's hospital and township centres)."""
    b = builder
    organiser = b.unit("宝鸡市妇幼保健院")
    counties = [
        b.unit(f"{county}妇幼保健计划生育服务中心" if county.endswith("区") else f"{county}妇幼保健院")
        for _code, county in BAOJI_COUNTIES
    ]
    assert sum(row[3] for row in S4_COURSES_TABLE) == S4_PERSON_TIMES and len(S4_COURSES_TABLE) == S4_COURSES
    for title, start, days, total in S4_COURSES_TABLE:
        course = course_create(
            actor=b.actor,
            title=title,
            kind=CourseKind.TRAINING_COURSE,
            started_on=start,
            ended_on=start + timedelta(days=days - 1),
            place="宝鸡市妇幼保健院",
            organiser=organiser,
            recipient=b.unit("610300"),
            hours=Decimal(days * 7),
            description="母婴安全五项制度培训：宝鸡市妇幼保健院面向全市县级助产机构和乡镇卫生院妇幼人员。",
        )
        for unit, count in zip(counties, _split_evenly(total, len(counties)), strict=True):
            course_group_create(actor=b.actor, course=course, institution=unit, count=count)


def build_training_records(builder: DemoBuilder) -> None:
    """S1's study course, S3's short-term training in Fujian, S5's mentorships and Yushu training, S4's courses."""
    people = _People(builder)
    build_s1(builder, people)
    build_s3(builder)
    build_s5(builder, people)
    build_s4(builder)
