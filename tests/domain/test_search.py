"""Search: names, aliases, Latin, symptoms and regions, forgiving of typos."""

from __future__ import annotations

from pathlib import Path

import pytest

from viewer.datafiles import load_catalog
from viewer.domain.search import SearchIndex

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "data_min"


@pytest.fixture(scope="module")
def index():
    return SearchIndex(load_catalog(FIXTURE))


@pytest.mark.parametrize("query,kind,ident", [
    ("alpha", "muscle", "alpha"),
    ("alpah", "muscle", "alpha"),
    ("musculus beta", "muscle", "beta"),
    ("beta trp1", "trigger_point", "beta_tp1"),
    ("alpha tp2", "trigger_point", "alpha_tp2"),
    ("breastbone", "region", "sternum"),
    ("tempel", "region", "temple"),
])
def test_finds_the_expected_entry_first(index, query, kind, ident):
    hit = index.search(query)[0]
    assert (hit.kind, hit.id) == (kind, ident)


def test_symptoms_lead_to_trigger_points(index):
    hits = index.search("headache")
    assert {h.id for h in hits} >= {"alpha_tp1", "alpha_tp2", "beta_tp1"}
    assert all(h.matched.startswith("symptom:") for h in hits if h.kind == "trigger_point")


def test_every_word_must_match_and_empty_query_finds_nothing(index):
    assert index.search("alpha zebra") == []
    assert index.search("   ") == []
