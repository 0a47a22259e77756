"""Unit tests of the identifier modules: known valid and invalid values, spans, details.

Valid numbers are built here by computing their check characters (independently of the
modules), never copied from real people.
"""

from __future__ import annotations

import datetime as dt
import doctest
import importlib

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pytest

from privaudit.entities import IDENTIFIER_ENTITIES
from privaudit.identifiers import (
    MODULES,
    bank_card,
    cn_license_plate,
    cn_passport,
    cn_phone,
    cn_resident_id,
    cn_travel_permit,
    cn_uscc,
    email,
    excel_damage,
    geo_coordinate,
    ip_address,
    module_for,
)

ALL = [
    "cn_resident_id",
    "cn_phone",
    "bank_card",
    "cn_uscc",
    "cn_passport",
    "cn_travel_permit",
    "cn_license_plate",
    "email",
    "ip_address",
    "geo_coordinate",
    "excel_damage",
]

# -- independent check-character helpers --------------------------------------------------

ID_W = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
USCC_ALPHA = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_W = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]


def make_id(region: str, birth: str, seq: int) -> str:
    body = f"{region}{birth}{seq:03d}"
    return body + "10X98765432"[sum(int(d) * w for d, w in zip(body, ID_W, strict=True)) % 11]


def wrong_check(number: str) -> str:
    return number[:-1] + ("1" if number[-1] != "1" else "2")


def luhn(body: str) -> str:
    total = 0
    for i, ch in enumerate(reversed(body + "0")):
        d = int(ch)
        if i % 2:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return body + str((10 - total % 10) % 10)


def make_uscc(body: str) -> str:
    total = sum(USCC_ALPHA.index(ch) * w for ch, w in zip(body, USCC_W, strict=True))
    return body + USCC_ALPHA[(31 - total % 31) % 31]


def spans(mod, text: str, hinted: bool = False) -> list[str]:
    return [text[s.start : s.end] for s in mod.find(text, hinted)]


def agree(mod, values: list, hinted: bool = False) -> np.ndarray:
    """validate() of ``values``; asserts it equals the scalar is_valid."""
    got = mod.validate(pd.Series(values, dtype=object), hinted)
    want = [isinstance(v, str) and mod.is_valid(v, hinted) for v in values]
    assert got.tolist() == want, [(v, g, w) for v, g, w in zip(values, got, want, strict=True) if g != w]
    return got


# -- the module API ---------------------------------------------------------------------------


@pytest.mark.parametrize("mod", MODULES, ids=lambda m: m.__name__.rsplit(".", 1)[1])
def test_every_module_offers_the_api(mod) -> None:
    assert mod.ENTITY in IDENTIFIER_ENTITIES
    assert module_for(mod.ENTITY) is mod
    assert isinstance(mod.CONTEXT, tuple) and mod.CONTEXT and all(isinstance(w, str) for w in mod.CONTEXT)
    assert isinstance(mod.NEGATIVE_CONTEXT, tuple)
    for name in ("normalize", "is_valid", "validate", "find", "info"):
        assert callable(getattr(mod, name))
    # the prefilter is RE2 (pyarrow) compatible
    pc.match_substring_regex(pa.array(["x"]), mod.PREFILTER)
    assert mod.validate(pd.Series([], dtype="str")).shape == (0,)
    assert mod.validate(pd.Series([None, np.nan, ""], dtype=object)).tolist() == [False, False, False]
    assert mod.find("") == []


@pytest.mark.parametrize("name", ALL)
def test_doctests(name: str) -> None:
    mod = importlib.import_module(f"privaudit.identifiers.{name}")
    result = doctest.testmod(mod)
    assert result.attempted > 0 and result.failed == 0


def test_validate_accepts_plain_lists_arrow_and_object_series() -> None:
    rid = make_id("110105", "19491231", 2)
    expected = [True, False, False]
    assert cn_resident_id.validate([rid, "x", None]).tolist() == expected
    assert cn_resident_id.validate(pa.array([rid, "x", None])).tolist() == expected
    assert cn_resident_id.validate(pa.chunked_array([[rid], ["x", None]])).tolist() == expected
    assert cn_resident_id.validate(pd.Series([rid, 12, None], dtype=object)).tolist() == expected
    sliced = pd.Series(["x", rid, "y", rid], dtype="str").iloc[1:3]
    assert cn_resident_id.validate(sliced).tolist() == [True, False]


