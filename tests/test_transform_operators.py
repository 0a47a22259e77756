"""Transform operators on whole columns and on spans in free text (privaudit.transform.operators)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import privaudit
from privaudit.errors import PrivauditError
from privaudit.identifiers import cn_phone, cn_resident_id
from privaudit.keys import generate_key
from privaudit.masking import mask, mask_series
from privaudit.transform.crypto import decrypt_series, decrypt_text
from privaudit.transform.operators import apply_column, apply_spans
from privaudit.transform.spec import OperatorSpec, TransformContext

TODAY = dt.date(2026, 11, 23)
TEXT = "户主王建国，身份证11010519491231002X，电话138 1234 5678"
IDENTIFIERS = ("PERSON", "CN_RESIDENT_ID", "PHONE_NUMBER", "ADDRESS", "EMAIL_ADDRESS", "BANK_CARD")


@pytest.fixture
def key_file(tmp_path):
    path = tmp_path / "privaudit.key"
    path.write_text(generate_key() + "\n", encoding="ascii")
    return path


@pytest.fixture
def ctx(key_file) -> TransformContext:
    return TransformContext(key_file=str(key_file), today=TODAY)


def col(values, dtype="str") -> pd.Series:
    return pd.Series(values, dtype=dtype, index=pd.RangeIndex(10, 10 + len(values)), name="c")


def spans_of(frame: pd.DataFrame, column: str) -> pd.DataFrame:
    """The real scanner's findings in ``column``: row, start, end, entity."""
    found = privaudit.scan(frame, keep_findings=True).findings
    found = found[found["column"].astype(str) == column]
    return found[["row", "start", "end", "entity"]].astype({"entity": object}).reset_index(drop=True)


# --------------------------------------------------------------------------- columns: shape


@pytest.mark.parametrize("op", ["mask", "redact", "generalise", "pseudonymise", "encrypt", "surrogate"])
@pytest.mark.parametrize("dtype", ["str", object])
def test_column_shape_missing_and_blank_cells_kept(op, dtype, ctx):
    values = col(["11010519491231002X", None, "", "  ", " 110105 19491231 002x ", "不详"], dtype)
    out = apply_column(values, "CN_RESIDENT_ID", OperatorSpec(op), ctx)
    assert out.index.equals(values.index) and out.name == "c" and len(out) == len(values)
    assert out.dtype == values.dtype
    assert out.isna().tolist() == [False, True, False, False, False, False]
    assert out.iloc[2] == "" and out.iloc[3] == "  "
    raw = {"11010519491231002X", "110105 19491231 002x", "不详"}
    assert not raw & {str(v).strip() for v in out.dropna()}


def test_drop_and_keep(ctx):
    values = col(["王建国", "李明"])
    assert apply_column(values, "PERSON", OperatorSpec("drop"), ctx) is None
    assert apply_column(values, "PERSON", OperatorSpec("keep"), ctx) is values


def test_unknown_operator_or_parameter_is_a_readable_error(ctx):
    with pytest.raises(PrivauditError, match="unknown operator 'hash'"):
        apply_column(col(["a"]), None, OperatorSpec("hash"), ctx)
    with pytest.raises(PrivauditError, match="mask does not take keep"):
        apply_column(col(["a"]), None, OperatorSpec("mask", {"keep": 3}), ctx)
    with pytest.raises(PrivauditError, match="keep_first"):
        apply_column(col(["abc"]), None, OperatorSpec("mask", {"keep_first": -1}), ctx)


def test_missing_key_is_a_readable_error(monkeypatch):
    monkeypatch.delenv("PRIVAUDIT_KEY", raising=False)
    with pytest.raises(PrivauditError, match="no key"):
        apply_column(col(["13812345678"]), "PHONE_NUMBER", OperatorSpec("pseudonymise"), TransformContext())
    # operators without a key never ask for one
    assert apply_column(col(["13812345678"]), "PHONE_NUMBER", OperatorSpec("mask"), TransformContext()).iloc[0] == "138****5678"


# --------------------------------------------------------------------------- mask / redact


@pytest.mark.parametrize(
    ("entity", "value", "expected"),
    [
        ("CN_RESIDENT_ID", "11010519491231002X", "110105********002X"),
        ("PHONE_NUMBER", "13812345678", "138****5678"),
        ("PERSON", "王建国", "王*国"),
        ("PERSON", "李明", "李*"),
        ("BANK_CARD", "6222021234567890128", "622202*********0128"),
        ("EMAIL_ADDRESS", "zhang@163.com", "z***@163.com"),
    ],
)
def test_mask_display_defaults(entity, value, expected, ctx):
    assert apply_column(col([value] * 70), entity, OperatorSpec("mask"), ctx).tolist() == [expected] * 70


