"""Keyed pseudonyms and reversible encryption (privaudit.transform.crypto, _gcm)."""

from __future__ import annotations

import base64
import hmac
import os
import re

import numpy as np
import pandas as pd
import pytest
from conftest import make_id, make_register
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from hypothesis import given, settings
from hypothesis import strategies as st

import privaudit
from privaudit.errors import PrivauditError
from privaudit.keys import derive
from privaudit.masking import MASKED_PATTERN
from privaudit.transform import _gcm
from privaudit.transform.crypto import (
    CANONICAL,
    ENCRYPTED_TOKEN,
    PSEUDONYM_TOKEN,
    decrypt,
    decrypt_series,
    decrypt_text,
    encrypt,
    encrypt_series,
    normalise,
    pseudonymise,
    pseudonymise_series,
)
from privaudit.transform.spec import TransformContext

KEY = bytes(range(32))
OTHER_KEY = bytes(range(1, 33))
ID = "11010519491231002X"


# --- pseudonyms -----------------------------------------------------------------------


def test_pseudonym_is_the_documented_hmac():
    """Other departments can compute the same token: HMAC(derive(key, "pseudonym"),
    entity + 0x1f + normalised value), first 16 bytes as hex, after ``PSN_``."""
    sub = derive(KEY, "pseudonym", "sha256")
    expected = "PSN_" + hmac.digest(sub, b"CN_RESIDENT_ID\x1f" + ID.encode(), "sha256")[:16].hex()
    assert pseudonymise("110105 19491231 002x", KEY, "CN_RESIDENT_ID") == expected
    assert pseudonymise_series(pd.Series([ID]), KEY, "CN_RESIDENT_ID").iloc[0] == expected
    sub3 = derive(KEY, "pseudonym", "sm3")
    expected3 = "PSN_" + hmac.digest(sub3, b"CN_RESIDENT_ID\x1f" + ID.encode(), "sm3")[:16].hex()
    assert (
        pseudonymise_series(pd.Series([ID]), KEY, "CN_RESIDENT_ID", algorithm="HMAC-SM3").iloc[0] == expected3
    )


def test_tokens_match_the_masked_pattern_and_reveal_nothing():
    values = pd.Series([ID, "13812345678", "王建国"])
    for entity, value in zip(["CN_RESIDENT_ID", "PHONE_NUMBER", "PERSON"], values, strict=True):
        token = pseudonymise(value, KEY, entity)
        assert re.fullmatch(PSEUDONYM_TOKEN, token) and re.search(MASKED_PATTERN, token)
        assert len(token) == 4 + 32
        assert not any(value[i : i + 4] in token for i in range(len(value) - 3))
    assert len(pseudonymise(ID, KEY, "CN_RESIDENT_ID", length=8)) == 4 + 16
    assert len(pseudonymise(ID, KEY, "CN_RESIDENT_ID", length=32)) == 4 + 64


def test_same_person_same_token_across_formats_and_datasets():
    birth = pd.Timestamp("1988-03-02").date()
    ids = [make_id("330106", birth, 123), make_id("440305", birth, 77)]
    dept_a = pd.DataFrame(
        {"身份证号": [ids[0], ids[1].lower()], "电话": ["13812345678", "+86 139-1234-5678"]}
    )
    dept_b = pd.DataFrame(
        {
            "证件号码": [" ".join([ids[1][:6], ids[1][6:14], ids[1][14:]]), ids[0].translate(_FULL_WIDTH)],
            "手机": ["8613912345678", "１３８ １２３４ ５６７８"],
        }
    )
    a_id = pseudonymise_series(dept_a["身份证号"], KEY, "CN_RESIDENT_ID")
    b_id = pseudonymise_series(dept_b["证件号码"], KEY, "CN_RESIDENT_ID")
    assert a_id.tolist() == b_id.tolist()[::-1]
    a_tel = pseudonymise_series(dept_a["电话"], KEY, "PHONE_NUMBER")
    b_tel = pseudonymise_series(dept_b["手机"], KEY, "PHONE_NUMBER")
    assert a_tel.tolist() == b_tel.tolist()[::-1]
    assert a_id.nunique() == 2 and a_tel.nunique() == 2
    # deterministic across calls; a join on the tokens links the two departments
    assert pseudonymise_series(dept_a["身份证号"], KEY, "CN_RESIDENT_ID").equals(a_id)
    joined = pd.DataFrame({"t": a_id, "a": [0, 1]}).merge(pd.DataFrame({"t": b_id, "b": [0, 1]}), on="t")
    assert sorted(zip(joined["a"], joined["b"], strict=True)) == [(0, 1), (1, 0)]


