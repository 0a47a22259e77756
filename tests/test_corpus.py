"""The benchmark corpus generator: deterministic, and its labels point at what they name.

The files are re-read here with plain readers (csv, openpyxl, json, pyarrow) — not with
privaudit — and every label's span is checked against the cell text and against
independent validators of its entity.
"""

from __future__ import annotations

import csv
import datetime as dt
import decimal
import ipaddress
import json
import re
import sys
import unicodedata
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from openpyxl import load_workbook

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

import corpus  # noqa: E402
from _labels import read_damaged, read_labels, read_manifest  # noqa: E402

TODAY = dt.date(2026, 1, 15)
ROWS = 150


@pytest.fixture(scope="module")
def corpus_dir(tmp_path_factory) -> Path:
    return corpus.generate(tmp_path_factory.mktemp("corpus"), seed=11, rows=ROWS, today=TODAY)


# --------------------------------------------------------------- independent readers


def _render(value) -> str | None:
    """How a reader renders a cell: integral numbers without '.0', floats by repr."""
    if value is None:
        return None
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(
        value, float
    ):  # shortest repr, integral ones without exponent: 1.1e17 -> 110000000000000000
        return str(int(decimal.Decimal(repr(value)))) if value.is_integer() else repr(value)
    return str(value)


def _flatten(obj: dict, prefix: str = "") -> dict:
    out = {}
    for k, v in obj.items():
        if isinstance(v, dict):
            out.update(_flatten(v, f"{prefix}{k}."))
        else:
            out[f"{prefix}{k}"] = v
    return out


def _read(corpus_dir: Path, entry: dict) -> list[dict[str, str | None]]:
    """Data rows of one dataset as ``{column: text}``, row 0 = first row after the header."""
    path = corpus_dir / entry["file"]
    columns = [c["name"] for c in entry["columns"]]
    fmt = entry["format"]
    if fmt == "csv":
        with open(path, encoding=entry["encoding"], newline="") as fh:
            rows = list(csv.reader(fh))
        header = next(i for i, r in enumerate(rows) if r == columns)
        return [
            {c: (v if v != "" else None) for c, v in zip(columns, r, strict=True)} for r in rows[header + 1 :]
        ]
    if fmt == "xlsx":
        ws = load_workbook(path)[entry["sheet"]]
        rows = [list(r) for r in ws.iter_rows(values_only=True)]
        header = next(i for i, r in enumerate(rows) if r == columns)
        return [{c: _render(v) for c, v in zip(columns, r, strict=True)} for r in rows[header + 1 :]]
    if fmt == "json":
        records = json.loads(path.read_text(encoding="utf-8"))
        return [{c: _render(_flatten(r).get(c)) for c in columns} for r in records]
    if fmt == "jsonl":
        lines = path.read_text(encoding="utf-8").splitlines()
        return [{c: _render(_flatten(json.loads(line)).get(c)) for c in columns} for line in lines]
    if fmt == "parquet":
        return [
            {c: _render(r[c]) if not isinstance(r[c], dt.datetime) else "ts" for c in columns}
            for r in pq.read_table(path).to_pylist()
        ]
    raise AssertionError(fmt)


# --------------------------------------------------------------- independent validators


def _norm(text: str) -> str:
    return re.sub(r"[\s\-·()（）]", "", unicodedata.normalize("NFKC", text))


def _valid_id(text: str) -> bool:
    v = _norm(text).upper()
    if re.fullmatch(r"\d{15}", v):
        return bool(dt.datetime.strptime("19" + v[6:12], "%Y%m%d"))
    if not re.fullmatch(r"\d{17}[\dX]", v):
        return False
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    if "10X98765432"[sum(int(c) * w for c, w in zip(v, weights, strict=False)) % 11] != v[17]:
        return False
    birth = dt.datetime.strptime(v[6:14], "%Y%m%d").date()
    return birth <= TODAY


def _valid_phone(text: str) -> bool:
    digits = re.sub(r"\D", "", unicodedata.normalize("NFKC", text))
    if digits.startswith("0086"):
        digits = digits[4:]
    elif digits.startswith("86") and len(digits) == 13:
        digits = digits[2:]
    if digits.startswith("1"):
        return len(digits) == 11 and int(digits[:3]) in corpus.ASSIGNED_SEGMENTS
    return (
        digits.startswith("0")
        and 10 <= len(digits) <= 15
        and digits[3 if digits[1] in "12" else 4] not in "01"
    )


