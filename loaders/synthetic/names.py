"""Vocabularies of the synthetic city: places, roads, estates, people and units of Jiangyin.

Plain constant tuples, no logic and no I/O: :mod:`loaders.synthetic` draws from them with
its own seeded random generator.  Township names are the real streets and towns of Jiangyin
(division code 320281); everything below the township (community, road, estate, unit and
person names) is invented from common naming patterns and matches no real record.
"""

from __future__ import annotations

from typing import Final

# fmt: off
COUNTY_CODE: Final = "320281"
"""Jiangyin City, Wuxi, Jiangsu."""

TOWNSHIPS: Final[tuple[tuple[str, str, str, int], ...]] = (
    # (name, short name, 3-digit township code, weight: communities of the article's 83)
    ("澄江街道", "澄江", "001", 16),
    ("南闸街道", "南闸", "002", 4),
    ("云亭街道", "云亭", "003", 7),
    ("申港街道", "申港", "004", 3),
    ("夏港街道", "夏港", "005", 4),
    ("利港街道", "利港", "006", 3),
    ("璜土镇", "璜土", "100", 4),
    ("月城镇", "月城", "101", 3),
    ("青阳镇", "青阳", "102", 5),
    ("徐霞客镇", "徐霞客", "103", 4),
    ("华士镇", "华士", "104", 7),
    ("周庄镇", "周庄", "105", 6),
    ("新桥镇", "新桥", "106", 4),
    ("长泾镇", "长泾", "107", 4),
    ("顾山镇", "顾山", "108", 5),
    ("祝塘镇", "祝塘", "109", 4),
)
"""The 6 streets (街道) and 10 towns (镇) of Jiangyin."""

PARKS: Final[tuple[tuple[str, str, str, int], ...]] = (
    ("江阴高新技术产业开发区", "高新区", "400", 0),
    ("江阴临港经济开发区", "临港", "401", 0),
)
"""Development zones that administer villages of their own (whole-city preset only); the article's
83 communities all lie in the streets and towns, so their weight is 0."""

VILLAGES: Final[dict[str, int]] = {
    "澄江": 6, "南闸": 10, "云亭": 9, "申港": 8, "夏港": 8, "利港": 9,
    "璜土": 14, "月城": 10, "青阳": 13, "徐霞客": 16, "华士": 18, "周庄": 14,
    "新桥": 7, "长泾": 13, "顾山": 15, "祝塘": 12, "高新区": 8, "临港": 10,
}
"""Villages (村) per township, by short name: 200 in all, the administrative villages of the 2017
Jiangyin yearbook (200 villages, 55 communities and 43 combined village-communities in 2016).
The spread is an estimate (towns more than streets; 南闸 has 10 villages and 3 communities)."""

COMMUNITY_ROOTS: Final[tuple[str, ...]] = (
    "君山", "黄河", "虹桥", "五星", "中山", "澄康", "朝阳", "南门", "北门", "东门",
    "西门", "大桥", "长江", "延陵", "要塞", "滨江", "敔山", "芙蓉", "城中", "城东",
    "城南", "城西", "城北", "香山", "定山", "花山", "秦望", "砂山", "绮山", "南菁",
    "兴国", "春申", "暨阳", "澄南", "澄西", "澄东", "新城", "新园", "新华", "新苑",
    "锦绣", "阳光", "和平", "幸福", "丰收", "红星", "光明", "晨光", "东盛", "西郊",
    "南郊", "月湖", "璜塘", "利城", "港城", "申浦", "夏东", "云顶", "青南", "青北",
    "文林", "河塘", "北涸", "石庄", "桐岐", "马镇", "峭岐", "观山", "花港", "黄山",
    "鹅鼻", "龙山", "凤凰", "金童", "银杏", "梅园", "桃园", "竹园", "柳岸", "枫林",
    "青果", "通江", "澄宇", "怡康", "安康", "永安", "长寿", "福泰", "润华", "华泰",
    "东林", "西林", "南湖", "北湖", "后塍", "三房", "塘头", "陶城", "泗河", "杨舍",
    "璜山", "蟠龙", "白屈港", "锡澄", "澄中", "敦化", "繁荣", "建设", "友谊", "团结",
    "振兴", "前进", "新生", "育才", "书院", "学府", "文庙", "崇文", "尚贤", "澄园",
    "滨河", "湖滨", "临江", "观澜", "望江", "听涛", "江韵", "澄波", "海港", "新港",
)
"""Roots of community names (``{root}社区``), more than enough for the whole city."""

