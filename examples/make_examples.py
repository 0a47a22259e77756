"""Rebuild the example datasets in ``examples/`` (all synthetic, deterministic).

    python examples/make_examples.py

Uses the benchmark corpus generator (``benchmarks/corpus.py``) with a fixed seed and a
fixed reference date (:data:`REFERENCE_DATE`, from which ages are counted), so
rebuilding gives byte-identical files.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "benchmarks"))

import corpus  # noqa: E402
from corpus import Gen, Person  # noqa: E402

SEED = 2024
REFERENCE_DATE = dt.date(2026, 11, 1)


def _write_csv(
    path: Path, header: list[str], rows: list[list], encoding: str, title: str | None = None
) -> None:
    with open(path, "w", encoding=encoding, newline="") as fh:
        w = csv.writer(fh, lineterminator="\r\n")
        if title:
            w.writerow([title] + [""] * (len(header) - 1))
        w.writerow(header)
        for row in rows:
            w.writerow(["" if v is None else v for v in row])


class Remarks:
    """Remarks that fit each example (a register's 备注, care visits, hotline requests)."""

    def __init__(self, g: Gen) -> None:
        self.g = g

    def register(self) -> str | None:
        """A register's 备注: mostly short, sometimes a relative's phone or ID, a new address."""
        g = self.g
        r = g.rng.random()
        if r < 0.06:
            return f"{g.pick(['女儿', '儿子', '家属'])}电话{g.mobile()}"
        if r < 0.09:
            return f"其子{g.name(True)}（身份证号{g.adult_id()}）在外务工"
        if r < 0.12:
            return f"已搬至{g.address('estate')}"
        if r < 0.14:
            return f"租户，房东{g.name()}，电话{g.mobile()}"
        return g.pick(corpus.SHORT_REMARKS) or None

    def visit(self, elder: str) -> str:
        """A care visit note."""
        g = self.g
        return g.pick(
            [
                f"{elder}血压偏高，已提醒按时服药。",
                f"{elder}独居，女儿{g.name(False)}每周探望一次，电话{g.mobile()}。",
                f"为{elder}测量血糖，结果正常。家属{g.name()}反映需要助浴服务。",
                f"{elder}行动不便，申请轮椅一台，联系人{g.name()}，{g.mobile_messy()}。",
                f"{elder}情况稳定，精神状态良好。",
                f"{elder}家中燃气灶老化，已通知{g.name()}（物业，{g.landline()}）上门检修。",
                f"{elder}已办理高龄津贴，发放至银行卡{g.bank_card()}。",
            ]
        )

    def request(self, name: str, address: str) -> tuple[str, str]:
        """A hotline request: (诉求类别, 诉求内容)."""
        g = self.g
        return g.pick(
            [
                ("噪音扰民", f"来电人反映{g.address('estate')}楼上夜间噪音扰民，希望协调处理。"),
                ("物业纠纷", f"{name}反映其租住的{address}漏水，房东{g.name()}（{g.mobile()}）拒不维修。"),
                (
                    "劳动保障",
                    f"{g.pick(g.companies)}（统一社会信用代码{g.uscc()}）拖欠{name}等"
                    f"{g.rng.integers(3, 20)}人工资，请求帮助。",
                ),
                ("停车管理", f"车牌{g.plate()}的车辆长期占用消防通道，请处理。"),
                ("低保咨询", f"咨询低保申请条件，本人身份证号{g.adult_id()}，联系电话{g.mobile()}。"),
                ("环境卫生", f"{name}反映小区垃圾清运不及时，已转物业。"),
                ("证件办理", f"询问港澳通行证{g.travel_permit('C')}续签办理地点。"),
                ("市政设施", f"反映{g.address('short_road')}路灯损坏，夜间出行不便。"),
            ]
        )


def _relation(head: Person, member: Person) -> str:
    """与户主关系 consistent with the two ages and the member's sex."""
    gap = head.age - member.age
    if gap >= 40:
        return "孙子" if member.male else "孙女"
    if gap >= 16:
        return "子" if member.male else "女"
    if gap <= -16:
        return "父亲" if member.male else "母亲"
    return "配偶" if member.male != head.male else ("兄弟" if member.male else "姐妹")


def _day(g: Gen, start: dt.date, days: int) -> dt.date:
    return start + dt.timedelta(days=int(g.rng.integers(0, days)))


def community_register(g: Gen, rm: Remarks, households: int = 80) -> None:
    """社区居民信息登记表: GB18030, a title row, households sharing an address (~200 rows)."""
    header = [
        "序号",
        "姓名",
        "性别",
        "民族",
        "出生日期",
        "身份证号",
        "联系电话",
        "家庭住址",
        "宗教信仰",
        "健康状况",
        "婚姻状况",
        "政治面貌",
        "文化程度",
        "与户主关系",
        "登记日期",
        "备注",
    ]
    rows: list[list] = []
    for _ in range(households):
        head = Person(g, minors=False)
        address = g.address("full")
        registered = _day(g, dt.date(2018, 1, 1), 365 * 8)
        size = int(g.rng.choice([1, 2, 3, 4, 5], p=[0.2, 0.3, 0.25, 0.17, 0.08]))
        members = [(head, "户主")] + [(m, _relation(head, m)) for m in (Person(g) for _ in range(size - 1))]
        for p, relation in members:
            remark = rm.register()
            rows.append(
                [
                    len(rows) + 1,
                    p.name,
                    p.gender,
                    p.ethnicity,
                    f"{p.birth:%Y-%m-%d}",
                    p.id,
                    p.phone if relation == "户主" or g.chance(0.5) else None,
                    address,
                    p.religion,
                    p.health,
                    p.marital,
                    p.political,
                    p.education,
                    relation,
                    f"{registered:%Y-%m-%d}",
                    remark,
                ]
            )
    _write_csv(
        HERE / "community_register.csv",
        header,
        rows,
        "gb18030",
        title="阳光街道幸福社区居民信息登记表（2025年度）",
    )


def elderly_care_roster(g: Gen, rm: Remarks) -> None:
    """居家养老服务花名册: .xlsx, merged title rows, two sheets (roster + visit log)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    wb = Workbook()
    ws = wb.active
    ws.title = "在册老人"
    header = [
        "序号",
        "姓名",
        "性别",
        "出生日期",
        "身份证号",
        "联系电话",
        "家庭住址",
        "紧急联系人",
        "紧急联系人电话",
        "与老人关系",
        "健康状况",
        "失能等级",
        "养老服务补贴(元/月)",
        "建档日期",
        "备注",
    ]
    ws.append(["幸福社区居家养老服务对象花名册"])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(header))
    ws.append(header)
    names = []
    for i in range(70):
        male = g.chance(0.45)
        birth = g.birth_date(60, 98)
        pid = g.resident_id(birth, male)
        names.append(g.name())
        id_value: object = pid
        if i in (17, 41) and pid[-1] != "X":  # typed into a General-format cell: Excel kept 15 digits
            id_value = float(pid[:15] + "000")
        ws.append(
            [
                i + 1,
                names[-1],
                "男" if male else "女",
                birth,
                id_value,
                g.landline() if g.chance(0.3) else g.mobile(),
                g.address(g.pick(["full", "road", "village"])),
                g.name(),
                g.mobile(),
                g.pick(["子", "女", "配偶", "儿媳", "女婿", "侄子"]),
                g.pick(["高血压", "糖尿病", "冠心病", "脑梗后遗症", "阿尔茨海默病", "基本健康", "骨质疏松"]),
                g.pick(["能力完好", "轻度失能", "中度失能", "重度失能"]),
                g.pick([0, 100, 200, 300, 600]),
                _day(g, dt.date(2019, 1, 1), 365 * 7),
                rm.register(),
            ]
        )
    for row in ws.iter_rows(min_row=3):
        for c in row:
            if isinstance(c.value, dt.date):
                c.number_format = "yyyy-mm-dd"
    visits = wb.create_sheet("走访记录")
    vheader = ["走访日期", "老人姓名", "走访人", "走访方式", "走访记录"]
    visits.append(["2025年居家养老走访记录"])
    visits.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(vheader))
    visits.append(vheader)
    staff = [g.name() for _ in range(4)]
    for _ in range(40):
        elder = g.pick(names)
        visits.append(
            [
                _day(g, dt.date(2025, 1, 1), 300),
                elder,
                g.pick(staff),
                g.pick(["上门", "电话", "视频"]),
                rm.visit(elder),
            ]
        )
    for row in visits.iter_rows(min_row=3, max_col=1):
        row[0].number_format = "yyyy-mm-dd"
    for sheet in (ws, visits):
        sheet["A1"].font = Font(bold=True, size=14)
        sheet["A1"].alignment = Alignment(horizontal="center")
    path = HERE / "elderly_care_roster.xlsx"
    wb.save(path)
    corpus._freeze_zip(path)


def garbage_sorting_survey(g: Gen) -> None:
    """垃圾分类问卷: a narrow-purpose survey that over-collects (religion, ID numbers, names, phones)."""
    header = [
        "问卷编号",
        "填写日期",
        "姓名",
        "身份证号",
        "手机号",
        "所在小区",
        "年龄段",
        "宗教信仰",
        "是否了解分类规则",
        "每周投放厨余垃圾次数",
        "对分类设施满意度",
        "意见建议",
    ]
    suggestions = [
        "希望增加投放点",
        "定时定点时间太早",
        "",
        "",
        "可回收物回收价格太低",
        "分类指引贴得再大一些",
        "楼下垃圾桶经常满溢",
        "建议周末增加督导员",
        "厨余垃圾桶有异味",
        "",
    ]
    estates = [g.estate() for _ in range(6)]
    rows = []
    for i in range(150):
        p = Person(g, minors=False)
        rows.append(
            [
                f"WJ2025{i + 1:04d}",
                f"{_day(g, dt.date(2025, 3, 1), 60):%Y-%m-%d}",
                p.name,
                p.id if g.chance(0.8) else None,
                p.phone,
                g.pick(estates),
                g.pick(["18-30岁", "31-45岁", "46-60岁", "60岁以上"]),
                p.religion,
                g.pick(["是", "是", "否", "部分了解"]),
                int(g.rng.integers(0, 15)),
                g.pick(["非常满意", "满意", "一般", "不满意"]),
                g.pick(suggestions),
            ]
        )
    _write_csv(HERE / "garbage_sorting_survey.csv", header, rows, "utf-8")


def open_data_release(g: Gen) -> None:
    """公开数据: generalised records — district-level area, birth year, gender; no direct identifiers."""
    header = ["记录序号", "所在区县", "性别", "出生年份", "文化程度", "就业状态", "参保类型", "统计年度"]
    districts = sorted({(p + c + d) for p, c, d in (g.pick(g.regions.places) for _ in range(12))})
    rows = []
    for i in range(300):
        birth = g.birth_date(18, 90)
        age = corpus.age_on(birth, REFERENCE_DATE)
        work = (
            ["在校学生", "在业"]
            if age < 23
            else ["离退休", "在业"]
            if age >= 60
            else ["在业", "在业", "失业", "灵活就业"]
        )
        rows.append(
            [
                i + 1,
                g.pick(districts),
                g.pick(["男", "女"]),
                birth.year,
                g.pick(corpus.EDUCATION),
                g.pick(work),
                g.pick(["城镇职工医保", "城乡居民医保", "未参保"]),
                2025,
            ]
        )
    _write_csv(HERE / "open_data_release.csv", header, rows, "utf-8")


def service_requests(g: Gen, rm: Remarks) -> None:
    """12345 热线工单: JSON Lines, nested requester.*, free-text 诉求内容."""
    staff = [g.name() for _ in range(6)]
    with open(HERE / "service_requests.jsonl", "w", encoding="utf-8") as fh:
        for i in range(120):
            p = Person(g, minors=False)
            ts = dt.datetime(2025, 6, 1) + dt.timedelta(minutes=int(g.rng.integers(0, 200_000)))
            requester = {"name": p.name, "phone": g.mobile_messy(p.phone)}
            if g.chance(0.5):
                requester["id_number"] = p.id
            requester["address"] = g.address()
            category, content = rm.request(p.name, requester["address"])
            record = {
                "工单号": f"GD{ts:%Y%m%d}{i:04d}",
                "受理时间": f"{ts:%Y-%m-%d %H:%M}",
                "渠道": g.pick(["12345热线", "网格APP", "来访"]),
                "requester": requester,
                "诉求类别": category,
                "诉求内容": content,
                "handler": {"name": g.pick(staff), "dept": g.pick(["社区服务中心", "城管科", "民政科"])},
                "状态": g.pick(["已办结", "办理中", "已回访"]),
            }
            fh.write(json.dumps(record, ensure_ascii=False) + "\n")


def main() -> int:
    """Rebuild every example file."""
    g = Gen(SEED, today=REFERENCE_DATE)
    rm = Remarks(g)
    community_register(g, rm)
    elderly_care_roster(g, rm)
    garbage_sorting_survey(g)
    open_data_release(g)
    service_requests(g, rm)
    for path in sorted(HERE.iterdir()):
        if path.suffix in (".csv", ".xlsx", ".jsonl"):
            print(f"{path.name}: {path.stat().st_size / 1024:.0f} KB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