# -- resident ID ------------------------------------------------------------------------------


def test_resident_id_worked_example_and_writing_variants() -> None:
    assert make_id("110105", "19491231", 2) == "11010519491231002X"  # sum 167, 167 % 11 = 2 -> X
    assert cn_resident_id.check_char("11010519491231002") == "X"
    for text in [
        "11010519491231002X",
        "11010519491231002x",
        "110105 19491231 002X",
        "110105-19491231-002X",
        "１１０１０５１９４９１２３１００２Ｘ",
        "  11010519491231002X\n",
    ]:
        assert cn_resident_id.is_valid(text), text
    assert cn_resident_id.normalize("110105 19491231 002x") == "11010519491231002X"
    for bad in ["11010519491231002Y", "110105194912310021", "1101051949123100", "11010519491231002XX", "abc"]:
        assert not cn_resident_id.is_valid(bad), bad


def test_resident_id_region_rules() -> None:
    assert cn_resident_id.is_valid(make_id("110103", "19700101", 11))  # 崇文区, withdrawn in 2010
    for permit in ("810000", "820000", "830000"):
        assert cn_resident_id.is_valid(make_id(permit, "19900515", 33)), permit
        assert cn_resident_id.info(make_id(permit, "19900515", 33))["kind"].endswith("permit")
    foreigner = make_id("911840", "19850320", 15)  # 9 + Beijing + nationality code 840
    assert cn_resident_id.is_valid(foreigner)
    assert cn_resident_id.info(foreigner)["kind"] == "foreigner"
    assert cn_resident_id.info(foreigner)["province"] == "北京市"
    assert not cn_resident_id.is_valid(make_id("999999", "19850320", 15))
    assert not cn_resident_id.is_valid(make_id("997840", "19850320", 15))  # no province 97
    assert not cn_resident_id.is_valid(make_id("000000", "19850320", 15))


def test_resident_id_date_rules() -> None:
    assert cn_resident_id.is_valid(make_id("110105", "20000229", 1))  # leap year
    assert not cn_resident_id.is_valid(make_id("110105", "19000229", 1))  # 1900 is no leap year
    assert not cn_resident_id.is_valid(make_id("110105", "19991301", 1))
    assert not cn_resident_id.is_valid(make_id("110105", "19990431", 1))
    assert not cn_resident_id.is_valid(make_id("110105", "18991231", 1))
    future = dt.date.today() + dt.timedelta(days=2)
    assert not cn_resident_id.is_valid(make_id("110105", f"{future:%Y%m%d}", 1))
    assert cn_resident_id.is_valid(make_id("110105", f"{dt.date.today():%Y%m%d}", 1))


def test_resident_id_legacy_15_digits_only_with_hint() -> None:
    assert not cn_resident_id.is_valid("130503670401001")
    assert cn_resident_id.is_valid("130503670401001", hinted=True)
    assert cn_resident_id.upgrade15("130503670401001") == "130503196704010016"
    assert not cn_resident_id.is_valid("130503671301001", hinted=True)  # month 13
    assert not cn_resident_id.is_valid("810000670401001", hinted=True)  # permits are 18-digit only
    assert agree(cn_resident_id, ["130503670401001", "11010519491231002X"], hinted=True).all()
    info = cn_resident_id.info("130503670401001")
    assert info["kind"] == "legacy15" and info["birth_date"] == dt.date(1967, 4, 1) and info["sex"] == "male"


def test_resident_id_info_and_birth_dates() -> None:
    info = cn_resident_id.info("11010519491231002X")
    assert info["region_code"] == "110105" and info["region_name"] == "朝阳区" and info["province"] == "北京市"
    assert info["birth_date"] == dt.date(1949, 12, 31) and info["sex"] == "female"
    assert info["age"] == cn_resident_id.age_on(dt.date(1949, 12, 31))
    assert cn_resident_id.age_on(dt.date(2012, 3, 1), dt.date(2026, 2, 28)) == 13
    assert cn_resident_id.age_on(dt.date(2012, 3, 1), dt.date(2026, 3, 1)) == 14
    assert cn_resident_id.info("not an id") is None
    child = make_id("440305", "20180606", 7)
    s = pd.Series(["11010519491231002X", None, child, "bad", "130503670401001"], index=[10, 11, 12, 13, 14])
    births = cn_resident_id.birth_dates(s)
    assert list(births.index) == [10, 11, 12, 13, 14] and str(births.dtype) == "datetime64[ns]"
    assert births[10] == pd.Timestamp("1949-12-31") and births[12] == pd.Timestamp("2018-06-06")
    assert births[14] == pd.Timestamp("1967-04-01")
    assert pd.isna(births[11]) and pd.isna(births[13])
    assert pd.isna(cn_resident_id.birth_dates(s, hinted=False)[14])


