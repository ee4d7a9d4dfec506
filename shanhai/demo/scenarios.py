"""The organisations and partnerships of the five seed scenarios (docs/scenarios.md).

Each ``build_*`` function creates its scenario's institutions, then its programme and
partnerships, through the real services. Facts (names, dates, counts) come from the scenario
reports; institution grades and the county-level pairings of S3 are illustrative.
"""

from __future__ import annotations

from datetime import date
from typing import NamedTuple

from shanhai.core.models import OrgUnitKind
from shanhai.demo.builder import UNIVERSITY_PREFIX, DemoBuilder, StaffSize
from shanhai.demo.regions import QITAI_TOWNSHIPS
from shanhai.partnerships.models import Level, Mode

K = OrgUnitKind
GENERAL, TCM, MCH, CDC = K.GENERAL_HOSPITAL, K.TCM_HOSPITAL, K.MCH_HOSPITAL, K.CDC
SMALL, LARGE = StaffSize.SMALL, StaffSize.LARGE


class Hospital(NamedTuple):
    name: str
    parent: str
    grade: str
    kind: str = GENERAL
    short_name: str = ""


def _hospitals(builder: DemoBuilder, hospitals: tuple[Hospital, ...], *, staff: int = SMALL) -> None:
    for hospital in hospitals:
        builder.institution(
            name=hospital.name,
            kind=hospital.kind,
            parent=hospital.parent,
            grade=hospital.grade,
            short_name=hospital.short_name,
            staff=staff,
        )


# --- S1 · Fuqing → Qitai --------------------------------------------------------------------------
S1_PROGRAMME = "福清市对口支援奇台县"
QITAI_CAMPUS_PEOPLES = "奇台县总医院人民医院院区"
QITAI_CAMPUS_WUMACHANG = "奇台县总医院五马场乡分院"


def build_fuqing_qitai(builder: DemoBuilder) -> None:
    b = builder
    b.institution(name="福清市卫生健康局", kind=K.HEALTH_COMMISSION, parent="350181")
    b.institution(name="福清市医院", kind=GENERAL, parent="350181", grade="3B", staff=LARGE)
    b.institution(name="福清市妇幼保健院", kind=MCH, parent="350181", grade="2A", staff=SMALL)
    b.institution(name="福清市疾病预防控制中心", kind=CDC, parent="350181", staff=SMALL)

    b.institution(name="奇台县卫生健康委员会", kind=K.HEALTH_COMMISSION, parent="652325")
    general = b.institution(name="奇台县总医院", kind=GENERAL, parent="652325", grade="2A", staff=SMALL)
    b.institution(name=QITAI_CAMPUS_PEOPLES, short_name="人民医院院区", kind=K.CAMPUS, parent=general.code, staff=LARGE)
    b.institution(
        name=QITAI_CAMPUS_WUMACHANG, short_name="五马场乡分院", kind=K.CAMPUS, parent=general.code, staff=SMALL
    )
    b.institution(name="奇台县妇幼保健院", kind=MCH, parent="652325", grade="2B", staff=LARGE)
    b.institution(name="奇台县疾病预防控制中心", kind=CDC, parent="652325", staff=SMALL)
    for township in QITAI_TOWNSHIPS:
        if township.name == "五马场乡":
            continue  # served by the general hospital's Wumachang branch (医共体分院)
        b.institution(
            name=f"奇台县{township.name}卫生院",
            short_name=f"{township.name}卫生院",
            kind=K.TOWNSHIP_HEALTH_CENTRE,
            parent=township.code,
            staff=SMALL,
        )

    programme = b.programme(
        name=S1_PROGRAMME,
        owner="350181",
        started_on=date(2020, 1, 1),
        short_name="福清—奇台",
        description="福清市与奇台县卫生健康系统三级结对帮扶：卫健部门、医院院区、疾控中心；妇幼保健院结对。",
    )
    signed = date(2024, 4, 18)
    levels = (
        ("福清市卫生健康局", "奇台县卫生健康委员会", Level.ADMINISTRATION, "卫生健康部门结对帮扶协议"),
        ("福清市医院", QITAI_CAMPUS_PEOPLES, Level.CAMPUS, "福清市医院与奇台县总医院人民医院院区结对帮扶协议"),
        ("福清市医院", QITAI_CAMPUS_WUMACHANG, Level.CAMPUS, "福清市医院与奇台县总医院五马场乡分院结对帮扶协议"),
        ("福清市疾病预防控制中心", "奇台县疾病预防控制中心", Level.DISCIPLINE, "疾病预防控制中心结对帮扶协议"),
    )
    for supporter, recipient, level, title in levels:
        partnership = b.partnership(
            supporter=supporter,
            recipient=recipient,
            mode=Mode.COUNTERPART,
            level=level,
            programme=programme,
            started_on=signed,
            agreement=(title, signed),
        )
        b.target(
            partnership, indicator="agreements_signed", value=1, due_on=date(2024, 12, 31), note="三级结对帮扶协议签订"
        )
    b.partnership(
        supporter="福清市妇幼保健院",
        recipient="奇台县妇幼保健院",
        mode=Mode.PAIRING,
        programme=programme,
        started_on=date(2021, 6, 1),
        agreement=("妇幼保健院结对帮扶协议", date(2021, 6, 1)),
        description="妇幼专科建设、高危孕产妇与高危儿管理培训、专家不定期赴奇台指导。",
    )