def test_mask_parameters_override_the_defaults(ctx):
    ids = col(["11010519491231002X"])
    assert apply_column(ids, "CN_RESIDENT_ID", OperatorSpec("mask", {"keep_first": 1, "keep_last": 1}), ctx).iloc[0] == "1" + "*" * 16 + "X"
    # one side given: the other keeps the entity's default
    assert apply_column(ids, "CN_RESIDENT_ID", OperatorSpec("mask", {"keep_last": 0}), ctx).iloc[0] == "110105" + "*" * 12
    assert apply_column(col(["王建国"]), "PERSON", OperatorSpec("mask", {"keep_first": 1}), ctx).iloc[0] == "王**"
    phones = col(["13812345678"] * 100)
    masked = apply_column(phones, "PHONE_NUMBER", OperatorSpec("mask", {"char": "#", "keep_first": 3, "keep_last": 2}), ctx)
    assert set(masked) == {"138######78"}


def test_redact_replaces_every_non_blank_cell(ctx):
    values = col(["北京市朝阳区建国路88号", None, "", "x"])
    out = apply_column(values, "ADDRESS", OperatorSpec("redact", {"text": "[已删除]"}), ctx)
    assert out.tolist()[0] == "[已删除]" and out.iloc[3] == "[已删除]" and out.isna().iloc[1] and out.iloc[2] == ""
    assert apply_column(values, "ADDRESS", OperatorSpec("redact"), ctx).fillna("?").tolist() == ["", "?", "", ""]


# --------------------------------------------------------------------------- generalise


def test_generalise_per_entity(ctx):
    def gen(entity, values, **params):
        return apply_column(col(values), entity, OperatorSpec("generalise", params), ctx).tolist()

    addresses = ["北京市朝阳区建国路88号SOHO现代城2号楼1单元1201室", "河北省石家庄市长安区建北街道幸福小区3栋", "幸福里小区3栋2单元501室"]
    assert gen("ADDRESS", addresses) == ["北京市朝阳区", "河北省石家庄市长安区", "未知"]
    assert gen("ADDRESS", addresses, to="city") == ["北京市", "河北省石家庄市", "未知"]
    assert gen("ADDRESS", addresses, to="street")[1] == "河北省石家庄市长安区建北街道"
    births = ["1949-12-31", "1990年7月", "1996", "不详", "2030-01-01"]
    assert gen("DATE_OF_BIRTH", births) == ["1949", "1990", "1996", "未知", "未知"]
    assert gen("DATE_OF_BIRTH", births, to="month") == ["1949-12", "1990-07", "1996", "未知", "未知"]
    assert gen("DATE_OF_BIRTH", births, to="age_band") == ["70-79", "30-39", "30-39", "未知", "未知"]
    assert gen("DATE_OF_BIRTH", births, to=5)[:2] == ["75-79", "35-39"]
    ids = ["11010519491231002X", "110105491231002", "11010519491231002Y"]
    assert gen("CN_RESIDENT_ID", ids) == ["北京市朝阳区 1949", "北京市朝阳区 1949", "未知"]
    assert gen("CN_RESIDENT_ID", ids, to="region")[0] == "北京市朝阳区"
    assert gen("CN_RESIDENT_ID", ids, to="year")[0] == "1949"
    assert gen("CN_RESIDENT_ID", ids, to="region", level="province")[0] == "北京市"
    coords = ["39.916527,116.397128", "116.397128, 39.916527", "北纬39.9165 东经116.3971", "-33.8688,151.2093", "abc"]
    assert gen("GEO_COORDINATE", coords) == ["39.9,116.3", "116.3,39.9", "39.9,116.3", "-33.9,151.2", "未知"]
    assert gen("GEO_COORDINATE", coords[:1], to="district") == ["39.91,116.39"]
    assert gen("GEO_COORDINATE", coords[:1], grid=0.5) == ["39.5,116.0"]
    assert gen("AGE", ["37", "37岁", "８", "二十", "300"]) == ["30-39", "30-39", "0-9", "未知", "未知"]
    assert gen("AGE", ["37"], band=5) == ["35-39"]
    # no coarser form: attributes pass unchanged, identifiers are masked
    assert gen("GENDER", ["男", "女"]) == ["男", "女"]
    assert gen("PHONE_NUMBER", ["13812345678"]) == ["138****5678"]


