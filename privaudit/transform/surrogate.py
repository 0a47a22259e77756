"""The ``surrogate`` operator: realistic fake values, the same fake for the same value.

Each distinct value is normalised as for pseudonyms (:func:`privaudit.transform.crypto.normalise`:
``110105 19491231 002x`` = ``11010519491231002X``, ``+86 138-1234-5678`` = ``13812345678``)
and hashed with HMAC-SHA256 under ``derive(key, "surrogate")``, the entity being part of
the message; the 256-bit digest picks the fake.  So with the same key the same value
gets the same fake in every run, file and column of the entity — free text included —
and without the key nothing links a fake to its original.  Different values may
share a fake (names and addresses come from pools of a few thousand).

Fakes per entity (all pass privaudit's own validators):

* ``CN_RESIDENT_ID`` — a valid 18-digit number: a real county-level region code,
  the sex digit of the original (odd/even sequence) and, by default, the original
  **birth year** with a new month and day (param ``birth``: ``year``\\* | ``date`` keep
  the whole birth date | ``random``), never after ``today``; so age bands and the
  count of minors stay about right.  Numbers that do not validate get a random
  adult birth date.
* ``PHONE_NUMBER`` — an 11-digit mobile number in an assigned segment.
* ``BANK_CARD`` — a UnionPay card number of a large Chinese bank's BIN, with its Luhn digit.
* ``PERSON``, ``ADDRESS`` — Faker ``zh_CN`` (``locale``) names; Faker addresses with a room
  number.  ``EMAIL_ADDRESS`` — a Faker user name, digits and a common Chinese mail domain.
* ``CN_PASSPORT`` ``E`` + 8 digits; ``CN_TRAVEL_PERMIT`` ``C`` + 8 digits;
  ``CN_LICENSE_PLATE`` ``京A12345``-style; ``CN_USCC`` with both check characters;
  ``IP_ADDRESS`` IPv4 (IPv6 for IPv6); ``GEO_COORDINATE`` near a large Chinese city
  (6 decimals, the original's order when it is clear).
* ``DATE_OF_BIRTH`` — another day of the same year (same precision); ``AGE`` — another
  age in the same ten-year band; ``GENDER`` 男/女, ``ETHNICITY`` one of the 56 groups,
  other attributes a word of their vocabulary; anything else a Faker sentence.

Speed: Faker is never called per value.  Pools of :data:`POOL_SIZE` names, addresses
and user names are built once per locale with a fixed seed (a Faker release with other
word lists therefore gives other fakes); numbers are built with numpy, check digits
included, once per distinct value.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from privaudit.errors import PrivauditError

__all__ = ["POOL_SIZE", "surrogate_values", "pools"]

POOL_SIZE = 4096
_POOL_SEED = 2_011_643  # any fixed number: pools are the same in every run
_MAIL_DOMAINS = (
    "qq.com", "163.com", "126.com", "sina.com", "sohu.com", "foxmail.com", "139.com", "yeah.net", "aliyun.com",
    "outlook.com",
)
#: UnionPay BINs of large Chinese banks and their card lengths.
_CARD_BINS = (
    (622202, 19), (621700, 19), (622848, 19), (621661, 19), (622588, 16), (622262, 19), (621799, 19),
    (622700, 19), (621226, 19), (622609, 16),
)
#: Centres of large cities (lat, lng) fake coordinates are scattered around (±0.25°).
_CITY_CENTRES = (
    (39.9042, 116.4074), (31.2304, 121.4737), (23.1291, 113.2644), (22.5431, 114.0579), (30.5728, 104.0668),
    (29.5630, 106.5516), (30.2741, 120.1551), (32.0603, 118.7969), (34.3416, 108.9398), (30.5928, 114.3055),
    (39.3434, 117.3616), (38.0428, 114.5149), (36.0671, 120.3826), (41.8057, 123.4315), (28.2282, 112.9388),
    (26.0745, 119.2965), (25.0389, 102.7183), (43.8171, 125.3235), (45.8038, 126.5350), (36.6512, 117.1201),
)
#: First octets of address blocks allocated to Chinese networks.
_IPV4_FIRST = (36, 39, 42, 49, 58, 59, 60, 61, 101, 106, 110, 111, 112, 113, 114, 115, 116, 117, 118, 119, 120,
               121, 122, 123, 124, 125, 180, 182, 183, 202, 210, 211, 218, 219, 220, 221, 222, 223)


@dataclass(frozen=True)
class Pools:
    """Faker values drawn once per locale."""

    names: np.ndarray
    addresses: np.ndarray
    users: np.ndarray
    sentences: np.ndarray


@functools.cache
def pools(locale: str = "zh_CN") -> Pools:
    """:data:`POOL_SIZE` Faker names, addresses (postcode dropped), user names and sentences."""
    try:
        from faker import Faker

        fake = Faker(locale)
    except AttributeError as exc:  # Faker raises AttributeError for an unknown locale
        raise PrivauditError(f"surrogate: unknown Faker locale {locale!r}") from exc
    fake.seed_instance(_POOL_SEED)

    def draw(make: Callable[[], str]) -> np.ndarray:
        return np.array(list(dict.fromkeys(make() for _ in range(POOL_SIZE))), dtype=object)

    postcode = re.compile(r"\s+\d{5,6}$")
    return Pools(
        names=draw(fake.name),
        addresses=draw(lambda: postcode.sub("", fake.address()).replace("\n", "")),
        users=draw(lambda: re.sub(r"[^a-z0-9]", "", fake.user_name().lower()) or "user"),
        sentences=draw(fake.sentence),
    )


# --------------------------------------------------------------------------- keyed randomness


@dataclass
class _Batch:
    """The distinct values of a column, their normalised bytes and keyed random words."""

    distinct: pa.Array
    messages: list[bytes]
    words: np.ndarray  # (n, 4) uint64
    params: Mapping[str, Any]
    today: dt.date


def _normalised(distinct: pa.Array, entity: str | None) -> list[bytes]:
    """UTF-8 of each distinct value as pseudonyms normalise it
    (:func:`privaudit.transform.crypto.normalise`); values already in canonical form
    (:data:`privaudit.transform.crypto.CANONICAL`) skip Python."""
    from privaudit import _arrow
    from privaudit.transform.crypto import CANONICAL, normalise

    out: list[bytes] = pc.fill_null(distinct, "").cast(pa.large_binary()).to_pylist()
    pattern = CANONICAL.get(entity)
    done = (
        _arrow.to_bool(pc.match_substring_regex(distinct, f"^(?:{pattern})$"))
        if pattern is not None else np.zeros(len(out), dtype=bool)
    )
    for i in np.flatnonzero(~done).tolist():
        out[i] = normalise(out[i].decode("utf-8", "surrogatepass"), entity).encode("utf-8", "surrogatepass")
    return out


def _batch(key: bytes, entity: str | None, distinct: pa.Array, params: Mapping[str, Any], today: dt.date) -> _Batch:
    """Four keyed 64-bit words per distinct value: HMAC-SHA256(derive(key, "surrogate"),
    entity + 0x1f + normalised value)."""
    from privaudit.keys import PrefixedHmac, derive

    messages = _normalised(distinct, entity)
    digests = PrefixedHmac(derive(key, "surrogate"), "sha256", (entity or "").encode() + b"\x1f").many(messages, 32)
    words = np.frombuffer(digests, dtype="<u8").reshape(len(messages), 4)
    return _Batch(distinct, messages, words, params, today)


def _pick(pool: np.ndarray | tuple, word: np.ndarray) -> np.ndarray:
    table = np.asarray(pool, dtype=object)
    return table[(word % np.uint64(len(table))).astype(np.int64)]


def _below(word: np.ndarray, bound: np.ndarray | int) -> np.ndarray:
    """A keyed integer in ``[0, bound)`` per row."""
    return (word % np.asarray(bound, dtype=np.uint64)).astype(np.int64)


def _digit_rows(values: np.ndarray, width: int) -> np.ndarray:
    """``(n, width)`` uint8 matrix of the decimal digits of non-negative ``values`` below 10**width."""
    text = np.char.zfill(values.astype(f"S{width}"), width)
    return (np.frombuffer(text.tobytes(), dtype=np.uint8).reshape(len(values), width) - 48).astype(np.uint8)


def _strings(matrix: np.ndarray) -> pa.Array:
    """Rows of an ASCII-code matrix as an Arrow string array."""
    n, width = matrix.shape
    data = np.ascontiguousarray(matrix.astype(np.uint8))
    offsets = np.arange(0, (n + 1) * width, width, dtype=np.int64)
    return pa.LargeStringArray.from_buffers(n, pa.py_buffer(offsets), pa.py_buffer(data)).cast(pa.string())


# --------------------------------------------------------------------------- dates


def _random_dates(years: np.ndarray, word: np.ndarray, today: dt.date) -> np.ndarray:
    """A keyed day of each year (datetime64[D]), never after ``today``."""
    first = (years - 1970).astype("datetime64[Y]").astype("datetime64[D]")
    length = ((years + 1 - 1970).astype("datetime64[Y]").astype("datetime64[D]") - first).astype(np.int64)
    today_d = np.datetime64(today.isoformat(), "D")
    limit = np.minimum(length, (today_d - first).astype(np.int64) + 1)
    return first + _below(word, np.maximum(limit, 1)).astype("timedelta64[D]")


def _ymd(days: np.ndarray) -> np.ndarray:
    """YYYYMMDD integers of datetime64[D] values."""
    y = days.astype("datetime64[Y]").astype(np.int64) + 1970
    m = days.astype("datetime64[M]").astype(np.int64) % 12 + 1
    d = (days - days.astype("datetime64[M]")).astype(np.int64) + 1
    return y * 10000 + m * 100 + d


def _adult_years(word: np.ndarray, today: dt.date) -> np.ndarray:
    return today.year - 18 - _below(word, 70)


# --------------------------------------------------------------------------- identifiers


@functools.cache
def _county_codes() -> np.ndarray:
    """County-level region codes (current or former) of mainland provinces, for fake IDs."""
    from privaudit.identifiers.regions import region_names

    codes = [
        int(code) for code, name in region_names().items()
        if not code.endswith("00") and "11" <= code[:2] <= "65" and "直辖" not in name and name not in ("市辖区", "县")
    ]
    return np.array(sorted(codes), dtype=np.int64)


def _resident_ids(b: _Batch) -> np.ndarray | pa.Array:
    from privaudit.identifiers import cn_resident_id

    words, today = b.words, b.today
    birth_mode = b.params.get("birth", "year")
    if birth_mode not in ("year", "date", "random"):
        raise PrivauditError(f"surrogate: birth must be year, date or random, not {birth_mode!r}")
    births = cn_resident_id.birth_dates(pd.Series(b.distinct, dtype="str"), hinted=True)
    valid = births.notna().to_numpy()
    original = births.to_numpy().astype("datetime64[D]")
    # the sex digit of valid numbers: the 17th character of their normalised 18-character form
    blank = b"0" * 18
    joined = b"".join([m if len(m) == 18 else blank for m in b.messages])
    sex = np.frombuffer(joined, dtype=np.uint8).reshape(len(b.messages), 18)[:, 16].astype(np.int64) % 2
    parity = np.where(valid, sex, (words[:, 3] >> np.uint64(7)).astype(np.int64) % 2)
    if birth_mode == "date":
        days = np.where(valid, original, _random_dates(_adult_years(words[:, 1], today), words[:, 2], today))
    else:
        keep_year = valid & (birth_mode == "year")
        orig_year = np.where(valid, original.astype("datetime64[Y]").astype(np.int64) + 1970, 0)
        years = np.where(keep_year, orig_year, _adult_years(words[:, 1], today) if birth_mode == "year"
                         else today.year - 1 - _below(words[:, 1], 90))
        days = _random_dates(years, words[:, 2], today)
    seq = 2 * (_below(words[:, 3], 499) + 1) - parity  # 001–998, odd for men
    region = _county_codes()[_below(words[:, 0], len(_county_codes()))]
    body = region * 10**11 + _ymd(days) * 1000 + seq
    digits = _digit_rows(body, 17)
    weights = np.array(cn_resident_id.WEIGHTS, dtype=np.int64)
    check = np.frombuffer(cn_resident_id.CHECK_CHARS.encode(), dtype=np.uint8)[(digits @ weights) % 11]
    return _strings(np.concatenate([digits + 48, check[:, None]], axis=1))


def _phones(b: _Batch) -> np.ndarray | pa.Array:
    from privaudit.identifiers.cn_phone import MOBILE_SEGMENTS

    segments = np.array(sorted(int(s) for s in MOBILE_SEGMENTS), dtype=np.int64)
    number = segments[_below(b.words[:, 0], len(segments))] * 10**8 + _below(b.words[:, 1], 10**8)
    return _strings(_digit_rows(number, 11) + 48)


def _luhn_digit(body: np.ndarray) -> np.ndarray:
    """The Luhn check digit of each row of a digit matrix (check digit to be appended)."""
    double = np.array([0, 2, 4, 6, 8, 1, 3, 5, 7, 9], dtype=np.int64)
    rev = body[:, ::-1].astype(np.int64)
    total = double[rev[:, 0::2]].sum(axis=1) + rev[:, 1::2].sum(axis=1)
    return (10 - total % 10) % 10


def _bank_cards(b: _Batch) -> np.ndarray | pa.Array:
    words = b.words
    out = np.empty(len(b.distinct), dtype=object)
    which = _below(words[:, 0], len(_CARD_BINS))
    for i, (bin_, length) in enumerate(_CARD_BINS):
        rows = np.flatnonzero(which == i)
        if not len(rows):
            continue
        middle = length - 7  # 6 BIN digits, the check digit
        body = np.concatenate(
            [_digit_rows(np.full(len(rows), bin_, dtype=np.int64), 6),
             _digit_rows(_below(words[rows, 1], 10**middle), middle)], axis=1)
        card = np.concatenate([body, _luhn_digit(body)[:, None].astype(np.uint8)], axis=1) + 48
        out[rows] = _strings(card).to_numpy(zero_copy_only=False)
    return out


def _letter_number(letter: str) -> Callable[..., np.ndarray]:
    def make(b: _Batch) -> np.ndarray | pa.Array:
        return np.char.add(letter, np.char.zfill(_below(b.words[:, 0], 10**8).astype(str), 8)).astype(object)

    return make


def _plates(b: _Batch) -> np.ndarray | pa.Array:
    from privaudit.identifiers.cn_license_plate import PROVINCES

    words = b.words
    letters = np.array(list("ABCDEFGHJKLMNPQRSTUVWXYZ"), dtype=object)
    head = _pick(tuple(PROVINCES), words[:, 0]) + _pick(letters, words[:, 0] >> np.uint64(8))
    tail = np.char.zfill(_below(words[:, 1], 10**5).astype(str), 5).astype(object)
    lettered = _below(words[:, 2], 4) == 0  # a quarter of plates carry a letter
    tail[lettered] = _pick(letters, words[lettered, 3]) + np.array([t[1:] for t in tail[lettered]], dtype=object)
    return head + tail


def _usccs(b: _Batch) -> np.ndarray | pa.Array:
    from privaudit.identifiers import cn_uscc

    words = b.words
    regions = _county_codes()
    org_weights = (3, 7, 9, 10, 5, 8, 4, 2)
    out = []
    for region, number in zip(regions[_below(words[:, 0], len(regions))].tolist(), _below(words[:, 1], 10**8).tolist(),
                              strict=True):
        org = f"{number:08d}"
        check = 11 - sum(int(d) * w for d, w in zip(org, org_weights, strict=True)) % 11
        org += "X" if check == 10 else str(check % 11)
        body = f"91{region:06d}{org}"
        out.append(body + cn_uscc.check_char(body))
    return np.array(out, dtype=object)


def _ips(b: _Batch) -> np.ndarray | pa.Array:
    words = b.words
    first = np.array(_IPV4_FIRST, dtype=np.int64)[_below(words[:, 0], len(_IPV4_FIRST))]
    parts = [first.astype(str), _below(words[:, 1], 256).astype(str), _below(words[:, 2], 256).astype(str),
             (_below(words[:, 3], 254) + 1).astype(str)]
    v4 = functools.reduce(lambda a, b: np.char.add(np.char.add(a, "."), b), parts).astype(object)
    v6 = pc.fill_null(pc.match_substring(b.distinct, ":"), False).to_numpy(zero_copy_only=False)
    if v6.any():
        groups = [f"{int(w) & 0xFFFF:x}" for w in words[v6, 1]]
        hosts = [f"{int(w) >> 48:x}:{(int(w) >> 32) & 0xFFFF:x}" for w in words[v6, 2]]
        v4[v6] = [f"240e:{(int(w) >> 16) & 0xFFF:x}:{g}::{h}" for w, g, h in zip(words[v6, 0], groups, hosts, strict=True)]
    return v4


def _coordinates(b: _Batch) -> np.ndarray | pa.Array:
    words = b.words
    centres = np.array(_CITY_CENTRES)[_below(words[:, 0], len(_CITY_CENTRES))]
    jitter = (np.stack([_below(words[:, 1], 500_001), _below(words[:, 2], 500_001)], axis=1) - 250_000) / 1e6
    lat, lng = (centres + jitter).T
    lat_s, lng_s = np.char.mod("%.6f", lat), np.char.mod("%.6f", lng)
    first = pc.extract_regex(pc.utf8_normalize(b.distinct, "NFKC"), "^\\s*(?P<a>[-+]?[0-9]{1,3})")
    a = pc.fill_null(pc.cast(pc.struct_field(first, [0]), pa.int64()), 0).to_numpy(zero_copy_only=False)
    lng_first = np.abs(a) > 90
    return np.where(lng_first, np.char.add(np.char.add(lng_s, ","), lat_s),
                    np.char.add(np.char.add(lat_s, ","), lng_s)).astype(object)


def _names(b: _Batch) -> np.ndarray | pa.Array:
    return _pick(pools(b.params.get("locale", "zh_CN")).names, b.words[:, 0])


def _addresses(b: _Batch) -> np.ndarray | pa.Array:
    words = b.words
    base = _pick(pools(b.params.get("locale", "zh_CN")).addresses, words[:, 0])
    room = (_below(words[:, 1], 30) + 1) * 100 + _below(words[:, 2], 4) + 1
    return base + np.char.add(room.astype(str), "室").astype(object)


def _emails(b: _Batch) -> np.ndarray | pa.Array:
    words = b.words
    user = _pick(pools(b.params.get("locale", "zh_CN")).users, words[:, 0])
    digits = np.where(_below(words[:, 1], 2) == 0, "", _below(words[:, 2], 1000).astype(str)).astype(object)
    return user + digits + "@" + _pick(_MAIL_DOMAINS, words[:, 3])


def _birth_dates(b: _Batch) -> np.ndarray | pa.Array:
    from privaudit.detect.attributes import _parse

    words, today = b.words, b.today
    _, dates, level = _parse(pd.Series(b.distinct, dtype="str"), bare_year=True)
    days = dates.astype("datetime64[D]")
    ok = (level > 0) & (days <= np.datetime64(today.isoformat(), "D"))
    years = np.where(ok, days.astype("datetime64[Y]").astype(np.int64) + 1970, _adult_years(words[:, 0], today))
    fake = np.datetime_as_string(_random_dates(years, words[:, 1], today), unit="D").astype(object)
    out = fake.copy()
    out[ok & (level == 2)] = np.array([f[:7] for f in fake[ok & (level == 2)]], dtype=object)
    out[ok & (level == 1)] = years[ok & (level == 1)].astype(str).astype(object)
    return out


def _ages(b: _Batch) -> np.ndarray | pa.Array:
    words = b.words
    found = pc.extract_regex(pc.utf8_normalize(b.distinct, "NFKC"), "^\\s*(?P<age>[0-9]{1,3})")
    age = pc.fill_null(pc.cast(pc.struct_field(found, [0]), pa.int64()), -1).to_numpy(zero_copy_only=False)
    base = np.where((age >= 0) & (age <= 120), age // 10 * 10, 20 + 10 * _below(words[:, 0], 6))
    return (base + _below(words[:, 1], 10)).astype(str).astype(object)


@functools.cache
def _vocabulary(entity: str) -> tuple[str, ...]:
    from privaudit.detect.attributes import ETHNIC_GROUPS, VOCABULARIES

    if entity == "GENDER":
        return ("男", "女")
    if entity == "ETHNICITY":
        return tuple(g + "族" for g in ETHNIC_GROUPS)
    words = VOCABULARIES.get(entity, frozenset())
    return tuple(sorted(w for w in words if re.fullmatch("[\u4e00-\u9fff]+", w)))


def _generic(entity: str | None) -> Callable[..., np.ndarray]:
    def make(b: _Batch) -> np.ndarray | pa.Array:
        vocabulary = _vocabulary(entity) if entity else ()
        if vocabulary:
            return _pick(vocabulary, b.words[:, 0])
        return _pick(pools(b.params.get("locale", "zh_CN")).sentences, b.words[:, 0])

    return make


_GENERATORS: dict[str, Callable[..., np.ndarray]] = {
    "CN_RESIDENT_ID": _resident_ids,
    "PHONE_NUMBER": _phones,
    "BANK_CARD": _bank_cards,
    "PERSON": _names,
    "ADDRESS": _addresses,
    "EMAIL_ADDRESS": _emails,
    "CN_PASSPORT": _letter_number("E"),
    "CN_TRAVEL_PERMIT": _letter_number("C"),
    "CN_LICENSE_PLATE": _plates,
    "CN_USCC": _usccs,
    "IP_ADDRESS": _ips,
    "GEO_COORDINATE": _coordinates,
    "DATE_OF_BIRTH": _birth_dates,
    "AGE": _ages,
}


def surrogate_values(
    values: pd.Series, entity: str | None, params: Mapping[str, Any], key: bytes, today: dt.date
) -> pa.Array:
    """Fakes for ``values`` (non-missing strings) as an Arrow string array (see the module doc)."""
    from privaudit.detect.names import _column

    arr = _column(values)
    if len(arr) == 0:
        return pa.array([], type=pa.string())
    encoded = pc.dictionary_encode(arr)
    make = _GENERATORS.get(entity or "") or _generic(entity)
    fakes = make(_batch(key, entity, encoded.dictionary, params, today))
    if not isinstance(fakes, pa.Array):
        fakes = pa.array(np.asarray(fakes, dtype=object), type=pa.string())
    return fakes.take(encoded.indices)