# --- S2 · Liaocheng → Gangcha ----------------------------------------------------------------------
S2_PROGRAMME = "聊城市对口支援刚察县"
#: 以院包科 specialties: (supporting hospital, department code, specialty).
S2_DEPARTMENTS: tuple[tuple[str, str, str], ...] = (
    ("聊城市人民医院", "04", "肝胆外科"),
    ("聊城市人民医院", "03", "消化内科"),
    ("聊城市人民医院", "05", "妇产科"),
    ("聊城市人民医院", "32", "医学影像科"),
    ("聊城市人民医院", "26", "麻醉科"),
    ("聊城市人民医院", "21", "康复医学科"),
    ("聊城市人民医院", "69", "护理"),
    ("聊城市中医医院", "04", "肛肠科"),
)


def build_liaocheng_gangcha(builder: DemoBuilder) -> None:
    b = builder
    _hospitals(
        b,
        (
            Hospital("聊城市人民医院", "371500", "3A"),
            Hospital("聊城市中医医院", "371500", "3A", TCM),
            Hospital("聊城市第二人民医院", "371500", "3B"),
            Hospital("聊城市第三人民医院", "371500", "3B"),
            Hospital("聊城市妇幼保健院", "371500", "3B", MCH),
        ),
    )
    b.institution(name="聊城市疾病预防控制中心", kind=CDC, parent="371500", staff=SMALL)
    b.institution(name="刚察县人民医院", kind=GENERAL, parent="632224", grade="2B", staff=LARGE)
    b.institution(name="刚察县疾病预防控制中心", kind=CDC, parent="632224", staff=SMALL)

    since = date(2013, 1, 1)
    programme = b.programme(
        name=S2_PROGRAMME,
        owner="371500",
        started_on=since,
        short_name="聊城—刚察",
        description="驻点帮扶、挂职学习、以院包科，县域医联体与智慧医疗建设。",
    )
    b.partnership(
        supporter="聊城市人民医院",
        recipient="刚察县人民医院",
        mode=Mode.COUNTERPART,
        programme=programme,
        started_on=since,
        agreement=("聊城市人民医院与刚察县人民医院医疗帮扶协议", date(2025, 3, 28)),
    )
    b.partnership(
        supporter="聊城市疾病预防控制中心",
        recipient="刚察县疾病预防控制中心",
        mode=Mode.COUNTERPART,
        level=Level.DISCIPLINE,
        programme=programme,
        started_on=since,
    )
    for supporter, department, specialty in S2_DEPARTMENTS:
        b.partnership(
            supporter=supporter,
            recipient="刚察县人民医院",
            mode=Mode.DEPARTMENT,
            level=Level.DEPARTMENT,
            department=department,
            programme=programme,
            started_on=date(2023, 1, 1),
            description=f"以院包科：{specialty}",
        )


