"""The weekly dashboard's readability (issue 14, point 7): trend ticks big enough to read, a
change arrow coloured by the metric's direction, chart links that can be reached."""

import re

import pytest
import time_machine

from metrics.charts import ChartPoint, run_chart
from metrics.charts.run import COMPACT_WIDTH
from metrics.dashboards.headlines import change_of
from metrics.services import weekly_snapshots_catch_up
from tests.metrics.test_flow_metrics import NOW, history  # noqa: F401 (a fixture)
from tests.metrics.test_weekly_dashboard import URL, login

# The narrowest headline box: a 260 px grid column less 2 x 14 px of padding.
NARROWEST_TREND_PX = 232


def test_a_headline_trend_keeps_its_tick_labels_at_least_10px():
    svg = run_chart(
        [ChartPoint(f"2026-W{w}", w % 5, f"/c/?w={w}") for w in range(36, 48)],
        title="Intake",
        y_label="cards",
        compact=True,
    )
    view_width = float(re.search(r'viewBox="0 0 ([\d.]+)', svg)[1])
    font_size = float(re.search(r'font-size="([\d.]+)"', svg)[1])
    assert view_width == COMPACT_WIDTH
    assert font_size * NARROWEST_TREND_PX / view_width >= 10
    assert 'role="group"' in svg and 'aria-label="2026-W47 · cards: 2"' in svg


@pytest.mark.parametrize(
    "slug, kind, value, previous, arrow, tone",
    [
        ("throughput", "count", 12, 9, "▲", "better"),
        ("cycle_p85", "days", 6.0, 7.5, "▼", "better"),
        ("sla_breaches", "count", 4, 1, "▲", "worse"),
        ("win_rate", "share", 0.4, 0.5, "▼", "worse"),
        ("intake", "count", 30, 20, "▲", "neutral"),
        ("wip", "count", 8, 8, "→", "neutral"),
    ],
)
def test_a_headline_change_is_judged_by_the_metrics_direction(
    slug, kind, value, previous, arrow, tone
):
    change = change_of(slug, kind, value, previous)
    assert (change.arrow, change.tone) == (arrow, tone)
    assert tone in change.text or tone == "neutral"
    assert change_of(slug, kind, value, None) is None


def test_the_page_shows_each_change_and_reachable_chart_links(history, o2c, alice):  # noqa: F811
    with time_machine.travel(NOW, tick=False):
        weekly_snapshots_catch_up(now=NOW)
        html = login(alice).get(URL).content.decode()
    assert html.count('class="headline-change change-') >= 10
    assert "from the previous week" in html
    assert 'class="chart chart-run chart-compact"' in html
    # No link inside an image: charts with links are named groups.
    for svg in re.findall(r"<svg[^>]*>.*?</svg>", html, flags=re.S):
        assert not ('role="img"' in svg.split(">", 1)[0] and "<a " in svg)
