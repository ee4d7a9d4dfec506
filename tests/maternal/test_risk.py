"""Five-colour grading, 国卫办妇幼发〔2017〕35号 附件2, with the items as numbered in docs/domain.md §1.4."""

import json
from datetime import date

import pytest

from shanhai.maternal.risk import DATA_DIR, Colour, RiskCatalogue, Status, grade


@pytest.fixture(scope="module")
def catalogue() -> RiskCatalogue:
    return RiskCatalogue.load("cn-2017")


def test_green_row_alone_grades_green(catalogue):
    """§1.2 green row: basic condition good, no comorbidity or complication."""
    grading = grade(catalogue, ["green.1"])
    assert grading.colour is Colour.GREEN
    assert grading.purple is False
    assert [f.code for f in grading.factors_by_colour[Colour.GREEN]] == ["green.1"]


def test_no_factor_grades_green(catalogue):
    grading = grade(catalogue, [])
    assert grading.colour is Colour.GREEN
    assert grading.purple is False
    assert grading.factors_by_colour == {colour: () for colour in Colour}


def test_yellow_1_1_age_35_or_over_grades_yellow(catalogue):
    """Yellow 1.1: age ≥35 or ≤18."""
    factor = catalogue.factor("yellow.1.1")
    assert (factor.item, factor.text_zh, factor.status) == ("1.1", "年龄≥35岁或≤18岁", Status.CONFIRMED)
    assert grade(catalogue, ["yellow.1.1"]).colour is Colour.YELLOW


def test_yellow_2_6_2_anaemia_hb_60_110_grades_yellow(catalogue):
    """Yellow 2.6.2: anaemia with Hb 60–110 g/L."""
    assert grade(catalogue, ["yellow.2.6.2"]).colour is Colour.YELLOW


def test_orange_3_7_severe_pre_eclampsia_grades_orange(catalogue):
    """Orange 3.7: severe pre-eclampsia; chronic hypertension with superimposed pre-eclampsia."""
    assert catalogue.factor("orange.3.7").item == "3.7"
    grading = grade(catalogue, ["orange.3.7"])
    assert (grading.colour, grading.purple) == (Colour.ORANGE, False)


def test_orange_basic_age_40_grades_orange(catalogue):
    """Orange section 1: age ≥40 (domain.md gives no item number)."""
    assert grade(catalogue, ["orange.1.age_40"]).colour is Colour.ORANGE


def test_red_1_1_1_pulmonary_hypertension_50_grades_red(catalogue):
    """Red 1.1.1: pulmonary hypertension of any cause ≥50 mmHg, the one confirmed red item."""
    factor = catalogue.factor("red.1.1.1")
    assert (factor.item, factor.status) == ("1.1.1", Status.CONFIRMED)
    assert grade(catalogue, ["red.1.1.1"]).colour is Colour.RED


def test_purple_syphilis_alone_grades_green_with_purple_flag(catalogue):
    """Purple (传染病): syphilis; with nothing else the colour is green and purple is flagged."""
    grading = grade(catalogue, ["purple.syphilis"])
    assert (grading.colour, grading.purple) == (Colour.GREEN, True)
    assert [f.code for f in grading.factors_by_colour[Colour.PURPLE]] == ["purple.syphilis"]


def test_highest_colour_wins_yellow_1_1_and_red_1_1_1_is_red(catalogue):
    """附件2 footnote: a woman meeting several colours gets the highest."""
    grading = grade(catalogue, ["yellow.1.1", "red.1.1.1"])
    assert (grading.colour, grading.purple) == (Colour.RED, False)
    assert [f.code for f in grading.factors_by_colour[Colour.YELLOW]] == ["yellow.1.1"]
    assert [f.code for f in grading.factors_by_colour[Colour.RED]] == ["red.1.1.1"]


