"""The regions of the five scenarios: GB/T 2260 codes, plus demo codes for the townships of Qitai and Baoji.

Township codes (nine digits, ``652325101`` …) follow the shape of the county code + a
three-digit township number (0xx 街道, 1xx 镇, 2xx 乡) but are demo codes: the twelve-digit
统计用区划代码 are not shipped.
"""

from __future__ import annotations

from typing import NamedTuple

from shanhai.core.models import OrgUnitKind
from shanhai.demo.builder import DemoBuilder

P, D, C, T = OrgUnitKind.PROVINCE, OrgUnitKind.PREFECTURE, OrgUnitKind.COUNTY, OrgUnitKind.TOWNSHIP


class Region(NamedTuple):
    code: str
    name: str
    kind: str
    parent: str | None
    short_name: str = ""


REGIONS: tuple[Region, ...] = (
    # Supporting provinces and cities (S5 programme B, S2, S3).
    Region("110000", "北京市", P, None),
    Region("120000", "天津市", P, None),
    Region("310000", "上海市", P, None),
    Region("320000", "江苏省", P, None),
    Region("320100", "南京市", D, "320000"),
    Region("320200", "无锡市", D, "320000"),
    Region("320300", "徐州市", D, "320000"),
    Region("320400", "常州市", D, "320000"),
    Region("320500", "苏州市", D, "320000"),
    Region("320600", "南通市", D, "320000"),
    Region("321000", "扬州市", D, "320000"),
    Region("321300", "宿迁市", D, "320000"),
    Region("330000", "浙江省", P, None),
    Region("330100", "杭州市", D, "330000"),
    Region("330200", "宁波市", D, "330000"),
    Region("330300", "温州市", D, "330000"),
    Region("330400", "嘉兴市", D, "330000"),
    Region("330500", "湖州市", D, "330000"),
    Region("330600", "绍兴市", D, "330000"),
    Region("330700", "金华市", D, "330000"),
    Region("330800", "衢州市", D, "330000"),
    Region("350000", "福建省", P, None),
    Region("350100", "福州市", D, "350000"),
    Region("350181", "福清市", C, "350100"),
    Region("350200", "厦门市", D, "350000"),
    Region("350300", "莆田市", D, "350000"),
    Region("350400", "三明市", D, "350000"),
    Region("350500", "泉州市", D, "350000"),
    Region("350600", "漳州市", D, "350000"),
    Region("370000", "山东省", P, None),
    Region("370100", "济南市", D, "370000"),
    Region("370200", "青岛市", D, "370000"),
    Region("370300", "淄博市", D, "370000"),
    Region("370600", "烟台市", D, "370000"),
    Region("370700", "潍坊市", D, "370000"),
    Region("370800", "济宁市", D, "370000"),
    Region("371300", "临沂市", D, "370000"),
    Region("371400", "德州市", D, "370000"),
    Region("371500", "聊城市", D, "370000"),
    # S4: Baoji and its districts and counties.
    Region("610000", "陕西省", P, None),
    Region("610300", "宝鸡市", D, "610000"),
    Region("610302", "渭滨区", C, "610300"),
    Region("610303", "金台区", C, "610300"),
    Region("610304", "陈仓区", C, "610300"),
    Region("610305", "凤翔区", C, "610300"),
    Region("610323", "岐山县", C, "610300"),
    Region("610324", "扶风县", C, "610300"),
    Region("610326", "眉县", C, "610300"),
    Region("610327", "陇县", C, "610300"),
    Region("610328", "千阳县", C, "610300"),
    Region("610329", "麟游县", C, "610300"),
    Region("610330", "凤县", C, "610300"),
    Region("610331", "太白县", C, "610300"),
    # S4: Baoji's streets (街道, demo codes 0xx) and towns (镇, 1xx), for the MCH residences.
    Region("610302001", "经二路街道", T, "610302"),
    Region("610302002", "清姜街道", T, "610302"),
    Region("610302003", "姜谭街道", T, "610302"),
    Region("610302004", "桥南街道", T, "610302"),
    Region("610302005", "马营街道", T, "610302"),
    Region("610302006", "石鼓街道", T, "610302"),
    Region("610302101", "高家镇", T, "610302"),
    Region("610302102", "八鱼镇", T, "610302"),
    Region("610302103", "神农镇", T, "610302"),
    Region("610303001", "东风路街道", T, "610303"),
    Region("610303002", "中山东路街道", T, "610303"),
    Region("610303003", "中山西路街道", T, "610303"),
    Region("610303004", "西关街道", T, "610303"),
    Region("610303005", "群众路街道", T, "610303"),
    Region("610303006", "卧龙寺街道", T, "610303"),
    Region("610303007", "陈仓街道", T, "610303"),
    Region("610303008", "十里铺街道", T, "610303"),
    Region("610303101", "蟠龙镇", T, "610303"),
    Region("610303102", "金河镇", T, "610303"),
    Region("610303103", "硖石镇", T, "610303"),
    Region("610304001", "虢镇街道", T, "610304"),
    Region("610304002", "千渭街道", T, "610304"),
    Region("610304101", "阳平镇", T, "610304"),
    Region("610304102", "千河镇", T, "610304"),
    Region("610304103", "县功镇", T, "610304"),
    Region("610304104", "天王镇", T, "610304"),
    Region("610304105", "周原镇", T, "610304"),
    Region("610305001", "城关街道", T, "610305"),
    Region("610305101", "柳林镇", T, "610305"),
    Region("610305102", "虢王镇", T, "610305"),
    Region("610305103", "彪角镇", T, "610305"),
    Region("610305104", "横水镇", T, "610305"),
    Region("610305105", "陈村镇", T, "610305"),
    Region("610323001", "凤鸣街道", T, "610323"),
    Region("610323101", "蔡家坡镇", T, "610323"),
    Region("610323102", "益店镇", T, "610323"),
    Region("610323103", "蒲村镇", T, "610323"),
    Region("610323104", "青化镇", T, "610323"),
    Region("610323105", "京当镇", T, "610323"),
    Region("610324001", "城关街道", T, "610324"),
    Region("610324101", "法门镇", T, "610324"),
    Region("610324102", "绛帐镇", T, "610324"),
    Region("610324103", "天度镇", T, "610324"),
    Region("610324104", "杏林镇", T, "610324"),
    Region("610324105", "召公镇", T, "610324"),
    Region("610326001", "首善街道", T, "610326"),
    Region("610326101", "横渠镇", T, "610326"),
    Region("610326102", "齐镇", T, "610326"),
    Region("610326103", "槐芽镇", T, "610326"),
    Region("610326104", "汤峪镇", T, "610326"),
    Region("610326105", "金渠镇", T, "610326"),
    Region("610327001", "城关街道", T, "610327"),
    Region("610327101", "东风镇", T, "610327"),
    Region("610327102", "八渡镇", T, "610327"),
    Region("610327103", "温水镇", T, "610327"),
    Region("610327104", "曹家湾镇", T, "610327"),
    Region("610328001", "城关街道", T, "610328"),
    Region("610328101", "崔家头镇", T, "610328"),
    Region("610328102", "南寨镇", T, "610328"),
    Region("610328103", "张家塬镇", T, "610328"),
    Region("610329001", "九成宫街道", T, "610329"),
    Region("610329101", "崔木镇", T, "610329"),
    Region("610329102", "招贤镇", T, "610329"),
    Region("610329103", "两亭镇", T, "610329"),
    Region("610330001", "双石铺街道", T, "610330"),
    Region("610330101", "凤州镇", T, "610330"),
    Region("610330102", "黄牛铺镇", T, "610330"),
    Region("610330103", "留凤关镇", T, "610330"),
    Region("610331001", "咀头街道", T, "610331"),
    Region("610331101", "桃川镇", T, "610331"),
    Region("610331102", "鹦鸽镇", T, "610331"),
    Region("610331103", "靖口镇", T, "610331"),
    # S2 and S5: Qinghai.
    Region("630000", "青海省", P, None),
    Region("630100", "西宁市", D, "630000"),
    Region("630200", "海东市", D, "630000"),
    Region("632200", "海北藏族自治州", D, "630000", "海北州"),
    Region("632224", "刚察县", C, "632200"),
    Region("632300", "黄南藏族自治州", D, "630000", "黄南州"),
    Region("632323", "泽库县", C, "632300"),
    Region("632324", "河南蒙古族自治县", C, "632300", "河南县"),
    Region("632500", "海南藏族自治州", D, "630000", "海南州"),
    Region("632522", "同德县", C, "632500"),
    Region("632600", "果洛藏族自治州", D, "630000", "果洛州"),
    Region("632621", "玛沁县", C, "632600"),
    Region("632622", "班玛县", C, "632600"),
    Region("632623", "甘德县", C, "632600"),
    Region("632624", "达日县", C, "632600"),
    Region("632625", "久治县", C, "632600"),
    Region("632626", "玛多县", C, "632600"),
    Region("632700", "玉树藏族自治州", D, "630000", "玉树州"),
    Region("632701", "玉树市", C, "632700"),
    Region("632722", "杂多县", C, "632700"),
    Region("632723", "称多县", C, "632700"),
    Region("632724", "治多县", C, "632700"),
    Region("632725", "囊谦县", C, "632700"),
    Region("632726", "曲麻莱县", C, "632700"),
    Region("632800", "海西蒙古族藏族自治州", D, "630000", "海西州"),
    # S1 and S3: Changji, with Qitai's townships (demo codes).
    Region("650000", "新疆维吾尔自治区", P, None, "新疆"),
    Region("652300", "昌吉回族自治州", D, "650000", "昌吉州"),
    Region("652301", "昌吉市", C, "652300"),
    Region("652302", "阜康市", C, "652300"),
    Region("652323", "呼图壁县", C, "652300"),
    Region("652324", "玛纳斯县", C, "652300"),
    Region("652325", "奇台县", C, "652300"),
    Region("652327", "吉木萨尔县", C, "652300"),
    Region("652328", "木垒哈萨克自治县", C, "652300", "木垒县"),
    Region("652325101", "老奇台镇", T, "652325"),
    Region("652325102", "半截沟镇", T, "652325"),
    Region("652325103", "吉布库镇", T, "652325"),
    Region("652325104", "东湾镇", T, "652325"),
    Region("652325105", "西地镇", T, "652325"),
    Region("652325106", "碧流河镇", T, "652325"),
    Region("652325107", "三个庄子镇", T, "652325"),
    Region("652325201", "五马场乡", T, "652325"),
    # The outsider's province, unrelated to every scenario.
    Region("460000", "海南省", P, None),
)

QITAI_TOWNSHIPS = tuple(region for region in REGIONS if region.parent == "652325")
#: Baoji's streets and towns (where the S4 women live), by county code.
BAOJI_TOWNSHIPS: dict[str, tuple[Region, ...]] = {
    county.code: tuple(r for r in REGIONS if r.parent == county.code) for county in REGIONS if county.parent == "610300"
}


def build_regions(builder: DemoBuilder) -> None:
    for region in REGIONS:
        builder.region(
            code=region.code, name=region.name, kind=region.kind, parent=region.parent, short_name=region.short_name
        )
