"""Server-side SVG charts: well-formed, escaped, linked, and drawn where the numbers say.

Every chart is parsed as XML, so a test fails on markup a browser would silently repair. Heights
are checked against the chart's own grid lines (each carries its value in data-value), so the
tests hold whatever the margins are.
"""

import xml.etree.ElementTree as ET
from datetime import date, datetime, timedelta

import pytest
from django.template import Context, Template
from django.utils.safestring import SafeString

from metrics.charts import (
    EMPTY_MESSAGE,
    PALETTE,
    Band,
    ChartPoint,
    ScatterPoint,
    Series,
    StripColumn,
    bar_chart,
    fmt_value,
    nice_step,
    nice_ticks,
    run_chart,
    scatter,
    stacked_area,
    strip_chart,
    week_label,
)

SVG = "{http://www.w3.org/2000/svg}"
EVIL = 'Waiting <script>alert("x")</script> & co'


def parse(svg: str) -> ET.Element:
    return ET.fromstring(str(svg))


def all_of(root: ET.Element, tag: str, cls: str | None = None) -> list[ET.Element]:
    found = root.iter(SVG + tag)
    return [e for e in found if cls is None or cls in e.get("class", "").split()]


def texts(root: ET.Element) -> list[str]:
    return ["".join(t.itertext()) for t in all_of(root, "text")]


def value_to_y(root: ET.Element):
    """The chart's own scale, read back from its lowest and highest horizontal grid lines."""
    grid = sorted(
        (float(g.get("data-value")), float(g.get("y1"))) for g in all_of(root, "line", "grid")
    )
    (v0, y0), (v1, y1) = grid[0], grid[-1]
    return lambda v: y0 + (v - v0) * (y1 - y0) / (v1 - v0)


def weeks(values, href=True):
    return [
        ChartPoint(f"2026-W{36 + i:02d}", v, f"/cards/?week={36 + i}&done=1" if href else None)
        for i, v in enumerate(values)
    ]


def cfd_input():
    days = [date(2026, 11, 16) + timedelta(days=i) for i in range(7)]
    series = [
        Series("Received", [10, 12, 14, 15, 18, 20, 21], "/cards/?reached=received"),
        Series("Quoted", [5, 6, 8, 10, 11, 13, 15], "/cards/?reached=quoted"),
        Series("Closed", [1, 2, 2, 4, 5, 7, 9], "/cards/?reached=closed"),
    ]
    return days, series


def every_chart(title="Chart"):
    days, series = cfd_input()
    return {
        "run": run_chart(weeks([3.1, 4.0, None, 2.5]), title=title, y_label="Days"),
        "cfd": stacked_area(days, series, title=title),
        "scatter": scatter(
            [ScatterPoint(date(2026, 11, 17), 2.5, "/cards/1/", "#1")],
            title=title,
            y_label="Days",
            lines={"85%": 6.0},
        ),
        "strip": strip_chart(
            [StripColumn("Received", [ScatterPoint(None, 1.5, "/cards/2/", "#2")])],
            title=title,
            y_label="Age (days)",
        ),
        "bar": bar_chart([ChartPoint("Web", 0.4)], title=title, value_label="Win rate"),
    }


# --------------------------------------------------------------------------- scales and labels


@pytest.mark.parametrize(
    ("raw", "step"),
    [(0.17, 0.2), (1, 1), (1.84, 2), (2, 2), (2.1, 5), (7.4, 10), (246.8, 500), (0, 1)],
)
def test_nice_step_is_the_next_1_2_5_power_of_ten(raw, step):
    assert nice_step(raw) == pytest.approx(step)