def test_highest_wins_regardless_of_order(catalogue):
    codes = ["orange.3.5", "yellow.1.6", "green.1", "yellow.1.2"]
    assert grade(catalogue, codes).colour is Colour.ORANGE
    assert grade(catalogue, list(reversed(codes))).colour is Colour.ORANGE


def test_purple_co_exists_orange_3_6_and_purple_hiv_is_orange_with_flag(catalogue):
    """附件2 footnote: purple co-exists with another colour; orange 3.6 (twins) + HIV → orange and purple."""
    grading = grade(catalogue, ["orange.3.6", "purple.hiv_aids"])
    assert (grading.colour, grading.purple) == (Colour.ORANGE, True)


def test_repeated_code_counts_once(catalogue):
    grading = grade(catalogue, ["yellow.1.1", "yellow.1.1"])
    assert len(grading.factors_by_colour[Colour.YELLOW]) == 1


def test_unknown_code_raises_with_the_code_and_catalogue(catalogue):
    with pytest.raises(ValueError, match=r"^unknown risk factor codes in catalogue 'cn-2017': 'yellow\.9\.9', 'nope'$"):
        grade(catalogue, ["yellow.1.1", "yellow.9.9", "nope"])


def test_colour_order_and_purple_is_not_comparable():
    assert Colour.GREEN < Colour.YELLOW < Colour.ORANGE < Colour.RED
    assert max(Colour.YELLOW, Colour.RED, Colour.ORANGE) is Colour.RED
    with pytest.raises(TypeError):
        _ = Colour.PURPLE > Colour.GREEN
    with pytest.raises(TypeError):
        _ = Colour.RED > "green"


def test_province_override_recolouring_a_factor_changes_the_grade(catalogue):
    """§1.9: provinces adapt the table; recolour yellow 1.4 (contracted pelvis) to orange."""
    assert grade(catalogue, ["yellow.1.4"]).colour is Colour.YELLOW
    province = catalogue.with_override(
        {"version": "xj-2026-test", "region": "65", "base_version": "cn-2017", "recolour": {"yellow.1.4": "orange"}}
    )
    assert (province.version, province.region) == ("xj-2026-test", "65")
    assert grade(province, ["yellow.1.4"]).colour is Colour.ORANGE
    assert grade(catalogue, ["yellow.1.4"]).colour is Colour.YELLOW


def test_province_override_adds_and_removes_factors(catalogue):
    """§1.9 Zhejiang 2018: red adds a history of uterine rupture."""
    province = catalogue.with_override(
        {
            "version": "zj-2018-test",
            "region": "33",
            "valid_from": "2018-01-01",
            "remove": ["yellow.3.twin_pregnancy"],
            "add": [
                {
                    "code": "red.zj.uterine_rupture_history",
                    "colour": "red",
                    "item": None,
                    "category": "basic",
                    "text_zh": "子宫破裂史",
                    "status": "partly_confirmed",
                }
            ],
        }
    )
    assert province.valid_from == date(2018, 1, 1)
    assert len(province.factors) == len(catalogue.factors)
    assert "yellow.3.twin_pregnancy" not in province
    assert grade(province, ["red.zj.uterine_rupture_history"]).colour is Colour.RED
    with pytest.raises(ValueError, match="unknown risk factor codes"):
        grade(province, ["yellow.3.twin_pregnancy"])


@pytest.mark.parametrize(
    ("override", "message"),
    [
        (
            {"version": "x", "region": "x", "base_version": "cn-2018"},
            "the override is for catalogue 'cn-2018', not 'cn-2017'",
        ),
        ({"version": "x", "region": "x", "recolour": {"nope": "red"}}, "recolours the unknown factor code 'nope'"),
        ({"version": "x", "region": "x", "recolour": {"yellow.1.1": "pink"}}, "to the unknown colour 'pink'"),
        ({"version": "x", "region": "x", "remove": ["nope"]}, "removes the unknown factor code 'nope'"),
        (
            {
                "version": "x",
                "region": "x",
                "add": [{"code": "yellow.1.1", "colour": "yellow", "category": "basic", "text_zh": "重复"}],
            },
            "adds the factor code 'yellow.1.1', which already exists",
        ),
        ({"region": "x"}, "the override lacks the field 'version'"),
    ],
)
def test_invalid_override_is_refused(catalogue, override, message):
    with pytest.raises(ValueError, match=message):
        catalogue.with_override(override)