def test_generalise_rejects_levels_it_does_not_know(ctx):
    with pytest.raises(PrivauditError, match="generalise"):
        apply_column(col(["北京市朝阳区"]), "ADDRESS", OperatorSpec("generalise", {"to": "village"}), ctx)
    with pytest.raises(PrivauditError, match="band"):
        apply_column(col(["37"]), "AGE", OperatorSpec("generalise", {"band": 0}), ctx)


# --------------------------------------------------------------------------- keyed operators


def test_pseudonymise_is_deterministic_per_key_and_joins_across_columns(key_file, tmp_path, ctx):
    values = col(["11010519491231002X", "110105 19491231 002x", "130503670401001", None])
    first = apply_column(values, "CN_RESIDENT_ID", OperatorSpec("pseudonymise"), ctx)
    again = apply_column(values, "CN_RESIDENT_ID", OperatorSpec("pseudonymise"), TransformContext(key_file=str(key_file)))
    assert first.tolist()[:3] == again.tolist()[:3] and first.iloc[0] == first.iloc[1]
    assert first.iloc[0].startswith("PSN_") and first.isna().iloc[3]
    other = tmp_path / "other.key"
    other.write_text(generate_key(), encoding="ascii")
    assert apply_column(values, "CN_RESIDENT_ID", OperatorSpec("pseudonymise"), TransformContext(key_file=str(other))).iloc[0] != first.iloc[0]
    sm3 = apply_column(values, "CN_RESIDENT_ID", OperatorSpec("pseudonymise", {"algorithm": "sm3", "length": 8}), ctx)
    assert len(sm3.iloc[0]) == len("PSN_") + 16 and sm3.iloc[0] != first.iloc[0][:20]


def test_pseudonym_from_env_key(monkeypatch):
    monkeypatch.setenv("PRIVAUDIT_KEY", "ab" * 32)
    out = apply_column(col(["13812345678", "+86 138-1234-5678"]), "PHONE_NUMBER", OperatorSpec("pseudonymise"), TransformContext())
    assert out.iloc[0] == out.iloc[1]
    assert out.iloc[0] == "PSN_" + __import__("privaudit.transform.crypto", fromlist=["x"]).pseudonymise(
        "13812345678", bytes.fromhex("ab" * 32), "PHONE_NUMBER")[4:]


def test_encrypt_round_trips_cells_exactly(ctx):
    values = col([" 王建国 ", "11010519491231002X", None, ""])
    sealed = apply_column(values, "PERSON", OperatorSpec("encrypt", {"algorithm": "sm4"}), ctx)
    assert sealed.iloc[0].startswith("ENC1:sm4gcm:") and sealed.isna().iloc[2] and sealed.iloc[3] == ""
    assert decrypt_series(sealed, ctx.key()).tolist()[:2] == [" 王建国 ", "11010519491231002X"]


def test_surrogate_ids_are_valid_keep_birth_year_and_sex_and_are_deterministic(key_file, ctx):
    ids = [cn_resident_id.upgrade15("110105491231002")] + [
        f"{body}{cn_resident_id.check_char(body)}" for body in ("11010519491231002", "44030520120102001", "31010419800229123")
    ]
    values = col(ids + ["bad", None])
    fake = apply_column(values, "CN_RESIDENT_ID", OperatorSpec("surrogate"), ctx)
    again = apply_column(values, "CN_RESIDENT_ID", OperatorSpec("surrogate"), TransformContext(key_file=str(key_file), today=TODAY))
    assert fake.tolist()[:5] == again.tolist()[:5] and fake.isna().iloc[5]
    assert fake.iloc[0] == fake.iloc[1]  # 15-digit and 18-digit forms of one number
    for original, new in zip(ids, fake.iloc[:4], strict=True):
        assert cn_resident_id.is_valid(new) and new != original
        assert new[6:10] == original[6:10]  # birth year
        assert int(new[16]) % 2 == int(original[16]) % 2  # sex
        assert cn_resident_id.info(new)["birth_date"] <= dt.date.today()
    assert cn_resident_id.is_valid(fake.iloc[4])
    whole = apply_column(values, "CN_RESIDENT_ID", OperatorSpec("surrogate", {"birth": "date"}), ctx)
    assert [v[6:14] for v in whole.iloc[:4]] == [v[6:14] for v in ids]


