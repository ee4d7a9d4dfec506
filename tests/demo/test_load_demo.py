"""The demo loader: scenario figures through the engine and the CLI, --if-empty on a loaded demo.

The tests run on the demo built once per test run (the ``demo`` fixture); ``test_seeds.py`` loads it
again into the empty test database (same seed, same records; another seed, other people).
"""

import io
import json
from collections import Counter
from datetime import date

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from shanhai.accounts.models import Membership, User
from shanhai.analytics.engine import Scope, evaluate
from shanhai.analytics.models import Fact
from shanhai.core import clock
from shanhai.core.models import OrgUnit, OrgUnitKind
from shanhai.core.periods import month_of, parse_period
from shanhai.demo import scenarios
from shanhai.demo.logins import DEMO_PASSWORD, LOGINS
from shanhai.partnerships.models import Agreement, Partnership, Programme
from shanhai.records.kinds import all_kinds
from shanhai.workforce.models import Person

S5_INDICATORS = ["supporting_institutions", "recipient_institutions", "supporters_grade_3a_share"]


def _load(*args: str) -> str:
    """The command's last line: its summary, after the "… step" progress lines of a load."""
    out = io.StringIO()
    call_command("load_demo", *args, stdout=out)
    return out.getvalue().strip().splitlines()[-1]


def _counts() -> dict[str, int]:
    return {
        "units": OrgUnit.objects.count(),
        "programmes": Programme.objects.count(),
        "partnerships": Partnership.objects.count(),
        "agreements": Agreement.objects.count(),
        "people": Person.objects.count(),
        "users": User.objects.count(),
        "records": sum(kind.model._default_manager.count() for kind in all_kinds()),
    }


def _figures(programme_name: str, period: str) -> dict[str, tuple]:
    scope = Scope(programme=Programme.objects.get(name=programme_name))
    return {v.code: (v.numerator, v.denominator, v.value) for v in evaluate(S5_INDICATORS, scope, parse_period(period))}