# --- S3 · Fujian → Changji, 8th batch ----------------------------------------------------------------
S3_PROGRAMME = "福建省第八批医疗人才援疆"
S3_STARTED, S3_ENDED = date(2020, 5, 1), date(2023, 5, 31)
#: Teaching-hospital links (level teaching): (university, Changji hospital).
S3_TEACHING = (("福建中医药大学", "昌吉州中医医院"), ("华侨大学", "昌吉市人民医院"))
#: Supporter → recipient for the batch (county pairings illustrative).
S3_PAIRS = (
    ("福建省立医院", "昌吉州人民医院"),
    ("福建医科大学附属协和医院", "昌吉州人民医院"),
    ("福建医科大学附属第一医院", "昌吉州人民医院"),
    ("福建中医药大学附属人民医院", "昌吉州中医医院"),
    ("福建省妇幼保健院", "昌吉州妇幼保健院"),
    ("福州市第一医院", "昌吉市人民医院"),
    ("泉州市第一医院", "阜康市人民医院"),
    ("莆田市第一医院", "呼图壁县人民医院"),
    ("漳州市医院", "玛纳斯县人民医院"),
    ("福清市医院", "奇台县总医院"),
    ("厦门市第一医院", "吉木萨尔县人民医院"),
    ("三明市第一医院", "木垒哈萨克自治县人民医院"),
)


def build_fujian_changji(builder: DemoBuilder) -> None:
    b = builder
    b.institution(name="福建省卫生健康委员会", kind=K.HEALTH_COMMISSION, parent="350000")
    _hospitals(
        b,
        (
            Hospital("福建省立医院", "350000", "3A"),
            Hospital("福建医科大学附属协和医院", "350000", "3A"),
            Hospital("福建医科大学附属第一医院", "350000", "3A"),
            Hospital("福建中医药大学附属人民医院", "350000", "3A", TCM),
            Hospital("福建省妇幼保健院", "350000", "3A", MCH),
            Hospital("福州市第一医院", "350100", "3A"),
            Hospital("厦门市第一医院", "350200", "3A"),
            Hospital("莆田市第一医院", "350300", "3A"),
            Hospital("三明市第一医院", "350400", "3A"),
            Hospital("泉州市第一医院", "350500", "3A"),
            Hospital("漳州市医院", "350600", "3A"),
        ),
    )
    b.institution(name="福建中医药大学", kind=K.UNIVERSITY, parent="350100", prefix=UNIVERSITY_PREFIX)
    b.institution(name="华侨大学", kind=K.UNIVERSITY, parent="350500", prefix=UNIVERSITY_PREFIX)

    b.institution(name="昌吉州卫生健康委员会", kind=K.HEALTH_COMMISSION, parent="652300")
    _hospitals(
        b,
        (
            Hospital("昌吉州人民医院", "652300", "3A"),
            Hospital("昌吉州中医医院", "652300", "3A", TCM),
            Hospital("昌吉州妇幼保健院", "652300", "3B", MCH),
            Hospital("昌吉市人民医院", "652301", "2A"),
            Hospital("阜康市人民医院", "652302", "2A"),
            Hospital("呼图壁县人民医院", "652323", "2A"),
            Hospital("玛纳斯县人民医院", "652324", "2A"),
            Hospital("吉木萨尔县人民医院", "652327", "2A"),
            Hospital("木垒哈萨克自治县人民医院", "652328", "2B", short_name="木垒县人民医院"),
        ),
        staff=LARGE,
    )

    programme = b.programme(
        name=S3_PROGRAMME,
        owner="350000",
        started_on=S3_STARTED,
        ended_on=S3_ENDED,
        short_name="闽昌第八批",
        description="福建第八批医疗卫生援疆：派驻专家、巡诊指导、进修培训、专科联盟、三明医改经验与健康云平台。",
    )
    agreement = ("福建省第八批医疗人才援疆对口支援协议", S3_STARTED)
    b.partnership(
        supporter="福建省卫生健康委员会",
        recipient="昌吉州卫生健康委员会",
        mode=Mode.COUNTERPART,
        level=Level.ADMINISTRATION,
        programme=programme,
        started_on=S3_STARTED,
        ended_on=S3_ENDED,
        agreement=agreement,
    )
    for supporter, recipient in S3_PAIRS:
        pair = b.partnership(
            supporter=supporter,
            recipient=recipient,
            mode=Mode.COUNTERPART,
            programme=programme,
            started_on=S3_STARTED,
            ended_on=S3_ENDED,
            agreement=agreement,
        )
        # Illustrative batch targets (the report states results, not targets): the scorecards compare them.
        b.target(pair, indicator="techniques_introduced", value=15, due_on=S3_ENDED, note="批次内引进新技术新项目")
        b.target(pair, indicator="staff_placed", value=12, due_on=S3_ENDED, note="批次内接收进修人员")
    for university, hospital in S3_TEACHING:
        b.partnership(
            supporter=university,
            recipient=hospital,
            mode=Mode.PAIRING,
            level=Level.TEACHING,
            programme=programme,
            started_on=date(2021, 9, 1),
            agreement=(f"{hospital}成为{university}教学医院合作协议", date(2021, 9, 1)),
        )


