"""privaudit as a Presidio extension for Chinese: recognizers and an offline ``zh`` NLP engine.

With privaudit installed, a Presidio :class:`~presidio_analyzer.AnalyzerEngine` for
language ``zh`` finds mainland-China identifiers, names and addresses::

    >>> from privaudit.presidio import analyzer_engine
    >>> engine = analyzer_engine()
    >>> text = "户主王建国，身份证11010519491231002X，电话13812345678"
    >>> [(r.entity_type, text[r.start:r.end]) for r in sorted(engine.analyze(text, language="zh"), key=lambda r: r.start)]
    [('PERSON', '王建国'), ('CN_RESIDENT_ID', '11010519491231002X'), ('PHONE_NUMBER', '13812345678')]

Nothing here downloads a model.  :class:`ZhNlpEngine` builds spaCy ``Doc`` objects
on a blank ``zh`` vocabulary with a small dictionary segmenter: the context words
of every recognizer (身份证, 电话, 户主, 住址 …) become single tokens and every other
Han character is a token of its own, so Presidio's ``LemmaContextAwareEnhancer``
sees "身份证" before a number and raises that result's score.

The recognizers wrap the very functions :func:`privaudit.scan` uses on free-text
cells (one per identifier module in :data:`privaudit.identifiers.MODULES`, plus
PERSON and ADDRESS from :mod:`privaudit.detect.freetext`), so Presidio and
privaudit find the same spans.  Presidio's own ``EmailRecognizer`` (which calls
``tldextract`` and the network) is not used: privaudit's e-mail module replaces it.
"""

from __future__ import annotations

import functools
import unicodedata
from collections.abc import Callable, Iterable, Iterator

from presidio_analyzer import AnalysisExplanation, AnalyzerEngine, EntityRecognizer, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts, NlpEngine
from presidio_analyzer.recognizer_registry import RecognizerRegistry
from spacy.tokens import Doc

from privaudit.detect import freetext
from privaudit.identifiers import MODULES, Span

__all__ = [
    "LANGUAGE",
    "ZhNlpEngine",
    "PrivauditRecognizer",
    "nlp_engine",
    "recognizers",
    "analyzer_engine",
    "context_vocabulary",
]

LANGUAGE = "zh"
_MAX_WORD = 8

#: Function words that are not context (Presidio's keyword filter drops stop words).
_STOPWORDS = frozenset("的 了 和 与 及 或 是 在 于 为 也 都 就 还 又 并 而 等 着 过 吗 呢 吧 啊".split())


def context_vocabulary() -> frozenset[str]:
    """Every context word of privaudit's recognizers plus the free-text cue words (the segmenter's dictionary)."""
    words: set[str] = set(freetext.PERSON_CONTEXT) | set(freetext.ADDRESS_CONTEXT)
    words |= freetext._STRONG_PREFIX | freetext._STRONG_SUFFIX | freetext._ADDRESS_CUES
    for mod in MODULES:
        words.update(getattr(mod, "CONTEXT", ()))
    return frozenset(w for w in words if 1 < len(w) <= _MAX_WORD and not w.isascii())


def _is_punct(word: str) -> bool:
    return bool(word) and all(unicodedata.category(ch)[0] in "PS" for ch in word)


