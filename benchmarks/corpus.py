"""A labelled synthetic corpus for measuring privaudit.

``generate(out_dir, seed=7, rows=2000)`` writes data files under ``out_dir/data/`` and,
next to them, ``labels.jsonl`` / ``columns.json`` / ``damaged.jsonl`` (see
``benchmarks/_labels.py``).  Labels are computed while generating — every value is
placed by this script, so it knows where it is — never by running privaudit.

Faker zh_CN supplies names, e-mails and IPs (seeded, pooled); its gaps are filled here:
resident IDs with correct checksums over current *and* historical region codes,
81/82/83 permits, foreigners' 9-prefixed IDs and ~5 % children under 14 (ages relative
to today's date); mobiles over every assigned segment; Luhn-valid 16–19-digit bank cards;
USCCs with valid organisation and check characters (first characters 9, 1, N, Y, A);
plates without I/O, including new-energy plates; addresses down to 栋/单元/室 and
village 组/号 forms.

CLI: ``python benchmarks/corpus.py [--out DIR] [--rows N] [--seed S]``.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import importlib.util
import ipaddress
import json
import sys
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _labels import Cell, Damaged, Dataset, Piece, compose, whole, write_labels  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CACHE = ROOT / "benchmarks" / ".cache"
GENERATOR_VERSION = 4

# --------------------------------------------------------------------------- constants

ID_WEIGHTS = np.array([7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2], dtype=np.int64)
ID_CHECK = "10X98765432"
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)

#: Mobile segments in use (shared/cn-identifiers.md) and segments never assigned.
ASSIGNED_SEGMENTS = (
    list(range(130, 140))
    + list(range(145, 150))
    + [150, 151, 152, 153, 155, 156, 157, 158, 159]
    + [162, 165, 166, 167]
    + list(range(170, 179))
    + list(range(180, 190))
    + [190, 191, 192, 193, 195, 196, 197, 198, 199]
)
UNASSIGNED_SEGMENTS = [154, 160, 161, 163, 164, 168, 169, 179, 194]
AREA_CODES_3 = ["010", "020", "021", "022", "023", "024", "025", "027", "028", "029"]
AREA_CODES_4 = [
    "0755",
    "0571",
    "0731",
    "0591",
    "0351",
    "0471",
    "0898",
    "0532",
    "0512",
    "0769",
    "0371",
    "0851",
    "0871",
    "0931",
    "0991",
    "0311",
    "0431",
    "0451",
    "0551",
    "0791",
]
CARD_BINS_62 = [
    "622202",
    "621700",
    "622848",
    "621661",
    "622588",
    "622260",
    "622630",
    "623058",
    "622908",
    "621483",
    "622155",
    "628288",
    "620522",
    "621226",
    "625965",
]
CARD_BINS_OTHER = ["436742", "524094", "356833", "402658", "518710"]
PLATE_PROVINCES = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼"
PLATE_LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ"  # no I, O
PLATE_CHARS = "ABCDEFGHJKLMNPQRSTUVWXYZ0123456789"
COMPOUND_SURNAMES = [
    "欧阳",
    "司马",
    "诸葛",
    "上官",
    "皇甫",
    "司徒",
    "慕容",
    "令狐",
    "东方",
    "尉迟",
    "公孙",
    "端木",
]
MINORITY_NAMES = [
    "阿卜杜拉·买买提",
    "古丽娜尔·吐尔逊",
    "艾力·肉孜",
    "热依拉·阿不都",
    "努尔兰·哈力木",
    "迪丽娜尔·艾山",
    "阿依古丽·托合提",
    "买买提江·吾守尔",
    "巴图·额尔敦",
    "帕提古丽·阿西木",
]
RARE_NAMES = ["王䶮", "陈㛃", "李㵘", "张𠇔", "刘䴉", "赵喆", "龚䶮"]
ROOTS = [
    "人民",
    "解放",
    "建设",
    "中山",
    "和平",
    "新华",
    "文化",
    "胜利",
    "朝阳",
    "长江",
    "黄河",
    "东风",
    "光明",
    "幸福",
    "青年",
    "工农",
    "健康",
    "迎宾",
    "滨河",
    "丰收",
    "兴华",
    "金桥",
    "南湖",
    "北辰",
    "翠湖",
    "望江",
    "红旗",
    "团结",
    "新民",
    "振兴",
    "长安",
    "安康",
    "锦江",
    "龙泉",
    "白云",
    "清河",
    "石桥",
    "桃源",
]
ESTATE_WORDS = [
    "阳光",
    "金色",
    "翠苑",
    "锦绣",
    "碧水",
    "华润",
    "紫薇",
    "康乐",
    "丽景",
    "怡和",
    "书香",
    "枫林",
    "春晖",
    "御景",
    "嘉和",
    "盛世",
    "香榭",
    "明珠",
    "滨江",
    "绿洲",
]
ESTATE_SUFFIX = ["小区", "花园", "苑", "家园", "新村", "公寓", "小区", "小区"]
VILLAGE_SURNAMES = [
    "李",
    "王",
    "张",
    "刘",
    "陈",
    "杨",
    "赵",
    "黄",
    "周",
    "吴",
    "徐",
    "孙",
    "马",
    "朱",
    "胡",
    "郭",
]
ETHNICITIES = ["汉族"] * 40 + [
    "回族",
    "满族",
    "壮族",
    "维吾尔族",
    "苗族",
    "彝族",
    "土家族",
    "藏族",
    "蒙古族",
    "朝鲜族",
]
RELIGIONS = ["无"] * 17 + ["佛教", "基督教", "伊斯兰教", "天主教", "道教"]
HEALTH = [
    "健康",
    "健康",
    "健康",
    "良好",
    "一般",
    "高血压",
    "糖尿病",
    "冠心病",
    "残疾（肢体二级）",
    "慢性病",
    "精神障碍",
    "视力残疾三级",
    "脑梗后遗症",
]
MARITAL = ["已婚", "已婚", "已婚", "未婚", "离异", "丧偶"]
POLITICAL = ["群众", "群众", "群众", "中共党员", "共青团员", "民主党派"]
EDUCATION = ["小学", "初中", "初中", "高中", "中专", "大专", "本科", "本科", "硕士", "博士", "文盲"]
RELATIONS = ["户主", "配偶", "子", "女", "父亲", "母亲", "孙子", "孙女", "儿媳", "女婿", "其他"]
SHORT_REMARKS = [
    "",
    "",
    "",
    "",
    "独居",
    "空巢老人",
    "低保户",
    "残疾人",
    "流动人口",
    "租户",
    "退役军人",
    "重点关注",
    "已搬离",
    "特困供养",
    "五保户",
    "新迁入",
]
PLAIN_SENTENCES = [
    "情况正常，无异常。",
    "本月走访一次，家中整洁。",
    "已告知垃圾分类相关规定。",
    "反映路灯不亮，已转物业处理。",
    "对社区服务表示满意。",
    "询问医保缴费事宜，已解答。",
    "家中老人身体状况良好。",
    "建议增加健身器材。",
    "楼道堆放杂物，已提醒清理。",
    "参加了社区组织的消防演练。",
    "近期无外出计划。",
    "已发放防汛宣传材料。",
]
#: Free-text distractors (not in PLAIN_SENTENCES: benchmarks/scan_speed.py builds its
#: register from those): ordinary words that begin with a surname character, place names
#: without a numbered unit, numbers with unit-like words, dates.
DISTRACTOR_SENTENCES = [
    "今天高温，提醒老人白天减少外出。",
    "方便面、食用油等物资已送达。",
    "安全隐患已排查完毕，无异常。",
    "常规体检结果正常。",
    "明天上午继续跟进。",
    "周边环境整治已完成。",
    "金额较大，需街道审核。",
    "马路对面施工噪音较大。",
    "黄金周期间加强巡查。",
    "钱款已当面退还。",
    "严重影响居民休息。",
    "程序合规，材料齐全。",
    "范围扩大到全村各组。",
    "于是再次上门核实。",
    "向社区反映小区停车难问题。",
    "平安社区组织志愿者开展巡逻。",
    "第3网格共有120户居民。",
    "3号楼电梯故障，已报修。",
    "2号线地铁站附近施工。",
    "全村共5个村民小组，常住人口1200人。",
    "石头堆放在路边，已清理。",
    "林地面积约30亩。",
    "万元以上支出需审批。",
    "何时办结请电话告知。",
    "高兴地表示感谢。",
    "江边散步注意安全。",
    "毛巾、牙膏等生活用品已发放。",
    "白云区、天河区均有分布。",
    "和平路口红绿灯故障。",
    "建国路沿线道路施工。",
    "张家港市来人参观学习。",
    "王府井大街商户已通知。",
    "李家村村委会召开会议。",
    "幸福小区门口积水。",
    "阳光花园三期已交付。",
    "共走访12户，其中3户无人在家。",
    "经费余额2万元。",
    "周一至周五上午9点办公。",
    "房屋面积约86平方米。",
    "两人系夫妻关系。",
    "申请材料已于5月3日提交。",
    "卫生室每周二义诊。",
    "户籍在本村，常年在外。",
    "已通知其家属，暂无回复。",
    "本人签字确认。",
    "车库3号车位漏水。",
]
#: Titles after a name (王芳阿姨) and roles before one (网格员王芳).
TITLES_AFTER = [
    "先生", "女士", "阿姨", "大爷", "大妈", "老人", "师傅", "同志", "老师", "医生", "奶奶", "爷爷",
    "大姐", "叔叔", "老板", "主任", "书记",
]  # fmt: skip
ROLES_BEFORE = [
    "户主", "居民", "村民", "业主", "租户", "申请人", "联系人", "网格员", "社区民警", "社区书记",
    "楼栋长", "志愿者", "患者", "独居老人", "低保户", "退役军人", "村医", "调解员", "房东", "物业经理",
    "其子", "其女", "其妻", "妻子", "丈夫", "母亲", "女儿", "儿子", "孙子", "监护人", "当事人",
    "被申请人", "收件人", "经办人", "记录人", "驾驶员", "保安", "快递员", "车主", "店主", "法定代表人",
    "残疾人", "租客", "产权人", "受助人", "投诉人",
]  # fmt: skip
#: Verbs before a name (通知王芳) and what follows them.
VERBS_BEFORE = [
    "通知", "提醒", "约谈", "走访了", "看望", "帮助", "慰问", "督促", "告知", "劝导", "陪同", "电话联系",
    "回访", "协助", "委托", "接待了", "询问", "批评教育了", "表扬了", "资助", "安排", "推荐", "邀请",
    "找到", "见到", "转交", "交由", "指派", "拜访", "动员",
]  # fmt: skip
#: What a name does (王芳反映小区停车难 …).
VERB_PHRASES_AFTER = [
    "反映小区停车难", "表示将配合整改", "称家中水管破裂", "说孩子已经上学", "认为补贴发放不公",
    "希望尽快维修电梯", "要求退还押金", "拒绝在笔录上签字", "同意调解方案", "签字确认", "已领取慰问品",
    "已搬走", "住院治疗中", "报警称电动车被盗", "自述腰腿疼痛", "答应周末前清理杂物", "出示了身份证原件",
    "提出廉租房申请", "咨询养老保险事宜", "投诉楼下烧烤油烟", "打电话询问进度", "去外地看病",
    "带孙子去医院", "主动缴纳物业费", "情绪激动", "无固定收入", "长期卧床", "因病致贫", "近期返乡",
    "一人独居", "今年73岁", "身体健康", "在家休养", "多次上访", "正在办理低保", "没有工作",
    "前来咨询", "到社区报到", "听力不好", "患有糖尿病",
]  # fmt: skip
RELATIONS_TEXT = ["妻子", "丈夫", "儿子", "女儿", "母亲", "父亲", "孙女", "儿媳", "女婿", "哥哥", "妹妹"]
TOWER_WORDS = ["国贸", "万达", "金茂", "世纪", "华夏", "时代", "新天地", "财富"]
GENDER_EN = {"男": ["M", "Male", "男"], "女": ["F", "Female", "女"]}
FW = str.maketrans(
    "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz",
    "０１２３４５６７８９ＡＢＣＤＥＦＧＨＩＪＫＬＭＮＯＰＱＲＳＴＵＶＷＸＹＺ"
    "ａｂｃｄｅｆｇｈｉｊｋｌｍｎｏｐｑｒｓｔｕｖｗｘｙｚ",
)


# --------------------------------------------------------------------------- checksums


def id_check(body17: str) -> str:
    """Check character of an 18-digit resident ID (GB 11643-1999)."""
    return ID_CHECK[sum(int(c) * w for c, w in zip(body17, ID_WEIGHTS, strict=True)) % 11]


def id_check_array(digits: np.ndarray) -> np.ndarray:
    """Vectorised :func:`id_check` over an ``(n, 17)`` uint8 digit matrix; returns ASCII codes."""
    sums = digits.astype(np.int64) @ ID_WEIGHTS
    table = np.frombuffer(ID_CHECK.encode(), dtype=np.uint8)
    return table[sums % 11]


def luhn_complete(body: str) -> str:
    """Append the Luhn check digit to ``body``."""
    total = 0
    for i, ch in enumerate(reversed(body)):
        d = int(ch)
        if i % 2 == 0:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return body + str((10 - total % 10) % 10)


def luhn_valid(number: str) -> bool:
    """True if ``number`` (digits) passes Luhn."""
    return luhn_complete(number[:-1]) == number


def org_code_check(body8: str) -> str:
    """Check character of a GB 11714 organisation code."""
    total = sum((int(c) if c.isdigit() else ord(c) - 55) * w for c, w in zip(body8, ORG_WEIGHTS, strict=True))
    c = 11 - total % 11
    return "X" if c == 10 else "0" if c == 11 else str(c)


def uscc_check(body17: str) -> str:
    """Check character of a unified social credit code (GB 32100-2015)."""
    total = sum(USCC_ALPHABET.index(c) * w for c, w in zip(body17, USCC_WEIGHTS, strict=True))
    return USCC_ALPHABET[(31 - total % 31) % 31]


def age_on(birth: dt.date, today: dt.date) -> int:
    """Whole years between ``birth`` and ``today``."""
    return today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))


def fullwidth(text: str) -> str:
    """ASCII digits and letters to their full-width forms."""
    return text.translate(FW)


# --------------------------------------------------------------------------- regions


def _region_names() -> dict[str, str]:
    """privaudit's region table (current and historical codes)."""
    try:
        from privaudit.identifiers.regions import region_names
    except ImportError:  # package half-built during development: load the module by path
        spec = importlib.util.spec_from_file_location(
            "_pa_regions", ROOT / "privaudit/identifiers/regions.py"
        )
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)  # type: ignore[union-attr]
        region_names = module.region_names
    return region_names()