def test_resident_id_find() -> None:
    rid = make_id("310104", "19880808", 123)
    text = f"身份证号：110105 19491231 002X，配偶{rid.lower()}，档案号{wrong_check(rid)}。"
    assert spans(cn_resident_id, text) == ["110105 19491231 002X", rid.lower()]
    assert spans(cn_resident_id, "1" + rid) == []  # inside a longer number
    assert spans(cn_resident_id, "ABC" + rid) == []
    assert spans(cn_resident_id, "老身份证号130503670401001。") == ["130503670401001"]
    assert spans(cn_resident_id, "编号130503670401001。") == []
    assert spans(cn_resident_id, "编号130503670401001。", hinted=True) == ["130503670401001"]
    found = cn_resident_id.find("证件：" + rid)
    assert found[0].score > cn_resident_id.find("x " + rid)[0].score


def test_resident_id_validate_matches_scalar_on_mixed_values() -> None:
    rid = make_id("110105", "19491231", 2)
    values = [rid, rid.lower(), "110105 19491231 002X", "１１０１０５１９４９１２３１００２Ｘ", wrong_check(rid),
              "130503670401001", None, "", "身份证" + rid, rid + " ", "110105-1949-1231-002X", "1.10105E+17"]
    got = agree(cn_resident_id, values)
    assert got.tolist()[:4] == [True] * 4
    agree(cn_resident_id, values, hinted=True)


# -- phones -------------------------------------------------------------------------------------


@pytest.mark.parametrize("segment", ["130", "139", "145", "146", "149", "150", "162", "165", "170", "178", "190", "192", "199"])
def test_assigned_mobile_segments(segment: str) -> None:
    assert cn_phone.is_valid(segment + "12345678")


@pytest.mark.parametrize("segment", ["154", "160", "161", "163", "164", "168", "169", "179", "194", "140", "120"])
def test_never_assigned_segments(segment: str) -> None:
    assert not cn_phone.is_valid(segment + "12345678")
    assert spans(cn_phone, f"电话{segment}12345678。") == []


def test_mobile_writing_variants() -> None:
    for text in ["13812345678", "138 1234 5678", "138-1234-5678", "+86 138 1234 5678", "+8613812345678",
                 "0086 13812345678", "86-13812345678", "+86-138-1234-5678", "１３８１２３４５６７８", "＋８６１３８１２３４５６７８"]:
        assert cn_phone.is_valid(text), text
        assert cn_phone.normalize(text) == "13812345678", text
    for bad in ["1381234567", "138123456789", "13812345678.0", "1.3812345678E10", "+8713812345678"]:
        assert not cn_phone.is_valid(bad), bad


def test_landlines() -> None:
    for text in ["010-62345678", "(010)62345678", "（010）62345678", "0755 82345678", "0755-2234567", "021-6234 5678",
                 "+86 10 6234 5678", "0086-21-87654321", "010-62345678-808", "(0755)83211234转801", "0571-86123456 ext. 12"]:
        assert cn_phone.is_valid(text), text
    assert cn_phone.normalize("(010)62345678") == "010-62345678"
    assert cn_phone.normalize("010-62345678-808") == "010-62345678#808"
    # bare forms need a hint
    for text in ["01062345678", "075583211234", "62345678", "2234567", "075583211234-808"]:
        assert not cn_phone.is_valid(text), text
        assert cn_phone.is_valid(text, hinted=True), text
    for bad in ["010-12345678", "010-02345678", "011-62345678", "0755-123456", "12345678"]:
        assert not cn_phone.is_valid(bad, hinted=True), bad
    assert cn_phone.info("(0755)83211234转801") == {
        "kind": "landline", "normalized": "0755-83211234#801", "extension": "801", "area_code": "0755"}
    assert cn_phone.info("+86 138 1234 5678")["segment"] == "138"


