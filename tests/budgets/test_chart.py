"""The budget chart: a self-contained SVG (and its HTML twin for PDFs) drawn from a project's totals by source."""
import xml.etree.ElementTree as ET

import pytest
from markupsafe import Markup

from tracker.budgets import chart
from tracker.budgets.models import Figure, FundingSource
from tracker.core.money import short_rials

SVG = "{http://www.w3.org/2000/svg}"
NATIONAL = FundingSource(id=1, code="national", name_fa="اعتبارات ملی", name_en="National credits", position=0)
PROVINCIAL = FundingSource(id=2, code="provincial", name_fa="اعتبارات استانی", name_en="Provincial credits",
                           position=1)
HOSTILE = FundingSource(id=3, code="mp", name_fa="<script>alert('x')</script>", name_en="<b>MP</b> & co",
                        position=2)
BY_SOURCE = [
    (NATIONAL, {Figure.approved: 12_500_000_000, Figure.notified: 10_000_000_000, Figure.allocated: 8_000_000_000,
                Figure.spent: 6_250_000_000}),
    (PROVINCIAL, {Figure.approved: 4_000_000_000, Figure.notified: 3_000_000_000, Figure.allocated: 2_500_000_000,
                  Figure.spent: 2_900_000_000}),
    (HOSTILE, {Figure.approved: 750_000_000, Figure.notified: 0, Figure.allocated: 0, Figure.spent: 0}),
]
LARGEST = 12_500_000_000


def bars(root: ET.Element) -> list[ET.Element]:
    return [rect for rect in root.iter(f"{SVG}rect") if rect.get("class") == "bar"]


def texts(root: ET.Element) -> list[ET.Element]:
    return list(root.iter(f"{SVG}text"))


def test_the_svg_is_self_contained_and_sized(in_language):
    in_language("fa")
    svg = chart.budget_chart_svg(BY_SOURCE)
    assert isinstance(svg, Markup)
    root = ET.fromstring(str(svg))
    assert root.tag == f"{SVG}svg"
    width, height = int(root.get("width")), int(root.get("height"))
    assert root.get("viewBox") == f"0 0 {width} {height}"
    assert root.get("font-family") == "Vazirmatn, sans-serif"
    assert "<script" not in svg and "href" not in svg and "@import" not in svg
    assert all(float(rect.get("y")) + float(rect.get("height")) <= height for rect in root.iter(f"{SVG}rect"))


def test_one_bar_per_source_and_figure_scaled_to_the_largest_amount(in_language):
    in_language("fa")
    root = ET.fromstring(str(chart.budget_chart_svg(BY_SOURCE)))
    drawn = bars(root)
    assert len(drawn) == len(BY_SOURCE) * len(chart.CHART_FIGURES)
    expected = [(figure, sums[figure]) for _, sums in BY_SOURCE for figure in chart.CHART_FIGURES]
    assert [rect.get("data-figure") for rect in drawn] == [figure.value for figure, _ in expected]
    widths = [float(rect.get("width")) for rect in drawn]
    assert max(widths) == pytest.approx(chart.BAR_AREA)
    for width, (_, amount) in zip(widths, expected, strict=True):
        assert width == pytest.approx(chart.BAR_AREA * amount / LARGEST, abs=0.01)
    # Right to left: every bar starts at the right edge and grows leftwards.
    for rect in drawn:
        assert float(rect.get("x")) + float(rect.get("width")) == pytest.approx(chart.WIDTH - chart.PADDING)
    assert all(text.get("direction") == "rtl" and text.get("text-anchor") == "start" for text in texts(root))


