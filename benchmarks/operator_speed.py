"""Speed of the transform operators on 1,000,000 values per column.

Columns are built vectorised with numpy (seed 7): valid resident IDs (all distinct),
mobile numbers (almost all distinct), names (a pool of 3,000), addresses twice — a
register's (a pool of 3,000, repeated per household) and a city's (1,000,000 distinct:
600 districts × 400 streets × door, building, unit and room numbers) — birth dates,
ages and coordinates (all distinct).  Each operator runs once on a 1,000-value slice
(imports, pools, region tables) and is then timed on the whole column with
``apply_column``; spans are timed with ``apply_spans`` on a free-text column with one
phone number in each of 1,000,000 cells.

CLI: ``python benchmarks/operator_speed.py [--rows N] [--only mask,redact,...]``
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from privaudit.identifiers import cn_resident_id  # noqa: E402
from privaudit.identifiers.cn_phone import MOBILE_SEGMENTS  # noqa: E402
from privaudit.keys import generate_key  # noqa: E402
from privaudit.transform.generalise import region_label  # noqa: E402
from privaudit.transform.operators import apply_column, apply_spans  # noqa: E402
from privaudit.transform.spec import OperatorSpec, TransformContext  # noqa: E402
from privaudit.transform.surrogate import _county_codes, pools  # noqa: E402

TODAY = dt.date(2026, 11, 23)
SURNAMES = list("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈")
GIVEN = list("伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂华建国红梅玉兰志文海燕")
STREETS = [a + b for a in "建国 人民 解放 中山 和平 胜利 幸福 光明 新华 文化 友谊 东风 青年 学府 长江 黄河 迎宾 滨河 朝阳 花园".split()
           for b in ("路", "街", "大道", "小区", "花园", "家园", "新村", "苑", "里", "公寓", "广场", "大街", "巷", "东路", "西路", "南路", "北路", "中路", "路东段", "路西段")]


def _ids(rng: np.random.Generator, n: int) -> np.ndarray:
    regions = _county_codes()
    days = np.datetime64(TODAY.isoformat()) - rng.integers(1, 95 * 365, n).astype("timedelta64[D]")
    y = days.astype("datetime64[Y]").astype(np.int64) + 1970
    m = days.astype("datetime64[M]").astype(np.int64) % 12 + 1
    d = (days - days.astype("datetime64[M]")).astype(np.int64) + 1
    body = regions[rng.integers(0, len(regions), n)] * 10**11 + (y * 10000 + m * 100 + d) * 1000 + np.arange(n) % 1000
    digits = (body[:, None] // 10 ** np.arange(16, -1, -1)) % 10
    check = np.frombuffer(cn_resident_id.CHECK_CHARS.encode(), dtype=np.uint8)[(digits @ np.array(cn_resident_id.WEIGHTS)) % 11]
    matrix = np.concatenate([(digits + 48).astype(np.uint8), check[:, None]], axis=1)
    return np.ascontiguousarray(matrix).view("S18").reshape(n).astype(str)


def build(n: int) -> dict[str, tuple[pd.Series, str]]:
    rng = np.random.default_rng(7)
    segments = np.array(sorted(int(s) for s in MOBILE_SEGMENTS))
    phones = (segments[rng.integers(0, len(segments), n)] * 10**8 + rng.integers(0, 10**8, n)).astype(str)
    names = np.array([rng.choice(SURNAMES) + "".join(rng.choice(GIVEN, rng.integers(1, 3))) for _ in range(3000)])
    districts = np.array([region_label(str(c)) for c in _county_codes()[rng.choice(len(_county_codes()), 600, replace=False)]])
    pool = np.array(STREETS)
    city = pd.Series(districts[rng.integers(0, 600, n)]) + pd.Series(pool[rng.integers(0, 400, n)]) \
        + pd.Series(rng.integers(1, 300, n).astype(str)) + "号" + pd.Series(rng.integers(1, 30, n).astype(str)) + "栋" \
        + pd.Series(rng.integers(1, 6, n).astype(str)) + "单元" + pd.Series(rng.integers(101, 3000, n).astype(str)) + "室"
    register = city.iloc[:3000].to_numpy()[rng.integers(0, 3000, n)]
    births = (np.datetime64(TODAY.isoformat()) - rng.integers(1, 95 * 365, n).astype("timedelta64[D]")).astype(str)
    coords = pd.Series(np.char.mod("%.6f", rng.uniform(18, 53, n))) + "," + pd.Series(np.char.mod("%.6f", rng.uniform(73, 135, n)))
    remarks = "联系人" + pd.Series(names[rng.integers(0, 3000, n)]) + "，电话" + pd.Series(phones) + "，已走访"
    s = lambda a: pd.Series(a, dtype="str")  # noqa: E731
    return {
        "CN_RESIDENT_ID": (s(_ids(rng, n)), "CN_RESIDENT_ID"),
        "PHONE_NUMBER": (s(phones), "PHONE_NUMBER"),
        "PERSON": (s(names[rng.integers(0, 3000, n)]), "PERSON"),
        "ADDRESS (register, 3,000 distinct)": (s(register), "ADDRESS"),
        "ADDRESS (city, all distinct)": (s(city), "ADDRESS"),
        "DATE_OF_BIRTH": (s(births), "DATE_OF_BIRTH"),
        "AGE": (s(rng.integers(0, 100, n).astype(str)), "AGE"),
        "GEO_COORDINATE": (s(coords), "GEO_COORDINATE"),
        "remarks": (s(remarks), None),
    }


OPERATORS = ("mask", "redact", "generalise", "pseudonymise", "encrypt", "surrogate")
WHICH = {  # columns each operator is timed on
    "mask": ("CN_RESIDENT_ID", "PHONE_NUMBER", "PERSON", "ADDRESS (register, 3,000 distinct)", "ADDRESS (city, all distinct)"),
    "redact": ("CN_RESIDENT_ID",),
    "generalise": ("ADDRESS (register, 3,000 distinct)", "ADDRESS (city, all distinct)", "DATE_OF_BIRTH", "CN_RESIDENT_ID",
                   "GEO_COORDINATE", "AGE"),
    "pseudonymise": ("CN_RESIDENT_ID", "PERSON"),
    "encrypt": ("CN_RESIDENT_ID",),
    "surrogate": ("CN_RESIDENT_ID", "PHONE_NUMBER", "PERSON", "ADDRESS (register, 3,000 distinct)"),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--only", default=",".join(OPERATORS) + ",spans")
    args = parser.parse_args()
    wanted = args.only.split(",")
    t0 = time.perf_counter()
    columns = build(args.rows)
    print(f"built {args.rows:,} values per column in {time.perf_counter() - t0:.1f} s")
    ctx = TransformContext(today=TODAY, _key=bytes.fromhex(generate_key()))
    print(f"{'operator':<13} {'column':<36} {'seconds':>8} {'values/s':>12}")
    for op in OPERATORS:
        if op not in wanted:
            continue
        for label in WHICH[op]:
            values, entity = columns[label]
            apply_column(values.iloc[:1000], entity, OperatorSpec(op), ctx)  # warm-up
            start = time.perf_counter()
            out = apply_column(values, entity, OperatorSpec(op), ctx)
            took = time.perf_counter() - start
            assert out is not None and len(out) == len(values)
            print(f"{op:<13} {label:<36} {took:8.2f} {len(values) / took:12,.0f}", flush=True)
    if "spans" in wanted:
        texts, _ = columns["remarks"]
        n = len(texts)
        start_at = texts.str.find("电话").to_numpy() + 2
        spans = pd.DataFrame({"row": np.arange(n), "start": start_at, "end": start_at + 11, "entity": "PHONE_NUMBER"})
        for op in ("mask", "redact", "pseudonymise"):
            ops = {"PHONE_NUMBER": OperatorSpec(op)}
            apply_spans(texts.iloc[:1000], spans.iloc[:1000], ops, ctx)
            start = time.perf_counter()
            apply_spans(texts, spans, ops, ctx)
            took = time.perf_counter() - start
            print(f"{op:<13} {'spans: 1 phone in each remark':<36} {took:8.2f} {n / took:12,.0f}", flush=True)
    pools()


if __name__ == "__main__":
    main()