def test_phone_validate_matches_scalar() -> None:
    values = ["13812345678", "138-1234-5678", "+86 138 1234 5678", "8613812345678", "15412345678", "010-62345678",
              "01062345678", "(010)62345678-12", "62345678", "0755 83211234", "１３８１２３４５６７８", None, "",
              "138 1234 5678 ", "13812345678/13912345678", "tel 13812345678", "010-62345678转12", "+86 10 6234 5678"]
    got = agree(cn_phone, values)
    assert got[:4].all() and not got[4]
    agree(cn_phone, values, hinted=True)


def test_phone_find() -> None:
    rid = make_id("110105", "19830512", 138)
    text = f"联系电话：+86 138-1234-5678，座机(010)62345678转123；身份证{rid}，订单号13912345678。"
    assert spans(cn_phone, text) == ["+86 138-1234-5678", "(010)62345678转123"]
    # never inside an 18-digit ID or a longer number
    assert spans(cn_phone, rid) == [] and spans(cn_phone, "213812345678") == []
    assert spans(cn_phone, "13812345678@qq.com") == []
    # bare landline and local numbers need a phone word (or a hint)
    assert spans(cn_phone, "电话 62345678") == ["62345678"]
    assert spans(cn_phone, "联系人：张三 075583211234。") == ["075583211234"]
    assert spans(cn_phone, "编码 62345678") == [] and spans(cn_phone, "台胞证号码：71352563") == []
    assert spans(cn_phone, "编码 62345678", hinted=True) == ["62345678"]
    assert spans(cn_phone, "备案手机１３８１２３４５６７８。") == ["１３８１２３４５６７８"]


# -- bank cards ----------------------------------------------------------------------------------


def test_bank_cards() -> None:
    card19 = luhn("622202123456789012")
    card16 = luhn("436742123456789")
    assert bank_card.luhn_ok(card19) and bank_card.luhn_check_digit(card19[:-1]) == card19[-1]
    for text in [card19, card16, " ".join(card19[i : i + 4] for i in range(0, 19, 4)), "-".join(card16[i : i + 4] for i in range(0, 16, 4))]:
        assert bank_card.is_valid(text), text
    assert not bank_card.is_valid(wrong_check(card19))
    assert bank_card.is_valid(wrong_check(card19), hinted=True)  # account numbers fail Luhn
    assert bank_card.is_valid("123456789012", hinted=True) and not bank_card.is_valid("12345678901", hinted=True)
    assert not bank_card.is_valid(luhn("202305011234567890"))  # order numbers start with a date
    assert bank_card.info(card19)["network"] == "UnionPay"


def test_bank_card_never_an_id() -> None:
    for seq in range(40):  # some of these pass Luhn too
        rid = make_id("440305", "19900101", seq)
        if rid.endswith("X"):
            continue
        assert not bank_card.is_valid(rid) and not bank_card.is_valid(rid, hinted=True)
        archive = wrong_check(rid)  # ID-shaped, fails the check: not a card without a hint
        assert not bank_card.is_valid(archive)
    agree(bank_card, [make_id("440305", "19900101", s) for s in range(30)])
    agree(bank_card, [wrong_check(make_id("440305", "19900101", s)) for s in range(30)], hinted=True)


def test_bank_card_find_and_negative_context() -> None:
    card = luhn("622202123456789012")
    order = luhn("622202987654321098")
    text = f"银行卡号 {card[:4]} {card[4:8]} {card[8:12]} {card[12:16]} {card[16:]}，订单号{order}，账号 123456789012。"
    assert spans(bank_card, text) == [f"{card[:4]} {card[4:8]} {card[8:12]} {card[12:16]} {card[16:]}", "123456789012"]
    assert spans(bank_card, f"订单号{order}", hinted=True) == [order]
    assert spans(bank_card, "1" + card) == []


# -- USCC ----------------------------------------------------------------------------------------