def test_surrogate_values_look_real(ctx):
    def fake(entity, values):
        return apply_column(col(values), entity, OperatorSpec("surrogate"), ctx).tolist()

    phones = fake("PHONE_NUMBER", ["13812345678", "+86 138 1234 5678", "010-62345678"])
    assert phones[0] == phones[1] and all(cn_phone.is_valid(p) for p in phones)
    names = fake("PERSON", ["王建国", "王建国", "李明"])
    assert names[0] == names[1] and all(1 < len(n) <= 4 for n in names) and "王建国" not in names
    from privaudit.identifiers import bank_card, email, geo_coordinate

    assert all(bank_card.is_valid(c) for c in fake("BANK_CARD", ["6222021234567890128", "1", "2", "3"]))
    assert all(email.is_valid(e) for e in fake("EMAIL_ADDRESS", ["zhang@163.com", "li@qq.com"]))
    assert all(geo_coordinate.is_valid(c) for c in fake("GEO_COORDINATE", ["116.397128,39.916527"]))
    address = fake("ADDRESS", ["北京市朝阳区幸福里小区3栋2单元501室"])[0]
    from privaudit.detect.addresses import is_address

    assert is_address(pd.Series([address])).all()


# --------------------------------------------------------------------------- spans in free text


@pytest.fixture
def remarks() -> pd.DataFrame:
    return pd.DataFrame({"备注": [TEXT, "独居老人，需定期走访", None, "现住北京市朝阳区幸福里小区3栋2单元501室，邮箱zhang@163.com"]})


ALL = {e: None for e in IDENTIFIERS}


def ops_for(op: str, **params) -> dict[str, OperatorSpec]:
    return {e: OperatorSpec(op, params) for e in ALL}


def test_spans_from_the_real_scanner_are_masked(remarks, ctx):
    spans = spans_of(remarks, "备注")
    assert set(spans["entity"]) >= {"PERSON", "CN_RESIDENT_ID", "PHONE_NUMBER", "ADDRESS", "EMAIL_ADDRESS"}
    out = apply_spans(remarks["备注"], spans, ops_for("mask"), ctx)
    assert out.iloc[0] == "户主王*国，身份证110105********002X，电话138******5678"
    assert out.iloc[1] is remarks["备注"].iloc[1] or out.iloc[1] == remarks["备注"].iloc[1]
    assert pd.isna(out.iloc[2])
    assert out.iloc[3].startswith("现住北京市朝阳区***") and "z***@163.com" in out.iloc[3]


@pytest.mark.parametrize("op", ["redact", "drop", "generalise", "pseudonymise", "encrypt", "surrogate"])
def test_every_operator_on_spans(op, remarks, ctx):
    spans = spans_of(remarks, "备注")
    out = apply_spans(remarks["备注"], spans, ops_for(op), ctx)
    assert out.index.equals(remarks.index) and len(out) == 4 and pd.isna(out.iloc[2])
    assert out.iloc[1] == "独居老人，需定期走访"
    for raw in ("王建国", "11010519491231002X", "138 1234 5678", "幸福里小区3栋2单元501室", "zhang@163.com"):
        assert raw not in "".join(out.dropna())
    if op in ("redact", "drop"):
        assert out.iloc[0] == "户主，身份证，电话"
    if op == "generalise":
        assert out.iloc[0] == "户主王*国，身份证北京市朝阳区 1949，电话138******5678"
        assert out.iloc[3].startswith("现住北京市朝阳区，")
    if op == "encrypt":
        assert decrypt_text(out, ctx.key()).tolist()[:2] == remarks["备注"].tolist()[:2]


def test_span_and_column_operators_agree(remarks, ctx):
    """The same value gets the same pseudonym / surrogate in a column and inside text."""
    spans = spans_of(remarks, "备注")
    for op in ("pseudonymise", "surrogate"):
        text = apply_spans(remarks["备注"], spans, ops_for(op), ctx).iloc[0]
        for entity, value in (("CN_RESIDENT_ID", "11010519491231002X"), ("PERSON", "王建国"), ("PHONE_NUMBER", "13812345678")):
            assert apply_column(col([value]), entity, OperatorSpec(op), ctx).iloc[0] in text


def test_spans_only_for_entities_named_and_keep(remarks, ctx):
    spans = spans_of(remarks, "备注")
    out = apply_spans(remarks["备注"], spans, {"CN_RESIDENT_ID": OperatorSpec("redact", {"text": "〔身份证〕"}),
                                               "PERSON": OperatorSpec("keep")}, ctx)
    assert out.iloc[0] == "户主王建国，身份证〔身份证〕，电话138 1234 5678"
    assert out.iloc[3] == remarks["备注"].iloc[3]
    assert apply_spans(remarks["备注"], spans.iloc[:0], ops_for("mask"), ctx).equals(remarks["备注"])


