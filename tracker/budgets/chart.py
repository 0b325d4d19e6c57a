"""A project's credit by funding source as a server-rendered bar chart: SVG for pages, HTML for PDFs."""
# Both renderings draw the same bars: approved / allocated / spent per source, scaled to the largest
# amount, labelled with short amounts. WeasyPrint 70 draws SVG <text> code point by code point in
# logical order (Kozea/WeasyPrint#2909), which mirrors Persian words, so a PDF uses budget_chart_html.
from dataclasses import dataclass

from markupsafe import Markup, escape

from tracker.budgets.forms import FIGURE_LABELS
from tracker.budgets.models import Figure, FundingSource
from tracker.core.i18n import current_language, gettext
from tracker.core.money import short_rials
from tracker.core.persian import format_number

CHART_FIGURES = (Figure.approved, Figure.allocated, Figure.spent)
COLOURS = {Figure.approved: "#9db4d3", Figure.allocated: "#3b6ea5", Figure.spent: "#e07b39"}
FONT_FAMILY = "Vazirmatn, sans-serif"

WIDTH = 640
PADDING = 16
LEGEND_HEIGHT = 30
LEGEND_ITEM_WIDTH = 150
SWATCH = 12
NAME_HEIGHT = 20
BAR_HEIGHT = 14
BAR_GAP = 4
GROUP_GAP = 14
LABEL_WIDTH = 150  # room beside the longest bar for its short amount
BAR_AREA = WIDTH - 2 * PADDING - LABEL_WIDTH
MAX_NAME_LENGTH = 70
GROUP_HEIGHT = NAME_HEIGHT + len(CHART_FIGURES) * (BAR_HEIGHT + BAR_GAP) - BAR_GAP + GROUP_GAP


@dataclass(frozen=True)
class Bar:
    """One figure of one source: its amount, its share of the largest amount, and its labels."""

    figure: Figure
    amount: int
    fraction: float
    short: str
    full: str


@dataclass(frozen=True)
class Group:
    """A source's name and its bars."""

    name: str
    bars: list[Bar]


def _figure_labels() -> dict[Figure, str]:
    """The legend's labels (the same messages as the cell form and the exports)."""
    return {figure: str(FIGURE_LABELS[figure]) for figure in (Figure.approved, Figure.allocated, Figure.spent)}


def chart_groups(by_source: list[tuple[FundingSource, dict[Figure, int]]], language: str) -> list[Group]:
    """The bars of each source, scaled so that the largest amount fills the bar area."""
    largest = max((sums.get(figure, 0) for _, sums in by_source for figure in CHART_FIGURES), default=0)
    labels = _figure_labels()
    rials = gettext("rials")
    groups = []
    for source, sums in by_source:
        bars = []
        for figure in CHART_FIGURES:
            amount = sums.get(figure, 0)
            bars.append(Bar(figure, amount, amount / largest if largest else 0.0, short_rials(amount, language),
                            f"{labels[figure]}: {format_number(amount, language)} {rials}"))
        groups.append(Group(source.name(language), bars))
    return groups


def _shorten(name: str) -> str:
    """A source name cut to fit on the chart's line."""
    return name if len(name) <= MAX_NAME_LENGTH else name[: MAX_NAME_LENGTH - 1] + "…"


def _text(x: float, y: float, content: str, rtl: bool, size: int, anchor: str = "start", **attributes) -> str:
    """An escaped <text> anchored at x; with direction rtl, "start" is its right end."""
    extra = "".join(f' {name.replace("_", "-")}="{escape(value)}"' for name, value in attributes.items())
    direction = ' direction="rtl"' if rtl else ""
    return (f'<text x="{x:.1f}" y="{y:.1f}"{direction} text-anchor="{anchor}" font-size="{size}"{extra}>'
            f"{escape(content)}</text>")


