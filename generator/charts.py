"""Charts drawn at build time as inline SVG: no script, no third-party library, readable in print.

Each chart is decoration over a table that carries the same figures, so screen readers are
pointed at the table rather than read every bar.
"""

from __future__ import annotations

from decimal import Decimal

from markupsafe import Markup

from . import render
from .model import FundingTable

_GROUP_LINE = 22  # the stream's name
_LABEL_LINE = 17  # "2020/21: £120,000.00", above its bar
_BAR = 14
_BAR_GAP = 6
_GROUP_GAP = 12
# SVG text does not wrap: a stream's name longer than fits a phone's width (13 px bold text,
# about 330 px) is shortened on the chart, whole in its <title> and in the table below.
_NAME_CHARS = 40


def funding_chart(table: FundingTable) -> Markup:
    """Horizontal bars: one group per funding stream, one bar per financial year.

    Bar lengths are percentages of the chart's width and text keeps its own size, so the chart
    fills a phone or a desktop column without its labels shrinking or running off the edge.
    """
    values = [v for row in table.rows for v in row.values if v is not None]
    top = max(values, default=Decimal(0)) or Decimal(1)
    y = 0
    shapes: list[str] = []
    for row in table.rows:
        shapes.append(f'<text class="tr-chart-group" x="0" y="{y + 15}">{_name(row.name)}</text>')
        y += _GROUP_LINE
        for i, (column, value) in enumerate(zip(table.columns, row.values)):
            label = render.money(value) if value is not None else "not known"
            shapes.append(
                f'<text class="tr-chart-value" x="0" y="{y + 13}">{_escape(column)}: '
                f"{_escape(label)}</text>"
            )
            y += _LABEL_LINE
            if value is not None:
                width = max(Decimal("0.5"), (value / top * 100).quantize(Decimal("0.1")))
                shapes.append(
                    f'<rect class="tr-chart-bar tr-chart-bar--{i % 4}" x="0" y="{y}" '
                    f'width="{width}%" height="{_BAR}"/>'
                )
            y += _BAR + _BAR_GAP
        y += _GROUP_GAP
    title = f"{table.title}: chart"
    svg = (
        f'<figure class="tr-chart">'
        f'<svg width="100%" height="{y}" role="img" aria-label="{_escape(title)}. The table below '
        'gives the same figures." '
        f'xmlns="http://www.w3.org/2000/svg" focusable="false">'
        + "".join(shapes)
        + f"</svg><figcaption>{_escape(table.title)}, by financial year. The figures are in the "
        "table below.</figcaption></figure>"
    )
    return Markup(svg)


def _name(name: str) -> str:
    if len(name) <= _NAME_CHARS:
        return _escape(name)
    short = name[: _NAME_CHARS - 1].rsplit(" ", 1)[0].rstrip(" -,:;") + "\u2026"
    return f"<title>{_escape(name)}</title>{_escape(short)}"


def _escape(text: str) -> str:
    return str(Markup.escape(text))