@pytest.mark.parametrize(
    ("lo", "hi", "kwargs", "expected"),
    [
        (0, 9.2, {}, [0, 2, 4, 6, 8, 10]),
        (0, 10, {}, [0, 2, 4, 6, 8, 10]),
        (0, 37, {}, [0, 10, 20, 30, 40]),
        (0, 1, {}, [0, 0.2, 0.4, 0.6, 0.8, 1.0]),
        (0, 0.85, {}, [0, 0.2, 0.4, 0.6, 0.8, 1.0]),
        (0, 0.07, {}, [0, 0.02, 0.04, 0.06, 0.08]),
        (0, 1234, {}, [0, 500, 1000, 1500]),
        (-3, 12, {}, [-5, 0, 5, 10, 15]),
        (0, 3, {}, [0, 1, 2, 3]),
        (0, 0, {}, [0, 0.2, 0.4, 0.6, 0.8, 1.0]),
        (0, 2, {"integer": True}, [0, 1, 2]),
        (0, 0, {"integer": True}, [0, 1]),
    ],
)
def test_nice_ticks_are_round_steps_covering_the_range(lo, hi, kwargs, expected):
    assert nice_ticks(lo, hi, **kwargs) == expected


def test_nice_ticks_carry_no_float_noise():
    assert [str(t) for t in nice_ticks(0, 0.7)] == ["0.0", "0.2", "0.4", "0.6", "0.8"]


@pytest.mark.parametrize(
    ("value", "kwargs", "label"),
    [
        (3, {}, "3"),
        (3.14, {}, "3.1"),
        (6.0, {"decimals": 1}, "6.0"),
        (1234.5, {}, "1,234.5"),
        (0.423, {"percent": True}, "42%"),
        (1.0, {"percent": True}, "100%"),
        (0.004, {"percent": True}, "0.4%"),
        (0, {"percent": True}, "0%"),
    ],
)
def test_value_labels_read_as_counts_days_or_percents(value, kwargs, label):
    assert fmt_value(value, **kwargs) == label


def test_iso_weeks_shorten_to_the_week_number():
    assert week_label("2026-W47") == "W47"
    assert week_label("Nov") == "Nov"


# --------------------------------------------------------------------------- every chart


@pytest.mark.parametrize("kind", ["run", "cfd", "scatter", "strip", "bar"])
def test_every_chart_is_an_accessible_scalable_svg(kind):
    svg = every_chart(title="Cycle time & <b>flow</b>")[kind]
    root = parse(svg)

    assert isinstance(svg, SafeString)
    assert root.tag == SVG + "svg"
    # A chart with links is a named group whose links can be reached (issue 14: links inside
    # an image are hidden from screen readers); one without is an image.
    links = all_of(root, "a")
    assert root.get("role") == ("group" if links else "img")
    assert all(a.get("aria-label") for a in links)
    assert all(t.get("aria-hidden") == "true" for t in root.iter(SVG + "text"))
    assert root.get("aria-label") == "Cycle time & <b>flow</b>"
    assert root.find(SVG + "title").text == "Cycle time & <b>flow</b>"
    assert len(root.get("viewBox").split()) == 4
    assert root.get("width") is None  # the stylesheet sizes it to its container
    assert "<b>" not in svg and "&lt;b&gt;" in svg


@pytest.mark.parametrize("kind", ["run", "cfd", "scatter", "strip", "bar"])
def test_every_chart_renders_unchanged_in_an_autoescaping_template(kind):
    svg = every_chart()[kind]
    assert Template("{{ chart }}").render(Context({"chart": svg})) == svg


@pytest.mark.parametrize(
    "render",
    [
        lambda: run_chart([], title="T", y_label="Days"),
        lambda: run_chart(weeks([None, None]), title="T", y_label="Days"),
        lambda: stacked_area([], [], title="T"),
        lambda: stacked_area([date(2026, 11, 16)], [Series("Received", [None])], title="T"),
        lambda: scatter([], title="T", y_label="Days", lines={"85%": 6.0}),
        lambda: scatter([ScatterPoint(None, 2.0)], title="T", y_label="Days", lines=None),
        lambda: strip_chart([StripColumn("Received", [])], title="T", y_label="Age"),
        lambda: strip_chart([], title="T", y_label="Age"),
        lambda: bar_chart([ChartPoint("Web", None)], title="T", value_label="Win rate"),
        lambda: bar_chart([], title="T", value_label="Hours", horizontal=False),
    ],
)
def test_empty_data_says_so_instead_of_failing(render):
    root = parse(render())

    assert texts(root) == [EMPTY_MESSAGE]
    assert root.find(SVG + "title").text == "T"
    assert not all_of(root, "circle") and not all_of(root, "rect") and not all_of(root, "a")


