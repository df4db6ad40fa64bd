"""Self-contained HTML reports (bilan, compare): inline CSS and SVG bar charts, no network resource.

>>> svg = bar_chart("Test", ["a", "b"], [("x", [1, 2])])
>>> svg.count('class="barre"')
2
"""

from __future__ import annotations

import re
from html import escape

from engine.report.spreadsheet import fr_cell

PALETTE = ["#1f5f8b", "#e07b39", "#3a9d5d", "#b23a48", "#7a5195", "#8c8c8c"]
CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:2rem;color:#1d1d1f;max-width:1100px}
h1{font-size:1.6rem;margin-bottom:.2rem}h2{font-size:1.2rem;margin-top:2rem;border-bottom:1px solid #ddd}
h3{font-size:1rem;margin-top:1.2rem}p.meta{color:#555;margin-top:0}
table{border-collapse:collapse;margin:.6rem 0;font-size:.88rem}
th,td{border:1px solid #d0d0d0;padding:.25rem .5rem;text-align:left}th{background:#f2f4f7}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}tr.diff td{background:#fff3cd;font-weight:600}
.atteint{color:#1e7b34}.non_atteint{color:#b00020;font-weight:600}.indetermine{color:#9a6700}
figure{margin:1rem 0}figcaption{font-weight:600;margin-bottom:.3rem}svg text{font-size:11px;fill:#333}
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


def bar_chart(title: str, categories: list[str], series: list[tuple[str, list[float]]], width: int = 760) -> str:
    """Grouped vertical bars: one group per category, one bar per series, value written above each bar."""
    height, top, bottom, left = 290, 40, 80, 90
    plot_h = height - top - bottom
    peak = max([v or 0 for _, values in series for v in values] + [1])
    group_w = (width - left - 10) / max(1, len(categories))
    bar_w = max(4.0, min(28.0, (group_w - 10) / max(1, len(series))))
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="graphique" role="img" width="{width}" '
             f'height="{height}" viewBox="0 0 {width} {height}"><title>{escape(title)}</title>',
             f'<line x1="{left}" y1="{top + plot_h}" x2="{width - 5}" y2="{top + plot_h}" stroke="#999"/>']
    for c, category in enumerate(categories):
        x0 = left + c * group_w + 5
        for s, (name, values) in enumerate(series):
            value = values[c]
            x = x0 + s * bar_w
            if value is None:  # not determined: no bar, never a zero that looks like a figure
                parts.append(f'<text x="{x + bar_w / 2 - 1:.1f}" y="{top + plot_h - 3:.1f}" text-anchor="middle">'
                             f'<title>{escape(category)} — {escape(name)} : indéterminé</title>—</text>')
                continue
            h = plot_h * value / peak
            y = top + plot_h - h
            parts.append(f'<rect class="barre" x="{x:.1f}" y="{y:.1f}" width="{bar_w - 2:.1f}" height="{h:.1f}" '
                         f'fill="{PALETTE[s % len(PALETTE)]}"><title>{escape(category)} — {escape(name)} : '
                         f'{fr_cell("v", value)}</title></rect>')
            parts.append(f'<text x="{x + bar_w / 2 - 1:.1f}" y="{y - 3:.1f}" text-anchor="middle">'
                         f'{escape(fr_cell("v", value))}</text>')
        label = category if len(category) <= 18 else category[:17] + "…"
        parts.append(f'<text x="{x0 + len(series) * bar_w / 2:.1f}" y="{top + plot_h + 14}" text-anchor="end" '
                     f'transform="rotate(-30 {x0 + len(series) * bar_w / 2:.1f} {top + plot_h + 14})">'
                     f"{escape(label)}</text>")
    for s, (name, _) in enumerate(series):
        x = 10 + s * 170
        parts.append(f'<rect x="{x}" y="4" width="10" height="10" fill="{PALETTE[s % len(PALETTE)]}"/>'
                     f'<text x="{x + 14}" y="13">{escape(name)}</text>')
    parts.append("</svg>")
    return f"<figure><figcaption>{escape(title)}</figcaption>{''.join(parts)}</figure>"
