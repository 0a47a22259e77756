"""Measure privaudit's accuracy on the labelled synthetic corpus (``benchmarks/corpus.py``).

Findings are matched to labels exactly on (file, sheet, row, column, entity, start,
end).  Printed: per identifier entity and context (structured / free text) TP, FP,
FN, precision, recall, with a breakdown of the misses (span boundary off, another
entity on the span, nothing found); column classification accuracy
(``ColumnProfile.primary`` vs label) with the misclassified columns; identifier
findings on the look-alike file (should be 0); Excel-damaged cells detected vs
labelled; minors under 14/18 found vs expected.

CLI: ``python benchmarks/accuracy.py [--corpus DIR] [--rows N] [--seed S]`` — generates
the corpus when missing or stale, always exits 0 (it is a measurement).
``evaluate(corpus_dir) -> dict`` returns the same figures for tests.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(1, str(ROOT))

from _labels import Label, read_damaged, read_labels, read_manifest  # noqa: E402

CONTEXTS = ("structured", "free_text")


def _identifier_entities() -> tuple[str, ...]:
    from privaudit.entities import IDENTIFIER_ENTITIES

    return IDENTIFIER_ENTITIES


def _mask(text: str) -> str:
    """Show the shape of a (synthetic) value without the value itself."""
    if len(text) <= 4:
        return "*" * len(text)
    keep = 2 if len(text) < 10 else 3
    return text[:keep] + "*" * (len(text) - keep - 2) + text[-2:]


def _prf(tp: int, fp: int, fn: int) -> tuple[float | None, float | None]:
    p = tp / (tp + fp) if tp + fp else None
    r = tp / (tp + fn) if tp + fn else None
    return p, r


def _scan_file(path: Path) -> tuple[Any, float, str | None]:
    import privaudit

    t0 = time.perf_counter()
    try:
        result = privaudit.scan(str(path), progress=False)
    except Exception as exc:  # a measurement: record the failure, keep going
        return None, time.perf_counter() - t0, f"{type(exc).__name__}: {str(exc)[:200]}"
    return result, time.perf_counter() - t0, None


def _finding_keys(frame: pd.DataFrame, file: str) -> list[tuple]:
    keys = []
    if frame is None or not len(frame):
        return keys
    for sheet, row, column, entity, start, end in zip(
        frame["sheet"],
        frame["row"],
        frame["column"],
        frame["entity"],
        frame["start"],
        frame["end"],
        strict=True,
    ):
        sheet = None if pd.isna(sheet) else str(sheet)
        keys.append((file, sheet, int(row), str(column), str(entity), int(start), int(end)))
    return keys


def evaluate(corpus_dir: Path) -> dict[str, Any]:
    """Scan every file of the corpus and compare with its labels; returns all figures as a dict."""
    corpus_dir = Path(corpus_dir)
    manifest = read_manifest(corpus_dir)
    labels = read_labels(corpus_dir)
    damaged = read_damaged(corpus_dir)
    id_entities = set(_identifier_entities())
    entries = {(e["file"], e["sheet"]): e for e in manifest["datasets"]}
    primaries = {
        (e["file"], e["sheet"], c["name"]): c["primary"] for e in manifest["datasets"] for c in e["columns"]
    }

    findings: list[tuple] = []
    attribute_findings = 0
    profiles: dict[tuple, Any] = {}
    errors: dict[str, str] = {}
    timings: dict[str, float] = {}
    for file in sorted({e["file"] for e in manifest["datasets"]}):
        result, seconds, error = _scan_file(corpus_dir / file)
        timings[file] = seconds
        if error:
            errors[file] = error
            continue
        keys = _finding_keys(result.findings, file)
        attribute_findings += sum(k[4] not in id_entities for k in keys)
        findings += [k for k in keys if k[4] in id_entities]
        for ds in result.datasets:
            profiles[(file, ds.sheet)] = ds

    def context_of(key: tuple) -> str:
        return "free_text" if primaries.get((key[0], key[1], key[3])) == "FREE_TEXT" else "structured"

    label_by_key: dict[tuple, Label] = {lb.key: lb for lb in labels}
    found = set(findings)
    by_cell: dict[tuple, list[tuple]] = defaultdict(list)
    for k in found:
        by_cell[k[:4]].append(k)

    table: dict[tuple[str, str], Counter] = defaultdict(Counter)
    miss_examples: dict[tuple[str, str], list[str]] = defaultdict(list)
    for key, lb in label_by_key.items():
        cell = (lb.file, lb.sheet, lb.row, lb.column)
        if key in found:
            table[(lb.entity, lb.context)]["tp"] += 1
            continue
        table[(lb.entity, lb.context)]["fn"] += 1
        overlapping = [f for f in by_cell.get(cell, []) if f[5] < lb.end and lb.start < f[6]]
        if any(f[4] == lb.entity for f in overlapping):
            kind = "fn_boundary"
        elif overlapping:
            kind = "fn_other_entity"
        else:
            kind = "fn_nothing"
        table[(lb.entity, lb.context)][kind] += 1
        if len(miss_examples[(lb.entity, lb.context)]) < 3:
            miss_examples[(lb.entity, lb.context)].append(
                f"{lb.file}{'[' + lb.sheet + ']' if lb.sheet else ''} row {lb.row} {lb.column!r} "
                f"{lb.start}-{lb.end} {_mask(lb.text)} ({kind[3:]})"
            )
    fp_by_column: dict[tuple[str, str], Counter] = defaultdict(Counter)
    for key in found:
        if key not in label_by_key:
            table[(key[4], context_of(key))]["fp"] += 1
            fp_by_column[(key[4], context_of(key))][
                f"{key[0]}{'[' + key[1] + ']' if key[1] else ''}:{key[3]}"
            ] += 1

    per_file: dict[str, Counter] = defaultdict(Counter)
    for key in label_by_key:
        per_file[key[0]]["tp" if key in found else "fn"] += 1
    for key in found:
        if key not in label_by_key:
            per_file[key[0]]["fp"] += 1
    files = {f: {"tp": c["tp"], "fp": c["fp"], "fn": c["fn"]} for f, c in sorted(per_file.items())}

    entity_rows = []
    for (entity, context), c in sorted(table.items()):
        p, r = _prf(c["tp"], c["fp"], c["fn"])
        entity_rows.append(
            {
                "entity": entity,
                "context": context,
                "tp": c["tp"],
                "fp": c["fp"],
                "fn": c["fn"],
                "precision": p,
                "recall": r,
                "fn_boundary": c["fn_boundary"],
                "fn_other_entity": c["fn_other_entity"],
                "fn_nothing": c["fn_nothing"],
                "miss_examples": miss_examples.get((entity, context), []),
                "fp_columns": dict(fp_by_column.get((entity, context), Counter()).most_common(5)),
            }
        )
    totals = {}
    for context in CONTEXTS + ("all",):
        rows = [x for x in entity_rows if context in ("all", x["context"])]
        tp, fp, fn = (sum(x[k] for x in rows) for k in ("tp", "fp", "fn"))
        p, r = _prf(tp, fp, fn)
        totals[context] = {"tp": tp, "fp": fp, "fn": fn, "precision": p, "recall": r}

    # column classification
    columns_total = columns_ok = 0
    misclassified = []
    by_kind: dict[str, Counter] = defaultdict(Counter)
    for e in manifest["datasets"]:
        ds = profiles.get((e["file"], e["sheet"]))
        got_by_name = {c.name: c.primary for c in ds.columns} if ds is not None else {}
        for col in e["columns"]:
            expected = col["primary"]
            got = got_by_name.get(col["name"], "<no profile>")
            ok = got == expected
            kind = (
                "none"
                if expected is None
                else "free_text"
                if expected == "FREE_TEXT"
                else "identifier"
                if expected in id_entities
                else "attribute"
            )
            by_kind[kind]["total"] += 1
            by_kind[kind]["ok"] += ok
            columns_total += 1
            columns_ok += ok
            if not ok:
                misclassified.append(
                    {
                        "file": e["file"],
                        "sheet": e["sheet"],
                        "column": col["name"],
                        "expected": expected,
                        "got": got,
                    }
                )

    # look-alike file
    lookalike_files = {(e["file"], e["sheet"]) for e in manifest["datasets"] if e["lookalike"]}
    lookalike = Counter(k[4] for k in found if (k[0], k[1]) in lookalike_files)
    lookalike_columns = Counter(f"{k[3]}:{k[4]}" for k in found if (k[0], k[1]) in lookalike_files)

    # damaged cells
    damaged_rows = []
    damaged_cells = {(d["file"], d["sheet"], d["row"], d["column"]) for d in damaged}
    for e in manifest["datasets"]:
        ds = profiles.get((e["file"], e["sheet"]))
        for col in e["columns"]:
            if col.get("damaged"):
                got = None
                if ds is not None:
                    got = next((c.damaged_cells for c in ds.columns if c.name == col["name"]), None)
                damaged_rows.append(
                    {
                        "file": e["file"],
                        "sheet": e["sheet"],
                        "column": col["name"],
                        "labelled": col["damaged"],
                        "detected": got,
                    }
                )
    findings_on_damaged = sum(1 for k in found if k[:4] in damaged_cells)

    minors = []
    for (file, sheet), e in entries.items():
        ds = profiles.get((file, sheet))
        minors.append(
            {
                "file": file,
                "sheet": sheet,
                "expected_under_14": e["minors_under_14"],
                "found_under_14": getattr(ds, "minors_under_14", None),
                "expected_under_18": e["minors_under_18"],
                "found_under_18": getattr(ds, "minors_under_18", None),
            }
        )

    return {
        "corpus": str(corpus_dir),
        "seed": manifest["seed"],
        "rows": manifest["rows"],
        "generated_on": manifest["generated_on"],
        "labels": len(labels),
        "findings": len(found),
        "attribute_findings_ignored": attribute_findings,
        "entities": entity_rows,
        "totals": totals,
        "files": files,
        "columns": {
            "total": columns_total,
            "correct": columns_ok,
            "accuracy": columns_ok / columns_total if columns_total else None,
            "by_kind": {k: dict(v) for k, v in by_kind.items()},
            "misclassified": misclassified,
        },
        "lookalike": {
            "identifier_findings": sum(lookalike.values()),
            "by_entity": dict(lookalike),
            "by_column": dict(lookalike_columns.most_common(10)),
        },
        "damaged": {
            "columns": damaged_rows,
            "labelled": len(damaged),
            "identifier_findings_on_damaged": findings_on_damaged,
        },
        "minors": minors,
        "errors": errors,
        "timings": timings,
    }


def _pct(x: float | None) -> str:
    return "   -  " if x is None else f"{100 * x:5.1f}%"


def print_report(res: dict[str, Any], examples: bool = True) -> None:
    """Print the figures of :func:`evaluate` as plain-text tables."""
    print(
        f"corpus {res['corpus']} (seed {res['seed']}, {res['rows']} rows per file, generated "
        f"{res['generated_on']}): {res['labels']} labelled spans, {res['findings']} identifier findings"
    )
    for file, err in res["errors"].items():
        print(f"  SCAN FAILED {file}: {err}")
    print()
    header = f"{'entity':<18} {'context':<10} {'TP':>6} {'FP':>6} {'FN':>6} {'prec':>7} {'recall':>7}   FN: boundary/other/none"
    print(header)
    print("-" * len(header))
    for x in res["entities"]:
        print(
            f"{x['entity']:<18} {x['context']:<10} {x['tp']:>6} {x['fp']:>6} {x['fn']:>6} {_pct(x['precision']):>7} "
            f"{_pct(x['recall']):>7}   {x['fn_boundary']}/{x['fn_other_entity']}/{x['fn_nothing']}"
        )
    print("-" * len(header))
    for context, t in res["totals"].items():
        print(
            f"{'TOTAL':<18} {context:<10} {t['tp']:>6} {t['fp']:>6} {t['fn']:>6} {_pct(t['precision']):>7} "
            f"{_pct(t['recall']):>7}"
        )
    print(
        "\nper file: "
        + "; ".join(f"{Path(f).name} TP {c['tp']} FP {c['fp']} FN {c['fn']}" for f, c in res["files"].items())
    )
    if res["attribute_findings_ignored"]:
        print(
            f"(attribute-entity findings not matched against span labels: {res['attribute_findings_ignored']})"
        )
    if examples:
        print("\nmisses (first 3 per entity/context; values masked) and where false positives land:")
        for x in res["entities"]:
            for ex in x["miss_examples"]:
                print(f"  FN {x['entity']}/{x['context']}: {ex}")
            for where, n in x["fp_columns"].items():
                print(f"  FP {x['entity']}/{x['context']}: {n} in {where}")
    c = res["columns"]
    print(
        f"\ncolumn classification: {c['correct']}/{c['total']} = {_pct(c['accuracy'])}  "
        + "  ".join(f"{k} {v.get('ok', 0)}/{v['total']}" for k, v in sorted(c["by_kind"].items()))
    )
    for m in c["misclassified"]:
        where = m["file"] + (f"[{m['sheet']}]" if m["sheet"] else "")
        print(f"  {where}: {m['column']!r} expected {m['expected']}, got {m['got']}")
    lk = res["lookalike"]
    print(f"\nlook-alike file: {lk['identifier_findings']} identifier findings (expected 0)")
    for entity, n in lk["by_entity"].items():
        print(f"  {entity}: {n}")
    for where, n in lk["by_column"].items():
        print(f"  column {where}: {n}")
    d = res["damaged"]
    print(
        f"\nExcel-damaged ID cells: {d['labelled']} labelled; identifier findings on them: "
        f"{d['identifier_findings_on_damaged']}"
    )
    for row in d["columns"]:
        where = row["file"] + (f"[{row['sheet']}]" if row["sheet"] else "")
        print(f"  {where} {row['column']!r}: detected {row['detected']} / labelled {row['labelled']}")
    print("\nminors (under 14 / under 18): found vs expected")
    for m in res["minors"]:
        if m["expected_under_18"] or m["found_under_18"]:
            where = m["file"] + (f"[{m['sheet']}]" if m["sheet"] else "")
            print(
                f"  {where}: {m['found_under_14']}/{m['expected_under_14']}, {m['found_under_18']}/{m['expected_under_18']}"
            )
    print("\nscan time per file: " + ", ".join(f"{Path(f).name} {s:.2f}s" for f, s in res["timings"].items()))


def ensure_corpus(corpus_dir: Path, rows: int, seed: int) -> Path:
    """Generate the corpus unless one with this seed, row count, generator and date exists."""
    import corpus

    try:
        m = read_manifest(corpus_dir)
        fresh = (m.get("seed"), m.get("rows"), m.get("generator_version"), m.get("generated_on")) == (
            seed,
            rows,
            corpus.GENERATOR_VERSION,
            dt.date.today().isoformat(),
        )
    except (FileNotFoundError, ValueError):
        fresh = False
    if not fresh:
        print(f"generating corpus in {corpus_dir} …", flush=True)
        corpus.generate(corpus_dir, seed=seed, rows=rows)
    return corpus_dir


def main(argv: list[str] | None = None) -> int:
    """CLI entry point; always returns 0."""
    ap = argparse.ArgumentParser(description="Measure privaudit against the labelled corpus.")
    ap.add_argument("--corpus", type=Path, default=ROOT / "benchmarks" / ".cache" / "corpus")
    ap.add_argument("--rows", type=int, default=2000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument(
        "--no-examples", action="store_true", help="do not list misses and false-positive columns"
    )
    args = ap.parse_args(argv)
    print("$ " + " ".join(["python"] + sys.argv))
    print(f"corpus seed {args.seed}, rows {args.rows}")
    ensure_corpus(args.corpus, args.rows, args.seed)
    t0 = time.perf_counter()
    res = evaluate(args.corpus)
    print_report(res, examples=not args.no_examples)
    print(f"evaluation took {time.perf_counter() - t0:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