def test_labels_are_short_amounts_in_persian_digits_and_the_legend_names_the_figures(in_language):
    in_language("fa")
    root = ET.fromstring(str(chart.budget_chart_svg(BY_SOURCE)))
    shown = [text.text for text in texts(root)]
    assert short_rials(12_500_000_000, "fa") in shown and "۱۲٫۵" in short_rials(12_500_000_000, "fa")
    assert short_rials(2_900_000_000, "fa") in shown
    assert shown[:3] == ["اعتبار مصوب", "اعتبار تخصیص", "هزینه‌کرد"]
    assert "اعتبارات ملی" in shown and "اعتبارات استانی" in shown
    titles = [title.text for title in root.iter(f"{SVG}title")]
    assert "اعتبار مصوب: ۱۲٬۵۰۰٬۰۰۰٬۰۰۰ ریال" in titles


def test_source_names_are_escaped(in_language):
    in_language("fa")
    svg = str(chart.budget_chart_svg(BY_SOURCE))
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in svg
    root = ET.fromstring(svg)
    assert not [element for element in root.iter() if element.tag.endswith("script")]
    assert "<script>alert('x')</script>" in [text.text for text in texts(root)]


def test_english_bars_grow_rightwards_with_english_names(in_language):
    in_language("en")
    root = ET.fromstring(str(chart.budget_chart_svg(BY_SOURCE)))
    assert all(float(rect.get("x")) == chart.PADDING for rect in bars(root))
    assert all(text.get("direction") is None for text in texts(root))
    shown = [text.text for text in texts(root)]
    assert "National credits" in shown and "<b>MP</b> & co" in shown
    assert "12.5 billion rials" in shown and "Approved credit" in shown


def test_all_zero_amounts_draw_empty_bars(in_language):
    in_language("fa")
    root = ET.fromstring(str(chart.budget_chart_svg([(NATIONAL, dict.fromkeys(Figure, 0))])))
    assert [float(rect.get("width")) for rect in bars(root)] == [0.0, 0.0, 0.0]


def test_a_long_source_name_is_shortened_with_the_full_name_in_a_title(in_language):
    in_language("fa")
    long_name = "اعتبار " * 20
    source = FundingSource(id=9, code="long", name_fa=long_name, name_en="Long", position=9)
    root = ET.fromstring(str(chart.budget_chart_svg([(source, {Figure.approved: 1})])))
    group = next(g for g in root.iter(f"{SVG}g") if g.get("class") == "source")
    assert group.find(f"{SVG}title").text == long_name
    assert len(group.find(f"{SVG}text").text) == chart.MAX_NAME_LENGTH


def test_no_source_gives_a_small_svg_with_a_translated_notice(in_language):
    in_language("fa")
    svg = chart.budget_chart_svg([])
    assert isinstance(svg, Markup)
    root = ET.fromstring(str(svg))
    assert int(root.get("height")) < 100 and root.get("viewBox")
    assert [text.text for text in texts(root)] == ["هنوز اعتباری برای این پروژه ثبت نشده است."]
    assert not bars(root)


def test_the_language_argument_overrides_the_ui_language_for_digits_and_direction():
    # Outside a request the UI language is Persian.
    root = ET.fromstring(str(chart.budget_chart_svg(BY_SOURCE[:1], language="fa")))
    assert all(text.get("direction") == "rtl" for text in texts(root))


def test_the_html_twin_draws_the_same_bars_for_weasyprint(in_language):
    in_language("fa")
    html = chart.budget_chart_html(BY_SOURCE)
    assert isinstance(html, Markup)
    root = ET.fromstring(str(html))
    assert root.get("dir") == "rtl"
    drawn = [span for span in root.iter("span") if "bar" in span.get("class", "").split()]
    assert len(drawn) == 9
    assert all(span.get("style") is None for span in root.iter())  # a preview's CSP refuses style attributes
    widths = [int(span.get("class").split("bar w-")[1]) for span in drawn]
    assert max(widths) == 70
    assert widths[2] == round(70 * 6_250_000_000 / LARGEST)
    css = chart.budget_chart_html_css()
    assert ".budget-chart .w-70 { inline-size: 70%; }" in css and ".w-71" not in css
    assert "&lt;script&gt;" in html and "<script" not in html
    assert "هنوز اعتباری" in chart.budget_chart_html([])