_FULL_WIDTH = str.maketrans("0123456789X", "０１２３４５６７８９Ｘ")


def test_normalisation_rules():
    assert normalise("130503670401001", "CN_RESIDENT_ID") == "130503196704010016"  # legacy 15 → 18
    assert normalise("１１０１０５１９４９１２３１００２ｘ", "CN_RESIDENT_ID") == ID
    assert normalise("+86 138-1234-5678", "PHONE_NUMBER") == "13812345678"
    assert normalise("0086 13812345678", "PHONE_NUMBER") == "13812345678"
    assert normalise(" 王 建国 ", "PERSON") == "王建国"
    assert (
        normalise("阿依古丽•买买提", "PERSON") == normalise("阿依古丽·买买提", "PERSON") == "阿依古丽·买买提"
    )
    assert normalise("Zhang  Wei", "PERSON") == normalise("ZHANG WEI", "PERSON")
    assert normalise("幸福里小区 3栋２单元", "ADDRESS") == "幸福里小区3栋2单元"
    assert normalise(" Zhang@163.COM ", "EMAIL_ADDRESS") == "zhang@163.com"
    assert normalise(" 汉族 ") == "汉族"
    tokens = pseudonymise_series(pd.Series(["130503670401001", "130503196704010016"]), KEY, "CN_RESIDENT_ID")
    assert tokens.nunique() == 1


@pytest.mark.parametrize("entity", [e for e in CANONICAL if e is not None] + [None])
@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_canonical_fast_path_is_what_normalise_returns(entity, data):
    """Values matching CANONICAL[entity] skip the Python normaliser: they must be fixed points."""
    value = data.draw(st.from_regex(re.compile(CANONICAL[entity]), fullmatch=True))
    assert normalise(value, entity) == value


@settings(max_examples=40, deadline=None)
@given(
    values=st.lists(
        st.one_of(st.none(), st.text(max_size=12), st.sampled_from([ID, ID.lower(), "", " ", "-"]))
    ),
    entity=st.sampled_from(["CN_RESIDENT_ID", "PHONE_NUMBER", "PERSON", "ADDRESS", "IP_ADDRESS", None]),
)
def test_series_equals_scalar_reference(values, entity):
    series = pd.Series(values, dtype=object)
    got = pseudonymise_series(series, KEY, entity)
    for value, token in zip(values, got, strict=True):
        if value is None:
            assert token is None
        else:
            assert token == pseudonymise(value, KEY, entity)


def test_one_to_one_path_equals_deduplicated_path():
    """Mostly distinct columns skip dictionary encoding; both give the same tokens."""
    rng = np.random.default_rng(5)
    distinct = pd.Series([f"138{x:08d}" for x in rng.choice(10**8, 6000, replace=False)], dtype="str")
    repeated = pd.concat([distinct.iloc[:100]] * 60, ignore_index=True)
    a = pseudonymise_series(distinct, KEY, "PHONE_NUMBER")
    b = pseudonymise_series(repeated, KEY, "PHONE_NUMBER")
    assert a.iloc[:100].tolist() == b.iloc[:100].tolist() == b.iloc[100:200].tolist()
    assert a.iloc[4321] == pseudonymise(distinct.iloc[4321], KEY, "PHONE_NUMBER")


def test_keys_algorithms_and_entities_separate_tokens():
    s = pd.Series([ID, "13812345678"])
    base = pseudonymise_series(s, KEY, "CN_RESIDENT_ID")
    assert not set(base) & set(pseudonymise_series(s, OTHER_KEY, "CN_RESIDENT_ID"))
    assert not set(base) & set(pseudonymise_series(s, KEY, "CN_RESIDENT_ID", algorithm="sm3"))
    assert not set(base) & set(pseudonymise_series(s, KEY, "BANK_CARD"))
    assert not set(base) & set(pseudonymise_series(s, KEY))


