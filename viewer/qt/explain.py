"""HTML for the explanation panel, built from the catalog (pure functions, no Qt).

Links use the schemes ``tp:<id>``, ``tp:<id>:<side>``, ``muscle:<id>`` and ``article:<id>``;
the panel turns a click on one into a controller call.
"""

from __future__ import annotations

from html import escape

from viewer.domain.model import Catalog, Muscle, TriggerPoint

HAZARD_TITLES = {"lung_pleura": "Lung / pleura", "nerve": "Nerve", "vessel": "Blood vessel",
                 "viscera": "Organ", "other": "Other"}
STYLE = """
<style>
 body { font-family: sans-serif; }
 h2 { margin: 0 0 2px 0; } h3 { margin: 12px 0 4px 0; color: #1F3A5F; }
 .sub { color: #555; } .muted { color: #666; font-size: small; }
 .hazard { background: #FFF1E6; border: 2px solid #B34700; padding: 6px; }
 .hazard-title { color: #8A2E00; font-weight: bold; }
 .patient { background: #EEF6FB; padding: 6px; }
 .ess { color: #D55E00; font-weight: bold; } .spill { color: #1F78B4; font-weight: bold; }
</style>
"""


def _list(items) -> str:
    return "<ul>" + "".join(f"<li>{escape(i)}</li>" for i in items) + "</ul>" if items else ""


def _regions(catalog: Catalog, ids) -> str:
    return ", ".join(escape(catalog.region(r).name) for r in ids if catalog.has_region(r)) or "-"


def _sources(catalog: Catalog, cites) -> str:
    rows = []
    for cite in cites:
        text = catalog.source(cite.source).citation if cite.source in {s.id for s in catalog.sources} else cite.source
        detail = f" - {escape(cite.detail)}" if cite.detail else ""
        rows.append(f"<li class='muted'>{escape(text)}{detail}</li>")
    return "<ul>" + "".join(rows) + "</ul>" if rows else ""


def hazard_box(tp: TriggerPoint) -> str:
    """The safety warnings, first and framed, so they cannot be missed."""
    if not tp.hazards:
        return ("<table class='hazard' width='100%'><tr><td><span class='hazard-title'>&#9888; Needling safety"
                "</span><br>No specific structure at risk is listed; the general precautions apply.</td></tr></table>")
    rows = "".join(
        f"<p><span class='hazard-title'>&#9888; {escape(HAZARD_TITLES.get(h.kind.value, h.kind.value))}:"
        f" {escape(h.structure)}</span><br>{escape(h.warning)}</p>" for h in tp.hazards)
    return f"<table class='hazard' width='100%'><tr><td>{rows}</td></tr></table>"


def trigger_point_html(catalog: Catalog, tp_id: str, side: str = "right") -> str:
    """The whole explanation of one trigger point."""
    tp = catalog.trigger_point(tp_id)
    muscle = catalog.muscle(tp.muscle)
    other = "left" if side == "right" else "right"
    ref = tp.referral
    parts = [
        STYLE,
        f"<h2>{escape(tp.name)}</h2>",
        f"<p class='sub'>{escape(side.title())} side - <a href='muscle:{muscle.id}'>{escape(muscle.name)}</a>"
        f" (<i>{escape(muscle.latin)}</i>) - <a href='tp:{tp.id}:{other}'>show the {other} side</a></p>",
        hazard_box(tp),
        "<h3>Referred pain</h3>",
        f"<p><span class='ess'>&#9632; Essential zone:</span> {_regions(catalog, ref.essential.regions)}<br>"
        f"<span class='spill'>&#9636; Spillover zone:</span> {_regions(catalog, ref.spillover.regions)}</p>",
        f"<p>{escape(ref.note)}</p>" if ref.note else "",
        "<h3>Where it is</h3>", f"<p>{escape(tp.location_text)}</p>",
        "<h3>Symptoms</h3>", _list(tp.symptoms),
        "<h3>Made worse by</h3>" + _list(tp.aggravating) if tp.aggravating else "",
        "<h3>Limited movements</h3>" + _list(tp.limited_movements) if tp.limited_movements else "",
        "<h3>For the patient</h3>", f"<p class='patient'>{escape(tp.patient_text)}</p>",
        "<h3>Self-care</h3>" + _list(tp.self_care) if tp.self_care else "",
        needling_html(catalog, tp),
        f"<h3>Confidence: {escape(tp.confidence.value)}</h3>",
        f"<p class='muted'>{escape(tp.confidence_note)}</p>" if tp.confidence_note else "",
        _related(catalog, tp, muscle, side),
        "<h3>Sources</h3>", _sources(catalog, tp.sources),
    ]
    return "".join(parts)