class Regions:
    """County codes for IDs and (province, city, county) names for addresses."""

    def __init__(self) -> None:
        names = _region_names()
        self.id_codes = sorted(
            c for c in names if not c.endswith("00") and c[:2] not in ("71", "81", "82", "83")
        )
        places = []
        for code in self.id_codes:
            county = names[code]
            prov = names.get(code[:2] + "0000", "")
            city = names.get(code[:4] + "00", "")
            if any(ch in county + prov + city for ch in ",[]") or county in ("市辖区", "县", "市区", "郊区"):
                continue
            if county[-1] not in "区县市旗":
                continue
            if code[:2] in ("11", "12", "31", "50"):  # municipalities: no city level in addresses
                city = ""
            elif city in ("", "市辖区", "县", "省直辖县级行政区划") or city[-1] not in "市州盟":
                continue
            places.append((prov, city, county))
        self.places = places


# --------------------------------------------------------------------------- generator


class Gen:
    """Seeded generator of identifiers and records; Faker only fills small pools."""

    def __init__(self, seed: int = 7, today: dt.date | None = None) -> None:
        from faker import Faker

        self.today = today or dt.date.today()
        self.rng = np.random.default_rng(seed)
        fake = Faker("zh_CN")
        fake.seed_instance(seed)
        self.regions = Regions()
        self.faker_names_male = [fake.name_male() for _ in range(250)]
        self.faker_names_female = [fake.name_female() for _ in range(250)]
        self.faker_names = self.faker_names_male + self.faker_names_female
        given = [fake.first_name() for _ in range(60)]
        self.compound_names = [f"{s}{g}" for s, g in zip(COMPOUND_SURNAMES * 5, given, strict=False)]
        self.pinyin_names = [fake.romanized_name() for _ in range(100)]
        self.emails = [fake.free_email() for _ in range(300)] + [fake.email() for _ in range(100)]
        self.ipv4 = [fake.ipv4_public() for _ in range(300)] + [fake.ipv4_private() for _ in range(30)]
        self.ipv6 = [fake.ipv6() for _ in range(150)]
        self.companies = [fake.company() for _ in range(200)]
        self.streets = [fake.street_name() for _ in range(100)]

    # -- sampling helpers
    def pick(self, seq):
        """One element of ``seq``."""
        return seq[int(self.rng.integers(len(seq)))]

    def chance(self, p: float) -> bool:
        """True with probability ``p``."""
        return bool(self.rng.random() < p)

    def digits(self, n: int, first: str = "0123456789") -> str:
        """``n`` random digits, the first from ``first``."""
        d = self.rng.integers(0, 10, n).astype(np.uint8) + 48
        if first != "0123456789":
            d[0] = ord(first[int(self.rng.integers(len(first)))])
        return d.tobytes().decode("ascii")

    # -- names
    def name(self, male: bool | None = None) -> str:
        """A Chinese name: mostly Faker's, some compound surnames, minority names with ·, rare characters."""
        r = self.rng.random()
        if r < 0.90:
            pool = (
                self.faker_names
                if male is None
                else self.faker_names_male
                if male
                else self.faker_names_female
            )
            return self.pick(pool)
        if r < 0.95:
            return self.pick(self.compound_names)
        if r < 0.985:
            return self.pick(MINORITY_NAMES)
        return self.pick(RARE_NAMES)

    # -- dates and IDs
    def birth_date(self, age_lo: int, age_hi: int) -> dt.date:
        """A birth date giving an age in ``[age_lo, age_hi)``, never within 3 days of a 14th/18th birthday."""
        while True:
            days = int(self.rng.integers(int(age_lo * 365.25) + 4, int(age_hi * 365.25)))
            birth = self.today - dt.timedelta(days=days)
            if not age_lo <= age_on(birth, self.today) < age_hi:
                continue
            near = False
            for k in (14, 18):
                try:
                    anniversary = birth.replace(year=birth.year + k)
                except ValueError:  # 29 February
                    anniversary = dt.date(birth.year + k, 3, 1)
                near |= abs((anniversary - self.today).days) <= 3
            if not near:
                return birth

    def person_age(self, minors: bool = True) -> tuple[int, int]:
        """An age band: ~5 % under 14, ~4 % 14–17, the rest adults (when ``minors``)."""
        r = self.rng.random()
        if minors and r < 0.05:
            return 0, 14
        if minors and r < 0.09:
            return 14, 18
        return 18, 96

    def region_code(self) -> str:
        """A county code; 110103/110104 (withdrawn) appear often."""
        if self.chance(0.03):
            return self.pick(["110103", "110104"])
        return self.pick(self.regions.id_codes)

    def resident_id(self, birth: dt.date, male: bool, kind: str = "mainland") -> str:
        """An 18-character ID: ``mainland`` county code, ``permit`` 81/82/83, ``foreign`` 9-prefixed."""
        if kind == "permit":
            region = self.pick(["810000", "820000", "830000"])
        elif kind == "foreign":
            region = (
                "9"
                + self.pick(["11", "31", "44", "32", "33"])
                + self.pick(["840", "392", "410", "276", "250"])
            )
        else:
            region = self.region_code()
        seq = int(self.rng.integers(0, 500)) * 2 + (1 if male else 0)
        seq = max(seq, 1 if male else 2)
        body = f"{region}{birth:%Y%m%d}{seq:03d}"
        return body + id_check(body)

    def id_kind(self) -> str:
        """Mostly mainland, a few permits and foreigners' IDs."""
        r = self.rng.random()
        return "permit" if r < 0.02 else "foreign" if r < 0.025 else "mainland"

    def legacy_id(self, male: bool) -> tuple[str, dt.date]:
        """A 15-digit first-generation ID (born 1930–1985)."""
        birth = dt.date(1930, 1, 1) + dt.timedelta(days=int(self.rng.integers(0, 365 * 55)))
        seq = int(self.rng.integers(0, 500)) * 2 + (1 if male else 0)
        seq = max(seq, 1 if male else 2)
        return f"{self.region_code()}{birth:%y%m%d}{seq:03d}", birth

    def adult_id(self) -> str:
        """An 18-digit ID of an adult (20–85)."""
        return self.resident_id(self.birth_date(20, 86), self.chance(0.5))

    # -- phones
    def mobile(self) -> str:
        """An 11-digit mobile number over every assigned segment."""
        return str(self.pick(ASSIGNED_SEGMENTS)) + self.digits(8)

    def landline(self) -> str:
        """A landline written with its area code: ``010-65529988``, ``(0755)83211234-808`` …"""
        if self.chance(0.5):
            area, local = self.pick(AREA_CODES_3), self.digits(8, "2345678")
        else:
            area = self.pick(AREA_CODES_4)
            local = self.digits(8 if self.chance(0.6) else 7, "2345678")
        r = self.rng.random()
        split = len(local) - 4
        if r < 0.35:
            text = f"{area}-{local}"
        elif r < 0.5:
            text = f"{area}-{local[:split]} {local[split:]}"
        elif r < 0.65:
            text = f"({area}){local}"
        elif r < 0.75:
            text = f"（{area}）{local}"
        elif r < 0.9:
            text = f"{area} {local}"
        else:
            text = f"{area}{local}"
        if " " not in text and self.chance(0.12):
            text += "-" + self.digits(3, "123456789")
        return text

    def mobile_messy(self, number: str | None = None) -> str:
        """A mobile as people write it: ``+86 138 1234 5678``, ``138-1234-5678``, full-width …"""
        n = number or self.mobile()
        r = self.rng.random()
        if r < 0.35:
            return n
        if r < 0.45:
            return f"+86 {n[:3]} {n[3:7]} {n[7:]}"
        if r < 0.52:
            return f"+86{n}"
        if r < 0.58:
            return f"0086 {n}"
        if r < 0.62:
            return f"+86-{n}"
        if r < 0.74:
            return f"{n[:3]}-{n[3:7]}-{n[7:]}"
        if r < 0.84:
            return f"{n[:3]} {n[3:7]} {n[7:]}"
        if r < 0.94:
            return fullwidth(n)
        return f"86-{n}"

    # -- other identifiers
    def bank_card(self) -> str:
        """A Luhn-valid card number, 16–19 digits, mostly UnionPay 62 BINs."""
        if self.chance(0.85):
            bin_ = self.pick(CARD_BINS_62)
            length = self.pick([16, 16, 19, 19, 19, 17, 18])
        else:
            bin_, length = self.pick(CARD_BINS_OTHER), 16
        return luhn_complete(bin_ + self.digits(length - 7))

    def bank_card_spaced(self, card: str) -> str:
        """Groups of four separated by spaces."""
        return " ".join(card[i : i + 4] for i in range(0, len(card), 4))

    def uscc(self) -> str:
        """A valid USCC; registration authority 9, 1, N, Y or A."""
        head = self.pick(["91", "91", "91", "92", "92", "93", "12", "11", "N2", "N3", "Y1", "A1", "51", "52"])
        region = self.pick(self.regions.id_codes)
        org8 = "".join(
            self.pick("0123456789ABCDEFGHJKLMNPQRTUWXY") if self.chance(0.1) else str(self.rng.integers(10))
            for _ in range(8)
        )
        body = head + region + org8 + org_code_check(org8)
        return body + uscc_check(body)

    def passport(self) -> str:
        """E + 8 digits, E + letter + 7 digits, or the older G + 8 digits."""
        r = self.rng.random()
        if r < 0.5:
            return "E" + self.digits(8)
        if r < 0.85:
            return "E" + self.pick("ABCDEFGHJKLMNPQRSTUVWXYZ") + self.digits(7)
        return "G" + self.digits(8)

    def travel_permit(self, kinds: str = "CHML") -> str:
        """港澳通行证 C…, 回乡证 H/M… (optional 2-digit counter), 往来台湾通行证 L…."""
        kind = self.pick(kinds)
        if kind == "C":
            return "C" + (
                self.digits(8) if self.chance(0.5) else self.pick("ABCDEFGHJKLMNPQRSTUVWXYZ") + self.digits(7)
            )
        if kind in "HM":
            return kind + self.digits(8) + (self.pick(["00", "01", "02"]) if self.chance(0.2) else "")
        return "L" + self.digits(8)

    def taiwan_compatriot(self) -> str:
        """台胞证 number: 8 digits (needs context)."""
        return self.digits(8, "0123456789")

    def plate(self, nev: bool | None = None, dot: float = 0.1) -> str:
        """A plate: province + letter + 5 chars (no I/O); new-energy small/large forms."""
        head = self.pick(PLATE_PROVINCES) + self.pick(PLATE_LETTERS)
        if nev is None:
            nev = self.chance(0.25)
        if not nev:
            tail = list(self.digits(5))
            for _ in range(int(self.rng.integers(0, 3))):
                tail[int(self.rng.integers(5))] = self.pick(PLATE_LETTERS)
            tail = "".join(tail)
        elif self.chance(0.7):
            tail = self.pick("DABCEFGHJK") + self.pick(PLATE_CHARS) + self.digits(4)
        else:
            tail = self.digits(5) + self.pick("DF")
        return head + ("·" if self.chance(dot) else "") + tail

    def email(self) -> str:
        """A Faker e-mail, or a numeric QQ mailbox."""
        if self.chance(0.2):
            return self.digits(int(self.rng.integers(6, 11)), "123456789") + "@qq.com"
        return self.pick(self.emails)

    def ip(self) -> str:
        """IPv4 (public or private) or IPv6 (full or compressed)."""
        if self.chance(0.75):
            return self.pick(self.ipv4)
        v6 = self.pick(self.ipv6)
        return str(ipaddress.IPv6Address(v6)) if self.chance(0.5) else v6

    def coordinate(self) -> tuple[str, str]:
        """Latitude and longitude inside China, 6 decimals, as strings."""
        lat = round(float(self.rng.uniform(18.3, 53.5)), 6)
        lng = round(float(self.rng.uniform(73.6, 134.7)), 6)
        return f"{lat:.6f}", f"{lng:.6f}"

    # -- addresses
    def _admin(self, levels: int = 3) -> str:
        prov, city, county = self.pick(self.regions.places)
        return (prov + city + county) if levels == 3 else (city or prov) + county

    def _unit(self) -> str:
        floor = int(self.rng.integers(1, 33))
        room = f"{floor}{int(self.rng.integers(1, 7)):02d}"
        r = self.rng.random()
        b = int(self.rng.integers(1, 40))
        u = int(self.rng.integers(1, 7))
        if r < 0.6:
            return f"{b}栋{u}单元{room}室"
        if r < 0.75:
            return f"{b}幢{u}单元{room}室"
        if r < 0.9:
            return f"{b}号楼{u}单元{room}"
        return f"{b}-{u}-{room}"

    def estate(self) -> str:
        """An estate name: 阳光小区, 锦绣花园 …"""
        return self.pick(ESTATE_WORDS) + self.pick(ESTATE_SUFFIX)

    def village(self) -> str:
        """A village with group and house number: 李家村3组28号."""
        v = (
            self.pick(VILLAGE_SURNAMES) + self.pick(["家村", "庄村", "湾村", "家庄"])
            if self.chance(0.6)
            else self.pick(ROOTS) + "村"
        )
        return f"{v}{int(self.rng.integers(1, 13))}组{int(self.rng.integers(1, 120))}号"

    def address(self, form: str | None = None, levels: int = 3) -> str:
        """A precise address; ``form`` in full | road | village | estate | short_village | short_road.

        ``levels`` 3 starts with province, city and county; 2 with city (or province) and county.
        """
        if form is None:
            form = self.pick(["full", "full", "full", "road", "road", "village"])
        if form == "full":
            return (
                self._admin(levels)
                + self.pick(ROOTS)
                + "街道"
                + self.pick(ROOTS)
                + "社区"
                + self.estate()
                + self._unit()
            )
        if form == "road":
            tail = self.estate() + self._unit() if self.chance(0.5) else ""
            road = (
                self.pick(ROOTS) + self.pick(["路", "街", "大道", "巷"])
                if self.chance(0.7)
                else self.pick(self.streets)
            )
            return f"{self._admin(levels)}{road}{int(self.rng.integers(1, 999))}号{tail}"
        if form == "village":
            return self._admin(levels) + self.pick(ROOTS) + self.pick(["镇", "乡"]) + self.village()
        if form == "estate":
            return self.estate() + self._unit()
        if form == "short_village":
            return self.village()
        if form == "short_road":
            return f"{self.pick(ROOTS)}{self.pick(['路', '街'])}{int(self.rng.integers(1, 999))}号"
        return self._more_address(form)

    #: Every address form, for free text (``free_address``).
    FORMS = (
        "full", "road", "village", "estate", "short_village", "short_road", "district_full", "courtyard",
        "lane", "tower", "hutong", "village_cn", "estate_cn", "estate_room", "estate_area",
    )  # fmt: skip

    def free_address(self) -> str:
        """An address of any form (:data:`FORMS`), a few with full-width digits."""
        text = self.address(self.pick(self.FORMS), levels=int(self.pick([2, 3])))
        return fullwidth(text) if self.chance(0.05) else text

    def _cn_number(self, lo: int, hi: int) -> str:
        """A number in Chinese numerals (三, 十二, 二十五)."""
        n = int(self.rng.integers(lo, hi + 1))
        digits = "一二三四五六七八九"
        if n < 10:
            return digits[n - 1]
        tens, ones = divmod(n, 10)
        return ("" if tens == 1 else digits[tens - 1]) + "十" + (digits[ones - 1] if ones else "")

    def _room(self) -> str:
        return f"{int(self.rng.integers(1, 33))}{int(self.rng.integers(1, 7)):02d}"

    def _more_address(self, form: str) -> str:
        """The forms beyond the structured columns' (``address`` delegates here)."""
        n = int(self.rng.integers(1, 300))
        if form == "district_full":  # no province or city: 朝阳区建外街道幸福社区阳光小区3栋2单元501室
            county = self.pick(self.regions.places)[2]
            return f"{county}{self.pick(ROOTS)}街道{self.pick(ROOTS)}社区{self.estate()}{self._unit()}"
        if form == "courtyard":  # 中山路5号院3号楼2单元501
            road = self.pick(ROOTS) + self.pick(["路", "北路", "南街", "大街"])
            tail = self.pick(["", "室"])
            return (
                f"{road}{n}号院{int(self.rng.integers(1, 20))}号楼"
                f"{int(self.rng.integers(1, 7))}单元{self._room()}{tail}"
            )
        if form == "lane":  # 淮海中路606弄25号426室
            return f"{self.pick(ROOTS)}{self.pick(['路', '中路', '西路'])}{n}弄{int(self.rng.integers(1, 90))}号{self._room()}室"
        if form == "tower":  # 国贸大厦A座1203室, 华夏广场12层1206室
            name = self.pick(TOWER_WORDS) + self.pick(["大厦", "广场", "中心"])
            if self.chance(0.5):
                return f"{name}{self.pick('ABCDE')}座{self._room()}室"
            return f"{name}{int(self.rng.integers(2, 40))}层{self._room()}室"
        if form == "hutong":  # 帽儿胡同35号
            return f"{self.pick(ROOTS)}{self.pick(['胡同', '巷', '里'])}{n}号"
        if form == "village_cn":  # 李家村三组, 石桥村第五村民小组, 柳树庄12号
            village = self.pick(VILLAGE_SURNAMES) + self.pick(["家村", "庄村", "湾村", "家庄"])
            town = self.pick(ROOTS) + self.pick(["镇", "乡"]) if self.chance(0.3) else ""
            shape = self.pick(["cn_group", "cn_group_no", "small_group", "house"])
            if shape == "cn_group":
                return f"{town}{village}{self._cn_number(1, 15)}组"
            if shape == "cn_group_no":
                return f"{town}{village}{self._cn_number(1, 15)}组{n}号"
            if shape == "small_group":
                return f"{town}{village}第{self._cn_number(1, 12)}村民小组"
            return f"{town}{village}{n}号"
        if form == "estate_cn":  # 阳光小区三栋二单元501室
            return f"{self.estate()}{self._cn_number(1, 30)}栋{self._cn_number(1, 6)}单元{self._room()}室"
        if form == "estate_room":  # 阳光小区12栋1203室, 锦绣花园5号楼1802
            if self.chance(0.5):
                return (
                    f"{self.estate()}{int(self.rng.integers(1, 40))}{self.pick(['栋', '幢'])}{self._room()}室"
                )
            return f"{self.estate()}{int(self.rng.integers(1, 40))}号楼{self._room()}"
        if form == "estate_area":  # 碧水花园东区5栋1单元1203室
            area = self.pick(["东区", "西区", "南区", "北区", "一期", "二期"])
            return f"{self.estate()}{area}{int(self.rng.integers(1, 40))}栋{int(self.rng.integers(1, 7))}单元{self._room()}室"
        raise ValueError(form)

    # -- distractors (never personal identifiers)
    def order_number(self) -> str:
        """A 19-digit Luhn-valid order number starting with a date."""
        day = dt.date(2023, 1, 1) + dt.timedelta(days=int(self.rng.integers(0, 700)))
        return luhn_complete(f"{day:%Y%m%d}" + self.digits(10))

    def archive_code(self) -> str:
        """18 digits that look like an ID (valid region and date) but fail the check —
        both the resident-ID check and the credit-code check (18 digits can be a USCC)."""
        body = f"{self.region_code()}{self.birth_date(20, 80):%Y%m%d}{self.digits(3)}"
        valid = {id_check(body), uscc_check(body)}
        return body + self.pick([c for c in "0123456789" if c not in valid])

    def fake_segment_number(self) -> str:
        """11 digits starting with a never-assigned segment (154, 160, 179, 194 …)."""
        return str(self.pick(UNASSIGNED_SEGMENTS)) + self.digits(8)

    def amount(self) -> str:
        """A money amount like 12345.67."""
        return f"{self.rng.uniform(10, 99999):.2f}"

    def cn_date(self) -> str:
        """A recent date written the Chinese way."""
        d = dt.date(2023, 1, 1) + dt.timedelta(days=int(self.rng.integers(0, 700)))
        return f"{d.year}年{d.month}月{d.day}日"