def test_uscc() -> None:
    assert make_uscc("91110000600037341") == "91110000600037341L"
    assert cn_uscc.check_char("91110000600037341") == "L"
    for code in ["91110000600037341L", "91110000600037341l", "9111 0000 6000 3734 1L",
                 make_uscc("N2440305MA5ABCDEF"), make_uscc("Y1110105123456789"), make_uscc("A1100000MA00ABCDE"),
                 make_uscc("12100000400012345")]:
        assert cn_uscc.is_valid(code), code
    assert not cn_uscc.is_valid("91110000600037341M")
    assert not cn_uscc.is_valid(make_uscc("B1110105123456789"))  # B is no registration department
    assert not cn_uscc.is_valid("91110000600037341L".replace("6", "I"))  # I is not in the alphabet
    assert not cn_uscc.is_valid(make_uscc("9199999912345678A"))  # 999999 is no region
    assert not cn_uscc.is_valid(make_uscc("9611010512345678A"))  # category 6 unused
    info = cn_uscc.info("91110000600037341L")
    assert info["department"] == "9" and info["region_code"] == "110000" and info["province"] == "北京市"
    assert spans(cn_uscc, "统一社会信用代码：91110000600037341L。") == ["91110000600037341L"]
    assert spans(cn_uscc, "X91110000600037341L") == []
    agree(cn_uscc, ["91110000600037341L", "91110000600037341l", "9111000060003734", "ＮＹ", None,
                    make_uscc("N2440305MA5ABCDEF"), "９１１１００００６０００３７３４１Ｌ"])


# -- passports, permits, plates ------------------------------------------------------------------


def test_passports() -> None:
    for ok in ["E12345678", "e12345678", "EA1234567", "EH1234567", "G12345678", "Ｅ１２３４５６７８"]:
        assert cn_passport.is_valid(ok), ok
    for bad in ["EI1234567", "EO1234567", "E1234567", "E123456789", "P12345678", "G1234567A"]:
        assert not cn_passport.is_valid(bad), bad
    assert spans(cn_passport, "护照号E12345678，型号E87654321，编码XE12345678") == ["E12345678"]
    agree(cn_passport, ["E12345678", "e12345678 ", "EA1234567", "EI1234567", "Ｅ１２３４５６７８", None])


def test_travel_permits() -> None:
    for ok in ["H12345678", "M1234567801", "C12345678", "CA1234567", "L12345678", "h12345678"]:
        assert cn_travel_permit.is_valid(ok), ok
    for bad in ["H1234567", "H123456789", "CI1234567", "L1234567890", "K12345678"]:
        assert not cn_travel_permit.is_valid(bad), bad
    assert not cn_travel_permit.is_valid("12345678") and cn_travel_permit.is_valid("12345678", hinted=True)
    assert cn_travel_permit.info("M1234567801")["kind"] == "回乡证"
    text = "回乡证H1234567801，台胞证号码：71352563，单号C12345678"
    assert spans(cn_travel_permit, text) == ["H1234567801", "71352563"]
    assert spans(cn_travel_permit, "工号71352563") == []
    agree(cn_travel_permit, ["H12345678", "12345678", "CA1234567", None], hinted=True)


def test_license_plates() -> None:
    for ok in ["京A12345", "京A·12345", "粤B·AB123", "沪A D12345", "粤BD12345", "粤B12345D", "粤Z1234港", "京A1234警",
               "苏E-F81234", "鄂a12345", "浙A１２３４５", "川A·3B2C1"]:
        assert cn_license_plate.is_valid(ok), ok
    for bad in ["京AI2345", "京O12345", "京A1234", "京A1234567", "沪AABCDE", "京AAB12C", "A12345", "港A12345"]:
        assert not cn_license_plate.is_valid(bad), bad
    info = cn_license_plate.info("粤B12345D")
    assert info["province_name"] == "广东省" and info["new_energy"] and info["suffix"] is None
    assert spans(cn_license_plate, "车牌号京A·12345，粤Z1234港，粤B12345X6") == ["京A·12345", "粤Z1234港"]
    agree(cn_license_plate, ["京A12345", "京A·12345", "粤B D12345", "京AI2345", "京Ａ１２３４５", "北京", None, "粤Z1234港"])


# -- e-mail, IP, coordinates ---------------------------------------------------------------------