def budget_chart_svg(by_source: list[tuple[FundingSource, dict[Figure, int]]],
                     language: str | None = None) -> Markup:
    """A self-contained SVG of approved / allocated / spent per source; a short notice when there is none."""
    language = language or current_language()
    rtl = language == "fa"
    title = gettext("Credit")
    if not by_source:
        height = 48
        return Markup(
            f'<svg xmlns="http://www.w3.org/2000/svg" class="budget-chart budget-chart-empty" width="{WIDTH}" '
            f'height="{height}" viewBox="0 0 {WIDTH} {height}" role="img" font-family="{FONT_FAMILY}">'
            f"<title>{escape(title)}</title>"
            + _text(WIDTH / 2, 29, gettext("No credit recorded for this project yet."), rtl, 14, anchor="middle",
                    fill="#666666")
            + "</svg>"
        )
    groups = chart_groups(by_source, language)
    height = 2 * PADDING + LEGEND_HEIGHT + len(groups) * GROUP_HEIGHT - GROUP_GAP
    # In Persian the bars grow leftwards from the right edge; in English rightwards from the left one.
    origin = WIDTH - PADDING if rtl else PADDING
    step = -1 if rtl else 1
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="budget-chart" width="{WIDTH}" height="{height}" '
        f'viewBox="0 0 {WIDTH} {height}" role="img" font-family="{FONT_FAMILY}" fill="#222222">',
        f"<title>{escape(title)}</title>",
    ]
    labels = _figure_labels()
    for i, figure in enumerate(CHART_FIGURES):
        start = origin + step * i * LEGEND_ITEM_WIDTH
        swatch_x = start - SWATCH if rtl else start
        parts.append(f'<rect class="legend" x="{swatch_x:.1f}" y="{PADDING:.1f}" width="{SWATCH}" '
                     f'height="{SWATCH}" fill="{COLOURS[figure]}"/>')
        parts.append(_text(start + step * (SWATCH + 6), PADDING + SWATCH - 1, labels[figure], rtl, 12))
    top = PADDING + LEGEND_HEIGHT
    parts.append(f'<line x1="{origin:.1f}" y1="{top + NAME_HEIGHT - 2:.1f}" x2="{origin:.1f}" '
                 f'y2="{height - PADDING + 2:.1f}" stroke="#999999" stroke-width="1"/>')
    for g, group in enumerate(groups):
        y = top + g * GROUP_HEIGHT
        full_name = f"<title>{escape(group.name)}</title>" if len(group.name) > MAX_NAME_LENGTH else ""
        parts.append(f'<g class="source">{full_name}'
                     + _text(origin, y + 14, _shorten(group.name), rtl, 13, font_weight="bold"))
        for b, bar in enumerate(group.bars):
            bar_y = y + NAME_HEIGHT + b * (BAR_HEIGHT + BAR_GAP)
            width = bar.fraction * BAR_AREA
            x = origin - width if rtl else origin
            parts.append(
                f'<rect class="bar" data-figure="{bar.figure.value}" x="{x:.2f}" y="{bar_y:.1f}" '
                f'width="{width:.2f}" height="{BAR_HEIGHT}" fill="{COLOURS[bar.figure]}">'
                f"<title>{escape(bar.full)}</title></rect>"
            )
            parts.append(_text(origin + step * (width + 6), bar_y + BAR_HEIGHT - 3, bar.short, rtl, 11,
                               fill="#444444"))
        parts.append("</g>")
    parts.append("</svg>")
    return Markup("".join(parts))


# The HTML chart's longest bar takes this share of the line, leaving room for its amount beside it.
HTML_BAR_SHARE = 70


def budget_chart_html_css() -> str:
    """The HTML chart's stylesheet, for the brief's (classes only: a page's CSP allows no style attribute)."""
    colours = "\n".join(f'.budget-chart [data-figure="{figure.value}"] {{ background: {colour}; }}'
                         for figure, colour in COLOURS.items())
    widths = "\n".join(f".budget-chart .w-{n} {{ inline-size: {n}%; }}" for n in range(HTML_BAR_SHARE + 1))
    return f"""\
.budget-chart {{ font-family: {FONT_FAMILY}; font-size: 9pt; }}
.budget-chart .legend {{ margin-block-end: 4pt; }}
.budget-chart .legend-item {{ margin-inline-end: 14pt; white-space: nowrap; }}
.budget-chart .swatch {{ display: inline-block; inline-size: 8pt; block-size: 8pt; margin-inline-end: 3pt; }}
.budget-chart .source {{ font-weight: bold; margin-block-start: 5pt; }}
.budget-chart .bar-line {{ white-space: nowrap; line-height: 11pt; }}
.budget-chart .bar {{ display: inline-block; vertical-align: middle; block-size: 8pt; }}
.budget-chart .amount {{ color: #444444; }}
{colours}
{widths}
"""


def budget_chart_html(by_source: list[tuple[FundingSource, dict[Figure, int]]],
                      language: str | None = None) -> Markup:
    """The same chart as HTML styled by budget_chart_html_css, for WeasyPrint; a short notice when there is none."""
    language = language or current_language()
    direction = "rtl" if language == "fa" else "ltr"
    if not by_source:
        return Markup(f'<p class="budget-chart budget-chart-empty" dir="{direction}">'
                      f"{escape(gettext('No credit recorded for this project yet.'))}</p>")
    labels = _figure_labels()
    legend = "".join(
        f'<span class="legend-item"><span class="swatch" data-figure="{figure.value}"></span>'
        f"{escape(labels[figure])}</span>"
        for figure in CHART_FIGURES
    )
    rows = []
    for group in chart_groups(by_source, language):
        rows.append(f'<div class="source">{escape(group.name)}</div>')
        for bar in group.bars:
            rows.append(
                f'<div class="bar-line"><span class="bar w-{round(HTML_BAR_SHARE * bar.fraction)}" '
                f'data-figure="{bar.figure.value}" title="{escape(bar.full)}"></span> '
                f'<span class="amount">{escape(bar.short)}</span></div>'
            )
    return Markup(
        f'<div class="budget-chart" dir="{direction}">'
        f'<div class="legend">{legend}</div>'
        f'{"".join(rows)}</div>'
    )