# --------------------------------------------------------------------------- free text


def _templates(g: Gen) -> list[Callable[[], list[Piece]]]:
    """Remark templates: identifiers of every entity, names beside titles and verbs, distractor numbers."""
    P = "PERSON"  # noqa: N806
    ID = "CN_RESIDENT_ID"  # noqa: N806
    PH = "PHONE_NUMBER"  # noqa: N806
    A = "ADDRESS"  # noqa: N806

    def geo_pair() -> list[Piece]:
        lat, lng = g.coordinate()
        sep = g.pick([",", ", ", "，"])
        if g.chance(0.5):
            return [
                "现场定位：",
                ("GEO_COORDINATE", f"{lat}{sep}{lng}"),
                "，位于",
                (A, g.address("estate")),
                "。",
            ]
        return [
            "经纬度(",
            ("GEO_COORDINATE", f"{lng}{sep}{lat}"),
            ")，",
            (A, g.address("short_road")),
            "附近。",
        ]

    return [
        lambda: [(P, g.name()), "，身份证号", (ID, g.adult_id()), "，联系电话", (PH, g.mobile()), "。"],
        lambda: [
            "走访",
            (P, g.name()),
            "家，其子",
            (P, g.name()),
            "在外务工，电话",
            (PH, g.mobile_messy()),
            "。",
        ],
        lambda: [(P, g.name()), "反映楼上漏水，已联系物业，回访电话：", (PH, g.mobile()), "。"],
        lambda: [
            "申请人",
            (P, g.name()),
            "，银行卡号",
            ("BANK_CARD", g.bank_card()),
            "，低保金每月",
            g.amount(),
            "元发放至该卡。",
        ],
        lambda: [
            "车辆",
            ("CN_LICENSE_PLATE", g.plate()),
            "长期占用消防通道，车主",
            (P, g.name()),
            "，电话",
            (PH, g.mobile()),
            "。",
        ],
        lambda: [
            "居民",
            (P, g.name()),
            "（",
            str(int(g.rng.integers(20, 90))),
            "岁）于",
            g.cn_date(),
            "来电，反映",
            (A, g.address()),
            "附近噪音扰民，工单号GD",
            g.digits(12),
            "。",
        ],
        lambda: [
            "经核实，",
            (P, g.name()),
            "同志的护照号为",
            ("CN_PASSPORT", g.passport()),
            "，港澳通行证",
            ("CN_TRAVEL_PERMIT", g.travel_permit("C")),
            "。",
        ],
        lambda: [
            "个体户",
            (P, g.name()),
            "，统一社会信用代码",
            ("CN_USCC", g.uscc()),
            "，经营地址",
            (A, g.address("road")),
            "。",
        ],
        lambda: ["联系邮箱：", ("EMAIL_ADDRESS", g.email()), "；登录IP ", ("IP_ADDRESS", g.ip()), "。"],
        geo_pair,
        lambda: [
            "网格员",
            (P, g.name()),
            "上门核实，户主",
            (P, g.name()),
            "不在家，留言电话",
            (PH, g.mobile()),
            "。",
        ],
        lambda: [(P, g.name()), "主任带队走访", (A, g.address("short_village")), "。"],
        lambda: [
            (P, g.name()),
            "来电称其母亲",
            (P, g.name()),
            "（身份证",
            (ID, g.adult_id()),
            "）走失，请协助查找。",
        ],
        lambda: ["由", (P, g.name()), "签收，签收人电话", ("PHONE_NUMBER", g.landline()), "。"],
        lambda: ["订单号", g.order_number(), "已退款，联系", (P, g.name()), "，手机", (PH, g.mobile()), "。"],
        lambda: ["档案号", g.archive_code(), "，户籍地", (A, g.address("village")), "。"],
        lambda: ["已为", (P, g.name()), "办理回乡证", ("CN_TRAVEL_PERMIT", g.travel_permit("HM")), "换发。"],
        lambda: [
            "台胞证号码：",
            ("CN_TRAVEL_PERMIT", g.taiwan_compatriot()),
            "，持证人",
            (P, g.name()),
            "。",
        ],
        lambda: [
            "往来台湾通行证",
            ("CN_TRAVEL_PERMIT", g.travel_permit("L")),
            "，持证人",
            (P, g.name()),
            "已返乡。",
        ],
        lambda: [(P, g.name()), "、", (P, g.name()), "夫妇住", (A, g.address("estate")), "，子女在外地。"],
        lambda: ["电话：", (PH, g.mobile_messy()), "（", (P, g.name()), "本人）"],
        lambda: ["身份证：", (ID, g.adult_id().lower()), "，姓名：", (P, g.name()), "；"],
        lambda: [
            "老人",
            (P, g.name()),
            "患高血压，独居于",
            (A, g.address()),
            "，紧急联系人",
            (P, g.name()),
            (PH, g.mobile()),
            "。",
        ],
        lambda: [
            (P, g.name()),
            "的账号自IPv6地址",
            ("IP_ADDRESS", str(ipaddress.IPv6Address(g.pick(g.ipv6)))),
            "多次异常登录。",
        ],
        lambda: [
            "补贴",
            g.amount(),
            "元于",
            g.cn_date(),
            "发放，账户",
            ("BANK_CARD", g.bank_card_spaced(g.bank_card())),
            "。",
        ],
        lambda: ["户主", (P, g.name()), "，老身份证号", (ID, g.legacy_id(g.chance(0.5))[0]), "，已换领。"],
        lambda: ["转", (P, g.name()), "处理，工号", g.digits(8, "123456789"), "。"],
        lambda: [(P, g.name()), "称于", g.cn_date(), "在", (A, g.address("road")), "与他人发生纠纷。"],
        lambda: [
            "快递单号SF",
            g.digits(13, "123456789"),
            "，收件人",
            (P, g.name()),
            "，",
            (PH, g.mobile()),
            "，",
            (A, g.address()),
            "。",
        ],
        lambda: [
            "新能源车",
            ("CN_LICENSE_PLATE", g.plate(nev=True)),
            "充电桩报修，联系人",
            (P, g.name()),
            "。",
        ],
        lambda: [
            g.pick(g.companies),
            "（",
            ("CN_USCC", g.uscc()),
            "）拖欠",
            (P, g.name()),
            "等",
            str(g.rng.integers(3, 30)),
            "人工资",
            g.amount(),
            "元。",
        ],
        lambda: [(P, g.name()), "：", (PH, g.mobile()), "；", (P, g.name()), "：", (PH, g.mobile()), "。"],
        lambda: [
            (P, g.name()),
            "同志于",
            g.cn_date(),
            "领取慰问金",
            str(int(g.rng.integers(2, 20)) * 100),
            "元。",
        ],
        lambda: [
            "身高",
            str(int(g.rng.integers(150, 190))),
            "cm，血压",
            str(int(g.rng.integers(100, 160))),
            "/",
            str(int(g.rng.integers(60, 100))),
            "，编号",
            g.fake_segment_number(),
            "。",
        ],
        lambda: [
            (P, g.name()),
            "户籍在",
            (A, g.address("village")),
            "，现住",
            (A, g.address("estate")),
            "。",
        ],
        lambda: ["备案手机", (PH, fullwidth(g.mobile())), "，身份证号", (ID, fullwidth(g.adult_id())), "。"],
        lambda: ["联系人：", (P, g.name()), " ", (PH, g.landline()), "。"],
        lambda: [
            "请",
            (P, g.name()),
            "于",
            g.cn_date(),
            "前到社区提交材料，咨询电话",
            (PH, g.landline()),
            "。",
        ],
        lambda: [
            "港澳居民居住证",
            (ID, g.resident_id(g.birth_date(20, 70), g.chance(0.5), "permit")),
            "，持证人",
            (P, g.name()),
            "。",
        ],
        lambda: [
            "车主",
            (P, g.name()),
            "名下车辆",
            ("CN_LICENSE_PLATE", g.plate(dot=0.5)),
            "、",
            ("CN_LICENSE_PLATE", g.plate()),
            "。",
        ],
    ] + _varied_templates(g)