DIRECTIONS: Final[tuple[str, ...]] = ("东", "西", "南", "北", "中", "新")

ROAD_ROOTS: Final[tuple[str, ...]] = (
    "人民", "中山", "朝阳", "长江", "澄江", "虹桥", "延陵", "芙蓉", "君山", "黄山",
    "青果", "文化", "建设", "解放", "工农", "新华", "澄南", "环城", "梅园", "香山",
    "寿山", "天华", "锡澄", "通江", "滨江", "澄山", "花园", "暨阳", "五星", "春申",
    "兴澄", "东外", "西外", "迎宾", "府前", "学前", "健康", "幸福", "团结", "和平",
)
ROAD_SUFFIXES: Final[tuple[str, ...]] = ("路", "路", "路", "大道", "街")

LANES: Final[tuple[str, ...]] = (
    "西横街", "北大街", "南街", "东外街", "仓弄", "书院弄", "高巷", "孙家弄", "周家弄", "沙家巷",
    "米市弄", "河沿街", "塘头巷", "驳岸上", "竹行弄", "油车弄", "糖坊弄", "后街", "前街", "老街",
    "缪家弄", "夏家巷", "钱家弄", "顾家弄", "朱家巷", "蒋家弄", "薛家巷", "陆家弄", "许家弄", "徐家巷",
)
"""Lanes and old streets of courtyard housing (院落)."""

ESTATE_ROOTS: Final[tuple[str, ...]] = (
    "阳光", "锦绣", "怡景", "翠屏", "君悦", "金港", "澄湖", "香榭", "御景", "嘉园",
    "馨苑", "春江", "滨江", "观澜", "澄南", "梅园", "桃源", "东盛", "西城", "南苑",
    "北辰", "华府", "丽都", "花溪", "逸景", "敔山", "兴澄", "长江", "绮山", "秦望",
    "五星", "虹桥", "天华", "暨阳", "书香", "泰和", "恒润", "康乐", "福地", "新湖",
)
ESTATE_SUFFIXES: Final[tuple[str, ...]] = (
    "花园", "新村", "小区", "苑", "家园", "名邸", "府", "一村", "二村", "三村", "公寓", "雅苑",
)

SURNAMES: Final[tuple[tuple[str, int], ...]] = (
    # (surname, relative frequency in southern Jiangsu, rounded)
    ("张", 60), ("王", 55), ("陈", 55), ("周", 45), ("徐", 45), ("朱", 40), ("吴", 40), ("李", 38),
    ("刘", 30), ("钱", 25), ("沈", 25), ("黄", 25), ("顾", 24), ("缪", 20), ("夏", 18), ("蒋", 18),
    ("陆", 18), ("许", 18), ("孙", 17), ("赵", 15), ("高", 14), ("杨", 14), ("何", 12), ("季", 12),
    ("薛", 12), ("承", 10), ("包", 10), ("龚", 10), ("邵", 10), ("曹", 10), ("范", 9), ("郁", 9),
    ("华", 9), ("汤", 8), ("殷", 8), ("奚", 7), ("章", 7), ("邢", 7), ("谢", 7), ("贡", 6),
    ("袁", 6), ("胡", 6), ("马", 6), ("孔", 5), ("尤", 5), ("卞", 5), ("瞿", 5), ("花", 4),
)