def test_email() -> None:
    for ok in ["zhang.san@example.com", "1234567@qq.com", "a+b@mail.example.org", "ＺＳ＠ＱＱ．ＣＯＭ", "x@xn--fiqs8s.xn--fiqs8s"]:
        assert email.is_valid(ok), ok
    for bad in ["a..b@x.cn", ".a@x.cn", "a@b.c", "a@-b.com", "张三@qq.com", "a@b", "a b@c.com", "a@b_c.com"]:
        assert not email.is_valid(bad), bad
    assert not email.is_valid("a" * 65 + "@example.com")
    assert email.info("Zhang@Example.COM")["domain"] == "example.com"
    assert spans(email, "邮箱：zhang.san@example.com。或 test@163.com联系") == ["zhang.san@example.com", "test@163.com"]
    agree(email, ["zhang.san@example.com", " a@b.cn ", "a..b@x.cn", "ＺＳ＠ＱＱ．ＣＯＭ", "a" * 65 + "@example.com", None])


def test_ip_addresses() -> None:
    for ok in ["192.168.1.10", "8.8.8.8", "２２３．５．６．７", "2001:db8::8a2e:370:7334", "fe80::1", "::ffff:1.2.3.4",
               "2001:0db8:0000:0000:0000:ff00:0042:8329"]:
        assert ip_address.is_valid(ok), ok
    for bad in ["256.1.1.1", "01.2.3.4", "0.0.0.0", "255.255.255.0", "1.2.3", "1.2.3.4.5", "12:30:45", "::", "::1", "fe80::1%eth0"]:
        assert not ip_address.is_valid(bad), bad
    assert ip_address.info("192.168.1.10")["private"]
    text = "登录IP：192.168.1.10，版本 1.2.3.4，软件1.2.3.4.5，v1.2.3.4，日期2024.01.02，自2001:db8::1登录，12:30:45"
    assert spans(ip_address, text) == ["192.168.1.10", "2001:db8::1"]
    agree(ip_address, ["192.168.1.10", " 10.0.0.1", "2001:db8::1", "１９２．１６８．１．１", "1.2.3.4.5", "::1", None])


def test_geo_coordinates() -> None:
    for ok in ["116.397128,39.916527", "39.916527, 116.397128", "39.9165 116.3971", "-33.865;151.209",
               "北纬39.9 东经116.4", "39.9°N, 116.4°E", "N39.9,E116.4", "lat: -33.86, lng: 151.21", "纬度39.91，经度116.39"]:
        assert geo_coordinate.is_valid(ok), ok
    for bad in ["12345.67, 1.5", "39.91, 116.39", "39.9165116.3971", "0.000,0.000", "95.123,95.123",
                "北纬116.4 东经39.9", "2023.05.01", "12.5"]:
        assert not geo_coordinate.is_valid(bad), bad
    assert geo_coordinate.is_valid("39.91, 116.39", hinted=True)
    assert geo_coordinate.is_valid("39.916527", hinted=True) and not geo_coordinate.is_valid("216.1", hinted=True)
    assert geo_coordinate.info("116.397128,39.916527") == {"values": (116.397128, 39.916527), "lat": 39.916527, "lng": 116.397128}
    assert geo_coordinate.info("北纬39.9 西经116.4")["lng"] == -116.4
    text = "现场定位：116.397128,39.916527。坐标(39.9165, 116.3971)，北纬39.9°，东经116.4°。金额 123.45, 78.90 元"
    assert spans(geo_coordinate, text) == ["116.397128,39.916527", "39.9165, 116.3971", "北纬39.9°，东经116.4°"]
    values = ["116.397128,39.916527", "39.91, 116.39", "39.916527", "北纬39.9 东经116.4", "N39.9,E116.4", None, "abc"]
    agree(geo_coordinate, values)
    agree(geo_coordinate, values, hinted=True)
    comp = geo_coordinate.validate_component(pd.Series(["39.9", "-91.5", "116.39", None, "x"]), "lat")
    assert comp.tolist() == [True, False, False, False, False]
    assert geo_coordinate.validate_component(pd.Series(["116.39", "181.0"]), "lng").tolist() == [True, False]


# -- Excel damage --------------------------------------------------------------------------------