@pytest.mark.parametrize("kind", ["run", "cfd", "scatter", "strip", "bar"])
def test_same_input_gives_the_same_markup(kind):
    assert every_chart()[kind] == every_chart()[kind]


def test_user_text_is_escaped_everywhere_it_appears():
    days, series = cfd_input()
    series[0].name = EVIL
    charts = [
        run_chart([ChartPoint(EVIL, 2.0, "/cards/")], title=EVIL, y_label=EVIL),
        stacked_area(days, series, title="Flow"),
        scatter([ScatterPoint(date(2026, 11, 17), 2.0, None, EVIL)], title="T", y_label="Days"),
        strip_chart(
            [StripColumn(EVIL, [ScatterPoint(None, 1.0, None, EVIL)])], title="T", y_label="Age"
        ),
        bar_chart([ChartPoint(EVIL, 3.5)], title="T", value_label=EVIL),
        bar_chart([ChartPoint(EVIL, 3.5)], title="T", value_label="Hours", horizontal=False),
    ]
    for svg in charts:
        root = parse(svg)
        assert "<script" not in svg
        assert "&lt;script&gt;" in svg and "&amp; co" in svg
        assert not list(root.iter(SVG + "script")) and not list(root.iter("script"))
        # The full text survives for tooltips even where the visible label is shortened.
        assert any(EVIL in "".join(t.itertext()) for t in root.iter(SVG + "title"))


def test_link_targets_are_escaped_and_unsafe_schemes_dropped():
    svg = run_chart(
        [
            ChartPoint("2026-W46", 1.0, '/cards/?week=46&status="open"'),
            ChartPoint("2026-W47", 2.0, "javascript:alert(1)"),
            ChartPoint("2026-W48", 3.0, " JavaScript:alert(1)"),
        ],
        title="T",
        y_label="Cards",
    )
    links = all_of(parse(svg), "a")

    assert [a.get("href") for a in links] == ['/cards/?week=46&status="open"']
    assert "week=46&amp;status=&quot;open&quot;" in svg
    assert "javascript" not in svg.lower()
    assert len(all_of(parse(svg), "circle")) == 3  # the mark stays, only the link goes


# --------------------------------------------------------------------------- run chart


def test_run_chart_has_a_linked_dot_per_week_with_a_value():
    points = weeks([3.1, 4.0, None, 2.5, 5.25])
    root = parse(run_chart(points, title="Cycle time", y_label="Days"))
    dots = all_of(root, "circle", "dot")
    links = all_of(root, "a")
    y = value_to_y(root)

    assert len(dots) == 4
    assert [a.get("href") for a in links] == [p.href for p in points if p.value is not None]
    assert [a.find(SVG + "circle") is not None for a in links] == [True] * 4
    assert [float(d.get("cy")) for d in dots] == pytest.approx(
        [y(3.1), y(4.0), y(2.5), y(5.25)], abs=0.06
    )
    tips = [d.find(SVG + "title").text for d in dots]
    assert tips[3] == "2026-W40 · Days: 5.25"


def test_run_chart_labels_weeks_briefly_and_breaks_the_line_at_a_missing_week():
    root = parse(run_chart(weeks([3.1, 4.0, None, 2.5, 5.0]), title="T", y_label="Days"))

    assert {"W36", "W38", "W40"} <= set(texts(root))
    assert not any("2026-W" in t for t in texts(root))
    assert len(all_of(root, "polyline", "run-line")) == 2


def test_run_chart_median_line_sits_at_the_median():
    root = parse(run_chart(weeks([1.2, 2.0, None, 8.0, 4.4]), title="T", y_label="Days"))
    (median,) = all_of(root, "line", "median")

    assert float(median.get("y1")) == pytest.approx(value_to_y(root)(3.2), abs=0.06)
    assert median.get("stroke-dasharray")
    assert "median 3.2" in texts(root)


