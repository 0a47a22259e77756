"""Display masking: the vectorised form equals the scalar form, and hides the value."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from privaudit.masking import KEEP, mask, mask_series

ENTITIES = [*KEEP, "PERSON", "ADDRESS", "EMAIL_ADDRESS", "BANK_CARD"]
SAMPLES = [
    "北京市朝阳区幸福里小区3栋2单元501室",
    "幸福里小区3栋2单元501室",
    "李家村3组28号",
    "江苏省南京市玄武区中山路1号",
    "11010519491231002X",
    "13812345678",
    "王建国",
    "欧阳娜娜",
    "王",
    "zhang@163.com",
    "116.397128,39.916527",
    "",
]
_TEXT = st.one_of(st.sampled_from(SAMPLES), st.text(max_size=30))


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(ENTITIES), st.lists(_TEXT, min_size=1, max_size=80))
def test_mask_series_equals_mask(entity, texts):
    got = mask_series(entity, pd.Series(texts, dtype="str")).tolist()
    assert got == [mask(entity, t) for t in texts]


@pytest.mark.parametrize("entity", ENTITIES)
def test_mask_series_on_repeated_values_equals_mask(entity):
    """The distinct-value path (long columns with repeats) gives the same masks."""
    texts = SAMPLES * 200
    got = mask_series(entity, pd.Series(texts, dtype="str")).tolist()
    assert got == [mask(entity, t) for t in texts]


@pytest.mark.parametrize(
    ("entity", "text", "expected"),
    [
        ("CN_RESIDENT_ID", "11010519491231002X", "110105********002X"),
        ("PHONE_NUMBER", "13812345678", "138****5678"),
        ("PERSON", "王建国", "王*国"),
        ("PERSON", "李明", "李*"),
        ("EMAIL_ADDRESS", "zhang@163.com", "z***@163.com"),
        ("ADDRESS", "北京市朝阳区幸福里小区3栋2单元501室", "北京市朝阳区********"),
    ],
)
def test_display_defaults(entity, text, expected):
    assert mask(entity, text) == expected
