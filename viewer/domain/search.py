"""Typo-tolerant search over muscles, trigger points, symptoms and regions (stdlib only).

The index is built once per catalog (:class:`SearchIndex`); a query is split into words, each
word is matched against the index vocabulary exactly, as a prefix, inside a word, or - for
typos - by :func:`difflib.get_close_matches`, and an entry must match every query word.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass

from viewer.domain.model import Catalog

_WORD = re.compile(r"[a-z0-9]+")
_KIND_ORDER = {"muscle": 0, "trigger_point": 1, "region": 2}
# how much a match in each field counts
_FIELD_WEIGHT = {"name": 1.0, "alias": 0.95, "latin": 0.9, "id": 0.85, "symptom": 0.75,
                 "location": 0.6, "description": 0.55}


@dataclass(frozen=True)
class SearchHit:
    kind: str
    id: str
    label: str
    score: float
    matched: str


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in text if not unicodedata.combining(ch)).lower()


_TRP = re.compile(r"^tp(\d*)$")


def _words(text: str) -> list[str]:
    return _WORD.findall(_fold(text))


def _query_words(text: str) -> list[str]:
    """Query words; "tp2" is read as the charts' "TrP2"."""
    return [_TRP.sub(r"trp\1", w) for w in _words(text)]


@dataclass(frozen=True)
class _Field:
    kind: str
    id: str
    label: str
    field: str
    text: str
    words: frozenset[str]


class SearchIndex:
    """Search structures for one catalog; build once, query many times."""

    def __init__(self, catalog: Catalog):
        self.fields: list[_Field] = []
        for m in catalog.muscles:
            self._add("muscle", m.id, m.name, "name", m.name)
            self._add("muscle", m.id, m.name, "latin", m.latin)
            self._add("muscle", m.id, m.name, "id", m.id.replace("_", " "))
            for alias in m.aliases:
                self._add("muscle", m.id, m.name, "alias", alias)
        for tp in catalog.trigger_points:
            self._add("trigger_point", tp.id, tp.name, "name", tp.name)
            self._add("trigger_point", tp.id, tp.name, "location", tp.location_text)
            for symptom in tp.symptoms:
                self._add("trigger_point", tp.id, tp.name, "symptom", symptom)
        for r in catalog.regions:
            self._add("region", r.id, r.name, "name", r.name)
            self._add("region", r.id, r.name, "id", r.id.replace("_", " "))
            self._add("region", r.id, r.name, "description", r.description)
            for syn in r.synonyms:
                self._add("region", r.id, r.name, "alias", syn)
        self.vocabulary = sorted({w for f in self.fields for w in f.words})
        self._by_word: dict[str, list[int]] = {}
        for i, f in enumerate(self.fields):
            for w in f.words:
                self._by_word.setdefault(w, []).append(i)

    def _add(self, kind: str, ident: str, label: str, field: str, text: str) -> None:
        words = frozenset(_words(text))
        if words:
            self.fields.append(_Field(kind, ident, label, field, text, words))

    def _word_matches(self, token: str) -> dict[str, float]:
        """Vocabulary words a query token matches, with a quality in (0, 1]."""
        found: dict[str, float] = {}
        if token in self._by_word:
            found[token] = 1.0
        for word in self.vocabulary:
            if word == token:
                continue
            if word.startswith(token):
                found[word] = max(found.get(word, 0.0), 0.9 if len(token) >= 3 else 0.7)
            elif len(token) >= 4 and token in word:
                found[word] = max(found.get(word, 0.0), 0.75)
        if len(token) >= 4:
            for word in difflib.get_close_matches(token, self.vocabulary, n=6, cutoff=0.75):
                quality = 0.8 * difflib.SequenceMatcher(None, token, word).ratio()
                found[word] = max(found.get(word, 0.0), quality)
        return found

    def search(self, query: str, limit: int = 20) -> list[SearchHit]:
        tokens = _query_words(query)
        if not tokens:
            return []
        per_token = [self._word_matches(t) for t in tokens]
        phrase = " ".join(tokens)
        best: dict[tuple[str, str], tuple[float, str]] = {}
        for i, f in enumerate(self.fields):
            total = 0.0
            for matches in per_token:
                quality = max((q for w, q in matches.items() if w in f.words), default=0.0)
                if quality == 0.0:
                    break
                total += quality
            else:
                score = total / len(tokens) * _FIELD_WEIGHT[f.field]
                if phrase in " ".join(_words(f.text)):
                    score += 0.25
                key = (f.kind, f.id)
                if score > best.get(key, (0.0, ""))[0]:
                    best[key] = (score, f"{f.field}: {f.text}")
        labels = {(f.kind, f.id): f.label for f in self.fields}
        hits = [SearchHit(kind, ident, labels[(kind, ident)], round(score, 3), matched)
                for (kind, ident), (score, matched) in best.items()]
        hits.sort(key=lambda h: (-h.score, _KIND_ORDER[h.kind], h.label))
        return hits[:limit]


def search(catalog: Catalog, query: str, limit: int = 20) -> list[SearchHit]:
    """One-off search; keep a :class:`SearchIndex` when searching repeatedly."""
    return SearchIndex(catalog).search(query, limit)