class ZhNlpEngine(NlpEngine):
    """An offline Chinese NLP engine for Presidio: dictionary segmentation, lemma = token.

    Tokens: the longest dictionary word at each position (``vocabulary``, by default
    :func:`context_vocabulary`), else one Han character; runs of ASCII or full-width
    letters and digits form one token; whitespace separates tokens.  No named
    entities are produced (privaudit's recognizers find PERSON and ADDRESS).
    """

    engine_name = "privaudit_zh"
    is_available = True

    def __init__(self, vocabulary: Iterable[str] | None = None, language: str = LANGUAGE):
        words = frozenset(vocabulary) if vocabulary is not None else context_vocabulary()
        self.language = language
        self._words = words
        self._max_word = max((len(w) for w in words), default=1)
        self.nlp = None
        self._vocab = None

    # -- NlpEngine API -----------------------------------------------------------
    def load(self) -> None:
        """Create the blank spaCy ``zh`` vocabulary (character segmenter; no model, no download)."""
        import spacy

        blank = spacy.blank("zh")
        self._vocab = blank.vocab
        self.nlp = {self.language: blank}

    def is_loaded(self) -> bool:
        """True once :meth:`load` ran."""
        return self.nlp is not None

    def process_text(self, text: str, language: str) -> NlpArtifacts:
        """Segment ``text`` and return Presidio's artifacts (tokens, offsets, lemmas)."""
        self._check_language(language)
        doc = self.make_doc(text)
        return NlpArtifacts(
            entities=[],
            tokens=doc,
            tokens_indices=[t.idx for t in doc],
            lemmas=[t.text for t in doc],
            nlp_engine=self,
            language=language,
            scores=[],
        )

    def process_batch(
        self,
        texts: Iterable,
        language: str,
        batch_size: int = 1,
        n_process: int = 1,
        as_tuples: bool = False,
        **kwargs,
    ) -> Iterator:
        """:meth:`process_text` over many texts (``(text, context)`` tuples with ``as_tuples``)."""
        for item in texts:
            if as_tuples:
                text, context = item
                yield str(text), self.process_text(str(text), language), context
            else:
                yield str(item), self.process_text(str(item), language)

    def is_stopword(self, word: str, language: str) -> bool:
        """Chinese function words (的, 了, 是 …) and whitespace are stop words."""
        return word in _STOPWORDS or not word.strip()

    def is_punct(self, word: str, language: str) -> bool:
        """True for punctuation and symbols (，。：、 …)."""
        return _is_punct(word)

    def get_supported_entities(self) -> list[str]:
        """No NER entities: names and addresses come from privaudit's recognizers."""
        return []

    def get_supported_languages(self) -> list[str]:
        """``["zh"]``."""
        return [self.language]

    # -- segmentation -------------------------------------------------------------
    def segment(self, text: str) -> list[tuple[int, int]]:
        """Token spans ``(start, end)`` of ``text``, whitespace runs included as tokens."""
        spans: list[tuple[int, int]] = []
        i, n = 0, len(text)
        words, max_word = self._words, self._max_word
        while i < n:
            ch = text[i]
            if ch.isspace():
                j = i + 1
                while j < n and text[j].isspace():
                    j += 1
            elif ch.isascii() and ch.isalnum() or _is_fullwidth_alnum(ch):
                j = i + 1
                while j < n and (text[j].isascii() and text[j].isalnum() or _is_fullwidth_alnum(text[j])):
                    j += 1
            else:
                j = i + 1
                for k in range(min(max_word, n - i), 1, -1):
                    if text[i : i + k] in words:
                        j = i + k
                        break
            spans.append((i, j))
            i = j
        return spans

    def make_doc(self, text: str) -> Doc:
        """A spaCy ``Doc`` of ``text`` (``doc.text == text``); a single space after a token is its trailing space."""
        if self._vocab is None:
            self.load()
        words: list[str] = []
        spaces: list[bool] = []
        for start, end in self.segment(text):
            piece = text[start:end]
            if piece == " " and words and not spaces[-1] and not words[-1].isspace():
                spaces[-1] = True
                continue
            words.append(piece)
            spaces.append(False)
        return Doc(self._vocab, words=words, spaces=spaces)

    def _check_language(self, language: str) -> None:
        if not self.is_loaded():
            self.load()
        if language != self.language:
            raise ValueError(
                f"language {language!r} is not supported by {type(self).__name__} ({self.language!r})"
            )


def _is_fullwidth_alnum(ch: str) -> bool:
    return "\uff10" <= ch <= "\uff19" or "\uff21" <= ch <= "\uff3a" or "\uff41" <= ch <= "\uff5a"


