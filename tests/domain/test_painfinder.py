"""The pain finder ranks by coverage of the whole drawing, essential above spillover."""

from __future__ import annotations

from pathlib import Path

import pytest

from viewer.datafiles import load_catalog
from viewer.domain.painfinder import PainDrawingError, drawing_from_regions, rank, ranked_muscles

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "data_min"


@pytest.fixture(scope="module")
def catalog():
    return load_catalog(FIXTURE)


def test_essential_ranks_above_spillover(catalog):
    found = rank(catalog, drawing_from_regions(["temple"], "right"))
    assert [c.trigger_point for c in found] == ["alpha_tp1", "alpha_tp2"]
    assert found[0].essential_hits == ("temple",) and found[1].spillover_hits == ("temple",)
    assert found[0].score > found[1].score
    assert "temple" in found[0].reason.lower()


def test_covering_the_whole_drawing_beats_touching_it(catalog):
    drawing = {("temple", "right"): 1.0, ("orbit", "right"): 1.0, ("posterolateral_neck", "right"): 0.2}
    first = rank(catalog, drawing)[0]
    assert first.trigger_point == "alpha_tp1"
    assert first.coverage == pytest.approx(2.0 / 2.2, abs=1e-3)


def test_referral_is_ipsilateral_but_midline_matches_both(catalog):
    left = rank(catalog, drawing_from_regions(["temple"], "left"))
    assert {c.side for c in left} == {"left"}
    both = rank(catalog, {("sternum", "left"): 1.0, ("chest_anterior", "right"): 1.0})
    sides = {(c.trigger_point, c.side): c for c in both}
    assert sides[("beta_tp1", "right")].coverage == pytest.approx(1.0)
    assert sides[("beta_tp1", "left")].coverage == pytest.approx(0.5)


def test_side_option_forces_the_side_and_top_limits(catalog):
    found = rank(catalog, drawing_from_regions(["temple", "orbit"]), side="left", top=1)
    assert len(found) == 1 and found[0].side == "left"
    assert ranked_muscles(rank(catalog, drawing_from_regions(["temple"]))) == ["alpha"]


def test_bad_drawings_are_rejected(catalog):
    with pytest.raises(PainDrawingError, match="unknown region 'nowhere'"):
        rank(catalog, {("nowhere", "left"): 1.0})
    with pytest.raises(PainDrawingError, match="side"):
        rank(catalog, {("temple", "up"): 1.0})
    assert rank(catalog, {}) == []