# --- S4 · Baoji (MCH) ----------------------------------------------------------------------------------
BAOJI_COUNTIES = (
    ("610302", "渭滨区"),
    ("610303", "金台区"),
    ("610304", "陈仓区"),
    ("610305", "凤翔区"),
    ("610323", "岐山县"),
    ("610324", "扶风县"),
    ("610326", "眉县"),
    ("610327", "陇县"),
    ("610328", "千阳县"),
    ("610329", "麟游县"),
    ("610330", "凤县"),
    ("610331", "太白县"),
)
#: Urban districts served by the city hospitals: they have an MCH centre but no district hospital here.
BAOJI_URBAN = {"610302", "610303"}
#: Township health centres with a delivery room: (county code, town).
BAOJI_TOWNSHIP_CENTRES = (
    ("610302", "高家镇"),
    ("610302", "八鱼镇"),
    ("610303", "蟠龙镇"),
    ("610304", "阳平镇"),
    ("610305", "柳林镇"),
    ("610323", "蔡家坡镇"),
    ("610323", "益店镇"),
    ("610324", "法门镇"),
    ("610324", "绛帐镇"),
    ("610326", "横渠镇"),
    ("610326", "齐镇"),
)
#: 助产机构 in Baoji's subtree: every general hospital, MCH hospital and township centre built here.
BAOJI_MIDWIFERY_KINDS = (GENERAL, MCH, K.TOWNSHIP_HEALTH_CENTRE)
BAOJI_MIDWIFERY_COUNT = 37


def build_baoji(builder: DemoBuilder) -> None:
    b = builder
    b.institution(name="宝鸡市卫生健康委员会", kind=K.HEALTH_COMMISSION, parent="610300")
    _hospitals(
        b,
        (
            Hospital("宝鸡市妇幼保健院", "610300", "3A", MCH),
            Hospital("宝鸡市中心医院", "610300", "3A"),
            Hospital("宝鸡市人民医院", "610300", "3B"),
            Hospital("宝鸡市第三人民医院", "610300", "3B"),
        ),
        staff=LARGE,
    )
    for code, county in BAOJI_COUNTIES:
        is_district = county.endswith("区")
        mch_name = f"{county}妇幼保健计划生育服务中心" if is_district else f"{county}妇幼保健院"
        b.institution(name=mch_name, kind=MCH, parent=code, grade="2A" if is_district else "2B", staff=SMALL)
        if code not in BAOJI_URBAN:
            b.institution(name=f"{county}人民医院", kind=GENERAL, parent=code, grade="2A", staff=SMALL)
    for code, town in BAOJI_TOWNSHIP_CENTRES:
        county = dict(BAOJI_COUNTIES)[code]
        b.institution(
            name=f"{county}{town}中心卫生院", short_name=f"{town}中心卫生院", kind=K.TOWNSHIP_HEALTH_CENTRE, parent=code
        )


