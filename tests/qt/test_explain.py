"""The explanation HTML (pure functions): safety first, links, articles."""

from __future__ import annotations

from viewer.domain.model import Article, Catalog
from viewer.qt import explain


def with_articles(catalog: Catalog) -> Catalog:
    articles = (Article("dry_needling", "What dry needling is", (("Idea", "A thin needle."),)),
                Article("contraindications", "Contraindications and precautions", (("Never", "Over a pacemaker."),)))
    return Catalog(catalog.regions, catalog.muscles, catalog.trigger_points, catalog.sources, articles)


def test_hazards_come_first_and_every_needling_card_links_the_precautions(catalog_min):
    catalog = with_articles(catalog_min)
    html = explain.trigger_point_html(catalog, "alpha_tp2", "left")
    assert html.index("class='hazard'") < html.index("Referred pain") < html.index("Dry needling")
    assert "<a href='article:contraindications'>Contraindications and precautions</a>" in html
    assert "<a href='article:dry_needling'>" in html
    assert "<a href='tp:alpha_tp2:right'>show the right side</a>" in html
    assert "<a href='tp:alpha_tp1:left'>" not in html or "Related" in html
    no_hazard = explain.trigger_point_html(catalog, "alpha_tp1")
    assert "general precautions apply" in no_hazard


def test_without_articles_the_card_points_to_the_help_menu(catalog_min):
    assert "see the Help menu" in explain.trigger_point_html(catalog_min, "alpha_tp1")


def test_text_is_escaped_and_article_and_muscle_cards_render(catalog_min):
    catalog = with_articles(catalog_min)
    assert "Over a pacemaker." in explain.article_html(catalog, "contraindications")
    muscle = explain.muscle_html(catalog, "alpha")
    assert "<a href='tp:alpha_tp1'>Alpha TrP1</a>" in muscle
    assert "<script>" not in explain.hazard_box(catalog.trigger_point("alpha_tp2"))
    assert "article:contraindications" in explain.welcome_html(catalog)