GIVEN_MALE: Final[tuple[str, ...]] = (
    "伟", "强", "军", "平", "刚", "杰", "斌", "勇", "明", "华", "建", "国", "志", "荣", "忠",
    "新", "兴", "东", "林", "峰", "涛", "波", "磊", "超", "浩", "宇", "俊", "晨", "洋", "鑫",
    "金", "根", "福", "宝", "庆", "祥", "海", "江", "春", "永", "文", "德", "达", "良", "益",
)
GIVEN_FEMALE: Final[tuple[str, ...]] = (
    "芳", "娟", "敏", "静", "丽", "艳", "娜", "燕", "霞", "玲", "萍", "红", "英", "华", "梅",
    "兰", "琴", "凤", "珍", "秀", "芬", "云", "婷", "雪", "颖", "倩", "佳", "欣", "洁", "慧",
    "琳", "月", "菊", "妹", "彩", "亚", "晓", "丹", "蓉", "莉", "怡", "悦", "文", "春", "素",
)

MOBILE_PREFIXES: Final[tuple[str, ...]] = (
    "130", "131", "132", "133", "135", "136", "137", "138", "139", "147", "150", "151",
    "152", "153", "155", "156", "157", "158", "159", "166", "173", "177", "180", "181",
    "182", "183", "186", "187", "188", "189", "198", "199",
)

ORIGIN_REGIONS: Final[tuple[str, ...]] = (
    "341221", "341222", "341225", "342221", "321322", "321323", "321324", "320826",
    "320323", "412723", "411522", "513030", "522121", "362330", "432524", "370882",
)
"""County codes of the places most floating households come from (northern Jiangsu,
Anhui, Henan, Sichuan, Guizhou, Jiangxi, Hunan, Shandong); used for their heads' IDs."""

ENTERPRISE_CHARS: Final[tuple[str, ...]] = (
    "恒", "润", "华", "澄", "利", "申", "新", "通", "宏", "兴", "达", "锦", "泰", "明", "盛",
    "嘉", "天", "鑫", "远", "顺", "协", "联", "长", "永", "富", "康", "益", "捷", "骏", "腾",
)
INDUSTRIES: Final[tuple[str, ...]] = (
    "纺织", "机械", "电子", "化工", "新材料", "物流", "建设", "食品", "科技", "精密制造",
    "包装", "服饰", "金属制品", "电力设备", "汽车零部件", "印染",
)

BANKS: Final[tuple[str, ...]] = (
    "中国工商银行", "中国农业银行", "中国银行", "中国建设银行", "交通银行", "江苏江阴农村商业银行",
    "江苏银行", "招商银行", "中国邮政储蓄银行", "无锡农村商业银行", "兴业银行", "中信银行",
    "中国人寿保险", "中国人民财产保险",
)

ASSOCIATIONS: Final[tuple[str, ...]] = (
    "江阴市个体劳动者协会", "江阴市物业管理协会", "江阴市餐饮行业协会", "江阴市青年企业家协会",
    "江阴市女企业家协会", "江阴市老年人体育协会", "江阴市志愿者协会", "江阴市律师协会",
    "江阴市家政服务行业协会", "江阴市新市民联合会", "江阴市房屋租赁协会", "江阴市退役军人协会",
)
"""Extra chambers and associations beside the generated ``{place}商会`` and ``{trade}行业协会``."""

SOCIAL_ROOTS: Final[tuple[str, ...]] = (
    "暖阳", "红枫", "同心", "乐龄", "益心", "善缘", "馨家", "邻里", "微光", "向日葵",
    "春晖", "德馨", "澄心", "大爱", "启航", "彩虹", "蒲公英", "知行", "和美", "守望",
    "萤火", "众益", "安心", "成长", "阳光", "绿叶", "常青", "金色", "晴天", "手拉手",
)
SOCIAL_SERVICES: Final[tuple[str, ...]] = (
    "社工", "养老", "助残", "青少年", "家庭", "心理", "法律", "健康", "文体", "环保", "助学", "调解",
)
SOCIAL_TYPES: Final[tuple[str, ...]] = (
    "社会工作服务中心", "服务社", "公益服务中心", "志愿服务队", "发展中心", "工作室",
)

