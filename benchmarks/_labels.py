"""Label records for the benchmark corpus: cells with known spans, and the files that hold them.

A corpus directory written by ``benchmarks/corpus.py`` holds, next to the data files:

``labels.jsonl``
    One object per expected identifier finding: ``file`` (path relative to the corpus
    dir), ``sheet`` (or null), ``row`` (0-based data row after the header, JSON-array
    index, JSON-Lines line number), ``column`` (as in the file; nested JSON keys joined
    with ``.``), ``entity``, ``start``/``end`` (character offsets into the cell text as
    read), ``context`` (``"structured"`` or ``"free_text"``) and ``text`` (the span's
    text, synthetic — for checking the labels, never printed by the benchmarks).
``columns.json``
    The manifest: seed, rows, generation date, and per file/sheet the expected
    ``primary`` of every column, ``damaged`` cell counts, expected counts of minors.
``damaged.jsonl``
    Cells holding a resident-ID number destroyed by Excel (``1.10105E+17``, float
    ``110105194912310000``): expected as damage warnings, never as findings.

Spans cover the identifier *as written*: a phone's ``+86``/``0086`` prefix, area-code
brackets, inner separators and extension; a plate's ``·``; an ID's inner spaces.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

LABELS_FILE = "labels.jsonl"
COLUMNS_FILE = "columns.json"
DAMAGED_FILE = "damaged.jsonl"

#: A piece of a composed cell: literal text, or ``(entity, text)``.
Piece = str | tuple[str, str]


@dataclass
class Cell:
    """One cell: ``value`` is what is written to the file, ``text`` what a reader returns.

    ``spans`` are ``(entity, start, end)`` offsets into ``text``.
    """

    value: Any
    text: str
    spans: list[tuple[str, int, int]] = field(default_factory=list)


@dataclass
class Damaged:
    """A cell holding an ID number damaged by Excel (written as ``value``)."""

    value: Any
    form: str  # "numeric" (float cell) | "scientific" (text like 1.10105E+17)


def compose(pieces: list[Piece], value: Any = None) -> Cell:
    """Concatenate pieces into one cell, recording where each ``(entity, text)`` piece lands."""
    out: list[str] = []
    spans: list[tuple[str, int, int]] = []
    pos = 0
    for piece in pieces:
        if isinstance(piece, tuple):
            entity, text = piece
            spans.append((entity, pos, pos + len(text)))
        else:
            text = piece
        out.append(text)
        pos += len(text)
    text = "".join(out)
    return Cell(value=text if value is None else value, text=text, spans=spans)


def whole(entity: str, text: str, value: Any = None) -> Cell:
    """A cell that is exactly one identifier."""
    return Cell(value=text if value is None else value, text=text, spans=[(entity, 0, len(text))])


@dataclass(frozen=True)
class Label:
    """One expected finding."""

    file: str
    sheet: str | None
    row: int
    column: str
    entity: str
    start: int
    end: int
    context: str
    text: str = ""

    def as_dict(self) -> dict[str, Any]:
        """The label as a plain dict (the ``labels.jsonl`` record)."""
        return {
            "file": self.file,
            "sheet": self.sheet,
            "row": self.row,
            "column": self.column,
            "entity": self.entity,
            "start": self.start,
            "end": self.end,
            "context": self.context,
            "text": self.text,
        }

    @property
    def key(self) -> tuple:
        """The exact-match key: (file, sheet, row, column, entity, start, end)."""
        return (self.file, self.sheet, self.row, self.column, self.entity, self.start, self.end)


@dataclass
class Dataset:
    """Collects one file's (or sheet's) rows and labels while it is generated."""

    file: str
    sheet: str | None
    format: str
    encoding: str | None
    columns: list[str]
    primaries: dict[str, str | None]
    lookalike: bool = False
    rows: list[list[Any]] = field(default_factory=list)
    labels: list[Label] = field(default_factory=list)
    damaged: list[dict[str, Any]] = field(default_factory=list)
    minors_under_14: int = 0
    minors_under_18: int = 0

    def context(self, column: str) -> str:
        """``free_text`` for remark columns, else ``structured``."""
        return "free_text" if self.primaries.get(column) == "FREE_TEXT" else "structured"

    def add(self, cells: dict[str, Any]) -> list[Any]:
        """Append one row; ``cells`` maps column → plain value, :class:`Cell` or :class:`Damaged`.

        Returns the row's written values in column order.
        """
        row = len(self.rows)
        values: list[Any] = []
        for col in self.columns:
            cell = cells.get(col)
            if isinstance(cell, Cell):
                for entity, start, end in cell.spans:
                    self.labels.append(
                        Label(
                            self.file,
                            self.sheet,
                            row,
                            col,
                            entity,
                            start,
                            end,
                            self.context(col),
                            cell.text[start:end],
                        )
                    )
                values.append(cell.value)
            elif isinstance(cell, Damaged):
                self.damaged.append(
                    {"file": self.file, "sheet": self.sheet, "row": row, "column": col, "form": cell.form}
                )
                values.append(cell.value)
            else:
                values.append(cell)
        self.rows.append(values)
        return values

    def count_minor(self, age: int) -> None:
        """Count a record whose valid resident ID says the person is ``age`` years old."""
        self.minors_under_14 += age < 14
        self.minors_under_18 += age < 18

    def manifest(self) -> dict[str, Any]:
        """This dataset's entry in ``columns.json``."""
        damaged: dict[str, int] = {}
        for d in self.damaged:
            damaged[d["column"]] = damaged.get(d["column"], 0) + 1
        cols = []
        for col in self.columns:
            entry: dict[str, Any] = {"name": col, "primary": self.primaries.get(col)}
            if col in damaged:
                entry["damaged"] = damaged[col]
            cols.append(entry)
        return {
            "file": self.file,
            "sheet": self.sheet,
            "format": self.format,
            "encoding": self.encoding,
            "rows": len(self.rows),
            "lookalike": self.lookalike,
            "minors_under_14": self.minors_under_14,
            "minors_under_18": self.minors_under_18,
            "columns": cols,
        }


def write_labels(out_dir: Path, datasets: list[Dataset], manifest: dict[str, Any]) -> None:
    """Write ``labels.jsonl``, ``damaged.jsonl`` and ``columns.json`` for ``datasets``."""
    with open(out_dir / LABELS_FILE, "w", encoding="utf-8") as fh:
        for ds in datasets:
            for label in ds.labels:
                fh.write(json.dumps(label.as_dict(), ensure_ascii=False) + "\n")
    with open(out_dir / DAMAGED_FILE, "w", encoding="utf-8") as fh:
        for ds in datasets:
            for d in ds.damaged:
                fh.write(json.dumps(d, ensure_ascii=False) + "\n")
    manifest = dict(manifest, datasets=[ds.manifest() for ds in datasets])
    (out_dir / COLUMNS_FILE).write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")


def read_labels(corpus_dir: Path) -> list[Label]:
    """Load ``labels.jsonl``."""
    with open(Path(corpus_dir) / LABELS_FILE, encoding="utf-8") as fh:
        return [Label(**json.loads(line)) for line in fh if line.strip()]


def read_manifest(corpus_dir: Path) -> dict[str, Any]:
    """Load ``columns.json``."""
    return json.loads((Path(corpus_dir) / COLUMNS_FILE).read_text(encoding="utf-8"))


def read_damaged(corpus_dir: Path) -> list[dict[str, Any]]:
    """Load ``damaged.jsonl``."""
    path = Path(corpus_dir) / DAMAGED_FILE
    with open(path, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]