# --- S5 · Qinghai group-style assistance -----------------------------------------------------------------
S5_PROGRAMME_COUNTIES = "青海省“组团式”帮扶重点县人民医院"
S5_PROGRAMME_PREFECTURES = "组团式支援青海省州级人民医院"
S5_PROGRAMME_BEIJING = "北京市对口支援玉树州"

QINGHAI_TERTIARY = (
    Hospital("青海省人民医院", "630000", "3A"),
    Hospital("青海大学附属医院", "630000", "3A"),
    Hospital("青海省中医院", "630000", "3A", TCM),
    Hospital("青海省妇女儿童医院", "630000", "3A", MCH),
    Hospital("青海红十字医院", "630000", "3A"),
    Hospital("青海省心脑血管病专科医院", "630000", "3B"),
    Hospital("青海省第五人民医院", "630000", "3A"),
    Hospital("青海省藏医院", "630000", "3A", TCM),
    Hospital("西宁市第一人民医院", "630100", "3B"),
)

#: Programme B: supporting province → (prefecture hospital, its hospitals). 55 in all, 5 of them 3B.
S5_SUPPORTERS: dict[str, tuple[str, tuple[Hospital, ...]]] = {
    "北京市": (
        "玉树州人民医院",
        (
            Hospital("北京市第一人民医院", "110000", "3A"),
            Hospital("北京市第二人民医院", "110000", "3A"),
            Hospital("北京市第三人民医院", "110000", "3A"),
            Hospital("北京市第四人民医院", "110000", "3A"),
            Hospital("北京市第五人民医院", "110000", "3A"),
            Hospital("北京市第六人民医院", "110000", "3A"),
            Hospital("北京市中医医院", "110000", "3A", TCM),
            Hospital("北京市妇产医院", "110000", "3A", MCH),
            Hospital("北京市儿童医院", "110000", "3A"),
            Hospital("北京市肿瘤医院", "110000", "3A"),
        ),
    ),
    "上海市": (
        "果洛州人民医院",
        (
            Hospital("上海市第一人民医院", "310000", "3A"),
            Hospital("上海市第六人民医院", "310000", "3A"),
            Hospital("上海市第十人民医院", "310000", "3A"),
            Hospital("上海市东方医院", "310000", "3A"),
            Hospital("上海市同仁医院", "310000", "3A"),
            Hospital("上海市中医医院", "310000", "3A", TCM),
            Hospital("上海市第一妇婴保健院", "310000", "3A", MCH),
            Hospital("上海市儿童医院", "310000", "3A"),
            Hospital("上海市胸科医院", "310000", "3A"),
            Hospital("上海市普陀区中心医院", "310000", "3B"),
        ),
    ),
    "天津市": (
        "黄南州人民医院",
        (
            Hospital("天津市第一中心医院", "120000", "3A"),
            Hospital("天津市人民医院", "120000", "3A"),
            Hospital("天津市第三中心医院", "120000", "3A"),
            Hospital("天津市中医医院", "120000", "3A", TCM),
            Hospital("天津市中心妇产科医院", "120000", "3A", MCH),
            Hospital("天津市儿童医院", "120000", "3A"),
            Hospital("天津市肿瘤医院", "120000", "3A"),
            Hospital("天津市第五中心医院", "120000", "3B"),
        ),
    ),
    "江苏省": (
        "海南州人民医院",
        (
            Hospital("南京市第一医院", "320100", "3A"),
            Hospital("南京市中心医院", "320100", "3A"),
            Hospital("无锡市人民医院", "320200", "3A"),
            Hospital("徐州市中心医院", "320300", "3A"),
            Hospital("常州市第一人民医院", "320400", "3A"),
            Hospital("苏州市立医院", "320500", "3A"),
            Hospital("南通市第一人民医院", "320600", "3A"),
            Hospital("扬州市第一人民医院", "321000", "3A"),
            Hospital("宿迁市第一人民医院", "321300", "3B"),
        ),
    ),
    "浙江省": (
        "海西州人民医院",
        (
            Hospital("杭州市第一人民医院", "330100", "3A"),
            Hospital("杭州市中医院", "330100", "3A", TCM),
            Hospital("宁波市第一医院", "330200", "3A"),
            Hospital("温州市人民医院", "330300", "3A"),
            Hospital("嘉兴市第一医院", "330400", "3A"),
            Hospital("湖州市中心医院", "330500", "3A"),
            Hospital("绍兴市人民医院", "330600", "3A"),
            Hospital("金华市中心医院", "330700", "3A"),
            Hospital("衢州市人民医院", "330800", "3B"),
        ),
    ),
    "山东省": (
        "海北州人民医院",
        (
            Hospital("济南市中心医院", "370100", "3A"),
            Hospital("青岛市市立医院", "370200", "3A"),
            Hospital("淄博市中心医院", "370300", "3A"),
            Hospital("烟台市烟台山医院", "370600", "3A"),
            Hospital("潍坊市人民医院", "370700", "3A"),
            Hospital("济宁市第一人民医院", "370800", "3A"),
            Hospital("聊城市人民医院", "371500", "3A"),  # built in S2
            Hospital("临沂市人民医院", "371300", "3A"),
            Hospital("德州市人民医院", "371400", "3B"),
        ),
    ),
}