def _varied_templates(g: Gen) -> list[Callable[[], list[Piece]]]:
    """Templates added for the free-text PERSON/ADDRESS measurement (issue #3).

    Names before and after titles, roles and verbs, several names and addresses in one
    cell, addresses of every form (:meth:`Gen.free_address`), distractors with
    numbers, dates, place names and ordinary words that begin with a surname.
    """
    P = "PERSON"  # noqa: N806
    A = "ADDRESS"  # noqa: N806
    PH = "PHONE_NUMBER"  # noqa: N806
    ID = "CN_RESIDENT_ID"  # noqa: N806

    def n(lo: int, hi: int) -> str:
        return str(int(g.rng.integers(lo, hi + 1)))

    return [
        lambda: [g.pick(ROLES_BEFORE), (P, g.name()), g.pick(VERB_PHRASES_AFTER), "。"],
        lambda: [(P, g.name()), g.pick(TITLES_AFTER), g.pick(VERB_PHRASES_AFTER), "。"],
        lambda: [g.pick(["今日", "上午", "", "经研究，", "本周"]), g.pick(VERBS_BEFORE), (P, g.name()),
                 g.pick(["，情况已记录。", "，已做好登记。", "，对方表示理解。", "。"])],
        lambda: [(P, g.name()), g.pick(VERB_PHRASES_AFTER), "，", g.pick(RELATIONS_TEXT), (P, g.name()),
                 g.pick(VERB_PHRASES_AFTER), "。"],
        lambda: [(P, g.name()), "与", (P, g.name()), "系", g.pick(["夫妻", "母子", "父女", "邻居"]),
                 "关系，共同居住在", (A, g.free_address()), "。"],
        lambda: [(P, g.name()), "、", (P, g.name()), "、", (P, g.name()), "三人于", g.cn_date(),
                 "参加志愿服务。"],
        lambda: [(P, g.name()), "（", g.pick(RELATIONS_TEXT), "，", n(20, 90), "岁）", g.pick(VERB_PHRASES_AFTER), "。"],
        lambda: [(P, g.name()), "，", g.pick(["男", "女"]), "，", n(20, 95), "岁，住", (A, g.free_address()),
                 "，电话", (PH, g.mobile()), "。"],
        lambda: ["姓名：", (P, g.name()), "\n住址：", (A, g.free_address()), "\n电话：", (PH, g.mobile()), "\n"],
        lambda: [(P, g.name()), "于", g.cn_date(), "搬至", (A, g.free_address()), "居住。"],
        lambda: [(P, g.name()), "户籍地为", (A, g.free_address()), "，现居", (A, g.free_address()), "。"],
        lambda: [(P, g.name()), "名下有房产一套，位于", (A, g.free_address()), "。"],
        lambda: [g.pick(["经调解，", "经协商，", ""]), (P, g.name()), "同意赔偿", (P, g.name()), "医药费",
                 g.amount(), "元。"],
        lambda: [g.pick(["经办人：", "记录人：", "审核：", "签字：", "登记人："]), (P, g.name()), g.pick(["。", "；", "\n"])],
        lambda: [g.pick(ROLES_BEFORE), "：", (P, g.name()), "，", g.pick(ROLES_BEFORE), "：", (P, g.name()), "。"],
        lambda: [(P, g.name()), "家", g.pick(["中", "里", ""]), "共", n(2, 6), "口人，住", (A, g.free_address()), "。"],
        lambda: [(P, g.name()), "的车", ("CN_LICENSE_PLATE", g.plate()), "停在", (A, g.free_address()),
                 "楼下。"],
        lambda: [g.pick(["主任", "书记", "民警", "社工", "组长"]), (P, g.name()), "带队走访", (P, g.name()),
                 g.pick(["家", "", "老人"]), "，", g.pick(DISTRACTOR_SENTENCES)],
        lambda: ["据", (P, g.name()), g.pick(["介绍", "本人陈述", "反映"]), "，其", g.pick(RELATIONS_TEXT),
                 (P, g.name()), "在外地工作。"],
        lambda: [g.pick(["请", "让", "叫", "由"]), (P, g.name()), g.pick(["尽快", "明天", "本周内"]),
                 "到社区", g.pick(["补交材料", "签字", "领取证明"]), "。"],
        lambda: [(P, g.name()), g.pick(["住", "现住", "家住", "住在", "居住在"]), (A, g.free_address()),
                 g.pick(["，", "。", "，子女不在身边。"])],
        lambda: [g.pick(["在", "于", "到", "前往"]), (A, g.free_address()), g.pick(["走访", "核查", "处理纠纷"]),
                 "，", g.pick(DISTRACTOR_SENTENCES)],
        lambda: [(A, g.free_address()), g.pick(["住户", "居民", "业主"]), (P, g.name()), g.pick(VERB_PHRASES_AFTER), "。"],
        lambda: [g.cn_date(), g.pick(["上午", "下午", ""]), (P, g.name()), "来电", g.pick(["反映", "称"]),
                 (A, g.free_address()), g.pick(["漏水", "噪音扰民", "有人群租"]), "。"],
        lambda: ["身份证号", (ID, g.adult_id()), "的", (P, g.name()), g.pick(VERB_PHRASES_AFTER), "。"],
        lambda: [(P, g.name()), (PH, g.mobile()), "，", (P, g.name()), (PH, g.mobile()), "。"],
        lambda: [g.pick(DISTRACTOR_SENTENCES), g.pick(DISTRACTOR_SENTENCES)],
        lambda: [g._admin(g.pick([2, 3])), g.pick(["今年共发放补贴", "本月完成人口普查", "已开展防汛演练"]),
                 g.pick(["。", n(2, 900) + "户。"])],
        lambda: [g.pick(ROOTS), g.pick(["小区", "花园", "村", "社区"]), g.pick(["共有", "约"]), n(2, 40),
                 g.pick(["栋楼", "户居民", "个组"]), "，", g.pick(DISTRACTOR_SENTENCES)],
        lambda: [g.pick(["孩子", "学生", "幼儿"]), (P, g.name()), "在", g.pick(ROOTS), "小学", n(1, 6),
                 "年级就读。"],
        lambda: [(P, g.name()), "是", g.pick(["低保户", "残疾人", "退役军人", "独居老人"]), "，",
                 g.pick(["每月", "每季度"]), "走访一次。"],
        # A second batch, written after the detector work and measured once before any
        # change to the detector (the figures are in the README's accuracy notes).
        lambda: ["今天上午社区民警", (P, g.name()), "和网格员", (P, g.name()), "一起到", (A, g.free_address()),
                 "调解邻里纠纷。"],
        lambda: ["低保复核：", (P, g.name()), "，家庭人均月收入", n(300, 900), "元，符合条件。"],
        lambda: ["老人", (P, g.name()), "的女儿", (P, g.name()), "每周回来看望一次。"],
        lambda: ["接群众", (P, g.name()), "举报，", (A, g.free_address()), "存在违规搭建。"],
        lambda: ["经查，", (P, g.name()), "与其前夫", (P, g.name()), "已于", g.cn_date(), "离婚。"],
        lambda: ["志愿者", (P, g.name()), "、", (P, g.name()), "为独居老人", (P, g.name()), "打扫卫生。"],
        lambda: ["请联系房东", (P, g.name()), "（", (PH, g.mobile()), "）办理退租。"],
        lambda: [(P, g.name()), "一家四口租住在", (A, g.free_address()), "，房租每月", n(800, 3000), "元。"],
        lambda: ["已电话通知", (P, g.name()), "本周五前到", g.pick(ROOTS), "社区卫生服务站体检。"],
        lambda: ["孤寡老人", (P, g.name()), "由侄子", (P, g.name()), "照顾。"],
        lambda: ["疫苗接种：", (P, g.name()), "已完成第", n(1, 3), "针。"],
        lambda: ["危房改造户", (P, g.name()), "，房屋位于", (A, g.free_address()), "，已鉴定为C级。"],
        lambda: [(P, g.name()), "老伴", (P, g.name()), "去年病逝，现独自生活。"],
        lambda: ["外卖员", (P, g.name()), "在", (A, g.free_address()), "门口摔伤，已送医。"],
        lambda: ["社区书记", (P, g.name()), "主持召开", g.pick(ROOTS), "小区业主大会，到会", n(20, 90), "人。"],
        lambda: ["邻居", (P, g.name()), "反映", (P, g.name()), "家养狗扰民。"],
        lambda: ["户籍迁出：", (P, g.name()), "迁往", (A, g.free_address()), "。"],
        lambda: ["暂住人员", (P, g.name()), "，暂住地址", (A, g.free_address()), "，暂住证有效期至", g.cn_date(), "。"],
        lambda: [(A, g.pick(ROOTS) + "路" + n(1, 20) + "号"), "楼道灯已修复，费用", g.amount(), "元由物业承担。"],
        lambda: ["今年", n(2, 9), "月起，", g.pick(["平安", "幸福", "和谐"]), "社区共开展活动", n(3, 30), "次。"],
        lambda: ["探访", (P, g.name()), "时发现其精神状态不佳，已联系其弟弟", (P, g.name()), "。"],
        lambda: ["居民", (P, g.name()), "家住", (A, g.free_address()), "，因", g.pick(["下岗", "患病", "残疾"]),
                 "申请困难补助。"],
    ]  # fmt: skip


