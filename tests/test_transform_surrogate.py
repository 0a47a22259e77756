"""surrogate: fakes validate, are keyed, consistent, and come from pools (no Faker call per value)."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from privaudit.identifiers import MODULES, cn_resident_id
from privaudit.transform import surrogate
from privaudit.transform.surrogate import POOL_SIZE, pools, surrogate_values

TODAY = dt.date(2026, 11, 23)
KEY = bytes(range(32))
VALIDATORS = {m.ENTITY: m.is_valid for m in MODULES}
GENERATED = [
    "CN_RESIDENT_ID", "PHONE_NUMBER", "BANK_CARD", "EMAIL_ADDRESS", "CN_PASSPORT", "CN_TRAVEL_PERMIT",
    "CN_LICENSE_PLATE", "CN_USCC", "IP_ADDRESS", "GEO_COORDINATE",
]


def fakes(entity, values, key=KEY, **params):
    return surrogate_values(pd.Series(values, dtype="str"), entity, params, key, TODAY).to_pylist()


@settings(max_examples=25, deadline=None)
@given(st.sampled_from(GENERATED), st.lists(st.text(min_size=1, max_size=20), min_size=1, max_size=40))
def test_every_fake_identifier_validates(entity, values):
    out = fakes(entity, values)
    assert len(out) == len(values)
    assert all(VALIDATORS[entity](v) for v in out), [v for v in out if not VALIDATORS[entity](v)]


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["110105", "310104", "440305", "654002"]),
                          st.dates(dt.date(1920, 1, 1), TODAY), st.integers(1, 999)), min_size=1, max_size=20),
       st.sampled_from(["year", "date", "random"]))
def test_fake_ids_keep_what_they_promise(parts, birth):
    ids = [(b := f"{r}{d:%Y%m%d}{s:03d}") + cn_resident_id.check_char(b) for r, d, s in parts]
    out = fakes("CN_RESIDENT_ID", ids, birth=birth)
    for original, fake in zip(ids, out, strict=True):
        info = cn_resident_id.info(fake)
        assert info is not None and info["birth_date"] <= dt.date.today()
        assert int(fake[16]) % 2 == int(original[16]) % 2
        if birth == "year":
            assert fake[6:10] == original[6:10]
        if birth == "date":
            assert fake[6:14] == original[6:14]


def test_fakes_are_keyed_and_consistent():
    values = ["王建国", "李明", "王建国", " 王建国 ".strip()]
    first = fakes("PERSON", values)
    assert first == fakes("PERSON", values) and first[0] == first[2] == first[3]
    # the same value gets the same fake whatever else is in the column
    assert fakes("PERSON", ["王建国"]) == [first[0]]
    other = [fakes("PERSON", [f"张{i}"], key=bytes(32))[0] != fakes("PERSON", [f"张{i}"])[0] for i in range(20)]
    assert sum(other) >= 15  # another key, other fakes (pools may collide now and then)
    # entities are separate namespaces: the same text draws other random words
    import pyarrow as pa

    distinct = pa.array(["13812345678"])
    words = {e: surrogate._batch(KEY, e, distinct, {}, TODAY).words.tobytes() for e in ("PHONE_NUMBER", "BANK_CARD", None)}
    assert len(set(words.values())) == 3


def test_pools_are_built_once_with_a_fixed_seed():
    p = pools("zh_CN")
    assert p is pools("zh_CN")
    assert 0.5 * POOL_SIZE < len(p.names) <= POOL_SIZE and len(p.addresses) > 0.9 * POOL_SIZE
    assert not any(a[-6:].isdigit() for a in p.addresses)  # postcodes dropped


def test_faker_is_not_called_per_value(monkeypatch):
    pools("zh_CN")  # built once (cached)

    def boom(*_args, **_kwargs):
        raise AssertionError("Faker called per value")

    monkeypatch.setattr("faker.Faker.__init__", boom)
    out = fakes("PERSON", [f"人{i}" for i in range(5000)])
    assert len(out) == 5000 and len(set(out)) > 1000


def test_attributes_and_other_columns():
    assert set(fakes("GENDER", ["男", "女", "男性", "1"])) <= {"男", "女"}
    assert all(v.endswith("族") for v in fakes("ETHNICITY", ["汉族", "回族"]))
    dob = fakes("DATE_OF_BIRTH", ["1949-12-31", "1949年12月", "1949", "不详"])
    assert dob[0].startswith("1949-") and len(dob[0]) == 10 and dob[1].startswith("1949-") and len(dob[1]) == 7
    assert dob[2] == "1949" and len(dob[3]) == 10
    ages = fakes("AGE", ["37", "37岁", "x"])
    assert 30 <= int(ages[0]) <= 39 and ages[0] == fakes("AGE", ["37"])[0]
    assert all(isinstance(v, str) and v for v in fakes(None, ["独居老人，需定期走访"]))


def test_unknown_birth_mode_is_an_error():
    from privaudit.errors import PrivauditError

    with pytest.raises(PrivauditError, match="birth"):
        fakes("CN_RESIDENT_ID", ["11010519491231002X"], birth="month")