S5_PREFECTURE_HOSPITALS = (
    Hospital("海北州人民医院", "632200", "2A"),
    Hospital("黄南州人民医院", "632300", "2A"),
    Hospital("海南州人民医院", "632500", "3B"),
    Hospital("果洛州人民医院", "632600", "2A"),
    Hospital("玉树州人民医院", "632700", "3B"),
    Hospital("海西州人民医院", "632800", "3B"),
)

S5_COUNTY_HOSPITALS = (
    Hospital("玛沁县人民医院", "632621", "2A"),
    Hospital("班玛县人民医院", "632622", "2B"),
    Hospital("甘德县人民医院", "632623", "2B"),
    Hospital("达日县人民医院", "632624", "2B"),
    Hospital("久治县人民医院", "632625", "2B"),
    Hospital("玛多县人民医院", "632626", "2B"),
    Hospital("杂多县人民医院", "632722", "2B"),
    Hospital("称多县人民医院", "632723", "2B"),
    Hospital("治多县人民医院", "632724", "2B"),
    Hospital("囊谦县人民医院", "632725", "2B"),
    Hospital("曲麻莱县人民医院", "632726", "2B"),
    Hospital("泽库县人民医院", "632323", "2B"),
    Hospital("河南蒙古族自治县人民医院", "632324", "2B", short_name="河南县人民医院"),
    Hospital("同德县人民医院", "632522", "2A"),
)