class FreeText:
    """Remarks with 1–3 templates each (some plain sentences, some multi-line)."""

    def __init__(self, g: Gen) -> None:
        self.g = g
        self.templates = _templates(g)

    def cell(self, pii_share: float = 0.85) -> Cell:
        """One remark cell; ``pii_share`` of cells carry identifiers."""
        g = self.g
        if not g.chance(pii_share):
            return compose([g.pick(PLAIN_SENTENCES if g.chance(0.5) else DISTRACTOR_SENTENCES)])
        pieces: list[Piece] = []
        for i in range(int(g.rng.choice([1, 2, 3], p=[0.5, 0.35, 0.15]))):
            if i and g.chance(0.15):
                pieces.append("\n")
            elif g.chance(0.3):
                pieces.append(g.pick(PLAIN_SENTENCES if g.chance(0.5) else DISTRACTOR_SENTENCES))
            pieces.extend(self.templates[int(g.rng.integers(len(self.templates)))]())
        return compose(pieces)


# --------------------------------------------------------------------------- records


class Person:
    """One synthetic resident."""

    def __init__(self, g: Gen, minors: bool = True) -> None:
        self.male = g.chance(0.5)
        self.gender = "男" if self.male else "女"
        lo, hi = g.person_age(minors)
        self.birth = g.birth_date(lo, hi)
        self.age = age_on(self.birth, g.today)
        self.id_kind = g.id_kind()
        self.id = g.resident_id(self.birth, self.male, self.id_kind)
        self.name = g.name(self.male)
        self.phone = g.mobile()
        self.address = g.address()
        self.ethnicity = g.pick(ETHNICITIES)
        self.religion = g.pick(RELIGIONS)
        self.health = g.pick(HEALTH)
        self.marital = "未婚" if self.age < 22 else g.pick(MARITAL)
        if self.age < 14:
            self.political = g.pick(["群众", "少先队员"])
        elif self.age < 18:
            self.political = g.pick(["群众", "共青团员"])
        else:
            self.political = g.pick(POLITICAL)
        if self.age < 6:
            self.education = "学龄前"
        elif self.age < 12:
            self.education = "小学"
        elif self.age < 15:
            self.education = "初中"
        elif self.age < 18:
            self.education = g.pick(["初中", "高中", "中专"])
        else:
            self.education = g.pick(EDUCATION)
        if self.age < 18:
            self.relation = g.pick(["子", "孙子"] if self.male else ["女", "孙女"])
        else:
            self.relation = g.pick(RELATIONS)