def test_excel_damage() -> None:
    rid = make_id("452101", "19761024", 499)
    damaged_float = str(int(float(rid[:15] + "000")))  # how a reader prints the float cell
    cases = {
        "1.10105E+17": "scientific_notation",
        "1.3812345678E10": "scientific_notation",
        "6.22202e+18": "scientific_notation",
        "13812345678.0": "float",
        "110105194912310000.0": "float",
        "110105194912310000": "trailing_zeros",
        damaged_float: "float_digits",
        "11010519491231002X": None,
        "13812345678": None,
        "12345.67": None,
        "1.5E+3": None,
        "2023-05-01": None,
        rid: None,
    }
    for value, kind in cases.items():
        assert excel_damage.damage_kind(value) == kind, value
    got = excel_damage.is_damaged(pd.Series(list(cases) + [None]))
    assert got.tolist() == [kind is not None for kind in cases.values()] + [False]
    # a truncated ID that passes the check by chance is valid, hence not "damaged" — but suspect
    lucky = next(
        str(int(float(make_id("110105", "19491231", s)[:15] + "000")))
        for s in range(0, 999, 10)
        if cn_resident_id.is_valid(str(int(float(make_id("110105", "19491231", s)[:15] + "000"))))
    )
    assert excel_damage.damage_kind(lucky) is None
    assert excel_damage.suspect_ids(pd.Series([lucky, rid, "x"])).tolist() == [True, False, False]
    assert set(excel_damage.KINDS) == {"scientific_notation", "float", "trailing_zeros", "float_digits"}


# -- look-alikes: no findings ----------------------------------------------------------------------


def test_lookalikes_give_no_findings() -> None:
    rid = make_id("320102", "19800101", 456)
    texts = [
        "订单号" + luhn("202305011234567890"),
        luhn("202305011234567890"),
        "档案编号" + wrong_check(rid),
        wrong_check(rid),
        "金额 12345.67 元",
        "12345.67",
        "下单日期 2023-05-01",
        "20230501",
        "商品条码 6901234567892",
        "SP-20230501-1234",
        "发票代码 123412341234",
        "发票号码 12345678",
        "版本号 v1.2.3",
        "10.0.19045.2364",
        "设备编号 15412345678",
        "ISBN 978-7-111-12345-6",
        "快递单号SF1234567891234",
        "时间戳 1704067200000",
        "批次号 B2023-0501-12",
        "序列号 8F3K2M9Q1W7E5R4T6Y",
        "数量 120",
        "2024-03-01 12:34:56",
        "HUAWEI Mate 60 / HarmonyOS 4.0.0",
        "身高175cm，血压130/85",
        "工单号GD123456789012",
        "第3网格",
    ]
    for text in texts:
        for mod in MODULES:
            assert mod.find(text) == [], (mod.ENTITY, text)


def test_prefilters_match_every_found_text() -> None:
    rid = make_id("110105", "19491231", 2)
    texts = [
        f"身份证{rid} 电话+86 138 1234 5678 座机(0755)83211234-808 卡号{luhn('622202123456789012')}",
        "代码91110000600037341L 护照E12345678 回乡证H1234567801 台胞证12345678 车牌粤B·D12345",
        "邮箱a@b.cn ip 192.168.1.1 2001:db8::1 定位116.397128,39.916527 北纬39.9 东经116.4",
        "１１０１０５ １９４９１２３１ ００２Ｘ ＋８６ １３８ １２３４ ５６７８",
    ]
    arr = pa.array(texts)
    for mod in MODULES:
        hits = pc.match_substring_regex(arr, mod.PREFILTER).to_pylist()
        for text, hit in zip(texts, hits, strict=True):
            if mod.find(text, hinted=True):
                assert hit, (mod.ENTITY, text)


def test_context_words() -> None:
    from privaudit.identifiers._common import Context

    ctx = Context(["电话", "tel"], ["订单"], neutral=["邮箱"])
    assert ctx.state("电话：x", 3) == 1
    assert ctx.state("订单号 x", 4) == -1
    assert ctx.state("电话 订单号 x", 7) == -1  # the nearer word decides
    assert ctx.state("订单 电话 x", 6) == 1
    assert ctx.state("电话 邮箱 x", 6) == 0
    assert ctx.state("TEL: x", 5) == 1 and ctx.state("hotel x", 6) == 0
    assert ctx.state("电话" + "很" * 13 + "x", 15) == 0  # too far away
    assert ctx.state("订单号123 x", 7) == 0  # the word labels another number
    assert ctx.state("订单。x", 3) == 0  # another sentence
    text = "转王龙处理，工号13064806。孟倩：15795697957。"
    assert spans(cn_phone, text) == ["15795697957"]