def test_run_chart_median_of_counts_reads_as_a_count():
    root = parse(run_chart(weeks([1, 2, 8, 4, 3]), title="T", y_label="Cards"))
    assert "median 3" in texts(root)


def test_run_chart_without_median_draws_none():
    root = parse(run_chart(weeks([1.0, 2.0]), title="T", y_label="Days", median=False))
    assert not all_of(root, "line", "median")


def test_run_chart_thins_week_labels_but_always_names_the_latest():
    root = parse(run_chart(weeks([1.0] * 52, href=False), title="T", y_label="Cards"))
    labels = [t for t in texts(root) if t.startswith("W")]

    assert 8 <= len(labels) < 26
    assert labels[-1] == "W87"  # 36 + 51: labels are plain strings, not real weeks, here


# --------------------------------------------------------------------------- cumulative flow


def test_cfd_draws_a_polygon_per_status_in_process_order_with_a_legend_entry_each():
    days, series = cfd_input()
    root = parse(stacked_area(days, series, title="Cumulative flow"))
    polygons = all_of(root, "polygon", "band")
    legend = [g for g in root.iter(SVG + "g") if g.get("class") == "legend-item"]

    assert [p.get("data-series") for p in polygons] == ["0", "1", "2"]
    assert [p.get("fill") for p in polygons] == list(PALETTE[:3])
    assert ["".join(g.find(SVG + "text").itertext()) for g in legend] == [
        "Received",
        "Quoted",
        "Closed",
    ]
    assert [g.find(SVG + "rect").get("fill") for g in legend] == list(PALETTE[:3])
    hrefs = [a.get("href") for a in all_of(root, "a") if a.find(SVG + "polygon") is not None]
    assert hrefs == [s.href for s in series]
    assert polygons[2].find(SVG + "title").text == "Closed: 9 cards by 22 Nov"


def test_cfd_band_tops_follow_the_cumulative_counts():
    days, series = cfd_input()
    root = parse(stacked_area(days, series, title="Cumulative flow"))
    y = value_to_y(root)

    for polygon, s in zip(all_of(root, "polygon", "band"), series, strict=True):
        points = [tuple(map(float, p.split(","))) for p in polygon.get("points").split()]
        tops = [py for _, py in points[: len(days)]]
        assert tops == pytest.approx([y(v) for v in s.values], abs=0.06)
        assert points[len(days) :] == [(points[len(days) - 1][0], y(0)), (points[0][0], y(0))]


def test_cfd_dates_read_day_and_month():
    days, series = cfd_input()
    labels = texts(parse(stacked_area(days, series, title="T")))
    assert "16 Nov" in labels and "22 Nov" in labels


# --------------------------------------------------------------------------- scatter and strip


def test_scatter_has_a_linked_dot_per_card_and_percentile_lines_at_their_height():
    points = [
        ScatterPoint(datetime(2026, 11, 16 + i % 7, 10), y, f"/cards/{i}/", f"#{i}")
        for i, y in enumerate([0.5, 1.2, 3.1, 4.4, 6.0, 7.5, 9.2, 2.2])
    ]
    lines = {"50%": 3.1, "85%": 6.0, "95%": 9.2}
    root = parse(scatter(points, title="Cycle time", y_label="Days", lines=lines))
    y = value_to_y(root)
    ref = all_of(root, "line", "ref-line")

    assert [float(g.get("data-value")) for g in all_of(root, "line", "grid")] == [0, 2, 4, 6, 8, 10]
    assert len(all_of(root, "circle", "dot")) == 8
    assert [a.get("href") for a in all_of(root, "a")] == [p.href for p in points]
    assert {float(line.get("data-value")): float(line.get("y1")) for line in ref} == pytest.approx(
        {3.1: y(3.1), 6.0: y(6.0), 9.2: y(9.2)}, abs=0.06
    )
    assert {"50% 3.1", "85% 6.0", "95% 9.2"} <= set(texts(root))
    assert all_of(root, "circle")[0].find(SVG + "title").text == "#0: 0.5 (Days), 16 Nov 10:00"


