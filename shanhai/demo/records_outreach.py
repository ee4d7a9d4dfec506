"""Demo outreach events, donations and specialty alliances of the seed scenarios, through the services.

- S1 (福清→奇台): special funds donated to Qitai's MCH hospital, ¥800,000 in five years; equipment and
  medicines; free clinics by Fuqing hospital experts in Wumachang township.
- S3 (福建第八批援疆): 184 medical bazaars in Changji's counties and Qitai's townships (20,612 people seen,
  ¥512,340 of free medicines); the prefecture's stroke and rehabilitation alliances.
- S4 (宝鸡): the perinatal specialty alliance led by the city MCH hospital, 69 members at the end of 2022,
  7 assistance teams making 76 visits to counties in 2022.

Call after the scenarios and people are built: ``build_outreach_records(builder)``. Values drawn from
``builder.rng``; the scenario totals below hold for every seed.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

from shanhai.core import clock
from shanhai.core.models import OrgUnit, OrgUnitKind
from shanhai.demo.builder import DemoBuilder
from shanhai.demo.regions import QITAI_TOWNSHIPS
from shanhai.demo.scenarios import BAOJI_COUNTIES, BAOJI_URBAN, S1_PROGRAMME, S3_ENDED, S3_PROGRAMME
from shanhai.outreach.models import DonationKind, OutreachKind, OutreachService
from shanhai.outreach.services import (
    alliance_create,
    alliance_member_create,
    alliance_visit_create,
    donation_create,
    outreach_event_create,
)
from shanhai.partnerships.models import Partnership
from shanhai.workforce.models import Person

K = OrgUnitKind

# --- expected figures (asserted by the tests through the engine) ---------------------------------------
S1_FUNDS_DONATED = 800_000.0
S3_BAZAARS = 184
S3_BAZAAR_PEOPLE = 20_612
S3_BAZAAR_MEDICINES = 512_340.0
S3_ALLIANCES = ("昌吉州卒中专科联盟", "昌吉州康复专科联盟")
S4_ALLIANCE = "宝鸡市围产期专科联盟"
S4_ALLIANCE_MEMBERS_2022 = 69
S4_ALLIANCE_TEAMS = 7
S4_ALLIANCE_VISITS_2022 = 76

# --- S1 -------------------------------------------------------------------------------------------------
#: Special funds from Fuqing MCH hospital to Qitai MCH hospital: (date, yuan, purpose).
S1_FUNDS = (
    (date(2021, 9, 10), 150_000, "妇幼专科建设专项资金：产科、儿科基础设备购置"),
    (date(2022, 8, 16), 150_000, "高危孕产妇与高危儿管理能力提升专项资金"),
    (date(2023, 7, 20), 200_000, "新生儿重症监护单元建设专项资金"),
    (date(2024, 6, 12), 150_000, "妇幼健康信息化与远程会诊平台建设资金"),
    (date(2025, 10, 20), 150_000, "奇台县妇幼保健人员赴福清研修班专项经费"),
)
S1_FREE_CLINICS = (date(2024, 5, 18), date(2024, 8, 24), date(2024, 10, 12), date(2025, 5, 17), date(2025, 8, 9))

# --- S3 -------------------------------------------------------------------------------------------------
#: County → the recipient hospital whose partnership a county-level bazaar is credited to.
S3_COUNTY_HOSPITALS = (
    ("652301", "昌吉市人民医院"),
    ("652302", "阜康市人民医院"),
    ("652323", "呼图壁县人民医院"),
    ("652324", "玛纳斯县人民医院"),
    ("652325", "奇台县总医院"),
    ("652327", "吉木萨尔县人民医院"),
    ("652328", "木垒哈萨克自治县人民医院"),
)
S3_COUNTY_BAZAARS = 20  # per county: 140
S3_PREFECTURE_BAZAARS = S3_BAZAARS - S3_COUNTY_BAZAARS * len(S3_COUNTY_HOSPITALS)  # 44, by the prefecture hospital

# --- S4 -------------------------------------------------------------------------------------------------
#: Extra members beyond the midwifery institutions: community health service centres (county, street).
BAOJI_COMMUNITY_CENTRES = (
    ("610302", "经二路街道"),
    ("610302", "清姜街道"),
    ("610302", "姜谭街道"),
    ("610302", "桥南街道"),
    ("610302", "马营街道"),
    ("610302", "石鼓街道"),
    ("610303", "东风路街道"),
    ("610303", "中山东路街道"),
    ("610303", "中山西路街道"),
    ("610303", "西关街道"),
    ("610303", "群众路街道"),
    ("610303", "卧龙寺街道"),
    ("610303", "陈仓街道"),
    ("610303", "十里铺街道"),
    ("610304", "虢镇街道"),
    ("610304", "千渭街道"),
    ("610305", "城关街道"),
    ("610323", "凤鸣街道"),
    ("610324", "城关街道"),
    ("610326", "首善街道"),
    ("610327", "城关街道"),
    ("610328", "城关街道"),
    ("610329", "九成宫街道"),
    ("610330", "双石铺街道"),
    ("610331", "咀头街道"),
)
#: Two centres merged into others at the end of 2021 and left the alliance.
BAOJI_LEFT = ("渭滨区马营街道社区卫生服务中心", "金台区十里铺街道社区卫生服务中心")
BAOJI_VISIT_PURPOSES = (
    "高危孕产妇分级管理督导",
    "危重孕产妇救治应急演练",
    "新生儿复苏技术培训",
    "产科质量控制检查",
    "产后出血防治规范化培训",
    "孕产妇妊娠风险筛查与评估指导",
)


def _split(total: int, parts: int, rng: random.Random) -> list[int]:
    """``parts`` whole numbers, each at least half the mean, summing to exactly ``total``."""
    weights = [0.5 + rng.random() for _ in range(parts)]
    scale = total / sum(weights)
    values = [int(w * scale) for w in weights]
    for i in range(total - sum(values)):
        values[i % parts] += 1
    return values


def _day(rng: random.Random, start: date, end: date, months: tuple[int, ...] = ()) -> date:
    while True:
        day = start + timedelta(days=rng.randrange((end - start).days + 1))
        if not months or day.month in months:
            return day


def _partnership(programme: str, supporter: str, recipient: str) -> Partnership:
    return Partnership.objects.select_related("recipient", "supporter", "programme").get(
        programme__name=programme, supporter__name=supporter, recipient__name=recipient
    )


def _recipient_partnership(programme: str, recipient: str) -> Partnership:
    return Partnership.objects.select_related("recipient", "supporter", "programme").get(
        programme__name=programme, recipient__name=recipient, level="institution"
    )


def build_outreach_records(builder: DemoBuilder) -> None:
    _build_s1(builder)
    _build_s3(builder)
    _build_s4(builder)


# --- S1 · Fuqing → Qitai ------------------------------------------------------------------------------------
def _build_s1(b: DemoBuilder) -> None:
    actor, rng = b.actor, b.rng
    mch = _partnership(S1_PROGRAMME, "福清市妇幼保健院", "奇台县妇幼保健院")
    for donated_on, amount, purpose in S1_FUNDS:
        donation_create(
            actor=actor,
            donor=mch.supporter,
            recipient=mch.recipient,
            partnership=mch,
            kind=DonationKind.FUNDS,
            amount=Decimal(amount),
            donated_on=donated_on,
            description=purpose,
        )
    campus = _partnership(S1_PROGRAMME, "福清市医院", "奇台县总医院人民医院院区")
    donation_create(
        actor=actor,
        donor=campus.supporter,
        recipient=campus.recipient,
        partnership=campus,
        kind=DonationKind.EQUIPMENT,
        amount=Decimal(380_000),
        donated_on=date(2024, 9, 5),
        description="便携式彩色多普勒超声诊断仪一台、胎心监护仪四台",
    )
    cdc = _partnership(S1_PROGRAMME, "福清市疾病预防控制中心", "奇台县疾病预防控制中心")
    donation_create(
        actor=actor,
        donor=cdc.supporter,
        recipient=cdc.recipient,
        partnership=cdc,
        kind=DonationKind.MEDICINES,
        amount=Decimal(46_000),
        donated_on=date(2024, 11, 8),
        description="包虫病防治药品及快速检测试剂",
    )
    b.counts["donations"] += len(S1_FUNDS) + 2

    branch = _partnership(S1_PROGRAMME, "福清市医院", "奇台县总医院五马场乡分院")
    wumachang = b.unit("652325201")
    experts = list(Person.objects.filter(institution=branch.supporter).order_by("name", "id"))
    for held_on in S1_FREE_CLINICS:
        team = rng.sample(experts, min(len(experts), 4))
        outreach_event_create(
            actor=actor,
            kind=OutreachKind.FREE_CLINIC,
            held_on=held_on,
            place=wumachang,
            partnership=branch,
            team=team,
            team_size=len(team) + rng.randint(1, 3),
            services=[OutreachService.EXAM, OutreachService.CONSULTATION, OutreachService.HEALTH_EDUCATION],
            people_seen=rng.randint(90, 180),
            medicine_value=Decimal(rng.randint(20, 60) * 100),
            description="福清市医院专家团队五马场乡义诊：慢病筛查、孕产妇健康咨询、健康教育讲座。",
        )
    b.counts["outreach_events"] += len(S1_FREE_CLINICS)


# --- S3 · Fujian → Changji -----------------------------------------------------------------------------------
def _build_s3(b: DemoBuilder) -> None:
    actor, rng = b.actor, b.rng
    prefecture = _partnership(S3_PROGRAMME, "福建省立医院", "昌吉州人民医院")
    counties = [b.unit(code) for code, _hospital in S3_COUNTY_HOSPITALS]
    qitai_townships = [b.unit(t.code) for t in QITAI_TOWNSHIPS]
    plan: list[tuple[Partnership, OrgUnit]] = []
    for index in range(S3_PREFECTURE_BAZAARS):
        plan.append((prefecture, counties[index % len(counties)]))
    for code, hospital in S3_COUNTY_HOSPITALS:
        partnership = _recipient_partnership(S3_PROGRAMME, hospital)
        places = qitai_townships if code == "652325" else [b.unit(code)]
        plan += [(partnership, places[i % len(places)]) for i in range(S3_COUNTY_BAZAARS)]
    people = _split(S3_BAZAAR_PEOPLE, S3_BAZAARS, rng)
    medicines = _split(int(S3_BAZAAR_MEDICINES), S3_BAZAARS, rng)
    last_day = min(S3_ENDED, clock.today())
    base_services = [
        OutreachService.EXAM,
        OutreachService.CONSULTATION,
        OutreachService.LAB_TESTS,
        OutreachService.DISPENSING,
    ]
    for (partnership, place), seen, value in zip(plan, people, medicines, strict=True):
        level = "州级" if partnership == prefecture else "县级"
        outreach_event_create(
            actor=actor,
            kind=OutreachKind.MEDICAL_BAZAAR,
            held_on=_day(rng, date(2020, 6, 1), last_day, months=(4, 5, 6, 7, 8, 9, 10)),
            place=place,
            partnership=partnership,
            team_size=rng.randint(8, 20),
            services=base_services + ([OutreachService.HEALTH_EDUCATION] if rng.random() < 0.5 else []),
            people_seen=seen,
            medicine_value=Decimal(value),
            description=f"{level}医疗巴扎：援疆专家与当地医护人员深入{place.name}农牧区，开展体检、义诊咨询、化验和免费发药。",
        )
    b.counts["outreach_events"] += S3_BAZAARS

    county_hospitals = [b.unit(hospital) for _code, hospital in S3_COUNTY_HOSPITALS]
    alliances = (
        (
            S3_ALLIANCES[0],
            "03",
            "昌吉州人民医院",
            "福建省立医院",
            date(2021, 4, 22),
            "昌吉州中医医院",
            "卒中中心建设与溶栓取栓技术下沉",
        ),
        (
            S3_ALLIANCES[1],
            "21",
            "昌吉州中医医院",
            "福建中医药大学附属人民医院",
            date(2021, 10, 15),
            "昌吉州人民医院",
            "中西医结合康复技术推广",
        ),
    )
    for name, specialty, lead, supporter, founded_on, other_prefecture, purpose in alliances:
        alliance = alliance_create(
            actor=actor,
            name=name,
            specialty=b.department(specialty),
            lead=b.unit(lead),
            founded_on=founded_on,
            partnership=_partnership(S3_PROGRAMME, supporter, lead),
            description=f"由{lead}牵头、全州各县市医院参加的专科联盟，福建援疆专家全程指导。",
        )
        for institution in [b.unit(other_prefecture), *county_hospitals]:
            alliance_member_create(
                actor=actor,
                alliance=alliance,
                institution=institution,
                joined_on=founded_on + timedelta(days=rng.randint(0, 90)),
            )
        for number in range(12):
            alliance_visit_create(
                actor=actor,
                alliance=alliance,
                team=f"福建援疆专家组第{number % 3 + 1}组",
                visited=county_hospitals[number % len(county_hospitals)],
                visited_on=_day(rng, founded_on + timedelta(days=30), last_day),
                experts=rng.randint(2, 5),
                purpose=purpose,
            )
    b.counts["alliances"] += len(alliances)


# --- S4 · Baoji perinatal alliance ------------------------------------------------------------------------------
def _build_s4(b: DemoBuilder) -> None:
    actor, rng = b.actor, b.rng
    counties = dict(BAOJI_COUNTIES)
    lead = b.unit("宝鸡市妇幼保健院")
    baoji = b.unit("610300")
    existing = list(
        OrgUnit.objects.filter(path__startswith=baoji.path)
        .exclude(kind__in=[*K.region_kinds(), K.HEALTH_COMMISSION])
        .exclude(pk=lead.pk)
        .order_by("path")
    )
    tcm = [
        b.institution(name=f"{county}中医医院", kind=K.TCM_HOSPITAL, parent=code, grade="2A")
        for code, county in BAOJI_COUNTIES
        if code not in BAOJI_URBAN
    ]
    community = [
        b.institution(
            name=f"{counties[code]}{street}社区卫生服务中心",
            short_name=f"{street}社区卫生服务中心",
            kind=K.COMMUNITY_HEALTH_CENTRE,
            parent=code,
        )
        for code, street in BAOJI_COMMUNITY_CENTRES
    ]
    alliance = alliance_create(
        actor=actor,
        name=S4_ALLIANCE,
        specialty=b.department("06.02"),
        lead=lead,
        founded_on=date(2018, 6, 28),
        description="宝鸡市妇幼保健院牵头，覆盖市、县、镇三级助产机构和社区卫生服务中心的围产期专科联盟。",
    )
    founders = [u for u in existing if u.level <= baoji.level + 1 or u.kind == K.MCH_HOSPITAL]
    waves = (
        (founders, date(2018, 6, 28), date(2018, 6, 28)),
        (
            [u for u in existing if u not in founders and u.kind == K.GENERAL_HOSPITAL],
            date(2019, 3, 1),
            date(2019, 12, 31),
        ),
        (
            [u for u in existing if u not in founders and u.kind != K.GENERAL_HOSPITAL],
            date(2020, 3, 1),
            date(2020, 12, 31),
        ),
        (tcm, date(2021, 3, 1), date(2021, 9, 30)),
        (community, date(2021, 3, 1), date(2022, 10, 31)),
    )
    for units, start, end in waves:
        for unit in units:
            leaves = unit.name in BAOJI_LEFT
            alliance_member_create(
                actor=actor,
                alliance=alliance,
                institution=unit,
                joined_on=_day(rng, start, date(2021, 6, 30) if leaves else end),
                left_on=date(2021, 12, 31) if leaves else None,
            )

    # Seven teams, each serving its counties' hospitals, MCH hospitals and township centres.
    county_codes = [code for code, _name in BAOJI_COUNTIES if code not in BAOJI_URBAN]
    rural = [u for u in existing if u.parent_id != baoji.pk]
    targets = {code: [u for u in rural if u.path.startswith(b.unit(code).path)] for code in county_codes}
    visits_per_team = _split(S4_ALLIANCE_VISITS_2022, S4_ALLIANCE_TEAMS, rng)
    for team_index, visits in enumerate(visits_per_team):
        team_counties = county_codes[team_index::S4_ALLIANCE_TEAMS] or county_codes[:1]
        places = [u for code in team_counties for u in targets[code]]
        for year, count in ((2021, rng.randint(1, 3)), (2022, visits)):
            for _ in range(count):
                alliance_visit_create(
                    actor=actor,
                    alliance=alliance,
                    team=f"第{team_index + 1}帮扶组",
                    visited=rng.choice(places),
                    visited_on=_day(rng, date(year, 1, 10), date(year, 12, 20)),
                    experts=rng.randint(3, 6),
                    purpose=rng.choice(BAOJI_VISIT_PURPOSES),
                )
    b.counts["alliances"] += 1