@pytest.mark.django_db
@pytest.mark.usefixtures("demo")
class TestLoadedDemo:
    def test_summary_line_counts_what_was_made(self, demo_database):
        counts = _counts()
        assert demo_database.summary == (
            f"Demo loaded (seed 2025): {counts['units']} organisation units, {counts['programmes']} programmes, "
            f"{counts['partnerships']} partnerships, {counts['people']} people, {counts['records']} assistance records, "
            f"{counts['users']} users."
        )
        assert counts["programmes"] == 6
        assert counts["users"] == len(LOGINS) == 13
        assert 1000 <= counts["people"] <= 1400

    def test_region_rollup_equals_the_facts_summed_per_region(self):
        from tests.analytics.test_rollup import recomputed, rollup_table

        table = rollup_table()
        assert len(table) > 1000
        assert table == recomputed()

    @pytest.mark.parametrize("period", [f"202203..{month_of(clock.today())}", "2024"])
    def test_s5_key_county_hospitals(self, period):
        assert _figures(scenarios.S5_PROGRAMME_COUNTIES, period) == {
            "supporting_institutions": (29.0, None, 29.0),
            "recipient_institutions": (14.0, None, 14.0),
            "supporters_grade_3a_share": (27.0, 29.0, 93.0),
        }

    @pytest.mark.parametrize("period", ["202307..202611", "2024"])
    def test_s5_prefecture_hospitals(self, period):
        assert _figures(scenarios.S5_PROGRAMME_PREFECTURES, period) == {
            "supporting_institutions": (55.0, None, 55.0),
            "recipient_institutions": (6.0, None, 6.0),
            "supporters_grade_3a_share": (50.0, 55.0, 91.0),
        }

    def test_s5_programmes_are_not_reported_before_they_start(self):
        assert _figures(scenarios.S5_PROGRAMME_PREFECTURES, "2022") == {
            "supporting_institutions": (None, None, None),
            "recipient_institutions": (None, None, None),
            "supporters_grade_3a_share": (None, None, None),
        }

    def test_s5_every_key_county_has_two_or_three_distinct_supporters(self):
        partnerships = Partnership.objects.filter(programme__name=scenarios.S5_PROGRAMME_COUNTIES)
        per_county = Counter(partnerships.values_list("recipient__name", flat=True))
        assert len(per_county) == 14
        assert set(per_county.values()) == {2, 3}
        pairs = list(partnerships.values_list("supporter_id", "recipient_id"))
        assert len(pairs) == len(set(pairs)) == 32
        assert set(partnerships.values_list("mode", flat=True)) == {"group_assistance"}

    def test_s5_prefecture_supporters_come_from_six_provinces(self):
        partnerships = Partnership.objects.filter(programme__name=scenarios.S5_PROGRAMME_PREFECTURES)
        provinces = Counter(
            (OrgUnit.objects.get(pk=p.supporter.anc_1).name, p.recipient.name)
            for p in partnerships.select_related("supporter", "recipient")
        )
        assert provinces == {
            ("北京市", "玉树州人民医院"): 10,
            ("上海市", "果洛州人民医院"): 10,
            ("天津市", "黄南州人民医院"): 8,
            ("江苏省", "海南州人民医院"): 9,
            ("浙江省", "海西州人民医院"): 9,
            ("山东省", "海北州人民医院"): 9,
        }
        assert set(partnerships.values_list("mode", flat=True)) == {"group_support"}

    def test_s1_three_pairing_levels_and_the_mch_pairing(self):
        partnerships = Partnership.objects.filter(programme__name=scenarios.S1_PROGRAMME)
        assert set(partnerships.values_list("supporter__name", "recipient__name", "level", "mode")) == {
            ("福清市卫生健康局", "奇台县卫生健康委员会", "administration", "counterpart"),
            ("福清市医院", "奇台县总医院人民医院院区", "campus", "counterpart"),
            ("福清市医院", "奇台县总医院五马场乡分院", "campus", "counterpart"),
            ("福清市疾病预防控制中心", "奇台县疾病预防控制中心", "discipline", "counterpart"),
            ("福清市妇幼保健院", "奇台县妇幼保健院", "institution", "pairing"),
        }
        campuses = OrgUnit.objects.filter(parent__name="奇台县总医院")
        assert set(campuses.values_list("short_name", "kind")) == {
            ("人民医院院区", "campus"),
            ("五马场乡分院", "campus"),
        }
        assert Agreement.objects.filter(partnership__in=partnerships).count() == 5

    def test_qitai_townships_and_their_health_centres(self):
        qitai = OrgUnit.objects.get(code="652325")
        townships = OrgUnit.objects.filter(parent=qitai, kind=OrgUnitKind.TOWNSHIP)
        assert sorted(townships.values_list("code", flat=True)) == [
            "652325101",
            "652325102",
            "652325103",
            "652325104",
            "652325105",
            "652325106",
            "652325107",
            "652325201",
        ]
        centres = OrgUnit.objects.filter(path__startswith=qitai.path, kind=OrgUnitKind.TOWNSHIP_HEALTH_CENTRE)
        assert centres.count() == 7

    def test_s2_hospital_agreement_and_department_takeovers(self):
        programme = Programme.objects.get(name=scenarios.S2_PROGRAMME)
        assert (programme.owner.code, programme.started_on) == ("371500", date(2013, 1, 1))
        hospital = Partnership.objects.get(programme=programme, supporter__name="聊城市人民医院", level="institution")
        assert (hospital.recipient.name, hospital.mode, hospital.started_on) == (
            "刚察县人民医院",
            "counterpart",
            date(2013, 1, 1),
        )
        assert list(hospital.agreements.values_list("signed_on", flat=True)) == [date(2025, 3, 28)]
        departments = Partnership.objects.filter(programme=programme, mode="department")
        assert sorted(departments.values_list("supporter__name", "department__code")) == [
            ("聊城市中医医院", "04"),
            ("聊城市人民医院", "03"),
            ("聊城市人民医院", "04"),
            ("聊城市人民医院", "05"),
            ("聊城市人民医院", "21"),
            ("聊城市人民医院", "26"),
            ("聊城市人民医院", "32"),
            ("聊城市人民医院", "69"),
        ]

    def test_s3_batch_and_teaching_links(self):
        programme = Programme.objects.get(name=scenarios.S3_PROGRAMME)
        assert (programme.owner.code, programme.started_on, programme.ended_on) == (
            "350000",
            date(2020, 5, 1),
            date(2023, 5, 31),
        )
        teaching = Partnership.objects.filter(programme=programme, level="teaching")
        assert set(teaching.values_list("supporter__name", "recipient__name")) == {
            ("福建中医药大学", "昌吉州中医医院"),
            ("华侨大学", "昌吉市人民医院"),
        }
        changji = OrgUnit.objects.get(code="652300")
        recipients = Partnership.objects.filter(programme=programme, level="institution").values("recipient")
        county_hospitals = OrgUnit.objects.filter(pk__in=recipients, level=4, anc_2=changji.pk)
        assert county_hospitals.count() == 7
        supporter_grades = set(
            Partnership.objects.filter(programme=programme, level="institution")
            .exclude(supporter__name="福清市医院")
            .values_list("supporter__grade__code", flat=True)
        )
        assert supporter_grades == {"3A"}

    def test_s4_baoji_has_37_midwifery_institutions(self):
        baoji = OrgUnit.objects.get(code="610300")
        midwifery = OrgUnit.objects.filter(path__startswith=baoji.path, kind__in=scenarios.BAOJI_MIDWIFERY_KINDS)
        assert midwifery.count() == scenarios.BAOJI_MIDWIFERY_COUNT == 37
        counties = OrgUnit.objects.filter(parent=baoji, kind=OrgUnitKind.COUNTY)
        assert counties.count() == 12
        assert OrgUnit.objects.filter(parent__in=counties, kind=OrgUnitKind.MCH_HOSPITAL).count() == 12

    def test_s4_baoji_streets_and_towns_hold_the_township_centres_towns(self):
        baoji = OrgUnit.objects.get(code="610300")
        townships = OrgUnit.objects.filter(path__startswith=baoji.path, kind=OrgUnitKind.TOWNSHIP)
        assert townships.count() == 72
        assert set(townships.values_list("parent__code", flat=True)) == {
            code for code, _name in scenarios.BAOJI_COUNTIES
        }
        names = set(townships.values_list("parent__code", "name"))
        assert set(scenarios.BAOJI_TOWNSHIP_CENTRES) <= names
        assert all(len(code) == 9 and code[6] in "01" for code in townships.values_list("code", flat=True))

    def test_institution_codes_follow_the_demo_scheme(self):
        institutions = OrgUnit.objects.exclude(kind__in=OrgUnitKind.region_kinds())
        prefixes = Counter("campus" if unit.kind == OrgUnitKind.CAMPUS else unit.code[0] for unit in institutions)
        assert prefixes["U"] == 2
        assert prefixes["campus"] == 2
        assert prefixes["W"] == OrgUnit.objects.filter(kind=OrgUnitKind.HEALTH_COMMISSION).count() == 5
        assert OrgUnit.objects.get(name="福清市医院").code == "H350181001"

    def test_logins(self):
        expected = {
            "admin": ("630000", "system_admin"),
            "fujian": ("350000", "programme_office"),
            "changji": ("W652300", "programme_office"),
            "qinghai": ("630000", "programme_office"),
            "qitai": (OrgUnit.objects.get(name="奇台县妇幼保健院").code, "data_clerk"),
            "baoji": (OrgUnit.objects.get(name="宝鸡市妇幼保健院").code, "data_clerk"),
            "baoji-city": ("W610300", "viewer"),
            "baoji-town": (OrgUnit.objects.get(name="眉县横渠镇中心卫生院").code, "data_clerk"),
            "qitai-doctor": ("H652325001-01", "data_clerk"),
            "fuqing-expert": ("H350181001", "expert"),
            "maqin-doctor": ("H632621001", "data_clerk"),
            "shanghai_radiologist": ("H310000001", "expert"),
            "outsider": ("460000", "viewer"),
        }
        memberships = Membership.objects.values_list("user__username", "org_unit__code", "role")
        assert {user: (unit, role) for user, unit, role in memberships} == expected
        revealing = Membership.objects.filter(reveals_personal=True).values_list("user__username", flat=True)
        assert sorted(revealing) == ["baoji", "qitai"]  # the two MCH hospitals' clerks
        assert all(user.check_password(DEMO_PASSWORD) for user in User.objects.all())
        admin = User.objects.get(username="admin")
        assert (admin.is_staff, admin.is_superuser) == (True, True)
        assert list(User.objects.filter(is_staff=True).values_list("username", flat=True)) == ["admin"]

    def test_people_have_departments_titles_and_mobile_phones(self):
        people = Person.objects.all()
        assert people.filter(department__isnull=True).count() == 0
        assert people.filter(title__isnull=True).count() == 0
        phones = list(people.values_list("phone", flat=True))
        assert len(set(phones)) == len(phones)
        assert all(len(phone) == 11 and phone.startswith("1") for phone in phones)

    def test_facts_written_by_the_services_equal_a_rebuild(self):
        columns = ("metric", "org_unit_id", "partnership_id", "programme_id", "month", "value")
        incremental = sorted(Fact.objects.values_list(*columns))
        call_command("rebuild_facts", stdout=io.StringIO())
        assert sorted(Fact.objects.values_list(*columns)) == incremental
        started, ended = Partnership.objects.count(), Partnership.objects.filter(ended_on__isnull=False).count()
        assert (started, ended, Agreement.objects.count()) == (120, 13, 108)
        partnership_cells = Fact.objects.filter(metric__lt=200).count()
        assert partnership_cells == started + ended + 108  # one cell each: no partnership has two agreements

    def test_if_empty_leaves_a_loaded_demo_alone(self):
        before = _counts()
        assert _load("--if-empty") == "The demo is already loaded; nothing to do."
        assert _counts() == before

    def test_loading_twice_without_if_empty_is_refused(self):
        before = _counts()
        with pytest.raises(CommandError, match="already loaded"):
            _load()
        assert _counts() == before

    def test_indicators_command_reports_the_s5_figures(self):
        programme = Programme.objects.get(name=scenarios.S5_PROGRAMME_PREFECTURES)
        out = io.StringIO()
        call_command(
            "indicators",
            "--indicator",
            ",".join(S5_INDICATORS),
            "--programme",
            str(programme.pk),
            "--period",
            "202307..202611",
            "--format",
            "json",
            stdout=out,
        )
        rows = {row["code"]: (row["numerator"], row["denominator"], row["value"]) for row in json.loads(out.getvalue())}
        assert rows == {
            "supporting_institutions": (55.0, None, 55.0),
            "recipient_institutions": (6.0, None, 6.0),
            "supporters_grade_3a_share": (50.0, 55.0, 91.0),
        }
