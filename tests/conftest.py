"""Shared fixtures: small synthetic registers with valid identifiers (never real people)."""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

import pandas as pd
import pytest

WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
MOBILE_PREFIXES = ["130", "135", "138", "139", "147", "150", "158", "166", "177", "186", "189", "199"]


def make_id(region: str, birth: dt.date, seq: int) -> str:
    """A resident ID with a correct check character."""
    body = f"{region}{birth:%Y%m%d}{seq:03d}"
    total = sum(int(d) * w for d, w in zip(body, WEIGHTS, strict=True))
    return body + "10X98765432"[total % 11]


def make_phone(rng: random.Random) -> str:
    return rng.choice(MOBILE_PREFIXES) + f"{rng.randrange(10**8):08d}"


SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂"


def make_register(n: int = 60, seed: int = 3, today: dt.date | None = None) -> pd.DataFrame:
    """A community register: names, genders, IDs (some minors), phones, addresses, remarks."""
    rng = random.Random(seed)
    today = today or dt.date.today()
    rows = []
    for i in range(n):
        age = 5 if i % 10 == 0 else rng.randrange(20, 90)  # every 10th person is a child
        birth = today.replace(year=today.year - age) - dt.timedelta(days=rng.randrange(1, 300))
        rid = make_id(rng.choice(["110105", "110103", "310104", "440305", "130503"]), birth, rng.randrange(1000))
        name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice([1, 2])))
        phone = make_phone(rng)
        rows.append(
            {
                "姓名": name,
                "性别": rng.choice(["男", "女"]),
                "民族": rng.choice(["汉族", "回族", "满族", "蒙古族"]),
                "身份证号": rid,
                "联系电话": phone,
                "家庭住址": f"北京市朝阳区幸福里小区{rng.randrange(1, 30)}栋{rng.randrange(1, 6)}单元{rng.randrange(101, 1800)}室",
                "宗教信仰": rng.choice(["无", "佛教", "基督教", "无"]),
                "备注": "独居老人，需定期走访" if i % 3 else f"其子电话{make_phone(rng)}，每周探望一次",
            }
        )
    return pd.DataFrame(rows)


@pytest.fixture
def register() -> pd.DataFrame:
    return make_register()


@pytest.fixture
def register_csv(tmp_path: Path, register: pd.DataFrame) -> Path:
    path = tmp_path / "register.csv"
    register.to_csv(path, index=False, encoding="gb18030")
    return path
