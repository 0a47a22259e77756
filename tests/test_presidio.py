"""privaudit as a Presidio extension: a real AnalyzerEngine for language "zh"."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from presidio_analyzer import AnalyzerEngine, EntityRecognizer, RecognizerResult

from privaudit.detect.scanner import find_spans
from privaudit.identifiers import MODULES
from privaudit.presidio import ZhNlpEngine, analyzer_engine, nlp_engine, recognizers

EXAMPLE = "户主王建国，身份证11010519491231002X，现住幸福里小区3栋2单元501室，电话138 1234 5678"
ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def engine() -> AnalyzerEngine:
    return analyzer_engine()


def found(results: list[RecognizerResult], text: str) -> list[tuple[str, str]]:
    return [(r.entity_type, text[r.start : r.end]) for r in sorted(results, key=lambda r: r.start)]


def test_example_sentence_exact_spans(engine):
    results = engine.analyze(EXAMPLE, language="zh")
    assert all(isinstance(r, RecognizerResult) for r in results)
    assert [(r.entity_type, r.start, r.end) for r in sorted(results, key=lambda r: r.start)] == [
        ("PERSON", 2, 5),
        ("CN_RESIDENT_ID", 9, 27),
        ("ADDRESS", 30, 44),
        ("PHONE_NUMBER", 47, 60),
    ]
    assert found(results, EXAMPLE) == [
        ("PERSON", "王建国"),
        ("CN_RESIDENT_ID", "11010519491231002X"),
        ("ADDRESS", "幸福里小区3栋2单元501室"),
        ("PHONE_NUMBER", "138 1234 5678"),
    ]
    assert all(0 < r.score <= 1 for r in results)


def test_entities_filter(engine):
    results = engine.analyze(EXAMPLE, language="zh", entities=["PERSON", "ADDRESS"])
    assert {r.entity_type for r in results} == {"PERSON", "ADDRESS"}


def test_one_recognizer_per_entity():
    recs = recognizers()
    assert all(isinstance(r, EntityRecognizer) for r in recs)
    entities = [r.supported_entities[0] for r in recs]
    assert entities == [m.ENTITY for m in MODULES] + ["PERSON", "ADDRESS"]
    assert len(set(entities)) == len(entities)
    assert all(r.supported_language == "zh" and r.context for r in recs)


def test_engine_supports_only_privaudit_recognizers(engine):
    names = {r.name for r in engine.get_recognizers("zh")}
    assert all(n.startswith("Privaudit") for n in names)
    assert "EmailRecognizer" not in names  # presidio's one calls tldextract (network)
    assert {"CN_RESIDENT_ID", "PHONE_NUMBER", "PERSON", "ADDRESS", "EMAIL_ADDRESS"} <= set(
        engine.get_supported_entities("zh")
    )


@pytest.mark.parametrize(
    ("cue", "number", "entity"),
    [("电话", "13812345678", "PHONE_NUMBER"), ("身份证", "11010519491231002X", "CN_RESIDENT_ID")],
)
def test_context_word_raises_the_score(engine, cue, number, entity):
    bare = engine.analyze(f"备注 {number}", language="zh", return_decision_process=True)
    cued = engine.analyze(f"备注{cue}：{number}", language="zh", return_decision_process=True)
    (b,) = [r for r in bare if r.entity_type == entity]
    (c,) = [r for r in cued if r.entity_type == entity]
    assert c.score > b.score
    # the rise comes from Presidio's LemmaContextAwareEnhancer, which saw the token
    assert c.analysis_explanation.supportive_context_word == cue
    assert b.analysis_explanation.supportive_context_word == ""


def test_context_words_passed_explicitly(engine):
    # Presidio's own channel for column names: analyze(..., context=[header])
    plain = engine.analyze("13812345678", language="zh")
    with_header = engine.analyze("13812345678", language="zh", context=["联系电话"])
    assert with_header[0].score > plain[0].score


def test_low_specificity_form_needs_context(engine):
    legacy_id = "130503670401001"  # 15-digit legacy ID: only with a cue
    assert engine.analyze(f"编号{legacy_id}", language="zh") == []
    (r,) = engine.analyze(f"身份证{legacy_id}", language="zh")
    assert r.entity_type == "CN_RESIDENT_ID" and r.score >= 0.9


@pytest.mark.parametrize(
    "text",
    [
        EXAMPLE,
        "联系人：李娜，邮箱 lina@example.com，车牌京A12345",
        "村民买买提·吐尔逊来电反映李家村3组28号漏水",
        "今天白天家中无人，方便的时候再来",
    ],
)
def test_same_spans_as_privaudit_scan(engine, text):
    """Presidio and privaudit.scan's free-text path use the same finders."""
    presidio = {(r.entity_type, r.start, r.end) for r in engine.analyze(text, language="zh")}
    scan = {(s.entity, s.start, s.end) for s in find_spans(text, None, True)}
    assert presidio == scan


