"""Demo staff: deterministic names, phones, departments and titles drawn from the builder's seeded RNG."""

from __future__ import annotations

from shanhai.core.models import OrgUnit, OrgUnitKind
from shanhai.demo.builder import DemoBuilder, StaffSize
from shanhai.workforce.models import Gender, Person
from shanhai.workforce.services import person_create

SURNAMES = (
    "王",
    "李",
    "张",
    "刘",
    "陈",
    "杨",
    "黄",
    "赵",
    "吴",
    "周",
    "徐",
    "孙",
    "马",
    "朱",
    "胡",
    "郭",
    "何",
    "林",
    "高",
    "罗",
    "郑",
    "梁",
    "谢",
    "宋",
    "唐",
    "韩",
    "曹",
    "许",
    "邓",
    "冯",
    "彭",
    "曾",
    "蔡",
    "潘",
    "田",
    "董",
)
GIVEN_FEMALE = (
    "秀",
    "英",
    "华",
    "丽",
    "娟",
    "敏",
    "静",
    "燕",
    "婷",
    "霞",
    "芳",
    "琳",
    "雪",
    "佳",
    "悦",
    "慧",
    "萍",
    "莉",
)
GIVEN_MALE = (
    "伟",
    "强",
    "磊",
    "军",
    "勇",
    "杰",
    "涛",
    "明",
    "超",
    "斌",
    "鹏",
    "辉",
    "峰",
    "浩",
    "宇",
    "刚",
    "平",
    "鑫",
)
GIVEN_EITHER = ("文", "海", "建", "志", "晓", "春", "国", "玉", "红", "晨", "思", "子", "立", "新")
#: Tibetan names (no surname) for staff of Qinghai's pastoral prefectures.
TIBETAN_FEMALE = ("卓玛", "拉毛", "央金", "措毛", "才措", "德吉", "吉毛", "仁青卓玛")
TIBETAN_MALE = ("扎西", "多杰", "才让", "索南", "尼玛", "旦增", "更登", "桑杰", "公保", "洛桑")
#: Uyghur and Kazakh names (given·father's) for staff in Changji.
TURKIC_FEMALE = ("阿依古丽", "古丽娜尔", "帕提古丽", "热娜", "阿依努尔", "玛依拉")
TURKIC_MALE = ("艾力", "努尔兰", "买买提", "叶尔兰", "阿不都", "吐尔逊", "哈力木")

PHONE_PREFIXES = ("139", "138", "137", "136", "135", "158", "159", "187", "188", "180", "199")

#: Departments by kind of institution (诊疗科目 codes; 69 其他业务科室 stands for nursing).
DEPARTMENTS_BY_KIND: dict[str, tuple[str, ...]] = {
    OrgUnitKind.GENERAL_HOSPITAL: ("03", "04", "05", "07", "20", "21", "26", "28", "30", "32", "69", "69"),
    OrgUnitKind.CAMPUS: ("03", "04", "05", "07", "20", "32", "69"),
    OrgUnitKind.TCM_HOSPITAL: ("50", "50", "52", "03", "04", "21", "69"),
    OrgUnitKind.MCH_HOSPITAL: ("05.02", "05.02", "05.01", "06.02", "07.01", "09.01", "09.02", "69"),
    OrgUnitKind.CDC: ("01",),
    OrgUnitKind.TOWNSHIP_HEALTH_CENTRE: ("02", "02", "01", "05", "69"),
}
NURSE_TITLES = ("N1", "N2", "N3", "N3", "N4", "N4", "N5")
TECHNICIAN_TITLES = ("T1", "T2", "T3", "T3", "T4")
PHYSICIAN_TITLES = ("231", "232", "232", "233", "233", "233", "234", "234")
STAFF_RANGE = {StaffSize.SMALL: (1, 2), StaffSize.LARGE: (6, 9)}
TIBETAN_REGIONS = ("632200", "632300", "632500", "632600", "632700")


class StaffMaker:
    def __init__(self, builder: DemoBuilder) -> None:
        self.builder = builder
        self.rng = builder.rng
        # Phones stay unique across the whole demo, including staff other builders made before.
        self._phones: set[str] = set(Person.objects.exclude(phone="").values_list("phone", flat=True))
        self._codes_by_id = {unit.pk: unit.code for unit in builder.units.values()}

    def name(self, gender: str, unit: OrgUnit) -> str:
        rng = self.rng
        female = gender == Gender.FEMALE
        region_codes = {self._codes_by_id[pk] for pk in unit.ancestor_ids if pk in self._codes_by_id}
        if region_codes & set(TIBETAN_REGIONS) and rng.random() < 0.5:
            return rng.choice(TIBETAN_FEMALE if female else TIBETAN_MALE)
        if "652300" in region_codes and rng.random() < 0.3:
            return f"{rng.choice(TURKIC_FEMALE if female else TURKIC_MALE)}·{rng.choice(TURKIC_MALE)}"
        pool = (GIVEN_FEMALE if female else GIVEN_MALE) + GIVEN_EITHER
        first = rng.choice(pool)
        given = first + (rng.choice([c for c in pool if c != first]) if rng.random() < 0.7 else "")
        return rng.choice(SURNAMES) + given

    def phone(self) -> str:
        while True:
            phone = self.rng.choice(PHONE_PREFIXES) + f"{self.rng.randrange(10**8):08d}"
            if phone not in self._phones:
                self._phones.add(phone)
                return phone

    def person(self, unit: OrgUnit, *, gender: str, department: str | None, title: str) -> Person:
        """One more demo person with a seeded name and a unique mobile number, counted in the summary."""
        self.builder.counts["people"] += 1
        return person_create(
            actor=self.builder.actor,
            name=self.name(gender, unit),
            gender=gender,
            institution=unit,
            department=self.builder.department(department) if department else None,
            title=self.builder.title(title),
            phone=self.phone(),
        )

    def title_code(self, department: str) -> str:
        if department == "69":
            return self.rng.choice(NURSE_TITLES)
        if department in {"30", "32"} and self.rng.random() < 0.5:
            return self.rng.choice(TECHNICIAN_TITLES)
        return self.rng.choice(PHYSICIAN_TITLES)

    def make(self, unit: OrgUnit, size: int) -> int:
        low, high = STAFF_RANGE[size]
        departments = DEPARTMENTS_BY_KIND[unit.kind]
        count = self.rng.randint(low, high)
        for _index in range(count):
            department = self.rng.choice(departments)
            is_female = department.startswith(("05", "06", "69")) or self.rng.random() < 0.45
            gender = Gender.FEMALE if is_female else Gender.MALE
            person_create(
                actor=self.builder.actor,
                name=self.name(gender, unit),
                gender=gender,
                institution=unit,
                department=self.builder.department(department),
                title=self.builder.title(self.title_code(department)),
                phone=self.phone(),
            )
        return count


def build_people(builder: DemoBuilder) -> None:
    """Staff for every institution the scenarios marked, in creation order (deterministic)."""
    maker = StaffMaker(builder)
    for code, size in builder.staff_sizes.items():
        if size != StaffSize.NONE:
            builder.counts["people"] += maker.make(builder.units[code], size)
