"""Bar charts of the HTML reports, laid out by matplotlib and written as inline SVG (no network resource).

matplotlib's SVG backend measures every label with the DejaVu fonts it ships, so the layout (names on
the left never cut, values at the end of each bar, legend outside the plot) does not depend on the fonts
of the machine, and it needs no JavaScript engine (Vega-Lite through vl-convert brings a 33 MB V8 build
for the same result). Text stays text (``svg.fonttype: none``): a reader can select and search it.

Bars are horizontal: one row per category (réservataire, commune…), one bar per series, so that a long
name has the whole left margin and the value labels of neighbouring bars never overlap. Each bar is a
``<g class="barre">`` with a ``<title>`` (its category, series and value, shown on hover).

>>> svg = grouped_bars("Test", ["a", "b"], [("x", [1, None])])
>>> svg.count('class="barre"'), "indéterminé" in svg, "http://" in svg
(1, True, False)
"""

from __future__ import annotations

import hashlib
import io
import re
import textwrap
from html import escape

from engine.report.text import fr_int

PALETTE = ["#1f5f8b", "#e07b39", "#3a9d5d", "#b23a48", "#7a5195", "#8c8c8c"]
WIDTH_IN = 11.0  # inches at 72 units each: the page scales the SVG to its width (about 1 000 px)
NAME_WIDTH = 38  # characters of a category name on one line; longer names wrap, never cut
RC = {"font.family": "DejaVu Sans", "font.size": 9.5, "svg.fonttype": "none", "svg.hashsalt": "flux-rules",
      "axes.edgecolor": "#999999", "axes.labelcolor": "#333333", "xtick.color": "#555555",
      "ytick.color": "#1d1d1f", "axes.spines.top": False, "axes.spines.right": False}


def _label(value) -> str:
    """The text written at the end of a bar (French thousands), or in place of a bar that cannot be drawn."""
    if isinstance(value, str):
        return value
    if value is None:
        return "indéterminé"
    if float(value).is_integer():
        return fr_int(int(value))
    return f"{value:.2f}".replace(".", ",")


def _number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def grouped_bars(title: str, categories: list[str], series: list[tuple[str, list]]) -> str:
    """An inline ``<svg>``: for each category a group of horizontal bars, one per series.

    A value that is not a number (``None``, or a word such as « indéterminé ») draws no bar — never a zero
    that looks like a figure — and its word is written in the bar's place.
    """
    from matplotlib import rc_context
    from matplotlib.figure import Figure
    from matplotlib.patches import Patch
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    n, k = len(categories), max(1, len(series))
    names = [textwrap.fill(str(c), NAME_WIDTH, break_on_hyphens=False) for c in categories]
    lines = max([name.count("\n") + 1 for name in names] + [1])
    row = max(0.17 * k + 0.14, 0.17 * lines + 0.1)  # inches per category
    peak = max([v for _, values in series for v in values if _number(v)] + [0]) or 1
    titles = {}
    with rc_context(RC):
        fig = Figure(figsize=(WIDTH_IN, 0.75 + n * row), dpi=72, layout="constrained")
        ax = fig.add_subplot()
        bar_h = 0.8 / k
        for s, (name, values) in enumerate(series):
            ys = [c + (s - (k - 1) / 2) * bar_h for c in range(n)]
            bars = ax.barh(ys, [v if _number(v) else 0 for v in values], height=bar_h * 0.9,
                           color=PALETTE[s % len(PALETTE)])
            for c, (bar, value) in enumerate(zip(bars, values, strict=True)):
                if _number(value):
                    gid = f"barre-{s}-{c}"
                    bar.set_gid(gid)
                    titles[gid] = f"{categories[c]} — {name} : {_label(value)}"
                else:
                    bar.set_visible(False)
            ax.bar_label(bars, labels=[_label(v) for v in values], padding=3, fontsize=8.5, color="#333333")
        ax.set_yticks(range(n), labels=names)
        ax.set_ylim(n - 0.5, -0.5)  # the first category on top, as in the table below the chart
        ax.set_xlim(0, peak * 1.14)
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.xaxis.set_major_formatter(FuncFormatter(lambda x, _: fr_int(int(x))))
        ax.grid(axis="x", color="#e4e4e4", linewidth=0.8)
        ax.set_axisbelow(True)
        ax.tick_params(axis="y", length=0)
        if len(series) > 1:  # its own patches: a series whose first bar is not drawn keeps its colour
            fig.legend(handles=[Patch(color=PALETTE[s % len(PALETTE)], label=name)
                                for s, (name, _) in enumerate(series)],
                       loc="outside upper left", ncols=len(series), frameon=False, fontsize=9.5)
        buf = io.StringIO()
        fig.savefig(buf, format="svg", metadata={"Date": None, "Creator": None, "Format": None, "Type": None})
    return _inline(buf.getvalue(), title, titles)


def _inline(svg: str, title: str, titles: dict[str, str]) -> str:
    """matplotlib's SVG file made an element of the page: no XML prolog, metadata or namespace URL, ids of its
    own (several charts share a page), the width of the page, a title, each bar a ``barre`` with its tooltip."""
    svg = svg[svg.index("<svg"):]
    svg = re.sub(r"<metadata>.*?</metadata>\s*", "", svg, flags=re.S)
    prefix = "g" + hashlib.sha1((title + svg).encode("utf-8")).hexdigest()[:8]
    svg = re.sub(r'\sxmlns(:xlink)?="[^"]*"', "", svg)
    svg = svg.replace("xlink:href=", "href=")
    svg = re.sub(r'\bid="([^"]+)"', rf'id="{prefix}-\1"', svg)
    svg = re.sub(r'url\(#([^)]+)\)', rf"url(#{prefix}-\1)", svg)
    svg = re.sub(r'href="#([^"]+)"', rf'href="#{prefix}-\1"', svg)
    for gid, text in titles.items():
        svg = svg.replace(f'<g id="{prefix}-{gid}">', f'<g id="{prefix}-{gid}" class="barre"><title>{escape(text)}'
                                                      "</title>", 1)
    svg = re.sub(r'<svg ([^>]*?)width="[^"]*" height="[^"]*"',
                 r'<svg class="graphique" role="img" \1width="100%"', svg, count=1)
    svg = svg.replace("'DejaVu Sans'", "'DejaVu Sans', system-ui, sans-serif")
    svg = re.sub(r"\n\s*", "\n", svg)
    head = svg.index(">") + 1
    return svg[:head] + f"<title>{escape(title)}</title>" + svg[head:].strip()