def needling_html(catalog: Catalog, tp: TriggerPoint) -> str:
    card = tp.needling
    rows = [("Position", card.patient_position), ("Palpation", card.palpation), ("Technique", card.technique)]
    body = "".join(f"<p><b>{k}:</b> {escape(v)}</p>" for k, v in rows if v)
    if card.structures_at_risk:
        body += f"<p><b>Structures at risk:</b> {escape(', '.join(card.structures_at_risk))}</p>"
    if card.notes:
        body += f"<p>{escape(card.notes)}</p>"
    return "<h3>Dry needling (for trained clinicians)</h3>" + body + _precautions_links(catalog)


def _precautions_links(catalog: Catalog) -> str:
    """Every needling card links to the general precautions (and the other articles)."""
    main = _precautions(catalog)
    if main is None:
        return "<p class='muted'>Contraindications and precautions: see the Help menu.</p>"
    others = " - ".join(f"<a href='article:{a.id}'>{escape(a.title)}</a>" for a in catalog.articles if a is not main)
    return (f"<p><b>&#9888; <a href='article:{main.id}'>Contraindications and precautions</a></b>"
            + (f" - also: {others}" if others else "") + "</p>")


def _precautions(catalog: Catalog):
    """The article on contraindications (by id or title), else the first article."""
    for article in catalog.articles:
        if "contraindication" in f"{article.id} {article.title}".lower():
            return article
    return catalog.articles[0] if catalog.articles else None


def _related(catalog: Catalog, tp: TriggerPoint, muscle: Muscle, side: str) -> str:
    links = []
    for ref in tp.related:  # a related entry names a trigger point or a muscle
        if catalog.has_trigger_point(ref):
            links.append(f"<a href='tp:{ref}:{side}'>{escape(catalog.trigger_point(ref).name)}</a>")
        elif catalog.has_muscle(ref):
            links.append(f"<a href='muscle:{ref}'>{escape(catalog.muscle(ref).name)}</a>")
    links += [f"<a href='muscle:{m}'>{escape(catalog.muscle(m).name)}</a>"
              for m in muscle.related_muscles if catalog.has_muscle(m)]
    return "<h3>Related</h3><p>" + " - ".join(links) + "</p>" if links else ""


def muscle_html(catalog: Catalog, muscle_id: str) -> str:
    """The muscle card with links to its trigger points."""
    m = catalog.muscle(muscle_id)
    rows = [("Origin", m.origin), ("Insertion", m.insertion), ("Action", m.action), ("Nerve", m.innervation)]
    tps = " - ".join(f"<a href='tp:{t.id}'>{escape(t.name)}</a>" for t in catalog.trigger_points_of(m.id))
    return "".join([
        STYLE, f"<h2>{escape(m.name)}</h2>",
        f"<p class='sub'><i>{escape(m.latin)}</i> - {escape(m.layer.value)} layer"
        + (f" - also called {escape(', '.join(m.aliases))}" if m.aliases else "") + "</p>",
        f"<p>{escape(m.description)}</p>" if m.description else "",
        "".join(f"<p><b>{k}:</b> {escape(v)}</p>" for k, v in rows if v),
        f"<h3>Trigger points</h3><p>{tps}</p>" if tps else "",
        "<h3>Related muscles</h3><p>" + " - ".join(
            f"<a href='muscle:{r}'>{escape(catalog.muscle(r).name)}</a>"
            for r in m.related_muscles if catalog.has_muscle(r)) + "</p>" if m.related_muscles else "",
        "<h3>Sources</h3>" + _sources(catalog, m.sources) if m.sources else "",
    ])


def article_html(catalog: Catalog, article_id: str) -> str:
    a = catalog.article(article_id)
    body = "".join(f"<h3>{escape(h)}</h3><p>{escape(t)}</p>" for h, t in a.sections)
    return STYLE + f"<h2>{escape(a.title)}</h2>" + body + ("<h3>Sources</h3>" + _sources(catalog, a.sources)
                                                             if a.sources else "")


def welcome_html(catalog: Catalog) -> str:
    articles = "".join(f"<li><a href='article:{a.id}'>{escape(a.title)}</a></li>" for a in catalog.articles)
    return (STYLE + "<h2>Trigger Point Atlas</h2>"
            "<p>Click an <b>X</b> on the body to see where that trigger point sends pain and how it is "
            "treated. Drag to turn the body; scroll to zoom.</p>"
            "<p>Press <b>Ctrl+F</b> to search, or open the <b>Pain finder</b> and paint where it hurts.</p>"
            "<p class='muted'>Educational material, not a diagnosis. Dry needling is for trained clinicians.</p>"
            + (f"<h3>Articles</h3><ul>{articles}</ul>" if articles else ""))
