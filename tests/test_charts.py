"""The charts of the HTML reports as a reader sees them (issue 14): at real volumes the value labels never
overlap, a réservataire's name is never cut, a chart is as wide as the page, and each breakdown is drawn only
for the indicators it applies to (the public of a household is unknown at the mise à disposition)."""

import re

from tests.conftest import ROOT, invoke

EVENTS = ROOT / "scenarios" / "exemple-2024" / "evenements.jsonl"
TEXT = re.compile(r"<text([^>]*)>([^<]*)</text>")
NUMBER = re.compile(r"^[\d\u202f ]+$")


def _texts(svg: str) -> list[tuple[float, float, str, str]]:
    """(x, y, anchor, text) of every text element of an SVG."""
    out = []
    for attrs, text in TEXT.findall(svg):
        moved = re.search(r'translate\(([-\d.]+) ([-\d.]+)\)', attrs)
        if moved:
            x, y = float(moved.group(1)), float(moved.group(2))
        else:
            x, y = (float(re.search(rf'\b{a}="([-\d.]+)"', attrs).group(1)) for a in ("x", "y"))
        anchor = re.search(r"text-anchor[:=]\s*\"?(\w+)", attrs)
        out.append((x, y, anchor.group(1) if anchor else "start", text))
    return out


def _overlaps(svg: str) -> list[tuple[str, str]]:
    """Pairs of figures written over each other: on the same line (closer than a font height) and with
    horizontal extents that meet (a digit is about 0.6 of the font size wide, at most 11 units here)."""
    boxes = []
    for x, y, anchor, text in _texts(svg):
        if not NUMBER.match(text.strip()):
            continue
        width = 6.6 * len(text.strip())
        left = x - width / 2 if anchor == "middle" else x - width if anchor == "end" else x
        boxes.append((left, left + width, y, text))
    return [(a[3], b[3]) for i, a in enumerate(boxes) for b in boxes[i + 1:]
            if abs(a[2] - b[2]) < 9 and a[0] < b[1] and b[0] < a[1]]


COMMUNES = [f"COMMUNE NUMÉRO {i:02d} DE LA MÉTROPOLE" for i in range(15)]


def test_value_labels_never_overlap_at_real_volumes():
    """15 communes with thousands of mises à disposition: each figure stands alone."""
    from engine.report import html

    series = [(name, [1000 + 97 * i + 13 * s for i in range(len(COMMUNES))])
              for s, name in enumerate(["Mises à disposition", "Attributions", "Entrées dans les lieux"])]
    svg = html.bar_chart("Par commune", COMMUNES, series)
    assert svg.count('class="barre"') == 45
    assert _overlaps(svg) == []


def test_names_are_never_cut_and_charts_take_the_page_width():
    from engine.report import html

    names = ["État — agents civils et militaires de l'État", "Bailleur — logements non réservés",
             "Conseil départemental de la Haute-Garonne (contingent délégué)"]
    svg = html.bar_chart("Par réservataire", names, [("Décompte", [12, 7, 3])])
    written = " ".join(text for *_, text in _texts(svg))
    assert "…" not in written
    for name in names:
        assert all(word in written.split() for word in name.split()), name
    assert re.search(r'<svg[^>]*width="100%"', svg) and "svg.graphique{display:block;width:100%" in html.CSS


def _figure(page: str, caption: str) -> str:
    start = page.index(f"<figcaption>{caption}</figcaption>")
    return page[start:page.index("</figure>", start)]


def test_par_public_draws_only_the_indicators_a_public_applies_to(tmp_path):
    """The sample's nine mises à disposition have no public (no candidate yet): no « sans objet » bar, no
    mises à disposition series in « Par public »; the other breakdowns keep the three indicators."""
    page = tmp_path / "bilan.html"
    invoke(["bilan", EVENTS, "--format", "html", "--output", page], 0)
    text = page.read_text(encoding="utf-8")
    public = _figure(text, "Par public")
    assert "sans objet" not in public and "Mises à disposition" not in public
    assert "Attributions" in public and "Entrées dans les lieux" in public and "prioritaire" in public
    assert "ne ventile donc que les attributions" in public
    assert "Mises à disposition" in _figure(text, "Par typologie")
    table = invoke(["bilan", EVENTS], 0).output
    assert "sans objet" not in table


def test_bilan_of_a_generated_year_reads_well(tmp_path):
    """A generated year (many réservataires, communes and figures in the hundreds): no chart of the page has
    figures over each other or a cut name, periods read from the oldest."""
    invoke(["generate", "--dwellings", 3000, "--events", 4000, "--seed", 3, "--output", tmp_path], 0)
    page = tmp_path / "bilan.html"
    invoke(["bilan", tmp_path / "evenements.jsonl", "--inventory", tmp_path / "inventaire.csv", "--format", "html",
            "--output", page], 0)
    text = page.read_text(encoding="utf-8")
    svgs = re.findall(r"<svg.*?</svg>", text, re.S)
    assert len(svgs) == 8
    for svg in svgs:
        assert _overlaps(svg) == [] and "…" not in svg
    periods = [t for *_, t in _texts(_figure(text, "Par période de construction")) if not NUMBER.match(t.strip())]
    assert periods.index("avant 1977") < periods.index("1977-1999") < periods.index("depuis 2013")