def _blank(g: Gen, cell, p: float = 0.02):
    """The cell, or None (an empty cell) with probability ``p``."""
    return None if g.chance(p) else cell


def _id_cell(
    g: Gen, ds: Dataset, p: Person, damage: str | None = None, p_damage: float = 0.0, p_blank: float = 0.02
):
    """The ID cell of ``p``: empty, an Excel-damaged form, or a whole-cell label (then minors are counted)."""
    if g.chance(p_blank):
        return None
    if damage and p.id[-1] != "X" and g.chance(p_damage):
        truncated = p.id[:15] + "000"  # Excel keeps 15 significant digits
        if damage == "numeric":
            return Damaged(float(truncated), "numeric")
        return Damaged(f"{float(truncated):.5E}", "scientific")
    ds.count_minor(p.age)
    return whole("CN_RESIDENT_ID", p.id)


REGISTER_PRIMARIES = {
    "序号": None,
    "姓名": "PERSON",
    "性别": "GENDER",
    "民族": "ETHNICITY",
    "身份证号": "CN_RESIDENT_ID",
    "联系电话": "PHONE_NUMBER",
    "家庭住址": "ADDRESS",
    "宗教信仰": "RELIGION",
    "健康状况": "HEALTH",
    "婚姻状况": "MARITAL_STATUS",
    "政治面貌": "POLITICAL_AFFILIATION",
    "文化程度": "EDUCATION",
    "与户主关系": "FAMILY",
    "备注": "FREE_TEXT",
}


def remark_cell(g: Gen, ft: FreeText, pii_share: float = 0.2):
    """A register's 备注: mostly short words, sometimes a sentence with identifiers."""
    if g.chance(pii_share):
        return ft.cell(1.0)
    short = g.pick(SHORT_REMARKS)
    return short or None


def build_register_csv(g: Gen, ft: FreeText, rows: int, file: str = "data/register_gb18030.csv") -> Dataset:
    """(a) community register, GB18030, title row above Chinese headers."""
    cols = list(REGISTER_PRIMARIES)
    ds = Dataset(file, None, "csv", "gb18030", cols, REGISTER_PRIMARIES)
    for i in range(rows):
        p = Person(g)
        ds.add(
            {
                "序号": str(i + 1),
                "姓名": whole("PERSON", p.name),
                "性别": p.gender,
                "民族": p.ethnicity,
                "身份证号": _id_cell(g, ds, p),
                "联系电话": _blank(g, whole("PHONE_NUMBER", p.phone)),
                "家庭住址": _blank(g, whole("ADDRESS", p.address)),
                "宗教信仰": p.religion,
                "健康状况": p.health,
                "婚姻状况": p.marital,
                "政治面貌": p.political,
                "文化程度": p.education,
                "与户主关系": p.relation,
                "备注": remark_cell(g, ft),
            }
        )
    return ds


def _register_rows(g: Gen, ds: Dataset, rows: int, build: Callable[[Person], dict]) -> None:
    for _ in range(rows):
        p = Person(g)
        ds.add(build(p))