def test_scatter_places_cards_by_their_day_between_midnight_ticks():
    points = [ScatterPoint(date(2026, 11, 16), 1.0), ScatterPoint(datetime(2026, 11, 18, 12), 2.0)]
    root = parse(scatter(points, title="T", y_label="Days"))
    ticks = {}
    for label in all_of(root, "text", "x-label"):
        ticks[label.text] = float(label.get("x"))
    first, second = (float(c.get("cx")) for c in all_of(root, "circle"))

    assert list(ticks) == ["16 Nov", "17 Nov", "18 Nov", "19 Nov"]
    assert first == pytest.approx(ticks["16 Nov"], abs=0.06)
    assert second == pytest.approx((ticks["18 Nov"] + ticks["19 Nov"]) / 2, abs=0.06)


def test_strip_chart_puts_each_card_in_its_status_column():
    columns = [
        StripColumn("Received", [ScatterPoint(None, a, f"/cards/{a}/", "c") for a in (1, 2, 2, 2)]),
        StripColumn("Quoted", []),
        StripColumn(
            "Agreed", [ScatterPoint(None, 12.5, "/cards/9/", "#9"), ScatterPoint(None, None)]
        ),
    ]
    root = parse(strip_chart(columns, title="Aging WIP", y_label="Age (days)", lines={"85%": 6}))
    separators = [float(s.get("x1")) for s in all_of(root, "line", "sep")]
    dots = all_of(root, "circle", "dot")
    y = value_to_y(root)

    assert [t.text for t in all_of(root, "text", "x-label")] == ["Received", "Quoted", "Agreed"]
    assert len(dots) == 5 and len(all_of(root, "a")) == 5
    assert all(float(d.get("cx")) < separators[0] for d in dots[:4])
    assert float(dots[4].get("cx")) > separators[1]
    assert len({d.get("cx") for d in dots[1:4]}) == 3  # equal ages are spread, not stacked
    assert float(dots[4].get("cy")) == pytest.approx(y(12.5), abs=0.06)
    assert dots[4].find(SVG + "title").text == "#9: 12.5 (Age (days)) in Agreed"


def test_a_scatter_of_thousands_links_each_week_once_and_draws_a_bounded_cloud():
    # Issue 22: 4,028 linked dots with tooltips made the weekly dashboard weigh 1.13 MB.
    monday = datetime(2026, 11, 2)
    bands = [
        Band(monday + timedelta(weeks=k), monday + timedelta(weeks=k + 1), f"W{45 + k}: cards",
             f"/cards/?week={45 + k}")
        for k in range(3)
    ]  # fmt: skip
    points = [
        ScatterPoint(monday + timedelta(hours=i), (i * 37) % 101 / 4, f"/cards/{i}/", f"#{i}")
        for i in range(3 * 7 * 24)
    ]
    svg = scatter(points, title="Cycle time", y_label="Days", bands=bands)
    root = parse(svg)
    (cloud,) = all_of(root, "path", "dots")
    drawn = cloud.get("d").count("M")
    y = value_to_y(root)
    heights = sorted(float(m.split()[1][: -len("h0")]) for m in cloud.get("d").split("M")[1:])

    assert [a.get("href") for a in all_of(root, "a")] == [b.href for b in bands]
    assert [a.get("aria-label") for a in all_of(root, "a")] == [b.label for b in bands]
    assert not all_of(root, "circle") and cloud.get("aria-hidden") == "true"
    assert 100 < drawn <= 480
    # The lowest and the highest card are among the dots drawn.
    assert heights[0] == pytest.approx(y(max(p.y for p in points)), abs=0.06)
    assert heights[-1] == pytest.approx(y(0), abs=0.06)
    assert len(svg) < 20_000


