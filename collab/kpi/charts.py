"""Small server-side SVG charts: no JavaScript, no outside service, and the same
markup works on the page and in the PDF. Every label is escaped."""

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

WIDTH, HEIGHT = 560, 220
LEFT, RIGHT, TOP, BOTTOM = 44, 12, 14, 40
COLOURS = ["#1f4e79", "#c2410c", "#15803d", "#7c3aed", "#b91c1c"]


def _x(i: int, n: int) -> float:
    span = WIDTH - LEFT - RIGHT
    return LEFT + (span * (i + 0.5) / n if n else 0)


def _y(value: float, top: float) -> float:
    span = HEIGHT - TOP - BOTTOM
    return HEIGHT - BOTTOM - (span * value / top if top else 0)


def _nice_top(values) -> float:
    peak = max([v for v in values if v is not None] or [0])
    if peak <= 0:
        return 1
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 500, 1000, 2000, 5000, 10000):
        if peak <= step * 4:
            return step * 4
    return peak


def _frame(title: str, labels: list[str], top: float, suffix: str) -> str:
    n = len(labels)
    grid = format_html_join(
        "",
        '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="#e5e7eb" stroke-width="1"/>'
        '<text x="{}" y="{}" font-size="10" fill="#4b5563" text-anchor="end">{}{}</text>',
        (
            (
                LEFT,
                _y(top * k / 4, top),
                WIDTH - RIGHT,
                _y(top * k / 4, top),
                LEFT - 4,
                _y(top * k / 4, top) + 3,
                f"{top * k / 4:g}",
                suffix,
            )
            for k in range(5)
        ),
    )
    ticks = format_html_join(
        "",
        '<text x="{}" y="{}" font-size="10" fill="#4b5563" text-anchor="middle">{}</text>',
        ((_x(i, n), HEIGHT - BOTTOM + 14, label) for i, label in enumerate(labels)),
    )
    return format_html("<title>{}</title>{}{}", title, grid, ticks)


def _legend(series) -> str:
    return format_html_join(
        "",
        '<rect x="{}" y="{}" width="10" height="10" fill="{}"/>'
        '<text x="{}" y="{}" font-size="10" fill="#4b5563">{}</text>',
        (
            (
                LEFT + i * 150,
                HEIGHT - 14,
                COLOURS[i % len(COLOURS)],
                LEFT + i * 150 + 14,
                HEIGHT - 5,
                name,
            )
            for i, (name, _values) in enumerate(series)
        ),
    )


def _svg(body: str, title: str) -> SafeString:
    # Presentation attributes, not a <style>: the page's CSP allows no inline style, and
    # the same SVG goes into the KPI PDF.
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {} {}" width="100%" role="img" '
        'aria-label="{}" class="kpi-chart">{}</svg>',
        WIDTH,
        HEIGHT,
        title,
        body,
    )


def line_chart(title: str, labels: list[str], series, *, percent: bool = False) -> SafeString:
    """`series`: [(name, [value or None per label])]; gaps where a value is None."""
    values = [v for _name, vs in series for v in vs]
    top = 100 if percent else _nice_top(values)
    n = len(labels)
    paths = []
    for index, (_name, vs) in enumerate(series):
        colour = COLOURS[index % len(COLOURS)]
        points = [(_x(i, n), _y(v, top)) for i, v in enumerate(vs) if v is not None]
        if len(points) > 1:
            paths.append(
                format_html(
                    '<polyline fill="none" stroke="{}" stroke-width="2" points="{}"/>',
                    colour,
                    " ".join(f"{x:.1f},{y:.1f}" for x, y in points),
                )
            )
        paths.append(
            format_html_join(
                "",
                '<circle cx="{}" cy="{}" r="3.5" fill="{}" stroke="#fff" stroke-width="1"/>',
                ((f"{x:.1f}", f"{y:.1f}", colour) for x, y in points),
            )
        )
    body = format_html(
        "{}{}{}",
        _frame(title, labels, top, "%" if percent else ""),
        mark_safe("".join(paths)),  # noqa: S308 - built with format_html above
        _legend(series),
    )
    return _svg(body, title)


def bar_chart(title: str, labels: list[str], series) -> SafeString:
    """Grouped bars: `series` = [(name, [count per label])]."""
    values = [v or 0 for _name, vs in series for v in vs]
    top = _nice_top(values)
    n, k = len(labels), max(len(series), 1)
    slot = (WIDTH - LEFT - RIGHT) / (n or 1)
    bar = slot * 0.7 / k
    bars = []
    for index, (_name, vs) in enumerate(series):
        colour = COLOURS[index % len(COLOURS)]
        for i, v in enumerate(vs):
            v = v or 0
            x = LEFT + slot * i + slot * 0.15 + bar * index
            y = _y(v, top)
            bars.append(
                format_html(
                    '<rect x="{}" y="{}" width="{}" height="{}" fill="{}"><title>{}</title></rect>',
                    f"{x:.1f}",
                    f"{y:.1f}",
                    f"{bar:.1f}",
                    f"{HEIGHT - BOTTOM - y:.1f}",
                    colour,
                    v,
                )
            )
    body = format_html(
        "{}{}{}",
        _frame(title, labels, top, ""),
        mark_safe("".join(bars)),  # noqa: S308 - built with format_html above
        _legend(series),
    )
    return _svg(body, title)