def _luhn(number: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(number)):
        d = int(ch) * (2 if i % 2 else 1)
        total += d - 9 if d > 9 else d
    return total % 10 == 0


def _valid_uscc(text: str) -> bool:
    alphabet = corpus.USCC_ALPHABET
    if not re.fullmatch(r"[0-9A-HJ-NP-RTUWXY]{18}", text) or text[0] not in "123456789ANY":
        return False
    w = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
    return (
        alphabet[(31 - sum(alphabet.index(c) * x for c, x in zip(text, w, strict=False)) % 31) % 31]
        == text[17]
    )


def _valid_ip(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


def _valid_geo(text: str) -> bool:
    parts = [float(p) for p in re.split(r"[,，]\s*", text)]
    return all(18 <= p <= 135 for p in parts) and len(parts) in (1, 2)


VALIDATORS = {
    "CN_RESIDENT_ID": _valid_id,
    "PHONE_NUMBER": _valid_phone,
    "BANK_CARD": lambda t: bool(re.fullmatch(r"\d{16,19}", _norm(t))) and _luhn(_norm(t)),
    "CN_USCC": _valid_uscc,
    "CN_PASSPORT": lambda t: bool(re.fullmatch(r"E\d{8}|E[A-HJ-NP-Z]\d{7}|G\d{8}", t)),
    "CN_TRAVEL_PERMIT": lambda t: bool(
        re.fullmatch(r"C\d{8}|C[A-HJ-NP-Z]\d{7}|[HM]\d{8}(\d\d)?|L\d{8}|\d{8}", t)
    ),
    "CN_LICENSE_PLATE": lambda t: bool(
        re.fullmatch(
            r"[京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼][A-HJ-NP-Z]·?"
            r"(?:[A-HJ-NP-Z0-9]{5}|[DABCEFGHJK][A-HJ-NP-Z0-9]\d{4}|\d{5}[DF])",
            t,
        )
    ),
    "EMAIL_ADDRESS": lambda t: bool(re.fullmatch(r"[\w.+-]+@[\w-]+(\.[\w-]+)+", t)),
    "IP_ADDRESS": _valid_ip,
    "GEO_COORDINATE": _valid_geo,
    "PERSON": lambda t: 2 <= len(t) <= 20 and not re.search(r"\d", t),
    "ADDRESS": lambda t: bool(
        re.search(r"(号|室|组|\d-\d+-\d+|(单元|号楼|栋|幢)[0-9]+)$", unicodedata.normalize("NFKC", t))
    ),
}


# --------------------------------------------------------------- tests


def test_deterministic(corpus_dir: Path, tmp_path: Path) -> None:
    again = corpus.generate(tmp_path / "again", seed=11, rows=ROWS, today=TODAY)
    files = sorted(p.relative_to(corpus_dir) for p in corpus_dir.rglob("*") if p.is_file())
    assert len(files) >= 12
    for rel in files:
        assert (corpus_dir / rel).read_bytes() == (again / rel).read_bytes(), rel
    other = corpus.generate(tmp_path / "other", seed=12, rows=ROWS, today=TODAY)
    assert (other / "labels.jsonl").read_bytes() != (corpus_dir / "labels.jsonl").read_bytes()


def test_labels_point_at_their_text(corpus_dir: Path) -> None:
    manifest = read_manifest(corpus_dir)
    labels = read_labels(corpus_dir)
    by_dataset: dict[tuple, list] = {}
    for label in labels:
        by_dataset.setdefault((label.file, label.sheet), []).append(label)
    entities_seen: dict[tuple[str, str], int] = {}
    for entry in manifest["datasets"]:
        rows = _read(corpus_dir, entry)
        assert len(rows) == entry["rows"]
        primaries = {c["name"]: c["primary"] for c in entry["columns"]}
        for label in by_dataset.get((entry["file"], entry["sheet"]), []):
            cell = rows[label.row][label.column]
            assert cell is not None, label
            assert cell[label.start : label.end] == label.text, label
            assert VALIDATORS[label.entity](label.text), label
            expected_context = "free_text" if primaries[label.column] == "FREE_TEXT" else "structured"
            assert label.context == expected_context
            entities_seen[(label.entity, label.context)] = (
                entities_seen.get((label.entity, label.context), 0) + 1
            )
    for entity in VALIDATORS:
        assert entities_seen.get((entity, "structured"), 0) > 0, entity
        assert entities_seen.get((entity, "free_text"), 0) > 0, entity


def test_spans_do_not_overlap_and_structured_cells_are_whole(corpus_dir: Path) -> None:
    cells: dict[tuple, list] = {}
    for label in read_labels(corpus_dir):
        cells.setdefault((label.file, label.sheet, label.row, label.column), []).append(label)
    for group in cells.values():
        group.sort(key=lambda x: x.start)
        for a, b in zip(group, group[1:], strict=False):
            assert a.end <= b.start, (a, b)


def test_damaged_cells_and_minors(corpus_dir: Path) -> None:
    manifest = read_manifest(corpus_dir)
    labels = read_labels(corpus_dir)
    damaged = read_damaged(corpus_dir)
    assert damaged and {d["form"] for d in damaged} <= {"numeric", "scientific"}
    labelled_cells = {(x.file, x.sheet, x.row, x.column) for x in labels}
    for entry in manifest["datasets"]:
        rows = _read(corpus_dir, entry)
        mine = [d for d in damaged if d["file"] == entry["file"] and d["sheet"] == entry["sheet"]]
        for d in mine:
            text = rows[d["row"]][d["column"]]
            assert re.fullmatch(r"\d{15}000|\d\.\d{5}E\+17", text), text
            assert (d["file"], d["sheet"], d["row"], d["column"]) not in labelled_cells
        counts = {c["name"]: c.get("damaged", 0) for c in entry["columns"]}
        assert sum(counts.values()) == len(mine)
        # minors: recount from the labelled 18-digit IDs in the structured ID columns
        id_cols = {c["name"] for c in entry["columns"] if c["primary"] == "CN_RESIDENT_ID"}
        under14 = under18 = 0
        for x in labels:
            if (x.file, x.sheet) == (entry["file"], entry["sheet"]) and x.column in id_cols:
                v = _norm(x.text)
                if len(v) == 18:
                    age = corpus.age_on(dt.datetime.strptime(v[6:14], "%Y%m%d").date(), TODAY)
                    under14 += age < 14
                    under18 += age < 18
        assert (under14, under18) == (entry["minors_under_14"], entry["minors_under_18"]), entry["file"]
    assert sum(e["minors_under_14"] for e in manifest["datasets"]) > 0


def test_lookalike_values_fail_identifier_checks(corpus_dir: Path) -> None:
    manifest = read_manifest(corpus_dir)
    entry = next(e for e in manifest["datasets"] if e["lookalike"])
    assert all(c["primary"] is None for c in entry["columns"])
    assert not [x for x in read_labels(corpus_dir) if x.file == entry["file"]]
    for row in _read(corpus_dir, entry):
        assert not _valid_id(row["档案编号"])
        assert not _valid_phone(row["设备编号"])
        assert not _valid_uscc(row["序列号"])
        assert _luhn(row["订单号"]) and not row["订单号"].startswith("62")


def test_excel_damage_forms() -> None:
    g = corpus.Gen(3, today=TODAY)
    ds = corpus.Dataset("f.xlsx", "s", "xlsx", None, ["SFZH"], {"SFZH": "CN_RESIDENT_ID"})
    person = corpus.Person(g)
    while person.id.endswith("X"):  # Excel stores an ID ending in X as text: never damaged
        person = corpus.Person(g)
    numeric = corpus._id_cell(g, ds, person, "numeric", 1.0, p_blank=0.0)
    scientific = corpus._id_cell(g, ds, person, "scientific", 1.0, p_blank=0.0)
    assert isinstance(numeric, corpus.Damaged) and numeric.value == float(person.id[:15] + "000")
    assert isinstance(scientific, corpus.Damaged) and re.fullmatch(r"\d\.\d{5}E\+17", scientific.value)
    assert scientific.value.startswith(person.id[0] + "." + person.id[1:5])
    assert ds.minors_under_18 == 0  # damaged IDs are unreadable: not counted


def test_checksum_helpers_match_known_examples() -> None:
    assert corpus.id_check("11010519491231002") == "X"
    assert corpus.uscc_check("91110000600037341") == "L"
    assert corpus.org_code_check("60003734") == "1"
    assert corpus.luhn_valid(corpus.luhn_complete("622202123456789012"))
    import numpy as np

    body = np.frombuffer(b"11010519491231002", dtype=np.uint8) - 48
    assert bytes(corpus.id_check_array(body[None, :])) == b"X"
