"""Charts drawn at build time as inline SVG: no script, no third-party library, readable in print.

Each chart is decoration over a table that carries the same figures, so screen readers are
pointed at the table rather than read every bar.
"""

from __future__ import annotations

from decimal import Decimal

from markupsafe import Markup

from . import render
from .model import FundingTable

_BAR = 18
_GAP = 6
_GROUP_GAP = 26
_WIDTH = 640
_VALUE_ROOM = 120


def funding_chart(table: FundingTable) -> Markup:
    """Horizontal bars: one group per funding stream, one bar per financial year."""
    values = [v for row in table.rows for v in row.values if v is not None]
    top = max(values, default=Decimal(0)) or Decimal(1)
    plot = _WIDTH - _VALUE_ROOM
    y = 10
    shapes: list[str] = []
    for row in table.rows:
        shapes.append(f'<text class="tr-chart-group" x="0" y="{y + 12}">{_escape(row.name)}</text>')
        y += 20
        for i, (column, value) in enumerate(zip(table.columns, row.values)):
            width = 0 if value is None else max(1, round(float(value / top) * plot))
            label = render.money(value) if value is not None else "not known"
            shapes.append(
                f'<rect class="tr-chart-bar tr-chart-bar--{i % 4}" x="0" y="{y}" width="{width}" height="{_BAR}"/>'
                f'<text class="tr-chart-value" x="{width + 6}" y="{y + 13}">{_escape(column)}: {_escape(label)}</text>'
            )
            y += _BAR + _GAP
        y += _GROUP_GAP - _GAP
    title = f"{table.title}: chart"
    svg = (
        f'<figure class="tr-chart">'
        f'<svg viewBox="0 0 {_WIDTH} {y}" width="100%" role="img" aria-label="{_escape(title)}. The table below gives the same figures." '
        f'xmlns="http://www.w3.org/2000/svg" preserveAspectRatio="xMinYMin meet" focusable="false">'
        + "".join(shapes)
        + f'</svg><figcaption>{_escape(table.title)}, by financial year. The figures are in the table below.</figcaption></figure>'
    )
    return Markup(svg)


def _escape(text: str) -> str:
    return str(Markup.escape(text))
