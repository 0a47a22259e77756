"""Secret keys: parsing, loading, derivation, keyed fingerprints (privaudit.keys)."""

from __future__ import annotations

import base64
import hmac

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from privaudit.errors import PrivauditError
from privaudit.keys import (
    ENV_VAR,
    check_algorithm,
    derive,
    fingerprint,
    fingerprint_series,
    generate_key,
    load_key,
    parse_key,
)

RAW = bytes(range(100, 132))


def test_hex_keys_in_any_case_and_layout():
    text = RAW.hex()
    assert parse_key(text, "k") == RAW
    assert parse_key(text.upper(), "k") == RAW
    assert parse_key("\n".join([text[:32], text[32:]]) + "\n", "k") == RAW
    longer = bytes(range(48))
    assert parse_key(longer.hex(), "k") == longer


def test_base64_keys_standard_urlsafe_and_unpadded():
    raw = bytes([251, 255, 190] * 11)  # produces '+' and '/' in standard base64
    standard = base64.b64encode(raw).decode()
    assert "+" in standard or "/" in standard
    assert parse_key(standard, "k") == raw
    assert parse_key(base64.urlsafe_b64encode(raw).decode(), "k") == raw
    assert parse_key(base64.b64encode(RAW).decode().rstrip("="), "k") == RAW


@pytest.mark.parametrize(
    "text,message",
    [
        ("", "is empty"),
        ("   \n", "is empty"),
        (RAW.hex()[:62], "holds 31 bytes; a key needs at least 32"),
        (base64.b64encode(bytes(16)).decode(), "holds 16 bytes"),
        ("not a key at all!", "neither hex nor base64"),
    ],
)
def test_bad_keys_are_readable_errors_without_the_key(text, message):
    with pytest.raises(PrivauditError, match=message) as caught:
        parse_key(text, "environment variable PRIVAUDIT_KEY")
    assert caught.value.exit_code == 2
    assert "PRIVAUDIT_KEY" in str(caught.value)
    if text.strip():
        assert text.strip() not in str(caught.value)


def test_load_from_key_file(tmp_path):
    path = tmp_path / "privaudit.key"
    path.write_text(RAW.hex() + "\n", encoding="ascii")
    assert load_key(path) == RAW
    windows = tmp_path / "windows.key"
    windows.write_bytes(b"\xef\xbb\xbf" + RAW.hex().encode() + b"\r\n")  # BOM and CRLF
    assert load_key(str(windows)) == RAW


def test_key_file_errors(tmp_path):
    with pytest.raises(PrivauditError, match="not found") as caught:
        load_key(tmp_path / "missing.key")
    assert caught.value.exit_code == 2
    with pytest.raises(PrivauditError, match="cannot be read"):
        load_key(tmp_path)  # a directory
    binary = tmp_path / "binary.key"
    binary.write_bytes(b"\xff\xfe\x00\x01" * 20)
    with pytest.raises(PrivauditError, match="cannot be read|neither hex nor base64"):
        load_key(binary)
    short = tmp_path / "short.key"
    short.write_text("abcd", encoding="ascii")
    with pytest.raises(PrivauditError, match=r"key file '.*short\.key' holds 2 bytes"):
        load_key(short)


def test_load_from_environment(monkeypatch, tmp_path):
    monkeypatch.setenv(ENV_VAR, RAW.hex())
    assert load_key() == RAW
    other = bytes(range(32))
    monkeypatch.setenv("MY_KEY", base64.b64encode(other).decode())
    assert load_key(env="MY_KEY") == other
    path = tmp_path / "file.key"
    path.write_text(other.hex(), encoding="ascii")
    assert load_key(path) == other  # a key file wins over the environment
    monkeypatch.setenv(ENV_VAR, "")
    with pytest.raises(PrivauditError, match="environment variable PRIVAUDIT_KEY is empty"):
        load_key()


def test_missing_key_is_exit_2(monkeypatch):
    monkeypatch.delenv(ENV_VAR, raising=False)
    with pytest.raises(PrivauditError) as caught:
        load_key()
    assert caught.value.exit_code == 2
    assert "no key" in str(caught.value) and ENV_VAR in str(caught.value)


def test_generated_keys_parse_and_differ():
    a, b = generate_key(), generate_key()
    assert a != b and len(a) == 64
    assert len(parse_key(a, "k")) == 32


def test_algorithm_names():
    for name in ("sha256", "SHA-256", "HMAC-SHA256", "hmac_sha256"):
        assert check_algorithm(name) == "sha256"
    for name in ("sm3", "SM3", "HMAC-SM3"):
        assert check_algorithm(name) == "sm3"
    with pytest.raises(PrivauditError, match="unknown key algorithm 'md5'"):
        check_algorithm("md5")


def test_derived_sub_keys_are_separate():
    subs = {
        derive(RAW, "pseudonym"),
        derive(RAW, "baseline"),
        derive(RAW, "encrypt"),
        derive(RAW, "pseudonym", "sm3"),
        derive(bytes(32), "pseudonym"),
    }
    assert len(subs) == 5
    assert derive(RAW, "pseudonym") == hmac.digest(RAW, b"privaudit/v1/pseudonym", "sha256")
    assert all(len(s) == 32 for s in subs)


def test_fingerprints():
    assert fingerprint(RAW, "110105", length=8) == hmac.digest(RAW, b"110105", "sha256")[:8].hex()
    assert fingerprint(RAW, "110105", "sm3") != fingerprint(RAW, "110105")
    values = pd.Series(["a", None, "b", "a"], dtype=object)
    out = fingerprint_series(RAW, values)
    assert out.tolist() == [fingerprint(RAW, "a"), None, fingerprint(RAW, "b"), fingerprint(RAW, "a")]
    assert out.index.equals(values.index)


@settings(max_examples=60, deadline=None)
@given(
    st.binary(min_size=1, max_size=200),
    st.binary(max_size=8),
    st.lists(st.one_of(st.none(), st.binary(max_size=40)), max_size=6),
    st.sampled_from(["sha256", "sm3"]),
    st.integers(1, 32),
)
def test_prefixed_hmac_equals_hmac_digest(key, prefix, messages, algorithm, length):
    """The shared precomputed-pad HMAC is the standard HMAC (long keys hashed first)."""
    from privaudit.keys import PrefixedHmac

    got = PrefixedHmac(key, algorithm, prefix).many(messages, length)
    want = b"".join(
        bytes(length) if m is None else hmac.digest(key, prefix + m, algorithm)[:length] for m in messages
    )
    assert got == want