class PrivauditRecognizer(EntityRecognizer):
    """A Presidio recognizer for one privaudit entity, wrapping privaudit's span finder.

    ``finder(text)`` returns :class:`privaudit.identifiers.Span` objects; those of
    ``entity`` become :class:`~presidio_analyzer.RecognizerResult` with the same
    offsets and score.  ``context`` feeds Presidio's context enhancer.
    """

    def __init__(
        self,
        entity: str,
        finder: Callable[[str], Iterable[Span]],
        context: Iterable[str] = (),
        name: str | None = None,
        supported_language: str = LANGUAGE,
    ):
        self.entity = entity
        self._finder = finder
        super().__init__(
            supported_entities=[entity],
            name=name or f"Privaudit{entity.title().replace('_', '')}Recognizer",
            supported_language=supported_language,
            context=list(context),
        )

    def load(self) -> None:
        """Nothing to load: the finders are pure functions with their data in the package."""

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
    ) -> list[RecognizerResult]:
        """Spans of this recognizer's entity in ``text`` (none if ``entities`` excludes it)."""
        if entities and self.entity not in entities:
            return []
        results = []
        for span in self._finder(text):
            if span.entity != self.entity:
                continue
            score = float(span.score)
            explanation = AnalysisExplanation(
                recognizer=self.name,
                original_score=score,
                textual_explanation=f"privaudit {self.entity} finder",
            )
            results.append(
                RecognizerResult(
                    entity_type=self.entity,
                    start=span.start,
                    end=span.end,
                    score=score,
                    analysis_explanation=explanation,
                    recognition_metadata={
                        RecognizerResult.RECOGNIZER_NAME_KEY: self.name,
                        RecognizerResult.RECOGNIZER_IDENTIFIER_KEY: self.id,
                    },
                )
            )
        return results


@functools.lru_cache(maxsize=256)
def _freetext_spans(text: str) -> tuple[Span, ...]:
    # PERSON and ADDRESS recognizers share one pass over the text.
    return tuple(freetext.find(text))


def _freetext_finder(text: str) -> tuple[Span, ...]:
    return _freetext_spans(text)


def _module_finder(mod) -> Callable[[str], list[Span]]:
    def finder(text: str) -> list[Span]:
        return mod.find(text)

    return finder


def nlp_engine() -> ZhNlpEngine:
    """The offline ``zh`` NLP engine (loaded; no download, no network)."""
    engine = ZhNlpEngine()
    engine.load()
    return engine


def recognizers(language: str = LANGUAGE) -> list[EntityRecognizer]:
    """One Presidio recognizer per privaudit identifier entity (CN_RESIDENT_ID, PHONE_NUMBER … PERSON, ADDRESS)."""
    recs: list[EntityRecognizer] = [
        PrivauditRecognizer(
            mod.ENTITY, _module_finder(mod), getattr(mod, "CONTEXT", ()), supported_language=language
        )
        for mod in MODULES
    ]
    recs.append(
        PrivauditRecognizer("PERSON", _freetext_finder, freetext.PERSON_CONTEXT, supported_language=language)
    )
    recs.append(
        PrivauditRecognizer(
            "ADDRESS", _freetext_finder, freetext.ADDRESS_CONTEXT, supported_language=language
        )
    )
    return recs


def analyzer_engine(nlp: NlpEngine | None = None, **kwargs) -> AnalyzerEngine:
    """A Presidio ``AnalyzerEngine`` for language ``zh`` with privaudit's recognizers only.

    ``nlp`` defaults to :func:`nlp_engine`; further keyword arguments go to
    ``AnalyzerEngine`` (e.g. ``default_score_threshold``).
    """
    registry = RecognizerRegistry(supported_languages=[LANGUAGE])
    for rec in recognizers():
        registry.add_recognizer(rec)
    return AnalyzerEngine(
        nlp_engine=nlp if nlp is not None else nlp_engine(),
        registry=registry,
        supported_languages=[LANGUAGE],
        **kwargs,
    )