def test_nlp_engine_tokens_and_lemmas():
    nlp = nlp_engine()
    text = "户主 王建国，身份证号码：11010519491231002X  电话13812345678\n"
    artifacts = nlp.process_text(text, "zh")
    tokens = [t.text for t in artifacts.tokens]
    assert artifacts.tokens.text == text
    assert "身份证号码" in tokens and "户主" in tokens and "电话" in tokens
    assert "11010519491231002X" in tokens and "13812345678" in tokens
    assert "王" in tokens and "建" in tokens  # other Han characters: one per token
    assert artifacts.lemmas == tokens
    assert artifacts.tokens_indices == [t.idx for t in artifacts.tokens]
    assert all(text[i : i + len(t)] == t for i, t in zip(artifacts.tokens_indices, tokens, strict=True))
    assert "身份证号码" in artifacts.keywords and "，" not in artifacts.keywords
    assert nlp.get_supported_languages() == ["zh"]
    with pytest.raises(ValueError):
        nlp.process_text(text, "en")


def test_nlp_engine_batch():
    nlp = ZhNlpEngine()
    out = list(nlp.process_batch(["户主王芳", "电话13812345678"], "zh"))
    assert [t for t, _ in out] == ["户主王芳", "电话13812345678"]
    out = list(nlp.process_batch([("户主王芳", "姓名")], "zh", as_tuples=True))
    assert out[0][0] == "户主王芳" and out[0][2] == "姓名"


def test_works_with_the_network_unavailable(tmp_path):
    """A fresh interpreter with every socket connect refused builds and uses the engine."""
    script = tmp_path / "offline.py"
    script.write_text(
        textwrap.dedent(
            """
            import socket

            def refuse(*args, **kwargs):
                raise OSError("network disabled for this test")

            socket.socket.connect = refuse
            socket.socket.connect_ex = refuse
            socket.create_connection = refuse
            socket.getaddrinfo = refuse

            from privaudit.presidio import analyzer_engine

            engine = analyzer_engine()
            text = "户主王建国，电话13812345678，邮箱 wang@example.com"
            got = sorted((r.entity_type, text[r.start:r.end]) for r in engine.analyze(text, language="zh"))
            print(got)
            """
        ),
        encoding="utf-8",
    )
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "HOME": str(tmp_path)}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH", "")]))
    proc = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, env=env, timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert proc.stdout.strip() == (
        "[('EMAIL_ADDRESS', 'wang@example.com'), ('PERSON', '王建国'), ('PHONE_NUMBER', '13812345678')]"
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["offline.py"]  # no cache written to $HOME


def test_readme_recipe_builds_the_same_engine():
    """The README's five lines: a plain Presidio AnalyzerEngine with privaudit's parts."""
    from presidio_analyzer import AnalyzerEngine, RecognizerRegistry

    from privaudit.presidio import nlp_engine, recognizers

    registry = RecognizerRegistry(recognizers=recognizers(), supported_languages=["zh"])
    engine = AnalyzerEngine(nlp_engine=nlp_engine(), registry=registry, supported_languages=["zh"])
    results = engine.analyze(EXAMPLE, language="zh")
    assert found(results, EXAMPLE) == found(analyzer_engine().analyze(EXAMPLE, language="zh"), EXAMPLE)