def test_unknown_version_is_refused():
    with pytest.raises(ValueError, match=r"no risk catalogue 'cn-1999' is shipped; available: cn-2017"):
        RiskCatalogue.load("cn-1999")


def test_shipped_json_has_unique_codes_valid_colours_and_a_citation():
    raw = json.loads((DATA_DIR / "risk_catalogue_cn_2017.json").read_text(encoding="utf-8"))
    assert raw["version"] == "cn-2017"
    assert "国卫办妇幼发〔2017〕35号" in raw["source"]
    date.fromisoformat(raw["valid_from"])
    codes = [f["code"] for f in raw["factors"]] + [s["code"] for s in raw["screening_items"]]
    assert len(codes) == len(set(codes))
    colours = {c.value for c in Colour}
    statuses = {s.value for s in Status}
    for factor in raw["factors"]:
        assert factor["colour"] in colours, factor["code"]
        assert factor["code"].startswith(factor["colour"] + "."), factor["code"]
        assert factor["status"] in statuses, factor["code"]
        assert factor["text_zh"] and factor["text_en"] and factor["category"], factor["code"]
    for item in raw["screening_items"]:
        assert "colour" not in item
        assert item["status"] in statuses, item["code"]


def test_factor_counts_per_colour_and_status(catalogue):
    """Pins the transcription of domain.md §1.3–1.4 so an edit to the data is a deliberate one."""
    assert {c: len(catalogue.factors_of(c)) for c in Colour} == {
        Colour.GREEN: 1,
        Colour.YELLOW: 31,
        Colour.ORANGE: 18,
        Colour.RED: 40,
        Colour.PURPLE: 7,
    }
    assert len(catalogue.screening_items) == 31
    assert sum(1 for item in catalogue.screening_items if item.is_marked_with_asterisk) == 7
    unconfirmed = {f.code for f in catalogue.factors if f.status is Status.UNCONFIRMED}
    assert {"orange.3.1", "orange.3.2", "orange.3.3", "orange.3.4"} <= unconfirmed
    assert len(unconfirmed) == 41  # the yellow twin factor is partly confirmed (issue 14)


def test_every_yellow_item_numbered_in_domain_md_is_present(catalogue):
    """Yellow 1.1–1.9 and 2.1–2.9 (2.6 split into 2.6.1 and 2.6.2) of 附件2."""
    items = {f.item for f in catalogue.factors_of(Colour.YELLOW) if f.item}
    expected = {f"1.{n}" for n in range(1, 10)} | {f"2.{n}" for n in (1, 2, 3, 4, 5, 7, 8, 9)} | {"2.6.1", "2.6.2"}
    assert items == expected
    orange_items = {f.item for f in catalogue.factors_of(Colour.ORANGE)}
    assert orange_items == {"1"} | {f"2.{n}" for n in range(1, 8)} | {f"3.{n}" for n in range(1, 10)}


def test_twins_are_yellow_alone_and_orange_with_reduced_heart_or_lung_function() -> None:
    """Issue 14: the two twin factors are not a duplicate — the national annex's orange 3.6 needs reduced
    heart/lung function; ticking both grades orange."""
    catalogue = RiskCatalogue.load()
    assert "不伴心肺功能减退" in catalogue.factor("yellow.3.twin_pregnancy").text_zh
    assert "心肺功能减退" in catalogue.factor("orange.3.6").text_zh
    assert grade(catalogue, ["yellow.3.twin_pregnancy", "orange.3.6"]).colour == Colour.ORANGE