def test_missing_and_empty_cells_are_kept_with_index_name_and_dtype():
    s = pd.Series([ID, None, "", "-", ID], index=[10, 11, 12, 13, 14], name="身份证号", dtype="str")
    out = pseudonymise_series(s, KEY, "CN_RESIDENT_ID")
    assert out.dtype == s.dtype and out.name == "身份证号" and out.index.tolist() == [10, 11, 12, 13, 14]
    assert pd.isna(out[11]) and out[12] == "" and out[13] == "-" and out[10] == out[14]
    obj = pseudonymise_series(s.astype(object).where(s.notna(), None), KEY, "CN_RESIDENT_ID")
    assert obj.dtype == object and obj[11] is None and obj[10] == out[10]
    numeric = pseudonymise_series(pd.Series([13812345678, None], dtype="Int64"), KEY, "PHONE_NUMBER")
    assert numeric.iloc[0] == pseudonymise("13812345678", KEY, "PHONE_NUMBER") and pd.isna(numeric.iloc[1])


def test_bad_parameters_are_readable_errors():
    with pytest.raises(PrivauditError, match="length"):
        pseudonymise_series(pd.Series([ID]), KEY, length=4)
    with pytest.raises(PrivauditError, match="algorithm"):
        pseudonymise_series(pd.Series([ID]), KEY, algorithm="md5")
    with pytest.raises(PrivauditError, match="encryption algorithm"):
        encrypt_series(pd.Series([ID]), KEY, algorithm="des")


def test_missing_key_is_a_readable_exit_2_error(monkeypatch):
    monkeypatch.delenv("PRIVAUDIT_KEY", raising=False)
    with pytest.raises(PrivauditError) as caught:
        TransformContext().key()
    assert caught.value.exit_code == 2 and "PRIVAUDIT_KEY" in str(caught.value)
    monkeypatch.setenv("PRIVAUDIT_KEY", KEY.hex())
    assert TransformContext().key() == KEY


# --- encryption -------------------------------------------------------------------------


@pytest.mark.parametrize("algorithm", ["aes-gcm", "sm4"])
@settings(max_examples=30, deadline=None)
@given(values=st.lists(st.one_of(st.none(), st.text()), max_size=30))
def test_encrypt_decrypt_round_trip(algorithm, values):
    series = pd.Series(values, dtype=object)
    tokens = encrypt_series(series, KEY, algorithm=algorithm)
    for value, token in zip(values, tokens, strict=True):
        if value:
            assert re.fullmatch(ENCRYPTED_TOKEN, token) and re.search(MASKED_PATTERN, token)
        else:
            assert token == value
    assert decrypt_series(tokens, KEY).tolist() == values
    assert decrypt_text(tokens, KEY).tolist() == values


@pytest.mark.parametrize("algorithm", ["aes-gcm", "sm4"])
def test_string_dtype_round_trip_and_random_nonces(algorithm):
    s = pd.Series([ID, ID, None, "", "王建国，住幸福里3栋"], name="x", index=list("abcde"), dtype="str")
    tokens = encrypt_series(s, KEY, algorithm=algorithm)
    assert tokens.dtype == s.dtype and tokens.index.tolist() == list("abcde") and tokens.name == "x"
    assert tokens["a"] != tokens["b"]  # a fresh nonce per cell
    assert pd.isna(tokens["c"]) and tokens["d"] == ""
    back = decrypt_series(tokens, KEY)
    assert back.equals(s)
    assert decrypt(encrypt("王", KEY, algorithm=algorithm), KEY) == "王"


