"""The demo towns as the plan describes them: Xinmiao (新妙镇) and a small neighbour, Nantuo.

Officials appear by their posts, never by name. Administrative codes of villages are
illustrative (the district code 500102 is Fuling's).
"""

from __future__ import annotations

from communityedu.organization.constants import UnitType

DISTRICT = {"code": "500102", "name": "涪陵区"}

# The demo's published sign-in: every demo staff account, and the demo resident (张秀英) by phone and PIN.
DEMO_PASSWORD = "Xinmiao@2020"  # noqa: S105 - published demo credential, loaded only by the demo loader
DEMO_RESIDENT_PHONE = "13800000000"
DEMO_RESIDENT_PIN = "202020"

XINMIAO = {
    "slug": "xinmiao",
    "name": "新妙镇",
    "code": "500102118",
    # (name, code, resident population 2020, resident population this year)
    "villages": [
        ("十字村", "500102118201", 1720, 1664),
        ("平政村", "500102118202", 1580, 1531),
        ("开平村", "500102118203", 1465, 1410),
        ("庆林村", "500102118204", 1390, 1342),
        ("游江村", "500102118205", 1655, 1601),
        ("北门村", "500102118206", 1510, 1466),
        ("弋阳村", "500102118207", 1840, 1792),
        ("岔河村", "500102118208", 1430, 1379),
        ("大岭村", "500102118209", 1275, 1228),
        ("适园村", "500102118210", 1360, 1311),
        ("白鹤村", "500102118211", 1545, 1497),
        ("郑家村", "500102118212", 1490, 1442),
        ("玉泉村", "500102118213", 1615, 1560),
        ("德新村", "500102118214", 1405, 1356),
        ("行政村", "500102118215", 1330, 1288),
        ("互助村", "500102118216", 1560, 1507),
        ("普陀村", "500102118217", 1475, 1421),
        ("小坪村", "500102118218", 1340, 1296),
        ("群护社区", "500102118001", 3990, 4135),
    ],
}

NANTUO = {
    "slug": "nantuo",
    "name": "南沱镇",
    "code": "500102119",
    "villages": [
        ("南沱社区", "500102119001", 2100, 2050),
        ("关东村", "500102119201", 1350, 1302),
        ("石佛村", "500102119202", 1180, 1141),
    ],
}

# (name, type, aliases, member of the leadership group, duties)
DEPARTMENTS = [
    (
        "综合文化服务中心",
        UnitType.PARTY_GOVERNMENT_ORGAN,
        ["文化服务中心", "镇文化服务中心"],
        True,
        [
            "指导、协调社区文化活动",
            "强化社区教育的新闻宣传、舆论导向",
            "承载社区学校和社区教育大讲堂",
        ],
    ),
    (
        "教育管理中心",
        UnitType.PARTY_GOVERNMENT_ORGAN,
        ["教育中心", "教管中心"],
        True,
        ["牵头成立社区学校", "落实专人负责本辖区社区教育的统筹管理和业务指导"],
    ),
    ("党群办", UnitType.PARTY_GOVERNMENT_ORGAN, ["党群工作办公室"], True, ["整合协调各类教育培训资源，实行人财物共享"]),
    ("党政办", UnitType.PARTY_GOVERNMENT_ORGAN, ["党政办公室"], True, ["整合协调各类教育培训资源，实行人财物共享"]),
    ("市场办", UnitType.PARTY_GOVERNMENT_ORGAN, [], True, ["整合协调各类教育培训资源，实行人财物共享"]),
    (
        "人力社保所",
        UnitType.PARTY_GOVERNMENT_ORGAN,
        ["社保所"],
        True,
        ["负责专业技术、技能人才社区教育政策性经费到位"],
    ),
    ("平安办", UnitType.PARTY_GOVERNMENT_ORGAN, [], True, ["整合协调各类教育培训资源，实行人财物共享"]),
    ("民政办", UnitType.PARTY_GOVERNMENT_ORGAN, [], False, ["指导全镇开展多种形式的社区教育活动"]),
    ("司法所", UnitType.PARTY_GOVERNMENT_ORGAN, [], False, ["培训指导社区教育调解组"]),
    ("妇联", UnitType.MASS_ORGANIZATION, ["镇妇联"], True, ["整合协调各类教育培训资源，实行人财物共享"]),
    ("团委", UnitType.MASS_ORGANIZATION, ["镇团委"], True, ["整合协调各类教育培训资源，实行人财物共享"]),
    (
        "涪陵第十中学",
        UnitType.SCHOOL,
        ["涪十中"],
        True,
        ["搞好“六一、五四、元旦、国庆”活动", "办好四点半课堂", "办好留守儿童之家"],
    ),
    ("新妙派出所", UnitType.EXTERNAL_UNIT, ["派出所"], False, ["培训指导社区教育调解组"]),
]

# Member departments that are public institutions (事业单位), not party and government organs
# (党政机关): the learning-organ rate does not count them.
PUBLIC_INSTITUTIONS = ("综合文化服务中心", "教育管理中心")

TEAMS = [
    "社区教育坝坝舞队",
    "社区教育洋号队",
    "社区教育秧歌队",
    "社区教育太极拳队",
    "社区教育表演队",
    "社区教育调解组",
    "社区教育茶社",
]

BASES = [("新妙镇社区教育玉皇观基地", ["玉皇观基地"]), ("新妙社区教育弋阳基地", ["弋阳基地"])]

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢"
    "姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
GIVEN_MALE = "伟强军平刚勇杰涛明超辉华建国志坤林斌兵德福贵成富生荣海波鹏飞龙云祥发中文武"
GIVEN_FEMALE = "芳娟敏静丽艳霞英秀兰萍玲华梅琴桂芬莉红燕婷雪琳慧娜翠凤琼群碧珍"