def test_overlapping_spans_longest_wins(ctx):
    texts = col(["abcdefghij", "0123456789"], object)
    spans = pd.DataFrame({"row": [0, 0, 0, 1, 1], "start": [2, 0, 6, 0, 3], "end": [4, 6, 9, 5, 10],
                          "entity": ["PERSON", "ADDRESS", "PERSON", "PERSON", "ADDRESS"]})
    out = apply_spans(texts, spans, {"PERSON": OperatorSpec("redact", {"text": "<P>"}),
                                     "ADDRESS": OperatorSpec("redact", {"text": "<A>"})}, ctx)
    assert out.tolist() == ["<A><P>j", "012<A>"]
    shuffled = apply_spans(texts, spans.iloc[::-1], {"PERSON": OperatorSpec("redact", {"text": "<P>"}),
                                                       "ADDRESS": OperatorSpec("redact", {"text": "<A>"})}, ctx)
    assert shuffled.tolist() == out.tolist()


def test_spans_outside_their_cell_are_errors(ctx):
    texts = col(["abc"])
    for row, start, end in ((1, 0, 1), (0, 2, 4), (0, 2, 2)):
        bad = pd.DataFrame({"row": [row], "start": [start], "end": [end], "entity": ["PERSON"]})
        with pytest.raises(PrivauditError, match="span"):
            apply_spans(texts, bad, {"PERSON": OperatorSpec("mask")}, ctx)


def test_white_space_around_a_span_stays(ctx):
    texts = col(["电话 13812345678 联系"])
    spans = pd.DataFrame({"row": [0], "start": [2], "end": [15], "entity": ["PHONE_NUMBER"]})
    assert apply_spans(texts, spans, {"PHONE_NUMBER": OperatorSpec("mask")}, ctx).iloc[0] == "电话 138****5678 联系"


# --------------------------------------------------------------------------- re-scan


@pytest.mark.parametrize("op", ["mask", "pseudonymise"])
def test_rescanning_the_output_finds_no_raw_identifier(op, register, ctx):
    columns = {"姓名": "PERSON", "身份证号": "CN_RESIDENT_ID", "联系电话": "PHONE_NUMBER", "家庭住址": "ADDRESS"}
    before = privaudit.scan(register, keep_findings=True)
    assert set(before.findings["entity"].astype(str)) >= set(columns.values())
    out = register.copy()
    for name, entity in columns.items():
        out[name] = apply_column(register[name], entity, OperatorSpec(op), ctx)
    out["备注"] = apply_spans(register["备注"], spans_of(register, "备注"), ops_for(op), ctx)
    assert len(out) == len(register) and out["民族"].equals(register["民族"])
    after = privaudit.scan(out, keep_findings=True)
    raw = after.findings[after.findings["entity"].astype(str).isin(IDENTIFIERS)]
    assert raw.empty, raw[["column", "entity"]].drop_duplicates().to_dict("records")
    masked = {c.name: c.masked_cells for c in after.datasets[0].columns}
    assert all(masked[name] == len(register) for name in columns)
    assert np.array_equal(out.index, register.index)


# --------------------------------------------------------------------------- masking parameters


@settings(max_examples=60, deadline=None)
@given(
    st.sampled_from([None, "PERSON", "CN_RESIDENT_ID", "ADDRESS", "EMAIL_ADDRESS", "IP_ADDRESS", "GEO_COORDINATE"]),
    st.lists(st.one_of(st.sampled_from(["11010519491231002X", "王建国", "zhang@163.com", "北京市朝阳区建国路88号"]),
                       st.text(max_size=25)), min_size=1, max_size=90),
    st.one_of(st.none(), st.tuples(st.integers(0, 8), st.integers(0, 8))),
    st.sampled_from(["*", "#", "●"]),
)
def test_mask_series_with_parameters_equals_mask(entity, texts, keep, char):
    """masking.mask_series(keep=, char=) — the vectorised path — equals the scalar mask()."""
    texts = [t.strip() for t in texts]
    got = mask_series(entity, pd.Series(texts * 2, dtype="str"), keep=keep, char=char).tolist()
    assert got == [mask(entity, t, keep=keep, char=char) for t in texts * 2]