def build_register_xlsx(g: Gen, ft: FreeText, rows: int) -> list[Dataset]:
    """(b) the register as .xlsx: two sheets with merged titles; Excel-damaged IDs; numeric phone cells."""
    file = "data/register.xlsx"
    prim1 = {
        "序号": None,
        "姓名": "PERSON",
        "性别": "GENDER",
        "出生日期": "DATE_OF_BIRTH",
        "身份证号码": "CN_RESIDENT_ID",
        "手机号码": "PHONE_NUMBER",
        "现居住地址": "ADDRESS",
        "民族": "ETHNICITY",
        "宗教信仰": "RELIGION",
        "健康状况": "HEALTH",
        "婚姻状况": "MARITAL_STATUS",
        "政治面貌": "POLITICAL_AFFILIATION",
        "文化程度": "EDUCATION",
        "工作单位": "OCCUPATION",
        "备注": "FREE_TEXT",
    }
    s1 = Dataset(file, "居民信息", "xlsx", None, list(prim1), prim1)
    counter = iter(range(1, rows + 1))

    def row1(p: Person) -> dict:
        phone = int(p.phone) if g.chance(0.5) else p.phone
        work = "无" if p.age < 18 else g.pick(g.companies + ["退休", "务农", "个体", "无业"])
        return {
            "序号": next(counter),
            "姓名": whole("PERSON", p.name),
            "性别": p.gender,
            "出生日期": p.birth,
            "身份证号码": _id_cell(g, s1, p, "numeric", 0.04),
            "手机号码": _blank(g, whole("PHONE_NUMBER", p.phone, phone)),
            "现居住地址": whole("ADDRESS", p.address),
            "民族": p.ethnicity,
            "宗教信仰": p.religion,
            "健康状况": p.health,
            "婚姻状况": p.marital,
            "政治面貌": p.political,
            "文化程度": p.education,
            "工作单位": work,
            "备注": remark_cell(g, ft),
        }

    _register_rows(g, s1, rows, row1)
    prim2 = {
        "XM": "PERSON",
        "XB": "GENDER",
        "MZ": "ETHNICITY",
        "SFZH": "CN_RESIDENT_ID",
        "LXDH": "PHONE_NUMBER",
        "JTZZ": "ADDRESS",
        "ZJXY": "RELIGION",
        "JKZK": "HEALTH",
        "HYZK": "MARITAL_STATUS",
        "ZZMM": "POLITICAL_AFFILIATION",
        "BZ": "FREE_TEXT",
    }
    s2 = Dataset(file, "流动人口", "xlsx", None, list(prim2), prim2)

    def row2(p: Person) -> dict:
        return {
            "XM": whole("PERSON", p.name),
            "XB": p.gender,
            "MZ": p.ethnicity,
            "SFZH": _id_cell(g, s2, p, "scientific", 0.03),
            "LXDH": _blank(g, whole("PHONE_NUMBER", p.phone)),
            "JTZZ": whole("ADDRESS", p.address),
            "ZJXY": p.religion,
            "JKZK": p.health,
            "HYZK": p.marital,
            "ZZMM": p.political,
            "BZ": remark_cell(g, ft),
        }

    _register_rows(g, s2, max(rows // 2, 1), row2)
    return [s1, s2]


MESSY_PRIMARIES = {
    "Name": "PERSON",
    "Gender": "GENDER",
    "Date of Birth": "DATE_OF_BIRTH",
    "ID Number": "CN_RESIDENT_ID",
    "Mobile": "PHONE_NUMBER",
    "Home Phone": "PHONE_NUMBER",
    "Email": "EMAIL_ADDRESS",
    "Address": "ADDRESS",
    "Bank Card": "BANK_CARD",
    "Plate No.": "CN_LICENSE_PLATE",
    "Passport No.": "CN_PASSPORT",
    "Notes": "FREE_TEXT",
}


def _messy_id(g: Gen, ds: Dataset, p: Person) -> Cell | None:
    if g.chance(0.03):
        return None
    r = g.rng.random()
    if r < 0.09:  # 15-digit legacy ID under an ID header
        legacy, _ = g.legacy_id(p.male)
        return whole("CN_RESIDENT_ID", legacy)
    ds.count_minor(p.age)
    i = p.id
    if r < 0.16:
        text = fullwidth(i)
    elif r < 0.23:
        text = f"{i[:6]} {i[6:14]} {i[14:]}"
    elif r < 0.27:
        text = f"{i[:6]}-{i[6:14]}-{i[14:]}"
    elif r < 0.45 and i.endswith("X"):
        text = i[:-1] + "x"
    else:
        text = i
    return whole("CN_RESIDENT_ID", text)


def _messy_dob(g: Gen, d: dt.date) -> str:
    return g.pick(
        [f"{d:%Y-%m-%d}", f"{d:%Y/%m/%d}", f"{d:%Y%m%d}", f"{d.year}年{d.month}月{d.day}日", f"{d:%Y.%m.%d}"]
    )


def _messy_mobile_cell(g: Gen, p: Person) -> Cell:
    if g.chance(0.07):
        sep = g.pick(["/", "，", "; ", " "])
        return compose([("PHONE_NUMBER", g.mobile_messy(p.phone)), sep, ("PHONE_NUMBER", g.mobile_messy())])
    if g.chance(0.05):
        return compose([("PHONE_NUMBER", p.phone), g.pick(["（本人）", "(wife)", "（微信同号）"])])
    return whole("PHONE_NUMBER", g.mobile_messy(p.phone))


def _messy_address(g: Gen, p: Person) -> str:
    if g.chance(0.06):  # full-width digits in the unit part
        head = p.address.rstrip("0123456789栋幢单元室号楼-")
        return head + fullwidth(p.address[len(head) :])
    return p.address


def build_messy_csv(g: Gen, ft: FreeText, rows: int) -> Dataset:
    """(c) UTF-8-SIG, English headers, the messy ways identifiers are written."""
    ds = Dataset("data/contacts_messy.csv", None, "csv", "utf-8-sig", list(MESSY_PRIMARIES), MESSY_PRIMARIES)
    for _ in range(rows):
        p = Person(g)
        name = g.pick(g.pinyin_names) if g.chance(0.15) else p.name
        card = g.bank_card()
        notes = (
            ft.cell(0.7)
            if g.chance(0.35)
            else compose(
                [g.pick(["", "call after 6pm", "WeChat same as mobile", "moved out", "备用", "VIP"])]
            )
        )
        ds.add(
            {
                "Name": whole("PERSON", name),
                "Gender": g.pick(GENDER_EN[p.gender]),
                "Date of Birth": _blank(g, _messy_dob(g, p.birth), 0.03),
                "ID Number": _messy_id(g, ds, p),
                "Mobile": _blank(g, _messy_mobile_cell(g, p), 0.03),
                "Home Phone": _blank(g, whole("PHONE_NUMBER", g.landline()), 0.3),
                "Email": _blank(g, whole("EMAIL_ADDRESS", g.email()), 0.2),
                "Address": _blank(g, whole("ADDRESS", _messy_address(g, p)), 0.03),
                "Bank Card": _blank(
                    g, whole("BANK_CARD", g.bank_card_spaced(card) if g.chance(0.3) else card), 0.2
                ),
                "Plate No.": _blank(g, whole("CN_LICENSE_PLATE", g.plate(dot=0.25)), 0.5),
                "Passport No.": _blank(g, whole("CN_PASSPORT", g.passport()), 0.6),
                "Notes": notes if notes.text else None,
            }
        )
    return ds


def build_unnamed_csv(g: Gen, rows: int) -> Dataset:
    """(d) headers that say nothing (字段1…字段N): classification must use the values."""
    kinds = [
        None,
        "PERSON",
        "GENDER",
        "CN_RESIDENT_ID",
        "PHONE_NUMBER",
        "ADDRESS",
        "ETHNICITY",
        "EMAIL_ADDRESS",
        "BANK_CARD",
        None,
        "DATE_OF_BIRTH",
        "CN_LICENSE_PLATE",
        "RELIGION",
    ]
    cols = [f"字段{i + 1}" for i in range(len(kinds))]
    ds = Dataset("data/unnamed_fields.csv", None, "csv", "utf-8", cols, dict(zip(cols, kinds, strict=True)))
    for i in range(rows):
        p = Person(g)
        reg = dt.date(2023, 1, 1) + dt.timedelta(days=int(g.rng.integers(0, 600)))
        ds.add(
            dict(
                zip(
                    cols,
                    [
                        str(i + 1),
                        whole("PERSON", p.name),
                        p.gender,
                        _id_cell(g, ds, p),
                        whole("PHONE_NUMBER", p.phone),
                        whole("ADDRESS", p.address),
                        p.ethnicity,
                        _blank(g, whole("EMAIL_ADDRESS", g.email()), 0.3),
                        _blank(g, whole("BANK_CARD", g.bank_card()), 0.3),
                        f"{reg:%Y-%m-%d}",
                        f"{p.birth:%Y-%m-%d}",
                        _blank(g, whole("CN_LICENSE_PLATE", g.plate()), 0.6),
                        p.religion,
                    ],
                    strict=True,
                )
            )
        )
    return ds


def build_json(g: Gen, ft: FreeText, rows: int) -> tuple[Dataset, list[dict]]:
    """(e1) a JSON array of service requests with nested requester.* and free-text content."""
    prim = {
        "id": None,
        "created_at": None,
        "channel": None,
        "requester.name": "PERSON",
        "requester.phone": "PHONE_NUMBER",
        "requester.id_number": "CN_RESIDENT_ID",
        "requester.address": "ADDRESS",
        "category": None,
        "content": "FREE_TEXT",
        "handler.name": "PERSON",
        "handler.dept": None,
        "status": None,
    }
    ds = Dataset("data/service_requests.json", None, "json", "utf-8", list(prim), prim)
    staff = [g.name() for _ in range(25)]
    records = []
    for i in range(rows):
        p = Person(g)
        ts = dt.datetime(2024, 1, 1) + dt.timedelta(minutes=int(g.rng.integers(0, 500_000)))
        has_id = g.chance(0.6)
        cells = {
            "id": f"GD{ts:%Y%m%d}{i:05d}",
            "created_at": ts.isoformat(),
            "channel": g.pick(["12345热线", "网格APP", "来访"]),
            "requester.name": whole("PERSON", p.name),
            "requester.phone": whole("PHONE_NUMBER", g.mobile_messy(p.phone)),
            "requester.id_number": _id_cell(g, ds, p) if has_id else None,
            "requester.address": whole("ADDRESS", p.address),
            "category": g.pick(["噪音扰民", "物业纠纷", "低保咨询", "环境卫生", "停车管理", "证件办理"]),
            "content": ft.cell(0.8),
            "handler.name": whole("PERSON", g.pick(staff)),
            "handler.dept": g.pick(["社区服务中心", "城管科", "民政科"]),
            "status": g.pick(["已办结", "办理中"]),
        }
        values = dict(zip(ds.columns, ds.add(cells), strict=True))
        requester = {"name": values["requester.name"], "phone": values["requester.phone"]}
        if has_id:
            requester["id_number"] = values["requester.id_number"]
        requester["address"] = values["requester.address"]
        records.append(
            {
                "id": values["id"],
                "created_at": values["created_at"],
                "channel": values["channel"],
                "requester": requester,
                "category": values["category"],
                "content": values["content"],
                "handler": {"name": values["handler.name"], "dept": values["handler.dept"]},
                "status": values["status"],
            }
        )
    return ds, records


def build_jsonl(g: Gen, ft: FreeText, rows: int) -> tuple[Dataset, list[dict]]:
    """(e2) JSON Lines visit log: nested resident.*, a coordinate pair, client IPs, free-text notes."""
    prim = {
        "visit_id": None,
        "ts": None,
        "resident.name": "PERSON",
        "resident.mobile": "PHONE_NUMBER",
        "resident.plate": "CN_LICENSE_PLATE",
        "location": "GEO_COORDINATE",
        "client_ip": "IP_ADDRESS",
        "device": None,
        "note": "FREE_TEXT",
    }
    ds = Dataset("data/visits.jsonl", None, "jsonl", "utf-8", list(prim), prim)
    records = []
    devices = [
        "iPhone 14 / iOS 17.2",
        "HUAWEI Mate 60 / HarmonyOS 4.0.0",
        "Xiaomi 13 / Android 14",
        "PC / Windows 10.0.19045",
        "OPPO Reno9 / ColorOS 13.1",
    ]
    for i in range(rows):
        p = Person(g, minors=False)
        lat, lng = g.coordinate()
        mobile = int(p.phone) if g.chance(0.1) else p.phone
        cells = {
            "visit_id": 100000 + i,
            "ts": f"{dt.datetime(2024, 3, 1) + dt.timedelta(seconds=int(g.rng.integers(0, 9_000_000))):%Y-%m-%d %H:%M:%S}",
            "resident.name": whole("PERSON", p.name),
            "resident.mobile": whole("PHONE_NUMBER", p.phone, mobile),
            "resident.plate": whole("CN_LICENSE_PLATE", g.plate()) if g.chance(0.4) else None,
            "location": whole("GEO_COORDINATE", f"{lat},{lng}"),
            "client_ip": whole("IP_ADDRESS", g.ip()),
            "device": g.pick(devices),
            "note": ft.cell(0.6) if g.chance(0.7) else None,
        }
        v = dict(zip(ds.columns, ds.add(cells), strict=True))
        resident = {"name": v["resident.name"], "mobile": v["resident.mobile"]}
        if v["resident.plate"] is not None:
            resident["plate"] = v["resident.plate"]
        rec = {
            "visit_id": v["visit_id"],
            "ts": v["ts"],
            "resident": resident,
            "location": v["location"],
            "client_ip": v["client_ip"],
            "device": v["device"],
        }
        if v["note"] is not None:
            rec["note"] = v["note"]
        records.append(rec)
    return ds, records


def build_parquet(g: Gen, rows: int) -> tuple[Dataset, pd.DataFrame]:
    """(f) a Parquet benefits roster covering every structured identifier, with typed columns."""
    prim = {
        "姓名": "PERSON",
        "身份证号": "CN_RESIDENT_ID",
        "手机号": "PHONE_NUMBER",
        "银行卡号": "BANK_CARD",
        "补贴金额": "FINANCIAL",
        "车牌号": "CN_LICENSE_PLATE",
        "护照号": "CN_PASSPORT",
        "通行证号": "CN_TRAVEL_PERMIT",
        "统一社会信用代码": "CN_USCC",
        "邮箱": "EMAIL_ADDRESS",
        "登录IP": "IP_ADDRESS",
        "纬度": "GEO_COORDINATE",
        "经度": "GEO_COORDINATE",
        "年龄": "AGE",
        "登记时间": None,
    }
    ds = Dataset("data/benefits.parquet", None, "parquet", None, list(prim), prim)
    lat_l, lng_l = [], []
    for _ in range(rows):
        p = Person(g)
        lat, lng = (float(x) for x in g.coordinate())
        lat_l.append(lat)
        lng_l.append(lng)
        ds.count_minor(p.age)
        ds.add(
            {
                "姓名": whole("PERSON", p.name),
                "身份证号": whole("CN_RESIDENT_ID", p.id),
                "手机号": whole("PHONE_NUMBER", p.phone),
                "银行卡号": whole("BANK_CARD", g.bank_card()),
                "补贴金额": round(float(g.rng.uniform(100, 3000)), 2),
                "车牌号": _blank(g, whole("CN_LICENSE_PLATE", g.plate()), 0.5),
                "护照号": _blank(g, whole("CN_PASSPORT", g.passport()), 0.7),
                "通行证号": _blank(g, whole("CN_TRAVEL_PERMIT", g.travel_permit()), 0.7),
                "统一社会信用代码": _blank(g, whole("CN_USCC", g.uscc()), 0.8),
                "邮箱": _blank(g, whole("EMAIL_ADDRESS", g.email()), 0.4),
                "登录IP": _blank(g, whole("IP_ADDRESS", g.ip()), 0.2),
                "纬度": whole("GEO_COORDINATE", repr(lat), lat),
                "经度": whole("GEO_COORDINATE", repr(lng), lng),
                "年龄": p.age,
                "登记时间": pd.Timestamp("2024-01-01") + pd.Timedelta(minutes=int(g.rng.integers(0, 400000))),
            }
        )
    frame = pd.DataFrame(ds.rows, columns=ds.columns)
    for col in (
        "姓名",
        "身份证号",
        "手机号",
        "银行卡号",
        "车牌号",
        "护照号",
        "通行证号",
        "统一社会信用代码",
        "邮箱",
        "登录IP",
    ):
        frame[col] = frame[col].astype("str")
    frame["补贴金额"] = frame["补贴金额"].astype("float64")
    frame["年龄"] = frame["年龄"].astype("int64")
    return ds, frame


def build_free_text(g: Gen, ft: FreeText, rows: int) -> Dataset:
    """(g) remark columns full of identifiers of every entity, names and addresses in running text."""
    prim = {
        "序号": None,
        "登记日期": None,
        "网格": None,
        "备注": "FREE_TEXT",
        "走访记录": "FREE_TEXT",
        "诉求内容": "FREE_TEXT",
    }
    ds = Dataset("data/free_text.csv", None, "csv", "utf-8", list(prim), prim)
    for i in range(rows):
        reg = dt.date(2024, 1, 1) + dt.timedelta(days=int(g.rng.integers(0, 300)))
        ds.add(
            {
                "序号": str(i + 1),
                "登记日期": f"{reg:%Y-%m-%d}",
                "网格": f"第{int(g.rng.integers(1, 12))}网格",
                "备注": ft.cell(0.8) if g.chance(0.8) else None,
                "走访记录": ft.cell(0.85),
                "诉求内容": ft.cell(0.85) if g.chance(0.9) else None,
            }
        )
    return ds


def _ean13(g: Gen) -> str:
    body = "69" + g.digits(10)
    total = sum(int(c) * (3 if i % 2 else 1) for i, c in enumerate(body))
    return body + str((10 - total % 10) % 10)


def _isbn13(g: Gen) -> str:
    body = "9787" + g.digits(3) + g.digits(5)
    total = sum(int(c) * (3 if i % 2 else 1) for i, c in enumerate(body))
    check = str((10 - total % 10) % 10)
    return f"{body[:3]}-{body[3]}-{body[4:7]}-{body[7:]}-{check}" if g.chance(0.5) else body + check


def build_lookalike(g: Gen, rows: int) -> Dataset:
    """(h) numbers that resemble identifiers but are not: expected findings zero."""
    cols = [
        "订单号",
        "档案编号",
        "金额",
        "下单日期",
        "结算日期",
        "商品条码",
        "商品编码",
        "发票代码",
        "发票号码",
        "版本号",
        "设备编号",
        "ISBN",
        "快递单号",
        "时间戳",
        "批次号",
        "序列号",
        "数量",
    ]
    ds = Dataset("data/lookalike.csv", None, "csv", "utf-8", cols, dict.fromkeys(cols), lookalike=True)
    for _ in range(rows):
        d = dt.date(2023, 1, 1) + dt.timedelta(days=int(g.rng.integers(0, 700)))
        body = "".join(g.pick(USCC_ALPHABET) for _ in range(17))
        serial = body + g.pick([c for c in USCC_ALPHABET if c != uscc_check(body)])
        version = g.pick(
            [
                f"v{g.rng.integers(1, 5)}.{g.rng.integers(0, 30)}.{g.rng.integers(0, 20)}",
                f"10.0.{g.rng.integers(17000, 22700)}.{g.rng.integers(256, 5000)}",
                f"{g.rng.integers(1, 4)}.{g.rng.integers(0, 12)}",
            ]
        )
        ds.add(
            dict(
                zip(
                    cols,
                    [
                        g.order_number(),
                        g.archive_code(),
                        g.amount(),
                        f"{d:%Y-%m-%d}",
                        f"{d:%Y%m%d}",
                        _ean13(g),
                        f"SP-{d:%Y%m%d}-{g.digits(4)}",
                        g.digits(12, "1234"),
                        g.digits(8),
                        version,
                        g.fake_segment_number(),
                        _isbn13(g),
                        "SF" + g.digits(13, "123456789"),
                        str(
                            int(dt.datetime(d.year, d.month, d.day, tzinfo=dt.UTC).timestamp() * 1000)
                            + int(g.rng.integers(0, 86_400_000))
                        ),
                        f"B{d:%Y}-{d:%m%d}-{g.digits(2)}",
                        serial,
                        str(int(g.rng.integers(1, 500))),
                    ],
                    strict=True,
                )
            )
        )
    return ds


# --------------------------------------------------------------------------- writers


def write_csv(path: Path, ds: Dataset, encoding: str, title: str | None = None) -> None:
    """Write a dataset as CSV (optional title row padded to the header's width)."""
    with open(path, "w", encoding=encoding, newline="") as fh:
        w = csv.writer(fh, lineterminator="\r\n")
        if title:
            w.writerow([title] + [""] * (len(ds.columns) - 1))
        w.writerow(ds.columns)
        for row in ds.rows:
            w.writerow(["" if v is None else v for v in row])


def write_xlsx(path: Path, sheets: list[tuple[Dataset, str]]) -> None:
    """Write datasets as worksheets, each with a merged title row above the header."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    wb = Workbook()
    wb.remove(wb.active)
    for ds, title in sheets:
        ws = wb.create_sheet(ds.sheet)
        ws.append([title])
        ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(ds.columns))
        ws["A1"].font = Font(bold=True, size=14)
        ws["A1"].alignment = Alignment(horizontal="center")
        ws.append(ds.columns)
        for row in ds.rows:
            ws.append(row)
        for col_cells in ws.iter_cols(min_row=3, max_row=ws.max_row):
            for c in col_cells:
                if isinstance(c.value, dt.date):
                    c.number_format = "yyyy-mm-dd"
    wb.save(path)
    _freeze_zip(path)


def _freeze_zip(path: Path) -> None:
    """Make an .xlsx byte-for-byte reproducible: fixed entry times and document dates."""
    import re
    import zipfile

    with zipfile.ZipFile(path) as zin:
        entries = [(info.filename, zin.read(info)) for info in zin.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
        for name, payload in entries:
            if name == "docProps/core.xml":
                payload = re.sub(
                    rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*", rb"\g<1>2024-01-01T00:00:00Z", payload
                )
            zout.writestr(
                zipfile.ZipInfo(name, date_time=(2024, 1, 1, 0, 0, 0)), payload, zipfile.ZIP_DEFLATED
            )


def _json_default(value):
    if isinstance(value, np.integer):
        return int(value)
    raise TypeError(type(value))


def generate(out_dir: Path, seed: int = 7, rows: int = 2000, today: dt.date | None = None) -> Path:
    """Write the labelled corpus to ``out_dir`` (data under ``out_dir/data``) and return ``out_dir``."""
    out_dir = Path(out_dir)
    data = out_dir / "data"
    data.mkdir(parents=True, exist_ok=True)
    g = Gen(seed, today)
    ft = FreeText(g)
    datasets: list[Dataset] = []

    ds = build_register_csv(g, ft, rows)
    write_csv(out_dir / ds.file, ds, "gb18030", title="阳光街道幸福社区居民信息登记表（2024年度）")
    datasets.append(ds)

    s1, s2 = build_register_xlsx(g, ft, rows)
    write_xlsx(out_dir / s1.file, [(s1, "幸福社区常住人口信息表"), (s2, "流动人口登记表")])
    datasets += [s1, s2]

    ds = build_messy_csv(g, ft, rows)
    write_csv(out_dir / ds.file, ds, "utf-8-sig")
    datasets.append(ds)

    ds = build_unnamed_csv(g, rows)
    write_csv(out_dir / ds.file, ds, "utf-8")
    datasets.append(ds)

    ds, records = build_json(g, ft, rows)
    (out_dir / ds.file).write_text(
        json.dumps(records, ensure_ascii=False, indent=1, default=_json_default), encoding="utf-8"
    )
    datasets.append(ds)

    ds, records = build_jsonl(g, ft, rows)
    with open(out_dir / ds.file, "w", encoding="utf-8") as fh:
        for rec in records:
            fh.write(json.dumps(rec, ensure_ascii=False, default=_json_default) + "\n")
    datasets.append(ds)

    ds, frame = build_parquet(g, rows)
    frame.to_parquet(out_dir / ds.file, index=False)
    datasets.append(ds)

    ds = build_free_text(g, ft, rows)
    write_csv(out_dir / ds.file, ds, "utf-8")
    datasets.append(ds)

    ds = build_lookalike(g, rows)
    write_csv(out_dir / ds.file, ds, "utf-8")
    datasets.append(ds)

    manifest = {
        "generator_version": GENERATOR_VERSION,
        "seed": seed,
        "rows": rows,
        "generated_on": g.today.isoformat(),
    }
    write_labels(out_dir, datasets, manifest)
    return out_dir


def main(argv: list[str] | None = None) -> int:
    """CLI entry point."""
    ap = argparse.ArgumentParser(description="Generate the labelled privaudit benchmark corpus.")
    ap.add_argument("--out", type=Path, default=DEFAULT_CACHE / "corpus", help="output directory")
    ap.add_argument("--rows", type=int, default=2000, help="rows per file (default 2000)")
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args(argv)
    out = generate(args.out, seed=args.seed, rows=args.rows)
    print(f"corpus written to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
