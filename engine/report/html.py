"""Self-contained HTML reports (bilan, compare, evaluate): inline CSS and SVG bar charts, no network resource.

>>> svg = bar_chart("Test", ["a", "b"], [("x", [1, 2])])
>>> svg.count('class="barre"')
2
"""

from __future__ import annotations

import re
from html import escape

CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:2rem;color:#1d1d1f;max-width:1100px}
h1{font-size:1.6rem;margin-bottom:.2rem}h2{font-size:1.2rem;margin-top:2rem;border-bottom:1px solid #ddd}
h3{font-size:1rem;margin-top:1.2rem}p.meta{color:#555;margin-top:0}
table{border-collapse:collapse;margin:.6rem 0;font-size:.88rem}
th,td{border:1px solid #d0d0d0;padding:.25rem .5rem;text-align:left}th{background:#f2f4f7}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}tr.diff td{background:#fff3cd;font-weight:600}
.atteint{color:#1e7b34}.non_atteint{color:#b00020;font-weight:600}.indetermine{color:#9a6700}
figure{margin:1.2rem 0}figcaption{font-weight:600;margin-bottom:.3rem}svg.graphique{display:block;width:100%;height:auto}
.barre-progres{position:relative;height:1.1rem;background:#eef0f3;border:1px solid #c9ced6;width:28rem;max-width:100%;margin:.15rem 0 .2rem}
.barre-progres .fait{position:absolute;top:0;left:0;bottom:0;background:#4a7ab5}
.barre-progres .prorata{position:absolute;top:-.2rem;bottom:-.2rem;border-left:2px dashed #9a6700}
.barre-progres .cible{position:absolute;top:-.3rem;bottom:-.3rem;border-left:3px solid #1d1d1f}.legende{font-size:.8rem;color:#555;margin-bottom:.6rem}
"""


def document(title: str, subtitle: str, body: str) -> str:
    return (f'<!DOCTYPE html>\n<html lang="fr"><head><meta charset="utf-8"><title>{escape(title)}</title>'
            f"<style>{CSS}</style></head><body><h1>{escape(title)}</h1><p class=\"meta\">{escape(subtitle)}</p>"
            f"{body}</body></html>\n")


NUMBER = re.compile(r"^[-−+]?\d[\d\u202f]*(,\d+)?( %)?$")


def is_number(value) -> bool:
    """A figure (aligned right) rather than text (aligned left).

    >>> is_number(12), is_number("12\u202f128"), is_number("-3"), is_number("28,57 %"), is_number("T3")
    (True, True, True, True, False)
    """
    if isinstance(value, bool):
        return False
    return isinstance(value, (int, float)) or bool(NUMBER.match(str(value)))


def table(headers: list[str], rows: list[list], highlight: set[int] = frozenset(), classes: dict = None) -> str:
    """Text cells on the left, figures on the right (a column of figures has its heading on the right)."""
    numeric = [bool(rows) and all(is_number(row[i]) or row[i] in ("—", "", None) for row in rows)
               and any(is_number(row[i]) for row in rows) for i in range(len(headers))]
    head = "".join(f'<th class="n">{escape(str(h))}</th>' if numeric[i] else f"<th>{escape(str(h))}</th>"
                   for i, h in enumerate(headers))
    lines = []
    for i, row in enumerate(rows):
        cells = []
        for value in row:
            css = " ".join(c for c in ((classes or {}).get(value), "n" if is_number(value) else None) if c)
            cells.append(f'<td class="{css}">{escape(str(value))}</td>' if css else f"<td>{escape(str(value))}</td>")
        lines.append(f'<tr class="diff">{"".join(cells)}</tr>' if i in highlight else f"<tr>{''.join(cells)}</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(lines)}</tbody></table>"


def bar_chart(title: str, categories: list[str], series: list[tuple[str, list]], note: str = "") -> str:
    """A figure of grouped horizontal bars laid out by matplotlib (:mod:`engine.report.charts`), with its caption
    and, if given, a note under it that says what the chart leaves out."""
    from engine.report.charts import grouped_bars

    below = f'<p class="meta">{escape(note)}</p>' if note else ""
    if not categories:
        return f'<figure><figcaption>{escape(title)}</figcaption><p class="meta">Aucune valeur.</p>{below}</figure>'
    return (f"<figure><figcaption>{escape(title)}</figcaption>{grouped_bars(title, categories, series)}{below}"
            "</figure>")