def test_a_strip_chart_of_thousands_links_each_status_once():
    columns = [
        StripColumn(name, [ScatterPoint(None, i % 40, f"/cards/{i}/", "c") for i in range(900)],
                    f"/cards/?status={name}")
        for name in ("Received", "Quoted")
    ]  # fmt: skip
    root = parse(strip_chart(columns, title="Aging WIP", y_label="Age (days)"))

    assert [a.get("href") for a in all_of(root, "a")] == [c.href for c in columns]
    assert len(all_of(root, "path", "dots")) == 2 and not all_of(root, "circle")
    assert sum(p.get("d").count("M") for p in all_of(root, "path", "dots")) <= 480


# --------------------------------------------------------------------------- bars


def test_bar_chart_writes_values_on_proportional_linked_bars():
    bars = [
        ChartPoint("Waiting for client", 14.5, "/cards/?reason=1"),
        ChartPoint("Credit check", 6, "/cards/?reason=2"),
        ChartPoint("Other", None, "/cards/?reason=3"),
    ]
    root = parse(bar_chart(bars, title="Blocked", value_label="Blocked hours"))
    rects = all_of(root, "rect", "bar")
    values = [t.text for t in all_of(root, "text", "bar-value")]

    assert len(rects) == 2
    assert [a.get("href") for a in all_of(root, "a")] == ["/cards/?reason=1", "/cards/?reason=2"]
    assert float(rects[0].get("width")) / float(rects[1].get("width")) == pytest.approx(
        14.5 / 6, rel=0.01
    )
    assert values == ["14.5", "6.0", "—"]
    assert rects[0].find(SVG + "title").text == "Waiting for client · Blocked hours: 14.5"


def test_bar_chart_counts_stay_whole_numbers():
    bars = [ChartPoint("Received", 3), ChartPoint("Quoted", 1)]
    root = parse(bar_chart(bars, title="SLA breaches", value_label="Breaches"))

    assert [t.text for t in all_of(root, "text", "bar-value")] == ["3", "1"]
    assert [t.text for t in all_of(root, "text", "tick")] == ["0", "1", "2", "3"]


def test_bar_chart_in_percent_shows_shares_as_percents():
    bars = [ChartPoint("Web", 0.42), ChartPoint("Referral", 1.0), ChartPoint("Fair", 0.0)]
    root = parse(
        bar_chart(bars, title="Win rate", value_label="Win rate", horizontal=False, percent=True)
    )
    rects = all_of(root, "rect", "bar")
    y = value_to_y(root)

    assert [t.text for t in all_of(root, "text", "bar-value")] == ["42%", "100%", "0%"]
    assert [t.text for t in all_of(root, "text", "tick")][-1] == "100%"
    assert float(rects[0].get("y")) == pytest.approx(y(0.42), abs=0.06)
    assert float(rects[0].get("y")) + float(rects[0].get("height")) == pytest.approx(y(0), abs=0.1)
    assert rects[0].find(SVG + "title").text == "Web · Win rate: 42%"


def test_bar_chart_shortens_long_labels_but_keeps_them_in_the_tooltip():
    long = "Waiting for the client's purchasing department to sign the framework agreement"
    root = parse(bar_chart([ChartPoint(long, 2.0)], title="T", value_label="Hours"))
    (label,) = [g for g in root.iter(SVG + "g") if g.get("class") == "bar-label"]

    assert label.find(SVG + "title").text == long
    assert label.find(SVG + "text").text.endswith("…")
    assert len(label.find(SVG + "text").text) < len(long)


def test_a_shortened_label_ends_at_a_word_so_its_link_name_contains_it():
    # WCAG 2.5.3: axe compares whole words; "Awaiting pa…" is not part of "Awaiting payment".
    columns = [StripColumn(f"Awaiting payment {i}", [], f"/cards/?s={i}") for i in range(6)]
    columns[0].values = [ScatterPoint(None, 1.0)]
    root = parse(strip_chart(columns, title="Aging WIP", y_label="Age (days)"))
    (first, *_) = all_of(root, "a")
    shown = "".join(first.itertext())

    assert shown.endswith("…") and shown != "…"
    assert first.get("aria-label").startswith(shown[:-1])
    assert first.get("aria-label").split()[: len(shown[:-1].split())] == shown[:-1].split()
