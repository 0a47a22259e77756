"""apply_spans properties: text outside spans never changes; arbitrary text never crashes."""

from __future__ import annotations

import datetime as dt

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import privaudit
from privaudit.transform.operators import apply_spans
from privaudit.transform.spec import OperatorSpec, TransformContext

MARK = "\uffff"  # never generated below: shows where a span was masked
# a fixed key (the dataclass field load_key fills), so no key file or environment variable is needed
CTX = TransformContext(today=dt.date(2026, 11, 23), _key=bytes(range(32)))
ENTITIES = ["PERSON", "CN_RESIDENT_ID", "PHONE_NUMBER", "ADDRESS"]
TEXT = st.text(alphabet=st.characters(blacklist_characters=MARK, blacklist_categories=("Cs",)), max_size=40)


@st.composite
def texts_and_spans(draw):
    texts = draw(st.lists(st.one_of(TEXT, st.none()), min_size=1, max_size=8))
    rows = []
    for i, text in enumerate(texts):
        if not text:
            continue
        for _ in range(draw(st.integers(0, 4))):
            start = draw(st.integers(0, len(text) - 1))
            end = draw(st.integers(start + 1, len(text)))
            rows.append((i, start, end, draw(st.sampled_from(ENTITIES))))
    spans = pd.DataFrame(rows, columns=["row", "start", "end", "entity"]).astype(
        {"row": "int64", "start": "int64", "end": "int64", "entity": object})
    return pd.Series(texts, dtype=draw(st.sampled_from(["str", object]))), spans


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(texts_and_spans())
def test_text_outside_spans_never_changes(data):
    texts, spans = data
    ops = {e: OperatorSpec("mask", {"keep_first": 0, "keep_last": 0, "char": MARK}) for e in ENTITIES}
    out = apply_spans(texts, spans, ops, CTX)
    assert len(out) == len(texts) and out.index.equals(texts.index) and out.dtype == texts.dtype
    for i, (before, after) in enumerate(zip(texts, out, strict=True)):
        if before is None or pd.isna(before):
            assert pd.isna(after)
            continue
        covered = set()
        for _, row in spans[spans["row"] == i].iterrows():
            covered.update(range(row["start"], row["end"]))
        assert len(after) == len(before)  # masking keeps lengths, white space at span ends stays
        for pos, (a, b) in enumerate(zip(before, after, strict=True)):
            assert a == b or (b == MARK and pos in covered)
        if not covered:
            assert after == before


@settings(max_examples=80, deadline=None)
@given(texts_and_spans(), st.sampled_from(["redact", "drop", "pseudonymise", "surrogate", "generalise", "keep"]))
def test_other_operators_touch_only_span_cells(data, op):
    texts, spans = data
    out = apply_spans(texts, spans, {e: OperatorSpec(op) for e in ENTITIES}, CTX)
    hit = set(spans["row"])
    for i, (before, after) in enumerate(zip(texts, out, strict=True)):
        if i not in hit or op == "keep":
            assert after is before or after == before or (pd.isna(before) and pd.isna(after))


NOISY = st.text(alphabet=st.sampled_from(
    list("户主王建国李明身份证电话住址北京市朝阳区幸福里小区栋单元室号，。 -+()xX@.") + list("0123456789０１２３")
), max_size=60)


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(NOISY, TEXT), min_size=1, max_size=12))
def test_arbitrary_text_with_real_findings_never_crashes(cells):
    cells = cells + ["户主王建国，身份证11010519491231002X，电话138 1234 5678"]
    frame = pd.DataFrame({"备注": cells})
    found = privaudit.scan(frame, keep_findings=True).findings
    spans = found[found["column"].astype(str) == "备注"][["row", "start", "end", "entity"]].astype({"entity": object})
    for op in ("mask", "redact", "generalise", "pseudonymise", "encrypt", "surrogate"):
        ops = {e: OperatorSpec(op) for e in spans["entity"].unique()}
        out = apply_spans(frame["备注"], spans, ops, CTX)
        assert len(out) == len(cells)
        untouched = sorted(set(range(len(cells))) - set(spans["row"]))
        assert out.iloc[untouched].tolist() == frame["备注"].iloc[untouched].tolist()
        assert "11010519491231002X" not in out.iloc[-1]