#: Programme A: each key county hospital and its 2–3 supporting tertiary hospitals (29 distinct):
#: the paired province's hospitals plus a Qinghai provincial hospital.
S5_COUNTY_TEAMS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("玛沁县人民医院", ("上海市第一人民医院", "上海市第六人民医院", "青海省人民医院")),
    ("班玛县人民医院", ("上海市第十人民医院", "青海大学附属医院")),
    ("甘德县人民医院", ("上海市东方医院", "青海省中医院")),
    ("达日县人民医院", ("上海市同仁医院", "上海市中医医院")),
    ("久治县人民医院", ("上海市第一妇婴保健院", "青海省妇女儿童医院")),
    ("玛多县人民医院", ("上海市儿童医院", "青海红十字医院")),
    ("杂多县人民医院", ("北京市第一人民医院", "北京市第二人民医院", "青海省心脑血管病专科医院")),
    ("称多县人民医院", ("北京市第三人民医院", "青海省第五人民医院")),
    ("治多县人民医院", ("北京市第四人民医院", "青海省人民医院")),
    ("囊谦县人民医院", ("北京市第五人民医院", "青海省藏医院")),
    ("曲麻莱县人民医院", ("北京市第六人民医院", "西宁市第一人民医院")),
    ("泽库县人民医院", ("天津市第一中心医院", "天津市人民医院", "青海大学附属医院")),
    ("河南蒙古族自治县人民医院", ("天津市第三中心医院", "青海省中医院")),
    ("同德县人民医院", ("南京市第一医院", "无锡市人民医院", "常州市第一人民医院")),
)

#: Beijing → Yushu counterpart support since 2016 (a separate programme, reusing Beijing hospitals).
S5_BEIJING_YUSHU = ("北京市第一人民医院", "北京市妇产医院", "北京市儿童医院")


def build_qinghai(builder: DemoBuilder) -> None:
    b = builder
    _hospitals(b, QINGHAI_TERTIARY)
    for _recipient, hospitals in S5_SUPPORTERS.values():
        _hospitals(b, tuple(h for h in hospitals if h.name not in b.units))
    _hospitals(b, S5_PREFECTURE_HOSPITALS, staff=LARGE)
    _hospitals(b, S5_COUNTY_HOSPITALS)

    counties = b.programme(
        name=S5_PROGRAMME_COUNTIES,
        owner="630000",
        started_on=date(2022, 3, 1),
        short_name="组团式帮扶重点县",
        description="三级医院组团式帮扶重点县人民医院：专家派驻、科室共建、新技术新项目。",
    )
    for recipient, supporters in S5_COUNTY_TEAMS:
        for supporter in supporters:
            b.partnership(
                supporter=supporter,
                recipient=recipient,
                mode=Mode.GROUP_ASSISTANCE,
                programme=counties,
                started_on=date(2022, 3, 1),
                agreement=("“组团式”帮扶协议", date(2022, 3, 1)),
            )

    prefectures = b.programme(
        name=S5_PROGRAMME_PREFECTURES,
        owner="630000",
        started_on=date(2023, 7, 1),
        short_name="组团式支援州级医院",
        description="6个支援省市的医院组团式支援青海省6个州人民医院。",
    )
    for recipient, hospitals in S5_SUPPORTERS.values():
        for hospital in hospitals:
            b.partnership(
                supporter=hospital.name,
                recipient=recipient,
                mode=Mode.GROUP_SUPPORT,
                programme=prefectures,
                started_on=date(2023, 7, 1),
                agreement=("组团式支援协议", date(2023, 7, 1)),
            )

    beijing = b.programme(
        name=S5_PROGRAMME_BEIJING,
        owner="110000",
        started_on=date(2016, 8, 1),
        short_name="京玉对口支援",
        description="北京市医院对口支援玉树州人民医院：派驻专家、师带徒、培养本土技术骨干。",
    )
    for supporter in S5_BEIJING_YUSHU:
        pair = b.partnership(
            supporter=supporter,
            recipient="玉树州人民医院",
            mode=Mode.COUNTERPART,
            programme=beijing,
            started_on=date(2016, 8, 1),
        )
        b.target(
            pair,
            indicator="backbones_trained",
            value=30,
            due_on=date(2025, 12, 31),
            note="培养本土技术骨干（演示目标）",
        )


SCENARIOS = (build_fuqing_qitai, build_liaocheng_gangcha, build_fujian_changji, build_baoji, build_qinghai)