def _payload(token: str) -> bytes:
    text = token.split(":", 2)[2]
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def test_tokens_are_standard_gcm_under_the_documented_sub_keys():
    """Interoperability: a token is nonce | ciphertext | tag of AES-256-GCM under
    derive(key, "encrypt") or SM4-GCM under derive(key, "encrypt/sm4", "sm3")[:16],
    with the token header as associated data."""
    values = pd.Series([ID, "x" * 40, "中文" * 9])
    aes = AESGCM(derive(KEY, "encrypt"))
    for token, value in zip(encrypt_series(values, KEY), values, strict=True):
        raw = _payload(token)
        assert aes.decrypt(raw[:12], raw[12:], b"ENC1:a256gcm:").decode() == value
    sm4 = algorithms.SM4(derive(KEY, "encrypt/sm4", "sm3")[:16])
    for token, value in zip(encrypt_series(values, KEY, algorithm="sm4"), values, strict=True):
        raw = _payload(token)
        dec = Cipher(sm4, modes.GCM(raw[:12], raw[-16:])).decryptor()
        dec.authenticate_additional_data(b"ENC1:sm4gcm:")
        assert (dec.update(raw[12:-16]) + dec.finalize()).decode() == value


@pytest.mark.parametrize("cipher,key_size", [(algorithms.AES, 32), (algorithms.SM4, 16)])
@settings(max_examples=25, deadline=None)
@given(
    length=st.integers(0, 70),
    count=st.integers(1, 6),
    aad=st.binary(max_size=40),
    seed=st.binary(min_size=32, max_size=32),
)
def test_batch_gcm_is_bit_for_bit_the_library_gcm(cipher, key_size, length, count, aad, seed):
    key = seed[:key_size]
    batch = _gcm.BatchGcm(Cipher(cipher(key), modes.ECB()).encryptor().update, aad)
    rng = np.random.default_rng(list(seed))
    plain = rng.integers(0, 256, (count, length), dtype=np.uint8)
    nonces = rng.integers(0, 256, (count, 12), dtype=np.uint8)
    sealed, tags = batch.seal(nonces, plain)
    for i in range(count):
        enc = Cipher(cipher(key), modes.GCM(nonces[i].tobytes())).encryptor()
        enc.authenticate_additional_data(aad)
        assert enc.update(plain[i].tobytes()) + enc.finalize() == sealed[i].tobytes()
        assert enc.tag == tags[i].tobytes()
    opened, ok = batch.open(nonces, sealed, tags)
    assert ok.all() and (opened == plain).all()
    tags[0, 3] ^= 1
    assert not batch.open(nonces, sealed, tags)[1][0]


def test_batch_gcm_wide_tables_agree(monkeypatch):
    """Big columns use 16-bit GHASH tables: same tags as the byte tables."""
    batch = _gcm.BatchGcm(Cipher(algorithms.AES(KEY), modes.ECB()).encryptor().update, b"aad")
    rng = np.random.default_rng(1)
    plain = rng.integers(0, 256, (40, 33), dtype=np.uint8)
    nonces = rng.integers(0, 256, (40, 12), dtype=np.uint8)
    narrow = batch.seal(nonces, plain)[1]
    monkeypatch.setattr(_gcm, "_WIDE_FROM", 1)
    assert (batch.seal(nonces, plain)[1] == narrow).all()


@settings(max_examples=40, deadline=None)
@given(data=st.lists(st.binary(max_size=50), min_size=1, max_size=5))
def test_base64url_rows(data):
    for raw in data:
        rows = np.frombuffer(raw, dtype=np.uint8).reshape(1, -1)
        chars = _gcm.b64_rows(rows)
        assert chars.tobytes() == base64.urlsafe_b64encode(raw).rstrip(b"=")
        back, ok = _gcm.unb64_rows(chars)
        assert ok[0] and back.tobytes() == raw