PROPERTY_PREFIXES: Final[tuple[str, ...]] = ("江阴市", "江阴", "江苏")
PROPERTY_SUFFIXES: Final[tuple[str, ...]] = ("物业管理有限公司", "物业服务有限公司", "物业有限公司")

GOVERNMENT_UNITS: Final[tuple[tuple[str, str], ...]] = (
    # (template with {street} / {short}, 2-character credit-code category: 11 organ, 12 institution)
    ("江阴市公安局{short}派出所", "11"),
    ("江阴市综合行政执法局{short}中队", "11"),
    ("{street}司法所", "11"),
    ("{street}社区卫生服务中心", "12"),
    ("江阴市市场监督管理局{short}分局", "11"),
    ("{street}人力资源和社会保障服务所", "12"),
    ("{street}退役军人服务站", "12"),
    ("{street}综合文化站", "12"),
)

ALLIANCE_THEMES: Final[tuple[tuple[str, int], ...]] = (
    # (theme, weight for community-led alliances)
    ("融联共建", 30),
    ("红色物业", 18),
    ("公益同心", 10),
    ("同心共治", 12),
    ("银企同行", 6),
    ("乐龄守护", 8),
    ("法润万家", 5),
    ("平安联防", 6),
    ("六方联动", 5),
)
# fmt: on

# fmt: off
APPEAL_TITLES: Final[dict[str, tuple[str, ...]]] = {
    # what residents raise (诉求), by category: invented titles in the style of grid work orders
    "HOUSING_SAFETY": ("楼顶渗漏", "外墙瓷砖脱落隐患", "楼道墙面开裂", "阳台栏杆松动", "雨棚破损"),
    "SANITATION": ("垃圾清运不及时", "楼道堆放杂物", "绿化带垃圾堆积", "化粪池堵塞", "垃圾分类投放点异味"),
    "PROPERTY_SERVICE": ("电梯故障停运", "物业费收支不透明", "门禁系统损坏", "保洁不到位", "物业响应慢"),
    "ELDERLY_CARE": ("独居老人助餐", "适老化改造申请", "上门助浴服务", "养老补贴咨询", "老人日间照料"),
    "PARKING": ("小区车位不足", "僵尸车长期占位", "电动车充电桩不足", "消防通道被占用", "外来车辆乱停"),
    "NEIGHBOUR_DISPUTE": ("楼上噪音扰民", "楼上渗水纠纷", "公共空间被占用", "宠物扰民", "违章搭建纠纷"),
    "PUBLIC_SAFETY": ("监控探头损坏", "路灯不亮", "电动车楼道充电", "可疑人员出入", "围墙破损"),
    "FACILITIES": ("水管爆裂", "小区路面破损", "健身器材损坏", "楼道灯不亮", "雨水管堵塞"),
    "OTHER": ("政策咨询", "证明开具咨询", "社区活动建议", "其他事项"),
}
"""Appeal titles by category."""

LEAK_TITLES: Final = ("楼顶渗漏", "顶楼墙面渗水", "楼顶渗漏复发", "雨后屋面漏水", "楼顶防水层破损", "顶楼渗漏再次反映")
"""The recurring leak of the planted building."""

REJECTION_REASONS: Final = (
    "不属于社区受理范围，已告知反映人向相关部门反映",
    "重复反映，已并入原诉求办理",
    "属于司法诉讼事项，已引导通过法律途径解决",
    "诉求内容不明确，联系不上反映人",
)

ROUNDTABLE_TOPICS: Final = (
    "民生议题圆桌会议", "老旧小区改造协商会", "物业服务协商会", "停车难题议事会", "环境整治圆桌会",
    "邻里议事圆桌会", "为民办实事协商会",
)
# fmt: on