@pytest.mark.parametrize("algorithm", ["aes-gcm", "sm4"])
def test_tampering_wrong_key_and_swapped_algorithm_fail_without_values(algorithm):
    secret = "11010519491231002X"
    tokens = encrypt_series(pd.Series(["a", secret, "b"]), KEY, algorithm=algorithm)
    header, payload = tokens[1].rsplit(":", 1)
    middle = len(payload) // 2
    flipped = payload[:middle] + ("A" if payload[middle] != "A" else "B") + payload[middle + 1 :]
    swapped = ("ENC1:sm4gcm" if "a256gcm" in header else "ENC1:a256gcm") + ":" + payload
    for bad in (header + ":" + flipped, header + ":" + payload[:-4], swapped):
        with pytest.raises(PrivauditError, match=r"cell 1 \(0-based\)") as caught:
            decrypt_series(pd.Series([tokens[0], bad, tokens[2]]), KEY)
        assert secret not in str(caught.value) and "cannot decrypt" in str(caught.value)
    with pytest.raises(PrivauditError, match="wrong key") as caught:
        decrypt_series(tokens, OTHER_KEY)
    assert secret not in str(caught.value)
    with pytest.raises(PrivauditError, match="wrong key"):
        decrypt_text(pd.Series([f"身份证{tokens[1]}。"]), OTHER_KEY)


def test_decrypt_series_strictness():
    tokens = encrypt_series(pd.Series([ID]), KEY)
    mixed = pd.Series([tokens[0], "plain text", None], dtype=object)
    with pytest.raises(PrivauditError, match="1 cell.*no ENC1 token.*cell 1"):
        decrypt_series(mixed, KEY)
    assert decrypt_series(mixed, KEY, strict=False).tolist() == [ID, "plain text", None]


def test_decrypt_text_opens_tokens_inside_remarks():
    phone, rid = "13812345678", ID
    cells = pd.Series(
        [
            f"其子电话{encrypt(phone, KEY)}，身份证{encrypt(rid, KEY, algorithm='sm4')}。",
            f"{encrypt(phone, KEY)}abc_x-1",  # base64url-like characters written right after a token
            "独居老人，需定期走访",
            None,
        ],
        index=[5, 6, 7, 8],
    )
    out = decrypt_text(cells, KEY)
    assert out.iloc[:3].tolist() == [
        f"其子电话{phone}，身份证{rid}。",
        f"{phone}abc_x-1",
        "独居老人，需定期走访",
    ]
    assert pd.isna(out.iloc[3]) and out.dtype == cells.dtype
    assert out.index.tolist() == [5, 6, 7, 8]


def test_rescan_counts_protected_cells_not_identifiers():
    register = make_register(120, seed=9)
    protected = register.copy()
    protected["身份证号"] = encrypt_series(register["身份证号"], KEY)
    protected["联系电话"] = pseudonymise_series(register["联系电话"], KEY, "PHONE_NUMBER")
    protected["备注"] = [
        f"其子身份证{encrypt(i, KEY, algorithm='sm4')}，电话{encrypt(p, KEY)}"
        for i, p in zip(register["身份证号"], register["联系电话"], strict=True)
    ]
    before = privaudit.scan(register).findings
    assert (before["entity"] == "CN_RESIDENT_ID").sum() == len(register)
    result = privaudit.scan(protected)
    assert not result.findings["entity"].isin(["CN_RESIDENT_ID", "PHONE_NUMBER"]).any()
    assert set(result.findings["column"]) == {"姓名", "家庭住址"}
    ds = result.datasets[0]
    assert ds.column("身份证号").masked_cells == len(register)
    assert ds.column("联系电话").masked_cells == len(register)
    assert "CN_RESIDENT_ID" not in ds.column("身份证号").entities


def test_random_bytes_key_end_to_end():
    key = os.urandom(32)
    s = pd.Series([ID, "王建国"])
    assert decrypt_series(encrypt_series(s, key, algorithm="sm4"), key).tolist() == s.tolist()


def test_small_batches_give_the_same_result(monkeypatch):
    """Long columns are sealed in bounded batches; batch borders change nothing."""
    from privaudit.transform import crypto

    monkeypatch.setattr(crypto, "_CHUNK_BYTES", 40)
    values = pd.Series([f"{'备注' * (i % 9)}{i}" for i in range(200)], dtype=object)
    for algorithm in ("aes-gcm", "sm4"):
        tokens = encrypt_series(values, KEY, algorithm=algorithm)
        assert decrypt_series(tokens, KEY).tolist() == values.tolist()
        bad = tokens.copy()
        bad[150] = bad[150][:20] + ("A" if bad[150][20] != "A" else "B") + bad[150][21:]
        with pytest.raises(PrivauditError, match="cell 150"):
            decrypt_series(bad, KEY)
